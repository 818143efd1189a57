//! The machine side of running trusted applications at S-EL0: TA frame
//! memory, translation tables, and the enter/leave path (asm/entry.S).

use oxtee_frames::FrameRange;
use oxtee_kernel::user_ta::hw::{el0_spsr, Trap, UserRegs};
use oxtee_mm::{
    build_user_window_with_leaves, LeafTables, Table, UserKind, UserMapping, UserRoot, TA_WINDOW,
};
use supplicant_proto::tee_error::TeeError;

use crate::log::error;
use crate::sysreg;

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

/// The hardware half of the TA runtime's `UserHw`: TA frame memory, user
/// translation tables, caches and the S-EL0 entry; the image adds the
/// platform's policy (random source, keys, anchor, log).
pub struct UserCpu;

/// The range is TA frame memory (the only memory this interface touches).
fn frames_range(pa: u64, len: u64) -> bool {
    pa >= FRAMES.start && pa.checked_add(len).is_some_and(|e| e <= FRAMES.end)
}

/// Most kept tables a parameter window has (256 MiB of 2 MiB tables).
const MAX_KEPT_TABLES: usize = 128;

/// Runs `f` on the kept level-3 tables of `leaves`, once each is checked to
/// be a distinct, 4 KiB aligned frame of the pool.
fn with_kept_tables(
    leaves: &LeafTables<'_>,
    f: impl FnOnce(&mut [&mut Table]) -> Result<(), oxtee_mm::MmError>,
) -> Result<(), TeeError> {
    let pas = leaves.tables;
    let distinct = pas.iter().enumerate().all(|(i, a)| !pas[..i].contains(a));
    let in_pool = pas.iter().all(|&t| t % 4096 == 0 && frames_range(t, 4096));
    if pas.len() > MAX_KEPT_TABLES || !distinct || !in_pool {
        error!("TA kept tables refused");
        return Err(TeeError::GENERIC);
    }
    // Each of `pas` is a 4 KiB aligned frame of the pool (checked above), distinct from the
    // others, kept by the TA runtime as a table of this space and used for nothing else; the
    // space does not run while its tables are patched.
    // SAFETY: `table` only gets those addresses, so the reference is to a table no one else holds.
    let table = |pa: u64| unsafe { &mut *(pa as *mut Table) };
    // A window of one or two tables (every call's buffers up to 4 MiB) needs no list on the heap.
    let r = match *pas {
        [a] => f(&mut [table(a)]),
        [a, b] => f(&mut [table(a), table(b)]),
        _ => {
            let mut list: alloc::vec::Vec<&mut Table> = alloc::vec::Vec::new();
            list.try_reserve_exact(pas.len())
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            list.extend(pas.iter().map(|&pa| table(pa)));
            f(&mut list)
        }
    };
    r.map_err(|e| {
        error!("TA parameter map: ", crate::log::described(e.describe()));
        TeeError::BAD_PARAMETERS
    })
}

impl UserCpu {
    /// See `UserHw::read`.
    pub fn read(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError> {
        if !frames_range(pa, dst.len() as u64) {
            error!("TA read outside the frame pool: ", crate::log::hex(pa));
            return Err(TeeError::GENERIC);
        }
        // SAFETY: checked above to lie in the TA frame pool, identity mapped RW for the kernel; copied, never referenced.
        unsafe { core::ptr::copy_nonoverlapping(pa as *const u8, dst.as_mut_ptr(), dst.len()) };
        Ok(())
    }

    /// See `UserHw::write`.
    pub fn write(&self, pa: u64, src: &[u8]) -> Result<(), TeeError> {
        if !frames_range(pa, src.len() as u64) {
            error!("TA write outside the frame pool: ", crate::log::hex(pa));
            return Err(TeeError::GENERIC);
        }
        // SAFETY: as in `read`; the frames belong to the TA runtime, which owns this write.
        unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), pa as *mut u8, src.len()) };
        Ok(())
    }

    /// See `UserHw::zero`.
    pub fn zero(&self, pa: u64, len: u64) -> Result<(), TeeError> {
        if !frames_range(pa, len) {
            error!("TA zero outside the frame pool: ", crate::log::hex(pa));
            return Err(TeeError::GENERIC);
        }
        // SAFETY: as in `write`.
        unsafe { core::ptr::write_bytes(pa as *mut u8, 0, len as usize) };
        Ok(())
    }

    /// See `UserHw::sync_code`.
    pub fn sync_code(&self, pa: u64, len: u64) {
        if !frames_range(pa, len) {
            error!("TA code sync outside the frame pool: ", crate::log::hex(pa));
            return;
        }
        // The frames may have held another TA's code, fetched on any CPU
        // (identity mapped: the physical address is the core's VA).
        crate::cache::sync_code(pa, len);
    }

    /// See `UserHw::build_tables`.
    pub fn build_tables(
        &self,
        arena: FrameRange,
        maps: &[UserMapping],
        leaves: &LeafTables<'_>,
    ) -> Result<UserRoot, TeeError> {
        if !frames_range(arena.start(), arena.size()) {
            return Err(TeeError::GENERIC);
        }
        // Kept tables are linked, never written here: they only need to be
        // TA frames (their entries come from `map_leaves` alone).
        if !leaves.tables.iter().all(|&t| frames_range(t, 4096)) {
            error!("TA kept tables outside the frame pool");
            return Err(TeeError::GENERIC);
        }
        let n = (arena.size() / 4096) as usize;
        // SAFETY: the arena is zeroed frames of the pool, owned by the TA runtime and used for nothing else.
        let tables = unsafe { core::slice::from_raw_parts_mut(arena.start() as *mut Table, n) };
        let kroot = crate::mmu::kernel_root().ok_or(TeeError::BAD_STATE)?;
        build_user_window_with_leaves(kroot, TA_WINDOW, maps, leaves, tables, arena.start())
            .map_err(|e| {
                error!("TA map: ", crate::log::described(e.describe()));
                TeeError::OUT_OF_MEMORY
            })
    }

    /// See `UserHw::map_leaves`.
    pub fn map_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        pages: &[u64],
        kind: UserKind,
    ) -> Result<(), TeeError> {
        with_kept_tables(leaves, |tables| {
            oxtee_mm::map_leaves(tables, leaves.start, va, pages, kind)
        })?;
        crate::tlb::publish_new_pages();
        Ok(())
    }

    /// See `UserHw::unmap_leaves`.
    pub fn unmap_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        count: usize,
        asid: u16,
        cpus: u64,
    ) -> Result<(), TeeError> {
        with_kept_tables(leaves, |tables| {
            oxtee_mm::unmap_leaves(tables, leaves.start, va, count)
        })?;
        crate::tlb::drop_user_pages(asid, va, count as u64, cpus);
        Ok(())
    }

    /// See `UserHw::this_cpu`.
    pub fn this_cpu(&self) -> usize {
        crate::cpu::cpu_index()
    }

    /// See `UserHw::run`.
    pub fn run(&self, root: UserRoot, flush: bool, regs: &mut UserRegs) -> Trap {
        let ttbr0 = root.ttbr0();
        let kernel_ttbr0 = crate::mmu::kernel_ttbr0();
        // Only roots `build_tables` put in TA frames, over the kernel's map.
        if kernel_ttbr0 == 0 || !frames_range(ttbr0 & oxtee_mm::desc::ADDR_MASK, 4096) {
            error!(
                "TA run with a root outside the frame pool: ",
                crate::log::hex(ttbr0)
            );
            return Trap::Fault { esr: 0, far: 0 };
        }
        let asid = ttbr0 & (0xffff << 48);
        if flush {
            // Stale TLB entries of the ASID go when its tables changed.
            sysreg::tlbi_aside1is(asid);
        }
        // The root stays installed from here while the core serves this TA
        // (see `leave_user_space`): in QEMU every write that changes the ASID
        // flushes the whole TLB, so switching on each exception would cost
        // two flushes per system call.
        // SAFETY: the user root maps the kernel exactly like the kernel root (shared tables) plus the TA window, so switching TTBR0 keeps this code and stack mapped; its tables stay allocated until the TA runtime calls `leave_user_space`.
        unsafe { sysreg::switch_ttbr0_el1(ttbr0) };
        let cpu = crate::cpu::cpu_index();
        let (kind, esr, far) = loop {
            // The return state is forced to EL0t here, at the last step before
            // `eret`, so no caller can enter a TA at EL1 or with interrupts masked.
            regs.spsr = el0_spsr(regs.spsr);
            let fp = crate::fp::ta_owns_fp(cpu);
            // SAFETY: `regs` is the TA's full register set with an EL0 return state; user_enter returns here at its next exception with the registers saved back (FP/SIMD only when `fp`, see fp.rs).
            let kind = unsafe { user_enter(regs, u64::from(fp)) };
            let (esr, far) = (sysreg::esr_el1(), sysreg::far_el1());
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
        if !crate::mmu::pan_enabled() {
            // Without PAN nothing would keep the core off the TA's pages
            // through their EL0 mappings: back to its own root at once.
            crate::mmu::use_kernel_root();
        }
        match kind {
            1 => Trap::ForeignInterrupt,
            _ if esr >> 26 == EC_SVC64 => Trap::Syscall,
            _ => Trap::Fault { esr, far },
        }
    }

    /// See `UserHw::leave_user_space`.
    pub fn leave_user_space(&self) {
        crate::mmu::use_kernel_root();
    }

    /// See `UserHw::counter`.
    pub fn counter(&self) -> (u64, u64) {
        (sysreg::cntpct_el0(), sysreg::cntfrq_el0())
    }
}
