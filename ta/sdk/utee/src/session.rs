//! Sessions to other TAs: `TEE_OpenTASession`, `TEE_InvokeTACommand`,
//! `TEE_CloseTASession`. The session handle is the kernel's session id as a
//! pointer. Memory references travel through shareable copies (`bounce`).

use core::ffi::c_void;

use supplicant_proto::tee_result::TEE_ERROR_BAD_PARAMETERS;
use supplicant_proto::tee_syscall::{
    TEE_SCN_CLOSE_TA_SESSION, TEE_SCN_INVOKE_TA_COMMAND, TEE_SCN_OPEN_TA_SESSION,
};

use crate::bounce::Bounce;
use crate::panic::{allow, tee_panic};
use crate::params::{to_utee, update_from_utee};
use crate::storage::handle;
use crate::types::{handle_to_ptr, TeeParam, TeeResult, TeeUuid};

/// The four parameters behind a possibly null `TEE_Param *` (null: all `NONE`).
///
/// # Safety
///
/// `params` null or four readable parameters.
unsafe fn read_params(params: *const TeeParam) -> [TeeParam; 4] {
    if params.is_null() {
        [TeeParam::ZERO; 4]
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { params.cast::<[TeeParam; 4]>().read() }
    }
}

/// # Safety
///
/// `params` null or four writable parameters.
unsafe fn write_params(params: *mut TeeParam, p: &[TeeParam; 4]) {
    if !params.is_null() {
        // SAFETY: forwarded from the caller.
        unsafe { params.cast::<[TeeParam; 4]>().write(*p) };
    }
}

/// A call that failed before reaching the kernel: origin TEE, no session.
fn fail(code: TeeResult, session: *mut *mut c_void, origin: *mut u32) -> TeeResult {
    // SAFETY: both are null or writable (the callers' contracts).
    unsafe {
        if !session.is_null() {
            *session = core::ptr::null_mut();
        }
        if !origin.is_null() {
            *origin = supplicant_proto::tee_result::TEE_ORIGIN_TEE;
        }
    }
    code
}

/// `TEE_OpenTASession(destination, cancellationRequestTimeout, paramTypes,
/// params, session, returnOrigin)`.
///
/// # Safety
///
/// `dest` readable; `params` null or four parameters whose memrefs are valid;
/// `session` writable; `origin` null or writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_OpenTASession(
    dest: *const TeeUuid,
    timeout: u32,
    param_types: u32,
    params: *mut TeeParam,
    session: *mut *mut c_void,
    origin: *mut u32,
) -> TeeResult {
    if dest.is_null() || session.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: forwarded from the caller.
    let mut p = unsafe { read_params(params) };
    let mut up = to_utee(param_types, &p);
    let (mut sess, mut orig) = (0u32, 0u32);
    // SAFETY: the caller's memrefs are valid for their sizes.
    let bounce = match unsafe { Bounce::prepare(&mut up) } {
        Ok(b) => b,
        Err(e) => return fail(e, session, origin),
    };
    // SAFETY: every pointer is live for the call: the caller's UUID, our
    // utee_params and out values.
    let r = unsafe {
        oxtee_ta_sys::syscall(
            TEE_SCN_OPEN_TA_SESSION,
            [
                dest as u64,
                u64::from(timeout),
                &raw mut up as u64,
                &raw mut sess as u64,
                &raw mut orig as u64,
                0,
                0,
                0,
            ],
        )
    };
    // SAFETY: the caller's memrefs are valid for their sizes.
    unsafe { bounce.finish(&mut up) };
    update_from_utee(param_types, &up, &mut p);
    // SAFETY: forwarded from the caller.
    unsafe {
        write_params(params, &p);
        *session = if r == 0 {
            handle_to_ptr(sess)
        } else {
            core::ptr::null_mut()
        };
        if !origin.is_null() {
            *origin = orig;
        }
    }
    r
}

/// `TEE_InvokeTACommand(session, cancellationRequestTimeout, commandID,
/// paramTypes, params, returnOrigin)`.
///
/// # Safety
///
/// As for [`TEE_OpenTASession`].
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_InvokeTACommand(
    session: *mut c_void,
    timeout: u32,
    cmd: u32,
    param_types: u32,
    params: *mut TeeParam,
    origin: *mut u32,
) -> TeeResult {
    let sess = handle(session);
    // SAFETY: forwarded from the caller.
    let mut p = unsafe { read_params(params) };
    let mut up = to_utee(param_types, &p);
    let mut orig = 0u32;
    // SAFETY: the caller's memrefs are valid for their sizes.
    let bounce = match unsafe { Bounce::prepare(&mut up) } {
        Ok(b) => b,
        Err(e) => return fail(e, core::ptr::null_mut(), origin),
    };
    // SAFETY: every pointer is live for the call.
    let r = unsafe {
        oxtee_ta_sys::syscall(
            TEE_SCN_INVOKE_TA_COMMAND,
            [
                u64::from(sess),
                u64::from(timeout),
                u64::from(cmd),
                &raw mut up as u64,
                &raw mut orig as u64,
                0,
                0,
                0,
            ],
        )
    };
    // SAFETY: the caller's memrefs are valid for their sizes.
    unsafe { bounce.finish(&mut up) };
    update_from_utee(param_types, &up, &mut p);
    // SAFETY: forwarded from the caller.
    unsafe {
        write_params(params, &p);
        if !origin.is_null() {
            *origin = orig;
        }
    }
    r
}

/// `TEE_CloseTASession(session)` (null: nothing).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_CloseTASession(session: *mut c_void) {
    if !session.is_null() {
        let sess = u64::from(handle(session));
        // SAFETY: CLOSE takes no pointer.
        allow(
            unsafe { oxtee_ta_sys::syscall(TEE_SCN_CLOSE_TA_SESSION, [sess, 0, 0, 0, 0, 0, 0, 0]) },
            &[],
        );
    }
}
