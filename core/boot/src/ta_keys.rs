//! The RSA public keys TA signatures are checked against, fixed at build time (the image holds them).

use alloc::vec::Vec;

use oxtee_ta_verify::{rsa_public_key, RsaPublicKey};

fn take<'a>(raw: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = raw.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    let (part, rest) = (rest.get(..len)?, rest.get(len..)?);
    *raw = rest;
    Some(part)
}

/// The trusted keys in `raw` (`ta-pubkey --format raw` output: length-prefixed
/// modulus and exponent per key); empty if the build gave none: then no TA is
/// trusted.
pub(crate) fn trusted(mut raw: &[u8]) -> Vec<RsaPublicKey> {
    let mut keys = Vec::new();
    while !raw.is_empty() {
        let (Some(n), Some(e)) = (take(&mut raw), take(&mut raw)) else {
            break;
        };
        if let Ok(k) = rsa_public_key(n, e) {
            keys.push(k);
        }
    }
    keys
}
