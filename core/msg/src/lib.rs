#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod decode;
mod encode;
mod error;
mod pagelist;
mod param;

pub use decode::{arg_size, decode, decode_header, rpc_arg_offset, Request, RPC_ARG_SIZE};
pub use encode::{encode_error, encode_result, Completion, EncodeError, ParamOut};
pub use error::{Answer, BadParam, MsgError};
pub use pagelist::{decode_page_list, num_pages, PageList, PageListError, PAGE_SIZE};
pub use param::{Dir, Param, ParamList};

use supplicant_proto::tee_error::TeeError;

/// Check an RMEM window `offs..offs+size` against the size of the
/// registered buffer it names. OP-TEE 4.5 (`set_rmem_param`) answers an
/// overflow or a window past the end with `TEE_ERROR_SECURITY` (after the
/// cookie lookup, which fails with `TEE_ERROR_BAD_PARAMETERS`).
pub fn check_rmem_range(offs: u64, size: u64, registered_size: u64) -> Result<(), TeeError> {
    match offs.checked_add(size) {
        Some(end) if end <= registered_size => Ok(()),
        _ => Err(TeeError::SECURITY),
    }
}
