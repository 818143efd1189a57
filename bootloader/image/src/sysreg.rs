//! System-register access at EL3. Reads are safe; writes that change how a
//! lower EL or EL3 itself behaves are `unsafe` with the contract stated on
//! each caller.

/// Reads a system register by name or `S<op0>_<op1>_C<n>_C<m>_<op2>` encoding.
macro_rules! read_sysreg {
    ($reg:tt) => {{
        let v: u64;
        // SAFETY: reading a system register has no side effect on memory.
        unsafe { core::arch::asm!(concat!("mrs {}, ", $reg), out(reg) v, options(nomem, nostack, preserves_flags)) };
        v
    }};
}

/// Writes a system register. Must be used inside an `unsafe` block whose
/// SAFETY comment justifies the write.
macro_rules! write_sysreg {
    ($reg:tt, $val:expr) => {{
        let v: u64 = $val;
        core::arch::asm!(concat!("msr ", $reg, ", {}"), in(reg) v, options(nostack, preserves_flags));
    }};
}

pub(crate) use read_sysreg;
pub(crate) use write_sysreg;

/// Instruction synchronisation barrier.
pub fn isb() {
    // SAFETY: a barrier has no memory-safety effect.
    unsafe { core::arch::asm!("isb", options(nostack, preserves_flags)) };
}

/// Full-system data synchronisation barrier.
pub fn dsb_sy() {
    // SAFETY: a barrier has no memory-safety effect.
    unsafe { core::arch::asm!("dsb sy", options(nostack, preserves_flags)) };
}

/// Wakes CPUs waiting in `wfe`.
pub fn sev() {
    // SAFETY: sends an event; no memory effect.
    unsafe { core::arch::asm!("sev", options(nomem, nostack, preserves_flags)) };
}

/// Waits for an event.
pub fn wfe() {
    // SAFETY: waits for an event; no memory effect.
    unsafe { core::arch::asm!("wfe", options(nomem, nostack, preserves_flags)) };
}

/// Waits for an interrupt.
pub fn wfi() {
    // SAFETY: waits for an interrupt; no memory effect.
    unsafe { core::arch::asm!("wfi", options(nomem, nostack, preserves_flags)) };
}

/// The physical counter and its frequency, for boot-time stamps.
pub fn counter_seconds() -> (u64, u64) {
    let cnt = read_sysreg!("cntpct_el0");
    let frq = read_sysreg!("cntfrq_el0").max(1);
    (cnt / frq, (cnt % frq) * 1000 / frq)
}

/// CPU features the monitor must know to save state correctly.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    /// FEAT_SVE.
    pub sve: bool,
    /// FEAT_SME.
    pub sme: bool,
    /// Pointer authentication (address or generic keys).
    pub pauth: bool,
    /// FEAT_CSV2_2 (SCXTNUM registers).
    pub scxtnum: bool,
}

impl Features {
    /// Reads the ID registers.
    pub fn read() -> Self {
        let pfr0 = read_sysreg!("id_aa64pfr0_el1");
        let pfr1 = read_sysreg!("id_aa64pfr1_el1");
        let isar1 = read_sysreg!("id_aa64isar1_el1");
        let isar2 = read_sysreg!("S3_0_C0_C6_2");
        let field = |v: u64, shift: u32| (v >> shift) & 0xf;
        let pauth = field(isar1, 4) != 0   // APA
            || field(isar1, 8) != 0        // API
            || field(isar1, 24) != 0       // GPA
            || field(isar1, 28) != 0       // GPI
            || field(isar2, 12) != 0       // APA3
            || field(isar2, 8) != 0; // GPA3
        Self {
            sve: field(pfr0, 32) != 0,
            sme: field(pfr1, 24) != 0,
            pauth,
            scxtnum: field(pfr0, 56) >= 2,
        }
    }
}
