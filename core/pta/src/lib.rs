#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod context;
mod params;
mod registry;
pub mod result;

pub mod device;
pub mod invoke_tests;
pub mod rng;
pub mod socket;
pub mod stats;
pub mod system;

pub use context::{BufferDir, CallContext, CallServices, Caller, CallerTa, NoServices, RpcBuffer};
pub use params::*;
pub use registry::{PtaRegistry, SessionId, MAX_SESSIONS};
pub use supplicant_proto::tee_error::{tee_result, Origin, TeeError};

/// A UUID as its 16 RFC 4122 octets (the OPTEE_MSG / device-list encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// The UUID a TA passes as a native `TEE_UUID` struct (little-endian
    /// `timeLow`, `timeMid`, `timeHiAndVersion`, then the clock/node bytes).
    pub const fn from_tee_struct(raw: [u8; 16]) -> Self {
        Self(swap_fields(raw))
    }

    /// The native `TEE_UUID` struct bytes a TA reads.
    pub const fn to_tee_struct(self) -> [u8; 16] {
        swap_fields(self.0)
    }
}

/// Swaps the byte order of the three integer fields of a UUID; its own
/// inverse. The one conversion between RFC 4122 octets and `TEE_UUID`.
const fn swap_fields(b: [u8; 16]) -> [u8; 16] {
    [
        b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
        b[14], b[15],
    ]
}

/// Who opened a session: the GP login method and, for application/TA logins, the client UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientIdentity {
    /// `TEE_LOGIN_*` (PUBLIC 0, REE_KERNEL 0x80000000, TRUSTED_APP 0xF0000000, ...).
    pub login: u32,
    /// Client UUID octets (zero for PUBLIC / REE_KERNEL).
    pub uuid: Uuid,
}

/// Opaque per-session value a PTA returns from `open_session` and gets back on every call.
/// PTAs needing richer state keep their own table keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionCtx(pub u64);

/// A pseudo-TA: a trusted service running inside the secure kernel.
///
/// Entry points take `&self` so that sessions of a `TA_FLAG_CONCURRENT` PTA can run on several
/// secure threads at once (xtest 1003 needs that); PTAs use interior mutability for state.
pub trait Pta: Send + Sync {
    /// The PTA's UUID.
    fn uuid(&self) -> Uuid;

    /// `TA_FLAG_*` of the PTA (drives device enumeration).
    fn flags(&self) -> u32 {
        supplicant_proto::pta::PTA_DEFAULT_FLAGS
    }

    /// Opens a session for `cx.caller`. The default accepts any client and ignores params, as
    /// most OP-TEE PTAs do.
    fn open_session(
        &self,
        _params: &mut Params,
        _cx: &mut CallContext<'_>,
    ) -> Result<SessionCtx, TeeError> {
        Ok(SessionCtx(0))
    }

    /// Runs command `cmd` for `cx.caller` (the one that opened the session).
    fn invoke(
        &self,
        session: SessionCtx,
        cmd: u32,
        params: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError>;

    /// Closes a session (cannot fail).
    fn close_session(&self, _session: SessionCtx, _cx: &mut CallContext<'_>) {}
}
