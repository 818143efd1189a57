//! ABI constants this crate uses, all from `supplicant-proto`.

pub(crate) use supplicant_proto::optee_msg::OPTEE_MSG_NONCONTIG_PAGE_SIZE;
pub(crate) use supplicant_proto::optee_smc::{
    OPTEE_SMC_RETURN_EBADADDR, OPTEE_SMC_RETURN_EBUSY, OPTEE_SMC_RETURN_ENOMEM,
};
pub(crate) use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BUSY, TEE_ERROR_GENERIC, TEE_ERROR_OUT_OF_MEMORY,
    TEE_ERROR_SHORT_BUFFER,
};
