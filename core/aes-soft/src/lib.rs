//! AES in software: the `aes` crate's fixsliced, constant-time cipher for
//! the three key lengths, and the block loops of the modes oxtee's AES key
//! runs (`oxtee_crypto_fast::aes_key`). With the Crypto Extensions (every
//! CPU the core is timed on) this is only the fallback, so it lives in a
//! crate of its own that the build optimises for size.

#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

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

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: [u8; 16] = [
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff,
    ];

    fn key(len: usize) -> [u8; 32] {
        core::array::from_fn(|i| if i < len { i as u8 } else { 0 })
    }

    /// FIPS-197 appendix C: the three key lengths, one block each way, and
    /// the batch loop (ECB over more than one batch) agreeing with them.
    #[test]
    fn fips_197_vectors() {
        let cases: [(usize, [u8; 16]); 3] = [
            (
                16,
                *b"\x69\xc4\xe0\xd8\x6a\x7b\x04\x30\xd8\xcd\xb7\x80\x70\xb4\xc5\x5a",
            ),
            (
                24,
                *b"\xdd\xa9\x7c\xa4\x86\x4c\xdf\xe0\x6e\xaf\x70\xa0\xec\x0d\x71\x91",
            ),
            (
                32,
                *b"\x8e\xa2\xb7\xca\x51\x67\x45\xbf\xea\xfc\x49\x90\x4b\x49\x60\x89",
            ),
        ];
        for (len, cipher) in cases {
            let k = SoftAes::boxed(&key(len)[..len]).unwrap();
            let mut b = PLAIN;
            k.encrypt(&mut b);
            assert_eq!(b, cipher, "{len}-byte key");
            k.decrypt(&mut b);
            assert_eq!(b, PLAIN);
            let mut many = PLAIN.repeat(BATCH + 3);
            k.ecb(false, &mut many);
            assert!(many.chunks(16).all(|c| c == cipher));
            k.ecb(true, &mut many);
            assert!(many.chunks(16).all(|c| c == PLAIN));
        }
        assert!(SoftAes::boxed(&[0; 17]).is_none());
    }

    /// CBC, CBC-MAC and XTS against the block cipher, block by block.
    #[test]
    fn modes_follow_the_block_cipher() {
        let k = SoftAes::boxed(&key(16)[..16]).unwrap();
        let data: [u8; 48] = core::array::from_fn(|i| (i * 7) as u8);
        let iv = [0x5a; 16];

        let (mut out, mut chain) = (data, iv);
        k.cbc(false, &mut chain, &mut out);
        let mut prev = iv;
        for (p, c) in data.chunks(16).zip(out.chunks(16)) {
            let mut b: [u8; 16] = p.try_into().unwrap();
            xor(&mut b, &prev);
            k.encrypt(&mut b);
            assert_eq!(b, c);
            prev = b;
        }
        assert_eq!(chain, prev);
        let mut mac = iv;
        k.cbc_mac(&mut mac, &data);
        assert_eq!(mac, prev);
        let mut back = iv;
        k.cbc(true, &mut back, &mut out);
        assert_eq!(out, data);
        assert_eq!(back, prev);

        let (mut out, mut tweak) = (data, iv);
        k.xts(false, &mut tweak, &mut out);
        let mut t = iv;
        for (p, c) in data.chunks(16).zip(out.chunks(16)) {
            let mut b: [u8; 16] = p.try_into().unwrap();
            xor(&mut b, &t);
            k.encrypt(&mut b);
            xor(&mut b, &t);
            assert_eq!(b, c);
            xts_mul_x(&mut t);
        }
        assert_eq!(tweak, t);
        let mut tweak = iv;
        k.xts(true, &mut tweak, &mut out);
        assert_eq!(out, data);
    }
}
