//! The GP TEE Sockets API for user TAs: commands of the socket PTA
//! (`PTA_SOCKET_UUID`) carried to tee-supplicant as `OPTEE_RPC_CMD_SOCKET`,
//! with the calling TA instance's id naming its sockets there.
//!
//! Every buffer is copied once: the TA's data into a supplicant buffer
//! (`SHM_ALLOC` of type APPL) before the RPC, the supplicant's answer out of
//! it after, never more than the TA's own buffer holds.

use alloc::vec;
use alloc::vec::Vec;

use oxtee_pta::{Memref, Param, Params};
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_rpc::*;
use supplicant_proto::pta::*;
use supplicant_proto::tee_result::*;

use super::params::{memref, memref_mut, set_value, types_of};
use super::Cx;
use crate::rpc::{rpc_cmd, rpc_cmd_answer, value_param};
use crate::supp_buf::with_supp_buf;

/// Direction of a memref in an RPC (added to the `*_INPUT` attribute).
#[derive(Clone, Copy)]
enum Dir {
    In = 0,
    Out = 1,
    InOut = 2,
}

fn value(p: &Param) -> (u32, u32) {
    match *p {
        Param::ValueInput { a, b } | Param::ValueOutput { a, b } | Param::ValueInout { a, b } => {
            (a, b)
        }
        _ => (0, 0),
    }
}

fn expect(params: &Params, want: [u32; 4]) -> Result<(), u32> {
    if types_of(params) == want {
        Ok(())
    } else {
        Err(TEE_ERROR_BAD_PARAMETERS)
    }
}

fn socket_value(op: u32, instance: u32, handle: u32) -> OpteeMsgParam {
    value_param(
        OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
        u64::from(op),
        u64::from(instance),
        u64::from(handle),
    )
}

/// Runs one socket RPC with `p[..n]`, where parameter `at` is a buffer of
/// `data.len()` bytes (`data` copied in first unless `dir` is `Out`).
/// Returns the supplicant's result, its parameters and the buffer's
/// contents afterwards (as long as `data`; read back unless `dir` is `In`).
fn exchange(
    cx: &mut Cx<'_>,
    mut p: [OpteeMsgParam; 4],
    n: usize,
    at: usize,
    data: &[u8],
    dir: Dir,
) -> Result<(u32, [OpteeMsgParam; 4], Vec<u8>), u32> {
    if data.is_empty() {
        // A NULL memref of size 0, as OP-TEE passes for an empty buffer.
        p[at] = OpteeMsgParam {
            attr: OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + dir as u64,
            ..Default::default()
        };
        let ret = rpc_cmd_answer(cx.rpc, cx.mem, OPTEE_RPC_CMD_SOCKET, &mut p[..n])?;
        return Ok((ret, p, Vec::new()));
    }
    let shm = &cx.k.shm;
    with_supp_buf(cx.rpc, cx.mem, shm, data.len() as u64, |rpc, mem, buf| {
        if !matches!(dir, Dir::Out) {
            buf.write(mem, shm, data)?;
        }
        p[at] = buf.param(dir as u64);
        let ret = rpc_cmd_answer(rpc, mem, OPTEE_RPC_CMD_SOCKET, &mut p[..n])?;
        let mut out = vec![0u8; data.len()];
        if !matches!(dir, Dir::In) {
            buf.read(mem, shm, &mut out)?;
        }
        Ok((ret, p, out))
    })
}

/// SEND, RECV and IOCTL: the socket value, the buffer as parameter 1 and
/// one value (`a` in the direction `attr` says) as parameter 2.
fn buffer_op(
    cx: &mut Cx<'_>,
    op: u32,
    instance: u32,
    handle: u32,
    (attr, a): (u64, u32),
    data: &[u8],
    dir: Dir,
) -> Result<(u32, [OpteeMsgParam; 4], Vec<u8>), u32> {
    let p = [
        socket_value(op, instance, handle),
        OpteeMsgParam::default(),
        value_param(attr, u64::from(a), 0, 0),
        OpteeMsgParam::default(),
    ];
    exchange(cx, p, 3, 1, data, dir)
}

fn done(ret: u32) -> Result<(), u32> {
    match ret {
        TEE_SUCCESS => Ok(()),
        e => Err(e),
    }
}

/// Serves socket PTA command `cmd` for TA instance `instance`.
pub(super) fn invoke(
    cx: &mut Cx<'_>,
    instance: u32,
    cmd: u32,
    params: &mut Params,
) -> Result<(), u32> {
    use TEE_PARAM_TYPE_MEMREF_INOUT as M_INOUT;
    use TEE_PARAM_TYPE_MEMREF_INPUT as M_IN;
    use TEE_PARAM_TYPE_MEMREF_OUTPUT as M_OUT;
    use TEE_PARAM_TYPE_NONE as NONE;
    use TEE_PARAM_TYPE_VALUE_INPUT as V_IN;
    use TEE_PARAM_TYPE_VALUE_OUTPUT as V_OUT;
    match cmd {
        PTA_SOCKET_OPEN => {
            expect(params, [V_IN, M_IN, V_IN, V_OUT])?;
            let (ip_version, port) = value(&params[0]);
            let (protocol, _) = value(&params[2]);
            let host = memref(&params[1])
                .map(Memref::bytes)
                .unwrap_or(&[])
                .to_vec();
            let p = [
                socket_value(OPTEE_RPC_SOCKET_OPEN, instance, 0),
                value_param(
                    OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
                    u64::from(port),
                    u64::from(protocol),
                    u64::from(ip_version),
                ),
                OpteeMsgParam::default(), // the server address
                value_param(OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0),
            ];
            let (ret, p, _) = exchange(cx, p, 4, 2, &host, Dir::In)?;
            if ret == TEE_SUCCESS {
                set_value(&mut params[3], p[3].u0 as u32, 0);
            }
            done(ret)
        }
        PTA_SOCKET_CLOSE => {
            expect(params, [V_IN, NONE, NONE, NONE])?;
            let (handle, _) = value(&params[0]);
            let mut p = [socket_value(OPTEE_RPC_SOCKET_CLOSE, instance, handle)];
            rpc_cmd(cx.rpc, cx.mem, OPTEE_RPC_CMD_SOCKET, &mut p)
        }
        PTA_SOCKET_SEND => {
            expect(params, [V_IN, M_IN, V_OUT, NONE])?;
            let (handle, timeout) = value(&params[0]);
            let data = memref(&params[1])
                .map(Memref::bytes)
                .unwrap_or(&[])
                .to_vec();
            let timeout = (OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, timeout);
            let op = OPTEE_RPC_SOCKET_SEND;
            let (ret, p, _) = buffer_op(cx, op, instance, handle, timeout, &data, Dir::In)?;
            // Bytes sent, reported even when the send timed out part way.
            let sent = (p[2].u1 as u32).min(data.len() as u32);
            set_value(&mut params[2], sent, 0);
            done(ret)
        }
        PTA_SOCKET_RECV => {
            expect(params, [V_IN, M_OUT, NONE, NONE])?;
            let (handle, timeout) = value(&params[0]);
            let cap = memref(&params[1]).map_or(0, Memref::capacity);
            let timeout = (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, timeout);
            let op = OPTEE_RPC_SOCKET_RECV;
            let room = vec![0; cap];
            let (ret, p, out) = buffer_op(cx, op, instance, handle, timeout, &room, Dir::Out)?;
            let got = usize::try_from(p[1].u1).unwrap_or(usize::MAX);
            if let Some(m) = memref_mut(&mut params[1]) {
                if let Some(b) = m.buf.as_mut() {
                    let n = got.min(cap);
                    b[..n].copy_from_slice(&out[..n]);
                }
                m.size = got;
            }
            done(ret)
        }
        PTA_SOCKET_IOCTL => {
            expect(params, [V_IN, M_INOUT, NONE, NONE])?;
            let (handle, command) = value(&params[0]);
            let data = memref(&params[1])
                .map(Memref::bytes)
                .unwrap_or(&[])
                .to_vec();
            let command = (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, command);
            let op = OPTEE_RPC_SOCKET_IOCTL;
            let (ret, p, out) = buffer_op(cx, op, instance, handle, command, &data, Dir::InOut)?;
            let got = usize::try_from(p[1].u1).unwrap_or(usize::MAX);
            if let Some(m) = memref_mut(&mut params[1]) {
                // Copied back only when it fits, as OP-TEE does.
                if got <= data.len() {
                    if let Some(b) = m.buf.as_mut() {
                        b[..got].copy_from_slice(&out[..got]);
                    }
                }
                m.size = got;
            }
            done(ret)
        }
        _ => Err(TEE_ERROR_NOT_IMPLEMENTED),
    }
}

/// The TA instance's session with the socket PTA ends: the supplicant
/// closes every socket of that instance (`CLOSE_ALL`). Failure is not
/// reported (the session is gone either way), as in OP-TEE.
pub(super) fn close_all(cx: &mut Cx<'_>, instance: u32) {
    let mut p = [socket_value(OPTEE_RPC_SOCKET_CLOSE_ALL, instance, 0)];
    let _ = rpc_cmd(cx.rpc, cx.mem, OPTEE_RPC_CMD_SOCKET, &mut p);
}
