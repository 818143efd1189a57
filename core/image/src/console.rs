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

macro_rules! info {
    ($($arg:tt)*) => { $crate::console::log($crate::console::Level::Info, format_args!($($arg)*)) };
}
macro_rules! error {
    ($($arg:tt)*) => { $crate::console::log($crate::console::Level::Error, format_args!($($arg)*)) };
}
pub(crate) use error;
pub(crate) use info;
