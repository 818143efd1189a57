//! The content of a persistent object as OP-TEE 4.5 lays it out, so objects
//! move between the two TEEs: `tee_svc_storage_head` (six native-endian
//! u32: attr_size, objectSize, maxObjectSize, objectUsage, objectType,
//! have_attrs), the attributes, then the data stream.
//!
//! Attributes: every attribute of the type in OP-TEE's table order, set or
//! not (`have_attrs` bit n says whether attribute n is set), each as a
//! big-endian u32 length and the bytes (secret value, big integer minimal
//! big-endian, Curve25519 key always 32 bytes) or one big-endian u32 (value
//! attribute). Pure data objects (`TEE_TYPE_DATA`) have none.

use alloc::vec::Vec;

use oxtee_crypto::object::{type_layout, AttrKind};
use oxtee_crypto::KeyObject;
use supplicant_proto::tee_crypto::TEE_TYPE_DATA;
use supplicant_proto::tee_error::TeeError;

/// Size of `tee_svc_storage_head`.
pub(crate) const HEAD_SIZE: usize = 24;
/// Byte offset of `objectUsage` in the head.
pub(crate) const USAGE_OFFSET: u64 = 12;
/// Bytes of a Curve25519 key.
const KEY25519: usize = 32;

/// `tee_svc_storage_head`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Head {
    /// Bytes of serialised attributes after the head.
    pub(crate) attr_size: u32,
    /// Key size in bits.
    pub(crate) object_size: u32,
    /// Maximum key size in bits.
    pub(crate) max_object_size: u32,
    /// `TEE_USAGE_*`.
    pub(crate) object_usage: u32,
    /// `TEE_TYPE_*`.
    pub(crate) object_type: u32,
    /// Which attributes of the type are set.
    pub(crate) have_attrs: u32,
}

impl Head {
    /// The 24 bytes.
    pub(crate) fn to_bytes(self) -> [u8; HEAD_SIZE] {
        let mut b = [0u8; HEAD_SIZE];
        let f = [
            self.attr_size,
            self.object_size,
            self.max_object_size,
            self.object_usage,
            self.object_type,
            self.have_attrs,
        ];
        for (c, v) in b.chunks_exact_mut(4).zip(f) {
            c.copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    /// Parses the head.
    pub(crate) fn from_bytes(b: &[u8; HEAD_SIZE]) -> Self {
        let f = |i: usize| u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]);
        Self {
            attr_size: f(0),
            object_size: f(1),
            max_object_size: f(2),
            object_usage: f(3),
            object_type: f(4),
            have_attrs: f(5),
        }
    }
}

fn oom<T>(_: T) -> TeeError {
    TeeError::OUT_OF_MEMORY
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), TeeError> {
    out.try_reserve(bytes.len()).map_err(oom)?;
    out.extend_from_slice(bytes);
    Ok(())
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), TeeError> {
    let n = u32::try_from(bytes.len()).map_err(|_| TeeError::OVERFLOW)?;
    put(out, &n.to_be_bytes())?;
    put(out, bytes)
}

/// The head and attributes of `key` (wiped on drop by the caller's
/// `Zeroizing`).
pub(crate) fn serialise(key: &KeyObject, out: &mut Vec<u8>) -> Result<Head, TeeError> {
    let info = key.info();
    let mut head = Head {
        attr_size: 0,
        object_size: info.key_size,
        max_object_size: info.max_key_size,
        object_usage: info.object_usage,
        object_type: info.object_type,
        have_attrs: 0,
    };
    put(out, &[0u8; HEAD_SIZE])?;
    if info.object_type != TEE_TYPE_DATA {
        let layout = type_layout(info.object_type).ok_or(TeeError::BAD_STATE)?;
        for (n, (id, kind)) in layout.attrs.iter().enumerate() {
            let set = match kind {
                AttrKind::Value => {
                    let v = key.value(*id);
                    put(out, &v.unwrap_or(0).to_be_bytes())?;
                    v.is_some()
                }
                AttrKind::Raw32 => {
                    let mut k = [0u8; KEY25519];
                    let v = key.bytes(*id);
                    if let Some(b) = v {
                        let n = b.len().min(KEY25519);
                        k[..n].copy_from_slice(&b[..n]);
                    }
                    put_bytes(out, &k)?;
                    v.is_some()
                }
                AttrKind::Secret | AttrKind::Bignum => {
                    let v = key.bytes(*id);
                    put_bytes(out, v.unwrap_or(&[]))?;
                    v.is_some()
                }
            };
            if set && n < 32 {
                head.have_attrs |= 1 << n;
            }
        }
        head.attr_size = u32::try_from(out.len() - HEAD_SIZE).map_err(|_| TeeError::OVERFLOW)?;
    }
    out[..HEAD_SIZE].copy_from_slice(&head.to_bytes());
    Ok(head)
}

/// Reads `n` bytes at `*at`.
fn take<'a>(raw: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], TeeError> {
    let end = at.checked_add(n).ok_or(TeeError::CORRUPT_OBJECT)?;
    let s = raw.get(*at..end).ok_or(TeeError::CORRUPT_OBJECT)?;
    *at = end;
    Ok(s)
}

fn take_u32(raw: &[u8], at: &mut usize) -> Result<u32, TeeError> {
    let s = take(raw, at, 4)?;
    Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// The key object a head and its attributes (`raw`, `head.attr_size`
/// bytes) describe. Anything malformed is `TEE_ERROR_CORRUPT_OBJECT`.
pub(crate) fn deserialise(head: &Head, raw: &[u8]) -> Result<KeyObject, TeeError> {
    let mut key = KeyObject::from_parts(head.object_type, head.max_object_size);
    if head.object_type != TEE_TYPE_DATA {
        let layout = type_layout(head.object_type).ok_or(TeeError::CORRUPT_OBJECT)?;
        let mut at = 0;
        for (n, (id, kind)) in layout.attrs.iter().enumerate() {
            let set = n < 32 && head.have_attrs & (1 << n) != 0;
            match kind {
                AttrKind::Value => {
                    let v = take_u32(raw, &mut at)?;
                    if set {
                        key.store_value(*id, v, 0);
                    }
                }
                _ => {
                    let len = take_u32(raw, &mut at)? as usize;
                    let max = match kind {
                        AttrKind::Secret => layout.secret_bytes,
                        AttrKind::Raw32 => KEY25519,
                        // The largest integer of any type (RSA 4096 bits).
                        _ => 512,
                    };
                    if len > max {
                        return Err(TeeError::CORRUPT_OBJECT);
                    }
                    let b = take(raw, &mut at, len)?;
                    if set {
                        key.store_ref(*id, b);
                    }
                }
            }
        }
    }
    // A fresh object has every usage bit (TEE_USAGE_DEFAULT); keep the
    // stored ones.
    key.restrict_usage(head.object_usage);
    key.mark_initialized(head.object_size);
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxtee_crypto::Attribute;
    use supplicant_proto::tee_crypto::*;

    #[test]
    fn secret_key_layout_is_optees() {
        let mut k = KeyObject::new(TEE_TYPE_AES, 128).unwrap();
        k.populate(&[Attribute::Ref {
            id: TEE_ATTR_SECRET_VALUE,
            data: &[7; 16],
        }])
        .unwrap();
        k.restrict_usage(!TEE_USAGE_EXTRACTABLE);
        let mut out = Vec::new();
        let h = serialise(&k, &mut out).unwrap();
        assert_eq!(h.attr_size, 20);
        assert_eq!(h.have_attrs, 1);
        let mut want = Vec::new();
        for v in [20u32, 128, 128, !TEE_USAGE_EXTRACTABLE, TEE_TYPE_AES, 1] {
            want.extend_from_slice(&v.to_le_bytes());
        }
        want.extend_from_slice(&[0, 0, 0, 16]);
        want.extend_from_slice(&[7; 16]);
        assert_eq!(out, want);
        let back =
            deserialise(&Head::from_bytes(out[..24].try_into().unwrap()), &out[24..]).unwrap();
        assert_eq!(back.info(), k.info());
        assert_eq!(back.secret(), Some(&[7u8; 16][..]));
    }

    #[test]
    fn ecc_keypair_round_trip_with_value_attribute() {
        let mut k = KeyObject::from_parts(TEE_TYPE_ECDSA_KEYPAIR, 256);
        k.store_ref(TEE_ATTR_ECC_PRIVATE_VALUE, &[1, 2, 3]);
        k.store_ref(TEE_ATTR_ECC_PUBLIC_VALUE_X, &[4]);
        k.store_ref(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &[5, 6]);
        k.store_value(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256, 0);
        k.mark_initialized(256);
        let mut out = Vec::new();
        let h = serialise(&k, &mut out).unwrap();
        assert_eq!(h.have_attrs, 0b1111);
        // Curve last, as one big-endian u32.
        assert_eq!(
            &out[out.len() - 4..],
            &TEE_ECC_CURVE_NIST_P256.to_be_bytes()
        );
        let back = deserialise(&h, &out[24..]).unwrap();
        assert_eq!(back.bytes(TEE_ATTR_ECC_PUBLIC_VALUE_Y), Some(&[5u8, 6][..]));
        assert_eq!(
            back.value(TEE_ATTR_ECC_CURVE),
            Some(TEE_ECC_CURVE_NIST_P256)
        );
        assert_eq!(back.key_size(), 256);
    }

    #[test]
    fn malformed_attributes_are_corrupt_never_a_panic() {
        let h = Head {
            object_type: TEE_TYPE_RSA_KEYPAIR,
            have_attrs: 0xff,
            ..Head::default()
        };
        for raw in [
            &[][..],
            &[0xff, 0xff, 0xff, 0xff][..],
            &[0, 0, 0, 8, 1][..],
            &[0, 0, 2, 1][..],
        ] {
            assert_eq!(deserialise(&h, raw).err(), Some(TeeError::CORRUPT_OBJECT));
        }
        let unknown = Head {
            object_type: 0x1234,
            ..Head::default()
        };
        assert_eq!(
            deserialise(&unknown, &[]).err(),
            Some(TeeError::CORRUPT_OBJECT)
        );
        let data = Head {
            object_type: TEE_TYPE_DATA,
            object_usage: TEE_USAGE_DEFAULT,
            ..Head::default()
        };
        assert!(deserialise(&data, &[]).unwrap().is_initialized());
    }
}
