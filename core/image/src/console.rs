//! Secure console on UART1, shared with EL3 (same device, line-buffered
//! writes under a lock).

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

/// Prints one log line made of `pieces` (no `core::fmt`: see `oxtee-log-line`).
pub fn log(level: Level, pieces: &[oxtee_log_line::Piece<'_>]) {
    if level > LOG_LEVEL {
        return;
    }
    let tag = match level {
        Level::Error => b'E',
        Level::Info => b'I',
        Level::Debug => b'D',
    };
    let mut uart = UART.lock();
    uart.write_bytes(&[tag, b'/']);
    uart.write_str("oxtee: ");
    oxtee_log_line::write(pieces, &mut |b| uart.write_bytes(b));
    uart.write_str("\n");
}

/// The panic's message, file and line (`core-debug` only: the one use of
/// `core::fmt` in the image, for the messages the panic sites carry).
#[cfg(feature = "core-debug")]
pub fn panic_message(info: &core::panic::PanicInfo<'_>) {
    use core::fmt::Write;
    let mut uart = UART.lock();
    let _ = writeln!(uart, "E/oxtee: PANIC: {}", info);
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

/// `info!("text ", value, " more text", hex(addr))`: one line, its pieces
/// as `oxtee_log_line::pieces!` takes them (`hex`, `described`, `Uuid`).
macro_rules! info {
    ($($arg:expr),* $(,)?) => {
        $crate::console::log($crate::console::Level::Info, ::oxtee_log_line::pieces![$($arg),*])
    };
}
/// As `info!`, an error line.
macro_rules! error {
    ($($arg:expr),* $(,)?) => {
        $crate::console::log($crate::console::Level::Error, ::oxtee_log_line::pieces![$($arg),*])
    };
}
pub(crate) use error;
pub(crate) use info;
