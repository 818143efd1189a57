//! What the TA runtime needs from the machine: memory of the TA frames,
//! translation tables, and running S-EL0 until its next exception.

use oxtee_frames::FrameRange;
use oxtee_mm::{LeafTables, UserKind, UserMapping, UserRoot};
use supplicant_proto::tee_error::TeeError;

/// The platform's hardware unique key: the root of the storage keys and
/// of TA unique keys.
#[derive(Clone, Copy)]
pub struct HwUniqueKey {
    /// The 16 key bytes.
    pub key: [u8; 16],
    /// A well-known test key (not secret): fine for emulators and
    /// development boards, never for a product.
    pub is_test_key: bool,
}

impl HwUniqueKey {
    /// OP-TEE's key on platforms without OTP (QEMU): all zeros. Sharing it
    /// keeps objects and TA unique keys portable between OP-TEE and oxtee
    /// there.
    pub const TEST: Self = Self {
        key: [0; 16],
        is_test_key: true,
    };
}

/// The core has no random source (or it failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoEntropy;

/// Registers of a TA between two of its exceptions: general registers,
/// return state, thread pointer and FP/SIMD state (saved on every exit
/// because another TA may run on this CPU before this one resumes).
#[repr(C, align(16))]
#[derive(Clone, Copy, Default)]
pub struct UserRegs {
    /// x0..x30.
    pub x: [u64; 31],
    /// SP_EL0.
    pub sp: u64,
    /// ELR_EL1: where the TA resumes.
    pub elr: u64,
    /// SPSR_EL1 for the return to EL0.
    pub spsr: u64,
    /// TPIDR_EL0 (libutee's TLS pointer).
    pub tpidr: u64,
    /// FPSR.
    pub fpsr: u64,
    /// FPCR.
    pub fpcr: u64,
    _pad: u64,
    /// q0..q31.
    pub q: [u128; 32],
}

// The assembly of the image addresses these fields by offset.
const _: () = assert!(core::mem::offset_of!(UserRegs, sp) == 248);
const _: () = assert!(core::mem::offset_of!(UserRegs, elr) == 256);
const _: () = assert!(core::mem::offset_of!(UserRegs, tpidr) == 272);
const _: () = assert!(core::mem::offset_of!(UserRegs, fpsr) == 280);
const _: () = assert!(core::mem::offset_of!(UserRegs, q) == 304);
const _: () = assert!(core::mem::size_of::<UserRegs>() == 816);

/// SPSR bits a TA owns and may carry from one exception to its next entry:
/// NZCV (31:28), DIT (24), SSBS (12) and BTYPE (11:10). Everything else
/// (M[4:0] mode and execution state, DAIF, IL, SS, PAN, UAO...) is the
/// kernel's to choose.
pub const SPSR_EL0_TA_BITS: u64 = 0xf000_0000 | 1 << 24 | 1 << 12 | 0b11 << 10;

/// The SPSR to `eret` to a TA with: AArch64 EL0t (M[4:0] = 0) and DAIF
/// clear, so native and foreign interrupts reach the core while the TA
/// runs, whatever a kernel bug left in `spsr` (never EL1, never a TA with
/// interrupts masked); only the TA's own flags are kept.
pub const fn el0_spsr(spsr: u64) -> u64 {
    spsr & SPSR_EL0_TA_BITS
}

/// Why a TA stopped running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trap {
    /// `svc #0`: a system call (number in x8).
    Syscall,
    /// A normal-world interrupt is pending: let it in, then resume.
    ForeignInterrupt,
    /// Any other synchronous exception (abort, undefined instruction,
    /// alignment...): the TA dies.
    Fault {
        /// ESR_EL1.
        esr: u64,
        /// FAR_EL1.
        far: u64,
    },
}

/// Machine services of the TA runtime (implemented by the image, faked in
/// host tests). Addresses are physical addresses of TA frames handed out by
/// the runtime's own frame allocator; implementations may refuse others.
pub trait UserHw: Sync {
    /// Copies TA-frame memory at `pa` into `dst`; fails, copying nothing,
    /// for a range outside the TA frame pool.
    fn read(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError>;
    /// Copies `src` into TA-frame memory at `pa`; fails, writing nothing,
    /// for a range outside the TA frame pool.
    fn write(&self, pa: u64, src: &[u8]) -> Result<(), TeeError>;
    /// Zeroes `len` bytes of TA-frame memory at `pa`; fails, writing
    /// nothing, for a range outside the TA frame pool.
    fn zero(&self, pa: u64, len: u64) -> Result<(), TeeError>;
    /// Copies normal-world memory at `pa` (a page of a shared-memory
    /// parameter mapped into a TA) into `dst`, through the core's
    /// normal-world accessor; fails, copying nothing, outside the normal
    /// world's RAM.
    fn read_ns(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError>;
    /// Copies `src` to normal-world memory at `pa`, as [`UserHw::read_ns`].
    fn write_ns(&self, pa: u64, src: &[u8]) -> Result<(), TeeError>;
    /// Makes code written into TA frames at `pa` visible to instruction fetch.
    fn sync_code(&self, pa: u64, len: u64);
    /// Builds translation tables for `maps` (kernel map shared, TA window
    /// added) in `arena`, with the kept level-3 tables `leaves` linked in,
    /// through `oxtee_mm::build_user_window_with_leaves`, the only maker of
    /// a [`UserRoot`].
    fn build_tables(
        &self,
        arena: FrameRange,
        maps: &[UserMapping],
        leaves: &LeafTables<'_>,
    ) -> Result<UserRoot, TeeError>;
    /// Maps `pages` (one physical address per 4 KiB page) at `va` as
    /// `kind` by writing their leaf entries into the kept tables `leaves`
    /// (TA frames zeroed when allocated) through `oxtee_mm::map_leaves`,
    /// which checks every entry, then publishes them (no TLB maintenance:
    /// the entries were invalid). On error nothing is mapped.
    fn map_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        pages: &[u64],
        kind: UserKind,
    ) -> Result<(), TeeError>;
    /// Unmaps `count` pages at `va` from the kept tables `leaves`
    /// (`oxtee_mm::unmap_leaves`) and drops their TLB entries of `asid`
    /// before returning, on every CPU that may hold them: those of `cpus`
    /// (bit n: the TA ran on CPU n while the pages were mapped; this CPU's
    /// TLB alone when no other).
    fn unmap_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        count: usize,
        asid: u16,
        cpus: u64,
    ) -> Result<(), TeeError>;
    /// Index of the CPU running the caller (below 64), for the TLB
    /// bookkeeping of [`UserHw::unmap_leaves`].
    fn this_cpu(&self) -> usize;
    /// Runs the TA on this CPU in the address space `root` (tagged with its
    /// ASID) until its next exception; `flush` invalidates the ASID's TLB
    /// entries first (after its tables changed). The root may stay
    /// installed after the exception, while the core serves the TA (the
    /// core never reaches TA memory through its EL0 mappings), until
    /// [`UserHw::leave_user_space`].
    fn run(&self, root: UserRoot, flush: bool, regs: &mut UserRegs) -> Trap;
    /// Puts this CPU back in the core's own address space if a TA's root is
    /// still installed: before that TA's tables are freed, and when a call
    /// into a TA ends (the instance may then run on another CPU, or go).
    fn leave_user_space(&self);
    /// Generic counter value and frequency (Hz).
    fn counter(&self) -> (u64, u64);
    /// Fills `buf` from the core's random source, or fails when there is
    /// none (the caller must then fail too: never use `buf`).
    fn random(&self, buf: &mut [u8]) -> Result<(), NoEntropy>;
    /// Writes a line made of `pieces` on the secure console.
    fn log(&self, pieces: &[oxtee_log_line::Piece<'_>]);
    /// The platform's hardware unique key.
    fn hw_unique_key(&self) -> HwUniqueKey;
    /// A counter only the secure world advances (secure flash, RPMB), which
    /// the store uses against rollback; `None` when the platform has none.
    fn rollback_anchor(
        &self,
    ) -> Option<alloc::boxed::Box<dyn oxtee_storage::RollbackAnchor + Send>> {
        None
    }
    /// May the RPMB store program a blank device's authentication key? The
    /// key then crosses the normal world in clear (OP-TEE's
    /// `CFG_RPMB_WRITE_KEY`): only platforms with a test key allow it.
    fn rpmb_key_write_allowed(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODE: u64 = 0x1f;
    const DAIF: u64 = 0xf << 6;

    #[test]
    fn el0_spsr_never_enters_el1_or_masks_interrupts() {
        // EL1t, EL1h, EL2h, EL3h, AArch32 modes, with every DAIF and other bit set.
        for mode in 0..=MODE {
            let given = !MODE | mode;
            let s = el0_spsr(given);
            assert_eq!(s & MODE, 0, "mode {mode:#x} kept");
            assert_eq!(s & DAIF, 0, "DAIF kept for mode {mode:#x}");
            assert_eq!(s & !SPSR_EL0_TA_BITS, 0);
        }
        assert_eq!(el0_spsr(0x3c5), 0, "EL1h, all masked");
    }

    #[test]
    fn el0_spsr_keeps_the_ta_flags() {
        assert_eq!(el0_spsr(0), 0);
        for flags in [0x8000_0000, 0x6000_0000, 1 << 24, 1 << 12, 0b10 << 10] {
            assert_eq!(el0_spsr(flags | 0x3c5), flags);
        }
    }
}
