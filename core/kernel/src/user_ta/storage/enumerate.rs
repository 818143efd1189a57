//! Persistent-object enumerators: `TEE_AllocatePersistentObjectEnumerator`
//! and friends. An enumerator lists the TA's object ids when started and
//! opens each object in turn for its information.

use alloc::vec::Vec;

use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_storage::TEE_OBJECT_ID_MAX_LEN;
use supplicant_proto::tee_syscall::UteeObjectInfo;

use super::calls::{private, read_head};
use super::pobj::{Backend, Usage};
use super::{backend_of, Call, Locked};
use crate::user_ta::crypto::handles::HandleMap;
use crate::user_ta::uptr::UserPtr;

/// Size of `struct utee_object_info`.
const UTEE_OBJECT_INFO_SIZE: u64 = core::mem::size_of::<UteeObjectInfo>() as u64;
/// Enumerators one instance may hold.
const MAX_ENUMS: usize = 1024;

/// One enumerator.
#[derive(Default)]
struct Enumerator {
    /// Ids still to visit (started), or `None`.
    ids: Option<Vec<Vec<u8>>>,
    next: usize,
    /// The store it was started on.
    backend: Option<Backend>,
}

/// The enumerators of an instance.
#[derive(Default)]
pub struct Enums {
    map: HandleMap<Enumerator>,
    last: u32,
}

/// `_utee_storage_alloc_enum(*enum)`.
pub(super) fn alloc(call: &mut Call<'_>, out: u64) -> Result<(), TeeError> {
    if out == 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let out = super::calls::out_u32(call, out)?;
    let e = &mut *call.enums;
    if e.map.len() >= MAX_ENUMS {
        return Err(TeeError::OUT_OF_MEMORY);
    }
    let mut h = e.last;
    loop {
        h = h.wrapping_add(1);
        if h != 0 && !e.map.contains(h) {
            break;
        }
    }
    e.map.insert(h, Enumerator::default())?;
    e.last = h;
    out.write(call.space, call.hw, &h)
}

/// `_utee_storage_free_enum(enum)`.
pub(super) fn free(call: &mut Call<'_>, h: u32) -> Result<(), TeeError> {
    call.enums
        .map
        .remove(h)
        .map(|_| ())
        .ok_or(TeeError::BAD_PARAMETERS)
}

/// `_utee_storage_reset_enum(enum)`.
pub(super) fn reset(call: &mut Call<'_>, h: u32) -> Result<(), TeeError> {
    let e = call.enums.map.get_mut(h).ok_or(TeeError::BAD_PARAMETERS)?;
    *e = Enumerator::default();
    Ok(())
}

/// `_utee_storage_start_enum(enum, storage_id)`.
pub(super) fn start(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    h: u32,
    storage_id: u64,
) -> Result<(), TeeError> {
    let e = call.enums.map.get_mut(h).ok_or(TeeError::BAD_PARAMETERS)?;
    *e = Enumerator::default();
    let backend = backend_of(storage_id).ok_or(TeeError::ITEM_NOT_FOUND)?;
    let ids = st.store.list(&mut st.env, &call.ta)?;
    // OP-TEE's REE FS refuses to start over a TA with no object at all.
    if ids.is_empty() {
        return Err(TeeError::ITEM_NOT_FOUND);
    }
    e.ids = Some(ids);
    e.backend = Some(backend);
    Ok(())
}

/// The store enumerator `h` was started on.
pub(super) fn backend(enums: &Enums, h: u32) -> Option<Backend> {
    enums.map.get(h).and_then(|e| e.backend)
}

/// `_utee_storage_next_enum(enum, *info, obj_id, *len)`: the next object's
/// information and id; `TEE_ERROR_ITEM_NOT_FOUND` at the end.
pub(super) fn next(
    call: &mut Call<'_>,
    st: &mut Locked<'_, '_>,
    h: u32,
    info_va: u64,
    id_va: u64,
    len_va: u64,
) -> Result<(), TeeError> {
    if !call.enums.map.contains(h) {
        return Err(TeeError::BAD_PARAMETERS);
    }
    // All three in the TA's own memory, as OP-TEE checks them.
    let info = UserPtr::<UteeObjectInfo>::new(info_va);
    if !private(call.space, info_va, UTEE_OBJECT_INFO_SIZE, true)
        || !private(call.space, id_va, TEE_OBJECT_ID_MAX_LEN as u64, true)
    {
        return Err(TeeError::ACCESS_DENIED);
    }
    if !private(call.space, len_va, 8, true) {
        return Err(TeeError::ACCESS_DENIED);
    }
    let len = UserPtr::<u64>::new(len_va);
    let backend = backend(call.enums, h).unwrap_or(Backend::Ree);
    loop {
        let e = call.enums.map.get_mut(h).ok_or(TeeError::BAD_PARAMETERS)?;
        let Some(id) = e.ids.as_ref().and_then(|ids| ids.get(e.next)).cloned() else {
            return Err(TeeError::ITEM_NOT_FOUND);
        };
        e.next += 1;
        let key = st.pobjs.get(&call.ta, backend, &id, 0, Usage::Enum)?;
        let f = match st.store.open(&mut st.env, &call.ta, &id) {
            Ok(f) => f,
            // Removed since the listing: skip it.
            Err(TeeError::ITEM_NOT_FOUND) => {
                st.pobjs.release(key);
                continue;
            }
            Err(e) => {
                st.pobjs.release(key);
                return Err(e);
            }
        };
        let r = read_head(st, f);
        st.store.close(&mut st.env, f);
        let flags = st.pobjs.flags(key);
        st.pobjs.release(key);
        let (obj, _, size) = r?;
        let i = obj.info();
        let v = UteeObjectInfo {
            obj_type: i.object_type,
            obj_size: i.key_size,
            max_obj_size: i.max_key_size,
            obj_usage: i.object_usage,
            data_size: size as u32,
            data_pos: 0,
            handle_flags: supplicant_proto::tee_crypto::TEE_HANDLE_FLAG_PERSISTENT
                | supplicant_proto::tee_crypto::TEE_HANDLE_FLAG_INITIALIZED
                | flags,
        };
        info.write(call.space, call.hw, &v)?;
        call.space.write(call.hw, id_va, &id)?;
        return len.write(call.space, call.hw, &(id.len() as u64));
    }
}
