//! AES-GCM (NIST SP 800-38D), streaming, on an [`AesKey`] and a [`Ghash`]
//! key: the whole blocks of each update are one CTR and one GHASH call, on
//! the accelerator when it has the instructions. Also a one-shot
//! ([`encrypt`], [`decrypt`]) for the secure storage, whose every block
//! goes through here.

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::accel::{installed, Accelerator};
use crate::aes_key::{next_counter, AesKey};
use crate::ghash::Ghash;
use crate::Error;

/// Absorbs bytes block-wise: a partial block is kept, whole blocks go to
/// `whole` in as few calls as the input allows (GCM's GHASH, CCM's
/// CBC-MAC).
#[derive(Clone, Default)]
pub struct Blocker {
    buf: [u8; 16],
    len: usize,
}

impl Blocker {
    /// Takes `data`: completes a pending partial block, then hands over
    /// the whole blocks, keeps the rest.
    pub fn feed(&mut self, mut data: &[u8], mut whole: impl FnMut(&[u8])) {
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

    /// Zero-pads and emits a pending partial block.
    pub fn flush(&mut self, mut whole: impl FnMut(&[u8])) {
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

/// A keyed, nonce-initialised GCM computation in one direction.
#[derive(Clone)]
pub struct Gcm {
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
    /// With the installed accelerator.
    pub fn new(key: &[u8], nonce: &[u8], encrypt: bool) -> Result<Self, Error> {
        Self::new_on(installed(), key, nonce, encrypt)
    }

    /// On `on` when it has the instructions, else in software. A 16-, 24-
    /// or 32-byte key and a nonce of at least one byte.
    pub fn new_on(
        on: Option<&'static dyn Accelerator>,
        key: &[u8],
        nonce: &[u8],
        encrypt: bool,
    ) -> Result<Self, Error> {
        if nonce.is_empty() {
            return Err(Error::BadParameters);
        }
        let key = AesKey::new_on(on, key).ok_or(Error::BadParameters)?;
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

    fn hash(&mut self, data: &[u8]) {
        let (g, y) = (&self.ghash, &mut self.y);
        self.blocker.feed(data, |b| g.blocks(y, b));
    }

    /// Starts (or continues) the data: flushes the AAD's partial block,
    /// counts `len` more bytes (GCM's limit) and answers how many bytes of
    /// the current keystream block are spent.
    fn enter_data(&mut self, len: usize) -> Result<usize, Error> {
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
            .ok_or(Error::BadParameters)?;
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

    /// More additional data; [`Error::BadState`] once data has begun.
    pub fn update_aad(&mut self, aad: &[u8]) -> Result<(), Error> {
        if self.in_data {
            return Err(Error::BadState);
        }
        self.aad_len = self
            .aad_len
            .checked_add(aad.len() as u64)
            .ok_or(Error::BadParameters)?;
        self.hash(aad);
        Ok(())
    }

    /// Encrypts or decrypts `data` in place and authenticates it.
    pub fn update(&mut self, data: &mut [u8]) -> Result<(), Error> {
        let at = self.enter_data(data.len())?;
        if self.encrypt {
            self.crypt(at, data);
            self.hash(data);
        } else {
            self.hash(data);
            self.crypt(at, data);
        }
        Ok(())
    }

    /// Finishes and writes the first `tag.len()` (at most 16) bytes of the
    /// tag.
    pub fn tag(&mut self, tag: &mut [u8]) {
        let (g, y) = (&self.ghash, &mut self.y);
        self.blocker.flush(|b| g.blocks(y, b));
        let mut lens = [0u8; 16];
        lens[..8].copy_from_slice(&(self.aad_len * 8).to_be_bytes());
        lens[8..].copy_from_slice(&(self.data_len * 8).to_be_bytes());
        let mut s = self.y;
        self.ghash.blocks(&mut s, &lens);
        for (i, t) in tag.iter_mut().take(16).enumerate() {
            *t = s[i] ^ self.ek_j0[i];
        }
        s.zeroize();
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

/// AES-GCM of `data` in place with a 16-byte tag, in one call (the REE FS
/// format's data blocks and headers). `key` is 16, 24 or 32 bytes.
pub fn encrypt(key: &[u8], nonce: &[u8], aad: &[u8], data: &mut [u8]) -> Result<[u8; 16], Error> {
    let mut g = Gcm::new(key, nonce, true)?;
    g.update_aad(aad)?;
    g.update(data)?;
    let mut tag = [0u8; 16];
    g.tag(&mut tag);
    Ok(tag)
}

/// Checks the 16-byte tag over `aad` and the ciphertext `data` (constant
/// time), then decrypts `data` in place. A bad tag is
/// [`Error::MacInvalid`] and leaves `data` as it was.
pub fn decrypt(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &mut [u8],
    tag: &[u8; 16],
) -> Result<(), Error> {
    // The tag first, over the ciphertext (hash only), then the decryption
    // from the first counter block again (one mode: no copy of the keys).
    let mut g = Gcm::new(key, nonce, false)?;
    let first = g.counter;
    g.update_aad(aad)?;
    g.enter_data(data.len())?;
    g.hash(data);
    let mut t = [0u8; 16];
    g.tag(&mut t);
    let ok = bool::from(t.ct_eq(tag));
    t.zeroize();
    if !ok {
        return Err(Error::MacInvalid);
    }
    g.counter = first;
    g.crypt(0, data);
    Ok(())
}
