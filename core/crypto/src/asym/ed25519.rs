//! Ed25519 (`TEE_ALG_ED25519`) in its three RFC 8032 variants, selected as OP-TEE selects
//! them from the operation parameters:
//!
//! | `TEE_ATTR_EDDSA_PREHASH` | `TEE_ATTR_EDDSA_CTX` | variant |
//! |---|---|---|
//! | absent / 0 | absent or empty | Ed25519 (pure) |
//! | absent / 0 | 1..=255 bytes | Ed25519ctx |
//! | 1 | 0..=255 bytes | Ed25519ph (SHA-512 of the message is computed here) |
//!
//! Pure Ed25519 and Ed25519ph are `ed25519-dalek`'s. Ed25519ctx is not offered by that crate,
//! so it is composed from `curve25519-dalek` group operations, the key's expanded secret from
//! `ed25519-dalek`'s `hazmat` module and SHA-512, following RFC 8032 §5.1.6/§5.1.7 with
//! `dom2(0, ctx)`. Verification is strict (canonical `S`, no small-order `R` or `A` for the
//! pure/ph variants through `verify_strict`; canonical `S` and the cofactorless equation for
//! ctx).

use alloc::vec::Vec;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::hazmat::ExpandedSecretKey;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use sha2::Digest;

use crate::hash::Sha512;
use zeroize::Zeroizing;

use super::{AsymResult, CryptoRngCore, BAD_PARAMS, SIG_INVALID};

/// Key length (private seed and public key) in bytes.
pub const ED25519_KEY_LEN: usize = 32;
/// Signature length in bytes.
pub const ED25519_SIG_LEN: usize = 64;
/// Longest context RFC 8032 allows.
pub const ED25519_MAX_CTX_LEN: usize = 255;

/// Variant parameters of one sign/verify call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EddsaParams<'a> {
    /// `TEE_ATTR_EDDSA_PREHASH` value `a` (non-zero: Ed25519ph).
    pub prehash: bool,
    /// `TEE_ATTR_EDDSA_CTX` bytes (`None` when absent).
    pub ctx: Option<&'a [u8]>,
}

impl EddsaParams<'_> {
    fn check(&self) -> AsymResult<()> {
        match self.ctx {
            Some(c) if c.len() > ED25519_MAX_CTX_LEN => Err(BAD_PARAMS),
            _ => Ok(()),
        }
    }

    fn ctx_nonempty(&self) -> Option<&[u8]> {
        self.ctx.filter(|c| !c.is_empty())
    }
}

/// An Ed25519 public key (`TEE_ATTR_ED25519_PUBLIC_VALUE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519PublicKey(VerifyingKey);

/// An Ed25519 key pair (`TEE_ATTR_ED25519_PRIVATE_VALUE` is the 32-byte seed).
#[derive(Clone)]
pub struct Ed25519KeyPair(SigningKey);

impl core::fmt::Debug for Ed25519KeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ed25519KeyPair")
            .field("public", &self.0.verifying_key())
            .finish_non_exhaustive()
    }
}

fn key32(b: &[u8]) -> AsymResult<&[u8; 32]> {
    b.try_into().map_err(|_| BAD_PARAMS)
}

/// `dom2(0, ctx)` of RFC 8032 §2.
fn dom2(h: &mut Sha512, ctx: &[u8]) {
    h.update(b"SigEd25519 no Ed25519 collisions");
    // ctx.len() <= 255 was checked by `EddsaParams::check`.
    h.update([0u8, ctx.len() as u8]);
    h.update(ctx);
}

fn wide_scalar(h: Sha512) -> Scalar {
    let mut out = [0u8; 64];
    out.copy_from_slice(&h.finalize());
    let s = Scalar::from_bytes_mod_order_wide(&out);
    zeroize::Zeroize::zeroize(&mut out);
    s
}

impl Ed25519PublicKey {
    /// From the 32-byte encoded point; an invalid encoding gives `TEE_ERROR_BAD_PARAMETERS`.
    pub fn from_bytes(public: &[u8]) -> AsymResult<Self> {
        VerifyingKey::from_bytes(key32(public)?)
            .map(Self)
            .map_err(|_| BAD_PARAMS)
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Verifies `sig` over `msg`; failures give `TEE_ERROR_SIGNATURE_INVALID`.
    pub fn verify(&self, msg: &[u8], sig: &[u8], params: EddsaParams<'_>) -> AsymResult<()> {
        params.check()?;
        let sig_bytes: &[u8; 64] = sig.try_into().map_err(|_| SIG_INVALID)?;
        let signature = Signature::from_bytes(sig_bytes);
        if params.prehash {
            let ph = Sha512::new_with_prefix(msg);
            return self
                .0
                .verify_prehashed(ph, params.ctx, &signature)
                .map_err(|_| SIG_INVALID);
        }
        match params.ctx_nonempty() {
            None => self
                .0
                .verify_strict(msg, &signature)
                .map_err(|_| SIG_INVALID),
            Some(ctx) => self.verify_ctx(msg, ctx, sig_bytes),
        }
    }

    fn verify_ctx(&self, msg: &[u8], ctx: &[u8], sig: &[u8; 64]) -> AsymResult<()> {
        let mut r_enc = [0u8; 32];
        r_enc.copy_from_slice(&sig[..32]);
        let mut s_enc = [0u8; 32];
        s_enc.copy_from_slice(&sig[32..]);
        let s: Option<Scalar> = Scalar::from_canonical_bytes(s_enc).into();
        let s = s.ok_or(SIG_INVALID)?;
        let a: EdwardsPoint = CompressedEdwardsY(self.0.to_bytes())
            .decompress()
            .ok_or(SIG_INVALID)?;
        CompressedEdwardsY(r_enc).decompress().ok_or(SIG_INVALID)?;
        let mut h = Sha512::new();
        dom2(&mut h, ctx);
        h.update(r_enc);
        h.update(self.0.as_bytes());
        h.update(msg);
        let k = wide_scalar(h);
        // R' = [S]B - [k]A must encode to R.
        let r_check = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &(-a), &s);
        if r_check.compress().to_bytes() == r_enc {
            Ok(())
        } else {
            Err(SIG_INVALID)
        }
    }
}

impl Ed25519KeyPair {
    /// From the 32-byte seed and the 32-byte public key; a public key that does not belong to
    /// the seed gives `TEE_ERROR_BAD_PARAMETERS`.
    pub fn from_components(private: &[u8], public: &[u8]) -> AsymResult<Self> {
        let kp = Self::from_seed(private)?;
        if kp.0.verifying_key().as_bytes() != key32(public)? {
            return Err(BAD_PARAMS);
        }
        Ok(kp)
    }

    /// From the 32-byte seed alone.
    pub fn from_seed(private: &[u8]) -> AsymResult<Self> {
        Ok(Self(SigningKey::from_bytes(key32(private)?)))
    }

    /// Generates a key pair.
    pub fn generate(rng: &mut dyn CryptoRngCore) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(&mut seed[..]);
        Self(SigningKey::from_bytes(&seed))
    }

    /// The 32-byte seed (`TEE_ATTR_ED25519_PRIVATE_VALUE`).
    pub fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public half.
    pub fn public_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }

    /// Signs `msg` (64-byte signature). Ed25519 is deterministic; no RNG is needed.
    pub fn sign(&self, msg: &[u8], params: EddsaParams<'_>) -> AsymResult<Vec<u8>> {
        params.check()?;
        if params.prehash {
            let ph = Sha512::new_with_prefix(msg);
            let sig = self
                .0
                .sign_prehashed(ph, params.ctx)
                .map_err(|_| BAD_PARAMS)?;
            return Ok(sig.to_bytes().to_vec());
        }
        match params.ctx_nonempty() {
            None => {
                let sig = ed25519_dalek::Signer::sign(&self.0, msg);
                Ok(sig.to_bytes().to_vec())
            }
            Some(ctx) => Ok(self.sign_ctx(msg, ctx).to_vec()),
        }
    }

    fn sign_ctx(&self, msg: &[u8], ctx: &[u8]) -> [u8; 64] {
        let esk = ExpandedSecretKey::from(self.0.as_bytes());
        let public = self.0.verifying_key();
        let mut h = Sha512::new();
        dom2(&mut h, ctx);
        h.update(esk.hash_prefix);
        h.update(msg);
        let r = wide_scalar(h);
        let big_r = EdwardsPoint::mul_base(&r).compress();
        let mut h = Sha512::new();
        dom2(&mut h, ctx);
        h.update(big_r.as_bytes());
        h.update(public.as_bytes());
        h.update(msg);
        let k = wide_scalar(h);
        let s = r + k * esk.scalar;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(big_r.as_bytes());
        sig[32..].copy_from_slice(s.as_bytes());
        sig
    }
}
