//! Signed secure-OS package format and the secure-flash layout (see
//! `bootloader/README.md`, "Secure package format and signing").
//!
//! A package is a 256-byte [`PackageHeader`] followed by the payload. The
//! Ed25519 signature covers the first [`SIGNED_LEN`] bytes of the header;
//! the header holds the SHA-256 of the payload, so the signature covers the
//! payload too. All integers are little-endian.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// `magic` of a package header: "OXPK" read as a little-endian `u32`.
pub const PACKAGE_MAGIC: u32 = u32::from_le_bytes(*b"OXPK");
/// The only supported `format_version`.
pub const PACKAGE_FORMAT_VERSION: u16 = 1;
/// Size of [`PackageHeader`] in bytes; the payload starts right after it.
pub const HEADER_SIZE: usize = 256;
/// Number of header bytes covered by the signature (everything before it).
pub const SIGNED_LEN: usize = 192;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// Length of an Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Length of a SHA-256 digest.
pub const SHA256_LEN: usize = 32;

/// Header of a signed package (format version 1).
///
/// `key_id` is the SHA-256 of the raw 32-byte Ed25519 public key that
/// signed the package; it lets the verifier report "signed with another
/// key" instead of a bare bad signature. `flags` and `reserved` must be 0.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct PackageHeader {
    /// [`PACKAGE_MAGIC`].
    pub magic: u32,
    /// [`PACKAGE_FORMAT_VERSION`].
    pub format_version: u16,
    /// [`HEADER_SIZE`].
    pub header_size: u16,
    /// Anti-rollback version of the payload.
    pub rollback_version: u32,
    /// No flags are defined; must be 0.
    pub flags: u32,
    /// Physical address the payload is copied to.
    pub load_addr: u64,
    /// Physical entry address; inside `load_addr..load_addr + payload_len`.
    pub entry: u64,
    /// Payload length in bytes.
    pub payload_len: u64,
    /// SHA-256 of the payload.
    pub payload_sha256: [u8; SHA256_LEN],
    /// SHA-256 of the signer's raw Ed25519 public key.
    pub key_id: [u8; SHA256_LEN],
    /// Must be all zero.
    pub reserved: [u8; 88],
    /// Ed25519 signature over header bytes `0..SIGNED_LEN`.
    pub signature: [u8; SIGNATURE_LEN],
}

const _: () = assert!(core::mem::size_of::<PackageHeader>() == HEADER_SIZE);
const _: () = assert!(core::mem::offset_of!(PackageHeader, format_version) == 4);
const _: () = assert!(core::mem::offset_of!(PackageHeader, header_size) == 6);
const _: () = assert!(core::mem::offset_of!(PackageHeader, rollback_version) == 8);
const _: () = assert!(core::mem::offset_of!(PackageHeader, flags) == 12);
const _: () = assert!(core::mem::offset_of!(PackageHeader, load_addr) == 16);
const _: () = assert!(core::mem::offset_of!(PackageHeader, entry) == 24);
const _: () = assert!(core::mem::offset_of!(PackageHeader, payload_len) == 32);
const _: () = assert!(core::mem::offset_of!(PackageHeader, payload_sha256) == 40);
const _: () = assert!(core::mem::offset_of!(PackageHeader, key_id) == 72);
const _: () = assert!(core::mem::offset_of!(PackageHeader, reserved) == 104);
const _: () = assert!(core::mem::offset_of!(PackageHeader, signature) == SIGNED_LEN);
const _: () = assert!(SIGNED_LEN + SIGNATURE_LEN == HEADER_SIZE);

impl PackageHeader {
    /// The bytes the signature covers.
    pub fn signed_bytes(&self) -> &[u8] {
        let all = self.as_bytes();
        all.get(..SIGNED_LEN).unwrap_or(all)
    }
}

// ---------------------------------------------------------------------------
// Secure flash (QEMU virt flash0, 64 MiB, secure only) layout.
// ---------------------------------------------------------------------------

/// Size of the secure flash image (QEMU virt pflash0).
pub const FLASH_SIZE: usize = 64 * 1024 * 1024;
/// Offset of the boot firmware (executed from the reset vector).
pub const FIRMWARE_OFFSET: usize = 0;
/// Maximum size of the boot firmware.
pub const FIRMWARE_MAX_SIZE: usize = 0x0010_0000;
/// Offset of package slot A (the active slot).
pub const SLOT_A_OFFSET: usize = 0x0010_0000;
/// Offset of package slot B (reserved for A/B updates).
pub const SLOT_B_OFFSET: usize = 0x0110_0000;
/// Size of each package slot (header + payload).
pub const SLOT_SIZE: usize = 0x0100_0000;
/// Largest payload a slot can hold.
pub const SLOT_MAX_PAYLOAD: usize = SLOT_SIZE - HEADER_SIZE;
/// Offset of the anti-rollback counter sector.
pub const COUNTER_SECTOR_OFFSET: usize = 0x03FC_0000;
/// Size of the anti-rollback counter sector (one CFI erase block).
pub const COUNTER_SECTOR_SIZE: usize = 0x0004_0000;
/// Value of an erased flash byte.
pub const ERASED_BYTE: u8 = 0xFF;

const _: () = assert!(FIRMWARE_OFFSET + FIRMWARE_MAX_SIZE <= SLOT_A_OFFSET);
const _: () = assert!(SLOT_A_OFFSET + SLOT_SIZE <= SLOT_B_OFFSET);
const _: () = assert!(SLOT_B_OFFSET + SLOT_SIZE <= COUNTER_SECTOR_OFFSET);
const _: () = assert!(COUNTER_SECTOR_OFFSET + COUNTER_SECTOR_SIZE == FLASH_SIZE);
const _: () = assert!(COUNTER_SECTOR_OFFSET % COUNTER_SECTOR_SIZE == 0);

/// Start of the BL32 load window on QEMU virt (secure RAM after the first MiB).
pub const BL32_LOAD_START: u64 = 0x0e10_0000;
/// End (exclusive) of the BL32 load window on QEMU virt (end of secure RAM).
pub const BL32_LOAD_END: u64 = 0x0f00_0000;

// ---------------------------------------------------------------------------
// Anti-rollback counter records.
// ---------------------------------------------------------------------------

/// `magic` of a counter record: "OXRB" read as a little-endian `u32`.
pub const ROLLBACK_RECORD_MAGIC: u32 = u32::from_le_bytes(*b"OXRB");
/// Size of one counter record; records sit at multiples of this offset.
pub const ROLLBACK_RECORD_SIZE: usize = 16;

/// One append-only anti-rollback record in the counter sector.
///
/// Valid when `magic == ROLLBACK_RECORD_MAGIC`, `magic_inv == !magic` and
/// `version_inv == !version`. Because flash programming only clears bits,
/// a torn write can never turn into a valid record with another version.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct RollbackRecord {
    /// [`ROLLBACK_RECORD_MAGIC`].
    pub magic: u32,
    /// Minimum accepted package version.
    pub version: u32,
    /// `!version`.
    pub version_inv: u32,
    /// `!magic`.
    pub magic_inv: u32,
}

const _: () = assert!(core::mem::size_of::<RollbackRecord>() == ROLLBACK_RECORD_SIZE);
const _: () = assert!(COUNTER_SECTOR_SIZE % ROLLBACK_RECORD_SIZE == 0);

impl RollbackRecord {
    /// A valid record for `version`.
    pub const fn new(version: u32) -> Self {
        Self {
            magic: ROLLBACK_RECORD_MAGIC,
            version,
            version_inv: !version,
            magic_inv: !ROLLBACK_RECORD_MAGIC,
        }
    }

    /// Decodes a record; `None` unless it is complete and consistent.
    pub fn decode(bytes: &[u8]) -> Option<u32> {
        let (rec, _) = Self::read_from_prefix(bytes).ok()?;
        let valid = rec.magic == ROLLBACK_RECORD_MAGIC
            && rec.magic_inv == !ROLLBACK_RECORD_MAGIC
            && rec.version_inv == !rec.version;
        valid.then_some(rec.version)
    }

    /// The record's flash bytes.
    pub fn encode(version: u32) -> [u8; ROLLBACK_RECORD_SIZE] {
        let mut out = [0u8; ROLLBACK_RECORD_SIZE];
        out.copy_from_slice(Self::new(version).as_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn magics_spell_their_names() {
        assert_eq!(PACKAGE_MAGIC.to_le_bytes(), *b"OXPK");
        assert_eq!(ROLLBACK_RECORD_MAGIC.to_le_bytes(), *b"OXRB");
    }

    #[test]
    fn record_round_trip_and_rejects() {
        let bytes = RollbackRecord::encode(7);
        assert_eq!(RollbackRecord::decode(&bytes), Some(7));
        assert_eq!(RollbackRecord::decode(&[0xFF; 16]), None);
        assert_eq!(RollbackRecord::decode(&bytes[..15]), None);
        let mut torn = bytes;
        torn[8] = 0xFF; // complement not fully programmed
        assert_eq!(RollbackRecord::decode(&torn), None);
        let mut torn = bytes;
        torn[12..].fill(0xFF);
        assert_eq!(RollbackRecord::decode(&torn), None);
    }

    #[test]
    fn signed_bytes_stop_before_signature() {
        let mut h = PackageHeader::new_zeroed();
        h.signature = [0xAA; SIGNATURE_LEN];
        assert_eq!(h.signed_bytes().len(), SIGNED_LEN);
        assert!(h.signed_bytes().iter().all(|&b| b == 0));
    }
}
