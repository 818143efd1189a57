//! The TA system calls (OP-TEE 4.5 numbers and conventions): number in x8,
//! arguments in x0..x7, `TEE_Result` in x0. Every pointer a TA passes is
//! checked against its own mappings and copied once.

use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use oxtee_log_line::{hex, pieces, Piece};
use supplicant_proto::tee_error::{Origin, TeeError};

use oxtee_pta::{ClientIdentity, Params, Uuid};

use supplicant_proto::tee_result::*;
use supplicant_proto::tee_syscall::*;

use super::params::UteeParams;
use super::space::Use;
use super::uptr::{UserPtr, UserSlice};
use super::{Ctx, Cx, Flow, Instance, Session, Target};

/// The ABI layout of `struct utee_params`.
type AbiParams = supplicant_proto::tee_syscall::UteeParams;

/// Log every system call (debugging aid).
const TRACE: bool = false;
/// Longest TA log line copied (longer ones are cut).
const MAX_LOG: u64 = 1024;
/// Slice of a `TEE_Wait` between two looks at the cancellation flag.
const WAIT_SLICE_MS: u64 = 100;
/// `TEE_TIMEOUT_INFINITE`.
const TIMEOUT_INFINITE: u64 = 0xffff_ffff;

/// Handles the system call the TA just made; its arguments and result are
/// in `ctx.regs`.
pub fn dispatch(
    cx: &mut Cx<'_>,
    inst: &Arc<Instance>,
    ctx: &mut Ctx,
    session: &Arc<Session>,
) -> Flow {
    let a = ctx.regs.x;
    let Ok(nr) = Sysnum::try_from(a[8]) else {
        return done(ctx, TEE_ERROR_NOT_SUPPORTED);
    };
    let r: Result<(), TeeError> = match nr {
        Sysnum::Return => return Flow::Return(a[0]),
        Sysnum::Panic => {
            cx.hw.log(pieces!["TA panicked with code ", hex(a[0])]);
            return Flow::Kill;
        }
        Sysnum::Log => {
            let line = UserSlice::new(a[0], a[1]).prefix(MAX_LOG);
            if let Ok(text) = line.read(&ctx.space, cx.hw) {
                // The TA's bytes as they are, less the line end the console adds.
                let end = text
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace())
                    .map_or(0, |i| i + 1);
                cx.hw.log(&[Piece::Bytes(&text[..end])]);
            }
            Ok(())
        }
        Sysnum::GetProperty => get_property(cx, inst, ctx, session, &a),
        Sysnum::GetPropertyNameToIndex => name_to_index(cx, inst, ctx, session, &a),
        Sysnum::OpenTaSession => open_ta_session(cx, inst, ctx, &a),
        Sysnum::CloseTaSession => {
            let id = a[0] as u32;
            ctx.children.retain(|c| *c != id);
            super::close_session(cx, id, Some(inst.id))
        }
        Sysnum::InvokeTaCommand => invoke_ta_command(cx, inst, ctx, &a),
        Sysnum::CheckAccessRights => check_access_rights(ctx, a[0], a[1], a[2]),
        Sysnum::GetCancellationFlag => put_u32(
            cx,
            ctx,
            a[0],
            u32::from(session.cancelled(cx.hw.counter().0)),
        ),
        Sysnum::UnmaskCancellation | Sysnum::MaskCancellation => {
            let old = session.cancel_masked.load(Ordering::Relaxed);
            put_u32(cx, ctx, a[0], u32::from(old)).map(|()| {
                session
                    .cancel_masked
                    .store(nr == Sysnum::MaskCancellation, Ordering::Relaxed)
            })
        }
        Sysnum::Wait => wait(cx, session, a[0]),
        Sysnum::GetTime => get_time(cx, inst, ctx, a[0], a[1]),
        Sysnum::SetTaTime => set_ta_time(cx, inst, ctx, a[0]),
        Sysnum::CrypRandomNumberGenerate => random(cx, ctx, a[0], a[1]),
        nr if super::storage::handles(nr, &ctx.crypto, &a) => {
            super::storage::dispatch(cx, inst, ctx, nr, &a)
        }
        nr if super::crypto::handles(nr) => match super::crypto::dispatch(cx, inst, ctx, nr, &a) {
            super::crypto::Outcome::Done(r) => r,
            super::crypto::Outcome::Panic => return Flow::Kill,
        },
        // Cache maintenance comes with its own work; the deprecated SE API
        // is gone in 4.5.
        _ => {
            // The number, as OP-TEE logs it: the names would put 2 KB of
            // strings in the image for this one line.
            cx.hw
                .log(pieces!["TA system call ", u32::from(nr), " not supported"]);
            Err(TeeError::NOT_SUPPORTED)
        }
    };
    let code = match r {
        Ok(()) => TEE_SUCCESS,
        Err(e) => e.code(),
    };
    if TRACE {
        cx.hw.log(pieces![
            "TA syscall ",
            nr.name(),
            " (",
            hex(a[0]),
            ", ",
            hex(a[1]),
            ", ",
            hex(a[2]),
            ", ",
            hex(a[3]),
            ", ",
            hex(a[4]),
            ", ",
            hex(a[5]),
            ", ",
            hex(a[6]),
            ") -> ",
            hex(code)
        ]);
    }
    done(ctx, code)
}

fn done(ctx: &mut Ctx, code: u32) -> Flow {
    ctx.regs.x[0] = u64::from(code);
    Flow::Continue
}

/// Writes a `uint32_t *` out-argument.
fn put_u32(cx: &Cx<'_>, ctx: &Ctx, va: u64, v: u32) -> Result<(), TeeError> {
    UserPtr::<u32>::new(va).write(&ctx.space, cx.hw, &v)
}

/// `TEE_CheckMemoryAccessRights`: the range must be mapped with the asked
/// rights; without `ANY_OWNER` it must not be memory shared by a client;
/// `SECURE`/`NONSECURE` ask where it comes from.
fn check_access_rights(ctx: &Ctx, flags: u64, va: u64, len: u64) -> Result<(), TeeError> {
    let flags = flags as u32;
    let write = flags & TEE_MEMORY_ACCESS_WRITE != 0;
    if flags & (TEE_MEMORY_ACCESS_SECURE | TEE_MEMORY_ACCESS_NONSECURE)
        == (TEE_MEMORY_ACCESS_SECURE | TEE_MEMORY_ACCESS_NONSECURE)
    {
        return Err(TeeError::BAD_PARAMETERS);
    }
    if len == 0 {
        return Ok(());
    }
    // Every stretch must be of a kind of memory the flags accept.
    ctx.space.walk_ta(va, len, write, |usage| {
        let shared = matches!(usage, Use::Param { .. });
        let nonsecure = matches!(usage, Use::Param { nonsecure: true });
        let denied = (shared && flags & TEE_MEMORY_ACCESS_ANY_OWNER == 0)
            || (nonsecure && flags & TEE_MEMORY_ACCESS_SECURE != 0)
            || (!nonsecure && flags & TEE_MEMORY_ACCESS_NONSECURE != 0);
        if denied {
            Err(TeeError::ACCESS_DENIED)
        } else {
            Ok(())
        }
    })
}

/// `TEE_Wait`: sleeps in the normal world in slices, ending early with
/// `TEE_ERROR_CANCEL` when the session is cancelled (and unmasked).
fn wait(cx: &mut Cx<'_>, session: &Arc<Session>, timeout: u64) -> Result<(), TeeError> {
    let (start, freq) = cx.hw.counter();
    let ms_since =
        |now: u64| (now.wrapping_sub(start) as u128 * 1000 / u128::from(freq.max(1))) as u64;
    loop {
        if session.cancelled(cx.hw.counter().0) {
            return Err(TeeError::CANCEL);
        }
        let elapsed = ms_since(cx.hw.counter().0);
        if timeout != TIMEOUT_INFINITE && elapsed >= timeout {
            return Ok(());
        }
        let left = if timeout == TIMEOUT_INFINITE {
            WAIT_SLICE_MS
        } else {
            (timeout - elapsed).min(WAIT_SLICE_MS)
        };
        cx.suspend(left as u32)?;
    }
}

/// System time from the generic counter: (seconds, milliseconds).
pub fn system_time(cx: &Cx<'_>) -> (u64, u32) {
    let (cnt, freq) = cx.hw.counter();
    let freq = freq.max(1);
    (cnt / freq, ((cnt % freq) * 1000 / freq) as u32)
}

fn put_time(cx: &Cx<'_>, ctx: &Ctx, va: u64, secs: u64, millis: u32) -> Result<(), TeeError> {
    let t = TeeTime {
        seconds: secs as u32,
        millis,
    };
    UserPtr::<TeeTime>::new(va).write(&ctx.space, cx.hw, &t)
}

fn get_time(
    cx: &mut Cx<'_>,
    inst: &Instance,
    ctx: &Ctx,
    cat: u64,
    va: u64,
) -> Result<(), TeeError> {
    // The whole register is the category: no truncation.
    let Ok(cat) = u32::try_from(cat) else {
        return Err(TeeError::BAD_PARAMETERS);
    };
    match cat {
        UTEE_TIME_CAT_SYSTEM => {
            let (s, ms) = system_time(cx);
            put_time(cx, ctx, va, s, ms)
        }
        UTEE_TIME_CAT_TA_PERSISTENT => {
            let offset =
                cx.k.users
                    .ta_time
                    .lock()
                    .iter()
                    .find(|(u, _)| *u == inst.uuid)
                    .map(|(_, o)| *o)
                    .ok_or(TeeError::TIME_NOT_SET)?;
            let (s, ms) = system_time(cx);
            let now = (s as i64) * 1000 + i64::from(ms) + offset;
            let secs = now.div_euclid(1000);
            let millis = now.rem_euclid(1000) as u32;
            if !(0..=i64::from(u32::MAX)).contains(&secs) {
                // The time does not fit TEE_Time: report it truncated, as GP asks.
                put_time(cx, ctx, va, secs as u64, millis)?;
                return Err(TeeError::OVERFLOW);
            }
            put_time(cx, ctx, va, secs as u64, millis)
        }
        UTEE_TIME_CAT_REE => {
            let (s, ns) = crate::rpc::get_ree_time(cx.rpc, cx.mem)?;
            put_time(cx, ctx, va, s, (ns / 1_000_000) as u32)
        }
        _ => Err(TeeError::BAD_PARAMETERS),
    }
}

fn set_ta_time(cx: &mut Cx<'_>, inst: &Instance, ctx: &Ctx, va: u64) -> Result<(), TeeError> {
    let TeeTime {
        seconds: secs,
        millis,
    } = UserPtr::<TeeTime>::new(va).read(&ctx.space, cx.hw)?;
    if millis >= 1000 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let (s, ms) = system_time(cx);
    let offset = i64::from(secs) * 1000 + i64::from(millis) - ((s as i64) * 1000 + i64::from(ms));
    let mut t = cx.k.users.ta_time.lock();
    match t.iter_mut().find(|(u, _)| *u == inst.uuid) {
        Some(e) => e.1 = offset,
        None => t.push((inst.uuid, offset)),
    }
    Ok(())
}

fn random(cx: &Cx<'_>, ctx: &Ctx, va: u64, len: u64) -> Result<(), TeeError> {
    let out = UserSlice::new(va, len).writable(&ctx.space)?;
    let mut chunk = [0u8; 256];
    for piece in out.chunks(chunk.len() as u64) {
        let bytes = &mut chunk[..piece.len() as usize];
        cx.hw.random(bytes).map_err(|_| TeeError::GENERIC)?;
        piece.write(&ctx.space, cx.hw, bytes)?;
    }
    Ok(())
}

/// A `cancellationRequestTimeout` in ms (`None` for infinite).
fn timeout(to: u64) -> Option<u64> {
    (to as u32 != TIMEOUT_INFINITE as u32).then_some(u64::from(to as u32))
}

/// A `struct utee_params *` argument, decoded: its pointer (checked
/// writable, as the call's outputs go back into it) and its contents.
type ParamsArg = Option<(UserPtr<AbiParams>, UteeParams)>;

fn decode_params(cx: &Cx<'_>, ctx: &Ctx, va: u64) -> Result<ParamsArg, TeeError> {
    let Some(p) = UserPtr::<AbiParams>::optional(va) else {
        return Ok(None);
    };
    let up = UteeParams::from_abi(&p.read(&ctx.space, cx.hw)?)?;
    Ok(Some((p.writable(&ctx.space)?, up)))
}

/// The values of a decoded parameters argument (all `NONE` without one).
fn param_values(p: &ParamsArg) -> UteeParams {
    p.map(|(_, up)| up).unwrap_or_default()
}

/// Decodes an optional `uint32_t *ret_orig`: checked writable, not written.
fn decode_origin(ctx: &Ctx, va: u64) -> Result<Option<UserPtr<u32>>, TeeError> {
    UserPtr::optional(va)
        .map(|p| p.writable(&ctx.space))
        .transpose()
}

fn encode_origin(
    cx: &Cx<'_>,
    ctx: &Ctx,
    p: Option<UserPtr<u32>>,
    origin: u32,
) -> Result<(), TeeError> {
    match p {
        Some(p) => p.write(&ctx.space, cx.hw, &origin),
        None => Ok(()),
    }
}

/// `_utee_open_ta_session(dest, cancel_req_to, params, sess, ret_orig)`.
/// Decoded in full (every out-pointer checked writable) before anything is
/// opened; nothing is written to the TA before the outcome is known.
fn open_ta_session(
    cx: &mut Cx<'_>,
    inst: &Arc<Instance>,
    ctx: &mut Ctx,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    // Decode.
    let dest = UserPtr::<[u8; 16]>::new(a[0]).read(&ctx.space, cx.hw)?;
    let dest = super::uuid::from_tee_struct(dest);
    let up = decode_params(cx, ctx, a[2])?;
    let sess = UserPtr::<u32>::new(a[3]).writable(&ctx.space)?;
    let orig = decode_origin(ctx, a[4])?;
    // Invoke.
    let client = ClientIdentity {
        login: TEE_LOGIN_TRUSTED_APP,
        uuid: Uuid(inst.uuid),
    };
    let values = param_values(&up);
    let mut params = super::params_from_ta(ctx, cx.hw, &values);
    let r = params.as_mut().map_err(|f| *f).and_then(|params| {
        let r = if cx.k.ptas.find(&Uuid(dest)).is_some() {
            super::system::open_pta(cx, ctx, dest, client, inst.id, params)
        } else {
            cx.timeout_ms = timeout(a[1]);
            super::open_session(cx, dest, client, Some(inst.id), params)
        };
        cx.timeout_ms = None;
        r
    });
    // Encode.
    match r {
        Ok(id) => {
            ctx.children.push(id);
            if let (Some((p, up)), Ok(params)) = (up, &params) {
                super::params_to_ta(ctx, cx.hw, p, &up, params)?;
            }
            sess.write(&ctx.space, cx.hw, &id)?;
            encode_origin(cx, ctx, orig, TEE_ORIGIN_TRUSTED_APP)
        }
        Err(e) => {
            if let (Some((p, up)), Ok(params)) = (up, &params) {
                if e.origin() == Origin::TrustedApp {
                    let _ = super::params_to_ta(ctx, cx.hw, p, &up, params);
                }
            }
            encode_origin(cx, ctx, orig, e.origin().value())?;
            Err(e)
        }
    }
}

/// `_utee_invoke_ta_command(sess, cancel_req_to, cmd, params, ret_orig)`.
/// As for opening: decode (the session must be the caller's), invoke,
/// then write the outcome.
fn invoke_ta_command(
    cx: &mut Cx<'_>,
    inst: &Arc<Instance>,
    ctx: &mut Ctx,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    // Decode.
    let (id, cmd) = (a[0] as u32, a[2] as u32);
    let orig = decode_origin(ctx, a[4])?;
    let up = decode_params(cx, ctx, a[3])?;
    let session =
        cx.k.users
            .session(id, Some(inst.id))
            .ok_or(TeeError::BAD_PARAMETERS)?;
    // Invoke.
    let values = param_values(&up);
    let mut params: Result<Params, TeeError> = super::params_from_ta(ctx, cx.hw, &values);
    let r = params.as_mut().map_err(|f| *f).and_then(|params| {
        let r = match &session.target {
            Target::Pta { id: pid } => {
                let pta = (*pid, inst.id, &session.client);
                super::system::invoke_pta(cx, ctx, &values, pta, cmd, params)
            }
            Target::User(_) => {
                cx.timeout_ms = timeout(a[1]);
                super::invoke(cx, id, Some(inst.id), cmd, params)
            }
        };
        cx.timeout_ms = None;
        r
    });
    // Encode.
    let (code, origin) = match &r {
        Ok(()) => (TEE_SUCCESS, TEE_ORIGIN_TRUSTED_APP),
        Err(e) => (e.code(), e.origin().value()),
    };
    if let (Some((p, up)), Ok(params)) = (up, &params) {
        if code == TEE_SUCCESS || code == TEE_ERROR_SHORT_BUFFER || origin == TEE_ORIGIN_TRUSTED_APP
        {
            super::params_to_ta(ctx, cx.hw, p, &up, params)?;
        }
    }
    encode_origin(cx, ctx, orig, origin)?;
    r
}

fn get_property(
    cx: &mut Cx<'_>,
    inst: &Instance,
    ctx: &Ctx,
    session: &Session,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    super::props_glue::get_property(cx, inst, ctx, session, a)
}

fn name_to_index(
    cx: &mut Cx<'_>,
    inst: &Instance,
    ctx: &Ctx,
    session: &Session,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    super::props_glue::name_to_index(cx, inst, ctx, session, a)
}
