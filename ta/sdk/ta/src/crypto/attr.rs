//! Attributes passed to populate, generate, asymmetric operations and
//! derivation (`TEE_Attribute`), and their `struct utee_attribute` form.

use alloc::vec::Vec;

use supplicant_proto::tee_crypto::tee_attr_is_value;
use supplicant_proto::tee_syscall::UteeAttribute;

use crate::error::{Error, Result};

/// One attribute: a buffer (`TEE_InitRefAttribute`) or two values
/// (`TEE_InitValueAttribute`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attr<'a> {
    /// Buffer attribute `id` (bit 29 of the id clear).
    Ref(u32, &'a [u8]),
    /// Value attribute `id` (bit 29 set) with values a and b.
    Value(u32, u32, u32),
}

/// The `utee_attribute` array for `attrs`. The buffers stay borrowed from
/// `attrs`, which outlive the call that gets the array.
pub(crate) fn encode(attrs: &[Attr<'_>]) -> Result<Vec<UteeAttribute>> {
    let mut v = Vec::new();
    v.try_reserve_exact(attrs.len())
        .map_err(|_| Error::OUT_OF_MEMORY)?;
    for a in attrs {
        v.push(match *a {
            Attr::Ref(id, data) if !tee_attr_is_value(id) => UteeAttribute {
                a: data.as_ptr() as usize as u64,
                b: data.len() as u64,
                attribute_id: id,
                pad: 0,
            },
            Attr::Value(id, a, b) if tee_attr_is_value(id) => UteeAttribute {
                a: u64::from(a),
                b: u64::from(b),
                attribute_id: id,
                pad: 0,
            },
            // GP makes a mismatched id a panic; an error serves a TA better.
            _ => return Err(Error::BAD_PARAMETERS),
        });
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use supplicant_proto::tee_crypto::{TEE_ATTR_ECC_CURVE, TEE_ATTR_SECRET_VALUE};

    #[test]
    fn kinds_must_match_the_id() {
        let k = [1u8, 2, 3];
        let v = encode(&[
            Attr::Ref(TEE_ATTR_SECRET_VALUE, &k),
            Attr::Value(TEE_ATTR_ECC_CURVE, 3, 0),
        ])
        .unwrap();
        assert_eq!(v[0].b, 3);
        assert_eq!(v[0].a, k.as_ptr() as usize as u64);
        assert_eq!((v[1].a, v[1].attribute_id), (3, TEE_ATTR_ECC_CURVE));
        assert_eq!(
            encode(&[Attr::Value(TEE_ATTR_SECRET_VALUE, 1, 2)]),
            Err(Error::BAD_PARAMETERS)
        );
        assert_eq!(
            encode(&[Attr::Ref(TEE_ATTR_ECC_CURVE, &k)]),
            Err(Error::BAD_PARAMETERS)
        );
    }
}
