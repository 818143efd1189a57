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
/// Every variant except [`TeeError::TaPanic`] maps to a `TEE_Result` code via [`TeeError::code`].
/// `TaPanic` means the GP specification requires the calling TA to be panicked; the syscall layer
/// decides how (OP-TEE's core returns an error that libutee turns into `TEE_Panic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeeError {
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

impl TeeError {
    /// The `TEE_Result` value for this error (`TEE_ERROR_BAD_STATE` for [`TeeError::TaPanic`], which
    /// is what OP-TEE's core returns before libutee panics the TA).
    pub const fn code(self) -> u32 {
        match self {
            TeeError::BadParameters => TEE_ERROR_BAD_PARAMETERS,
            TeeError::BadState | TeeError::TaPanic(_) => TEE_ERROR_BAD_STATE,
            TeeError::NotSupported => TEE_ERROR_NOT_SUPPORTED,
            TeeError::ItemNotFound => TEE_ERROR_ITEM_NOT_FOUND,
            TeeError::ShortBuffer { .. } => TEE_ERROR_SHORT_BUFFER,
            TeeError::MacInvalid => TEE_ERROR_MAC_INVALID,
            TeeError::SignatureInvalid => TEE_ERROR_SIGNATURE_INVALID,
            TeeError::Security => TEE_ERROR_SECURITY,
            TeeError::CiphertextInvalid => TEE_ERROR_CIPHERTEXT_INVALID,
            TeeError::OutOfMemory => TEE_ERROR_OUT_OF_MEMORY,
            TeeError::Generic => TEE_ERROR_GENERIC,
            TeeError::ExcessData => TEE_ERROR_EXCESS_DATA,
            TeeError::BadFormat => TEE_ERROR_BAD_FORMAT,
            TeeError::NotImplemented => TEE_ERROR_NOT_IMPLEMENTED,
        }
    }
}

/// Result alias used throughout the crate.
pub type TeeResult<T> = Result<T, TeeError>;

/// Check that `out` can hold `needed` bytes.
pub(crate) fn check_out(out: &[u8], needed: usize) -> TeeResult<()> {
    if out.len() < needed {
        Err(TeeError::ShortBuffer { required: needed })
    } else {
        Ok(())
    }
}
