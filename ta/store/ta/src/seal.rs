//! `seal` / `unseal`: a blob of any content (up to [`MAX_PLAIN_LEN`]) made
//! safe to keep on the normal world's disk — encrypted and authenticated
//! with AES-256-GCM under a key only this TA on this device can derive, for
//! this client (and, if asked, this secure-OS version).
//!
//! Blob format, version 1 (all of it authenticated; multi-byte fields
//! little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `OXSB` |
//! | 4 | 1 | format version, 1 |
//! | 5 | 1 | flags: bit 0 [`BIND_OS_VERSION`]; other bits 0 |
//! | 6 | 2 | reserved, 0 |
//! | 8 | 12 | GCM nonce, random per blob |
//! | 20 | n | ciphertext |
//! | 20 + n | 16 | GCM tag |
//!
//! The key is the system pseudo-TA's TA unique key (HMAC-SHA256 of the
//! device's HUK over the TA's UUID and the extra data) with extra data
//! [`KEY_LABEL`] ‖ flags ‖ the client's 20-byte identity ‖ (if
//! `BIND_OS_VERSION`) the length (u16) and bytes of
//! `gpd.tee.trustedos.implementation.version`. The header is the GCM AAD.
//!
//! Answers: a blob whose structure is wrong (too short, other magic,
//! unknown version, flag or reserved bits) is `TEE_ERROR_BAD_FORMAT`; one
//! that does not authenticate — changed, cut, sealed on another device, by
//! another user or TA, or under another secure-OS version when bound to it —
//! is `TEE_ERROR_MAC_INVALID`, what OP-TEE's `TEE_AEDecryptFinal` answers
//! for a wrong tag. The two cannot tell an attacker anything about the key.

use alloc::vec::Vec;

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use oxtee_ta::ta_session::{no_params, TaParam, TaSession, Timeout, SYSTEM_PTA};
use oxtee_ta::{Error, Result};
use supplicant_proto::pta::PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY;
use zeroize::Zeroizing;

use crate::namespace::Namespace;

/// Largest plaintext: 1 MiB, as the store's values.
pub(crate) const MAX_PLAIN_LEN: usize = 1 << 20;
/// Seal flag: the key also depends on the secure OS's version string, so an
/// update (or a downgrade) of the secure OS cannot unseal the blob.
pub(crate) const BIND_OS_VERSION: u32 = 1;

const MAGIC: [u8; 4] = *b"OXSB";
const VERSION: u8 = 1;
/// Header: magic, version, flags, reserved, nonce.
pub(crate) const HEADER_LEN: usize = 20;
const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;
/// Bytes a blob adds to its plaintext.
pub(crate) const OVERHEAD: usize = HEADER_LEN + TAG_LEN;
/// Largest blob.
pub(crate) const MAX_BLOB_LEN: usize = MAX_PLAIN_LEN + OVERHEAD;
/// First bytes of the key derivation's extra data: the purpose, so no other
/// use of the TA unique key can produce this one.
const KEY_LABEL: &[u8] = b"oxtee-store seal v1\0";

/// The header of a blob, checked.
struct Header {
    flags: u8,
    nonce: [u8; NONCE_LEN],
}

impl Header {
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[..4].copy_from_slice(&MAGIC);
        h[4] = VERSION;
        h[5] = self.flags;
        h[8..].copy_from_slice(&self.nonce);
        h
    }

    /// Parses the first bytes of `blob`; the blob must also hold a tag.
    fn decode(blob: &[u8]) -> Result<Header> {
        if blob.len() < OVERHEAD
            || blob[..4] != MAGIC
            || blob[4] != VERSION
            || u32::from(blob[5]) & !BIND_OS_VERSION != 0
            || blob[6..8] != [0, 0]
        {
            return Err(Error::BAD_FORMAT);
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&blob[8..HEADER_LEN]);
        Ok(Header {
            flags: blob[5],
            nonce,
        })
    }
}

/// The AES-256 key of `ns` for blobs with `flags`.
fn key(ns: &Namespace, flags: u8) -> Result<Zeroizing<[u8; 32]>> {
    let mut extra = Vec::new();
    extra.extend_from_slice(KEY_LABEL);
    extra.push(flags);
    extra.extend_from_slice(ns.prefix());
    if u32::from(flags) & BIND_OS_VERSION != 0 {
        let version = oxtee_ta::tee_props::trusted_os_version()?;
        let len = u16::try_from(version.len()).map_err(|_| Error::BAD_FORMAT)?;
        extra.extend_from_slice(&len.to_le_bytes());
        extra.extend_from_slice(&version);
    }
    let mut pta = TaSession::open(&SYSTEM_PTA, Timeout::Infinite, &mut no_params())?;
    let mut p = [
        TaParam::MemrefIn(extra),
        TaParam::out(32),
        TaParam::None,
        TaParam::None,
    ];
    pta.invoke(PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY, Timeout::Infinite, &mut p)?;
    let mut key = Zeroizing::new([0u8; 32]);
    // The PTA owned the buffer's bytes; take them and wipe the buffer.
    if let TaParam::MemrefOut(buf, size) = &mut p[1] {
        if *size != 32 {
            return Err(Error::GENERIC);
        }
        key.copy_from_slice(buf);
        zeroize::Zeroize::zeroize(buf.as_mut_slice());
    }
    Ok(key)
}

/// A buffer of `len` zero bytes, or `TEE_ERROR_OUT_OF_MEMORY`.
pub(crate) fn zeroed(len: usize) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::OUT_OF_MEMORY)?;
    v.resize(len, 0);
    Ok(v)
}

/// Seals the plaintext already placed at `blob[HEADER_LEN..len - TAG_LEN]`
/// in place: the blob is complete afterwards.
pub(crate) fn seal_in_place(ns: &Namespace, flags: u32, blob: &mut [u8]) -> Result<()> {
    if flags & !BIND_OS_VERSION != 0 || blob.len() < OVERHEAD {
        return Err(Error::BAD_PARAMETERS);
    }
    let mut nonce = [0u8; NONCE_LEN];
    oxtee_ta::random::fill(&mut nonce)?;
    let header = Header {
        flags: flags as u8,
        nonce,
    };
    let key = key(ns, header.flags)?;
    let aad = header.encode();
    let (head, rest) = blob.split_at_mut(HEADER_LEN);
    let (body, tag_out) = rest.split_at_mut(rest.len() - TAG_LEN);
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(|_| Error::GENERIC)?;
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, body)
        .map_err(|_| Error::GENERIC)?;
    head.copy_from_slice(&aad);
    tag_out.copy_from_slice(&tag);
    Ok(())
}

/// Opens `blob` in place; on success the plaintext is
/// `blob[HEADER_LEN..blob.len() - TAG_LEN]`. On failure nothing of the
/// plaintext is released.
pub(crate) fn unseal_in_place(ns: &Namespace, blob: &mut [u8]) -> Result<()> {
    let header = Header::decode(blob)?;
    let key = key(ns, header.flags)?;
    let (head, rest) = blob.split_at_mut(HEADER_LEN);
    let (body, tag) = rest.split_at_mut(rest.len() - TAG_LEN);
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(|_| Error::GENERIC)?;
    let tag = *Tag::from_slice(tag);
    cipher
        .decrypt_in_place_detached(Nonce::from_slice(&header.nonce), head, body, &tag)
        .map_err(|_| {
            // Do not leave anything decrypted behind.
            body.fill(0);
            Error::MAC_INVALID
        })
}
