//! The secure side of the GICv3: this CPU's interface for Secure Group 1
//! ("native") interrupts, their dispatch, and the secure physical timer
//! (PPI 29), which the core's self test uses to prove the path works.

use core::sync::atomic::{AtomicU64, Ordering};

use oxtee_drivers::gicv3::Gicv3;
use oxtee_drivers::mmio::Mmio;
use oxtee_qemu_virt::{GICD, GICR};

use crate::sysreg;

/// Secure physical timer interrupt (PPI).
pub const SECURE_TIMER_INTID: u32 = 29;
/// Priority of the core's interrupts: in the secure half, above the
/// normal world's (GICv3 gives Non-secure priorities 0x80 and lower).
const SECURE_PRIORITY: u8 = 0x40;
/// Special INTIDs (no interrupt pending for this group / spurious).
const SPURIOUS: u64 = 1020;

/// Secure timer interrupts taken since boot (all CPUs).
static TIMER_TICKS: AtomicU64 = AtomicU64::new(0);

fn gic() -> Gicv3<Mmio, Mmio> {
    // SAFETY: the GIC frames of QEMU virt, mapped as device memory by the core's tables; the core only touches its own redistributor's secure private interrupts and its CPU interface.
    let (d, r) = unsafe {
        (
            Mmio::new(GICD.base, GICD.size),
            Mmio::new(GICR.base, GICR.size),
        )
    };
    Gicv3::new(d, r, GICR.size)
}

/// Per-CPU set-up: Secure Group 1 on in this CPU's interface, the secure
/// timer's PPI made Secure Group 1 and enabled in its redistributor (the
/// timer itself stays off).
pub fn init_this_cpu() {
    // ICC_IGRPEN1_EL1 (secure bank) and ICC_BPR1_EL1 only affect how
    // Secure Group 1 interrupts reach this CPU at S-EL1.
    sysreg::icc_bpr1_el1(0);
    sysreg::icc_igrpen1_el1(1);
    sysreg::isb();
    // The core sets group, priority and enable of its own interrupts: the
    // firmware in front of it may have left them Non-secure (TF-A does).
    let g = gic();
    let claimed = g
        .redistributor_offset(sysreg::mpidr_el1())
        .and_then(|rd| g.claim_private_secure(rd, SECURE_TIMER_INTID, SECURE_PRIORITY));
    if let Err(e) = claimed {
        crate::log::error!(
            "secure timer interrupt not claimed: ",
            crate::log::described(e.describe())
        );
    }
}

/// The normal world's asynchronous-notification interrupt (an SPI of the
/// Non-secure group, which Linux configures): the core only makes it pending.
pub struct AsyncNotifIrq;

impl oxtee_kernel::notif::NotifIrq for AsyncNotifIrq {
    fn raise(&self) {
        if let Err(e) = gic().set_pending(oxtee_qemu_virt::intid::ASYNC_NOTIF) {
            crate::log::error!(
                "async notification interrupt: ",
                crate::log::described(e.describe())
            );
        }
    }
}

/// Called from the IRQ vector (interrupts while the core runs) and from
/// `fiq_entry` (secure interrupts while the normal world ran): acknowledge,
/// handle, end.
#[no_mangle]
pub extern "C" fn native_irq() {
    loop {
        let iar = sysreg::icc_iar1_el1();
        let intid = iar & 0xff_ffff;
        if intid >= SPURIOUS {
            return;
        }
        if intid == u64::from(SECURE_TIMER_INTID) {
            stop_timer();
            TIMER_TICKS.fetch_add(1, Ordering::Relaxed);
        }
        // Ends the interrupt just acknowledged (EOImode 0: this also deactivates it).
        sysreg::icc_eoir1_el1(iar);
    }
}

fn counter() -> (u64, u64) {
    (sysreg::cntpct_el0(), sysreg::cntfrq_el0().max(1))
}

/// Arms the secure physical timer to fire after `micros`.
fn arm_timer(micros: u64) {
    let (_, frq) = counter();
    let ticks = (frq / 1_000_000).max(1) * micros;
    // The secure physical timer belongs to the secure world (SCR_EL3.ST
    // lets S-EL1 program it); ENABLE = 1, IMASK = 0.
    sysreg::cntps_tval_el1(ticks);
    sysreg::cntps_ctl_el1(1);
    sysreg::isb();
}

fn stop_timer() {
    // ENABLE = 0.
    sysreg::cntps_ctl_el1(0);
    sysreg::isb();
}

/// Self test of the native-interrupt path: the secure timer, armed for
/// 1 ms, must interrupt this CPU within 100 ms of unmasking IRQs.
pub fn timer_self_test() -> bool {
    let before = TIMER_TICKS.load(Ordering::Relaxed);
    arm_timer(1000);
    let (start, frq) = counter();
    let deadline = start + frq / 10;
    // SAFETY: the core's vectors are installed (cold boot or CPU_ON did it); their IRQ entry saves and restores everything it touches, and the window closes below. FIQ (normal-world interrupts) stays masked.
    unsafe { sysreg::unmask_irq() };
    while TIMER_TICKS.load(Ordering::Relaxed) == before && counter().0 < deadline {
        core::hint::spin_loop();
    }
    sysreg::mask_irq();
    stop_timer();
    TIMER_TICKS.load(Ordering::Relaxed) != before
}
