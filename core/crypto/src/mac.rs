//! MAC engines: HMAC over every digest (`crate::hmac`), AES/DES3 CMAC, CBC-MAC (NOPAD and
//! PKCS#5 padding).

use alloc::boxed::Box;
use alloc::vec::Vec;

use digest::{KeyInit, Mac};
use supplicant_proto::tee_crypto::*;
use zeroize::{Zeroize, Zeroizing};

use crate::any_cipher::{AesAny, DesAny};
use crate::block::{dispatch_any, new_raw, BlockEnc, Cipher};
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

#[derive(Clone)]
struct RustCryptoMac<M: Clone> {
    fresh: M,
    cur: M,
}

impl<M: Mac + Clone + Send + 'static> MacState for RustCryptoMac<M> {
    fn init(&mut self, _iv: &[u8]) -> CryptoResult<()> {
        self.cur = self.fresh.clone();
        Ok(())
    }
    fn update(&mut self, data: &[u8]) {
        Mac::update(&mut self.cur, data);
    }
    fn finalize(&mut self, out: &mut [u8]) {
        let cur = core::mem::replace(&mut self.cur, self.fresh.clone());
        let tag = cur.finalize().into_bytes();
        out.copy_from_slice(&tag[..out.len()]);
    }
    fn mac_len(&self) -> usize {
        <M as digest::OutputSizeUser>::output_size()
    }
    fn box_clone(&self) -> Box<dyn MacState> {
        Box::new(self.clone())
    }
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

fn keyed<M: Mac + KeyInit + Clone + Send + 'static>(key: &[u8]) -> CryptoResult<Box<dyn MacState>> {
    let m = <M as KeyInit>::new_from_slice(key).map_err(|_| CryptoError::BadParameters)?;
    Ok(Box::new(RustCryptoMac {
        fresh: m.clone(),
        cur: m,
    }))
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
        for (s, b) in self.state.iter_mut().zip(block) {
            *s ^= *b;
        }
        self.cipher.encrypt(&mut self.state);
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
        while !data.is_empty() {
            let take = (bs - self.partial.len()).min(data.len());
            self.partial.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.partial.len() == bs {
                let mut block = [0u8; 16];
                block[..bs].copy_from_slice(&self.partial);
                self.partial.clear();
                self.absorb_block(&block[..bs]);
                block.zeroize();
            }
        }
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
    let cipher = new_raw::<C>(key)?;
    let bs = cipher.block_size();
    Ok(Box::new(CbcMac {
        cipher,
        state: Zeroizing::new(alloc::vec![0; bs]),
        partial: Zeroizing::new(Vec::with_capacity(bs)),
        pkcs5,
    }))
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
        TEE_ALG_AES_CMAC | TEE_ALG_DES3_CMAC => match (main, key.len()) {
            (TEE_MAIN_ALGO_AES, 16 | 24 | 32) => keyed::<cmac::Cmac<AesAny>>(key),
            (TEE_MAIN_ALGO_DES3, 16 | 24) if families::DES => keyed::<cmac::Cmac<DesAny>>(key),
            _ => Err(CryptoError::BadParameters),
        },
        TEE_ALG_AES_CBC_MAC_NOPAD
        | TEE_ALG_AES_CBC_MAC_PKCS5
        | TEE_ALG_DES_CBC_MAC_NOPAD
        | TEE_ALG_DES_CBC_MAC_PKCS5
        | TEE_ALG_DES3_CBC_MAC_NOPAD
        | TEE_ALG_DES3_CBC_MAC_PKCS5 => {
            let pkcs5 = tee_alg_get_chain_mode(algorithm) == TEE_CHAIN_MODE_CBC_MAC_PKCS5;
            dispatch_any!(main, key, new_cbc_mac(pkcs5))
        }
        _ => Err(CryptoError::NotSupported),
    }
}
