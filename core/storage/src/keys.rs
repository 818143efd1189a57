//! Key ladder of OP-TEE 4.5's REE FS with `CFG_CORE_HUK_SUBKEY_COMPAT=y`:
//! HUK → SSK → per-TA TSK → per-file FEK.

use hmac::{Hmac, Mac};
use oxtee_crypto::hash::Sha256;
use zeroize::Zeroizing;

use crate::crypto::ecb256;
use crate::TaUuid;

/// The dummy die id of the compat derivation: "BEEF" repeated to 32 bytes.
const CHIP_ID: [u8; 32] = *b"BEEFBEEFBEEFBEEFBEEFBEEFBEEFBEEF";
/// The compat SSK label, including its C string terminator.
const SSK_LABEL: &[u8] = b"ONLY_FOR_tee_fs_ssk\0";

pub(crate) fn hmac256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Secure storage key, derived once from the HUK.
#[derive(Clone)]
pub(crate) struct Ssk(Zeroizing<[u8; 32]>);

impl Ssk {
    pub(crate) fn derive(huk: &[u8; 16]) -> Self {
        Ssk(Zeroizing::new(hmac256(huk, &[&CHIP_ID, SSK_LABEL])))
    }

    /// The TA storage key; `None` is `dirf.db`, keyed by a single zero byte.
    pub(crate) fn tsk(&self, uuid: Option<&TaUuid>) -> Tsk {
        let msg: &[u8] = match uuid {
            Some(u) => u,
            None => &[0u8],
        };
        Tsk(Zeroizing::new(hmac256(&self.0[..], &[msg])))
    }
}

/// TA storage key: wraps each file's FEK.
#[derive(Clone)]
pub(crate) struct Tsk(Zeroizing<[u8; 32]>);

impl Tsk {
    pub(crate) fn wrap(&self, fek: &[u8; 16]) -> [u8; 16] {
        ecb256(&self.0, fek, true)
    }

    pub(crate) fn unwrap(&self, enc_fek: &[u8; 16]) -> [u8; 16] {
        ecb256(&self.0, enc_fek, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladder_is_deterministic_and_separates_tas() {
        let ssk = Ssk::derive(&[0; 16]);
        assert_ne!(*ssk.0, *Ssk::derive(&[1; 16]).0);
        let a = ssk.tsk(Some(&[1; 16]));
        let b = ssk.tsk(Some(&[2; 16]));
        let d = ssk.tsk(None);
        assert_ne!(*a.0, *b.0);
        assert_ne!(*a.0, *d.0);
        // The dirf key is HMAC over one zero byte, not over a zero UUID.
        assert_ne!(*d.0, *ssk.tsk(Some(&[0; 16])).0);
        let fek = [0x5a; 16];
        assert_eq!(a.unwrap(&a.wrap(&fek)), fek);
        assert_ne!(b.unwrap(&a.wrap(&fek)), fek);
    }

    // SSK and dirf TSK for the all-zero HUK (every stock QEMU OP-TEE),
    // computed independently with Python's hmac module.
    #[test]
    fn zero_huk_keys_match_reference() {
        let ssk = Ssk::derive(&[0; 16]);
        assert_eq!(
            *ssk.0,
            hex32("79b082214416d9f43a9be1cb6c4abaa5435c1a1a55b8ae51c3a6857460952147")
        );
        assert_eq!(
            *ssk.tsk(None).0,
            hex32("efa8fc65f1ff33c90da75ee3e2359acf9d981e99bed1b70b8f8517b09e5bb0d9")
        );
    }

    fn hex32(s: &str) -> [u8; 32] {
        let mut o = [0u8; 32];
        for (i, b) in o.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        o
    }
}
