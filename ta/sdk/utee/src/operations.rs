//! Cryptographic operations (GP Internal Core API §6): an operation handle
//! is a heap block holding the operation's info, the kernel's crypto state
//! and the transient key objects the operation owns (keys set with
//! `TEE_SetOperationKey` are copied into them, as GP requires).
//! Digest, cipher, MAC, AE, asymmetric and key derivation map one to one
//! onto the crypto system calls; the data is handed to the kernel as it
//! comes (no block buffering in the library).

use core::ffi::c_void;

use supplicant_proto::tee_crypto::{
    tee_alg_get_class, tee_alg_get_key_type, tee_alg_get_main_alg, TEE_ALG_AES_XTS,
    TEE_ALG_SM4_XTS, TEE_HANDLE_FLAG_EXPECT_TWO_KEYS, TEE_HANDLE_FLAG_INITIALIZED,
    TEE_HANDLE_FLAG_KEY_SET, TEE_MAIN_ALGO_MD5, TEE_MAIN_ALGO_SHA1, TEE_MAIN_ALGO_SHA224,
    TEE_MAIN_ALGO_SHA256, TEE_MAIN_ALGO_SHA384, TEE_MAIN_ALGO_SHA512, TEE_MAIN_ALGO_SM3,
    TEE_MODE_DECRYPT, TEE_MODE_DERIVE, TEE_MODE_DIGEST, TEE_MODE_ENCRYPT, TEE_MODE_MAC,
    TEE_MODE_SIGN, TEE_MODE_VERIFY, TEE_OPERATION_AE, TEE_OPERATION_ASYMMETRIC_CIPHER,
    TEE_OPERATION_ASYMMETRIC_SIGNATURE, TEE_OPERATION_CIPHER, TEE_OPERATION_DIGEST,
    TEE_OPERATION_KEY_DERIVATION, TEE_OPERATION_MAC, TEE_USAGE_DECRYPT, TEE_USAGE_DERIVE,
    TEE_USAGE_ENCRYPT, TEE_USAGE_MAC, TEE_USAGE_SIGN, TEE_USAGE_VERIFY,
};
use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE, TEE_ERROR_MAC_INVALID, TEE_ERROR_NOT_SUPPORTED,
    TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_SHORT_BUFFER, TEE_ERROR_SIGNATURE_INVALID,
};

use crate::objects::{TeeAttribute, UteeAttrs};
use crate::panic::{allow, tee_panic};
use crate::storage::handle;
use crate::types::TeeResult;

/// `TEE_OperationInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TeeOperationInfo {
    /// `algorithm`.
    pub algorithm: u32,
    /// `operationClass`.
    pub operation_class: u32,
    /// `mode`.
    pub mode: u32,
    /// `digestLength`.
    pub digest_length: u32,
    /// `maxKeySize`.
    pub max_key_size: u32,
    /// `keySize`.
    pub key_size: u32,
    /// `requiredKeyUsage`.
    pub required_key_usage: u32,
    /// `handleState`.
    pub handle_state: u32,
}

/// What an operation handle points at.
struct Operation {
    info: TeeOperationInfo,
    state: u32,
    key1: u32,
    key2: u32,
}

/// Digest size of a hash main algorithm (0: not a hash this library knows).
fn hash_size(main: u32) -> u32 {
    match main {
        TEE_MAIN_ALGO_MD5 => 16,
        TEE_MAIN_ALGO_SHA1 => 20,
        TEE_MAIN_ALGO_SHA224 => 28,
        TEE_MAIN_ALGO_SHA256 | TEE_MAIN_ALGO_SM3 => 32,
        TEE_MAIN_ALGO_SHA384 => 48,
        TEE_MAIN_ALGO_SHA512 => 64,
        _ => 0,
    }
}

/// The class and the key usage an (algorithm, mode) pair needs, or `None`
/// if the mode does not fit the class.
pub fn class_and_usage(algorithm: u32, mode: u32) -> Option<(u32, u32)> {
    let class = tee_alg_get_class(algorithm);
    let usage = match (class, mode) {
        (TEE_OPERATION_DIGEST, TEE_MODE_DIGEST) => 0,
        (TEE_OPERATION_MAC, TEE_MODE_MAC) => TEE_USAGE_MAC,
        (
            TEE_OPERATION_CIPHER | TEE_OPERATION_AE | TEE_OPERATION_ASYMMETRIC_CIPHER,
            TEE_MODE_ENCRYPT,
        ) => TEE_USAGE_ENCRYPT,
        (
            TEE_OPERATION_CIPHER | TEE_OPERATION_AE | TEE_OPERATION_ASYMMETRIC_CIPHER,
            TEE_MODE_DECRYPT,
        ) => TEE_USAGE_DECRYPT,
        (TEE_OPERATION_ASYMMETRIC_SIGNATURE, TEE_MODE_SIGN) => TEE_USAGE_SIGN,
        (TEE_OPERATION_ASYMMETRIC_SIGNATURE, TEE_MODE_VERIFY) => TEE_USAGE_VERIFY,
        (TEE_OPERATION_KEY_DERIVATION, TEE_MODE_DERIVE) => TEE_USAGE_DERIVE,
        _ => return None,
    };
    Some((class, usage))
}

/// The operation behind a handle; a null handle panics the TA.
///
/// # Safety
///
/// `h` is null or a handle `TEE_AllocateOperation` returned and not freed
/// (GP: any other value is a programming error of the TA), and no other
/// reference to it is live (a TA runs one entry at a time).
unsafe fn op<'a>(h: *mut c_void) -> &'a mut Operation {
    if h.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: forwarded from the caller.
    unsafe { &mut *h.cast::<Operation>() }
}

fn close_keys(o: &Operation) {
    for k in [o.key1, o.key2] {
        if k != 0 {
            oxtee_ta_sys::utee_cryp_obj_close(k);
        }
    }
}

/// `TEE_AllocateOperation(operation, algorithm, mode, maxKeySize)`.
///
/// # Safety
///
/// `operation` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AllocateOperation(
    operation: *mut *mut c_void,
    algorithm: u32,
    mode: u32,
    max_key_size: u32,
) -> TeeResult {
    if operation.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: `operation` is writable.
    unsafe { *operation = core::ptr::null_mut() };
    let Some((class, usage)) = class_and_usage(algorithm, mode) else {
        return TEE_ERROR_NOT_SUPPORTED;
    };
    let two_keys = algorithm == TEE_ALG_AES_XTS || algorithm == TEE_ALG_SM4_XTS;
    let mut o = Operation {
        info: TeeOperationInfo {
            algorithm,
            operation_class: class,
            mode,
            digest_length: 0,
            max_key_size,
            key_size: 0,
            required_key_usage: usage,
            handle_state: if two_keys {
                TEE_HANDLE_FLAG_EXPECT_TWO_KEYS
            } else {
                0
            },
        },
        state: 0,
        key1: 0,
        key2: 0,
    };
    let main = tee_alg_get_main_alg(algorithm);
    o.info.digest_length = match class {
        TEE_OPERATION_DIGEST => hash_size(main),
        TEE_OPERATION_MAC => match hash_size(main) {
            0 => 16, // CMAC and CBC-MAC of AES and SM4: one block
            n => n,
        },
        _ => 0,
    };
    if class != TEE_OPERATION_DIGEST {
        // The key pair type for private-key modes and for derivation.
        let private = matches!(mode, TEE_MODE_DECRYPT | TEE_MODE_SIGN | TEE_MODE_DERIVE)
            && matches!(
                class,
                TEE_OPERATION_ASYMMETRIC_CIPHER
                    | TEE_OPERATION_ASYMMETRIC_SIGNATURE
                    | TEE_OPERATION_KEY_DERIVATION
            );
        let key_type = tee_alg_get_key_type(algorithm, private);
        for slot in 0..if two_keys { 2 } else { 1 } {
            let mut h = 0u32;
            // SAFETY: `h` is writable.
            let r = unsafe { oxtee_ta_sys::utee_cryp_obj_alloc(key_type, max_key_size, &mut h) };
            if r != 0 {
                close_keys(&o);
                return allow(r, &[TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_NOT_SUPPORTED]);
            }
            if slot == 0 {
                o.key1 = h;
            } else {
                o.key2 = h;
            }
        }
    }
    // SAFETY: `o.state` is writable.
    let r = unsafe {
        oxtee_ta_sys::utee_cryp_state_alloc(algorithm, mode, o.key1, o.key2, &mut o.state)
    };
    if r != 0 {
        close_keys(&o);
        return allow(r, &[TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_NOT_SUPPORTED]);
    }
    if class == TEE_OPERATION_DIGEST {
        // SAFETY: no IV.
        allow(
            unsafe { oxtee_ta_sys::utee_hash_init(o.state, core::ptr::null(), 0) },
            &[],
        );
        o.info.handle_state |= TEE_HANDLE_FLAG_INITIALIZED;
    }
    let block = crate::heap::alloc(core::mem::size_of::<Operation>()).cast::<Operation>();
    if block.is_null() {
        oxtee_ta_sys::utee_cryp_state_free(o.state);
        close_keys(&o);
        return TEE_ERROR_OUT_OF_MEMORY;
    }
    // SAFETY: the block is fresh, 16-byte aligned and large enough.
    unsafe {
        block.write(o);
        *operation = block.cast();
    }
    0
}

/// `TEE_FreeOperation(operation)` (null: nothing).
///
/// # Safety
///
/// `operation` null or a live operation handle.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_FreeOperation(operation: *mut c_void) {
    if operation.is_null() {
        return;
    }
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    oxtee_ta_sys::utee_cryp_state_free(o.state);
    close_keys(o);
    // SAFETY: the block came from TEE_AllocateOperation; no reference outlives this.
    unsafe { crate::heap::free(operation) };
}

/// `TEE_GetOperationInfo(operation, operationInfo)`.
///
/// # Safety
///
/// `info` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetOperationInfo(operation: *mut c_void, info: *mut TeeOperationInfo) {
    if info.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: `info` is writable; the caller passes an operation handle (see `op`).
    unsafe { *info = op(operation).info };
}

/// `TEE_ResetOperation(operation)`: back to the state after setting the key.
///
/// # Safety
///
/// `operation` a live operation handle.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_ResetOperation(operation: *mut c_void) {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    if o.info.operation_class == TEE_OPERATION_DIGEST {
        // SAFETY: no IV.
        allow(
            unsafe { oxtee_ta_sys::utee_hash_init(o.state, core::ptr::null(), 0) },
            &[],
        );
    } else {
        o.info.handle_state &= !TEE_HANDLE_FLAG_INITIALIZED;
    }
}

fn set_key(o: &mut Operation, slot: u32, key: *mut c_void) -> TeeResult {
    if key.is_null() {
        // GP: a null key clears the operation's key.
        allow(oxtee_ta_sys::utee_cryp_obj_reset(slot), &[]);
        o.info.key_size = 0;
        o.info.handle_state &= !TEE_HANDLE_FLAG_KEY_SET;
        return 0;
    }
    let mut info = supplicant_proto::tee_syscall::UteeObjectInfo::default();
    // SAFETY: `info` is writable.
    allow(
        unsafe { oxtee_ta_sys::utee_cryp_obj_get_info(handle(key), &mut info) },
        &[],
    );
    if info.obj_usage & o.info.required_key_usage != o.info.required_key_usage
        || info.obj_size > o.info.max_key_size
    {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    allow(oxtee_ta_sys::utee_cryp_obj_reset(slot), &[]);
    allow(oxtee_ta_sys::utee_cryp_obj_copy(slot, handle(key)), &[]);
    o.info.key_size = info.obj_size;
    o.info.handle_state |= TEE_HANDLE_FLAG_KEY_SET;
    o.info.handle_state &= !TEE_HANDLE_FLAG_INITIALIZED;
    0
}

/// `TEE_SetOperationKey(operation, key)`.
///
/// # Safety
///
/// `operation` a live operation handle.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_SetOperationKey(
    operation: *mut c_void,
    key: *mut c_void,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    if o.key1 == 0 || o.key2 != 0 {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let k = o.key1;
    set_key(o, k, key)
}

/// `TEE_SetOperationKey2(operation, key1, key2)` (XTS).
///
/// # Safety
///
/// `operation` a live operation handle.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_SetOperationKey2(
    operation: *mut c_void,
    key1: *mut c_void,
    key2: *mut c_void,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    if o.key2 == 0 {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let (k1, k2) = (o.key1, o.key2);
    let r = set_key(o, k1, key1);
    if r != 0 {
        return r;
    }
    set_key(o, k2, key2)
}

/// `TEE_CopyOperation(dstOperation, srcOperation)`.
///
/// # Safety
///
/// Both live operation handles.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_CopyOperation(dst: *mut c_void, src: *mut c_void) {
    // SAFETY: the caller passes two operation handles (see `op`).
    let (d, s) = unsafe { (op(dst), op(src)) };
    if d.info.algorithm != s.info.algorithm || d.info.mode != s.info.mode {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    for (dk, sk) in [(d.key1, s.key1), (d.key2, s.key2)] {
        if dk != 0 && sk != 0 {
            allow(oxtee_ta_sys::utee_cryp_obj_reset(dk), &[]);
            allow(oxtee_ta_sys::utee_cryp_obj_copy(dk, sk), &[]);
        }
    }
    allow(oxtee_ta_sys::utee_cryp_state_copy(d.state, s.state), &[]);
    d.info = s.info;
}

fn need(o: &Operation, class: u32, initialized: bool) {
    let init = o.info.handle_state & TEE_HANDLE_FLAG_INITIALIZED != 0;
    if o.info.operation_class != class || init != initialized {
        tee_panic(TEE_ERROR_BAD_STATE);
    }
}

/// Runs a call with an in/out `size_t *` length through the kernel's `u64`.
///
/// # Safety
///
/// `len` writable.
unsafe fn with_len(len: *mut usize, f: impl FnOnce(*mut u64) -> TeeResult) -> TeeResult {
    if len.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: forwarded from the caller.
    let mut n = unsafe { *len } as u64;
    let r = f(&mut n);
    // SAFETY: forwarded from the caller.
    unsafe { *len = n as usize };
    r
}

/// `TEE_DigestUpdate(operation, chunk, chunkSize)`.
///
/// # Safety
///
/// `chunk` readable for `size` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_DigestUpdate(
    operation: *mut c_void,
    chunk: *const c_void,
    size: usize,
) {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_DIGEST, true);
    // SAFETY: forwarded from the caller.
    allow(
        unsafe { oxtee_ta_sys::utee_hash_update(o.state, chunk.cast(), size) },
        &[],
    );
}

/// `TEE_DigestDoFinal(operation, chunk, chunkLen, hash, hashLen)`; the
/// operation starts over afterwards.
///
/// # Safety
///
/// `chunk` readable for `len` bytes, `hash` writable for `*hash_len`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_DigestDoFinal(
    operation: *mut c_void,
    chunk: *const c_void,
    len: usize,
    hash: *mut c_void,
    hash_len: *mut usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_DIGEST, true);
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        with_len(hash_len, |n| {
            oxtee_ta_sys::utee_hash_final(o.state, chunk.cast(), len, hash.cast(), n)
        })
    };
    if r == 0 {
        // SAFETY: no IV.
        allow(
            unsafe { oxtee_ta_sys::utee_hash_init(o.state, core::ptr::null(), 0) },
            &[],
        );
    }
    allow(r, &[TEE_ERROR_SHORT_BUFFER])
}

/// `TEE_CipherInit(operation, IV, IVLen)`.
///
/// # Safety
///
/// `iv` readable for `iv_len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_CipherInit(operation: *mut c_void, iv: *const c_void, iv_len: usize) {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    if o.info.operation_class != TEE_OPERATION_CIPHER
        || o.info.handle_state & TEE_HANDLE_FLAG_KEY_SET == 0
    {
        tee_panic(TEE_ERROR_BAD_STATE);
    }
    // SAFETY: forwarded from the caller.
    allow(
        unsafe { oxtee_ta_sys::utee_cipher_init(o.state, iv.cast(), iv_len) },
        &[],
    );
    o.info.handle_state |= TEE_HANDLE_FLAG_INITIALIZED;
}

/// `TEE_CipherUpdate(operation, srcData, srcLen, destData, destLen)`.
///
/// # Safety
///
/// `src` readable for `src_len`, `dst` writable for `*dst_len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_CipherUpdate(
    operation: *mut c_void,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_CIPHER, true);
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        with_len(dst_len, |n| {
            oxtee_ta_sys::utee_cipher_update(o.state, src.cast(), src_len, dst.cast(), n)
        })
    };
    allow(r, &[TEE_ERROR_SHORT_BUFFER])
}

/// `TEE_CipherDoFinal(operation, srcData, srcLen, destData, destLen)`.
///
/// # Safety
///
/// As for [`TEE_CipherUpdate`].
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_CipherDoFinal(
    operation: *mut c_void,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_CIPHER, true);
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        with_len(dst_len, |n| {
            oxtee_ta_sys::utee_cipher_final(o.state, src.cast(), src_len, dst.cast(), n)
        })
    };
    if r == 0 {
        o.info.handle_state &= !TEE_HANDLE_FLAG_INITIALIZED;
    }
    allow(r, &[TEE_ERROR_SHORT_BUFFER])
}

/// `TEE_MACInit(operation, IV, IVLen)`.
///
/// # Safety
///
/// `iv` readable for `iv_len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_MACInit(operation: *mut c_void, iv: *const c_void, iv_len: usize) {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    if o.info.operation_class != TEE_OPERATION_MAC
        || o.info.handle_state & TEE_HANDLE_FLAG_KEY_SET == 0
    {
        tee_panic(TEE_ERROR_BAD_STATE);
    }
    // SAFETY: forwarded from the caller.
    allow(
        unsafe { oxtee_ta_sys::utee_hash_init(o.state, iv.cast(), iv_len) },
        &[],
    );
    o.info.handle_state |= TEE_HANDLE_FLAG_INITIALIZED;
}

/// `TEE_MACUpdate(operation, chunk, chunkSize)`.
///
/// # Safety
///
/// `chunk` readable for `size` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_MACUpdate(operation: *mut c_void, chunk: *const c_void, size: usize) {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_MAC, true);
    // SAFETY: forwarded from the caller.
    allow(
        unsafe { oxtee_ta_sys::utee_hash_update(o.state, chunk.cast(), size) },
        &[],
    );
}

/// `TEE_MACComputeFinal(operation, message, messageLen, mac, macLen)`.
///
/// # Safety
///
/// `msg` readable for `len` bytes, `mac` writable for `*mac_len`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_MACComputeFinal(
    operation: *mut c_void,
    msg: *const c_void,
    len: usize,
    mac: *mut c_void,
    mac_len: *mut usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_MAC, true);
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        with_len(mac_len, |n| {
            oxtee_ta_sys::utee_hash_final(o.state, msg.cast(), len, mac.cast(), n)
        })
    };
    if r == 0 {
        o.info.handle_state &= !TEE_HANDLE_FLAG_INITIALIZED;
    }
    allow(r, &[TEE_ERROR_SHORT_BUFFER])
}

/// `TEE_MACCompareFinal(operation, message, messageLen, mac, macLen)`:
/// `TEE_ERROR_MAC_INVALID` unless the MAC matches (compared in constant time).
///
/// # Safety
///
/// `msg` readable for `len` bytes, `mac` for `mac_len`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_MACCompareFinal(
    operation: *mut c_void,
    msg: *const c_void,
    len: usize,
    mac: *const c_void,
    mac_len: usize,
) -> TeeResult {
    let mut computed = [0u8; 64];
    let mut n = computed.len();
    // SAFETY: forwarded; `computed` has `n` writable bytes.
    let r =
        unsafe { TEE_MACComputeFinal(operation, msg, len, computed.as_mut_ptr().cast(), &mut n) };
    if r != 0 {
        return r;
    }
    if mac.is_null() || mac_len != n {
        return TEE_ERROR_MAC_INVALID;
    }
    let mut diff = 0u8;
    for (i, c) in computed[..n].iter().enumerate() {
        // SAFETY: `i < n == mac_len`.
        diff |= c ^ unsafe { *mac.cast::<u8>().add(i) };
    }
    if diff == 0 {
        0
    } else {
        TEE_ERROR_MAC_INVALID
    }
}

/// `TEE_AEInit(operation, nonce, nonceLen, tagLen, AADLen, payloadLen)`;
/// `tagLen` in bits, as GP says (the system call takes bytes).
///
/// # Safety
///
/// `nonce` readable for `nonce_len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AEInit(
    operation: *mut c_void,
    nonce: *const c_void,
    nonce_len: usize,
    tag_len: u32,
    aad_len: usize,
    payload_len: usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    if o.info.operation_class != TEE_OPERATION_AE
        || o.info.handle_state & TEE_HANDLE_FLAG_KEY_SET == 0
    {
        tee_panic(TEE_ERROR_BAD_STATE);
    }
    if tag_len % 8 != 0 {
        return TEE_ERROR_NOT_SUPPORTED;
    }
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        oxtee_ta_sys::utee_authenc_init(
            o.state,
            nonce.cast(),
            nonce_len,
            (tag_len / 8) as usize,
            aad_len,
            payload_len,
        )
    };
    if r == 0 {
        o.info.handle_state |= TEE_HANDLE_FLAG_INITIALIZED;
    }
    allow(r, &[TEE_ERROR_NOT_SUPPORTED])
}

/// `TEE_AEUpdateAAD(operation, AADdata, AADdataLen)`.
///
/// # Safety
///
/// `aad` readable for `len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AEUpdateAAD(operation: *mut c_void, aad: *const c_void, len: usize) {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_AE, true);
    // SAFETY: forwarded from the caller.
    allow(
        unsafe { oxtee_ta_sys::utee_authenc_update_aad(o.state, aad.cast(), len) },
        &[],
    );
}

/// `TEE_AEUpdate(operation, srcData, srcLen, destData, destLen)`.
///
/// # Safety
///
/// `src` readable for `src_len`, `dst` writable for `*dst_len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AEUpdate(
    operation: *mut c_void,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_AE, true);
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        with_len(dst_len, |n| {
            oxtee_ta_sys::utee_authenc_update_payload(o.state, src.cast(), src_len, dst.cast(), n)
        })
    };
    allow(r, &[TEE_ERROR_SHORT_BUFFER])
}

/// `TEE_AEEncryptFinal(operation, srcData, srcLen, destData, destLen, tag, tagLen)`.
///
/// # Safety
///
/// `src` readable for `src_len`, `dst` writable for `*dst_len`, `tag` for `*tag_len`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AEEncryptFinal(
    operation: *mut c_void,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
    tag: *mut c_void,
    tag_len: *mut usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_AE, true);
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        with_len(dst_len, |n| {
            with_len(tag_len, |t| {
                oxtee_ta_sys::utee_authenc_enc_final(
                    o.state,
                    src.cast(),
                    src_len,
                    dst.cast(),
                    n,
                    tag.cast(),
                    t,
                )
            })
        })
    };
    if r == 0 {
        o.info.handle_state &= !TEE_HANDLE_FLAG_INITIALIZED;
    }
    allow(r, &[TEE_ERROR_SHORT_BUFFER])
}

/// `TEE_AEDecryptFinal(operation, srcData, srcLen, destData, destLen, tag, tagLen)`.
///
/// # Safety
///
/// `src` readable for `src_len`, `dst` writable for `*dst_len`, `tag` readable for `tag_len`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AEDecryptFinal(
    operation: *mut c_void,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
    tag: *const c_void,
    tag_len: usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need(o, TEE_OPERATION_AE, true);
    // SAFETY: forwarded from the caller.
    let r = unsafe {
        with_len(dst_len, |n| {
            oxtee_ta_sys::utee_authenc_dec_final(
                o.state,
                src.cast(),
                src_len,
                dst.cast(),
                n,
                tag.cast(),
                tag_len,
            )
        })
    };
    if r == 0 {
        o.info.handle_state &= !TEE_HANDLE_FLAG_INITIALIZED;
    }
    allow(r, &[TEE_ERROR_SHORT_BUFFER, TEE_ERROR_MAC_INVALID])
}

fn need_key(o: &Operation, class: u32) {
    if o.info.operation_class != class || o.info.handle_state & TEE_HANDLE_FLAG_KEY_SET == 0 {
        tee_panic(TEE_ERROR_BAD_STATE);
    }
}

/// One asymmetric operation with output (encrypt, decrypt, sign).
///
/// # Safety
///
/// As for the GP functions below.
#[allow(clippy::too_many_arguments)]
unsafe fn asymm(
    operation: *mut c_void,
    class: u32,
    params: *const TeeAttribute,
    count: u32,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
    allowed: &[TeeResult],
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need_key(o, class);
    // SAFETY: forwarded from the caller.
    let a = match unsafe { UteeAttrs::new(params, count) } {
        Ok(a) => a,
        Err(e) => tee_panic(e),
    };
    let (p, n) = a.raw();
    // SAFETY: forwarded from the caller; `p` holds `n` attributes.
    let r = unsafe {
        with_len(dst_len, |l| {
            oxtee_ta_sys::utee_asymm_operate(o.state, p, n, src.cast(), src_len, dst.cast(), l)
        })
    };
    allow(r, allowed)
}

/// `TEE_AsymmetricEncrypt(operation, params, paramCount, srcData, srcLen, destData, destLen)`.
///
/// # Safety
///
/// Buffers valid for their lengths.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AsymmetricEncrypt(
    operation: *mut c_void,
    params: *const TeeAttribute,
    count: u32,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    unsafe {
        asymm(
            operation,
            TEE_OPERATION_ASYMMETRIC_CIPHER,
            params,
            count,
            src,
            src_len,
            dst,
            dst_len,
            &[TEE_ERROR_SHORT_BUFFER, TEE_ERROR_BAD_PARAMETERS],
        )
    }
}

/// `TEE_AsymmetricDecrypt(operation, params, paramCount, srcData, srcLen, destData, destLen)`.
///
/// # Safety
///
/// Buffers valid for their lengths.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AsymmetricDecrypt(
    operation: *mut c_void,
    params: *const TeeAttribute,
    count: u32,
    src: *const c_void,
    src_len: usize,
    dst: *mut c_void,
    dst_len: *mut usize,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    unsafe {
        asymm(
            operation,
            TEE_OPERATION_ASYMMETRIC_CIPHER,
            params,
            count,
            src,
            src_len,
            dst,
            dst_len,
            &[TEE_ERROR_SHORT_BUFFER, TEE_ERROR_BAD_PARAMETERS],
        )
    }
}

/// `TEE_AsymmetricSignDigest(operation, params, paramCount, digest, digestLen, signature, signatureLen)`.
///
/// # Safety
///
/// Buffers valid for their lengths.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AsymmetricSignDigest(
    operation: *mut c_void,
    params: *const TeeAttribute,
    count: u32,
    digest: *const c_void,
    digest_len: usize,
    sig: *mut c_void,
    sig_len: *mut usize,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    unsafe {
        asymm(
            operation,
            TEE_OPERATION_ASYMMETRIC_SIGNATURE,
            params,
            count,
            digest,
            digest_len,
            sig,
            sig_len,
            &[TEE_ERROR_SHORT_BUFFER],
        )
    }
}

/// `TEE_AsymmetricVerifyDigest(operation, params, paramCount, digest, digestLen, signature, signatureLen)`.
///
/// # Safety
///
/// Buffers valid for their lengths.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AsymmetricVerifyDigest(
    operation: *mut c_void,
    params: *const TeeAttribute,
    count: u32,
    digest: *const c_void,
    digest_len: usize,
    sig: *const c_void,
    sig_len: usize,
) -> TeeResult {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need_key(o, TEE_OPERATION_ASYMMETRIC_SIGNATURE);
    // SAFETY: forwarded from the caller.
    let a = match unsafe { UteeAttrs::new(params, count) } {
        Ok(a) => a,
        Err(e) => tee_panic(e),
    };
    let (p, n) = a.raw();
    // SAFETY: forwarded from the caller; `p` holds `n` attributes.
    let r = unsafe {
        oxtee_ta_sys::utee_asymm_verify(
            o.state,
            p,
            n,
            digest.cast(),
            digest_len,
            sig.cast(),
            sig_len,
        )
    };
    allow(r, &[TEE_ERROR_SIGNATURE_INVALID])
}

/// `TEE_DeriveKey(operation, params, paramCount, derivedKey)`.
///
/// # Safety
///
/// `params` readable for `count` attributes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_DeriveKey(
    operation: *mut c_void,
    params: *const TeeAttribute,
    count: u32,
    derived: *mut c_void,
) {
    // SAFETY: the caller passes an operation handle (see `op`).
    let o = unsafe { op(operation) };
    need_key(o, TEE_OPERATION_KEY_DERIVATION);
    // SAFETY: forwarded from the caller.
    let a = match unsafe { UteeAttrs::new(params, count) } {
        Ok(a) => a,
        Err(e) => tee_panic(e),
    };
    let (p, n) = a.raw();
    // SAFETY: `p` holds `n` attributes.
    allow(
        unsafe { oxtee_ta_sys::utee_cryp_derive_key(o.state, p, n, handle(derived)) },
        &[],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use supplicant_proto::tee_crypto::{
        TEE_ALG_AES_CBC_NOPAD, TEE_ALG_HMAC_SHA256, TEE_ALG_SHA256,
    };

    #[test]
    fn modes_fit_classes() {
        assert_eq!(
            class_and_usage(TEE_ALG_SHA256, TEE_MODE_DIGEST),
            Some((TEE_OPERATION_DIGEST, 0))
        );
        assert_eq!(class_and_usage(TEE_ALG_SHA256, TEE_MODE_ENCRYPT), None);
        assert_eq!(
            class_and_usage(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_DECRYPT),
            Some((TEE_OPERATION_CIPHER, TEE_USAGE_DECRYPT))
        );
        assert_eq!(
            class_and_usage(TEE_ALG_HMAC_SHA256, TEE_MODE_MAC),
            Some((TEE_OPERATION_MAC, TEE_USAGE_MAC))
        );
        assert_eq!(class_and_usage(TEE_ALG_HMAC_SHA256, TEE_MODE_SIGN), None);
        assert_eq!(hash_size(tee_alg_get_main_alg(TEE_ALG_HMAC_SHA256)), 32);
    }
}
