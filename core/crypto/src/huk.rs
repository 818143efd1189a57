//! Subkeys of the hardware unique key, as OP-TEE's `huk_subkey_derive`:
//! HMAC-SHA256 keyed with the HUK over the usage (u32, little-endian) and the constant data,
//! truncated to the requested length.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

use crate::error::{TeeError, TeeResult};

/// Longest subkey (`HUK_SUBKEY_MAX_LEN`).
pub const HUK_SUBKEY_MAX_LEN: usize = 32;

/// Fills `out` (at most 32 bytes) with the subkey of `huk` for `usage` and `data`.
pub fn huk_subkey_derive(huk: &[u8], usage: u32, data: &[u8], out: &mut [u8]) -> TeeResult<()> {
    if out.len() > HUK_SUBKEY_MAX_LEN {
        return Err(TeeError::BadParameters);
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(huk).map_err(|_| TeeError::Generic)?;
    mac.update(&usage.to_le_bytes());
    mac.update(data);
    let mut tag = mac.finalize().into_bytes();
    out.copy_from_slice(&tag[..out.len()]);
    // The whole tag is key material, also the part past `out`.
    tag.as_mut_slice().zeroize();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            Err(TeeError::BadParameters)
        );
    }
}
