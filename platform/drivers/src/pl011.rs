//! Arm PL011 UART, transmit side (console output).
//!
//! QEMU ignores the baud-rate divisors; they are still programmed (for a 24 MHz reference
//! clock at 115200 baud) so that the driver also works on a real PL011.

use core::fmt;

use crate::mmio::RegisterIo;
use crate::SPIN_LIMIT;

/// Data register.
pub const UARTDR: usize = 0x000;
/// Flag register.
pub const UARTFR: usize = 0x018;
/// Integer baud-rate divisor.
pub const UARTIBRD: usize = 0x024;
/// Fractional baud-rate divisor.
pub const UARTFBRD: usize = 0x028;
/// Line control register.
pub const UARTLCR_H: usize = 0x02c;
/// Control register.
pub const UARTCR: usize = 0x030;
/// Interrupt mask set/clear register.
pub const UARTIMSC: usize = 0x038;
/// Interrupt clear register.
pub const UARTICR: usize = 0x044;

/// `UARTFR.BUSY`: the UART is transmitting.
pub const FR_BUSY: u32 = 1 << 3;
/// `UARTFR.TXFF`: the transmit FIFO is full.
pub const FR_TXFF: u32 = 1 << 5;
/// `UARTLCR_H.FEN`: FIFOs enabled.
pub const LCR_H_FEN: u32 = 1 << 4;
/// `UARTLCR_H.WLEN` = 8 data bits.
pub const LCR_H_WLEN_8: u32 = 0b11 << 5;
/// `UARTCR.UARTEN`: UART enabled.
pub const CR_UARTEN: u32 = 1 << 0;
/// `UARTCR.TXE`: transmitter enabled.
pub const CR_TXE: u32 = 1 << 8;
/// `UARTCR.RXE`: receiver enabled.
pub const CR_RXE: u32 = 1 << 9;

/// Integer divisor for 115200 baud from a 24 MHz clock (24e6 / (16 × 115200) = 13.02).
const IBRD_115200_24MHZ: u32 = 13;
/// Fractional divisor for the same (0.02 × 64 rounded).
const FBRD_115200_24MHZ: u32 = 1;

/// A PL011 UART.
#[derive(Debug)]
pub struct Pl011<Io> {
    io: Io,
}

impl<Io: RegisterIo> Pl011<Io> {
    /// Wraps the UART whose registers `io` accesses. Does not touch the hardware.
    pub const fn new(io: Io) -> Self {
        Self { io }
    }

    /// Programs the UART: disable, clear interrupts, 8N1 with FIFOs, all interrupts masked,
    /// then enable UART, transmitter and receiver.
    pub fn init(&mut self) {
        self.io.write32(UARTCR, 0);
        self.flush();
        self.io.write32(UARTICR, 0x7ff);
        self.io.write32(UARTIBRD, IBRD_115200_24MHZ);
        self.io.write32(UARTFBRD, FBRD_115200_24MHZ);
        self.io.write32(UARTLCR_H, LCR_H_WLEN_8 | LCR_H_FEN);
        self.io.write32(UARTIMSC, 0);
        self.io.write32(UARTCR, CR_UARTEN | CR_TXE | CR_RXE);
    }

    /// Sends one byte, waiting (bounded) while the transmit FIFO is full. If the FIFO stays
    /// full for [`SPIN_LIMIT`] polls the byte is dropped rather than hanging the caller.
    pub fn putc(&mut self, byte: u8) {
        for _ in 0..SPIN_LIMIT {
            if self.io.read32(UARTFR) & FR_TXFF == 0 {
                self.io.write32(UARTDR, byte.into());
                return;
            }
        }
    }

    /// Sends `s`, turning every `\n` into `\r\n`.
    pub fn write_str(&mut self, s: &str) {
        self.write_bytes(s.as_bytes());
    }

    /// Sends `bytes`, turning every `\n` into `\r\n`.
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if byte == b'\n' {
                self.putc(b'\r');
            }
            self.putc(byte);
        }
    }

    /// Waits (bounded) until the UART has finished transmitting.
    pub fn flush(&mut self) {
        for _ in 0..SPIN_LIMIT {
            if self.io.read32(UARTFR) & FR_BUSY == 0 {
                return;
            }
        }
    }

    /// The register access handle (e.g. to reclaim it).
    pub fn into_inner(self) -> Io {
        self.io
    }
}

impl<Io: RegisterIo> fmt::Write for Pl011<Io> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        Pl011::write_str(self, s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeIo;
    use core::fmt::Write as _;

    #[test]
    fn init_disables_configures_then_enables() {
        let io = FakeIo::registers();
        Pl011::new(&io).init();
        let writes = io.writes();
        assert_eq!(writes.first(), Some(&(UARTCR, 0)));
        assert_eq!(
            writes.last(),
            Some(&(UARTCR, u64::from(CR_UARTEN | CR_TXE | CR_RXE)))
        );
        assert!(writes.contains(&(UARTLCR_H, u64::from(LCR_H_WLEN_8 | LCR_H_FEN))));
        assert!(writes.contains(&(UARTIMSC, 0)));
    }

    #[test]
    fn newline_becomes_crlf_via_fmt_write() {
        let io = FakeIo::registers();
        let mut uart = Pl011::new(&io);
        write!(uart, "a\nb{}", 1).unwrap();
        let sent: Vec<u8> = io.writes_at(UARTDR).iter().map(|&v| v as u8).collect();
        assert_eq!(sent, b"a\r\nb1");
    }

    #[test]
    fn putc_waits_while_fifo_full() {
        let io = FakeIo::registers();
        io.device()
            .script(UARTFR, &[FR_TXFF.into(), FR_TXFF.into(), 0]);
        Pl011::new(&io).putc(b'x');
        let fr_reads = io
            .log()
            .iter()
            .filter(|a| matches!(a, crate::fake::Access::Read { offset: UARTFR, .. }))
            .count();
        assert_eq!(fr_reads, 3);
        assert_eq!(io.writes_at(UARTDR), [u64::from(b'x')]);
    }
}
