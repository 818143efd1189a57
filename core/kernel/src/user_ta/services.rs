//! What the TA runtime needs from the rest of the kernel, and nothing more:
//! the TA store (where TAs come from, the keys their signatures must chain
//! to, the version floors), the PTA registry, shared memory for RPC
//! buffers, and its own instances. The kernel owns one and lends it to each
//! call; the runtime never sees the kernel itself, so the message layer
//! (`call`) depends on the runtime and not the other way round.

use alloc::vec::Vec;

use oxtee_pta::PtaRegistry;
use oxtee_shm::ShmRegistry;

use super::UserTas;
use crate::ta_load::TaVersions;

/// The kernel's state as the TA runtime sees it.
pub struct Services {
    /// Registered shared memory (supplicant buffers, TA fetches).
    pub(crate) shm: spin::Mutex<ShmRegistry>,
    /// Pseudo-TAs and their sessions.
    pub(crate) ptas: PtaRegistry,
    /// Keys a user TA's signature must chain to.
    pub(crate) ta_keys: Vec<oxtee_ta_verify::RsaPublicKey>,
    /// Highest TA versions seen (anti-rollback).
    pub(crate) ta_versions: TaVersions,
    /// User TA instances and their sessions.
    pub(crate) users: UserTas,
}

impl Services {
    /// Services over `shm`, `ptas` and the TA store's `ta_keys`, with the
    /// TA instances of `users`.
    pub fn new(
        shm: ShmRegistry,
        ptas: PtaRegistry,
        ta_keys: Vec<oxtee_ta_verify::RsaPublicKey>,
        users: UserTas,
    ) -> Self {
        Self {
            shm: spin::Mutex::new(shm),
            ptas,
            ta_keys,
            ta_versions: TaVersions::default(),
            users,
        }
    }
}
