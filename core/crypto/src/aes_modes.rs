//! AES-ECB, -CBC, -CTR, -CTS (CBC-CS3) and -XTS on an [`AesKey`]: whole
//! buffers per call, so on the accelerator one claim of the registers per
//! update (the partial blocks of CTR, CTS and XTS excepted). SM4 keeps the
//! generic modes of `block.rs`.

use alloc::boxed::Box;

use zeroize::Zeroize;

use crate::accel::Accelerator;
use crate::aes_key::{xts_mul_x, AesKey};
use crate::block::{BlockMode, StealMode};
use crate::error::{CryptoError, CryptoResult};

/// The accelerator the modes use: the installed one (tests pass their own).
type On = Option<&'static dyn Accelerator>;

#[derive(Clone)]
struct Ecb {
    key: AesKey,
    decrypt: bool,
}

impl BlockMode for Ecb {
    fn process(&mut self, data: &mut [u8]) {
        self.key.ecb(self.decrypt, data);
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

/// AES-ECB; `None` for a bad key length.
pub(crate) fn new_ecb(on: On, key: &[u8], encrypt: bool) -> Option<Box<dyn BlockMode>> {
    Some(Box::new(Ecb {
        key: AesKey::new_on(on, key)?,
        decrypt: !encrypt,
    }))
}

#[derive(Clone)]
struct Cbc {
    key: AesKey,
    iv: [u8; 16],
    decrypt: bool,
}

impl BlockMode for Cbc {
    fn process(&mut self, data: &mut [u8]) {
        self.key.cbc(self.decrypt, &mut self.iv, data);
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl Drop for Cbc {
    fn drop(&mut self) {
        self.iv.zeroize();
    }
}

/// AES-CBC; `None` for a bad key or IV length.
pub(crate) fn new_cbc(on: On, key: &[u8], iv: &[u8], encrypt: bool) -> Option<Box<dyn BlockMode>> {
    Some(Box::new(Cbc {
        key: AesKey::new_on(on, key)?,
        iv: iv.try_into().ok()?,
        decrypt: !encrypt,
    }))
}

/// AES-CTR with a 128-bit big-endian counter (GP's `TEE_ALG_AES_CTR`,
/// CCM), any length per call: the keystream of a partial block is kept
/// for the next call.
#[derive(Clone)]
pub(crate) struct Ctr {
    key: AesKey,
    counter: [u8; 16],
    /// Keystream of the last partial block; `used` bytes of it are spent.
    stream: [u8; 16],
    used: usize,
}

impl Ctr {
    pub(crate) fn new(key: AesKey, counter: [u8; 16]) -> Self {
        Ctr {
            key,
            counter,
            stream: [0; 16],
            used: 16,
        }
    }

    /// XORs the keystream into `data`.
    pub(crate) fn apply(&mut self, data: &mut [u8]) {
        let (head, rest) = data.split_at_mut((16 - self.used).min(data.len()));
        for (x, k) in head.iter_mut().zip(&self.stream[self.used..]) {
            *x ^= *k;
        }
        self.used += head.len();
        let whole = rest.len() / 16 * 16;
        let (blocks, tail) = rest.split_at_mut(whole);
        self.key.ctr(&mut self.counter, blocks, false);
        if !tail.is_empty() {
            // Zeros through CTR give the keystream block.
            self.stream = [0; 16];
            self.key.ctr(&mut self.counter, &mut self.stream, false);
            for (x, k) in tail.iter_mut().zip(&self.stream) {
                *x ^= *k;
            }
            self.used = tail.len();
        }
    }
}

impl BlockMode for Ctr {
    fn process(&mut self, data: &mut [u8]) {
        self.apply(data);
    }
    fn box_clone(&self) -> Box<dyn BlockMode> {
        Box::new(self.clone())
    }
}

impl Drop for Ctr {
    fn drop(&mut self) {
        self.counter.zeroize();
        self.stream.zeroize();
    }
}

/// AES-CTR; `None` for a bad key or IV length.
pub(crate) fn new_ctr(on: On, key: &[u8], iv: &[u8]) -> Option<Box<dyn BlockMode>> {
    Some(Box::new(Ctr::new(
        AesKey::new_on(on, key)?,
        iv.try_into().ok()?,
    )))
}

/// CBC with ciphertext stealing, variant CS3 (GP's `TEE_ALG_AES_CTS`):
/// whole blocks are CBC; of the last 17..=32 bytes the last two blocks are
/// swapped and the final one is only as long as the data.
#[derive(Clone)]
struct Cts {
    key: AesKey,
    iv: [u8; 16],
    encrypt: bool,
}

impl StealMode for Cts {
    fn blocks(&mut self, data: &mut [u8]) {
        self.key.cbc(!self.encrypt, &mut self.iv, data);
    }

    fn tail(&mut self, data: &mut [u8]) -> CryptoResult<()> {
        let len = data.len();
        if !(16..=32).contains(&len) {
            return Err(CryptoError::BadParameters);
        }
        if len == 16 {
            self.blocks(data);
            return Ok(());
        }
        // 32 bytes too: CS3 swaps the last two blocks even when whole.
        let d = len - 16;
        let mut two = [0u8; 32];
        if self.encrypt {
            // CBC over P(n-1) and P(n) padded with zeros gives C', C(n);
            // out: C(n), then the first d bytes of C'.
            two[..len].copy_from_slice(data);
            self.key.cbc(false, &mut self.iv, &mut two);
            data[..16].copy_from_slice(&two[16..]);
            data[16..].copy_from_slice(&two[..d]);
        } else {
            // Z = D(C(n)) = C' ^ (P(n) | 0): C' is the d stolen bytes and
            // the rest of Z; P(n) = Z ^ C' on the first d bytes.
            let mut z: [u8; 16] = data[..16].try_into().unwrap_or_else(|_| unreachable!());
            self.key.decrypt_block(&mut z);
            two[..d].copy_from_slice(&data[16..]);
            two[d..16].copy_from_slice(&z[d..]);
            for i in 0..d {
                two[16 + i] = z[i] ^ two[i];
            }
            self.key.cbc(true, &mut self.iv, &mut two[..16]);
            data.copy_from_slice(&two[..len]);
            z.zeroize();
        }
        two.zeroize();
        Ok(())
    }

    fn box_clone(&self) -> Box<dyn StealMode> {
        Box::new(self.clone())
    }
}

impl Drop for Cts {
    fn drop(&mut self) {
        self.iv.zeroize();
    }
}

/// AES-CTS; `None` for a bad key length, `BAD_PARAMETERS` for a bad IV.
pub(crate) fn new_cts(
    on: On,
    key: &[u8],
    iv: &[u8],
    encrypt: bool,
) -> Option<CryptoResult<Box<dyn StealMode>>> {
    let key = AesKey::new_on(on, key)?;
    Some(match iv.try_into() {
        Ok(iv) => Ok(Box::new(Cts { key, iv, encrypt })),
        Err(_) => Err(CryptoError::BadParameters),
    })
}

/// XTS (IEEE 1619) with ciphertext stealing for a last partial block.
#[derive(Clone)]
struct Xts {
    data_key: AesKey,
    /// E(K2, IV) times x once per block done.
    tweak: [u8; 16],
    encrypt: bool,
}

impl Xts {
    /// One block with a given tweak (the mode's own is left alone).
    fn block(&self, b: &mut [u8], tweak: &[u8; 16]) {
        let mut t = *tweak;
        self.data_key.xts(!self.encrypt, &mut t, b);
        t.zeroize();
    }
}

impl StealMode for Xts {
    fn blocks(&mut self, data: &mut [u8]) {
        self.data_key.xts(!self.encrypt, &mut self.tweak, data);
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
        xts_mul_x(&mut t2);
        let (full, part) = data.split_at_mut(16);
        let mut cc = [0u8; 16];
        cc.copy_from_slice(full);
        // Encryption uses the tweaks in order, decryption swaps them for the stolen block.
        let (first, second) = if self.encrypt { (t1, t2) } else { (t2, t1) };
        self.block(&mut cc, &first);
        let mut last = [0u8; 16];
        last[..b].copy_from_slice(part);
        last[b..].copy_from_slice(&cc[b..]);
        part.copy_from_slice(&cc[..b]);
        self.block(&mut last, &second);
        full.copy_from_slice(&last);
        cc.zeroize();
        last.zeroize();
        t2.zeroize();
        Ok(())
    }

    fn box_clone(&self) -> Box<dyn StealMode> {
        Box::new(self.clone())
    }
}

impl Drop for Xts {
    fn drop(&mut self) {
        self.tweak.zeroize();
    }
}

/// AES-XTS: `key` is the data key then the tweak key, of equal length;
/// `iv` the 16-byte tweak (data unit number). `None` for a bad key length.
pub(crate) fn new_xts(
    on: On,
    key: &[u8],
    iv: &[u8],
    encrypt: bool,
) -> Option<CryptoResult<Box<dyn StealMode>>> {
    let half = key.len() / 2;
    let data_key = AesKey::new_on(on, &key[..half])?;
    let tweak_key = AesKey::new_on(on, &key[half..])?;
    let mut tweak: [u8; 16] = match iv.try_into() {
        Ok(t) => t,
        Err(_) => return Some(Err(CryptoError::BadParameters)),
    };
    tweak_key.encrypt_block(&mut tweak);
    Some(Ok(Box::new(Xts {
        data_key,
        tweak,
        encrypt,
    })))
}

#[cfg(test)]
mod tests;
