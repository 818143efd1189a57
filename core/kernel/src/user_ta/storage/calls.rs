//! The object system calls: open, create, delete, rename, read, write,
//! truncate, seek, and the object calls that differ on a persistent object.
//! Each decodes and checks its arguments, then acts on the store, then
//! writes its outputs to the TA.

use alloc::vec;
use alloc::vec::Vec;

use oxtee_crypto::{KeyObject, Zeroizing};
use oxtee_storage::Content;
use supplicant_proto::tee_crypto::*;
use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_storage::*;
use supplicant_proto::tee_syscall::{Sysnum, UteeObjectInfo};

use super::format::{self, Head, HEAD_SIZE, USAGE_OFFSET};
use super::pobj::Usage;
use super::{backend_of, enumerate, Call, Locked, Persist};
use crate::user_ta::crypto::CryptoState;
use crate::user_ta::hw::UserHw;
use crate::user_ta::space::{Space, Use, PAGE};
use crate::user_ta::uptr::{UserPtr, UserSlice};

/// Flags `TEE_OpenPersistentObject` takes.
const OPEN_FLAGS: u32 = TEE_DATA_FLAG_ACCESS_READ
    | TEE_DATA_FLAG_ACCESS_WRITE
    | TEE_DATA_FLAG_ACCESS_WRITE_META
    | TEE_DATA_FLAG_SHARE_READ
    | TEE_DATA_FLAG_SHARE_WRITE;
/// Flags `TEE_CreatePersistentObject` takes.
const CREATE_FLAGS: u32 = OPEN_FLAGS | TEE_DATA_FLAG_OVERWRITE;
/// Data moves between the TA and the store in pieces of this size.
const CHUNK: usize = 16 * 1024;

/// The calls that do not touch the store.
pub(super) fn without_store(
    call: &mut Call<'_>,
    nr: Sysnum,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    let h = a[0] as u32;
    match nr {
        Sysnum::StorageEnumAlloc => enumerate::alloc(call, a[0]),
        Sysnum::StorageEnumFree => enumerate::free(call, h),
        Sysnum::StorageEnumReset => enumerate::reset(call, h),
        Sysnum::StorageObjSeek => seek(call, h, a[1] as u32 as i32, a[2]),
        Sysnum::CrypObjGetInfo => info(call, h, a[1]),
        // A persistent object keeps its attributes (libutee panics first).
        Sysnum::CrypObjReset => Ok(()),
        Sysnum::CrypObjPopulate | Sysnum::CrypObjCopy => Err(TeeError::BAD_PARAMETERS),
        Sysnum::CrypObjGenerateKey => Err(TeeError::BAD_STATE),
        _ => Err(TeeError::NOT_SUPPORTED),
    }
}

/// The calls that need the store.
pub(super) fn with_store(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    nr: Sysnum,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    let h = a[0] as u32;
    match nr {
        Sysnum::StorageObjOpen => open(call, st, a[0], a[1], a[2], a[3], a[4]),
        Sysnum::StorageObjCreate => create(call, st, a),
        Sysnum::StorageObjDel => delete(call, st, h),
        Sysnum::StorageObjRename => rename(call, st, h, a[1], a[2]),
        Sysnum::StorageEnumStart => enumerate::start(call, st, h, a[1]),
        Sysnum::StorageEnumNext => enumerate::next(call, st, h, a[1], a[2], a[3]),
        Sysnum::StorageObjRead => read(call, st, h, a[1], a[2], a[3]),
        Sysnum::StorageObjWrite => write(call, st, h, a[1], a[2]),
        Sysnum::StorageObjTrunc => truncate(call, st, h, a[1]),
        Sysnum::CrypObjRestrictUsage => restrict_usage(call, st, h, a[1] as u32),
        Sysnum::CrypObjClose => {
            persist_of(call.cs, h)?;
            close_persistent(call.cs, st, h);
            Ok(())
        }
        _ => Err(TeeError::NOT_SUPPORTED),
    }
}

/// `[va, va + len)` is mapped (writable if `write`) and private to the TA:
/// not memory a client shared (OP-TEE's access check without
/// `ANY_OWNER`).
pub(super) fn private(space: &Space, va: u64, len: u64, write: bool) -> bool {
    if len == 0 {
        return true;
    }
    if !space.check(va, len, write) {
        return false;
    }
    let Some(end) = va.checked_add(len) else {
        return false;
    };
    let mut at = va & !(PAGE - 1);
    while at < end {
        if !matches!(space.usage_at(at), Some(u) if !matches!(u, Use::Param { .. })) {
            return false;
        }
        at += PAGE;
    }
    true
}

/// An object id argument: at most `TEE_OBJECT_ID_MAX_LEN` bytes of the
/// TA's own memory (length 0 and NULL allowed), copied.
pub(super) fn object_id(call: &Call<'_>, va: u64, len: u64) -> Result<Vec<u8>, TeeError> {
    if len > TEE_OBJECT_ID_MAX_LEN as u64 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    if len == 0 {
        return Ok(Vec::new());
    }
    if !private(call.space, va, len, false) {
        return Err(TeeError::ACCESS_DENIED);
    }
    UserSlice::new(va, len).read(call.space, call.hw)
}

/// A `uint32_t *` out-argument in the TA's own memory (OP-TEE copies
/// handles out with `copy_to_user_private`).
pub(super) fn out_u32(call: &Call<'_>, va: u64) -> Result<UserPtr<u32>, TeeError> {
    if private(call.space, va, 4, true) {
        Ok(UserPtr::new(va))
    } else {
        Err(TeeError::ACCESS_DENIED)
    }
}

/// The persistent side of handle `h`.
pub(super) fn persist_of(cs: &CryptoState, h: u32) -> Result<Persist, TeeError> {
    cs.object(h)
        .ok_or(TeeError::BAD_STATE)?
        .persist
        .ok_or(TeeError::BAD_STATE)
}

fn set_persist(cs: &mut CryptoState, h: u32, p: Persist) {
    if let Some(o) = cs.object_mut(h) {
        o.persist = Some(p);
    }
}

/// Closes persistent handle `h` (file and open-object reference).
pub(super) fn close_persistent(cs: &mut CryptoState, st: &mut Locked<'_, '_>, h: u32) {
    if let Some(p) = cs.remove_object(h).and_then(|o| o.persist) {
        st.store.close(&mut st.env, p.file);
        st.pobjs.release(p.pobj);
    }
}

/// The backend called the object corrupt: it is removed, and its handle
/// closed unless the TA asked to keep it.
fn corrupt(call: &mut Call<'_>, st: &mut Locked<'_, '_>, h: u32, p: &Persist) -> TeeError {
    let _ = st.store.remove(&mut st.env, p.file);
    if call.close_on_corrupt() {
        call.cs.remove_object(h);
        st.pobjs.release(p.pobj);
    }
    TeeError::CORRUPT_OBJECT
}

/// Reads an object's head and attributes: its key object and where its
/// data stream starts and how long it is.
pub(super) fn read_head(
    st: &mut Locked<'_, '_>,
    f: oxtee_storage::FileId,
) -> Result<(KeyObject, u64, u64), TeeError> {
    let size = st.store.size(f)?;
    let mut hb = [0u8; HEAD_SIZE];
    let n = st.store.read(&mut st.env, f, 0, &mut hb)?;
    if n != HEAD_SIZE {
        return Err(TeeError::CORRUPT_OBJECT);
    }
    let head = Head::from_bytes(&hb);
    let ds_pos = HEAD_SIZE as u64 + u64::from(head.attr_size);
    if ds_pos > size {
        return Err(TeeError::CORRUPT_OBJECT);
    }
    let mut raw = Zeroizing::new(Vec::new());
    raw.try_reserve_exact(head.attr_size as usize)
        .map_err(|_| TeeError::OUT_OF_MEMORY)?;
    raw.resize(head.attr_size as usize, 0);
    if st.store.read(&mut st.env, f, HEAD_SIZE as u64, &mut raw)? != raw.len() {
        return Err(TeeError::CORRUPT_OBJECT);
    }
    let key = format::deserialise(&head, &raw)?;
    Ok((key, ds_pos, size - ds_pos))
}

/// `_utee_storage_obj_open(storage_id, id, id_len, flags, *obj)`.
fn open(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    storage_id: u64,
    id_va: u64,
    id_len: u64,
    flags: u64,
    out: u64,
) -> Result<(), TeeError> {
    let flags = u32::try_from(flags).map_err(|_| TeeError::BAD_PARAMETERS)?;
    if flags & !OPEN_FLAGS != 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let backend = backend_of(storage_id).ok_or(TeeError::ITEM_NOT_FOUND)?;
    if id_len > TEE_OBJECT_ID_MAX_LEN as u64 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let id = object_id(call, id_va, id_len)?;
    let out = out_u32(call, out)?;
    let key = st.pobjs.get(&call.ta, backend, &id, flags, Usage::Open)?;
    let f = match st.store.open(&mut st.env, &call.ta, &id) {
        Ok(f) => f,
        Err(e) => {
            st.pobjs.release(key);
            return Err(e);
        }
    };
    let (obj, ds_pos, size) = match read_head(st, f) {
        Ok(v) => v,
        Err(e) => {
            if e == TeeError::CORRUPT_OBJECT {
                let _ = st.store.remove(&mut st.env, f);
            } else {
                st.store.close(&mut st.env, f);
            }
            st.pobjs.release(key);
            return Err(e);
        }
    };
    let h = match call.cs.add_object(obj) {
        Ok(h) => h,
        Err(e) => {
            st.store.close(&mut st.env, f);
            st.pobjs.release(key);
            return Err(e);
        }
    };
    set_persist(
        call.cs,
        h,
        Persist {
            file: f,
            pobj: key,
            flags,
            pos: 0,
            size,
            ds_pos,
            backend,
        },
    );
    out.write(call.space, call.hw, &h)
}

/// `_utee_storage_obj_create(storage_id, id, id_len, flags, attr, data,
/// data_len, *obj)`. With a NULL `obj` and a transient `attr`, that
/// object becomes the persistent one.
/// A new object's content: its serialised attributes, then the TA's
/// initial data, read from the TA's memory as the store asks for it.
pub(super) struct NewContent<'a> {
    pub head: &'a [u8],
    pub data: UserSlice,
    pub space: &'a Space,
    pub hw: &'a dyn UserHw,
}

impl Content for NewContent<'_> {
    fn len(&self) -> u64 {
        self.head.len() as u64 + self.data.len()
    }

    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> Result<(), TeeError> {
        let head_len = self.head.len() as u64;
        let (mut off, mut buf) = (off, buf);
        if off < head_len {
            let from = &self.head[off as usize..];
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            buf = &mut buf[n..];
            off = head_len;
        }
        if buf.is_empty() {
            return Ok(());
        }
        self.data
            .sub(off - head_len, buf.len() as u64)?
            .read_into(self.space, self.hw, buf)
    }
}

fn create(call: &mut Call<'_>, st: &mut Locked<'_, '_>, a: &[u64; 31]) -> Result<(), TeeError> {
    let (storage_id, id_va, id_len, flags) = (a[0], a[1], a[2], a[3]);
    let (attr_h, data_va, data_len, out_va) = (a[4] as u32, a[5], a[6], a[7]);
    let flags = u32::try_from(flags).map_err(|_| TeeError::BAD_PARAMETERS)?;
    if flags & !CREATE_FLAGS != 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let backend = backend_of(storage_id).ok_or(TeeError::ITEM_NOT_FOUND)?;
    if id_len > TEE_OBJECT_ID_MAX_LEN as u64 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    if data_len != 0 && data_va == 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let id = object_id(call, id_va, id_len)?;
    if data_len > TEE_DATA_MAX_POSITION {
        return Err(TeeError::OVERFLOW);
    }
    let out = match out_va {
        0 => None,
        va => Some(out_u32(call, va)?),
    };
    let template = if attr_h != 0 {
        let o = call.cs.object(attr_h).ok_or(TeeError::BAD_STATE)?;
        if !o.key.is_initialized() {
            return Err(TeeError::BAD_PARAMETERS);
        }
        Some((o.key.clone(), o.persist.is_some()))
    } else {
        None
    };
    // The initial data may come from anywhere the TA can read; it is read
    // once, a piece at a time, while the store encrypts it.
    let data = match data_len {
        0 => UserSlice::new(0, 0),
        n => UserSlice::new(data_va, n).readable(call.space)?,
    };
    let obj = match &template {
        Some((k, _)) => k.clone(),
        None => {
            let mut k = KeyObject::from_parts(TEE_TYPE_DATA, 0);
            k.mark_initialized(0);
            k
        }
    };
    let mut head = Zeroizing::new(Vec::new());
    format::serialise(&obj, &mut head)?;
    let ds_pos = head.len() as u64;
    let mut content = NewContent {
        head: &head,
        data,
        space: call.space,
        hw: call.hw,
    };

    let key = st.pobjs.get(&call.ta, backend, &id, flags, Usage::Create)?;
    let overwrite = flags & TEE_DATA_FLAG_OVERWRITE != 0;
    let f = match st
        .store
        .create_from(&mut st.env, &call.ta, &id, &mut content, overwrite)
    {
        Ok(f) => f,
        Err(e) => {
            st.pobjs.release(key);
            return Err(e);
        }
    };
    st.pobjs.created(key);
    let persist = Persist {
        file: f,
        pobj: key,
        flags,
        pos: 0,
        size: data.len(),
        ds_pos,
        backend,
    };
    match (out, template) {
        (None, Some((_, false))) => {
            set_persist(call.cs, attr_h, persist);
            Ok(())
        }
        (None, _) => {
            st.store.close(&mut st.env, f);
            st.pobjs.release(key);
            Ok(())
        }
        (Some(out), _) => {
            let h = match call.cs.add_object(obj) {
                Ok(h) => h,
                Err(e) => {
                    st.store.close(&mut st.env, f);
                    st.pobjs.release(key);
                    return Err(e);
                }
            };
            set_persist(call.cs, h, persist);
            Ok(out.write(call.space, call.hw, &h)?)
        }
    }
}

/// `_utee_storage_obj_del(obj)`: needs `ACCESS_WRITE_META`; the handle is
/// closed whatever the store answers.
fn delete(call: &mut Call<'_>, st: &mut Locked<'_, '_>, h: u32) -> Result<(), TeeError> {
    let o = call.cs.object(h).ok_or(TeeError::BAD_STATE)?;
    let Some(p) = o
        .persist
        .filter(|p| p.flags & TEE_DATA_FLAG_ACCESS_WRITE_META != 0)
    else {
        return Err(TeeError::ACCESS_CONFLICT);
    };
    let r = st.store.remove(&mut st.env, p.file);
    call.cs.remove_object(h);
    st.pobjs.release(p.pobj);
    r
}

/// `_utee_storage_obj_rename(obj, new_id, new_id_len)`.
fn rename(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    h: u32,
    id_va: u64,
    id_len: u64,
) -> Result<(), TeeError> {
    if id_len > TEE_OBJECT_ID_MAX_LEN as u64 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let p = persist_of(call.cs, h)?;
    if p.flags & TEE_DATA_FLAG_ACCESS_WRITE_META == 0 {
        return Err(TeeError::BAD_STATE);
    }
    let id = object_id(call, id_va, id_len)?;
    // Reserve the new name: nobody may have it open.
    let reserved = st.pobjs.get(
        &call.ta,
        p.backend,
        &id,
        TEE_DATA_FLAG_ACCESS_WRITE_META,
        Usage::Rename,
    )?;
    let r = st
        .store
        .rename(&mut st.env, p.file, &id)
        .and_then(|()| st.pobjs.rename(p.pobj, reserved));
    st.pobjs.release(reserved);
    r
}

/// `_utee_storage_obj_read(obj, data, len, *count)`: from the data
/// position; at or after the end, 0 bytes.
fn read(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    h: u32,
    va: u64,
    len: u64,
    count_va: u64,
) -> Result<(), TeeError> {
    let p = persist_of(call.cs, h)?;
    if p.flags & TEE_DATA_FLAG_ACCESS_READ == 0 {
        return Err(TeeError::ACCESS_CONFLICT);
    }
    // Never more than the stream holds; that much of the buffer must be
    // writable (any TA memory, as OP-TEE's copy_to_user), the count the
    // TA's own.
    let out = UserSlice::new(va, len)
        .prefix(p.size.saturating_sub(p.pos))
        .writable(call.space)?;
    let len = out.len();
    let count = UserPtr::<u64>::new(count_va);
    if !private(call.space, count_va, 8, true) {
        return Err(TeeError::ACCESS_DENIED);
    }
    let start = p.ds_pos.checked_add(p.pos).ok_or(TeeError::OVERFLOW)?;
    let mut buf = Zeroizing::new(vec![0u8; CHUNK.min(len as usize)]);
    let mut done = 0u64;
    while done < len {
        let want = (len - done).min(CHUNK as u64) as usize;
        let n = match st
            .store
            .read(&mut st.env, p.file, start + done, &mut buf[..want])
        {
            Ok(n) => n.min(want),
            Err(TeeError::CORRUPT_OBJECT) => return Err(corrupt(call, st, h, &p)),
            Err(e) => return Err(e),
        };
        out.sub(done, n as u64)?
            .write(call.space, call.hw, &buf[..n])?;
        done += n as u64;
        if n < want {
            break;
        }
    }
    set_persist(
        call.cs,
        h,
        Persist {
            pos: p.pos + done,
            ..p
        },
    );
    count.write(call.space, call.hw, &done)
}

/// `_utee_storage_obj_write(obj, data, len)`: at the data position; a
/// hole past the end reads as zeros.
fn write(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    h: u32,
    va: u64,
    len: u64,
) -> Result<(), TeeError> {
    let p = persist_of(call.cs, h)?;
    if p.flags & TEE_DATA_FLAG_ACCESS_WRITE == 0 {
        return Err(TeeError::ACCESS_CONFLICT);
    }
    let end = p.pos.checked_add(len).ok_or(TeeError::OVERFLOW)?;
    if end > TEE_DATA_MAX_POSITION {
        return Err(TeeError::OVERFLOW);
    }
    // Any TA memory, as OP-TEE's copy_from_user.
    let data = Zeroizing::new(UserSlice::new(va, len).read(call.space, call.hw)?);
    match st.store.write(&mut st.env, p.file, p.ds_pos + p.pos, &data) {
        Ok(()) => {}
        Err(TeeError::CORRUPT_OBJECT) => return Err(corrupt(call, st, h, &p)),
        Err(e) => return Err(e),
    }
    set_persist(
        call.cs,
        h,
        Persist {
            pos: end,
            size: p.size.max(end),
            ..p
        },
    );
    Ok(())
}

/// `_utee_storage_obj_trunc(obj, len)`: the position stays.
fn truncate(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    h: u32,
    len: u64,
) -> Result<(), TeeError> {
    let p = persist_of(call.cs, h)?;
    if p.flags & TEE_DATA_FLAG_ACCESS_WRITE == 0 {
        return Err(TeeError::ACCESS_CONFLICT);
    }
    // OP-TEE answers any failure but corruption with GENERIC.
    if len > TEE_DATA_MAX_POSITION {
        return Err(TeeError::GENERIC);
    }
    match st.store.truncate(&mut st.env, p.file, p.ds_pos + len) {
        Ok(()) => {
            set_persist(call.cs, h, Persist { size: len, ..p });
            Ok(())
        }
        Err(TeeError::CORRUPT_OBJECT) => Err(corrupt(call, st, h, &p)),
        Err(_) => Err(TeeError::GENERIC),
    }
}

/// `_utee_storage_obj_seek(obj, offset, whence)`: a negative result is
/// 0; beyond `TEE_DATA_MAX_POSITION` is refused.
fn seek(call: &mut Call<'_>, h: u32, offset: i32, whence: u64) -> Result<(), TeeError> {
    let p = persist_of(call.cs, h)?;
    let base = match u32::try_from(whence) {
        Ok(TEE_DATA_SEEK_SET) => 0i64,
        Ok(TEE_DATA_SEEK_CUR) => p.pos as i64,
        Ok(TEE_DATA_SEEK_END) => p.size as i64,
        _ => return Err(TeeError::BAD_PARAMETERS),
    };
    let pos = base
        .checked_add(i64::from(offset))
        .ok_or(TeeError::OVERFLOW)?
        .max(0) as u64;
    if pos > TEE_DATA_MAX_POSITION {
        return Err(TeeError::BAD_PARAMETERS);
    }
    set_persist(call.cs, h, Persist { pos, ..p });
    Ok(())
}

/// `_utee_cryp_obj_get_info` of a persistent object.
fn info(call: &mut Call<'_>, h: u32, va: u64) -> Result<(), TeeError> {
    let o = call.cs.object(h).ok_or(TeeError::BAD_STATE)?;
    let p = o.persist.ok_or(TeeError::BAD_STATE)?;
    let i = o.key.info();
    let info = UteeObjectInfo {
        obj_type: i.object_type,
        obj_size: i.key_size,
        max_obj_size: i.max_key_size,
        obj_usage: i.object_usage,
        data_size: p.size as u32,
        data_pos: p.pos as u32,
        handle_flags: p.handle_flags(),
    };
    UserPtr::<UteeObjectInfo>::new(va).write(call.space, call.hw, &info)
}

/// `_utee_cryp_obj_restrict_usage` of a persistent object: the new usage
/// is written to the object's head first.
fn restrict_usage(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    h: u32,
    usage: u32,
) -> Result<(), TeeError> {
    let o = call.cs.object(h).ok_or(TeeError::BAD_STATE)?;
    let p = o.persist.ok_or(TeeError::BAD_STATE)?;
    let new = o.key.usage() & usage;
    match st
        .store
        .write(&mut st.env, p.file, USAGE_OFFSET, &new.to_le_bytes())
    {
        Ok(()) => {}
        Err(TeeError::CORRUPT_OBJECT) => return Err(corrupt(call, st, h, &p)),
        Err(e) => return Err(e),
    }
    // Every handle of this object in the instance sees the new usage (the
    // usage belongs to the object, as OP-TEE keeps it in the pobj).
    for other in call.cs.persistent_handles() {
        if let Some(o) = call.cs.object_mut(other) {
            if o.persist.is_some_and(|q| q.pobj == p.pobj) {
                o.key.restrict_usage(usage);
            }
        }
    }
    Ok(())
}
