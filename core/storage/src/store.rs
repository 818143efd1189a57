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

    /// Opens object `id` of TA `ta` (`TEE_ERROR_ITEM_NOT_FOUND` when absent,
    /// `TEE_ERROR_CORRUPT_OBJECT` when it fails its checks).
    pub fn open(&mut self, _env: &mut Env<'_>, _ta: &TaUuid, _id: &[u8]) -> TeeResult<FileId> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// Creates object `id` with `content`, atomically; an existing object is
    /// replaced when `overwrite`, else `TEE_ERROR_ACCESS_CONFLICT`.
    pub fn create(
        &mut self,
        _env: &mut Env<'_>,
        _ta: &TaUuid,
        _id: &[u8],
        _content: &[u8],
        _overwrite: bool,
    ) -> TeeResult<FileId> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// Forgets an open object.
    pub fn close(&mut self, _env: &mut Env<'_>, _f: FileId) {}

    /// Length of the object's content.
    pub fn size(&self, _f: FileId) -> TeeResult<u64> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// Reads at `pos`; returns the bytes read (short at the end).
    pub fn read(
        &mut self,
        _env: &mut Env<'_>,
        _f: FileId,
        _pos: u64,
        _buf: &mut [u8],
    ) -> TeeResult<usize> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// Writes at `pos`, zero-filling a hole past the end; atomic.
    pub fn write(
        &mut self,
        _env: &mut Env<'_>,
        _f: FileId,
        _pos: u64,
        _data: &[u8],
    ) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// Sets the content's length (zero-filled when it grows); atomic.
    pub fn truncate(&mut self, _env: &mut Env<'_>, _f: FileId, _len: u64) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// Deletes the object and closes `f`.
    pub fn remove(&mut self, _env: &mut Env<'_>, _f: FileId) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// Gives the object a new id (`TEE_ERROR_ACCESS_CONFLICT` when taken).
    pub fn rename(&mut self, _env: &mut Env<'_>, _f: FileId, _new_id: &[u8]) -> TeeResult<()> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }

    /// The ids of TA `ta`'s objects, in `dirf.db` order.
    pub fn list(&mut self, _env: &mut Env<'_>, _ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>> {
        Err(TEE_ERROR_NOT_IMPLEMENTED)
    }
}
