//! The store's file system and sleeps over RPC: tee-supplicant's
//! `OPTEE_RPC_CMD_FS` for files, the driver's `OPTEE_RPC_CMD_NOTIFICATION`
//! for the store lock. Names and data go through one supplicant buffer,
//! allocated at the first file operation and then kept by the store for
//! later calls (as OP-TEE keeps its per-thread RPC buffer cache): an
//! allocation and a free are two supplicant round trips per call saved.
//! Every size the supplicant returns is checked against what was asked.

use oxtee_shm::{PhysMem, ShmRegistry};
use oxtee_storage::{RemoteFs, TeeResult};
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_rpc::*;
use supplicant_proto::tee_error::TeeError;

use super::lock::Sleeper;
use crate::rpc::{rpc_cmd, value_param, Rpc};
use crate::supp_buf::{alloc_supp_buf, free_supp_buf, SuppBuf};

/// Size of the supplicant buffer: the store's largest joined write, so a
/// commit's nodes and blocks cross in one RPC each.
pub const FS_BUF_SIZE: u64 = oxtee_storage::MAX_IO as u64;
/// Longest file name tee-supplicant takes (`TEE_FS_NAME_MAX`, with the NUL).
const NAME_MAX: usize = 350;

/// The RPC side of one storage call.
pub struct RpcFs<'a> {
    pub(super) rpc: &'a mut dyn Rpc,
    pub(super) mem: &'a mut dyn PhysMem,
    pub(super) shm: &'a spin::Mutex<ShmRegistry>,
    /// The store's kept buffer.
    pub(super) buf: &'a mut Option<SuppBuf>,
    /// The store's kept RPMB response buffer (the request goes through
    /// `buf`).
    pub(super) rpmb_buf: &'a mut Option<SuppBuf>,
}

fn value_in(a: u32, b: u64, c: u64) -> OpteeMsgParam {
    value_param(OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, u64::from(a), b, c)
}

impl<'a> RpcFs<'a> {
    /// The file system over `buf` and `rpmb_buf`, the store's kept
    /// supplicant buffers (each allocated at its first use when `None`).
    pub fn new(
        rpc: &'a mut dyn Rpc,
        mem: &'a mut dyn PhysMem,
        shm: &'a spin::Mutex<ShmRegistry>,
        buf: &'a mut Option<SuppBuf>,
        rpmb_buf: &'a mut Option<SuppBuf>,
    ) -> Self {
        Self {
            rpc,
            mem,
            shm,
            buf,
            rpmb_buf,
        }
    }

    /// Gives every buffer back to the supplicant (the store is dropped).
    pub fn release_buffer(self) {
        if let Some(b) = self.buf.take() {
            free_supp_buf(self.rpc, self.mem, self.shm, b);
        }
        if let Some(b) = self.rpmb_buf.take() {
            free_supp_buf(self.rpc, self.mem, self.shm, b);
        }
    }

    pub(super) fn ensure_buf(&mut self) -> Result<(), TeeError> {
        if self.buf.is_none() {
            *self.buf = Some(alloc_supp_buf(self.rpc, self.mem, self.shm, FS_BUF_SIZE)?);
        }
        Ok(())
    }

    /// Runs FS sub-command with `p`, where `p[1]` (if `Some(len, dir)`) is
    /// the first `len` bytes of the buffer.
    fn call(&mut self, p: &mut [OpteeMsgParam], mref: Option<(u64, u64)>) -> Result<(), TeeError> {
        if let Some((len, dir)) = mref {
            let b = self.buf.as_ref().ok_or(TeeError::GENERIC)?;
            p[1] = b.param_len(dir, len);
        }
        rpc_cmd(self.rpc, self.mem, OPTEE_RPC_CMD_FS, p)
    }

    fn put(&mut self, data: &[u8]) -> Result<(), TeeError> {
        self.ensure_buf()?;
        let b = self.buf.as_ref().ok_or(TeeError::GENERIC)?;
        b.write(self.mem, self.shm, data)
    }

    fn put_name(&mut self, name: &str) -> Result<u64, TeeError> {
        let n = name.len() + 1;
        if n > NAME_MAX || name.as_bytes().contains(&0) {
            return Err(TeeError::BAD_PARAMETERS);
        }
        let mut z = [0u8; NAME_MAX];
        z[..name.len()].copy_from_slice(name.as_bytes());
        self.put(&z[..n])?;
        Ok(n as u64)
    }

    fn open_or_create(&mut self, op: u32, name: &str) -> TeeResult<u32> {
        let n = self.put_name(name)?;
        let mut p = [
            value_in(op, 0, 0),
            OpteeMsgParam::default(),
            value_param(OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0),
        ];
        self.call(&mut p, Some((n, 0)))?;
        u32::try_from(p[2].u0).map_err(|_| TeeError::GENERIC)
    }
}

impl RemoteFs for RpcFs<'_> {
    fn open(&mut self, name: &str) -> TeeResult<u32> {
        self.open_or_create(OPTEE_RPC_FS_OPEN, name)
    }

    fn create(&mut self, name: &str) -> TeeResult<u32> {
        self.open_or_create(OPTEE_RPC_FS_CREATE, name)
    }

    fn close(&mut self, fd: u32) -> TeeResult<()> {
        let mut p = [value_in(OPTEE_RPC_FS_CLOSE, fd.into(), 0)];
        self.call(&mut p, None)
    }

    fn read(&mut self, fd: u32, offset: u64, out: &mut [u8]) -> TeeResult<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        self.ensure_buf()?;
        let mut done = 0usize;
        while done < out.len() {
            let want = (out.len() - done).min(FS_BUF_SIZE as usize);
            let at = offset
                .checked_add(done as u64)
                .ok_or(TeeError::BAD_PARAMETERS)?;
            let mut p = [
                value_in(OPTEE_RPC_FS_READ, fd.into(), at),
                OpteeMsgParam::default(),
            ];
            self.call(&mut p, Some((want as u64, 1)))?;
            // The supplicant says how much it read: never more than asked.
            let got = p[1].u1;
            if got > want as u64 {
                return Err(TeeError::GENERIC);
            }
            let got = got as usize;
            let b = self.buf.as_ref().ok_or(TeeError::GENERIC)?;
            b.read(self.mem, self.shm, &mut out[done..done + got])?;
            done += got;
            if got < want {
                break;
            }
        }
        Ok(done)
    }

    fn write(&mut self, fd: u32, offset: u64, data: &[u8]) -> TeeResult<()> {
        for (i, chunk) in data.chunks(FS_BUF_SIZE as usize).enumerate() {
            self.put(chunk)?;
            let at = offset
                .checked_add((i as u64) * FS_BUF_SIZE)
                .ok_or(TeeError::BAD_PARAMETERS)?;
            let mut p = [
                value_in(OPTEE_RPC_FS_WRITE, fd.into(), at),
                OpteeMsgParam::default(),
            ];
            self.call(&mut p, Some((chunk.len() as u64, 0)))?;
        }
        Ok(())
    }

    fn truncate(&mut self, fd: u32, len: u64) -> TeeResult<()> {
        let mut p = [value_in(OPTEE_RPC_FS_TRUNCATE, fd.into(), len)];
        self.call(&mut p, None)
    }

    fn remove(&mut self, name: &str) -> TeeResult<()> {
        let n = self.put_name(name)?;
        let mut p = [
            value_in(OPTEE_RPC_FS_REMOVE, 0, 0),
            OpteeMsgParam::default(),
        ];
        self.call(&mut p, Some((n, 0)))
    }
}

/// The store lock's sleeps as RPCs of the running thread.
pub struct RpcSleeper<'a> {
    /// The way out.
    pub rpc: &'a mut dyn Rpc,
    /// Normal-world memory (for the RPC argument).
    pub mem: &'a mut dyn PhysMem,
}

impl RpcSleeper<'_> {
    fn notify(&mut self, op: u32, key: u32) -> Result<(), TeeError> {
        // value c: no timeout.
        let mut p = [value_in(op, key.into(), 0)];
        rpc_cmd(self.rpc, self.mem, OPTEE_RPC_CMD_NOTIFICATION, &mut p)
    }
}

impl Sleeper for RpcSleeper<'_> {
    fn wait(&mut self, key: u32) -> Result<(), TeeError> {
        self.notify(OPTEE_RPC_NOTIFICATION_WAIT, key)
    }

    fn send(&mut self, key: u32) -> Result<(), TeeError> {
        self.notify(OPTEE_RPC_NOTIFICATION_SEND, key)
    }

    fn suspend(&mut self, ms: u32) -> Result<(), TeeError> {
        let mut p = [value_param(
            OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
            u64::from(ms),
            0,
            0,
        )];
        rpc_cmd(self.rpc, self.mem, OPTEE_RPC_CMD_SUSPEND, &mut p)
    }
}
