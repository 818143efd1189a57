//! Transient key objects (`TEE_AllocateTransientObject`, `TEE_PopulateTransientObject`,
//! `TEE_GenerateKey`, `TEE_GetObjectBufferAttribute`, `TEE_CopyObjectAttributes1`, ...) for every
//! object type OP-TEE 4.5 knows, with its type table: valid sizes, the attributes of each type
//! and which of them populate and key generation require or accept.

use alloc::vec::Vec;

use supplicant_proto::tee_crypto::*;
use zeroize::{Zeroize, Zeroizing};

use crate::asym::{
    dh::DhKeyPair,
    dsa::DsaKeyPair,
    ecc::{EccCurve, EccKeyPair},
    ed25519::Ed25519KeyPair,
    rsa::RsaKeyPair,
    sm2::Sm2KeyPair,
    x25519::X25519KeyPair,
};
use crate::error::{check_out, CryptoError, CryptoResult};
use crate::families;
use crate::rng::{RandCoreAdapter, Rng};

/// One attribute passed to [`KeyObject::populate`] or [`KeyObject::generate`] (`TEE_Attribute`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute<'a> {
    /// A buffer attribute (the ID has `TEE_ATTR_FLAG_VALUE` clear).
    Ref {
        /// Attribute ID (`TEE_ATTR_*`).
        id: u32,
        /// Content.
        data: &'a [u8],
    },
    /// A value attribute (the ID has `TEE_ATTR_FLAG_VALUE` set).
    Value {
        /// Attribute ID (`TEE_ATTR_*`).
        id: u32,
        /// First value.
        a: u32,
        /// Second value.
        b: u32,
    },
}

impl Attribute<'_> {
    /// The attribute ID.
    pub fn id(&self) -> u32 {
        match *self {
            Attribute::Ref { id, .. } | Attribute::Value { id, .. } => id,
        }
    }

    /// The buffer of a reference attribute (empty for a value attribute).
    pub fn data(&self) -> &[u8] {
        match *self {
            Attribute::Ref { data, .. } => data,
            Attribute::Value { .. } => &[],
        }
    }

    /// Value `a` of a value attribute (0 for a reference attribute).
    pub fn value_a(&self) -> u32 {
        match *self {
            Attribute::Value { a, .. } => a,
            Attribute::Ref { .. } => 0,
        }
    }

    /// Value `b` of a value attribute (0 for a reference attribute).
    pub fn value_b(&self) -> u32 {
        match *self {
            Attribute::Value { b, .. } => b,
            Attribute::Ref { .. } => 0,
        }
    }
}

/// Size rule of an object type: valid key sizes are `min..=max` in steps of `quanta` bits
/// (OP-TEE's object property table; sizes include DES parity bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeRule {
    /// Key size granularity in bits.
    pub quanta: u32,
    /// Smallest key size in bits.
    pub min: u32,
    /// Largest key size in bits.
    pub max: u32,
}

/// How an attribute is held (OP-TEE's attribute operations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A secret of up to the type's storage size (`TEE_ERROR_SECURITY` beyond).
    Secret,
    /// A big-endian integer, kept without leading zero bytes.
    Bignum,
    /// A value attribute: only `a` is kept (`b` reads back as 0).
    Value,
    /// A 32-byte Curve25519 key.
    Raw32,
}

const REQ: u8 = 1 << 1;
const OPT_GROUP: u8 = 1 << 2;
const SIZE: u8 = 1 << 3;
const GEN_OPT: u8 = 1 << 4;
const GEN_REQ: u8 = 1 << 5;
const MAXBITS: u8 = 1 << 6;

struct TypeAttr {
    id: u32,
    flags: u8,
    kind: Kind,
}

const fn ta(id: u32, flags: u8, kind: Kind) -> TypeAttr {
    TypeAttr { id, flags, kind }
}

struct TypeProps {
    rule: SizeRule,
    /// Bytes a secret attribute may hold.
    secret_bytes: usize,
    attrs: &'static [TypeAttr],
}

const SECRET: &[TypeAttr] = &[ta(TEE_ATTR_SECRET_VALUE, REQ | SIZE, Kind::Secret)];
const HKDF_IKM: &[TypeAttr] = &[ta(TEE_ATTR_HKDF_IKM, REQ | SIZE, Kind::Secret)];
const CONCAT_Z: &[TypeAttr] = &[ta(TEE_ATTR_CONCAT_KDF_Z, REQ | SIZE, Kind::Secret)];
const PBKDF2_PW: &[TypeAttr] = &[ta(TEE_ATTR_PBKDF2_PASSWORD, REQ | SIZE, Kind::Secret)];
const RSA_PUB: &[TypeAttr] = &[
    ta(TEE_ATTR_RSA_MODULUS, REQ | SIZE, Kind::Bignum),
    ta(TEE_ATTR_RSA_PUBLIC_EXPONENT, REQ, Kind::Bignum),
];
const RSA_PAIR: &[TypeAttr] = &[
    ta(TEE_ATTR_RSA_MODULUS, REQ | SIZE, Kind::Bignum),
    ta(TEE_ATTR_RSA_PUBLIC_EXPONENT, REQ | GEN_OPT, Kind::Bignum),
    ta(TEE_ATTR_RSA_PRIVATE_EXPONENT, REQ, Kind::Bignum),
    ta(TEE_ATTR_RSA_PRIME1, OPT_GROUP, Kind::Bignum),
    ta(TEE_ATTR_RSA_PRIME2, OPT_GROUP, Kind::Bignum),
    ta(TEE_ATTR_RSA_EXPONENT1, OPT_GROUP, Kind::Bignum),
    ta(TEE_ATTR_RSA_EXPONENT2, OPT_GROUP, Kind::Bignum),
    ta(TEE_ATTR_RSA_COEFFICIENT, OPT_GROUP, Kind::Bignum),
];
const DSA_PUB: &[TypeAttr] = &[
    ta(TEE_ATTR_DSA_PRIME, REQ | MAXBITS | SIZE, Kind::Bignum),
    ta(TEE_ATTR_DSA_SUBPRIME, REQ, Kind::Bignum),
    ta(TEE_ATTR_DSA_BASE, REQ | MAXBITS, Kind::Bignum),
    ta(TEE_ATTR_DSA_PUBLIC_VALUE, REQ | MAXBITS, Kind::Bignum),
];
const DSA_PAIR: &[TypeAttr] = &[
    ta(
        TEE_ATTR_DSA_PRIME,
        REQ | GEN_REQ | MAXBITS | SIZE,
        Kind::Bignum,
    ),
    ta(TEE_ATTR_DSA_SUBPRIME, REQ | GEN_REQ, Kind::Bignum),
    ta(TEE_ATTR_DSA_BASE, REQ | GEN_REQ | MAXBITS, Kind::Bignum),
    ta(TEE_ATTR_DSA_PRIVATE_VALUE, REQ | MAXBITS, Kind::Bignum),
    ta(TEE_ATTR_DSA_PUBLIC_VALUE, REQ | MAXBITS, Kind::Bignum),
];
const DH_PAIR: &[TypeAttr] = &[
    ta(TEE_ATTR_DH_PRIME, REQ | SIZE | GEN_REQ, Kind::Bignum),
    ta(TEE_ATTR_DH_BASE, REQ | GEN_REQ, Kind::Bignum),
    ta(TEE_ATTR_DH_PUBLIC_VALUE, REQ, Kind::Bignum),
    ta(TEE_ATTR_DH_PRIVATE_VALUE, REQ, Kind::Bignum),
    ta(TEE_ATTR_DH_SUBPRIME, OPT_GROUP | GEN_OPT, Kind::Bignum),
    ta(TEE_ATTR_DH_X_BITS, GEN_OPT, Kind::Value),
];
const ECC_PUB: &[TypeAttr] = &[
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_X, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_Y, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_CURVE, REQ | SIZE, Kind::Value),
];
const ECC_PAIR: &[TypeAttr] = &[
    ta(TEE_ATTR_ECC_PRIVATE_VALUE, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_X, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_Y, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_CURVE, REQ | SIZE | GEN_REQ, Kind::Value),
];
const SM2_PUB: &[TypeAttr] = &[
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_X, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_Y, REQ, Kind::Bignum),
];
const SM2_PAIR: &[TypeAttr] = &[
    ta(TEE_ATTR_ECC_PRIVATE_VALUE, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_X, REQ, Kind::Bignum),
    ta(TEE_ATTR_ECC_PUBLIC_VALUE_Y, REQ, Kind::Bignum),
];
const X25519_PAIR: &[TypeAttr] = &[
    ta(TEE_ATTR_X25519_PRIVATE_VALUE, REQ, Kind::Raw32),
    ta(TEE_ATTR_X25519_PUBLIC_VALUE, REQ, Kind::Raw32),
];
const ED25519_PUB: &[TypeAttr] = &[ta(TEE_ATTR_ED25519_PUBLIC_VALUE, REQ, Kind::Raw32)];
const ED25519_PAIR: &[TypeAttr] = &[
    ta(TEE_ATTR_ED25519_PRIVATE_VALUE, REQ, Kind::Raw32),
    ta(TEE_ATTR_ED25519_PUBLIC_VALUE, REQ, Kind::Raw32),
];

/// Largest RSA key (OP-TEE's `CFG_CORE_BIGNUM_MAX_BITS`).
const RSA_MAX_BITS: u32 = 4096;

const fn props(
    quanta: u32,
    min: u32,
    max: u32,
    secret_bytes: usize,
    attrs: &'static [TypeAttr],
) -> Option<TypeProps> {
    Some(TypeProps {
        rule: SizeRule { quanta, min, max },
        secret_bytes,
        attrs,
    })
}

fn type_props(obj_type: u32) -> Option<TypeProps> {
    if !crate::families::object_type_enabled(obj_type) {
        return None;
    }
    match obj_type {
        TEE_TYPE_AES => props(64, 128, 256, 32, SECRET),
        TEE_TYPE_DES => props(64, 64, 64, 8, SECRET),
        TEE_TYPE_DES3 => props(64, 128, 192, 24, SECRET),
        TEE_TYPE_SM4 => props(128, 128, 128, 16, SECRET),
        TEE_TYPE_HMAC_MD5 => props(8, 64, 512, 64, SECRET),
        TEE_TYPE_HMAC_SHA1 => props(8, 80, 512, 64, SECRET),
        TEE_TYPE_HMAC_SHA224 => props(8, 112, 512, 64, SECRET),
        TEE_TYPE_HMAC_SHA256 => props(8, 192, 1024, 128, SECRET),
        TEE_TYPE_HMAC_SHA384 | TEE_TYPE_HMAC_SHA512 => props(8, 256, 1024, 128, SECRET),
        TEE_TYPE_HMAC_SHA3_224 => props(8, 192, 1024, 128, SECRET),
        TEE_TYPE_HMAC_SHA3_256 | TEE_TYPE_HMAC_SHA3_384 | TEE_TYPE_HMAC_SHA3_512 => {
            props(8, 256, 1024, 128, SECRET)
        }
        // OP-TEE allows sizes up to 1024 bits but stores at most 64 bytes.
        TEE_TYPE_HMAC_SM3 => props(8, 80, 1024, 64, SECRET),
        TEE_TYPE_GENERIC_SECRET => props(8, 0, 4096, 512, SECRET),
        TEE_TYPE_HKDF_IKM => props(8, 0, 4096, 512, HKDF_IKM),
        TEE_TYPE_CONCAT_KDF_Z => props(8, 0, 4096, 512, CONCAT_Z),
        TEE_TYPE_PBKDF2_PASSWORD => props(8, 0, 4096, 512, PBKDF2_PW),
        TEE_TYPE_RSA_PUBLIC_KEY => props(1, 256, RSA_MAX_BITS, 0, RSA_PUB),
        TEE_TYPE_RSA_KEYPAIR => props(1, 256, RSA_MAX_BITS, 0, RSA_PAIR),
        TEE_TYPE_DSA_PUBLIC_KEY => props(64, 512, 3072, 0, DSA_PUB),
        TEE_TYPE_DSA_KEYPAIR => props(64, 512, 3072, 0, DSA_PAIR),
        TEE_TYPE_DH_KEYPAIR => props(1, 256, 2048, 0, DH_PAIR),
        TEE_TYPE_ECDSA_PUBLIC_KEY | TEE_TYPE_ECDH_PUBLIC_KEY => props(1, 192, 521, 0, ECC_PUB),
        TEE_TYPE_ECDSA_KEYPAIR | TEE_TYPE_ECDH_KEYPAIR => props(1, 192, 521, 0, ECC_PAIR),
        TEE_TYPE_SM2_DSA_PUBLIC_KEY | TEE_TYPE_SM2_PKE_PUBLIC_KEY | TEE_TYPE_SM2_KEP_PUBLIC_KEY => {
            props(1, 256, 256, 0, SM2_PUB)
        }
        TEE_TYPE_SM2_DSA_KEYPAIR | TEE_TYPE_SM2_PKE_KEYPAIR | TEE_TYPE_SM2_KEP_KEYPAIR => {
            props(1, 256, 256, 0, SM2_PAIR)
        }
        TEE_TYPE_X25519_KEYPAIR => props(1, 256, 256, 0, X25519_PAIR),
        TEE_TYPE_ED25519_PUBLIC_KEY => props(1, 256, 256, 0, ED25519_PUB),
        TEE_TYPE_ED25519_KEYPAIR => props(1, 256, 256, 0, ED25519_PAIR),
        _ => None,
    }
}

/// How an attribute is held, as the persistent-object format encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrKind {
    /// A secret value of up to [`TypeLayout::secret_bytes`] bytes.
    Secret,
    /// A big-endian integer without leading zero bytes.
    Bignum,
    /// A value attribute (only `a` is kept).
    Value,
    /// A 32-byte Curve25519 key.
    Raw32,
}

/// The attributes of an object type in OP-TEE's table order (the order its
/// persistent objects serialise them in).
#[derive(Debug, Clone)]
pub struct TypeLayout {
    /// Bytes a secret attribute of the type may hold.
    pub secret_bytes: usize,
    /// Attribute IDs and how each is held.
    pub attrs: Vec<(u32, AttrKind)>,
}

/// The attribute layout of `obj_type` (`None` for an unknown type or
/// `TEE_TYPE_DATA`).
pub fn type_layout(obj_type: u32) -> Option<TypeLayout> {
    let p = type_props(obj_type)?;
    let attrs = p
        .attrs
        .iter()
        .map(|a| {
            let k = match a.kind {
                Kind::Secret => AttrKind::Secret,
                Kind::Bignum => AttrKind::Bignum,
                Kind::Value => AttrKind::Value,
                Kind::Raw32 => AttrKind::Raw32,
            };
            (a.id, k)
        })
        .collect();
    Some(TypeLayout {
        secret_bytes: p.secret_bytes,
        attrs,
    })
}

/// Size rule of a symmetric (secret-value) object type, `None` for any other type.
pub fn secret_type_rule(obj_type: u32) -> Option<SizeRule> {
    type_props(obj_type)
        .filter(|p| p.attrs.first().map(|a| a.kind) == Some(Kind::Secret))
        .map(|p| p.rule)
}

/// GP 1.0 DES sizes that leave out the parity bits (56, 112, 168); OP-TEE accepts them
/// (`CFG_COMPAT_GP10_DES`).
fn is_legacy_des_size(obj_type: u32, bits: u32) -> bool {
    (obj_type == TEE_TYPE_DES && bits == 56)
        || (obj_type == TEE_TYPE_DES3 && (bits == 112 || bits == 168))
}

fn check_rule(obj_type: u32, r: &SizeRule, bits: u32) -> CryptoResult<()> {
    let sz = if is_legacy_des_size(obj_type, bits) {
        bits + bits / 7
    } else {
        bits
    };
    if sz % r.quanta != 0 || sz < r.min || sz > r.max {
        return Err(CryptoError::NotSupported);
    }
    Ok(())
}

/// Check `bits` against the size rule of `obj_type` (`TEE_ERROR_NOT_SUPPORTED` if invalid or if
/// the type is unknown).
pub fn check_key_size(obj_type: u32, bits: u32) -> CryptoResult<()> {
    let p = type_props(obj_type).ok_or(CryptoError::NotSupported)?;
    check_rule(obj_type, &p.rule, bits)
}

/// Key size in bits of a `TEE_ECC_CURVE_*` value.
pub fn ecc_curve_bits(curve: u32) -> CryptoResult<u32> {
    Ok(match curve {
        TEE_ECC_CURVE_NIST_P192 => 192,
        TEE_ECC_CURVE_NIST_P224 => 224,
        TEE_ECC_CURVE_NIST_P256 => 256,
        TEE_ECC_CURVE_NIST_P384 => 384,
        TEE_ECC_CURVE_NIST_P521 => 521,
        TEE_ECC_CURVE_SM2 | TEE_ECC_CURVE_25519 => 256,
        _ => return Err(CryptoError::NotSupported),
    })
}

/// A stored attribute.
#[derive(Clone)]
enum Stored {
    Bytes(Zeroizing<Vec<u8>>),
    Value(u32),
}

/// An attribute as [`KeyObject::attribute`] returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrValue<'a> {
    /// A secret value: the bytes as stored.
    Secret(&'a [u8]),
    /// A big integer, big-endian without leading zero bytes (empty for zero).
    Bignum(&'a [u8]),
    /// A value attribute (`b` is always 0).
    Value(u32),
    /// A fixed-size 32-byte Curve25519 key.
    Raw(&'a [u8]),
}

/// Object information (`TEE_ObjectInfo` fields relevant to transient objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectInfo {
    /// `TEE_TYPE_*`.
    pub object_type: u32,
    /// Key size in bits (0 until initialized).
    pub key_size: u32,
    /// Maximum key size in bits given at allocation.
    pub max_key_size: u32,
    /// `TEE_USAGE_*` bits.
    pub object_usage: u32,
    /// `TEE_HANDLE_FLAG_*` bits.
    pub handle_flags: u32,
}

/// A transient object holding key material (`TEE_ObjectHandle` of a transient object).
///
/// Secret attributes are zeroized when the object is reset or dropped.
#[derive(Clone)]
pub struct KeyObject {
    obj_type: u32,
    max_key_size: u32,
    key_size: u32,
    usage: u32,
    flags: u32,
    attrs: Vec<(u32, Stored)>,
}

enum Usage {
    Populate,
    Generate,
}

/// Strip leading zero bytes (a big integer's minimal big-endian form).
fn minimal(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

fn num_bits(b: &[u8]) -> u32 {
    let m = minimal(b);
    match m.first() {
        None => 0,
        Some(&top) => (m.len() as u32 - 1) * 8 + (8 - top.leading_zeros()),
    }
}

fn find_idx(p: &TypeProps, id: u32) -> Option<usize> {
    p.attrs.iter().position(|a| a.id == id)
}

impl KeyObject {
    /// `TEE_AllocateTransientObject`: `TEE_ERROR_NOT_SUPPORTED` for an unknown type or a maximum
    /// size the type does not allow.
    pub fn new(obj_type: u32, max_key_size: u32) -> CryptoResult<Self> {
        check_key_size(obj_type, max_key_size)?;
        Ok(Self::from_parts(obj_type, max_key_size))
    }

    /// An empty object of any type without size validation.
    pub fn from_parts(obj_type: u32, max_key_size: u32) -> Self {
        Self {
            obj_type,
            max_key_size,
            key_size: 0,
            usage: TEE_USAGE_DEFAULT,
            flags: 0,
            attrs: Vec::new(),
        }
    }

    /// `TEE_GetObjectInfo1`.
    pub fn info(&self) -> ObjectInfo {
        ObjectInfo {
            object_type: self.obj_type,
            key_size: self.key_size,
            max_key_size: self.max_key_size,
            object_usage: self.usage,
            handle_flags: self.flags,
        }
    }

    /// Object type (`TEE_TYPE_*`).
    pub fn object_type(&self) -> u32 {
        self.obj_type
    }

    /// Maximum key size in bits given at allocation.
    pub fn max_key_size(&self) -> u32 {
        self.max_key_size
    }

    /// Key size in bits as GP reports it.
    pub fn key_size(&self) -> u32 {
        self.key_size
    }

    /// Whether the object holds a key (`TEE_HANDLE_FLAG_INITIALIZED`).
    pub fn is_initialized(&self) -> bool {
        self.flags & TEE_HANDLE_FLAG_INITIALIZED != 0
    }

    /// `TEE_RestrictObjectUsage1`: usage bits can only be cleared.
    pub fn restrict_usage(&mut self, usage: u32) {
        self.usage &= usage;
    }

    /// Usage bits (`TEE_USAGE_*`).
    pub fn usage(&self) -> u32 {
        self.usage
    }

    /// `TEE_ResetTransientObject`: wipe the attributes, back to uninitialized.
    pub fn reset(&mut self) {
        self.wipe();
        self.key_size = 0;
        self.usage = TEE_USAGE_DEFAULT;
        self.flags &= !TEE_HANDLE_FLAG_INITIALIZED;
    }

    fn wipe(&mut self) {
        for (_, s) in self.attrs.iter_mut() {
            if let Stored::Value(v) = s {
                v.zeroize();
            }
        }
        self.attrs.clear();
    }

    fn props(&self) -> CryptoResult<TypeProps> {
        type_props(self.obj_type).ok_or(CryptoError::NotSupported)
    }

    /// OP-TEE's attribute-set check: every attribute belongs to the type and to the required or
    /// optional set of the use, none repeats, the required ones are there, and for populate an
    /// optional group is given whole or not at all. Any violation: `ITEM_NOT_FOUND`.
    fn check_attrs(p: &TypeProps, usage: Usage, attrs: &[Attribute<'_>]) -> CryptoResult<()> {
        let (req_flag, opt_flag, all_opt) = match usage {
            Usage::Populate => (REQ, OPT_GROUP, true),
            Usage::Generate => (GEN_REQ, GEN_OPT, false),
        };
        let mut req = 0u32;
        let mut opt = 0u32;
        for (n, a) in p.attrs.iter().enumerate() {
            if a.flags & req_flag != 0 {
                req |= 1 << n;
            } else if a.flags & opt_flag != 0 {
                opt |= 1 << n;
            }
        }
        let mut found = 0u32;
        for a in attrs {
            let bit = 1u32 << find_idx(p, a.id()).ok_or(CryptoError::ItemNotFound)?;
            if found & bit != 0 || bit & (req | opt) == 0 {
                return Err(CryptoError::ItemNotFound);
            }
            found |= bit;
        }
        if found & req != req {
            return Err(CryptoError::ItemNotFound);
        }
        if all_opt && found & opt != 0 && found & opt != opt {
            return Err(CryptoError::ItemNotFound);
        }
        Ok(())
    }

    /// Store `attrs` (already checked against the type) the way OP-TEE's `populate_type` does,
    /// returning the object size the size-indicating attribute gives (0 if none).
    fn store_attrs(&mut self, p: &TypeProps, attrs: &[Attribute<'_>]) -> CryptoResult<u32> {
        let mut stored: Vec<(u32, Stored)> = Vec::new();
        let mut obj_size = 0u32;
        for a in attrs {
            let idx = find_idx(p, a.id()).ok_or(CryptoError::ItemNotFound)?;
            let t = &p.attrs[idx];
            let value = match (t.kind, a) {
                (Kind::Value, _) => Stored::Value(a.value_a()),
                (_, Attribute::Value { .. }) => return Err(CryptoError::BadParameters),
                (Kind::Secret, Attribute::Ref { data, .. }) => {
                    if data.len() > p.secret_bytes {
                        return Err(CryptoError::Security);
                    }
                    Stored::Bytes(Zeroizing::new(data.to_vec()))
                }
                (Kind::Bignum, Attribute::Ref { data, .. }) => {
                    Stored::Bytes(Zeroizing::new(minimal(data).to_vec()))
                }
                (Kind::Raw32, Attribute::Ref { data, .. }) => {
                    if data.len() != 32 {
                        return Err(CryptoError::Security);
                    }
                    Stored::Bytes(Zeroizing::new(data.to_vec()))
                }
            };
            if t.flags & SIZE != 0 {
                if obj_size != 0 {
                    return Err(CryptoError::BadState);
                }
                obj_size = if a.id() == TEE_ATTR_ECC_CURVE {
                    ecc_curve_bits(a.value_a())?
                } else {
                    let bits = u32::try_from(a.data().len())
                        .ok()
                        .and_then(|l| l.checked_mul(8))
                        .ok_or(CryptoError::BadState)?;
                    if is_legacy_des_size(self.obj_type, self.max_key_size) {
                        bits - bits / 8
                    } else {
                        bits
                    }
                };
                if obj_size > self.max_key_size {
                    return Err(CryptoError::BadState);
                }
                if check_rule(self.obj_type, &p.rule, obj_size).is_err() {
                    return Err(CryptoError::BadParameters);
                }
            }
            if t.flags & MAXBITS != 0 && num_bits(a.data()) > self.max_key_size {
                return Err(CryptoError::BadState);
            }
            stored.retain(|(i, _)| *i != t.id);
            stored.push((t.id, value));
        }
        self.wipe();
        self.attrs = stored;
        Ok(obj_size)
    }

    /// `TEE_PopulateTransientObject`.
    ///
    /// Errors as OP-TEE's core: already initialized → `BAD_PARAMETERS`; attribute foreign to
    /// the type, repeated or missing → `ITEM_NOT_FOUND`; secret larger than the type stores →
    /// `SECURITY`; larger than the object's maximum size → `BAD_STATE`; a size the type does not
    /// allow → `BAD_PARAMETERS`.
    pub fn populate(&mut self, attrs: &[Attribute<'_>]) -> CryptoResult<()> {
        if self.is_initialized() {
            return Err(CryptoError::BadParameters);
        }
        let p = self.props()?;
        Self::check_attrs(&p, Usage::Populate, attrs)?;
        let size = self.store_attrs(&p, attrs)?;
        self.mark_initialized(size);
        Ok(())
    }

    /// `TEE_GenerateKey`: `key_size` bits, with the type's generation parameters.
    ///
    /// Already initialized → `BAD_STATE`; size not allowed for the type → `NOT_SUPPORTED`;
    /// parameter not accepted or a required one missing → `ITEM_NOT_FOUND`; secret larger than
    /// the type stores → `EXCESS_DATA`; bad parameter values → `BAD_PARAMETERS`.
    pub fn generate(
        &mut self,
        key_size: u32,
        params: &[Attribute<'_>],
        rng: &mut dyn Rng,
    ) -> CryptoResult<()> {
        if self.is_initialized() {
            return Err(CryptoError::BadState);
        }
        let p = self.props()?;
        check_rule(self.obj_type, &p.rule, key_size)?;
        Self::check_attrs(&p, Usage::Generate, params)?;
        if p.attrs[0].kind == Kind::Secret {
            let bits = if is_legacy_des_size(self.obj_type, key_size) {
                key_size + key_size / 7
            } else {
                key_size
            };
            let bytes = (bits / 8) as usize;
            if bytes > p.secret_bytes {
                return Err(CryptoError::ExcessData);
            }
            let mut key = Zeroizing::new(alloc::vec![0u8; bytes]);
            rng.fill(&mut key)?;
            self.wipe();
            self.attrs.push((p.attrs[0].id, Stored::Bytes(key)));
            self.mark_initialized(key_size);
            return Ok(());
        }
        self.store_attrs(&p, params)?;
        let res = self.generate_asym(key_size, rng);
        if res.is_err() {
            self.wipe();
            return res;
        }
        self.mark_initialized(key_size);
        Ok(())
    }

    fn generate_asym(&mut self, key_size: u32, rng: &mut dyn Rng) -> CryptoResult<()> {
        let mut adapter = RandCoreAdapter::new(rng);
        let r = &mut adapter;
        match self.obj_type {
            TEE_TYPE_RSA_KEYPAIR => {
                let e = self.bytes(TEE_ATTR_RSA_PUBLIC_EXPONENT).map(|e| e.to_vec());
                if let Some(e) = &e {
                    check_rsa_public_exponent(e)?;
                }
                let k = RsaKeyPair::generate(key_size, e.as_deref(), r)?;
                let c = k.components();
                self.put(TEE_ATTR_RSA_MODULUS, &c.n);
                self.put(TEE_ATTR_RSA_PUBLIC_EXPONENT, &c.e);
                self.put(TEE_ATTR_RSA_PRIVATE_EXPONENT, &c.d);
                self.put(TEE_ATTR_RSA_PRIME1, &c.p);
                self.put(TEE_ATTR_RSA_PRIME2, &c.q);
                self.put(TEE_ATTR_RSA_EXPONENT1, &c.dp);
                self.put(TEE_ATTR_RSA_EXPONENT2, &c.dq);
                self.put(TEE_ATTR_RSA_COEFFICIENT, &c.qinv);
            }
            TEE_TYPE_DSA_KEYPAIR if families::DSA => {
                let k = DsaKeyPair::generate(
                    self.need(TEE_ATTR_DSA_PRIME)?,
                    self.need(TEE_ATTR_DSA_SUBPRIME)?,
                    self.need(TEE_ATTR_DSA_BASE)?,
                    r,
                )?;
                let [_, _, _, y] = k.public_key().components();
                let x = k.private_value();
                self.put(TEE_ATTR_DSA_PRIVATE_VALUE, &x);
                self.put(TEE_ATTR_DSA_PUBLIC_VALUE, &y);
            }
            TEE_TYPE_DH_KEYPAIR if families::DH => {
                let x_bits = match self.find(TEE_ATTR_DH_X_BITS) {
                    Some(Stored::Value(v)) => Some(*v),
                    _ => None,
                };
                let k = DhKeyPair::generate_preemptible(
                    self.need(TEE_ATTR_DH_PRIME)?,
                    self.need(TEE_ATTR_DH_BASE)?,
                    self.bytes(TEE_ATTR_DH_SUBPRIME),
                    x_bits,
                    r,
                )?;
                let y = k.public_value();
                self.put(TEE_ATTR_DH_PUBLIC_VALUE, &y);
                self.put(TEE_ATTR_DH_PRIVATE_VALUE, k.private_value());
                if self.find(TEE_ATTR_DH_X_BITS).is_none() {
                    self.put_value(TEE_ATTR_DH_X_BITS, 0);
                }
            }
            TEE_TYPE_ECDSA_KEYPAIR | TEE_TYPE_ECDH_KEYPAIR => {
                let curve = self
                    .value(TEE_ATTR_ECC_CURVE)
                    .ok_or(CryptoError::ItemNotFound)?;
                if ecc_curve_bits(curve)? != key_size {
                    return Err(CryptoError::BadParameters);
                }
                let k = EccKeyPair::generate(EccCurve::from_tee(curve)?, r)?;
                let (x, y) = (k.public_key().x().to_vec(), k.public_key().y().to_vec());
                self.put(TEE_ATTR_ECC_PRIVATE_VALUE, k.private_value());
                self.put(TEE_ATTR_ECC_PUBLIC_VALUE_X, &x);
                self.put(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &y);
            }
            TEE_TYPE_SM2_DSA_KEYPAIR | TEE_TYPE_SM2_PKE_KEYPAIR | TEE_TYPE_SM2_KEP_KEYPAIR
                if families::SM =>
            {
                let k = Sm2KeyPair::generate(r)?;
                let (x, y) = k.public_key().coords();
                self.put(TEE_ATTR_ECC_PRIVATE_VALUE, &k.private_value());
                self.put(TEE_ATTR_ECC_PUBLIC_VALUE_X, &x);
                self.put(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &y);
            }
            TEE_TYPE_X25519_KEYPAIR if families::CURVE25519 => {
                let k = X25519KeyPair::generate(r);
                self.put_raw(TEE_ATTR_X25519_PRIVATE_VALUE, &k.private_value()[..]);
                self.put_raw(TEE_ATTR_X25519_PUBLIC_VALUE, &k.public_value());
            }
            TEE_TYPE_ED25519_KEYPAIR if families::CURVE25519 => {
                let k = Ed25519KeyPair::generate(r);
                self.put_raw(TEE_ATTR_ED25519_PRIVATE_VALUE, &k.seed()[..]);
                self.put_raw(TEE_ATTR_ED25519_PUBLIC_VALUE, &k.public_key().to_bytes());
            }
            _ => return Err(CryptoError::BadFormat),
        }
        if adapter.failed() {
            return Err(CryptoError::Generic);
        }
        Ok(())
    }

    fn put(&mut self, id: u32, data: &[u8]) {
        self.attrs.retain(|(i, _)| *i != id);
        self.attrs
            .push((id, Stored::Bytes(Zeroizing::new(minimal(data).to_vec()))));
    }

    fn put_raw(&mut self, id: u32, data: &[u8]) {
        self.attrs.retain(|(i, _)| *i != id);
        self.attrs
            .push((id, Stored::Bytes(Zeroizing::new(data.to_vec()))));
    }

    fn put_value(&mut self, id: u32, a: u32) {
        self.attrs.retain(|(i, _)| *i != id);
        self.attrs.push((id, Stored::Value(a)));
    }

    /// The stored bytes of a buffer attribute regardless of extractability (core-internal use:
    /// the operations read their key material through this).
    pub fn bytes(&self, id: u32) -> Option<&[u8]> {
        match self.find(id) {
            Some(Stored::Bytes(v)) => Some(v),
            _ => None,
        }
    }

    /// Like [`KeyObject::bytes`], `ITEM_NOT_FOUND` when absent.
    pub fn need(&self, id: u32) -> CryptoResult<&[u8]> {
        self.bytes(id).ok_or(CryptoError::ItemNotFound)
    }

    /// Value `a` of a value attribute regardless of extractability.
    pub fn value(&self, id: u32) -> Option<u32> {
        match self.find(id) {
            Some(Stored::Value(v)) => Some(*v),
            _ => None,
        }
    }

    /// `TEE_GetObjectBufferAttribute` / `TEE_GetObjectValueAttribute` checks as OP-TEE's core:
    /// uninitialized object, or a protected attribute of a non-extractable object →
    /// `BAD_PARAMETERS`; attribute not part of the type or not set → `ITEM_NOT_FOUND`.
    pub fn attribute(&self, id: u32) -> CryptoResult<AttrValue<'_>> {
        if !self.is_initialized() {
            return Err(CryptoError::BadParameters);
        }
        if !tee_attr_is_public(id) && self.usage & TEE_USAGE_EXTRACTABLE == 0 {
            return Err(CryptoError::BadParameters);
        }
        let p = self.props().map_err(|_| CryptoError::BadState)?;
        let t = &p.attrs[find_idx(&p, id).ok_or(CryptoError::ItemNotFound)?];
        Ok(match (self.find(id), t.kind) {
            (Some(Stored::Value(v)), _) => AttrValue::Value(*v),
            (Some(Stored::Bytes(b)), Kind::Secret) => AttrValue::Secret(b),
            (Some(Stored::Bytes(b)), Kind::Raw32) => AttrValue::Raw(b),
            (Some(Stored::Bytes(b)), _) => AttrValue::Bignum(b),
            (None, _) => return Err(CryptoError::ItemNotFound),
        })
    }

    /// `TEE_GetObjectBufferAttribute`: copy a buffer attribute into `out`, returning its length.
    /// A value attribute → `BAD_PARAMETERS`; `out` too small → `SHORT_BUFFER` with the length.
    pub fn get_buffer_attribute(&self, id: u32, out: &mut [u8]) -> CryptoResult<usize> {
        if tee_attr_is_value(id) {
            return Err(CryptoError::BadParameters);
        }
        let v = match self.attribute(id)? {
            AttrValue::Secret(b) | AttrValue::Bignum(b) | AttrValue::Raw(b) => b,
            AttrValue::Value(_) => return Err(CryptoError::BadParameters),
        };
        check_out(out, v.len())?;
        out[..v.len()].copy_from_slice(v);
        Ok(v.len())
    }

    /// `TEE_GetObjectValueAttribute`.
    pub fn get_value_attribute(&self, id: u32) -> CryptoResult<(u32, u32)> {
        if !tee_attr_is_value(id) {
            return Err(CryptoError::BadParameters);
        }
        match self.attribute(id)? {
            AttrValue::Value(a) => Ok((a, 0)),
            _ => Err(CryptoError::BadParameters),
        }
    }

    /// `TEE_CopyObjectAttributes1` into this (uninitialized) object: same type, or the public key
    /// type from its key pair type; anything else → `BAD_PARAMETERS`. Key size and usage come
    /// along.
    pub fn copy_attributes_from(&mut self, src: &KeyObject) -> CryptoResult<()> {
        if !src.is_initialized() || self.is_initialized() {
            return Err(CryptoError::BadParameters);
        }
        let p = self.props().map_err(|_| CryptoError::BadState)?;
        if src.obj_type == self.obj_type {
            if p.attrs[0].kind == Kind::Secret {
                if let Some(s) = src.bytes(p.attrs[0].id) {
                    if s.len() > p.secret_bytes {
                        return Err(CryptoError::BadState);
                    }
                }
            }
            self.wipe();
            self.attrs = src.attrs.clone();
        } else {
            let pair = match self.obj_type {
                TEE_TYPE_RSA_PUBLIC_KEY => TEE_TYPE_RSA_KEYPAIR,
                TEE_TYPE_DSA_PUBLIC_KEY => TEE_TYPE_DSA_KEYPAIR,
                TEE_TYPE_ECDSA_PUBLIC_KEY => TEE_TYPE_ECDSA_KEYPAIR,
                TEE_TYPE_ECDH_PUBLIC_KEY => TEE_TYPE_ECDH_KEYPAIR,
                TEE_TYPE_SM2_DSA_PUBLIC_KEY => TEE_TYPE_SM2_DSA_KEYPAIR,
                TEE_TYPE_SM2_PKE_PUBLIC_KEY => TEE_TYPE_SM2_PKE_KEYPAIR,
                TEE_TYPE_SM2_KEP_PUBLIC_KEY => TEE_TYPE_SM2_KEP_KEYPAIR,
                TEE_TYPE_ED25519_PUBLIC_KEY => TEE_TYPE_ED25519_KEYPAIR,
                _ => return Err(CryptoError::BadParameters),
            };
            if src.obj_type != pair {
                return Err(CryptoError::BadParameters);
            }
            let mut attrs = Vec::new();
            for t in p.attrs {
                if let Some(s) = src.find(t.id) {
                    attrs.push((t.id, s.clone()));
                }
            }
            self.wipe();
            self.attrs = attrs;
        }
        self.key_size = src.key_size;
        self.usage = src.usage;
        self.flags |= TEE_HANDLE_FLAG_INITIALIZED;
        Ok(())
    }

    /// Store a secret as the result of a key derivation (`TEE_DeriveKey` into a
    /// generic-secret object): `BAD_PARAMETERS` if it does not fit the type.
    pub fn set_derived_secret(&mut self, secret: &[u8]) -> CryptoResult<()> {
        let p = self.props()?;
        let t = &p.attrs[0];
        if t.kind != Kind::Secret || secret.len() > p.secret_bytes {
            return Err(CryptoError::BadParameters);
        }
        self.wipe();
        self.attrs
            .push((t.id, Stored::Bytes(Zeroizing::new(secret.to_vec()))));
        self.flags |= TEE_HANDLE_FLAG_INITIALIZED;
        Ok(())
    }

    /// The secret value of a secret-value object (`TEE_ATTR_SECRET_VALUE`, or the HKDF IKM,
    /// Concat KDF Z or PBKDF2 password of those types).
    pub fn secret(&self) -> Option<&[u8]> {
        let p = type_props(self.obj_type)?;
        let t = p.attrs.first()?;
        if t.kind != Kind::Secret {
            return None;
        }
        self.bytes(t.id)
    }

    /// Store a buffer attribute as it is (for callers building objects of their own).
    pub fn store_ref(&mut self, id: u32, data: &[u8]) {
        self.put_raw(id, data);
    }

    /// Store a value attribute (see [`KeyObject::store_ref`]).
    pub fn store_value(&mut self, id: u32, a: u32, _b: u32) {
        self.put_value(id, a);
    }

    /// Mark the object initialized with `key_size` bits (after `store_ref`/`store_value`).
    pub fn mark_initialized(&mut self, key_size: u32) {
        self.key_size = key_size;
        self.flags |= TEE_HANDLE_FLAG_INITIALIZED;
    }

    /// Raw access to a buffer attribute regardless of extractability (core-internal use).
    pub fn attribute_ref(&self, id: u32) -> Option<&[u8]> {
        self.bytes(id)
    }

    fn find(&self, id: u32) -> Option<&Stored> {
        self.attrs.iter().find(|(i, _)| *i == id).map(|(_, s)| s)
    }
}

/// NIST SP 800-56B public exponent rule OP-TEE applies to a caller-given exponent at key
/// generation: odd, at least 65537, at most 256 bits.
fn check_rsa_public_exponent(e: &[u8]) -> CryptoResult<()> {
    let e = minimal(e);
    if e.len() > 32 || e.len() < 3 {
        return Err(CryptoError::BadParameters);
    }
    if e[e.len() - 1] & 1 == 0 {
        return Err(CryptoError::BadParameters);
    }
    if e.len() == 3 && u32::from_be_bytes([0, e[0], e[1], e[2]]) < 65537 {
        return Err(CryptoError::BadParameters);
    }
    Ok(())
}

impl Drop for KeyObject {
    fn drop(&mut self) {
        // The Zeroizing buffers wipe themselves; also wipe value attributes.
        self.wipe();
    }
}

impl core::fmt::Debug for KeyObject {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyObject")
            .field("info", &self.info())
            .finish_non_exhaustive()
    }
}
