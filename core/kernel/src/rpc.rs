//! The secure thread's way out to the normal world in the middle of a call:
//! remote procedure calls (OPTEE_SMC RPCs) and foreign interrupts.

use oxtee_shm::{MemLayout, NsBuf, PhysMem};
use oxtee_thread::{RpcKind, RpcResult};
use supplicant_proto::optee_msg::{
    OpteeMsgArg, OpteeMsgParam, OPTEE_MSG_ATTR_TYPE_MASK, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
};
use supplicant_proto::optee_rpc::OPTEE_RPC_CMD_GET_TIME;
use supplicant_proto::tee_error::TeeError;
use zerocopy::{FromBytes, FromZeros, IntoBytes};

/// Where the RPC `optee_msg_arg` of the running call lives.
pub enum RpcArgArea {
    /// Right after the call's own argument (`CALL_WITH_RPC_ARG` /
    /// `CALL_WITH_REGD_ARG`).
    Supplied {
        /// The normal-world buffer holding the call's argument.
        buf: NsBuf,
        /// Offset of the RPC argument in `buf`.
        offset: u64,
    },
    /// `CALL_WITH_ARG` (U-Boot, kernels without `SEC_CAP_RPC_ARG`): none yet;
    /// the first RPC command asks the normal world for one
    /// (`OPTEE_SMC_RPC_FUNC_ALLOC`), which must lie in `layout`'s
    /// normal-world memory.
    OnDemand {
        /// What counts as normal-world memory.
        layout: MemLayout,
    },
    /// Obtained with `OPTEE_SMC_RPC_FUNC_ALLOC`; handed back with
    /// `OPTEE_SMC_RPC_FUNC_FREE` when the call ends ([`release_arg_area`]).
    Allocated {
        /// The buffer, checked against the layout.
        buf: NsBuf,
        /// The normal world's cookie for it (names it in `RPC_FUNC_CMD`).
        cookie: u64,
    },
}

impl RpcArgArea {
    /// The buffer, the offset of the message in it and the cookie of an
    /// RPC command, once the area exists.
    pub fn message(&self) -> Option<(&NsBuf, u64, u64)> {
        match self {
            RpcArgArea::Supplied { buf, offset } => Some((buf, *offset, 0)),
            RpcArgArea::Allocated { buf, cookie } => Some((buf, 0, *cookie)),
            RpcArgArea::OnDemand { .. } => None,
        }
    }
}

/// Makes sure the running call has an RPC argument, asking the normal world
/// for one if the call allows it. Returns the cookie of RPC commands.
fn ensure_arg_area(rpc: &mut dyn Rpc) -> Result<u64, TeeError> {
    let layout = match rpc.arg_area() {
        None => return Err(TeeError::NOT_SUPPORTED),
        Some(RpcArgArea::OnDemand { layout }) => layout.clone(),
        Some(area) => return area.message().map(|(_, _, c)| c).ok_or(TeeError::GENERIC),
    };
    let kind = RpcKind::Alloc {
        size: RPC_ARG_BYTES as u32,
    };
    let [a1, a2, a4, a5] = rpc.rpc(kind);
    let RpcResult::Alloc(Some(got)) = kind.decode_return(a1, a2, a4, a5) else {
        return Err(TeeError::OUT_OF_MEMORY);
    };
    // OP-TEE needs the message 8-byte aligned, in normal-world memory.
    let buf = match layout.contiguous(got.pa, RPC_ARG_BYTES as u64) {
        Ok(buf) if got.pa % 8 == 0 => buf,
        _ => {
            rpc.rpc(RpcKind::Free { cookie: got.cookie });
            return Err(TeeError::BAD_PARAMETERS);
        }
    };
    rpc.set_arg_area(Some(RpcArgArea::Allocated {
        buf,
        cookie: got.cookie,
    }));
    Ok(got.cookie)
}

/// Ends the running call's use of its RPC argument: an allocated one goes
/// back to the normal world. Returns the call's own buffer when the RPC
/// argument was part of it.
pub fn release_arg_area(rpc: &mut dyn Rpc) -> Option<NsBuf> {
    match rpc.set_arg_area(None)? {
        RpcArgArea::Supplied { buf, .. } => Some(buf),
        RpcArgArea::Allocated { cookie, .. } => {
            rpc.rpc(RpcKind::Free { cookie });
            None
        }
        RpcArgArea::OnDemand { .. } => None,
    }
}

/// What a secure thread can do with the normal world while serving a call.
pub trait Rpc {
    /// True when a normal-world interrupt is pending: the thread should let
    /// the normal world take it ([`RpcKind::ForeignIntr`]).
    fn foreign_intr_pending(&self) -> bool;
    /// Suspends the thread with an RPC exit; returns a1, a2, a4, a5 of the
    /// normal world's `RETURN_FROM_RPC`.
    fn rpc(&mut self, kind: RpcKind) -> [u64; 4];
    /// The running call's RPC argument, when the normal world supplied one.
    fn arg_area(&self) -> Option<&RpcArgArea>;
    /// Installs (or removes) the running call's RPC argument; returns the old one.
    fn set_arg_area(&mut self, area: Option<RpcArgArea>) -> Option<RpcArgArea>;
}

/// Lets a pending normal-world interrupt in, at a point where the thread
/// holds no lock.
pub fn preemption_point(rpc: &mut dyn Rpc) {
    if rpc.foreign_intr_pending() {
        rpc.rpc(RpcKind::ForeignIntr);
    }
}

const ARG_HDR: usize = core::mem::size_of::<OpteeMsgArg>();
const PARAM: usize = core::mem::size_of::<OpteeMsgParam>();

/// Most params an RPC message carries (`THREAD_RPC_MAX_NUM_PARAMS`).
pub const RPC_MAX_PARAMS: usize = 4;
/// Size of an RPC `optee_msg_arg` with [`RPC_MAX_PARAMS`] parameters.
const RPC_ARG_BYTES: usize = ARG_HDR + PARAM * RPC_MAX_PARAMS;

/// Runs RPC command `cmd` in the normal world with `params` (in and out).
/// The message is written once into the call's RPC argument and read back
/// once; `Err` carries the normal world's `TEE_Result` (or a core error).
pub fn rpc_cmd(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    cmd: u32,
    params: &mut [OpteeMsgParam],
) -> Result<(), TeeError> {
    TeeError::check(rpc_cmd_answer(rpc, mem, cmd, params)?)
}

/// Like [`rpc_cmd`], but the parameters come back whatever the normal
/// world answered (some commands report progress with an error, e.g. bytes
/// sent before a socket timeout): `Ok` holds the normal world's
/// `TEE_Result`, `Err` a failure of the exchange itself.
pub fn rpc_cmd_answer(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    cmd: u32,
    params: &mut [OpteeMsgParam],
) -> Result<u32, TeeError> {
    let n = params.len();
    if n > RPC_MAX_PARAMS {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let mut msg = [0u8; ARG_HDR + PARAM * RPC_MAX_PARAMS];
    let len = ARG_HDR + PARAM * n;
    let hdr = OpteeMsgArg {
        cmd,
        num_params: n as u32,
        ..OpteeMsgArg::new_zeroed()
    };
    msg[..ARG_HDR].copy_from_slice(hdr.as_bytes());
    for (i, p) in params.iter().enumerate() {
        msg[ARG_HDR + PARAM * i..ARG_HDR + PARAM * (i + 1)].copy_from_slice(p.as_bytes());
    }
    let cookie = ensure_arg_area(rpc)?;
    {
        let (buf, offset, _) = rpc
            .arg_area()
            .and_then(RpcArgArea::message)
            .ok_or(TeeError::GENERIC)?;
        buf.write_at(mem, offset, &msg[..len])
            .map_err(|_| TeeError::GENERIC)?;
    }
    rpc.rpc(RpcKind::Cmd { cookie });
    let (buf, offset, _) = rpc
        .arg_area()
        .and_then(RpcArgArea::message)
        .ok_or(TeeError::GENERIC)?;
    // One copy back, then only the copy is looked at.
    buf.read_at(mem, offset, &mut msg[..len])
        .map_err(|_| TeeError::GENERIC)?;
    let hdr = OpteeMsgArg::read_from_bytes(&msg[..ARG_HDR]).map_err(|_| TeeError::GENERIC)?;
    for (i, p) in params.iter_mut().enumerate() {
        let raw = &msg[ARG_HDR + PARAM * i..ARG_HDR + PARAM * (i + 1)];
        *p = OpteeMsgParam::read_from_bytes(raw).map_err(|_| TeeError::GENERIC)?;
    }
    Ok(hdr.ret)
}

/// A value parameter.
pub fn value_param(attr: u64, a: u64, b: u64, c: u64) -> OpteeMsgParam {
    OpteeMsgParam {
        attr,
        u0: a,
        u1: b,
        u2: c,
    }
}

/// `OPTEE_RPC_CMD_GET_TIME`: the normal world's wall-clock time
/// (seconds, nanoseconds).
pub fn get_ree_time(rpc: &mut dyn Rpc, mem: &mut dyn PhysMem) -> Result<(u64, u64), TeeError> {
    let mut p = [value_param(OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0)];
    rpc_cmd(rpc, mem, OPTEE_RPC_CMD_GET_TIME, &mut p)?;
    if p[0].attr & OPTEE_MSG_ATTR_TYPE_MASK != OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT {
        return Err(TeeError::GENERIC);
    }
    let v = p[0].value();
    if v.b >= 1_000_000_000 {
        return Err(TeeError::GENERIC);
    }
    Ok((v.a, v.b))
}
