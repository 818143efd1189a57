//! What a TA implements, and the dispatch of the kernel's entry functions to it
//! (the contract of libutee's entry: create on the first open, destroy when the
//! last session closes unless the instance is kept alive).

use alloc::vec::Vec;

use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_STATE, TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_OUT_OF_MEMORY, TEE_SUCCESS,
};
use supplicant_proto::tee_syscall::UteeEntryFunc;

use crate::error::{result_code, Result};
use crate::params::Parameters;

/// A trusted application: one value per TA instance, one `Session` per session.
pub trait TrustedApp: Sized {
    /// Per-session state.
    type Session;

    /// Creates the instance (`TA_CreateEntryPoint`), before its first session opens.
    fn create() -> Result<Self>;

    /// Opens a session (`TA_OpenSessionEntryPoint`).
    fn open_session(&mut self, params: &mut Parameters) -> Result<Self::Session>;

    /// Runs command `command` of a session (`TA_InvokeCommandEntryPoint`).
    fn invoke(
        &mut self,
        session: &mut Self::Session,
        command: u32,
        params: &mut Parameters,
    ) -> Result<()>;

    /// Closes a session (`TA_CloseSessionEntryPoint`).
    fn close_session(&mut self, session: Self::Session) {
        let _ = session;
    }

    /// Destroys the instance after its last session (`TA_DestroyEntryPoint`).
    fn destroy(self) {}
}

/// The instance and its sessions, keyed by the kernel's session id.
pub struct Runtime<T: TrustedApp> {
    app: Option<T>,
    sessions: Vec<(u32, T::Session)>,
    keep_alive: bool,
}

impl<T: TrustedApp> Runtime<T> {
    /// An empty runtime. `keep_alive`: the instance outlives its last session
    /// (`TA_FLAG_SINGLE_INSTANCE` and `TA_FLAG_INSTANCE_KEEP_ALIVE` both set).
    pub const fn new(keep_alive: bool) -> Self {
        Runtime {
            app: None,
            sessions: Vec::new(),
            keep_alive,
        }
    }

    /// Whether the instance exists.
    pub fn is_created(&self) -> bool {
        self.app.is_some()
    }

    /// Number of open sessions.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Runs entry function `func` (x0) for session `session_id` (x1) with command
    /// `command` (x3) and returns the `TEE_Result` for the kernel.
    pub fn dispatch(
        &mut self,
        func: u64,
        session_id: u64,
        command: u64,
        params: &mut Parameters,
    ) -> u32 {
        // libutee keeps the low 32 bits; the kernel keeps them unique.
        let id = session_id as u32;
        match UteeEntryFunc::try_from(func) {
            Ok(UteeEntryFunc::OpenSession) => self.open(id, params),
            Ok(UteeEntryFunc::InvokeCommand) => {
                let (Some(app), Some((_, session))) = (
                    self.app.as_mut(),
                    self.sessions.iter_mut().find(|(s, _)| *s == id),
                ) else {
                    return TEE_ERROR_BAD_STATE;
                };
                // Command ids are 32-bit in GP; the kernel zero-extends them.
                result_code(app.invoke(session, command as u32, params))
            }
            Ok(UteeEntryFunc::CloseSession) => {
                let Some(pos) = self.sessions.iter().position(|(s, _)| *s == id) else {
                    return TEE_ERROR_BAD_STATE;
                };
                let (_, session) = self.sessions.swap_remove(pos);
                if let Some(app) = self.app.as_mut() {
                    app.close_session(session);
                }
                self.destroy_if_unused();
                TEE_SUCCESS
            }
            Ok(UteeEntryFunc::DumpMemstats) | Err(_) => TEE_ERROR_NOT_SUPPORTED,
        }
    }

    fn open(&mut self, id: u32, params: &mut Parameters) -> u32 {
        if self.sessions.iter().any(|(s, _)| *s == id) {
            return TEE_ERROR_BAD_STATE;
        }
        if self.sessions.try_reserve(1).is_err() {
            return TEE_ERROR_OUT_OF_MEMORY;
        }
        let app = match self.app.take() {
            Some(app) => app,
            None => match T::create() {
                Ok(app) => app,
                Err(e) => return e.code(),
            },
        };
        let app = self.app.insert(app);
        match app.open_session(params) {
            Ok(session) => {
                self.sessions.push((id, session));
                TEE_SUCCESS
            }
            Err(e) => {
                self.destroy_if_unused();
                e.code()
            }
        }
    }

    fn destroy_if_unused(&mut self) {
        if self.sessions.is_empty() && !self.keep_alive {
            if let Some(app) = self.app.take() {
                app.destroy();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use std::cell::RefCell;
    use std::string::{String, ToString};
    use std::vec;

    std::thread_local! {
        static EVENTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    fn event(e: impl Into<String>) {
        EVENTS.with(|v| v.borrow_mut().push(e.into()));
    }

    fn events() -> Vec<String> {
        EVENTS.with(|v| core::mem::take(&mut *v.borrow_mut()))
    }

    struct Fake;

    impl TrustedApp for Fake {
        type Session = u32;

        fn create() -> Result<Self> {
            event("create");
            Ok(Fake)
        }

        fn open_session(&mut self, params: &mut Parameters) -> Result<u32> {
            // A client asking with a value parameter is refused.
            if params.types()[0] != crate::ParamType::None {
                event("open refused");
                return Err(Error::ACCESS_DENIED);
            }
            event("open");
            Ok(0)
        }

        fn invoke(&mut self, session: &mut u32, command: u32, _: &mut Parameters) -> Result<()> {
            *session += 1;
            event(std::format!("invoke {command} #{session}"));
            if command == 7 {
                Err(Error::SHORT_BUFFER)
            } else {
                Ok(())
            }
        }

        fn close_session(&mut self, session: u32) {
            event(std::format!("close after {session}"));
        }

        fn destroy(self) {
            event("destroy");
        }
    }

    fn none() -> Parameters {
        Parameters::none()
    }

    fn value_in() -> Parameters {
        let raw = supplicant_proto::tee_syscall::UteeParams {
            types: 1,
            ..Default::default()
        };
        // SAFETY: no memory reference is present; the check is never asked.
        unsafe { Parameters::decode(&raw, &|_, _, _| false) }.unwrap()
    }

    const OPEN: u64 = 0;
    const CLOSE: u64 = 1;
    const INVOKE: u64 = 2;

    #[test]
    fn lifecycle_follows_libutee() {
        let mut rt = Runtime::<Fake>::new(false);
        assert_eq!(rt.dispatch(OPEN, 0x1_0000_0010, 0, &mut none()), 0);
        assert_eq!(rt.dispatch(OPEN, 0x20, 0, &mut none()), 0);
        assert_eq!(
            rt.dispatch(INVOKE, 0x10, 5, &mut none()),
            0,
            "low 32 bits name the session"
        );
        assert_eq!(rt.dispatch(INVOKE, 0x20, 7, &mut none()), 0xFFFF_0010);
        assert_eq!(rt.dispatch(INVOKE, 0x10, 0x1_0000_0006, &mut none()), 0);
        assert_eq!(rt.dispatch(CLOSE, 0x10, 0, &mut none()), 0);
        assert!(rt.is_created(), "one session left");
        assert_eq!(rt.dispatch(CLOSE, 0x20, 0, &mut none()), 0);
        assert!(!rt.is_created());
        assert_eq!(
            events(),
            [
                "create",
                "open",
                "open",
                "invoke 5 #1",
                "invoke 7 #1",
                "invoke 6 #2",
                "close after 2",
                "close after 1",
                "destroy"
            ]
            .map(|s| s.to_string())
        );
    }

    #[test]
    fn unknown_sessions_and_functions() {
        let mut rt = Runtime::<Fake>::new(false);
        assert_eq!(rt.dispatch(INVOKE, 1, 0, &mut none()), TEE_ERROR_BAD_STATE);
        assert_eq!(rt.dispatch(CLOSE, 1, 0, &mut none()), TEE_ERROR_BAD_STATE);
        assert_eq!(rt.dispatch(3, 1, 0, &mut none()), TEE_ERROR_NOT_SUPPORTED);
        assert_eq!(rt.dispatch(4, 1, 0, &mut none()), TEE_ERROR_NOT_SUPPORTED);
        assert_eq!(
            rt.dispatch(u64::MAX, 1, 0, &mut none()),
            TEE_ERROR_NOT_SUPPORTED
        );
        assert_eq!(rt.dispatch(OPEN, 1, 0, &mut none()), 0);
        assert_eq!(
            rt.dispatch(OPEN, 1, 0, &mut none()),
            TEE_ERROR_BAD_STATE,
            "duplicate id"
        );
        assert_eq!(rt.dispatch(INVOKE, 2, 0, &mut none()), TEE_ERROR_BAD_STATE);
        assert_eq!(rt.session_count(), 1);
        events();
    }

    #[test]
    fn failed_first_open_destroys_the_instance() {
        let mut rt = Runtime::<Fake>::new(false);
        assert_eq!(rt.dispatch(OPEN, 1, 0, &mut value_in()), 0xFFFF_0001);
        assert!(!rt.is_created());
        assert_eq!(rt.session_count(), 0);
        assert_eq!(
            events(),
            ["create", "open refused", "destroy"].map(|s| s.to_string())
        );
    }

    #[test]
    fn keep_alive_instance_survives_its_sessions() {
        let mut rt = Runtime::<Fake>::new(true);
        assert_eq!(rt.dispatch(OPEN, 1, 0, &mut none()), 0);
        assert_eq!(rt.dispatch(CLOSE, 1, 0, &mut none()), 0);
        assert!(rt.is_created());
        assert_eq!(rt.dispatch(OPEN, 2, 0, &mut none()), 0);
        assert_eq!(events(), vec!["create", "open", "close after 0", "open"]);
    }
}
