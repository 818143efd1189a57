//! The one error type of the secure OS: a `TEE_Result` other than
//! `TEE_SUCCESS`, with the origin GlobalPlatform reports beside it
//! (`TEE_ORIGIN_*`, needed where a session is opened or invoked).
//!
//! Codes are OP-TEE's numeric values (`tee_result`); the type only makes
//! sure that an error is never `TEE_SUCCESS` and that the code and its
//! origin travel together instead of as a `(u32, u32)` tuple.
//!
//! A raw code becomes an error only through [`TeeError::from_code`] or
//! [`TeeError::check`] (where a number arrives: an RPC answer, a TA's
//! return value) and leaves only through [`TeeError::code`] or
//! [`tee_result()`] (where one is written to a register or a message); there
//! is no `From` conversion to do either unseen.

use core::fmt;

use crate::tee_result::*;

/// Who reports an error (`TEE_ORIGIN_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Origin {
    /// `TEE_ORIGIN_API`: the client library.
    Api = TEE_ORIGIN_API,
    /// `TEE_ORIGIN_COMMS`: the transport (driver, supplicant).
    Comms = TEE_ORIGIN_COMMS,
    /// `TEE_ORIGIN_TEE`: the secure OS.
    Tee = TEE_ORIGIN_TEE,
    /// `TEE_ORIGIN_TRUSTED_APP`: the trusted application (or pseudo-TA).
    TrustedApp = TEE_ORIGIN_TRUSTED_APP,
}

impl Origin {
    /// The `TEE_ORIGIN_*` value.
    pub const fn value(self) -> u32 {
        self as u32
    }
}

/// A failed `TEE_Result` and where it comes from. Never `TEE_SUCCESS`.
///
/// Two errors are equal when code and origin are; [`TeeError::code`]
/// compares codes alone.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TeeError {
    code: u32,
    origin: Origin,
}

macro_rules! codes {
    ($($name:ident = $code:ident,)*) => {
        impl TeeError {
            $(
                #[doc = concat!("`", stringify!($code), "` from the secure OS.")]
                pub const $name: Self = Self { code: $code, origin: Origin::Tee };
            )*
        }

        /// The spec name of a known code.
        fn name_of(code: u32) -> Option<&'static str> {
            match code {
                $($code => Some(stringify!($code)),)*
                _ => None,
            }
        }
    };
}

codes! {
    CORRUPT_OBJECT = TEE_ERROR_CORRUPT_OBJECT,
    CORRUPT_OBJECT_2 = TEE_ERROR_CORRUPT_OBJECT_2,
    STORAGE_NOT_AVAILABLE = TEE_ERROR_STORAGE_NOT_AVAILABLE,
    STORAGE_NOT_AVAILABLE_2 = TEE_ERROR_STORAGE_NOT_AVAILABLE_2,
    UNSUPPORTED_VERSION = TEE_ERROR_UNSUPPORTED_VERSION,
    CIPHERTEXT_INVALID = TEE_ERROR_CIPHERTEXT_INVALID,
    GENERIC = TEE_ERROR_GENERIC,
    ACCESS_DENIED = TEE_ERROR_ACCESS_DENIED,
    CANCEL = TEE_ERROR_CANCEL,
    ACCESS_CONFLICT = TEE_ERROR_ACCESS_CONFLICT,
    EXCESS_DATA = TEE_ERROR_EXCESS_DATA,
    BAD_FORMAT = TEE_ERROR_BAD_FORMAT,
    BAD_PARAMETERS = TEE_ERROR_BAD_PARAMETERS,
    BAD_STATE = TEE_ERROR_BAD_STATE,
    ITEM_NOT_FOUND = TEE_ERROR_ITEM_NOT_FOUND,
    NOT_IMPLEMENTED = TEE_ERROR_NOT_IMPLEMENTED,
    NOT_SUPPORTED = TEE_ERROR_NOT_SUPPORTED,
    NO_DATA = TEE_ERROR_NO_DATA,
    OUT_OF_MEMORY = TEE_ERROR_OUT_OF_MEMORY,
    BUSY = TEE_ERROR_BUSY,
    COMMUNICATION = TEE_ERROR_COMMUNICATION,
    SECURITY = TEE_ERROR_SECURITY,
    SHORT_BUFFER = TEE_ERROR_SHORT_BUFFER,
    EXTERNAL_CANCEL = TEE_ERROR_EXTERNAL_CANCEL,
    TIMEOUT = TEE_ERROR_TIMEOUT,
    OVERFLOW = TEE_ERROR_OVERFLOW,
    TARGET_DEAD = TEE_ERROR_TARGET_DEAD,
    STORAGE_NO_SPACE = TEE_ERROR_STORAGE_NO_SPACE,
    MAC_INVALID = TEE_ERROR_MAC_INVALID,
    SIGNATURE_INVALID = TEE_ERROR_SIGNATURE_INVALID,
    TIME_NOT_SET = TEE_ERROR_TIME_NOT_SET,
    TIME_NEEDS_RESET = TEE_ERROR_TIME_NEEDS_RESET,
    HEALTH_TEST_FAIL = TEE_ERROR_HEALTH_TEST_FAIL,
}

impl TeeError {
    /// The error with `code`, reported by the secure OS. A `code` of
    /// `TEE_SUCCESS` is a caller's bug and becomes `TEE_ERROR_GENERIC`:
    /// a failure is never reported as success.
    pub const fn from_code(code: u32) -> Self {
        let code = if code == TEE_SUCCESS {
            TEE_ERROR_GENERIC
        } else {
            code
        };
        Self {
            code,
            origin: Origin::Tee,
        }
    }

    /// `Ok` for `TEE_SUCCESS`, the error (origin TEE) otherwise: for
    /// results that arrive as numbers (RPC answers, TA return values).
    pub const fn check(code: u32) -> Result<(), Self> {
        if code == TEE_SUCCESS {
            Ok(())
        } else {
            Err(Self::from_code(code))
        }
    }

    /// The same code, reported by `origin`.
    pub const fn with_origin(self, origin: Origin) -> Self {
        Self {
            code: self.code,
            origin,
        }
    }

    /// The `TEE_Result` value.
    pub const fn code(self) -> u32 {
        self.code
    }

    /// Who reports it.
    pub const fn origin(self) -> Origin {
        self.origin
    }

    /// Same code as `other`, whatever the origins.
    pub const fn is(self, other: Self) -> bool {
        self.code == other.code
    }
}

impl fmt::Debug for TeeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match name_of(self.code) {
            Some(n) => write!(f, "{n}")?,
            None => write!(f, "TEE_Result({:#x})", self.code)?,
        }
        if self.origin != Origin::Tee {
            write!(f, " from {:?}", self.origin)?;
        }
        Ok(())
    }
}

/// The `TEE_Result` of an outcome (`TEE_SUCCESS` for `Ok`).
pub const fn tee_result<T>(r: &Result<T, TeeError>) -> u32 {
    match r {
        Ok(_) => TEE_SUCCESS,
        Err(e) => e.code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_never_an_error() {
        assert_eq!(TeeError::from_code(TEE_SUCCESS), TeeError::GENERIC);
        assert_eq!(TeeError::check(TEE_SUCCESS), Ok(()));
        assert_eq!(
            TeeError::check(TEE_ERROR_BUSY),
            Err(TeeError::BUSY),
            "a failed code stays that code"
        );
    }

    #[test]
    fn codes_are_optee_values_and_origin_travels() {
        assert_eq!(TeeError::BAD_PARAMETERS.code(), 0xFFFF_0006);
        assert_eq!(TeeError::TARGET_DEAD.code(), 0xFFFF_3024);
        let ta = TeeError::SHORT_BUFFER.with_origin(Origin::TrustedApp);
        assert_eq!(ta.origin().value(), TEE_ORIGIN_TRUSTED_APP);
        assert_ne!(ta, TeeError::SHORT_BUFFER);
        assert!(ta.is(TeeError::SHORT_BUFFER));
        assert_eq!(tee_result::<()>(&Err(ta)), TEE_ERROR_SHORT_BUFFER);
    }

    #[test]
    fn debug_names_the_code() {
        let s = format!("{:?}", TeeError::ITEM_NOT_FOUND);
        assert_eq!(s, "TEE_ERROR_ITEM_NOT_FOUND");
        let s = format!(
            "{:?}",
            TeeError::from_code(0x1234).with_origin(Origin::Comms)
        );
        assert_eq!(s, "TEE_Result(0x1234) from Comms");
    }
}
