//! The machine side of running trusted applications at S-EL0: TA frame
//! memory, translation tables, and the enter/leave path (asm/entry.S).

use alloc::sync::Arc;

use oxtee_frames::FrameRange;
use oxtee_kernel::user_ta::hw::{el0_spsr, HwUniqueKey, NoEntropy, Trap, UserHw, UserRegs};
use oxtee_mm::{build_user_window, Table, UserMapping, TA_WINDOW};
use oxtee_pta::rng::SharedRng;
use oxtee_storage::RollbackAnchor;
use spin::Once;
use supplicant_proto::tee_result::*;

use crate::console::{error, info};

extern "C" {
    fn user_enter(regs: *mut UserRegs, fp: u64) -> u64;
}

/// TZDRAM above the core heap: frames for TA images, stacks, tables.
pub const FRAMES: core::ops::Range<u64> = {
    use oxtee_qemu_virt::secure_os::TA_FRAMES;
    TA_FRAMES.base as u64..TA_FRAMES.end() as u64
};
/// Exception class of `svc` from AArch64.
const EC_SVC64: u64 = 0x15;

/// The core's random source (the RNG PTA's DRBG), set at boot.
static RNG: Once<Arc<SharedRng>> = Once::new();

/// The TA machine services of this image.
pub struct Machine;

/// The one instance handed to the kernel.
pub static MACHINE: Machine = Machine;

/// Makes `rng` the source of TA randomness (ASLR, `TEE_GenerateRandom`).
pub fn set_rng(rng: Arc<SharedRng>) {
    RNG.call_once(|| rng);
}

/// Smallest data cache line of any cache this CPU's maintenance reaches
/// (CTR_EL0.DminLine, log2 of 4-byte words), the safe stride for `dc cvau`.
fn dcache_line() -> u64 {
    let ctr: u64;
    // SAFETY: reading CTR_EL0 has no side effect.
    unsafe { core::arch::asm!("mrs {}, ctr_el0", out(reg) ctr, options(nomem, nostack)) };
    4 << ((ctr >> 16) & 0xf)
}

/// The range is TA frame memory (the only memory this interface touches).
fn frames_range(pa: u64, len: u64) -> bool {
    pa >= FRAMES.start && pa.checked_add(len).is_some_and(|e| e <= FRAMES.end)
}

impl UserHw for Machine {
    fn read(&self, pa: u64, dst: &mut [u8]) {
        if !frames_range(pa, dst.len() as u64) {
            error!("TA read outside the frame pool: {:#x}", pa);
            return;
        }
        // SAFETY: checked above to lie in the TA frame pool, identity mapped RW for the kernel; copied, never referenced.
        unsafe { core::ptr::copy_nonoverlapping(pa as *const u8, dst.as_mut_ptr(), dst.len()) };
    }

    fn write(&self, pa: u64, src: &[u8]) {
        if !frames_range(pa, src.len() as u64) {
            error!("TA write outside the frame pool: {:#x}", pa);
            return;
        }
        // SAFETY: as in `read`; the frames belong to the TA runtime, which owns this write.
        unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), pa as *mut u8, src.len()) };
    }

    fn zero(&self, pa: u64, len: u64) {
        if !frames_range(pa, len) {
            error!("TA zero outside the frame pool: {:#x}", pa);
            return;
        }
        // SAFETY: as in `write`.
        unsafe { core::ptr::write_bytes(pa as *mut u8, 0, len as usize) };
    }

    fn sync_code(&self, pa: u64, len: u64) {
        if !frames_range(pa, len) {
            error!("TA code sync outside the frame pool: {:#x}", pa);
            return;
        }
        // The frames may have held another TA's code, fetched on any CPU:
        // clean the new code to the point of unification, then invalidate
        // every CPU's instruction cache (inner shareable), not just this
        // one's. A whole-cache invalidate also covers aliasing VIPT caches.
        let line = dcache_line();
        let mut at = pa & !(line - 1);
        while at < pa + len {
            // SAFETY: cleaning a data cache line to the point of unification has no effect on memory contents; `at` is identity mapped frame memory.
            unsafe { core::arch::asm!("dc cvau, {}", in(reg) at, options(nostack)) };
            at += line;
        }
        // SAFETY: cache and barrier maintenance only.
        unsafe { core::arch::asm!("dsb ish", "ic ialluis", "dsb ish", "isb", options(nostack)) };
    }

    fn build_tables(&self, arena: FrameRange, maps: &[UserMapping]) -> Result<u64, u32> {
        if !frames_range(arena.start(), arena.size()) {
            return Err(TEE_ERROR_GENERIC);
        }
        let n = (arena.size() / 4096) as usize;
        // SAFETY: the arena is zeroed frames of the pool, owned by the TA runtime and used for nothing else.
        let tables = unsafe { core::slice::from_raw_parts_mut(arena.start() as *mut Table, n) };
        let (kroot, _) = crate::mmu::kernel_root();
        build_user_window(kroot, TA_WINDOW, maps, tables, arena.start())
            .map(|root| root.ttbr0)
            .map_err(|e| {
                error!("TA map: {:?}", e);
                TEE_ERROR_OUT_OF_MEMORY
            })
    }

    fn run(&self, ttbr0: u64, flush: bool, regs: &mut UserRegs) -> Trap {
        let (_, kernel_ttbr0) = crate::mmu::kernel_root();
        let asid = ttbr0 & (0xffff << 48);
        // SAFETY: the user root maps the kernel exactly like the kernel root (shared tables) plus the TA window, so switching TTBR0 keeps this code and stack mapped; stale TLB entries of the ASID are dropped when its tables changed.
        unsafe {
            if flush {
                core::arch::asm!("dsb ishst", "tlbi aside1is, {}", "dsb ish", in(reg) asid, options(nostack));
            }
            core::arch::asm!("msr ttbr0_el1, {}", "isb", in(reg) ttbr0, options(nostack));
        }
        let cpu = crate::entry::cpu_index();
        let (kind, esr, far) = loop {
            // The return state is forced to EL0t here, at the last step before
            // `eret`, so no caller can enter a TA at EL1 or with interrupts masked.
            regs.spsr = el0_spsr(regs.spsr);
            let fp = crate::fp::ta_owns_fp(cpu);
            // SAFETY: `regs` is the TA's full register set with an EL0 return state; user_enter returns here at its next exception with the registers saved back (FP/SIMD only when `fp`, see fp.rs).
            let kind = unsafe { user_enter(regs, u64::from(fp)) };
            let (esr, far): (u64, u64);
            // SAFETY: reading the syndrome registers has no side effect.
            unsafe {
                core::arch::asm!("mrs {}, esr_el1", "mrs {}, far_el1", out(reg) esr, out(reg) far, options(nomem, nostack));
            }
            if kind == 0
                && esr >> 26 == crate::fp::EC_FP_ACCESS
                && !fp
                && crate::fp::claim_for_ta(cpu)
            {
                // First FP/SIMD use in this visit of the secure world: the
                // TA resumes at the same instruction with its own registers.
                continue;
            }
            break (kind, esr, far);
        };
        // SAFETY: back to the kernel's own root, which maps this code and stack as the user root did.
        unsafe {
            core::arch::asm!("msr ttbr0_el1, {}", "isb", in(reg) kernel_ttbr0, options(nostack));
        }
        match kind {
            1 => Trap::ForeignInterrupt,
            _ if esr >> 26 == EC_SVC64 => Trap::Syscall,
            _ => Trap::Fault { esr, far },
        }
    }

    fn counter(&self) -> (u64, u64) {
        let (cnt, freq): (u64, u64);
        // SAFETY: reading the generic timer's counter and frequency has no side effect.
        unsafe {
            core::arch::asm!("isb", "mrs {}, cntpct_el0", "mrs {}, cntfrq_el0", out(reg) cnt, out(reg) freq, options(nomem, nostack));
        }
        (cnt, freq)
    }

    fn random(&self, buf: &mut [u8]) -> Result<(), NoEntropy> {
        // No entropy source: the caller fails; never predictable bytes.
        let rng = RNG.get().ok_or(NoEntropy)?;
        rng.fill(buf).map_err(|_| {
            error!("TA random request: the RNG failed");
            NoEntropy
        })
    }

    fn log(&self, args: core::fmt::Arguments<'_>) {
        info!("{}", args);
    }

    fn hw_unique_key(&self) -> HwUniqueKey {
        // The QEMU platform has no OTP: OP-TEE's all-zero test key.
        HwUniqueKey::TEST
    }

    fn rollback_anchor(&self) -> Option<alloc::boxed::Box<dyn RollbackAnchor + Send>> {
        Some(alloc::boxed::Box::new(crate::anchor::SharedAnchor))
    }

    fn rpmb_key_write_allowed(&self) -> bool {
        // The test HUK above: nothing to protect, and the emulated RPMB of
        // tee-supplicant forgets its key at every start.
        true
    }
}
