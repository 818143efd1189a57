//! The simulated kernel: the state of one simulated TEE per test thread, and
//! the host handler that answers the SDK's system calls from it.
//!
//! The handler is one function for every thread (the SDK keeps a single
//! handler), the state it serves is the calling thread's: tests running in
//! parallel each see their own TEE.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use supplicant_proto::tee_crypto::{TEE_HANDLE_FLAG_PERSISTENT, TEE_TYPE_DATA};
use supplicant_proto::tee_result::{
    TEE_ERROR_ACCESS_DENIED, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE, TEE_ERROR_GENERIC,
    TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_SHORT_BUFFER,
    TEE_ERROR_TIME_NOT_SET, TEE_SUCCESS,
};
use supplicant_proto::tee_storage::TEE_STORAGE_PRIVATE;
use supplicant_proto::tee_syscall::{
    Sysnum, TeeTime, UteeObjectInfo, TEE_PROPSET_CURRENT_CLIENT, TEE_PROPSET_CURRENT_TA,
    TEE_PROPSET_TEE_IMPLEMENTATION, TEE_SVC_MAX_ARGS, USER_TA_PROP_TYPE_IDENTITY,
    USER_TA_PROP_TYPE_STRING, USER_TA_PROP_TYPE_U32, USER_TA_PROP_TYPE_UUID, UTEE_TIME_CAT_REE,
    UTEE_TIME_CAT_SYSTEM, UTEE_TIME_CAT_TA_PERSISTENT,
};

use oxtee_ta::client::Identity;

use crate::crypto::{self, Crypto};
use crate::services::{self, Shared};
use crate::storage::Storage;

/// Where random bytes come from.
pub(crate) enum Random {
    /// The host's generator (`getrandom`); a failure is an error, never zeros.
    Os,
    /// ChaCha20 from a seed: the same bytes on every run (for reproducible tests).
    Seeded(Box<ChaCha20Rng>),
}

impl Random {
    pub(crate) fn seeded(seed: u64) -> Random {
        Random::Seeded(Box::new(ChaCha20Rng::seed_from_u64(seed)))
    }

    pub(crate) fn fill(&mut self, buf: &mut [u8]) -> Result<(), u32> {
        match self {
            Random::Os => getrandom::getrandom(buf).map_err(|_| TEE_ERROR_GENERIC),
            Random::Seeded(rng) => {
                rng.fill_bytes(buf);
                Ok(())
            }
        }
    }
}

/// One simulated TEE as one TA sees it.
pub(crate) struct Tee {
    pub(crate) storage: Storage,
    /// Transient objects and operation states of the running instance.
    pub(crate) crypto: Crypto,
    /// The client of the session whose entry is running.
    pub(crate) client: Identity,
    /// `gpd.ta.appID`, in `TEE_UUID` layout.
    pub(crate) ta_uuid: [u8; 16],
    pub(crate) random: Random,
    pub(crate) started: Instant,
    pub(crate) log: Vec<String>,
    /// The device's hardware unique key (what the system PTA derives from).
    pub(crate) huk: Vec<u8>,
    /// `gpd.tee.trustedos.implementation.version`.
    pub(crate) os_version: String,
    /// What `TEE_OpenTASession` reaches, by `TEE_UUID` (native layout).
    pub(crate) services: BTreeMap<[u8; 16], Shared>,
    /// Open TA-to-TA sessions: handle -> (callee UUID, callee).
    pub(crate) ta_sessions: BTreeMap<u32, ([u8; 16], Shared)>,
    pub(crate) next_ta_session: u32,
    /// Whether the client asked to cancel, and whether cancellation is masked.
    pub(crate) cancel_requested: bool,
    pub(crate) cancel_masked: bool,
}

std::thread_local! {
    static TEE: RefCell<Option<Tee>> = const { RefCell::new(None) };
}

/// Makes `tee` this thread's TEE and routes the SDK's calls to it.
pub(crate) fn install(tee: Tee) {
    TEE.with(|t| *t.borrow_mut() = Some(tee));
    oxtee_ta_sys::set_host_handler(handle);
}

/// Runs `f` on this thread's TEE (`None` if none was installed).
pub(crate) fn with<R>(f: impl FnOnce(&mut Tee) -> R) -> Option<R> {
    TEE.with(|t| t.borrow_mut().as_mut().map(f))
}

fn handle(num: u32, args: &[u64; TEE_SVC_MAX_ARGS]) -> u64 {
    // Sessions to other TAs run the callee with the TEE unlocked.
    if let Some(sys) = services::is_session_call(num) {
        return u64::from(services::call(sys, args));
    }
    let r = with(|tee| match call(tee, num, args) {
        Ok(()) => TEE_SUCCESS,
        Err(e) => e,
    });
    // A thread without a simulator is a TEE without these services.
    u64::from(r.unwrap_or(TEE_ERROR_NOT_SUPPORTED))
}

// Memory access for the calls' pointer arguments. The SDK (oxtee-ta) passes
// pointers that are valid for the lengths next to them, as `oxtee_ta_sys`'s
// contracts require; these helpers rely on that and check only for null.

pub(crate) fn bytes_in<'a>(ptr: u64, len: u64) -> Result<&'a [u8], u32> {
    if len == 0 {
        return empty_at(ptr).map(|()| &[][..]);
    }
    if ptr == 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let len = usize::try_from(len).map_err(|_| TEE_ERROR_BAD_PARAMETERS)?;
    // SAFETY: the SDK passes `ptr` readable for `len` bytes (see above).
    Ok(unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len) })
}

/// An empty range at `ptr`: as OP-TEE's access check, which looks at the
/// page an address is in even for zero bytes, a non-null address in the
/// first page (a Rust empty slice's dangling address) is not accessible.
fn empty_at(ptr: u64) -> Result<(), u32> {
    if ptr != 0 && ptr < 0x1000 {
        Err(TEE_ERROR_ACCESS_DENIED)
    } else {
        Ok(())
    }
}

pub(crate) fn bytes_out(ptr: u64, data: &[u8]) -> Result<(), u32> {
    if data.is_empty() {
        return empty_at(ptr);
    }
    if ptr == 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: the SDK passes `ptr` writable for at least the length it gave,
    // and callers never write more than that.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), ptr as usize as *mut u8, data.len()) };
    Ok(())
}

pub(crate) fn put<T: Copy>(ptr: u64, v: T) -> Result<(), u32> {
    if ptr == 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: the SDK passes a writable, possibly unaligned, `T` at `ptr`.
    unsafe { std::ptr::write_unaligned(ptr as usize as *mut T, v) };
    Ok(())
}

pub(crate) fn get<T: Copy>(ptr: u64) -> Result<T, u32> {
    if ptr == 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: the SDK passes a readable `T` at `ptr`.
    Ok(unsafe { std::ptr::read_unaligned(ptr as usize as *const T) })
}

fn call(tee: &mut Tee, num: u32, a: &[u64; TEE_SVC_MAX_ARGS]) -> Result<(), u32> {
    let Ok(sys) = Sysnum::try_from(u64::from(num)) else {
        return Err(TEE_ERROR_NOT_SUPPORTED);
    };
    if crypto::serves(sys) {
        return crypto::call(tee, sys, a);
    }
    match sys {
        // The SDK turns both into a host panic after the call.
        Sysnum::Return | Sysnum::Panic => Ok(()),
        Sysnum::Log => {
            let text = String::from_utf8_lossy(bytes_in(a[0], a[1])?).into_owned();
            eprint!("{text}");
            tee.log.push(text);
            Ok(())
        }
        // Only parameter memory is ever accessible, and the simulator checks
        // that itself when it decodes parameters.
        Sysnum::CheckAccessRights => Err(TEE_ERROR_ACCESS_DENIED),
        Sysnum::GetTime => put(a[1], time(tee, a[0])?),
        Sysnum::CrypRandomNumberGenerate => {
            let len = usize::try_from(a[1]).map_err(|_| TEE_ERROR_BAD_PARAMETERS)?;
            let mut buf = vec![0u8; len];
            tee.random.fill(&mut buf)?;
            bytes_out(a[0], &buf)
        }
        Sysnum::GetCancellationFlag => {
            put(a[0], u32::from(tee.cancel_requested && !tee.cancel_masked))
        }
        Sysnum::MaskCancellation | Sysnum::UnmaskCancellation => {
            put(a[0], u32::from(tee.cancel_masked))?;
            tee.cancel_masked = sys == Sysnum::MaskCancellation;
            Ok(())
        }
        Sysnum::GetPropertyNameToIndex => {
            let index = property_index(a[0], bytes_in(a[1], a[2])?)?;
            put(a[3], index)
        }
        Sysnum::GetProperty => get_property(tee, a),
        Sysnum::StorageObjOpen => {
            private_storage(a[0])?;
            let h = tee.storage.open(bytes_in(a[1], a[2])?, a[3] as u32)?;
            put(a[4], h)
        }
        Sysnum::StorageObjCreate => {
            private_storage(a[0])?;
            // A key object gets the key of the transient object `attr`.
            let key = match a[4] as u32 {
                0 => None,
                attr => Some(tee.crypto.key(attr).ok_or(TEE_ERROR_BAD_STATE)?.clone()),
            };
            let h = tee.storage.create_with_key(
                bytes_in(a[1], a[2])?,
                a[3] as u32,
                bytes_in(a[5], a[6])?,
                key,
            )?;
            if a[7] == 0 {
                // No handle wanted: the object stays created, the handle closed.
                tee.storage.close(h)
            } else {
                put(a[7], h)
            }
        }
        Sysnum::StorageObjRead => {
            let len = usize::try_from(a[2]).map_err(|_| TEE_ERROR_BAD_PARAMETERS)?;
            let data = tee.storage.read(a[0] as u32, len)?;
            bytes_out(a[1], &data)?;
            put(a[3], data.len() as u64)
        }
        Sysnum::StorageObjWrite => tee.storage.write(a[0] as u32, bytes_in(a[1], a[2])?),
        Sysnum::StorageObjTrunc => tee.storage.truncate(a[0] as u32, a[1]),
        Sysnum::StorageObjSeek => tee
            .storage
            .seek(a[0] as u32, a[1] as u32 as i32, a[2] as u32),
        Sysnum::StorageObjDel => tee.storage.delete(a[0] as u32),
        Sysnum::StorageObjRename => tee.storage.rename(a[0] as u32, bytes_in(a[1], a[2])?),
        Sysnum::CrypObjGetInfo if tee.crypto.owns(a[0] as u32) => {
            crypto::obj_info(tee, a[0] as u32, a[1])
        }
        Sysnum::CrypObjGetInfo => {
            let i = tee.storage.info(a[0] as u32)?;
            let base = crypto::persistent_info(tee.storage.key(a[0] as u32));
            let info = UteeObjectInfo {
                data_size: u32::try_from(i.data_size).map_err(|_| TEE_ERROR_BAD_STATE)?,
                data_pos: u32::try_from(i.data_pos).map_err(|_| TEE_ERROR_BAD_STATE)?,
                handle_flags: TEE_HANDLE_FLAG_PERSISTENT | base.handle_flags | i.flags,
                ..base
            };
            put(a[1], info)
        }
        Sysnum::CrypObjClose if tee.crypto.owns(a[0] as u32) => crypto::obj_close(tee, a[0] as u32),
        Sysnum::CrypObjClose => tee.storage.close(a[0] as u32),
        Sysnum::StorageEnumAlloc => {
            let e = tee.storage.enum_alloc();
            put(a[0], e)
        }
        Sysnum::StorageEnumFree => tee.storage.enum_free(a[0] as u32),
        Sysnum::StorageEnumStart => {
            private_storage(a[1])?;
            tee.storage.enum_start(a[0] as u32)
        }
        Sysnum::StorageEnumNext => {
            let cap: u64 = get(a[3])?;
            let (id, size) = tee.storage.enum_next(a[0] as u32)?;
            if cap < id.len() as u64 {
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            if a[1] != 0 {
                let info = UteeObjectInfo {
                    obj_type: TEE_TYPE_DATA,
                    data_size: u32::try_from(size).map_err(|_| TEE_ERROR_BAD_STATE)?,
                    handle_flags: TEE_HANDLE_FLAG_PERSISTENT,
                    ..Default::default()
                };
                put(a[1], info)?;
            }
            bytes_out(a[2], &id)?;
            put(a[3], id.len() as u64)
        }
        _ => Err(TEE_ERROR_NOT_SUPPORTED),
    }
}

/// The only storage simulated is `TEE_STORAGE_PRIVATE`; others are absent.
fn private_storage(storage_id: u64) -> Result<(), u32> {
    if storage_id == u64::from(TEE_STORAGE_PRIVATE) {
        Ok(())
    } else {
        Err(TEE_ERROR_ITEM_NOT_FOUND)
    }
}

fn time(tee: &Tee, cat: u64) -> Result<TeeTime, u32> {
    let d = match u32::try_from(cat) {
        Ok(UTEE_TIME_CAT_SYSTEM) => tee.started.elapsed(),
        Ok(UTEE_TIME_CAT_REE) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| TEE_ERROR_GENERIC)?,
        // No TA has set its persistent time in a fresh simulator.
        Ok(UTEE_TIME_CAT_TA_PERSISTENT) => return Err(TEE_ERROR_TIME_NOT_SET),
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    };
    Ok(TeeTime {
        seconds: d.as_secs() as u32,
        millis: d.subsec_millis(),
    })
}

/// The properties the kernel serves, by set, in index order (the rest of
/// `TEE_PROPSET_CURRENT_TA` is the TA's own table).
const CLIENT_PROPS: [&str; 2] = ["gpd.client.identity", "gpd.client.endian"];
const TA_PROPS: [&str; 1] = ["gpd.ta.appID"];
const TEE_PROPS: [&str; 1] = ["gpd.tee.trustedos.implementation.version"];

fn prop_table(set: u64) -> Result<&'static [&'static str], u32> {
    match u32::try_from(set) {
        Ok(TEE_PROPSET_CURRENT_CLIENT) => Ok(&CLIENT_PROPS),
        Ok(TEE_PROPSET_CURRENT_TA) => Ok(&TA_PROPS),
        Ok(TEE_PROPSET_TEE_IMPLEMENTATION) => Ok(&TEE_PROPS),
        _ => Err(TEE_ERROR_ITEM_NOT_FOUND),
    }
}

fn property_index(set: u64, name: &[u8]) -> Result<u32, u32> {
    let table = prop_table(set)?;
    // The last byte is the terminator; the name is compared as a C string.
    let (_, body) = name.split_last().ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let key = body.split(|&b| b == 0).next().unwrap_or(body);
    table
        .iter()
        .position(|n| n.as_bytes() == key)
        .map(|i| i as u32)
        .ok_or(TEE_ERROR_ITEM_NOT_FOUND)
}

fn get_property(tee: &Tee, a: &[u64; TEE_SVC_MAX_ARGS]) -> Result<(), u32> {
    let table = prop_table(a[0])?;
    let name = usize::try_from(a[1])
        .ok()
        .and_then(|i| table.get(i))
        .ok_or(TEE_ERROR_ITEM_NOT_FOUND)?;
    let (value, prop_type) = match *name {
        "gpd.client.identity" => (tee.client.encode().to_vec(), USER_TA_PROP_TYPE_IDENTITY),
        "gpd.client.endian" => (0u32.to_le_bytes().to_vec(), USER_TA_PROP_TYPE_U32),
        "gpd.tee.trustedos.implementation.version" => {
            // A string's size counts its terminator, as OP-TEE reports it.
            let mut v = tee.os_version.as_bytes().to_vec();
            v.push(0);
            (v, USER_TA_PROP_TYPE_STRING)
        }
        _ => (tee.ta_uuid.to_vec(), USER_TA_PROP_TYPE_UUID),
    };
    if a[6] != 0 {
        put(a[6], prop_type)?;
    }
    // The simulator serves values only; a name request is not supported.
    if a[2] != 0 || a[3] != 0 {
        return Err(TEE_ERROR_NOT_SUPPORTED);
    }
    if a[4] != 0 && a[5] != 0 {
        let cap: u32 = get(a[5])?;
        put(a[5], value.len() as u32)?;
        if (cap as usize) < value.len() {
            return Err(TEE_ERROR_SHORT_BUFFER);
        }
        bytes_out(a[4], &value)?;
    }
    Ok(())
}
