//! A TA in the style of Teaclave's hello_world example, on the real
//! `optee-utee` 0.10 API: command 0 adds 100 to value a, command 1
//! subtracts 100, command 2 returns SHA-256 of a memref through Teaclave's
//! crypto API. It links oxtee's libutee.a instead of OP-TEE's.
#![no_std]
#![no_main]

use optee_utee::deprecated::Parameters;
use optee_utee::{
    ta_close_session, ta_create, ta_destroy, ta_invoke_command, ta_open_session, trace_println,
};
use optee_utee::{AlgorithmId, Digest, Error, ErrorKind, Result};

#[ta_create]
fn create() -> Result<()> {
    trace_println!("[+] TA create");
    Ok(())
}

#[ta_open_session]
fn open_session(_params: &mut Parameters) -> Result<()> {
    Ok(())
}

#[ta_close_session]
fn close_session() {}

#[ta_destroy]
fn destroy() {}

#[ta_invoke_command]
fn invoke_command(cmd_id: u32, params: &mut Parameters) -> Result<()> {
    match cmd_id {
        0 | 1 => {
            // SAFETY: the client passes a value as parameter 0 (checked by as_value).
            let mut values = unsafe { params.0.as_value()? };
            let a = values.a();
            values.set_a(if cmd_id == 0 {
                a.wrapping_add(100)
            } else {
                a.wrapping_sub(100)
            });
            Ok(())
        }
        2 => {
            // SAFETY: memref input in parameter 0, memref output in parameter 1.
            let mut input = unsafe { params.0.as_memref()? };
            let mut output = unsafe { params.1.as_memref()? };
            let digest = Digest::allocate(AlgorithmId::Sha256)?;
            let mut hash = [0u8; 32];
            let n = digest.do_final(input.buffer(), &mut hash)?;
            let out = output.buffer();
            if out.len() < n {
                return Err(Error::new(ErrorKind::ShortBuffer));
            }
            out[..n].copy_from_slice(&hash[..n]);
            output.set_updated_size(n);
            Ok(())
        }
        _ => Err(Error::new(ErrorKind::BadParameters)),
    }
}

include!(concat!(env!("OUT_DIR"), "/user_ta_header.rs"));
