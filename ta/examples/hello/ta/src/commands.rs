//! The example's commands. Each checks its parameter types first and answers a
//! GP error for anything else.

use alloc::vec::Vec;

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
        _ => Err(Error::NOT_SUPPORTED),
    }
}

fn zeroed(n: usize) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::OUT_OF_MEMORY)?;
    v.resize(n, 0);
    Ok(v)
}
