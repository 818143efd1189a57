//! System PTA skeleton (`PTA_SYSTEM_UUID`): reachable only from user TAs.
//!
//! `PTA_SYSTEM_ADD_RNG_ENTROPY` works (it needs no TA support); every other 4.5 command
//! answers `TEE_ERROR_NOT_SUPPORTED` until the TA runtime exists; unknown or removed commands
//! (4-9) answer `TEE_ERROR_NOT_IMPLEMENTED`.

use crate::params::*;
use crate::result::TEE_LOGIN_TRUSTED_APP;
use crate::rng::SharedRng;
use crate::{ClientIdentity, Pta, SessionCtx, TeeError, Uuid};
use alloc::sync::Arc;
use supplicant_proto::pta::*;

/// The system PTA.
pub struct SystemPta {
    rng: Arc<SharedRng>,
}

impl SystemPta {
    /// A system PTA feeding added entropy into `rng`.
    pub fn new(rng: Arc<SharedRng>) -> Self {
        Self { rng }
    }
}

impl Pta for SystemPta {
    fn uuid(&self) -> Uuid {
        Uuid(PTA_SYSTEM_UUID)
    }

    fn flags(&self) -> u32 {
        PTA_DEFAULT_FLAGS | TA_FLAG_CONCURRENT
    }

    fn open_session(
        &self,
        client: &ClientIdentity,
        _params: &mut Params,
    ) -> Result<SessionCtx, TeeError> {
        if client.login == TEE_LOGIN_TRUSTED_APP {
            Ok(SessionCtx(0))
        } else {
            Err(TeeError::ACCESS_DENIED)
        }
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        _client: &ClientIdentity,
        cmd: u32,
        params: &mut Params,
    ) -> Result<(), TeeError> {
        match cmd {
            PTA_SYSTEM_ADD_RNG_ENTROPY => {
                expect_types(
                    params,
                    param_types(
                        TEE_PARAM_TYPE_MEMREF_INPUT,
                        TEE_PARAM_TYPE_NONE,
                        TEE_PARAM_TYPE_NONE,
                        TEE_PARAM_TYPE_NONE,
                    ),
                )?;
                let m = params[0].memref().ok_or(TeeError::BAD_PARAMETERS)?;
                let data = m.buf.as_deref().ok_or(TeeError::BAD_PARAMETERS)?;
                let n = m.size.min(data.len());
                if n == 0 {
                    return Err(TeeError::BAD_PARAMETERS);
                }
                self.rng.add_entropy(&data[..n]);
                Ok(())
            }
            PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY
            | PTA_SYSTEM_MAP_ZI
            | PTA_SYSTEM_UNMAP
            | PTA_SYSTEM_DLOPEN
            | PTA_SYSTEM_DLSYM
            | PTA_SYSTEM_GET_TPM_EVENT_LOG
            | PTA_SYSTEM_SUPP_PLUGIN_INVOKE => Err(TeeError::NOT_SUPPORTED),
            _ => Err(TeeError::NOT_IMPLEMENTED),
        }
    }
}
