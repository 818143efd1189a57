//! Checks for a blob that is handed over by address (a boot register) rather than as a slice:
//! where it may lie, and how much of that memory its header claims, decided before any slice
//! of that memory is formed.

use core::ops::Range;

use crate::parse::{FDT_MAGIC, HEADER_SIZE};
use crate::FdtError;

/// Alignment of a blob in memory (Devicetree Specification: 8 bytes).
pub const BLOB_ALIGN: u64 = 8;

/// The bytes a blob at `addr` may occupy and grow into: at most `max`, cut at the end of
/// `ram`, the one memory range it is allowed to lie in (the normal world's RAM, never secure
/// RAM). Refused with [`FdtError::BadAddress`] when `addr` is misaligned or the room does not
/// even hold a header inside `ram`.
pub fn blob_room(addr: u64, ram: &Range<u64>, max: usize) -> Result<usize, FdtError> {
    let header_end = addr.checked_add(HEADER_SIZE as u64);
    if addr % BLOB_ALIGN != 0
        || addr < ram.start
        || header_end.is_none_or(|end| end > ram.end)
        || max < HEADER_SIZE
    {
        return Err(FdtError::BadAddress);
    }
    let room = (ram.end - addr).min(max as u64);
    usize::try_from(room).map_err(|_| FdtError::BadAddress)
}

/// Checks the header read from the start of a blob's room (see [`blob_room`]): the magic, and a
/// `totalsize` that holds the header and fits in `room`. Returns `totalsize`.
pub fn blob_total_size(header: &[u8; HEADER_SIZE], room: usize) -> Result<usize, FdtError> {
    let word =
        |i: usize| u32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let magic = word(0);
    if magic != FDT_MAGIC {
        return Err(FdtError::BadMagic(magic));
    }
    let total = usize::try_from(word(4)).map_err(|_| FdtError::TooLarge)?;
    if total < HEADER_SIZE {
        return Err(FdtError::Truncated);
    }
    if total > room {
        return Err(FdtError::NoSpace {
            needed: total,
            available: room,
        });
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 0x10_0000;
    const RAM: Range<u64> = 0x4000_0000..0x8000_0000;

    fn header(magic: u32, total: u32) -> [u8; HEADER_SIZE] {
        let mut h = [0u8; HEADER_SIZE];
        h[..4].copy_from_slice(&magic.to_be_bytes());
        h[4..8].copy_from_slice(&total.to_be_bytes());
        h
    }

    #[test]
    fn room_is_bounded_by_max_and_by_the_end_of_ram() {
        assert_eq!(blob_room(0x4000_0000, &RAM, MIB), Ok(MIB));
        assert_eq!(blob_room(0x7fff_f000, &RAM, MIB), Ok(0x1000));
        assert_eq!(blob_room(0x8000_0000 - 40, &RAM, MIB), Ok(40));
    }

    #[test]
    fn addresses_outside_ram_or_misaligned_are_refused() {
        // Secure RAM of QEMU virt, just below and past the normal RAM, a header across its end.
        for addr in [
            0x0e10_0000,
            0,
            0x3fff_fff8,
            0x8000_0000,
            0x8000_0000 - 32,
            u64::MAX - 7,
        ] {
            assert_eq!(
                blob_room(addr, &RAM, MIB),
                Err(FdtError::BadAddress),
                "{addr:#x}"
            );
        }
        for addr in [0x4000_0001, 0x4000_0004] {
            assert_eq!(
                blob_room(addr, &RAM, MIB),
                Err(FdtError::BadAddress),
                "{addr:#x}"
            );
        }
        assert_eq!(blob_room(0x4000_0000, &RAM, 8), Err(FdtError::BadAddress));
    }

    #[test]
    fn header_must_have_the_magic_and_fit_its_room() {
        assert_eq!(blob_total_size(&header(FDT_MAGIC, 0x1000), MIB), Ok(0x1000));
        assert_eq!(
            blob_total_size(&header(FDT_MAGIC, MIB as u32), MIB),
            Ok(MIB)
        );
        assert_eq!(
            blob_total_size(&header(0, 0x1000), MIB),
            Err(FdtError::BadMagic(0))
        );
        assert_eq!(
            blob_total_size(&header(FDT_MAGIC, 39), MIB),
            Err(FdtError::Truncated)
        );
        assert_eq!(
            blob_total_size(&header(FDT_MAGIC, MIB as u32 + 1), MIB),
            Err(FdtError::NoSpace {
                needed: MIB + 1,
                available: MIB
            })
        );
        assert!(blob_total_size(&header(FDT_MAGIC, u32::MAX), 0x1000).is_err());
    }
}
