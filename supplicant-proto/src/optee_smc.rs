//! OP-TEE SMC function IDs used by the normal world (subset the monitor needs
//! to recognise; the full set arrives with the core).

/// `OPTEE_SMC_CALLS_UID`.
pub const OPTEE_SMC_CALLS_UID: u32 = 0xBF00_FF01;
/// `OPTEE_SMC_CALLS_COUNT`.
pub const OPTEE_SMC_CALLS_COUNT: u32 = 0xBF00_FF00;
/// `OPTEE_SMC_CALLS_REVISION`.
pub const OPTEE_SMC_CALLS_REVISION: u32 = 0xBF00_FF03;
/// `OPTEE_SMC_RETURN_UNKNOWN_FUNCTION`.
pub const OPTEE_SMC_RETURN_UNKNOWN_FUNCTION: u32 = 0xFFFF_FFFF;
