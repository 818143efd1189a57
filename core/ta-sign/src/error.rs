//! Why a signed TA was refused, and the `TEE_Result` OP-TEE answers for it.

use supplicant_proto::tee_result::{
    TeeResult, TEE_ERROR_ACCESS_CONFLICT, TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_SECURITY,
};

/// Reason a signed TA file was refused.
///
/// The variants are fine-grained for logs and tests; [`TaError::tee_result`] folds them into
/// the code OP-TEE 4.5's `ree_fs_ta_open` returns to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaError {
    /// The file ends inside a header, or a header size points past its end.
    Truncated,
    /// `shdr.magic` is not `SHDR_MAGIC`.
    BadMagic,
    /// Signature algorithm that is not RSASSA (PKCS#1 v1.5 or PSS) with SHA-256/384/512.
    UnsupportedAlgorithm(u32),
    /// `shdr.hash_size` differs from the digest size of `shdr.algo`.
    BadHashSize,
    /// The signature does not verify with any trusted key (or with the subkey).
    BadSignature,
    /// RSA key below 2048 bits, above 4096 bits, or otherwise unusable.
    BadKey,
    /// The digest over header and payload differs from the signed hash.
    HashMismatch,
    /// The TA (or subkey namespace) UUID is not the requested one.
    UuidMismatch,
    /// File length differs from headers + `img_size`.
    SizeMismatch,
    /// `img_type` that cannot end a chain (unknown value).
    BadImageType(u32),
    /// Malformed subkey: attributes out of bounds, missing key attributes, depth not decreasing.
    BadSubkey,
    /// Encrypted TA (`SHDR_ENCRYPTED_TA`): decryption is not implemented.
    EncryptedNotSupported,
    /// `ta_version` is older than the minimum the caller accepts.
    Rollback {
        /// Version in the file.
        version: u32,
        /// Minimum accepted version.
        min_version: u32,
    },
}

impl TaError {
    /// The `TEE_Result` OP-TEE gives the client for this failure.
    ///
    /// OP-TEE answers `TEE_ERROR_SECURITY` for every header, size, key and signature problem
    /// (xtest checks this with corrupted TAs), `TEE_ERROR_ACCESS_CONFLICT` for a rollback
    /// and `TEE_ERROR_NOT_SUPPORTED` when encrypted TAs cannot be decrypted.
    pub const fn tee_result(&self) -> TeeResult {
        match self {
            Self::EncryptedNotSupported => TEE_ERROR_NOT_SUPPORTED,
            Self::Rollback { .. } => TEE_ERROR_ACCESS_CONFLICT,
            _ => TEE_ERROR_SECURITY,
        }
    }
}

impl core::fmt::Display for TaError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Truncated => f.write_str("truncated signed header"),
            Self::BadMagic => f.write_str("bad signed header magic"),
            Self::UnsupportedAlgorithm(a) => write!(f, "unsupported signature algorithm {a:#010x}"),
            Self::BadHashSize => f.write_str("hash size does not match algorithm"),
            Self::BadSignature => f.write_str("signature does not verify"),
            Self::BadKey => f.write_str("unusable RSA key"),
            Self::HashMismatch => f.write_str("digest mismatch"),
            Self::UuidMismatch => f.write_str("UUID mismatch"),
            Self::SizeMismatch => f.write_str("file size does not match headers"),
            Self::BadImageType(t) => write!(f, "bad image type {t}"),
            Self::BadSubkey => f.write_str("malformed subkey"),
            Self::EncryptedNotSupported => f.write_str("encrypted TAs are not supported"),
            Self::Rollback {
                version,
                min_version,
            } => write!(f, "TA version {version} older than {min_version}"),
        }
    }
}
