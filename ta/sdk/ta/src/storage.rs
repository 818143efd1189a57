//! Persistent objects in the TEE's trusted storage (`TEE_CreatePersistentObject`,
//! `TEE_OpenPersistentObject`, `TEE_ReadObjectData`, `TEE_RenamePersistentObject`, ...), with a
//! data stream and, for key objects, the attributes of a key
//! ([`PersistentObject::create_key`]; the object is then a
//! [`KeyHandle`](crate::crypto::KeyHandle)), and their enumeration (`TEE_StartPersistentObjectEnumerator`,
//! `TEE_GetNextPersistentObject`). Handles are closed when dropped.

use alloc::vec::Vec;

use supplicant_proto::tee_storage::{
    TEE_DATA_SEEK_CUR, TEE_DATA_SEEK_END, TEE_DATA_SEEK_SET, TEE_OBJECT_ID_MAX_LEN,
    TEE_STORAGE_PRIVATE,
};
use supplicant_proto::tee_syscall::UteeObjectInfo;

use crate::error::{Error, Result};

/// `TEE_DATA_FLAG_*` for [`PersistentObject::create`] and [`PersistentObject::open`].
pub mod flags {
    pub use supplicant_proto::tee_storage::{
        TEE_DATA_FLAG_ACCESS_READ as ACCESS_READ, TEE_DATA_FLAG_ACCESS_WRITE as ACCESS_WRITE,
        TEE_DATA_FLAG_ACCESS_WRITE_META as ACCESS_WRITE_META, TEE_DATA_FLAG_OVERWRITE as OVERWRITE,
        TEE_DATA_FLAG_SHARE_READ as SHARE_READ, TEE_DATA_FLAG_SHARE_WRITE as SHARE_WRITE,
    };
}

/// Where [`PersistentObject::seek`] counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    /// From the start (`TEE_DATA_SEEK_SET`).
    Start,
    /// From the current position (`TEE_DATA_SEEK_CUR`).
    Current,
    /// From the end (`TEE_DATA_SEEK_END`).
    End,
}

/// An open persistent object of `TEE_STORAGE_PRIVATE`.
#[derive(Debug)]
pub struct PersistentObject {
    handle: u32,
}

fn check_id(id: &[u8]) -> Result<()> {
    // GP makes an over-long id a TA panic; the SDK answers an error instead, since
    // ids often come from clients.
    if id.len() > TEE_OBJECT_ID_MAX_LEN {
        Err(Error::BAD_PARAMETERS)
    } else {
        Ok(())
    }
}

impl PersistentObject {
    /// Creates object `id` with `initial` data (with `flags::OVERWRITE`, replacing
    /// an existing one; without, `TEE_ERROR_ACCESS_CONFLICT` if it exists).
    pub fn create(id: &[u8], flags: u32, initial: &[u8]) -> Result<PersistentObject> {
        Self::create_with(id, flags, 0, initial)
    }

    /// Creates key object `id` (`TEE_CreatePersistentObject` with an
    /// attributes object): the key type, size, usage and attributes of `key`,
    /// and `initial` data. The usage `key` has then is the stored object's
    /// for good (restrict it before, e.g. to drop `usage::EXTRACTABLE`).
    pub fn create_key(
        id: &[u8],
        flags: u32,
        key: &dyn crate::crypto::KeyHandle,
        initial: &[u8],
    ) -> Result<PersistentObject> {
        Self::create_with(id, flags, key.raw_handle(), initial)
    }

    fn create_with(id: &[u8], flags: u32, attr: u32, initial: &[u8]) -> Result<PersistentObject> {
        check_id(id)?;
        let mut handle = 0u32;
        // SAFETY: `id` and `initial` are live slices of the given lengths; `handle`
        // is writable. Attribute handle 0: none.
        Error::check(unsafe {
            oxtee_ta_sys::utee_storage_obj_create(
                TEE_STORAGE_PRIVATE,
                id.as_ptr(),
                id.len(),
                flags,
                attr,
                initial.as_ptr(),
                initial.len(),
                &mut handle,
            )
        })?;
        Ok(PersistentObject { handle })
    }

    /// Opens object `id` (`TEE_ERROR_ITEM_NOT_FOUND` if there is none).
    pub fn open(id: &[u8], flags: u32) -> Result<PersistentObject> {
        check_id(id)?;
        let mut handle = 0u32;
        // SAFETY: `id` is a live slice of `id.len()` bytes; `handle` is writable.
        Error::check(unsafe {
            oxtee_ta_sys::utee_storage_obj_open(
                TEE_STORAGE_PRIVATE,
                id.as_ptr(),
                id.len(),
                flags,
                &mut handle,
            )
        })?;
        Ok(PersistentObject { handle })
    }

    /// Reads up to `buf.len()` bytes at the data position; returns how many.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        let mut count = 0u64;
        // SAFETY: `buf` is writable for its length; `count` is writable.
        Error::check(unsafe {
            oxtee_ta_sys::utee_storage_obj_read(
                self.handle,
                buf.as_mut_ptr(),
                buf.len(),
                &mut count,
            )
        })?;
        let n = usize::try_from(count).map_err(|_| Error::GENERIC)?;
        // The kernel never reports more than it was given room for.
        if n > buf.len() {
            return Err(Error::GENERIC);
        }
        Ok(n)
    }

    /// Reads from the data position to the end of the stream.
    pub fn read_to_end(&mut self) -> Result<Vec<u8>> {
        let info = self.info()?;
        let left = info.data_size.saturating_sub(info.data_pos) as usize;
        let mut v = Vec::new();
        v.try_reserve_exact(left)
            .map_err(|_| Error::OUT_OF_MEMORY)?;
        v.resize(left, 0);
        let n = self.read(&mut v)?;
        v.truncate(n);
        Ok(v)
    }

    /// Writes `data` at the data position.
    pub fn write(&mut self, data: &[u8]) -> Result<()> {
        // SAFETY: `data` is a live slice of `data.len()` bytes.
        Error::check(unsafe {
            oxtee_ta_sys::utee_storage_obj_write(self.handle, data.as_ptr(), data.len())
        })
    }

    /// Moves the data position.
    pub fn seek(&mut self, offset: i32, whence: Whence) -> Result<()> {
        let w = match whence {
            Whence::Start => TEE_DATA_SEEK_SET,
            Whence::Current => TEE_DATA_SEEK_CUR,
            Whence::End => TEE_DATA_SEEK_END,
        };
        Error::check(oxtee_ta_sys::utee_storage_obj_seek(self.handle, offset, w))
    }

    /// Sets the data stream's length.
    pub fn truncate(&mut self, len: usize) -> Result<()> {
        Error::check(oxtee_ta_sys::utee_storage_obj_trunc(self.handle, len))
    }

    /// Length of the data stream.
    pub fn len(&self) -> Result<u32> {
        Ok(self.info()?.data_size)
    }

    /// Whether the data stream is empty.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    fn info(&self) -> Result<UteeObjectInfo> {
        let mut info = UteeObjectInfo::default();
        // SAFETY: `info` is a writable `utee_object_info`.
        Error::check(unsafe { oxtee_ta_sys::utee_cryp_obj_get_info(self.handle, &mut info) })?;
        Ok(info)
    }

    /// Gives the object (opened with `flags::ACCESS_WRITE_META`) the id
    /// `new_id` (`TEE_ERROR_ACCESS_CONFLICT` if that id exists).
    pub fn rename(&mut self, new_id: &[u8]) -> Result<()> {
        check_id(new_id)?;
        // SAFETY: `new_id` is a live slice of `new_id.len()` bytes.
        Error::check(unsafe {
            oxtee_ta_sys::utee_storage_obj_rename(self.handle, new_id.as_ptr(), new_id.len())
        })
    }

    /// Deletes the object (opened with `flags::ACCESS_WRITE_META`) and closes it.
    pub fn delete(self) -> Result<()> {
        let handle = self.handle;
        // The kernel closes the handle on success; on failure it stays open and
        // is closed by Drop.
        Error::check(oxtee_ta_sys::utee_storage_obj_del(handle))?;
        core::mem::forget(self);
        Ok(())
    }
}

impl crate::crypto::KeyHandle for PersistentObject {
    fn raw_handle(&self) -> u32 {
        self.handle
    }
}

impl Drop for PersistentObject {
    fn drop(&mut self) {
        let _ = oxtee_ta_sys::utee_cryp_obj_close(self.handle);
    }
}

/// An enumerator of the TA's persistent objects (`TEE_ObjectEnumHandle`).
#[derive(Debug)]
pub struct ObjectEnumerator {
    handle: u32,
    started: bool,
}

impl ObjectEnumerator {
    /// Allocates an enumerator (`TEE_AllocatePersistentObjectEnumerator`).
    pub fn new() -> Result<ObjectEnumerator> {
        let mut handle = 0u32;
        // SAFETY: `handle` is writable.
        Error::check(unsafe { oxtee_ta_sys::utee_storage_alloc_enum(&mut handle) })?;
        Ok(ObjectEnumerator {
            handle,
            started: false,
        })
    }

    /// (Re)starts the enumeration of `TEE_STORAGE_PRIVATE`. A TA without
    /// objects is an empty enumeration (some TEEs answer `ITEM_NOT_FOUND` here).
    pub fn start(&mut self) -> Result<()> {
        match Error::check(oxtee_ta_sys::utee_storage_start_enum(
            self.handle,
            TEE_STORAGE_PRIVATE,
        )) {
            Ok(()) => {
                self.started = true;
                Ok(())
            }
            Err(Error::ITEM_NOT_FOUND) => {
                self.started = false;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// The next object's id, `None` at the end.
    pub fn next_id(&mut self) -> Result<Option<Vec<u8>>> {
        if !self.started {
            return Ok(None);
        }
        let mut info = UteeObjectInfo::default();
        let mut id = [0u8; TEE_OBJECT_ID_MAX_LEN];
        let mut len = id.len() as u64;
        // SAFETY: `info` and `len` are writable, `id` for `len` bytes.
        match Error::check(unsafe {
            oxtee_ta_sys::utee_storage_next_enum(self.handle, &mut info, id.as_mut_ptr(), &mut len)
        }) {
            Ok(()) => {
                let n = usize::try_from(len).map_err(|_| Error::GENERIC)?;
                let id = id.get(..n).ok_or(Error::GENERIC)?;
                Ok(Some(id.to_vec()))
            }
            Err(Error::ITEM_NOT_FOUND) => {
                self.started = false;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

impl Drop for ObjectEnumerator {
    fn drop(&mut self) {
        let _ = oxtee_ta_sys::utee_storage_free_enum(self.handle);
    }
}
