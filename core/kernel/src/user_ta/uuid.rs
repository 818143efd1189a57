//! The runtime's names for the one conversion (`oxtee_pta::Uuid`) between
//! the two UUID encodings it meets: RFC 4122 octets (OPTEE_MSG, instance
//! UUIDs) and the native `TEE_UUID` struct a TA passes and reads (little-endian
//! `timeLow`, `timeMid`, `timeHiAndVersion`, then the clock/node bytes).

/// The `TEE_UUID` struct bytes of RFC 4122 octets.
pub const fn to_tee_struct(octets: [u8; 16]) -> [u8; 16] {
    oxtee_pta::Uuid(octets).to_tee_struct()
}

/// The RFC 4122 octets of `TEE_UUID` struct bytes.
pub const fn from_tee_struct(raw: [u8; 16]) -> [u8; 16] {
    oxtee_pta::Uuid::from_tee_struct(raw).0
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
