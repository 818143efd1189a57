//! System calls of TA-to-TA sessions and of cancellation (libutee's
//! `_utee_open_ta_session`, `_utee_invoke_ta_command`,
//! `_utee_close_ta_session`, `_utee_get_cancellation_flag`,
//! `_utee_mask_cancellation`, `_utee_unmask_cancellation`).

use supplicant_proto::tee_syscall::{
    UteeParams, TEE_SCN_CLOSE_TA_SESSION, TEE_SCN_GET_CANCELLATION_FLAG, TEE_SCN_INVOKE_TA_COMMAND,
    TEE_SCN_MASK_CANCELLATION, TEE_SCN_OPEN_TA_SESSION, TEE_SCN_UNMASK_CANCELLATION,
};

use crate::raw::syscall;

fn p<T>(ptr: *const T) -> u64 {
    ptr as usize as u64
}

/// `_utee_open_ta_session`: opens a session to the TA or pseudo-TA whose
/// `TEE_UUID` (native layout) is at `dest`; `cancel_req_to` is the
/// cancellation timeout in ms (`TEE_TIMEOUT_INFINITE`: none). `sess`
/// receives the session handle, `ret_orig` the `TEE_ORIGIN_*` of the result.
///
/// # Safety
///
/// `dest` readable for 16 bytes; `params` readable and writable, and every
/// memory reference in it valid for its size (read for input, written for
/// output); `sess` and `ret_orig` writable.
pub unsafe fn utee_open_ta_session(
    dest: *const [u8; 16],
    cancel_req_to: u32,
    params: *mut UteeParams,
    sess: *mut u32,
    ret_orig: *mut u32,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_OPEN_TA_SESSION,
            [
                p(dest),
                u64::from(cancel_req_to),
                p(params),
                p(sess),
                p(ret_orig),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_invoke_ta_command`: invokes `cmd_id` in session `sess`.
///
/// # Safety
///
/// As [`utee_open_ta_session`] for `params` and `ret_orig`.
pub unsafe fn utee_invoke_ta_command(
    sess: u32,
    cancel_req_to: u32,
    cmd_id: u32,
    params: *mut UteeParams,
    ret_orig: *mut u32,
) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_INVOKE_TA_COMMAND,
            [
                u64::from(sess),
                u64::from(cancel_req_to),
                u64::from(cmd_id),
                p(params),
                p(ret_orig),
                0,
                0,
                0,
            ],
        )
    }
}

/// `_utee_close_ta_session`: closes session `sess`.
pub fn utee_close_ta_session(sess: u32) -> u32 {
    // SAFETY: no pointer argument.
    unsafe {
        syscall(
            TEE_SCN_CLOSE_TA_SESSION,
            [u64::from(sess), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_get_cancellation_flag`: whether the current entry was cancelled
/// (and cancellation is not masked).
///
/// # Safety
///
/// `cancel` writable.
pub unsafe fn utee_get_cancellation_flag(cancel: *mut u32) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_GET_CANCELLATION_FLAG,
            [p(cancel), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_mask_cancellation`: masks cancellation; `old_mask` receives the
/// previous mask (1: was masked).
///
/// # Safety
///
/// `old_mask` writable.
pub unsafe fn utee_mask_cancellation(old_mask: *mut u32) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_MASK_CANCELLATION,
            [p(old_mask), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}

/// `_utee_unmask_cancellation`: unmasks cancellation; `old_mask` receives
/// the previous mask.
///
/// # Safety
///
/// `old_mask` writable.
pub unsafe fn utee_unmask_cancellation(old_mask: *mut u32) -> u32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        syscall(
            TEE_SCN_UNMASK_CANCELLATION,
            [p(old_mask), 0, 0, 0, 0, 0, 0, 0],
        )
    }
}
