//! The trap itself: `svc #0` on the TA target, a host handler elsewhere.

use core::sync::atomic::{AtomicUsize, Ordering};

use supplicant_proto::tee_syscall::TEE_SVC_MAX_ARGS;
#[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
use supplicant_proto::tee_syscall::{TEE_SCN_PANIC, TEE_SCN_RETURN};

/// A host stand-in for the kernel: `(syscall number, x0..x7) -> x0`.
pub type HostHandler = fn(u32, &[u64; TEE_SVC_MAX_ARGS]) -> u64;

// The installed handler as a `usize` (0: none), so it can live in a plain static.
static HOST_HANDLER: AtomicUsize = AtomicUsize::new(0);

/// Installs the handler host builds send system calls to (replacing any earlier one).
/// Has no effect on the TA target, where calls always trap into the TEE.
pub fn set_host_handler(handler: HostHandler) {
    HOST_HANDLER.store(handler as usize, Ordering::SeqCst);
}

#[allow(dead_code)] // unused on the TA target
fn host_call(num: u32, args: &[u64; TEE_SVC_MAX_ARGS]) -> u64 {
    match HOST_HANDLER.load(Ordering::SeqCst) {
        0 => u64::from(supplicant_proto::tee_result::TEE_ERROR_NOT_SUPPORTED),
        f => {
            // SAFETY: the only values stored are `HostHandler` function pointers
            // (set_host_handler), and 0 is handled above.
            let f: HostHandler = unsafe { core::mem::transmute::<usize, HostHandler>(f) };
            f(num, args)
        }
    }
}

/// Issues system call `num` with arguments x0..x7 and returns x0 (a `TEE_Result`
/// for every call that returns).
///
/// # Safety
///
/// The arguments must be what the call expects: every pointer argument must be valid
/// for the reads and writes the call makes, for the lengths given next to it. `RETURN`
/// and `PANIC` never come back.
#[inline]
pub unsafe fn syscall(num: u32, args: [u64; TEE_SVC_MAX_ARGS]) -> u32 {
    #[cfg(all(target_arch = "aarch64", target_os = "none"))]
    {
        let x0: u64;
        // SAFETY: the caller guarantees the arguments suit the call. The kernel
        // preserves every register but x0; x1..x8 are still declared clobbered so a
        // kernel that does not cannot corrupt the caller.
        unsafe {
            core::arch::asm!(
                "svc #0",
                inlateout("x0") args[0] => x0,
                inlateout("x1") args[1] => _,
                inlateout("x2") args[2] => _,
                inlateout("x3") args[3] => _,
                inlateout("x4") args[4] => _,
                inlateout("x5") args[5] => _,
                inlateout("x6") args[6] => _,
                inlateout("x7") args[7] => _,
                inlateout("x8") u64::from(num) => _,
                options(nostack),
            );
        }
        // The result is a zero-extended u32.
        x0 as u32
    }
    #[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
    {
        let r = host_call(num, &args) as u32;
        if num == TEE_SCN_RETURN || num == TEE_SCN_PANIC {
            panic!("TA system call {num} does not return (x0 = {:#x})", args[0]);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use supplicant_proto::tee_syscall::TEE_SCN_LOG;

    fn handler(num: u32, args: &[u64; TEE_SVC_MAX_ARGS]) -> u64 {
        u64::from(num) << 8 | args[7]
    }

    #[test]
    fn host_calls_reach_the_handler() {
        set_host_handler(handler);
        // SAFETY: the handler reads no memory.
        let r = unsafe { syscall(TEE_SCN_LOG, [0, 0, 0, 0, 0, 0, 0, 5]) };
        assert_eq!(r, (TEE_SCN_LOG << 8) | 5);
    }

    #[test]
    #[should_panic(expected = "does not return")]
    fn return_never_comes_back() {
        set_host_handler(handler);
        crate::utee_return(0);
    }
}
