//! What a pseudo-TA gets with every call: who calls (the normal world, or a
//! TA instance), and the calling thread's services — RPC to the normal
//! world and, for a TA caller, that TA's address space and modules.
//!
//! The core implements [`CallServices`] per call; nothing here is global,
//! so a PTA can only reach the normal world through the thread that called
//! it.

use supplicant_proto::optee_msg::OpteeMsgParam;

use crate::{ClientIdentity, TeeError, Uuid};

/// Who calls a pseudo-TA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A client of the normal world (its login is in [`CallContext::client`]).
    NormalWorld,
    /// A user TA instance.
    Ta {
        /// The instance (names its sockets, its mappings).
        instance: u32,
        /// The TA's UUID (RFC 4122 octets).
        uuid: Uuid,
    },
}

/// Direction of a supplicant buffer in an RPC (added to the `*_INPUT`
/// memref attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferDir {
    /// Copied to the normal world only.
    In = 0,
    /// Copied back only.
    Out = 1,
    /// Both ways.
    InOut = 2,
}

/// A buffer tee-supplicant reads or writes during one RPC: the core
/// allocates it in normal-world memory, copies `data` in (unless `Out`),
/// passes it as memref `param` and copies it back into `data` (unless `In`).
pub struct RpcBuffer<'b> {
    /// Index of the memref among the RPC's parameters.
    pub param: usize,
    /// Direction.
    pub dir: BufferDir,
    /// Contents, as long as the buffer.
    pub data: &'b mut [u8],
}

/// The calling TA as a pseudo-TA may act on it (the system PTA).
pub trait CallerTa {
    /// Maps `size` bytes of zeroed read-write memory with `pad_before` and
    /// `pad_after` bytes left unmapped around it; returns its address.
    fn map_zeroed(&mut self, size: u64, pad_before: u64, pad_after: u64) -> Result<u64, TeeError>;
    /// Unmaps `size` bytes of zeroed memory at `va`.
    fn unmap(&mut self, va: u64, size: u64) -> Result<(), TeeError>;
    /// Loads library `uuid` (RFC 4122 octets) and what it needs.
    fn load_library(&mut self, uuid: [u8; 16]) -> Result<(), TeeError>;
    /// Address of symbol `name` in module `module` (any module for `None`).
    fn find_symbol(&self, module: Option<[u8; 16]>, name: &str) -> Result<u64, TeeError>;
    /// True when the TA's buffer behind memref parameter `index` is
    /// writable and secure: never memory the normal world shared (OP-TEE's
    /// `WRITE | ANY_OWNER | SECURE` access check).
    fn buffer_is_secure_writable(&self, index: usize) -> bool;
}

/// The calling thread's services for one PTA call.
pub trait CallServices {
    /// Runs RPC command `cmd` in the normal world with `params` (read back
    /// after), with an optional supplicant buffer. `Ok` holds the normal
    /// world's `TEE_Result` (parameters come back whatever it is), `Err` a
    /// failure of the exchange itself.
    fn rpc(
        &mut self,
        cmd: u32,
        params: &mut [OpteeMsgParam],
        buffer: Option<RpcBuffer<'_>>,
    ) -> Result<u32, TeeError>;

    /// The calling TA, when a TA calls and its instance is still alive.
    fn caller_ta(&mut self) -> Option<&mut dyn CallerTa>;
}

/// One call into a pseudo-TA.
pub struct CallContext<'a> {
    /// Who opened the session (login and client UUID).
    pub client: ClientIdentity,
    /// Who makes this call.
    pub caller: Caller,
    /// The calling thread's services.
    pub services: &'a mut dyn CallServices,
}

impl CallContext<'_> {
    /// The calling TA instance, if a TA calls.
    pub fn caller_instance(&self) -> Option<u32> {
        match self.caller {
            Caller::Ta { instance, .. } => Some(instance),
            Caller::NormalWorld => None,
        }
    }

    /// [`CallServices::rpc`] with `Err` for any answer but `TEE_SUCCESS`.
    pub fn rpc(
        &mut self,
        cmd: u32,
        params: &mut [OpteeMsgParam],
        buffer: Option<RpcBuffer<'_>>,
    ) -> Result<(), TeeError> {
        TeeError::check(self.services.rpc(cmd, params, buffer)?)
    }
}

/// Services of a call that has no way out (host tests, PTAs that need
/// none): every RPC fails, no TA is reachable.
#[derive(Debug, Default)]
pub struct NoServices;

impl CallServices for NoServices {
    fn rpc(
        &mut self,
        _cmd: u32,
        _params: &mut [OpteeMsgParam],
        _buffer: Option<RpcBuffer<'_>>,
    ) -> Result<u32, TeeError> {
        Err(TeeError::NOT_SUPPORTED)
    }

    fn caller_ta(&mut self) -> Option<&mut dyn CallerTa> {
        None
    }
}
