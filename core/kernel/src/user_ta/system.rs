//! Pseudo-TAs called by a user TA: sessions of the PTA registry, plus the
//! system PTA commands that act on the calling instance itself (zero-filled
//! mappings for libutee's bounce buffers, `dlopen`/`dlsym`).

use alloc::sync::Arc;

use oxtee_mm::UserKind;
use oxtee_pta::{ClientIdentity, Param, Params, Uuid};
use supplicant_proto::pta::*;
use supplicant_proto::tee_result::*;

use super::params::{memref, types_of};
use super::space::{page_up, Use, PAGE};
use super::{Ctx, Cx, Failure, Session, Target};

/// An error of a pseudo-TA command: like any TA's, its origin is the TA.
fn pta(code: u32) -> Failure {
    (code, TEE_ORIGIN_TRUSTED_APP)
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
    session: &Arc<Session>,
    cmd: u32,
    params: &mut Params,
) -> Result<(), Failure> {
    if uuid == PTA_SYSTEM_UUID {
        match cmd {
            PTA_SYSTEM_MAP_ZI => return map_zi(cx, ctx, params).map_err(pta),
            PTA_SYSTEM_UNMAP => return unmap(cx, ctx, params).map_err(pta),
            PTA_SYSTEM_DLOPEN => return dlopen(cx, ctx, params).map_err(pta),
            PTA_SYSTEM_DLSYM => return dlsym(ctx, params).map_err(pta),
            PTA_SYSTEM_SUPP_PLUGIN_INVOKE => return supp_plugin(cx, params).map_err(pta),
            _ => {}
        }
    }
    if uuid == PTA_SOCKET_UUID {
        // The instance that opened the session names its sockets.
        let instance = session.caller.ok_or(pta(TEE_ERROR_ACCESS_DENIED))?;
        return super::socket::invoke(cx, instance, cmd, params).map_err(pta);
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

/// `dlopen` flags libdl passes (and the only ones accepted):
/// `RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE`.
const DLOPEN_FLAGS: u32 = 0x2 | 0x100 | 0x1000;

/// A `TEE_UUID` (native layout) from a memref of exactly 16 bytes.
fn uuid_param(p: &Param) -> Result<[u8; 16], u32> {
    let m = memref(p).ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let raw: [u8; 16] = m
        .buf
        .as_deref()
        .filter(|_| m.size == 16)
        .and_then(|b| b.try_into().ok())
        .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    Ok(super::uuid::from_tee_struct(raw))
}

/// `PTA_SYSTEM_DLOPEN`: m0 = library UUID, v1.a = flags. Loads the library
/// and what it needs into the calling instance.
fn dlopen(cx: &mut Cx<'_>, ctx: &mut Ctx, params: &mut Params) -> Result<(), u32> {
    let want = [
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_NONE,
        TEE_PARAM_TYPE_NONE,
    ];
    if types_of(params) != want || value(&params[1]).0 != DLOPEN_FLAGS {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let uuid = uuid_param(&params[0])?;
    if ctx.loaded.modules.iter().any(|m| m.uuid == uuid) {
        return Ok(());
    }
    let k = cx.k;
    let db = super::storage::TaVersionDb { k, hw: cx.hw };
    let versions = db.versions();
    let (rpc, mem) = (&mut *cx.rpc, &mut *cx.mem);
    let mut fetch =
        |u: [u8; 16]| crate::ta_load::load_module(rpc, mem, &k.shm, u, &k.ta_keys, &versions);
    let lib = fetch(uuid)?;
    let hw = cx.hw;
    super::loader::add_modules(
        &mut ctx.loaded,
        alloc::vec![(uuid, lib)],
        &mut fetch,
        &mut ctx.space,
        &k.users.frames,
        hw,
    )
}

/// `PTA_SYSTEM_DLSYM`: m0 = module UUID (NULL or nil: every module), m1 =
/// NUL-terminated symbol name, v2 out = address (hi, lo).
fn dlsym(ctx: &mut Ctx, params: &mut Params) -> Result<(), u32> {
    let want = [
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_VALUE_OUTPUT,
        TEE_PARAM_TYPE_NONE,
    ];
    if types_of(params) != want {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let uuid = match memref(&params[0]) {
        Some(m) if m.buf.is_none() => None,
        _ => Some(uuid_param(&params[0])?).filter(|u| *u != [0; 16]),
    };
    let name = memref(&params[1])
        .and_then(|m| m.buf.as_deref())
        .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let end = name
        .iter()
        .position(|b| *b == 0)
        .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let name = core::str::from_utf8(&name[..end]).map_err(|_| TEE_ERROR_BAD_PARAMETERS)?;
    let va = ctx
        .loaded
        .modules
        .iter()
        .filter(|m| uuid.is_none_or(|u| m.uuid == u))
        .find_map(|m| m.elf.lookup_symbol(name).map(|v| m.base + v))
        .ok_or(TEE_ERROR_ITEM_NOT_FOUND)?;
    params[2] = Param::ValueOutput {
        a: (va >> 32) as u32,
        b: va as u32,
    };
    Ok(())
}

/// Largest data buffer passed to a tee-supplicant plugin.
const MAX_PLUGIN_DATA: usize = 64 * 1024;

/// `PTA_SYSTEM_SUPP_PLUGIN_INVOKE`: m0 = plugin UUID, v1 = (cmd, sub-cmd),
/// m2 = in/out data, v3 out a = bytes the plugin wrote. Forwarded to
/// tee-supplicant with RPC `SUPP_PLUGIN`.
fn supp_plugin(cx: &mut Cx<'_>, params: &mut Params) -> Result<(), u32> {
    use supplicant_proto::optee_msg::*;
    use supplicant_proto::optee_rpc::*;
    let want = [
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_MEMREF_INOUT,
        TEE_PARAM_TYPE_VALUE_OUTPUT,
    ];
    if types_of(params) != want {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let octets = uuid_param(&params[0])?;
    let (cmd, sub_cmd) = value(&params[1]);
    let data = memref(&params[2])
        .map(|m| m.bytes().to_vec())
        .unwrap_or_default();
    if data.len() > MAX_PLUGIN_DATA {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let word = |i: usize| {
        u64::from(u32::from_le_bytes([
            octets[i],
            octets[i + 1],
            octets[i + 2],
            octets[i + 3],
        ]))
    };
    let shm = &cx.k.shm;
    let (out_len, out) =
        crate::supp_buf::with_supp_buf(cx.rpc, cx.mem, shm, data.len() as u64, |rpc, mem, buf| {
            buf.write(mem, shm, &data)?;
            let mut p = [
                OpteeMsgParam {
                    attr: OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
                    u0: u64::from(OPTEE_RPC_SUPP_PLUGIN_INVOKE),
                    u1: word(0),
                    u2: word(4),
                },
                OpteeMsgParam {
                    attr: OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
                    u0: word(8),
                    u1: word(12),
                    u2: u64::from(cmd),
                },
                OpteeMsgParam {
                    attr: OPTEE_MSG_ATTR_TYPE_VALUE_INOUT,
                    u0: u64::from(sub_cmd),
                    u1: 0,
                    u2: 0,
                },
                buf.param(2),
            ];
            crate::rpc::rpc_cmd(rpc, mem, OPTEE_RPC_CMD_SUPP_PLUGIN, &mut p)?;
            let out_len = (p[2].u1 as usize).min(data.len());
            let mut out = alloc::vec![0u8; data.len()];
            buf.read(mem, shm, &mut out)?;
            Ok((out_len, out))
        })?;
    if let Some(m) = super::params::memref_mut(&mut params[2]) {
        if let Some(b) = m.buf.as_mut() {
            b.copy_from_slice(&out);
        }
    }
    params[3] = Param::ValueOutput {
        a: out_len as u32,
        b: 0,
    };
    Ok(())
}
