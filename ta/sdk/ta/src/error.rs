//! `TEE_Result` as a Rust error.

use core::fmt;

use supplicant_proto::tee_result as r;

/// A GlobalPlatform error code (`TEE_ERROR_*`); never `TEE_SUCCESS`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(u32);

/// Result of the SDK's calls and of a TA's handlers.
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// `TEE_ERROR_GENERIC`.
    pub const GENERIC: Error = Error(r::TEE_ERROR_GENERIC);
    /// `TEE_ERROR_ACCESS_DENIED`.
    pub const ACCESS_DENIED: Error = Error(r::TEE_ERROR_ACCESS_DENIED);
    /// `TEE_ERROR_BAD_FORMAT`.
    pub const BAD_FORMAT: Error = Error(r::TEE_ERROR_BAD_FORMAT);
    /// `TEE_ERROR_BAD_PARAMETERS`.
    pub const BAD_PARAMETERS: Error = Error(r::TEE_ERROR_BAD_PARAMETERS);
    /// `TEE_ERROR_BAD_STATE`.
    pub const BAD_STATE: Error = Error(r::TEE_ERROR_BAD_STATE);
    /// `TEE_ERROR_ITEM_NOT_FOUND`.
    pub const ITEM_NOT_FOUND: Error = Error(r::TEE_ERROR_ITEM_NOT_FOUND);
    /// `TEE_ERROR_NOT_IMPLEMENTED`.
    pub const NOT_IMPLEMENTED: Error = Error(r::TEE_ERROR_NOT_IMPLEMENTED);
    /// `TEE_ERROR_NOT_SUPPORTED`.
    pub const NOT_SUPPORTED: Error = Error(r::TEE_ERROR_NOT_SUPPORTED);
    /// `TEE_ERROR_OUT_OF_MEMORY`.
    pub const OUT_OF_MEMORY: Error = Error(r::TEE_ERROR_OUT_OF_MEMORY);
    /// `TEE_ERROR_SHORT_BUFFER`.
    pub const SHORT_BUFFER: Error = Error(r::TEE_ERROR_SHORT_BUFFER);
    /// `TEE_ERROR_OVERFLOW`.
    pub const OVERFLOW: Error = Error(r::TEE_ERROR_OVERFLOW);
    /// `TEE_ERROR_SECURITY`.
    pub const SECURITY: Error = Error(r::TEE_ERROR_SECURITY);
    /// `TEE_ERROR_ACCESS_CONFLICT`.
    pub const ACCESS_CONFLICT: Error = Error(r::TEE_ERROR_ACCESS_CONFLICT);
    /// `TEE_ERROR_MAC_INVALID`.
    pub const MAC_INVALID: Error = Error(r::TEE_ERROR_MAC_INVALID);
    /// `TEE_ERROR_SIGNATURE_INVALID`.
    pub const SIGNATURE_INVALID: Error = Error(r::TEE_ERROR_SIGNATURE_INVALID);

    /// The error for a kernel result: `Ok(())` for `TEE_SUCCESS`.
    pub fn check(code: u32) -> Result<()> {
        if code == r::TEE_SUCCESS {
            Ok(())
        } else {
            Err(Error(code))
        }
    }

    /// An error from a code; `TEE_SUCCESS` becomes `TEE_ERROR_GENERIC` (an error
    /// must not read as success).
    pub fn from_code(code: u32) -> Error {
        if code == r::TEE_SUCCESS {
            Error::GENERIC
        } else {
            Error(code)
        }
    }

    /// The `TEE_Result` value.
    pub fn code(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:#010x})", self.0)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TEE error {:#010x}", self.0)
    }
}

/// Result code of a handler's outcome.
pub(crate) fn result_code(r: Result<()>) -> u32 {
    match r {
        Ok(()) => r::TEE_SUCCESS,
        Err(e) => e.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_never_an_error() {
        assert_eq!(Error::check(0), Ok(()));
        assert_eq!(
            Error::check(r::TEE_ERROR_SHORT_BUFFER),
            Err(Error::SHORT_BUFFER)
        );
        assert_eq!(Error::from_code(0), Error::GENERIC);
        assert_eq!(Error::from_code(0xFFFF_0006).code(), 0xFFFF_0006);
        assert_eq!(result_code(Ok(())), 0);
        assert_eq!(result_code(Err(Error::OVERFLOW)), 0xFFFF_300F);
    }
}
