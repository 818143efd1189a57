//! One AES key for every AES mode: the installed [`Accelerator`]'s round
//! keys when it has AES, and the `aes` crate's constant-time software for
//! CPUs without the instructions and for any refused call ([`Busy`]: that
//! call is done in software from the same state, so results never depend
//! on the path). Each operation takes a whole buffer, so an accelerated
//! mode claims the registers once per call, not once per block (and not at
//! all for less than a block).

use alloc::boxed::Box;
pub use oxtee_aes_soft::xts_mul_x;
use oxtee_aes_soft::SoftAes as Soft;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::accel::{aes_schedule, installed, Accelerator, AesSchedule};

/// Counter blocks made per batch for the software path.
const BATCH: usize = 8;

fn xor(a: &mut [u8], b: &[u8]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x ^= *y);
}

/// The key bytes, kept to make a software key for a refused call.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
struct Bytes {
    key: [u8; 32],
    len: usize,
}

/// One AES key (16, 24 or 32 bytes).
#[derive(Clone)]
pub struct AesKey {
    hw: Option<(&'static dyn Accelerator, AesSchedule)>,
    /// The software key: made up front without the accelerator, else only
    /// for a call it refuses (rare), from `bytes`.
    soft: Option<Box<Soft>>,
    bytes: Bytes,
}

impl AesKey {
    /// On the installed accelerator, if any; `None` for a bad key length.
    pub fn new(key: &[u8]) -> Option<Self> {
        Self::new_on(installed(), key)
    }

    /// On `accel` when it has AES and expands the key now, else software.
    pub fn new_on(accel: Option<&'static dyn Accelerator>, key: &[u8]) -> Option<Self> {
        if !matches!(key.len(), 16 | 24 | 32) {
            return None;
        }
        let mut bytes = Bytes {
            key: [0; 32],
            len: key.len(),
        };
        bytes.key[..key.len()].copy_from_slice(key);
        let hw = accel.and_then(|a| aes_schedule(a, key).map(|s| (a, s)));
        let soft = match hw {
            Some(_) => None,
            None => Some(Soft::boxed(key)?),
        };
        Some(AesKey { hw, soft, bytes })
    }

    /// Runs `f` on the software key (made now if there is none).
    fn soft<R>(&self, f: impl FnOnce(&Soft) -> R) -> R {
        match &self.soft {
            Some(s) => f(s),
            None => {
                let s = Soft::boxed(&self.bytes.key[..self.bytes.len])
                    .unwrap_or_else(|| unreachable!("length checked in new_on"));
                f(&s)
            }
        }
    }

    /// Whether the round keys are on the accelerator (else every call is
    /// software).
    #[cfg(test)]
    pub(crate) fn accelerated(&self) -> bool {
        self.hw.is_some()
    }

    /// ECB over the whole blocks of `data`.
    pub fn ecb(&self, decrypt: bool, data: &mut [u8]) {
        if data.len() < 16 {
            return;
        }
        if let Some((a, k)) = &self.hw {
            if a.aes_ecb(k, decrypt, data).is_ok() {
                return;
            }
        }
        self.soft(|s| s.ecb(decrypt, data));
    }

    /// One block.
    pub fn encrypt_block(&self, block: &mut [u8; 16]) {
        if let Some((a, k)) = &self.hw {
            if a.aes_ecb(k, false, block).is_ok() {
                return;
            }
        }
        self.soft(|s| s.encrypt(block));
    }

    /// One block.
    pub fn decrypt_block(&self, block: &mut [u8; 16]) {
        if let Some((a, k)) = &self.hw {
            if a.aes_ecb(k, true, block).is_ok() {
                return;
            }
        }
        self.soft(|s| s.decrypt(block));
    }

    /// CBC over the whole blocks of `data`, chaining from `iv` and leaving
    /// the next IV there.
    pub fn cbc(&self, decrypt: bool, iv: &mut [u8; 16], data: &mut [u8]) {
        if data.len() < 16 {
            return;
        }
        if let Some((a, k)) = &self.hw {
            if a.aes_cbc(k, decrypt, iv, data).is_ok() {
                return;
            }
        }
        self.soft(|s| s.cbc(decrypt, iv, data));
    }

    /// CTR over the whole blocks of `data` from the counter block
    /// `counter` (128-bit big endian, or with `ctr32` only its last four
    /// bytes), left at the next block's value.
    pub fn ctr(&self, counter: &mut [u8; 16], data: &mut [u8], ctr32: bool) {
        if data.len() < 16 {
            return;
        }
        if let Some((a, k)) = &self.hw {
            if a.aes_ctr(k, counter, data, ctr32).is_ok() {
                return;
            }
        }
        let mut stream = [0u8; 16 * BATCH];
        for chunk in data.chunks_mut(16 * BATCH) {
            let whole = chunk.len() / 16 * 16;
            for s in stream[..whole].chunks_exact_mut(16) {
                s.copy_from_slice(counter);
                next_counter(counter, ctr32);
            }
            self.soft(|s| s.ecb(false, &mut stream[..whole]));
            xor(&mut chunk[..whole], &stream[..whole]);
        }
        stream.zeroize();
    }

    /// The CBC-MAC chaining value over the whole blocks of `data`.
    pub fn cbc_mac(&self, state: &mut [u8; 16], data: &[u8]) {
        if data.len() < 16 {
            return;
        }
        if let Some((a, k)) = &self.hw {
            if a.aes_cbc_mac(k, state, data).is_ok() {
                return;
            }
        }
        self.soft(|s| s.cbc_mac(state, data));
    }

    /// XTS over the whole blocks of `data` with this (data) key, from the
    /// encrypted tweak `tweak`, left multiplied by x once per block.
    pub fn xts(&self, decrypt: bool, tweak: &mut [u8; 16], data: &mut [u8]) {
        if data.len() < 16 {
            return;
        }
        if let Some((a, k)) = &self.hw {
            if a.aes_xts(k, decrypt, tweak, data).is_ok() {
                return;
            }
        }
        self.soft(|s| s.xts(decrypt, tweak, data));
    }
}

/// The next counter block: +1 over all 128 bits, or over the last 32.
pub fn next_counter(counter: &mut [u8; 16], ctr32: bool) {
    if ctr32 {
        let low = u32::from_be_bytes([counter[12], counter[13], counter[14], counter[15]]);
        counter[12..].copy_from_slice(&low.wrapping_add(1).to_be_bytes());
    } else {
        *counter = u128::from_be_bytes(*counter).wrapping_add(1).to_be_bytes();
    }
}

#[cfg(test)]
mod tests;
