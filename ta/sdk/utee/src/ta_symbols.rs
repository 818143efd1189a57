//! What the TA itself defines and this library calls: the GP entry points
//! (`tee_ta_api.h`) and the data `user_ta_header.c` generates from
//! `user_ta_header_defines.h` (`ta_head`, `ta_heap`, `ta_props`). On the TA
//! target they are the linked TA's symbols; host builds have no TA and get
//! stand-ins that say so.

use core::ffi::c_void;

use crate::types::{TeeParam, TeeResult};

/// `struct user_ta_property`: name, `USER_TA_PROP_TYPE_*`, value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct UserTaProperty {
    /// NUL-terminated name.
    pub name: *const u8,
    /// `USER_TA_PROP_TYPE_*`.
    pub prop_type: u32,
    /// The value, laid out as the type says (a string's first byte for strings).
    pub value: *const c_void,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    use supplicant_proto::ta_head as h;
    assert!(size_of::<UserTaProperty>() == h::USER_TA_PROPERTY_SIZE);
    assert!(offset_of!(UserTaProperty, prop_type) == h::USER_TA_PROPERTY_TYPE_OFFSET);
    assert!(offset_of!(UserTaProperty, value) == h::USER_TA_PROPERTY_VALUE_OFFSET);
};

#[cfg(target_os = "none")]
mod linked {
    use core::ffi::c_void;

    use supplicant_proto::ta_head::TaHead;

    use super::UserTaProperty;
    use crate::types::{TeeParam, TeeResult};

    // SAFETY: these are the TA's entry points and the properties block
    // (`user_ta_header.c` of the dev kit), declared with the types GP and
    // OP-TEE's `user_ta_header.h` give them.
    unsafe extern "C" {
        pub(super) fn TA_CreateEntryPoint() -> TeeResult;
        pub(super) fn TA_DestroyEntryPoint();
        pub(super) fn TA_OpenSessionEntryPoint(
            param_types: u32,
            params: *mut TeeParam,
            sess_ctx: *mut *mut c_void,
        ) -> TeeResult;
        pub(super) fn TA_CloseSessionEntryPoint(sess_ctx: *mut c_void);
        pub(super) fn TA_InvokeCommandEntryPoint(
            sess_ctx: *mut c_void,
            cmd_id: u32,
            param_types: u32,
            params: *mut TeeParam,
        ) -> TeeResult;
        pub(super) static ta_head: TaHead;
        pub(super) static mut ta_heap: [u8; 0];
        pub(super) static ta_heap_size: usize;
        pub(super) static ta_props: [UserTaProperty; 0];
        pub(super) static ta_num_props: usize;
    }
}

/// `TA_CreateEntryPoint()`.
pub fn create() -> TeeResult {
    #[cfg(target_os = "none")]
    // SAFETY: the TA's entry point takes no argument.
    return unsafe { linked::TA_CreateEntryPoint() };
    #[cfg(not(target_os = "none"))]
    no_ta()
}

/// `TA_DestroyEntryPoint()`.
pub fn destroy() {
    #[cfg(target_os = "none")]
    // SAFETY: the TA's entry point takes no argument.
    unsafe {
        linked::TA_DestroyEntryPoint()
    };
    #[cfg(not(target_os = "none"))]
    no_ta()
}

/// `TA_OpenSessionEntryPoint(param_types, params, &ctx)`.
pub fn open_session(
    param_types: u32,
    params: &mut [TeeParam; 4],
    ctx: &mut *mut c_void,
) -> TeeResult {
    #[cfg(target_os = "none")]
    // SAFETY: `params` is four live parameters and `ctx` a live pointer slot,
    // both valid for the whole call.
    return unsafe { linked::TA_OpenSessionEntryPoint(param_types, params.as_mut_ptr(), ctx) };
    #[cfg(not(target_os = "none"))]
    {
        let _ = (param_types, params, ctx);
        no_ta()
    }
}

/// `TA_CloseSessionEntryPoint(ctx)`.
///
/// # Safety
///
/// `ctx` is the value the TA's open entry stored for a session still open.
pub unsafe fn close_session(ctx: *mut c_void) {
    #[cfg(target_os = "none")]
    // SAFETY: forwarded from the caller.
    unsafe {
        linked::TA_CloseSessionEntryPoint(ctx)
    };
    #[cfg(not(target_os = "none"))]
    {
        let _ = ctx;
        no_ta()
    }
}

/// `TA_InvokeCommandEntryPoint(ctx, cmd, param_types, params)`.
///
/// # Safety
///
/// As for [`close_session`].
pub unsafe fn invoke(
    ctx: *mut c_void,
    cmd: u32,
    param_types: u32,
    params: &mut [TeeParam; 4],
) -> TeeResult {
    #[cfg(target_os = "none")]
    // SAFETY: `ctx` as the caller guarantees; `params` is four live
    // parameters for the whole call.
    return unsafe {
        linked::TA_InvokeCommandEntryPoint(ctx, cmd, param_types, params.as_mut_ptr())
    };
    #[cfg(not(target_os = "none"))]
    {
        let _ = (ctx, cmd, param_types, params);
        no_ta()
    }
}

/// `ta_head.flags`: the TA's `TA_FLAGS`.
pub fn flags() -> u32 {
    #[cfg(target_os = "none")]
    // SAFETY: `ta_head` is an immutable static of the TA image.
    return unsafe { linked::ta_head.flags };
    #[cfg(not(target_os = "none"))]
    no_ta()
}

/// The TA heap arena (`ta_heap`, `ta_heap_size` = `TA_DATA_SIZE`).
pub fn heap_arena() -> (*mut u8, usize) {
    #[cfg(target_os = "none")]
    // SAFETY: only the address of the arena is taken, no reference; its size
    // is an immutable static next to it.
    return unsafe {
        (
            (&raw mut linked::ta_heap).cast::<u8>(),
            linked::ta_heap_size,
        )
    };
    #[cfg(not(target_os = "none"))]
    no_ta()
}

/// The TA's own property table (`ta_props[ta_num_props]`).
pub fn props() -> &'static [UserTaProperty] {
    #[cfg(target_os = "none")]
    // SAFETY: user_ta_header.c defines `ta_props` as an immutable array of
    // `ta_num_props` entries that lives as long as the TA.
    return unsafe {
        core::slice::from_raw_parts((&raw const linked::ta_props).cast(), linked::ta_num_props)
    };
    #[cfg(not(target_os = "none"))]
    &[]
}

#[cfg(not(target_os = "none"))]
fn no_ta() -> ! {
    panic!("oxtee-utee: no TA is linked into a host build")
}
