#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod params;
mod registry;
pub mod result;

pub mod device;
pub mod invoke_tests;
pub mod rng;
pub mod socket;
pub mod stats;
pub mod system;

pub use params::*;
pub use registry::{PtaRegistry, SessionId, MAX_SESSIONS};
pub use supplicant_proto::tee_error::{tee_result, Origin, TeeError};

/// A UUID as its 16 RFC 4122 octets (the OPTEE_MSG / device-list encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Uuid(pub [u8; 16]);

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

    /// Opens a session. The default accepts any client and ignores params, as most OP-TEE PTAs
    /// do.
    fn open_session(
        &self,
        _client: &ClientIdentity,
        _params: &mut Params,
    ) -> Result<SessionCtx, TeeError> {
        Ok(SessionCtx(0))
    }

    /// Runs command `cmd`.
    fn invoke(
        &self,
        session: SessionCtx,
        client: &ClientIdentity,
        cmd: u32,
        params: &mut Params,
    ) -> Result<(), TeeError>;

    /// Closes a session (cannot fail).
    fn close_session(&self, _session: SessionCtx) {}
}
