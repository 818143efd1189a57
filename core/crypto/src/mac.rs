//! MAC engines: HMAC over every digest (`crate::hmac`, on the `hash` types, which use the
//! accelerator), AES/DES3 CMAC and CBC-MAC (NOPAD and PKCS#5 padding), whose whole blocks are
//! chained in one call (AES on the accelerator: `AesKey::cbc_mac`).

use alloc::boxed::Box;
use alloc::vec::Vec;

use supplicant_proto::tee_crypto::*;
use zeroize::Zeroizing;

use crate::aes_key::AesKey;
use crate::block::{dispatch_any, new_raw, BlockEnc, Cipher};
use crate::des_any::DesAny;
use crate::error::{CryptoError, CryptoResult};
use crate::families;
use crate::hmac::Hmac;

/// A keyed MAC computation.
pub(crate) trait MacState: Send {
    /// Restart with `iv` (used by CBC-MAC only; others ignore it).
    fn init(&mut self, iv: &[u8]) -> CryptoResult<()>;
    fn update(&mut self, data: &[u8]);
    /// Whether the data absorbed so far may be finalized (NOPAD CBC-MAC needs whole blocks).
    fn can_finalize(&self) -> bool {
        true
    }
    /// Write the MAC (`out.len() == mac_len()`) and restart.
    fn finalize(&mut self, out: &mut [u8]);
    fn mac_len(&self) -> usize;
    fn box_clone(&self) -> Box<dyn MacState>;
}

impl MacState for Hmac {
    fn init(&mut self, _iv: &[u8]) -> CryptoResult<()> {
        self.restart();
        Ok(())
    }
    fn update(&mut self, data: &[u8]) {
        Hmac::update(self, data);
    }
    fn finalize(&mut self, out: &mut [u8]) {
        self.finalize_reset(out);
    }
    fn mac_len(&self) -> usize {
        self.output_len()
    }
    fn box_clone(&self) -> Box<dyn MacState> {
        Box::new(self.clone())
    }
}

/// CBC-MAC: the last block of CBC encryption, optionally after PKCS#5 padding.
struct CbcMac {
    cipher: Box<dyn BlockEnc>,
    state: Zeroizing<Vec<u8>>,
    partial: Zeroizing<Vec<u8>>,
    pkcs5: bool,
}

impl CbcMac {
    fn absorb_block(&mut self, block: &[u8]) {
        self.cipher.chain(&mut self.state, block);
    }
}

impl MacState for CbcMac {
    fn init(&mut self, iv: &[u8]) -> CryptoResult<()> {
        let bs = self.cipher.block_size();
        if !iv.is_empty() && iv.len() != bs {
            return Err(CryptoError::BadParameters);
        }
        self.state.clear();
        if iv.is_empty() {
            self.state.resize(bs, 0);
        } else {
            self.state.extend_from_slice(iv);
        }
        self.partial.clear();
        Ok(())
    }

    fn update(&mut self, mut data: &[u8]) {
        let bs = self.cipher.block_size();
        if !self.partial.is_empty() {
            let take = (bs - self.partial.len()).min(data.len());
            self.partial.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.partial.len() < bs {
                return;
            }
            self.cipher.chain(&mut self.state, &self.partial);
            self.partial.clear();
        }
        // Whole blocks straight from the input: one chaining call.
        let whole = data.len() / bs * bs;
        self.cipher.chain(&mut self.state, &data[..whole]);
        self.partial.extend_from_slice(&data[whole..]);
    }

    fn can_finalize(&self) -> bool {
        self.pkcs5 || self.partial.is_empty()
    }

    fn finalize(&mut self, out: &mut [u8]) {
        let bs = self.cipher.block_size();
        if self.pkcs5 {
            let pad = bs - self.partial.len();
            let mut block = Zeroizing::new(self.partial.to_vec());
            // pad <= bs <= 16: fits in a byte.
            block.resize(bs, pad as u8);
            self.absorb_block(&block);
        }
        out.copy_from_slice(&self.state[..out.len()]);
        self.state.iter_mut().for_each(|b| *b = 0);
        self.partial.clear();
    }

    fn mac_len(&self) -> usize {
        self.cipher.block_size()
    }

    fn box_clone(&self) -> Box<dyn MacState> {
        Box::new(CbcMac {
            cipher: self.cipher.box_clone(),
            state: self.state.clone(),
            partial: self.partial.clone(),
            pkcs5: self.pkcs5,
        })
    }
}

fn new_cbc_mac<C: Cipher>(key: &[u8], pkcs5: bool) -> CryptoResult<Box<dyn MacState>> {
    cbc_mac_on(new_raw::<C>(key)?, pkcs5)
}

fn cbc_mac_on(cipher: Box<dyn BlockEnc>, pkcs5: bool) -> CryptoResult<Box<dyn MacState>> {
    let bs = cipher.block_size();
    Ok(Box::new(CbcMac {
        cipher,
        state: Zeroizing::new(alloc::vec![0; bs]),
        partial: Zeroizing::new(Vec::with_capacity(bs)),
        pkcs5,
    }))
}

/// CMAC (NIST SP 800-38B) over a block cipher of 8 or 16 bytes: CBC-MAC
/// whose last block, held back until the end, is XORed with subkey K1
/// (whole) or, padded with 10*, K2.
struct Cmac {
    cipher: Box<dyn BlockEnc>,
    k1: Zeroizing<Vec<u8>>,
    k2: Zeroizing<Vec<u8>>,
    state: Zeroizing<Vec<u8>>,
    /// The last 1..=bs bytes seen (empty before any data).
    last: Zeroizing<Vec<u8>>,
}

/// Doubling in GF(2^b) on a big-endian block (the subkeys): a shift left,
/// with Rb folded into the last byte by a mask when the top bit falls out.
fn dbl(block: &mut [u8]) {
    let rb = if block.len() == 16 { 0x87 } else { 0x1b };
    let top = block[0] >> 7;
    for i in 0..block.len() {
        let next = block.get(i + 1).map_or(0, |b| b >> 7);
        block[i] = (block[i] << 1) | next;
    }
    let last = block.len() - 1;
    block[last] ^= top.wrapping_neg() & rb;
}

impl MacState for Cmac {
    fn init(&mut self, _iv: &[u8]) -> CryptoResult<()> {
        self.state.iter_mut().for_each(|b| *b = 0);
        self.last.clear();
        Ok(())
    }

    fn update(&mut self, mut data: &[u8]) {
        let bs = self.cipher.block_size();
        if data.is_empty() {
            return;
        }
        // A full held-back block is chained once more data comes.
        let take = (bs - self.last.len()).min(data.len());
        self.last.extend_from_slice(&data[..take]);
        data = &data[take..];
        if data.is_empty() {
            return;
        }
        self.cipher.chain(&mut self.state, &self.last);
        self.last.clear();
        // Whole blocks but the last (which may be whole), in one call.
        let n = (data.len() - 1) / bs * bs;
        self.cipher.chain(&mut self.state, &data[..n]);
        self.last.extend_from_slice(&data[n..]);
    }

    fn finalize(&mut self, out: &mut [u8]) {
        let bs = self.cipher.block_size();
        let mut block = Zeroizing::new(alloc::vec![0u8; bs]);
        block[..self.last.len()].copy_from_slice(&self.last);
        let subkey = if self.last.len() == bs {
            &self.k1
        } else {
            block[self.last.len()] = 0x80;
            &self.k2
        };
        block
            .iter_mut()
            .zip(subkey.iter())
            .for_each(|(b, k)| *b ^= *k);
        self.cipher.chain(&mut self.state, &block);
        out.copy_from_slice(&self.state[..out.len()]);
        self.state.iter_mut().for_each(|b| *b = 0);
        self.last.clear();
    }

    fn mac_len(&self) -> usize {
        self.cipher.block_size()
    }

    fn box_clone(&self) -> Box<dyn MacState> {
        Box::new(Cmac {
            cipher: self.cipher.box_clone(),
            k1: self.k1.clone(),
            k2: self.k2.clone(),
            state: self.state.clone(),
            last: self.last.clone(),
        })
    }
}

fn cmac_on(cipher: Box<dyn BlockEnc>) -> CryptoResult<Box<dyn MacState>> {
    let bs = cipher.block_size();
    let mut k1 = Zeroizing::new(alloc::vec![0u8; bs]);
    cipher.encrypt(&mut k1);
    dbl(&mut k1);
    let mut k2 = k1.clone();
    dbl(&mut k2);
    Ok(Box::new(Cmac {
        cipher,
        k1,
        k2,
        state: Zeroizing::new(alloc::vec![0; bs]),
        last: Zeroizing::new(Vec::with_capacity(bs)),
    }))
}

fn new_cmac<C: Cipher>(key: &[u8]) -> CryptoResult<Box<dyn MacState>> {
    cmac_on(new_raw::<C>(key)?)
}

/// An AES key as a MAC's block cipher; `BAD_PARAMETERS` for a bad length.
fn aes_key(key: &[u8]) -> CryptoResult<Box<dyn BlockEnc>> {
    Ok(Box::new(
        AesKey::new(key).ok_or(CryptoError::BadParameters)?,
    ))
}

/// A MAC engine for a MAC algorithm ID and key; `NOT_SUPPORTED` for a non-MAC ID.
pub(crate) fn new_mac(algorithm: u32, key: &[u8]) -> CryptoResult<Box<dyn MacState>> {
    let main = tee_alg_get_main_alg(algorithm);
    match algorithm {
        TEE_ALG_HMAC_MD5
        | TEE_ALG_HMAC_SHA1
        | TEE_ALG_HMAC_SHA224
        | TEE_ALG_HMAC_SHA256
        | TEE_ALG_HMAC_SHA384
        | TEE_ALG_HMAC_SHA512
        | TEE_ALG_HMAC_SM3
        | TEE_ALG_HMAC_SHA3_224
        | TEE_ALG_HMAC_SHA3_256
        | TEE_ALG_HMAC_SHA3_384
        | TEE_ALG_HMAC_SHA3_512 => {
            let h = Hmac::new(tee_alg_hash_algo(main), key).ok_or(CryptoError::NotSupported)?;
            Ok(Box::new(h))
        }
        TEE_ALG_AES_CMAC => cmac_on(aes_key(key)?),
        TEE_ALG_DES3_CMAC => match key.len() {
            16 | 24 if families::DES => new_cmac::<DesAny>(key),
            _ => Err(CryptoError::BadParameters),
        },
        TEE_ALG_AES_CBC_MAC_NOPAD | TEE_ALG_AES_CBC_MAC_PKCS5 => {
            cbc_mac_on(aes_key(key)?, algorithm == TEE_ALG_AES_CBC_MAC_PKCS5)
        }
        TEE_ALG_DES_CBC_MAC_NOPAD
        | TEE_ALG_DES_CBC_MAC_PKCS5
        | TEE_ALG_DES3_CBC_MAC_NOPAD
        | TEE_ALG_DES3_CBC_MAC_PKCS5 => {
            let pkcs5 = tee_alg_get_chain_mode(algorithm) == TEE_CHAIN_MODE_CBC_MAC_PKCS5;
            dispatch_any!(main, key, new_cbc_mac(pkcs5))
        }
        _ => Err(CryptoError::NotSupported),
    }
}
