//! `struct shdr` with its hash and signature, parsed from untrusted bytes.

use oxtee_crypto::asym::rsa::RsaPublicKey;
use supplicant_proto::ta_shdr::{Shdr, SHDR_MAGIC};
use zerocopy::FromBytes;

use crate::algo::SigAlgo;
use crate::TaError;

/// Length of the fixed part of `struct shdr`, the part covered by the hash.
pub const SHDR_FIXED_SIZE: usize = core::mem::size_of::<Shdr>();

/// A signed header located in a file: the fixed part, its hash and its signature.
#[derive(Clone, Copy, Debug)]
pub struct SignedHeader<'a> {
    /// Fixed fields.
    pub shdr: Shdr,
    /// The 20 raw bytes of the fixed fields (hashed as they are in the file).
    pub raw: &'a [u8],
    /// `hash_size` bytes.
    pub hash: &'a [u8],
    /// `sig_size` bytes.
    pub sig: &'a [u8],
}

impl<'a> SignedHeader<'a> {
    /// Reads the header at the start of `bytes` (bounds only; nothing is verified).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, TaError> {
        let (shdr, _) = Shdr::read_from_prefix(bytes).map_err(|_| TaError::Truncated)?;
        let raw = bytes.get(..SHDR_FIXED_SIZE).ok_or(TaError::Truncated)?;
        let hash_end = SHDR_FIXED_SIZE
            .checked_add(usize::from(shdr.hash_size))
            .ok_or(TaError::Truncated)?;
        let sig_end = hash_end
            .checked_add(usize::from(shdr.sig_size))
            .ok_or(TaError::Truncated)?;
        let hash = bytes
            .get(SHDR_FIXED_SIZE..hash_end)
            .ok_or(TaError::Truncated)?;
        let sig = bytes.get(hash_end..sig_end).ok_or(TaError::Truncated)?;
        Ok(Self {
            shdr,
            raw,
            hash,
            sig,
        })
    }

    /// Total header length (`SHDR_GET_SIZE`): 20 + `hash_size` + `sig_size`.
    pub fn len(&self) -> usize {
        SHDR_FIXED_SIZE + self.hash.len() + self.sig.len()
    }

    /// Always false: a header has at least its 20 fixed bytes.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The checks of OP-TEE's `shdr_verify_signature`: magic, accepted algorithm,
    /// `hash_size` equal to the digest size, then the signature over the hash with `key`.
    pub fn verify_with(&self, key: &RsaPublicKey) -> Result<SigAlgo, TaError> {
        let algo = self.check_fields()?;
        algo.verify(key, self.hash, self.sig)?;
        Ok(algo)
    }

    /// Magic, algorithm and hash size checks, without the signature.
    pub fn check_fields(&self) -> Result<SigAlgo, TaError> {
        if self.shdr.magic != SHDR_MAGIC {
            return Err(TaError::BadMagic);
        }
        let algo = SigAlgo::from_tee_alg(self.shdr.algo)?;
        if usize::from(self.shdr.hash_size) != algo.hash.size() {
            return Err(TaError::BadHashSize);
        }
        Ok(algo)
    }

    /// `img_size` as `usize`.
    pub fn img_size(&self) -> usize {
        self.shdr.img_size as usize
    }
}
