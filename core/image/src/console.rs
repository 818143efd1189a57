//! Secure console on UART1, shared with EL3 (same device, line-buffered
//! writes under a lock).

use core::fmt::{self, Write};

use oxtee_drivers::mmio::Mmio;
use oxtee_drivers::pl011::Pl011;
use oxtee_qemu_virt::SECURE_UART;
use spin::Mutex;

/// The secure UART: a device only the secure world uses.
static UART: Mutex<Pl011<Mmio>> = Mutex::new(Pl011::new(
    match oxtee_arch::devices::device(SECURE_UART.base, SECURE_UART.size) {
        Some(io) => io,
        None => panic!("the secure UART is not a mapped device"),
    },
));

pub use oxtee_arch::log::Level;

/// Messages above this level are dropped.
pub const LOG_LEVEL: Level = Level::Info;

/// Prints one log line.
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    if level > LOG_LEVEL {
        return;
    }
    let tag = match level {
        Level::Error => 'E',
        Level::Info => 'I',
        Level::Debug => 'D',
    };
    let mut uart = UART.lock();
    let _ = writeln!(uart, "{}/oxtee: {}", tag, args);
}

/// Writes the panic line of a core built without `core-debug`: no message, no
/// file and line (those records would fill the image, as OP-TEE's
/// `CFG_TEE_CORE_DEBUG=n` leaves them out too), but the return addresses on the
/// stack, which `addr2line -f -e tee.elf` turns into functions and lines.
/// No formatting machinery: a panic must not depend on it.
pub fn panic_line(return_addresses: &[u64]) {
    let mut uart = UART.lock();
    uart.write_str("E/oxtee: PANIC; call stack:");
    for &a in return_addresses {
        uart.write_str(" 0x");
        for shift in (0..16).rev() {
            uart.putc(b"0123456789abcdef"[((a >> (4 * shift)) & 0xf) as usize]);
        }
    }
    uart.write_str("\n");
}

macro_rules! info {
    ($($arg:tt)*) => { $crate::console::log($crate::console::Level::Info, format_args!($($arg)*)) };
}
macro_rules! error {
    ($($arg:tt)*) => { $crate::console::log($crate::console::Level::Error, format_args!($($arg)*)) };
}
pub(crate) use error;
pub(crate) use info;
