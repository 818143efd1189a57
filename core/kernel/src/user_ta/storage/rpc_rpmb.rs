//! The RPMB device over tee-supplicant's legacy `OPTEE_RPC_CMD_RPMB`:
//! memref[0] = `struct rpmb_req` + request frames (in the file buffer),
//! memref[1] = response frames or `struct rpmb_dev_info` (a second
//! buffer). What comes back is copied out once; the frames are checked by
//! the RPMB client, the device information here.
//!
//! The file system and the device share the RPC link of one storage call,
//! so both are views of one [`RpcFs`] in a `RefCell` (never borrowed
//! twice: each method borrows it for its own RPCs only).

use core::cell::RefCell;

use oxtee_storage::rpmb::{DevInfo, RawFrame, RpmbDevice};
use oxtee_storage::{RemoteFs, TeeResult};
use supplicant_proto::optee_rpc::OPTEE_RPC_CMD_RPMB;
use supplicant_proto::rpmb::*;
use supplicant_proto::tee_error::TeeError;

use super::rpc_fs::{RpcFs, FS_BUF_SIZE};
use crate::rpc::rpc_cmd;
use crate::supp_buf::alloc_supp_buf;

/// Response frames one request may ask for (the client reads one block
/// at a time; kept small: the frames cross the kernel stack).
const MAX_RESP_FRAMES: usize = 1;
/// The response buffer.
const RPMB_BUF_SIZE: u64 = (MAX_RESP_FRAMES * RPMB_DATA_FRAME_SIZE) as u64;
/// Device id tee-supplicant serves (`CFG_RPMB_FS_DEV_ID`).
const DEV_ID: u16 = 0;

fn req_header(cmd: u16, block_count: u16) -> [u8; RPMB_REQ_SIZE] {
    let mut h = [0u8; RPMB_REQ_SIZE];
    h[0..2].copy_from_slice(&cmd.to_ne_bytes());
    h[2..4].copy_from_slice(&DEV_ID.to_ne_bytes());
    h[4..6].copy_from_slice(&block_count.to_ne_bytes());
    h
}

impl RpcFs<'_> {
    /// One `OPTEE_RPC_CMD_RPMB`: `req` (header and frames) in, the first
    /// `out.len()` bytes of the answer out.
    fn rpmb_call(&mut self, req: &[u8], out: &mut [u8]) -> TeeResult<()> {
        if req.len() as u64 > FS_BUF_SIZE || out.len() as u64 > RPMB_BUF_SIZE {
            return Err(TeeError::BAD_PARAMETERS);
        }
        self.ensure_buf()?;
        if self.rpmb_buf.is_none() {
            *self.rpmb_buf = Some(alloc_supp_buf(self.rpc, self.mem, self.shm, RPMB_BUF_SIZE)?);
        }
        let (Some(rb), Some(ob)) = (self.buf.as_ref(), self.rpmb_buf.as_ref()) else {
            return Err(TeeError::GENERIC);
        };
        rb.write(self.mem, self.shm, req)?;
        // Stale bytes must not pass for an answer.
        out.fill(0);
        ob.write(self.mem, self.shm, out)?;
        let mut p = [
            rb.param_len(0, req.len() as u64),
            ob.param_len(1, out.len() as u64),
        ];
        rpc_cmd(self.rpc, self.mem, OPTEE_RPC_CMD_RPMB, &mut p)?;
        ob.read(self.mem, self.shm, out)
    }
}

/// The file system view of the link.
pub(super) struct FsPort<'r, 'a>(pub &'r RefCell<RpcFs<'a>>);

/// The RPMB view of the link.
pub(super) struct RpmbPort<'r, 'a>(pub &'r RefCell<RpcFs<'a>>);

fn link<'r, 'a>(c: &'r RefCell<RpcFs<'a>>) -> TeeResult<core::cell::RefMut<'r, RpcFs<'a>>> {
    c.try_borrow_mut().map_err(|_| TeeError::BAD_STATE)
}

impl RemoteFs for FsPort<'_, '_> {
    fn open(&mut self, name: &str) -> TeeResult<u32> {
        link(self.0)?.open(name)
    }
    fn create(&mut self, name: &str) -> TeeResult<u32> {
        link(self.0)?.create(name)
    }
    fn close(&mut self, fd: u32) -> TeeResult<()> {
        link(self.0)?.close(fd)
    }
    fn read(&mut self, fd: u32, offset: u64, buf: &mut [u8]) -> TeeResult<usize> {
        link(self.0)?.read(fd, offset, buf)
    }
    fn write(&mut self, fd: u32, offset: u64, data: &[u8]) -> TeeResult<()> {
        link(self.0)?.write(fd, offset, data)
    }
    fn truncate(&mut self, fd: u32, len: u64) -> TeeResult<()> {
        link(self.0)?.truncate(fd, len)
    }
    fn remove(&mut self, name: &str) -> TeeResult<()> {
        link(self.0)?.remove(name)
    }
}

impl RpmbDevice for RpmbPort<'_, '_> {
    /// Any failure reads as "no RPMB device" (`TEE_ERROR_ITEM_NOT_FOUND`):
    /// the RPMB storage id is then absent, as on a system without one.
    fn dev_info(&mut self) -> TeeResult<DevInfo> {
        let mut out = [0u8; RPMB_DEV_INFO_SIZE];
        link(self.0)?
            .rpmb_call(&req_header(RPMB_CMD_GET_DEV_INFO, 0), &mut out)
            .map_err(|_| TeeError::ITEM_NOT_FOUND)?;
        if out[RPMB_EMMC_CID_SIZE + 2] != RPMB_CMD_GET_DEV_INFO_RET_OK {
            return Err(TeeError::ITEM_NOT_FOUND);
        }
        let mut cid = [0u8; RPMB_EMMC_CID_SIZE];
        cid.copy_from_slice(&out[..RPMB_EMMC_CID_SIZE]);
        Ok(DevInfo {
            cid,
            rpmb_size_mult: out[RPMB_EMMC_CID_SIZE],
            rel_wr_sec_c: out[RPMB_EMMC_CID_SIZE + 1],
        })
    }

    fn data_request(&mut self, req: &[RawFrame], resp: &mut [RawFrame]) -> TeeResult<()> {
        if req.is_empty() || resp.is_empty() || resp.len() > MAX_RESP_FRAMES {
            return Err(TeeError::BAD_PARAMETERS);
        }
        // block_count: the blocks of the operation (written, or read).
        let blocks = if req.len() > 1 { req.len() } else { resp.len() };
        let mut msg = alloc::vec::Vec::new();
        msg.try_reserve_exact(RPMB_REQ_SIZE + req.len() * RPMB_DATA_FRAME_SIZE)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        msg.extend_from_slice(&req_header(RPMB_CMD_DATA_REQ, blocks as u16));
        for f in req {
            msg.extend_from_slice(f);
        }
        let mut out = [0u8; RPMB_BUF_SIZE as usize];
        let n = resp.len() * RPMB_DATA_FRAME_SIZE;
        link(self.0)?.rpmb_call(&msg, &mut out[..n])?;
        for (f, chunk) in resp.iter_mut().zip(out.chunks_exact(RPMB_DATA_FRAME_SIZE)) {
            f.copy_from_slice(chunk);
        }
        Ok(())
    }
}
