//! AES-ECB, -CBC and -CTR on an installed [`Accelerator`], whole buffers
//! per call. Each mode keeps the software cipher too: a refused call
//! ([`Busy`]) is done in software from the same chaining state, so the
//! result never depends on which path ran.

use alloc::boxed::Box;

use cipher::generic_array::GenericArray;
use cipher::typenum::U16;
use cipher::{BlockCipher, BlockDecryptMut, BlockEncryptMut, InnerIvInit, IvState};
use supplicant_proto::tee_crypto::TEE_MAIN_ALGO_AES;
use zeroize::Zeroize;

use crate::accel::{aes_schedule, installed, Accelerator, AesSchedule};
use crate::block::{BlockMode, Cipher};

/// Calls `$f::<AesN>(accel, schedule, key, args...)` for the key length.
macro_rules! with_aes {
    ($accel:expr, $key:expr, $f:ident ( $($arg:expr),* )) => {{
        let accel: &'static dyn Accelerator = $accel;
        let schedule = aes_schedule(accel, $key)?;
        match $key.len() {
            16 => $f::<aes::Aes128>(accel, schedule, $key $(, $arg)*),
            24 => $f::<aes::Aes192>(accel, schedule, $key $(, $arg)*),
            32 => $f::<aes::Aes256>(accel, schedule, $key $(, $arg)*),
            _ => None,
        }
    }};
}

/// An accelerated mode for `main`'s key, or `None` (no accelerator, not
/// AES, or the key could not be expanded now): the caller then builds the
/// software mode.
pub(crate) fn new_ecb(main: u32, key: &[u8], encrypt: bool) -> Option<Box<dyn BlockMode>> {
    new_ecb_on(installed()?, main, key, encrypt)
}

/// See [`new_ecb`].
pub(crate) fn new_cbc(
    main: u32,
    key: &[u8],
    iv: &[u8],
    encrypt: bool,
) -> Option<Box<dyn BlockMode>> {
    new_cbc_on(installed()?, main, key, iv, encrypt)
}

/// See [`new_ecb`].
pub(crate) fn new_ctr(main: u32, key: &[u8], iv: &[u8]) -> Option<Box<dyn BlockMode>> {
    new_ctr_on(installed()?, main, key, iv)
}

pub(crate) fn new_ecb_on(
    accel: &'static dyn Accelerator,
    main: u32,
    key: &[u8],
    encrypt: bool,
) -> Option<Box<dyn BlockMode>> {
    if main != TEE_MAIN_ALGO_AES {
        return None;
    }
    with_aes!(accel, key, ecb(encrypt))
}

pub(crate) fn new_cbc_on(
    accel: &'static dyn Accelerator,
    main: u32,
    key: &[u8],
    iv: &[u8],
    encrypt: bool,
) -> Option<Box<dyn BlockMode>> {
    if main != TEE_MAIN_ALGO_AES {
        return None;
    }
    let iv: [u8; 16] = iv.try_into().ok()?;
    with_aes!(accel, key, cbc(iv, encrypt))
}

pub(crate) fn new_ctr_on(
    accel: &'static dyn Accelerator,
    main: u32,
    key: &[u8],
    iv: &[u8],
) -> Option<Box<dyn BlockMode>> {
    if main != TEE_MAIN_ALGO_AES {
        return None;
    }
    let counter: [u8; 16] = iv.try_into().ok()?;
    with_aes!(accel, key, ctr(counter))
}

#[derive(Clone)]
struct Ecb<C> {
    accel: &'static dyn Accelerator,
    keys: AesSchedule,
    soft: C,
    decrypt: bool,
}

fn ecb<C: Cipher>(
    accel: &'static dyn Accelerator,
    keys: AesSchedule,
    key: &[u8],
    encrypt: bool,
) -> Option<Box<dyn BlockMode>> {
    Some(Box::new(Ecb {
        accel,
        keys,
        soft: C::new_from_slice(key).ok()?,
        decrypt: !encrypt,
    }))
}

impl<C: Cipher> BlockMode for Ecb<C> {
    fn process(&mut self, data: &mut [u8]) {
        if self.accel.aes_ecb(&self.keys, self.decrypt, data).is_ok() {
            return;
        }
        for b in data.chunks_exact_mut(16) {
            let b = GenericArray::from_mut_slice(b);
            if self.decrypt {
                self.soft.decrypt_block(b);
            } else {
                self.soft.encrypt_block(b);
            }
        }
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

#[derive(Clone)]
struct Cbc<C> {
    accel: &'static dyn Accelerator,
    keys: AesSchedule,
    soft: C,
    iv: [u8; 16],
    decrypt: bool,
}

fn cbc<C: Cipher + BlockCipher<BlockSize = U16>>(
    accel: &'static dyn Accelerator,
    keys: AesSchedule,
    key: &[u8],
    iv: [u8; 16],
    encrypt: bool,
) -> Option<Box<dyn BlockMode>> {
    Some(Box::new(Cbc {
        accel,
        keys,
        soft: C::new_from_slice(key).ok()?,
        iv,
        decrypt: !encrypt,
    }))
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> BlockMode for Cbc<C> {
    fn process(&mut self, data: &mut [u8]) {
        if self
            .accel
            .aes_cbc(&self.keys, self.decrypt, &mut self.iv, data)
            .is_ok()
        {
            return;
        }
        let iv = GenericArray::from_slice(&self.iv);
        let next = if self.decrypt {
            let mut d = cbc::Decryptor::<C>::inner_iv_init(self.soft.clone(), iv);
            for b in data.chunks_exact_mut(16) {
                d.decrypt_block_mut(GenericArray::from_mut_slice(b));
            }
            d.iv_state()
        } else {
            let mut e = cbc::Encryptor::<C>::inner_iv_init(self.soft.clone(), iv);
            for b in data.chunks_exact_mut(16) {
                e.encrypt_block_mut(GenericArray::from_mut_slice(b));
            }
            e.iv_state()
        };
        self.iv.copy_from_slice(&next);
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl<C> Drop for Cbc<C> {
    fn drop(&mut self) {
        self.iv.zeroize();
    }
}

#[derive(Clone)]
struct Ctr<C> {
    accel: &'static dyn Accelerator,
    keys: AesSchedule,
    soft: C,
    counter: [u8; 16],
    /// Keystream of the last partial block; `used` bytes of it are spent.
    stream: [u8; 16],
    used: usize,
}

fn ctr<C: Cipher + BlockCipher<BlockSize = U16>>(
    accel: &'static dyn Accelerator,
    keys: AesSchedule,
    key: &[u8],
    counter: [u8; 16],
) -> Option<Box<dyn BlockMode>> {
    Some(Box::new(Ctr {
        accel,
        keys,
        soft: C::new_from_slice(key).ok()?,
        counter,
        stream: [0; 16],
        used: 16,
    }))
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> Ctr<C> {
    /// Whole blocks in software, advancing the counter.
    fn soft_blocks(&mut self, data: &mut [u8]) {
        for b in data.chunks_exact_mut(16) {
            let mut k = GenericArray::clone_from_slice(&self.counter);
            self.soft.encrypt_block(&mut k);
            b.iter_mut().zip(k.iter()).for_each(|(x, y)| *x ^= *y);
            k.zeroize();
            self.counter = u128::from_be_bytes(self.counter)
                .wrapping_add(1)
                .to_be_bytes();
        }
    }
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> BlockMode for Ctr<C> {
    fn process(&mut self, data: &mut [u8]) {
        // What is left of the last keystream block first.
        let (head, rest) = data.split_at_mut((16 - self.used).min(data.len()));
        for (x, k) in head.iter_mut().zip(&self.stream[self.used..]) {
            *x ^= *k;
        }
        self.used += head.len();
        let whole = rest.len() / 16 * 16;
        let (blocks, tail) = rest.split_at_mut(whole);
        if self
            .accel
            .aes_ctr(&self.keys, &mut self.counter, blocks)
            .is_err()
        {
            self.soft_blocks(blocks);
        }
        if !tail.is_empty() {
            // A fresh keystream block: zeros through CTR give the keystream.
            self.stream = [0; 16];
            let mut s = self.stream;
            if self
                .accel
                .aes_ctr(&self.keys, &mut self.counter, &mut s)
                .is_err()
            {
                self.soft_blocks(&mut s);
            }
            self.stream = s;
            s.zeroize();
            for (x, k) in tail.iter_mut().zip(&self.stream) {
                *x ^= *k;
            }
            self.used = tail.len();
        }
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl<C> Drop for Ctr<C> {
    fn drop(&mut self) {
        self.counter.zeroize();
        self.stream.zeroize();
    }
}

#[cfg(test)]
mod tests;
