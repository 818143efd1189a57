//! A software stand-in for the image's accelerator (the crate's unit tests
//! have the same one): it keeps the real schedule's first round keys (the
//! key itself), does the work with the RustCrypto ciphers, counts its calls
//! and refuses every third one.

use core::sync::atomic::{AtomicUsize, Ordering};

use cipher::generic_array::GenericArray;
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

use oxtee_crypto::accel::{Accelerator, AesSchedule, Busy};

pub(crate) struct Fake {
    pub(crate) aes: bool,
    pub sha1: bool,
    pub sha256: bool,
    pub(crate) calls: AtomicUsize,
    pub(crate) done: AtomicUsize,
}

impl Fake {
    pub(crate) const fn new() -> Self {
        Fake {
            aes: true,
            sha1: true,
            sha256: true,
            calls: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    fn admit(&self) -> Result<(), Busy> {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        if n % 3 == 2 {
            return Err(Busy);
        }
        self.done.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Calls that did the work.
    pub(crate) fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
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
        Ok(())
    }
    fn aes_ctr(
        &self,
        keys: &AesSchedule,
        counter: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy> {
        self.admit()?;
        with_cipher(keys, |c| {
            for b in data.chunks_exact_mut(16) {
                let mut k = *counter;
                c.enc(&mut k);
                b.iter_mut().zip(k.iter()).for_each(|(x, y)| *x ^= *y);
                *counter = u128::from_be_bytes(*counter).wrapping_add(1).to_be_bytes();
            }
        });
        Ok(())
    }
    fn sha1_blocks(&self, state: &mut [u32; 5], data: &[u8]) -> Result<(), Busy> {
        self.admit()?;
        for b in data.chunks_exact(64) {
            sha1::compress(state, &[*GenericArray::from_slice(b)]);
        }
        Ok(())
    }
    fn sha256_blocks(&self, state: &mut [u32; 8], data: &[u8]) -> Result<(), Busy> {
        self.admit()?;
        for b in data.chunks_exact(64) {
            sha2::compress256(state, &[*GenericArray::from_slice(b)]);
        }
        Ok(())
    }
}
