//! Panics end the TA with `TEE_Panic`: the message goes to the secure console,
//! then the kernel kills the instance and the client sees `TEE_ERROR_TARGET_DEAD`.

use core::fmt::Write;

use supplicant_proto::tee_result::TEE_ERROR_GENERIC;

use crate::trace::Line;

/// Code passed to `TEE_Panic` for a Rust panic.
pub const RUST_PANIC_CODE: u32 = TEE_ERROR_GENERIC;

/// Logs `info` and panics the TA (the body of the TA's panic handler).
pub fn report(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut line = Line::new();
    let _ = write!(line, "TA panic: {info}");
    line.emit();
    oxtee_ta_sys::utee_panic(RUST_PANIC_CODE)
}

#[cfg(all(target_os = "none", not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    report(info)
}
