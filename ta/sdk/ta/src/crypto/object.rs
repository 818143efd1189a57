//! Key objects: transient ones owned by the TA (`TEE_AllocateTransientObject`,
//! `TEE_PopulateTransientObject`, `TEE_GenerateKey`, ...) and what every key
//! handle offers, transient or persistent ([`KeyHandle`]).

use alloc::vec::Vec;

use supplicant_proto::tee_crypto::tee_attr_is_value;
use supplicant_proto::tee_syscall::UteeObjectInfo;

use super::attr::{encode, Attr};
use crate::error::{Error, Result};

/// What `TEE_GetObjectInfo1` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObjectInfo {
    /// `TEE_TYPE_*`.
    pub object_type: u32,
    /// Key size in bits (0 while uninitialized).
    pub key_size: u32,
    /// Largest key size in bits the object takes.
    pub max_key_size: u32,
    /// `TEE_USAGE_*` bits.
    pub usage: u32,
    /// Data stream size (persistent objects).
    pub data_size: u32,
    /// `TEE_HANDLE_FLAG_*` bits.
    pub handle_flags: u32,
}

impl From<UteeObjectInfo> for ObjectInfo {
    fn from(i: UteeObjectInfo) -> Self {
        ObjectInfo {
            object_type: i.obj_type,
            key_size: i.obj_size,
            max_key_size: i.max_obj_size,
            usage: i.obj_usage,
            data_size: i.data_size,
            handle_flags: i.handle_flags,
        }
    }
}

/// An object handle holding a key: a [`TransientObject`] or a persistent
/// object with attributes.
pub trait KeyHandle {
    /// The kernel's handle.
    fn raw_handle(&self) -> u32;

    /// `TEE_GetObjectInfo1`.
    fn object_info(&self) -> Result<ObjectInfo> {
        let mut info = UteeObjectInfo::default();
        // SAFETY: `info` is a writable `utee_object_info`.
        Error::check(unsafe {
            oxtee_ta_sys::utee_cryp_obj_get_info(self.raw_handle(), &mut info)
        })?;
        Ok(info.into())
    }

    /// `TEE_GetObjectBufferAttribute`: a public attribute, or any attribute
    /// of an extractable object (`BAD_PARAMETERS` otherwise, as GP's core
    /// answers; `ITEM_NOT_FOUND` if the object has no such attribute).
    fn buffer_attribute(&self, id: u32) -> Result<Vec<u8>> {
        if tee_attr_is_value(id) {
            return Err(Error::BAD_PARAMETERS);
        }
        // The size first, then the bytes.
        let mut size = 0u64;
        // SAFETY: a null buffer with capacity 0; `size` is writable.
        let r = unsafe {
            oxtee_ta_sys::utee_cryp_obj_get_attr(
                self.raw_handle(),
                id,
                core::ptr::null_mut(),
                &mut size,
            )
        };
        match Error::check(r) {
            Ok(()) => return Ok(Vec::new()),
            Err(Error::SHORT_BUFFER) => {}
            Err(e) => return Err(e),
        }
        let n = usize::try_from(size).map_err(|_| Error::GENERIC)?;
        let mut v = Vec::new();
        v.try_reserve_exact(n).map_err(|_| Error::OUT_OF_MEMORY)?;
        v.resize(n, 0);
        let mut size = n as u64;
        // SAFETY: `v` is writable for `size` bytes; `size` is writable.
        Error::check(unsafe {
            oxtee_ta_sys::utee_cryp_obj_get_attr(self.raw_handle(), id, v.as_mut_ptr(), &mut size)
        })?;
        v.truncate(usize::try_from(size).map_err(|_| Error::GENERIC)?.min(n));
        Ok(v)
    }

    /// `TEE_GetObjectValueAttribute`: values a and b.
    fn value_attribute(&self, id: u32) -> Result<(u32, u32)> {
        if !tee_attr_is_value(id) {
            return Err(Error::BAD_PARAMETERS);
        }
        let mut buf = [0u8; 8];
        let mut size = buf.len() as u64;
        // SAFETY: `buf` is writable for `size` bytes; `size` is writable.
        Error::check(unsafe {
            oxtee_ta_sys::utee_cryp_obj_get_attr(self.raw_handle(), id, buf.as_mut_ptr(), &mut size)
        })?;
        let a = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
        let b = u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]);
        Ok((a, b))
    }

    /// `TEE_RestrictObjectUsage1`: keeps only the usage bits in `usage`.
    fn restrict_usage(&mut self, usage: u32) -> Result<()> {
        Error::check(oxtee_ta_sys::utee_cryp_obj_restrict_usage(
            self.raw_handle(),
            usage,
        ))
    }
}

/// A transient object (`TEE_ObjectHandle` of `TEE_AllocateTransientObject`),
/// closed when dropped.
#[derive(Debug)]
pub struct TransientObject {
    handle: u32,
}

impl TransientObject {
    /// An empty object of `TEE_TYPE_*` `object_type` for keys up to
    /// `max_key_size` bits (`NOT_SUPPORTED` for a type or size the core
    /// does not offer).
    pub fn allocate(object_type: u32, max_key_size: u32) -> Result<TransientObject> {
        let mut handle = 0u32;
        // SAFETY: `handle` is writable.
        Error::check(unsafe {
            oxtee_ta_sys::utee_cryp_obj_alloc(object_type, max_key_size, &mut handle)
        })?;
        Ok(TransientObject { handle })
    }

    /// `TEE_PopulateTransientObject`: the key from its attributes.
    pub fn populate(&mut self, attrs: &[Attr<'_>]) -> Result<()> {
        let raw = encode(attrs)?;
        // SAFETY: `raw` holds `raw.len()` attributes whose buffers are the
        // live slices borrowed by `attrs`.
        Error::check(unsafe {
            oxtee_ta_sys::utee_cryp_obj_populate(self.handle, raw.as_ptr(), raw.len())
        })
    }

    /// `TEE_GenerateKey`: a fresh `key_size`-bit key, with `params` (the ECC
    /// curve, an RSA public exponent, ...).
    pub fn generate(&mut self, key_size: u32, params: &[Attr<'_>]) -> Result<()> {
        let raw = encode(params)?;
        // SAFETY: as in `populate`.
        Error::check(unsafe {
            oxtee_ta_sys::utee_cryp_obj_generate_key(self.handle, key_size, raw.as_ptr(), raw.len())
        })
    }

    /// `TEE_CopyObjectAttributes1`: this (empty) object gets the key of
    /// `src` (same type, or the public half of a key pair).
    pub fn copy_from(&mut self, src: &dyn KeyHandle) -> Result<()> {
        Error::check(oxtee_ta_sys::utee_cryp_obj_copy(
            self.handle,
            src.raw_handle(),
        ))
    }

    /// `TEE_ResetTransientObject`: empty again.
    pub fn reset(&mut self) -> Result<()> {
        Error::check(oxtee_ta_sys::utee_cryp_obj_reset(self.handle))
    }

    /// Gives the handle to an operation state (which closes it).
    pub(crate) fn into_raw(self) -> u32 {
        let h = self.handle;
        core::mem::forget(self);
        h
    }
}

impl KeyHandle for TransientObject {
    fn raw_handle(&self) -> u32 {
        self.handle
    }
}

impl Drop for TransientObject {
    fn drop(&mut self) {
        let _ = oxtee_ta_sys::utee_cryp_obj_close(self.handle);
    }
}
