#![doc = include_str!("../README.md")]
#![cfg_attr(not(any(test, feature = "host-tools")), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod algo;
#[cfg(feature = "host-tools")]
pub mod build_support;
mod error;
pub mod header;
pub mod subkey;

use alloc::vec::Vec;

pub use algo::{rsa_public_key, HashAlg, Padding, SigAlgo};
pub use error::TaError;
pub use header::SignedHeader;
pub use oxtee_crypto::asym::rsa::RsaPublicKey;
pub use subkey::{next_uuid, SubkeyImage};

use supplicant_proto::ta_shdr::{
    ShdrBootstrapTa, ShdrEncryptedTa, SHDR_BOOTSTRAP_TA, SHDR_ENCRYPTED_TA, SHDR_SUBKEY, SHDR_TA,
};
use zerocopy::FromBytes;

/// Image type of the header that ends the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageType {
    /// `SHDR_TA`: no sub-header; the UUID is only known from the ELF's `ta_head`.
    Legacy,
    /// `SHDR_BOOTSTRAP_TA`: UUID and version are signed.
    Bootstrap,
}

/// A subkey the chain went through, for the caller's `subkey_ver.db` rollback check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubkeyInfo {
    /// Subkey namespace UUID (octets).
    pub uuid: [u8; 16],
    /// `subkey_version`.
    pub version: u32,
    /// `max_depth`.
    pub max_depth: u32,
}

/// A TA whose signed header, hash and UUID have been verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedTa<'a> {
    /// The ELF image, a slice of the input.
    pub elf: &'a [u8],
    /// TA UUID (octets). For [`ImageType::Legacy`] this is the requested UUID, which the
    /// ELF loader must still compare with `ta_head.uuid`.
    pub uuid: [u8; 16],
    /// `ta_version` of the bootstrap header; `None` for legacy images (no rollback check).
    pub version: Option<u32>,
    /// Type of the final header.
    pub image_type: ImageType,
    /// `algo` of the final header.
    pub algo: u32,
    /// The verified digest (the `ts_store` "tag").
    pub hash: &'a [u8],
    /// Index in `trusted` of the root key that verified the first header.
    pub root_key: usize,
    /// Subkeys the chain went through, root side first.
    pub subkeys: Vec<SubkeyInfo>,
}

/// Verifies a signed TA file as OP-TEE 4.5's REE-FS TA store does and returns its ELF.
///
/// * `bytes`: the whole `<uuid>.ta` file as tee-supplicant delivered it;
/// * `expected_uuid`: the requested UUID, as octets;
/// * `trusted`: root public keys; the first header must verify with one of them;
/// * `min_version`: if set, a bootstrap TA with a smaller `ta_version` is refused
///   ([`TaError::Rollback`], `TEE_ERROR_ACCESS_CONFLICT`).
///
/// Nothing in the payload is trusted before this returns `Ok`.
pub fn verify_ta<'a>(
    bytes: &'a [u8],
    expected_uuid: [u8; 16],
    trusted: &[RsaPublicKey],
    min_version: Option<u32>,
) -> Result<VerifiedTa<'a>, TaError> {
    let mut hdr = SignedHeader::parse(bytes)?;
    let mut algo = None;
    let mut last_err = TaError::BadSignature;
    let mut root_key = 0;
    for (i, key) in trusted.iter().enumerate() {
        match hdr.verify_with(key) {
            Ok(a) => {
                algo = Some(a);
                root_key = i;
                break;
            }
            Err(e) => last_err = e,
        }
    }
    let mut algo = algo.ok_or(last_err)?;
    let mut offs = hdr.len();

    let mut max_depth = u32::MAX;
    let mut namespace: Option<[u8; 16]> = None;
    let mut subkeys = Vec::new();
    while hdr.shdr.img_type == SHDR_SUBKEY {
        let img_end = offs.checked_add(hdr.img_size()).ok_or(TaError::Truncated)?;
        let image = bytes.get(offs..img_end).ok_or(TaError::Truncated)?;
        if algo.hash.digest(&[hdr.raw, image]) != hdr.hash {
            return Err(TaError::HashMismatch);
        }
        let sub = SubkeyImage::parse(image)?;
        if sub.subkey.max_depth >= max_depth {
            return Err(TaError::BadSubkey);
        }
        if namespace.is_some_and(|ns| ns != sub.subkey.uuid) {
            return Err(TaError::UuidMismatch);
        }
        let name_end = img_end
            .checked_add(sub.subkey.name_size as usize)
            .ok_or(TaError::Truncated)?;
        let name = bytes.get(img_end..name_end).ok_or(TaError::Truncated)?;
        let key = sub.public_key()?;
        max_depth = sub.subkey.max_depth;
        namespace = Some(next_uuid(&sub.subkey.uuid, name));
        subkeys.push(SubkeyInfo {
            uuid: sub.subkey.uuid,
            version: sub.subkey.subkey_version,
            max_depth,
        });

        hdr = SignedHeader::parse(bytes.get(name_end..).ok_or(TaError::Truncated)?)?;
        algo = hdr.verify_with(&key)?;
        offs = name_end.checked_add(hdr.len()).ok_or(TaError::Truncated)?;
    }

    let image_type = match hdr.shdr.img_type {
        SHDR_TA => ImageType::Legacy,
        SHDR_BOOTSTRAP_TA | SHDR_ENCRYPTED_TA => ImageType::Bootstrap,
        other => return Err(TaError::BadImageType(other)),
    };
    if namespace.is_some_and(|ns| ns != expected_uuid) {
        return Err(TaError::UuidMismatch);
    }

    let mut version = None;
    let mut bs_raw: &[u8] = &[];
    if image_type == ImageType::Bootstrap {
        let rest = bytes.get(offs..).ok_or(TaError::Truncated)?;
        let (bs, _) = ShdrBootstrapTa::read_from_prefix(rest).map_err(|_| TaError::Truncated)?;
        if bs.uuid != expected_uuid {
            return Err(TaError::UuidMismatch);
        }
        let end = offs
            .checked_add(core::mem::size_of::<ShdrBootstrapTa>())
            .ok_or(TaError::Truncated)?;
        bs_raw = bytes.get(offs..end).ok_or(TaError::Truncated)?;
        version = Some(bs.ta_version);
        offs = end;
    }

    if hdr.shdr.img_type == SHDR_ENCRYPTED_TA {
        let rest = bytes.get(offs..).ok_or(TaError::Truncated)?;
        let (ehdr, _) = ShdrEncryptedTa::read_from_prefix(rest).map_err(|_| TaError::Truncated)?;
        let ehdr_size = core::mem::size_of::<ShdrEncryptedTa>()
            + usize::from(ehdr.iv_size)
            + usize::from(ehdr.tag_size);
        let total = offs
            .checked_add(ehdr_size)
            .and_then(|n| n.checked_add(hdr.img_size()))
            .ok_or(TaError::SizeMismatch)?;
        if total != bytes.len() {
            return Err(TaError::SizeMismatch);
        }
        // The hash covers the plaintext, so nothing more can be checked without the key.
        return Err(TaError::EncryptedNotSupported);
    }

    let end = offs
        .checked_add(hdr.img_size())
        .ok_or(TaError::SizeMismatch)?;
    if end != bytes.len() {
        return Err(TaError::SizeMismatch);
    }
    let elf = bytes.get(offs..end).ok_or(TaError::SizeMismatch)?;
    if algo.hash.digest(&[hdr.raw, bs_raw, elf]) != hdr.hash {
        return Err(TaError::HashMismatch);
    }
    if let (Some(v), Some(min)) = (version, min_version) {
        if v < min {
            return Err(TaError::Rollback {
                version: v,
                min_version: min,
            });
        }
    }
    Ok(VerifiedTa {
        elf,
        uuid: expected_uuid,
        version,
        image_type,
        algo: hdr.shdr.algo,
        hash: hdr.hash,
        root_key,
        subkeys,
    })
}
