//! Stack protection for C code compiled with `-fstack-protector-strong`
//! (the kit's default, as OP-TEE's): the canary `__stack_chk_guard`, which
//! the first entry sets from the TEE's random source, and
//! `__stack_chk_fail`, which panics the TA when a canary was overwritten.

use core::sync::atomic::{AtomicUsize, Ordering};

/// The canary protected C functions compare their stack copy against; a
/// fixed value until the first entry replaces it with random bits.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static __stack_chk_guard: AtomicUsize = AtomicUsize::new(0x6f78_7465_655f_6775);

/// Sets a random canary (before any TA code runs: `__ta_entry` is Rust and
/// not protected, so no live frame holds the old value).
pub fn randomize() {
    let mut bytes = [0u8; core::mem::size_of::<usize>()];
    // SAFETY: `bytes` is writable for its length.
    let r =
        unsafe { oxtee_ta_sys::utee_cryp_random_number_generate(bytes.as_mut_ptr(), bytes.len()) };
    // Fail closed: no random canary, no TA.
    crate::panic::allow(r, &[]);
    __stack_chk_guard.store(usize::from_ne_bytes(bytes), Ordering::Relaxed);
}

/// `__stack_chk_fail()`: a protected function found its canary changed.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub extern "C" fn __stack_chk_fail() -> ! {
    let msg = b"TA stack smashing detected\n";
    // SAFETY: a live byte string.
    unsafe { oxtee_ta_sys::utee_log(msg.as_ptr(), msg.len()) };
    crate::panic::tee_panic(supplicant_proto::tee_result::TEE_ERROR_SECURITY)
}
