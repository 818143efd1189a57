//! DSA (FIPS 186) signatures with the `dsa` crate, over caller-supplied domain parameters of
//! any size OP-TEE accepts (xtest uses p of 512..3072 bits).
//!
//! Signatures are `r || s`, each as long as the subprime q in bytes. Digests longer than q are
//! truncated to q's byte length (FIPS 186-4 §4.6 for byte-sized q). The digest may be passed
//! whole or already truncated to q's length (xtest 4006 passes min(|q|, |H|) bytes). Key generation draws the
//! private value uniformly from [1, q-1] with the caller's RNG; signing uses a fresh random
//! per-message secret.

use alloc::vec::Vec;
use dsa::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
use dsa::{Components, Signature, SigningKey, VerifyingKey};
use num_bigint_dig::BigUint;
use num_traits::One;
use zeroize::Zeroizing;

use super::bigint::random_in_range;
use super::hash::HashAlg;
use super::{left_pad, AsymResult, CryptoRngCore, BAD_PARAMS, SIG_INVALID};

/// Largest prime OP-TEE accepts (bits).
pub const DSA_MAX_BITS: usize = 3072;

/// A DSA public key with its domain parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct DsaPublicKey(VerifyingKey);

/// A DSA key pair (the private value is zeroized on drop).
#[derive(Clone)]
pub struct DsaKeyPair(SigningKey);

impl core::fmt::Debug for DsaKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DsaKeyPair")
            .field("public", self.0.verifying_key())
            .finish_non_exhaustive()
    }
}

fn uint(b: &[u8]) -> BigUint {
    BigUint::from_bytes_be(b)
}

fn components(p: &[u8], q: &[u8], g: &[u8]) -> AsymResult<Components> {
    let (p, q, g) = (uint(p), uint(q), uint(g));
    if p.bits() > DSA_MAX_BITS || q.bits() >= p.bits() || g <= BigUint::one() {
        return Err(BAD_PARAMS);
    }
    Components::from_components(p, q, g).map_err(|_| BAD_PARAMS)
}

fn q_len(vk: &VerifyingKey) -> usize {
    vk.components().q().bits().div_ceil(8)
}

/// Accepts the full digest or its truncation to the subprime length.
fn check_digest(vk: &VerifyingKey, hash: HashAlg, digest: &[u8]) -> AsymResult<()> {
    let full = hash.output_len();
    if digest.len() == full || digest.len() == full.min(q_len(vk)) {
        Ok(())
    } else {
        Err(BAD_PARAMS)
    }
}

impl DsaPublicKey {
    /// From `TEE_ATTR_DSA_PRIME`, `_SUBPRIME`, `_BASE` and `_PUBLIC_VALUE`. Inconsistent
    /// values (y^q ≠ 1 mod p, …) give `TEE_ERROR_BAD_PARAMETERS`.
    pub fn from_components(p: &[u8], q: &[u8], g: &[u8], y: &[u8]) -> AsymResult<Self> {
        VerifyingKey::from_components(components(p, q, g)?, uint(y))
            .map(Self)
            .map_err(|_| BAD_PARAMS)
    }

    /// Prime size in bits (the GP key size).
    pub fn bits(&self) -> usize {
        self.0.components().p().bits()
    }

    /// Signature length: twice the subprime length in bytes.
    pub fn signature_len(&self) -> usize {
        2 * q_len(&self.0)
    }

    /// (p, q, g, y) as big-endian bytes.
    pub fn components(&self) -> [Vec<u8>; 4] {
        let c = self.0.components();
        [
            c.p().to_bytes_be(),
            c.q().to_bytes_be(),
            c.g().to_bytes_be(),
            self.0.y().to_bytes_be(),
        ]
    }

    /// Verifies `sig` (`r || s`) over `digest` made with `hash` (whole, or truncated to the
    /// subprime length). A digest of another length gives `TEE_ERROR_BAD_PARAMETERS`; a bad
    /// signature `TEE_ERROR_SIGNATURE_INVALID`.
    pub fn verify(&self, hash: HashAlg, digest: &[u8], sig: &[u8]) -> AsymResult<()> {
        check_digest(&self.0, hash, digest)?;
        let n = q_len(&self.0);
        if sig.len() != 2 * n {
            return Err(SIG_INVALID);
        }
        let sig = Signature::from_components(uint(&sig[..n]), uint(&sig[n..]))
            .map_err(|_| SIG_INVALID)?;
        self.0.verify_prehash(digest, &sig).map_err(|_| SIG_INVALID)
    }
}

impl DsaKeyPair {
    /// From the domain parameters, `TEE_ATTR_DSA_PUBLIC_VALUE` and `_PRIVATE_VALUE`; y must
    /// equal g^x mod p.
    pub fn from_components(p: &[u8], q: &[u8], g: &[u8], y: &[u8], x: &[u8]) -> AsymResult<Self> {
        let public = DsaPublicKey::from_components(p, q, g, y)?;
        let x = uint(x);
        let c = public.0.components();
        if &c.g().modpow(&x, c.p()) != public.0.y() {
            return Err(BAD_PARAMS);
        }
        SigningKey::from_components(public.0, x)
            .map(Self)
            .map_err(|_| BAD_PARAMS)
    }

    /// Generates a key pair for the given domain parameters (`TEE_GenerateKey` with
    /// `TEE_ATTR_DSA_PRIME`/`_SUBPRIME`/`_BASE`).
    pub fn generate(p: &[u8], q: &[u8], g: &[u8], rng: &mut dyn CryptoRngCore) -> AsymResult<Self> {
        let c = components(p, q, g)?;
        let x = random_in_range(rng, &BigUint::one(), c.q()).ok_or(BAD_PARAMS)?;
        let y = c.g().modpow(&x, c.p());
        let vk = VerifyingKey::from_components(c, y).map_err(|_| BAD_PARAMS)?;
        SigningKey::from_components(vk, x)
            .map(Self)
            .map_err(|_| BAD_PARAMS)
    }

    /// The public half.
    pub fn public_key(&self) -> DsaPublicKey {
        DsaPublicKey(self.0.verifying_key().clone())
    }

    /// `TEE_ATTR_DSA_PRIVATE_VALUE`.
    pub fn private_value(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.x().to_bytes_be())
    }

    /// Signs `digest` made with `hash` (whole, or truncated to the subprime length); returns
    /// `r || s`.
    pub fn sign(
        &self,
        hash: HashAlg,
        digest: &[u8],
        rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Vec<u8>> {
        check_digest(self.0.verifying_key(), hash, digest)?;
        let n = q_len(self.0.verifying_key());
        let sig = self
            .0
            .sign_prehash_with_rng(&mut &mut *rng, digest)
            .map_err(|_| BAD_PARAMS)?;
        let mut out = left_pad(&sig.r().to_bytes_be(), n)?;
        out.extend_from_slice(&left_pad(&sig.s().to_bytes_be(), n)?);
        Ok(out)
    }
}
