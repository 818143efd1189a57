//! Key derivation: HKDF (RFC 5869), PBKDF2-HMAC (RFC 8018) and the NIST SP 800-56A
//! single-step "concat" KDF — OP-TEE's extension algorithms `TEE_ALG_HKDF_*_DERIVE_KEY`,
//! `TEE_ALG_PBKDF2_*_DERIVE_KEY` and `TEE_ALG_CONCAT_KDF_*_DERIVE_KEY` — with the RustCrypto
//! `hkdf`, `pbkdf2` and `concat-kdf` crates.

use alloc::vec;
use alloc::vec::Vec;
use zeroize::Zeroizing;

use super::hash::HashAlg;
use super::{AsymResult, BAD_PARAMS, NOT_SUPPORTED};

/// Which KDF a `TEE_ALG_*_DERIVE_KEY` ID names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KdfKind {
    /// HKDF (main algorithm 0xC0).
    Hkdf,
    /// Concat KDF (0xC1).
    ConcatKdf,
    /// PBKDF2 with HMAC (0xC2).
    Pbkdf2,
}

/// Splits an OP-TEE KDF algorithm ID into its kind and hash (bits 15:12).
pub fn kdf_from_alg(alg: u32) -> AsymResult<(KdfKind, HashAlg)> {
    if alg >> 28 != 0x8 || alg & 0x0FFF_0F00 != 0 {
        return Err(NOT_SUPPORTED);
    }
    let kind = match alg & 0xFF {
        0xC0 => KdfKind::Hkdf,
        0xC1 => KdfKind::ConcatKdf,
        0xC2 => KdfKind::Pbkdf2,
        _ => return Err(NOT_SUPPORTED),
    };
    let hash = HashAlg::from_sig_alg(alg)?;
    match hash {
        HashAlg::Md5 if kind != KdfKind::Hkdf => Err(NOT_SUPPORTED),
        HashAlg::Md5
        | HashAlg::Sha1
        | HashAlg::Sha224
        | HashAlg::Sha256
        | HashAlg::Sha384
        | HashAlg::Sha512 => Ok((kind, hash)),
        _ => Err(NOT_SUPPORTED),
    }
}

macro_rules! with_hash {
    ($hash:expr, $D:ident => $body:expr) => {
        match $hash {
            HashAlg::Md5 => {
                type $D = md5::Md5;
                $body
            }
            HashAlg::Sha1 => {
                type $D = crate::hash::Sha1;
                $body
            }
            HashAlg::Sha224 => {
                type $D = crate::hash::Sha224;
                $body
            }
            HashAlg::Sha256 => {
                type $D = crate::hash::Sha256;
                $body
            }
            HashAlg::Sha384 => {
                type $D = crate::hash::Sha384;
                $body
            }
            HashAlg::Sha512 => {
                type $D = crate::hash::Sha512;
                $body
            }
            _ => Err(NOT_SUPPORTED),
        }
    };
}

/// HKDF-Extract-and-Expand: `okm_len` bytes (`TEE_ATTR_HKDF_OKM_LENGTH`) from
/// `TEE_ATTR_HKDF_IKM`, optional salt (`TEE_ATTR_HKDF_SALT`; empty = none) and info. An output
/// length of 0 or above 255 hash lengths gives `TEE_ERROR_BAD_PARAMETERS`.
pub fn hkdf(
    hash: HashAlg,
    ikm: &[u8],
    salt: &[u8],
    info: &[u8],
    okm_len: usize,
) -> AsymResult<Zeroizing<Vec<u8>>> {
    if okm_len == 0 {
        return Err(BAD_PARAMS);
    }
    let mut okm = Zeroizing::new(vec![0u8; okm_len]);
    let salt = if salt.is_empty() { None } else { Some(salt) };
    with_hash!(hash, D => {
        hkdf::Hkdf::<D>::new(salt, ikm)
            .expand(info, &mut okm)
            .map_err(|_| BAD_PARAMS)
    })?;
    Ok(okm)
}

/// PBKDF2-HMAC: `dkm_len` bytes from the password, salt and iteration count
/// (`TEE_ATTR_PBKDF2_*`). Zero iterations or length give `TEE_ERROR_BAD_PARAMETERS`.
pub fn pbkdf2_hmac(
    hash: HashAlg,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    dkm_len: usize,
) -> AsymResult<Zeroizing<Vec<u8>>> {
    if iterations == 0 || dkm_len == 0 {
        return Err(BAD_PARAMS);
    }
    let mut dkm = Zeroizing::new(vec![0u8; dkm_len]);
    with_hash!(hash, D => {
        pbkdf2::pbkdf2_hmac::<D>(password, salt, iterations, &mut dkm);
        Ok(())
    })?;
    Ok(dkm)
}

/// NIST SP 800-56A concatenation KDF: `H(counter ‖ Z ‖ OtherInfo)` blocks, `dkm_len` bytes
/// (`TEE_ATTR_CONCAT_KDF_Z`, `_OTHER_INFO`, `_DKM_LENGTH`). Empty Z or zero length give
/// `TEE_ERROR_BAD_PARAMETERS`.
pub fn concat_kdf(
    hash: HashAlg,
    z: &[u8],
    other_info: &[u8],
    dkm_len: usize,
) -> AsymResult<Zeroizing<Vec<u8>>> {
    if dkm_len == 0 || z.is_empty() {
        return Err(BAD_PARAMS);
    }
    let mut dkm = Zeroizing::new(vec![0u8; dkm_len]);
    with_hash!(hash, D => {
        concat_kdf::derive_key_into::<D>(z, other_info, &mut dkm).map_err(|_| BAD_PARAMS)
    })?;
    Ok(dkm)
}
