//! The example's commands. Each checks its parameter types first and answers a
//! GP error for anything else.

use alloc::vec::Vec;

use oxtee_ta::storage::{flags, PersistentObject};
use oxtee_ta::{Error, ParamType as T, Parameters, Result};

/// The TA's UUID (also the file name `<uuid>.ta`).
pub(crate) const UUID: &str = "a7b321a8-0a28-4992-83bd-b757bbc3d4cd";

/// value[0] (inout): `a` += 1 (`TEE_ERROR_OVERFLOW` at `u32::MAX`); `b` = commands run
/// in this session.
pub(crate) const CMD_INC_VALUE: u32 = 0;
/// memref[0] (inout): bytes reversed in place.
pub(crate) const CMD_REVERSE: u32 = 1;
/// memref[0] (input) copied to memref[1] (output); a short output reports the
/// needed size with `TEE_ERROR_SHORT_BUFFER`.
pub(crate) const CMD_ECHO: u32 = 2;
/// memref[0] (output) filled with random bytes.
pub(crate) const CMD_RANDOM: u32 = 3;
/// value[0] (output): system time, `a` seconds, `b` milliseconds.
pub(crate) const CMD_TIME: u32 = 4;
/// Panics (the client sees `TEE_ERROR_TARGET_DEAD`).
pub(crate) const CMD_PANIC: u32 = 5;
/// value[0] (input) `a` bytes allocated on the heap and filled; value[1] (output):
/// `a` = byte sum. More than the heap holds: `TEE_ERROR_OUT_OF_MEMORY`.
pub(crate) const CMD_ALLOC: u32 = 6;

/// memref[0] (input) object id, memref[1] (input) data: stored (replacing).
pub(crate) const CMD_STORE: u32 = 7;
/// memref[0] (input) object id, memref[1] (output) its data.
pub(crate) const CMD_LOAD: u32 = 8;
/// memref[0] (input) object id: deleted.
pub(crate) const CMD_DELETE: u32 = 9;
/// memref[0] (input, not empty): the TA stores a byte into it, which GP leaves
/// undefined. oxtee maps inputs read-only: the store faults and the client sees
/// `TEE_ERROR_TARGET_DEAD`. OP-TEE maps them writable: the command succeeds and
/// the byte (0x5a) lands in the client's shared memory.
pub(crate) const CMD_WRITE_INPUT: u32 = 20;
/// memref[0] (inout, at least one byte): its first byte read and written back plus one
/// (wrapping), nothing else of the buffer read or written; the size stays as given. The
/// memory-reference round trip of `make bench` (bench/client/oxtee-bench.c).
pub(crate) const CMD_TOUCH_FIRST_BYTE: u32 = 21;

const NONE: T = T::None;

/// Runs `command`; `invocations` counts the session's commands so far.
pub(crate) fn run(command: u32, params: &mut Parameters, invocations: u32) -> Result<()> {
    match command {
        CMD_INC_VALUE => {
            params.expect([T::ValueInout, NONE, NONE, NONE])?;
            let (a, _) = params.value(0)?;
            let a = a.checked_add(1).ok_or(Error::OVERFLOW)?;
            params.set_value(0, a, invocations)
        }
        CMD_REVERSE => {
            params.expect([T::MemrefInout, NONE, NONE, NONE])?;
            let mut data = params.read_memref(0)?;
            data.reverse();
            params.write_memref(0, &data)
        }
        CMD_ECHO => {
            params.expect([T::MemrefInput, T::MemrefOutput, NONE, NONE])?;
            let data = params.read_memref(0)?;
            params.write_memref(1, &data)
        }
        CMD_RANDOM => {
            params.expect([T::MemrefOutput, NONE, NONE, NONE])?;
            let mut data = zeroed(params.memref_capacity(0)?)?;
            oxtee_ta::random::fill(&mut data)?;
            params.write_memref(0, &data)
        }
        CMD_TIME => {
            params.expect([T::ValueOutput, NONE, NONE, NONE])?;
            let t = oxtee_ta::time::system_time()?;
            params.set_value(0, t.seconds, t.millis)
        }
        CMD_PANIC => panic!("CMD_PANIC asked for it"),
        CMD_ALLOC => {
            params.expect([T::ValueInput, T::ValueOutput, NONE, NONE])?;
            let (n, _) = params.value(0)?;
            let n = usize::try_from(n).map_err(|_| Error::OUT_OF_MEMORY)?;
            let mut data = zeroed(n)?;
            for (i, b) in data.iter_mut().enumerate() {
                *b = i as u8;
            }
            let sum = data.iter().fold(0u32, |s, &b| s.wrapping_add(u32::from(b)));
            params.set_value(1, sum, 0)
        }
        CMD_STORE => {
            params.expect([T::MemrefInput, T::MemrefInput, NONE, NONE])?;
            let id = params.read_memref(0)?;
            let data = params.read_memref(1)?;
            PersistentObject::create(&id, flags::ACCESS_READ | flags::OVERWRITE, &data)?;
            Ok(())
        }
        CMD_LOAD => {
            params.expect([T::MemrefInput, T::MemrefOutput, NONE, NONE])?;
            let id = params.read_memref(0)?;
            let data = PersistentObject::open(&id, flags::ACCESS_READ)?.read_to_end()?;
            params.write_memref(1, &data)
        }
        CMD_DELETE => {
            params.expect([T::MemrefInput, NONE, NONE, NONE])?;
            let id = params.read_memref(0)?;
            PersistentObject::open(&id, flags::ACCESS_WRITE_META)?.delete()
        }
        CMD_WRITE_INPUT => {
            params.expect([T::MemrefInput, NONE, NONE, NONE])?;
            params.probe_write_input(0, 0x5a)
        }
        CMD_TOUCH_FIRST_BYTE => {
            params.expect([T::MemrefInout, NONE, NONE, NONE])?;
            let mut first = [0u8];
            params.read_memref_at(0, 0, &mut first)?;
            params.write_memref_at(0, 0, &[first[0].wrapping_add(1)])
        }
        _ => Err(Error::NOT_SUPPORTED),
    }
}

fn zeroed(n: usize) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::OUT_OF_MEMORY)?;
    v.resize(n, 0);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxtee_ta::__private::tee_syscall::UteeParams;

    fn decode(raw: &UteeParams) -> Parameters {
        // SAFETY: the tests only pass memrefs of buffers that outlive the result,
        // and accept exactly those.
        unsafe { Parameters::decode(raw, &|_, _, _| true) }.unwrap()
    }

    fn raw(types: u64, vals: &[(u64, u64)]) -> UteeParams {
        let mut p = UteeParams {
            types,
            ..Default::default()
        };
        for (i, &(a, b)) in vals.iter().enumerate() {
            p.set(i, a, b);
        }
        p
    }

    #[test]
    fn inc_counts_and_refuses_overflow() {
        let mut p = decode(&raw(3, &[(41, 0)]));
        run(CMD_INC_VALUE, &mut p, 7).unwrap();
        assert_eq!(p.value(0), Ok((42, 7)));
        let mut p = decode(&raw(3, &[(u64::from(u32::MAX), 0)]));
        assert_eq!(run(CMD_INC_VALUE, &mut p, 1), Err(Error::OVERFLOW));
        let mut p = decode(&raw(1, &[(1, 0)]));
        assert_eq!(run(CMD_INC_VALUE, &mut p, 1), Err(Error::BAD_PARAMETERS));
    }

    #[test]
    fn reverse_and_echo() {
        let mut text = *b"abcdef";
        let mut p = decode(&raw(7, &[(text.as_mut_ptr() as u64, 6)]));
        run(CMD_REVERSE, &mut p, 1).unwrap();
        assert_eq!(&text, b"fedcba");

        let input = *b"hello";
        let mut out = [0u8; 3];
        let r = raw(
            0x65,
            &[(input.as_ptr() as u64, 5), (out.as_mut_ptr() as u64, 3)],
        );
        let mut p = decode(&r);
        assert_eq!(run(CMD_ECHO, &mut p, 1), Err(Error::SHORT_BUFFER));
        let mut back = r;
        p.write_back(&mut back);
        assert_eq!(back.get(1).map(|v| v.1), Some(5), "needed size");
        assert_eq!(out, [0; 3]);
        assert_eq!(
            run(99, &mut decode(&raw(0, &[])), 1),
            Err(Error::NOT_SUPPORTED)
        );
    }

    #[test]
    fn write_input_takes_one_non_empty_input() {
        // On the host the buffer is writable, as OP-TEE maps inputs.
        let mut buf = [0u8; 3];
        let mut p = decode(&raw(5, &[(buf.as_mut_ptr() as u64, 3)]));
        run(CMD_WRITE_INPUT, &mut p, 1).unwrap();
        assert_eq!(buf, [0x5a, 0, 0]);
        let mut p = decode(&raw(5, &[(0, 0)]));
        assert_eq!(run(CMD_WRITE_INPUT, &mut p, 1), Err(Error::BAD_PARAMETERS));
        let mut p = decode(&raw(7, &[(buf.as_mut_ptr() as u64, 3)]));
        assert_eq!(run(CMD_WRITE_INPUT, &mut p, 1), Err(Error::BAD_PARAMETERS));
    }

    #[test]
    fn touch_first_byte_leaves_the_rest() {
        let mut buf = [0xFFu8, 7, 7, 7];
        let r = raw(7, &[(buf.as_mut_ptr() as u64, 4)]);
        let mut p = decode(&r);
        run(CMD_TOUCH_FIRST_BYTE, &mut p, 1).unwrap();
        let mut back = r;
        p.write_back(&mut back);
        assert_eq!(buf, [0, 7, 7, 7], "wraps, rest untouched");
        assert_eq!(back.get(0).map(|v| v.1), Some(4), "size unchanged");
        let mut p = decode(&raw(7, &[(0, 0)]));
        assert_eq!(
            run(CMD_TOUCH_FIRST_BYTE, &mut p, 1),
            Err(Error::BAD_PARAMETERS),
            "empty"
        );
        let mut p = decode(&raw(5, &[(buf.as_mut_ptr() as u64, 4)]));
        assert_eq!(
            run(CMD_TOUCH_FIRST_BYTE, &mut p, 1),
            Err(Error::BAD_PARAMETERS),
            "input"
        );
    }

    #[test]
    fn alloc_refuses_what_does_not_fit() {
        let mut p = decode(&raw(0x21, &[(1000, 0)]));
        run(CMD_ALLOC, &mut p, 1).unwrap();
        let want = (0..1000u32).fold(0u32, |s, i| s + (i as u8) as u32);
        assert_eq!(p.value(1), Err(Error::BAD_PARAMETERS), "output only");
        let mut back = raw(0x21, &[(1000, 0)]);
        p.write_back(&mut back);
        assert_eq!(back.get(1).map(|v| v.0), Some(u64::from(want)));
    }
}
