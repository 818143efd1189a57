//! Arm GICv3 set-up from EL3 (secure firmware), for QEMU `virt,gic-version=3`.
//!
//! Policy (the same as TF-A's QEMU port, which the OP-TEE build expects):
//! * affinity routing on for both security states, all three interrupt groups enabled;
//! * every SPI is Non-secure Group 1, priority 0x80, level-triggered, routed to the primary
//!   CPU and disabled; SPIs the secure OS owns are made Secure Group 1 on request;
//! * per CPU, SGIs/PPIs are Non-secure Group 1 except those in a "secure private" mask
//!   (default [`DEFAULT_SECURE_PRIVATE`]: SGIs 8–15 and the secure physical timer PPI 29),
//!   which are Secure Group 1; all priority 0x80, all disabled;
//! * the CPU interface is used through system registers, both worlds may use them.
//!
//! Pure helpers ([`mpidr_affinity`], [`sgi1r_value`]) and register-offset constants are public
//! for the secure OS and for tests.

mod cpu_interface;
mod distributor;
mod redistributor;

pub use cpu_interface::*;

use crate::mmio::RegisterIo;
use crate::SPIN_LIMIT;

/// Distributor control register.
pub const GICD_CTLR: usize = 0x0000;
/// Distributor type register.
pub const GICD_TYPER: usize = 0x0004;
/// Interrupt group registers (1 bit per INTID).
pub const GICD_IGROUPR: usize = 0x0080;
/// Set-enable registers.
pub const GICD_ISENABLER: usize = 0x0100;
/// Clear-enable registers.
pub const GICD_ICENABLER: usize = 0x0180;
/// Set-pending registers.
pub const GICD_ISPENDR: usize = 0x0200;
/// Clear-pending registers.
pub const GICD_ICPENDR: usize = 0x0280;
/// Clear-active registers.
pub const GICD_ICACTIVER: usize = 0x0380;
/// Priority registers (1 byte per INTID).
pub const GICD_IPRIORITYR: usize = 0x0400;
/// Configuration registers (2 bits per INTID; bit 1 = edge).
pub const GICD_ICFGR: usize = 0x0c00;
/// Group modifier registers.
pub const GICD_IGRPMODR: usize = 0x0d00;
/// Routing registers (64 bits per INTID, SPIs only).
pub const GICD_IROUTER: usize = 0x6000;

/// `GICD_CTLR.EnableGrp0`.
pub const GICD_CTLR_ENABLE_GRP0: u32 = 1 << 0;
/// `GICD_CTLR.EnableGrp1NS`.
pub const GICD_CTLR_ENABLE_GRP1NS: u32 = 1 << 1;
/// `GICD_CTLR.EnableGrp1S`.
pub const GICD_CTLR_ENABLE_GRP1S: u32 = 1 << 2;
/// `GICD_CTLR.ARE_S`.
pub const GICD_CTLR_ARE_S: u32 = 1 << 4;
/// `GICD_CTLR.ARE_NS`.
pub const GICD_CTLR_ARE_NS: u32 = 1 << 5;
/// `GICD_CTLR.RWP` (register write pending).
pub const GICD_CTLR_RWP: u32 = 1 << 31;

/// Redistributor control register (RD_base frame).
pub const GICR_CTLR: usize = 0x0000;
/// Redistributor type register (64-bit).
pub const GICR_TYPER: usize = 0x0008;
/// Redistributor wake register.
pub const GICR_WAKER: usize = 0x0014;
/// Offset of the SGI_base frame from RD_base.
pub const GICR_SGI_BASE: usize = 0x1_0000;
/// Size of one CPU's redistributor (RD_base + SGI_base frames) on GICv3.
pub const GICR_STRIDE: usize = 0x2_0000;
/// `GICR_IGROUPR0`, relative to SGI_base.
pub const GICR_IGROUPR0: usize = 0x0080;
/// `GICR_ISENABLER0`, relative to SGI_base.
pub const GICR_ISENABLER0: usize = 0x0100;
/// `GICR_ICENABLER0`, relative to SGI_base.
pub const GICR_ICENABLER0: usize = 0x0180;
/// `GICR_ICPENDR0`, relative to SGI_base.
pub const GICR_ICPENDR0: usize = 0x0280;
/// `GICR_ICACTIVER0`, relative to SGI_base.
pub const GICR_ICACTIVER0: usize = 0x0380;
/// `GICR_IPRIORITYR0..7`, relative to SGI_base.
pub const GICR_IPRIORITYR: usize = 0x0400;
/// `GICR_IGRPMODR0`, relative to SGI_base.
pub const GICR_IGRPMODR0: usize = 0x0d00;

/// `GICR_CTLR.RWP`.
pub const GICR_CTLR_RWP: u32 = 1 << 3;
/// `GICR_TYPER.Last`: this is the last redistributor in the region.
pub const GICR_TYPER_LAST: u64 = 1 << 4;
/// `GICR_WAKER.ProcessorSleep`.
pub const GICR_WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
/// `GICR_WAKER.ChildrenAsleep`.
pub const GICR_WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;

/// Default priority of every interrupt.
pub const DEFAULT_PRIORITY: u8 = 0x80;
/// First SPI INTID.
pub const SPI_BASE: u32 = 32;
/// Largest INTID an SPI can have (1020–1023 are special).
pub const MAX_SPI: u32 = 1019;
/// Secure physical timer PPI on `virt`.
pub const SECURE_PHYS_TIMER_PPI: u32 = 29;
/// SGIs/PPIs that belong to the secure OS by default: SGIs 8–15 and PPI 29.
pub const DEFAULT_SECURE_PRIVATE: u32 = 0xff00 | (1 << SECURE_PHYS_TIMER_PPI);

/// Errors from the GIC driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GicError {
    /// The INTID is not a valid SPI for this distributor (or not an SGI where one is needed).
    InvalidIntid(u32),
    /// No redistributor in the region has this MPIDR's affinity.
    RedistributorNotFound(u64),
    /// The redistributor offset is not a frame inside the GICR region.
    InvalidRedistributor(usize),
    /// A register write (RWP) or wake-up did not complete within [`SPIN_LIMIT`] polls.
    Timeout,
}

impl GicError {
    /// What went wrong and the INTID, MPIDR or offset it is about: the
    /// console line of the core, which prints without `core::fmt`.
    pub fn describe(&self) -> (&'static str, Option<u64>) {
        match *self {
            Self::InvalidIntid(i) => ("invalid INTID", Some(u64::from(i))),
            Self::RedistributorNotFound(m) => ("no redistributor for MPIDR", Some(m)),
            Self::InvalidRedistributor(o) => ("no redistributor frame at offset", Some(o as u64)),
            Self::Timeout => ("GIC register write timed out", None),
        }
    }
}

/// Interrupt group and security.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Group 0 (EL3 FIQ).
    Group0,
    /// Secure Group 1 (the secure OS).
    Secure1,
    /// Non-secure Group 1 (the normal world).
    NonSecure1,
}

impl Group {
    /// `(IGROUPR bit, IGRPMODR bit)` encoding.
    const fn bits(self) -> (bool, bool) {
        match self {
            Group::Group0 => (false, false),
            Group::Secure1 => (false, true),
            Group::NonSecure1 => (true, false),
        }
    }
}

/// Affinity of an MPIDR in `GICD_IROUTER` / `GICR_TYPER[63:32]` layout:
/// `Aff3 << 24 | Aff2 << 16 | Aff1 << 8 | Aff0`.
pub const fn mpidr_affinity(mpidr: u64) -> u32 {
    let aff0_2 = (mpidr & 0x00ff_ffff) as u32;
    let aff3 = ((mpidr >> 32) & 0xff) as u32;
    (aff3 << 24) | aff0_2
}

/// `GICD_IROUTER` value routing to the CPU with this MPIDR (Interrupt_Routing_Mode = 0).
pub const fn irouter_value(mpidr: u64) -> u64 {
    mpidr & 0x00ff_00ff_ffff
}

/// A GICv3: distributor and redistributor windows.
#[derive(Debug)]
pub struct Gicv3<D, R> {
    gicd: D,
    gicr: R,
    gicr_size: usize,
}

impl<D: RegisterIo, R: RegisterIo> Gicv3<D, R> {
    /// Wraps a GIC whose distributor registers `gicd` accesses and whose redistributor region
    /// (`gicr_size` bytes, all CPUs) `gicr` accesses. Does not touch the hardware.
    pub const fn new(gicd: D, gicr: R, gicr_size: usize) -> Self {
        Self {
            gicd,
            gicr,
            gicr_size,
        }
    }

    /// Number of INTIDs the distributor implements (SGIs/PPIs included): `32 * (ITLines + 1)`,
    /// capped at 1020.
    pub fn intid_limit(&self) -> u32 {
        let lines = self.gicd.read32(GICD_TYPER) & 0x1f;
        (32 * (lines + 1)).min(MAX_SPI + 1)
    }

    fn check_spi(&self, intid: u32) -> Result<(), GicError> {
        if (SPI_BASE..self.intid_limit()).contains(&intid) {
            Ok(())
        } else {
            Err(GicError::InvalidIntid(intid))
        }
    }
}

/// Polls `read()` until `done(value)`; [`GicError::Timeout`] after [`SPIN_LIMIT`] polls.
fn wait_for(mut read: impl FnMut() -> u32, done: impl Fn(u32) -> bool) -> Result<(), GicError> {
    for _ in 0..SPIN_LIMIT {
        if done(read()) {
            return Ok(());
        }
    }
    Err(GicError::Timeout)
}

/// Sets or clears bit `intid % 32` of the 32-bit register at `base + 4 * (intid / 32)`.
fn update_bit(io: &impl RegisterIo, base: usize, intid: u32, set: bool) {
    let offset = base + 4 * (intid / 32) as usize;
    let bit = 1u32 << (intid % 32);
    let old = io.read32(offset);
    io.write32(offset, if set { old | bit } else { old & !bit });
}

#[cfg(test)]
mod tests;
