//! Sessions from this TA to another TA or a pseudo-TA (`TEE_OpenTASession`,
//! `TEE_InvokeTACommand`, `TEE_CloseTASession`) and cancellation
//! (`TEE_GetCancellationFlag`, `TEE_MaskCancellation`,
//! `TEE_UnmaskCancellation`).
//!
//! Memory references are the SDK's own heap buffers ([`TaParam`] owns
//! them): the callee gets TA-private memory, which some pseudo-TA commands
//! require (OP-TEE's system PTA writes a derived key only into secure
//! memory), and the caller never hands out a view of its other data.

use alloc::vec::Vec;

use supplicant_proto::tee_result::{TEE_NUM_PARAMS, TEE_ORIGIN_API};
use supplicant_proto::tee_syscall::{UteeParams, TEE_TIMEOUT_INFINITE};

use crate::error::Error;
use crate::params::ParamType;

/// A UUID in `TEE_UUID`'s in-memory layout (what the kernel reads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// From text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    pub fn parse(s: &str) -> Result<Uuid, Error> {
        supplicant_proto::ta_head::tee_uuid_octets(s)
            .map(Uuid::from_octets)
            .map_err(|_| Error::BAD_PARAMETERS)
    }

    /// From RFC 4122 octets (big-endian fields, as `supplicant_proto::pta`'s
    /// UUID constants are written).
    pub const fn from_octets(octets: [u8; 16]) -> Uuid {
        Uuid(supplicant_proto::ta_head::tee_uuid_native(octets))
    }
}

/// OP-TEE's system pseudo-TA (`PTA_SYSTEM_UUID`).
pub const SYSTEM_PTA: Uuid = Uuid::from_octets(supplicant_proto::pta::PTA_SYSTEM_UUID);

/// One parameter of a call to another TA, from the caller's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaParam {
    /// `TEE_PARAM_TYPE_NONE`.
    None,
    /// `TEE_PARAM_TYPE_VALUE_INPUT`.
    ValueIn(u32, u32),
    /// `TEE_PARAM_TYPE_VALUE_OUTPUT`: what the callee wrote.
    ValueOut(u32, u32),
    /// `TEE_PARAM_TYPE_VALUE_INOUT`.
    ValueInout(u32, u32),
    /// `TEE_PARAM_TYPE_MEMREF_INPUT`.
    MemrefIn(Vec<u8>),
    /// `TEE_PARAM_TYPE_MEMREF_OUTPUT`: the buffer (its length is the
    /// capacity) and the size the callee reported (larger than the buffer
    /// after `TEE_ERROR_SHORT_BUFFER`).
    MemrefOut(Vec<u8>, usize),
    /// `TEE_PARAM_TYPE_MEMREF_INOUT`: as `MemrefOut`, with input.
    MemrefInout(Vec<u8>, usize),
}

impl TaParam {
    /// An output buffer of `capacity` bytes.
    pub fn out(capacity: usize) -> TaParam {
        TaParam::MemrefOut(alloc::vec![0; capacity], capacity)
    }

    /// An input buffer holding `data`.
    pub fn input(data: &[u8]) -> TaParam {
        TaParam::MemrefIn(data.to_vec())
    }

    /// What the callee wrote to an output buffer (`None` if it reported more
    /// than fits, or for other types).
    pub fn output(&self) -> Option<&[u8]> {
        match self {
            TaParam::MemrefOut(buf, size) | TaParam::MemrefInout(buf, size) => buf.get(..*size),
            _ => None,
        }
    }

    /// The size the callee reported for an output buffer.
    pub fn size(&self) -> Option<usize> {
        match self {
            TaParam::MemrefOut(_, size) | TaParam::MemrefInout(_, size) => Some(*size),
            _ => None,
        }
    }

    /// `(a, b)` of a value parameter.
    pub fn value(&self) -> Option<(u32, u32)> {
        match *self {
            TaParam::ValueIn(a, b) | TaParam::ValueOut(a, b) | TaParam::ValueInout(a, b) => {
                Some((a, b))
            }
            _ => None,
        }
    }

    /// The parameter's `TEE_PARAM_TYPE_*`.
    pub fn param_type(&self) -> ParamType {
        match self {
            TaParam::None => ParamType::None,
            TaParam::ValueIn(..) => ParamType::ValueInput,
            TaParam::ValueOut(..) => ParamType::ValueOutput,
            TaParam::ValueInout(..) => ParamType::ValueInout,
            TaParam::MemrefIn(_) => ParamType::MemrefInput,
            TaParam::MemrefOut(..) => ParamType::MemrefOutput,
            TaParam::MemrefInout(..) => ParamType::MemrefInout,
        }
    }
}

/// No parameters.
pub fn no_params() -> [TaParam; TEE_NUM_PARAMS] {
    [TaParam::None, TaParam::None, TaParam::None, TaParam::None]
}

/// A failed call: the error and where it came from (`TEE_ORIGIN_*`:
/// `TEE_ORIGIN_TRUSTED_APP` when the callee answered it, `TEE_ORIGIN_TEE`
/// when the kernel did, e.g. `TEE_ERROR_ITEM_NOT_FOUND` for an unknown UUID).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallError {
    /// The `TEE_Result`.
    pub error: Error,
    /// The `TEE_ORIGIN_*` of `error`.
    pub origin: u32,
}

impl From<CallError> for Error {
    fn from(e: CallError) -> Error {
        e.error
    }
}

/// How long a call may run before the TEE cancels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// `TEE_TIMEOUT_INFINITE`.
    Infinite,
    /// Milliseconds (below `TEE_TIMEOUT_INFINITE`).
    Millis(u32),
}

impl Timeout {
    fn raw(self) -> u32 {
        match self {
            Timeout::Infinite => TEE_TIMEOUT_INFINITE,
            Timeout::Millis(ms) => ms.min(TEE_TIMEOUT_INFINITE - 1),
        }
    }
}

/// `utee_params` pointing into `params`' buffers; valid while `params` is
/// neither moved nor resized.
fn encode(params: &mut [TaParam; TEE_NUM_PARAMS]) -> UteeParams {
    let mut raw = UteeParams::default();
    for (i, p) in params.iter_mut().enumerate() {
        raw.types |= u64::from(p.param_type().raw()) << (4 * i);
        let (a, b) = match p {
            TaParam::None => (0, 0),
            TaParam::ValueIn(a, b) | TaParam::ValueOut(a, b) | TaParam::ValueInout(a, b) => {
                (u64::from(*a), u64::from(*b))
            }
            TaParam::MemrefIn(buf) => (buf.as_ptr() as usize as u64, buf.len() as u64),
            TaParam::MemrefOut(buf, _) | TaParam::MemrefInout(buf, _) => {
                (buf.as_mut_ptr() as usize as u64, buf.len() as u64)
            }
        };
        raw.set(i, a, b);
    }
    raw
}

/// Reads what the kernel wrote back into `params` (values and sizes only;
/// the bytes went straight into the buffers).
fn decode(params: &mut [TaParam; TEE_NUM_PARAMS], raw: &UteeParams) {
    for (i, p) in params.iter_mut().enumerate() {
        let Some((a, b)) = raw.get(i) else { continue };
        match p {
            TaParam::ValueOut(va, vb) | TaParam::ValueInout(va, vb) => {
                *va = a as u32;
                *vb = b as u32;
            }
            TaParam::MemrefOut(_, size) | TaParam::MemrefInout(_, size) => {
                *size = usize::try_from(b).unwrap_or(usize::MAX);
            }
            _ => {}
        }
    }
}

fn check(code: u32, origin: u32) -> Result<(), CallError> {
    Error::check(code).map_err(|error| CallError { error, origin })
}

/// An open session to another TA; closed when dropped.
#[derive(Debug)]
pub struct TaSession {
    handle: u32,
}

impl TaSession {
    /// Opens a session to the TA or pseudo-TA `uuid`
    /// (`TEE_OpenTASession`); the callee sees this TA as its client
    /// (`TEE_LOGIN_TRUSTED_APP` with this TA's UUID).
    pub fn open(
        uuid: &Uuid,
        timeout: Timeout,
        params: &mut [TaParam; TEE_NUM_PARAMS],
    ) -> Result<TaSession, CallError> {
        let mut raw = encode(params);
        let mut handle = 0u32;
        let mut origin = TEE_ORIGIN_API;
        // SAFETY: `uuid.0` is 16 readable bytes; `raw`'s memrefs point into
        // `params`' buffers, alive and unmoved until after the call and valid
        // for the lengths given; `handle` and `origin` are writable.
        let code = unsafe {
            oxtee_ta_sys::utee_open_ta_session(
                &uuid.0,
                timeout.raw(),
                &mut raw,
                &mut handle,
                &mut origin,
            )
        };
        decode(params, &raw);
        check(code, origin)?;
        Ok(TaSession { handle })
    }

    /// Invokes `command` (`TEE_InvokeTACommand`).
    pub fn invoke(
        &mut self,
        command: u32,
        timeout: Timeout,
        params: &mut [TaParam; TEE_NUM_PARAMS],
    ) -> Result<(), CallError> {
        let mut raw = encode(params);
        let mut origin = TEE_ORIGIN_API;
        // SAFETY: as in `open`.
        let code = unsafe {
            oxtee_ta_sys::utee_invoke_ta_command(
                self.handle,
                timeout.raw(),
                command,
                &mut raw,
                &mut origin,
            )
        };
        decode(params, &raw);
        check(code, origin)
    }

    /// Closes the session (`TEE_CloseTASession`); dropping does the same.
    pub fn close(self) {}
}

impl Drop for TaSession {
    fn drop(&mut self) {
        // GP: closing a session cannot fail for the caller; a kernel that
        // answers an error has nothing left to close.
        let _ = oxtee_ta_sys::utee_close_ta_session(self.handle);
    }
}

/// Whether the current entry was cancelled by its client
/// (`TEE_GetCancellationFlag`; always `false` while masked).
pub fn cancellation_requested() -> bool {
    let mut flag = 0u32;
    // SAFETY: `flag` is writable.
    let code = unsafe { oxtee_ta_sys::utee_get_cancellation_flag(&mut flag) };
    code == 0 && flag != 0
}

/// Masks cancellation (`TEE_MaskCancellation`); returns whether it was
/// masked before.
pub fn mask_cancellation() -> bool {
    let mut old = 0u32;
    // SAFETY: `old` is writable.
    let code = unsafe { oxtee_ta_sys::utee_mask_cancellation(&mut old) };
    code == 0 && old != 0
}

/// Unmasks cancellation (`TEE_UnmaskCancellation`); returns whether it was
/// masked before.
pub fn unmask_cancellation() -> bool {
    let mut old = 0u32;
    // SAFETY: `old` is writable.
    let code = unsafe { oxtee_ta_sys::utee_unmask_cancellation(&mut old) };
    code == 0 && old != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_in_tee_layout() {
        let u = Uuid::parse("3a2f8978-5dc0-11e8-9c2d-fa7ae01bbebc").unwrap();
        assert_eq!(u, SYSTEM_PTA);
        assert_eq!(&u.0[..4], &0x3a2f_8978u32.to_le_bytes());
        assert_eq!(
            Uuid::parse("3a2f8978-5dc0-11e8-9c2d-fa7ae01bbeb"),
            Err(Error::BAD_PARAMETERS)
        );
    }

    #[test]
    fn parameters_encode_and_decode() {
        let mut p = [
            TaParam::ValueIn(1, 2),
            TaParam::input(b"abc"),
            TaParam::out(8),
            TaParam::ValueOut(0, 0),
        ];
        let mut raw = encode(&mut p);
        assert_eq!(raw.types, 0x2651);
        assert_eq!(raw.get(0), Some((1, 2)));
        assert_eq!(raw.get(1).unwrap().1, 3);
        assert_eq!(raw.get(2).unwrap().1, 8);
        raw.set(2, raw.get(2).unwrap().0, 5);
        raw.set(3, 7, 9);
        decode(&mut p, &raw);
        assert_eq!(p[2].size(), Some(5));
        assert_eq!(p[2].output(), Some(&[0u8; 5][..]));
        assert_eq!(p[3].value(), Some((7, 9)));
        raw.set(2, 0, 100);
        decode(&mut p, &raw);
        assert_eq!(p[2].output(), None, "a size beyond the buffer is no output");
    }

    #[test]
    fn timeouts() {
        assert_eq!(Timeout::Infinite.raw(), TEE_TIMEOUT_INFINITE);
        assert_eq!(
            Timeout::Millis(TEE_TIMEOUT_INFINITE).raw(),
            TEE_TIMEOUT_INFINITE - 1
        );
    }
}
