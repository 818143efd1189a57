//! What a simulated TA reaches with `TEE_OpenTASession`: other TAs running
//! in the same process ([`crate::Simulator::add_ta`]) and a system
//! pseudo-TA that derives TA unique keys from the simulated device's HUK.
//!
//! A call runs with the simulated kernel unlocked: the callee makes system
//! calls of its own (as the TA it is: `gpd.ta.appID` is the callee's, its
//! client is `TEE_LOGIN_TRUSTED_APP` with the caller's UUID), and the
//! caller's context is put back afterwards.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use oxtee_ta::client::Identity;
use oxtee_ta::runtime::{Runtime, TrustedApp};
use oxtee_ta::Parameters;
use supplicant_proto::pta::{
    HUK_SUBKEY_UNIQUE_TA, PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY, TA_DERIVED_EXTRA_DATA_MAX_SIZE,
    TA_DERIVED_KEY_MAX_SIZE, TA_DERIVED_KEY_MIN_SIZE,
};
use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE, TEE_ERROR_BUSY, TEE_ERROR_GENERIC,
    TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_NOT_IMPLEMENTED, TEE_ERROR_TARGET_DEAD,
    TEE_LOGIN_TRUSTED_APP, TEE_ORIGIN_TEE, TEE_ORIGIN_TRUSTED_APP, TEE_PARAM_TYPE_MEMREF_INPUT,
    TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_SUCCESS,
};
use supplicant_proto::tee_syscall::{Sysnum, UteeEntryFunc, UteeParams, TEE_SVC_MAX_ARGS};

use crate::kernel::{self, bytes_in, get, put};

/// `(TEE_Result, TEE_ORIGIN_*)`.
type Outcome = (u32, u32);

/// Something a TA can open a session to.
pub(crate) trait Service {
    /// One entry (`UteeEntryFunc`) of session `session`, with `params` as the
    /// caller encoded them (pointers into the caller's memory).
    fn entry(
        &mut self,
        func: UteeEntryFunc,
        session: u32,
        command: u32,
        params: &mut UteeParams,
    ) -> Outcome;
}

pub(crate) type Shared = Rc<RefCell<dyn Service>>;

/// A TA of type `T` behind TA-to-TA sessions.
pub(crate) struct InProcessTa<T: TrustedApp> {
    runtime: Runtime<T>,
    keep_alive: bool,
}

impl<T: TrustedApp> InProcessTa<T> {
    pub(crate) fn new(keep_alive: bool) -> Self {
        InProcessTa {
            runtime: Runtime::new(keep_alive),
            keep_alive,
        }
    }
}

/// The memory references of `raw` as accessible ranges: the caller (the
/// SDK's `TaSession`) points them at buffers it owns for the call.
fn ranges_of(raw: &UteeParams) -> Vec<(usize, usize)> {
    (0..4)
        .filter(|&i| matches!(raw.param_type(i), Some(5..=7)))
        .filter_map(|i| raw.get(i))
        .filter_map(|(a, b)| {
            let s = usize::try_from(a).ok()?;
            Some((s, s.checked_add(usize::try_from(b).ok()?)?))
        })
        .collect()
}

impl<T: TrustedApp> Service for InProcessTa<T> {
    fn entry(
        &mut self,
        func: UteeEntryFunc,
        session: u32,
        command: u32,
        raw: &mut UteeParams,
    ) -> Outcome {
        let ranges = ranges_of(raw);
        let access = |_: u32, addr: usize, len: usize| {
            addr.checked_add(len)
                .is_some_and(|end| ranges.iter().any(|&(s, e)| s <= addr && end <= e))
        };
        // SAFETY: `access` accepts only the ranges the caller passed, which
        // stay valid until the call returns (the SDK's contract for
        // `utee_open_ta_session` / `utee_invoke_ta_command`).
        let mut decoded = match unsafe { Parameters::decode(raw, &access) } {
            Ok(p) => p,
            Err(e) => return (e.code(), TEE_ORIGIN_TEE),
        };
        let runtime = &mut self.runtime;
        let res = catch_unwind(AssertUnwindSafe(|| {
            runtime.dispatch(
                func as u64,
                u64::from(session),
                u64::from(command),
                &mut decoded,
            )
        }));
        match res {
            Ok(code) => {
                decoded.write_back(raw);
                (code, TEE_ORIGIN_TRUSTED_APP)
            }
            Err(_) => {
                self.runtime = Runtime::new(self.keep_alive);
                (TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE)
            }
        }
    }
}

/// The system pseudo-TA's `DERIVE_TA_UNIQUE_KEY` (the other commands are
/// `TEE_ERROR_NOT_IMPLEMENTED` here): the key is HMAC-SHA256 keyed with the
/// simulated HUK over `HUK_SUBKEY_UNIQUE_TA`, the caller's `TEE_UUID` and the
/// extra data — the derivation of OP-TEE and oxtee, so a different HUK is a
/// different device.
pub(crate) struct SystemPta;

impl Service for SystemPta {
    fn entry(
        &mut self,
        func: UteeEntryFunc,
        _session: u32,
        command: u32,
        raw: &mut UteeParams,
    ) -> Outcome {
        let r = match func {
            UteeEntryFunc::OpenSession | UteeEntryFunc::CloseSession => Ok(()),
            UteeEntryFunc::InvokeCommand if command == PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY => {
                derive(raw)
            }
            _ => Err(TEE_ERROR_NOT_IMPLEMENTED),
        };
        (r.err().unwrap_or(TEE_SUCCESS), TEE_ORIGIN_TRUSTED_APP)
    }
}

fn derive(raw: &mut UteeParams) -> Result<(), u32> {
    let want = u64::from(TEE_PARAM_TYPE_MEMREF_INPUT | (TEE_PARAM_TYPE_MEMREF_OUTPUT << 4));
    if raw.types != want {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let (extra_ptr, extra_len) = raw.get(0).ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let (key_ptr, key_len) = raw.get(1).ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    let key_len = usize::try_from(key_len).map_err(|_| TEE_ERROR_BAD_PARAMETERS)?;
    if extra_len > TA_DERIVED_EXTRA_DATA_MAX_SIZE as u64
        || !(TA_DERIVED_KEY_MIN_SIZE..=TA_DERIVED_KEY_MAX_SIZE).contains(&key_len)
    {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let (huk, caller) = kernel::with(|t| (t.huk.clone(), t.client)).ok_or(TEE_ERROR_BAD_STATE)?;
    if caller.login != TEE_LOGIN_TRUSTED_APP {
        // Only TAs have a UUID to bind the key to.
        return Err(TEE_ERROR_BAD_STATE);
    }
    let mut data = caller.uuid.to_vec();
    data.extend_from_slice(bytes_in(extra_ptr, extra_len)?);
    let mut key = vec![0u8; key_len];
    oxtee_crypto::huk::huk_subkey_derive(&huk, HUK_SUBKEY_UNIQUE_TA, &data, &mut key)
        .map_err(|_| TEE_ERROR_GENERIC)?;
    kernel::bytes_out(key_ptr, &key)
}

/// Answers `OPEN_TA_SESSION`, `INVOKE_TA_COMMAND` and `CLOSE_TA_SESSION`,
/// with the kernel unlocked while the callee runs.
pub(crate) fn call(sys: Sysnum, a: &[u64; TEE_SVC_MAX_ARGS]) -> u32 {
    match sys {
        Sysnum::OpenTaSession => {
            let r = open(a);
            finish(r, a[4], a[3])
        }
        Sysnum::InvokeTaCommand => {
            let r = invoke(a);
            finish(r.map(|()| 0), a[4], 0)
        }
        _ => close(a[0] as u32),
    }
}

/// Writes the origin (and, on success, the session handle) back.
fn finish(r: Result<u32, Outcome>, origin_ptr: u64, sess_ptr: u64) -> u32 {
    let (code, origin) = match r {
        Ok(handle) => {
            if sess_ptr != 0 && put(sess_ptr, handle).is_err() {
                return TEE_ERROR_BAD_PARAMETERS;
            }
            (TEE_SUCCESS, TEE_ORIGIN_TRUSTED_APP)
        }
        Err(o) => o,
    };
    if put(origin_ptr, origin).is_err() {
        return TEE_ERROR_BAD_PARAMETERS;
    }
    code
}

fn tee_err(code: u32) -> Outcome {
    (code, TEE_ORIGIN_TEE)
}

fn open(a: &[u64; TEE_SVC_MAX_ARGS]) -> Result<u32, Outcome> {
    let uuid: [u8; 16] = get(a[0]).map_err(tee_err)?;
    let mut raw: UteeParams = get(a[2]).map_err(tee_err)?;
    let service = kernel::with(|t| t.services.get(&uuid).cloned())
        .flatten()
        .ok_or(tee_err(TEE_ERROR_ITEM_NOT_FOUND))?;
    let handle = kernel::with(|t| {
        t.next_ta_session = t.next_ta_session.wrapping_add(1).max(1);
        t.next_ta_session
    })
    .ok_or(tee_err(TEE_ERROR_BAD_STATE))?;
    let (code, origin) = run(
        &service,
        uuid,
        UteeEntryFunc::OpenSession,
        handle,
        0,
        &mut raw,
    )?;
    put(a[2], raw).map_err(tee_err)?;
    if code != TEE_SUCCESS {
        return Err((code, origin));
    }
    kernel::with(|t| t.ta_sessions.insert(handle, (uuid, service)));
    Ok(handle)
}

fn invoke(a: &[u64; TEE_SVC_MAX_ARGS]) -> Result<(), Outcome> {
    let handle = a[0] as u32;
    let (uuid, service) = kernel::with(|t| t.ta_sessions.get(&handle).cloned())
        .flatten()
        .ok_or(tee_err(TEE_ERROR_BAD_PARAMETERS))?;
    let mut raw: UteeParams = get(a[3]).map_err(tee_err)?;
    let (code, origin) = run(
        &service,
        uuid,
        UteeEntryFunc::InvokeCommand,
        handle,
        a[2] as u32,
        &mut raw,
    )?;
    put(a[3], raw).map_err(tee_err)?;
    if code == TEE_ERROR_TARGET_DEAD {
        kernel::with(|t| t.ta_sessions.remove(&handle));
    }
    if code == TEE_SUCCESS {
        Ok(())
    } else {
        Err((code, origin))
    }
}

fn close(handle: u32) -> u32 {
    let Some((uuid, service)) = kernel::with(|t| t.ta_sessions.remove(&handle)).flatten() else {
        return TEE_ERROR_BAD_PARAMETERS;
    };
    let mut raw = UteeParams::default();
    match run(
        &service,
        uuid,
        UteeEntryFunc::CloseSession,
        handle,
        0,
        &mut raw,
    ) {
        Ok(_) => TEE_SUCCESS,
        Err((code, _)) => code,
    }
}

/// Runs one entry of `service` (the TA `uuid`) as called by the current TA.
fn run(
    service: &Shared,
    uuid: [u8; 16],
    func: UteeEntryFunc,
    handle: u32,
    command: u32,
    raw: &mut UteeParams,
) -> Result<Outcome, Outcome> {
    let (caller_client, caller_uuid) =
        kernel::with(|t| (t.client, t.ta_uuid)).ok_or(tee_err(TEE_ERROR_BAD_STATE))?;
    // A TA calling itself, directly or in a loop, finds itself busy.
    let mut callee = service
        .try_borrow_mut()
        .map_err(|_| tee_err(TEE_ERROR_BUSY))?;
    kernel::with(|t| {
        t.client = Identity {
            login: TEE_LOGIN_TRUSTED_APP,
            uuid: caller_uuid,
        };
        t.ta_uuid = uuid;
    });
    let out = callee.entry(func, handle, command, raw);
    kernel::with(|t| {
        t.client = caller_client;
        t.ta_uuid = caller_uuid;
    });
    Ok(out)
}

/// Whether `num` is one of the calls this module answers.
pub(crate) fn is_session_call(num: u32) -> Option<Sysnum> {
    match Sysnum::try_from(u64::from(num)) {
        Ok(s @ (Sysnum::OpenTaSession | Sysnum::InvokeTaCommand | Sysnum::CloseTaSession)) => {
            Some(s)
        }
        _ => None,
    }
}
