//! Authenticated encryption: AES-GCM (NIST SP 800-38D) and AES-CCM (SP 800-38C), streaming,
//! on an `AesKey`: the whole blocks of each update are one CTR and one GHASH (or CBC-MAC)
//! call, on the accelerator when it has the instructions. GCM, with the one-shot the secure
//! storage uses (`gcm_encrypt`, `gcm_decrypt`), is `oxtee-crypto-fast`'s, compiled for speed.

use alloc::boxed::Box;

use oxtee_crypto_fast::gcm::{Blocker, Gcm};
use zeroize::Zeroize;

use crate::accel::Accelerator;
use crate::aes_key::AesKey;
use crate::aes_modes::Ctr;
use crate::error::{CryptoError, CryptoResult};

/// A keyed, nonce-initialized AE computation in one direction.
pub(crate) trait AeMode: Send {
    fn update_aad(&mut self, aad: &[u8]) -> CryptoResult<()>;
    /// Encrypt or decrypt `data` in place and authenticate it.
    fn update(&mut self, data: &mut [u8]) -> CryptoResult<()>;
    /// Finish and write the first `tag.len()` bytes of the tag.
    fn tag(&mut self, tag: &mut [u8]) -> CryptoResult<()>;
    fn box_clone(&self) -> Box<dyn AeMode>;
}

impl AeMode for Gcm {
    fn update_aad(&mut self, aad: &[u8]) -> CryptoResult<()> {
        Ok(Gcm::update_aad(self, aad)?)
    }

    fn update(&mut self, data: &mut [u8]) -> CryptoResult<()> {
        Ok(Gcm::update(self, data)?)
    }

    fn tag(&mut self, tag: &mut [u8]) -> CryptoResult<()> {
        Gcm::tag(self, tag);
        Ok(())
    }

    fn box_clone(&self) -> Box<dyn AeMode> {
        Box::new(self.clone())
    }
}

/// GCM tag lengths GP allows, in bits.
pub(crate) fn gcm_tag_ok(bits: u32) -> bool {
    matches!(bits, 96 | 104 | 112 | 120 | 128)
}

/// CCM tag lengths GP allows, in bits.
pub(crate) fn ccm_tag_ok(bits: u32) -> bool {
    matches!(bits, 32 | 48 | 64 | 80 | 96 | 112 | 128)
}

#[cfg(test)]
fn new_gcm_on(
    on: Option<&'static dyn Accelerator>,
    key: &[u8],
    nonce: &[u8],
    encrypt: bool,
) -> CryptoResult<Gcm> {
    Ok(Gcm::new_on(on, key, nonce, encrypt)?)
}

/// AES-GCM with the installed accelerator.
pub(crate) fn new_gcm(key: &[u8], nonce: &[u8], encrypt: bool) -> CryptoResult<Box<dyn AeMode>> {
    Ok(Box::new(Gcm::new(key, nonce, encrypt)?))
}

/// AES-GCM of `data` in place with a 16-byte tag, in one call (the REE FS
/// format's data blocks and headers). `key` is 16, 24 or 32 bytes.
pub fn gcm_encrypt(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &mut [u8],
) -> CryptoResult<[u8; 16]> {
    Ok(oxtee_crypto_fast::gcm::encrypt(key, nonce, aad, data)?)
}

/// Checks the 16-byte tag over `aad` and the ciphertext `data` (constant
/// time), then decrypts `data` in place. A bad tag is `MAC_INVALID` and
/// leaves `data` as it was.
pub fn gcm_decrypt(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &mut [u8],
    tag: &[u8; 16],
) -> CryptoResult<()> {
    Ok(oxtee_crypto_fast::gcm::decrypt(key, nonce, aad, data, tag)?)
}

#[derive(Clone)]
struct Ccm {
    key: AesKey,
    ctr: Ctr,
    x: [u8; 16],
    s0: [u8; 16],
    blocker: Blocker,
    aad_len: u64,
    aad_seen: u64,
    payload_len: u64,
    payload_seen: u64,
    encrypt: bool,
}

impl Ccm {
    fn mac(&mut self, data: &[u8]) {
        let (x, k) = (&mut self.x, &self.key);
        self.blocker.feed(data, |b| k.cbc_mac(x, b));
    }

    fn mac_flush(&mut self) {
        let (x, k) = (&mut self.x, &self.key);
        self.blocker.flush(|b| k.cbc_mac(x, b));
    }
}

impl AeMode for Ccm {
    fn update_aad(&mut self, aad: &[u8]) -> CryptoResult<()> {
        let seen = self
            .aad_seen
            .checked_add(aad.len() as u64)
            .filter(|s| *s <= self.aad_len)
            .ok_or(CryptoError::BadParameters)?;
        self.mac(aad);
        self.aad_seen = seen;
        if seen == self.aad_len {
            self.mac_flush();
        }
        Ok(())
    }

    fn update(&mut self, data: &mut [u8]) -> CryptoResult<()> {
        if self.aad_seen != self.aad_len {
            return Err(CryptoError::BadState);
        }
        self.payload_seen = self
            .payload_seen
            .checked_add(data.len() as u64)
            .filter(|s| *s <= self.payload_len)
            .ok_or(CryptoError::BadParameters)?;
        if self.encrypt {
            self.mac(data);
            self.ctr.apply(data);
        } else {
            self.ctr.apply(data);
            self.mac(data);
        }
        Ok(())
    }

    fn tag(&mut self, tag: &mut [u8]) -> CryptoResult<()> {
        if self.aad_seen != self.aad_len || self.payload_seen != self.payload_len {
            return Err(CryptoError::BadParameters);
        }
        self.mac_flush();
        for (i, t) in tag.iter_mut().enumerate() {
            *t = self.x[i] ^ self.s0[i];
        }
        Ok(())
    }

    fn box_clone(&self) -> Box<dyn AeMode> {
        Box::new(self.clone())
    }
}

impl Drop for Ccm {
    fn drop(&mut self) {
        self.x.zeroize();
        self.s0.zeroize();
    }
}

/// AES-CCM with `tag_len` bytes of tag and the total AAD and payload lengths known up front.
pub(crate) fn new_ccm(
    key: &[u8],
    nonce: &[u8],
    tag_len: usize,
    aad_len: u64,
    payload_len: u64,
    encrypt: bool,
) -> CryptoResult<Box<dyn AeMode>> {
    new_ccm_on(
        crate::accel::installed(),
        key,
        nonce,
        tag_len,
        aad_len,
        payload_len,
        encrypt,
    )
}

fn new_ccm_on(
    on: Option<&'static dyn Accelerator>,
    key: &[u8],
    nonce: &[u8],
    tag_len: usize,
    aad_len: u64,
    payload_len: u64,
    encrypt: bool,
) -> CryptoResult<Box<dyn AeMode>> {
    if !(7..=13).contains(&nonce.len()) || !matches!(tag_len, 4 | 6 | 8 | 10 | 12 | 14 | 16) {
        return Err(CryptoError::BadParameters);
    }
    let q = 15 - nonce.len();
    if q < 8 && payload_len >> (8 * q) != 0 {
        return Err(CryptoError::BadParameters);
    }
    let key = AesKey::new_on(on, key).ok_or(CryptoError::BadParameters)?;

    // B0 = flags | N | Q.
    let mut b0 = [0u8; 16];
    // tag_len <= 16 and q <= 8: the flag fields fit in a byte.
    b0[0] =
        (if aad_len > 0 { 0x40 } else { 0 }) | ((((tag_len - 2) / 2) as u8) << 3) | (q - 1) as u8;
    b0[1..1 + nonce.len()].copy_from_slice(nonce);
    let plen = payload_len.to_be_bytes();
    b0[16 - q..].copy_from_slice(&plen[8 - q..]);

    // Counter block A0 = (q - 1) | N | 0; the keystream starts at A1.
    let mut a = [0u8; 16];
    a[0] = (q - 1) as u8;
    a[1..1 + nonce.len()].copy_from_slice(nonce);
    let mut s0 = a;
    key.encrypt_block(&mut s0);
    a[15] = 1;
    let ctr = Ctr::new(key.clone(), a);

    let mut x = b0;
    key.encrypt_block(&mut x);
    let mut ccm = Ccm {
        key,
        ctr,
        x,
        s0,
        blocker: Blocker::default(),
        aad_len,
        aad_seen: 0,
        payload_len,
        payload_seen: 0,
        encrypt,
    };
    if aad_len > 0 {
        // Encoded AAD length (SP 800-38C A.2.2).
        if aad_len < 0xFF00 {
            ccm.mac(&(aad_len as u16).to_be_bytes());
        } else if aad_len <= u64::from(u32::MAX) {
            ccm.mac(&[0xFF, 0xFE]);
            ccm.mac(&(aad_len as u32).to_be_bytes());
        } else {
            ccm.mac(&[0xFF, 0xFF]);
            ccm.mac(&aad_len.to_be_bytes());
        }
    }
    Ok(Box::new(ccm))
}

#[cfg(test)]
mod tests;
