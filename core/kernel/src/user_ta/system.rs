//! Pseudo-TAs called by a user TA: sessions of the PTA registry, with the
//! calling instance as the PTA's [`Caller`] and this thread's services —
//! RPC, and the instance's address space and modules ([`CallerTa`], what
//! the system PTA acts on).

use oxtee_mm::UserKind;
use oxtee_pta::{
    CallServices, Caller, CallerTa, ClientIdentity, Origin, Params, RpcBuffer, TeeError, Uuid,
};
use supplicant_proto::optee_msg::OpteeMsgParam;

use super::params::UteeParams;
use super::space::{page_up, Space, Use, PAGE};
use super::{Ctx, Cx, Target};
use crate::pta_services::rpc_with_buffer;

/// An error of a pseudo-TA: like any TA's, its origin is the TA.
fn pta(e: TeeError) -> TeeError {
    e.with_origin(Origin::TrustedApp)
}

/// The calling TA instance, as its session records it.
fn caller(instance: u32, client: &ClientIdentity) -> Caller {
    Caller::Ta {
        instance,
        uuid: client.uuid,
    }
}

/// The thread's services for a PTA call of a TA: RPC through `cx`, and
/// the instance itself while it is alive (`ctx`).
struct TaCallServices<'c, 'a> {
    cx: &'c mut Cx<'a>,
    ctx: Option<&'c mut Ctx>,
    /// The TA's own view of the call's parameters (its buffer addresses).
    up: UteeParams,
}

impl CallServices for TaCallServices<'_, '_> {
    fn rpc(
        &mut self,
        cmd: u32,
        params: &mut [OpteeMsgParam],
        buffer: Option<RpcBuffer<'_>>,
    ) -> Result<u32, TeeError> {
        let cx = &mut *self.cx;
        rpc_with_buffer(cx.rpc, cx.mem, &cx.k.shm, cmd, params, buffer)
    }

    fn caller_ta(&mut self) -> Option<&mut dyn CallerTa> {
        if self.ctx.is_some() {
            Some(self)
        } else {
            None
        }
    }
}

/// `[va, va + len)` is writable TA memory that does not stand for
/// normal-world memory (OP-TEE's `WRITE | ANY_OWNER | SECURE` check).
fn secure_writable(space: &Space, va: u64, len: u64) -> bool {
    if va == 0 || !space.check(va, len, true) {
        return false;
    }
    let Some(end) = va.checked_add(len) else {
        return false;
    };
    let mut at = va & !(PAGE - 1);
    while at < end {
        if matches!(
            space.usage_at(at),
            None | Some(Use::Param { nonsecure: true })
        ) {
            return false;
        }
        at += PAGE;
    }
    true
}

impl CallerTa for TaCallServices<'_, '_> {
    fn map_zeroed(&mut self, bytes: u64, pad_before: u64, pad_after: u64) -> Result<u64, TeeError> {
        let (frames, hw) = (&self.cx.k.users.frames, self.cx.hw);
        let ctx = self.ctx.as_deref_mut().ok_or(TeeError::BAD_STATE)?;
        let size = page_up(bytes).ok_or(TeeError::BAD_PARAMETERS)?;
        let before = page_up(pad_before).unwrap_or(0);
        let pads = before + page_up(pad_after).unwrap_or(0);
        let va = ctx
            .space
            .find_free(size + pads)
            .ok_or(TeeError::OUT_OF_MEMORY)?
            + before;
        let f = ctx.space.alloc_frames(frames, hw, size)?;
        if let Err(e) = ctx.space.map(va, f, UserKind::Rw, Use::ZeroFill) {
            let _ = frames.lock().free(f);
            return Err(e);
        }
        Ok(va)
    }

    fn unmap(&mut self, va: u64, bytes: u64) -> Result<(), TeeError> {
        let frames = &self.cx.k.users.frames;
        let ctx = self.ctx.as_deref_mut().ok_or(TeeError::BAD_STATE)?;
        let f = ctx
            .space
            .unmap(va, Some(bytes), Use::ZeroFill)
            .ok_or(TeeError::BAD_PARAMETERS)?;
        let _ = frames.lock().free(f);
        Ok(())
    }

    fn load_library(&mut self, uuid: [u8; 16]) -> Result<(), TeeError> {
        let cx = &mut *self.cx;
        let ctx = self.ctx.as_deref_mut().ok_or(TeeError::BAD_STATE)?;
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
        super::loader::add_modules(
            &mut ctx.loaded,
            alloc::vec![(uuid, lib)],
            &mut fetch,
            &mut ctx.space,
            &k.users.frames,
            cx.hw,
        )
    }

    fn find_symbol(&self, module: Option<[u8; 16]>, name: &str) -> Result<u64, TeeError> {
        let ctx = self.ctx.as_deref().ok_or(TeeError::BAD_STATE)?;
        ctx.loaded
            .modules
            .iter()
            .filter(|m| module.is_none_or(|u| m.uuid == u))
            .find_map(|m| m.elf.lookup_symbol(name).map(|v| m.base + v))
            .ok_or(TeeError::ITEM_NOT_FOUND)
    }

    fn buffer_is_secure_writable(&self, index: usize) -> bool {
        let (Some(ctx), Some(&va), Some(&len)) = (
            self.ctx.as_deref(),
            self.up.a.get(index),
            self.up.b.get(index),
        ) else {
            return false;
        };
        self.up.is_memref(index) && secure_writable(&ctx.space, va, len)
    }
}

/// Opens a PTA session for TA instance `instance` (whose identity is
/// `client`).
pub(super) fn open_pta(
    cx: &mut Cx<'_>,
    ctx: &mut Ctx,
    uuid: [u8; 16],
    client: ClientIdentity,
    instance: u32,
    params: &mut Params,
) -> Result<u32, TeeError> {
    let k = cx.k;
    let mut services = TaCallServices {
        cx,
        ctx: Some(ctx),
        up: UteeParams::default(),
    };
    let id = k
        .ptas
        .open_session(
            &Uuid(uuid),
            &client,
            caller(instance, &client),
            params,
            &mut services,
        )
        .map_err(pta)?;
    let s = k
        .users
        .add_session(Target::Pta { id }, client, Some(instance));
    Ok(s.id)
}

/// Invokes PTA session `pta_session` for the calling TA (`ctx`; `up` its
/// view of the parameters), which opened it as `client`.
pub(super) fn invoke_pta(
    cx: &mut Cx<'_>,
    ctx: &mut Ctx,
    up: &UteeParams,
    (pta_session, instance, client): (u32, u32, &ClientIdentity),
    cmd: u32,
    params: &mut Params,
) -> Result<(), TeeError> {
    let k = cx.k;
    let mut services = TaCallServices {
        cx,
        ctx: Some(ctx),
        up: *up,
    };
    k.ptas
        .invoke(
            pta_session,
            caller(instance, client),
            cmd,
            params,
            &mut services,
        )
        .map_err(pta)
}

/// Closes PTA session `pta_session` of TA instance `instance` (which may
/// be on its way out: the PTA gets no access to its memory).
pub(super) fn close_pta(
    cx: &mut Cx<'_>,
    pta_session: u32,
    instance: u32,
    client: &ClientIdentity,
) -> Result<(), TeeError> {
    let k = cx.k;
    let mut services = TaCallServices {
        cx,
        ctx: None,
        up: UteeParams::default(),
    };
    k.ptas
        .close_session(pta_session, caller(instance, client), &mut services)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user_ta::fake_ta as ta;

    #[test]
    fn key_buffers_must_be_secure_ta_memory() {
        let (_hw, space, _frames) = ta::setup();
        assert!(secure_writable(&space, ta::VA + 0x3000, 32));
        // Never into normal-world memory, unmapped memory or NULL.
        assert!(!secure_writable(&space, ta::NS_VA, 32));
        assert!(!secure_writable(&space, ta::VA + ta::SIZE + 0x10, 32));
        assert!(!secure_writable(&space, 0, 32));
        assert!(!secure_writable(&space, u64::MAX - 8, 32));
    }
}
