//! Socket PTA (`PTA_SOCKET_UUID`): the registry entry that lets user TAs open
//! sessions for the GP TEE Sockets API.
//!
//! Only TAs may open it (as OP-TEE: `TEE_ERROR_ACCESS_DENIED` for the normal
//! world). Its commands travel to tee-supplicant as `OPTEE_RPC_CMD_SOCKET`
//! and need the calling thread's RPC and the caller's instance id, which
//! only the TA runtime has: the kernel serves them (`user_ta::socket`)
//! before they would reach [`Pta::invoke`] here.

use crate::params::Params;
use crate::{ClientIdentity, Pta, SessionCtx, TeeError, Uuid};
use supplicant_proto::pta::{PTA_DEFAULT_FLAGS, PTA_SOCKET_UUID, TA_FLAG_CONCURRENT};
use supplicant_proto::tee_result::TEE_LOGIN_TRUSTED_APP;

/// The socket PTA's registry entry.
#[derive(Debug, Default)]
pub struct SocketPta;

impl Pta for SocketPta {
    fn uuid(&self) -> Uuid {
        Uuid(PTA_SOCKET_UUID)
    }

    fn flags(&self) -> u32 {
        PTA_DEFAULT_FLAGS | TA_FLAG_CONCURRENT
    }

    fn open_session(
        &self,
        client: &ClientIdentity,
        _params: &mut Params,
    ) -> Result<SessionCtx, TeeError> {
        if client.login != TEE_LOGIN_TRUSTED_APP {
            return Err(TeeError::ACCESS_DENIED);
        }
        Ok(SessionCtx(0))
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        _client: &ClientIdentity,
        _cmd: u32,
        _params: &mut Params,
    ) -> Result<(), TeeError> {
        // Reached only if a caller bypassed the TA runtime's socket path.
        Err(TeeError::NOT_SUPPORTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::no_params;

    #[test]
    fn only_trusted_applications_may_open() {
        let pta = SocketPta;
        let mut p = no_params();
        let ns = ClientIdentity {
            login: 0,
            uuid: Uuid::default(),
        };
        assert_eq!(pta.open_session(&ns, &mut p), Err(TeeError::ACCESS_DENIED));
        let ta = ClientIdentity {
            login: TEE_LOGIN_TRUSTED_APP,
            uuid: Uuid([1; 16]),
        };
        assert!(pta.open_session(&ta, &mut p).is_ok());
        assert_eq!(pta.flags() & TA_FLAG_CONCURRENT, TA_FLAG_CONCURRENT);
        assert_eq!(
            pta.invoke(SessionCtx(0), &ta, 1, &mut p),
            Err(TeeError::NOT_SUPPORTED)
        );
    }
}
