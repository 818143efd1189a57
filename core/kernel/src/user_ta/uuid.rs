//! The one conversion between the two UUID encodings the runtime meets:
//! RFC 4122 octets (OPTEE_MSG, `oxtee_pta::Uuid`, instance UUIDs) and the
//! native `TEE_UUID` struct a TA passes and reads (little-endian
//! `timeLow`, `timeMid`, `timeHiAndVersion`, then the clock/node bytes).

/// Swaps the byte order of the three integer fields; its own inverse.
const fn swap_fields(b: [u8; 16]) -> [u8; 16] {
    [
        b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
        b[14], b[15],
    ]
}

/// The `TEE_UUID` struct bytes of RFC 4122 octets.
pub const fn to_tee_struct(octets: [u8; 16]) -> [u8; 16] {
    swap_fields(octets)
}

/// The RFC 4122 octets of `TEE_UUID` struct bytes.
pub const fn from_tee_struct(raw: [u8; 16]) -> [u8; 16] {
    swap_fields(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_elf_parser() {
        let octets = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        let raw = to_tee_struct(octets);
        assert_eq!(raw, [4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16]);
        assert_eq!(from_tee_struct(raw), octets);
        // The TA header's UUID goes through oxtee-elf: the same mapping.
        assert_eq!(oxtee_elf::TeeUuid::from_le_struct(&raw).to_octets(), octets);
    }
}
