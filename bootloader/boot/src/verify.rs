//! Verification of a signed package against a [`Policy`].
//!
//! Checks, in this order, each with its own [`Refusal`]:
//!
//! 1. header truncated ([`Refusal::Truncated`]);
//! 2. magic ([`Refusal::BadMagic`]), then format version, header size, flags and reserved bytes
//!    ([`Refusal::UnsupportedFormat`]);
//! 3. payload length larger than a slot or than the bytes given ([`Refusal::Truncated`]);
//! 4. trusted key unusable ([`Refusal::InvalidTrustedKey`]), key id of another key
//!    ([`Refusal::WrongKey`]), Ed25519 signature ([`Refusal::BadSignature`]);
//! 5. payload SHA-256 ([`Refusal::PayloadHashMismatch`]);
//! 6. load range inside the window ([`Refusal::LoadOutsideWindow`]), entry inside the loaded range
//!    ([`Refusal::EntryOutsideImage`]);
//! 7. version not below the minimum ([`Refusal::Rollback`]).
//!
//! [`verify_header`] runs everything except step 5, which [`check_payload`] runs on the bytes the
//! caller will execute (typically the copy in secure RAM). [`check_payload_with`] does the same
//! with a SHA-256 block function of the caller's (the firmware's Crypto Extensions routine).

use core::fmt;
use core::ops::Range;

use ed25519_dalek::{Signature, VerifyingKey};
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};
use supplicant_proto::secure_package::{
    PackageHeader, BL32_LOAD_END, BL32_LOAD_START, HEADER_SIZE, PACKAGE_FORMAT_VERSION,
    PACKAGE_MAGIC, PUBLIC_KEY_LEN, SHA256_LEN, SLOT_MAX_PAYLOAD, SLOT_SIZE,
};
use zerocopy::FromBytes;

/// What the firmware accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Raw Ed25519 public key that must have signed the package.
    pub trusted_key: [u8; PUBLIC_KEY_LEN],
    /// Lowest accepted anti-rollback version (from the counter sector).
    pub min_version: u32,
    /// Lowest address the payload may be loaded at.
    pub load_start: u64,
    /// End (exclusive) of the region the payload must fit in.
    pub load_end: u64,
}

impl Policy {
    /// Policy for a BL32 on QEMU virt: the load window is
    /// [`BL32_LOAD_START`]`..`[`BL32_LOAD_END`].
    pub const fn bl32(trusted_key: [u8; PUBLIC_KEY_LEN], min_version: u32) -> Self {
        Self {
            trusted_key,
            min_version,
            load_start: BL32_LOAD_START,
            load_end: BL32_LOAD_END,
        }
    }
}

/// Why a package was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Fewer bytes than the header or the header's payload length needs.
    Truncated {
        /// Bytes needed.
        needed: u64,
        /// Bytes available (given, or the slot size).
        available: u64,
    },
    /// The magic is not "OXPK" (an erased slot reads as `0xFFFF_FFFF`).
    BadMagic {
        /// The magic found.
        found: u32,
    },
    /// Unknown format version, or header size, flags or reserved bytes not as version 1 defines.
    UnsupportedFormat {
        /// The format version found.
        format_version: u16,
    },
    /// The policy's public key is not a valid Ed25519 point.
    InvalidTrustedKey,
    /// The package names a different signing key.
    WrongKey,
    /// The Ed25519 signature does not verify.
    BadSignature,
    /// The payload's SHA-256 differs from the signed header.
    PayloadHashMismatch,
    /// `load_addr..load_addr + payload_len` is not inside the load window.
    LoadOutsideWindow {
        /// The load address.
        load_addr: u64,
        /// The payload length.
        len: u64,
    },
    /// The entry address is not inside the loaded range.
    EntryOutsideImage {
        /// The entry address.
        entry: u64,
    },
    /// The package version is below the anti-rollback minimum.
    Rollback {
        /// The package version.
        version: u32,
        /// The minimum version.
        minimum: u32,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("secure boot: refused: ")?;
        match *self {
            Self::Truncated { needed, available } => {
                write!(
                    f,
                    "truncated package (needs {needed} bytes, {available} available)"
                )
            }
            Self::BadMagic { found } => write!(f, "bad magic {found:#010x} (no package?)"),
            Self::UnsupportedFormat { format_version } => {
                write!(f, "unsupported package format (version {format_version})")
            }
            Self::InvalidTrustedKey => f.write_str("trusted public key is invalid"),
            Self::WrongKey => f.write_str("package signed with an untrusted key"),
            Self::BadSignature => f.write_str("bad signature"),
            Self::PayloadHashMismatch => f.write_str("payload hash mismatch"),
            Self::LoadOutsideWindow { load_addr, len } => {
                write!(
                    f,
                    "load range {load_addr:#x} + {len:#x} outside the allowed window"
                )
            }
            Self::EntryOutsideImage { entry } => {
                write!(f, "entry {entry:#x} outside the loaded image")
            }
            Self::Rollback { version, minimum } => {
                write!(
                    f,
                    "version {version} is below the anti-rollback minimum {minimum}"
                )
            }
        }
    }
}

/// A header whose signature, placement and version have been checked.
///
/// Only [`verify_header`] creates it. The payload is not trusted until
/// [`check_payload`] has hashed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedHeader {
    version: u32,
    load_addr: u64,
    entry: u64,
    payload_len: usize,
    payload_sha256: [u8; SHA256_LEN],
}

impl VerifiedHeader {
    /// Anti-rollback version of the package.
    pub const fn version(&self) -> u32 {
        self.version
    }
    /// Address the payload must be copied to.
    pub const fn load_addr(&self) -> u64 {
        self.load_addr
    }
    /// Entry address (inside the loaded range).
    pub const fn entry(&self) -> u64 {
        self.entry
    }
    /// Payload length in bytes (at most a slot).
    pub const fn payload_len(&self) -> usize {
        self.payload_len
    }
    /// Where the payload sits inside the package (slot) bytes.
    pub const fn payload_range(&self) -> Range<usize> {
        // Cannot overflow: payload_len <= SLOT_MAX_PAYLOAD = SLOT_SIZE - HEADER_SIZE.
        HEADER_SIZE..HEADER_SIZE + self.payload_len
    }
    /// The signed SHA-256 of the payload.
    pub const fn payload_sha256(&self) -> &[u8; SHA256_LEN] {
        &self.payload_sha256
    }
}

/// A fully verified package: header and payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified<'a> {
    header: VerifiedHeader,
    payload: &'a [u8],
}

impl<'a> Verified<'a> {
    /// Anti-rollback version of the package.
    pub const fn version(&self) -> u32 {
        self.header.version
    }
    /// Address the payload is meant to run at.
    pub const fn load_addr(&self) -> u64 {
        self.header.load_addr
    }
    /// Entry address.
    pub const fn entry(&self) -> u64 {
        self.header.entry
    }
    /// The verified payload bytes.
    pub const fn payload(&self) -> &'a [u8] {
        self.payload
    }
    /// The verified header.
    pub const fn header(&self) -> &VerifiedHeader {
        &self.header
    }
}

/// Checks the header format and returns it with its payload length.
fn parse(bytes: &[u8]) -> Result<(PackageHeader, usize), Refusal> {
    let (hdr, _) = PackageHeader::read_from_prefix(bytes).map_err(|_| Refusal::Truncated {
        needed: HEADER_SIZE as u64,
        available: bytes.len() as u64,
    })?;
    if hdr.magic != PACKAGE_MAGIC {
        return Err(Refusal::BadMagic { found: hdr.magic });
    }
    let well_formed = hdr.format_version == PACKAGE_FORMAT_VERSION
        && usize::from(hdr.header_size) == HEADER_SIZE
        && hdr.flags == 0
        && hdr.reserved.iter().all(|&b| b == 0);
    if !well_formed {
        return Err(Refusal::UnsupportedFormat {
            format_version: hdr.format_version,
        });
    }
    let too_large = Refusal::Truncated {
        needed: hdr.payload_len.saturating_add(HEADER_SIZE as u64),
        available: SLOT_SIZE as u64,
    };
    let len = usize::try_from(hdr.payload_len).map_err(|_| too_large)?;
    if len > SLOT_MAX_PAYLOAD {
        return Err(too_large);
    }
    Ok((hdr, len))
}

/// Checks the key id and the Ed25519 signature over the signed header bytes.
fn authenticate(hdr: &PackageHeader, policy: &Policy) -> Result<(), Refusal> {
    let key =
        VerifyingKey::from_bytes(&policy.trusted_key).map_err(|_| Refusal::InvalidTrustedKey)?;
    if key.is_weak() {
        return Err(Refusal::InvalidTrustedKey);
    }
    let key_id: [u8; SHA256_LEN] = Sha256::digest(policy.trusted_key).into();
    if key_id != hdr.key_id {
        return Err(Refusal::WrongKey);
    }
    let signature = Signature::from_bytes(&hdr.signature);
    key.verify_strict(hdr.signed_bytes(), &signature)
        .map_err(|_| Refusal::BadSignature)
}

/// Checks the load window, the entry address and the anti-rollback version.
fn check_placement(hdr: &PackageHeader, policy: &Policy) -> Result<(), Refusal> {
    let outside = Refusal::LoadOutsideWindow {
        load_addr: hdr.load_addr,
        len: hdr.payload_len,
    };
    let end = hdr.load_addr.checked_add(hdr.payload_len).ok_or(outside)?;
    if hdr.load_addr < policy.load_start || end > policy.load_end {
        return Err(outside);
    }
    if hdr.entry < hdr.load_addr || hdr.entry >= end {
        return Err(Refusal::EntryOutsideImage { entry: hdr.entry });
    }
    if hdr.rollback_version < policy.min_version {
        return Err(Refusal::Rollback {
            version: hdr.rollback_version,
            minimum: policy.min_version,
        });
    }
    Ok(())
}

/// SHA-256's block function (FIPS 180-4, 6.2.2): the firmware hashes the
/// payload through it, so that a CPU's SHA-256 instructions can do the work.
pub trait Sha256Blocks {
    /// Updates `state` with `blocks`, whose length is a multiple of 64.
    fn compress(&self, state: &mut [u32; 8], blocks: &[u8]);
}

/// The `sha2` crate's portable block function.
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftwareSha256;

impl Sha256Blocks for SoftwareSha256 {
    fn compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        for block in blocks.chunks_exact(SHA256_BLOCK) {
            sha2::compress256(
                state,
                core::slice::from_ref(GenericArray::from_slice(block)),
            );
        }
    }
}

const SHA256_BLOCK: usize = 64;

/// SHA-256 of `data` with `blocks` as the block function: the whole blocks in
/// one call, then the padded tail (one or two blocks) in another.
pub fn sha256_with(blocks: &dyn Sha256Blocks, data: &[u8]) -> [u8; SHA256_LEN] {
    const H0: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    let mut state = H0;
    let whole = data.len() - data.len() % SHA256_BLOCK;
    let (head, rest) = data.split_at(whole);
    blocks.compress(&mut state, head);
    // The rest, 0x80, zeros, and the length in bits as a 64-bit big-endian
    // number, filling one block if that fits after the rest, else two.
    let mut tail = [0u8; 2 * SHA256_BLOCK];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < SHA256_BLOCK - 8 {
        SHA256_BLOCK
    } else {
        2 * SHA256_BLOCK
    };
    let bits = (data.len() as u64).wrapping_mul(8);
    tail[tail_len - 8..tail_len].copy_from_slice(&bits.to_be_bytes());
    blocks.compress(&mut state, &tail[..tail_len]);
    let mut out = [0u8; SHA256_LEN];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

fn hash_matches(
    blocks: &dyn Sha256Blocks,
    payload: &[u8],
    expected: &[u8; SHA256_LEN],
) -> Result<(), Refusal> {
    let actual = sha256_with(blocks, payload);
    if &actual == expected {
        Ok(())
    } else {
        Err(Refusal::PayloadHashMismatch)
    }
}

fn verified_header(hdr: &PackageHeader, payload_len: usize) -> VerifiedHeader {
    VerifiedHeader {
        version: hdr.rollback_version,
        load_addr: hdr.load_addr,
        entry: hdr.entry,
        payload_len,
        payload_sha256: hdr.payload_sha256,
    }
}

/// Verifies everything but the payload hash. `header_bytes` is the start of a
/// slot; bytes after the header are ignored.
pub fn verify_header(header_bytes: &[u8], policy: &Policy) -> Result<VerifiedHeader, Refusal> {
    let (hdr, len) = parse(header_bytes)?;
    authenticate(&hdr, policy)?;
    check_placement(&hdr, policy)?;
    Ok(verified_header(&hdr, len))
}

/// Hashes the first `header.payload_len()` bytes of `payload` (the copy the
/// firmware will run) and compares with the signed hash.
pub fn check_payload<'a>(
    header: &VerifiedHeader,
    payload: &'a [u8],
) -> Result<Verified<'a>, Refusal> {
    check_payload_with(header, payload, &SoftwareSha256)
}

/// [`check_payload`] with `blocks` as SHA-256's block function.
pub fn check_payload_with<'a>(
    header: &VerifiedHeader,
    payload: &'a [u8],
    blocks: &dyn Sha256Blocks,
) -> Result<Verified<'a>, Refusal> {
    let payload = payload
        .get(..header.payload_len)
        .ok_or(Refusal::Truncated {
            needed: header.payload_len as u64,
            available: payload.len() as u64,
        })?;
    hash_matches(blocks, payload, &header.payload_sha256)?;
    Ok(Verified {
        header: *header,
        payload,
    })
}

/// Verifies a whole package (header followed by payload; trailing bytes,
/// such as the rest of a slot, are ignored).
pub fn verify<'a>(package: &'a [u8], policy: &Policy) -> Result<Verified<'a>, Refusal> {
    let (hdr, len) = parse(package)?;
    let payload = HEADER_SIZE
        .checked_add(len)
        .and_then(|end| package.get(HEADER_SIZE..end))
        .ok_or(Refusal::Truncated {
            needed: hdr.payload_len.saturating_add(HEADER_SIZE as u64),
            available: package.len() as u64,
        })?;
    authenticate(&hdr, policy)?;
    hash_matches(&SoftwareSha256, payload, &hdr.payload_sha256)?;
    check_placement(&hdr, policy)?;
    Ok(Verified {
        header: verified_header(&hdr, len),
        payload,
    })
}

#[cfg(test)]
mod tests;
