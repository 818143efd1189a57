#![doc = include_str!("../README.md")]
#![cfg_attr(target_os = "none", no_std)]

pub use oxtee_utee;

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    oxtee_utee::panic::tee_panic(oxtee_utee::panic::RUST_PANIC_CODE)
}
