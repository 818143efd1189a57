//! System PTA (`PTA_SYSTEM_UUID`): services libutee asks for on behalf of
//! the calling TA. Reachable only from user TAs (the caller, not a login
//! value, decides).
//!
//! Every command of OP-TEE 4.5 but the TPM event log works: entropy for the
//! RNG, the TA unique key, zero-filled mappings for libutee's bounce
//! buffers, `dlopen`/`dlsym`, and tee-supplicant plugins. The commands that
//! act on the caller's address space go through [`CallerTa`]; unknown or
//! removed commands (4-9) answer `TEE_ERROR_NOT_IMPLEMENTED`.

use alloc::sync::Arc;
use alloc::vec;
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_rpc::*;
use supplicant_proto::pta::*;
use zeroize::Zeroizing;

use crate::params::*;
use crate::rng::SharedRng;
use crate::{BufferDir, CallContext, Caller, CallerTa, Pta, RpcBuffer, SessionCtx, TeeError, Uuid};

/// `dlopen` flags libdl passes (and the only ones accepted):
/// `RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE`.
const DLOPEN_FLAGS: u32 = 0x2 | 0x100 | 0x1000;
/// Largest data buffer passed to a tee-supplicant plugin.
const MAX_PLUGIN_DATA: usize = 64 * 1024;
/// `PTA_SYSTEM_MAP_ZI` flag: the mapping may be shared (ignored: never is).
const MAP_ZI_SHAREABLE: u32 = 1;
/// Granule of TA mappings.
const PAGE: u64 = 4096;

/// The system PTA.
pub struct SystemPta {
    rng: Arc<SharedRng>,
    huk: Zeroizing<[u8; 16]>,
}

impl SystemPta {
    /// A system PTA feeding added entropy into `rng` and deriving TA unique
    /// keys from the hardware unique key `huk`.
    pub fn new(rng: Arc<SharedRng>, huk: [u8; 16]) -> Self {
        Self {
            rng,
            huk: Zeroizing::new(huk),
        }
    }

    fn add_entropy(&self, params: &Params) -> Result<(), TeeError> {
        const N: u32 = TEE_PARAM_TYPE_NONE;
        expect_types(params, param_types(TEE_PARAM_TYPE_MEMREF_INPUT, N, N, N))?;
        let m = params[0].memref().ok_or(TeeError::BAD_PARAMETERS)?;
        let data = m.buf.as_deref().ok_or(TeeError::BAD_PARAMETERS)?;
        let n = m.size.min(data.len());
        if n == 0 {
            return Err(TeeError::BAD_PARAMETERS);
        }
        self.rng.add_entropy(&data[..n]);
        Ok(())
    }

    /// m0 IN extra data (at most 1024 bytes), m1 OUT the key (16..=32
    /// bytes) = HMAC-SHA256(HUK, `HUK_SUBKEY_UNIQUE_TA` ‖ `TEE_UUID` ‖
    /// extra), as OP-TEE derives it. The key buffer must be secure memory
    /// of the TA (`TEE_ERROR_SECURITY` otherwise: never into normal-world
    /// memory).
    fn derive_unique_key(
        &self,
        ta: &dyn CallerTa,
        uuid: Uuid,
        params: &mut Params,
    ) -> Result<(), TeeError> {
        const N: u32 = TEE_PARAM_TYPE_NONE;
        let want = param_types(
            TEE_PARAM_TYPE_MEMREF_INPUT,
            TEE_PARAM_TYPE_MEMREF_OUTPUT,
            N,
            N,
        );
        expect_types(params, want)?;
        let (extra, extra_size) = match params[0].memref() {
            Some(m) => (m.buf.as_deref().unwrap_or(&[]), m.size),
            None => return Err(TeeError::BAD_PARAMETERS),
        };
        let key_len = params[1].memref().map_or(0, |m| m.size);
        if extra_size > TA_DERIVED_EXTRA_DATA_MAX_SIZE
            || !(TA_DERIVED_KEY_MIN_SIZE..=TA_DERIVED_KEY_MAX_SIZE).contains(&key_len)
            || extra.len() > TA_DERIVED_EXTRA_DATA_MAX_SIZE
        {
            return Err(TeeError::BAD_PARAMETERS);
        }
        if !ta.buffer_is_secure_writable(1) {
            return Err(TeeError::SECURITY);
        }
        let mut data = Zeroizing::new(alloc::vec::Vec::new());
        data.try_reserve(16 + extra.len())
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        data.extend_from_slice(&uuid.to_tee_struct());
        data.extend_from_slice(extra);
        let mut key = vec![0u8; key_len];
        oxtee_crypto::huk::huk_subkey_derive(&*self.huk, HUK_SUBKEY_UNIQUE_TA, &data, &mut key)?;
        // The memref owns the key from here on and wipes it when the call's
        // parameters are dropped, after the copy into the TA's buffer.
        params[1] = Param::MemrefOutput(Memref::new(key));
        Ok(())
    }
}

fn value(p: &Param) -> (u32, u32) {
    p.value().unwrap_or((0, 0))
}

fn address(hi: u32, lo: u32) -> u64 {
    (u64::from(hi) << 32) | u64::from(lo)
}

fn split(va: u64) -> (u32, u32) {
    ((va >> 32) as u32, va as u32)
}

/// A `TEE_UUID` (native layout) from a memref of exactly 16 bytes, as RFC
/// 4122 octets.
fn uuid_param(p: &Param) -> Result<[u8; 16], TeeError> {
    let m = p.memref().ok_or(TeeError::BAD_PARAMETERS)?;
    let raw: [u8; 16] = m
        .buf
        .as_deref()
        .filter(|_| m.size == 16)
        .and_then(|b| b.try_into().ok())
        .ok_or(TeeError::BAD_PARAMETERS)?;
    Ok(Uuid::from_tee_struct(raw).0)
}

/// `PTA_SYSTEM_MAP_ZI`: v0 = (bytes, flags), v1 in/out = VA (hi, lo),
/// v2 = (pad before, pad after). Always zeroed read-write memory.
fn map_zi(ta: &mut dyn CallerTa, params: &mut Params) -> Result<(), TeeError> {
    let want = param_types(
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_VALUE_INOUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_NONE,
    );
    expect_types(params, want)?;
    let (bytes, flags) = value(&params[0]);
    let (pad_begin, pad_end) = value(&params[2]);
    if flags & !MAP_ZI_SHAREABLE != 0 || bytes == 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let va = ta.map_zeroed(u64::from(bytes), u64::from(pad_begin), u64::from(pad_end))?;
    let (hi, lo) = split(va);
    params[1] = Param::ValueInout { a: hi, b: lo };
    Ok(())
}

/// `PTA_SYSTEM_UNMAP`: v0 = (bytes, 0), v1 = VA (hi, lo).
fn unmap(ta: &mut dyn CallerTa, params: &mut Params) -> Result<(), TeeError> {
    let want = param_types(
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_NONE,
        TEE_PARAM_TYPE_NONE,
    );
    expect_types(params, want)?;
    let (bytes, zero) = value(&params[0]);
    let (hi, lo) = value(&params[1]);
    if zero != 0 || bytes == 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let va = address(hi, lo);
    if va % PAGE != 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    ta.unmap(va, u64::from(bytes))
}

/// `PTA_SYSTEM_DLOPEN`: m0 = library UUID, v1.a = flags. Loads the library
/// and what it needs into the calling instance.
fn dlopen(ta: &mut dyn CallerTa, params: &mut Params) -> Result<(), TeeError> {
    let want = param_types(
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_NONE,
        TEE_PARAM_TYPE_NONE,
    );
    if types_of(params) != want || value(&params[1]).0 != DLOPEN_FLAGS {
        return Err(TeeError::BAD_PARAMETERS);
    }
    ta.load_library(uuid_param(&params[0])?)
}

/// `PTA_SYSTEM_DLSYM`: m0 = module UUID (NULL or nil: every module), m1 =
/// NUL-terminated symbol name, v2 out = address (hi, lo).
fn dlsym(ta: &mut dyn CallerTa, params: &mut Params) -> Result<(), TeeError> {
    let want = param_types(
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_VALUE_OUTPUT,
        TEE_PARAM_TYPE_NONE,
    );
    expect_types(params, want)?;
    let module = match params[0].memref() {
        Some(m) if m.buf.is_none() => None,
        _ => Some(uuid_param(&params[0])?).filter(|u| *u != [0; 16]),
    };
    let name = params[1]
        .memref()
        .and_then(|m| m.buf.as_deref())
        .ok_or(TeeError::BAD_PARAMETERS)?;
    let end = name
        .iter()
        .position(|b| *b == 0)
        .ok_or(TeeError::BAD_PARAMETERS)?;
    let name = core::str::from_utf8(&name[..end]).map_err(|_| TeeError::BAD_PARAMETERS)?;
    let (hi, lo) = split(ta.find_symbol(module, name)?);
    params[2] = Param::ValueOutput { a: hi, b: lo };
    Ok(())
}

/// `PTA_SYSTEM_SUPP_PLUGIN_INVOKE`: m0 = plugin UUID, v1 = (cmd, sub-cmd),
/// m2 = in/out data, v3 out a = bytes the plugin wrote. Forwarded to
/// tee-supplicant with RPC `SUPP_PLUGIN` in a supplicant buffer.
fn supp_plugin(cx: &mut CallContext<'_>, params: &mut Params) -> Result<(), TeeError> {
    let want = param_types(
        TEE_PARAM_TYPE_MEMREF_INPUT,
        TEE_PARAM_TYPE_VALUE_INPUT,
        TEE_PARAM_TYPE_MEMREF_INOUT,
        TEE_PARAM_TYPE_VALUE_OUTPUT,
    );
    expect_types(params, want)?;
    let octets = uuid_param(&params[0])?;
    let (cmd, sub_cmd) = value(&params[1]);
    let mut data = params[2]
        .memref()
        .map(|m| m.bytes().to_vec())
        .unwrap_or_default();
    if data.len() > MAX_PLUGIN_DATA {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let word = |i: usize| {
        u64::from(u32::from_le_bytes([
            octets[i],
            octets[i + 1],
            octets[i + 2],
            octets[i + 3],
        ]))
    };
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
        OpteeMsgParam::default(),
    ];
    let buffer = RpcBuffer {
        param: 3,
        dir: BufferDir::InOut,
        data: &mut data,
    };
    cx.rpc(OPTEE_RPC_CMD_SUPP_PLUGIN, &mut p, Some(buffer))?;
    let out_len = (p[2].u1 as usize).min(data.len());
    if let Some(b) = params[2].memref_out().and_then(|m| m.buf.as_mut()) {
        b.copy_from_slice(&data);
    }
    params[3] = Param::ValueOutput {
        a: out_len as u32,
        b: 0,
    };
    Ok(())
}

impl Pta for SystemPta {
    fn uuid(&self) -> Uuid {
        Uuid(PTA_SYSTEM_UUID)
    }

    fn flags(&self) -> u32 {
        PTA_DEFAULT_FLAGS | TA_FLAG_CONCURRENT
    }

    fn open_session(
        &self,
        _params: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<SessionCtx, TeeError> {
        match cx.caller {
            Caller::Ta { .. } => Ok(SessionCtx(0)),
            Caller::NormalWorld => Err(TeeError::ACCESS_DENIED),
        }
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        cmd: u32,
        params: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError> {
        let Caller::Ta { uuid, .. } = cx.caller else {
            return Err(TeeError::ACCESS_DENIED);
        };
        match cmd {
            PTA_SYSTEM_ADD_RNG_ENTROPY => self.add_entropy(params),
            PTA_SYSTEM_SUPP_PLUGIN_INVOKE => supp_plugin(cx, params),
            PTA_SYSTEM_GET_TPM_EVENT_LOG => Err(TeeError::NOT_SUPPORTED),
            PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY
            | PTA_SYSTEM_MAP_ZI
            | PTA_SYSTEM_UNMAP
            | PTA_SYSTEM_DLOPEN
            | PTA_SYSTEM_DLSYM => {
                // The instance is gone only while it is torn down, when it
                // makes no calls.
                let ta = cx.services.caller_ta().ok_or(TeeError::BAD_STATE)?;
                match cmd {
                    PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY => self.derive_unique_key(ta, uuid, params),
                    PTA_SYSTEM_MAP_ZI => map_zi(ta, params),
                    PTA_SYSTEM_UNMAP => unmap(ta, params),
                    PTA_SYSTEM_DLOPEN => dlopen(ta, params),
                    _ => dlsym(ta, params),
                }
            }
            _ => Err(TeeError::NOT_IMPLEMENTED),
        }
    }
}
