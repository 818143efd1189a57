//! The secure thread's way out to the normal world in the middle of a call:
//! remote procedure calls (OPTEE_SMC RPCs) and foreign interrupts.

use oxtee_shm::{NsBuf, PhysMem};
use oxtee_thread::RpcKind;
use supplicant_proto::optee_msg::{
    OpteeMsgArg, OpteeMsgParam, OPTEE_MSG_ATTR_TYPE_MASK, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
};
use supplicant_proto::optee_rpc::OPTEE_RPC_CMD_GET_TIME;
use supplicant_proto::tee_result::*;
use zerocopy::{FromBytes, FromZeros, IntoBytes};

/// Where the RPC `optee_msg_arg` of the running call lives: right after the
/// call's own argument (`CALL_WITH_RPC_ARG` / `CALL_WITH_REGD_ARG`).
pub struct RpcArgArea {
    /// The normal-world buffer holding the call's argument.
    pub buf: NsBuf,
    /// Offset of the RPC argument in `buf`.
    pub offset: u64,
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

/// Runs RPC command `cmd` in the normal world with `params` (in and out).
/// The message is written once into the call's RPC argument and read back
/// once; `Err` carries the normal world's `TEE_Result` (or a core error).
pub fn rpc_cmd(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    cmd: u32,
    params: &mut [OpteeMsgParam],
) -> Result<(), u32> {
    let n = params.len();
    if n > RPC_MAX_PARAMS {
        return Err(TEE_ERROR_BAD_PARAMETERS);
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
    {
        let area = rpc.arg_area().ok_or(TEE_ERROR_NOT_SUPPORTED)?;
        area.buf
            .write_at(mem, area.offset, &msg[..len])
            .map_err(|_| TEE_ERROR_GENERIC)?;
    }
    rpc.rpc(RpcKind::Cmd { cookie: 0 });
    let area = rpc.arg_area().ok_or(TEE_ERROR_GENERIC)?;
    // One copy back, then only the copy is looked at.
    area.buf
        .read_at(mem, area.offset, &mut msg[..len])
        .map_err(|_| TEE_ERROR_GENERIC)?;
    let hdr = OpteeMsgArg::read_from_bytes(&msg[..ARG_HDR]).map_err(|_| TEE_ERROR_GENERIC)?;
    if hdr.ret != TEE_SUCCESS {
        return Err(hdr.ret);
    }
    for (i, p) in params.iter_mut().enumerate() {
        let raw = &msg[ARG_HDR + PARAM * i..ARG_HDR + PARAM * (i + 1)];
        *p = OpteeMsgParam::read_from_bytes(raw).map_err(|_| TEE_ERROR_GENERIC)?;
    }
    Ok(())
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
pub fn get_ree_time(rpc: &mut dyn Rpc, mem: &mut dyn PhysMem) -> Result<(u64, u64), u32> {
    let mut p = [value_param(OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0)];
    rpc_cmd(rpc, mem, OPTEE_RPC_CMD_GET_TIME, &mut p)?;
    if p[0].attr & OPTEE_MSG_ATTR_TYPE_MASK != OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT {
        return Err(TEE_ERROR_GENERIC);
    }
    let v = p[0].value();
    if v.b >= 1_000_000_000 {
        return Err(TEE_ERROR_GENERIC);
    }
    Ok((v.a, v.b))
}
