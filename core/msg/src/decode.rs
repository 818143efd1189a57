//! Decoding a copied-in `optee_msg_arg` into a [`Request`].

use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_smc::THREAD_RPC_MAX_NUM_PARAMS;
use supplicant_proto::tee_result::TEE_NUM_PARAMS;
use zerocopy::FromBytes;

use crate::error::{BadParam, MsgError};
use crate::param::{Param, ParamList};

/// Byte size of an `optee_msg_arg` carrying `num_params` params
/// (`OPTEE_MSG_GET_ARG_SIZE`), or `None` above `OPTEE_MSG_MAX_NUM_PARAMS`.
pub fn arg_size(num_params: u32) -> Option<usize> {
    if num_params > OPTEE_MSG_MAX_NUM_PARAMS {
        return None;
    }
    usize::try_from(num_params)
        .ok()?
        .checked_mul(OPTEE_MSG_PARAM_SIZE)?
        .checked_add(OPTEE_MSG_ARG_HEADER_SIZE)
}

/// Size of the RPC arg that follows the call's arg with
/// `CALL_WITH_RPC_ARG` / `CALL_WITH_REGD_ARG` (header + 4 params = 160).
pub const RPC_ARG_SIZE: usize =
    OPTEE_MSG_ARG_HEADER_SIZE + OPTEE_MSG_PARAM_SIZE * THREAD_RPC_MAX_NUM_PARAMS as usize;

/// Offset of that RPC arg from the start of the call's arg: it follows
/// immediately, i.e. at `arg_size(num_params)`.
pub fn rpc_arg_offset(num_params: u32) -> Option<usize> {
    arg_size(num_params)
}

/// Read the 32-byte header and check `num_params` the way OP-TEE's SMC entry
/// does: a short buffer or `num_params > 127` is `EBADADDR`. The buffer
/// may be longer than the header (e.g. the whole copied area).
pub fn decode_header(arg: &[u8]) -> Result<OpteeMsgArg, MsgError> {
    let (hdr, _) = OpteeMsgArg::read_from_prefix(arg).map_err(|_| MsgError::Truncated {
        needed: OPTEE_MSG_ARG_HEADER_SIZE,
        available: arg.len(),
    })?;
    if hdr.num_params > OPTEE_MSG_MAX_NUM_PARAMS {
        return Err(MsgError::TooManyParams(hdr.num_params));
    }
    Ok(hdr)
}

/// A decoded OPTEE_MSG request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// `OPTEE_MSG_CMD_OPEN_SESSION`.
    OpenSession {
        /// TA UUID as the 16 octets sent (RFC 4122 order).
        uuid: [u8; 16],
        /// Client UUID octets; zeroed for PUBLIC and REE_KERNEL logins.
        client_uuid: [u8; 16],
        /// `OPTEE_MSG_LOGIN_*` / `TEE_LOGIN_REE_KERNEL` (low 32 bits of
        /// meta `value.c`, as OP-TEE reads it).
        login: u32,
        /// `arg->cancel_id`.
        cancel_id: u32,
        /// TA params (after the two meta params).
        params: ParamList,
    },
    /// `OPTEE_MSG_CMD_INVOKE_COMMAND`.
    InvokeCommand {
        /// `arg->session`.
        session: u32,
        /// `arg->func`: TA command id.
        func: u32,
        /// `arg->cancel_id`.
        cancel_id: u32,
        /// TA params.
        params: ParamList,
    },
    /// `OPTEE_MSG_CMD_CLOSE_SESSION`.
    CloseSession {
        /// `arg->session`.
        session: u32,
    },
    /// `OPTEE_MSG_CMD_CANCEL`.
    Cancel {
        /// `arg->session`.
        session: u32,
        /// `arg->cancel_id`.
        cancel_id: u32,
    },
    /// `OPTEE_MSG_CMD_REGISTER_SHM` (param attr exactly `TMEM_OUTPUT|NONCONTIG`).
    RegisterShm {
        /// Cookie the normal world will use for this buffer.
        shm_ref: u64,
        /// PA of the first page-list page (low 12 bits cleared).
        buf_ptr: u64,
        /// Buffer size in bytes.
        size: u64,
        /// Offset of the buffer start in its first data page (low 12 bits
        /// of the raw `buf_ptr`).
        page_offset: u64,
        /// Always true (the attribute is checked); kept for clarity.
        noncontig: bool,
    },
    /// `OPTEE_MSG_CMD_UNREGISTER_SHM` (param attr exactly `RMEM_INPUT`).
    UnregisterShm {
        /// Cookie given at REGISTER_SHM.
        shm_ref: u64,
    },
    /// `OPTEE_MSG_CMD_DO_BOTTOM_HALF`.
    DoBottomHalf,
    /// `OPTEE_MSG_CMD_STOP_ASYNC_NOTIF`.
    StopAsyncNotif,
}

impl Request {
    /// The `OPTEE_MSG_CMD_*` value.
    pub fn cmd(&self) -> u32 {
        match self {
            Request::OpenSession { .. } => OPTEE_MSG_CMD_OPEN_SESSION,
            Request::InvokeCommand { .. } => OPTEE_MSG_CMD_INVOKE_COMMAND,
            Request::CloseSession { .. } => OPTEE_MSG_CMD_CLOSE_SESSION,
            Request::Cancel { .. } => OPTEE_MSG_CMD_CANCEL,
            Request::RegisterShm { .. } => OPTEE_MSG_CMD_REGISTER_SHM,
            Request::UnregisterShm { .. } => OPTEE_MSG_CMD_UNREGISTER_SHM,
            Request::DoBottomHalf => OPTEE_MSG_CMD_DO_BOTTOM_HALF,
            Request::StopAsyncNotif => OPTEE_MSG_CMD_STOP_ASYNC_NOTIF,
        }
    }

    /// TA params, for the commands that carry them.
    pub fn params(&self) -> Option<&ParamList> {
        match self {
            Request::OpenSession { params, .. } | Request::InvokeCommand { params, .. } => {
                Some(params)
            }
            _ => None,
        }
    }

    /// Index in the message of the first TA param (2 for OPEN_SESSION).
    pub fn first_ta_param(&self) -> usize {
        match self {
            Request::OpenSession { .. } => 2,
            _ => 0,
        }
    }
}

/// Parse the message in `arg`, a buffer the core has already copied out of
/// normal-world memory (so every field is read exactly once from the
/// normal world). `arg` may be longer than the message; bytes after
/// `arg_size(num_params)` are ignored. The checks and their order follow
/// OP-TEE 4.5 (`std_entry_with_parg`, `tee_entry_std`, `entry_std.c`).
pub fn decode(arg: &[u8]) -> Result<Request, MsgError> {
    let hdr = decode_header(arg)?;
    let n = hdr.num_params;
    let needed = arg_size(n).ok_or(MsgError::TooManyParams(n))?;
    let body = arg
        .get(OPTEE_MSG_ARG_HEADER_SIZE..needed)
        .ok_or(MsgError::Truncated {
            needed,
            available: arg.len(),
        })?;
    let raw = RawParams(body);
    let cmd = hdr.cmd;
    let bad = |reason| MsgError::BadParameters { cmd, reason };

    match cmd {
        OPTEE_MSG_CMD_OPEN_SESSION => {
            if n < 2 {
                return Err(bad(BadParam::MissingMeta));
            }
            let req_attr = OPTEE_MSG_ATTR_META | OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
            let p0 = raw.get(0);
            let p1 = raw.get(1);
            if p0.attr != req_attr {
                return Err(bad(BadParam::BadMetaAttr {
                    index: 0,
                    attr: p0.attr,
                }));
            }
            if p1.attr != req_attr {
                return Err(bad(BadParam::BadMetaAttr {
                    index: 1,
                    attr: p1.attr,
                }));
            }
            let uuid = octets(p0.u0, p0.u1);
            // OP-TEE stores value.c into a 32-bit login field.
            let login = p1.u2 as u32;
            let client_uuid = match login {
                OPTEE_MSG_LOGIN_PUBLIC | OPTEE_MSG_LOGIN_REE_KERNEL => [0; 16],
                OPTEE_MSG_LOGIN_USER
                | OPTEE_MSG_LOGIN_GROUP
                | OPTEE_MSG_LOGIN_APPLICATION
                | OPTEE_MSG_LOGIN_APPLICATION_USER
                | OPTEE_MSG_LOGIN_APPLICATION_GROUP => octets(p1.u0, p1.u1),
                _ => return Err(bad(BadParam::BadLogin(p1.u2))),
            };
            let params = ta_params(&raw, 2, n).map_err(bad)?;
            Ok(Request::OpenSession {
                uuid,
                client_uuid,
                login,
                cancel_id: hdr.cancel_id,
                params,
            })
        }
        OPTEE_MSG_CMD_INVOKE_COMMAND => {
            let params = ta_params(&raw, 0, n).map_err(bad)?;
            Ok(Request::InvokeCommand {
                session: hdr.session,
                func: hdr.func,
                cancel_id: hdr.cancel_id,
                params,
            })
        }
        OPTEE_MSG_CMD_CLOSE_SESSION | OPTEE_MSG_CMD_CANCEL => {
            if n != 0 {
                return Err(bad(BadParam::UnexpectedParams(n)));
            }
            Ok(if cmd == OPTEE_MSG_CMD_CANCEL {
                Request::Cancel {
                    session: hdr.session,
                    cancel_id: hdr.cancel_id,
                }
            } else {
                Request::CloseSession {
                    session: hdr.session,
                }
            })
        }
        OPTEE_MSG_CMD_REGISTER_SHM => {
            if n != 1 {
                return Err(bad(BadParam::WrongParamCount(n)));
            }
            let p = raw.get(0);
            if p.attr != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG {
                return Err(bad(BadParam::BadRegisterAttr(p.attr)));
            }
            let mask = OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1;
            Ok(Request::RegisterShm {
                shm_ref: p.u2,
                buf_ptr: p.u0 & !mask,
                size: p.u1,
                page_offset: p.u0 & mask,
                noncontig: true,
            })
        }
        OPTEE_MSG_CMD_UNREGISTER_SHM => {
            if n != 1 {
                return Err(bad(BadParam::WrongParamCount(n)));
            }
            let p = raw.get(0);
            if p.attr != OPTEE_MSG_ATTR_TYPE_RMEM_INPUT {
                return Err(bad(BadParam::BadUnregisterAttr(p.attr)));
            }
            Ok(Request::UnregisterShm { shm_ref: p.u2 })
        }
        OPTEE_MSG_CMD_DO_BOTTOM_HALF => Ok(Request::DoBottomHalf),
        OPTEE_MSG_CMD_STOP_ASYNC_NOTIF => Ok(Request::StopAsyncNotif),
        other => Err(MsgError::UnknownCommand(other)),
    }
}

/// The param array of the copied message (any alignment).
struct RawParams<'a>(&'a [u8]);

impl RawParams<'_> {
    /// Param `i`; callers only ask for `i < num_params`, which the length
    /// check in `decode` guarantees is present. A missing param reads as
    /// all-zero (NONE) rather than panicking.
    fn get(&self, i: usize) -> OpteeMsgParam {
        i.checked_mul(OPTEE_MSG_PARAM_SIZE)
            .and_then(|off| self.0.get(off..))
            .and_then(|rest| OpteeMsgParam::read_from_prefix(rest).ok())
            .map(|(p, _)| p)
            .unwrap_or_default()
    }
}

/// Raw memory of `value.a`, `value.b` = 16 UUID octets.
fn octets(a: u64, b: u64) -> [u8; 16] {
    let mut u = [0u8; 16];
    u[..8].copy_from_slice(&a.to_le_bytes());
    u[8..].copy_from_slice(&b.to_le_bytes());
    u
}

/// TA params `first..n` (OP-TEE `copy_in_params`).
fn ta_params(raw: &RawParams<'_>, first: u32, n: u32) -> Result<ParamList, BadParam> {
    let count = n.saturating_sub(first);
    if count as usize > TEE_NUM_PARAMS {
        return Err(BadParam::TooManyTaParams(count));
    }
    let mut out = [Param::None; TEE_NUM_PARAMS];
    for (slot, i) in out.iter_mut().zip(first as usize..n as usize) {
        *slot = Param::from_raw(&raw.get(i), i)?;
    }
    ParamList::from_slice(&out[..count as usize]).ok_or(BadParam::TooManyTaParams(count))
}
