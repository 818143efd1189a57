//! Return addresses of the calling code, from the AArch64 frame records
//! (x29 → {previous x29, return address}) on the current stack: what a panic
//! report prints so that `addr2line -e tee.elf` names the panic site, without
//! the per-site file and line records that would otherwise fill the image.
//!
//! A function built without a frame record is skipped (its caller's record
//! follows), so the list is a subsequence of the real call chain. `core`'s
//! panic entry points keep their records, so the first addresses after them
//! are the panic site.

use core::ops::Range;

/// Collects up to `out.len()` return addresses, innermost first; returns how
/// many. Every record read lies in the mapped part of the stack that holds the
/// current frame pointer, and each must be above the one before, so a corrupt
/// or missing chain ends the walk instead of faulting.
pub fn return_addresses(out: &mut [u64]) -> usize {
    let fp: u64;
    // SAFETY: reads x29 into a register; no memory or flags are touched.
    unsafe {
        core::arch::asm!("mov {}, x29", out(reg) fp, options(nomem, nostack, preserves_flags))
    };
    let Some(stack) = mapped_stack_containing(fp) else {
        return 0;
    };
    let mut fp = fp;
    let mut n = 0;
    while n < out.len() && fp % 16 == 0 && fp >= stack.start && fp + 16 <= stack.end {
        // SAFETY: [fp, fp + 16) is 16-byte aligned inside a mapped stack of this image (checked above).
        let (next, ret) = unsafe {
            let p = fp as *const u64;
            (p.read_volatile(), p.add(1).read_volatile())
        };
        if ret == 0 {
            break;
        }
        out[n] = ret;
        n += 1;
        if next <= fp {
            break;
        }
        fp = next;
    }
    n
}

/// The mapped range of the CPU entry stack (its lowest page is the guard) or
/// thread stack (its guard page lies below it) containing `addr`.
fn mapped_stack_containing(addr: u64) -> Option<Range<u64>> {
    const PAGE: u64 = 4096;
    let cpu = oxtee_qemu_virt::secure_os::CPU_STACK_SIZE as u64;
    let thread = oxtee_qemu_virt::secure_os::THREAD_STACK_SIZE as u64;
    let mut stacks = crate::cpu::stack_guards()
        .into_iter()
        .map(|g| g + PAGE..g + cpu)
        .chain(
            crate::thread::stack_guards()
                .into_iter()
                .map(|g| g + PAGE..g + PAGE + thread),
        );
    stacks.find(|s| s.contains(&addr))
}
