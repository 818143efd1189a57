//! Error type shared by every operation and object in this crate.

use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_FORMAT, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
    TEE_ERROR_CIPHERTEXT_INVALID, TEE_ERROR_EXCESS_DATA, TEE_ERROR_GENERIC,
    TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_MAC_INVALID, TEE_ERROR_NOT_IMPLEMENTED,
    TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_SECURITY, TEE_ERROR_SHORT_BUFFER,
    TEE_ERROR_SIGNATURE_INVALID,
};

/// Failure of a GlobalPlatform cryptographic call.
///
/// Every variant except [`CryptoError::TaPanic`] maps to a `TEE_Result` code via [`CryptoError::code`].
/// `TaPanic` means the GP specification requires the calling TA to be panicked; the syscall layer
/// decides how (OP-TEE's core returns an error that libutee turns into `TEE_Panic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// `TEE_ERROR_BAD_PARAMETERS`.
    BadParameters,
    /// `TEE_ERROR_BAD_STATE`.
    BadState,
    /// `TEE_ERROR_NOT_SUPPORTED`.
    NotSupported,
    /// `TEE_ERROR_ITEM_NOT_FOUND` (unknown or repeated attribute, attribute not set).
    ItemNotFound,
    /// `TEE_ERROR_SHORT_BUFFER`; `required` is the output size the call needs.
    ShortBuffer {
        /// Bytes the caller must provide.
        required: usize,
    },
    /// `TEE_ERROR_MAC_INVALID`.
    MacInvalid,
    /// `TEE_ERROR_SIGNATURE_INVALID`.
    SignatureInvalid,
    /// `TEE_ERROR_SECURITY`.
    Security,
    /// `TEE_ERROR_CIPHERTEXT_INVALID`.
    CiphertextInvalid,
    /// `TEE_ERROR_OUT_OF_MEMORY`.
    OutOfMemory,
    /// `TEE_ERROR_GENERIC`.
    Generic,
    /// `TEE_ERROR_EXCESS_DATA` (generated secret larger than the object type stores).
    ExcessData,
    /// `TEE_ERROR_BAD_FORMAT` (key generation for a type that has none).
    BadFormat,
    /// `TEE_ERROR_NOT_IMPLEMENTED` (ECDH on a curve OP-TEE has no ECDH for).
    NotImplemented,
    /// The GP specification says the TA panics; the string names the violated rule.
    TaPanic(&'static str),
}

impl CryptoError {
    /// The `TEE_Result` value for this error (`TEE_ERROR_BAD_STATE` for [`CryptoError::TaPanic`], which
    /// is what OP-TEE's core returns before libutee panics the TA).
    pub const fn code(self) -> u32 {
        match self {
            CryptoError::BadParameters => TEE_ERROR_BAD_PARAMETERS,
            CryptoError::BadState | CryptoError::TaPanic(_) => TEE_ERROR_BAD_STATE,
            CryptoError::NotSupported => TEE_ERROR_NOT_SUPPORTED,
            CryptoError::ItemNotFound => TEE_ERROR_ITEM_NOT_FOUND,
            CryptoError::ShortBuffer { .. } => TEE_ERROR_SHORT_BUFFER,
            CryptoError::MacInvalid => TEE_ERROR_MAC_INVALID,
            CryptoError::SignatureInvalid => TEE_ERROR_SIGNATURE_INVALID,
            CryptoError::Security => TEE_ERROR_SECURITY,
            CryptoError::CiphertextInvalid => TEE_ERROR_CIPHERTEXT_INVALID,
            CryptoError::OutOfMemory => TEE_ERROR_OUT_OF_MEMORY,
            CryptoError::Generic => TEE_ERROR_GENERIC,
            CryptoError::ExcessData => TEE_ERROR_EXCESS_DATA,
            CryptoError::BadFormat => TEE_ERROR_BAD_FORMAT,
            CryptoError::NotImplemented => TEE_ERROR_NOT_IMPLEMENTED,
        }
    }
}

impl From<oxtee_crypto_fast::Error> for CryptoError {
    fn from(e: oxtee_crypto_fast::Error) -> Self {
        match e {
            oxtee_crypto_fast::Error::BadParameters => Self::BadParameters,
            oxtee_crypto_fast::Error::SignatureInvalid => Self::SignatureInvalid,
            oxtee_crypto_fast::Error::BadState => Self::BadState,
            oxtee_crypto_fast::Error::MacInvalid => Self::MacInvalid,
            oxtee_crypto_fast::Error::Fault => Self::Generic,
        }
    }
}

impl From<CryptoError> for supplicant_proto::tee_error::TeeError {
    /// The wire code of a cryptographic failure (origin TEE), at the
    /// boundary where the core answers the TA.
    fn from(e: CryptoError) -> Self {
        Self::from_code(e.code())
    }
}

/// Result alias used throughout the crate.
pub type CryptoResult<T> = Result<T, CryptoError>;

/// Check that `out` can hold `needed` bytes.
pub(crate) fn check_out(out: &[u8], needed: usize) -> CryptoResult<()> {
    if out.len() < needed {
        Err(CryptoError::ShortBuffer { required: needed })
    } else {
        Ok(())
    }
}
