//! Helpers shared by the symmetric test files.
#![allow(dead_code)]

use oxtee_crypto::object::secret_type_rule;
use oxtee_crypto::{Attribute, CryptoResult, KeyObject, Operation, Rng};
use supplicant_proto::tee_crypto::*;

/// A populated secret key object of `obj_type`, allocated with the type's largest size.
pub(crate) fn key(obj_type: u32, k: &[u8]) -> KeyObject {
    let max = secret_type_rule(obj_type).expect("secret type").max;
    let mut o = KeyObject::new(obj_type, max).expect("alloc");
    let populated = o.populate(&[Attribute::Ref {
        id: TEE_ATTR_SECRET_VALUE,
        data: k,
    }]);
    if populated.is_err() {
        // Published vectors use keys below OP-TEE's minimum for some HMAC types (populate
        // refuses them as OP-TEE does): store such a key directly.
        o = KeyObject::from_parts(obj_type, max);
        o.store_ref(TEE_ATTR_SECRET_VALUE, k);
        o.mark_initialized((k.len() * 8) as u32);
    }
    o
}

/// An operation with `k` set as key (max key size = the key's size or type maximum for HMAC).
pub(crate) fn keyed_op(alg: u32, mode: u32, obj_type: u32, k: &[u8]) -> Operation {
    let ko = key(obj_type, k);
    let max = if obj_type == TEE_TYPE_AES || obj_type == TEE_TYPE_SM4 || obj_type == TEE_TYPE_DES3 {
        (k.len() * 8) as u32
    } else if obj_type == TEE_TYPE_GENERIC_SECRET {
        // Within every HMAC type's range.
        512
    } else {
        secret_type_rule(obj_type).unwrap().max
    };
    crate::before_each_operation();
    let mut op = Operation::new(alg, mode, max).expect("alloc op");
    op.set_key(Some(&ko)).expect("set key");
    op
}

/// One-shot cipher: init, one update of everything but the last 3 bytes, final with the rest.
pub(crate) fn cipher(
    alg: u32,
    mode: u32,
    obj_type: u32,
    k: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Vec<u8> {
    let mut op = keyed_op(alg, mode, obj_type, k);
    op.cipher_init(iv).unwrap();
    let mut out = vec![0u8; data.len() + 64];
    let split = data.len().saturating_sub(3);
    let n = op.cipher_update(&data[..split], &mut out).unwrap();
    let m = op.cipher_final(&data[split..], &mut out[n..]).unwrap();
    out.truncate(n + m);
    out
}

/// Cipher fed in `step`-byte updates.
pub(crate) fn cipher_chunked(
    op: &mut Operation,
    iv: &[u8],
    data: &[u8],
    step: usize,
) -> CryptoResult<Vec<u8>> {
    op.cipher_init(iv)?;
    let mut out = vec![0u8; data.len() + 64];
    let mut n = 0;
    for c in data.chunks(step) {
        n += op.cipher_update(c, &mut out[n..])?;
    }
    n += op.cipher_final(&[], &mut out[n..])?;
    out.truncate(n);
    Ok(out)
}

/// Deterministic test RNG (counter bytes).
pub(crate) struct CounterRng(pub(crate) u8);

impl Rng for CounterRng {
    fn fill(&mut self, dest: &mut [u8]) -> CryptoResult<()> {
        for b in dest {
            *b = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}
