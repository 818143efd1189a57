//! What the store needs from its surroundings.

use crate::TeeResult;

/// The normal world's file system as tee-supplicant serves it
/// (`OPTEE_RPC_CMD_FS`). Names are `/dirf.db` or `/<file number in hex>`.
/// Errors are `TEE_Result` codes as the supplicant answers them
/// (`TEE_ERROR_ITEM_NOT_FOUND` for a missing file); the store passes them
/// on. A single `read` or `write` moves at most 64 KiB; an implementation
/// may split it into several RPCs (the store's crash safety does not rely
/// on one write landing whole).
pub trait RemoteFs {
    /// Opens an existing file.
    fn open(&mut self, name: &str) -> TeeResult<u32>;
    /// Creates (or truncates) a file and opens it.
    fn create(&mut self, name: &str) -> TeeResult<u32>;
    /// Closes a file.
    fn close(&mut self, fd: u32) -> TeeResult<()>;
    /// Reads at `offset`; returns how many bytes were read (short at the end).
    fn read(&mut self, fd: u32, offset: u64, buf: &mut [u8]) -> TeeResult<usize>;
    /// Writes `data` at `offset`.
    fn write(&mut self, fd: u32, offset: u64, data: &[u8]) -> TeeResult<()>;
    /// Sets the file's length.
    fn truncate(&mut self, fd: u32, len: u64) -> TeeResult<()>;
    /// Removes a file.
    fn remove(&mut self, name: &str) -> TeeResult<()>;
}

/// Random bytes for IVs and file keys. Fails rather than returning weak
/// bytes.
pub trait Entropy {
    /// Fills `out` with random bytes.
    fn fill(&mut self, out: &mut [u8]) -> TeeResult<()>;
}

/// A counter only the secure world can advance (secure flash, RPMB): the
/// store refuses a `dirf.db` older than it.
pub trait RollbackAnchor {
    /// The current value.
    fn get(&mut self) -> TeeResult<u32>;
    /// Raises the value to `v` (never lowers it).
    fn advance_to(&mut self, v: u32) -> TeeResult<()>;
}

/// The surroundings of one storage call.
pub struct Env<'a> {
    /// The file system.
    pub fs: &'a mut dyn RemoteFs,
    /// The random source.
    pub rng: &'a mut dyn Entropy,
    /// The rollback anchor, when the platform has one.
    pub anchor: Option<&'a mut dyn RollbackAnchor>,
    /// The RPMB device, when the normal world offers one (only the RPMB
    /// store uses it).
    pub rpmb: Option<&'a mut dyn crate::rpmb::RpmbDevice>,
}
