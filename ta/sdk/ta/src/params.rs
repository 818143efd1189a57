//! The four GP parameters of an entry, decoded from `struct utee_params` once and
//! checked before a handler sees them.
//!
//! Memory references point at memory the kernel mapped for this call, usually
//! shared with the normal world, whose contents may change at any time. They are
//! therefore never turned into Rust references: a handler copies bytes in
//! ([`Parameters::read_memref`]) or out ([`Parameters::write_memref`]), each copy
//! bounded by the size checked here.

use alloc::vec::Vec;

use supplicant_proto::tee_result::{
    TEE_NUM_PARAMS, TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_MEMREF_INPUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_VALUE_INOUT,
    TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_OUTPUT,
};
use supplicant_proto::tee_syscall::{
    UteeParams, TEE_MEMORY_ACCESS_ANY_OWNER, TEE_MEMORY_ACCESS_READ, TEE_MEMORY_ACCESS_WRITE,
};

use crate::error::{Error, Result};

/// Type of one parameter (`TEE_PARAM_TYPE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// `TEE_PARAM_TYPE_NONE`.
    None,
    /// `TEE_PARAM_TYPE_VALUE_INPUT`.
    ValueInput,
    /// `TEE_PARAM_TYPE_VALUE_OUTPUT`.
    ValueOutput,
    /// `TEE_PARAM_TYPE_VALUE_INOUT`.
    ValueInout,
    /// `TEE_PARAM_TYPE_MEMREF_INPUT`.
    MemrefInput,
    /// `TEE_PARAM_TYPE_MEMREF_OUTPUT`.
    MemrefOutput,
    /// `TEE_PARAM_TYPE_MEMREF_INOUT`.
    MemrefInout,
}

impl ParamType {
    /// Decodes a 4-bit type; the unassigned values 4 and 8..=15 give `None`.
    pub fn from_raw(t: u32) -> Option<ParamType> {
        Some(match t {
            TEE_PARAM_TYPE_NONE => ParamType::None,
            TEE_PARAM_TYPE_VALUE_INPUT => ParamType::ValueInput,
            TEE_PARAM_TYPE_VALUE_OUTPUT => ParamType::ValueOutput,
            TEE_PARAM_TYPE_VALUE_INOUT => ParamType::ValueInout,
            TEE_PARAM_TYPE_MEMREF_INPUT => ParamType::MemrefInput,
            TEE_PARAM_TYPE_MEMREF_OUTPUT => ParamType::MemrefOutput,
            TEE_PARAM_TYPE_MEMREF_INOUT => ParamType::MemrefInout,
            _ => return None,
        })
    }

    /// The `TEE_PARAM_TYPE_*` value.
    pub fn raw(self) -> u32 {
        match self {
            ParamType::None => TEE_PARAM_TYPE_NONE,
            ParamType::ValueInput => TEE_PARAM_TYPE_VALUE_INPUT,
            ParamType::ValueOutput => TEE_PARAM_TYPE_VALUE_OUTPUT,
            ParamType::ValueInout => TEE_PARAM_TYPE_VALUE_INOUT,
            ParamType::MemrefInput => TEE_PARAM_TYPE_MEMREF_INPUT,
            ParamType::MemrefOutput => TEE_PARAM_TYPE_MEMREF_OUTPUT,
            ParamType::MemrefInout => TEE_PARAM_TYPE_MEMREF_INOUT,
        }
    }

    fn is_input(self) -> bool {
        matches!(
            self,
            ParamType::ValueInput
                | ParamType::ValueInout
                | ParamType::MemrefInput
                | ParamType::MemrefInout
        )
    }

    fn is_output(self) -> bool {
        matches!(
            self,
            ParamType::ValueOutput
                | ParamType::ValueInout
                | ParamType::MemrefOutput
                | ParamType::MemrefInout
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Param {
    None,
    Value { a: u32, b: u32 },
    // `capacity`: the mapped size; `size`: what is reported back (may exceed the
    // capacity when a handler asks for a larger buffer).
    Memref { addr: usize, capacity: usize, size: usize },
}

/// Answers whether the TA may access `[addr, addr + len)` with `TEE_MEMORY_ACCESS_*`
/// flags (the kernel's `CHECK_ACCESS_RIGHTS`, or a host stand-in).
pub type AccessCheck<'a> = &'a dyn Fn(u32, usize, usize) -> bool;

/// The decoded parameters of one entry.
#[derive(Debug)]
pub struct Parameters {
    types: [ParamType; TEE_NUM_PARAMS],
    params: [Param; TEE_NUM_PARAMS],
}

impl Parameters {
    /// No parameters (all `TEE_PARAM_TYPE_NONE`).
    pub fn none() -> Parameters {
        Parameters {
            types: [ParamType::None; TEE_NUM_PARAMS],
            params: [Param::None; TEE_NUM_PARAMS],
        }
    }

    /// Decodes and checks `raw` (already copied out of the TA stack): unknown type
    /// nibbles or bits above the four nibbles, memrefs with a null address and a
    /// non-zero size, ranges that wrap or exceed `isize::MAX`, and ranges `access`
    /// denies give `TEE_ERROR_BAD_PARAMETERS`.
    ///
    /// # Safety
    ///
    /// `access` must answer truthfully: every range it accepts must stay readable
    /// (and writable, when asked with `TEE_MEMORY_ACCESS_WRITE`) for as long as the
    /// returned value lives, because the copy methods access it.
    pub unsafe fn decode(raw: &UteeParams, access: AccessCheck<'_>) -> Result<Parameters> {
        if raw.types >> (4 * TEE_NUM_PARAMS) != 0 {
            return Err(Error::BAD_PARAMETERS);
        }
        let mut out = Parameters::none();
        for i in 0..TEE_NUM_PARAMS {
            let t = raw.param_type(i).ok_or(Error::BAD_PARAMETERS)?;
            let t = ParamType::from_raw(t).ok_or(Error::BAD_PARAMETERS)?;
            let (a, b) = raw.get(i).ok_or(Error::BAD_PARAMETERS)?;
            out.types[i] = t;
            out.params[i] = match t {
                ParamType::None => Param::None,
                // GP values are 32-bit; the kernel zero-extends them.
                ParamType::ValueInput | ParamType::ValueOutput | ParamType::ValueInout => {
                    Param::Value {
                        a: a as u32,
                        b: b as u32,
                    }
                }
                ParamType::MemrefInput | ParamType::MemrefOutput | ParamType::MemrefInout => {
                    let addr = usize::try_from(a).map_err(|_| Error::BAD_PARAMETERS)?;
                    let size = usize::try_from(b).map_err(|_| Error::BAD_PARAMETERS)?;
                    check_range(t, addr, size, access)?;
                    Param::Memref {
                        addr,
                        capacity: size,
                        size,
                    }
                }
            };
        }
        Ok(out)
    }

    /// The four parameter types.
    pub fn types(&self) -> [ParamType; TEE_NUM_PARAMS] {
        self.types
    }

    /// `TEE_ERROR_BAD_PARAMETERS` unless the types are exactly `expected` (what a
    /// GP TA checks first).
    pub fn expect(&self, expected: [ParamType; TEE_NUM_PARAMS]) -> Result<()> {
        if self.types == expected {
            Ok(())
        } else {
            Err(Error::BAD_PARAMETERS)
        }
    }

    fn slot(&self, index: usize) -> Result<(ParamType, Param)> {
        match (self.types.get(index), self.params.get(index)) {
            (Some(&t), Some(&p)) => Ok((t, p)),
            _ => Err(Error::BAD_PARAMETERS),
        }
    }

    /// `(a, b)` of value parameter `index` (input or inout).
    pub fn value(&self, index: usize) -> Result<(u32, u32)> {
        match self.slot(index)? {
            (t, Param::Value { a, b }) if t.is_input() => Ok((a, b)),
            _ => Err(Error::BAD_PARAMETERS),
        }
    }

    /// Sets `(a, b)` of value parameter `index` (output or inout).
    pub fn set_value(&mut self, index: usize, a: u32, b: u32) -> Result<()> {
        match self.slot(index)? {
            (t, Param::Value { .. }) if t.is_output() => {
                self.params[index] = Param::Value { a, b };
                Ok(())
            }
            _ => Err(Error::BAD_PARAMETERS),
        }
    }

    /// Size in bytes of memory reference `index` as the client gave it.
    pub fn memref_capacity(&self, index: usize) -> Result<usize> {
        match self.slot(index)? {
            (_, Param::Memref { capacity, .. }) => Ok(capacity),
            _ => Err(Error::BAD_PARAMETERS),
        }
    }

    /// Copies memory reference `index` (input or inout) into a new vector.
    pub fn read_memref(&self, index: usize) -> Result<Vec<u8>> {
        let (addr, capacity) = match self.slot(index)? {
            (t, Param::Memref { addr, capacity, .. }) if t.is_input() => (addr, capacity),
            _ => return Err(Error::BAD_PARAMETERS),
        };
        let mut v = Vec::new();
        v.try_reserve_exact(capacity)
            .map_err(|_| Error::OUT_OF_MEMORY)?;
        v.resize(capacity, 0);
        // SAFETY: decode() checked [addr, addr + capacity) readable (its caller's
        // contract); `v` holds `capacity` bytes and cannot overlap mapped parameters.
        unsafe { crate::user_mem::copy_in(addr, &mut v) };
        Ok(v)
    }

    /// Writes `data` to the start of memory reference `index` (output or inout) and
    /// reports `data.len()` as its size. If the buffer is smaller, nothing is written,
    /// the size reported is `data.len()` (what the client needs) and the result is
    /// `TEE_ERROR_SHORT_BUFFER`.
    pub fn write_memref(&mut self, index: usize, data: &[u8]) -> Result<()> {
        let (addr, capacity) = match self.slot(index)? {
            (t, Param::Memref { addr, capacity, .. }) if t.is_output() => (addr, capacity),
            _ => return Err(Error::BAD_PARAMETERS),
        };
        self.params[index] = Param::Memref {
            addr,
            capacity,
            size: data.len(),
        };
        if data.len() > capacity {
            return Err(Error::SHORT_BUFFER);
        }
        // SAFETY: decode() checked [addr, addr + capacity) writable for output
        // memrefs, and data.len() <= capacity.
        unsafe { crate::user_mem::copy_out(addr, data) };
        Ok(())
    }

    /// Writes output values and memref sizes back into `raw` (input parameters and
    /// types are left as they are).
    pub fn write_back(&self, raw: &mut UteeParams) {
        for i in 0..TEE_NUM_PARAMS {
            if !self.types[i].is_output() {
                continue;
            }
            let _ = match self.params[i] {
                Param::Value { a, b } => raw.set(i, u64::from(a), u64::from(b)),
                Param::Memref { addr, size, .. } => raw.set(i, addr as u64, size as u64),
                Param::None => true,
            };
        }
    }
}

fn check_range(t: ParamType, addr: usize, size: usize, access: AccessCheck<'_>) -> Result<()> {
    if size == 0 {
        // A null or empty buffer: nothing is ever copied through it.
        return Ok(());
    }
    if addr == 0 || size > isize::MAX as usize || addr.checked_add(size).is_none() {
        return Err(Error::BAD_PARAMETERS);
    }
    let mut flags = TEE_MEMORY_ACCESS_ANY_OWNER;
    if t.is_input() {
        flags |= TEE_MEMORY_ACCESS_READ;
    }
    if t.is_output() {
        flags |= TEE_MEMORY_ACCESS_WRITE;
    }
    if access(flags, addr, size) {
        Ok(())
    } else {
        Err(Error::BAD_PARAMETERS)
    }
}
