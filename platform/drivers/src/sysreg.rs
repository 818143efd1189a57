//! System-register access (GICv3 CPU interface, MPIDR) and barriers.
//!
//! Registers are named by their generic encodings (`S<op0>_<op1>_C<n>_C<m>_<op2>`, as in the Arm
//! ARM) so that no assembler feature flags are needed. Three backends, chosen at compile time:
//!
//! * `aarch64` bare metal (`target_os = "none"`, not `test`): real `mrs`/`msr` instructions;
//! * `cfg(test)`: a per-thread fake register file that records every write (see `fake_log`);
//! * anything else (host builds): reads return 0, writes do nothing.
//!
//! None of these accesses can break memory safety (an access from the wrong exception level
//! traps; it does not corrupt memory), so the functions are safe.

/// Declares a read function for one system register.
macro_rules! sysreg_read {
    ($read:ident, $name:literal, $enc:literal) => {
        #[doc = concat!("Reads `", $name, "` (`", $enc, "`).")]
        #[inline]
        pub fn $read() -> u64 {
            #[cfg(all(target_arch = "aarch64", target_os = "none", not(test)))]
            {
                let value: u64;
                // SAFETY: `mrs` of this register only reads CPU state; it touches no memory.
                unsafe {
                    core::arch::asm!(
                        concat!("mrs {}, ", $enc),
                        out(reg) value,
                        options(nomem, nostack, preserves_flags)
                    )
                };
                value
            }
            #[cfg(test)]
            {
                fake_log::read($name)
            }
            #[cfg(not(any(test, all(target_arch = "aarch64", target_os = "none"))))]
            {
                0
            }
        }
    };
}

/// Declares a write function for one system register.
macro_rules! sysreg_write {
    ($write:ident, $name:literal, $enc:literal) => {
        #[doc = concat!("Writes `", $name, "` (`", $enc, "`).")]
        #[inline]
        pub fn $write(value: u64) {
            #[cfg(all(target_arch = "aarch64", target_os = "none", not(test)))]
            {
                // SAFETY: writing this GIC CPU-interface register changes interrupt routing or masking only; it cannot change memory mappings or permissions. Kept as a compiler memory barrier so it is ordered with surrounding MMIO.
                unsafe {
                    core::arch::asm!(
                        concat!("msr ", $enc, ", {}"),
                        in(reg) value,
                        options(nostack, preserves_flags)
                    )
                };
            }
            #[cfg(test)]
            {
                fake_log::write($name, value)
            }
            #[cfg(not(any(test, all(target_arch = "aarch64", target_os = "none"))))]
            {
                let _ = value;
            }
        }
    };
}

sysreg_read!(read_mpidr_el1, "MPIDR_EL1", "mpidr_el1");

sysreg_read!(read_icc_sre_el3, "ICC_SRE_EL3", "S3_6_C12_C12_5");
sysreg_write!(write_icc_sre_el3, "ICC_SRE_EL3", "S3_6_C12_C12_5");
sysreg_read!(read_icc_ctlr_el3, "ICC_CTLR_EL3", "S3_6_C12_C12_4");
sysreg_write!(write_icc_ctlr_el3, "ICC_CTLR_EL3", "S3_6_C12_C12_4");
sysreg_read!(read_icc_igrpen1_el3, "ICC_IGRPEN1_EL3", "S3_6_C12_C12_7");
sysreg_write!(write_icc_igrpen1_el3, "ICC_IGRPEN1_EL3", "S3_6_C12_C12_7");

sysreg_read!(read_icc_sre_el1, "ICC_SRE_EL1", "S3_0_C12_C12_5");
sysreg_write!(write_icc_sre_el1, "ICC_SRE_EL1", "S3_0_C12_C12_5");
sysreg_read!(read_icc_pmr_el1, "ICC_PMR_EL1", "S3_0_C4_C6_0");
sysreg_write!(write_icc_pmr_el1, "ICC_PMR_EL1", "S3_0_C4_C6_0");
sysreg_read!(read_icc_igrpen0_el1, "ICC_IGRPEN0_EL1", "S3_0_C12_C12_6");
sysreg_write!(write_icc_igrpen0_el1, "ICC_IGRPEN0_EL1", "S3_0_C12_C12_6");
sysreg_read!(read_icc_igrpen1_el1, "ICC_IGRPEN1_EL1", "S3_0_C12_C12_7");
sysreg_write!(write_icc_igrpen1_el1, "ICC_IGRPEN1_EL1", "S3_0_C12_C12_7");
sysreg_read!(read_icc_iar0_el1, "ICC_IAR0_EL1", "S3_0_C12_C8_0");
sysreg_write!(write_icc_eoir0_el1, "ICC_EOIR0_EL1", "S3_0_C12_C8_1");
sysreg_read!(read_icc_iar1_el1, "ICC_IAR1_EL1", "S3_0_C12_C12_0");
sysreg_write!(write_icc_eoir1_el1, "ICC_EOIR1_EL1", "S3_0_C12_C12_1");
sysreg_write!(write_icc_sgi0r_el1, "ICC_SGI0R_EL1", "S3_0_C12_C11_7");
sysreg_write!(write_icc_sgi1r_el1, "ICC_SGI1R_EL1", "S3_0_C12_C11_5");

/// `dsb sy`: waits until all earlier memory accesses (including to devices) are complete.
#[inline]
pub fn dsb_sy() {
    #[cfg(all(target_arch = "aarch64", target_os = "none", not(test)))]
    // SAFETY: a barrier instruction has no operands and no effect besides ordering.
    unsafe {
        core::arch::asm!("dsb sy", options(nostack, preserves_flags))
    };
    #[cfg(not(all(target_arch = "aarch64", target_os = "none", not(test))))]
    core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
}

/// `isb`: makes earlier system-register writes visible to the following instructions.
#[inline]
pub fn isb() {
    #[cfg(all(target_arch = "aarch64", target_os = "none", not(test)))]
    // SAFETY: a barrier instruction has no operands and no effect besides ordering.
    unsafe {
        core::arch::asm!("isb", options(nostack, preserves_flags))
    };
    #[cfg(not(all(target_arch = "aarch64", target_os = "none", not(test))))]
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
}

/// Host-test backend: a per-thread register file that records writes in order.
#[cfg(test)]
pub(crate) mod fake_log {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::vec::Vec;

    std::thread_local! {
        static VALUES: RefCell<HashMap<&'static str, u64>> = RefCell::new(HashMap::new());
        static WRITES: RefCell<Vec<(&'static str, u64)>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) fn read(name: &'static str) -> u64 {
        VALUES.with(|v| v.borrow().get(name).copied().unwrap_or(0))
    }

    pub(crate) fn write(name: &'static str, value: u64) {
        VALUES.with(|v| v.borrow_mut().insert(name, value));
        WRITES.with(|w| w.borrow_mut().push((name, value)));
    }

    /// Presets a register value (as if hardware had it) without logging a write.
    pub(crate) fn preset(name: &'static str, value: u64) {
        VALUES.with(|v| v.borrow_mut().insert(name, value));
    }

    /// Returns and clears the writes made by this thread.
    pub(crate) fn take_writes() -> Vec<(&'static str, u64)> {
        WRITES.with(|w| core::mem::take(&mut *w.borrow_mut()))
    }
}
