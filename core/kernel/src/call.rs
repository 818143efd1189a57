//! Yielding calls: locate the `optee_msg_arg`, copy it in once, decode,
//! dispatch to shared-memory management or a pseudo-TA session, and write
//! the result back once.

use alloc::vec::Vec;

use crate::user_ta::args::{self, CallParam, CallParams, SharedMemref};
use oxtee_msg::{
    decode, encode_error, encode_result, rpc_arg_offset, Answer, Completion, Dir, ParamOut, Request,
};
use oxtee_pta::{
    Caller, ClientIdentity, Memref, Origin, Param as PtaParam, Params, PtaRegistry, TeeError, Uuid,
};
use oxtee_shm::{NsBuf, PhysMem, ShmRegistry};
use supplicant_proto::optee_msg::{
    OPTEE_MSG_ARG_HEADER_SIZE, OPTEE_MSG_MAX_NUM_PARAMS, OPTEE_MSG_PARAM_SIZE,
};
use supplicant_proto::optee_smc::*;
use supplicant_proto::tee_result::*;

use crate::fast::Regs;
use crate::pta_services::NormalWorldServices;
use crate::rpc::{preemption_point, release_arg_area, Rpc, RpcArgArea};
use crate::user_ta::hw::UserHw;
use crate::user_ta::{Cx, Services, UserTas};

/// Largest `optee_msg_arg` plus the RPC argument that may follow it.
const MAX_ARG_BYTES: usize = 32 + 32 * OPTEE_MSG_MAX_NUM_PARAMS as usize + 160;
/// Page size of the OPTEE_MSG ABI.
const PAGE: u64 = 4096;

/// Sessions and shared memory of the normal world. Shared by all secure
/// threads: each part has its own lock, never held across an RPC.
pub struct Kernel {
    /// Shared memory, PTAs, the TA store and TA instances (what the TA
    /// runtime is lent for each call).
    services: Services,
    /// The machine side of running TAs at S-EL0 (absent: user TAs are
    /// fetched and verified but not run).
    user_hw: Option<&'static dyn UserHw>,
    /// Asynchronous notifications, when offered.
    notif: Option<&'static crate::notif::Notifications>,
}

impl Kernel {
    /// A kernel over `shm` with the pseudo-TAs of `ptas`, trusting TA
    /// signatures that chain to `ta_keys`. Without
    /// [`Kernel::with_user_tas`] user TAs are verified, never run.
    pub fn new(
        shm: ShmRegistry,
        ptas: PtaRegistry,
        ta_keys: Vec<oxtee_ta_verify::RsaPublicKey>,
    ) -> Self {
        Self {
            services: Services::new(shm, ptas, ta_keys, UserTas::new()),
            user_hw: None,
            notif: None,
        }
    }

    /// Runs user TAs on `hw`, with the instances (and frame pool) of `users`.
    pub fn with_user_tas(mut self, hw: &'static dyn UserHw, users: UserTas) -> Self {
        self.services.users = users;
        self.user_hw = Some(hw);
        self
    }

    /// Offers asynchronous notifications through `notif`.
    pub fn with_notifications(mut self, notif: &'static crate::notif::Notifications) -> Self {
        self.notif = Some(notif);
        self
    }

    /// Registered shared memory.
    pub fn shm(&self) -> &spin::Mutex<ShmRegistry> {
        &self.services.shm
    }

    /// Pseudo-TAs and their sessions.
    pub fn ptas(&self) -> &PtaRegistry {
        &self.services.ptas
    }

    /// User TA instances and their sessions.
    pub fn users(&self) -> &UserTas {
        &self.services.users
    }

    /// The same, to be changed before the kernel is shared (boot, tests).
    pub fn users_mut(&mut self) -> &mut UserTas {
        &mut self.services.users
    }

    /// The TA version floors seen so far.
    pub fn ta_versions(&self) -> &crate::ta_load::TaVersions {
        &self.services.ta_versions
    }

    /// What the TA runtime is lent for a call.
    pub fn services(&self) -> &Services {
        &self.services
    }
}

/// Where the argument of a call lives and how much of it may be read.
fn locate_arg(shm: &mut ShmRegistry, fid: u32, regs: &Regs) -> Result<NsBuf, u32> {
    let pa = (regs[1] << 32) | (regs[2] & 0xffff_ffff);
    match fid {
        OPTEE_SMC_CALL_WITH_ARG | OPTEE_SMC_CALL_WITH_RPC_ARG => {
            // OP-TEE maps exactly the page that holds the argument (or
            // the static SHM area): read up to its end.
            let len = if shm.layout().in_static_shm(pa, 32) {
                (MAX_ARG_BYTES as u64).min(
                    shm.layout()
                        .static_shm
                        .as_ref()
                        .map_or(0, |r| r.end)
                        .saturating_sub(pa),
                )
            } else {
                PAGE - (pa % PAGE)
            };
            shm.call_arg(pa, len).map_err(|_| OPTEE_SMC_RETURN_EBADADDR)
        }
        OPTEE_SMC_CALL_WITH_REGD_ARG => {
            let cookie = pa;
            let offs = regs[3] & 0xffff_ffff;
            // The rest of the registered buffer, capped at the largest arg.
            let size = shm.size_of(cookie).ok_or(OPTEE_SMC_RETURN_EBADADDR)?;
            let len = size.checked_sub(offs).ok_or(OPTEE_SMC_RETURN_EBADADDR)?;
            let len = len.min(MAX_ARG_BYTES as u64);
            shm.lookup(cookie, offs, len)
                .map_err(|_| OPTEE_SMC_RETURN_EBADADDR)
        }
        _ => Err(OPTEE_SMC_RETURN_UNKNOWN_FUNCTION),
    }
}

/// Serves a yielding call to completion; returns the normal world's a0..a3.
///
/// `RETURN_FROM_RPC` never reaches this function: the image resumes the
/// suspended thread instead.
pub fn yielding_call(
    k: &Kernel,
    regs: &Regs,
    mem: &mut dyn PhysMem,
    rpc: &mut dyn Rpc,
) -> [u64; 4] {
    let Ok(fid) = u32::try_from(regs[0]) else {
        return [u64::from(OPTEE_SMC_RETURN_UNKNOWN_FUNCTION), 0, 0, 0];
    };
    preemption_point(rpc);
    let argbuf = match locate_arg(&mut k.services.shm.lock(), fid, regs) {
        Ok(b) => b,
        Err(a0) => return [u64::from(a0), 0, 0, 0],
    };
    let has_rpc_arg = fid != OPTEE_SMC_CALL_WITH_ARG;
    let (a0, argbuf) = serve(k, argbuf, has_rpc_arg, mem, rpc);
    if argbuf.cookie().is_some() {
        let _ = k.services.shm.lock().release(argbuf);
    }
    [u64::from(a0), 0, 0, 0]
}

/// Copies the argument in, runs it and writes the result back. Returns the
/// SMC answer and the argument buffer (to be released by the caller).
fn serve(
    k: &Kernel,
    argbuf: NsBuf,
    has_rpc_arg: bool,
    mem: &mut dyn PhysMem,
    rpc: &mut dyn Rpc,
) -> (u32, NsBuf) {
    let Ok(len) = usize::try_from(argbuf.len()) else {
        return (OPTEE_SMC_RETURN_EBADADDR, argbuf);
    };
    let Ok(mut arg) = copy_in_arg(&argbuf, len.min(MAX_ARG_BYTES), mem) else {
        return (OPTEE_SMC_RETURN_EBADADDR, argbuf);
    };
    let req = match decode(&arg) {
        Ok(r) => r,
        Err(e) => {
            let a0 = match e.answer() {
                Answer::Smc(a0) => a0,
                Answer::Ret { .. } => match encode_error(&mut arg, &e) {
                    Ok(_) => write_back(&argbuf, mem, &arg),
                    Err(_) => OPTEE_SMC_RETURN_EBADADDR,
                },
            };
            return (a0, argbuf);
        }
    };
    // The RPC argument follows this call's argument in the same buffer.
    let rpc_offset = oxtee_msg::decode_header(&arg)
        .ok()
        .and_then(|h| rpc_arg_offset(h.num_params))
        .map(|o| o as u64)
        .filter(|o| has_rpc_arg && o + oxtee_msg::RPC_ARG_SIZE as u64 <= argbuf.len());
    let argbuf = match rpc_offset {
        Some(offset) => {
            rpc.set_arg_area(Some(RpcArgArea::Supplied {
                buf: argbuf,
                offset,
            }));
            let completion = execute(k, &req, mem, rpc);
            match release_arg_area(rpc) {
                Some(buf) => (completion, buf),
                None => unreachable_arg(),
            }
        }
        None => {
            // Without an RPC argument in the call's buffer, one is asked for
            // when needed (plain CALL_WITH_ARG, as U-Boot and older kernels
            // make it) and given back before the answer.
            let layout = k.services.shm.lock().layout().clone();
            rpc.set_arg_area(Some(RpcArgArea::OnDemand { layout }));
            let completion = execute(k, &req, mem, rpc);
            release_arg_area(rpc);
            (completion, argbuf)
        }
    };
    let (completion, argbuf) = argbuf;
    let a0 = match encode_result(&mut arg, &req, &completion) {
        Ok(n) => write_back(&argbuf, mem, &arg[..n]),
        Err(_) => OPTEE_SMC_RETURN_EBADADDR,
    };
    (a0, argbuf)
}

/// Copies in the part of the argument the call uses: the header first, then
/// the `num_params` params it announces (the buffer is often a whole page,
/// and a call carries a few params). Each byte is read once; what `decode`
/// then sees is this copy. A header that announces more than `avail` bytes
/// hold gets the `avail` there are, one that announces more params than the
/// ABI allows only itself: `decode` answers both as before.
fn copy_in_arg(argbuf: &NsBuf, avail: usize, mem: &dyn PhysMem) -> Result<ArgCopy, ()> {
    let mut header = [0u8; OPTEE_MSG_ARG_HEADER_SIZE];
    let header = header
        .get_mut(..avail.min(OPTEE_MSG_ARG_HEADER_SIZE))
        .ok_or(())?;
    argbuf.read_at(mem, 0, header).map_err(|_| ())?;
    let used = match oxtee_msg::decode_header(header) {
        Ok(h) => oxtee_msg::arg_size(h.num_params)
            .unwrap_or(avail)
            .min(avail),
        Err(_) => header.len(),
    }
    .max(header.len());
    let mut arg = ArgCopy::zeroed(used)?;
    let (head, rest) = arg.split_at_mut(header.len());
    head.copy_from_slice(header);
    if !rest.is_empty() {
        argbuf
            .read_at(mem, header.len() as u64, rest)
            .map_err(|_| ())?;
    }
    Ok(arg)
}

/// Bytes an argument with the meta params of OPEN_SESSION and four TA
/// params takes: such copies stay on the stack.
const SHORT_ARG: usize = OPTEE_MSG_ARG_HEADER_SIZE + 6 * OPTEE_MSG_PARAM_SIZE;

/// The core's copy of a call's argument: on the stack for the usual sizes,
/// on the heap for long ones (the size difference is the point).
#[allow(clippy::large_enum_variant)]
enum ArgCopy {
    Short([u8; SHORT_ARG], usize),
    Long(Vec<u8>),
}

impl ArgCopy {
    /// `len` zero bytes.
    fn zeroed(len: usize) -> Result<Self, ()> {
        if len <= SHORT_ARG {
            return Ok(Self::Short([0; SHORT_ARG], len));
        }
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|_| ())?;
        v.resize(len, 0);
        Ok(Self::Long(v))
    }
}

impl core::ops::Deref for ArgCopy {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Self::Short(b, len) => &b[..*len],
            Self::Long(v) => v,
        }
    }
}

impl core::ops::DerefMut for ArgCopy {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Self::Short(b, len) => &mut b[..*len],
            Self::Long(v) => v,
        }
    }
}

/// The RPC area installed for a call is taken back by the same call; an
/// `Rpc` implementation that loses it is a bug in the image.
fn unreachable_arg() -> ! {
    panic!("RPC argument area lost during a call")
}

fn write_back(argbuf: &NsBuf, mem: &mut dyn PhysMem, bytes: &[u8]) -> u32 {
    match argbuf.write_at(mem, 0, bytes) {
        Ok(()) => OPTEE_SMC_RETURN_OK,
        Err(_) => OPTEE_SMC_RETURN_EBADADDR,
    }
}

fn status(ret: u32, origin: u32) -> Completion {
    Completion::status(ret, origin)
}

/// The completion of a failed call: its code and who reports it.
fn failed(e: TeeError) -> Completion {
    status(e.code(), e.origin().value())
}

/// Runs a decoded request.
fn execute(k: &Kernel, req: &Request, mem: &mut dyn PhysMem, rpc: &mut dyn Rpc) -> Completion {
    match *req {
        Request::RegisterShm {
            shm_ref,
            buf_ptr,
            size,
            page_offset,
            ..
        } => {
            let mut shm = k.services.shm.lock();
            let r = shm
                .read_page_list(mem, buf_ptr | page_offset, size)
                .and_then(|(pages, offset)| shm.register(shm_ref, pages, offset, size));
            match r {
                Ok(()) => status(TEE_SUCCESS, TEE_ORIGIN_TEE),
                Err(e) => status(e.tee_result(), TEE_ORIGIN_TEE),
            }
        }
        Request::UnregisterShm { shm_ref } => match k.services.shm.lock().unregister(shm_ref) {
            Ok(()) => status(TEE_SUCCESS, TEE_ORIGIN_TEE),
            Err(e) => status(e.tee_result(), TEE_ORIGIN_TEE),
        },
        Request::OpenSession {
            uuid,
            client_uuid,
            login,
            ref params,
            ..
        } => {
            let client = ClientIdentity {
                login,
                uuid: Uuid(client_uuid),
            };
            if k.services.ptas.find(&Uuid(uuid)).is_none() {
                let Some(hw) = k.user_hw else {
                    return verify_only(k, uuid, mem, rpc);
                };
                return with_params(k, mem, rpc, params.slots(), |k, mem, rpc, p| {
                    let mut cx = Cx::new(&k.services, hw, mem, rpc);
                    crate::user_ta::open_session_with(&mut cx, uuid, client, None, p)
                        .map(|id| (id, Origin::TrustedApp))
                });
            }
            with_params(k, mem, rpc, params.slots(), |k, mem, rpc, p| {
                with_copies(mem, p, |mem, p| {
                    let mut services = NormalWorldServices {
                        rpc,
                        mem,
                        shm: &k.services.shm,
                    };
                    k.services
                        .ptas
                        .open_session(&Uuid(uuid), &client, Caller::NormalWorld, p, &mut services)
                        .map(|id| (id, Origin::Tee))
                        .map_err(pta_failure)
                })
            })
        }
        Request::InvokeCommand {
            session,
            func,
            ref params,
            ..
        } => match k.user_hw.filter(|_| k.services.users.has_session(session)) {
            Some(hw) => with_params(k, mem, rpc, params.slots(), |k, mem, rpc, p| {
                let mut cx = Cx::new(&k.services, hw, mem, rpc);
                crate::user_ta::invoke_with(&mut cx, session, None, func, p)
                    .map(|()| (session, Origin::TrustedApp))
            })
            .without_session(),
            None => with_params(k, mem, rpc, params.slots(), |k, mem, rpc, p| {
                with_copies(mem, p, |mem, p| {
                    let mut services = NormalWorldServices {
                        rpc,
                        mem,
                        shm: &k.services.shm,
                    };
                    k.services
                        .ptas
                        .invoke(session, Caller::NormalWorld, func, p, &mut services)
                        .map(|()| (session, Origin::TrustedApp))
                        .map_err(pta_failure)
                })
            })
            .without_session(),
        },
        Request::CloseSession { session } => {
            match k.user_hw.filter(|_| k.services.users.has_session(session)) {
                Some(hw) => {
                    let mut cx = Cx::new(&k.services, hw, mem, rpc);
                    match crate::user_ta::close_session(&mut cx, session, None) {
                        Ok(()) => status(TEE_SUCCESS, TEE_ORIGIN_TEE),
                        Err(e) => failed(e),
                    }
                }
                None => {
                    let mut services = NormalWorldServices {
                        rpc,
                        mem,
                        shm: &k.services.shm,
                    };
                    match k
                        .services
                        .ptas
                        .close_session(session, Caller::NormalWorld, &mut services)
                    {
                        Ok(()) => status(TEE_SUCCESS, TEE_ORIGIN_TEE),
                        Err(e) => failed(e),
                    }
                }
            }
        }
        Request::Cancel { session, .. } => {
            // Pseudo-TA calls run to completion: only user TAs see it.
            if k.services.users.cancel(session) || k.services.ptas.has_session(session) {
                status(TEE_SUCCESS, TEE_ORIGIN_TEE)
            } else {
                status(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE)
            }
        }
        // No secure driver defers work to a bottom half yet: the call that
        // carries it has nothing more to do.
        Request::DoBottomHalf => match k.notif {
            Some(_) => status(TEE_SUCCESS, TEE_ORIGIN_TEE),
            None => status(TEE_ERROR_NOT_SUPPORTED, TEE_ORIGIN_TEE),
        },
        Request::StopAsyncNotif => match k.notif {
            Some(n) => {
                n.stop();
                status(TEE_SUCCESS, TEE_ORIGIN_TEE)
            }
            None => status(TEE_ERROR_NOT_SUPPORTED, TEE_ORIGIN_TEE),
        },
    }
}

/// A PTA's error with the origin OP-TEE reports for it.
fn pta_failure(e: TeeError) -> TeeError {
    if e.is(TeeError::ITEM_NOT_FOUND) {
        e.with_origin(Origin::Tee)
    } else {
        e.with_origin(Origin::TrustedApp)
    }
}

/// Without a way to run TAs (host builds): the TA is fetched and verified
/// (signature, UUID, ELF), then refused with `TEE_ERROR_NOT_IMPLEMENTED`; a
/// TA that fails a check gets OP-TEE's code.
fn verify_only(k: &Kernel, uuid: [u8; 16], mem: &mut dyn PhysMem, rpc: &mut dyn Rpc) -> Completion {
    let versions = crate::ta_load::Versions {
        cache: &k.services.ta_versions,
        store: None,
    };
    match crate::ta_load::load_ta(
        rpc,
        mem,
        &k.services.shm,
        uuid,
        &k.services.ta_keys,
        &versions,
    ) {
        Ok(_) => status(TEE_ERROR_NOT_IMPLEMENTED, TEE_ORIGIN_TEE),
        Err(e) => failed(e),
    }
}

trait WithoutSession {
    fn without_session(self) -> Self;
}
impl WithoutSession for Completion {
    fn without_session(mut self) -> Self {
        self.session = 0;
        self
    }
}

/// Turns the message params into call params (memrefs as validated views
/// on the normal world's memory, nothing copied), runs `f`, and turns the
/// result into a [`Completion`]; the views are given back afterwards, on
/// every path.
fn with_params(
    k: &Kernel,
    mem: &mut dyn PhysMem,
    rpc: &mut dyn Rpc,
    slots: &[oxtee_msg::Param; 4],
    f: impl FnOnce(
        &Kernel,
        &mut dyn PhysMem,
        &mut dyn Rpc,
        &mut CallParams,
    ) -> Result<(u32, Origin), TeeError>,
) -> Completion {
    let mut params: CallParams = Default::default();
    let mut refused = None;
    for (i, slot) in slots.iter().enumerate() {
        match to_call_param(k, slot) {
            Ok(p) => params[i] = p,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let completion = match refused {
        Some(e) => failed(e),
        None => {
            // No lock is held here: a pending normal-world interrupt may
            // come in before and after the call runs.
            preemption_point(rpc);
            let r = f(k, mem, rpc, &mut params);
            preemption_point(rpc);
            let (ret, origin, session) = match r {
                Ok((session, origin)) => (TEE_SUCCESS, origin.value(), session),
                Err(e) => (e.code(), e.origin().value(), 0),
            };
            let mut c = status(ret, origin);
            c.session = session;
            for (i, (slot, p)) in slots.iter().zip(params.iter()).enumerate() {
                c.outputs[i] = output_of(slot, p);
            }
            c
        }
    };
    for p in params {
        if let CallParam::Shared(s) = p {
            if s.view.cookie().is_some() {
                let _ = k.services.shm.lock().release(s.view);
            }
        }
    }
    completion
}

/// Runs a pseudo-TA on copies of the shared buffers (read in once), and
/// writes its output bytes back on success; sizes and values always.
fn with_copies(
    mem: &mut dyn PhysMem,
    params: &mut CallParams,
    f: impl FnOnce(&mut dyn PhysMem, &mut Params) -> Result<(u32, Origin), TeeError>,
) -> Result<(u32, Origin), TeeError> {
    let mut copies = args::copy_in(params, mem)?;
    let r = f(mem, &mut copies);
    args::copy_out(params, copies, mem, r.is_ok()).map_err(|e| e.with_origin(Origin::Tee))?;
    r
}

fn is_output(p: &oxtee_msg::Param) -> bool {
    match p {
        oxtee_msg::Param::Value { dir, .. }
        | oxtee_msg::Param::Tmem { dir, .. }
        | oxtee_msg::Param::Rmem { dir, .. } => dir.is_output(),
        oxtee_msg::Param::None => false,
    }
}

/// What to write back for one param.
fn output_of(slot: &oxtee_msg::Param, p: &CallParam) -> ParamOut {
    if !is_output(slot) {
        return ParamOut::Unchanged;
    }
    match p {
        CallParam::Gp(PtaParam::ValueOutput { a, b } | PtaParam::ValueInout { a, b }) => {
            ParamOut::Value {
                a: u64::from(*a),
                b: u64::from(*b),
            }
        }
        CallParam::Gp(PtaParam::MemrefOutput(m) | PtaParam::MemrefInout(m)) => {
            ParamOut::Size(m.size as u64)
        }
        CallParam::Shared(s) if s.is_output() => ParamOut::Size(s.size as u64),
        _ => ParamOut::Unchanged,
    }
}

/// One message param as a call param: values as they are, memory params
/// as validated views (a registered buffer stays in use until the view is
/// released), NULL memrefs with their size.
fn to_call_param(k: &Kernel, slot: &oxtee_msg::Param) -> Result<CallParam, TeeError> {
    use oxtee_msg::Param as M;
    let (dir, view, size) = match *slot {
        M::None => return Ok(CallParam::Gp(PtaParam::None)),
        M::Value { dir, a, b, .. } => {
            // GP values are 32-bit: OP-TEE passes the low halves.
            let (a, b) = (a as u32, b as u32);
            let p = match dir {
                Dir::In => PtaParam::ValueInput { a, b },
                Dir::Out => PtaParam::ValueOutput { a, b },
                Dir::InOut => PtaParam::ValueInout { a, b },
            };
            return Ok(CallParam::Gp(p));
        }
        M::Tmem {
            dir,
            buf_ptr: 0,
            size,
            ..
        } => (dir, None, size),
        M::Tmem {
            dir,
            buf_ptr,
            size,
            noncontig: false,
            ..
        } => {
            let v = k
                .services
                .shm
                .lock()
                .contiguous(buf_ptr, size)
                .map_err(|e| TeeError::from_code(e.tee_result()))?;
            (dir, Some(v), size)
        }
        M::Tmem { .. } => return Err(TeeError::BAD_PARAMETERS),
        M::Rmem {
            dir,
            offs,
            size,
            shm_ref,
        } => {
            let v = k
                .services
                .shm
                .lock()
                .lookup(shm_ref, offs, size)
                .map_err(|e| TeeError::from_code(e.tee_result()))?;
            (dir, Some(v), size)
        }
    };
    let ty = match dir {
        Dir::In => TEE_PARAM_TYPE_MEMREF_INPUT,
        Dir::Out => TEE_PARAM_TYPE_MEMREF_OUTPUT,
        Dir::InOut => TEE_PARAM_TYPE_MEMREF_INOUT,
    };
    let Ok(size) = usize::try_from(size) else {
        if let Some(v) = view {
            let _ = k.services.shm.lock().release(v);
        }
        return Err(TeeError::BAD_PARAMETERS);
    };
    Ok(match view {
        None => CallParam::Gp(crate::user_ta::params::memref_param(ty, Memref::null(size))),
        Some(view) => CallParam::Shared(SharedMemref { ty, view, size }),
    })
}
