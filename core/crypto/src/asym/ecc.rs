//! ECDSA and ECDH on the NIST curves P-192, P-224, P-256, P-384 and P-521: P-256 on the
//! RustCrypto `p256` arithmetic with `ecdsa` hazmat signing/verification (compiled for speed in
//! `oxtee-crypto-fast`), the others on one implementation with run-time curve parameters
//! (`weierstrass`).
//!
//! Keys are held as GP attributes hold them: big-endian private value and affine public
//! coordinates, each `coord_len()` bytes (shorter inputs are left-padded). Public points are
//! validated (on the curve, not the identity) whenever they are imported.
//!
//! ECDSA takes a precomputed digest of any length, as GP does: a digest longer than the group
//! order is truncated to its leftmost bits, a shorter one is used as is (this differs from the
//! `ecdsa` crate's high-level API, which refuses digests shorter than half the field size, e.g.
//! SHA-1 on P-384 as xtest's NIST 186-2 vectors use). Signing uses a fresh random nonce from the
//! caller's RNG. Signatures are `r || s`, each `coord_len()` bytes.

use alloc::vec::Vec;
use supplicant_proto::tee_crypto::{
    TEE_ECC_CURVE_NIST_P192, TEE_ECC_CURVE_NIST_P224, TEE_ECC_CURVE_NIST_P256,
    TEE_ECC_CURVE_NIST_P384, TEE_ECC_CURVE_NIST_P521,
};
use zeroize::Zeroizing;

use super::hash::HashAlg;
use super::weierstrass::{self, Curve, CurveId};
use super::{left_pad, AsymResult, CryptoRngCore, NOT_SUPPORTED, SIG_INVALID};
use crate::error::CryptoError;

/// A NIST prime curve (`TEE_ECC_CURVE_NIST_P*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EccCurve {
    /// P-192 (secp192r1).
    P192,
    /// P-224 (secp224r1).
    P224,
    /// P-256 (secp256r1).
    P256,
    /// P-384 (secp384r1).
    P384,
    /// P-521 (secp521r1).
    P521,
}

impl EccCurve {
    /// From a `TEE_ATTR_ECC_CURVE` value; other curves give `TEE_ERROR_NOT_SUPPORTED`.
    pub fn from_tee(curve: u32) -> AsymResult<Self> {
        Ok(match curve {
            TEE_ECC_CURVE_NIST_P192 => Self::P192,
            TEE_ECC_CURVE_NIST_P224 => Self::P224,
            TEE_ECC_CURVE_NIST_P256 => Self::P256,
            TEE_ECC_CURVE_NIST_P384 => Self::P384,
            TEE_ECC_CURVE_NIST_P521 => Self::P521,
            _ => return Err(NOT_SUPPORTED),
        })
    }

    /// Curve named by one of the GP 1.1 algorithm IDs OP-TEE still accepts
    /// (`__OPTEE_ALG_ECDSA_P*` = `0x7000_x041`, `__OPTEE_ALG_ECDH_P*` = `0x8000_x042`). With the
    /// GP 1.3 IDs the curve comes from the key's `TEE_ATTR_ECC_CURVE` instead.
    pub fn from_legacy_alg(alg: u32) -> AsymResult<Self> {
        let legacy_ecdsa = alg & 0xFFFF_0FFF == 0x7000_0041;
        let legacy_ecdh = alg & 0xFFFF_0FFF == 0x8000_0042 && alg != 0x8000_0042;
        if !(legacy_ecdsa || legacy_ecdh) {
            return Err(NOT_SUPPORTED);
        }
        Self::from_tee((alg >> 12) & 0xF)
    }

    /// The `TEE_ECC_CURVE_*` value.
    pub const fn tee_id(self) -> u32 {
        match self {
            Self::P192 => TEE_ECC_CURVE_NIST_P192,
            Self::P224 => TEE_ECC_CURVE_NIST_P224,
            Self::P256 => TEE_ECC_CURVE_NIST_P256,
            Self::P384 => TEE_ECC_CURVE_NIST_P384,
            Self::P521 => TEE_ECC_CURVE_NIST_P521,
        }
    }

    /// Key size in bits (the GP object size).
    pub const fn key_bits(self) -> u32 {
        match self {
            Self::P192 => 192,
            Self::P224 => 224,
            Self::P256 => 256,
            Self::P384 => 384,
            Self::P521 => 521,
        }
    }

    /// Length of one coordinate, of the private value, of `r` and of `s` in bytes.
    pub const fn coord_len(self) -> usize {
        (self.key_bits() as usize).div_ceil(8)
    }
}

/// Digest of a GP 1.3 ECDSA algorithm ID (`TEE_ALG_ECDSA_SHA*` = `0x7000_x042`; the
/// `TEE_ALG_ECDSA_P*` names share these values): SHA-1, SHA-224..512, SHA3-224..512. The
/// operation layer uses it to check the digest length; [`EccKeyPair::ecdsa_sign`] itself takes
/// any length.
pub fn ecdsa_alg_hash(alg: u32) -> AsymResult<HashAlg> {
    if alg & 0xFFFF_0FFF != 0x7000_0042 {
        return Err(NOT_SUPPORTED);
    }
    Ok(match (alg >> 12) & 0xF {
        1 => HashAlg::Sha1,
        2 => HashAlg::Sha224,
        3 => HashAlg::Sha256,
        4 => HashAlg::Sha384,
        5 => HashAlg::Sha512,
        6 => HashAlg::Sha3_224,
        7 => HashAlg::Sha3_256,
        8 => HashAlg::Sha3_384,
        9 => HashAlg::Sha3_512,
        _ => return Err(NOT_SUPPORTED),
    })
}

/// A validated public point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EccPublicKey {
    curve: EccCurve,
    x: Vec<u8>,
    y: Vec<u8>,
}

/// A key pair: private scalar in [1, n-1] and its public point.
#[derive(Clone)]
pub struct EccKeyPair {
    public: EccPublicKey,
    d: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for EccKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EccKeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

// P-256 comes compiled for speed (`oxtee-crypto-fast`); the other curves share one
// implementation on run-time parameters.
use oxtee_crypto_fast::p256 as p256_ops;

/// The run-time curve for every curve but P-256.
fn generic(curve: EccCurve) -> Option<&'static Curve> {
    Some(weierstrass::curve(match curve {
        EccCurve::P192 => CurveId::P192,
        EccCurve::P224 => CurveId::P224,
        EccCurve::P256 => return None,
        EccCurve::P384 => CurveId::P384,
        EccCurve::P521 => CurveId::P521,
    }))
}

/// `$generic` on the run-time curve, or `$p256` on P-256.
macro_rules! dispatch {
    ($curve:expr, $generic:ident / $p256:ident ( $($arg:expr),* )) => {
        match generic($curve) {
            Some(c) => c.$generic($($arg),*),
            None => p256_ops::$p256($($arg),*).map_err(CryptoError::from),
        }
    };
}

impl EccPublicKey {
    /// From `TEE_ATTR_ECC_PUBLIC_VALUE_X`/`_Y`; the point must be on the curve
    /// (else `TEE_ERROR_BAD_PARAMETERS`).
    pub fn from_coords(curve: EccCurve, x: &[u8], y: &[u8]) -> AsymResult<Self> {
        let len = curve.coord_len();
        let (x, y) = (left_pad(x, len)?, left_pad(y, len)?);
        dispatch!(curve, check_public / check_public(&x, &y))?;
        Ok(Self { curve, x, y })
    }

    /// The curve.
    pub fn curve(&self) -> EccCurve {
        self.curve
    }

    /// `TEE_ATTR_ECC_PUBLIC_VALUE_X` (`coord_len()` bytes).
    pub fn x(&self) -> &[u8] {
        &self.x
    }

    /// `TEE_ATTR_ECC_PUBLIC_VALUE_Y` (`coord_len()` bytes).
    pub fn y(&self) -> &[u8] {
        &self.y
    }

    /// ECDSA verification of `sig` (`r || s`) over `digest`; a wrong signature or a signature
    /// of the wrong length gives `TEE_ERROR_SIGNATURE_INVALID`.
    pub fn ecdsa_verify(&self, digest: &[u8], sig: &[u8]) -> AsymResult<()> {
        if sig.len() != 2 * self.curve.coord_len() {
            return Err(SIG_INVALID);
        }
        dispatch!(
            self.curve,
            ecdsa_verify / verify(&self.x, &self.y, digest, sig)
        )
    }
}

impl EccKeyPair {
    /// From `TEE_ATTR_ECC_PRIVATE_VALUE` and the public coordinates. The private value must be
    /// in [1, n-1] and the point on the curve; as in OP-TEE the point is not required to
    /// match the private value (ECDH and signing use only the private value).
    pub fn from_components(curve: EccCurve, d: &[u8], x: &[u8], y: &[u8]) -> AsymResult<Self> {
        let public = EccPublicKey::from_coords(curve, x, y)?;
        let d = Zeroizing::new(left_pad(d, curve.coord_len())?);
        dispatch!(curve, public_of / public_of(&d))?;
        Ok(Self { public, d })
    }

    /// From the private value alone; the public point is computed.
    pub fn from_private(curve: EccCurve, d: &[u8]) -> AsymResult<Self> {
        let d = Zeroizing::new(left_pad(d, curve.coord_len())?);
        let (x, y) = dispatch!(curve, public_of / public_of(&d))?;
        Ok(Self {
            public: EccPublicKey { curve, x, y },
            d,
        })
    }

    /// Generates a key pair on `curve`; `TEE_ERROR_BAD_PARAMETERS` only when the generator
    /// keeps failing to produce a value in range (a broken RNG).
    pub fn generate(curve: EccCurve, rng: &mut dyn CryptoRngCore) -> AsymResult<Self> {
        let (d, x, y) = match generic(curve) {
            Some(c) => c.generate(rng)?,
            None => p256_ops::generate(rng),
        };
        Ok(Self {
            public: EccPublicKey { curve, x, y },
            d,
        })
    }

    /// The public half.
    pub fn public_key(&self) -> &EccPublicKey {
        &self.public
    }

    /// `TEE_ATTR_ECC_PRIVATE_VALUE` (`coord_len()` bytes).
    pub fn private_value(&self) -> &[u8] {
        &self.d
    }

    /// ECDSA signature (`r || s`) over `digest`.
    pub fn ecdsa_sign(&self, digest: &[u8], rng: &mut dyn CryptoRngCore) -> AsymResult<Vec<u8>> {
        dispatch!(self.public.curve, ecdsa_sign / sign(&self.d, digest, rng))
    }

    /// ECDH (`TEE_ALG_ECDH_DERIVE_SHARED_SECRET`): x coordinate of d·Q, `coord_len()` bytes.
    /// The peer point must be on the same curve (else `TEE_ERROR_BAD_PARAMETERS`).
    pub fn ecdh(&self, peer_x: &[u8], peer_y: &[u8]) -> AsymResult<Zeroizing<Vec<u8>>> {
        let len = self.public.curve.coord_len();
        let (x, y) = (left_pad(peer_x, len)?, left_pad(peer_y, len)?);
        dispatch!(self.public.curve, ecdh / ecdh(&self.d, &x, &y)).map(Zeroizing::new)
    }
}
