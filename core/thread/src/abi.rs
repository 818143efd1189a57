//! ABI constants this crate uses, all from `supplicant-proto`.

pub(crate) use supplicant_proto::optee_smc::{
    OPTEE_SMC_RETURN_ERESUME, OPTEE_SMC_RETURN_ETHREAD_LIMIT, OPTEE_SMC_RETURN_RPC_PREFIX,
    OPTEE_SMC_RPC_FUNC_ALLOC, OPTEE_SMC_RPC_FUNC_CMD, OPTEE_SMC_RPC_FUNC_FOREIGN_INTR,
    OPTEE_SMC_RPC_FUNC_FREE,
};
