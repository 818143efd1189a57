//! Pseudo-TAs called by a user TA: sessions of the PTA registry, plus the
//! system PTA commands that act on the calling instance itself (zero-filled
//! mappings for libutee's bounce buffers, `dlopen`/`dlsym`).

use alloc::sync::Arc;

use oxtee_mm::UserKind;
use oxtee_pta::{ClientIdentity, Param, Params, Uuid};
use supplicant_proto::pta::*;
use supplicant_proto::tee_result::*;

use super::params::types_of;
use super::space::{page_up, Use, PAGE};
use super::{Ctx, Cx, Failure, Session, Target};

fn tee(code: u32) -> Failure {
    (code, TEE_ORIGIN_TEE)
}

/// Opens a PTA session for TA instance `caller`.
pub(super) fn open_pta(
    cx: &mut Cx<'_>,
    uuid: [u8; 16],
    client: ClientIdentity,
    caller: u32,
    params: &mut Params,
) -> Result<u32, Failure> {
    let id =
        cx.k.ptas
            .open_session(&Uuid(uuid), &client, params)
            .map_err(|e| (e.code(), TEE_ORIGIN_TRUSTED_APP))?;
    let s =
        cx.k.users
            .add_session(Target::Pta { id, uuid }, client, Some(caller));
    Ok(s.id)
}

/// Invokes a PTA for the calling TA (`ctx`).
pub(super) fn invoke_pta(
    cx: &mut Cx<'_>,
    ctx: &mut Ctx,
    pta_session: u32,
    uuid: [u8; 16],
    _session: &Arc<Session>,
    cmd: u32,
    params: &mut Params,
) -> Result<(), Failure> {
    if uuid == PTA_SYSTEM_UUID {
        match cmd {
            PTA_SYSTEM_MAP_ZI => return map_zi(cx, ctx, params).map_err(tee),
            PTA_SYSTEM_UNMAP => return unmap(cx, ctx, params).map_err(tee),
            _ => {}
        }
    }
    cx.k.ptas
        .invoke(pta_session, cmd, params)
        .map_err(|e| (e.code(), TEE_ORIGIN_TRUSTED_APP))
}

fn value(p: &Param) -> (u32, u32) {
    match *p {
        Param::ValueInput { a, b } | Param::ValueOutput { a, b } | Param::ValueInout { a, b } => {
            (a, b)
        }
        _ => (0, 0),
    }
}

/// `PTA_SYSTEM_MAP_ZI`: v0 = (bytes, flags), v1 in/out = VA (hi, lo),
/// v2 = (pad before, pad after). Always zeroed read-write memory.
fn map_zi(cx: &mut Cx<'_>, ctx: &mut Ctx, params: &mut Params) -> Result<(), u32> {
    let want = [
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_VALUE_INOUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_NONE,
    ];
    if types_of(params) != want {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let (bytes, flags) = value(&params[0]);
    let (pad_begin, pad_end) = value(&params[2]);
    const SHAREABLE: u32 = 1;
    if flags & !SHAREABLE != 0 || bytes == 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let size = page_up(u64::from(bytes)).ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let pads =
        page_up(u64::from(pad_begin)).unwrap_or(0) + page_up(u64::from(pad_end)).unwrap_or(0);
    let va = ctx
        .space
        .find_free(size + pads)
        .ok_or(TEE_ERROR_OUT_OF_MEMORY)?
        + page_up(u64::from(pad_begin)).unwrap_or(0);
    let f = ctx.space.alloc_frames(&cx.k.users.frames, cx.hw, size)?;
    if let Err(e) = ctx.space.map(va, f, UserKind::Rw, Use::ZeroFill) {
        let _ = cx.k.users.frames.lock().free(f);
        return Err(e);
    }
    params[1] = Param::ValueInout {
        a: (va >> 32) as u32,
        b: va as u32,
    };
    Ok(())
}

/// `PTA_SYSTEM_UNMAP`: v0 = (bytes, 0), v1 = VA (hi, lo).
fn unmap(cx: &mut Cx<'_>, ctx: &mut Ctx, params: &mut Params) -> Result<(), u32> {
    let want = [
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_NONE,
        TEE_PARAM_TYPE_NONE,
    ];
    if types_of(params) != want {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let (bytes, zero) = value(&params[0]);
    let (hi, lo) = value(&params[1]);
    if zero != 0 || bytes == 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let va = (u64::from(hi) << 32) | u64::from(lo);
    if va % PAGE != 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let f = ctx
        .space
        .unmap(va, Some(u64::from(bytes)), Use::ZeroFill)
        .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let _ = cx.k.users.frames.lock().free(f);
    Ok(())
}
