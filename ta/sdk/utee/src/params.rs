//! `struct utee_params` (the kernel's form) ⇄ `TEE_Param[4]` (the TA's form),
//! for the TA's own entries and for the sessions it opens to other TAs.

use supplicant_proto::tee_result::{
    tee_param_type_get, TEE_NUM_PARAMS, TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_MEMREF_INPUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_VALUE_INOUT, TEE_PARAM_TYPE_VALUE_INPUT,
    TEE_PARAM_TYPE_VALUE_OUTPUT,
};
use supplicant_proto::tee_syscall::UteeParams;

use crate::types::{MemRef, TeeParam, Value};

fn is_value(t: u32) -> bool {
    matches!(
        t,
        TEE_PARAM_TYPE_VALUE_INPUT | TEE_PARAM_TYPE_VALUE_OUTPUT | TEE_PARAM_TYPE_VALUE_INOUT
    )
}

fn is_memref(t: u32) -> bool {
    matches!(
        t,
        TEE_PARAM_TYPE_MEMREF_INPUT | TEE_PARAM_TYPE_MEMREF_OUTPUT | TEE_PARAM_TYPE_MEMREF_INOUT
    )
}

/// The TA's view of the kernel's parameters: values cut to 32 bits (GP values
/// are 32-bit), memrefs as pointer and size; `NONE` and unknown types zero.
pub fn from_utee(up: &UteeParams) -> (u32, [TeeParam; 4]) {
    let types = up.types as u32;
    let mut out = [TeeParam::ZERO; TEE_NUM_PARAMS];
    for (n, slot) in out.iter_mut().enumerate() {
        let (a, b) = (up.vals[2 * n], up.vals[2 * n + 1]);
        let t = tee_param_type_get(types, n);
        if is_value(t) {
            *slot = TeeParam {
                value: Value {
                    a: a as u32,
                    b: b as u32,
                },
            };
        } else if is_memref(t) {
            *slot = TeeParam {
                memref: MemRef {
                    buffer: a as usize as *mut _,
                    size: b as usize,
                },
            };
        }
    }
    (types, out)
}

/// The kernel's form of `params` with `types`.
pub fn to_utee(types: u32, params: &[TeeParam; 4]) -> UteeParams {
    let mut up = UteeParams {
        types: u64::from(types),
        ..Default::default()
    };
    for (n, p) in params.iter().enumerate() {
        let t = tee_param_type_get(types, n);
        let (a, b) = if is_value(t) {
            // SAFETY: the type says this member is the value pair; any bit
            // pattern is a valid pair of u32.
            let v = unsafe { p.value };
            (u64::from(v.a), u64::from(v.b))
        } else if is_memref(t) {
            // SAFETY: the type says this member is the memref; pointer and
            // size are plain integers here, nothing is dereferenced.
            let m = unsafe { p.memref };
            (m.buffer as usize as u64, m.size as u64)
        } else {
            (0, 0)
        };
        up.vals[2 * n] = a;
        up.vals[2 * n + 1] = b;
    }
    up
}

/// Writes what the callee produced back into the TA's parameters: values of
/// output types and the sizes of output memrefs (also when the buffer was too
/// short, so the caller learns the size needed).
pub fn update_from_utee(types: u32, up: &UteeParams, params: &mut [TeeParam; 4]) {
    for (n, p) in params.iter_mut().enumerate() {
        let (a, b) = (up.vals[2 * n], up.vals[2 * n + 1]);
        match tee_param_type_get(types, n) {
            TEE_PARAM_TYPE_VALUE_OUTPUT | TEE_PARAM_TYPE_VALUE_INOUT => {
                p.value = Value {
                    a: a as u32,
                    b: b as u32,
                };
            }
            TEE_PARAM_TYPE_MEMREF_OUTPUT | TEE_PARAM_TYPE_MEMREF_INOUT => {
                // Writing a union field is safe; the type says it is the memref.
                p.memref.size = b as usize;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use supplicant_proto::tee_result::{tee_param_types, TEE_PARAM_TYPE_NONE};

    #[test]
    fn round_trip_and_write_back() {
        let types = tee_param_types(
            TEE_PARAM_TYPE_VALUE_INOUT,
            TEE_PARAM_TYPE_MEMREF_OUTPUT,
            TEE_PARAM_TYPE_NONE,
            TEE_PARAM_TYPE_MEMREF_INPUT,
        );
        let mut up = UteeParams {
            types: u64::from(types),
            ..Default::default()
        };
        up.set(0, 0x1_0000_0007, 9);
        up.set(1, 0x4000, 32);
        up.set(2, 0xdead, 0xbeef);
        up.set(3, 0x8000, 4);
        let (t, mut p) = from_utee(&up);
        assert_eq!(t, types);
        // SAFETY: the members read are the ones the types name.
        unsafe {
            assert_eq!((p[0].value.a, p[0].value.b), (7, 9), "values are 32-bit");
            assert_eq!(
                (p[1].memref.buffer as usize, p[1].memref.size),
                (0x4000, 32)
            );
            assert_eq!(
                (p[2].memref.buffer as usize, p[2].memref.size),
                (0, 0),
                "NONE is zero"
            );
        }
        let back = to_utee(types, &p);
        assert_eq!(back.get(0), Some((7, 9)));
        assert_eq!(back.get(2), Some((0, 0)));
        assert_eq!(back.get(3), Some((0x8000, 4)));
        let mut out = back;
        out.set(0, 1, 2);
        out.set(1, 0x4000, 64);
        out.set(3, 0x8000, 1);
        update_from_utee(types, &out, &mut p);
        // SAFETY: as above.
        unsafe {
            assert_eq!((p[0].value.a, p[0].value.b), (1, 2));
            assert_eq!(p[1].memref.size, 64, "the size needed comes back");
            assert_eq!(p[3].memref.size, 4, "inputs are not written");
        }
    }
}
