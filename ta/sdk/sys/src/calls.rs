//! One `unsafe` wrapper per system call the SDK uses, named after libutee's stub
//! (`_utee_log` → [`utee_log`]). Arguments keep the kernel's widths; lengths are
//! `usize`, results are `TEE_Result` (`u32`).

use supplicant_proto::tee_syscall::{
    TeeTime, UteeObjectInfo, TEE_SCN_CHECK_ACCESS_RIGHTS, TEE_SCN_CRYP_OBJ_CLOSE,
    TEE_SCN_CRYP_OBJ_GET_INFO, TEE_SCN_CRYP_RANDOM_NUMBER_GENERATE, TEE_SCN_GET_PROPERTY,
    TEE_SCN_GET_PROPERTY_NAME_TO_INDEX, TEE_SCN_GET_TIME, TEE_SCN_LOG, TEE_SCN_PANIC,
    TEE_SCN_RETURN, TEE_SCN_STORAGE_ENUM_ALLOC, TEE_SCN_STORAGE_ENUM_FREE,
    TEE_SCN_STORAGE_ENUM_NEXT, TEE_SCN_STORAGE_ENUM_START, TEE_SCN_STORAGE_OBJ_CREATE,
    TEE_SCN_STORAGE_OBJ_DEL, TEE_SCN_STORAGE_OBJ_OPEN, TEE_SCN_STORAGE_OBJ_READ,
    TEE_SCN_STORAGE_OBJ_RENAME, TEE_SCN_STORAGE_OBJ_SEEK, TEE_SCN_STORAGE_OBJ_TRUNC,
    TEE_SCN_STORAGE_OBJ_WRITE,
};

use crate::raw::syscall;

/// Pointer as a syscall argument.
fn p<T>(ptr: *const T) -> u64 {
    ptr as usize as u64
}

/// Length as a syscall argument (`usize` is 64 bits on the TA target).
fn n(len: usize) -> u64 {
    len as u64
}

/// `_utee_return`: ends the current entry with `ret`; never returns.
pub fn utee_return(ret: u32) -> ! {
    // SAFETY: RETURN takes no pointer.
    unsafe { syscall(TEE_SCN_RETURN, [u64::from(ret), 0, 0, 0, 0, 0, 0, 0]) };
    // The kernel never resumes a TA after RETURN; if one did, stop here.
    loop {
        core::hint::spin_loop();
    }
}

/// `_utee_panic` (`TEE_Panic`): the TA dies, its caller gets `TEE_ERROR_TARGET_DEAD`.
pub fn utee_panic(code: u32) -> ! {
    // SAFETY: the second argument is only a stack pointer hint for the kernel's
    // dump; 0 means none.
    unsafe { syscall(TEE_SCN_PANIC, [u64::from(code), 0, 0, 0, 0, 0, 0, 0]) };
    loop {
        core::hint::spin_loop();
    }
}

/// `_utee_log`: writes `len` bytes of text to the secure console.
///
/// # Safety
///
/// `buf` must be readable for `len` bytes.
pub unsafe fn utee_log(buf: *const u8, len: usize) {
    // SAFETY: forwarded from the caller.
    unsafe { syscall(TEE_SCN_LOG, [p(buf), n(len), 0, 0, 0, 0, 0, 0]) };
}

/// `_utee_check_access_rights`: whether the TA may access `[buf, buf + len)` with
/// `TEE_MEMORY_ACCESS_*` `flags`.
pub fn utee_check_access_rights(flags: u32, buf: usize, len: usize) -> u32 {
    // SAFETY: the kernel only inspects the TA's mappings; it reads no memory.
    unsafe {
        syscall(
            TEE_SCN_CHECK_ACCESS_RIGHTS,
            [u64::from(flags), n(buf), n(len), 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_get_time`: time of category `cat` (`UTEE_TIME_CAT_*`).
///
/// # Safety
///
/// `time` must be writable.
pub unsafe fn utee_get_time(cat: u32, time: *mut TeeTime) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_GET_TIME,
            [u64::from(cat), p(time), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_random_number_generate`: fills `len` bytes at `buf`.
///
/// # Safety
///
/// `buf` must be writable for `len` bytes.
pub unsafe fn utee_cryp_random_number_generate(buf: *mut u8, len: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_RANDOM_NUMBER_GENERATE,
            [p(buf), n(len), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_obj_open`: opens persistent object `id` in `storage_id`.
///
/// # Safety
///
/// `id` readable for `id_len` bytes, `obj` writable.
pub unsafe fn utee_storage_obj_open(
    storage_id: u32,
    id: *const u8,
    id_len: usize,
    flags: u32,
    obj: *mut u32,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_OPEN,
            [
                u64::from(storage_id),
                p(id),
                n(id_len),
                u64::from(flags),
                p(obj),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_storage_obj_create`: creates persistent object `id` with initial `data`
/// (`attr` = 0: no attributes object).
///
/// # Safety
///
/// `id` readable for `id_len` bytes, `data` for `len` bytes, `obj` writable.
#[allow(clippy::too_many_arguments)] // the kernel's eight arguments
pub unsafe fn utee_storage_obj_create(
    storage_id: u32,
    id: *const u8,
    id_len: usize,
    flags: u32,
    attr: u32,
    data: *const u8,
    len: usize,
    obj: *mut u32,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_CREATE,
            [
                u64::from(storage_id),
                p(id),
                n(id_len),
                u64::from(flags),
                u64::from(attr),
                p(data),
                n(len),
                p(obj),
            ],
        )
    }
}

/// `_utee_storage_obj_read`: reads up to `len` bytes; `count` receives the number read.
///
/// # Safety
///
/// `data` writable for `len` bytes, `count` writable.
pub unsafe fn utee_storage_obj_read(obj: u32, data: *mut u8, len: usize, count: *mut u64) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_READ,
            [u64::from(obj), p(data), n(len), p(count), 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_obj_write`: writes `len` bytes at the data position.
///
/// # Safety
///
/// `data` readable for `len` bytes.
pub unsafe fn utee_storage_obj_write(obj: u32, data: *const u8, len: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_WRITE,
            [u64::from(obj), p(data), n(len), 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_obj_trunc`: sets the data stream's size.
pub fn utee_storage_obj_trunc(obj: u32, len: usize) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_TRUNC,
            [u64::from(obj), n(len), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_obj_seek`: moves the data position (`TEE_DATA_SEEK_*` `whence`).
pub fn utee_storage_obj_seek(obj: u32, offset: i32, whence: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_SEEK,
            // The kernel reads the offset as a 32-bit signed value.
            [
                u64::from(obj),
                offset as u32 as u64,
                u64::from(whence),
                0,
                0,
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_storage_obj_del`: deletes the object and closes its handle.
pub fn utee_storage_obj_del(obj: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_DEL,
            [u64::from(obj), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_obj_get_info`: the object's `utee_object_info`.
///
/// # Safety
///
/// `info` writable.
pub unsafe fn utee_cryp_obj_get_info(obj: u32, info: *mut UteeObjectInfo) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_GET_INFO,
            [u64::from(obj), p(info), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_obj_close`: closes an object handle.
pub fn utee_cryp_obj_close(obj: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_CLOSE,
            [u64::from(obj), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_get_property_name_to_index`: index of property `name` (`name_len`
/// bytes, the last of which the kernel treats as the terminator) in `prop_set`.
///
/// # Safety
///
/// `name` readable for `name_len` bytes, `index` writable.
pub unsafe fn utee_get_property_name_to_index(
    prop_set: u32,
    name: *const u8,
    name_len: usize,
    index: *mut u32,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_GET_PROPERTY_NAME_TO_INDEX,
            [
                u64::from(prop_set),
                p(name),
                n(name_len),
                p(index),
                0,
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_get_property`: the value of property `index` of `prop_set` into `buf`
/// (`*blen` in: capacity, out: size) and its `USER_TA_PROP_TYPE_*`; the name is
/// not asked for.
///
/// # Safety
///
/// `buf` writable for `*blen` bytes, `blen` and `prop_type` writable.
pub unsafe fn utee_get_property(
    prop_set: u32,
    index: u32,
    buf: *mut u8,
    blen: *mut u32,
    prop_type: *mut u32,
) -> u32 {
    // SAFETY: forwarded from the caller; null name and name length skip the name.
    unsafe {
        syscall(
            TEE_SCN_GET_PROPERTY,
            [
                u64::from(prop_set),
                u64::from(index),
                0,
                0,
                p(buf),
                p(blen),
                p(prop_type),
                0,
            ],
        )
    }
}

/// `_utee_storage_alloc_enum`: a new persistent-object enumerator.
///
/// # Safety
///
/// `obj_enum` writable.
pub unsafe fn utee_storage_alloc_enum(obj_enum: *mut u32) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_ENUM_ALLOC,
            [p(obj_enum), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_free_enum`: frees an enumerator.
pub fn utee_storage_free_enum(obj_enum: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_ENUM_FREE,
            [u64::from(obj_enum), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_start_enum`: (re)starts an enumeration of `storage_id`.
pub fn utee_storage_start_enum(obj_enum: u32, storage_id: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_ENUM_START,
            [u64::from(obj_enum), u64::from(storage_id), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_next_enum`: the next object's info and id (`*len` in:
/// capacity of `obj_id`, out: the id's length).
///
/// # Safety
///
/// `info` writable, `obj_id` writable for `*len` bytes, `len` writable.
pub unsafe fn utee_storage_next_enum(
    obj_enum: u32,
    info: *mut UteeObjectInfo,
    obj_id: *mut u8,
    len: *mut u64,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_ENUM_NEXT,
            [u64::from(obj_enum), p(info), p(obj_id), p(len), 0, 0, 0, 0],
        )
    }
}

/// `_utee_storage_obj_rename`: gives the object (opened with
/// `ACCESS_WRITE_META`) the id `new_id`, which must not exist.
///
/// # Safety
///
/// `new_id` readable for `len` bytes.
pub unsafe fn utee_storage_obj_rename(obj: u32, new_id: *const u8, len: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_STORAGE_OBJ_RENAME,
            [u64::from(obj), p(new_id), n(len), 0, 0, 0, 0, 0],
        )
    }
}
