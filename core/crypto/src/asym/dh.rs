//! Finite-field Diffie-Hellman (`TEE_TYPE_DH_KEYPAIR`, `TEE_ALG_DH_DERIVE_SHARED_SECRET`) on
//! caller-supplied groups.
//!
//! Exponentiations with the private value use our own Montgomery exponentiation
//! (`oxtee_crypto_fast::modexp`: limbs sized to p, separate squaring, fixed 5-bit windows over
//! |p| bits, masked table scans), so neither their timing nor their memory accesses depend on
//! x. Range checks and parsing use [`super::bigint`].

use alloc::vec::Vec;
use zeroize::Zeroizing;

use super::bigint::{random_bits_exact, random_in_range, Uint};
use super::{AsymResult, CryptoRngCore, BAD_PARAMS, NOT_SUPPORTED};
use crate::rng::RandCoreAdapter;
use oxtee_crypto_fast::modexp::Montgomery;

/// Largest prime OP-TEE accepts (bits).
pub const DH_MAX_BITS: usize = 4096;
/// Smallest prime OP-TEE accepts (bits).
pub const DH_MIN_BITS: usize = 256;

/// A generation's group and private value, before the exponentiation.
struct Drawn {
    p: Uint,
    g: Uint,
    q: Option<Uint>,
    x_bits: Option<u32>,
    x: Uint,
}

/// A DH key pair with its group.
#[derive(Clone)]
pub struct DhKeyPair {
    p: Uint,
    g: Uint,
    q: Option<Uint>,
    x_bits: Option<u32>,
    y: Uint,
    x: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for DhKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhKeyPair")
            .field("bits", &self.p.bits())
            .finish_non_exhaustive()
    }
}

fn uint(b: &[u8]) -> Uint {
    Uint::from_be(b)
}

/// base^exp mod p in constant time with respect to `exp` (`p` odd, `exp` < 2^|p|), compiled
/// for speed in `oxtee-crypto-fast`.
/// `preempt` runs every few windows, on a schedule fixed by |p| (`Montgomery::pow_preemptible`).
fn ct_modpow(base: &Uint, exp: &Uint, p: &Uint, preempt: &mut dyn FnMut()) -> AsymResult<Uint> {
    if p.bits() > DH_MAX_BITS {
        return Err(NOT_SUPPORTED);
    }
    // R^2 mod p by a division: p is public, and one division costs less than the squarings
    // `Montgomery::new` would run for it.
    let r2 = Uint::power_of_two(128 * p.limbs().len())
        .rem(p)
        .ok_or(BAD_PARAMS)?;
    let m = Montgomery::with_r2(p.limbs(), r2.limbs()).ok_or(BAD_PARAMS)?;
    // The exponent over all of p's limbs: the window count is fixed by |p|, not by x.
    let e = Zeroizing::new(exp.limbs_padded(m.n()));
    let r = m.pow_preemptible(base.limbs(), &e, preempt);
    Ok(Uint::from_limbs(r.to_vec()))
}

fn check_group(p: &Uint, g: &Uint) -> AsymResult<()> {
    let bits = p.bits();
    if !(DH_MIN_BITS..=DH_MAX_BITS).contains(&bits) {
        return Err(NOT_SUPPORTED);
    }
    let two = Uint::from_u64(2);
    if !p.is_odd() || g < &two || g >= &p.sub_u64(1) {
        return Err(BAD_PARAMS);
    }
    Ok(())
}

impl DhKeyPair {
    /// Generates a key pair in the group (p, g) (`TEE_GenerateKey` with `TEE_ATTR_DH_PRIME`,
    /// `_BASE`, optionally `_SUBPRIME` q and `_X_BITS`). The private value x has exactly
    /// `x_bits` bits when given and non-zero (and must stay below p-1); otherwise it is uniform
    /// in [1, q-1] with q, or in [2, p-2] without. `x_bits` = 0 means "not specified", as in
    /// OP-TEE.
    pub fn generate(
        p: &[u8],
        g: &[u8],
        q: Option<&[u8]>,
        x_bits: Option<u32>,
        rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Self> {
        let d = Self::draw(p, g, q, x_bits, rng)?;
        Self::finish(d, &mut || {})
    }

    /// [`DhKeyPair::generate`] offering `rng`'s preemption point during the exponentiation.
    pub fn generate_preemptible(
        p: &[u8],
        g: &[u8],
        q: Option<&[u8]>,
        x_bits: Option<u32>,
        rng: &mut RandCoreAdapter<'_>,
    ) -> AsymResult<Self> {
        let d = Self::draw(p, g, q, x_bits, rng)?;
        Self::finish(d, &mut || rng.preemption_point())
    }

    /// The group checked and the private value drawn.
    fn draw(
        p: &[u8],
        g: &[u8],
        q: Option<&[u8]>,
        x_bits: Option<u32>,
        rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Drawn> {
        let (p, g) = (uint(p), uint(g));
        check_group(&p, &g)?;
        let q = q.map(uint);
        let x_bits = x_bits.filter(|&b| b != 0);
        let one = Uint::one();
        let p_minus_1 = p.sub(&one);
        let x = match (x_bits, &q) {
            (Some(b), _) => {
                let b = b as usize;
                if b > p.bits() {
                    return Err(BAD_PARAMS);
                }
                let mut found = None;
                for _ in 0..64 {
                    let x = random_bits_exact(rng, b).ok_or(BAD_PARAMS)?;
                    if x < p_minus_1 {
                        found = Some(x);
                        break;
                    }
                }
                found.ok_or(BAD_PARAMS)?
            }
            (None, Some(q)) => {
                if q <= &one || q >= &p {
                    return Err(BAD_PARAMS);
                }
                random_in_range(rng, &one, q).ok_or(BAD_PARAMS)?
            }
            (None, None) => {
                random_in_range(rng, &Uint::from_u64(2), &p_minus_1).ok_or(BAD_PARAMS)?
            }
        };
        Ok(Drawn { p, g, q, x_bits, x })
    }

    /// y = g^x mod p.
    fn finish(d: Drawn, preempt: &mut dyn FnMut()) -> AsymResult<Self> {
        let y = ct_modpow(&d.g, &d.x, &d.p, preempt)?;
        Ok(Self {
            x: Zeroizing::new(d.x.to_be()),
            p: d.p,
            g: d.g,
            q: d.q,
            x_bits: d.x_bits,
            y,
        })
    }

    /// From `TEE_ATTR_DH_PRIME`, `_BASE`, `_PUBLIC_VALUE`, `_PRIVATE_VALUE` and optionally
    /// `_SUBPRIME` and `_X_BITS`. The private value must be in [1, p-2]; the public value is
    /// kept as given (GP does not require it to match).
    pub fn from_components(
        p: &[u8],
        g: &[u8],
        y: &[u8],
        x: &[u8],
        q: Option<&[u8]>,
        x_bits: Option<u32>,
    ) -> AsymResult<Self> {
        let (p, g, y) = (uint(p), uint(g), uint(y));
        check_group(&p, &g)?;
        let xv = uint(x);
        if xv.is_zero() || xv >= p.sub_u64(1) || y >= p {
            return Err(BAD_PARAMS);
        }
        Ok(Self {
            p,
            g,
            q: q.map(uint),
            x_bits,
            y,
            x: Zeroizing::new(xv.to_be()),
        })
    }

    /// Prime size in bits (the GP key size).
    pub fn bits(&self) -> usize {
        self.p.bits()
    }

    /// `TEE_ATTR_DH_PRIME`.
    pub fn prime(&self) -> Vec<u8> {
        self.p.to_be()
    }

    /// `TEE_ATTR_DH_BASE`.
    pub fn base(&self) -> Vec<u8> {
        self.g.to_be()
    }

    /// `TEE_ATTR_DH_SUBPRIME`, when the group has one.
    pub fn subprime(&self) -> Option<Vec<u8>> {
        self.q.as_ref().map(Uint::to_be)
    }

    /// `TEE_ATTR_DH_X_BITS`: the requested private-value size, or the actual one.
    pub fn x_bits(&self) -> u32 {
        self.x_bits
            .unwrap_or_else(|| uint(&self.x).bits().try_into().unwrap_or(u32::MAX))
    }

    /// `TEE_ATTR_DH_PUBLIC_VALUE` (minimal big-endian).
    pub fn public_value(&self) -> Vec<u8> {
        self.y.to_be()
    }

    /// `TEE_ATTR_DH_PRIVATE_VALUE` (minimal big-endian).
    pub fn private_value(&self) -> &[u8] {
        &self.x
    }

    /// Shared secret peer^x mod p as a minimal big-endian string (as OP-TEE returns it). The
    /// peer value must satisfy 1 < peer < p-1, else `TEE_ERROR_BAD_PARAMETERS`.
    pub fn shared_secret(&self, peer_public: &[u8]) -> AsymResult<Zeroizing<Vec<u8>>> {
        self.shared_secret_preemptible(peer_public, &mut || {})
    }

    /// [`DhKeyPair::shared_secret`] calling `preempt` every few windows of the exponentiation
    /// (a schedule fixed by |p|; the caller's thread may be preempted there).
    pub fn shared_secret_preemptible(
        &self,
        peer_public: &[u8],
        preempt: &mut dyn FnMut(),
    ) -> AsymResult<Zeroizing<Vec<u8>>> {
        let peer = uint(peer_public);
        if peer <= Uint::one() || peer >= self.p.sub_u64(1) {
            return Err(BAD_PARAMS);
        }
        let x = uint(&self.x);
        let z = ct_modpow(&peer, &x, &self.p, preempt)?;
        Ok(Zeroizing::new(z.to_be()))
    }
}
