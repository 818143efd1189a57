//! oxtee EL3 firmware for QEMU `virt` (secure=on, GICv3): secure boot of the
//! secure OS, TF-A `opteed`-compatible monitor, PSCI 1.1, Linux boot.
#![cfg_attr(target_os = "none", no_std, no_main)]
// A firmware binary exports nothing: `pub` only marks what modules share.
#![allow(unreachable_pub)]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(target_os = "none")]
extern crate alloc;

#[cfg(target_os = "none")]
mod boot;
#[cfg(target_os = "none")]
mod console;
#[cfg(target_os = "none")]
mod context;
#[cfg(target_os = "none")]
mod el1;
#[cfg(target_os = "none")]
mod fp;
#[cfg(target_os = "none")]
mod fw_cfg;
#[cfg(target_os = "none")]
mod hw;
#[cfg(target_os = "none")]
mod linux;
#[cfg(target_os = "none")]
mod monitor;
#[cfg(target_os = "none")]
mod opteed;
#[cfg(target_os = "none")]
mod percpu;
#[cfg(target_os = "none")]
mod platform;
#[cfg(target_os = "none")]
mod psci;
#[cfg(target_os = "none")]
mod sha256;
#[cfg(target_os = "none")]
mod sysreg;
#[cfg(target_os = "none")]
mod world;

/// Host builds (workspace `cargo test`/`clippy`) compile an empty program; the
/// firmware only exists for `aarch64-unknown-none-softfloat`.
#[cfg(not(target_os = "none"))]
fn main() {}

#[cfg(target_os = "none")]
mod rt {
    use crate::context::{CTX_EL3_SP, CTX_ELR, CTX_SCR};
    use crate::context::{FP_FFR_REL, FP_FPSR_REL, FP_P_OFF};
    use crate::platform::{CPU_COUNT, STACK_SIZE};
    use oxtee_monitor::runloop::Vector;

    core::arch::global_asm!(
        include_str!("asm/entry.S"),
        max_cpus = const CPU_COUNT,
        stack_size = const STACK_SIZE,
        image_start = sym __image_start,
        image_end = sym __image_end,
        bss_start = sym __bss_start,
        bss_end = sym __bss_end,
        stacks_start = sym __stacks_start,
        image_ready = sym crate::percpu::IMAGE_READY,
        rust_entry = sym crate::boot::rust_entry,
    );

    core::arch::global_asm!(
        include_str!("asm/vectors.S"),
        ctx_elr = const CTX_ELR,
        ctx_scr = const CTX_SCR,
        ctx_el3_sp = const CTX_EL3_SP,
        vector_sync = const Vector::Sync.raw(),
        vector_irq = const Vector::Irq.raw(),
        vector_fiq = const Vector::Fiq.raw(),
        vector_serror = const Vector::SError.raw(),
        unexpected_handler = sym crate::monitor::unexpected_exception,
    );

    core::arch::global_asm!(
        include_str!("asm/fp.S"),
        p_off = const FP_P_OFF,
        ffr_rel = const FP_FFR_REL,
        fpsr_rel = const FP_FPSR_REL,
    );

    extern "C" {
        static __image_start: u8;
        static __image_end: u8;
        static __bss_start: u8;
        static __bss_end: u8;
        static __stacks_start: u8;
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        crate::console::println!("PANIC: {}", info);
        loop {
            crate::sysreg::wfi();
        }
    }
}
