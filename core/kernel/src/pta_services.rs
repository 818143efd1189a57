//! The calling thread's services as a pseudo-TA gets them
//! ([`oxtee_pta::CallServices`]): RPC to the normal world through this
//! thread, with supplicant buffers. Built per call, so no PTA reaches the
//! normal world but through the thread that called it.

use oxtee_pta::{BufferDir, CallServices, CallerTa, RpcBuffer, TeeError};
use oxtee_shm::{PhysMem, ShmRegistry};
use supplicant_proto::optee_msg::OpteeMsgParam;

use crate::rpc::{rpc_cmd_answer, Rpc};
use crate::supp_buf::with_supp_buf;

/// Runs RPC `cmd` with `params`; a `buffer` goes into a supplicant buffer
/// (copied in unless `Out`, back unless `In`) passed as its memref. `Ok`
/// holds the normal world's `TEE_Result`.
pub fn rpc_with_buffer(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    shm: &spin::Mutex<ShmRegistry>,
    cmd: u32,
    params: &mut [OpteeMsgParam],
    buffer: Option<RpcBuffer<'_>>,
) -> Result<u32, TeeError> {
    let Some(RpcBuffer { param, dir, data }) = buffer else {
        return rpc_cmd_answer(rpc, mem, cmd, params);
    };
    if param >= params.len() {
        return Err(TeeError::BAD_PARAMETERS);
    }
    with_supp_buf(rpc, mem, shm, data.len() as u64, |rpc, mem, buf| {
        if dir != BufferDir::Out {
            buf.write(mem, shm, data)?;
        }
        params[param] = buf.param(dir as u64);
        let ret = rpc_cmd_answer(rpc, mem, cmd, params)?;
        if dir != BufferDir::In {
            buf.read(mem, shm, data)?;
        }
        Ok(ret)
    })
}

/// Services of a call from the normal world: RPC only, no TA.
pub struct NormalWorldServices<'a> {
    /// The calling thread's way out.
    pub rpc: &'a mut dyn Rpc,
    /// Normal-world memory.
    pub mem: &'a mut dyn PhysMem,
    /// Registered shared memory (supplicant buffers).
    pub shm: &'a spin::Mutex<ShmRegistry>,
}

impl CallServices for NormalWorldServices<'_> {
    fn rpc(
        &mut self,
        cmd: u32,
        params: &mut [OpteeMsgParam],
        buffer: Option<RpcBuffer<'_>>,
    ) -> Result<u32, TeeError> {
        rpc_with_buffer(self.rpc, self.mem, self.shm, cmd, params, buffer)
    }

    fn caller_ta(&mut self) -> Option<&mut dyn CallerTa> {
        None
    }
}
