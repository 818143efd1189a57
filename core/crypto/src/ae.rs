//! Authenticated encryption: AES-GCM (NIST SP 800-38D) and AES-CCM (SP 800-38C), streaming.
//!
//! Both are composed from RustCrypto parts: the `aes` block cipher, `ctr` for the keystream and
//! `ghash` for GCM's hash; CCM's CBC-MAC runs on the block cipher.

use alloc::boxed::Box;

use cipher::generic_array::GenericArray;
use cipher::typenum::U16;
use cipher::{BlockCipher, InnerIvInit, StreamCipher};
use ghash::universal_hash::KeyInit as _;
use ghash::universal_hash::UniversalHash;
use ghash::GHash;
use zeroize::Zeroize;

use crate::block::Cipher;
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

/// Absorbs bytes into 16-byte blocks for a block-wise hash.
#[derive(Clone, Default)]
struct Blocker {
    buf: [u8; 16],
    len: usize,
}

impl Blocker {
    fn feed(&mut self, mut data: &[u8], mut f: impl FnMut(&[u8; 16])) {
        while !data.is_empty() {
            let take = (16 - self.len).min(data.len());
            self.buf[self.len..self.len + take].copy_from_slice(&data[..take]);
            self.len += take;
            data = &data[take..];
            if self.len == 16 {
                f(&self.buf);
                self.len = 0;
            }
        }
    }

    /// Zero-pad and emit a pending partial block.
    fn flush(&mut self, mut f: impl FnMut(&[u8; 16])) {
        if self.len > 0 {
            self.buf[self.len..].fill(0);
            f(&self.buf);
            self.len = 0;
        }
    }
}

impl Drop for Blocker {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

#[derive(Clone)]
struct Gcm<C: Cipher + BlockCipher<BlockSize = U16>> {
    ctr: ctr::Ctr32BE<C>,
    ghash: GHash,
    ek_j0: [u8; 16],
    blocker: Blocker,
    aad_len: u64,
    data_len: u64,
    in_data: bool,
    encrypt: bool,
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> Gcm<C> {
    fn hash(ghash: &mut GHash, blocker: &mut Blocker, data: &[u8]) {
        blocker.feed(data, |b| ghash.update(&[*GenericArray::from_slice(b)]));
    }
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> AeMode for Gcm<C> {
    fn update_aad(&mut self, aad: &[u8]) -> CryptoResult<()> {
        if self.in_data {
            return Err(CryptoError::BadState);
        }
        self.aad_len = self
            .aad_len
            .checked_add(aad.len() as u64)
            .ok_or(CryptoError::BadParameters)?;
        Self::hash(&mut self.ghash, &mut self.blocker, aad);
        Ok(())
    }

    fn update(&mut self, data: &mut [u8]) -> CryptoResult<()> {
        if !self.in_data {
            let g = &mut self.ghash;
            self.blocker
                .flush(|b| g.update(&[*GenericArray::from_slice(b)]));
            self.in_data = true;
        }
        self.data_len = self
            .data_len
            .checked_add(data.len() as u64)
            .filter(|l| *l <= (1u64 << 36) - 32)
            .ok_or(CryptoError::BadParameters)?;
        if self.encrypt {
            self.ctr.apply_keystream(data);
            Self::hash(&mut self.ghash, &mut self.blocker, data);
        } else {
            Self::hash(&mut self.ghash, &mut self.blocker, data);
            self.ctr.apply_keystream(data);
        }
        Ok(())
    }

    fn tag(&mut self, tag: &mut [u8]) -> CryptoResult<()> {
        let g = &mut self.ghash;
        self.blocker
            .flush(|b| g.update(&[*GenericArray::from_slice(b)]));
        let mut lens = [0u8; 16];
        lens[..8].copy_from_slice(&(self.aad_len * 8).to_be_bytes());
        lens[8..].copy_from_slice(&(self.data_len * 8).to_be_bytes());
        self.ghash.update(&[lens.into()]);
        let s = self.ghash.clone().finalize();
        for (i, t) in tag.iter_mut().enumerate() {
            *t = s[i] ^ self.ek_j0[i];
        }
        Ok(())
    }

    fn box_clone(&self) -> Box<dyn AeMode> {
        Box::new(self.clone())
    }
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> Drop for Gcm<C> {
    fn drop(&mut self) {
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

pub(crate) fn new_gcm<C: Cipher + BlockCipher<BlockSize = U16>>(
    key: &[u8],
    nonce: &[u8],
    encrypt: bool,
) -> CryptoResult<Box<dyn AeMode>> {
    if nonce.is_empty() {
        return Err(CryptoError::BadParameters);
    }
    let cipher = C::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?;
    let mut h = GenericArray::default();
    cipher.encrypt_block(&mut h);
    let ghash = GHash::new(&h);
    h.zeroize();
    let mut j0 = [0u8; 16];
    if nonce.len() == 12 {
        j0[..12].copy_from_slice(nonce);
        j0[15] = 1;
    } else {
        let mut g = ghash.clone();
        g.update_padded(nonce);
        let mut lens = [0u8; 16];
        lens[8..].copy_from_slice(&((nonce.len() as u64) * 8).to_be_bytes());
        g.update(&[lens.into()]);
        j0.copy_from_slice(&g.finalize());
    }
    let mut ek_j0 = GenericArray::clone_from_slice(&j0);
    cipher.encrypt_block(&mut ek_j0);
    // inc32(J0): the keystream starts one counter step after J0.
    let ctr_lo = u32::from_be_bytes([j0[12], j0[13], j0[14], j0[15]]).wrapping_add(1);
    j0[12..].copy_from_slice(&ctr_lo.to_be_bytes());
    let ctr = ctr::Ctr32BE::<C>::from_core(ctr::CtrCore::inner_iv_init(
        cipher,
        GenericArray::from_slice(&j0),
    ));
    j0.zeroize();
    Ok(Box::new(Gcm::<C> {
        ctr,
        ghash,
        ek_j0: ek_j0.into(),
        blocker: Blocker::default(),
        aad_len: 0,
        data_len: 0,
        in_data: false,
        encrypt,
    }))
}

#[derive(Clone)]
struct Ccm<C: Cipher + BlockCipher<BlockSize = U16>> {
    cipher: C,
    ctr: ctr::Ctr128BE<C>,
    x: [u8; 16],
    s0: [u8; 16],
    blocker: Blocker,
    aad_len: u64,
    aad_seen: u64,
    payload_len: u64,
    payload_seen: u64,
    encrypt: bool,
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> Ccm<C> {
    fn mac(&mut self, data: &[u8]) {
        let (x, c) = (&mut self.x, &self.cipher);
        self.blocker.feed(data, |b| {
            for (xi, bi) in x.iter_mut().zip(b) {
                *xi ^= *bi;
            }
            c.encrypt_block(GenericArray::from_mut_slice(x));
        });
    }

    fn mac_flush(&mut self) {
        let (x, c) = (&mut self.x, &self.cipher);
        self.blocker.flush(|b| {
            for (xi, bi) in x.iter_mut().zip(b) {
                *xi ^= *bi;
            }
            c.encrypt_block(GenericArray::from_mut_slice(x));
        });
    }
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> AeMode for Ccm<C> {
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
            self.ctr.apply_keystream(data);
        } else {
            self.ctr.apply_keystream(data);
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

impl<C: Cipher + BlockCipher<BlockSize = U16>> Drop for Ccm<C> {
    fn drop(&mut self) {
        self.x.zeroize();
        self.s0.zeroize();
    }
}

/// CCM with `tag_len` bytes of tag and the total AAD and payload lengths known up front.
pub(crate) fn new_ccm<C: Cipher + BlockCipher<BlockSize = U16>>(
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
    let cipher = C::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?;

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
    let mut s0 = GenericArray::clone_from_slice(&a);
    cipher.encrypt_block(&mut s0);
    a[15] = 1;
    let ctr = ctr::Ctr128BE::<C>::from_core(ctr::CtrCore::inner_iv_init(
        cipher.clone(),
        GenericArray::from_slice(&a),
    ));

    let mut x = GenericArray::clone_from_slice(&b0);
    cipher.encrypt_block(&mut x);
    let mut ccm = Ccm::<C> {
        cipher,
        ctr,
        x: x.into(),
        s0: s0.into(),
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
