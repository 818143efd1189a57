//! Writing results into the secure copy of the arg, which the core then
//! copies back to the normal world once.
//!
//! Only the fields OP-TEE 4.5 writes are touched: `ret`, `ret_origin`
//! (not for REGISTER/UNREGISTER_SHM), `session` for OPEN_SESSION, and for
//! output params `value.a`/`value.b` or the memref `size`.

use core::ops::Range;

use supplicant_proto::optee_msg::{OPTEE_MSG_ARG_HEADER_SIZE, OPTEE_MSG_PARAM_SIZE};
use supplicant_proto::tee_result::{TEE_NUM_PARAMS, TEE_ORIGIN_TEE, TEE_SUCCESS};

use crate::decode::{arg_size, decode_header, Request};
use crate::error::{Answer, MsgError};
use crate::param::Param;

/// What the secure side produced for one TA param.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ParamOut {
    /// Leave the param as the normal world sent it.
    #[default]
    Unchanged,
    /// New `a`, `b` for a VALUE_OUTPUT / VALUE_INOUT param (`c` is never written).
    Value {
        /// `value.a`.
        a: u64,
        /// `value.b`.
        b: u64,
    },
    /// Actual or required size for a MEMREF OUTPUT / INOUT param (also on
    /// `TEE_ERROR_SHORT_BUFFER`).
    Size(u64),
}

/// Result of a dispatched request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    /// `TEE_Result`.
    pub ret: u32,
    /// `TEE_ORIGIN_*` (ignored where OP-TEE does not write it).
    pub ret_origin: u32,
    /// New session id (OPEN_SESSION only; written as 0 unless `ret` is success).
    pub session: u32,
    /// Per TA param outputs, in GP slot order.
    pub outputs: [ParamOut; TEE_NUM_PARAMS],
}

impl Completion {
    /// A completion with only a result code and origin.
    pub const fn status(ret: u32, ret_origin: u32) -> Self {
        Completion {
            ret,
            ret_origin,
            session: 0,
            outputs: [ParamOut::Unchanged; TEE_NUM_PARAMS],
        }
    }
}

/// Why a result could not be encoded (a bug in the caller, not the peer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The buffer does not hold a whole, valid message header + params.
    BadBuffer,
    /// An output given for a param that is not an output of that kind.
    OutputMismatch {
        /// TA param slot.
        index: usize,
    },
}

const OFF_SESSION: usize = 8;
const OFF_RET: usize = 20;
const OFF_RET_ORIGIN: usize = 24;

fn put_u32(buf: &mut [u8], off: usize, v: u32) -> Result<(), EncodeError> {
    put(buf, off..off + 4, &v.to_le_bytes())
}

fn put_u64(buf: &mut [u8], off: usize, v: u64) -> Result<(), EncodeError> {
    put(buf, off..off + 8, &v.to_le_bytes())
}

fn put(buf: &mut [u8], r: Range<usize>, bytes: &[u8]) -> Result<(), EncodeError> {
    buf.get_mut(r)
        .ok_or(EncodeError::BadBuffer)?
        .copy_from_slice(bytes);
    Ok(())
}

/// Check that `buf` holds a whole message and return its size.
fn message_len(buf: &[u8]) -> Result<usize, EncodeError> {
    let hdr = decode_header(buf).map_err(|_| EncodeError::BadBuffer)?;
    let len = arg_size(hdr.num_params).ok_or(EncodeError::BadBuffer)?;
    if len > buf.len() {
        return Err(EncodeError::BadBuffer);
    }
    Ok(len)
}

/// Write the result of `req` (decoded from this same `buf`) into `buf`.
/// Returns the message length, i.e. how many bytes of `buf` to copy back.
pub fn encode_result(buf: &mut [u8], req: &Request, c: &Completion) -> Result<usize, EncodeError> {
    let len = message_len(buf)?;
    // Validate all outputs before writing anything.
    let first = req.first_ta_param();
    let mut writes: [Option<(usize, ParamOut)>; TEE_NUM_PARAMS] = [None; TEE_NUM_PARAMS];
    for (i, out) in c.outputs.iter().enumerate() {
        if *out == ParamOut::Unchanged {
            continue;
        }
        let param = req.params().and_then(|p| p.as_slice().get(i));
        let ok = match (param, out) {
            (Some(Param::Value { dir, .. }), ParamOut::Value { .. }) => dir.is_output(),
            (Some(Param::Tmem { dir, .. } | Param::Rmem { dir, .. }), ParamOut::Size(_)) => {
                dir.is_output()
            }
            _ => false,
        };
        if !ok {
            return Err(EncodeError::OutputMismatch { index: i });
        }
        writes[i] = Some((first + i, *out));
    }

    match req {
        Request::OpenSession { .. } => {
            let session = if c.ret == TEE_SUCCESS { c.session } else { 0 };
            put_u32(buf, OFF_SESSION, session)?;
            put_u32(buf, OFF_RET, c.ret)?;
            put_u32(buf, OFF_RET_ORIGIN, c.ret_origin)?;
        }
        Request::InvokeCommand { .. } | Request::Cancel { .. } => {
            put_u32(buf, OFF_RET, c.ret)?;
            put_u32(buf, OFF_RET_ORIGIN, c.ret_origin)?;
        }
        Request::CloseSession { .. } => {
            put_u32(buf, OFF_RET, c.ret)?;
            put_u32(buf, OFF_RET_ORIGIN, TEE_ORIGIN_TEE)?;
        }
        Request::RegisterShm { .. } | Request::UnregisterShm { .. } => {
            put_u32(buf, OFF_RET, c.ret)?;
        }
        Request::DoBottomHalf | Request::StopAsyncNotif => {}
    }

    for (index, out) in writes.iter().flatten() {
        let base = OPTEE_MSG_ARG_HEADER_SIZE + OPTEE_MSG_PARAM_SIZE * index;
        match *out {
            ParamOut::Value { a, b } => {
                put_u64(buf, base + 8, a)?;
                put_u64(buf, base + 16, b)?;
            }
            // tmem.size and rmem.size are both at +16.
            ParamOut::Size(size) => put_u64(buf, base + 16, size)?,
            ParamOut::Unchanged => {}
        }
    }
    Ok(len)
}

/// Write the answer for a decode error into `buf` when OP-TEE answers it
/// through the arg (`ret`, `ret_origin` where written, `session = 0` for
/// OPEN_SESSION). Returns the SMC a0 to return: `OPTEE_SMC_RETURN_OK` if
/// the arg was written, otherwise the SMC error code (and `buf` is left
/// untouched; nothing must be copied back).
pub fn encode_error(buf: &mut [u8], err: &MsgError) -> Result<u32, EncodeError> {
    match err.answer() {
        Answer::Smc(code) => Ok(code),
        Answer::Ret { ret, origin } => {
            message_len(buf)?;
            if err.cmd() == Some(supplicant_proto::optee_msg::OPTEE_MSG_CMD_OPEN_SESSION) {
                put_u32(buf, OFF_SESSION, 0)?;
            }
            put_u32(buf, OFF_RET, ret)?;
            if let Some(o) = origin {
                put_u32(buf, OFF_RET_ORIGIN, o)?;
            }
            Ok(supplicant_proto::optee_smc::OPTEE_SMC_RETURN_OK)
        }
    }
}
