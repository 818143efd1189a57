//! Key derivation: HKDF (RFC 5869), PBKDF2-HMAC (RFC 8018) and the NIST SP 800-56A
//! single-step "concat" KDF — OP-TEE's extension algorithms `TEE_ALG_HKDF_*_DERIVE_KEY`,
//! `TEE_ALG_PBKDF2_*_DERIVE_KEY` and `TEE_ALG_CONCAT_KDF_*_DERIVE_KEY` — composed on the
//! crate's one HMAC and digest interface (`crate::hmac`, `crate::digest`), so each KDF is
//! compiled once for every hash.

use alloc::vec;
use alloc::vec::Vec;
use zeroize::{Zeroize, Zeroizing};

use crate::digest::new_hasher;
use crate::hmac::Hmac;

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
    let alg = hash.tee_alg();
    let hash_len = hash.output_len();
    if okm_len > 255 * hash_len {
        return Err(BAD_PARAMS);
    }
    // Extract: PRK = HMAC(salt, IKM); an absent salt is HashLen zeros, which as an HMAC key
    // is the same as the empty one.
    let mut prk = Zeroizing::new([0u8; 64]);
    let mut mac = Hmac::new(alg, salt).ok_or(NOT_SUPPORTED)?;
    mac.update(ikm);
    mac.finalize_reset(&mut prk[..hash_len]);
    // Expand: T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i).
    let mut mac = Hmac::new(alg, &prk[..hash_len]).ok_or(NOT_SUPPORTED)?;
    let mut okm = Zeroizing::new(vec![0u8; okm_len]);
    let mut t = Zeroizing::new([0u8; 64]);
    for (i, chunk) in okm.chunks_mut(hash_len).enumerate() {
        if i > 0 {
            mac.update(&t[..hash_len]);
        }
        mac.update(info);
        // i < 255: okm_len is at most 255 blocks.
        mac.update(&[i as u8 + 1]);
        mac.finalize_reset(&mut t[..hash_len]);
        chunk.copy_from_slice(&t[..chunk.len()]);
    }
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
    let hash_len = hash.output_len();
    // At most 2^32 - 1 blocks (RFC 8018 §5.2).
    let blocks = u32::try_from(dkm_len.div_ceil(hash_len)).map_err(|_| BAD_PARAMS)?;
    let mut mac = Hmac::new(hash.tee_alg(), password).ok_or(NOT_SUPPORTED)?;
    let mut dkm = Zeroizing::new(vec![0u8; dkm_len]);
    let (mut u, mut t) = ([0u8; 64], [0u8; 64]);
    for (i, chunk) in (1..=blocks).zip(dkm.chunks_mut(hash_len)) {
        // T_i = U_1 ⊕ … ⊕ U_c, U_1 = PRF(P, S ‖ INT(i)), U_j = PRF(P, U_{j-1}).
        mac.update(salt);
        mac.update(&i.to_be_bytes());
        mac.finalize_reset(&mut u[..hash_len]);
        t[..hash_len].copy_from_slice(&u[..hash_len]);
        for _ in 1..iterations {
            mac.update(&u[..hash_len]);
            mac.finalize_reset(&mut u[..hash_len]);
            t.iter_mut().zip(u.iter()).for_each(|(a, b)| *a ^= b);
        }
        chunk.copy_from_slice(&t[..chunk.len()]);
    }
    u.zeroize();
    t.zeroize();
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
    let hash_len = hash.output_len();
    // The 32-bit counter may not wrap (SP 800-56A §5.8.1.1).
    if u32::try_from(dkm_len.div_ceil(hash_len)).is_err() {
        return Err(BAD_PARAMS);
    }
    let mut h = new_hasher(hash.tee_alg()).ok_or(NOT_SUPPORTED)?;
    let mut dkm = Zeroizing::new(vec![0u8; dkm_len]);
    let mut block = Zeroizing::new([0u8; 64]);
    for (counter, chunk) in (1u32..).zip(dkm.chunks_mut(hash_len)) {
        h.update(&counter.to_be_bytes());
        h.update(z);
        h.update(other_info);
        h.finalize_reset(&mut block[..hash_len]);
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
    Ok(dkm)
}
