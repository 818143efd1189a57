//! Signature algorithms accepted in signed headers and the digests they use.

use alloc::vec::Vec;
use oxtee_crypto::asym::hash::HashAlg as CryptoHash;
use oxtee_crypto::asym::rsa::{RsaPublicKey, RsaSignScheme};
use oxtee_crypto::hash;
use sha2::Digest;
use supplicant_proto::ta_shdr::{
    TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256, TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384,
    TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512, TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
    TEE_ALG_RSASSA_PKCS1_V1_5_SHA384, TEE_ALG_RSASSA_PKCS1_V1_5_SHA512,
};

use crate::TaError;

/// Smallest RSA modulus OP-TEE accepts for TA signatures, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus this crate accepts, in bits (OP-TEE's limit for RSA keys).
pub const MAX_RSA_BITS: usize = 4096;

/// Digest of a signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Digest length in bytes.
    pub const fn size(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Digest of the concatenation of `parts` (the crypto crate's hash
    /// types: the Crypto Extensions when the core installed them, since the
    /// parts are whole TA images).
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            Self::Sha256 => run::<hash::Sha256>(parts),
            Self::Sha384 => run::<hash::Sha384>(parts),
            Self::Sha512 => run::<hash::Sha512>(parts),
        }
    }
}

/// Signature padding scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// RSASSA-PKCS1-v1_5.
    Pkcs1v15,
    /// RSASSA-PSS with MGF1 of the same digest and a salt as long as the digest.
    Pss,
}

/// An accepted `TEE_ALG_RSASSA_*` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigAlgo {
    /// Padding scheme.
    pub padding: Padding,
    /// Digest.
    pub hash: HashAlg,
}

impl SigAlgo {
    /// Decodes a `TEE_ALG_*` id; weak digests (MD5, SHA-1, SHA-224) and non-RSA ids are refused.
    pub fn from_tee_alg(algo: u32) -> Result<Self, TaError> {
        let (padding, hash) = match algo {
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA256 => (Padding::Pkcs1v15, HashAlg::Sha256),
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA384 => (Padding::Pkcs1v15, HashAlg::Sha384),
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA512 => (Padding::Pkcs1v15, HashAlg::Sha512),
            TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256 => (Padding::Pss, HashAlg::Sha256),
            TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384 => (Padding::Pss, HashAlg::Sha384),
            TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512 => (Padding::Pss, HashAlg::Sha512),
            other => return Err(TaError::UnsupportedAlgorithm(other)),
        };
        Ok(Self { padding, hash })
    }

    /// Verifies `sig` over the digest `hash` with `key`.
    pub fn verify(self, key: &RsaPublicKey, hash: &[u8], sig: &[u8]) -> Result<(), TaError> {
        check_key_size(key)?;
        if hash.len() != self.hash.size() || sig.len() != key.size() {
            return Err(TaError::BadSignature);
        }
        let h = match self.hash {
            HashAlg::Sha256 => CryptoHash::Sha256,
            HashAlg::Sha384 => CryptoHash::Sha384,
            HashAlg::Sha512 => CryptoHash::Sha512,
        };
        let scheme = match self.padding {
            Padding::Pkcs1v15 => RsaSignScheme::Pkcs1v15(h),
            Padding::Pss => RsaSignScheme::Pss {
                hash: h,
                salt_len: self.hash.size(),
            },
        };
        key.verify(scheme, hash, sig)
            .map_err(|_| TaError::BadSignature)
    }
}

/// Refuses keys OP-TEE calls weak (below 2048 bits) and keys above [`MAX_RSA_BITS`].
pub fn check_key_size(key: &RsaPublicKey) -> Result<(), TaError> {
    let bits = key.bits();
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(TaError::BadKey);
    }
    Ok(())
}

/// Builds a public key from big-endian modulus and exponent bytes (leading zeros allowed),
/// as OP-TEE's embedded `ta_pub_key_modulus`/`ta_pub_key_exponent` or a subkey carry them.
pub fn rsa_public_key(modulus: &[u8], exponent: &[u8]) -> Result<RsaPublicKey, TaError> {
    let key = RsaPublicKey::from_components(modulus, exponent).map_err(|_| TaError::BadKey)?;
    check_key_size(&key)?;
    Ok(key)
}
