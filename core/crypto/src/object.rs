//! Transient key objects (`TEE_AllocateTransientObject`, `TEE_PopulateTransientObject`,
//! `TEE_GenerateKey`, `TEE_GetObjectBufferAttribute`, ...) for the symmetric object types.

use alloc::vec::Vec;

use supplicant_proto::tee_crypto::*;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{check_out, TeeError, TeeResult};
use crate::rng::Rng;

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

const fn rule(quanta: u32, min: u32, max: u32) -> Option<SizeRule> {
    Some(SizeRule { quanta, min, max })
}

/// Size rule of a symmetric (secret-value) object type, `None` for any other type.
pub fn secret_type_rule(obj_type: u32) -> Option<SizeRule> {
    match obj_type {
        TEE_TYPE_AES => rule(64, 128, 256),
        TEE_TYPE_DES => rule(64, 64, 64),
        TEE_TYPE_DES3 => rule(64, 128, 192),
        TEE_TYPE_SM4 => rule(128, 128, 128),
        TEE_TYPE_HMAC_MD5 => rule(8, 64, 512),
        TEE_TYPE_HMAC_SHA1 => rule(8, 80, 512),
        TEE_TYPE_HMAC_SHA224 => rule(8, 112, 512),
        TEE_TYPE_HMAC_SHA256 => rule(8, 192, 1024),
        TEE_TYPE_HMAC_SHA384 | TEE_TYPE_HMAC_SHA512 => rule(8, 256, 1024),
        TEE_TYPE_HMAC_SM3 => rule(8, 80, 1024),
        TEE_TYPE_HMAC_SHA3_224 => rule(8, 192, 1024),
        TEE_TYPE_HMAC_SHA3_256 | TEE_TYPE_HMAC_SHA3_384 | TEE_TYPE_HMAC_SHA3_512 => {
            rule(8, 256, 1024)
        }
        TEE_TYPE_GENERIC_SECRET => rule(8, 0, 4096),
        _ => None,
    }
}

/// GP 1.0 DES sizes that leave out the parity bits (56, 112, 168); OP-TEE accepts them
/// (`CFG_COMPAT_GP10_DES`).
fn is_legacy_des_size(obj_type: u32, bits: u32) -> bool {
    (obj_type == TEE_TYPE_DES && bits == 56)
        || (obj_type == TEE_TYPE_DES3 && (bits == 112 || bits == 168))
}

/// Check `bits` against the size rule of `obj_type` (`TEE_ERROR_NOT_SUPPORTED` if invalid).
pub fn check_key_size(obj_type: u32, bits: u32) -> TeeResult<()> {
    let r = secret_type_rule(obj_type).ok_or(TeeError::NotSupported)?;
    let sz = if is_legacy_des_size(obj_type, bits) {
        bits + bits / 7
    } else {
        bits
    };
    if sz % r.quanta != 0 || sz < r.min || sz > r.max {
        return Err(TeeError::NotSupported);
    }
    Ok(())
}

/// A stored attribute.
#[derive(Clone)]
enum Stored {
    Ref(Zeroizing<Vec<u8>>),
    Value(u32, u32),
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

impl KeyObject {
    /// `TEE_AllocateTransientObject`: `TEE_ERROR_NOT_SUPPORTED` for an unknown type or a maximum
    /// size the type does not allow.
    pub fn new(obj_type: u32, max_key_size: u32) -> TeeResult<Self> {
        check_key_size(obj_type, max_key_size)?;
        Ok(Self::from_parts(obj_type, max_key_size))
    }

    /// An empty object of any type without size validation, for the asymmetric half of the crate
    /// (which owns the rules of its types).
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

    /// `TEE_ResetTransientObject`: wipe the attributes, back to uninitialized.
    pub fn reset(&mut self) {
        self.attrs.clear();
        self.key_size = 0;
        self.usage = TEE_USAGE_DEFAULT;
        self.flags &= !TEE_HANDLE_FLAG_INITIALIZED;
    }

    /// `TEE_PopulateTransientObject` for secret-value types.
    ///
    /// Errors as OP-TEE's core: already initialized → `BAD_PARAMETERS`; attribute foreign to
    /// the type, repeated or missing → `ITEM_NOT_FOUND`; value larger than the type's maximum →
    /// `SECURITY`; larger than the object's maximum size → `BAD_STATE`.
    pub fn populate(&mut self, attrs: &[Attribute<'_>]) -> TeeResult<()> {
        if self.is_initialized() {
            return Err(TeeError::BadParameters);
        }
        let r = secret_type_rule(self.obj_type).ok_or(TeeError::NotSupported)?;
        let mut secret = None;
        for a in attrs {
            match *a {
                Attribute::Ref {
                    id: TEE_ATTR_SECRET_VALUE,
                    data,
                } if secret.is_none() => secret = Some(data),
                _ => return Err(TeeError::ItemNotFound),
            }
        }
        let data = secret.ok_or(TeeError::ItemNotFound)?;
        if data.len() > (r.max / 8) as usize {
            return Err(TeeError::Security);
        }
        // Fits in u32: bounded by r.max / 8 above.
        let bits = (data.len() as u32) * 8;
        let legacy = is_legacy_des_size(self.obj_type, self.max_key_size);
        let max_with_parity = if legacy {
            self.max_key_size + self.max_key_size / 7
        } else {
            self.max_key_size
        };
        if bits > max_with_parity {
            return Err(TeeError::BadState);
        }
        let bits = if legacy { bits - bits / 8 } else { bits };
        self.set_secret(data, bits);
        Ok(())
    }

    fn set_secret(&mut self, data: &[u8], bits: u32) {
        self.attrs.clear();
        self.attrs.push((
            TEE_ATTR_SECRET_VALUE,
            Stored::Ref(Zeroizing::new(data.to_vec())),
        ));
        self.key_size = bits;
        self.flags |= TEE_HANDLE_FLAG_INITIALIZED;
    }

    /// `TEE_GenerateKey` for secret-value types: `key_size` random bits.
    ///
    /// Already initialized → `BAD_STATE`; size not allowed for the type → `NOT_SUPPORTED`; size
    /// above the object's maximum → `BAD_PARAMETERS`; any parameter → `BAD_PARAMETERS` (secret
    /// types take none).
    pub fn generate(
        &mut self,
        key_size: u32,
        params: &[Attribute<'_>],
        rng: &mut dyn Rng,
    ) -> TeeResult<()> {
        if self.is_initialized() {
            return Err(TeeError::BadState);
        }
        check_key_size(self.obj_type, key_size)?;
        if key_size > self.max_key_size {
            return Err(TeeError::BadParameters);
        }
        if !params.is_empty() {
            return Err(TeeError::BadParameters);
        }
        let stored_bits = if is_legacy_des_size(self.obj_type, key_size) {
            key_size + key_size / 7
        } else {
            key_size
        };
        let mut key = Zeroizing::new(alloc::vec![0u8; (stored_bits / 8) as usize]);
        rng.fill(&mut key)?;
        self.set_secret(&key, key_size);
        Ok(())
    }

    /// `TEE_GetObjectBufferAttribute`: copy a buffer attribute into `out`, returning its length.
    ///
    /// Uninitialized object, value attribute, or secret attribute of a non-extractable object →
    /// `BAD_PARAMETERS` (libutee panics); absent → `ITEM_NOT_FOUND`; `out` too small →
    /// `SHORT_BUFFER` with the length.
    pub fn get_buffer_attribute(&self, id: u32, out: &mut [u8]) -> TeeResult<usize> {
        if !self.is_initialized() || tee_attr_is_value(id) {
            return Err(TeeError::BadParameters);
        }
        if !tee_attr_is_public(id) && self.usage & TEE_USAGE_EXTRACTABLE == 0 {
            return Err(TeeError::BadParameters);
        }
        match self.find(id) {
            Some(Stored::Ref(v)) => {
                check_out(out, v.len())?;
                out[..v.len()].copy_from_slice(v);
                Ok(v.len())
            }
            _ => Err(TeeError::ItemNotFound),
        }
    }

    /// `TEE_GetObjectValueAttribute`.
    pub fn get_value_attribute(&self, id: u32) -> TeeResult<(u32, u32)> {
        if !self.is_initialized() || !tee_attr_is_value(id) {
            return Err(TeeError::BadParameters);
        }
        if !tee_attr_is_public(id) && self.usage & TEE_USAGE_EXTRACTABLE == 0 {
            return Err(TeeError::BadParameters);
        }
        match self.find(id) {
            Some(Stored::Value(a, b)) => Ok((*a, *b)),
            _ => Err(TeeError::ItemNotFound),
        }
    }

    /// `TEE_CopyObjectAttributes1` into this (uninitialized) object.
    pub fn copy_attributes_from(&mut self, src: &KeyObject) -> TeeResult<()> {
        if !src.is_initialized() || self.is_initialized() {
            return Err(TeeError::BadParameters);
        }
        let compatible = src.obj_type == self.obj_type
            || (self.obj_type == TEE_TYPE_GENERIC_SECRET
                && secret_type_rule(src.obj_type).is_some());
        if !compatible {
            return Err(TeeError::BadParameters);
        }
        if src.key_size > self.max_key_size {
            return Err(TeeError::BadParameters);
        }
        self.attrs = src.attrs.clone();
        self.key_size = src.key_size;
        self.usage = src.usage;
        self.flags |= TEE_HANDLE_FLAG_INITIALIZED;
        Ok(())
    }

    /// The secret value of a secret-value object (for operations inside the crate and the core).
    pub fn secret(&self) -> Option<&[u8]> {
        match self.find(TEE_ATTR_SECRET_VALUE) {
            Some(Stored::Ref(v)) => Some(v),
            _ => None,
        }
    }

    /// Usage bits (`TEE_USAGE_*`).
    pub fn usage(&self) -> u32 {
        self.usage
    }

    /// Store a buffer attribute and mark the object initialized with `key_size` bits (for the
    /// asymmetric half, after it has validated the attribute set).
    pub fn store_ref(&mut self, id: u32, data: &[u8]) {
        self.attrs.retain(|(i, _)| *i != id);
        self.attrs
            .push((id, Stored::Ref(Zeroizing::new(data.to_vec()))));
    }

    /// Store a value attribute (see [`KeyObject::store_ref`]).
    pub fn store_value(&mut self, id: u32, a: u32, b: u32) {
        self.attrs.retain(|(i, _)| *i != id);
        self.attrs.push((id, Stored::Value(a, b)));
    }

    /// Mark the object initialized with `key_size` bits (after `store_ref`/`store_value`).
    pub fn mark_initialized(&mut self, key_size: u32) {
        self.key_size = key_size;
        self.flags |= TEE_HANDLE_FLAG_INITIALIZED;
    }

    /// Raw access to a buffer attribute regardless of extractability (core-internal use).
    pub fn attribute_ref(&self, id: u32) -> Option<&[u8]> {
        match self.find(id) {
            Some(Stored::Ref(v)) => Some(v),
            _ => None,
        }
    }

    fn find(&self, id: u32) -> Option<&Stored> {
        self.attrs.iter().find(|(i, _)| *i == id).map(|(_, s)| s)
    }
}

impl Drop for KeyObject {
    fn drop(&mut self) {
        // The Zeroizing buffers wipe themselves; also wipe value attributes.
        for (_, s) in self.attrs.iter_mut() {
            if let Stored::Value(a, b) = s {
                a.zeroize();
                b.zeroize();
            }
        }
    }
}

impl core::fmt::Debug for KeyObject {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyObject")
            .field("info", &self.info())
            .finish_non_exhaustive()
    }
}
