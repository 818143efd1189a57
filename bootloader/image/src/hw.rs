//! Board glue: the QEMU `virt` devices the firmware drives.

use core::fmt;

use oxtee_boot::rollback::{FlashError, FlashSector};
use oxtee_boot::verify::Refusal;
use supplicant_proto::secure_package::{COUNTER_SECTOR_OFFSET, COUNTER_SECTOR_SIZE};

use crate::sysreg::{read_sysreg, write_sysreg};

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

// Intel/Sharp (CFI 0x0001) command set of QEMU's pflash_cfi01.
const CFI_PROGRAM: u32 = 0x40;
const CFI_BLOCK_ERASE: u32 = 0x20;
const CFI_CONFIRM: u32 = 0xd0;
const CFI_READ_STATUS: u32 = 0x70;
const CFI_CLEAR_STATUS: u32 = 0x50;
const CFI_READ_ARRAY: u32 = 0xff;
const CFI_STATUS_READY: u32 = 0x80;
/// Erase (bit 5), program (bit 4), voltage (bit 3) and lock (bit 1) errors.
const CFI_STATUS_ERRORS: u32 = 0x3a;

fn cfi_command(addr: usize, cmd: u32) {
    mmio_write32(addr, cmd);
}

/// Polls the status register until ready, then returns the flash to read
/// mode. The monitor runs from RAM, so the array may be unreadable meanwhile.
fn cfi_wait(addr: usize, err: FlashError) -> Result<(), FlashError> {
    cfi_command(addr, CFI_READ_STATUS);
    let mut status = 0;
    for _ in 0..10_000_000 {
        status = mmio_read32(addr);
        if status & CFI_STATUS_READY != 0 {
            break;
        }
    }
    cfi_command(addr, CFI_CLEAR_STATUS);
    cfi_command(addr, CFI_READ_ARRAY);
    if status & CFI_STATUS_READY == 0 {
        Err(FlashError::Timeout)
    } else if status & CFI_STATUS_ERRORS != 0 {
        Err(err)
    } else {
        Ok(())
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
    fn program(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        let end = offset
            .checked_add(data.len())
            .ok_or(FlashError::OutOfRange)?;
        if end > COUNTER_SECTOR_SIZE || !offset.is_multiple_of(4) {
            return Err(FlashError::OutOfRange);
        }
        let base = FLASH0_BASE + COUNTER_SECTOR_OFFSET + offset;
        for (i, chunk) in data.chunks(4).enumerate() {
            let mut word = [0xffu8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            cfi_command(base + 4 * i, CFI_PROGRAM);
            mmio_write32(base + 4 * i, u32::from_le_bytes(word));
            cfi_wait(base + 4 * i, FlashError::ProgramFailed)?;
        }
        Ok(())
    }
    fn erase(&mut self) -> Result<(), FlashError> {
        let base = FLASH0_BASE + COUNTER_SECTOR_OFFSET;
        cfi_command(base, CFI_BLOCK_ERASE);
        cfi_command(base, CFI_CONFIRM);
        cfi_wait(base, FlashError::EraseFailed)
    }
    fn size(&self) -> usize {
        COUNTER_SECTOR_SIZE
    }
}

const GICD_BASE: usize = 0x0800_0000;
const GICR_BASE: usize = 0x080A_0000;
/// Each CPU's redistributor: RD frame then SGI frame, 64 KiB each.
const GICR_STRIDE: usize = 0x2_0000;
const GICR_SGI: usize = 0x1_0000;

fn mmio_write32(addr: usize, v: u32) {
    // SAFETY: `addr` is a GIC register or a secure-flash word: device
    // memory owned by EL3 (callers only pass such addresses).
    unsafe { core::ptr::write_volatile(addr as *mut u32, v) }
}

fn mmio_read32(addr: usize) -> u32 {
    // SAFETY: as for `mmio_write32`.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

fn mmio_write64(addr: usize, v: u64) {
    // SAFETY: as for `mmio_write32`.
    unsafe { core::ptr::write_volatile(addr as *mut u64, v) }
}

fn mmio_read64(addr: usize) -> u64 {
    // SAFETY: as for `mmio_write32`.
    unsafe { core::ptr::read_volatile(addr as *const u64) }
}

fn gicd_wait_rwp() {
    while mmio_read32(GICD_BASE) & (1 << 31) != 0 {}
}

/// Secure SGIs (8..=15) and the secure physical timer PPI (29) belong to the
/// secure OS (Secure Group 1); everything else starts as Non-secure Group 1.
const SECURE_PPI_SGI_MASK: u32 = 0xff00 | (1 << 29);

/// Distributor set-up (primary CPU, once): affinity routing for both
/// states, every SPI Non-secure Group 1, disabled, priority 0x80, routed to
/// CPU 0. The secure OS claims its own SPIs later.
pub fn gic_init_distributor() {
    mmio_write32(GICD_BASE, 0);
    gicd_wait_rwp();
    const ARE_S: u32 = 1 << 4;
    const ARE_NS: u32 = 1 << 5;
    mmio_write32(GICD_BASE, ARE_S | ARE_NS);
    gicd_wait_rwp();
    let lines = ((mmio_read32(GICD_BASE + 0x4) & 0x1f) as usize + 1) * 32;
    for n in 1..lines / 32 {
        mmio_write32(GICD_BASE + 0x180 + 4 * n, u32::MAX); // ICENABLER
        mmio_write32(GICD_BASE + 0x080 + 4 * n, u32::MAX); // IGROUPR: group 1
        mmio_write32(GICD_BASE + 0xD00 + 4 * n, 0); // IGRPMODR: non-secure
    }
    for i in (32..lines).step_by(4) {
        mmio_write32(GICD_BASE + 0x400 + i, 0x8080_8080); // IPRIORITYR
    }
    for i in 32..lines {
        mmio_write64(GICD_BASE + 0x6000 + 8 * i, 0); // IROUTER: CPU 0
    }
    gicd_wait_rwp();
    // EnableGrp0 | EnableGrp1NS | EnableGrp1S.
    mmio_write32(GICD_BASE, ARE_S | ARE_NS | 0b111);
    gicd_wait_rwp();
}

/// This CPU's redistributor, found by its affinity in GICR_TYPER.
fn redistributor(cpu: usize) -> Option<usize> {
    let mut rd = GICR_BASE;
    for _ in 0..64 {
        let typer = mmio_read64(rd + 0x8);
        if (typer >> 32) as usize == cpu {
            return Some(rd);
        }
        if typer & (1 << 4) != 0 {
            return None;
        }
        rd += GICR_STRIDE;
    }
    None
}

/// Redistributor and CPU interface set-up (every CPU).
pub fn gic_init_cpu() {
    let cpu = crate::percpu::cpu_index();
    if let Some(rd) = redistributor(cpu) {
        // Wake the redistributor: clear ProcessorSleep, wait for ChildrenAsleep = 0.
        let waker = mmio_read32(rd + 0x14) & !(1 << 1);
        mmio_write32(rd + 0x14, waker);
        while mmio_read32(rd + 0x14) & (1 << 2) != 0 {}
        let sgi = rd + GICR_SGI;
        mmio_write32(sgi + 0x180, u32::MAX); // ICENABLER0
        mmio_write32(sgi + 0x080, !SECURE_PPI_SGI_MASK); // IGROUPR0
        mmio_write32(sgi + 0xD00, SECURE_PPI_SGI_MASK); // IGRPMODR0
        for i in (0..32).step_by(4) {
            mmio_write32(sgi + 0x400 + i, 0x8080_8080);
        }
        while mmio_read32(rd) & (1 << 3) != 0 {} // GICR_CTLR.RWP
    }
    let scr = read_sysreg!("scr_el3");
    // SAFETY: configures this CPU's GIC CPU interface for both security
    // states; only lower ELs' interrupt delivery is affected.
    unsafe {
        // ICC_SRE_EL3: SRE | DFB | DIB | Enable (lower ELs use system registers).
        write_sysreg!("S3_6_C12_C12_5", 0xf);
        crate::sysreg::isb();
        // ICC_SRE_EL1 is banked: set it for the secure and the non-secure state.
        write_sysreg!("S3_0_C12_C12_5", 0x7);
        write_sysreg!("scr_el3", scr | 1);
        crate::sysreg::isb();
        write_sysreg!("S3_0_C12_C12_5", 0x7);
        write_sysreg!("scr_el3", scr & !1);
        crate::sysreg::isb();
        // ICC_PMR_EL1: let every priority through.
        write_sysreg!("S3_0_C4_C6_0", 0xff);
        // ICC_IGRPEN1_EL3: enable Group 1 for both states.
        write_sysreg!("S3_6_C12_C12_7", 0x3);
        crate::sysreg::isb();
    }
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
    // SAFETY: the linker script reserves [__heap_start, __heap_end) for the
    // heap and nothing else uses it; called once, on the primary CPU.
    unsafe { HEAP.lock().init(start as *mut u8, end - start) };
}

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
