//! Time and randomness: `TEE_GetSystemTime`, `TEE_Wait`, the TA persistent
//! time, `TEE_GetREETime`, `TEE_GenerateRandom`, cancellation flags.

use supplicant_proto::tee_result::{
    TEE_ERROR_CANCEL, TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_OVERFLOW, TEE_ERROR_STORAGE_NOT_AVAILABLE,
    TEE_ERROR_STORAGE_NO_SPACE, TEE_ERROR_TIME_NEEDS_RESET, TEE_ERROR_TIME_NOT_SET,
};
use supplicant_proto::tee_syscall::{
    TeeTime, TEE_SCN_GET_CANCELLATION_FLAG, TEE_SCN_MASK_CANCELLATION, TEE_SCN_SET_TA_TIME,
    TEE_SCN_UNMASK_CANCELLATION, TEE_SCN_WAIT, UTEE_TIME_CAT_REE, UTEE_TIME_CAT_SYSTEM,
    UTEE_TIME_CAT_TA_PERSISTENT,
};

use crate::panic::{allow, tee_panic};
use crate::types::TeeResult;

fn get_time(cat: u32, time: *mut TeeTime) -> TeeResult {
    if time.is_null() {
        tee_panic(supplicant_proto::tee_result::TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: `time` is the caller's non-null TEE_Time.
    unsafe { oxtee_ta_sys::utee_get_time(cat, time) }
}

/// `TEE_GetSystemTime(time)`.
///
/// # Safety
///
/// `time` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetSystemTime(time: *mut TeeTime) {
    allow(get_time(UTEE_TIME_CAT_SYSTEM, time), &[]);
}

/// `TEE_GetREETime(time)`.
///
/// # Safety
///
/// `time` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetREETime(time: *mut TeeTime) {
    allow(get_time(UTEE_TIME_CAT_REE, time), &[]);
}

/// `TEE_GetTAPersistentTime(time)`.
///
/// # Safety
///
/// `time` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetTAPersistentTime(time: *mut TeeTime) -> TeeResult {
    let r = get_time(UTEE_TIME_CAT_TA_PERSISTENT, time);
    allow(
        r,
        &[
            TEE_ERROR_TIME_NOT_SET,
            TEE_ERROR_TIME_NEEDS_RESET,
            TEE_ERROR_OVERFLOW,
            TEE_ERROR_OUT_OF_MEMORY,
        ],
    )
}

/// `TEE_SetTAPersistentTime(time)`.
///
/// # Safety
///
/// `time` readable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_SetTAPersistentTime(time: *const TeeTime) -> TeeResult {
    // SAFETY: the kernel reads the caller's TEE_Time.
    let r =
        unsafe { oxtee_ta_sys::syscall(TEE_SCN_SET_TA_TIME, [time as u64, 0, 0, 0, 0, 0, 0, 0]) };
    allow(
        r,
        &[
            TEE_ERROR_OUT_OF_MEMORY,
            TEE_ERROR_STORAGE_NO_SPACE,
            TEE_ERROR_STORAGE_NOT_AVAILABLE,
        ],
    )
}

/// `TEE_Wait(timeout)`: `TEE_ERROR_CANCEL` if the wait was cancelled.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_Wait(timeout: u32) -> TeeResult {
    // SAFETY: WAIT takes no pointer.
    let r =
        unsafe { oxtee_ta_sys::syscall(TEE_SCN_WAIT, [u64::from(timeout), 0, 0, 0, 0, 0, 0, 0]) };
    allow(r, &[TEE_ERROR_CANCEL])
}

/// `TEE_GenerateRandom(buffer, len)`; a failing source panics the TA (fail closed).
///
/// # Safety
///
/// `buffer` writable for `len` bytes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GenerateRandom(buffer: *mut core::ffi::c_void, len: usize) {
    // SAFETY: forwarded from the caller.
    allow(
        unsafe { oxtee_ta_sys::utee_cryp_random_number_generate(buffer.cast(), len) },
        &[],
    );
}

fn flag_call(num: u32) -> bool {
    let mut v = 0u32;
    // SAFETY: the one argument is a pointer to a live u32.
    let r = unsafe { oxtee_ta_sys::syscall(num, [&raw mut v as u64, 0, 0, 0, 0, 0, 0, 0]) };
    allow(r, &[]);
    v != 0
}

/// `TEE_GetCancellationFlag()`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_GetCancellationFlag() -> bool {
    flag_call(TEE_SCN_GET_CANCELLATION_FLAG)
}

/// `TEE_UnmaskCancellation()`: the previous mask.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_UnmaskCancellation() -> bool {
    flag_call(TEE_SCN_UNMASK_CANCELLATION)
}

/// `TEE_MaskCancellation()`: the previous mask.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_MaskCancellation() -> bool {
    flag_call(TEE_SCN_MASK_CANCELLATION)
}
