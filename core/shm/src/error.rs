//! Error types and their mapping to OP-TEE result codes.

use crate::abi;

/// Failure reported by a [`crate::PhysMem`] implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemError {
    /// The address range is not covered by the implementation's mapping.
    OutOfRange,
    /// The access faulted (e.g. an external abort).
    Fault,
}

/// Why a shared-memory operation was refused.
///
/// | variant | `TEE_Result` ([`ShmError::tee_result`]) | SMC a0 ([`ShmError::smc_return`]) |
/// |---|---|---|
/// | `Unaligned`, `NotNonSecure`, `Overflow`, `BadOffset`, `SizeMismatch`, `OutOfBounds`, `UnknownCookie`, `DuplicateCookie` | `TEE_ERROR_BAD_PARAMETERS` | `EBADADDR` |
/// | `NoSpace` | `TEE_ERROR_OUT_OF_MEMORY` | `ENOMEM` |
/// | `Busy` | `TEE_ERROR_BUSY` | `EBUSY` |
/// | `ShortBuffer` | `TEE_ERROR_SHORT_BUFFER` | `EBADADDR` |
/// | `Mem(_)` | `TEE_ERROR_GENERIC` | `EBADADDR` |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShmError {
    /// A page or argument address is not aligned as required.
    Unaligned,
    /// An address range is not entirely normal-world RAM (outside the RAM range, or touching
    /// secure RAM).
    NotNonSecure,
    /// Address or length arithmetic would wrap.
    Overflow,
    /// The offset inside the first page is not below the page size.
    BadOffset,
    /// The page count does not match `page_offset + size` (or size is zero).
    SizeMismatch,
    /// `offs + size` reaches beyond the registered buffer or view.
    OutOfBounds,
    /// No buffer is registered under this cookie (unknown cookie, double unregister).
    UnknownCookie,
    /// The cookie is already registered.
    DuplicateCookie,
    /// A configured capacity limit (buffers, pages, heap) would be exceeded.
    NoSpace,
    /// The buffer is in use by an ongoing call.
    Busy,
    /// The caller's slice does not fit the view.
    ShortBuffer,
    /// The [`crate::PhysMem`] backend failed.
    Mem(MemError),
}

impl ShmError {
    /// The `TEE_Result` to put into `optee_msg_arg.ret` (origin `TEE_ORIGIN_TEE`).
    pub const fn tee_result(self) -> u32 {
        match self {
            ShmError::Unaligned
            | ShmError::NotNonSecure
            | ShmError::Overflow
            | ShmError::BadOffset
            | ShmError::SizeMismatch
            | ShmError::OutOfBounds
            | ShmError::UnknownCookie
            | ShmError::DuplicateCookie => abi::TEE_ERROR_BAD_PARAMETERS,
            ShmError::NoSpace => abi::TEE_ERROR_OUT_OF_MEMORY,
            ShmError::Busy => abi::TEE_ERROR_BUSY,
            ShmError::ShortBuffer => abi::TEE_ERROR_SHORT_BUFFER,
            ShmError::Mem(_) => abi::TEE_ERROR_GENERIC,
        }
    }

    /// The `OPTEE_SMC_RETURN_*` value when the failure concerns the argument of a yielding
    /// SMC itself (e.g. the `optee_msg_arg` address of `CALL_WITH_ARG`).
    pub const fn smc_return(self) -> u32 {
        match self {
            ShmError::NoSpace => abi::OPTEE_SMC_RETURN_ENOMEM,
            ShmError::Busy => abi::OPTEE_SMC_RETURN_EBUSY,
            _ => abi::OPTEE_SMC_RETURN_EBADADDR,
        }
    }
}

impl From<MemError> for ShmError {
    fn from(e: MemError) -> Self {
        ShmError::Mem(e)
    }
}
