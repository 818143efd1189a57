//! The store: objects by (TA, object id), each one file of bytes.
//! (Skeleton: the API the core programs against; the format lands next.)

use alloc::vec::Vec;

use supplicant_proto::tee_result::TEE_ERROR_NOT_IMPLEMENTED;

use crate::{Env, TaUuid, TeeResult};

/// An open object: a handle into the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// The REE FS store of one device.
pub struct ReeStore {
    _ssk: [u8; 32],
}

impl ReeStore {
    /// A store whose keys derive from the hardware unique key `huk`.
    pub fn new(_huk: &[u8; 16]) -> TeeResult<Self> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }
}

/// Objects by (TA, object id), each one file of bytes: what the GP storage
/// system calls need from a backend (REE FS, RPMB, a test double).
pub trait ObjectStore {
    /// Opens object `id` of TA `ta` (`TEE_ERROR_ITEM_NOT_FOUND` when absent,
    /// `TEE_ERROR_CORRUPT_OBJECT` when it fails its checks).
    fn open(&mut self, env: &mut Env<'_>, ta: &TaUuid, id: &[u8]) -> TeeResult<FileId>;
    /// Creates object `id` with `content`, atomically; an existing object is
    /// replaced when `overwrite`, else `TEE_ERROR_ACCESS_CONFLICT`.
    fn create(
        &mut self,
        env: &mut Env<'_>,
        ta: &TaUuid,
        id: &[u8],
        content: &[u8],
        overwrite: bool,
    ) -> TeeResult<FileId>;
    /// Forgets an open object.
    fn close(&mut self, env: &mut Env<'_>, f: FileId);
    /// Length of the object's content.
    fn size(&self, f: FileId) -> TeeResult<u64>;
    /// Reads at `pos`; returns the bytes read (short at the end).
    fn read(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, buf: &mut [u8]) -> TeeResult<usize>;
    /// Writes at `pos`, zero-filling a hole past the end; atomic.
    fn write(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, data: &[u8]) -> TeeResult<()>;
    /// Sets the content's length (zero-filled when it grows); atomic.
    fn truncate(&mut self, env: &mut Env<'_>, f: FileId, len: u64) -> TeeResult<()>;
    /// Deletes the object and closes `f`.
    fn remove(&mut self, env: &mut Env<'_>, f: FileId) -> TeeResult<()>;
    /// Gives the object a new id (`TEE_ERROR_ACCESS_CONFLICT` when taken).
    fn rename(&mut self, env: &mut Env<'_>, f: FileId, new_id: &[u8]) -> TeeResult<()>;
    /// The ids of TA `ta`'s objects, in storage order.
    fn list(&mut self, env: &mut Env<'_>, ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>>;
}

impl ObjectStore for ReeStore {
    fn open(&mut self, _env: &mut Env<'_>, _ta: &TaUuid, _id: &[u8]) -> TeeResult<FileId> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn create(
        &mut self,
        _env: &mut Env<'_>,
        _ta: &TaUuid,
        _id: &[u8],
        _content: &[u8],
        _overwrite: bool,
    ) -> TeeResult<FileId> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn close(&mut self, _env: &mut Env<'_>, _f: FileId) {}

    fn size(&self, _f: FileId) -> TeeResult<u64> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn read(
        &mut self,
        _env: &mut Env<'_>,
        _f: FileId,
        _pos: u64,
        _buf: &mut [u8],
    ) -> TeeResult<usize> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn write(&mut self, _env: &mut Env<'_>, _f: FileId, _pos: u64, _data: &[u8]) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn truncate(&mut self, _env: &mut Env<'_>, _f: FileId, _len: u64) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn remove(&mut self, _env: &mut Env<'_>, _f: FileId) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn rename(&mut self, _env: &mut Env<'_>, _f: FileId, _new_id: &[u8]) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    fn list(&mut self, _env: &mut Env<'_>, _ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }
}
