//! A software stand-in for the image's accelerator, for host tests (the
//! crate's own and, with the `testing` feature, its integration tests): it
//! keeps the real schedule's first round keys (the key itself) and does the
//! work with the RustCrypto ciphers, counts its calls and can refuse some.

use core::sync::atomic::{AtomicUsize, Ordering};

use alloc::boxed::Box;

use cipher::generic_array::GenericArray;
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

use ghash::universal_hash::UniversalHash;

use super::{Accelerator, AesSchedule, Block128, Block64, Busy, GhashKey, KeccakBlocks};

/// The stand-in; its switches say which routines it offers.
pub struct Fake {
    /// Offers the AES routines.
    pub aes: bool,
    /// Offers GHASH.
    pub pmull: bool,
    /// Offers the SHA-1 block function.
    pub sha1: bool,
    /// Offers the SHA-256 block function.
    pub sha256: bool,
    /// Offers the SHA-512 block function.
    pub sha512: bool,
    /// Offers the Keccak routines.
    pub sha3: bool,
    /// Refuse call n (from 0) when `n % refuse_every == refuse_every - 1`
    /// (2: every second call, 3: every third; 0 or 1: none).
    pub refuse_every: usize,
    /// Flip a bit of every output (a broken implementation).
    pub broken: bool,
    /// Calls made, refused or not.
    pub calls: AtomicUsize,
    /// Calls that did the work.
    pub done: AtomicUsize,
}

impl Fake {
    /// A working stand-in that refuses as `refuse_every` says.
    pub const fn new(refuse_every: usize) -> Fake {
        Fake {
            aes: true,
            pmull: true,
            sha1: true,
            sha256: true,
            sha512: true,
            sha3: true,
            refuse_every,
            broken: false,
            calls: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    /// A working stand-in for `'static` use, refusing every odd call when
    /// `refuse_odd`.
    pub fn leak(refuse_odd: bool) -> &'static Fake {
        Box::leak(Box::new(Fake::new(if refuse_odd { 2 } else { 0 })))
    }

    fn admit(&self) -> Result<(), Busy> {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        if self.refuse_every > 1 && n % self.refuse_every == self.refuse_every - 1 {
            return Err(Busy);
        }
        self.done.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Offers only what `which` names ("aes", "pmull", "sha1", "sha256",
    /// "sha512", "sha3"), `broken` as given, refusing nothing.
    pub fn only(which: &[&str], broken: bool) -> &'static Fake {
        let has = |n: &str| which.contains(&n);
        Box::leak(Box::new(Fake {
            aes: has("aes"),
            pmull: has("pmull"),
            sha1: has("sha1"),
            sha256: has("sha256"),
            sha512: has("sha512"),
            sha3: has("sha3"),
            broken,
            ..Fake::new(0)
        }))
    }

    /// Calls that did the work.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    fn spoil(&self, data: &mut [u8]) {
        if self.broken {
            if let Some(b) = data.first_mut() {
                *b ^= 1;
            }
        }
    }
}

/// Runs `f` on the software cipher for the schedule's key.
fn with_cipher(keys: &AesSchedule, f: impl FnOnce(&dyn Blocks)) {
    let k = keys.enc();
    match keys.rounds() {
        10 => f(&aes::Aes128::new_from_slice(&k[..16]).unwrap()),
        12 => f(&aes::Aes192::new_from_slice(&k[..24]).unwrap()),
        14 => f(&aes::Aes256::new_from_slice(&k[..32]).unwrap()),
        r => panic!("schedule with {r} rounds"),
    }
}

trait Blocks {
    fn enc(&self, b: &mut [u8]);
    fn dec(&self, b: &mut [u8]);
}

impl<C: BlockEncrypt + BlockDecrypt> Blocks for C {
    fn enc(&self, b: &mut [u8]) {
        self.encrypt_block(GenericArray::from_mut_slice(b));
    }
    fn dec(&self, b: &mut [u8]) {
        self.decrypt_block(GenericArray::from_mut_slice(b));
    }
}

impl Accelerator for Fake {
    fn has_aes(&self) -> bool {
        self.aes
    }
    fn has_sha1(&self) -> bool {
        self.sha1
    }
    fn has_sha256(&self) -> bool {
        self.sha256
    }
    fn has_pmull(&self) -> bool {
        self.pmull
    }
    fn has_sha512(&self) -> bool {
        self.sha512
    }
    fn has_sha3(&self) -> bool {
        self.sha3
    }
    fn aes_expand(&self, key: &[u8], schedule: &mut AesSchedule) -> Result<(), Busy> {
        self.admit()?;
        let (enc, _, rounds) = schedule.parts_mut();
        enc[..key.len()].copy_from_slice(key);
        *rounds = key.len() as u32 / 4 + 6;
        Ok(())
    }
    fn aes_ecb(&self, keys: &AesSchedule, decrypt: bool, data: &mut [u8]) -> Result<(), Busy> {
        self.admit()?;
        with_cipher(keys, |c| {
            for b in data.chunks_exact_mut(16) {
                if decrypt {
                    c.dec(b)
                } else {
                    c.enc(b)
                }
            }
        });
        self.spoil(data);
        Ok(())
    }
    fn aes_cbc(
        &self,
        keys: &AesSchedule,
        decrypt: bool,
        iv: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy> {
        self.admit()?;
        with_cipher(keys, |c| {
            for b in data.chunks_exact_mut(16) {
                if decrypt {
                    let next: [u8; 16] = (&*b).try_into().unwrap();
                    c.dec(b);
                    b.iter_mut().zip(iv.iter()).for_each(|(x, y)| *x ^= *y);
                    *iv = next;
                } else {
                    b.iter_mut().zip(iv.iter()).for_each(|(x, y)| *x ^= *y);
                    c.enc(b);
                    iv.copy_from_slice(b);
                }
            }
        });
        self.spoil(data);
        Ok(())
    }
    fn aes_ctr(
        &self,
        keys: &AesSchedule,
        counter: &mut [u8; 16],
        data: &mut [u8],
        ctr32: bool,
    ) -> Result<(), Busy> {
        self.admit()?;
        with_cipher(keys, |c| {
            for b in data.chunks_exact_mut(16) {
                let mut k = *counter;
                c.enc(&mut k);
                b.iter_mut().zip(k.iter()).for_each(|(x, y)| *x ^= *y);
                crate::aes_key::next_counter(counter, ctr32);
            }
        });
        self.spoil(data);
        Ok(())
    }
    fn aes_cbc_mac(
        &self,
        keys: &AesSchedule,
        state: &mut [u8; 16],
        data: &[u8],
    ) -> Result<(), Busy> {
        self.admit()?;
        with_cipher(keys, |c| {
            for b in data.chunks_exact(16) {
                state.iter_mut().zip(b).for_each(|(x, y)| *x ^= *y);
                c.enc(state);
            }
        });
        self.spoil(state);
        Ok(())
    }
    fn aes_xts(
        &self,
        keys: &AesSchedule,
        decrypt: bool,
        tweak: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy> {
        self.admit()?;
        with_cipher(keys, |c| {
            for b in data.chunks_exact_mut(16) {
                b.iter_mut().zip(tweak.iter()).for_each(|(x, y)| *x ^= *y);
                if decrypt {
                    c.dec(b)
                } else {
                    c.enc(b)
                }
                b.iter_mut().zip(tweak.iter()).for_each(|(x, y)| *x ^= *y);
                crate::aes_key::xts_mul_x(tweak);
            }
        });
        self.spoil(data);
        Ok(())
    }
    fn ghash(&self, key: &GhashKey, y: &mut [u8; 16], data: &[u8]) -> Result<(), Busy> {
        self.admit()?;
        // Back from H * x to H (the shift is invertible: the polynomial's
        // constant term says whether x^128 was folded in).
        let v = u128::from_le_bytes(*key.bytes());
        let folded = v & 1;
        let h = ((v ^ (folded * 0xc200_0000_0000_0000_0000_0000_0000_0001)) >> 1) | (folded << 127);
        let g = ghash::GHash::new(GenericArray::from_slice(&h.to_be_bytes()));
        for b in data.chunks_exact(16) {
            y.iter_mut().zip(b).for_each(|(s, x)| *s ^= *x);
            let mut one = g.clone();
            one.update(&[GenericArray::clone_from_slice(y)]);
            *y = one.finalize().into();
        }
        self.spoil(y);
        Ok(())
    }
    fn sha1_blocks(&self, state: &mut [u32; 5], blocks: &[Block64]) -> Result<(), Busy> {
        self.admit()?;
        sha1::compress(state, blocks);
        if self.broken {
            state[0] ^= 1;
        }
        Ok(())
    }
    fn sha256_blocks(&self, state: &mut [u32; 8], blocks: &[Block64]) -> Result<(), Busy> {
        self.admit()?;
        sha2::compress256(state, blocks);
        if self.broken {
            state[0] ^= 1;
        }
        Ok(())
    }
    fn sha512_blocks(&self, state: &mut [u64; 8], blocks: &[Block128]) -> Result<(), Busy> {
        self.admit()?;
        sha2::compress512(state, blocks);
        if self.broken {
            state[0] ^= 1;
        }
        Ok(())
    }
    fn keccak_absorb(&self, state: &mut [u64; 25], blocks: KeccakBlocks<'_>) -> Result<(), Busy> {
        self.admit()?;
        fn absorb<N: cipher::generic_array::ArrayLength<u8>>(
            state: &mut [u64; 25],
            blocks: &[GenericArray<u8, N>],
        ) {
            for b in blocks {
                for (lane, w) in state.iter_mut().zip(b.chunks_exact(8)) {
                    *lane ^= u64::from_le_bytes(w.try_into().unwrap());
                }
                keccak::f1600(state);
            }
        }
        match blocks {
            KeccakBlocks::R72(b) => absorb(state, b),
            KeccakBlocks::R104(b) => absorb(state, b),
            KeccakBlocks::R136(b) => absorb(state, b),
            KeccakBlocks::R144(b) => absorb(state, b),
            KeccakBlocks::R168(b) => absorb(state, b),
        }
        if self.broken {
            state[0] ^= 1;
        }
        Ok(())
    }
    fn keccak_permute(&self, state: &mut [u64; 25]) -> Result<(), Busy> {
        self.admit()?;
        keccak::f1600(state);
        if self.broken {
            state[0] ^= 1;
        }
        Ok(())
    }
}
