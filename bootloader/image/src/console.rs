//! The secure console (UART1) shared by all CPUs of the monitor.

use core::fmt::{self, Write};
use spin::Mutex;

/// PL011 register offsets.
const UARTDR: usize = 0x00;
const UARTFR: usize = 0x18;
const UARTFR_TXFF: u32 = 1 << 5;

struct Pl011 {
    base: usize,
}

impl Pl011 {
    fn putc(&mut self, c: u8) {
        // SAFETY: `base` is the secure UART's MMIO frame, which the monitor
        // owns exclusively; volatile accesses to FR/DR have no other effect.
        unsafe {
            while core::ptr::read_volatile((self.base + UARTFR) as *const u32) & UARTFR_TXFF != 0 {}
            core::ptr::write_volatile((self.base + UARTDR) as *mut u32, u32::from(c));
        }
    }
}

impl Write for Pl011 {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            if b == b'\n' {
                self.putc(b'\r');
            }
            self.putc(b);
        }
        Ok(())
    }
}

static CONSOLE: Mutex<Pl011> = Mutex::new(Pl011 {
    base: crate::platform::SECURE_UART_BASE,
});

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
