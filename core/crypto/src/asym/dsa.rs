//! DSA (FIPS 186) signatures over caller-supplied domain parameters of any size OP-TEE accepts
//! (xtest uses p of 512..3072 bits).
//!
//! Signatures are `r || s`, each as long as the subprime q in bytes. Digests longer than q are
//! truncated to q's byte length (FIPS 186-4 §4.6 for byte-sized q). The digest may be passed
//! whole or already truncated to q's length (xtest 4006 passes min(|q|, |H|) bytes). Key generation draws the
//! private value uniformly from [1, q-1] with the caller's RNG; signing uses a fresh random
//! per-message secret k.
//!
//! The arithmetic is ours ([`super::bigint`] and `oxtee_crypto_fast::modexp`): the
//! exponentiations with the secrets x and k run on the constant-time Montgomery code with the
//! exponent spread over q's limbs, k⁻¹ mod q is k^(q-2) on the same code (Fermat), and the
//! products mod q are Montgomery multiplications, so signing's timing does not depend on x or k.

use alloc::vec::Vec;
use oxtee_crypto_fast::modexp::Montgomery;
use zeroize::Zeroizing;

use super::bigint::{random_in_range, Uint};
use super::hash::HashAlg;
use super::{left_pad, AsymResult, CryptoRngCore, BAD_PARAMS, SIG_INVALID};

/// Largest prime OP-TEE accepts (bits).
pub const DSA_MAX_BITS: usize = 3072;

/// Domain parameters.
#[derive(Clone, Debug, PartialEq)]
struct Domain {
    p: Uint,
    q: Uint,
    g: Uint,
}

/// A DSA public key with its domain parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct DsaPublicKey {
    dom: Domain,
    y: Uint,
}

/// A DSA key pair (the private value is zeroized on drop).
#[derive(Clone)]
pub struct DsaKeyPair {
    public: DsaPublicKey,
    x: Uint,
}

impl core::fmt::Debug for DsaKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DsaKeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

fn uint(b: &[u8]) -> Uint {
    Uint::from_be(b)
}

fn components(p: &[u8], q: &[u8], g: &[u8]) -> AsymResult<Domain> {
    let (p, q, g) = (uint(p), uint(q), uint(g));
    let two = Uint::from_u64(2);
    if p.bits() > DSA_MAX_BITS || q.bits() >= p.bits() || g <= Uint::one() {
        return Err(BAD_PARAMS);
    }
    if p < two || q < two || g > p {
        return Err(BAD_PARAMS);
    }
    Ok(Domain { p, q, g })
}

impl Domain {
    fn q_len(&self) -> usize {
        self.q.bits().div_ceil(8)
    }

    fn mont_p(&self) -> AsymResult<Montgomery> {
        Montgomery::new(self.p.limbs()).ok_or(BAD_PARAMS)
    }

    fn mont_q(&self) -> AsymResult<Montgomery> {
        Montgomery::new(self.q.limbs()).ok_or(BAD_PARAMS)
    }

    /// `base^e mod p` with `e` (below q) spread over q's limbs: constant-time in `e`.
    fn pow_p(&self, mp: &Montgomery, base: &Uint, e: &Uint) -> Uint {
        let e = Zeroizing::new(e.limbs_padded(self.q.limbs().len()));
        Uint::from_limbs(mp.pow(base.limbs(), &e).to_vec())
    }

    /// y must be at least 2 and of order q (y^q = 1 mod p).
    fn check_public(&self, y: &Uint) -> AsymResult<()> {
        let mp = self.mont_p()?;
        let yq = mp.pow_public(y.limbs(), &self.q.to_be());
        if *y < Uint::from_u64(2) || !Uint::from_limbs(yq.to_vec()).is_one() {
            return Err(BAD_PARAMS);
        }
        Ok(())
    }

    /// The digest as an integer: its first min(|q| / 8, len) bytes.
    fn z(&self, digest: &[u8]) -> Uint {
        uint(&digest[..(self.q.bits() / 8).min(digest.len())])
    }

    /// `a^-1 mod q` by Fermat on the constant-time exponentiation (q prime).
    fn inv_q(&self, mq: &Montgomery, a: &Uint) -> Uint {
        let e = self.q.sub_u64(2).limbs_padded(mq.n());
        Uint::from_limbs(mq.pow(a.limbs(), &e).to_vec())
    }
}

/// Accepts the full digest or its truncation to the subprime length.
fn check_digest(dom: &Domain, hash: HashAlg, digest: &[u8]) -> AsymResult<()> {
    let full = hash.output_len();
    if digest.len() == full || digest.len() == full.min(dom.q_len()) {
        Ok(())
    } else {
        Err(BAD_PARAMS)
    }
}

impl DsaPublicKey {
    /// From `TEE_ATTR_DSA_PRIME`, `_SUBPRIME`, `_BASE` and `_PUBLIC_VALUE`. Inconsistent
    /// values (y^q ≠ 1 mod p, …) give `TEE_ERROR_BAD_PARAMETERS`.
    pub fn from_components(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> AsymResult<Self> {
        let dom = components(p, q, g)?;
        let y = uint(y);
        dom.check_public(&y)?;
        Ok(Self { dom, y })
    }

    /// Prime size in bits (the GP key size).
    pub fn bits(&self) -> usize {
        self.dom.p.bits()
    }

    /// Signature length: twice the subprime length in bytes.
    pub fn signature_len(&self) -> usize {
        2 * self.dom.q_len()
    }

    /// (p, q, g, y) as big-endian bytes.
    pub fn components(&self) -> [Vec<u8>; 4] {
        [
            self.dom.p.to_be(),
            self.dom.q.to_be(),
            self.dom.g.to_be(),
            self.y.to_be(),
        ]
    }

    /// Verifies `sig` (`r || s`) over `digest` made with `hash` (whole, or truncated to the
    /// subprime length). A digest of another length gives `TEE_ERROR_BAD_PARAMETERS`; a bad
    /// signature `TEE_ERROR_SIGNATURE_INVALID`.
    pub fn verify(&self, hash: HashAlg, digest: &[u8], sig: &[u8]) -> AsymResult<()> {
        let dom = &self.dom;
        check_digest(dom, hash, digest)?;
        let n = dom.q_len();
        if sig.len() != 2 * n {
            return Err(SIG_INVALID);
        }
        let (r, s) = (uint(&sig[..n]), uint(&sig[n..]));
        if r.is_zero() || s.is_zero() || r >= dom.q || s >= dom.q {
            return Err(SIG_INVALID);
        }
        let (mp, mq) = (dom.mont_p()?, dom.mont_q().map_err(|_| SIG_INVALID)?);
        let w = dom.inv_q(&mq, &s);
        let u1 = Uint::from_limbs(mq.mul_mod(dom.z(digest).limbs(), w.limbs()).to_vec());
        let u2 = Uint::from_limbs(mq.mul_mod(r.limbs(), w.limbs()).to_vec());
        let a = dom.pow_p(&mp, &dom.g, &u1);
        let b = dom.pow_p(&mp, &self.y, &u2);
        let v = Uint::from_limbs(mp.mul_mod(a.limbs(), b.limbs()).to_vec())
            .rem(&dom.q)
            .ok_or(SIG_INVALID)?;
        if v == r {
            Ok(())
        } else {
            Err(SIG_INVALID)
        }
    }
}

impl DsaKeyPair {
    /// From the domain parameters, `TEE_ATTR_DSA_PUBLIC_VALUE` and `_PRIVATE_VALUE`; y must
    /// equal g^x mod p and x be in [1, q].
    pub fn from_components(p: &[u8], q: &[u8], g: &[u8], y: &[u8], x: &[u8]) -> AsymResult<Self> {
        let public = DsaPublicKey::from_components(p, q, g, y)?;
        let x = uint(x);
        let dom = &public.dom;
        if x.is_zero() || x > dom.q {
            return Err(BAD_PARAMS);
        }
        if dom.pow_p(&dom.mont_p()?, &dom.g, &x) != public.y {
            return Err(BAD_PARAMS);
        }
        Ok(Self { public, x })
    }

    /// Generates a key pair for the given domain parameters (`TEE_GenerateKey` with
    /// `TEE_ATTR_DSA_PRIME`/`_SUBPRIME`/`_BASE`).
    pub fn generate(p: &[u8], q: &[u8], g: &[u8], rng: &mut dyn CryptoRngCore) -> AsymResult<Self> {
        let dom = components(p, q, g)?;
        let x = random_in_range(rng, &Uint::one(), &dom.q).ok_or(BAD_PARAMS)?;
        let y = dom.pow_p(&dom.mont_p()?, &dom.g, &x);
        // g must generate the subgroup of order q.
        dom.check_public(&y)?;
        Ok(Self {
            public: DsaPublicKey { dom, y },
            x,
        })
    }

    /// The public half.
    pub fn public_key(&self) -> DsaPublicKey {
        self.public.clone()
    }

    /// `TEE_ATTR_DSA_PRIVATE_VALUE`.
    pub fn private_value(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.x.to_be())
    }

    /// Signs `digest` made with `hash` (whole, or truncated to the subprime length); returns
    /// `r || s`.
    pub fn sign(
        &self,
        hash: HashAlg,
        digest: &[u8],
        rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Vec<u8>> {
        let dom = &self.public.dom;
        check_digest(dom, hash, digest)?;
        let n = dom.q_len();
        let (mp, mq) = (dom.mont_p()?, dom.mont_q()?);
        let z = dom.z(digest);
        // r or s is zero with probability about 2/q: draw k again.
        for _ in 0..8 {
            let k = random_in_range(rng, &Uint::one(), &dom.q).ok_or(BAD_PARAMS)?;
            let r = dom.pow_p(&mp, &dom.g, &k).rem(&dom.q).ok_or(BAD_PARAMS)?;
            let k_inv = dom.inv_q(&mq, &k);
            // s = k^-1 (z + x r) mod q.
            let xr = Uint::from_limbs(mq.mul_mod(self.x.limbs(), r.limbs()).to_vec());
            let sum = z.add(&xr);
            let s = Uint::from_limbs(mq.mul_mod(k_inv.limbs(), sum.limbs()).to_vec());
            if r.is_zero() || s.is_zero() {
                continue;
            }
            let mut out = left_pad(&r.to_be(), n)?;
            out.extend_from_slice(&left_pad(&s.to_be(), n)?);
            return Ok(out);
        }
        Err(BAD_PARAMS)
    }
}
