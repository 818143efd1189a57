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
    Value {
        a: u32,
        b: u32,
    },
    // `capacity`: the mapped size; `size`: what is reported back (may exceed the
    // capacity when a handler asks for a larger buffer).
    Memref {
        addr: usize,
        capacity: usize,
        size: usize,
    },
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

    /// Copies memory reference `index` (input or inout) into `dst`, which
    /// must be exactly as long as the reference (`TEE_ERROR_BAD_PARAMETERS`
    /// otherwise): for a caller that wants the bytes inside a larger buffer
    /// of its own without a second copy.
    pub fn read_memref_into(&self, index: usize, dst: &mut [u8]) -> Result<()> {
        let addr = match self.slot(index)? {
            (t, Param::Memref { addr, capacity, .. }) if t.is_input() && capacity == dst.len() => {
                addr
            }
            _ => return Err(Error::BAD_PARAMETERS),
        };
        // SAFETY: decode() checked [addr, addr + dst.len()) readable (its
        // caller's contract); `dst` is the caller's own memory, not a mapped
        // parameter.
        unsafe { crate::user_mem::copy_in(addr, dst) };
        Ok(())
    }

    /// Copies `dst.len()` bytes from `offset` into memory reference `index`
    /// (input or inout) into `dst`, touching nothing else of it: for a caller
    /// that needs a few bytes of a large buffer. A range beyond the reference
    /// gives `TEE_ERROR_BAD_PARAMETERS`.
    pub fn read_memref_at(&self, index: usize, offset: usize, dst: &mut [u8]) -> Result<()> {
        let addr = match self.slot(index)? {
            (t, Param::Memref { addr, capacity, .. })
                if t.is_input() && fits(offset, dst.len(), capacity) =>
            {
                addr + offset
            }
            _ => return Err(Error::BAD_PARAMETERS),
        };
        // SAFETY: decode() checked [addr, addr + capacity) readable (its caller's
        // contract) and [offset, offset + dst.len()) lies inside it; `dst` is the
        // caller's own memory, not a mapped parameter.
        unsafe { crate::user_mem::copy_in(addr, dst) };
        Ok(())
    }

    /// Writes `data` at `offset` into memory reference `index` (output or
    /// inout), leaving the rest of it and its reported size as they are: for
    /// a handler that updates a few bytes of a large buffer in place. A range
    /// beyond the reference gives `TEE_ERROR_BAD_PARAMETERS`.
    pub fn write_memref_at(&mut self, index: usize, offset: usize, data: &[u8]) -> Result<()> {
        let addr = match self.slot(index)? {
            (t, Param::Memref { addr, capacity, .. })
                if t.is_output() && fits(offset, data.len(), capacity) =>
            {
                addr + offset
            }
            _ => return Err(Error::BAD_PARAMETERS),
        };
        // SAFETY: decode() checked [addr, addr + capacity) writable for output
        // memrefs, and [offset, offset + data.len()) lies inside it.
        unsafe { crate::user_mem::copy_out(addr, data) };
        Ok(())
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

    /// Answers that memory reference `index` (output or inout) needs `needed`
    /// bytes, without producing them: nothing is written, the size reported is
    /// `needed` and the result is `TEE_ERROR_SHORT_BUFFER` (or `Ok` if the
    /// buffer is large enough after all, with the size left as it was).
    pub fn report_short_buffer(&mut self, index: usize, needed: usize) -> Result<()> {
        let (addr, capacity) = match self.slot(index)? {
            (t, Param::Memref { addr, capacity, .. }) if t.is_output() => (addr, capacity),
            _ => return Err(Error::BAD_PARAMETERS),
        };
        if needed <= capacity {
            return Ok(());
        }
        self.params[index] = Param::Memref {
            addr,
            capacity,
            size: needed,
        };
        Err(Error::SHORT_BUFFER)
    }

    /// Stores `byte` at the start of memory reference `index` although it is an
    /// input: a probe of the TEE, not something a TA should do
    /// (`TEE_ERROR_BAD_PARAMETERS` unless `index` is a non-empty input memref).
    /// GP leaves it undefined: OP-TEE maps inputs writable and the byte lands in
    /// the client's buffer; oxtee maps them read-only and the store kills the TA
    /// (the client sees `TEE_ERROR_TARGET_DEAD`).
    #[doc(hidden)]
    pub fn probe_write_input(&self, index: usize, byte: u8) -> Result<()> {
        let addr = match self.slot(index)? {
            (ParamType::MemrefInput, Param::Memref { addr, capacity, .. }) if capacity > 0 => addr,
            _ => return Err(Error::BAD_PARAMETERS),
        };
        // SAFETY: decode() checked [addr, addr + capacity) readable: mapped parameter
        // memory holding no Rust object (it is only ever copied). A volatile store
        // there either lands or, on a read-only mapping, faults and ends the TA.
        unsafe { core::ptr::write_volatile(addr as *mut u8, byte) };
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

/// `[offset, offset + len)` lies inside a reference of `capacity` bytes.
fn fits(offset: usize, len: usize, capacity: usize) -> bool {
    offset.checked_add(len).is_some_and(|end| end <= capacity)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::vec;
    use supplicant_proto::tee_result::tee_param_types;

    const VI: u32 = TEE_PARAM_TYPE_VALUE_INPUT;
    const VO: u32 = TEE_PARAM_TYPE_VALUE_OUTPUT;
    const VIO: u32 = TEE_PARAM_TYPE_VALUE_INOUT;
    const MI: u32 = TEE_PARAM_TYPE_MEMREF_INPUT;
    const MO: u32 = TEE_PARAM_TYPE_MEMREF_OUTPUT;
    const MIO: u32 = TEE_PARAM_TYPE_MEMREF_INOUT;
    const NO: u32 = TEE_PARAM_TYPE_NONE;

    fn raw(types: u32, vals: [(u64, u64); 4]) -> UteeParams {
        let mut p = UteeParams {
            types: u64::from(types),
            ..Default::default()
        };
        for (i, (a, b)) in vals.into_iter().enumerate() {
            assert!(p.set(i, a, b));
        }
        p
    }

    /// An access check that accepts exactly the ranges inside `buf`.
    fn inside(buf: &[u8]) -> impl Fn(u32, usize, usize) -> bool + '_ {
        move |_, addr, len| {
            let start = buf.as_ptr() as usize;
            addr >= start
                && addr
                    .checked_add(len)
                    .is_some_and(|e| e <= start + buf.len())
        }
    }

    fn decode(raw: &UteeParams, access: AccessCheck<'_>) -> Result<Parameters> {
        // SAFETY: every access check used in these tests only accepts ranges of
        // live test buffers that outlive the decoded parameters.
        unsafe { Parameters::decode(raw, access) }
    }

    #[test]
    fn values_decode_and_write_back() {
        let r = raw(
            tee_param_types(VI, VO, VIO, NO),
            [(0x1_0000_0005, 6), (7, 8), (9, 10), (11, 12)],
        );
        let mut p = decode(&r, &|_, _, _| false).unwrap();
        // GP values are 32-bit: the upper half of the kernel's word is dropped.
        assert_eq!(p.value(0), Ok((5, 6)));
        assert_eq!(
            p.value(1),
            Err(Error::BAD_PARAMETERS),
            "output is not readable"
        );
        assert_eq!(p.value(2), Ok((9, 10)));
        assert_eq!(
            p.set_value(0, 1, 1),
            Err(Error::BAD_PARAMETERS),
            "input is not writable"
        );
        p.set_value(1, 100, 200).unwrap();
        p.set_value(2, 300, 400).unwrap();
        assert_eq!(p.set_value(3, 1, 1), Err(Error::BAD_PARAMETERS));
        assert_eq!(p.value(4), Err(Error::BAD_PARAMETERS));
        assert_eq!(p.value(usize::MAX), Err(Error::BAD_PARAMETERS));
        let mut out = r;
        p.write_back(&mut out);
        assert_eq!(out.get(0), Some((0x1_0000_0005, 6)), "inputs untouched");
        assert_eq!(out.get(1), Some((100, 200)));
        assert_eq!(out.get(2), Some((300, 400)));
        assert_eq!(out.get(3), Some((11, 12)), "NONE untouched");
        assert_eq!(out.types, r.types);
    }

    #[test]
    fn unknown_type_nibbles_are_refused_in_every_slot() {
        for slot in 0..4 {
            for t in [4u32, 8, 9, 10, 11, 12, 13, 14, 15] {
                let r = raw(t << (4 * slot), [(0, 0); 4]);
                assert_eq!(
                    decode(&r, &|_, _, _| true).map(|_| ()),
                    Err(Error::BAD_PARAMETERS),
                    "type {t} in slot {slot}"
                );
            }
        }
        for bit in 16..64 {
            let r = raw(0, [(0, 0); 4]);
            let r = UteeParams {
                types: r.types | 1 << bit,
                ..r
            };
            assert!(decode(&r, &|_, _, _| true).is_err(), "bit {bit}");
        }
    }

    #[test]
    fn hostile_memref_ranges_are_refused() {
        let buf = [0u8; 64];
        let base = buf.as_ptr() as u64;
        let cases: &[(u64, u64)] = &[
            (0, 1),                          // null with a size
            (u64::MAX, 2),                   // wraps
            (u64::MAX - 10, 11),             // ends exactly past the address space
            (base, u64::MAX),                // larger than the address space
            (base, (isize::MAX as u64) + 1), // beyond isize::MAX
            (base, 65),                      // one byte past what the check allows
            (base + 1, 64),
            (base - 1, 2),
        ];
        for &(addr, size) in cases {
            for t in [MI, MO, MIO] {
                let r = raw(
                    tee_param_types(NO, t, NO, NO),
                    [(0, 0), (addr, size), (0, 0), (0, 0)],
                );
                assert_eq!(
                    decode(&r, &inside(&buf)).map(|_| ()),
                    Err(Error::BAD_PARAMETERS),
                    "type {t} addr {addr:#x} size {size:#x}"
                );
            }
        }
    }

    #[test]
    fn access_check_gets_the_direction() {
        let buf = [0u8; 16];
        let seen = RefCell::new(vec![]);
        let check = |flags: u32, addr: usize, len: usize| {
            seen.borrow_mut().push((flags, addr, len));
            true
        };
        let a = buf.as_ptr() as u64;
        let r = raw(
            tee_param_types(MI, MO, MIO, NO),
            [(a, 1), (a, 2), (a, 3), (0, 0)],
        );
        decode(&r, &check).unwrap();
        let any = TEE_MEMORY_ACCESS_ANY_OWNER;
        let (rd, wr) = (TEE_MEMORY_ACCESS_READ, TEE_MEMORY_ACCESS_WRITE);
        assert_eq!(
            *seen.borrow(),
            vec![
                (any | rd, a as usize, 1),
                (any | wr, a as usize, 2),
                (any | rd | wr, a as usize, 3)
            ]
        );
    }

    #[test]
    fn empty_memrefs_need_no_address() {
        // Size 0: the address is never used, whatever it is.
        let r = raw(
            tee_param_types(MI, MO, NO, NO),
            [(0, 0), (0xdead_beef, 0), (0, 0), (0, 0)],
        );
        let mut p = decode(&r, &|_, _, _| false).unwrap();
        assert_eq!(p.read_memref(0).unwrap(), Vec::<u8>::new());
        p.write_memref(1, &[]).unwrap();
        assert_eq!(p.write_memref(1, &[1]), Err(Error::SHORT_BUFFER));
        let mut out = r;
        p.write_back(&mut out);
        assert_eq!(out.get(1), Some((0xdead_beef, 1)), "needed size reported");
    }

    #[test]
    fn memref_copies_and_short_buffer() {
        let mut input = *b"0123456789";
        let mut output = [0xAAu8; 4];
        let arena = [
            input.as_ptr() as usize..input.as_ptr() as usize + input.len(),
            output.as_ptr() as usize..output.as_ptr() as usize + output.len(),
        ];
        let check =
            |_: u32, a: usize, l: usize| arena.iter().any(|r| a >= r.start && a + l <= r.end);
        let r = raw(
            tee_param_types(MIO, MO, NO, NO),
            [
                (input.as_mut_ptr() as u64, 10),
                (output.as_mut_ptr() as u64, 4),
                (0, 0),
                (0, 0),
            ],
        );
        let mut p = decode(&r, &check).unwrap();
        assert_eq!(p.memref_capacity(1), Ok(4));
        assert_eq!(p.read_memref(1), Err(Error::BAD_PARAMETERS), "output-only");
        let copy = p.read_memref(0).unwrap();
        assert_eq!(copy, b"0123456789");
        let mut into = [0u8; 10];
        p.read_memref_into(0, &mut into).unwrap();
        assert_eq!(&into, b"0123456789");
        let mut short = [0u8; 9];
        assert_eq!(
            p.read_memref_into(0, &mut short),
            Err(Error::BAD_PARAMETERS),
            "exact length only"
        );
        let mut four = [0u8; 4];
        assert_eq!(
            p.read_memref_into(1, &mut four),
            Err(Error::BAD_PARAMETERS),
            "output-only"
        );
        assert_eq!(p.write_memref(1, b"too long"), Err(Error::SHORT_BUFFER));
        assert_eq!(output, [0xAA; 4], "nothing written on SHORT_BUFFER");
        p.write_memref(1, b"ok").unwrap();
        assert_eq!(&output[..2], b"ok");
        assert_eq!(output[2], 0xAA);
        p.write_memref(0, b"abc").unwrap();
        assert_eq!(&input[..4], b"abc3");
        let mut out = r;
        p.write_back(&mut out);
        assert_eq!(out.get(0).unwrap().1, 3);
        assert_eq!(out.get(1).unwrap().1, 2);
        assert_eq!(p.report_short_buffer(1, 4), Ok(()), "fits");
        assert_eq!(p.report_short_buffer(1, 9), Err(Error::SHORT_BUFFER));
        p.write_back(&mut out);
        assert_eq!(out.get(1).unwrap().1, 9, "needed size reported");
        assert_eq!(&output[..2], b"ok", "nothing written");
        assert_eq!(p.report_short_buffer(2, 1), Err(Error::BAD_PARAMETERS));
        assert_eq!(
            p.value(0),
            Err(Error::BAD_PARAMETERS),
            "memref is not a value"
        );
    }

    #[test]
    fn the_input_probe_stores_into_inputs_only() {
        let mut input = [0u8; 4];
        let mut inout = [0u8; 4];
        let arena = [
            input.as_ptr() as usize..input.as_ptr() as usize + input.len(),
            inout.as_ptr() as usize..inout.as_ptr() as usize + inout.len(),
        ];
        let check =
            |_: u32, a: usize, l: usize| arena.iter().any(|r| a >= r.start && a + l <= r.end);
        let r = raw(
            tee_param_types(MI, MIO, MI, VI),
            [
                (input.as_mut_ptr() as u64, 4),
                (inout.as_mut_ptr() as u64, 4),
                (0, 0),
                (1, 2),
            ],
        );
        let p = decode(&r, &check).unwrap();
        // On the host the memory is writable, as OP-TEE maps inputs.
        p.probe_write_input(0, 0x5a).unwrap();
        assert_eq!(input, [0x5a, 0, 0, 0]);
        for other in [1, 2, 3, 4] {
            assert_eq!(p.probe_write_input(other, 1), Err(Error::BAD_PARAMETERS));
        }
        assert_eq!(inout, [0; 4]);
    }

    #[test]
    fn memref_bytes_at_an_offset() {
        let mut buf = *b"0123456789";
        let a = buf.as_mut_ptr() as u64;
        let r = raw(
            tee_param_types(MIO, MI, MO, NO),
            [(a, 10), (a, 4), (a + 6, 4), (0, 0)],
        );
        let mut p = decode(&r, &inside(&buf)).unwrap();
        let mut two = [0u8; 2];
        p.read_memref_at(0, 8, &mut two).unwrap();
        assert_eq!(&two, b"89");
        p.read_memref_at(1, 0, &mut two).unwrap();
        assert_eq!(&two, b"01");
        for (index, offset, len) in [(0, 9, 2), (0, 11, 0), (0, usize::MAX, 2), (1, 3, 2)] {
            let mut dst = vec![0u8; len];
            assert_eq!(
                p.read_memref_at(index, offset, &mut dst),
                Err(Error::BAD_PARAMETERS),
                "param {index} offset {offset} len {len}"
            );
        }
        assert_eq!(
            p.read_memref_at(2, 0, &mut two),
            Err(Error::BAD_PARAMETERS),
            "output-only"
        );
        assert_eq!(
            p.read_memref_at(3, 0, &mut []),
            Err(Error::BAD_PARAMETERS),
            "none"
        );
        p.write_memref_at(0, 0, b"A").unwrap();
        p.write_memref_at(2, 3, b"Z").unwrap();
        assert_eq!(
            p.write_memref_at(1, 0, b"x"),
            Err(Error::BAD_PARAMETERS),
            "input-only"
        );
        assert_eq!(
            p.write_memref_at(2, 3, b"xy"),
            Err(Error::BAD_PARAMETERS),
            "past the end"
        );
        assert_eq!(
            p.write_memref_at(2, usize::MAX, b"x"),
            Err(Error::BAD_PARAMETERS)
        );
        let mut out = r;
        p.write_back(&mut out);
        assert_eq!(&buf, b"A12345678Z");
        assert_eq!(out.get(0), Some((a, 10)), "size as the client gave it");
        assert_eq!(out.get(2), Some((a + 6, 4)));
    }

    #[test]
    fn expect_compares_all_four() {
        let r = raw(
            tee_param_types(VI, NO, NO, NO),
            [(1, 2), (0, 0), (0, 0), (0, 0)],
        );
        let p = decode(&r, &|_, _, _| false).unwrap();
        assert_eq!(
            p.expect([
                ParamType::ValueInput,
                ParamType::None,
                ParamType::None,
                ParamType::None
            ]),
            Ok(())
        );
        assert_eq!(
            p.expect([
                ParamType::ValueInout,
                ParamType::None,
                ParamType::None,
                ParamType::None
            ]),
            Err(Error::BAD_PARAMETERS)
        );
        for t in 0..16 {
            match ParamType::from_raw(t) {
                Some(pt) => assert_eq!(pt.raw(), t),
                None => assert!(t == 4 || t >= 8),
            }
        }
    }

    /// Random words from a fixed-seed generator: whatever decode accepts stays
    /// inside the one buffer the access check allows, and copies through it
    /// never touch the guard bytes around it.
    #[test]
    fn random_params_never_escape_the_checked_range() {
        let mut mem = vec![0x5Au8; 4096];
        let (lo, hi) = (1024usize, 3072usize);
        let base = mem.as_mut_ptr() as usize;
        let inner_start = base + lo;
        let check = move |_: u32, a: usize, l: usize| {
            a >= inner_start && a.checked_add(l).is_some_and(|e| e <= base + hi)
        };
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut accepted = 0;
        for _ in 0..20_000 {
            let pick = |v: u64, n: u64| -> u64 {
                match v % 4 {
                    0 => (inner_start as u64)
                        .wrapping_add(n % 4096)
                        .wrapping_sub(1024),
                    1 => n,
                    2 => 0,
                    _ => u64::MAX - (n % 16),
                }
            };
            let types = next() & 0xFFFF | if next() % 50 == 0 { next() << 16 } else { 0 };
            let mut r = UteeParams {
                types,
                ..Default::default()
            };
            for i in 0..4 {
                let (s1, s2, s3) = (next(), next(), next());
                r.set(i, pick(s1, s2), pick(s3 >> 2, next() % 3000));
            }
            let Ok(mut p) = decode(&r, &check) else {
                continue;
            };
            accepted += 1;
            for i in 0..4 {
                if let Ok(v) = p.read_memref(i) {
                    assert!(v.len() <= hi - lo);
                }
                let cap = p.memref_capacity(i).unwrap_or(0);
                let _ = p.write_memref(i, &vec![0xC3; cap]);
            }
        }
        assert!(
            accepted > 100,
            "too few accepted cases ({accepted}) to mean anything"
        );
        assert!(
            mem[..lo].iter().all(|&b| b == 0x5A),
            "write below the range"
        );
        assert!(
            mem[hi..].iter().all(|&b| b == 0x5A),
            "write above the range"
        );
        assert!(mem[lo..hi].contains(&0xC3), "no accepted write landed");
    }
}
