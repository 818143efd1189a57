//! The image: entry, the checks, power-off. With the MMU off at EL3 every data access is to
//! Device memory, where unaligned accesses fault; the target builds with +strict-align.

use core::fmt::{Debug, Write};

use oxtee_drivers::cfi_flash::CfiFlash;
use oxtee_drivers::fw_cfg::{self, FwCfg, FwCfgError, ReadMethod};
use oxtee_drivers::gicv3::{self, Gicv3};
use oxtee_drivers::mmio::{IdentityMapped, Mmio, RegisterIo};
use oxtee_drivers::pl011::Pl011;
use oxtee_drivers::pl061::Pl061;
use oxtee_drivers::sysreg;
use oxtee_qemu_virt as virt;

/// Top of CPU 0's stack; CPU n's is 64 KiB lower per n (all inside the monitor carve-out).
const STACK_TOP: usize = 0x0e10_0000;
/// Mailbox word: primary → secondary "go".
const MAILBOX_GO: usize = 0x0e0c_0000;
/// Mailbox word: secondary → primary result (1 = ok, 2 = failed).
const MAILBOX_DONE: usize = 0x0e0c_0004;
/// Where the `-kernel` payload is loaded (normal RAM, reachable by fw_cfg DMA).
const PAYLOAD: usize = 0x4800_0000;

core::arch::global_asm!(
    ".section .text.boot, \"ax\"",
    ".global _start",
    "_start:",
    "mrs x0, mpidr_el1",
    "and x0, x0, #0xff",
    "ldr x1, ={stack_top}",
    "sub x1, x1, x0, lsl #16",
    "mov sp, x1",
    "cbz x0, 2f",
    "bl {secondary}",
    "b 1f",
    "2: bl {primary}",
    "1: wfe",
    "b 1b",
    stack_top = const STACK_TOP,
    primary = sym primary_main,
    secondary = sym secondary_main,
);

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

fn window(region: &virt::Region) -> Mmio {
    // SAFETY: every region of the QEMU virt map used here is a device (or flash) window that is accessible from EL3 with the MMU off, and nothing else in this program aliases it.
    unsafe { Mmio::new(region.base, region.size) }
}

fn mailbox() -> Mmio {
    // SAFETY: 8 bytes of secure RAM used only as the CPU mailbox: no Rust object lives there (stacks are 0x0e0e_0000..0x0e10_0000, the image has no statics).
    unsafe { Mmio::new(MAILBOX_GO, 8) }
}

const fn crc32_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static CRC_TABLE: [u32; 256] = crc32_table();

fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

fn parse_crc(cmdline: &[u8]) -> Option<u32> {
    let text = core::str::from_utf8(cmdline).ok()?;
    let hex = text.trim_end_matches('\0').strip_prefix("crc=0x")?;
    u32::from_str_radix(hex, 16).ok()
}

struct Checker<Io: RegisterIo> {
    uart: Pl011<Io>,
    failures: u32,
}

impl<Io: RegisterIo> Checker<Io> {
    fn check(&mut self, name: &str, ok: bool, detail: impl Debug) {
        if !ok {
            self.failures += 1;
        }
        let verdict = if ok { "ok  " } else { "FAIL" };
        let _ = writeln!(self.uart, "{verdict} {name}: {detail:?}");
    }
}

extern "C" fn secondary_main(_cpu: u64) {
    let mailbox = mailbox();
    while mailbox.read32(0) == 0 {
        core::hint::spin_loop();
    }
    let gic = Gicv3::new(window(&virt::GICD), window(&virt::GICR), virt::GICR.size);
    let rd = gic.init_redistributor(sysreg::read_mpidr_el1(), virt::intid::SECURE_PRIVATE_MASK);
    gicv3::cpu_interface_init_el3();
    let ok = rd == Ok(gicv3::GICR_STRIDE) && sysreg::read_icc_igrpen1_el3() == 0b11;
    sysreg::dsb_sy();
    mailbox.write32(MAILBOX_DONE - MAILBOX_GO, if ok { 1 } else { 2 });
    sysreg::dsb_sy();
}

extern "C" fn primary_main() {
    let mut uart = Pl011::new(window(&virt::SECURE_UART));
    uart.init();
    let _ = writeln!(uart, "smoke: start");
    let mut c = Checker { uart, failures: 0 };

    check_gic(&mut c);
    check_fw_cfg(&mut c);
    check_flash(&mut c);

    let _ = writeln!(c.uart, "smoke: done, {} failures", c.failures);
    c.uart.flush();
    let mut gpio = Pl061::new(window(&virt::SECURE_GPIO));
    let _ = gpio.pulse_high(virt::GPIO_POWEROFF_PIN);
}

fn check_gic<Io: RegisterIo>(c: &mut Checker<Io>) {
    let gicd = window(&virt::GICD);
    let gicr = window(&virt::GICR);
    let gic = Gicv3::new(&gicd, &gicr, virt::GICR.size);
    let mpidr = sysreg::read_mpidr_el1();
    let mask = virt::intid::SECURE_PRIVATE_MASK;
    let spi = virt::intid::SECURE_UART;

    let r = gic.init_distributor(mpidr, &[spi]);
    c.check("gicd init", r.is_ok(), r);
    let r = gic.init_redistributor(mpidr, mask);
    c.check("gicr init cpu0", r == Ok(0), r);
    gicv3::cpu_interface_init_el3();
    let sre = sysreg::read_icc_sre_el3();
    c.check("ICC_SRE_EL3 SRE|Enable", sre & 0b1001 == 0b1001, sre);
    let grp = sysreg::read_icc_igrpen1_el3();
    c.check("ICC_IGRPEN1_EL3", grp == 0b11, grp);
    let pmr = sysreg::read_icc_pmr_el1();
    c.check("ICC_PMR_EL1 lowest", pmr & 0xf0 == 0xf0, pmr);

    let ctlr = gicd.read32(gicv3::GICD_CTLR);
    c.check("GICD_CTLR", ctlr & 0x37 == 0x37, ctlr);
    let word = 4 * (spi / 32) as usize;
    let bit = 1 << (spi % 32);
    let group = gicd.read32(gicv3::GICD_IGROUPR + word);
    let grpmod = gicd.read32(gicv3::GICD_IGRPMODR + word);
    c.check(
        "secure SPI is Group 1 Secure, others NS",
        group == !bit && grpmod == bit,
        (group, grpmod),
    );
    let route = gicd.read64(gicv3::GICD_IROUTER + 8 * spi as usize);
    c.check(
        "SPI routed to primary",
        route == gicv3::irouter_value(mpidr),
        route,
    );
    let sgi = gicv3::GICR_SGI_BASE;
    let (group, grpmod) = (
        gicr.read32(sgi + gicv3::GICR_IGROUPR0),
        gicr.read32(sgi + gicv3::GICR_IGRPMODR0),
    );
    c.check(
        "SGI/PPI groups cpu0",
        group == !mask && grpmod == mask,
        (group, grpmod),
    );
    let waker = gicr.read32(gicv3::GICR_WAKER);
    c.check("GICR_WAKER awake", waker & 0b110 == 0, waker);

    let notif = virt::intid::ASYNC_NOTIF;
    let r = gic.set_pending(notif);
    let pending = gicd.read32(gicv3::GICD_ISPENDR + 4 * (notif / 32) as usize) >> (notif % 32) & 1;
    c.check("set_pending(219)", r.is_ok() && pending == 1, pending);
    gicd.write32(
        gicv3::GICD_ICPENDR + 4 * (notif / 32) as usize,
        1 << (notif % 32),
    );
    let r = gicv3::raise_sgi_group1(8, mpidr);
    let pending = gicr.read32(sgi + 0x200);
    c.check(
        "secure SGI 8 to self",
        r.is_ok() && pending & (1 << 8) != 0,
        pending,
    );

    let mailbox = mailbox();
    mailbox.write32(MAILBOX_DONE - MAILBOX_GO, 0);
    sysreg::dsb_sy();
    mailbox.write32(0, 1);
    sysreg::dsb_sy();
    let mut done = 0;
    for _ in 0..10_000_000 {
        done = mailbox.read32(MAILBOX_DONE - MAILBOX_GO);
        if done != 0 {
            break;
        }
    }
    c.check("cpu1 redistributor + cpu interface", done == 1, done);
    let frame1 = gicv3::GICR_STRIDE + sgi;
    let grpmod = gicr.read32(frame1 + gicv3::GICR_IGRPMODR0);
    c.check("SGI/PPI groups cpu1", grpmod == mask, grpmod);
}

fn check_fw_cfg<Io: RegisterIo>(c: &mut Checker<Io>) {
    // SAFETY: the MMU is off for the whole run: virtual addresses are physical addresses.
    let identity = unsafe { IdentityMapped::assume() };
    let fw = FwCfg::new(window(&virt::FW_CFG)).with_dma(identity);
    let r = fw.check_signature();
    c.check("fw_cfg signature", r.is_ok(), r);
    c.check("fw_cfg DMA advertised", fw.dma_enabled(), fw.features());

    let mut cmdline = [0u8; 64];
    let len = fw.read_u32(fw_cfg::KEY_CMDLINE_SIZE) as usize;
    let Some(buf) = cmdline.get_mut(..len) else {
        c.check("cmdline fits", false, len);
        return;
    };
    let method = fw.read_item(fw_cfg::KEY_CMDLINE_DATA, buf);
    let expected = parse_crc(buf);
    c.check(
        "cmdline on secure stack falls back to data register",
        method == ReadMethod::DataRegister && expected.is_some(),
        (method, core::str::from_utf8(buf)),
    );

    let size = fw.read_u32(fw_cfg::KEY_KERNEL_SIZE) as usize;
    c.check("payload fits in RAM window", size <= 256 << 20, size);
    if size > 256 << 20 {
        return;
    }
    // SAFETY: [PAYLOAD, PAYLOAD + 256 MiB) is normal RAM that nothing else in this program uses; the slice is the only reference to it.
    let payload = unsafe { core::slice::from_raw_parts_mut(PAYLOAD as *mut u8, size) };
    let method = fw.read_item(fw_cfg::KEY_KERNEL_DATA, payload);
    let crc = crc32(payload);
    c.check(
        "16 MiB payload by DMA, CRC matches",
        method == ReadMethod::Dma && Some(crc) == expected,
        (method, crc, expected),
    );

    let mut secure = [0u8; 64];
    let r = fw.read_item_dma(fw_cfg::KEY_KERNEL_DATA, &mut secure);
    c.check(
        "DMA into secure RAM is refused",
        r == Err(FwCfgError::DmaTimeout),
        r,
    );
    let found = fw.find_file("bootorder");
    c.check("find_file(bootorder)", found.is_some(), found);
    let missing = fw.find_file("opt/oxtee/none");
    c.check("find_file(missing)", missing.is_none(), missing);
}

fn check_flash<Io: RegisterIo>(c: &mut Checker<Io>) {
    let mut flash = CfiFlash::new(window(&virt::FLASH1), virt::FLASH1.size);
    let sector = virt::FLASH_SECTOR_SIZE;
    let r = flash.erase_sector(sector);
    c.check("flash1 erase", r.is_ok(), r);
    let r = flash.program(sector + 4, b"oxtee flash");
    c.check("flash1 program", r.is_ok(), r);
    let mut back = [0u8; 16];
    let r = flash.read(sector, &mut back);
    c.check(
        "flash1 read back",
        r.is_ok() && &back == b"\xff\xff\xff\xffoxtee flash\xff",
        back,
    );
}
