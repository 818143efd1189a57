//! Subkeys of the hardware unique key, as OP-TEE's `huk_subkey_derive`:
//! HMAC-SHA256 keyed with the HUK over the usage (u32, little-endian) and the constant data,
//! truncated to the requested length.

use supplicant_proto::tee_crypto::TEE_ALG_SHA256;

use crate::hash::Sha256;

use crate::error::{CryptoError, CryptoResult};
use crate::hmac::Hmac;

/// Longest subkey (`HUK_SUBKEY_MAX_LEN`).
pub const HUK_SUBKEY_MAX_LEN: usize = 32;

/// Fills `out` (at most 32 bytes) with the subkey of `huk` for `usage` and `data`.
pub fn huk_subkey_derive(huk: &[u8], usage: u32, data: &[u8], out: &mut [u8]) -> CryptoResult<()> {
    if out.len() > HUK_SUBKEY_MAX_LEN {
        return Err(CryptoError::BadParameters);
    }
    let mut mac = Hmac::new(TEE_ALG_SHA256, huk).ok_or(CryptoError::Generic)?;
    mac.update(&usage.to_le_bytes());
    mac.update(data);
    // Writes the tag's first `out.len()` bytes and wipes the rest.
    mac.finalize_reset(out);
    Ok(())
}

/// `gpd.tee.deviceID` of the device whose hardware unique key is `huk`, as
/// OP-TEE 4.5 derives it without a platform die ID: die ID = the first 12
/// bytes of the `HUK_SUBKEY_DIE_ID` subkey; ID = SHA-256("OPTEE" ‖ die ID)
/// truncated to a `TEE_UUID` (memory layout), made an RFC 4122 version-5
/// UUID (`timeHiAndVersion` = 5 in its top nibble, variant bits `10` in
/// `clockSeqAndNode[0]`). One HUK per device: stable per device, different
/// across devices, and equal to OP-TEE's where the HUK is (QEMU: zeros).
// Not inlined: its callers are built for speed, and it runs once per boot.
#[inline(never)]
pub fn tee_device_id(huk: &[u8]) -> CryptoResult<[u8; 16]> {
    use sha2::Digest;
    use supplicant_proto::pta::{DEVICE_ID_DIE_ID_LEN, DEVICE_ID_PREFIX, HUK_SUBKEY_DIE_ID};
    let mut die_id = [0u8; DEVICE_ID_DIE_ID_LEN];
    huk_subkey_derive(huk, HUK_SUBKEY_DIE_ID, &[], &mut die_id)?;
    let mut h = Sha256::new();
    h.update(DEVICE_ID_PREFIX);
    h.update(die_id);
    zeroize::Zeroize::zeroize(&mut die_id);
    let digest = h.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    // timeHiAndVersion is a little-endian u16 at bytes 6..8: version in byte 7.
    id[7] = (id[7] & 0x0f) | 0x50;
    id[8] = (id[8] & 0x3f) | 0x80;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_id_is_optee_4_5s_on_qemu_and_follows_the_huk() {
        // Reference: HMAC-SHA256(16 zero bytes, LE32 2)[..12] → SHA-256("OPTEE" ‖ it)[..16],
        // version and variant bits set (computed outside this crate).
        let zero = tee_device_id(&[0; 16]).unwrap();
        assert_eq!(
            zero,
            [
                0x89, 0xab, 0xe9, 0x94, 0x43, 0x4c, 0xea, 0x56, 0x8b, 0x35, 0x45, 0xdc, 0x07, 0x22,
                0x68, 0x30
            ]
        );
        assert_eq!(zero[7] >> 4, 5, "version 5");
        assert_eq!(zero[8] >> 6, 0b10, "RFC 4122 variant");
        assert_eq!(tee_device_id(&[0; 16]).unwrap(), zero, "stable");
        let mut other = [0u8; 16];
        other[15] = 1;
        assert_ne!(tee_device_id(&other).unwrap(), zero, "one per HUK");
    }

    #[test]
    fn truncates_the_hmac_and_bounds_the_length() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 16];
        huk_subkey_derive(&[0; 16], 3, b"uuid", &mut a).unwrap();
        huk_subkey_derive(&[0; 16], 3, b"uuid", &mut b).unwrap();
        assert_eq!(a[..16], b);
        let mut c = [0u8; 32];
        huk_subkey_derive(&[0; 16], 4, b"uuid", &mut c).unwrap();
        assert_ne!(a, c);
        assert_eq!(
            huk_subkey_derive(&[0; 16], 3, b"", &mut [0u8; 33]),
            Err(CryptoError::BadParameters)
        );
    }
}
