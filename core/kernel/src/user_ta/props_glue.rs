//! GET_PROPERTY / GET_PROPERTY_NAME_TO_INDEX: the TA's buffers in and out
//! around the property tables of [`super::props`], in OP-TEE's order.

use super::props::{self, PropContext, Reply};
use super::uptr::{UserPtr, UserSlice};
use super::{Ctx, Cx, Instance, Session};
use supplicant_proto::tee_error::TeeError;

/// Largest property name accepted by NAME_TO_INDEX.
const MAX_NAME: u64 = 256;

/// `gpd.tee.deviceID`, derived once from the HUK (`None`: derivation failed).
static DEVICE_ID: spin::Once<Option<[u8; 16]>> = spin::Once::new();

fn device_id(hw: &dyn super::hw::UserHw) -> Result<[u8; 16], TeeError> {
    DEVICE_ID
        .call_once(|| oxtee_crypto::huk::tee_device_id(&hw.hw_unique_key().key).ok())
        .ok_or(TeeError::BAD_STATE)
}

/// The session's property context; `TEE_ERROR_BAD_STATE` (as OP-TEE's
/// deviceID getter) if the device ID cannot be derived.
fn with_context<R>(
    hw: &dyn super::hw::UserHw,
    inst: &Instance,
    s: &Session,
    f: impl FnOnce(&PropContext<'_>) -> Result<R, TeeError>,
) -> Result<R, TeeError> {
    let ctx = PropContext {
        client_login: s.client.login,
        client_uuid: super::uuid::to_tee_struct(s.client.uuid.0),
        ta_uuid: super::uuid::to_tee_struct(inst.uuid),
        device_id: device_id(hw)?,
        trustedos_version: env!("CARGO_PKG_VERSION"),
        trustedos_binary_version: 1,
    };
    f(&ctx)
}

/// One `(buffer, *length)` answer: the length pointer and buffer are
/// checked before anything is written.
struct Answer {
    len: UserPtr<u32>,
    /// Where the data goes (checked writable), when it fits.
    buf: Option<UserSlice>,
    reply: Reply,
}

impl Answer {
    fn decode(
        cx: &Cx<'_>,
        ctx: &Ctx,
        buf: u64,
        len_va: u64,
        reply: impl FnOnce(u32) -> Reply,
    ) -> Result<Self, TeeError> {
        let len = UserPtr::<u32>::new(len_va);
        let reply = reply(len.read(&ctx.space, cx.hw)?);
        len.writable(&ctx.space)?;
        let buf = match &reply.data {
            Some(d) => Some(UserSlice::new(buf, d.len() as u64).writable(&ctx.space)?),
            None => None,
        };
        Ok(Self { len, buf, reply })
    }

    /// Writes the length, then the data or `SHORT_BUFFER`.
    fn encode(&self, cx: &Cx<'_>, ctx: &Ctx) -> Result<(), TeeError> {
        self.len.write(&ctx.space, cx.hw, &self.reply.len)?;
        match (&self.reply.data, self.buf) {
            (Some(d), Some(buf)) => buf.write(&ctx.space, cx.hw, d),
            _ => Err(TeeError::SHORT_BUFFER),
        }
    }

    fn short(&self) -> bool {
        self.reply.data.is_none()
    }
}

/// `(prop_set, index, name, *name_len, buf, *blen, *prop_type)`.
pub(super) fn get_property(
    cx: &mut Cx<'_>,
    inst: &Instance,
    ctx: &Ctx,
    s: &Session,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    let (set, index, name, name_len, buf, blen, type_va) =
        (a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    with_context(cx.hw, inst, s, |pc| {
        let p = props::lookup(set, index, pc)?;
        // Every out-pointer is optional: all NULL probes whether `index`
        // exists. A short value buffer ends the call before the name.
        let ty = UserPtr::<u32>::optional(type_va)
            .map(|t| t.writable(&ctx.space))
            .transpose()?;
        let value = (buf != 0 && blen != 0)
            .then(|| Answer::decode(cx, ctx, buf, blen, |cap| p.value_reply(cap)))
            .transpose()?;
        let name = (name != 0 && name_len != 0 && !value.as_ref().is_some_and(Answer::short))
            .then(|| Answer::decode(cx, ctx, name, name_len, |cap| p.name_reply(cap)))
            .transpose()?;
        if let Some(t) = ty {
            t.write(&ctx.space, cx.hw, &p.prop_type())?;
        }
        if let Some(v) = &value {
            v.encode(cx, ctx)?;
        }
        if let Some(n) = &name {
            n.encode(cx, ctx)?;
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
) -> Result<(), TeeError> {
    let (set, name, len, index_va) = (a[0], a[1], a[2], a[3]);
    props::name_to_index_precheck(set, name, len)?;
    if len > MAX_NAME {
        return Err(TeeError::OUT_OF_MEMORY);
    }
    let bytes = UserSlice::new(name, len)
        .read(&ctx.space, cx.hw)
        .map_err(|_| TeeError::ACCESS_DENIED)?;
    let index = props::name_to_index(set, &bytes)?;
    UserPtr::<u32>::new(index_va).write(&ctx.space, cx.hw, &index)
}
