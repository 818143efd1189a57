//! Asymmetric algorithms (RSA, DSA, DH, ECC, Ed25519, X25519, SM2) and key derivation.
//!
//! Every function here is a plain, stateless building block: it takes key material (big-endian
//! byte strings as GlobalPlatform attributes carry them) and algorithm parameters, and returns
//! bytes or a [`CryptoError`] ([`AsymResult`]). The GP `Operation`/`KeyObject` layer decides
//! which function to call from the `TEE_ALG_*` identifier, checks the operation mode and the
//! output buffer size, and reports the errors unchanged.
//!
//! Randomness always comes from the caller as `&mut dyn CryptoRngCore` (the core's RNG).

pub mod bigint;
pub mod dh;
pub mod dsa;
pub mod ecc;
pub mod ed25519;
pub mod hash;
pub mod kdf;
pub mod rsa;
pub mod sm2;
mod weierstrass;
pub mod x25519;

pub use rand_core::CryptoRngCore;

use crate::error::CryptoError;

/// Result of an asymmetric primitive. Errors are the GP codes these primitives can produce:
/// [`CryptoError::BadParameters`], [`CryptoError::NotSupported`] and [`CryptoError::SignatureInvalid`].
pub type AsymResult<T> = Result<T, CryptoError>;

/// `TEE_ERROR_BAD_PARAMETERS` shorthand.
pub(crate) const BAD_PARAMS: CryptoError = CryptoError::BadParameters;
/// `TEE_ERROR_NOT_SUPPORTED` shorthand.
pub(crate) const NOT_SUPPORTED: CryptoError = CryptoError::NotSupported;
/// `TEE_ERROR_SIGNATURE_INVALID` shorthand.
pub(crate) const SIG_INVALID: CryptoError = CryptoError::SignatureInvalid;

/// Copies `src` right-aligned into a zero-filled buffer of `len` bytes (big-endian integer
/// left padding). Fails with `TEE_ERROR_BAD_PARAMETERS` when `src` has significant bytes beyond
/// `len`.
pub(crate) fn left_pad(src: &[u8], len: usize) -> AsymResult<alloc::vec::Vec<u8>> {
    let first = src.iter().position(|&b| b != 0).unwrap_or(src.len());
    let significant = &src[first..];
    if significant.len() > len {
        return Err(BAD_PARAMS);
    }
    let mut out = alloc::vec![0u8; len];
    out[len - significant.len()..].copy_from_slice(significant);
    Ok(out)
}
