//! The core's identity map with W^X (tables built by `oxtee-mm`), switched on
//! by every CPU before it serves the normal world.

use core::cell::UnsafeCell;
use core::ops::Range;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use oxtee_mm::regs::{mair, pa_bits_from_mmfr0, sctlr_enable, tcr};
use oxtee_mm::{build, kernel_regions, ImageLayout, Layout, Table, QEMU_VIRT_ARENA_TABLES};
use oxtee_qemu_virt::secure_os::{CORE_DEVICE_WINDOWS, ROLLBACK_ANCHOR_FLASH};
use oxtee_qemu_virt::BL32_RAM;

use crate::sysreg;

#[repr(C, align(4096))]
struct Arena(UnsafeCell<[Table; QEMU_VIRT_ARENA_TABLES]>);

// SAFETY: written once by the primary CPU during cold boot (no other CPU runs), read only by the MMU afterwards.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(UnsafeCell::new([[0; 512]; QEMU_VIRT_ARENA_TABLES]));
/// The arena has been handed to the builder (once only).
static BUILT: AtomicBool = AtomicBool::new(false);
/// TTBR0 value (0 until the tables exist).
static TTBR0: AtomicU64 = AtomicU64::new(0);
static TCR: AtomicU64 = AtomicU64::new(0);
/// Every CPU runs with PAN (set by the first CPU to enable its MMU; the
/// CPUs of one machine have the same features).
static PAN: AtomicBool = AtomicBool::new(false);

extern "C" {
    static __text_start: u8;
    static __text_end: u8;
    static __rodata_start: u8;
    static __rodata_end: u8;
}

/// Builds the tables (primary CPU, cold boot, MMU still off). The arena is
/// written once: a second call changes nothing and fails with `OutOfTables`
/// (the tables may be in use by then, and `kernel_root` hands them out).
pub fn build_tables(ns_ram: Range<u64>) -> Result<(), oxtee_mm::MmError> {
    if BUILT.swap(true, Ordering::AcqRel) {
        return Err(oxtee_mm::MmError::OutOfTables);
    }
    let image = ImageLayout {
        text_start: core::ptr::addr_of!(__text_start) as u64,
        text_end: core::ptr::addr_of!(__text_end) as u64,
        rodata_start: core::ptr::addr_of!(__rodata_start) as u64,
        rodata_end: core::ptr::addr_of!(__rodata_end) as u64,
        tzdram_end: BL32_RAM.end() as u64,
    };
    let devices = CORE_DEVICE_WINDOWS.map(|w| w.base as u64..w.end() as u64);
    let base = kernel_regions(&image, ns_ram, devices);
    // Plus the rollback anchor's secure flash sectors, as device memory:
    // commands are writes, status and data are reads (anchor.rs).
    let anchor = oxtee_mm::Region {
        range: ROLLBACK_ANCHOR_FLASH.base as u64..ROLLBACK_ANCHOR_FLASH.end() as u64,
        kind: oxtee_mm::MemKind::Device,
    };
    let mut regions = [const {
        oxtee_mm::Region {
            range: 0..0,
            kind: oxtee_mm::MemKind::Data,
        }
    }; 7];
    for (r, b) in regions.iter_mut().zip(base.into_iter().chain([anchor])) {
        *r = b;
    }
    // The lowest page of every stack stays unmapped: an overflow faults.
    let mut guards = [0u64; crate::cpu::MAX_CPUS + crate::thread::THREAD_COUNT];
    for (g, v) in guards.iter_mut().zip(
        crate::cpu::stack_guards()
            .into_iter()
            .chain(crate::thread::stack_guards()),
    ) {
        *g = v;
    }
    let mut pieces = [const {
        oxtee_mm::Region {
            range: 0..0,
            kind: oxtee_mm::MemKind::Data,
        }
    }; 24];
    let n = oxtee_mm::punch_holes(&regions, &guards, &mut pieces)?;
    let arena_pa = ARENA.0.get() as u64;
    // SAFETY: BUILT lets only the first call here, and `kernel_root` hands out no reference to the arena before TTBR0 is stored below: this is the only reference to it now.
    let arena = unsafe { &mut *ARENA.0.get() };
    let root = build(
        &Layout {
            regions: &pieces[..n],
        },
        arena,
        arena_pa,
    )?;
    let mmfr0 = sysreg::id_aa64mmfr0_el1();
    TCR.store(tcr(pa_bits_from_mmfr0(mmfr0))?, Ordering::Relaxed);
    TTBR0.store(root.ttbr0, Ordering::Release);
    Ok(())
}

/// Turns the MMU and caches on for this CPU with the shared tables.
pub fn enable_this_cpu() {
    let ttbr0 = TTBR0.load(Ordering::Acquire);
    if ttbr0 == 0 {
        return;
    }
    let tcr = TCR.load(Ordering::Relaxed);
    // UMA clear: EL0 (TAs) may not change their interrupt masks.
    let mut sctlr = sctlr_enable(sysreg::sctlr_el1()) & !(1 << 9);
    let pan = (sysreg::id_aa64mmfr1_el1() >> 20) & 0xf != 0;
    if pan {
        // SPAN clear: every exception taken to EL1 sets PSTATE.PAN, so the
        // core can never touch TA pages through their EL0 mappings (it
        // reaches TA memory only through its own map of the TA frames).
        sctlr &= !(1 << 23);
    }
    let regs = sysreg::MmuRegs {
        mair: mair(),
        tcr,
        ttbr0,
        sctlr,
        // CPACR_EL1.FPEN: a TA's first FP/SIMD use traps, so the core
        // can save the normal world's registers first (fp.rs).
        cpacr: crate::fp::CPACR_AT_BOOT,
    };
    // SAFETY: the tables map this code, its stack and data at their physical addresses (identity), and `regs` were computed by `oxtee_mm::regs` for them; execution continues unchanged once translation is on.
    unsafe { sysreg::enable_mmu(&regs) };
    if pan {
        // SAFETY: FEAT_PAN is present (checked above), and the core reaches TA memory only through its own map of the TA frames, never through EL0 mappings.
        unsafe { sysreg::set_pan() };
        PAN.store(true, Ordering::Relaxed);
    }
}

/// The core runs with PAN on every exception from EL0, so it may keep a
/// TA's root installed while it serves the TA (see user.rs `run`).
pub(crate) fn pan_enabled() -> bool {
    PAN.load(Ordering::Relaxed)
}

/// Puts this CPU back on the core's own root when it runs on another one
/// (a TA's), keeping the ASID with PAN (`tlb::kernel_root_keeping_asid`);
/// writes nothing when it is already there.
pub(crate) fn use_kernel_root() {
    let kernel = kernel_ttbr0();
    if kernel == 0 {
        return;
    }
    let target = crate::tlb::kernel_root_keeping_asid(kernel, sysreg::ttbr0_el1(), pan_enabled());
    // SAFETY: the kernel root maps the core as every TA root does (they share its tables), and maps global pages only, so any ASID gives the same translations of the core.
    unsafe { sysreg::switch_ttbr0_el1(target) };
}

/// The kernel's root table (read-only view), once the tables exist.
pub(crate) fn kernel_root() -> Option<&'static Table> {
    if TTBR0.load(Ordering::Acquire) == 0 {
        return None;
    }
    // SAFETY: TTBR0 is set (Release) after the last write to the arena, and BUILT keeps `build_tables` from writing it again: from here on the arena is read-only.
    let arena = unsafe { &*ARENA.0.get() };
    Some(&arena[0])
}

/// The kernel's TTBR0 value (0 until the tables exist).
pub(crate) fn kernel_ttbr0() -> u64 {
    TTBR0.load(Ordering::Acquire)
}
