//! Save and restore of the EL1/EL0 system registers the two worlds share.

use crate::context::El1Regs;
use crate::sysreg::{read_sysreg, write_sysreg, Features};
use oxtee_monitor::translation::must_load_ttbr1;
use oxtee_monitor::World;

/// Captures the current EL1 system registers.
pub fn save(r: &mut El1Regs, f: &Features) {
    r.sctlr = read_sysreg!("sctlr_el1");
    r.actlr = read_sysreg!("actlr_el1");
    r.cpacr = read_sysreg!("cpacr_el1");
    r.csselr = read_sysreg!("csselr_el1");
    r.sp_el1 = read_sysreg!("sp_el1");
    r.esr = read_sysreg!("esr_el1");
    r.ttbr0 = read_sysreg!("ttbr0_el1");
    r.ttbr1 = read_sysreg!("ttbr1_el1");
    r.mair = read_sysreg!("mair_el1");
    r.amair = read_sysreg!("amair_el1");
    r.tcr = read_sysreg!("tcr_el1");
    r.tpidr_el1 = read_sysreg!("tpidr_el1");
    r.tpidr_el0 = read_sysreg!("tpidr_el0");
    r.tpidrro_el0 = read_sysreg!("tpidrro_el0");
    r.par = read_sysreg!("par_el1");
    r.far = read_sysreg!("far_el1");
    r.afsr0 = read_sysreg!("afsr0_el1");
    r.afsr1 = read_sysreg!("afsr1_el1");
    r.contextidr = read_sysreg!("contextidr_el1");
    r.vbar = read_sysreg!("vbar_el1");
    r.spsr_el1 = read_sysreg!("spsr_el1");
    r.elr_el1 = read_sysreg!("elr_el1");
    r.mdccint = read_sysreg!("mdccint_el1");
    r.mdscr = read_sysreg!("mdscr_el1");
    r.cntkctl = read_sysreg!("cntkctl_el1");
    r.pmcr_el0 = read_sysreg!("pmcr_el0");
    save_pauth_keys(r, f);
    if f.sve {
        r.zcr_el1 = read_sysreg!("S3_0_C1_C2_0");
    }
    if f.sme {
        r.smcr_el1 = read_sysreg!("S3_0_C1_C2_6");
        r.tpidr2_el0 = read_sysreg!("S3_3_C13_C0_5");
    }
    if f.scxtnum {
        r.scxtnum_el0 = read_sysreg!("S3_3_C13_C0_7");
        r.scxtnum_el1 = read_sysreg!("S3_0_C13_C0_7");
    }
}

/// Captures the pointer-authentication keys only.
pub fn save_pauth_keys(r: &mut El1Regs, f: &Features) {
    if f.pauth {
        r.pauth = [
            read_sysreg!("S3_0_C2_C1_0"),
            read_sysreg!("S3_0_C2_C1_1"),
            read_sysreg!("S3_0_C2_C1_2"),
            read_sysreg!("S3_0_C2_C1_3"),
            read_sysreg!("S3_0_C2_C2_0"),
            read_sysreg!("S3_0_C2_C2_1"),
            read_sysreg!("S3_0_C2_C2_2"),
            read_sysreg!("S3_0_C2_C2_3"),
            read_sysreg!("S3_0_C2_C3_0"),
            read_sysreg!("S3_0_C2_C3_1"),
        ];
    }
}

/// Loads EL1 system registers from `r`, the saved state of `world`
/// (`TTBR1_EL1` only where that world uses it: `must_load_ttbr1`).
///
/// # Safety
/// Must only be called by EL3 while no lower EL runs on this CPU, right
/// before resuming the world `r` belongs to.
// SAFETY: an `unsafe fn` because of the contract above; only called at EL3 between two lower-EL runs.
pub unsafe fn restore(r: &El1Regs, f: &Features, world: World) {
    // SAFETY: the caller guarantees no lower EL is running; these registers only affect lower ELs.
    unsafe {
        write_sysreg!("sctlr_el1", r.sctlr);
        write_sysreg!("actlr_el1", r.actlr);
        write_sysreg!("cpacr_el1", r.cpacr);
        write_sysreg!("csselr_el1", r.csselr);
        write_sysreg!("sp_el1", r.sp_el1);
        write_sysreg!("esr_el1", r.esr);
        write_sysreg!("ttbr0_el1", r.ttbr0);
        if must_load_ttbr1(world, r.tcr) {
            write_sysreg!("ttbr1_el1", r.ttbr1);
        }
        write_sysreg!("mair_el1", r.mair);
        write_sysreg!("amair_el1", r.amair);
        write_sysreg!("tcr_el1", r.tcr);
        write_sysreg!("tpidr_el1", r.tpidr_el1);
        write_sysreg!("tpidr_el0", r.tpidr_el0);
        write_sysreg!("tpidrro_el0", r.tpidrro_el0);
        write_sysreg!("par_el1", r.par);
        write_sysreg!("far_el1", r.far);
        write_sysreg!("afsr0_el1", r.afsr0);
        write_sysreg!("afsr1_el1", r.afsr1);
        write_sysreg!("contextidr_el1", r.contextidr);
        write_sysreg!("vbar_el1", r.vbar);
        write_sysreg!("spsr_el1", r.spsr_el1);
        write_sysreg!("elr_el1", r.elr_el1);
        write_sysreg!("mdccint_el1", r.mdccint);
        write_sysreg!("mdscr_el1", r.mdscr);
        write_sysreg!("cntkctl_el1", r.cntkctl);
        write_sysreg!("pmcr_el0", r.pmcr_el0);
        if f.pauth {
            write_sysreg!("S3_0_C2_C1_0", r.pauth[0]);
            write_sysreg!("S3_0_C2_C1_1", r.pauth[1]);
            write_sysreg!("S3_0_C2_C1_2", r.pauth[2]);
            write_sysreg!("S3_0_C2_C1_3", r.pauth[3]);
            write_sysreg!("S3_0_C2_C2_0", r.pauth[4]);
            write_sysreg!("S3_0_C2_C2_1", r.pauth[5]);
            write_sysreg!("S3_0_C2_C2_2", r.pauth[6]);
            write_sysreg!("S3_0_C2_C2_3", r.pauth[7]);
            write_sysreg!("S3_0_C2_C3_0", r.pauth[8]);
            write_sysreg!("S3_0_C2_C3_1", r.pauth[9]);
        }
        if f.sve {
            write_sysreg!("S3_0_C1_C2_0", r.zcr_el1);
        }
        if f.sme {
            write_sysreg!("S3_0_C1_C2_6", r.smcr_el1);
            write_sysreg!("S3_3_C13_C0_5", r.tpidr2_el0);
        }
        if f.scxtnum {
            write_sysreg!("S3_3_C13_C0_7", r.scxtnum_el0);
            write_sysreg!("S3_0_C13_C0_7", r.scxtnum_el1);
        }
    }
}
