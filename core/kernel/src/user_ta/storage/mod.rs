//! GlobalPlatform persistent objects: the storage system calls
//! (`TEE_SCN_STORAGE_*`, OP-TEE 4.5 numbers and error codes) over an
//! `oxtee-storage` backend.
//!
//! A persistent object is an object handle like a transient one (the
//! crypto module's table), with a [`Persist`] part: the open file, its
//! data position and size, and the access flags it was opened with. The
//! crypto calls that behave differently on a persistent object (info,
//! restrict usage, close, reset, populate, generate, copy) come here.
//!
//! One store serves every thread; a call holds it across its RPCs under a
//! sleeping lock ([`lock`]). TAs see only their own objects: the TA's UUID
//! keys the store.

mod calls;
mod enumerate;
mod format;
pub mod lock;
mod pobj;
pub mod rpc_fs;
mod rpc_rpmb;
#[cfg(test)]
mod tests;

use alloc::boxed::Box;

use core::cell::RefCell;

use oxtee_storage::{
    AllAnchors, Entropy, Env, FileId, ObjectStore, ReeStore, RollbackAnchor, RpmbStore, TaUuid,
};
use supplicant_proto::pta::TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT;
use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_storage::*;
use supplicant_proto::tee_syscall::Sysnum;

use super::crypto::CryptoState;
use super::hw::UserHw;
use super::space::Space;
use super::{Ctx, Cx, Instance};
use lock::SleepLock;
use pobj::{Backend, Pobjs};
use rpc_fs::{RpcFs, RpcSleeper};
use rpc_rpmb::{FsPort, RpmbPort};

pub use enumerate::Enums;

/// Waiter keys of the store lock (at least the number of secure threads).
const LOCK_SLOTS: u32 = 64;

/// The persistent side of an object handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Persist {
    /// The open object in the backend.
    pub file: FileId,
    /// Its entry in the open-object table.
    pub pobj: u32,
    /// `TEE_DATA_FLAG_*` it was opened or created with.
    pub flags: u32,
    /// Data position.
    pub pos: u64,
    /// Data stream size.
    pub size: u64,
    /// Where the data stream starts (head and attributes before it).
    pub ds_pos: u64,
    /// The store it lives in.
    pub(crate) backend: Backend,
}

impl Persist {
    /// `handleFlags` as OP-TEE reports them.
    pub fn handle_flags(&self) -> u32 {
        supplicant_proto::tee_crypto::TEE_HANDLE_FLAG_PERSISTENT
            | supplicant_proto::tee_crypto::TEE_HANDLE_FLAG_INITIALIZED
            | self.flags
    }
}

/// The backend behind a storage id: the REE FS for `PRIVATE` and
/// `PRIVATE_REE`, the RPMB store for `PRIVATE_RPMB`; none for anything
/// else, which OP-TEE answers with `TEE_ERROR_ITEM_NOT_FOUND`. Without an
/// RPMB device (or a key for it) the RPMB store answers the same, and
/// xtest skips it.
fn backend_of(storage_id: u64) -> Option<Backend> {
    match u32::try_from(storage_id).ok()? {
        TEE_STORAGE_PRIVATE | TEE_STORAGE_PRIVATE_REE => Some(Backend::Ree),
        TEE_STORAGE_PRIVATE_RPMB => Some(Backend::Rpmb),
        _ => None,
    }
}

/// The store and the table of open objects (only the lock holder
/// touches them).
pub struct Shared {
    store: Box<dyn ObjectStore + Send>,
    /// The supplicant buffer file operations go through, kept across calls.
    fs_buf: Option<crate::supp_buf::SuppBuf>,
    /// The buffer RPMB answers come back in, kept likewise.
    rpmb_buf: Option<crate::supp_buf::SuppBuf>,
    /// The RPMB store, when the platform builds one (it also keeps the
    /// REE FS rollback anchor).
    rpmb: Option<Box<RpmbStore>>,
    /// The platform's own anchor (secure flash).
    anchor: Option<Box<dyn RollbackAnchor + Send>>,
    /// The RPMB anchor has been reported in the log.
    rpmb_anchor_seen: bool,
    pobjs: Pobjs,
}

enum Slot {
    /// Not built yet (built at the first storage call).
    Unset,
    Ready(Shared),
    /// The backend could not be built: storage is unavailable.
    Failed,
}

/// The store of the core.
pub struct Storage {
    lock: SleepLock,
    shared: spin::Mutex<Slot>,
}

impl Default for Storage {
    fn default() -> Self {
        Self::new()
    }
}

impl Storage {
    /// Built at first use from the platform's key.
    pub fn new() -> Self {
        Self {
            lock: SleepLock::new(LOCK_SLOTS),
            shared: spin::Mutex::new(Slot::Unset),
        }
    }

    /// A store on `backend` (tests, or a platform with its own).
    pub fn with_backend(backend: Box<dyn ObjectStore + Send>) -> Self {
        Self {
            lock: SleepLock::new(LOCK_SLOTS),
            shared: spin::Mutex::new(Slot::Ready(Shared {
                store: backend,
                fs_buf: None,
                rpmb_buf: None,
                rpmb: None,
                anchor: None,
                rpmb_anchor_seen: false,
                pobjs: Pobjs::default(),
            })),
        }
    }
}

/// The core's random source for the store (fails closed).
struct HwEntropy<'a>(&'a dyn UserHw);

impl Entropy for HwEntropy<'_> {
    fn fill(&mut self, out: &mut [u8]) -> oxtee_storage::TeeResult<()> {
        self.0.random(out).map_err(|_| TeeError::GENERIC)
    }
}

/// The TA's side of a storage call.
pub(super) struct Call<'a> {
    pub space: &'a Space,
    pub hw: &'a dyn UserHw,
    pub cs: &'a mut CryptoState,
    pub enums: &'a mut Enums,
    /// The TA's UUID as `TEE_UUID` (keys its objects).
    pub ta: TaUuid,
    /// `ta_head.flags`.
    pub ta_flags: u32,
}

impl Call<'_> {
    fn close_on_corrupt(&self) -> bool {
        self.ta_flags & TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT == 0
    }
}

/// The store, locked for one call.
pub(super) struct Locked<'a, 'e> {
    pub store: &'a mut dyn ObjectStore,
    pub env: Env<'e>,
    pub pobjs: &'a mut Pobjs,
}

/// True for the system calls this module serves: the storage ones, and
/// object calls on a persistent object.
pub fn handles(nr: Sysnum, cs: &CryptoState, a: &[u64; 31]) -> bool {
    use Sysnum::*;
    match nr {
        StorageObjOpen | StorageObjCreate | StorageObjDel | StorageObjRename | StorageEnumAlloc
        | StorageEnumFree | StorageEnumReset | StorageEnumStart | StorageEnumNext
        | StorageObjRead | StorageObjWrite | StorageObjTrunc | StorageObjSeek => true,
        CrypObjGetInfo | CrypObjRestrictUsage | CrypObjClose | CrypObjReset | CrypObjPopulate
        | CrypObjGenerateKey | CrypObjCopy => {
            cs.object(a[0] as u32).is_some_and(|o| o.persist.is_some())
        }
        _ => false,
    }
}

/// Does the call need the store?
fn needs_store(nr: Sysnum) -> bool {
    use Sysnum::*;
    matches!(
        nr,
        StorageObjOpen
            | StorageObjCreate
            | StorageObjDel
            | StorageObjRename
            | StorageEnumStart
            | StorageEnumNext
            | StorageObjRead
            | StorageObjWrite
            | StorageObjTrunc
            | CrypObjRestrictUsage
            | CrypObjClose
    )
}

/// Serves storage system call `nr` for the running instance.
pub fn dispatch(
    cx: &mut Cx<'_>,
    inst: &Instance,
    ctx: &mut Ctx,
    nr: Sysnum,
    a: &[u64; 31],
) -> Result<(), TeeError> {
    let Ctx {
        space,
        crypto,
        storage,
        ..
    } = ctx;
    let mut call = Call {
        space,
        hw: cx.hw,
        cs: crypto,
        enums: storage,
        ta: super::uuid::to_tee_struct(inst.uuid),
        ta_flags: inst.flags(),
    };
    if !needs_store(nr) {
        return calls::without_store(&mut call, nr, a);
    }
    let backend = backend_for(&call, nr, a);
    // A store that fails its rollback check reaches TAs as OP-TEE's
    // RPMB-anchored store reports it, CORRUPT_OBJECT (libutee panics a TA on
    // SECURITY); mapped here, past the calls, so no object is removed for it.
    with_store(cx, backend, |locked| {
        calls::with_store(&mut call, locked, nr, a)
    })
    .map_err(|e| {
        if e == TeeError::SECURITY {
            TeeError::CORRUPT_OBJECT
        } else {
            e
        }
    })
}

/// The store a call goes to: named by its storage id (open, create,
/// enumerator start), else the one of its enumerator or object; the REE
/// store when there is none (the call then fails on its own).
fn backend_for(call: &Call<'_>, nr: Sysnum, a: &[u64; 31]) -> Backend {
    use Sysnum::*;
    match nr {
        StorageObjOpen | StorageObjCreate => backend_of(a[0]),
        StorageEnumStart => backend_of(a[1]),
        StorageEnumNext => enumerate::backend(call.enums, a[0] as u32),
        _ => calls::persist_of(call.cs, a[0] as u32)
            .ok()
            .map(|p| p.backend),
    }
    .unwrap_or(Backend::Ree)
}

/// Runs `f` with the store of `backend` locked, and a file system and the
/// RPMB device over RPC.
fn with_store<R>(
    cx: &mut Cx<'_>,
    backend: Backend,
    f: impl FnOnce(&mut Locked<'_, '_>) -> Result<R, TeeError>,
) -> Result<R, TeeError> {
    let k = cx.k;
    let st = &k.users.storage;
    st.lock.acquire(&mut RpcSleeper {
        rpc: &mut *cx.rpc,
        mem: &mut *cx.mem,
    })?;
    let r = {
        let mut slot = st.shared.lock();
        if matches!(*slot, Slot::Unset) {
            *slot = build(cx.hw);
        }
        match &mut *slot {
            Slot::Ready(sh) => {
                let link = RefCell::new(RpcFs::new(
                    &mut *cx.rpc,
                    &mut *cx.mem,
                    &k.shm,
                    &mut sh.fs_buf,
                    &mut sh.rpmb_buf,
                ));
                let mut fs = FsPort(&link);
                let mut dev = RpmbPort(&link);
                let mut rng = HwEntropy(cx.hw);
                let r = match backend {
                    Backend::Ree => {
                        // The REE FS is anchored in every anchor there is:
                        // the platform's and the RPMB device's.
                        let mut anchor_dev = RpmbPort(&link);
                        let mut anchor_rng = HwEntropy(cx.hw);
                        let mut rpmb_anchor = sh
                            .rpmb
                            .as_deref_mut()
                            .map(|r| r.anchor(&mut anchor_dev, &mut anchor_rng));
                        let mut list: alloc::vec::Vec<&mut dyn RollbackAnchor> =
                            alloc::vec::Vec::with_capacity(2);
                        if let Some(a) = sh.anchor.as_deref_mut() {
                            list.push(a);
                        }
                        if let Some(a) = rpmb_anchor.as_mut() {
                            list.push(a);
                        }
                        let mut all = AllAnchors(&mut list);
                        let mut locked = Locked {
                            store: &mut *sh.store,
                            env: Env {
                                fs: &mut fs,
                                rng: &mut rng,
                                anchor: Some(&mut all),
                                rpmb: None,
                            },
                            pobjs: &mut sh.pobjs,
                        };
                        let r = f(&mut locked);
                        let now = sh.rpmb.as_deref().and_then(RpmbStore::anchored);
                        if let (false, Some(v @ 1..)) = (sh.rpmb_anchor_seen, now) {
                            sh.rpmb_anchor_seen = true;
                            cx.hw.log(oxtee_log_line::pieces![
                                "storage: REE FS anchored in RPMB too (counter ",
                                v,
                                ")"
                            ]);
                        }
                        r
                    }
                    // No RPMB store: the id is absent, as OP-TEE without RPMB.
                    Backend::Rpmb => match sh.rpmb.as_deref_mut() {
                        None => Err(TeeError::ITEM_NOT_FOUND),
                        Some(store) => {
                            let mut locked = Locked {
                                store,
                                env: Env {
                                    fs: &mut fs,
                                    rng: &mut rng,
                                    anchor: None,
                                    rpmb: Some(&mut dev),
                                },
                                pobjs: &mut sh.pobjs,
                            };
                            f(&mut locked)
                        }
                    },
                };
                r
            }
            _ => Err(TeeError::STORAGE_NOT_AVAILABLE),
        }
    };
    release(cx, r)
}

/// Releases the store lock, passing `r` on.
fn release<R>(cx: &mut Cx<'_>, r: Result<R, TeeError>) -> Result<R, TeeError> {
    cx.k.users.storage.lock.release(&mut RpcSleeper {
        rpc: &mut *cx.rpc,
        mem: &mut *cx.mem,
    });
    r
}

/// The TA version floors in `ta_ver.db` (OP-TEE's form, so they survive a
/// reboot and an OP-TEE ⇄ oxtee swap), in `TEE_STORAGE_PRIVATE`.
pub struct TaVersionDb<'k> {
    /// The runtime's services (its TA store).
    pub k: &'k super::Services,
    /// Machine services.
    pub hw: &'k dyn UserHw,
}

/// Largest `ta_ver.db` read (about 50 000 TAs).
const MAX_TA_VER_DB: u64 = 1 << 20;

impl TaVersionDb<'_> {
    /// The version floor of a load: the kernel's cache over this database.
    pub fn versions(&self) -> crate::ta_load::Versions<'_> {
        crate::ta_load::Versions {
            cache: &self.k.ta_versions,
            store: Some(self),
        }
    }
}

impl crate::ta_load::VersionStore for TaVersionDb<'_> {
    fn check_update(
        &self,
        rpc: &mut dyn crate::rpc::Rpc,
        mem: &mut dyn oxtee_shm::PhysMem,
        uuid: [u8; 16],
        version: u32,
    ) -> Result<(), supplicant_proto::tee_error::TeeError> {
        use oxtee_storage::ta_ver::{self, Update, TA_VER_DB_ID, VER_DB_OWNER};
        let mut cx = Cx::new(self.k, self.hw, mem, rpc);
        with_store(&mut cx, Backend::Ree, |locked| {
            let (store, env) = (&mut *locked.store, &mut locked.env);
            let f = match store.open(env, &VER_DB_OWNER, TA_VER_DB_ID) {
                Ok(f) => f,
                // First use: the header of an empty database, as OP-TEE.
                Err(TeeError::ITEM_NOT_FOUND) => {
                    store.create(env, &VER_DB_OWNER, TA_VER_DB_ID, &[0; 8], false)?
                }
                Err(e) => return Err(e),
            };
            let r = (|| {
                let size = store.size(f)?;
                if size > MAX_TA_VER_DB {
                    return Err(TeeError::BAD_STATE);
                }
                let mut db = alloc::vec![0u8; size as usize];
                let n = store.read(env, f, 0, &mut db)?;
                db.truncate(n);
                match ta_ver::check(&db, &uuid, version)? {
                    Update::None => Ok(()),
                    Update::Raise { offset, entry } => store.write(env, f, offset, &entry),
                    Update::Append {
                        offset,
                        entry,
                        header,
                    } => {
                        store.write(env, f, offset, &entry)?;
                        store.write(env, f, 0, &header)
                    }
                }
            })();
            store.close(env, f);
            r
        })
    }
}

/// The REE FS and RPMB stores on the platform's key.
fn build(hw: &dyn UserHw) -> Slot {
    let huk = hw.hw_unique_key();
    let may_program_key = hw.rpmb_key_write_allowed();
    if may_program_key {
        hw.log(oxtee_log_line::pieces![
            "RPMB: a blank device gets its key through the normal world (insecure: test platforms only)"
        ]);
    }
    match ReeStore::new(&huk.key) {
        Ok(store) => Slot::Ready(Shared {
            store: Box::new(store),
            fs_buf: None,
            rpmb_buf: None,
            rpmb: Some(Box::new(RpmbStore::new(&huk.key, may_program_key))),
            anchor: hw.rollback_anchor(),
            rpmb_anchor_seen: false,
            pobjs: Pobjs::default(),
        }),
        Err(e) => {
            hw.log(oxtee_log_line::pieces![
                "secure storage unavailable (",
                oxtee_log_line::hex(e.code()),
                ")"
            ]);
            Slot::Failed
        }
    }
}

/// Closes the persistent objects of a dying instance, so their names are
/// free again.
pub fn close_all(cx: &mut Cx<'_>, ctx: &mut Ctx) {
    let handles = ctx.crypto.persistent_handles();
    if handles.is_empty() {
        return;
    }
    let cs = &mut ctx.crypto;
    for backend in [Backend::Ree, Backend::Rpmb] {
        let mine: alloc::vec::Vec<u32> = handles
            .iter()
            .copied()
            .filter(|h| calls::persist_of(cs, *h).is_ok_and(|p| p.backend == backend))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let _ = with_store(cx, backend, |locked| {
            for h in mine {
                calls::close_persistent(cs, locked, h);
            }
            Ok(())
        });
    }
}
