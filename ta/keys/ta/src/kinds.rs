//! The kinds of key the keystore keeps, what each may do, and the usage
//! policy a key gets at creation.

use oxtee_ta::crypto::consts::*;
use oxtee_ta::crypto::usage as gp;
use oxtee_ta::{Error, Result};

use crate::der;

/// Policy bit: may sign.
pub(crate) const USE_SIGN: u32 = 1 << 0;
/// Policy bit: may verify.
pub(crate) const USE_VERIFY: u32 = 1 << 1;
/// Policy bit: may encrypt.
pub(crate) const USE_ENCRYPT: u32 = 1 << 2;
/// Policy bit: may decrypt.
pub(crate) const USE_DECRYPT: u32 = 1 << 3;
/// Policy bit: may compute and check MACs.
pub(crate) const USE_MAC: u32 = 1 << 4;
/// Policy bit: may agree a shared secret (ECDH).
pub(crate) const USE_DERIVE: u32 = 1 << 5;

/// A kind of key (the numbers are the wire values of the CLI).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    EcdsaP256 = 1,
    EcdsaP384 = 2,
    EcdhP256 = 3,
    EcdhP384 = 4,
    Ed25519 = 5,
    Rsa2048 = 6,
    Rsa3072 = 7,
    Rsa4096 = 8,
    Aes128 = 9,
    Aes256 = 10,
    HmacSha256 = 11,
}

/// Every kind, for decoding and tests.
pub(crate) const ALL: [Kind; 11] = [
    Kind::EcdsaP256,
    Kind::EcdsaP384,
    Kind::EcdhP256,
    Kind::EcdhP384,
    Kind::Ed25519,
    Kind::Rsa2048,
    Kind::Rsa3072,
    Kind::Rsa4096,
    Kind::Aes128,
    Kind::Aes256,
    Kind::HmacSha256,
];

/// An EC curve: GP id, size of a coordinate, OID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Curve {
    pub(crate) id: u32,
    pub(crate) len: usize,
    pub(crate) oid: &'static [u8],
}

const P256: Curve = Curve {
    id: TEE_ECC_CURVE_NIST_P256,
    len: 32,
    oid: der::OID_P256,
};
const P384: Curve = Curve {
    id: TEE_ECC_CURVE_NIST_P384,
    len: 48,
    oid: der::OID_P384,
};

/// The coordinate size of the curve with `oid`, if the keystore has it.
pub(crate) fn ec_len(oid: &[u8]) -> Option<usize> {
    [P256, P384].iter().find(|c| c.oid == oid).map(|c| c.len)
}

impl Kind {
    pub(crate) fn from_wire(v: u32) -> Result<Kind> {
        ALL.into_iter()
            .find(|k| *k as u32 == v)
            .ok_or(Error::BAD_PARAMETERS)
    }

    /// GP object type of the key.
    pub(crate) fn object_type(self) -> u32 {
        match self {
            Kind::EcdsaP256 | Kind::EcdsaP384 => TEE_TYPE_ECDSA_KEYPAIR,
            Kind::EcdhP256 | Kind::EcdhP384 => TEE_TYPE_ECDH_KEYPAIR,
            Kind::Ed25519 => TEE_TYPE_ED25519_KEYPAIR,
            Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096 => TEE_TYPE_RSA_KEYPAIR,
            Kind::Aes128 | Kind::Aes256 => TEE_TYPE_AES,
            Kind::HmacSha256 => TEE_TYPE_HMAC_SHA256,
        }
    }

    /// Key size in bits.
    pub(crate) fn bits(self) -> u32 {
        match self {
            Kind::EcdsaP256 | Kind::EcdhP256 | Kind::Ed25519 | Kind::Aes256 | Kind::HmacSha256 => {
                256
            }
            Kind::EcdsaP384 | Kind::EcdhP384 => 384,
            Kind::Rsa2048 => 2048,
            Kind::Rsa3072 => 3072,
            Kind::Rsa4096 => 4096,
            Kind::Aes128 => 128,
        }
    }

    /// The curve of an EC key.
    pub(crate) fn curve(self) -> Option<Curve> {
        match self {
            Kind::EcdsaP256 | Kind::EcdhP256 => Some(P256),
            Kind::EcdsaP384 | Kind::EcdhP384 => Some(P384),
            _ => None,
        }
    }

    /// What a key of this kind can do at all.
    pub(crate) fn possible(self) -> u32 {
        match self {
            Kind::EcdsaP256 | Kind::EcdsaP384 | Kind::Ed25519 => USE_SIGN | USE_VERIFY,
            Kind::EcdhP256 | Kind::EcdhP384 => USE_DERIVE,
            Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096 => {
                USE_SIGN | USE_VERIFY | USE_ENCRYPT | USE_DECRYPT
            }
            Kind::Aes128 | Kind::Aes256 => USE_ENCRYPT | USE_DECRYPT,
            Kind::HmacSha256 => USE_MAC,
        }
    }

    /// The policy a new key gets from the client's request: 0 means all
    /// the kind can do; a bit the kind cannot do is refused.
    pub(crate) fn policy(self, requested: u32) -> Result<u32> {
        match requested {
            0 => Ok(self.possible()),
            r if r & !self.possible() == 0 => Ok(r),
            _ => Err(Error::BAD_PARAMETERS),
        }
    }

    /// The signature algorithm and the digest it signs (`None`: the message
    /// itself, Ed25519). `pss` selects RSASSA-PSS for RSA keys.
    pub(crate) fn signature(self, pss: bool) -> Result<(u32, Option<u32>)> {
        Ok(match self {
            Kind::EcdsaP256 => (TEE_ALG_ECDSA_SHA256, Some(TEE_ALG_SHA256)),
            Kind::EcdsaP384 => (TEE_ALG_ECDSA_SHA384, Some(TEE_ALG_SHA384)),
            Kind::Ed25519 => (TEE_ALG_ED25519, None),
            Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096 if pss => {
                (TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256, Some(TEE_ALG_SHA256))
            }
            Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096 => {
                (TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, Some(TEE_ALG_SHA256))
            }
            _ => return Err(Error::NOT_SUPPORTED),
        })
    }
}

/// GP usage bits for a policy (never `EXTRACTABLE`): the key object itself
/// carries the policy too, so the core's record agrees with the TA's.
pub(crate) fn gp_usage(policy: u32) -> u32 {
    let mut u = 0;
    for (ours, theirs) in [
        (USE_SIGN, gp::SIGN),
        (USE_VERIFY, gp::VERIFY),
        (USE_ENCRYPT, gp::ENCRYPT),
        (USE_DECRYPT, gp::DECRYPT),
        (USE_MAC, gp::MAC),
        (USE_DERIVE, gp::DERIVE),
    ] {
        if policy & ours != 0 {
            u |= theirs;
        }
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_round_trip_and_unknown_ones_are_refused() {
        for k in ALL {
            assert_eq!(Kind::from_wire(k as u32), Ok(k));
        }
        for v in [0, 12, 0xffff_ffff] {
            assert_eq!(Kind::from_wire(v), Err(Error::BAD_PARAMETERS));
        }
    }

    #[test]
    fn policies_stay_within_the_kind() {
        assert_eq!(Kind::Aes128.policy(0), Ok(USE_ENCRYPT | USE_DECRYPT));
        assert_eq!(Kind::Aes128.policy(USE_ENCRYPT), Ok(USE_ENCRYPT));
        assert_eq!(Kind::Aes128.policy(USE_SIGN), Err(Error::BAD_PARAMETERS));
        assert_eq!(Kind::EcdhP256.policy(1 << 31), Err(Error::BAD_PARAMETERS));
        assert_eq!(gp_usage(USE_SIGN) & gp::EXTRACTABLE, 0);
        for k in ALL {
            assert_eq!(gp_usage(k.possible()) & gp::EXTRACTABLE, 0);
        }
    }
}
