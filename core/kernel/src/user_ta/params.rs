//! `struct utee_params`: the GP parameters as a TA sees them (72 bytes:
//! the packed types word, then a/b or VA/size per parameter).

use oxtee_pta::{Memref, Param, Params};
use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_result::*;
use supplicant_proto::tee_syscall;
use zerocopy::{FromBytes, IntoBytes};

/// Size of `struct utee_params`.
pub const UTEE_PARAMS_SIZE: usize = core::mem::size_of::<tee_syscall::UteeParams>();

/// Decoded `utee_params`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UteeParams {
    /// The four `TEE_PARAM_TYPE_*`.
    pub types: [u32; 4],
    /// a / VA of each parameter.
    pub a: [u64; 4],
    /// b / size of each parameter.
    pub b: [u64; 4],
}

impl UteeParams {
    /// Decodes the ABI struct; unknown parameter types are refused.
    pub fn from_abi(raw: &tee_syscall::UteeParams) -> Result<Self, TeeError> {
        if raw.types >> 16 != 0 {
            return Err(TeeError::BAD_PARAMETERS);
        }
        let mut p = Self::default();
        for n in 0..4 {
            let t = ((raw.types >> (4 * n)) & 0xf) as u32;
            if !matches!(t, 0..=3 | 5..=7) {
                return Err(TeeError::BAD_PARAMETERS);
            }
            p.types[n] = t;
            p.a[n] = raw.vals[2 * n];
            p.b[n] = raw.vals[2 * n + 1];
        }
        Ok(p)
    }

    /// The ABI struct the TA reads.
    pub fn to_abi(&self) -> tee_syscall::UteeParams {
        let types = self
            .types
            .iter()
            .enumerate()
            .fold(0u64, |acc, (n, t)| acc | (u64::from(*t & 0xf) << (4 * n)));
        let mut vals = [0u64; 8];
        for n in 0..4 {
            vals[2 * n] = self.a[n];
            vals[2 * n + 1] = self.b[n];
        }
        tee_syscall::UteeParams { types, vals }
    }

    /// Decodes the TA's bytes; unknown parameter types are refused.
    pub fn decode(raw: &[u8; UTEE_PARAMS_SIZE]) -> Result<Self, TeeError> {
        let abi =
            tee_syscall::UteeParams::read_from_bytes(raw).map_err(|_| TeeError::BAD_PARAMETERS)?;
        Self::from_abi(&abi)
    }

    /// The bytes the TA reads.
    pub fn encode(&self) -> [u8; UTEE_PARAMS_SIZE] {
        let mut out = [0u8; UTEE_PARAMS_SIZE];
        out.copy_from_slice(self.to_abi().as_bytes());
        out
    }

    /// True for a memref parameter.
    pub fn is_memref(&self, n: usize) -> bool {
        self.types[n] >= TEE_PARAM_TYPE_MEMREF_INPUT
    }
}

/// GP value parameter of type `t` (1..=3).
pub fn value_param(t: u32, a: u32, b: u32) -> Param {
    match t {
        TEE_PARAM_TYPE_VALUE_INPUT => Param::ValueInput { a, b },
        TEE_PARAM_TYPE_VALUE_OUTPUT => Param::ValueOutput { a, b },
        _ => Param::ValueInout { a, b },
    }
}

/// GP memref parameter of type `t` (5..=7).
pub fn memref_param(t: u32, m: Memref) -> Param {
    match t {
        TEE_PARAM_TYPE_MEMREF_INPUT => Param::MemrefInput(m),
        TEE_PARAM_TYPE_MEMREF_OUTPUT => Param::MemrefOutput(m),
        _ => Param::MemrefInout(m),
    }
}

/// The memref of a parameter, if it is one.
pub fn memref(p: &Param) -> Option<&Memref> {
    match p {
        Param::MemrefInput(m) | Param::MemrefOutput(m) | Param::MemrefInout(m) => Some(m),
        _ => None,
    }
}

/// Mutable memref of a parameter.
pub fn memref_mut(p: &mut Param) -> Option<&mut Memref> {
    match p {
        Param::MemrefInput(m) | Param::MemrefOutput(m) | Param::MemrefInout(m) => Some(m),
        _ => None,
    }
}

/// Types of all four parameters.
pub fn types_of(params: &Params) -> [u32; 4] {
    [
        params[0].type_id(),
        params[1].type_id(),
        params[2].type_id(),
        params[3].type_id(),
    ]
}

/// Writes a TA's answer for output value `p` (input types are left alone).
pub fn set_value(p: &mut Param, a: u32, b: u32) {
    if let Param::ValueOutput { a: x, b: y } | Param::ValueInout { a: x, b: y } = p {
        *x = a;
        *y = b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = UteeParams {
            types: [1, 5, 7, 0],
            a: [1, 0x8000_1000, 3, 0],
            b: [2, 64, 0, 0],
        };
        assert_eq!(UteeParams::decode(&p.encode()), Ok(p));
        assert!(p.is_memref(1) && !p.is_memref(0));
    }

    #[test]
    fn bad_types_refused() {
        let mut raw = [0u8; UTEE_PARAMS_SIZE];
        raw[0] = 4; // type 4 does not exist
        assert_eq!(UteeParams::decode(&raw), Err(TeeError::BAD_PARAMETERS));
        raw[0] = 0;
        raw[2] = 1; // bits beyond the four nibbles
        assert_eq!(UteeParams::decode(&raw), Err(TeeError::BAD_PARAMETERS));
        raw[2] = 0;
        raw[1] = 0x80; // type 8 in slot 3
        assert_eq!(UteeParams::decode(&raw), Err(TeeError::BAD_PARAMETERS));
    }

    #[test]
    fn value_outputs_only() {
        let mut p = value_param(TEE_PARAM_TYPE_VALUE_INPUT, 1, 2);
        set_value(&mut p, 9, 9);
        assert_eq!(p, Param::ValueInput { a: 1, b: 2 });
        let mut p = value_param(TEE_PARAM_TYPE_VALUE_INOUT, 1, 2);
        set_value(&mut p, 9, 8);
        assert_eq!(p, Param::ValueInout { a: 9, b: 8 });
    }
}
