//! Persistent objects and their enumerators (GP Internal Core API §5.7–5.9)
//! over the storage system calls. An object handle is the kernel's handle as
//! a pointer, as in OP-TEE. Errors GP does not list for a function panic the
//! TA (`panic::allow`).

use core::ffi::c_void;

use supplicant_proto::tee_result::{
    TEE_ERROR_ACCESS_CONFLICT, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_CORRUPT_OBJECT,
    TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_OVERFLOW, TEE_ERROR_SHORT_BUFFER,
    TEE_ERROR_STORAGE_NOT_AVAILABLE, TEE_ERROR_STORAGE_NO_SPACE,
};
use supplicant_proto::tee_syscall::{UteeObjectInfo, TEE_SCN_STORAGE_ENUM_RESET};

use crate::panic::{allow, tee_panic};
use crate::types::{handle_to_ptr, ptr_to_handle, TeeObjectInfo, TeeResult};

const OPEN_ERRORS: &[TeeResult] = &[
    TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_ACCESS_CONFLICT,
    TEE_ERROR_OUT_OF_MEMORY,
    TEE_ERROR_STORAGE_NO_SPACE,
    TEE_ERROR_CORRUPT_OBJECT,
    TEE_ERROR_STORAGE_NOT_AVAILABLE,
];
const DATA_ERRORS: &[TeeResult] = &[
    TEE_ERROR_STORAGE_NO_SPACE,
    TEE_ERROR_OVERFLOW,
    TEE_ERROR_CORRUPT_OBJECT,
    TEE_ERROR_STORAGE_NOT_AVAILABLE,
];
const READ_ERRORS: &[TeeResult] = &[TEE_ERROR_CORRUPT_OBJECT, TEE_ERROR_STORAGE_NOT_AVAILABLE];

/// The kernel handle of a GP handle; a null or impossible one panics the TA.
pub fn handle(p: *mut c_void) -> u32 {
    match ptr_to_handle(p) {
        Some(h) if h != 0 => h,
        _ => tee_panic(TEE_ERROR_BAD_PARAMETERS),
    }
}

/// `TEE_OpenPersistentObject(storageID, objectID, objectIDLen, flags, object)`.
///
/// # Safety
///
/// `id` readable for `id_len` bytes; `object` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_OpenPersistentObject(
    storage_id: u32,
    id: *const c_void,
    id_len: usize,
    flags: u32,
    object: *mut *mut c_void,
) -> TeeResult {
    if object.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let mut h = 0u32;
    // SAFETY: forwarded from the caller; `h` is writable.
    let r = unsafe {
        oxtee_ta_sys::utee_storage_obj_open(storage_id, id.cast(), id_len, flags, &mut h)
    };
    // SAFETY: `object` is writable.
    unsafe {
        *object = if r == 0 {
            handle_to_ptr(h)
        } else {
            core::ptr::null_mut()
        }
    };
    allow(r, OPEN_ERRORS)
}

/// `TEE_CreatePersistentObject(storageID, objectID, objectIDLen, flags,
/// attributes, initialData, initialDataLen, object)`; `object` may be null.
///
/// # Safety
///
/// `id` readable for `id_len` bytes, `data` for `data_len`; `object` null or writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case, clippy::too_many_arguments)]
pub unsafe extern "C" fn TEE_CreatePersistentObject(
    storage_id: u32,
    id: *const c_void,
    id_len: usize,
    flags: u32,
    attributes: *mut c_void,
    data: *const c_void,
    data_len: usize,
    object: *mut *mut c_void,
) -> TeeResult {
    let attr = if attributes.is_null() {
        0
    } else {
        handle(attributes)
    };
    let mut h = 0u32;
    // SAFETY: forwarded from the caller; `h` is writable.
    let r = unsafe {
        oxtee_ta_sys::utee_storage_obj_create(
            storage_id,
            id.cast(),
            id_len,
            flags,
            attr,
            data.cast(),
            data_len,
            &mut h,
        )
    };
    if object.is_null() {
        if r == 0 {
            oxtee_ta_sys::utee_cryp_obj_close(h);
        }
    } else {
        // SAFETY: `object` is writable.
        unsafe {
            *object = if r == 0 {
                handle_to_ptr(h)
            } else {
                core::ptr::null_mut()
            }
        };
    }
    allow(r, OPEN_ERRORS)
}

/// `TEE_CloseObject(object)` (null: nothing).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_CloseObject(object: *mut c_void) {
    if !object.is_null() {
        allow(oxtee_ta_sys::utee_cryp_obj_close(handle(object)), &[]);
    }
}

/// `TEE_CloseAndDeletePersistentObject1(object)` (null: nothing).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_CloseAndDeletePersistentObject1(object: *mut c_void) -> TeeResult {
    if object.is_null() {
        return 0;
    }
    allow(
        oxtee_ta_sys::utee_storage_obj_del(handle(object)),
        &[TEE_ERROR_STORAGE_NOT_AVAILABLE],
    )
}

/// `TEE_CloseAndDeletePersistentObject(object)` (GP 1.0 form).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_CloseAndDeletePersistentObject(object: *mut c_void) {
    let r = TEE_CloseAndDeletePersistentObject1(object);
    if r != 0 {
        tee_panic(r);
    }
}

/// `TEE_RenamePersistentObject(object, newObjectID, newObjectIDLen)`.
///
/// # Safety
///
/// `id` readable for `len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_RenamePersistentObject(
    object: *mut c_void,
    id: *const c_void,
    len: usize,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    let r = unsafe { oxtee_ta_sys::utee_storage_obj_rename(handle(object), id.cast(), len) };
    allow(
        r,
        &[
            TEE_ERROR_ACCESS_CONFLICT,
            TEE_ERROR_CORRUPT_OBJECT,
            TEE_ERROR_STORAGE_NOT_AVAILABLE,
        ],
    )
}

/// `TEE_ReadObjectData(object, buffer, size, count)`.
///
/// # Safety
///
/// `buffer` writable for `size` bytes; `count` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_ReadObjectData(
    object: *mut c_void,
    buffer: *mut c_void,
    size: usize,
    count: *mut usize,
) -> TeeResult {
    let mut n = 0u64;
    // SAFETY: forwarded from the caller; `n` is writable.
    let r =
        unsafe { oxtee_ta_sys::utee_storage_obj_read(handle(object), buffer.cast(), size, &mut n) };
    if !count.is_null() {
        // SAFETY: `count` is writable.
        unsafe { *count = n as usize };
    }
    allow(r, READ_ERRORS)
}

/// `TEE_WriteObjectData(object, buffer, size)`.
///
/// # Safety
///
/// `buffer` readable for `size` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_WriteObjectData(
    object: *mut c_void,
    buffer: *const c_void,
    size: usize,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    let r = unsafe { oxtee_ta_sys::utee_storage_obj_write(handle(object), buffer.cast(), size) };
    allow(r, DATA_ERRORS)
}

/// `TEE_TruncateObjectData(object, size)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_TruncateObjectData(object: *mut c_void, size: usize) -> TeeResult {
    allow(
        oxtee_ta_sys::utee_storage_obj_trunc(handle(object), size),
        DATA_ERRORS,
    )
}

/// `TEE_SeekObjectData(object, offset, whence)`; an offset beyond the 32-bit
/// range the kernel takes is `TEE_ERROR_OVERFLOW`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_SeekObjectData(object: *mut c_void, offset: i64, whence: u32) -> TeeResult {
    let h = handle(object);
    let Ok(offset) = i32::try_from(offset) else {
        return TEE_ERROR_OVERFLOW;
    };
    allow(
        oxtee_ta_sys::utee_storage_obj_seek(h, offset, whence),
        DATA_ERRORS,
    )
}

fn info_out(i: &UteeObjectInfo) -> TeeObjectInfo {
    TeeObjectInfo {
        object_type: i.obj_type,
        object_size: i.obj_size,
        max_object_size: i.max_obj_size,
        object_usage: i.obj_usage,
        data_size: i.data_size,
        data_position: i.data_pos,
        handle_flags: i.handle_flags,
    }
}

/// `TEE_GetObjectInfo1(object, objectInfo)`.
///
/// # Safety
///
/// `info` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetObjectInfo1(
    object: *mut c_void,
    info: *mut TeeObjectInfo,
) -> TeeResult {
    let mut i = UteeObjectInfo::default();
    // SAFETY: `i` is writable.
    let r = unsafe { oxtee_ta_sys::utee_cryp_obj_get_info(handle(object), &mut i) };
    if r == 0 && !info.is_null() {
        // SAFETY: `info` is writable.
        unsafe { *info = info_out(&i) };
    }
    allow(r, READ_ERRORS)
}

/// `TEE_GetObjectInfo(object, objectInfo)` (GP 1.0 form).
///
/// # Safety
///
/// `info` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetObjectInfo(object: *mut c_void, info: *mut TeeObjectInfo) {
    // SAFETY: forwarded from the caller.
    let r = unsafe { TEE_GetObjectInfo1(object, info) };
    if r != 0 {
        tee_panic(r);
    }
}

/// `TEE_AllocatePersistentObjectEnumerator(objectEnumerator)`.
///
/// # Safety
///
/// `e` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AllocatePersistentObjectEnumerator(e: *mut *mut c_void) -> TeeResult {
    if e.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let mut h = 0u32;
    // SAFETY: `h` is writable.
    let r = unsafe { oxtee_ta_sys::utee_storage_alloc_enum(&mut h) };
    // SAFETY: `e` is writable.
    unsafe {
        *e = if r == 0 {
            handle_to_ptr(h)
        } else {
            core::ptr::null_mut()
        }
    };
    allow(r, &[TEE_ERROR_OUT_OF_MEMORY])
}

/// `TEE_FreePersistentObjectEnumerator(objectEnumerator)` (null: nothing).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_FreePersistentObjectEnumerator(e: *mut c_void) {
    if !e.is_null() {
        allow(oxtee_ta_sys::utee_storage_free_enum(handle(e)), &[]);
    }
}

/// `TEE_ResetPersistentObjectEnumerator(objectEnumerator)` (null: nothing).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_ResetPersistentObjectEnumerator(e: *mut c_void) {
    if !e.is_null() {
        let h = u64::from(handle(e));
        // SAFETY: RESET takes no pointer.
        allow(
            unsafe { oxtee_ta_sys::syscall(TEE_SCN_STORAGE_ENUM_RESET, [h, 0, 0, 0, 0, 0, 0, 0]) },
            &[],
        );
    }
}

/// `TEE_StartPersistentObjectEnumerator(objectEnumerator, storageID)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_StartPersistentObjectEnumerator(
    e: *mut c_void,
    storage_id: u32,
) -> TeeResult {
    allow(
        oxtee_ta_sys::utee_storage_start_enum(handle(e), storage_id),
        &[
            TEE_ERROR_ITEM_NOT_FOUND,
            TEE_ERROR_CORRUPT_OBJECT,
            TEE_ERROR_STORAGE_NOT_AVAILABLE,
        ],
    )
}

/// `TEE_GetNextPersistentObject(objectEnumerator, objectInfo, objectID, objectIDLen)`;
/// `objectID` must hold `TEE_OBJECT_ID_MAX_LEN` bytes.
///
/// # Safety
///
/// `info` null or writable; `id` writable for 64 bytes; `id_len` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetNextPersistentObject(
    e: *mut c_void,
    info: *mut TeeObjectInfo,
    id: *mut c_void,
    id_len: *mut usize,
) -> TeeResult {
    if id.is_null() || id_len.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let mut i = UteeObjectInfo::default();
    let mut len = supplicant_proto::tee_storage::TEE_OBJECT_ID_MAX_LEN as u64;
    // SAFETY: forwarded from the caller (id holds TEE_OBJECT_ID_MAX_LEN bytes).
    let r = unsafe { oxtee_ta_sys::utee_storage_next_enum(handle(e), &mut i, id.cast(), &mut len) };
    if r == 0 {
        // SAFETY: `id_len` is writable, `info` null or writable.
        unsafe {
            *id_len = len as usize;
            if !info.is_null() {
                *info = info_out(&i);
            }
        }
    }
    allow(
        r,
        &[
            TEE_ERROR_ITEM_NOT_FOUND,
            TEE_ERROR_CORRUPT_OBJECT,
            TEE_ERROR_STORAGE_NOT_AVAILABLE,
            TEE_ERROR_SHORT_BUFFER,
        ],
    )
}
