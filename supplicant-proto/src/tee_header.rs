//! OP-TEE image header v2 (`tee-header_v2.bin`), as read by TF-A's
//! `optee_utils.c`: a 12-byte header followed by 16 bytes per image; and
//! header v1, the 28-byte header that starts OP-TEE's single-file `tee.bin`
//! (read by loaders that take one file, such as U-Boot's SPL).

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// `OPTEE_MAGIC`: "OPTE" little-endian.
pub const OPTEE_MAGIC: u32 = 0x4554_504F;
/// Header version 2.
pub const OPTEE_IMAGE_HEADER_VERSION: u8 = 2;
/// Header version 1 (`tee.bin`).
pub const OPTEE_IMAGE_HEADER_V1_VERSION: u8 = 1;
/// `arch` value for AArch64 images.
pub const OPTEE_ARCH_ARM64: u8 = 1;
/// `arch` value for AArch32 images.
pub const OPTEE_ARCH_ARM32: u8 = 0;
/// Image id of the pager (the part loaded at boot).
pub const OPTEE_PAGER_IMAGE_ID: u32 = 0;
/// Image id of the pageable part.
pub const OPTEE_PAGED_IMAGE_ID: u32 = 1;
/// TF-A accepts at most two images.
pub const OPTEE_MAX_NUM_IMAGES: u32 = 2;

/// `optee_header_t` without the trailing image array.
#[repr(C)]
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct OpteeHeader {
    /// [`OPTEE_MAGIC`].
    pub magic: u32,
    /// [`OPTEE_IMAGE_HEADER_VERSION`].
    pub version: u8,
    /// [`OPTEE_ARCH_ARM64`] or [`OPTEE_ARCH_ARM32`].
    pub arch: u8,
    /// Unused, 0.
    pub flags: u16,
    /// Number of [`OpteeImage`] entries that follow (1 or 2).
    pub nb_images: u32,
}

/// `optee_image_t`: one image entry.
#[repr(C)]
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct OpteeImage {
    /// High 32 bits of the load address (0xFFFF_FFFF with `load_addr_lo` = "loader chooses").
    pub load_addr_hi: u32,
    /// Low 32 bits of the load address.
    pub load_addr_lo: u32,
    /// [`OPTEE_PAGER_IMAGE_ID`] or [`OPTEE_PAGED_IMAGE_ID`].
    pub image_id: u32,
    /// Size in bytes.
    pub size: u32,
}

/// Header v1 (`tee.bin`): followed by the pager image, then the paged part.
#[repr(C)]
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct OpteeHeaderV1 {
    /// [`OPTEE_MAGIC`].
    pub magic: u32,
    /// [`OPTEE_IMAGE_HEADER_V1_VERSION`].
    pub version: u8,
    /// [`OPTEE_ARCH_ARM64`] or [`OPTEE_ARCH_ARM32`].
    pub arch: u8,
    /// Unused, 0.
    pub flags: u16,
    /// Bytes after the header that are loaded at `init_load_addr`.
    pub init_size: u32,
    /// High 32 bits of the load (and entry) address.
    pub init_load_addr_hi: u32,
    /// Low 32 bits of the load address.
    pub init_load_addr_lo: u32,
    /// Memory the image uses from its load address while it initialises.
    pub init_mem_usage: u32,
    /// Bytes of the paged part after the init part (0 without a pager).
    pub paged_size: u32,
}

const _: () = assert!(core::mem::size_of::<OpteeHeaderV1>() == 28);
const _: () = assert!(core::mem::offset_of!(OpteeHeaderV1, init_size) == 8);
const _: () = assert!(core::mem::offset_of!(OpteeHeaderV1, init_mem_usage) == 20);
const _: () = assert!(core::mem::size_of::<OpteeHeader>() == 12);
const _: () = assert!(core::mem::size_of::<OpteeImage>() == 16);
const _: () = assert!(core::mem::offset_of!(OpteeHeader, nb_images) == 8);
const _: () = assert!(core::mem::offset_of!(OpteeImage, size) == 12);

impl OpteeImage {
    /// The 64-bit load address.
    pub const fn load_addr(&self) -> u64 {
        ((self.load_addr_hi as u64) << 32) | self.load_addr_lo as u64
    }
}

/// Why a header v2 was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderError {
    /// Fewer bytes than the header claims.
    Truncated,
    /// Magic is not "OPTE".
    BadMagic,
    /// Version other than 2.
    BadVersion,
    /// `nb_images` is 0 or more than 2.
    BadImageCount,
    /// No pager image, or an unknown image id.
    BadImageId,
}

/// The pager image described by a valid header v2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PagerImage {
    /// Load (and entry) address.
    pub load_addr: u64,
    /// Size of `tee-pager_v2.bin`.
    pub size: u32,
    /// `arch` field of the header.
    pub arch: u8,
    /// Size of the pageable image (0 without a pager).
    pub paged_size: u32,
}

/// Parses `tee-header_v2.bin` and returns the pager image description.
pub fn parse_header_v2(bytes: &[u8]) -> Result<PagerImage, HeaderError> {
    let (hdr, rest) = OpteeHeader::read_from_prefix(bytes).map_err(|_| HeaderError::Truncated)?;
    if hdr.magic != OPTEE_MAGIC {
        return Err(HeaderError::BadMagic);
    }
    if hdr.version != OPTEE_IMAGE_HEADER_VERSION {
        return Err(HeaderError::BadVersion);
    }
    if hdr.nb_images == 0 || hdr.nb_images > OPTEE_MAX_NUM_IMAGES {
        return Err(HeaderError::BadImageCount);
    }
    let mut pager = None;
    let mut paged_size = 0;
    let mut rest = rest;
    for _ in 0..hdr.nb_images {
        let (img, tail) = OpteeImage::read_from_prefix(rest).map_err(|_| HeaderError::Truncated)?;
        rest = tail;
        match img.image_id {
            OPTEE_PAGER_IMAGE_ID => pager = Some(img),
            OPTEE_PAGED_IMAGE_ID => paged_size = img.size,
            _ => return Err(HeaderError::BadImageId),
        }
    }
    let pager = pager.ok_or(HeaderError::BadImageId)?;
    Ok(PagerImage {
        load_addr: pager.load_addr(),
        size: pager.size,
        arch: hdr.arch,
        paged_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 28-byte header shipped in Debian's optee-os 4.5.0-2 for QEMU.
    const DEBIAN_HEADER: [u8; 28] = [
        0x4f, 0x50, 0x54, 0x45, 0x02, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0x00, 0x00, 0x00, 0xa8, 0x03, 0x08, 0x00,
    ];

    #[test]
    fn parses_debian_header() {
        let p = parse_header_v2(&DEBIAN_HEADER).unwrap();
        assert_eq!(p.load_addr, 0x0e10_0000);
        assert_eq!(p.size, 525_224);
        assert_eq!(p.arch, OPTEE_ARCH_ARM64);
        assert_eq!(p.paged_size, 0);
    }

    #[test]
    fn rejects_bad_headers() {
        let mut h = DEBIAN_HEADER;
        h[0] ^= 1;
        assert_eq!(parse_header_v2(&h), Err(HeaderError::BadMagic));
        let mut h = DEBIAN_HEADER;
        h[4] = 1;
        assert_eq!(parse_header_v2(&h), Err(HeaderError::BadVersion));
        let mut h = DEBIAN_HEADER;
        h[8] = 3;
        assert_eq!(parse_header_v2(&h), Err(HeaderError::BadImageCount));
        let mut h = DEBIAN_HEADER;
        h[8] = 2;
        assert_eq!(parse_header_v2(&h), Err(HeaderError::Truncated));
        let mut h = DEBIAN_HEADER;
        h[20] = 7;
        assert_eq!(parse_header_v2(&h), Err(HeaderError::BadImageId));
        assert_eq!(
            parse_header_v2(&DEBIAN_HEADER[..27]),
            Err(HeaderError::Truncated)
        );
    }
}
