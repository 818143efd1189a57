//! Block-cipher engines behind object-safe traits: ECB, CBC, CTR, CTS (CBC-CS3), XTS.
//!
//! XTS is composed here from the block cipher (tweak doubling and ciphertext stealing per
//! IEEE 1619) because the `xts-mode` crate cannot continue a data unit across calls.
//!
//! Each engine is built for a RustCrypto cipher type by the `dispatch_*` macros, from the main
//! algorithm (`TEE_MAIN_ALGO_*`) and the key length: one type per family (`des_any`), so
//! each engine is compiled for DES/3DES and SM4 rather than for every key size (AES runs on
//! `aes_modes`).

use alloc::boxed::Box;

use cipher::generic_array::GenericArray;
use cipher::typenum::U16;
use cipher::{
    BlockCipher, BlockDecrypt, BlockDecryptMut, BlockEncrypt, BlockEncryptMut, InnerIvInit,
    IvState, KeyInit, StreamCipher,
};
use cts::{Decrypt as _, Encrypt as _};
use zeroize::Zeroize;

use crate::error::{CryptoError, CryptoResult};

/// Bounds every block cipher used here satisfies.
pub(crate) trait Cipher:
    BlockCipher + BlockEncrypt + BlockDecrypt + KeyInit + Clone + Send + 'static
{
}
impl<C: BlockCipher + BlockEncrypt + BlockDecrypt + KeyInit + Clone + Send + 'static> Cipher for C {}

/// Call `$f::<Cipher>($key, args...)` for the cipher selected by main algorithm and key length;
/// `BAD_PARAMETERS` for a key length the cipher does not take. AES is not here: its modes run
/// on `AesKey` (`aes_modes.rs`, `ae.rs`, `mac.rs`).
macro_rules! dispatch_any {
    ($main:expr, $key:expr, $f:ident ( $($arg:expr),* )) => {{
        use supplicant_proto::tee_crypto::*;
        match ($main, $key.len()) {
            (TEE_MAIN_ALGO_DES, 8) | (TEE_MAIN_ALGO_DES3, 16 | 24) if $crate::families::DES => {
                $f::<$crate::des_any::DesAny>($key $(, $arg)*)
            }
            (TEE_MAIN_ALGO_SM4, 16) if $crate::families::SM => $f::<sm4::Sm4>($key $(, $arg)*),
            _ => Err($crate::error::CryptoError::BadParameters),
        }
    }};
}

/// As `dispatch_any!` but only for the 128-bit-block cipher SM4.
macro_rules! dispatch_128 {
    ($main:expr, $key:expr, $f:ident ( $($arg:expr),* )) => {{
        use supplicant_proto::tee_crypto::*;
        match ($main, $key.len()) {
            (TEE_MAIN_ALGO_SM4, 16) if $crate::families::SM => $f::<sm4::Sm4>($key $(, $arg)*),
            _ => Err($crate::error::CryptoError::BadParameters),
        }
    }};
}

pub(crate) use {dispatch_128, dispatch_any};

/// A keyed cipher with its chaining state, processing whole blocks (or any length for CTR).
pub(crate) trait BlockMode: Send {
    /// Transform `data` in place; its length is a multiple of the block size except for CTR.
    fn process(&mut self, data: &mut [u8]);
    fn box_clone(&self) -> Box<dyn BlockMode>;
}

fn blocks(data: &mut [u8], bs: usize) -> impl Iterator<Item = &mut [u8]> {
    data.chunks_exact_mut(bs)
}

#[derive(Clone)]
struct EcbEnc<C>(C);
#[derive(Clone)]
struct EcbDec<C>(C);

impl<C: Cipher> BlockMode for EcbEnc<C> {
    fn process(&mut self, data: &mut [u8]) {
        let bs = C::block_size();
        for b in blocks(data, bs) {
            self.0.encrypt_block(GenericArray::from_mut_slice(b));
        }
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl<C: Cipher> BlockMode for EcbDec<C> {
    fn process(&mut self, data: &mut [u8]) {
        let bs = C::block_size();
        for b in blocks(data, bs) {
            self.0.decrypt_block(GenericArray::from_mut_slice(b));
        }
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl<C: Cipher> BlockMode for cbc::Encryptor<C> {
    fn process(&mut self, data: &mut [u8]) {
        let bs = C::block_size();
        for b in blocks(data, bs) {
            self.encrypt_block_mut(GenericArray::from_mut_slice(b));
        }
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl<C: Cipher> BlockMode for cbc::Decryptor<C> {
    fn process(&mut self, data: &mut [u8]) {
        let bs = C::block_size();
        for b in blocks(data, bs) {
            self.decrypt_block_mut(GenericArray::from_mut_slice(b));
        }
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> BlockMode for ctr::Ctr128BE<C> {
    fn process(&mut self, data: &mut [u8]) {
        self.apply_keystream(data);
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

pub(crate) fn new_ecb<C: Cipher>(key: &[u8], encrypt: bool) -> CryptoResult<Box<dyn BlockMode>> {
    let c = C::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?;
    Ok(if encrypt {
        Box::new(EcbEnc(c))
    } else {
        Box::new(EcbDec(c))
    })
}

pub(crate) fn new_cbc<C: Cipher>(
    key: &[u8],
    iv: &[u8],
    encrypt: bool,
) -> CryptoResult<Box<dyn BlockMode>> {
    let c = C::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?;
    if iv.len() != C::block_size() {
        return Err(CryptoError::BadParameters);
    }
    let iv = GenericArray::from_slice(iv);
    Ok(if encrypt {
        Box::new(cbc::Encryptor::<C>::inner_iv_init(c, iv))
    } else {
        Box::new(cbc::Decryptor::<C>::inner_iv_init(c, iv))
    })
}

pub(crate) fn new_ctr<C: Cipher + BlockCipher<BlockSize = U16>>(
    key: &[u8],
    iv: &[u8],
) -> CryptoResult<Box<dyn BlockMode>> {
    if iv.len() != 16 {
        return Err(CryptoError::BadParameters);
    }
    let c = C::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?;
    Ok(Box::new(ctr::Ctr128BE::<C>::from_core(
        ctr::CtrCore::inner_iv_init(c, GenericArray::from_slice(iv)),
    )))
}

/// A mode with ciphertext stealing: whole blocks stream through, the last 16..=32 bytes are
/// handled at final (CTS variant CS3 = GP `TEE_ALG_AES_CTS`, and XTS).
pub(crate) trait StealMode: Send {
    /// Transform whole blocks.
    fn blocks(&mut self, data: &mut [u8]);
    /// Transform the final 16..=32 bytes.
    fn tail(&mut self, data: &mut [u8]) -> CryptoResult<()>;
    fn box_clone(&self) -> Box<dyn StealMode>;
}

#[derive(Clone)]
struct Cts<C: Cipher> {
    cipher: C,
    iv: GenericArray<u8, U16>,
    encrypt: bool,
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> StealMode for Cts<C> {
    fn blocks(&mut self, data: &mut [u8]) {
        if self.encrypt {
            let mut e = cbc::Encryptor::<C>::inner_iv_init(self.cipher.clone(), &self.iv);
            for b in blocks(data, 16) {
                e.encrypt_block_mut(GenericArray::from_mut_slice(b));
            }
            self.iv = e.iv_state();
        } else {
            let mut d = cbc::Decryptor::<C>::inner_iv_init(self.cipher.clone(), &self.iv);
            for b in blocks(data, 16) {
                d.decrypt_block_mut(GenericArray::from_mut_slice(b));
            }
            self.iv = d.iv_state();
        }
    }

    fn tail(&mut self, data: &mut [u8]) -> CryptoResult<()> {
        if data.len() == 16 {
            self.blocks(data);
            return Ok(());
        }
        let r = if self.encrypt {
            cts::CbcCs3Enc::<C>::inner_iv_init(self.cipher.clone(), &self.iv).encrypt(data)
        } else {
            cts::CbcCs3Dec::<C>::inner_iv_init(self.cipher.clone(), &self.iv).decrypt(data)
        };
        r.map_err(|_| CryptoError::BadParameters)
    }

    fn box_clone(&self) -> Box<dyn StealMode> {
        Box::new(self.clone())
    }
}

pub(crate) fn new_cts<C: Cipher + BlockCipher<BlockSize = U16>>(
    key: &[u8],
    iv: &[u8],
    encrypt: bool,
) -> CryptoResult<Box<dyn StealMode>> {
    if iv.len() != 16 {
        return Err(CryptoError::BadParameters);
    }
    let cipher = C::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?;
    Ok(Box::new(Cts::<C> {
        cipher,
        iv: GenericArray::clone_from_slice(iv),
        encrypt,
    }))
}

#[derive(Clone)]
struct Xts<C: Cipher> {
    data_key: C,
    /// Current tweak: E(K2, IV) multiplied by alpha once per processed block.
    tweak: [u8; 16],
    encrypt: bool,
}

/// Multiply a tweak by alpha in GF(2^128), little-endian convention of IEEE 1619.
fn mul_alpha(t: &mut [u8; 16]) {
    let mut carry = 0u8;
    for b in t.iter_mut() {
        let next = *b >> 7;
        *b = (*b << 1) | carry;
        carry = next;
    }
    if carry != 0 {
        t[0] ^= 0x87;
    }
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> Xts<C> {
    fn block(&self, b: &mut [u8], t: &[u8; 16], encrypt: bool) {
        b.iter_mut().zip(t).for_each(|(x, y)| *x ^= *y);
        let ga = GenericArray::from_mut_slice(b);
        if encrypt {
            self.data_key.encrypt_block(ga);
        } else {
            self.data_key.decrypt_block(ga);
        }
        b.iter_mut().zip(t).for_each(|(x, y)| *x ^= *y);
    }
}

impl<C: Cipher + BlockCipher<BlockSize = U16>> StealMode for Xts<C> {
    fn blocks(&mut self, data: &mut [u8]) {
        for b in blocks(data, 16) {
            let t = self.tweak;
            self.block(b, &t, self.encrypt);
            mul_alpha(&mut self.tweak);
        }
    }

    fn tail(&mut self, data: &mut [u8]) -> CryptoResult<()> {
        let len = data.len();
        if !(16..=32).contains(&len) {
            return Err(CryptoError::BadParameters);
        }
        if len == 16 || len == 32 {
            self.blocks(data);
            return Ok(());
        }
        let b = len - 16;
        let t1 = self.tweak;
        let mut t2 = t1;
        mul_alpha(&mut t2);
        let (full, part) = data.split_at_mut(16);
        let mut cc = [0u8; 16];
        cc.copy_from_slice(full);
        // Encryption uses the tweaks in order, decryption swaps them for the stolen block.
        let (first, second) = if self.encrypt { (t1, t2) } else { (t2, t1) };
        self.block(&mut cc, &first, self.encrypt);
        let mut last = [0u8; 16];
        last[..b].copy_from_slice(part);
        last[b..].copy_from_slice(&cc[b..]);
        part.copy_from_slice(&cc[..b]);
        self.block(&mut last, &second, self.encrypt);
        full.copy_from_slice(&last);
        cc.zeroize();
        last.zeroize();
        Ok(())
    }

    fn box_clone(&self) -> Box<dyn StealMode> {
        Box::new(self.clone())
    }
}

impl<C: Cipher> Drop for Xts<C> {
    fn drop(&mut self) {
        self.tweak.zeroize();
    }
}

/// `key` is the data key followed by the tweak key (two keys of equal length); `iv` is the
/// 16-byte tweak (data unit number).
pub(crate) fn new_xts<C: Cipher + BlockCipher<BlockSize = U16>>(
    key: &[u8],
    iv: &[u8],
    encrypt: bool,
) -> CryptoResult<Box<dyn StealMode>> {
    if iv.len() != 16 {
        return Err(CryptoError::BadParameters);
    }
    let half = key.len() / 2;
    let data_key = C::new_from_slice(&key[..half]).map_err(|_| CryptoError::BadParameters)?;
    let tweak_key = C::new_from_slice(&key[half..]).map_err(|_| CryptoError::BadParameters)?;
    let mut t = GenericArray::clone_from_slice(iv);
    tweak_key.encrypt_block(&mut t);
    Ok(Box::new(Xts::<C> {
        data_key,
        tweak: t.into(),
        encrypt,
    }))
}

/// Encrypt one block with a raw cipher (used by CBC-MAC and CMAC).
pub(crate) trait BlockEnc: Send {
    fn block_size(&self) -> usize;
    fn encrypt(&self, block: &mut [u8]);
    /// CBC-MAC chaining over the whole blocks of `data`: `state = E(state ^ block)` for each
    /// (AES does it in one accelerator call).
    fn chain(&self, state: &mut [u8], data: &[u8]) {
        for b in data.chunks_exact(state.len()) {
            state.iter_mut().zip(b).for_each(|(s, x)| *s ^= *x);
            self.encrypt(state);
        }
    }
    fn box_clone(&self) -> Box<dyn BlockEnc>;
}

#[derive(Clone)]
struct Raw<C>(C);

impl<C: Cipher> BlockEnc for Raw<C> {
    fn block_size(&self) -> usize {
        C::block_size()
    }
    fn encrypt(&self, block: &mut [u8]) {
        self.0.encrypt_block(GenericArray::from_mut_slice(block));
    }
    fn box_clone(&self) -> Box<dyn BlockEnc> {
        Box::new(self.clone())
    }
}

pub(crate) fn new_raw<C: Cipher>(key: &[u8]) -> CryptoResult<Box<dyn BlockEnc>> {
    Ok(Box::new(Raw(
        C::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?
    )))
}

impl BlockEnc for oxtee_crypto_fast::aes_key::AesKey {
    fn block_size(&self) -> usize {
        16
    }
    fn encrypt(&self, block: &mut [u8]) {
        if let Ok(b) = <&mut [u8; 16]>::try_from(block) {
            self.encrypt_block(b);
        }
    }
    fn chain(&self, state: &mut [u8], data: &[u8]) {
        if let Ok(s) = <&mut [u8; 16]>::try_from(state) {
            self.cbc_mac(s, data);
        }
    }
    fn box_clone(&self) -> Box<dyn BlockEnc> {
        Box::new(self.clone())
    }
}
