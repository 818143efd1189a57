//! Board glue: the QEMU `virt` devices the firmware drives.

use core::fmt;

use oxtee_boot::rollback::{FlashError, FlashSector};
use oxtee_boot::verify::Refusal;
use supplicant_proto::secure_package::{COUNTER_SECTOR_OFFSET, COUNTER_SECTOR_SIZE};

/// Secure flash0 base address.
pub const FLASH0_BASE: usize = 0x0000_0000;

/// Why secure boot did not start a secure OS.
pub enum BootError {
    /// The package was refused.
    Refused(Refusal),
}

impl From<Refusal> for BootError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

impl fmt::Display for BootError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(r) => write!(f, "{}", r),
        }
    }
}

/// The anti-rollback counter sector of secure flash.
pub struct CounterSector;

/// The counter sector.
pub fn counter_sector() -> CounterSector {
    CounterSector
}

impl FlashSector for CounterSector {
    fn read(&self, offset: usize, buf: &mut [u8]) {
        let base = FLASH0_BASE + COUNTER_SECTOR_OFFSET;
        for (i, b) in buf.iter_mut().enumerate() {
            // SAFETY: the counter sector is inside secure flash0, mapped and
            // readable at its physical address.
            *b = unsafe { core::ptr::read_volatile((base + offset + i) as *const u8) };
        }
    }
    fn program(&mut self, _offset: usize, _data: &[u8]) -> Result<(), FlashError> {
        Err(FlashError::ProgramFailed)
    }
    fn erase(&mut self) -> Result<(), FlashError> {
        Err(FlashError::EraseFailed)
    }
    fn size(&self) -> usize {
        COUNTER_SECTOR_SIZE
    }
}

/// Distributor set-up (primary CPU, once).
pub fn gic_init_distributor() {}

/// Redistributor and CPU interface set-up (every CPU).
pub fn gic_init_cpu() {}

/// Heap for the DT editor.
pub fn init_heap() {}

/// Stops the machine with a failure status (QEMU semihosting exit when
/// enabled; otherwise the CPU waits forever).
pub fn exit_failure(code: u32) -> ! {
    // Semihosting SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit.
    let block: [u64; 2] = [0x20026, u64::from(code)];
    // SAFETY: the semihosting call only reads `block`; if semihosting is off
    // the HLT traps to our own vector, which reports it and stops.
    unsafe {
        core::arch::asm!("hlt #0xf000", in("x0") 0x20u64, in("x1") block.as_ptr(), options(nostack));
    }
    loop {
        crate::sysreg::wfi();
    }
}

/// Drives the secure GPIO: pin 0 powers off, pin 1 resets.
pub fn power_off(reset: bool) -> ! {
    const GPIO: usize = 0x090b_0000;
    let pin: usize = if reset { 1 } else { 0 };
    let bit = 1u32 << pin;
    // SAFETY: the secure PL061 belongs to the monitor; GPIODIR at 0x400 makes
    // the pin an output, GPIODATA masked by address bits [9:2] drives it high.
    unsafe {
        let dir = (GPIO + 0x400) as *mut u32;
        core::ptr::write_volatile(dir, core::ptr::read_volatile(dir) | bit);
        core::ptr::write_volatile((GPIO + ((bit as usize) << 2)) as *mut u32, bit);
    }
    loop {
        crate::sysreg::wfi();
    }
}

/// Restarts the calling CPU in the secondary path with a fresh EL3 stack.
pub fn restart_cpu(index: usize) -> ! {
    extern "C" {
        fn el3_restart(cpu: usize) -> !;
    }
    // SAFETY: abandons the current EL3 stack frames of this CPU on purpose
    // and re-enters `rust_entry` on a fresh stack.
    unsafe { el3_restart(index) }
}
