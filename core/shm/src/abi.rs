//! ABI constants this crate needs.
//!
//! TODO: switch to `supplicant_proto::{optee_msg, optee_smc, tee_result}` once those modules carry
//! these names (they were stubs when this crate was written). Names and values follow upstream
//! OP-TEE (`optee_msg.h`, `optee_smc.h`, `tee_api_defines.h`).

/// `OPTEE_MSG_NONCONTIG_PAGE_SIZE`: granule of registered shared memory and page lists.
pub(crate) const OPTEE_MSG_NONCONTIG_PAGE_SIZE: u64 = 4096;

/// `TEE_ERROR_GENERIC`.
pub(crate) const TEE_ERROR_GENERIC: u32 = 0xFFFF_0000;
/// `TEE_ERROR_BAD_PARAMETERS`.
pub(crate) const TEE_ERROR_BAD_PARAMETERS: u32 = 0xFFFF_0006;
/// `TEE_ERROR_OUT_OF_MEMORY`.
pub(crate) const TEE_ERROR_OUT_OF_MEMORY: u32 = 0xFFFF_000C;
/// `TEE_ERROR_BUSY`.
pub(crate) const TEE_ERROR_BUSY: u32 = 0xFFFF_000D;
/// `TEE_ERROR_SHORT_BUFFER`.
pub(crate) const TEE_ERROR_SHORT_BUFFER: u32 = 0xFFFF_0010;

/// `OPTEE_SMC_RETURN_EBADADDR`.
pub(crate) const OPTEE_SMC_RETURN_EBADADDR: u32 = 0x4;
/// `OPTEE_SMC_RETURN_ENOMEM`.
pub(crate) const OPTEE_SMC_RETURN_ENOMEM: u32 = 0x6;
/// `OPTEE_SMC_RETURN_EBUSY`.
pub(crate) const OPTEE_SMC_RETURN_EBUSY: u32 = 0x2;
