//! The error type every PTA entry point returns.

use crate::result::*;
use supplicant_proto::pta::TEE_ERROR_HEALTH_TEST_FAIL;

/// A `TEE_Result` other than `TEE_SUCCESS`, as a PTA reports it (origin `TEE_ORIGIN_TRUSTED_APP`
/// for invoke errors; the core chooses the origin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeeError {
    /// `TEE_ERROR_GENERIC`.
    Generic,
    /// `TEE_ERROR_ACCESS_DENIED`.
    AccessDenied,
    /// `TEE_ERROR_BAD_PARAMETERS`.
    BadParameters,
    /// `TEE_ERROR_BAD_STATE`.
    BadState,
    /// `TEE_ERROR_ITEM_NOT_FOUND` (no PTA / session with that id).
    ItemNotFound,
    /// `TEE_ERROR_NOT_IMPLEMENTED` (unknown command on some PTAs).
    NotImplemented,
    /// `TEE_ERROR_NOT_SUPPORTED`.
    NotSupported,
    /// `TEE_ERROR_OUT_OF_MEMORY`.
    OutOfMemory,
    /// `TEE_ERROR_BUSY`.
    Busy,
    /// `TEE_ERROR_SECURITY`.
    Security,
    /// `TEE_ERROR_SHORT_BUFFER` (the output memref's `size` holds the size needed).
    ShortBuffer,
    /// `TEE_ERROR_STORAGE_NOT_AVAILABLE`.
    StorageNotAvailable,
    /// RNG PTA `TEE_ERROR_HEALTH_TEST_FAIL`: the entropy source failed its health test.
    HealthTestFail,
}

impl TeeError {
    /// The `TEE_Result` value of this error.
    pub const fn code(self) -> u32 {
        match self {
            Self::Generic => TEE_ERROR_GENERIC,
            Self::AccessDenied => TEE_ERROR_ACCESS_DENIED,
            Self::BadParameters => TEE_ERROR_BAD_PARAMETERS,
            Self::BadState => TEE_ERROR_BAD_STATE,
            Self::ItemNotFound => TEE_ERROR_ITEM_NOT_FOUND,
            Self::NotImplemented => TEE_ERROR_NOT_IMPLEMENTED,
            Self::NotSupported => TEE_ERROR_NOT_SUPPORTED,
            Self::OutOfMemory => TEE_ERROR_OUT_OF_MEMORY,
            Self::Busy => TEE_ERROR_BUSY,
            Self::Security => TEE_ERROR_SECURITY,
            Self::ShortBuffer => TEE_ERROR_SHORT_BUFFER,
            Self::StorageNotAvailable => TEE_ERROR_STORAGE_NOT_AVAILABLE,
            Self::HealthTestFail => TEE_ERROR_HEALTH_TEST_FAIL,
        }
    }
}

/// Maps a PTA result to the `TEE_Result` the core writes into `optee_msg_arg.ret`.
pub fn tee_result(r: Result<(), TeeError>) -> u32 {
    match r {
        Ok(()) => TEE_SUCCESS,
        Err(e) => e.code(),
    }
}
