//! The secure flash image (QEMU virt pflash0): firmware, package slots and
//! the anti-rollback counter sector, everything else erased (`0xFF`).

use anyhow::{ensure, Result};
use supplicant_proto::secure_package::{
    PackageHeader, RollbackRecord, COUNTER_SECTOR_OFFSET, ERASED_BYTE, FIRMWARE_MAX_SIZE,
    FIRMWARE_OFFSET, FLASH_SIZE, PACKAGE_MAGIC, SLOT_A_OFFSET, SLOT_B_OFFSET, SLOT_SIZE,
};
use zerocopy::FromBytes;

/// Contents of the flash image.
pub(crate) struct FlashContents<'a> {
    /// Boot firmware, placed at the reset vector.
    pub(crate) firmware: &'a [u8],
    /// Package for slot A.
    pub(crate) slot_a: &'a [u8],
    /// Optional package for slot B.
    pub(crate) slot_b: Option<&'a [u8]>,
    /// Optional pre-seeded anti-rollback minimum.
    pub(crate) counter_min: Option<u32>,
}

fn check_package(name: &str, package: &[u8]) -> Result<()> {
    ensure!(
        package.len() <= SLOT_SIZE,
        "{name}: {} bytes do not fit a slot ({SLOT_SIZE})",
        package.len()
    );
    let magic = PackageHeader::read_from_prefix(package).map(|(h, _)| h.magic);
    ensure!(magic == Ok(PACKAGE_MAGIC), "{name}: not a signed package");
    Ok(())
}

fn place(image: &mut [u8], offset: usize, data: &[u8]) {
    if let Some(dst) = image.get_mut(offset..offset + data.len()) {
        dst.copy_from_slice(data);
    }
}

/// Builds the 64 MiB image.
pub(crate) fn build(c: &FlashContents<'_>) -> Result<Vec<u8>> {
    ensure!(
        c.firmware.len() <= FIRMWARE_MAX_SIZE,
        "firmware: {} bytes exceed the {FIRMWARE_MAX_SIZE}-byte firmware area",
        c.firmware.len()
    );
    check_package("slot A package", c.slot_a)?;
    if let Some(b) = c.slot_b {
        check_package("slot B package", b)?;
    }
    let mut image = vec![ERASED_BYTE; FLASH_SIZE];
    place(&mut image, FIRMWARE_OFFSET, c.firmware);
    place(&mut image, SLOT_A_OFFSET, c.slot_a);
    if let Some(b) = c.slot_b {
        place(&mut image, SLOT_B_OFFSET, b);
    }
    if let Some(min) = c.counter_min {
        place(
            &mut image,
            COUNTER_SECTOR_OFFSET,
            &RollbackRecord::encode(min),
        );
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxtee_boot::{FlashError, FlashSector, RollbackCounter};
    use supplicant_proto::secure_package::{COUNTER_SECTOR_SIZE, HEADER_SIZE};

    /// Read-only view of the counter sector inside an image.
    struct Sector<'a>(&'a [u8]);
    impl FlashSector for Sector<'_> {
        fn read(&self, offset: usize, buf: &mut [u8]) {
            buf.copy_from_slice(&self.0[offset..offset + buf.len()]);
        }
        fn program(&mut self, _: usize, _: &[u8]) -> Result<(), FlashError> {
            Err(FlashError::Locked)
        }
        fn erase(&mut self) -> Result<(), FlashError> {
            Err(FlashError::Locked)
        }
        fn size(&self) -> usize {
            self.0.len()
        }
    }

    fn counter(image: &[u8]) -> u32 {
        let sector = &image[COUNTER_SECTOR_OFFSET..COUNTER_SECTOR_OFFSET + COUNTER_SECTOR_SIZE];
        RollbackCounter::new(Sector(sector)).current()
    }

    #[test]
    fn layout() {
        let mut pkg = vec![0xAB; HEADER_SIZE + 10];
        pkg[..4].copy_from_slice(b"OXPK");
        let c = FlashContents {
            firmware: b"FW",
            slot_a: &pkg,
            slot_b: None,
            counter_min: None,
        };
        let img = build(&c).unwrap();
        assert_eq!(img.len(), 64 << 20);
        assert_eq!(&img[..2], b"FW");
        assert!(img[2..SLOT_A_OFFSET].iter().all(|&b| b == 0xFF));
        assert_eq!(&img[SLOT_A_OFFSET..SLOT_A_OFFSET + pkg.len()], &pkg[..]);
        assert!(img[SLOT_A_OFFSET + pkg.len()..].iter().all(|&b| b == 0xFF));
        assert_eq!(counter(&img), 0);
        // The core's rollback anchor starts erased: the value 0.
        let anchor = oxtee_qemu_virt::secure_os::ROLLBACK_ANCHOR_FLASH;
        assert!(img[anchor.base..anchor.end()].iter().all(|&b| b == 0xFF));

        let c = FlashContents {
            slot_b: Some(&pkg),
            counter_min: Some(42),
            ..c
        };
        let img = build(&c).unwrap();
        assert_eq!(&img[SLOT_B_OFFSET..SLOT_B_OFFSET + 4], b"OXPK");
        assert_eq!(counter(&img), 42);
    }

    #[test]
    fn refuses_bad_inputs() {
        let mut pkg = vec![0; HEADER_SIZE];
        pkg[..4].copy_from_slice(b"OXPK");
        let big_fw = vec![0; FIRMWARE_MAX_SIZE + 1];
        let c = FlashContents {
            firmware: &big_fw,
            slot_a: &pkg,
            slot_b: None,
            counter_min: None,
        };
        assert!(build(&c).is_err());
        let c = FlashContents {
            firmware: b"",
            slot_a: b"not a package",
            ..c
        };
        assert!(build(&c).is_err());
        let big_pkg = vec![0; SLOT_SIZE + 1];
        let c = FlashContents {
            slot_a: &big_pkg,
            ..c
        };
        assert!(build(&c).is_err());
    }
}
