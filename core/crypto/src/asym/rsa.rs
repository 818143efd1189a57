//! RSA: key generation, PKCS#1 v1.5 / PSS signatures, PKCS#1 v1.5 / OAEP encryption and raw
//! (`TEE_ALG_RSA_NOPAD`) exponentiation.
//!
//! Private-key operations (signing, decryption) are ours: the exponentiation is
//! `oxtee_crypto_fast::rsa::private_crt`, CRT on the constant-time Montgomery arithmetic that
//! DH uses (no branch or memory access depends on the input, the key's secret values or the
//! result), checked with the public exponent before anything leaves, so a fault gives
//! `TEE_ERROR_GENERIC` rather than a signature that factors n. The encodings on top of it are
//! here (RFC 8017): EMSA-PKCS1-v1_5 and EMSA-PSS for signing; EME-PKCS1-v1_5 and EME-OAEP
//! decoding, which run in constant time up to their verdict and report every failure (bad
//! length, value ≥ n, any padding error) as one code, `TEE_ERROR_BAD_PARAMETERS` as OP-TEE does.
//! With nothing input-dependent left in the timing, the private operation is not blinded.
//!
//! Public-key operations (verification, encryption), key generation and the parsing and
//! checking of key attributes are ours too, on [`super::bigint`] and the same Montgomery code:
//! the public exponentiation is square-and-multiply over e's bits. Signature verification
//! re-encodes the expected `EMSA-PKCS1-v1_5` block and compares whole blocks, so forged
//! paddings (the Bleichenbacher-style signature forgery xtest 4011 builds) are rejected with
//! `TEE_ERROR_SIGNATURE_INVALID`; PSS is checked as RFC 8017 §9.1.2 says.
//!
//! Key generation: two probable primes of half the size each, top two bits set, p−1 and q−1
//! coprime to e, found by a sieve over the first 255 odd primes and Miller–Rabin with the
//! rounds FIPS 186-5 Table B.1 asks for (more for the small keys below 2048 bits that OP-TEE
//! still accepts); |p−q| > 2^(nlen/2−100); d = e⁻¹ mod λ(n). Public exponents: odd, 3 ≤ e <
//! 2^33, as before.
//!
//! Residual risk: key setup is not constant-time. At every operation the key object's
//! attributes are parsed and checked (p·q = n, d·e ≡ 1 mod p−1 and q−1, the given CRT values)
//! with variable-time division, and keys without primes are factored; the Miller–Rabin
//! verdicts of key generation branch on the candidate. That timing depends on the key only,
//! never on the message or ciphertext; q⁻¹ mod p, when derived, uses the constant-time
//! exponentiation (Fermat).

use alloc::vec::Vec;
use oxtee_crypto_fast::modexp::Montgomery;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeLess};
use zeroize::Zeroizing;

use crate::digest::hasher_of;

use super::bigint::{gcd, generate_prime, inv_mod_odd, inv_mod_prime, mul_mod_odd, Uint};
use super::hash::HashAlg;
use super::{AsymResult, CryptoRngCore, BAD_PARAMS, NOT_SUPPORTED, SIG_INVALID};

/// Smallest modulus OP-TEE accepts (bits).
pub const RSA_MIN_BITS: u32 = 256;
/// Largest modulus OP-TEE's Debian build accepts (`CFG_CORE_BIGNUM_MAX_BITS`).
pub const RSA_MAX_BITS: u32 = 4096;
/// Public exponent used by key generation when the caller gives none.
pub const RSA_DEFAULT_EXPONENT: u32 = 65537;
/// Largest public exponent accepted (2^33 − 1, as before).
const RSA_MAX_EXPONENT: u64 = (1 << 33) - 1;

/// An RSA public key.
#[derive(Clone, Debug)]
pub struct RsaPublicKey {
    n: Uint,
    e: Uint,
}

/// An RSA key pair (private exponent, primes and CRT values are zeroized on drop).
#[derive(Clone)]
pub struct RsaKeyPair {
    public: RsaPublicKey,
    d: Uint,
    p: Uint,
    q: Uint,
    dp: Uint,
    dq: Uint,
    qinv: Uint,
}

impl core::fmt::Debug for RsaKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaKeyPair")
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

/// All attributes of an RSA key pair as big-endian byte strings (GP `TEE_ATTR_RSA_*`).
pub struct RsaComponents {
    /// `TEE_ATTR_RSA_MODULUS`.
    pub n: Vec<u8>,
    /// `TEE_ATTR_RSA_PUBLIC_EXPONENT`.
    pub e: Vec<u8>,
    /// `TEE_ATTR_RSA_PRIVATE_EXPONENT`.
    pub d: Zeroizing<Vec<u8>>,
    /// `TEE_ATTR_RSA_PRIME1`.
    pub p: Zeroizing<Vec<u8>>,
    /// `TEE_ATTR_RSA_PRIME2`.
    pub q: Zeroizing<Vec<u8>>,
    /// `TEE_ATTR_RSA_EXPONENT1` (d mod (p-1)).
    pub dp: Zeroizing<Vec<u8>>,
    /// `TEE_ATTR_RSA_EXPONENT2` (d mod (q-1)).
    pub dq: Zeroizing<Vec<u8>>,
    /// `TEE_ATTR_RSA_COEFFICIENT` (q^-1 mod p).
    pub qinv: Zeroizing<Vec<u8>>,
}

/// Signature scheme of a `TEE_ALG_RSASSA_*` algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaSignScheme {
    /// `EMSA-PKCS1-v1_5` with a `DigestInfo` for the hash.
    Pkcs1v15(HashAlg),
    /// `TEE_ALG_RSASSA_PKCS1_V1_5_MD5SHA1`: 36-byte MD5‖SHA-1 digest, no `DigestInfo`.
    Pkcs1v15Md5Sha1,
    /// `TEE_ALG_RSASSA_PKCS1_V1_5` (OP-TEE extension): the caller's bytes are padded as they
    /// are, without `DigestInfo`, whatever their length (up to the modulus size - 11).
    Pkcs1v15Raw,
    /// `EMSA-PSS` with MGF1 of the same hash and the given salt length
    /// (`TEE_ATTR_RSA_PSS_SALT_LENGTH`; GP default: the digest length).
    Pss {
        /// Message digest and MGF1 hash.
        hash: HashAlg,
        /// Salt length in bytes.
        salt_len: usize,
    },
}

impl RsaSignScheme {
    /// Scheme for a `TEE_ALG_RSASSA_*` ID; `pss_salt_len` is the value of
    /// `TEE_ATTR_RSA_PSS_SALT_LENGTH` if the caller passed it.
    pub fn from_alg(alg: u32, pss_salt_len: Option<u32>) -> AsymResult<Self> {
        if alg & 0xFF != 0x30 || (alg >> 28 != 0x7 && alg >> 28 != 0xF) {
            return Err(NOT_SUPPORTED);
        }
        if alg == 0xF000_0830 {
            return Ok(Self::Pkcs1v15Raw);
        }
        match (alg >> 8) & 0xF {
            0x8 if (alg >> 12) & 0xF == 0xF => Ok(Self::Pkcs1v15Md5Sha1),
            0x8 => Ok(Self::Pkcs1v15(HashAlg::from_sig_alg(alg)?)),
            0x9 => {
                let hash = HashAlg::from_sig_alg(alg)?;
                let salt_len = match pss_salt_len {
                    Some(l) => usize::try_from(l).map_err(|_| BAD_PARAMS)?,
                    None => hash.output_len(),
                };
                Ok(Self::Pss { hash, salt_len })
            }
            _ => Err(NOT_SUPPORTED),
        }
    }

    /// Length the digest passed to sign/verify must have (`None`: any length).
    pub fn digest_len(&self) -> Option<usize> {
        match self {
            Self::Pkcs1v15(h) => Some(h.output_len()),
            Self::Pkcs1v15Md5Sha1 => Some(36),
            Self::Pkcs1v15Raw => None,
            Self::Pss { hash, .. } => Some(hash.output_len()),
        }
    }

    fn check_digest(&self, digest: &[u8]) -> AsymResult<()> {
        match self.digest_len() {
            Some(n) if n != digest.len() => Err(BAD_PARAMS),
            _ => Ok(()),
        }
    }
}

/// Encryption scheme of a `TEE_ALG_RSAES_*` / `TEE_ALG_RSA_NOPAD` algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RsaCipherScheme {
    /// Raw RSA (`TEE_ALG_RSA_NOPAD`). As in OP-TEE, output has its leading zero bytes removed
    /// (one zero byte is kept for an all-zero result).
    NoPad,
    /// `RSAES-PKCS1-v1_5`.
    Pkcs1v15,
    /// `RSAES-OAEP`.
    Oaep {
        /// Hash of the label and of the OAEP encoding (from the algorithm ID).
        hash: HashAlg,
        /// MGF1 hash (`TEE_ATTR_RSA_OAEP_MGF_HASH`, default: `hash`).
        mgf_hash: HashAlg,
        /// `TEE_ATTR_RSA_OAEP_LABEL` (empty: no label).
        label: Vec<u8>,
    },
}

impl RsaCipherScheme {
    /// Scheme for a `TEE_ALG_RSAES_*` or `TEE_ALG_RSA_NOPAD` ID. `mgf_hash_alg` is the digest
    /// algorithm ID carried by `TEE_ATTR_RSA_OAEP_MGF_HASH` (e.g. `TEE_ALG_SHA1`), `label` the
    /// `TEE_ATTR_RSA_OAEP_LABEL` bytes.
    pub fn from_alg(alg: u32, label: &[u8], mgf_hash_alg: Option<u32>) -> AsymResult<Self> {
        if alg & 0xFF != 0x30 || (alg >> 28 != 0x6 && alg >> 28 != 0xF) {
            return Err(NOT_SUPPORTED);
        }
        match (alg >> 8) & 0xF {
            0x0 if alg == 0x6000_0030 => Ok(Self::NoPad),
            0x1 if alg == 0x6000_0130 => Ok(Self::Pkcs1v15),
            0x2 => {
                let hash = HashAlg::from_internal_field(alg)?;
                let mgf_hash = match mgf_hash_alg {
                    Some(a) => HashAlg::from_tee_alg(a)?,
                    None => hash,
                };
                Ok(Self::Oaep {
                    hash,
                    mgf_hash,
                    label: label.to_vec(),
                })
            }
            _ => Err(NOT_SUPPORTED),
        }
    }
}

fn uint(bytes: &[u8]) -> Uint {
    Uint::from_be(bytes)
}

/// The public-key checks: n odd and at most `RSA_MAX_BITS` bits, e odd, 2 < e < n and
/// e ≤ 2^33 − 1; `TEE_ERROR_BAD_PARAMETERS` otherwise.
fn check_public(n: &Uint, e: &Uint) -> AsymResult<()> {
    if n.bits() > RSA_MAX_BITS as usize
        || !n.is_odd()
        || e >= n
        || !e.is_odd()
        || e.is_one()
        || *e > Uint::from_u64(RSA_MAX_EXPONENT)
    {
        return Err(BAD_PARAMS);
    }
    Ok(())
}

impl RsaPublicKey {
    /// From `TEE_ATTR_RSA_MODULUS` and `TEE_ATTR_RSA_PUBLIC_EXPONENT`.
    pub fn from_components(n: &[u8], e: &[u8]) -> AsymResult<Self> {
        let (n, e) = (uint(n), uint(e));
        check_public(&n, &e)?;
        Ok(Self { n, e })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.n.bits()
    }

    /// Modulus size in bytes: the length of every signature and ciphertext.
    pub fn size(&self) -> usize {
        self.n.bits().div_ceil(8)
    }

    /// `TEE_ATTR_RSA_MODULUS`.
    pub fn modulus(&self) -> Vec<u8> {
        self.n.to_be()
    }

    /// `TEE_ATTR_RSA_PUBLIC_EXPONENT`.
    pub fn public_exponent(&self) -> Vec<u8> {
        self.e.to_be()
    }

    /// `m^e mod n` as [`Self::size`] bytes (`m < n`).
    fn public_op(&self, m: &Uint) -> AsymResult<Vec<u8>> {
        let mont = Montgomery::new(self.n.limbs()).ok_or(BAD_PARAMS)?;
        let c = Uint::from_limbs(mont.pow_public(m.limbs(), &self.e.to_be()).to_vec());
        c.to_be_padded(self.size()).ok_or(BAD_PARAMS)
    }

    /// Verifies `sig` over `digest`. A wrong signature (any length) gives
    /// `TEE_ERROR_SIGNATURE_INVALID`; a digest of the wrong length `TEE_ERROR_BAD_PARAMETERS`.
    pub fn verify(&self, scheme: RsaSignScheme, digest: &[u8], sig: &[u8]) -> AsymResult<()> {
        scheme.check_digest(digest)?;
        let k = self.size();
        if sig.len() != k {
            return Err(SIG_INVALID);
        }
        let prefix: &[u8] = match scheme {
            RsaSignScheme::Pkcs1v15(h) => h.pkcs1_digest_info_prefix().ok_or(NOT_SUPPORTED)?,
            RsaSignScheme::Pss { hash, .. } => {
                hasher_of(hash).ok_or(NOT_SUPPORTED)?;
                &[]
            }
            _ => &[],
        };
        let s = uint(sig);
        if s >= self.n {
            return Err(SIG_INVALID);
        }
        let mut em = self.public_op(&s).map_err(|_| SIG_INVALID)?;
        let ok = match scheme {
            RsaSignScheme::Pss { hash, salt_len } => {
                emsa_pss_verify(hash, digest, &mut em, salt_len, self.bits())?
            }
            _ => match emsa_pkcs1v15_encode(prefix, digest, k) {
                Ok(want) => bool::from(want.ct_eq(&em)),
                Err(_) => false,
            },
        };
        if ok {
            Ok(())
        } else {
            Err(SIG_INVALID)
        }
    }

    /// Encrypts `msg` (`TEE_AsymmetricEncrypt`). Messages too long for the scheme give
    /// `TEE_ERROR_BAD_PARAMETERS`.
    pub fn encrypt(
        &self,
        scheme: &RsaCipherScheme,
        msg: &[u8],
        rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Vec<u8>> {
        let k = self.size();
        match scheme {
            RsaCipherScheme::NoPad => {
                let m = nopad_input(msg, k, &self.n)?;
                Ok(strip_leading_zeros(self.public_op(&m)?))
            }
            RsaCipherScheme::Pkcs1v15 => {
                let em = Zeroizing::new(eme_pkcs1v15_encode(msg, k, rng)?);
                self.public_op(&uint(&em))
            }
            RsaCipherScheme::Oaep {
                hash,
                mgf_hash,
                label,
            } => {
                let em = Zeroizing::new(eme_oaep_encode(msg, k, *hash, *mgf_hash, label, rng)?);
                self.public_op(&uint(&em))
            }
        }
    }
}

/// `EME-PKCS1-v1_5` encoding (RFC 8017 §7.2.1 step 2): `00 02 PS 00 M` with PS non-zero random
/// bytes, at least eight. A message longer than k − 11 gives `TEE_ERROR_BAD_PARAMETERS`, and so
/// does an RNG that keeps giving zero bytes.
fn eme_pkcs1v15_encode(msg: &[u8], k: usize, rng: &mut dyn CryptoRngCore) -> AsymResult<Vec<u8>> {
    if msg.len() + 11 > k {
        return Err(BAD_PARAMS);
    }
    let mut em = alloc::vec![0u8; k];
    em[1] = 2;
    let ps_end = k - msg.len() - 1;
    rng.fill_bytes(&mut em[2..ps_end]);
    for b in &mut em[2..ps_end] {
        let mut tries = 0;
        while *b == 0 {
            tries += 1;
            if tries > 64 {
                return Err(BAD_PARAMS);
            }
            let mut one = [0u8];
            rng.fill_bytes(&mut one);
            *b = one[0];
        }
    }
    em[ps_end + 1..].copy_from_slice(msg);
    Ok(em)
}

/// `EMSA-PSS-VERIFY` (RFC 8017 §9.1.2) of the decoded block `em_full` (the modulus's length)
/// for `m_hash`, MGF1 with the same hash, a salt of `s_len` bytes; `key_bits` is the modulus's
/// length. Whether the block is consistent.
fn emsa_pss_verify(
    hash: HashAlg,
    m_hash: &[u8],
    em_full: &mut [u8],
    s_len: usize,
    key_bits: usize,
) -> AsymResult<bool> {
    let h_len = hash.output_len();
    let em_bits = key_bits - 1;
    let em_len = em_bits.div_ceil(8);
    let em = &mut em_full[key_bits.div_ceil(8) - em_len..];
    if m_hash.len() != h_len
        || em_len < h_len.saturating_add(s_len).saturating_add(2)
        || em[em_len - 1] != 0xBC
    {
        return Ok(false);
    }
    let (db, rest) = em.split_at_mut(em_len - h_len - 1);
    let h = &rest[..h_len];
    // The bits above em_bits must be clear.
    let unused = 8 * em_len - em_bits;
    if unused > 0 && db[0] >> (8 - unused) != 0 {
        return Ok(false);
    }
    mgf1_xor(hash, h, db)?;
    db[0] &= 0xFF >> unused;
    // DB = PS (zeros) || 01 || salt.
    let (zeros, tail) = db.split_at(em_len - h_len - s_len - 2);
    let mut valid = tail[0].ct_eq(&1);
    for b in zeros {
        valid &= b.ct_eq(&0);
    }
    let salt = &db[db.len() - s_len..];
    let mut hasher = hasher_of(hash).ok_or(NOT_SUPPORTED)?;
    hasher.update(&[0u8; 8]);
    hasher.update(m_hash);
    hasher.update(salt);
    let mut h2 = Zeroizing::new(alloc::vec![0u8; h_len]);
    hasher.finalize_reset(&mut h2);
    valid &= h2.as_slice().ct_eq(h);
    Ok(bool::from(valid))
}

/// `EME-OAEP` encoding (RFC 8017 §7.1.1 step 2) of `msg` for a `k`-byte modulus: any label
/// bytes, MGF1 over `mgf_hash`. A message longer than k − 2·hLen − 2 gives
/// `TEE_ERROR_BAD_PARAMETERS`.
fn eme_oaep_encode(
    msg: &[u8],
    k: usize,
    hash: HashAlg,
    mgf_hash: HashAlg,
    label: &[u8],
    rng: &mut dyn CryptoRngCore,
) -> AsymResult<Vec<u8>> {
    let l_hash = hash.digest(label)?;
    let h_len = l_hash.len();
    if k < 2 * h_len + 2 || msg.len() > k - 2 * h_len - 2 {
        return Err(BAD_PARAMS);
    }
    // EM = 00 || maskedSeed || maskedDB, DB = lHash || PS || 01 || M.
    let mut em = alloc::vec![0u8; k];
    let (seed, db) = em[1..].split_at_mut(h_len);
    rng.fill_bytes(seed);
    db[..h_len].copy_from_slice(&l_hash);
    let one_at = db.len() - msg.len() - 1;
    db[one_at] = 0x01;
    db[one_at + 1..].copy_from_slice(msg);
    mgf1_xor(mgf_hash, seed, db)?;
    mgf1_xor(mgf_hash, db, seed)?;
    Ok(em)
}

/// Reads a NOPAD input: at most modulus-size bytes and numerically below the modulus.
fn nopad_input(msg: &[u8], k: usize, n: &Uint) -> AsymResult<Uint> {
    if msg.len() > k {
        return Err(BAD_PARAMS);
    }
    let m = uint(msg);
    if m >= *n {
        return Err(BAD_PARAMS);
    }
    Ok(m)
}

fn strip_leading_zeros(mut v: Vec<u8>) -> Vec<u8> {
    let first = v
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(v.len().saturating_sub(1));
    v.drain(..first);
    if v.is_empty() {
        v.push(0);
    }
    v
}

/// Factors n from (e, d): with k = e·d - 1 = 2^t·r (r odd), for small bases g a non-trivial
/// square root of 1 among g^r, g^2r, … reveals p = gcd(y - 1, n) (Boneh, "Twenty years of
/// attacks on RSA", fact 1). Works for any e; `None` if no base succeeds or the values are
/// inconsistent.
fn recover_primes_any_e(n: &Uint, e: &Uint, d: &Uint) -> Option<(Uint, Uint)> {
    if *n <= Uint::one() || !n.is_odd() {
        return None;
    }
    let k = e
        .mul(d)
        .checked_sub(&Uint::one())
        .filter(|k| !k.is_zero())?;
    let t = k.trailing_zeros()?;
    let r = k.shr(t);
    let mont = Montgomery::new(n.limbs())?;
    let one = Uint::one();
    let n_minus_1 = n.sub(&one);
    for g in 2u64..100 {
        let mut y = Uint::from_limbs(mont.pow(&[g], r.limbs()).to_vec());
        if y == one || y == n_minus_1 {
            continue;
        }
        for _ in 0..t {
            let x = Uint::from_limbs(mont.mul_mod(y.limbs(), y.limbs()).to_vec());
            if x == one {
                let p = gcd(&y.sub(&one), n);
                if p > one && p < *n {
                    let (q, rem) = n.div_rem(&p)?;
                    if rem.is_zero() {
                        return Some((p, q));
                    }
                }
                return None;
            }
            if x == n_minus_1 {
                break;
            }
            y = x;
        }
    }
    None
}

impl RsaKeyPair {
    /// From `TEE_ATTR_RSA_MODULUS`, `_PUBLIC_EXPONENT`, `_PRIVATE_EXPONENT` and, for a CRT key,
    /// `_PRIME1`/`_PRIME2` (the CRT exponents and coefficient are recomputed and, when given,
    /// checked by [`RsaKeyPair::from_crt_components`]). Without primes they are recovered from
    /// (n, e, d); keys they cannot be recovered from give `TEE_ERROR_NOT_SUPPORTED`, keys that
    /// fail the checks (p·q = n, d·e ≡ 1 mod p−1 and q−1, the public-key checks)
    /// `TEE_ERROR_BAD_PARAMETERS`.
    pub fn from_components(
        n: &[u8],
        e: &[u8],
        d: &[u8],
        primes: Option<(&[u8], &[u8])>,
    ) -> AsymResult<Self> {
        let (n, e, d) = (uint(n), uint(e), uint(d));
        if n.bits() > RSA_MAX_BITS as usize {
            return Err(NOT_SUPPORTED);
        }
        let (p, q) = match primes {
            Some((p, q)) => (uint(p), uint(q)),
            None => recover_primes_any_e(&n, &e, &d).ok_or(NOT_SUPPORTED)?,
        };
        Self::build(n, e, d, p, q, None)
    }

    /// Like [`RsaKeyPair::from_components`] with all CRT attributes: the given dp, dq and qinv
    /// must match the ones derived from (d, p, q), else `TEE_ERROR_BAD_PARAMETERS`.
    #[allow(clippy::too_many_arguments)]
    pub fn from_crt_components(
        n: &[u8],
        e: &[u8],
        d: &[u8],
        p: &[u8],
        q: &[u8],
        dp: &[u8],
        dq: &[u8],
        qinv: &[u8],
    ) -> AsymResult<Self> {
        let (n, e, d) = (uint(n), uint(e), uint(d));
        if n.bits() > RSA_MAX_BITS as usize {
            return Err(NOT_SUPPORTED);
        }
        let crt = (uint(dp), uint(dq), uint(qinv));
        Self::build(n, e, d, uint(p), uint(q), Some(crt))
    }

    /// Checks the key and derives the CRT values; given ones (dp, dq, qinv) are checked
    /// instead of qinv being derived (q·qinv ≡ 1 mod p is a multiplication, its derivation an
    /// exponentiation, and key parsing runs at every operation).
    fn build(
        n: Uint,
        e: Uint,
        d: Uint,
        p: Uint,
        q: Uint,
        crt: Option<(Uint, Uint, Uint)>,
    ) -> AsymResult<Self> {
        check_public(&n, &e)?;
        if p <= Uint::one() || q <= Uint::one() || p.mul(&q) != n {
            return Err(BAD_PARAMS);
        }
        let (p1, q1) = (p.sub_u64(1), q.sub_u64(1));
        let de = d.mul(&e);
        for m in [&p1, &q1] {
            if !de.rem(m).ok_or(BAD_PARAMS)?.is_one() {
                return Err(BAD_PARAMS);
            }
        }
        let dp = d.rem(&p1).ok_or(BAD_PARAMS)?;
        let dq = d.rem(&q1).ok_or(BAD_PARAMS)?;
        let qinv = match crt {
            Some((gdp, gdq, gqinv)) => {
                if gdp != dp || gdq != dq || gqinv >= p {
                    return Err(BAD_PARAMS);
                }
                gqinv
            }
            None => inv_mod_prime(&q, &p).ok_or(BAD_PARAMS)?,
        };
        // p and q are odd (their product n is); a p that is not prime shows here.
        if !mul_mod_odd(&qinv, &q, &p).ok_or(BAD_PARAMS)?.is_one() {
            return Err(BAD_PARAMS);
        }
        Ok(Self {
            public: RsaPublicKey { n, e },
            d,
            p,
            q,
            dp,
            dq,
            qinv,
        })
    }

    /// Generates a key of `bits` bits (256..=4096) with public exponent `e` (big-endian bytes,
    /// default 65537). Unsupported sizes give `TEE_ERROR_NOT_SUPPORTED`, an even, too small
    /// (below 3) or too large (above 2^33 − 1) exponent `TEE_ERROR_BAD_PARAMETERS`, and so does
    /// a failing RNG.
    pub fn generate(bits: u32, e: Option<&[u8]>, rng: &mut dyn CryptoRngCore) -> AsymResult<Self> {
        if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
            return Err(NOT_SUPPORTED);
        }
        let bits = bits as usize;
        let e = match e {
            Some(e) => uint(e),
            None => Uint::from_u64(RSA_DEFAULT_EXPONENT.into()),
        };
        if e < Uint::from_u64(3) || !e.is_odd() || e > Uint::from_u64(RSA_MAX_EXPONENT) {
            return Err(BAD_PARAMS);
        }
        let (p_bits, q_bits) = (bits - bits / 2, bits / 2);
        // FIPS 186-5 A.1.3: |p − q| > 2^(nlen/2 − 100).
        let min_gap = Uint::power_of_two((bits / 2).saturating_sub(100));
        for _ in 0..16 {
            let p = generate_prime(rng, p_bits, Some(&e)).ok_or(BAD_PARAMS)?;
            let q = generate_prime(rng, q_bits, Some(&e)).ok_or(BAD_PARAMS)?;
            let gap = p.checked_sub(&q).unwrap_or_else(|| q.sub(&p));
            if gap <= min_gap {
                continue;
            }
            let n = p.mul(&q);
            if n.bits() != bits {
                continue;
            }
            // λ(n) = lcm(p − 1, q − 1); d = e⁻¹ mod λ as (1 + λ·(e − t)) / e with t = λ⁻¹ mod e
            // (e is odd and small, λ even).
            let (p1, q1) = (p.sub_u64(1), q.sub_u64(1));
            let lambda = p1.mul(&q1).div_rem(&gcd(&p1, &q1)).ok_or(BAD_PARAMS)?.0;
            let Some(t) = inv_mod_odd(&lambda, &e) else {
                continue;
            };
            let d = Uint::one()
                .add(&lambda.mul(&e.sub(&t)))
                .div_rem(&e)
                .ok_or(BAD_PARAMS)?
                .0;
            // FIPS 186-5 A.1.1: d > 2^(nlen/2).
            if d.bits() <= bits / 2 {
                continue;
            }
            return Self::build(n, e, d, p, q, None);
        }
        Err(BAD_PARAMS)
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.public.bits()
    }

    /// Modulus size in bytes.
    pub fn size(&self) -> usize {
        self.public.size()
    }

    /// The public half.
    pub fn public_key(&self) -> RsaPublicKey {
        self.public.clone()
    }

    /// All attributes (for `TEE_GetObjectBufferAttribute` after generation).
    pub fn components(&self) -> RsaComponents {
        let secret = |v: &Uint| Zeroizing::new(v.to_be());
        RsaComponents {
            n: self.public.n.to_be(),
            e: self.public.e.to_be(),
            d: secret(&self.d),
            p: secret(&self.p),
            q: secret(&self.q),
            dp: secret(&self.dp),
            dq: secret(&self.dq),
            qinv: secret(&self.qinv),
        }
    }

    /// The private-key operation `input^d mod n` (RFC 8017 RSASP1/RSADP) on
    /// `oxtee_crypto_fast::rsa`: CRT on the constant-time Montgomery exponentiation, checked
    /// with the public exponent. `input` (big-endian) must be below n; the result has
    /// [`Self::size`] bytes. A result that fails the check gives `TEE_ERROR_GENERIC`.
    fn private_op(&self, input: &[u8]) -> AsymResult<Zeroizing<Vec<u8>>> {
        let secret = |v: &Uint| Zeroizing::new(v.to_be());
        let (n, e) = (self.public.n.to_be(), self.public.e.to_be());
        let (p, q) = (secret(&self.p), secret(&self.q));
        let (dp, dq, qinv) = (secret(&self.dp), secret(&self.dq), secret(&self.qinv));
        let key = oxtee_crypto_fast::rsa::CrtKey {
            n: &n,
            e: &e,
            p: &p,
            q: &q,
            dp: &dp,
            dq: &dq,
            qinv: &qinv,
        };
        Ok(oxtee_crypto_fast::rsa::private_crt(&key, input)?)
    }

    /// Signs `digest` (`TEE_AsymmetricSignDigest`); the signature has [`Self::size`] bytes.
    /// A digest of the wrong length gives `TEE_ERROR_BAD_PARAMETERS`, a PSS salt too long for
    /// the modulus `TEE_ERROR_BAD_PARAMETERS`.
    pub fn sign(
        &self,
        scheme: RsaSignScheme,
        digest: &[u8],
        rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Vec<u8>> {
        scheme.check_digest(digest)?;
        let k = self.size();
        let em = match scheme {
            RsaSignScheme::Pkcs1v15(h) => {
                let prefix = h.pkcs1_digest_info_prefix().ok_or(NOT_SUPPORTED)?;
                emsa_pkcs1v15_encode(prefix, digest, k)?
            }
            RsaSignScheme::Pkcs1v15Md5Sha1 | RsaSignScheme::Pkcs1v15Raw => {
                emsa_pkcs1v15_encode(&[], digest, k)?
            }
            RsaSignScheme::Pss { hash, salt_len } => {
                emsa_pss_encode(hash, digest, salt_len, self.bits() - 1, rng)?
            }
        };
        Ok(self.private_op(&em)?.to_vec())
    }

    /// Decrypts `ct` (`TEE_AsymmetricDecrypt`). Every failure (bad length, value ≥ n, padding
    /// error) gives the same `TEE_ERROR_BAD_PARAMETERS`; the padding checks run in constant
    /// time, and only their combined verdict is branched on.
    pub fn decrypt(
        &self,
        scheme: &RsaCipherScheme,
        ct: &[u8],
        _rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Zeroizing<Vec<u8>>> {
        let k = self.size();
        let out = match scheme {
            RsaCipherScheme::NoPad => {
                nopad_input(ct, k, &self.public.n)?;
                let m = self.private_op(ct)?;
                Zeroizing::new(strip_leading_zeros(m.to_vec()))
            }
            RsaCipherScheme::Pkcs1v15 => {
                // Any length, as long as the value is below n.
                let first = ct.iter().position(|&b| b != 0).unwrap_or(ct.len());
                let c = &ct[first..];
                nopad_input(c, k, &self.public.n)?;
                eme_pkcs1v15_decode(&self.private_op(c)?)?
            }
            RsaCipherScheme::Oaep {
                hash,
                mgf_hash,
                label,
            } => {
                // A hash the build leaves out is NOT_SUPPORTED, whatever the ciphertext.
                let l_hash = hash.digest(label)?;
                hasher_of(*mgf_hash).ok_or(NOT_SUPPORTED)?;
                if ct.len() != k {
                    return Err(BAD_PARAMS);
                }
                nopad_input(ct, k, &self.public.n)?;
                eme_oaep_decode(&self.private_op(ct)?, &l_hash, *mgf_hash)?
            }
        };
        Ok(out)
    }
}

/// `EMSA-PKCS1-v1_5` (RFC 8017 §9.2): `00 01 FF… 00 prefix digest`, `k` bytes, at least eight
/// bytes of `FF`.
fn emsa_pkcs1v15_encode(prefix: &[u8], digest: &[u8], k: usize) -> AsymResult<Vec<u8>> {
    let t_len = prefix.len() + digest.len();
    if k < t_len + 11 {
        return Err(BAD_PARAMS);
    }
    let mut em = alloc::vec![0xFFu8; k];
    em[0] = 0;
    em[1] = 1;
    em[k - t_len - 1] = 0;
    em[k - t_len..k - digest.len()].copy_from_slice(prefix);
    em[k - digest.len()..].copy_from_slice(digest);
    Ok(em)
}

/// XORs `MGF1(seed)` (RFC 8017 B.2.1) with `hash` into `out`.
fn mgf1_xor(hash: HashAlg, seed: &[u8], out: &mut [u8]) -> AsymResult<()> {
    let mut h = hasher_of(hash).ok_or(NOT_SUPPORTED)?;
    let mut block = Zeroizing::new(alloc::vec![0u8; hash.output_len()]);
    for (counter, chunk) in out.chunks_mut(hash.output_len()).enumerate() {
        h.update(seed);
        h.update(&(counter as u32).to_be_bytes());
        h.finalize_reset(&mut block);
        for (o, b) in chunk.iter_mut().zip(block.iter()) {
            *o ^= b;
        }
    }
    Ok(())
}

/// `EMSA-PSS-ENCODE` (RFC 8017 §9.1.1) of `m_hash` for `em_bits` bits (the modulus's length
/// minus one), MGF1 with the same hash, a fresh salt of `salt_len` bytes. A salt too long
/// for the modulus gives `TEE_ERROR_BAD_PARAMETERS` (checked before anything is drawn).
fn emsa_pss_encode(
    hash: HashAlg,
    m_hash: &[u8],
    salt_len: usize,
    em_bits: usize,
    rng: &mut dyn CryptoRngCore,
) -> AsymResult<Vec<u8>> {
    let h_len = hash.output_len();
    let em_len = em_bits.div_ceil(8);
    if m_hash.len() != h_len || em_len < h_len.saturating_add(salt_len).saturating_add(2) {
        return Err(BAD_PARAMS);
    }
    let mut salt = alloc::vec![0u8; salt_len];
    rng.fill_bytes(&mut salt);
    let mut h = hasher_of(hash).ok_or(NOT_SUPPORTED)?;
    h.update(&[0u8; 8]);
    h.update(m_hash);
    h.update(&salt);
    let mut em = alloc::vec![0u8; em_len];
    let db_len = em_len - h_len - 1;
    h.finalize_reset(&mut em[db_len..em_len - 1]);
    // DB = PS || 01 || salt, then masked with MGF1(H).
    em[db_len - salt_len - 1] = 0x01;
    em[db_len - salt_len..db_len].copy_from_slice(&salt);
    let (db, rest) = em.split_at_mut(db_len);
    mgf1_xor(hash, &rest[..h_len], db)?;
    db[0] &= 0xFF >> (8 * em_len - em_bits);
    em[em_len - 1] = 0xBC;
    Ok(em)
}

/// `EME-PKCS1-v1_5` decoding (RFC 8017 §7.2.2 step 3) of the `k`-byte `em`, in constant time
/// up to the verdict: `00 02`, at least eight non-zero bytes, `00`, the message.
fn eme_pkcs1v15_decode(em: &[u8]) -> AsymResult<Zeroizing<Vec<u8>>> {
    if em.len() < 11 {
        return Err(BAD_PARAMS);
    }
    let mut looking = Choice::from(1);
    let mut index = 0u32;
    for (i, b) in em.iter().enumerate().skip(2) {
        let zero = b.ct_eq(&0);
        index.conditional_assign(&(i as u32), looking & zero);
        looking &= !zero;
    }
    // The zero ends a padding string of at least eight bytes: index >= 10.
    let long_enough = !index.ct_lt(&10);
    let valid = em[0].ct_eq(&0) & em[1].ct_eq(&2) & !looking & long_enough;
    if !bool::from(valid) {
        return Err(BAD_PARAMS);
    }
    Ok(Zeroizing::new(em[index as usize + 1..].to_vec()))
}

/// `EME-OAEP` decoding (RFC 8017 §7.1.2 step 3) of the `k`-byte `em` with the label hash
/// `l_hash` (whose length is the OAEP hash's) and MGF1 over `mgf_hash`, in constant time up to
/// the verdict: `Y = 00`, `lHash' = lHash`, `PS` zeros, `01`, the message.
fn eme_oaep_decode(em: &[u8], l_hash: &[u8], mgf_hash: HashAlg) -> AsymResult<Zeroizing<Vec<u8>>> {
    let h_len = l_hash.len();
    let k = em.len();
    if k < 2 * h_len + 2 {
        return Err(BAD_PARAMS);
    }
    let mut buf = Zeroizing::new(em.to_vec());
    let (y, rest) = buf.split_at_mut(1);
    let (seed, db) = rest.split_at_mut(h_len);
    mgf1_xor(mgf_hash, db, seed)?;
    mgf1_xor(mgf_hash, seed, db)?;
    let mut valid = y[0].ct_eq(&0) & db[..h_len].ct_eq(l_hash);
    let mut looking = Choice::from(1);
    let mut index = 0u32;
    for (i, b) in db.iter().enumerate().skip(h_len) {
        let one = b.ct_eq(&1);
        index.conditional_assign(&(i as u32), looking & one);
        // Before the 01, only zeros.
        valid &= !looking | one | b.ct_eq(&0);
        looking &= !one;
    }
    valid &= !looking;
    if !bool::from(valid) {
        return Err(BAD_PARAMS);
    }
    Ok(Zeroizing::new(db[index as usize + 1..].to_vec()))
}
