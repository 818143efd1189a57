//! User-mode trusted applications: instances (one address space each, at
//! S-EL0), sessions from the normal world or from other TAs, and the entry
//! protocol of libutee (`__ta_entry(func, session, params, cmd)`).
//!
//! Locks here are short spin locks never held while a TA runs or while the
//! thread is out in the normal world; an instance is owned by at most one
//! secure thread at a time (its `busy` flag), others wait in the normal
//! world (RPC `SUSPEND`) until it is free.

pub mod args;
pub mod crypto;
#[cfg(test)]
mod fake_ta;
pub mod hw;
pub mod loader;
pub mod param_window;
pub mod params;
pub mod props;
mod props_glue;
mod services;
pub mod space;
pub mod storage;
pub mod syscall;
mod system;
pub mod uptr;
pub mod uuid;

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use oxtee_vec_map::VecMap;
use supplicant_proto::tee_error::{Origin, TeeError};

use oxtee_frames::{FrameAllocator, Owner};
use oxtee_pta::{ClientIdentity, Memref, Param, Params};
use oxtee_shm::PhysMem;
use spin::Mutex;
use supplicant_proto::optee_msg::OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
use supplicant_proto::optee_rpc::OPTEE_RPC_CMD_SUSPEND;
use supplicant_proto::pta::{
    TA_FLAG_INSTANCE_KEEP_ALIVE, TA_FLAG_MULTI_SESSION, TA_FLAG_SINGLE_INSTANCE,
};
use supplicant_proto::tee_result::*;
use supplicant_proto::tee_syscall::*;

use crate::rpc::{rpc_cmd, value_param, Rpc};
use args::{CallParam, CallParams};
use hw::{Trap, UserHw, UserRegs};
use loader::Loaded;
use params::{memref_param, UteeParams, UTEE_PARAMS_SIZE};
pub use services::Services;
use space::{page_up, ParamPages, Space, PAGE};

/// The TA frame pool: free secure RAM after the core, in 4 KiB frames
/// (boxed: the allocator's tables are too large for a boot stack).
pub type Frames = Mutex<Box<FrameAllocator<44, 512>>>;

/// Deepest nesting of TA-to-TA calls on one thread (OP-TEE's
/// `CFG_CORE_MAX_SYSCALL_RECURSION`).
pub const MAX_NESTING: usize = 4;

/// Room for `utee_params` at the top of the stack (rounded to 64 bytes).
const PARAMS_FRAME: u64 = 128;

/// First session id given to user-TA sessions (PTA sessions of the normal
/// world count from 1 below this).
const FIRST_SESSION: u32 = 0x8000_0001;

/// The running state of an instance, owned by the thread that runs it.
pub struct Ctx {
    /// Mappings and tables.
    pub space: Space,
    /// Registers kept between entries (TLS pointer, FP state).
    pub regs: UserRegs,
    /// Modules and layout.
    pub loaded: Loaded,
    /// Sessions this instance opened to other TAs / PTAs.
    pub children: Vec<u32>,
    /// Cryptographic states and transient objects.
    pub crypto: crypto::CryptoState,
    /// Persistent-object enumerators.
    pub storage: storage::Enums,
}

#[derive(Default)]
struct InstState {
    busy: bool,
    dead: bool,
    loading: bool,
    sessions: u32,
}

/// A TA instance.
pub struct Instance {
    /// Instance id (also the frame owner tag).
    pub id: u32,
    /// TA UUID octets.
    pub uuid: [u8; 16],
    flags: Mutex<u32>,
    state: Mutex<InstState>,
    ctx: Mutex<Option<Box<Ctx>>>,
}

impl Instance {
    /// `ta_head.flags` (0 while loading).
    pub fn flags(&self) -> u32 {
        *self.flags.lock()
    }
    fn single(&self) -> bool {
        self.flags() & TA_FLAG_SINGLE_INSTANCE != 0
    }
}

/// What a session leads to.
pub enum Target {
    /// A user TA instance.
    User(Arc<Instance>),
    /// A pseudo-TA session of the PTA registry (opened by a TA).
    Pta {
        /// Registry session id.
        id: u32,
    },
}

/// An open session.
pub struct Session {
    /// Id the client uses.
    pub id: u32,
    /// Where calls go.
    pub target: Target,
    /// Who opened it (login and UUID).
    pub client: ClientIdentity,
    /// Instance id of the TA that opened it; `None` for the normal world.
    pub caller: Option<u32>,
    /// A cancellation was requested.
    pub cancel: AtomicBool,
    /// Cancellation is masked.
    pub cancel_masked: AtomicBool,
    /// Counter value at which the running call counts as cancelled (a
    /// calling TA's `cancellationRequestTimeout`); `u64::MAX`: none.
    pub cancel_deadline: AtomicU64,
}

impl Session {
    /// Cancellation requested (or the caller's timeout passed at counter
    /// value `now`) and not masked.
    pub fn cancelled(&self, now: u64) -> bool {
        !self.cancel_masked.load(Ordering::Relaxed)
            && (self.cancel.load(Ordering::Relaxed)
                || now >= self.cancel_deadline.load(Ordering::Relaxed))
    }
}

#[derive(Default)]
struct Table {
    instances: Vec<Arc<Instance>>,
    sessions: VecMap<u32, Arc<Session>>,
    next_session: u32,
    next_instance: u32,
    asids: [u64; 4],
}

/// Counters for the stats PTA and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserStats {
    /// Live instances.
    pub instances: usize,
    /// Open sessions (normal world and TA-to-TA).
    pub sessions: usize,
    /// Frames in use.
    pub frames_used: u64,
}

/// All user TAs of the core.
pub struct UserTas {
    /// Frames for TA memory and tables (shared with the spaces, which take
    /// frames for private copies of input pages the core writes for a TA).
    pub frames: Arc<Frames>,
    table: Mutex<Table>,
    /// TA persistent time offsets (UUID, seconds and milliseconds to add to
    /// the system time), kept in memory.
    pub ta_time: Mutex<Vec<([u8; 16], i64)>>,
    /// GP persistent objects of every TA.
    pub storage: storage::Storage,
}

impl Default for UserTas {
    fn default() -> Self {
        Self::new()
    }
}

/// Everything a call into a TA needs from its thread.
pub struct Cx<'a> {
    /// What the runtime needs of the kernel.
    pub k: &'a Services,
    /// Machine services.
    pub hw: &'a dyn UserHw,
    /// Normal-world memory.
    pub mem: &'a mut dyn PhysMem,
    /// The way out to the normal world.
    pub rpc: &'a mut dyn Rpc,
    /// Instances this thread is inside (outermost first).
    pub chain: Vec<u32>,
    /// Cancellation timeout (ms) a calling TA gave for the next call.
    pub timeout_ms: Option<u64>,
}

impl<'a> Cx<'a> {
    /// A call context of the normal world (no TA entered yet).
    pub fn new(
        k: &'a Services,
        hw: &'a dyn UserHw,
        mem: &'a mut dyn PhysMem,
        rpc: &'a mut dyn Rpc,
    ) -> Self {
        Self {
            k,
            hw,
            mem,
            rpc,
            chain: Vec::new(),
            timeout_ms: None,
        }
    }

    /// Sleeps `ms` milliseconds in the normal world (RPC `SUSPEND`).
    pub fn suspend(&mut self, ms: u32) -> Result<(), TeeError> {
        let mut p = [value_param(
            OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
            u64::from(ms),
            0,
            0,
        )];
        rpc_cmd(self.rpc, self.mem, OPTEE_RPC_CMD_SUSPEND, &mut p)
    }
}

impl UserTas {
    /// No TAs; frames to be given with [`UserTas::init_frames`].
    pub fn new() -> Self {
        Self {
            frames: Arc::new(Mutex::new(Box::new(FrameAllocator::new()))),
            table: Mutex::new(Table {
                next_session: FIRST_SESSION,
                next_instance: 1,
                ..Table::default()
            }),
            ta_time: Mutex::new(Vec::new()),
            storage: storage::Storage::new(),
        }
    }

    /// Gives the runtime `[base, base + size)` for TA frames.
    pub fn init_frames(&self, base: u64, size: u64) -> Result<(), oxtee_frames::FrameError> {
        self.frames.lock().init(base, size)
    }

    /// Current counters.
    pub fn stats(&self) -> UserStats {
        let t = self.table.lock();
        let f = self.frames.lock().stats();
        UserStats {
            instances: t.instances.len(),
            sessions: t.sessions.len(),
            frames_used: f.total - f.free,
        }
    }

    /// True when `id` is a session of this runtime.
    pub fn has_session(&self, id: u32) -> bool {
        self.table.lock().sessions.contains_key(&id)
    }

    /// The session `id` if `caller` may use it.
    pub fn session(&self, id: u32, caller: Option<u32>) -> Option<Arc<Session>> {
        let s = self.table.lock().sessions.get(&id).cloned()?;
        (s.caller == caller).then_some(s)
    }

    fn add_session(
        &self,
        target: Target,
        client: ClientIdentity,
        caller: Option<u32>,
    ) -> Arc<Session> {
        let mut t = self.table.lock();
        let mut id = t.next_session;
        while id < FIRST_SESSION || t.sessions.contains_key(&id) {
            id = id.wrapping_add(1).max(FIRST_SESSION);
        }
        t.next_session = id.wrapping_add(1);
        let s = Arc::new(Session {
            id,
            target,
            client,
            caller,
            cancel: AtomicBool::new(false),
            cancel_masked: AtomicBool::new(true),
            cancel_deadline: AtomicU64::new(u64::MAX),
        });
        t.sessions.insert(id, s.clone());
        s
    }

    /// Marks session `id` of the normal world cancelled; false when the
    /// normal world has no such user-TA session (TA-to-TA sessions cannot be
    /// cancelled from outside).
    pub fn cancel(&self, id: u32) -> bool {
        match self.table.lock().sessions.get(&id) {
            Some(s) if s.caller.is_none() => {
                s.cancel.store(true, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    /// An existing single instance of `uuid`, or a new instance being loaded
    /// by the caller (`true`); `Err(None)` while another thread loads it.
    fn claim_instance(&self, uuid: [u8; 16]) -> Result<(Arc<Instance>, bool), Option<TeeError>> {
        let mut t = self.table.lock();
        for inst in &t.instances {
            if inst.uuid != uuid {
                continue;
            }
            let mut st = inst.state.lock();
            if st.dead {
                continue;
            }
            if st.loading {
                return Err(None);
            }
            if inst.single() {
                if inst.flags() & TA_FLAG_MULTI_SESSION == 0 && st.sessions > 0 {
                    return Err(Some(TeeError::BUSY));
                }
                st.sessions += 1;
                drop(st);
                return Ok((inst.clone(), false));
            }
        }
        let Some(asid) = alloc_asid(&mut t.asids) else {
            return Err(Some(TeeError::OUT_OF_MEMORY));
        };
        let id = t.next_instance;
        t.next_instance = t.next_instance.wrapping_add(1).max(1);
        let inst = Arc::new(Instance {
            id,
            uuid,
            flags: Mutex::new(0),
            state: Mutex::new(InstState {
                busy: true,
                loading: true,
                sessions: 1,
                dead: false,
            }),
            ctx: Mutex::new(None),
        });
        // The ASID travels in the context; remember it through the space.
        *inst.ctx.lock() = Some(Box::new(Ctx {
            space: Space::new(Owner(id), asid),
            regs: UserRegs::default(),
            loaded: Loaded::empty(),
            children: Vec::new(),
            crypto: crypto::CryptoState::default(),
            storage: storage::Enums::default(),
        }));
        t.instances.push(inst.clone());
        Ok((inst, true))
    }

    /// Frees an instance's memory and ASID and forgets it.
    fn destroy(&self, inst: &Arc<Instance>, ctx: Option<Box<Ctx>>) {
        if let Some(ctx) = ctx {
            self.frames.lock().free_all(ctx.space.owner());
            let mut t = self.table.lock();
            free_asid(&mut t.asids, ctx.space.asid());
        }
        self.table
            .lock()
            .instances
            .retain(|i| !Arc::ptr_eq(i, inst));
    }
}

fn alloc_asid(map: &mut [u64; 4]) -> Option<u16> {
    // ASID 0 is never given to a TA.
    for n in 1..256u16 {
        let (w, b) = ((n / 64) as usize, n % 64);
        if map[w] & (1 << b) == 0 {
            map[w] |= 1 << b;
            return Some(n);
        }
    }
    None
}

fn free_asid(map: &mut [u64; 4], n: u16) {
    let (w, b) = ((n / 64) as usize, n % 64);
    map[w] &= !(1 << b);
}

impl Loaded {
    /// Nothing loaded yet.
    pub fn empty() -> Self {
        Self {
            modules: Vec::new(),
            entry: 0,
            stack_top: 0,
            flags: 0,
            next_base: 0,
            tls_end: 0,
            info_va: 0,
            tlsdesc: 0,
        }
    }
}

/// Opens a session on user TA `uuid` (octets) for `client`; `caller` is the
/// instance of a calling TA. Returns the session id.
pub fn open_session(
    cx: &mut Cx<'_>,
    uuid: [u8; 16],
    client: ClientIdentity,
    caller: Option<u32>,
    params: &mut Params,
) -> Result<u32, TeeError> {
    args::with_owned(params, |p| open_session_with(cx, uuid, client, caller, p))
}

/// [`open_session`] with call parameters (normal-world shared memory
/// mapped into the TA).
pub fn open_session_with(
    cx: &mut Cx<'_>,
    uuid: [u8; 16],
    client: ClientIdentity,
    caller: Option<u32>,
    params: &mut CallParams,
) -> Result<u32, TeeError> {
    let users = &cx.k.users;
    let (inst, fresh) = loop {
        match users.claim_instance(uuid) {
            Ok(v) => break v,
            Err(Some(f)) => return Err(f),
            Err(None) => cx.suspend(1)?,
        }
    };
    if fresh {
        if let Err(code) = load_instance(cx, &inst, uuid) {
            inst.state.lock().dead = true;
            let ctx = inst.ctx.lock().take();
            users.destroy(&inst, ctx);
            return Err(code);
        }
        // A single instance that turned out not to allow a second session
        // is checked by later openers; this one is the first.
    }
    let session = users.add_session(Target::User(inst.clone()), client, caller);
    let r = call_entry(cx, &inst, &session, UTEE_ENTRY_FUNC_OPEN_SESSION, 0, params);
    match r {
        Ok(TEE_SUCCESS) => Ok(session.id),
        Ok(code) => {
            users.table.lock().sessions.remove(&session.id);
            session_gone(cx, &inst);
            Err(TeeError::from_code(code).with_origin(Origin::TrustedApp))
        }
        Err(f) => {
            users.table.lock().sessions.remove(&session.id);
            session_gone(cx, &inst);
            Err(f)
        }
    }
}

/// Fetches, verifies and maps the TA of a new instance, then lets other
/// threads use it.
fn load_instance(cx: &mut Cx<'_>, inst: &Arc<Instance>, uuid: [u8; 16]) -> Result<(), TeeError> {
    let k = cx.k;
    let db = storage::TaVersionDb { k, hw: cx.hw };
    let versions = db.versions();
    let main = crate::ta_load::load_ta(cx.rpc, cx.mem, &k.shm, uuid, &k.ta_keys, &versions)?;
    let mut ctx = inst.ctx.lock().take().ok_or(TeeError::GENERIC)?;
    let (rpc, mem) = (&mut *cx.rpc, &mut *cx.mem);
    let mut fetch =
        |u: [u8; 16]| crate::ta_load::load_module(rpc, mem, &k.shm, u, &k.ta_keys, &versions);
    let r = loader::load(main, &mut fetch, &mut ctx.space, &k.users.frames, cx.hw);
    match r {
        Ok(loaded) => {
            *inst.flags.lock() = loaded.flags;
            ctx.loaded = loaded;
            *inst.ctx.lock() = Some(ctx);
            let mut st = inst.state.lock();
            st.loading = false;
            st.busy = false;
            Ok(())
        }
        Err(e) => {
            *inst.ctx.lock() = Some(ctx);
            Err(e)
        }
    }
}

/// Invokes `cmd` on session `id` (of `caller`).
pub fn invoke(
    cx: &mut Cx<'_>,
    id: u32,
    caller: Option<u32>,
    cmd: u32,
    params: &mut Params,
) -> Result<(), TeeError> {
    args::with_owned(params, |p| invoke_with(cx, id, caller, cmd, p))
}

/// [`invoke`] with call parameters (normal-world shared memory mapped into
/// the TA).
pub fn invoke_with(
    cx: &mut Cx<'_>,
    id: u32,
    caller: Option<u32>,
    cmd: u32,
    params: &mut CallParams,
) -> Result<(), TeeError> {
    let session =
        cx.k.users
            .session(id, caller)
            .ok_or(TeeError::BAD_PARAMETERS)?;
    let Target::User(inst) = &session.target else {
        return Err(TeeError::BAD_PARAMETERS);
    };
    let inst = inst.clone();
    match call_entry(
        cx,
        &inst,
        &session,
        UTEE_ENTRY_FUNC_INVOKE_COMMAND,
        cmd,
        params,
    )? {
        TEE_SUCCESS => Ok(()),
        code => Err(TeeError::from_code(code).with_origin(Origin::TrustedApp)),
    }
}

/// Closes session `id` (of `caller`): the TA's close entry runs if the
/// instance is alive; the instance goes when its last session does (unless
/// it is a keep-alive single instance).
pub fn close_session(cx: &mut Cx<'_>, id: u32, caller: Option<u32>) -> Result<(), TeeError> {
    let session = {
        let mut t = cx.k.users.table.lock();
        match t.sessions.get(&id) {
            Some(s) if s.caller == caller => t.sessions.remove(&id),
            _ => None,
        }
    }
    .ok_or(TeeError::BAD_PARAMETERS)?;
    match &session.target {
        Target::Pta { id } => {
            // Only a TA opens PTA sessions through this runtime.
            let instance = caller.ok_or(TeeError::BAD_PARAMETERS)?;
            system::close_pta(cx, *id, instance, &session.client)
        }
        Target::User(inst) => {
            let inst = inst.clone();
            let mut none: CallParams = Default::default();
            // A dead instance has nothing to run; closing still succeeds.
            let _ = call_entry(
                cx,
                &inst,
                &session,
                UTEE_ENTRY_FUNC_CLOSE_SESSION,
                0,
                &mut none,
            );
            session_gone(cx, &inst);
            Ok(())
        }
    }
}

/// One session fewer on `inst`: destroy it when it has none left and is
/// not kept alive.
fn session_gone(cx: &mut Cx<'_>, inst: &Arc<Instance>) {
    let keep = inst.flags() & (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_INSTANCE_KEEP_ALIVE)
        == (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_INSTANCE_KEEP_ALIVE);
    let ctx = {
        let mut st = inst.state.lock();
        st.sessions = st.sessions.saturating_sub(1);
        if st.sessions > 0 || st.busy || (keep && !st.dead) {
            return;
        }
        st.dead = true;
        inst.ctx.lock().take()
    };
    let mut ctx = ctx;
    if let Some(c) = ctx.as_deref_mut() {
        storage::close_all(cx, c);
    }
    close_children(
        cx,
        ctx.as_deref()
            .map(|c| c.children.clone())
            .unwrap_or_default(),
        inst.id,
    );
    cx.k.users.destroy(inst, ctx);
}

/// Closes the sessions a dying instance had opened.
fn close_children(cx: &mut Cx<'_>, children: Vec<u32>, owner: u32) {
    for id in children {
        let _ = close_session(cx, id, Some(owner));
    }
}

/// Takes `inst` for this thread, waiting while another thread runs it.
fn acquire(cx: &mut Cx<'_>, inst: &Arc<Instance>) -> Result<Box<Ctx>, TeeError> {
    if cx.chain.contains(&inst.id) {
        // The instance is already running further up this thread's calls.
        return Err(TeeError::BUSY);
    }
    loop {
        {
            let mut st = inst.state.lock();
            if st.dead {
                return Err(TeeError::TARGET_DEAD);
            }
            if !st.busy {
                st.busy = true;
                drop(st);
                return inst.ctx.lock().take().ok_or(TeeError::GENERIC);
            }
        }
        cx.suspend(1)?;
    }
}

/// Gives `inst` back after a run.
fn release(inst: &Arc<Instance>, ctx: Box<Ctx>) {
    *inst.ctx.lock() = Some(ctx);
    inst.state.lock().busy = false;
}

/// A TA panicked or faulted: it is dead for every session; its memory goes
/// now, the sessions when their clients close them.
fn kill(cx: &mut Cx<'_>, inst: &Arc<Instance>, mut ctx: Box<Ctx>) {
    inst.state.lock().dead = true;
    storage::close_all(cx, &mut ctx);
    let children = ctx.children.clone();
    cx.k.users.destroy(inst, Some(ctx));
    close_children(cx, children, inst.id);
    let mut st = inst.state.lock();
    st.busy = false;
}

/// Runs entry `func` of `inst` for `session`; `Ok` is the TA's `TEE_Result`.
pub fn call_entry(
    cx: &mut Cx<'_>,
    inst: &Arc<Instance>,
    session: &Arc<Session>,
    func: u32,
    cmd: u32,
    params: &mut CallParams,
) -> Result<u32, TeeError> {
    // At most MAX_NESTING TA entries on one thread (OP-TEE's recursion
    // limit answers OUT_OF_MEMORY).
    if cx.chain.len() >= MAX_NESTING {
        return Err(TeeError::OUT_OF_MEMORY);
    }
    let deadline = match cx.timeout_ms.take() {
        Some(ms) => {
            let (now, freq) = cx.hw.counter();
            now.saturating_add(ms.saturating_mul(freq) / 1000)
        }
        None => u64::MAX,
    };
    let mut ctx = acquire(cx, inst)?;
    cx.chain.push(inst.id);
    session.cancel_masked.store(true, Ordering::Relaxed);
    session.cancel_deadline.store(deadline, Ordering::Relaxed);
    let r = run_entry(cx, inst, &mut ctx, session, func, cmd, params);
    // The instance may next run on another CPU, or go: its tree must not
    // stay installed here once it is given back.
    cx.hw.leave_user_space();
    // A cancellation applies to the call it was made for only.
    session.cancel.store(false, Ordering::Relaxed);
    session.cancel_deadline.store(u64::MAX, Ordering::Relaxed);
    cx.chain.pop();
    match r {
        Ok(v) => {
            release(inst, ctx);
            Ok(v)
        }
        Err(Exit::Failed(e)) => {
            release(inst, ctx);
            Err(e)
        }
        Err(Exit::Dead) => {
            kill(cx, inst, ctx);
            Err(TeeError::TARGET_DEAD)
        }
    }
}

/// How a run ended other than by `_utee_return`.
pub enum Exit {
    /// The TA panicked or faulted.
    Dead,
    /// The core could not start the entry (e.g. out of memory).
    Failed(TeeError),
}

/// What the syscall layer tells the run loop.
pub enum Flow {
    /// Resume the TA.
    Continue,
    /// `_utee_return(value)`.
    Return(u64),
    /// The TA must die (panic, or a call it may not make).
    Kill,
}

fn run_entry(
    cx: &mut Cx<'_>,
    inst: &Arc<Instance>,
    ctx: &mut Ctx,
    session: &Arc<Session>,
    func: u32,
    cmd: u32,
    params: &mut CallParams,
) -> Result<u32, Exit> {
    let hw = cx.hw;
    let frames = &cx.k.users.frames;
    let mut up = UteeParams::default();
    let setup = map_params(cx, ctx, params, &mut up);
    let r = match setup {
        Ok(()) => run_loop(cx, inst, ctx, session, func, cmd, &up),
        Err(e) => Err(Exit::Failed(e)),
    };
    if r.is_ok() {
        // Outputs: values and sizes from the TA's utee_params; shared
        // buffers already hold what the TA wrote, copies are read back.
        let sp = ctx.loaded.stack_top - PARAMS_FRAME;
        let mut raw = [0u8; UTEE_PARAMS_SIZE];
        let back = ctx
            .space
            .read(hw, sp, &mut raw)
            .ok()
            .and_then(|()| UteeParams::decode(&raw).ok());
        for (n, p) in params.iter_mut().enumerate() {
            let Some(out) = back.filter(|b| b.types[n] == up.types[n]) else {
                continue;
            };
            let size = usize::try_from(out.b[n]).unwrap_or(usize::MAX);
            match p {
                CallParam::Gp(Param::ValueOutput { a, b } | Param::ValueInout { a, b }) => {
                    *a = out.a[n] as u32;
                    *b = out.b[n] as u32;
                }
                CallParam::Gp(Param::MemrefOutput(m) | Param::MemrefInout(m)) => {
                    m.size = size;
                    if let Some(buf) = m.buf.as_mut() {
                        // Never hand back what the frames did not give.
                        if up.a[n] == 0 || ctx.space.read(hw, up.a[n], buf).is_err() {
                            buf.fill(0);
                            m.size = 0;
                        }
                    }
                }
                CallParam::Shared(s) if s.is_output() => s.size = size,
                _ => {}
            }
        }
    }
    // On every way out, the TA loses the buffers (and their TLB entries)
    // before the call path gives the shared memory back.
    ctx.space.unmap_params(frames, hw);
    r
}

/// Fills `up` for the TA and maps its memref buffers: normal-world shared
/// memory page by page (offset in the first page kept, inputs read-only),
/// copies into fresh frames; NULL memrefs stay NULL with their size.
fn map_params(
    cx: &Cx<'_>,
    ctx: &mut Ctx,
    params: &CallParams,
    up: &mut UteeParams,
) -> Result<(), TeeError> {
    let (hw, frames) = (cx.hw, &cx.k.users.frames);
    for (n, p) in params.iter().enumerate() {
        up.types[n] = p.type_id();
        match p {
            // An output value reaches the TA as zeros (OP-TEE does not pass
            // what the client left in it).
            CallParam::Gp(Param::None | Param::ValueOutput { .. }) => {}
            CallParam::Gp(Param::ValueInput { a, b } | Param::ValueInout { a, b }) => {
                up.a[n] = u64::from(*a);
                up.b[n] = u64::from(*b);
            }
            CallParam::Gp(
                Param::MemrefInput(m) | Param::MemrefOutput(m) | Param::MemrefInout(m),
            ) => {
                up.b[n] = m.size as u64;
                if let Some(buf) = &m.buf {
                    up.a[n] = map_copy(ctx, frames, hw, buf)?;
                }
            }
            CallParam::Shared(s) => {
                up.b[n] = s.size as u64;
                let (offset, pages) =
                    cx.k.shm
                        .lock()
                        .pages_of(&s.view)
                        .map_err(|e| TeeError::from_code(e.tee_result()))?;
                up.a[n] = if pages.is_empty() {
                    // An empty buffer has no page to map: a fresh zero page,
                    // as for an empty copy.
                    map_copy(ctx, frames, hw, &[])?
                } else {
                    let what = ParamPages::Shared {
                        pages,
                        writable: s.is_output(),
                    };
                    ctx.space.map_param(frames, hw, what)? + offset
                };
            }
        }
    }
    Ok(())
}

/// Copies a parameter buffer into fresh frames mapped into the TA.
fn map_copy(
    ctx: &mut Ctx,
    frames: &Arc<Frames>,
    hw: &dyn UserHw,
    data: &[u8],
) -> Result<u64, TeeError> {
    let size = page_up(data.len().max(1) as u64).ok_or(TeeError::OUT_OF_MEMORY)?;
    let f = ctx.space.alloc_frames(frames, hw, size)?;
    let r = hw
        .write(f.start(), data)
        .and_then(|()| ctx.space.map_param(frames, hw, ParamPages::Copy(f)));
    if r.is_err() {
        let _ = frames.lock().free(f);
    }
    r
}

fn run_loop(
    cx: &mut Cx<'_>,
    inst: &Arc<Instance>,
    ctx: &mut Ctx,
    session: &Arc<Session>,
    func: u32,
    cmd: u32,
    up: &UteeParams,
) -> Result<u32, Exit> {
    let sp = ctx.loaded.stack_top - PARAMS_FRAME;
    ctx.space
        .write(cx.hw, sp, &up.encode())
        .map_err(Exit::Failed)?;
    let regs = &mut ctx.regs;
    regs.x = [0; 31];
    regs.x[0] = u64::from(func);
    regs.x[1] = u64::from(session.id);
    regs.x[2] = sp;
    regs.x[3] = u64::from(cmd);
    regs.sp = sp;
    regs.elr = ctx.loaded.entry;
    // EL0t with every interrupt unmasked.
    regs.spsr = 0;
    loop {
        let (ttbr, flush) = ctx
            .space
            .ttbr0(&cx.k.users.frames, cx.hw)
            .map_err(Exit::Failed)?;
        let trap = cx.hw.run(ttbr, flush, &mut ctx.regs);
        // Its TLB may now hold the parameter pages.
        ctx.space.ran_on(cx.hw.this_cpu());
        match trap {
            Trap::Syscall => match syscall::dispatch(cx, inst, ctx, session) {
                Flow::Continue => {}
                Flow::Return(v) => return Ok(v as u32),
                Flow::Kill => return Err(Exit::Dead),
            },
            Trap::ForeignInterrupt => {
                cx.rpc.rpc(oxtee_thread::RpcKind::ForeignIntr);
            }
            Trap::Fault { esr, far } => {
                use oxtee_log_line::hex;
                cx.hw.log(oxtee_log_line::pieces![
                    "TA ",
                    oxtee_log_line::Uuid(inst.uuid),
                    " fault: ESR ",
                    hex(esr),
                    " FAR ",
                    hex(far),
                    " ELR ",
                    hex(ctx.regs.elr)
                ]);
                return Err(Exit::Dead);
            }
        }
    }
}

/// Turns memory parameters of a calling TA into owned GP parameters (copied
/// in once from its memory).
pub fn params_from_ta(ctx: &Ctx, hw: &dyn UserHw, up: &UteeParams) -> Result<Params, TeeError> {
    let mut params: Params = Default::default();
    for (n, slot) in params.iter_mut().enumerate() {
        let t = up.types[n];
        *slot = match t {
            TEE_PARAM_TYPE_NONE => Param::None,
            1..=3 => params::value_param(t, up.a[n] as u32, up.b[n] as u32),
            _ => {
                let size = usize::try_from(up.b[n]).map_err(|_| TeeError::BAD_PARAMETERS)?;
                let m = if up.a[n] == 0 {
                    // A NULL buffer with a size fails the access check.
                    if size != 0 {
                        return Err(TeeError::ACCESS_DENIED);
                    }
                    Memref::null(size)
                } else {
                    let write = t != TEE_PARAM_TYPE_MEMREF_INPUT;
                    if !ctx.space.check(up.a[n], up.b[n], write) {
                        return Err(TeeError::ACCESS_DENIED);
                    }
                    Memref::new(ctx.space.read_vec(hw, up.a[n], up.b[n])?)
                };
                memref_param(t, m)
            }
        };
    }
    Ok(params)
}

/// Writes a call's outputs back into the calling TA: data into its
/// buffers, values and sizes into its `utee_params` at `up_ptr`.
pub fn params_to_ta(
    ctx: &Ctx,
    hw: &dyn UserHw,
    up_ptr: uptr::UserPtr<supplicant_proto::tee_syscall::UteeParams>,
    up: &UteeParams,
    params: &Params,
) -> Result<(), TeeError> {
    let mut out = *up;
    for (n, p) in params.iter().enumerate() {
        match p {
            Param::ValueOutput { a, b } | Param::ValueInout { a, b } => {
                out.a[n] = u64::from(*a);
                out.b[n] = u64::from(*b);
            }
            Param::MemrefOutput(m) | Param::MemrefInout(m) => {
                out.b[n] = m.size as u64;
                if let Some(buf) = &m.buf {
                    let n_bytes = m.size.min(buf.len());
                    ctx.space.write(hw, up.a[n], &buf[..n_bytes])?;
                }
            }
            _ => {}
        }
    }
    up_ptr.write(&ctx.space, hw, &out.to_abi())
}

/// Page-aligned size helper for the syscall layer.
pub fn pages(bytes: u64) -> Option<u64> {
    page_up(bytes).map(|b| b / PAGE)
}
