//! A client's four parameters as the simulator passes them: owned buffers
//! turned into `utee_params` for the TA, outputs read back after the call.

use oxtee_ta::params::ParamType;
use supplicant_proto::tee_syscall::{UteeParams, TEE_MEMORY_ACCESS_WRITE};

/// One GP parameter from the client's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// `TEE_PARAM_TYPE_NONE`.
    None,
    /// `TEE_PARAM_TYPE_VALUE_INPUT`.
    ValueIn(u32, u32),
    /// `TEE_PARAM_TYPE_VALUE_OUTPUT`: what the TA wrote (zeros before).
    ValueOut(u32, u32),
    /// `TEE_PARAM_TYPE_VALUE_INOUT`.
    ValueInout(u32, u32),
    /// `TEE_PARAM_TYPE_MEMREF_INPUT`.
    MemrefIn(Vec<u8>),
    /// `TEE_PARAM_TYPE_MEMREF_OUTPUT`: the buffer (its length is the capacity)
    /// and the size the TA reported (larger than the buffer after
    /// `TEE_ERROR_SHORT_BUFFER`).
    MemrefOut(Vec<u8>, usize),
    /// `TEE_PARAM_TYPE_MEMREF_INOUT`: as `MemrefOut`, with input.
    MemrefInout(Vec<u8>, usize),
    /// A memory reference of type `.0` and size `.1` that the TA may not
    /// access (a client pointing at memory it does not own).
    Unmapped(ParamType, usize),
}

impl Param {
    /// An output buffer of `capacity` bytes.
    pub fn out(capacity: usize) -> Param {
        Param::MemrefOut(vec![0; capacity], capacity)
    }

    /// An input buffer with `data`.
    pub fn input(data: &[u8]) -> Param {
        Param::MemrefIn(data.to_vec())
    }

    /// An in/out buffer with `data`.
    pub fn inout(data: &[u8]) -> Param {
        Param::MemrefInout(data.to_vec(), data.len())
    }

    /// What the TA wrote to an output buffer (`None` when it reported more
    /// than fits, or for other types).
    pub fn output(&self) -> Option<&[u8]> {
        match self {
            Param::MemrefOut(buf, size) | Param::MemrefInout(buf, size) => buf.get(..*size),
            _ => None,
        }
    }

    /// The size the TA reported for an output buffer.
    pub fn size(&self) -> Option<usize> {
        match self {
            Param::MemrefOut(_, size) | Param::MemrefInout(_, size) => Some(*size),
            _ => None,
        }
    }

    /// `(a, b)` of a value parameter.
    pub fn value(&self) -> Option<(u32, u32)> {
        match *self {
            Param::ValueIn(a, b) | Param::ValueOut(a, b) | Param::ValueInout(a, b) => Some((a, b)),
            _ => None,
        }
    }

    fn param_type(&self) -> ParamType {
        match self {
            Param::None => ParamType::None,
            Param::ValueIn(..) => ParamType::ValueInput,
            Param::ValueOut(..) => ParamType::ValueOutput,
            Param::ValueInout(..) => ParamType::ValueInout,
            Param::MemrefIn(_) => ParamType::MemrefInput,
            Param::MemrefOut(..) => ParamType::MemrefOutput,
            Param::MemrefInout(..) => ParamType::MemrefInout,
            Param::Unmapped(t, _) => *t,
        }
    }
}

/// No parameters.
pub fn none() -> [Param; 4] {
    [Param::None, Param::None, Param::None, Param::None]
}

/// An address no simulated buffer has (page 1 of the address space).
const UNMAPPED: u64 = 0x1000;

/// The `utee_params` for `params`, and the ranges the TA may access as
/// `(start, end, writable)`. Pointers stay valid while `params` is not moved
/// or resized.
pub(crate) fn encode(params: &mut [Param; 4]) -> (UteeParams, Vec<(usize, usize, bool)>) {
    let mut raw = UteeParams::default();
    let mut ranges = Vec::new();
    for (i, p) in params.iter_mut().enumerate() {
        raw.types |= u64::from(p.param_type().raw()) << (4 * i);
        let (a, b) = match p {
            Param::None => (0, 0),
            Param::ValueIn(a, b) | Param::ValueOut(a, b) | Param::ValueInout(a, b) => {
                (u64::from(*a), u64::from(*b))
            }
            Param::MemrefIn(buf) => {
                let start = buf.as_ptr() as usize;
                ranges.push((start, start + buf.len(), false));
                (start as u64, buf.len() as u64)
            }
            Param::MemrefOut(buf, _) | Param::MemrefInout(buf, _) => {
                let start = buf.as_mut_ptr() as usize;
                ranges.push((start, start + buf.len(), true));
                (start as u64, buf.len() as u64)
            }
            Param::Unmapped(_, size) => (UNMAPPED, *size as u64),
        };
        raw.set(i, a, b);
    }
    (raw, ranges)
}

/// Whether `[addr, addr + len)` with `TEE_MEMORY_ACCESS_*` `flags` lies in one
/// of `ranges`.
pub(crate) fn accessible(
    ranges: &[(usize, usize, bool)],
    flags: u32,
    addr: usize,
    len: usize,
) -> bool {
    let Some(end) = addr.checked_add(len) else {
        return false;
    };
    let write = flags & TEE_MEMORY_ACCESS_WRITE != 0;
    ranges
        .iter()
        .any(|&(s, e, w)| s <= addr && end <= e && (w || !write))
}

/// Reads the TA's outputs from `raw` back into `params`.
pub(crate) fn decode_outputs(params: &mut [Param; 4], raw: &UteeParams) {
    for (i, p) in params.iter_mut().enumerate() {
        let Some((a, b)) = raw.get(i) else { continue };
        match p {
            Param::ValueOut(va, vb) | Param::ValueInout(va, vb) => {
                *va = a as u32;
                *vb = b as u32;
            }
            Param::MemrefOut(_, size) | Param::MemrefInout(_, size) => {
                *size = usize::try_from(b).unwrap_or(usize::MAX);
            }
            _ => {}
        }
    }
}
