//! Finding PTAs by UUID and tracking their sessions.

use crate::device::{DeviceList, DevicePta};
use crate::{
    CallContext, CallServices, Caller, ClientIdentity, Params, Pta, SessionCtx, TeeError, Uuid,
};
use alloc::sync::Arc;
use alloc::vec::Vec;
use oxtee_vec_map::VecMap;
use spin::Mutex;

/// Session identifier handed to the normal world (never 0).
pub type SessionId = u32;

/// Upper bound on simultaneously open PTA sessions; more gives `TEE_ERROR_OUT_OF_MEMORY`.
pub const MAX_SESSIONS: usize = 1024;

struct Session {
    pta: usize,
    ctx: SessionCtx,
    client: ClientIdentity,
    /// Who opened it: the only caller that may use it.
    caller: Caller,
}

struct Sessions {
    map: VecMap<SessionId, Session>,
    next: SessionId,
}

/// All PTAs of the core plus their open sessions.
///
/// The session table is behind a short spin lock that is never held while a PTA runs, so
/// concurrent PTAs really run concurrently.
pub struct PtaRegistry {
    ptas: Vec<Arc<dyn Pta>>,
    devices: DeviceList,
    sessions: Mutex<Sessions>,
}

impl Default for PtaRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl PtaRegistry {
    /// A registry holding only the device-enumeration PTA.
    pub fn new() -> Self {
        let devices = DeviceList::default();
        let mut r = Self {
            ptas: Vec::new(),
            devices: devices.clone(),
            sessions: Mutex::new(Sessions {
                map: VecMap::new(),
                next: 1,
            }),
        };
        // Cannot collide: the registry is empty.
        let _ = r.register(Arc::new(DevicePta::new(devices)));
        r
    }

    /// Adds a PTA; its flags decide whether device enumeration lists it.
    /// A second PTA with the same UUID is refused with `TEE_ERROR_BAD_STATE`.
    pub fn register(&mut self, pta: Arc<dyn Pta>) -> Result<(), TeeError> {
        let uuid = pta.uuid();
        if self.find(&uuid).is_some() {
            return Err(TeeError::BAD_STATE);
        }
        self.devices.add(uuid, pta.flags());
        self.ptas.push(pta);
        Ok(())
    }

    /// Lists a non-PTA device (e.g. an early TA) in device enumeration.
    pub fn add_device(&self, uuid: Uuid, flags: u32) {
        self.devices.add(uuid, flags);
    }

    /// The PTA with this UUID (octets as sent in OPTEE_MSG).
    pub fn find(&self, uuid: &Uuid) -> Option<&Arc<dyn Pta>> {
        self.ptas.iter().find(|p| p.uuid() == *uuid)
    }

    /// Opens a session for `caller` (with `client`'s login and UUID).
    /// `TEE_ERROR_ITEM_NOT_FOUND` when no PTA has this UUID (the core then tries user TAs).
    pub fn open_session(
        &self,
        uuid: &Uuid,
        client: &ClientIdentity,
        caller: Caller,
        params: &mut Params,
        services: &mut dyn CallServices,
    ) -> Result<SessionId, TeeError> {
        let index = self
            .ptas
            .iter()
            .position(|p| p.uuid() == *uuid)
            .ok_or(TeeError::ITEM_NOT_FOUND)?;
        if self.sessions.lock().map.len() >= MAX_SESSIONS {
            return Err(TeeError::OUT_OF_MEMORY);
        }
        let pta = &self.ptas[index];
        let mut cx = CallContext {
            client: *client,
            caller,
            services,
        };
        let ctx = pta.open_session(params, &mut cx)?;
        let mut s = self.sessions.lock();
        if s.map.len() >= MAX_SESSIONS {
            drop(s);
            pta.close_session(ctx, &mut cx);
            return Err(TeeError::OUT_OF_MEMORY);
        }
        let mut id = s.next;
        while id == 0 || s.map.contains_key(&id) {
            id = id.wrapping_add(1);
        }
        s.next = id.wrapping_add(1);
        s.map.insert(
            id,
            Session {
                pta: index,
                ctx,
                client: *client,
                caller,
            },
        );
        Ok(id)
    }

    /// Invokes `cmd` on an open session of `caller`. Unknown session, or one another caller
    /// opened: `TEE_ERROR_BAD_PARAMETERS`, as OP-TEE's `entry_invoke_command` answers.
    pub fn invoke(
        &self,
        id: SessionId,
        caller: Caller,
        cmd: u32,
        params: &mut Params,
        services: &mut dyn CallServices,
    ) -> Result<(), TeeError> {
        let (index, ctx, client) = {
            let s = self.sessions.lock();
            let sess = s
                .map
                .get(&id)
                .filter(|s| s.caller == caller)
                .ok_or(TeeError::BAD_PARAMETERS)?;
            (sess.pta, sess.ctx, sess.client)
        };
        let mut cx = CallContext {
            client,
            caller,
            services,
        };
        self.ptas[index].invoke(ctx, cmd, params, &mut cx)
    }

    /// Closes a session of `caller`. Unknown session, or one another caller opened:
    /// `TEE_ERROR_BAD_PARAMETERS`.
    pub fn close_session(
        &self,
        id: SessionId,
        caller: Caller,
        services: &mut dyn CallServices,
    ) -> Result<(), TeeError> {
        let sess = {
            let mut s = self.sessions.lock();
            let mine = s.map.get(&id).is_some_and(|sess| sess.caller == caller);
            if mine {
                s.map.remove(&id)
            } else {
                None
            }
        }
        .ok_or(TeeError::BAD_PARAMETERS)?;
        let mut cx = CallContext {
            client: sess.client,
            caller,
            services,
        };
        self.ptas[sess.pta].close_session(sess.ctx, &mut cx);
        Ok(())
    }

    /// True when `id` is an open PTA session.
    pub fn has_session(&self, id: SessionId) -> bool {
        self.sessions.lock().map.contains_key(&id)
    }

    /// Number of open sessions.
    pub fn session_count(&self) -> usize {
        self.sessions.lock().map.len()
    }
}
