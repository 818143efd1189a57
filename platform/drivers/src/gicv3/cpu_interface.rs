//! CPU interface (ICC_* system registers) set-up at EL3, and SGI generation.

use super::GicError;
use crate::sysreg;

/// `ICC_SRE_ELx.SRE`: use the system-register interface.
pub const ICC_SRE_SRE: u64 = 1 << 0;
/// `ICC_SRE_ELx.DFB`: disable FIQ bypass.
pub const ICC_SRE_DFB: u64 = 1 << 1;
/// `ICC_SRE_ELx.DIB`: disable IRQ bypass.
pub const ICC_SRE_DIB: u64 = 1 << 2;
/// `ICC_SRE_EL3.Enable`: lower exception levels may access `ICC_SRE_EL1`/`EL2`.
pub const ICC_SRE_EL3_ENABLE: u64 = 1 << 3;
/// `ICC_IGRPEN1_EL3.EnableGrp1NS`.
pub const ICC_IGRPEN1_EL3_GRP1NS: u64 = 1 << 0;
/// `ICC_IGRPEN1_EL3.EnableGrp1S`.
pub const ICC_IGRPEN1_EL3_GRP1S: u64 = 1 << 1;
/// Lowest-priority mask: every priority is let through.
pub const PMR_ALLOW_ALL: u64 = 0xff;

/// Initialises this CPU's GIC CPU interface from EL3; call on every CPU, after
/// `Gicv3::init_redistributor` for it.
///
/// 1. `ICC_SRE_EL3` |= SRE | Enable (system registers at EL3, lower ELs may set their own SRE);
/// 2. `ICC_CTLR_EL3` = 0 (no split EOI, no common BPR, no priority-mask hint);
/// 3. [`init_icc_sre_el1`] for the security state currently selected by `SCR_EL3.NS`;
/// 4. `ICC_PMR_EL1` = 0xff;
/// 5. `ICC_IGRPEN1_EL3` = EnableGrp1NS | EnableGrp1S.
///
/// `ICC_SRE_EL1` is banked by `SCR_EL3.NS`: this sets the instance of the current state (the
/// secure one at boot). Call [`init_icc_sre_el1`] again with `SCR_EL3.NS = 1` to preset the
/// normal world's, or leave it to Linux, which sets its own.
pub fn cpu_interface_init_el3() {
    let sre = sysreg::read_icc_sre_el3();
    sysreg::write_icc_sre_el3(sre | ICC_SRE_SRE | ICC_SRE_EL3_ENABLE);
    sysreg::isb();
    sysreg::write_icc_ctlr_el3(0);
    init_icc_sre_el1();
    sysreg::write_icc_pmr_el1(PMR_ALLOW_ALL);
    sysreg::write_icc_igrpen1_el3(ICC_IGRPEN1_EL3_GRP1NS | ICC_IGRPEN1_EL3_GRP1S);
    sysreg::isb();
}

/// `ICC_SRE_EL1` = SRE | DFB | DIB for the security state selected by `SCR_EL3.NS` (when run
/// at EL3) or for the current state (when run at EL1), then `isb`.
pub fn init_icc_sre_el1() {
    sysreg::write_icc_sre_el1(ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB);
    sysreg::isb();
}

/// `ICC_SGI1R_EL1` value sending SGI `intid` (0..=15) to the single CPU with `target_mpidr`
/// (whose Aff0 must be < 16: no range selector is used).
pub const fn sgi1r_value(intid: u32, target_mpidr: u64) -> Result<u64, GicError> {
    let aff0 = target_mpidr & 0xff;
    if intid >= 16 || aff0 >= 16 {
        return Err(GicError::InvalidIntid(intid));
    }
    let aff1 = (target_mpidr >> 8) & 0xff;
    let aff2 = (target_mpidr >> 16) & 0xff;
    let aff3 = (target_mpidr >> 32) & 0xff;
    Ok((1 << aff0) | (aff1 << 16) | ((intid as u64) << 24) | (aff2 << 32) | (aff3 << 48))
}

/// Sends Group 1 SGI `intid` to the CPU with `target_mpidr` (a Secure Group 1 SGI when issued
/// from the secure world or EL3).
pub fn raise_sgi_group1(intid: u32, target_mpidr: u64) -> Result<(), GicError> {
    let value = sgi1r_value(intid, target_mpidr)?;
    sysreg::dsb_sy();
    sysreg::write_icc_sgi1r_el1(value);
    sysreg::isb();
    Ok(())
}
