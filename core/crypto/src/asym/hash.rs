//! Message digests used inside asymmetric schemes (signature digests, OAEP/MGF1, KDFs).

use alloc::vec::Vec;
use supplicant_proto::tee_crypto::{
    TEE_MAIN_ALGO_MD5, TEE_MAIN_ALGO_SHA1, TEE_MAIN_ALGO_SHA224, TEE_MAIN_ALGO_SHA256,
    TEE_MAIN_ALGO_SHA384, TEE_MAIN_ALGO_SHA3_224, TEE_MAIN_ALGO_SHA3_256, TEE_MAIN_ALGO_SHA3_384,
    TEE_MAIN_ALGO_SHA3_512, TEE_MAIN_ALGO_SHA512, TEE_MAIN_ALGO_SM3,
};

use super::{AsymResult, NOT_SUPPORTED};
use crate::digest::hasher_of;

/// A hash function named by a GP algorithm identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashAlg {
    /// MD5 (legacy; PKCS#1 v1.5 signatures and HKDF only).
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-224.
    Sha3_224,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
    /// SM3.
    Sm3,
}

impl HashAlg {
    /// From a `TEE_MAIN_ALGO_*` value (e.g. the digest nibble of a signature algorithm ID).
    pub fn from_main_algo(main: u32) -> AsymResult<Self> {
        Ok(match main {
            TEE_MAIN_ALGO_MD5 => Self::Md5,
            TEE_MAIN_ALGO_SHA1 => Self::Sha1,
            TEE_MAIN_ALGO_SHA224 => Self::Sha224,
            TEE_MAIN_ALGO_SHA256 => Self::Sha256,
            TEE_MAIN_ALGO_SHA384 => Self::Sha384,
            TEE_MAIN_ALGO_SHA512 => Self::Sha512,
            TEE_MAIN_ALGO_SHA3_224 => Self::Sha3_224,
            TEE_MAIN_ALGO_SHA3_256 => Self::Sha3_256,
            TEE_MAIN_ALGO_SHA3_384 => Self::Sha3_384,
            TEE_MAIN_ALGO_SHA3_512 => Self::Sha3_512,
            TEE_MAIN_ALGO_SM3 => Self::Sm3,
            _ => return Err(NOT_SUPPORTED),
        })
    }

    /// From a digest algorithm ID such as `TEE_ALG_SHA256` (`0x5000_0004`), the form the
    /// `TEE_ATTR_RSA_OAEP_MGF_HASH` attribute carries. The low byte selects the hash.
    pub fn from_tee_alg(alg: u32) -> AsymResult<Self> {
        if alg & 0xFFFF_FF00 != 0x5000_0000 {
            return Err(NOT_SUPPORTED);
        }
        Self::from_main_algo(alg & 0xFF)
    }

    /// The hash selected by bits 15:12 of a signature algorithm ID
    /// (`TEE_ALG_RSASSA_*`, `TEE_ALG_DSA_*`).
    pub fn from_sig_alg(alg: u32) -> AsymResult<Self> {
        Self::from_main_algo((alg >> 12) & 0xF)
    }

    /// The hash selected by bits 23:20 of an algorithm ID (OAEP digest, PSS MGF1 digest).
    pub fn from_internal_field(alg: u32) -> AsymResult<Self> {
        Self::from_main_algo((alg >> 20) & 0xF)
    }

    /// The digest algorithm ID (`TEE_ALG_MD5`, `TEE_ALG_SHA256`, …).
    pub const fn tee_alg(self) -> u32 {
        supplicant_proto::tee_crypto::tee_alg_hash_algo(match self {
            Self::Md5 => TEE_MAIN_ALGO_MD5,
            Self::Sha1 => TEE_MAIN_ALGO_SHA1,
            Self::Sha224 => TEE_MAIN_ALGO_SHA224,
            Self::Sha256 => TEE_MAIN_ALGO_SHA256,
            Self::Sha384 => TEE_MAIN_ALGO_SHA384,
            Self::Sha512 => TEE_MAIN_ALGO_SHA512,
            Self::Sha3_224 => TEE_MAIN_ALGO_SHA3_224,
            Self::Sha3_256 => TEE_MAIN_ALGO_SHA3_256,
            Self::Sha3_384 => TEE_MAIN_ALGO_SHA3_384,
            Self::Sha3_512 => TEE_MAIN_ALGO_SHA3_512,
            Self::Sm3 => TEE_MAIN_ALGO_SM3,
        })
    }

    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 => 20,
            Self::Sha224 | Self::Sha3_224 => 28,
            Self::Sha256 | Self::Sha3_256 | Self::Sm3 => 32,
            Self::Sha384 | Self::Sha3_384 => 48,
            Self::Sha512 | Self::Sha3_512 => 64,
        }
    }

    /// One-shot digest of `data`; `TEE_ERROR_NOT_SUPPORTED` for a hash whose family the build
    /// leaves out.
    pub fn digest(self, data: &[u8]) -> AsymResult<Vec<u8>> {
        let mut h = hasher_of(self).ok_or(NOT_SUPPORTED)?;
        h.update(data);
        let mut out = alloc::vec![0u8; self.output_len()];
        h.finalize_reset(&mut out);
        Ok(out)
    }

    /// DER prefix of the PKCS#1 v1.5 `DigestInfo` for this hash (RFC 8017 §9.2 note 1), or
    /// `None` when PKCS#1 v1.5 signatures do not define it (SM3).
    pub(crate) fn pkcs1_digest_info_prefix(self) -> Option<&'static [u8]> {
        const MD5: &[u8] = &[
            0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05,
            0x05, 0x00, 0x04, 0x10,
        ];
        const SHA1: &[u8] = &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ];
        const SHA224: &[u8] = &[
            0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x04, 0x05, 0x00, 0x04, 0x1c,
        ];
        const SHA256: &[u8] = &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        const SHA384: &[u8] = &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ];
        const SHA512: &[u8] = &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ];
        const SHA3_224: &[u8] = &[
            0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x07, 0x05, 0x00, 0x04, 0x1c,
        ];
        const SHA3_256: &[u8] = &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x08, 0x05, 0x00, 0x04, 0x20,
        ];
        const SHA3_384: &[u8] = &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x09, 0x05, 0x00, 0x04, 0x30,
        ];
        const SHA3_512: &[u8] = &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x0a, 0x05, 0x00, 0x04, 0x40,
        ];
        Some(match self {
            Self::Md5 => MD5,
            Self::Sha1 => SHA1,
            Self::Sha224 => SHA224,
            Self::Sha256 => SHA256,
            Self::Sha384 => SHA384,
            Self::Sha512 => SHA512,
            Self::Sha3_224 => SHA3_224,
            Self::Sha3_256 => SHA3_256,
            Self::Sha3_384 => SHA3_384,
            Self::Sha3_512 => SHA3_512,
            Self::Sm3 => return None,
        })
    }
}
