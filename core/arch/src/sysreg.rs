//! The core's one system-register layer: every `mrs`, `msr`, barrier, cache
//! and TLB instruction the secure OS issues from Rust is a function here
//! (the assembly files hold only entry, exit and switch paths).
//!
//! Registers are named as the Arm ARM names them; those the assembler may not
//! know by name are written by their `S<op0>_<op1>_C<n>_C<m>_<op2>` encoding.
//!
//! - Reads, barriers, cache cleaning and TLB invalidation cannot break memory
//!   safety: safe functions.
//! - Writes that change translation, access permissions or what traps
//!   (`TTBR0_EL1`, `CPACR_EL1`, PAN, the MMU enable, unmasking interrupts)
//!   are `unsafe fn`, each with the contract its caller must keep.
//! - Writes that only steer interrupts and the secure timer are safe.
//!
//! On the host (`cfg(not(target_os = "none"))`) the same functions work on a
//! per-thread fake register file that logs every write and maintenance
//! operation in order, so the logic built on them is unit-tested.

/// Declares a side-effect-free read of one register.
macro_rules! read {
    ($fn:ident, $name:literal, $enc:literal) => {
        #[doc = concat!("Reads `", $name, "`.")]
        #[inline]
        pub fn $fn() -> u64 {
            #[cfg(target_os = "none")]
            {
                let v: u64;
                // SAFETY: reading this register has no side effect and touches no memory.
                unsafe {
                    core::arch::asm!(concat!("mrs {}, ", $enc), out(reg) v, options(nomem, nostack, preserves_flags))
                };
                v
            }
            #[cfg(not(target_os = "none"))]
            {
                fake::read($name)
            }
        }
    };
}

/// Declares a write of one register that cannot break memory safety.
macro_rules! write {
    ($fn:ident, $name:literal, $enc:literal) => {
        #[doc = concat!("Writes `", $name, "` (interrupt routing or the secure timer only).")]
        #[inline]
        pub fn $fn(v: u64) {
            #[cfg(target_os = "none")]
            // SAFETY: this register steers interrupts or the secure timer; no mapping, permission or trap changes.
            unsafe {
                core::arch::asm!(concat!("msr ", $enc, ", {}"), in(reg) v, options(nostack, preserves_flags))
            };
            #[cfg(not(target_os = "none"))]
            fake::write($name, v);
        }
    };
}

/// Issues one instruction without operands (barriers, whole-cache maintenance).
macro_rules! op {
    ($fn:ident, $insn:literal, $doc:literal) => {
        #[doc = $doc]
        #[inline]
        pub fn $fn() {
            #[cfg(target_os = "none")]
            // SAFETY: a barrier or cache/TLB maintenance instruction: it orders or drops cached state, never changes memory contents.
            unsafe {
                core::arch::asm!($insn, options(nostack, preserves_flags))
            };
            #[cfg(not(target_os = "none"))]
            fake::op($insn, 0);
        }
    };
}

read!(mpidr_el1, "MPIDR_EL1", "mpidr_el1");
read!(isr_el1, "ISR_EL1", "isr_el1");
read!(ctr_el0, "CTR_EL0", "ctr_el0");
read!(esr_el1, "ESR_EL1", "esr_el1");
read!(far_el1, "FAR_EL1", "far_el1");
read!(sctlr_el1, "SCTLR_EL1", "sctlr_el1");
read!(ttbr0_el1, "TTBR0_EL1", "ttbr0_el1");
read!(cpacr_el1, "CPACR_EL1", "cpacr_el1");
read!(cntfrq_el0, "CNTFRQ_EL0", "cntfrq_el0");
read!(id_aa64mmfr0_el1, "ID_AA64MMFR0_EL1", "id_aa64mmfr0_el1");
read!(id_aa64mmfr1_el1, "ID_AA64MMFR1_EL1", "id_aa64mmfr1_el1");
read!(id_aa64isar0_el1, "ID_AA64ISAR0_EL1", "id_aa64isar0_el1");
read!(id_aa64pfr0_el1, "ID_AA64PFR0_EL1", "id_aa64pfr0_el1");
read!(id_aa64pfr1_el1, "ID_AA64PFR1_EL1", "id_aa64pfr1_el1");
read!(svcr, "SVCR", "S3_3_C4_C2_2");
read!(id_aa64zfr0_el1, "ID_AA64ZFR0_EL1", "S3_0_C0_C4_4");
// Only with SVE usable at EL1 (CPACR_EL1.ZEN, fp_regs::init_this_cpu).
read!(zcr_el1, "ZCR_EL1", "S3_0_C1_C2_0");

write!(icc_bpr1_el1, "ICC_BPR1_EL1", "S3_0_C12_C12_3");
write!(icc_igrpen1_el1, "ICC_IGRPEN1_EL1", "S3_0_C12_C12_7");
write!(icc_eoir1_el1, "ICC_EOIR1_EL1", "S3_0_C12_C12_1");
write!(cntps_tval_el1, "CNTPS_TVAL_EL1", "cntps_tval_el1");
write!(cntps_ctl_el1, "CNTPS_CTL_EL1", "cntps_ctl_el1");

op!(
    isb,
    "isb",
    "`isb`: later instructions see earlier system-register writes."
);
op!(
    dsb_ish,
    "dsb ish",
    "`dsb ish`: inner-shareable completion barrier."
);
op!(
    dsb_ishst,
    "dsb ishst",
    "`dsb ishst`: inner-shareable barrier for earlier stores."
);
op!(
    dsb_nsh,
    "dsb nsh",
    "`dsb nsh`: completion barrier for this CPU (local TLB maintenance)."
);
op!(
    dsb_nshst,
    "dsb nshst",
    "`dsb nshst`: barrier for earlier stores, for this CPU's table walks."
);
op!(
    ic_ialluis,
    "ic ialluis",
    "`ic ialluis`: invalidates every CPU's instruction cache (inner shareable)."
);
op!(wfi, "wfi", "`wfi`: waits for an interrupt.");

/// The physical counter (after an `isb`, so it is not read early).
#[inline]
pub fn cntpct_el0() -> u64 {
    #[cfg(target_os = "none")]
    {
        let v: u64;
        // SAFETY: reads the generic timer's counter; no memory access.
        unsafe {
            core::arch::asm!("isb", "mrs {}, cntpct_el0", out(reg) v, options(nomem, nostack, preserves_flags))
        };
        v
    }
    #[cfg(not(target_os = "none"))]
    {
        fake::read("CNTPCT_EL0")
    }
}

/// Acknowledges the highest-priority pending Secure Group 1 interrupt of
/// this CPU (`ICC_IAR1_EL1`, a read with a side effect); returns its INTID.
#[inline]
pub fn icc_iar1_el1() -> u64 {
    #[cfg(target_os = "none")]
    {
        let v: u64;
        // SAFETY: acknowledging an interrupt changes GIC state only, no memory.
        unsafe {
            core::arch::asm!("mrs {}, S3_0_C12_C12_0", out(reg) v, options(nostack, preserves_flags))
        };
        v
    }
    #[cfg(not(target_os = "none"))]
    {
        fake::read("ICC_IAR1_EL1")
    }
}

/// One value of the CPU's random number generator (`RNDR`, FEAT_RNG), or
/// `None` when it reports a failure. Only call when `ID_AA64ISAR0_EL1.RNDR`
/// says the register exists.
#[inline]
pub fn rndr() -> Option<u64> {
    #[cfg(target_os = "none")]
    {
        let (v, ok): (u64, u64);
        // SAFETY: RNDR only reads the hardware generator; NZCV tells success.
        unsafe {
            core::arch::asm!(
                "mrs {v}, s3_3_c2_c4_0",
                "cset {ok}, ne",
                v = out(reg) v,
                ok = out(reg) ok,
                options(nomem, nostack)
            )
        };
        (ok != 0).then_some(v)
    }
    #[cfg(not(target_os = "none"))]
    {
        fake::rndr()
    }
}

/// `dc cvau`: cleans the data cache line holding `va` to the point of
/// unification (memory contents unchanged).
#[inline]
pub fn dc_cvau(va: u64) {
    #[cfg(target_os = "none")]
    // SAFETY: cleaning a line writes its data back; memory contents do not change. A VA without a mapping faults, it does not corrupt.
    unsafe {
        core::arch::asm!("dc cvau, {}", in(reg) va, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::op("dc cvau", va);
}

/// `tlbi aside1is`: drops every CPU's TLB entries of the ASID in bits
/// 63:48 of `asid` (inner shareable), after a store barrier so that table
/// writes are seen first. Never unsafe: entries are only refetched.
#[inline]
pub fn tlbi_aside1is(asid: u64) {
    dsb_ishst();
    #[cfg(target_os = "none")]
    // SAFETY: invalidating TLB entries only makes the walker refetch them from the tables.
    unsafe {
        core::arch::asm!("tlbi aside1is, {}", in(reg) asid, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::op("tlbi aside1is", asid);
    dsb_ish();
}

/// `tlbi vale1is`: drops every CPU's last-level TLB entries for one page
/// (inner shareable): `operand` holds the ASID in bits 63:48 and VA[55:12]
/// in bits 43:0. Barriers are the caller's (see `tlb.rs`). Never unsafe:
/// entries are only refetched.
#[inline]
pub fn tlbi_vale1is(operand: u64) {
    #[cfg(target_os = "none")]
    // SAFETY: invalidating TLB entries only makes the walker refetch them from the tables.
    unsafe {
        core::arch::asm!("tlbi vale1is, {}", in(reg) operand, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::op("tlbi vale1is", operand);
}

/// `tlbi vale1`: drops this CPU's last-level TLB entries for one page
/// (operand as [`tlbi_vale1is`]). Barriers are the caller's. Never unsafe:
/// entries are only refetched.
#[inline]
pub fn tlbi_vale1(operand: u64) {
    #[cfg(target_os = "none")]
    // SAFETY: invalidating TLB entries only makes the walker refetch them from the tables.
    unsafe {
        core::arch::asm!("tlbi vale1, {}", in(reg) operand, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::op("tlbi vale1", operand);
}

/// `tlbi aside1`: drops this CPU's TLB entries of the ASID in bits 63:48
/// of `asid`. Barriers are the caller's. Never unsafe: entries are only
/// refetched.
#[inline]
pub fn tlbi_aside1(asid: u64) {
    #[cfg(target_os = "none")]
    // SAFETY: invalidating TLB entries only makes the walker refetch them from the tables.
    unsafe {
        core::arch::asm!("tlbi aside1, {}", in(reg) asid, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::op("tlbi aside1", asid);
}

/// Switches the EL0/EL1 lower-half translation to `ttbr0` (then `isb`).
///
/// # Safety
/// The tables at `ttbr0` must map the code, stack and every object the core
/// uses from now on exactly as the current ones do (the core's identity map,
/// shared by every user root), and stay valid while installed.
#[inline]
pub unsafe fn set_ttbr0_el1(ttbr0: u64) {
    #[cfg(target_os = "none")]
    // SAFETY: the caller's contract keeps everything the core touches mapped as before.
    unsafe {
        core::arch::asm!("msr ttbr0_el1, {}", "isb", in(reg) ttbr0, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::write("TTBR0_EL1", ttbr0);
}

/// Installs `ttbr0` as [`set_ttbr0_el1`] does, unless `TTBR0_EL1` already
/// holds it: QEMU flushes its whole TLB on every write that changes the
/// ASID, and an unchanged value needs no write.
///
/// # Safety
/// As for [`set_ttbr0_el1`].
#[inline]
// SAFETY: an `unsafe fn` because it may write TTBR0_EL1 (contract of `set_ttbr0_el1`); reading it first has no effect.
pub unsafe fn switch_ttbr0_el1(ttbr0: u64) {
    if ttbr0_el1() != ttbr0 {
        // SAFETY: the caller's contract.
        unsafe { set_ttbr0_el1(ttbr0) };
    }
}

/// Writes `CPACR_EL1` (then `isb`): which FP/SIMD accesses trap.
///
/// # Safety
/// Whatever EL0 may access untrapped from now on must hold only state the
/// code running there may see (the normal world's registers saved away and
/// the TA's own loaded before it runs); the core itself, built soft-float,
/// must not rely on the access.
#[inline]
pub unsafe fn set_cpacr_el1(v: u64) {
    #[cfg(target_os = "none")]
    // SAFETY: the caller's contract.
    unsafe {
        core::arch::asm!("msr cpacr_el1, {}", "isb", in(reg) v, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::write("CPACR_EL1", v);
}

/// Writes `ZCR_EL1` (then `isb`): the SVE vector length of EL1 and EL0.
///
/// # Safety
/// Only with SVE usable at EL1 (`CPACR_EL1.ZEN`), and only while no SVE
/// state that must be kept is live in the registers (a shorter length
/// drops the bits above it).
#[inline]
pub unsafe fn set_zcr_el1(v: u64) {
    #[cfg(target_os = "none")]
    // SAFETY: the caller's contract.
    unsafe {
        core::arch::asm!("msr S3_0_C1_C2_0, {}", "isb", in(reg) v, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::write("ZCR_EL1", v);
}

/// Sets `PSTATE.PAN` (through the PAN register, then `isb`): EL1 can no
/// longer touch pages EL0 may access.
///
/// # Safety
/// Only with FEAT_PAN (`ID_AA64MMFR1_EL1.PAN`), and the core must never
/// reach memory through EL0-accessible mappings afterwards.
#[inline]
pub unsafe fn set_pan() {
    #[cfg(target_os = "none")]
    // SAFETY: the caller's contract (FEAT_PAN present; the core uses its own mappings only).
    unsafe {
        core::arch::asm!("msr S3_0_C4_C2_3, {}", "isb", in(reg) 1u64 << 22, options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::write("PAN", 1 << 22);
}

/// Unmasks IRQs (native, secure interrupts) at EL1.
///
/// # Safety
/// `VBAR_EL1` must hold the core's vectors, whose IRQ entry saves and
/// restores everything it touches, and the caller must mask them again
/// ([`mask_irq`]) before it relies on running uninterrupted.
#[inline]
pub unsafe fn unmask_irq() {
    #[cfg(target_os = "none")]
    // SAFETY: the caller's contract (the IRQ vector is installed and preserves state).
    unsafe {
        core::arch::asm!("msr daifclr, #2", options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::write("DAIF.I", 0);
}

/// Masks IRQs at EL1 again.
#[inline]
pub fn mask_irq() {
    #[cfg(target_os = "none")]
    // SAFETY: masking interrupts only delays them.
    unsafe {
        core::arch::asm!("msr daifset, #2", options(nostack, preserves_flags))
    };
    #[cfg(not(target_os = "none"))]
    fake::write("DAIF.I", 1);
}

/// The values [`enable_mmu`] installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmuRegs {
    /// MAIR_EL1.
    pub mair: u64,
    /// TCR_EL1.
    pub tcr: u64,
    /// TTBR0_EL1.
    pub ttbr0: u64,
    /// SCTLR_EL1 with M, C and I set.
    pub sctlr: u64,
    /// CPACR_EL1.
    pub cpacr: u64,
}

/// Turns translation and caches on for this CPU: MAIR, TCR and TTBR0, then
/// invalidates this CPU's TLB and instruction cache, then SCTLR and CPACR.
/// One assembly sequence, so no memory access falls between the steps.
///
/// # Safety
/// The tables at `regs.ttbr0` must map this code, its stack and data at
/// their current (physical) addresses, so execution goes on unchanged once
/// translation is on; `regs` must be values `oxtee_mm::regs` computed for
/// those tables.
#[inline]
pub unsafe fn enable_mmu(regs: &MmuRegs) {
    #[cfg(target_os = "none")]
    // SAFETY: the caller's contract: identity-mapped code and data; TLBs and I-cache are invalidated before translation is used.
    unsafe {
        core::arch::asm!(
            "msr mair_el1, {mair}",
            "msr tcr_el1, {tcr}",
            "msr ttbr0_el1, {ttbr0}",
            "isb",
            "tlbi vmalle1",
            "dsb nsh",
            "ic iallu",
            "dsb nsh",
            "isb",
            "msr sctlr_el1, {sctlr}",
            "msr cpacr_el1, {cpacr}",
            "isb",
            mair = in(reg) regs.mair,
            tcr = in(reg) regs.tcr,
            ttbr0 = in(reg) regs.ttbr0,
            sctlr = in(reg) regs.sctlr,
            cpacr = in(reg) regs.cpacr,
            options(nostack)
        )
    };
    #[cfg(not(target_os = "none"))]
    {
        fake::write("MAIR_EL1", regs.mair);
        fake::write("TCR_EL1", regs.tcr);
        fake::write("TTBR0_EL1", regs.ttbr0);
        fake::write("SCTLR_EL1", regs.sctlr);
        fake::write("CPACR_EL1", regs.cpacr);
    }
}

/// Host backend: a per-thread register file; writes and maintenance
/// operations are logged in order.
#[cfg(not(target_os = "none"))]
pub mod fake {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::vec::Vec;

    std::thread_local! {
        static VALUES: RefCell<HashMap<&'static str, u64>> = RefCell::new(HashMap::new());
        static LOG: RefCell<Vec<(&'static str, u64)>> = const { RefCell::new(Vec::new()) };
        static RNDR: RefCell<Vec<Option<u64>>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) fn read(name: &'static str) -> u64 {
        VALUES.with(|v| v.borrow().get(name).copied().unwrap_or(0))
    }

    pub(crate) fn write(name: &'static str, value: u64) {
        VALUES.with(|v| v.borrow_mut().insert(name, value));
        LOG.with(|l| l.borrow_mut().push((name, value)));
    }

    pub(crate) fn op(insn: &'static str, operand: u64) {
        LOG.with(|l| l.borrow_mut().push((insn, operand)));
    }

    pub(crate) fn rndr() -> Option<u64> {
        RNDR.with(|r| {
            let mut r = r.borrow_mut();
            if r.is_empty() {
                None
            } else {
                r.remove(0)
            }
        })
    }

    /// Gives a register a value, as the hardware would hold it (not logged).
    pub fn preset(name: &'static str, value: u64) {
        VALUES.with(|v| v.borrow_mut().insert(name, value));
    }

    /// The answers the next `RNDR` reads give, in order (`None`: a failure).
    pub fn script_rndr(values: &[Option<u64>]) {
        RNDR.with(|r| *r.borrow_mut() = values.to_vec());
    }

    /// Takes the writes and operations logged on this thread so far.
    pub fn take_log() -> Vec<(&'static str, u64)> {
        LOG.with(|l| core::mem::take(&mut *l.borrow_mut()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_already_installed_is_not_written_again() {
        const TA_ROOT: u64 = (7 << 48) | 0x4800_0000;
        fake::preset("TTBR0_EL1", TA_ROOT);
        fake::take_log();
        // SAFETY: the fake register file only.
        unsafe { switch_ttbr0_el1(TA_ROOT) };
        assert_eq!(fake::take_log(), []);
        // SAFETY: as above.
        unsafe { switch_ttbr0_el1(0x4000_0000) };
        assert_eq!(fake::take_log(), [("TTBR0_EL1", 0x4000_0000)]);
        assert_eq!(ttbr0_el1(), 0x4000_0000);
    }
}
