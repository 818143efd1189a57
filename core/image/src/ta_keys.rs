//! The RSA public keys TA signatures are checked against, fixed at build time.

use alloc::vec::Vec;

use oxtee_ta_verify::{rsa_public_key, RsaPublicKey};

static RAW: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ta-keys.bin"));

fn take<'a>(raw: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = raw.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    let (part, rest) = (rest.get(..len)?, rest.get(len..)?);
    *raw = rest;
    Some(part)
}

/// The trusted keys (empty if the build gave none: then no TA is trusted).
pub fn trusted() -> Vec<RsaPublicKey> {
    let mut raw = RAW;
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
