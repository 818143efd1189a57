//! GET_PROPERTY / GET_PROPERTY_NAME_TO_INDEX: the TA's buffers in and out
//! around the property tables of [`super::props`], in OP-TEE's order.

use super::props::{self, PropContext};
use super::{Ctx, Cx, Instance, Session};
use supplicant_proto::tee_result::*;

/// This TEE's device identifier (QEMU `virt` has no per-device identity).
const DEVICE_ID: [u8; 16] = *b"oxtee-qemu-virt\0";
/// Largest property name accepted by NAME_TO_INDEX.
const MAX_NAME: u64 = 256;

fn with_context<R>(inst: &Instance, s: &Session, f: impl FnOnce(&PropContext<'_>) -> R) -> R {
    let ctx = PropContext {
        client_login: s.client.login,
        client_uuid: props::tee_uuid_from_octets(s.client.uuid.0),
        ta_uuid: props::tee_uuid_from_octets(inst.uuid),
        device_id: DEVICE_ID,
        trustedos_version: env!("CARGO_PKG_VERSION"),
        trustedos_binary_version: 1,
    };
    f(&ctx)
}

fn read_u32(cx: &Cx<'_>, ctx: &Ctx, va: u64) -> Result<u32, u32> {
    ctx.space
        .read_u32(cx.hw, va)
        .map_err(|_| TEE_ERROR_ACCESS_DENIED)
}

fn write(cx: &Cx<'_>, ctx: &Ctx, va: u64, bytes: &[u8]) -> Result<(), u32> {
    ctx.space
        .write(cx.hw, va, bytes)
        .map_err(|_| TEE_ERROR_ACCESS_DENIED)
}

/// `(prop_set, index, name, *name_len, buf, *blen, *prop_type)`.
pub(super) fn get_property(
    cx: &mut Cx<'_>,
    inst: &Instance,
    ctx: &Ctx,
    s: &Session,
    a: &[u64; 31],
) -> Result<(), u32> {
    let (set, index, name, name_len, buf, blen, type_va) =
        (a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    with_context(inst, s, |pc| {
        let p = props::lookup(set, index, pc)?;
        // Every out-pointer is optional: all NULL probes whether `index` exists.
        if type_va != 0 {
            write(cx, ctx, type_va, &p.prop_type().to_le_bytes())?;
        }
        if buf != 0 && blen != 0 {
            let r = p.value_reply(read_u32(cx, ctx, blen)?);
            write(cx, ctx, blen, &r.len.to_le_bytes())?;
            match &r.data {
                Some(d) => write(cx, ctx, buf, d)?,
                None => return Err(TEE_ERROR_SHORT_BUFFER),
            }
        }
        if name != 0 && name_len != 0 {
            let r = p.name_reply(read_u32(cx, ctx, name_len)?);
            write(cx, ctx, name_len, &r.len.to_le_bytes())?;
            match &r.data {
                Some(d) => write(cx, ctx, name, d)?,
                None => return Err(TEE_ERROR_SHORT_BUFFER),
            }
        }
        Ok(())
    })
}

/// `(prop_set, name, name_len, *index)`.
pub(super) fn name_to_index(
    cx: &mut Cx<'_>,
    _inst: &Instance,
    ctx: &Ctx,
    _s: &Session,
    a: &[u64; 31],
) -> Result<(), u32> {
    let (set, name, len, index_va) = (a[0], a[1], a[2], a[3]);
    props::name_to_index_precheck(set, name, len)?;
    if len > MAX_NAME {
        return Err(TEE_ERROR_OUT_OF_MEMORY);
    }
    let bytes = ctx
        .space
        .read_vec(cx.hw, name, len)
        .map_err(|_| TEE_ERROR_ACCESS_DENIED)?;
    let index = props::name_to_index(set, &bytes)?;
    write(cx, ctx, index_va, &index.to_le_bytes())
}
