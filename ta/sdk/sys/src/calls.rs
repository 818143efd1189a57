//! One `unsafe` wrapper per system call the SDK uses, named after libutee's stub
//! (`_utee_log` → [`utee_log`]). Arguments keep the kernel's widths; lengths are
//! `usize`, results are `TEE_Result` (`u32`).

use supplicant_proto::tee_syscall::{
    TeeTime, UteeAttribute, UteeObjectInfo, TEE_SCN_ASYMM_OPERATE, TEE_SCN_ASYMM_VERIFY,
    TEE_SCN_AUTHENC_DEC_FINAL, TEE_SCN_AUTHENC_ENC_FINAL, TEE_SCN_AUTHENC_INIT,
    TEE_SCN_AUTHENC_UPDATE_AAD, TEE_SCN_AUTHENC_UPDATE_PAYLOAD, TEE_SCN_CHECK_ACCESS_RIGHTS,
    TEE_SCN_CIPHER_FINAL, TEE_SCN_CIPHER_INIT, TEE_SCN_CIPHER_UPDATE, TEE_SCN_CRYP_DERIVE_KEY,
    TEE_SCN_CRYP_OBJ_ALLOC, TEE_SCN_CRYP_OBJ_CLOSE, TEE_SCN_CRYP_OBJ_COPY,
    TEE_SCN_CRYP_OBJ_GENERATE_KEY, TEE_SCN_CRYP_OBJ_GET_ATTR, TEE_SCN_CRYP_OBJ_GET_INFO,
    TEE_SCN_CRYP_OBJ_POPULATE, TEE_SCN_CRYP_OBJ_RESET, TEE_SCN_CRYP_OBJ_RESTRICT_USAGE,
    TEE_SCN_CRYP_RANDOM_NUMBER_GENERATE, TEE_SCN_CRYP_STATE_ALLOC, TEE_SCN_CRYP_STATE_COPY,
    TEE_SCN_CRYP_STATE_FREE, TEE_SCN_GET_PROPERTY, TEE_SCN_GET_PROPERTY_NAME_TO_INDEX,
    TEE_SCN_GET_TIME, TEE_SCN_HASH_FINAL, TEE_SCN_HASH_INIT, TEE_SCN_HASH_UPDATE, TEE_SCN_LOG,
    TEE_SCN_PANIC, TEE_SCN_RETURN, TEE_SCN_STORAGE_ENUM_ALLOC, TEE_SCN_STORAGE_ENUM_FREE,
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

// --- Cryptography (GP Internal Core API chapter 6). Handles are the kernel's
// per-instance object and state numbers; every `*_len` pointer is a `u64`
// that carries the buffer's capacity in and the produced size out. ---

/// `_utee_cryp_obj_restrict_usage`: clears `TEE_USAGE_*` bits not in `usage`.
pub fn utee_cryp_obj_restrict_usage(obj: u32, usage: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_RESTRICT_USAGE,
            [u64::from(obj), u64::from(usage), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_obj_get_attr`: attribute `attr_id` of the object into `buf`
/// (`*size` in: capacity, out: size). A value attribute is two `u32`
/// (a, b), 8 bytes.
///
/// # Safety
///
/// `buf` writable for `*size` bytes, `size` writable.
pub unsafe fn utee_cryp_obj_get_attr(obj: u32, attr_id: u32, buf: *mut u8, size: *mut u64) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_GET_ATTR,
            [
                u64::from(obj),
                u64::from(attr_id),
                p(buf),
                p(size),
                0,
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_cryp_obj_alloc`: a transient object of `TEE_TYPE_*` `obj_type`
/// holding keys up to `max_size` bits.
///
/// # Safety
///
/// `obj` writable.
pub unsafe fn utee_cryp_obj_alloc(obj_type: u32, max_size: u32, obj: *mut u32) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_ALLOC,
            [
                u64::from(obj_type),
                u64::from(max_size),
                p(obj),
                0,
                0,
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_cryp_obj_reset`: empties a transient object (back to uninitialized).
pub fn utee_cryp_obj_reset(obj: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_RESET,
            [u64::from(obj), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_obj_populate`: fills an uninitialized transient object from
/// `count` attributes.
///
/// # Safety
///
/// `attrs` readable for `count` entries, each buffer attribute's (a, b)
/// readable for b bytes.
pub unsafe fn utee_cryp_obj_populate(obj: u32, attrs: *const UteeAttribute, count: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_POPULATE,
            [u64::from(obj), p(attrs), n(count), 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_obj_copy`: copies the attributes of `src` into the
/// uninitialized transient object `dst`.
pub fn utee_cryp_obj_copy(dst: u32, src: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_COPY,
            [u64::from(dst), u64::from(src), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_obj_generate_key`: a fresh `key_size`-bit key in the
/// uninitialized transient object, with `count` parameters (e.g. the ECC
/// curve, an RSA public exponent).
///
/// # Safety
///
/// As [`utee_cryp_obj_populate`].
pub unsafe fn utee_cryp_obj_generate_key(
    obj: u32,
    key_size: u32,
    params: *const UteeAttribute,
    count: usize,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_OBJ_GENERATE_KEY,
            [
                u64::from(obj),
                u64::from(key_size),
                p(params),
                n(count),
                0,
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_cryp_state_alloc`: an operation state for `TEE_ALG_*` `algo` in
/// `TEE_MODE_*` `mode` with key objects `key1`, `key2` (0: none). The
/// kernel marks the key objects busy until the state is freed, which closes
/// them.
///
/// # Safety
///
/// `state` writable.
pub unsafe fn utee_cryp_state_alloc(
    algo: u32,
    mode: u32,
    key1: u32,
    key2: u32,
    state: *mut u32,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_STATE_ALLOC,
            [
                u64::from(algo),
                u64::from(mode),
                u64::from(key1),
                u64::from(key2),
                p(state),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_cryp_state_copy`: copies operation state `src` into `dst`.
pub fn utee_cryp_state_copy(dst: u32, src: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_CRYP_STATE_COPY,
            [u64::from(dst), u64::from(src), 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cryp_state_free`: frees an operation state and its key objects.
pub fn utee_cryp_state_free(state: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_CRYP_STATE_FREE,
            [u64::from(state), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_hash_init`: (re)starts a digest or MAC state (a MAC takes its key
/// here). `iv` is unused by the algorithms the core offers; libutee passes
/// none.
///
/// # Safety
///
/// `iv` readable for `iv_len` bytes.
pub unsafe fn utee_hash_init(state: u32, iv: *const u8, iv_len: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_HASH_INIT,
            [u64::from(state), p(iv), n(iv_len), 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_hash_update`: feeds `len` bytes to a digest or MAC.
///
/// # Safety
///
/// `chunk` readable for `len` bytes.
pub unsafe fn utee_hash_update(state: u32, chunk: *const u8, len: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_HASH_UPDATE,
            [u64::from(state), p(chunk), n(len), 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_hash_final`: feeds the last `len` bytes and writes the digest or
/// MAC to `out` (`*out_len` in: capacity, out: size).
///
/// # Safety
///
/// `chunk` readable for `len` bytes, `out` writable for `*out_len` bytes,
/// `out_len` writable.
pub unsafe fn utee_hash_final(
    state: u32,
    chunk: *const u8,
    len: usize,
    out: *mut u8,
    out_len: *mut u64,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_HASH_FINAL,
            [
                u64::from(state),
                p(chunk),
                n(len),
                p(out),
                p(out_len),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_cipher_init`: starts a cipher (or cipher-based MAC) with the IV.
///
/// # Safety
///
/// `iv` readable for `iv_len` bytes.
pub unsafe fn utee_cipher_init(state: u32, iv: *const u8, iv_len: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CIPHER_INIT,
            [u64::from(state), p(iv), n(iv_len), 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_cipher_update`: transforms `src`; block modes take whole blocks
/// only (libutee buffers the rest).
///
/// # Safety
///
/// `src` readable for `src_len` bytes, `dst` writable for `*dst_len` bytes,
/// `dst_len` writable.
pub unsafe fn utee_cipher_update(
    state: u32,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_len: *mut u64,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CIPHER_UPDATE,
            [
                u64::from(state),
                p(src),
                n(src_len),
                p(dst),
                p(dst_len),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_cipher_final`: the last part of a cipher operation.
///
/// # Safety
///
/// As [`utee_cipher_update`].
pub unsafe fn utee_cipher_final(
    state: u32,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_len: *mut u64,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CIPHER_FINAL,
            [
                u64::from(state),
                p(src),
                n(src_len),
                p(dst),
                p(dst_len),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_authenc_init`: starts an AE operation with the nonce, the tag
/// length in bits, and (CCM) the AAD and payload lengths in bytes.
///
/// # Safety
///
/// `nonce` readable for `nonce_len` bytes.
pub unsafe fn utee_authenc_init(
    state: u32,
    nonce: *const u8,
    nonce_len: usize,
    tag_len_bits: usize,
    aad_len: usize,
    payload_len: usize,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_AUTHENC_INIT,
            [
                u64::from(state),
                p(nonce),
                n(nonce_len),
                n(tag_len_bits),
                n(aad_len),
                n(payload_len),
                0,
                0,
            ],
        )
    }
}

/// `_utee_authenc_update_aad`: feeds additional authenticated data.
///
/// # Safety
///
/// `aad` readable for `len` bytes.
pub unsafe fn utee_authenc_update_aad(state: u32, aad: *const u8, len: usize) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_AUTHENC_UPDATE_AAD,
            [u64::from(state), p(aad), n(len), 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_authenc_update_payload`: encrypts or decrypts a part of the payload.
///
/// # Safety
///
/// As [`utee_cipher_update`].
pub unsafe fn utee_authenc_update_payload(
    state: u32,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_len: *mut u64,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_AUTHENC_UPDATE_PAYLOAD,
            [
                u64::from(state),
                p(src),
                n(src_len),
                p(dst),
                p(dst_len),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_authenc_enc_final`: the last payload part, then the tag into `tag`
/// (`*tag_len` in: capacity, out: size, in bytes).
///
/// # Safety
///
/// As [`utee_cipher_update`]; `tag` writable for `*tag_len` bytes, `tag_len`
/// writable.
#[allow(clippy::too_many_arguments)] // the kernel's seven arguments
pub unsafe fn utee_authenc_enc_final(
    state: u32,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_len: *mut u64,
    tag: *mut u8,
    tag_len: *mut u64,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_AUTHENC_ENC_FINAL,
            [
                u64::from(state),
                p(src),
                n(src_len),
                p(dst),
                p(dst_len),
                p(tag),
                p(tag_len),
                0,
            ],
        )
    }
}

/// `_utee_authenc_dec_final`: the last payload part, checked against `tag`
/// (`TEE_ERROR_MAC_INVALID` on mismatch).
///
/// # Safety
///
/// As [`utee_cipher_update`]; `tag` readable for `tag_len` bytes.
#[allow(clippy::too_many_arguments)] // the kernel's seven arguments
pub unsafe fn utee_authenc_dec_final(
    state: u32,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_len: *mut u64,
    tag: *const u8,
    tag_len: usize,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_AUTHENC_DEC_FINAL,
            [
                u64::from(state),
                p(src),
                n(src_len),
                p(dst),
                p(dst_len),
                p(tag),
                n(tag_len),
                0,
            ],
        )
    }
}

/// `_utee_asymm_operate`: asymmetric encrypt, decrypt or sign (the mode the
/// state was allocated with) of `src` into `dst`, with `count` parameters
/// (e.g. OAEP label, PSS salt length).
///
/// # Safety
///
/// `params` as [`utee_cryp_obj_populate`]; `src` readable for `src_len`
/// bytes, `dst` writable for `*dst_len` bytes, `dst_len` writable.
#[allow(clippy::too_many_arguments)] // the kernel's seven arguments
pub unsafe fn utee_asymm_operate(
    state: u32,
    params: *const UteeAttribute,
    count: usize,
    src: *const u8,
    src_len: usize,
    dst: *mut u8,
    dst_len: *mut u64,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_ASYMM_OPERATE,
            [
                u64::from(state),
                p(params),
                n(count),
                p(src),
                n(src_len),
                p(dst),
                p(dst_len),
                0,
            ],
        )
    }
}

/// `_utee_asymm_verify`: checks signature `sig` over `data` (a digest, or
/// the message for EdDSA); `TEE_ERROR_SIGNATURE_INVALID` on mismatch.
///
/// # Safety
///
/// `params` as [`utee_cryp_obj_populate`]; `data` readable for `data_len`
/// bytes, `sig` for `sig_len` bytes.
#[allow(clippy::too_many_arguments)] // the kernel's seven arguments
pub unsafe fn utee_asymm_verify(
    state: u32,
    params: *const UteeAttribute,
    count: usize,
    data: *const u8,
    data_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_ASYMM_VERIFY,
            [
                u64::from(state),
                p(params),
                n(count),
                p(data),
                n(data_len),
                p(sig),
                n(sig_len),
                0,
            ],
        )
    }
}

/// `_utee_cryp_derive_key`: derives into the uninitialized transient object
/// `derived` (ECDH, X25519, DH, HKDF, ...) with `count` parameters (e.g. the
/// peer's public value).
///
/// # Safety
///
/// `params` as [`utee_cryp_obj_populate`].
pub unsafe fn utee_cryp_derive_key(
    state: u32,
    params: *const UteeAttribute,
    count: usize,
    derived: u32,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_CRYP_DERIVE_KEY,
            [
                u64::from(state),
                p(params),
                n(count),
                u64::from(derived),
                0,
                0,
                0,
                0,
            ],
        )
    }
}
