#![doc = include_str!("../README.md")]

mod crypto;
mod kernel;
mod params;
mod services;
pub mod storage;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::Instant;

use oxtee_ta::client::Identity;
use oxtee_ta::runtime::{Runtime, TrustedApp};
use oxtee_ta::{Error, Parameters};
use supplicant_proto::tee_result::{TEE_ERROR_BAD_STATE, TEE_ERROR_TARGET_DEAD, TEE_LOGIN_USER};
use supplicant_proto::tee_syscall::UteeEntryFunc;

pub use params::{none, Param};
pub use storage::Storage;

use kernel::{Random, Tee};

/// The simulated HUK unless [`Simulator::set_huk`] sets another.
pub const DEFAULT_HUK: [u8; 16] = [0; 16];
/// The simulated secure OS version unless [`Simulator::set_os_version`].
pub const DEFAULT_OS_VERSION: &str = "4.5.0";

/// A session the simulator opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SessionId(u32);

/// A client identity as Linux reports it for `TEEC_LOGIN_USER` (the UUID
/// here is made from `uid`, not Linux's name-based UUID: any distinct UUID
/// per user serves a test).
pub fn user(uid: u32) -> Identity {
    let mut uuid = [0u8; 16];
    uuid[..4].copy_from_slice(&uid.to_be_bytes());
    uuid[6] = 0x50; // version 5, as Linux's
    Identity {
        login: TEE_LOGIN_USER,
        uuid,
    }
}

/// One TA of type `T` in a simulated TEE, driven as a client would drive it.
///
/// The simulated TEE belongs to the thread that made the simulator (tests
/// run on threads of their own, so each test has its own TEE); a second
/// simulator on the same thread replaces the first one's TEE.
pub struct Simulator<T: TrustedApp> {
    runtime: Runtime<T>,
    keep_alive: bool,
    // Each session's client, made current while its entries run.
    sessions: BTreeMap<u32, Identity>,
    next_session: u32,
    client: Identity,
}

impl<T: TrustedApp> Simulator<T> {
    /// A fresh TEE (empty storage, random bytes from the host's generator)
    /// with the TA not yet created; clients are `user(1000)` until
    /// [`Simulator::set_client`].
    pub fn new() -> Self {
        Self::with_random(Random::Os)
    }

    /// As [`Simulator::new`], random bytes from ChaCha20 seeded with `seed`
    /// (the same on every run).
    pub fn seeded(seed: u64) -> Self {
        Self::with_random(Random::seeded(seed))
    }

    fn with_random(random: Random) -> Self {
        kernel::install(Tee {
            storage: Storage::default(),
            crypto: Default::default(),
            client: user(1000),
            ta_uuid: [0; 16],
            random,
            started: Instant::now(),
            log: Vec::new(),
            huk: DEFAULT_HUK.to_vec(),
            os_version: DEFAULT_OS_VERSION.to_string(),
            services: BTreeMap::from([(
                oxtee_ta::ta_session::SYSTEM_PTA.0,
                Rc::new(RefCell::new(services::SystemPta)) as services::Shared,
            )]),
            ta_sessions: BTreeMap::new(),
            next_ta_session: 0,
            cancel_requested: false,
            cancel_masked: true,
        });
        Simulator {
            runtime: Runtime::new(false),
            keep_alive: false,
            sessions: BTreeMap::new(),
            next_session: 0,
            client: user(1000),
        }
    }

    /// The instance outlives its last session (`SINGLE_INSTANCE` with
    /// `INSTANCE_KEEP_ALIVE`).
    pub fn keep_alive(mut self) -> Self {
        self.keep_alive = true;
        self.runtime = Runtime::new(true);
        self
    }

    /// `gpd.ta.appID`, in `TEE_UUID` layout.
    pub fn set_ta_uuid(&mut self, uuid: [u8; 16]) {
        kernel::with(|t| t.ta_uuid = uuid);
    }

    /// The device's hardware unique key (16 zero bytes, as OP-TEE's default
    /// on QEMU, until set): another HUK is another device, so keys the
    /// system PTA derives change with it.
    pub fn set_huk(&mut self, huk: &[u8]) {
        kernel::with(|t| t.huk = huk.to_vec());
    }

    /// `gpd.tee.trustedos.implementation.version` (an update of the secure
    /// OS changes it).
    pub fn set_os_version(&mut self, version: &str) {
        kernel::with(|t| t.os_version = version.to_string());
    }

    /// Makes the TA `U` with UUID `uuid` reachable by `TEE_OpenTASession`
    /// from the TA under test (and from other added TAs). Its instance
    /// follows `U`'s sessions as a single-instance TA's would; it shares the
    /// simulated storage with the other TAs.
    pub fn add_ta<U: TrustedApp + 'static>(&mut self, uuid: &str) {
        let uuid = oxtee_ta::ta_session::Uuid::parse(uuid)
            .expect("a UUID xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
        let ta: services::Shared = Rc::new(RefCell::new(services::InProcessTa::<U>::new(false)));
        kernel::with(|t| t.services.insert(uuid.0, ta));
    }

    /// Whether the client asked to cancel the running operation
    /// (`TEE_GetCancellationFlag` answers it while cancellation is unmasked).
    pub fn set_cancel_requested(&mut self, requested: bool) {
        kernel::with(|t| t.cancel_requested = requested);
    }

    /// The client identity of sessions opened from now on.
    pub fn set_client(&mut self, client: Identity) {
        self.client = client;
    }

    /// Opens a session as the current client.
    pub fn open_session(&mut self, params: &mut [Param; 4]) -> Result<SessionId, Error> {
        self.next_session = self.next_session.wrapping_add(1);
        let id = self.next_session;
        self.entry(UteeEntryFunc::OpenSession, id, self.client, 0, params)?;
        self.sessions.insert(id, self.client);
        Ok(SessionId(id))
    }

    /// Invokes `command` in `session`.
    pub fn invoke(
        &mut self,
        session: SessionId,
        command: u32,
        params: &mut [Param; 4],
    ) -> Result<(), Error> {
        let client = *self
            .sessions
            .get(&session.0)
            .ok_or(Error::from_code(TEE_ERROR_BAD_STATE))?;
        self.entry(
            UteeEntryFunc::InvokeCommand,
            session.0,
            client,
            command,
            params,
        )
    }

    /// Closes `session`.
    pub fn close_session(&mut self, session: SessionId) -> Result<(), Error> {
        let client = self
            .sessions
            .remove(&session.0)
            .ok_or(Error::from_code(TEE_ERROR_BAD_STATE))?;
        self.entry(
            UteeEntryFunc::CloseSession,
            session.0,
            client,
            0,
            &mut none(),
        )
    }

    /// Ends the TA instance as a reboot would: sessions gone, handles closed,
    /// storage kept.
    pub fn restart(&mut self) {
        self.runtime = Runtime::new(self.keep_alive);
        self.sessions.clear();
        kernel::with(|t| {
            t.storage.close_all();
            t.crypto = Default::default();
        });
    }

    /// Transient objects and operation states the TA instance holds (a TA
    /// that frees what it allocates is back to its count after a command).
    pub fn crypto_handles(&self) -> usize {
        kernel::with(|t| t.crypto.open_handles()).unwrap_or(0)
    }

    /// Whether the TA instance exists.
    pub fn is_created(&self) -> bool {
        self.runtime.is_created()
    }

    /// Runs `f` on the simulated storage (for checking what a TA stored).
    pub fn storage<R>(&self, f: impl FnOnce(&Storage) -> R) -> R {
        kernel::with(|t| f(&t.storage)).expect("the simulator's TEE is installed")
    }

    /// Runs `f` on the simulated storage with write access (for putting it in
    /// a state to test from, e.g. what an interrupted operation leaves).
    pub fn storage_mut<R>(&mut self, f: impl FnOnce(&mut Storage) -> R) -> R {
        kernel::with(|t| f(&mut t.storage)).expect("the simulator's TEE is installed")
    }

    /// What the TA logged so far (`trace!`), one string per call.
    pub fn log(&self) -> Vec<String> {
        kernel::with(|t| t.log.clone()).unwrap_or_default()
    }

    fn entry(
        &mut self,
        func: UteeEntryFunc,
        session: u32,
        client: Identity,
        command: u32,
        params: &mut [Param; 4],
    ) -> Result<(), Error> {
        kernel::with(|t| {
            t.client = client;
            // Each entry starts masked, as GP's TA entry points do.
            t.cancel_masked = true;
        });
        let (mut raw, ranges) = params::encode(params);
        let access =
            |flags: u32, addr: usize, len: usize| params::accessible(&ranges, flags, addr, len);
        // SAFETY: `access` accepts only ranges inside the buffers of `params`,
        // which stay in place (not moved or resized) until `decoded` is gone.
        let mut decoded = unsafe { Parameters::decode(&raw, &access) }?;
        let runtime = &mut self.runtime;
        let res = catch_unwind(AssertUnwindSafe(|| {
            runtime.dispatch(
                func as u64,
                u64::from(session),
                u64::from(command),
                &mut decoded,
            )
        }));
        match res {
            Ok(code) => {
                decoded.write_back(&mut raw);
                params::decode_outputs(params, &raw);
                Error::check(code)
            }
            Err(_) => {
                // A TA panic ends the instance: every session and handle goes.
                self.restart();
                Err(Error::from_code(TEE_ERROR_TARGET_DEAD))
            }
        }
    }
}

impl<T: TrustedApp> Default for Simulator<T> {
    fn default() -> Self {
        Self::new()
    }
}
