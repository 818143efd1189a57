//! Authenticated encryption: AES-GCM (NIST SP 800-38D) and AES-CCM (SP 800-38C), streaming,
//! on an [`AesKey`] and (GCM) a [`Ghash`] key: the whole blocks of each update are one CTR and
//! one GHASH (or CBC-MAC) call, on the accelerator when it has the instructions. GCM is also
//! exposed as a one-shot for the secure storage (`gcm_encrypt`, `gcm_decrypt`).

use alloc::boxed::Box;

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::accel::Accelerator;
use crate::aes_key::{next_counter, AesKey};
use crate::aes_modes::Ctr;
use crate::error::{CryptoError, CryptoResult};
use crate::ghash::Ghash;

/// A keyed, nonce-initialized AE computation in one direction.
pub(crate) trait AeMode: Send {
    fn update_aad(&mut self, aad: &[u8]) -> CryptoResult<()>;
    /// Encrypt or decrypt `data` in place and authenticate it.
    fn update(&mut self, data: &mut [u8]) -> CryptoResult<()>;
    /// Finish and write the first `tag.len()` bytes of the tag.
    fn tag(&mut self, tag: &mut [u8]) -> CryptoResult<()>;
    fn box_clone(&self) -> Box<dyn AeMode>;
}

/// Absorbs bytes block-wise: a partial block is kept, whole blocks go to
/// `whole` in as few calls as the input allows.
#[derive(Clone, Default)]
struct Blocker {
    buf: [u8; 16],
    len: usize,
}

impl Blocker {
    fn feed(&mut self, mut data: &[u8], mut whole: impl FnMut(&[u8])) {
        if self.len > 0 {
            let take = (16 - self.len).min(data.len());
            self.buf[self.len..self.len + take].copy_from_slice(&data[..take]);
            self.len += take;
            data = &data[take..];
            if self.len < 16 {
                return;
            }
            whole(&self.buf);
            self.len = 0;
        }
        let n = data.len() / 16 * 16;
        if n > 0 {
            whole(&data[..n]);
        }
        self.buf[..data.len() - n].copy_from_slice(&data[n..]);
        self.len = data.len() - n;
    }

    /// Zero-pad and emit a pending partial block.
    fn flush(&mut self, mut whole: impl FnMut(&[u8])) {
        if self.len > 0 {
            self.buf[self.len..].fill(0);
            whole(&self.buf);
            self.len = 0;
        }
    }
}

impl Drop for Blocker {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

fn xor(a: &mut [u8], b: &[u8]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x ^= *y);
}

#[derive(Clone)]
struct Gcm {
    key: AesKey,
    ghash: Ghash,
    /// The GHASH state.
    y: [u8; 16],
    /// The next counter block (inc32 steps from J0).
    counter: [u8; 16],
    /// Keystream of the current partial data block (its first
    /// `data_len % 16` bytes spent).
    stream: [u8; 16],
    ek_j0: [u8; 16],
    /// The partial block of AAD, then of ciphertext, not yet hashed.
    blocker: Blocker,
    aad_len: u64,
    data_len: u64,
    in_data: bool,
    encrypt: bool,
}

impl Gcm {
    fn hash(ghash: &Ghash, y: &mut [u8; 16], blocker: &mut Blocker, data: &[u8]) {
        blocker.feed(data, |b| ghash.blocks(y, b));
    }

    /// Starts (or continues) the data: flushes the AAD's partial block,
    /// counts `len` more bytes (GCM's limit) and answers how many bytes of
    /// the current keystream block are spent.
    fn enter_data(&mut self, len: usize) -> CryptoResult<usize> {
        if !self.in_data {
            let (g, y) = (&self.ghash, &mut self.y);
            self.blocker.flush(|b| g.blocks(y, b));
            self.in_data = true;
        }
        let at = (self.data_len % 16) as usize;
        self.data_len = self
            .data_len
            .checked_add(len as u64)
            .filter(|l| *l <= (1u64 << 36) - 32)
            .ok_or(CryptoError::BadParameters)?;
        Ok(at)
    }

    /// XORs the keystream into `data`, `at` bytes into the current block:
    /// the rest of that block, whole blocks in one call, a new partial one.
    fn crypt(&mut self, at: usize, data: &mut [u8]) {
        let head = if at == 0 {
            0
        } else {
            (16 - at).min(data.len())
        };
        let (head, rest) = data.split_at_mut(head);
        xor(head, &self.stream[at..]);
        let n = rest.len() / 16 * 16;
        let (blocks, tail) = rest.split_at_mut(n);
        self.key.ctr(&mut self.counter, blocks, true);
        if !tail.is_empty() {
            self.stream = [0; 16];
            self.key.ctr(&mut self.counter, &mut self.stream, true);
            xor(tail, &self.stream);
        }
    }
}

impl AeMode for Gcm {
    fn update_aad(&mut self, aad: &[u8]) -> CryptoResult<()> {
        if self.in_data {
            return Err(CryptoError::BadState);
        }
        self.aad_len = self
            .aad_len
            .checked_add(aad.len() as u64)
            .ok_or(CryptoError::BadParameters)?;
        Self::hash(&self.ghash, &mut self.y, &mut self.blocker, aad);
        Ok(())
    }

    fn update(&mut self, data: &mut [u8]) -> CryptoResult<()> {
        let at = self.enter_data(data.len())?;
        if self.encrypt {
            self.crypt(at, data);
            Self::hash(&self.ghash, &mut self.y, &mut self.blocker, data);
        } else {
            Self::hash(&self.ghash, &mut self.y, &mut self.blocker, data);
            self.crypt(at, data);
        }
        Ok(())
    }

    fn tag(&mut self, tag: &mut [u8]) -> CryptoResult<()> {
        let (g, y) = (&self.ghash, &mut self.y);
        self.blocker.flush(|b| g.blocks(y, b));
        let mut lens = [0u8; 16];
        lens[..8].copy_from_slice(&(self.aad_len * 8).to_be_bytes());
        lens[8..].copy_from_slice(&(self.data_len * 8).to_be_bytes());
        let mut s = self.y;
        self.ghash.blocks(&mut s, &lens);
        for (i, t) in tag.iter_mut().enumerate() {
            *t = s[i] ^ self.ek_j0[i];
        }
        s.zeroize();
        Ok(())
    }

    fn box_clone(&self) -> Box<dyn AeMode> {
        Box::new(self.clone())
    }
}

impl Drop for Gcm {
    fn drop(&mut self) {
        self.y.zeroize();
        self.counter.zeroize();
        self.stream.zeroize();
        self.ek_j0.zeroize();
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

fn new_gcm_on(
    on: Option<&'static dyn Accelerator>,
    key: &[u8],
    nonce: &[u8],
    encrypt: bool,
) -> CryptoResult<Gcm> {
    if nonce.is_empty() {
        return Err(CryptoError::BadParameters);
    }
    let key = AesKey::new_on(on, key).ok_or(CryptoError::BadParameters)?;
    let mut h = [0u8; 16];
    key.encrypt_block(&mut h);
    let ghash = Ghash::new_on(on, &h);
    h.zeroize();
    let mut j0 = [0u8; 16];
    if nonce.len() == 12 {
        j0[..12].copy_from_slice(nonce);
        j0[15] = 1;
    } else {
        // J0 = GHASH(nonce, zero-padded, then 0^64 || bit length).
        let mut b = Blocker::default();
        b.feed(nonce, |x| ghash.blocks(&mut j0, x));
        b.flush(|x| ghash.blocks(&mut j0, x));
        let mut lens = [0u8; 16];
        lens[8..].copy_from_slice(&((nonce.len() as u64) * 8).to_be_bytes());
        ghash.blocks(&mut j0, &lens);
    }
    let mut ek_j0 = j0;
    key.encrypt_block(&mut ek_j0);
    // inc32(J0): the keystream starts one counter step after J0.
    next_counter(&mut j0, true);
    Ok(Gcm {
        key,
        ghash,
        y: [0; 16],
        counter: j0,
        stream: [0; 16],
        ek_j0,
        blocker: Blocker::default(),
        aad_len: 0,
        data_len: 0,
        in_data: false,
        encrypt,
    })
}

/// AES-GCM with the installed accelerator.
pub(crate) fn new_gcm(key: &[u8], nonce: &[u8], encrypt: bool) -> CryptoResult<Box<dyn AeMode>> {
    new_gcm_on(crate::accel::installed(), key, nonce, encrypt).map(|g| Box::new(g) as _)
}

/// AES-GCM of `data` in place with a 16-byte tag, in one call (the REE FS
/// format's data blocks and headers). `key` is 16, 24 or 32 bytes.
pub fn gcm_encrypt(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &mut [u8],
) -> CryptoResult<[u8; 16]> {
    let mut g = new_gcm_on(crate::accel::installed(), key, nonce, true)?;
    g.update_aad(aad)?;
    g.update(data)?;
    let mut tag = [0u8; 16];
    g.tag(&mut tag)?;
    Ok(tag)
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
    // The tag first, over the ciphertext (hash only), then the decryption
    // from the first counter block again (one mode: no copy of the keys).
    let mut g = new_gcm_on(crate::accel::installed(), key, nonce, false)?;
    let first = g.counter;
    g.update_aad(aad)?;
    g.enter_data(data.len())?;
    Gcm::hash(&g.ghash, &mut g.y, &mut g.blocker, data);
    let mut t = [0u8; 16];
    g.tag(&mut t)?;
    let ok = bool::from(t.ct_eq(tag));
    t.zeroize();
    if !ok {
        return Err(CryptoError::MacInvalid);
    }
    g.counter = first;
    g.crypt(0, data);
    Ok(())
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
