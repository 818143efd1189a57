//! ABI constants this crate needs.
//!
//! TODO: switch to `supplicant_proto::optee_smc` once it carries these names (it only had the
//! monitor's subset when this crate was written). Names and values follow upstream `optee_smc.h`.

/// `OPTEE_SMC_RETURN_ETHREAD_LIMIT`.
pub(crate) const OPTEE_SMC_RETURN_ETHREAD_LIMIT: u32 = 0x1;
/// `OPTEE_SMC_RETURN_ERESUME`.
pub(crate) const OPTEE_SMC_RETURN_ERESUME: u32 = 0x3;
/// `OPTEE_SMC_RETURN_RPC_PREFIX`: a0 of an RPC exit is this ORed with the function.
pub(crate) const OPTEE_SMC_RETURN_RPC_PREFIX: u32 = 0xFFFF_0000;
/// `OPTEE_SMC_RPC_FUNC_ALLOC`.
pub(crate) const OPTEE_SMC_RPC_FUNC_ALLOC: u32 = 0;
/// `OPTEE_SMC_RPC_FUNC_FREE`.
pub(crate) const OPTEE_SMC_RPC_FUNC_FREE: u32 = 2;
/// `OPTEE_SMC_RPC_FUNC_FOREIGN_INTR`.
pub(crate) const OPTEE_SMC_RPC_FUNC_FOREIGN_INTR: u32 = 4;
/// `OPTEE_SMC_RPC_FUNC_CMD`.
pub(crate) const OPTEE_SMC_RPC_FUNC_CMD: u32 = 5;
