//! Socket PTA (`PTA_SOCKET_UUID`): the GP TEE Sockets API for user TAs,
//! carried to tee-supplicant as `OPTEE_RPC_CMD_SOCKET`, with the calling TA
//! instance's id naming its sockets there.
//!
//! Only TAs may open it (as OP-TEE: `TEE_ERROR_ACCESS_DENIED` for the
//! normal world). Every buffer is copied once: the TA's data into a
//! supplicant buffer before the RPC, the supplicant's answer out of it
//! after, never more than the TA's own buffer holds. When the session
//! closes, the supplicant closes every socket of the instance.

use alloc::vec;
use alloc::vec::Vec;

use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_rpc::*;
use supplicant_proto::pta::*;
use supplicant_proto::tee_result::TEE_SUCCESS;

use crate::params::*;
use crate::{BufferDir, CallContext, Caller, Pta, RpcBuffer, SessionCtx, TeeError, Uuid};

/// The socket PTA.
#[derive(Debug, Default)]
pub struct SocketPta;

fn value(p: &Param) -> (u32, u32) {
    p.value().unwrap_or((0, 0))
}

fn value_param(attr: u64, a: u64, b: u64, c: u64) -> OpteeMsgParam {
    OpteeMsgParam {
        attr,
        u0: a,
        u1: b,
        u2: c,
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

/// Runs one socket RPC with `p[..n]`, where parameter `at` is `data` in a
/// supplicant buffer (copied in unless `dir` is `Out`, back unless `In`).
/// Returns the supplicant's result and its parameters.
fn exchange(
    cx: &mut CallContext<'_>,
    mut p: [OpteeMsgParam; 4],
    n: usize,
    at: usize,
    data: &mut [u8],
    dir: BufferDir,
) -> Result<(u32, [OpteeMsgParam; 4]), TeeError> {
    let buffer = if data.is_empty() {
        // A NULL memref of size 0, as OP-TEE passes for an empty buffer.
        p[at] = OpteeMsgParam {
            attr: OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + dir as u64,
            ..Default::default()
        };
        None
    } else {
        Some(RpcBuffer {
            param: at,
            dir,
            data,
        })
    };
    let ret = cx.services.rpc(OPTEE_RPC_CMD_SOCKET, &mut p[..n], buffer)?;
    Ok((ret, p))
}

/// SEND, RECV and IOCTL: the socket value, the buffer as parameter 1 and
/// one value (`a` in the direction `attr` says) as parameter 2.
fn buffer_op(
    cx: &mut CallContext<'_>,
    (op, instance, handle): (u32, u32, u32),
    (attr, a): (u64, u32),
    data: &mut [u8],
    dir: BufferDir,
) -> Result<(u32, [OpteeMsgParam; 4]), TeeError> {
    let p = [
        socket_value(op, instance, handle),
        OpteeMsgParam::default(),
        value_param(attr, u64::from(a), 0, 0),
        OpteeMsgParam::default(),
    ];
    exchange(cx, p, 3, 1, data, dir)
}

fn done(ret: u32) -> Result<(), TeeError> {
    TeeError::check(ret)
}

/// Serves socket command `cmd` for TA instance `instance`.
fn invoke(
    cx: &mut CallContext<'_>,
    instance: u32,
    cmd: u32,
    params: &mut Params,
) -> Result<(), TeeError> {
    use TEE_PARAM_TYPE_MEMREF_INOUT as M_INOUT;
    use TEE_PARAM_TYPE_MEMREF_INPUT as M_IN;
    use TEE_PARAM_TYPE_MEMREF_OUTPUT as M_OUT;
    use TEE_PARAM_TYPE_NONE as NONE;
    use TEE_PARAM_TYPE_VALUE_INPUT as V_IN;
    use TEE_PARAM_TYPE_VALUE_OUTPUT as V_OUT;
    match cmd {
        PTA_SOCKET_OPEN => {
            expect_types(params, param_types(V_IN, M_IN, V_IN, V_OUT))?;
            let (ip_version, port) = value(&params[0]);
            let (protocol, _) = value(&params[2]);
            let mut host = params[1]
                .memref()
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
            let (ret, p) = exchange(cx, p, 4, 2, &mut host, BufferDir::In)?;
            if ret == TEE_SUCCESS {
                params[3].set_value(p[3].u0 as u32, 0);
            }
            done(ret)
        }
        PTA_SOCKET_CLOSE => {
            expect_types(params, param_types(V_IN, NONE, NONE, NONE))?;
            let (handle, _) = value(&params[0]);
            let mut p = [socket_value(OPTEE_RPC_SOCKET_CLOSE, instance, handle)];
            cx.rpc(OPTEE_RPC_CMD_SOCKET, &mut p, None)
        }
        PTA_SOCKET_SEND => {
            expect_types(params, param_types(V_IN, M_IN, V_OUT, NONE))?;
            let (handle, timeout) = value(&params[0]);
            let mut data = params[1]
                .memref()
                .map(Memref::bytes)
                .unwrap_or(&[])
                .to_vec();
            let timeout = (OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, timeout);
            let op = (OPTEE_RPC_SOCKET_SEND, instance, handle);
            let (ret, p) = buffer_op(cx, op, timeout, &mut data, BufferDir::In)?;
            // Bytes sent, reported even when the send timed out part way.
            let sent = (p[2].u1 as u32).min(data.len() as u32);
            params[2].set_value(sent, 0);
            done(ret)
        }
        PTA_SOCKET_RECV => {
            expect_types(params, param_types(V_IN, M_OUT, NONE, NONE))?;
            let (handle, timeout) = value(&params[0]);
            let cap = params[1].memref().map_or(0, Memref::capacity);
            let timeout = (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, timeout);
            let op = (OPTEE_RPC_SOCKET_RECV, instance, handle);
            let mut room = vec![0; cap];
            let (ret, p) = buffer_op(cx, op, timeout, &mut room, BufferDir::Out)?;
            let got = usize::try_from(p[1].u1).unwrap_or(usize::MAX);
            if let Some(m) = params[1].memref_out() {
                if let Some(b) = m.buf.as_mut() {
                    let n = got.min(cap);
                    b[..n].copy_from_slice(&room[..n]);
                }
                m.size = got;
            }
            done(ret)
        }
        PTA_SOCKET_IOCTL => {
            expect_types(params, param_types(V_IN, M_INOUT, NONE, NONE))?;
            let (handle, command) = value(&params[0]);
            let mut data: Vec<u8> = params[1]
                .memref()
                .map(Memref::bytes)
                .unwrap_or(&[])
                .to_vec();
            let command = (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, command);
            let op = (OPTEE_RPC_SOCKET_IOCTL, instance, handle);
            let (ret, p) = buffer_op(cx, op, command, &mut data, BufferDir::InOut)?;
            let got = usize::try_from(p[1].u1).unwrap_or(usize::MAX);
            if let Some(m) = params[1].memref_out() {
                // Copied back only when it fits, as OP-TEE does.
                if got <= data.len() {
                    if let Some(b) = m.buf.as_mut() {
                        b[..got].copy_from_slice(&data[..got]);
                    }
                }
                m.size = got;
            }
            done(ret)
        }
        _ => Err(TeeError::NOT_IMPLEMENTED),
    }
}

impl Pta for SocketPta {
    fn uuid(&self) -> Uuid {
        Uuid(PTA_SOCKET_UUID)
    }

    fn flags(&self) -> u32 {
        PTA_DEFAULT_FLAGS | TA_FLAG_CONCURRENT
    }

    fn open_session(
        &self,
        _params: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<SessionCtx, TeeError> {
        match cx.caller {
            Caller::Ta { .. } => Ok(SessionCtx(0)),
            Caller::NormalWorld => Err(TeeError::ACCESS_DENIED),
        }
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        cmd: u32,
        params: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError> {
        // The instance that opened the session names its sockets.
        let instance = cx.caller_instance().ok_or(TeeError::ACCESS_DENIED)?;
        invoke(cx, instance, cmd, params)
    }

    /// The instance's session ends: the supplicant closes every socket of
    /// that instance (`CLOSE_ALL`). Failure is not reported (the session is
    /// gone either way), as in OP-TEE.
    fn close_session(&self, _session: SessionCtx, cx: &mut CallContext<'_>) {
        if let Some(instance) = cx.caller_instance() {
            let mut p = [socket_value(OPTEE_RPC_SOCKET_CLOSE_ALL, instance, 0)];
            let _ = cx.rpc(OPTEE_RPC_CMD_SOCKET, &mut p, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CallServices, CallerTa, ClientIdentity};
    use alloc::vec::Vec;
    use supplicant_proto::tee_result::TEE_LOGIN_TRUSTED_APP;

    /// Records every RPC; answers `TEE_SUCCESS`.
    #[derive(Default)]
    struct Recorder(Vec<(u32, Vec<OpteeMsgParam>)>);

    impl CallServices for Recorder {
        fn rpc(
            &mut self,
            cmd: u32,
            params: &mut [OpteeMsgParam],
            _buffer: Option<RpcBuffer<'_>>,
        ) -> Result<u32, TeeError> {
            self.0.push((cmd, params.to_vec()));
            Ok(TEE_SUCCESS)
        }
        fn caller_ta(&mut self) -> Option<&mut dyn CallerTa> {
            None
        }
    }

    fn cx(caller: Caller, services: &mut Recorder) -> CallContext<'_> {
        CallContext {
            client: ClientIdentity {
                login: TEE_LOGIN_TRUSTED_APP,
                uuid: Uuid([1; 16]),
            },
            caller,
            services,
        }
    }

    #[test]
    fn only_trusted_applications_may_open() {
        let pta = SocketPta;
        let mut p = no_params();
        let mut rec = Recorder::default();
        // A normal-world client claiming the TA login is still the normal world.
        let mut ns = cx(Caller::NormalWorld, &mut rec);
        assert_eq!(
            pta.open_session(&mut p, &mut ns),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(
            pta.invoke(SessionCtx(0), PTA_SOCKET_CLOSE, &mut p, &mut ns),
            Err(TeeError::ACCESS_DENIED)
        );
        let ta = Caller::Ta {
            instance: 7,
            uuid: Uuid([1; 16]),
        };
        assert!(pta.open_session(&mut p, &mut cx(ta, &mut rec)).is_ok());
        assert_eq!(pta.flags() & TA_FLAG_CONCURRENT, TA_FLAG_CONCURRENT);
        assert!(rec.0.is_empty(), "nothing reached the supplicant");
    }

    #[test]
    fn sockets_are_named_by_the_calling_instance() {
        let pta = SocketPta;
        let mut rec = Recorder::default();
        let ta = Caller::Ta {
            instance: 42,
            uuid: Uuid([1; 16]),
        };
        let mut p = no_params();
        p[0] = Param::ValueInput { a: 5, b: 0 };
        pta.invoke(
            SessionCtx(0),
            PTA_SOCKET_CLOSE,
            &mut p,
            &mut cx(ta, &mut rec),
        )
        .unwrap();
        pta.close_session(SessionCtx(0), &mut cx(ta, &mut rec));
        assert_eq!(rec.0.len(), 2);
        let (cmd, close) = &rec.0[0];
        assert_eq!(*cmd, OPTEE_RPC_CMD_SOCKET);
        assert_eq!(
            (close[0].u0, close[0].u1, close[0].u2),
            (u64::from(OPTEE_RPC_SOCKET_CLOSE), 42, 5)
        );
        let (_, all) = &rec.0[1];
        assert_eq!(
            (all[0].u0, all[0].u1),
            (u64::from(OPTEE_RPC_SOCKET_CLOSE_ALL), 42)
        );
    }
}
