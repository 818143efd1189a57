//! Arm PL061 GPIO controller (8 pins).
//!
//! On QEMU `virt,secure=on` the secure PL061 drives power control: pin 0 powers the machine
//! off, pin 1 resets it, both on a rising edge of an output pin.
//!
//! `GPIODATA` is a 256-word window: address bits \[9:2\] form a mask, and a write at offset
//! `mask << 2` changes only the pins set in `mask` (a read returns 0 for the other pins).

use crate::mmio::RegisterIo;

/// Base of the masked data window (`GPIODATA`, offsets 0x000..=0x3fc).
pub const GPIODATA: usize = 0x000;
/// Direction register: bit set = output.
pub const GPIODIR: usize = 0x400;
/// Alternate-function select: bit clear = software (GPIO) mode.
pub const GPIOAFSEL: usize = 0x420;

/// Pin for power-off on QEMU `virt`'s secure GPIO.
pub const QEMU_VIRT_POWEROFF_PIN: u8 = 0;
/// Pin for reset on QEMU `virt`'s secure GPIO.
pub const QEMU_VIRT_RESET_PIN: u8 = 1;

/// Errors from the GPIO driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pl061Error {
    /// The pin number is not in 0..=7.
    InvalidPin(u8),
}

/// A PL061 GPIO controller.
#[derive(Debug)]
pub struct Pl061<Io> {
    io: Io,
}

/// Offset in the `GPIODATA` window that addresses exactly the pins in `mask`.
pub const fn data_offset(mask: u8) -> usize {
    GPIODATA + ((mask as usize) << 2)
}

impl<Io: RegisterIo> Pl061<Io> {
    /// Wraps the controller whose registers `io` accesses. Does not touch the hardware.
    pub const fn new(io: Io) -> Self {
        Self { io }
    }

    fn pin_bit(pin: u8) -> Result<u8, Pl061Error> {
        if pin < 8 {
            Ok(1 << pin)
        } else {
            Err(Pl061Error::InvalidPin(pin))
        }
    }

    /// Makes `pin` a software-controlled output and drives it to `high`, leaving the other
    /// pins untouched. The level is written before the direction changes so the pin never
    /// glitches to a stale level.
    pub fn set_output(&mut self, pin: u8, high: bool) -> Result<(), Pl061Error> {
        let bit = Self::pin_bit(pin)?;
        self.io
            .write32(data_offset(bit), if high { bit.into() } else { 0 });
        let afsel = self.io.read32(GPIOAFSEL);
        self.io.write32(GPIOAFSEL, afsel & !u32::from(bit));
        let dir = self.io.read32(GPIODIR);
        self.io.write32(GPIODIR, dir | u32::from(bit));
        Ok(())
    }

    /// Makes `pin` an output and drives it low, then high (a rising edge: what QEMU's
    /// power-control GPIO lines react to).
    pub fn pulse_high(&mut self, pin: u8) -> Result<(), Pl061Error> {
        self.set_output(pin, false)?;
        self.set_output(pin, true)
    }

    /// Current level of `pin` as read from the data register.
    pub fn get(&self, pin: u8) -> Result<bool, Pl061Error> {
        let bit = Self::pin_bit(pin)?;
        Ok(self.io.read32(data_offset(bit)) & u32::from(bit) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeIo;

    #[test]
    fn drive_high_uses_masked_data_address_and_keeps_other_directions() {
        let io = FakeIo::registers();
        io.device().set(GPIODIR, 0b1000_0000);
        io.device().set(GPIOAFSEL, 0b0000_0011);
        Pl061::new(&io).set_output(1, true).unwrap();
        assert_eq!(io.writes_at(0x008), [0b10], "pin 1 data at mask 0b10 << 2");
        assert_eq!(io.device().get(GPIODIR), 0b1000_0010);
        assert_eq!(io.device().get(GPIOAFSEL), 0b0000_0001);
    }

    #[test]
    fn pulse_gives_rising_edge_on_pin0() {
        let io = FakeIo::registers();
        Pl061::new(&io).pulse_high(QEMU_VIRT_POWEROFF_PIN).unwrap();
        assert_eq!(io.writes_at(data_offset(1)), [0, 1]);
    }

    #[test]
    fn rejects_pin_8() {
        let io = FakeIo::registers();
        assert_eq!(
            Pl061::new(&io).set_output(8, true),
            Err(Pl061Error::InvalidPin(8))
        );
        assert!(io.writes().is_empty());
    }
}
