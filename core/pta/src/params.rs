//! GP-style parameters as a PTA sees them: values, and memrefs that are copies the core made
//! of normal-world memory.

use alloc::vec::Vec;

use zeroize::{Zeroize, ZeroizeOnDrop};

pub use supplicant_proto::tee_result::{
    TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_VALUE_INOUT, TEE_PARAM_TYPE_VALUE_INPUT,
    TEE_PARAM_TYPE_VALUE_OUTPUT,
};

/// `TEE_PARAM_TYPES(t0, t1, t2, t3)`.
pub const fn param_types(t0: u32, t1: u32, t2: u32, t3: u32) -> u32 {
    supplicant_proto::tee_result::tee_param_types(t0, t1, t2, t3)
}

/// `TEE_PARAM_TYPE_GET(types, i)`.
pub const fn param_type_get(types: u32, i: usize) -> u32 {
    supplicant_proto::tee_result::tee_param_type_get(types, i)
}

/// A memory reference: a copy of normal-world (or TA) memory.
///
/// * `buf == None` is a NULL memref (no buffer). Its `size` is what the client passed (0 for
///   a true NULL memref; Linux's first device-enumeration call passes NULL with size 0).
/// * On entry `size` equals the client's size (`buf.len()` when a buffer is present).
/// * For OUTPUT/INOUT, the PTA sets `size` on return: bytes produced on success, or the size
///   it needs with [`crate::TeeError::SHORT_BUFFER`]. The core copies back
///   `min(size, buf.len())` bytes on success only, and always reports `size`.
///
/// The buffer is wiped when the memref is dropped: memrefs carry secrets between
/// the core and TAs (a key from `PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY`, a TA's data
/// for another TA), which must not linger in freed heap memory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Memref {
    /// The copied bytes; `None` for a NULL memref.
    pub buf: Option<Vec<u8>>,
    /// Size in bytes (see type docs).
    pub size: usize,
}

impl Memref {
    /// A memref holding a copy of `data`.
    pub fn new(data: Vec<u8>) -> Self {
        let size = data.len();
        Self {
            buf: Some(data),
            size,
        }
    }

    /// A zero-filled buffer of `size` bytes (e.g. an output memref the core allocated).
    pub fn zeroed(size: usize) -> Self {
        Self::new(alloc::vec![0; size])
    }

    /// A NULL memref (no buffer) with the given size.
    pub const fn null(size: usize) -> Self {
        Self { buf: None, size }
    }

    /// True when there is no buffer.
    pub fn is_null(&self) -> bool {
        self.buf.is_none()
    }

    /// The buffer's bytes, or an empty slice for a NULL memref.
    pub fn bytes(&self) -> &[u8] {
        self.buf.as_deref().unwrap_or(&[])
    }

    /// Capacity the PTA may write: the buffer's length (0 for NULL).
    pub fn capacity(&self) -> usize {
        self.buf.as_ref().map_or(0, Vec::len)
    }

    /// Overwrites the buffer with zeros (length kept), in a way the compiler
    /// cannot elide.
    fn wipe(&mut self) {
        if let Some(b) = &mut self.buf {
            wipe_bytes(b);
        }
    }
}

/// Zeroes `b` with volatile stores: 64-bit words where aligned (zerocopy's
/// checked view, no `unsafe`), bytes at the edges. Every call's memrefs are
/// wiped, so this is 8 times fewer stores than a byte-wise wipe.
pub fn wipe_bytes(b: &mut [u8]) {
    let head = b.as_ptr().align_offset(8).min(b.len());
    let (head, rest) = b.split_at_mut(head);
    let whole = rest.len() / 8 * 8;
    let (words, tail) = rest.split_at_mut(whole);
    head.zeroize();
    tail.zeroize();
    match <[u64] as zerocopy::FromBytes>::mut_from_bytes(words) {
        Ok(w) => w.zeroize(),
        Err(_) => words.zeroize(),
    }
}

impl Drop for Memref {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl ZeroizeOnDrop for Memref {}

/// One GP parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Param {
    /// `TEE_PARAM_TYPE_NONE`.
    #[default]
    None,
    /// `TEE_PARAM_TYPE_VALUE_INPUT`.
    ValueInput {
        /// `value.a`.
        a: u32,
        /// `value.b`.
        b: u32,
    },
    /// `TEE_PARAM_TYPE_VALUE_OUTPUT` (the PTA writes `a`, `b`).
    ValueOutput {
        /// `value.a`.
        a: u32,
        /// `value.b`.
        b: u32,
    },
    /// `TEE_PARAM_TYPE_VALUE_INOUT`.
    ValueInout {
        /// `value.a`.
        a: u32,
        /// `value.b`.
        b: u32,
    },
    /// `TEE_PARAM_TYPE_MEMREF_INPUT`.
    MemrefInput(Memref),
    /// `TEE_PARAM_TYPE_MEMREF_OUTPUT`.
    MemrefOutput(Memref),
    /// `TEE_PARAM_TYPE_MEMREF_INOUT`.
    MemrefInout(Memref),
}

impl Param {
    /// The `TEE_PARAM_TYPE_*` of this parameter.
    pub const fn type_id(&self) -> u32 {
        match self {
            Self::None => TEE_PARAM_TYPE_NONE,
            Self::ValueInput { .. } => TEE_PARAM_TYPE_VALUE_INPUT,
            Self::ValueOutput { .. } => TEE_PARAM_TYPE_VALUE_OUTPUT,
            Self::ValueInout { .. } => TEE_PARAM_TYPE_VALUE_INOUT,
            Self::MemrefInput(_) => TEE_PARAM_TYPE_MEMREF_INPUT,
            Self::MemrefOutput(_) => TEE_PARAM_TYPE_MEMREF_OUTPUT,
            Self::MemrefInout(_) => TEE_PARAM_TYPE_MEMREF_INOUT,
        }
    }

    /// `(a, b)` of any value parameter.
    pub const fn value(&self) -> Option<(u32, u32)> {
        match *self {
            Self::ValueInput { a, b } | Self::ValueOutput { a, b } | Self::ValueInout { a, b } => {
                Some((a, b))
            }
            _ => None,
        }
    }

    /// Sets `(a, b)` of an output or in/out value; ignored for other kinds.
    pub fn set_value(&mut self, na: u32, nb: u32) {
        if let Self::ValueOutput { a, b } | Self::ValueInout { a, b } = self {
            *a = na;
            *b = nb;
        }
    }

    /// The memref of any memref parameter.
    pub const fn memref(&self) -> Option<&Memref> {
        match self {
            Self::MemrefInput(m) | Self::MemrefOutput(m) | Self::MemrefInout(m) => Some(m),
            _ => None,
        }
    }

    /// The memref of an OUTPUT or INOUT parameter, mutable.
    pub fn memref_out(&mut self) -> Option<&mut Memref> {
        match self {
            Self::MemrefOutput(m) | Self::MemrefInout(m) => Some(m),
            _ => None,
        }
    }
}

/// The four parameters of an open-session or invoke.
pub type Params = [Param; 4];

/// The `TEE_PARAM_TYPES` word describing `params`, for exact comparison as OP-TEE does.
pub fn types_of(params: &Params) -> u32 {
    param_types(
        params[0].type_id(),
        params[1].type_id(),
        params[2].type_id(),
        params[3].type_id(),
    )
}

/// `Ok` when `params` have exactly the expected types, else `TEE_ERROR_BAD_PARAMETERS`.
pub fn expect_types(params: &Params, expected: u32) -> Result<(), crate::TeeError> {
    if types_of(params) == expected {
        Ok(())
    } else {
        Err(crate::TeeError::BAD_PARAMETERS)
    }
}

/// Four `TEE_PARAM_TYPE_NONE`.
pub fn no_params() -> Params {
    [Param::None, Param::None, Param::None, Param::None]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeroize_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn memrefs_are_wiped_on_drop() {
        zeroize_on_drop::<Memref>();
        let mut m = Memref::new(alloc::vec![0xa5; 32]);
        m.wipe();
        assert_eq!(m.bytes(), &[0; 32]);
        assert_eq!(m.size, 32);
        let mut null = Memref::null(8);
        null.wipe();
        assert!(null.is_null());
    }

    #[test]
    fn wipe_clears_every_alignment_and_length_and_nothing_else() {
        for off in 0..16 {
            for len in 0..48 {
                let mut mem = alloc::vec![0xa5u8; 80];
                wipe_bytes(&mut mem[off..off + len]);
                assert!(mem[off..off + len].iter().all(|&b| b == 0), "{off} {len}");
                assert!(mem[..off].iter().all(|&b| b == 0xa5));
                assert!(mem[off + len..].iter().all(|&b| b == 0xa5));
            }
        }
    }
}
