//! The secure console (UART1) shared by all CPUs of the monitor.

use core::fmt::{self, Write};

use oxtee_drivers::mmio::Mmio;
use oxtee_drivers::pl011::Pl011;
use oxtee_qemu_virt::SECURE_UART;
use spin::Mutex;

// SAFETY: the secure UART's MMIO frame, owned by EL3 for its console (the secure OS writes its own lines to the same device).
static CONSOLE: Mutex<Pl011<Mmio>> = Mutex::new(Pl011::new(unsafe {
    Mmio::new(SECURE_UART.base, SECURE_UART.size)
}));

/// Prints to the secure console.
pub fn print(args: fmt::Arguments<'_>) {
    let _ = CONSOLE.lock().write_fmt(args);
}

/// `println!` for the monitor: prefixed with the firmware name.
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::console::print(format_args!("oxtee-bl: {}\n", format_args!($($arg)*)))
    };
}
pub(crate) use println;
