//! Transient objects and their attributes: `CRYP_OBJ_*` and the
//! `struct utee_attribute` arrays the TA passes.

use super::*;
use supplicant_proto::tee_error::TeeError;

/// Most attributes one call may pass.
pub(super) const MAX_ATTRS: u64 = 256;
/// Size of one `struct utee_attribute`.
pub const UTEE_ATTRIBUTE_SIZE: usize = core::mem::size_of::<UteeAttribute>();
/// One `struct utee_attribute` as the TA passed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAttr {
    /// `attribute_id`.
    pub id: u32,
    /// Buffer address or value a.
    pub a: u64,
    /// Buffer length or value b.
    pub b: u64,
}

/// Decodes an array of `struct utee_attribute` (a trailing partial record
/// is ignored: callers read whole records).
pub fn decode_attrs(raw: &[u8]) -> Vec<RawAttr> {
    raw.chunks_exact(UTEE_ATTRIBUTE_SIZE)
        .filter_map(|c| UteeAttribute::read_from_bytes(c).ok())
        .map(|u| RawAttr {
            id: u.attribute_id,
            a: u.a,
            b: u.b,
        })
        .collect()
}

/// Attributes copied in from the TA: value attributes and owned buffers.
pub(super) struct Attrs {
    pub(super) raw: Vec<RawAttr>,
    pub(super) bufs: Vec<Zeroizing<Vec<u8>>>,
}

impl Attrs {
    /// Copies `count` attributes at `va` and their buffers (OP-TEE's
    /// `copy_in_attrs`: every buffer must be readable).
    pub(super) fn copy_in(mem: &Mem<'_>, va: u64, count: u64) -> Result<Self, TeeError> {
        if count > MAX_ATTRS {
            return Err(TeeError::OUT_OF_MEMORY);
        }
        let raw = decode_attrs(&mem.read_vec(va, count * UTEE_ATTRIBUTE_SIZE as u64)?);
        let mut bufs = Vec::new();
        bufs.try_reserve(raw.len())
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        for r in &raw {
            if tee_attr_is_value(r.id) {
                bufs.push(Zeroizing::new(Vec::new()));
            } else {
                bufs.push(mem.read_vec(r.a, r.b)?);
            }
        }
        Ok(Self { raw, bufs })
    }

    pub(super) fn list(&self) -> Vec<Attribute<'_>> {
        self.raw
            .iter()
            .zip(self.bufs.iter())
            .map(|(r, b)| {
                if tee_attr_is_value(r.id) {
                    Attribute::Value {
                        id: r.id,
                        a: r.a as u32,
                        b: r.b as u32,
                    }
                } else {
                    Attribute::Ref { id: r.id, data: b }
                }
            })
            .collect()
    }
}

/// `_utee_cryp_obj_get_info(obj, *info)`: `struct utee_object_info`.
pub(super) fn obj_get_info(
    mem: &Mem<'_>,
    cs: &CryptoState,
    h: u32,
    va: u64,
) -> Result<(), TeeError> {
    let i = object_info(&cs.key(h)?.info());
    UserPtr::<UteeObjectInfo>::new(va).write(mem.space, mem.hw, &i)
}

/// `struct utee_object_info` for a transient object (no data stream).
pub fn object_info(i: &oxtee_crypto::ObjectInfo) -> UteeObjectInfo {
    UteeObjectInfo {
        obj_type: i.object_type,
        obj_size: i.key_size,
        max_obj_size: i.max_key_size,
        obj_usage: i.object_usage,
        data_size: 0,
        data_pos: 0,
        handle_flags: i.handle_flags,
    }
}

/// `_utee_cryp_obj_get_attr(obj, attr_id, buffer, *size)`.
pub(super) fn obj_get_attr(
    mem: &Mem<'_>,
    cs: &CryptoState,
    h: u32,
    id: u32,
    buf: u64,
    size_va: u64,
) -> Result<(), TeeError> {
    let key = &cs.object(h).ok_or(TeeError::ITEM_NOT_FOUND)?.key;
    let attr = key.attribute(id).map_err(code)?;
    // Only read for a value attribute, so not checked writable here.
    let s = UserPtr::<u64>::new(size_va).read(mem.space, mem.hw)?;
    let bytes = match attr {
        AttrValue::Value(v) => {
            if s < 8 || buf == 0 {
                return Err(TeeError::SHORT_BUFFER);
            }
            let mut b = [0u8; 8];
            b[..4].copy_from_slice(&v.to_le_bytes());
            return mem.write(buf, &b);
        }
        AttrValue::Secret(b) | AttrValue::Bignum(b) | AttrValue::Raw(b) => b,
    };
    mem.put_len(size_va, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Ok(());
    }
    if s < bytes.len() as u64 || buf == 0 {
        return Err(TeeError::SHORT_BUFFER);
    }
    mem.write(buf, bytes)
}

/// `_utee_cryp_obj_alloc(type, max_size, *obj)`.
pub(super) fn obj_alloc(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    ty: u32,
    max: u32,
    va: u64,
) -> Result<(), TeeError> {
    let key = KeyObject::new(ty, max).map_err(code)?;
    let out = UserPtr::<u32>::new(va).writable(mem.space)?;
    let h = cs.add_object(key)?;
    out.write(mem.space, mem.hw, &h)
}

/// `_utee_cryp_obj_populate(obj, attrs, attr_count)`.
pub(super) fn obj_populate(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    n: u64,
) -> Result<(), TeeError> {
    let o = cs.object_mut(h).ok_or(TeeError::BAD_STATE)?;
    if o.key.is_initialized() {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let attrs = Attrs::copy_in(mem, va, n)?;
    o.key.populate(&attrs.list()).map_err(code)
}

/// `_utee_cryp_obj_copy(dst, src)`.
pub(super) fn obj_copy(cs: &mut CryptoState, dst: u32, src: u32) -> Result<(), TeeError> {
    cs.key(dst)?;
    let src = cs.key(src)?.clone();
    let d = cs.object_mut(dst).ok_or(TeeError::BAD_STATE)?;
    d.key.copy_attributes_from(&src).map_err(code)
}

/// `_utee_cryp_obj_generate_key(obj, key_size, params, param_count)`.
/// `preempt` runs before each draw of random bytes: RSA-4096 takes seconds,
/// and the normal world's interrupts must not wait that long.
pub(super) fn obj_generate(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    bits: u32,
    va: u64,
    n: u64,
    preempt: &mut dyn FnMut(),
) -> Result<(), TeeError> {
    let o = cs.object_mut(h).ok_or(TeeError::BAD_STATE)?;
    if o.key.is_initialized() {
        return Err(TeeError::BAD_STATE);
    }
    let attrs = Attrs::copy_in(mem, va, n)?;
    let mut rng = CoreRng::preemptible(mem.hw, preempt);
    o.key.generate(bits, &attrs.list(), &mut rng).map_err(code)
}
