//! `__ta_entry`: the kernel's entry into the TA (func, session id, `struct
//! utee_params *`, command) dispatched to the TA's GP entry points. The
//! instance is created (`TA_CreateEntryPoint`) when its first session opens
//! and destroyed (`TA_DestroyEntryPoint`) when its last one closes, unless the
//! TA is single-instance and keep-alive, as OP-TEE's libutee does.

use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, Ordering};

use supplicant_proto::pta::{TA_FLAG_INSTANCE_KEEP_ALIVE, TA_FLAG_SINGLE_INSTANCE};
use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_STATE, TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_OUT_OF_MEMORY, TEE_SUCCESS,
};
use supplicant_proto::tee_syscall::{UteeEntryFunc, UteeParams};

use crate::params::{from_utee, to_utee};
use crate::ta_symbols;
use crate::types::TeeResult;

/// Sessions one instance can hold at once.
pub const MAX_SESSIONS: usize = 64;

#[derive(Clone, Copy)]
struct Session {
    id: u32,
    ctx: *mut c_void,
}

/// The instance's state: created or not, and its open sessions.
pub struct Instance {
    created: bool,
    sessions: [Option<Session>; MAX_SESSIONS],
}

/// What the instance calls: the TA's entry points (a trait so the dispatch
/// logic is tested on the host with a fake TA).
pub trait EntryPoints {
    /// `TA_CreateEntryPoint`.
    fn create(&mut self) -> TeeResult;
    /// `TA_DestroyEntryPoint`.
    fn destroy(&mut self);
    /// `TA_OpenSessionEntryPoint`.
    fn open(&mut self, up: &mut UteeParams, ctx: &mut *mut c_void) -> TeeResult;
    /// `TA_CloseSessionEntryPoint`.
    fn close(&mut self, ctx: *mut c_void);
    /// `TA_InvokeCommandEntryPoint`.
    fn invoke(&mut self, ctx: *mut c_void, cmd: u32, up: &mut UteeParams) -> TeeResult;
    /// The instance outlives its last session.
    fn keep_alive(&self) -> bool;
}

impl Instance {
    /// No instance, no session.
    pub const fn new() -> Self {
        Instance {
            created: false,
            sessions: [None; MAX_SESSIONS],
        }
    }

    fn find(&self, id: u32) -> Option<usize> {
        self.sessions
            .iter()
            .position(|s| s.is_some_and(|s| s.id == id))
    }

    fn count(&self) -> usize {
        self.sessions.iter().filter(|s| s.is_some()).count()
    }

    fn destroy_if_unused(&mut self, ta: &mut impl EntryPoints) {
        if self.created && self.count() == 0 && !ta.keep_alive() {
            ta.destroy();
            self.created = false;
        }
    }

    /// Runs entry `func` for session `id` with command `cmd`.
    pub fn dispatch(
        &mut self,
        ta: &mut impl EntryPoints,
        func: u64,
        id: u32,
        cmd: u32,
        up: &mut UteeParams,
    ) -> TeeResult {
        match UteeEntryFunc::try_from(func) {
            Ok(UteeEntryFunc::OpenSession) => {
                if self.find(id).is_some() {
                    return TEE_ERROR_BAD_STATE;
                }
                let Some(free) = self.sessions.iter().position(Option::is_none) else {
                    return TEE_ERROR_OUT_OF_MEMORY;
                };
                if !self.created {
                    let r = ta.create();
                    if r != TEE_SUCCESS {
                        return r;
                    }
                    self.created = true;
                }
                let mut ctx = core::ptr::null_mut();
                let r = ta.open(up, &mut ctx);
                if r == TEE_SUCCESS {
                    self.sessions[free] = Some(Session { id, ctx });
                } else {
                    self.destroy_if_unused(ta);
                }
                r
            }
            Ok(UteeEntryFunc::InvokeCommand) => match self.find(id) {
                Some(i) => match self.sessions[i] {
                    Some(s) => ta.invoke(s.ctx, cmd, up),
                    None => TEE_ERROR_BAD_STATE,
                },
                None => TEE_ERROR_BAD_STATE,
            },
            Ok(UteeEntryFunc::CloseSession) => {
                let Some(i) = self.find(id) else {
                    return TEE_ERROR_BAD_STATE;
                };
                if let Some(s) = self.sessions[i].take() {
                    ta.close(s.ctx);
                }
                self.destroy_if_unused(ta);
                TEE_SUCCESS
            }
            Ok(UteeEntryFunc::DumpMemstats) | Err(_) => TEE_ERROR_NOT_SUPPORTED,
        }
    }
}

impl Default for Instance {
    fn default() -> Self {
        Self::new()
    }
}

/// The linked TA's entry points.
struct LinkedTa;

impl EntryPoints for LinkedTa {
    fn create(&mut self) -> TeeResult {
        ta_symbols::create()
    }
    fn destroy(&mut self) {
        ta_symbols::destroy()
    }
    fn open(&mut self, up: &mut UteeParams, ctx: &mut *mut c_void) -> TeeResult {
        let (types, mut params) = from_utee(up);
        let r = ta_symbols::open_session(types, &mut params, ctx);
        *up = to_utee(types, &params);
        r
    }
    fn close(&mut self, ctx: *mut c_void) {
        // SAFETY: the dispatcher passes the context stored at the session's open.
        unsafe { ta_symbols::close_session(ctx) }
    }
    fn invoke(&mut self, ctx: *mut c_void, cmd: u32, up: &mut UteeParams) -> TeeResult {
        let (types, mut params) = from_utee(up);
        // SAFETY: the dispatcher passes the context stored at the session's open.
        let r = unsafe { ta_symbols::invoke(ctx, cmd, types, &mut params) };
        *up = to_utee(types, &params);
        r
    }
    fn keep_alive(&self) -> bool {
        let f = ta_symbols::flags();
        f & TA_FLAG_SINGLE_INSTANCE != 0 && f & TA_FLAG_INSTANCE_KEEP_ALIVE != 0
    }
}

struct InstanceCell {
    instance: UnsafeCell<Instance>,
    busy: AtomicBool,
    started: AtomicBool,
}

// SAFETY: the instance is only reached between a successful acquire of `busy`
// and its release (`handle`), never from two entries at once.
unsafe impl Sync for InstanceCell {}

static INSTANCE: InstanceCell = InstanceCell {
    instance: UnsafeCell::new(Instance::new()),
    busy: AtomicBool::new(false),
    started: AtomicBool::new(false),
};

/// One entry: `utee_params` read once, dispatched, written back once.
///
/// # Safety
///
/// `up` null or a readable and writable `struct utee_params`.
unsafe fn handle(func: u64, session_id: u64, up: *mut UteeParams, cmd: u64) -> TeeResult {
    let mut params = if up.is_null() {
        UteeParams::default()
    } else {
        // SAFETY: the caller guarantees `up` is readable.
        unsafe { core::ptr::read_volatile(up) }
    };
    if INSTANCE
        .busy
        .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        crate::panic::tee_panic(TEE_ERROR_BAD_STATE);
    }
    if !INSTANCE.started.swap(true, Ordering::Relaxed) {
        crate::stack_guard::randomize();
    }
    // SAFETY: `busy` is held; this is the only reference to the instance.
    let instance = unsafe { &mut *INSTANCE.instance.get() };
    // libutee keeps the low 32 bits of the session id and of the command.
    let r = instance.dispatch(
        &mut LinkedTa,
        func,
        session_id as u32,
        cmd as u32,
        &mut params,
    );
    INSTANCE.busy.store(false, Ordering::Release);
    if !up.is_null() {
        // SAFETY: the caller guarantees `up` is writable.
        unsafe { core::ptr::write_volatile(up, params) };
    }
    r
}

/// `__ta_entry(func, session_id, up, cmd_id)`: the ELF entry; never returns.
///
/// # Safety
///
/// Called by the kernel only, with `up` pointing at the `utee_params` it
/// placed on the TA's stack (or null).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
pub unsafe extern "C" fn __ta_entry(
    func: u64,
    session_id: u64,
    up: *mut UteeParams,
    cmd: u64,
) -> ! {
    // SAFETY: forwarded from the kernel's contract.
    let r = unsafe { handle(func, session_id, up, cmd) };
    oxtee_ta_sys::utee_return(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[derive(Default)]
    struct Fake {
        log: Vec<&'static str>,
        create_result: TeeResult,
        open_result: TeeResult,
        keep: bool,
        opened: usize,
    }

    impl EntryPoints for Fake {
        fn create(&mut self) -> TeeResult {
            self.log.push("create");
            self.create_result
        }
        fn destroy(&mut self) {
            self.log.push("destroy");
        }
        fn open(&mut self, up: &mut UteeParams, ctx: &mut *mut c_void) -> TeeResult {
            self.log.push("open");
            self.opened += 1;
            *ctx = self.opened as *mut c_void;
            up.set(0, 42, 0);
            self.open_result
        }
        fn close(&mut self, ctx: *mut c_void) {
            assert!(!ctx.is_null());
            self.log.push("close");
        }
        fn invoke(&mut self, ctx: *mut c_void, cmd: u32, up: &mut UteeParams) -> TeeResult {
            self.log.push("invoke");
            up.set(1, ctx as u64, u64::from(cmd));
            TEE_SUCCESS
        }
        fn keep_alive(&self) -> bool {
            self.keep
        }
    }

    #[test]
    fn create_once_destroy_after_last_close() {
        let mut i = Instance::new();
        let mut ta = Fake::default();
        let mut up = UteeParams::default();
        assert_eq!(i.dispatch(&mut ta, 0, 7, 0, &mut up), TEE_SUCCESS);
        assert_eq!(up.get(0), Some((42, 0)));
        assert_eq!(i.dispatch(&mut ta, 0, 8, 0, &mut up), TEE_SUCCESS);
        assert_eq!(
            i.dispatch(&mut ta, 0, 8, 0, &mut up),
            TEE_ERROR_BAD_STATE,
            "id reused"
        );
        assert_eq!(i.dispatch(&mut ta, 2, 8, 5, &mut up), TEE_SUCCESS);
        assert_eq!(up.get(1), Some((2, 5)), "the session's own context");
        assert_eq!(
            i.dispatch(&mut ta, 2, 9, 5, &mut up),
            TEE_ERROR_BAD_STATE,
            "unknown id"
        );
        assert_eq!(i.dispatch(&mut ta, 1, 7, 0, &mut up), TEE_SUCCESS);
        assert_eq!(i.dispatch(&mut ta, 1, 8, 0, &mut up), TEE_SUCCESS);
        assert_eq!(i.dispatch(&mut ta, 1, 8, 0, &mut up), TEE_ERROR_BAD_STATE);
        assert_eq!(
            i.dispatch(&mut ta, 3, 8, 0, &mut up),
            TEE_ERROR_NOT_SUPPORTED
        );
        assert_eq!(
            i.dispatch(&mut ta, 9, 8, 0, &mut up),
            TEE_ERROR_NOT_SUPPORTED
        );
        assert_eq!(
            ta.log,
            ["create", "open", "open", "invoke", "close", "close", "destroy"]
        );
    }

    #[test]
    fn failed_create_or_open_leaves_no_instance() {
        let mut i = Instance::new();
        let mut up = UteeParams::default();
        let mut ta = Fake {
            create_result: TEE_ERROR_OUT_OF_MEMORY,
            ..Default::default()
        };
        assert_eq!(
            i.dispatch(&mut ta, 0, 1, 0, &mut up),
            TEE_ERROR_OUT_OF_MEMORY
        );
        assert_eq!(ta.log, ["create"]);
        let mut ta = Fake {
            open_result: 0xFFFF_0006,
            ..Default::default()
        };
        assert_eq!(i.dispatch(&mut ta, 0, 1, 0, &mut up), 0xFFFF_0006);
        assert_eq!(ta.log, ["create", "open", "destroy"]);
        assert_eq!(i.dispatch(&mut ta, 2, 1, 0, &mut up), TEE_ERROR_BAD_STATE);
    }

    #[test]
    fn keep_alive_instance_survives_and_table_fills() {
        let mut i = Instance::new();
        let mut up = UteeParams::default();
        let mut ta = Fake {
            keep: true,
            ..Default::default()
        };
        for id in 0..MAX_SESSIONS as u32 {
            assert_eq!(i.dispatch(&mut ta, 0, id, 0, &mut up), TEE_SUCCESS);
        }
        assert_eq!(
            i.dispatch(&mut ta, 0, 999, 0, &mut up),
            TEE_ERROR_OUT_OF_MEMORY
        );
        for id in 0..MAX_SESSIONS as u32 {
            assert_eq!(i.dispatch(&mut ta, 1, id, 0, &mut up), TEE_SUCCESS);
        }
        assert!(!ta.log.contains(&"destroy"));
        assert_eq!(ta.log.iter().filter(|l| **l == "create").count(), 1);
    }
}
