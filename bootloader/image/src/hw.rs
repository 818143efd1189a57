//! Board glue: the QEMU `virt` devices the firmware drives.

use core::fmt;

use oxtee_boot::verify::Refusal;
use oxtee_flash_counter::CfiSector;
use supplicant_proto::secure_package::{COUNTER_SECTOR_OFFSET, COUNTER_SECTOR_SIZE};

const _: () = assert!(
    COUNTER_SECTOR_SIZE == oxtee_drivers::cfi_flash::SECTOR_SIZE
        && COUNTER_SECTOR_OFFSET + COUNTER_SECTOR_SIZE <= FLASH0.size
);

use oxtee_drivers::cfi_flash::CfiFlash;
use oxtee_drivers::gicv3::{
    cpu_interface_init_el3, init_icc_sre_el1, Gicv3, DEFAULT_SECURE_PRIVATE,
};
use oxtee_drivers::mmio::Mmio;
use oxtee_drivers::pl061::{Pl061, QEMU_VIRT_POWEROFF_PIN, QEMU_VIRT_RESET_PIN};

use crate::sysreg::write_sysreg;

/// Secure flash0 base address.
pub const FLASH0_BASE: usize = FLASH0.base;

/// Why secure boot did not start a secure OS.
pub enum BootError {
    /// The package was refused.
    Refused(Refusal),
    /// The anti-rollback counter sector is not one erase sector of flash0.
    NoCounter,
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
            Self::NoCounter => write!(f, "secure boot: refused: no anti-rollback counter sector"),
        }
    }
}

use oxtee_qemu_virt::{FLASH0, GICD, GICR, SECURE_GPIO};

/// The anti-rollback counter sector of secure flash, through the CFI driver.
pub type CounterSector = CfiSector<Mmio>;

/// The counter sector (`None` only if the layout put it outside flash0).
pub fn counter_sector() -> Option<CounterSector> {
    // SAFETY: flash0 (64 MiB at 0) is the secure flash, owned by EL3; the monitor runs from RAM, so the array may leave read mode while it programs the counter sector.
    let io = unsafe { Mmio::new(FLASH0.base, FLASH0.size) };
    CfiSector::new(CfiFlash::new(io, FLASH0.size), COUNTER_SECTOR_OFFSET)
}

fn gic() -> Gicv3<Mmio, Mmio> {
    // SAFETY: the GIC distributor and redistributor frames of QEMU virt, device memory programmed only by EL3 during set-up.
    let (gicd, gicr) = unsafe {
        (
            Mmio::new(GICD.base, GICD.size),
            Mmio::new(GICR.base, GICR.size),
        )
    };
    Gicv3::new(gicd, gicr, GICR.size)
}

/// Distributor set-up (primary CPU, once): affinity routing for both
/// states, every SPI Non-secure Group 1 and routed to CPU 0. The secure OS
/// claims its own SPIs later.
pub fn gic_init_distributor() {
    let mpidr = crate::sysreg::read_sysreg!("mpidr_el1");
    if let Err(e) = gic().init_distributor(mpidr, &[]) {
        crate::console::println!("GIC distributor: {:?}", e);
    }
}

/// Redistributor and CPU interface set-up (every CPU). SGIs 8-15 and the
/// secure physical timer are Secure Group 1, the rest Non-secure Group 1.
pub fn gic_init_cpu() {
    let mpidr = crate::sysreg::read_sysreg!("mpidr_el1");
    if let Err(e) = gic().init_redistributor(mpidr, DEFAULT_SECURE_PRIVATE) {
        crate::console::println!("GIC redistributor: {:?}", e);
    }
    cpu_interface_init_el3();
    // ICC_SRE_EL1 is banked by security state: set the normal world's too.
    let scr = crate::sysreg::read_sysreg!("scr_el3");
    // SAFETY: SCR_EL3.NS only selects which bank the next access uses; no lower EL runs on this CPU meanwhile, and the value is restored.
    unsafe { write_sysreg!("scr_el3", scr | 1) };
    crate::sysreg::isb();
    init_icc_sre_el1();
    // SAFETY: as above.
    unsafe { write_sysreg!("scr_el3", scr) };
    crate::sysreg::isb();
}

#[global_allocator]
static HEAP: linked_list_allocator::LockedHeap = linked_list_allocator::LockedHeap::empty();

/// Heap for the DT editor: the rest of the monitor's secure RAM.
pub fn init_heap() {
    extern "C" {
        static __heap_start: u8;
        static __heap_end: u8;
    }
    let start = core::ptr::addr_of!(__heap_start) as usize;
    let end = core::ptr::addr_of!(__heap_end) as usize;
    // SAFETY: the linker script reserves [__heap_start, __heap_end) for the heap and nothing else uses it; called once, on the primary CPU.
    unsafe { HEAP.lock().init(start as *mut u8, end - start) };
}

/// Stops the machine with a failure status (QEMU semihosting exit when
/// enabled; otherwise the CPU waits forever).
pub fn exit_failure(code: u32) -> ! {
    // Semihosting SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit.
    let block: [u64; 2] = [0x20026, u64::from(code)];
    // SAFETY: the semihosting call only reads `block`; if semihosting is off the HLT traps to our own vector, which reports it and stops.
    unsafe {
        core::arch::asm!("hlt #0xf000", in("x0") 0x20u64, in("x1") block.as_ptr(), options(nostack));
    }
    loop {
        crate::sysreg::wfi();
    }
}

/// Drives the secure GPIO: pin 0 powers off, pin 1 resets.
pub fn power_off(reset: bool) -> ! {
    // SAFETY: the secure PL061 belongs to the monitor.
    let io = unsafe { Mmio::new(SECURE_GPIO.base, SECURE_GPIO.size) };
    let pin = if reset {
        QEMU_VIRT_RESET_PIN
    } else {
        QEMU_VIRT_POWEROFF_PIN
    };
    let _ = Pl061::new(io).pulse_high(pin);
    loop {
        crate::sysreg::wfi();
    }
}
