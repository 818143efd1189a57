//! Normal-world buffers tee-supplicant can read and write during an RPC:
//! allocated with RPC `SHM_ALLOC` (type APPL), passed as a memref, given
//! back with `SHM_FREE`.

use oxtee_shm::{NsBuf, PhysMem, ShmRegistry};
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_rpc::*;
use supplicant_proto::tee_error::TeeError;

use crate::rpc::{rpc_cmd, value_param, Rpc};

/// A supplicant buffer for the duration of one exchange.
pub struct SuppBuf {
    buf_ptr: u64,
    size: u64,
    cookie: u64,
    noncontig: bool,
}

impl SuppBuf {
    /// The OPTEE_MSG memref for an RPC (`dir`: 0 in, 1 out, 2 in/out).
    pub fn param(&self, dir: u64) -> OpteeMsgParam {
        if self.noncontig {
            OpteeMsgParam {
                attr: OPTEE_MSG_ATTR_TYPE_RMEM_INPUT + dir,
                u0: 0,
                u1: self.size,
                u2: self.cookie,
            }
        } else {
            OpteeMsgParam {
                attr: OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + dir,
                u0: self.buf_ptr,
                u1: self.size,
                u2: self.cookie,
            }
        }
    }

    /// The memref for its first `len` bytes (at most the buffer's size).
    pub fn param_len(&self, dir: u64, len: u64) -> OpteeMsgParam {
        let mut p = self.param(dir);
        p.u1 = len.min(self.size);
        p
    }

    /// The buffer's size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// A checked view of the buffer (to be released to `shm` after use).
    pub fn view(&self, shm: &spin::Mutex<ShmRegistry>) -> Result<NsBuf, TeeError> {
        let mut reg = shm.lock();
        if self.noncontig {
            reg.lookup(self.cookie, 0, self.size)
        } else {
            reg.contiguous(self.buf_ptr, self.size)
        }
        .map_err(|e| TeeError::from_code(e.tee_result()))
    }

    /// Copies `data` into the buffer.
    pub fn write(
        &self,
        mem: &mut dyn PhysMem,
        shm: &spin::Mutex<ShmRegistry>,
        data: &[u8],
    ) -> Result<(), TeeError> {
        let v = self.view(shm)?;
        let r = v
            .write_at(mem, 0, data)
            .map_err(|e| TeeError::from_code(e.tee_result()));
        let _ = shm.lock().release(v);
        r
    }

    /// Copies the buffer's first `out.len()` bytes into `out`.
    pub fn read(
        &self,
        mem: &mut dyn PhysMem,
        shm: &spin::Mutex<ShmRegistry>,
        out: &mut [u8],
    ) -> Result<(), TeeError> {
        let v = self.view(shm)?;
        let r = v
            .read_at(mem, 0, out)
            .map_err(|e| TeeError::from_code(e.tee_result()));
        let _ = shm.lock().release(v);
        r
    }
}

/// Asks tee-supplicant for a buffer of `size` bytes (at least 1); give it
/// back with [`free_supp_buf`].
pub fn alloc_supp_buf(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    shm: &spin::Mutex<ShmRegistry>,
    size: u64,
) -> Result<SuppBuf, TeeError> {
    let size = size.max(1);
    let mut a = [value_param(
        OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
        OPTEE_RPC_SHM_TYPE_APPL.into(),
        size,
        0,
    )];
    rpc_cmd(rpc, mem, OPTEE_RPC_CMD_SHM_ALLOC, &mut a)?;
    let (attr, buf_ptr, got, cookie) = (a[0].attr, a[0].u0, a[0].u1, a[0].u2);
    let noncontig = attr & OPTEE_MSG_ATTR_NONCONTIG != 0;
    let buf = SuppBuf {
        buf_ptr,
        size,
        cookie,
        noncontig,
    };
    if attr & OPTEE_MSG_ATTR_TYPE_MASK != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT
        || cookie == 0
        || got < size
    {
        release(rpc, mem, cookie);
        return Err(TeeError::OUT_OF_MEMORY);
    }
    if noncontig {
        // A page list: registered while the buffer lives, passed by reference.
        let mut reg = shm.lock();
        let r = reg
            .read_page_list(mem, buf_ptr, size)
            .and_then(|(pages, offset)| reg.register(cookie, pages, offset, size))
            .map_err(|e| TeeError::from_code(e.tee_result()));
        drop(reg);
        if let Err(e) = r {
            release(rpc, mem, cookie);
            return Err(e);
        }
    }
    Ok(buf)
}

fn release(rpc: &mut dyn Rpc, mem: &mut dyn PhysMem, cookie: u64) {
    let mut p = [value_param(
        OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
        OPTEE_RPC_SHM_TYPE_APPL.into(),
        cookie,
        0,
    )];
    let _ = rpc_cmd(rpc, mem, OPTEE_RPC_CMD_SHM_FREE, &mut p);
}

/// Gives a buffer of [`alloc_supp_buf`] back.
pub fn free_supp_buf(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    shm: &spin::Mutex<ShmRegistry>,
    buf: SuppBuf,
) {
    if buf.noncontig {
        let _ = shm.lock().unregister(buf.cookie);
    }
    release(rpc, mem, buf.cookie);
}

/// Runs `f` with a supplicant buffer of `size` bytes (at least 1).
pub fn with_supp_buf<R>(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    shm: &spin::Mutex<ShmRegistry>,
    size: u64,
    f: impl FnOnce(&mut dyn Rpc, &mut dyn PhysMem, &SuppBuf) -> Result<R, TeeError>,
) -> Result<R, TeeError> {
    let buf = alloc_supp_buf(rpc, mem, shm, size)?;
    let r = f(rpc, mem, &buf);
    free_supp_buf(rpc, mem, shm, buf);
    r
}
