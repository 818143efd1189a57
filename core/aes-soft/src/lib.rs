//! AES in software: the `aes` crate's fixsliced, constant-time cipher for
//! the three key lengths, and the block loops of the modes oxtee's AES key
//! runs (`oxtee_crypto_fast::aes_key`). With the Crypto Extensions (every
//! CPU the core is timed on) this is only the fallback, so it lives in a
//! crate of its own that the build optimises for size.

#![no_std]

extern crate alloc;

use alloc::boxed::Box;
use cipher::generic_array::GenericArray;
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

/// One AES key in software (16, 24 or 32 bytes).
#[derive(Clone)]
pub enum SoftAes {
    /// A 16-byte key.
    A128(aes::Aes128),
    /// A 24-byte key.
    A192(aes::Aes192),
    /// A 32-byte key.
    A256(aes::Aes256),
}

/// Blocks handled per batch (the fixsliced cipher encrypts several blocks
/// at once).
const BATCH: usize = 8;

fn xor(a: &mut [u8], b: &[u8]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x ^= *y);
}

/// Multiplies an XTS tweak by x (IEEE 1619's little-endian convention),
/// with a mask rather than a branch on the bit that falls out.
pub fn xts_mul_x(t: &mut [u8; 16]) {
    let v = u128::from_le_bytes(*t);
    let carry = (v >> 127) as u8;
    let mut n = (v << 1).to_le_bytes();
    n[0] ^= carry.wrapping_neg() & 0x87;
    *t = n;
}

impl SoftAes {
    /// On the heap, built in a frame of its own: the fixsliced key
    /// schedules are kilobytes, and a secure thread's stack is 32 KiB.
    /// `None` for a key of another length.
    #[inline(never)]
    pub fn boxed(key: &[u8]) -> Option<Box<Self>> {
        Some(Box::new(match key.len() {
            16 => SoftAes::A128(aes::Aes128::new_from_slice(key).ok()?),
            24 => SoftAes::A192(aes::Aes192::new_from_slice(key).ok()?),
            32 => SoftAes::A256(aes::Aes256::new_from_slice(key).ok()?),
            _ => return None,
        }))
    }

    /// ECB over the whole blocks of `data` in place, a batch at a time.
    pub fn ecb(&self, decrypt: bool, data: &mut [u8]) {
        let mut blocks = [GenericArray::default(); BATCH];
        for chunk in data.chunks_mut(16 * BATCH) {
            let n = chunk.len() / 16;
            for (b, c) in blocks.iter_mut().zip(chunk.chunks_exact(16)) {
                b.copy_from_slice(c);
            }
            let b = &mut blocks[..n];
            match (self, decrypt) {
                (SoftAes::A128(c), false) => c.encrypt_blocks(b),
                (SoftAes::A128(c), true) => c.decrypt_blocks(b),
                (SoftAes::A192(c), false) => c.encrypt_blocks(b),
                (SoftAes::A192(c), true) => c.decrypt_blocks(b),
                (SoftAes::A256(c), false) => c.encrypt_blocks(b),
                (SoftAes::A256(c), true) => c.decrypt_blocks(b),
            }
            for (b, c) in blocks.iter().zip(chunk.chunks_exact_mut(16)) {
                c.copy_from_slice(b);
            }
        }
        blocks.iter_mut().for_each(|b| b.fill(0));
    }

    /// One block.
    pub fn encrypt(&self, block: &mut [u8; 16]) {
        let b = GenericArray::from_mut_slice(block);
        match self {
            SoftAes::A128(c) => c.encrypt_block(b),
            SoftAes::A192(c) => c.encrypt_block(b),
            SoftAes::A256(c) => c.encrypt_block(b),
        }
    }

    /// One block.
    pub fn decrypt(&self, block: &mut [u8; 16]) {
        let b = GenericArray::from_mut_slice(block);
        match self {
            SoftAes::A128(c) => c.decrypt_block(b),
            SoftAes::A192(c) => c.decrypt_block(b),
            SoftAes::A256(c) => c.decrypt_block(b),
        }
    }

    /// CBC over the whole blocks of `data`, chaining from `iv` and leaving
    /// the next IV there.
    pub fn cbc(&self, decrypt: bool, iv: &mut [u8; 16], data: &mut [u8]) {
        for b in data.chunks_exact_mut(16) {
            let Ok(b) = <&mut [u8; 16]>::try_from(b) else {
                continue;
            };
            if decrypt {
                let next = *b;
                self.decrypt(b);
                xor(b, iv);
                *iv = next;
            } else {
                xor(b, iv);
                self.encrypt(b);
                *iv = *b;
            }
        }
    }

    /// The CBC-MAC chaining value `state` over the whole blocks of `data`.
    pub fn cbc_mac(&self, state: &mut [u8; 16], data: &[u8]) {
        for b in data.chunks_exact(16) {
            xor(state, b);
            self.encrypt(state);
        }
    }

    /// XTS over the whole blocks of `data` from the encrypted tweak
    /// `tweak`, left multiplied by x once per block.
    pub fn xts(&self, decrypt: bool, tweak: &mut [u8; 16], data: &mut [u8]) {
        for b in data.chunks_exact_mut(16) {
            let Ok(b) = <&mut [u8; 16]>::try_from(b) else {
                continue;
            };
            xor(b, tweak);
            if decrypt {
                self.decrypt(b);
            } else {
                self.encrypt(b);
            }
            xor(b, tweak);
            xts_mul_x(tweak);
        }
    }
}
