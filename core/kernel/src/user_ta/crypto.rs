//! The cryptographic system calls (`TEE_SCN_CRYP_*`, hash, cipher, MAC,
//! AE, asymmetric, derive, transient objects) on `oxtee-crypto`, with
//! per-instance handle tables.

use super::{Ctx, Cx, Instance};
use supplicant_proto::tee_result::*;
use supplicant_proto::tee_syscall::Sysnum;

/// The cryptographic states and transient objects of one TA instance.
#[derive(Default)]
pub struct CryptoState {}

/// True for the system calls this module serves.
pub fn handles(_nr: Sysnum) -> bool {
    false
}

/// Serves system call `nr` with arguments `a` for the running instance.
/// `Err(code)` goes back to the TA in x0; `TaPanic` cases end the TA
/// (`Kill`).
pub fn dispatch(
    _cx: &mut Cx<'_>,
    _inst: &Instance,
    _ctx: &mut Ctx,
    _nr: Sysnum,
    _a: &[u64; 31],
) -> Outcome {
    Outcome::Done(Err(TEE_ERROR_NOT_SUPPORTED))
}

/// What a crypto system call asks of the run loop.
pub enum Outcome {
    /// Answer the TA with this result.
    Done(Result<(), u32>),
    /// The TA broke a rule GP makes a panic: end it.
    Panic,
}
