//! The cryptographic system calls (`TEE_SCN_CRYP_*`, hash, cipher, MAC,
//! AE, asymmetric, derive, transient objects) on `oxtee-crypto`, with
//! per-instance handle tables ([`handles`]).
//!
//! As in OP-TEE, libutee inside the TA owns the operation's key objects:
//! `TEE_AllocateOperation` allocates transient objects and passes their
//! handles to `CRYP_STATE_ALLOC`, which marks them busy (the TA can no
//! longer close them; freeing the state closes them). Key material is read
//! from those objects when an operation is initialized (`HASH_INIT` for
//! MACs, `CIPHER_INIT`, `AUTHENC_INIT`) or used (asymmetric, derive).
//! libutee buffers partial cipher blocks itself. Handles are nonzero,
//! per instance, shared by objects and states, and never reused while the
//! instance lives on; an unknown object handle gives
//! `TEE_ERROR_BAD_STATE`, an unknown state handle
//! `TEE_ERROR_BAD_PARAMETERS`, as OP-TEE answers. Errors go back to the
//! TA, which (libutee) panics itself where GP says so.

use alloc::vec::Vec;

use oxtee_crypto::asym_op;
use oxtee_crypto::object::AttrValue;
use oxtee_crypto::{Attribute, KeyObject, Operation, TeeError, Zeroizing};
use supplicant_proto::tee_crypto::*;
use supplicant_proto::tee_result::*;
use supplicant_proto::tee_syscall::{Sysnum, UteeAttribute, UteeObjectInfo};
use zerocopy::FromBytes;

use oxtee_pta::{Memref, Param, Params};
use supplicant_proto::pta::{
    HUK_SUBKEY_UNIQUE_TA, TA_DERIVED_EXTRA_DATA_MAX_SIZE, TA_DERIVED_KEY_MAX_SIZE,
    TA_DERIVED_KEY_MIN_SIZE,
};

use super::hw::UserHw;
use super::params::UteeParams;
use super::space::{Space, Use, PAGE};
use super::uptr::UserPtr;
use super::{Ctx, Cx, Instance};
use handles::HandleMap;

pub mod handles;

/// Objects and states one instance may hold at once (a TA that needs
/// more gets `TEE_ERROR_OUT_OF_MEMORY`, as when OP-TEE's heap runs out).
const MAX_HANDLES: usize = 4096;
/// Most attributes one call may pass.
const MAX_ATTRS: u64 = 256;
/// Size of one `struct utee_attribute`.
pub const UTEE_ATTRIBUTE_SIZE: usize = core::mem::size_of::<UteeAttribute>();
/// Streamed data is copied in pieces of this size.
const CHUNK: usize = 4096;
/// First handle given out.
const FIRST_HANDLE: u32 = 0x10;

/// A transient object of the instance.
pub struct Obj {
    /// Key material and object information.
    pub key: KeyObject,
    /// Used by an operation (`CRYP_STATE_ALLOC` took it as key1/key2).
    pub busy: bool,
}

/// One cryptographic state (`TEE_OperationHandle` in the core).
struct State {
    algo: u32,
    mode: u32,
    key1: u32,
    key2: u32,
    /// OP-TEE's `CRYP_STATE_INITIALIZED`: set by the `*_INIT` calls.
    initialized: bool,
    /// Digest, cipher, MAC and AE operations; `None` for asymmetric and
    /// key-derivation states, which use their key object directly.
    op: Option<Operation>,
}

/// The cryptographic states and transient objects of one TA instance.
pub struct CryptoState {
    next: u32,
    objects: HandleMap<Obj>,
    states: HandleMap<State>,
}

impl Default for CryptoState {
    fn default() -> Self {
        Self {
            next: FIRST_HANDLE,
            objects: HandleMap::default(),
            states: HandleMap::default(),
        }
    }
}

impl CryptoState {
    /// A fresh handle, not 0 and not in use.
    fn new_handle(&mut self) -> Result<u32, u32> {
        if self.objects.len() + self.states.len() >= MAX_HANDLES {
            return Err(TEE_ERROR_OUT_OF_MEMORY);
        }
        loop {
            let h = self.next;
            self.next = self.next.wrapping_add(1);
            if h != 0 && !self.objects.contains(h) && !self.states.contains(h) {
                return Ok(h);
            }
        }
    }

    /// The object behind handle `h`.
    pub fn object(&self, h: u32) -> Option<&Obj> {
        self.objects.get(h)
    }

    /// The object behind handle `h`, mutable.
    pub fn object_mut(&mut self, h: u32) -> Option<&mut Obj> {
        self.objects.get_mut(h)
    }

    /// Adds an object, returning its handle.
    pub fn add_object(&mut self, key: KeyObject) -> Result<u32, u32> {
        let h = self.new_handle()?;
        self.objects.insert(h, Obj { key, busy: false })?;
        Ok(h)
    }

    /// Removes (and wipes) the object behind `h`.
    pub fn remove_object(&mut self, h: u32) -> Option<Obj> {
        self.objects.remove(h)
    }

    /// Adds a state, returning its handle.
    fn add_state(&mut self, s: State) -> Result<u32, u32> {
        let h = self.new_handle()?;
        self.states.insert(h, s)?;
        Ok(h)
    }

    fn state(&self, h: u32) -> Option<&State> {
        self.states.get(h)
    }

    fn state_mut(&mut self, h: u32) -> Result<&mut State, u32> {
        self.states.get_mut(h).ok_or(TEE_ERROR_BAD_PARAMETERS)
    }

    fn get_state(&self, h: u32) -> Result<&State, u32> {
        self.state(h).ok_or(TEE_ERROR_BAD_PARAMETERS)
    }

    fn key(&self, h: u32) -> Result<&KeyObject, u32> {
        self.object(h).map(|o| &o.key).ok_or(TEE_ERROR_BAD_STATE)
    }

    /// Frees a state and the key objects it holds.
    fn free_state(&mut self, h: u32) {
        if let Some(s) = self.states.remove(h) {
            if s.key1 != 0 {
                self.remove_object(s.key1);
            }
            if s.key2 != 0 {
                self.remove_object(s.key2);
            }
        }
    }
}

/// True for the system calls this module serves.
pub fn handles(nr: Sysnum) -> bool {
    matches!(
        nr,
        Sysnum::CrypStateAlloc
            | Sysnum::CrypStateCopy
            | Sysnum::CrypStateFree
            | Sysnum::HashInit
            | Sysnum::HashUpdate
            | Sysnum::HashFinal
            | Sysnum::CipherInit
            | Sysnum::CipherUpdate
            | Sysnum::CipherFinal
            | Sysnum::CrypObjGetInfo
            | Sysnum::CrypObjRestrictUsage
            | Sysnum::CrypObjGetAttr
            | Sysnum::CrypObjAlloc
            | Sysnum::CrypObjClose
            | Sysnum::CrypObjReset
            | Sysnum::CrypObjPopulate
            | Sysnum::CrypObjCopy
            | Sysnum::CrypDeriveKey
            | Sysnum::AuthencInit
            | Sysnum::AuthencUpdateAad
            | Sysnum::AuthencUpdatePayload
            | Sysnum::AuthencEncFinal
            | Sysnum::AuthencDecFinal
            | Sysnum::AsymmOperate
            | Sysnum::AsymmVerify
            | Sysnum::CrypObjGenerateKey
    )
}

/// What a crypto system call asks of the run loop.
pub enum Outcome {
    /// Answer the TA with this result.
    Done(Result<(), u32>),
    /// The TA broke a rule GP makes a panic: end it.
    Panic,
}

/// The core DRBG as the crypto crate's random source.
struct CoreRng<'a>(&'a dyn UserHw);

impl oxtee_crypto::Rng for CoreRng<'_> {
    fn fill(&mut self, dest: &mut [u8]) -> oxtee_crypto::TeeResult<()> {
        self.0.random(dest).map_err(|_| TeeError::Generic)
    }
}

/// The TA's memory for one call.
struct Mem<'a> {
    hw: &'a dyn UserHw,
    space: &'a Space,
}

impl Mem<'_> {
    fn read_vec(&self, va: u64, len: u64) -> Result<Zeroizing<Vec<u8>>, u32> {
        self.space
            .read_vec(self.hw, va, len)
            .map(Zeroizing::new)
            .map_err(|e| {
                if e == TEE_ERROR_OUT_OF_MEMORY {
                    e
                } else {
                    TEE_ERROR_ACCESS_DENIED
                }
            })
    }
    fn write(&self, va: u64, data: &[u8]) -> Result<(), u32> {
        self.space
            .write(self.hw, va, data)
            .map_err(|_| TEE_ERROR_ACCESS_DENIED)
    }
    fn readable(&self, va: u64, len: u64) -> Result<(), u32> {
        if self.space.check(va, len, false) {
            Ok(())
        } else {
            Err(TEE_ERROR_ACCESS_DENIED)
        }
    }
    fn writable(&self, va: u64, len: u64) -> Result<(), u32> {
        if self.space.check(va, len, true) {
            Ok(())
        } else {
            Err(TEE_ERROR_ACCESS_DENIED)
        }
    }
    /// A `uint64_t *` in/out length: it is written back, so it must be
    /// writable before the call does anything.
    fn get_len(&self, va: u64) -> Result<u64, u32> {
        let p = UserPtr::<u64>::new(va);
        let v = p.read(self.space, self.hw)?;
        p.writable(self.space)?;
        Ok(v)
    }
    fn put_len(&self, va: u64, v: u64) -> Result<(), u32> {
        self.write(va, &v.to_le_bytes())
    }
    /// Calls `f` on `[va, va + len)` in pieces of at most [`CHUNK`]
    /// bytes, with each piece's offset.
    fn chunks(
        &self,
        va: u64,
        len: u64,
        mut f: impl FnMut(u64, &[u8]) -> Result<(), u32>,
    ) -> Result<(), u32> {
        let mut buf = Zeroizing::new(alloc::vec![0u8; CHUNK.min(len as usize)]);
        let mut off = 0u64;
        while off < len {
            let n = (len - off).min(CHUNK as u64) as usize;
            let at = va.checked_add(off).ok_or(TEE_ERROR_ACCESS_DENIED)?;
            self.space
                .read(self.hw, at, &mut buf[..n])
                .map_err(|_| TEE_ERROR_ACCESS_DENIED)?;
            f(off, &buf[..n])?;
            off += n as u64;
        }
        Ok(())
    }
}

/// One `struct utee_attribute` as the TA passed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAttr {
    /// `attribute_id`.
    pub id: u32,
    /// Buffer address or value a.
    pub a: u64,
    /// Buffer length or value b.
    pub b: u64,
}

/// Decodes an array of `struct utee_attribute` (a trailing partial record
/// is ignored: callers read whole records).
pub fn decode_attrs(raw: &[u8]) -> Vec<RawAttr> {
    raw.chunks_exact(UTEE_ATTRIBUTE_SIZE)
        .filter_map(|c| UteeAttribute::read_from_bytes(c).ok())
        .map(|u| RawAttr {
            id: u.attribute_id,
            a: u.a,
            b: u.b,
        })
        .collect()
}

/// Attributes copied in from the TA: value attributes and owned buffers.
struct Attrs {
    raw: Vec<RawAttr>,
    bufs: Vec<Zeroizing<Vec<u8>>>,
}

impl Attrs {
    /// Copies `count` attributes at `va` and their buffers (OP-TEE's
    /// `copy_in_attrs`: every buffer must be readable).
    fn copy_in(mem: &Mem<'_>, va: u64, count: u64) -> Result<Self, u32> {
        if count > MAX_ATTRS {
            return Err(TEE_ERROR_OUT_OF_MEMORY);
        }
        let raw = decode_attrs(&mem.read_vec(va, count * UTEE_ATTRIBUTE_SIZE as u64)?);
        let mut bufs = Vec::new();
        bufs.try_reserve(raw.len())
            .map_err(|_| TEE_ERROR_OUT_OF_MEMORY)?;
        for r in &raw {
            if tee_attr_is_value(r.id) {
                bufs.push(Zeroizing::new(Vec::new()));
            } else {
                bufs.push(mem.read_vec(r.a, r.b)?);
            }
        }
        Ok(Self { raw, bufs })
    }

    fn list(&self) -> Vec<Attribute<'_>> {
        self.raw
            .iter()
            .zip(self.bufs.iter())
            .map(|(r, b)| {
                if tee_attr_is_value(r.id) {
                    Attribute::Value {
                        id: r.id,
                        a: r.a as u32,
                        b: r.b as u32,
                    }
                } else {
                    Attribute::Ref { id: r.id, data: b }
                }
            })
            .collect()
    }
}

fn code(e: TeeError) -> u32 {
    e.code()
}

/// Serves system call `nr` with arguments `a` for the running instance.
/// `Err(code)` goes back to the TA in x0. As in OP-TEE, the core answers
/// every misuse with an error code (the crate's `TaPanic` cases give
/// `TEE_ERROR_BAD_STATE`) and libutee panics the TA where GP says so; the
/// core never ends the TA itself here.
pub fn dispatch(
    cx: &mut Cx<'_>,
    _inst: &Instance,
    ctx: &mut Ctx,
    nr: Sysnum,
    a: &[u64; 31],
) -> Outcome {
    let mem = Mem {
        hw: cx.hw,
        space: &ctx.space,
    };
    let cs = &mut ctx.crypto;
    let h = |i: usize| a[i] as u32;
    let r = match nr {
        Sysnum::CrypStateAlloc => state_alloc(&mem, cs, h(0), h(1), h(2), h(3), a[4]),
        Sysnum::CrypStateCopy => state_copy(cs, h(0), h(1)),
        Sysnum::CrypStateFree => cs.get_state(h(0)).map(|_| ()).map(|()| cs.free_state(h(0))),
        Sysnum::HashInit => hash_init(cs, h(0)),
        Sysnum::HashUpdate => hash_update(&mem, cs, h(0), a[1], a[2]),
        Sysnum::HashFinal => hash_final(&mem, cs, h(0), a[1], a[2], a[3], a[4]),
        Sysnum::CipherInit => cipher_init(&mem, cs, h(0), a[1], a[2]),
        Sysnum::CipherUpdate => cipher_update(&mem, cs, h(0), false, a[1], a[2], a[3], a[4]),
        Sysnum::CipherFinal => cipher_update(&mem, cs, h(0), true, a[1], a[2], a[3], a[4]),
        Sysnum::CrypObjGetInfo => obj_get_info(&mem, cs, h(0), a[1]),
        Sysnum::CrypObjRestrictUsage => cs
            .object_mut(h(0))
            .map(|o| o.key.restrict_usage(a[1] as u32))
            .ok_or(TEE_ERROR_BAD_STATE),
        Sysnum::CrypObjGetAttr => obj_get_attr(&mem, cs, h(0), h(1), a[2], a[3]),
        Sysnum::CrypObjAlloc => obj_alloc(&mem, cs, h(0), h(1), a[2]),
        Sysnum::CrypObjClose => match cs.object(h(0)) {
            None => Err(TEE_ERROR_BAD_STATE),
            Some(o) if o.busy => Err(TEE_ERROR_ITEM_NOT_FOUND),
            Some(_) => {
                cs.remove_object(h(0));
                Ok(())
            }
        },
        Sysnum::CrypObjReset => cs
            .object_mut(h(0))
            .map(|o| o.key.reset())
            .ok_or(TEE_ERROR_BAD_STATE),
        Sysnum::CrypObjPopulate => obj_populate(&mem, cs, h(0), a[1], a[2]),
        Sysnum::CrypObjCopy => obj_copy(cs, h(0), h(1)),
        Sysnum::CrypObjGenerateKey => obj_generate(&mem, cs, h(0), h(1), a[2], a[3]),
        Sysnum::CrypDeriveKey => derive_key(&mem, cs, h(0), a[1], a[2], h(3)),
        Sysnum::AuthencInit => authenc_init(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5]),
        Sysnum::AuthencUpdateAad => authenc_update_aad(&mem, cs, h(0), a[1], a[2]),
        Sysnum::AuthencUpdatePayload => authenc_update(&mem, cs, h(0), a[1], a[2], a[3], a[4]),
        Sysnum::AuthencEncFinal => {
            authenc_enc_final(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6])
        }
        Sysnum::AuthencDecFinal => {
            authenc_dec_final(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6])
        }
        Sysnum::AsymmOperate => asymm_operate(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6]),
        Sysnum::AsymmVerify => asymm_verify(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6]),
        _ => Err(TEE_ERROR_NOT_SUPPORTED),
    };
    Outcome::Done(r)
}

/// OP-TEE still accepts the GP 1.1 ECC algorithm IDs and maps them.
fn translate_compat_algo(algo: u32) -> u32 {
    match algo {
        __OPTEE_ALG_ECDSA_P192 => TEE_ALG_ECDSA_SHA1,
        __OPTEE_ALG_ECDSA_P224 => TEE_ALG_ECDSA_SHA224,
        __OPTEE_ALG_ECDSA_P256 => TEE_ALG_ECDSA_SHA256,
        __OPTEE_ALG_ECDSA_P384 => TEE_ALG_ECDSA_SHA384,
        __OPTEE_ALG_ECDSA_P521 => TEE_ALG_ECDSA_SHA512,
        __OPTEE_ALG_ECDH_P192
        | __OPTEE_ALG_ECDH_P224
        | __OPTEE_ALG_ECDH_P256
        | __OPTEE_ALG_ECDH_P384
        | __OPTEE_ALG_ECDH_P521 => TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
        a => a,
    }
}

/// The key types an algorithm accepts (OP-TEE's `tee_svc_cryp_check_key_type`).
fn check_key_type(obj_type: u32, algo: u32, mode: u32) -> Result<(), u32> {
    let public_ok = mode == TEE_MODE_ENCRYPT || mode == TEE_MODE_VERIFY;
    let (t1, t2) = match tee_alg_get_main_alg(algo) {
        TEE_MAIN_ALGO_MD5 => (TEE_TYPE_HMAC_MD5, 0),
        TEE_MAIN_ALGO_SHA1 => (TEE_TYPE_HMAC_SHA1, 0),
        TEE_MAIN_ALGO_SHA224 => (TEE_TYPE_HMAC_SHA224, 0),
        TEE_MAIN_ALGO_SHA256 => (TEE_TYPE_HMAC_SHA256, 0),
        TEE_MAIN_ALGO_SHA384 => (TEE_TYPE_HMAC_SHA384, 0),
        TEE_MAIN_ALGO_SHA512 => (TEE_TYPE_HMAC_SHA512, 0),
        TEE_MAIN_ALGO_SHA3_224 => (TEE_TYPE_HMAC_SHA3_224, 0),
        TEE_MAIN_ALGO_SHA3_256 => (TEE_TYPE_HMAC_SHA3_256, 0),
        TEE_MAIN_ALGO_SHA3_384 => (TEE_TYPE_HMAC_SHA3_384, 0),
        TEE_MAIN_ALGO_SHA3_512 => (TEE_TYPE_HMAC_SHA3_512, 0),
        TEE_MAIN_ALGO_SM3 => (TEE_TYPE_HMAC_SM3, 0),
        TEE_MAIN_ALGO_AES => (TEE_TYPE_AES, 0),
        TEE_MAIN_ALGO_DES => (TEE_TYPE_DES, 0),
        TEE_MAIN_ALGO_DES3 => (TEE_TYPE_DES3, 0),
        TEE_MAIN_ALGO_SM4 => (TEE_TYPE_SM4, 0),
        TEE_MAIN_ALGO_RSA if public_ok => (TEE_TYPE_RSA_KEYPAIR, TEE_TYPE_RSA_PUBLIC_KEY),
        TEE_MAIN_ALGO_RSA => (TEE_TYPE_RSA_KEYPAIR, 0),
        TEE_MAIN_ALGO_DSA if public_ok => (TEE_TYPE_DSA_KEYPAIR, TEE_TYPE_DSA_PUBLIC_KEY),
        TEE_MAIN_ALGO_DSA => (TEE_TYPE_DSA_KEYPAIR, 0),
        TEE_MAIN_ALGO_DH => (TEE_TYPE_DH_KEYPAIR, 0),
        TEE_MAIN_ALGO_ECDSA if mode == TEE_MODE_VERIFY => {
            (TEE_TYPE_ECDSA_KEYPAIR, TEE_TYPE_ECDSA_PUBLIC_KEY)
        }
        TEE_MAIN_ALGO_ECDSA => (TEE_TYPE_ECDSA_KEYPAIR, 0),
        TEE_MAIN_ALGO_ECDH => (TEE_TYPE_ECDH_KEYPAIR, 0),
        TEE_MAIN_ALGO_ED25519 if mode == TEE_MODE_VERIFY => {
            (TEE_TYPE_ED25519_KEYPAIR, TEE_TYPE_ED25519_PUBLIC_KEY)
        }
        TEE_MAIN_ALGO_ED25519 => (TEE_TYPE_ED25519_KEYPAIR, 0),
        TEE_MAIN_ALGO_SM2_PKE if mode == TEE_MODE_ENCRYPT => (TEE_TYPE_SM2_PKE_PUBLIC_KEY, 0),
        TEE_MAIN_ALGO_SM2_PKE => (TEE_TYPE_SM2_PKE_KEYPAIR, 0),
        TEE_MAIN_ALGO_SM2_DSA if mode == TEE_MODE_VERIFY => (TEE_TYPE_SM2_DSA_PUBLIC_KEY, 0),
        TEE_MAIN_ALGO_SM2_DSA => (TEE_TYPE_SM2_DSA_KEYPAIR, 0),
        TEE_MAIN_ALGO_SM2_KEP => (TEE_TYPE_SM2_KEP_KEYPAIR, TEE_TYPE_SM2_KEP_PUBLIC_KEY),
        TEE_MAIN_ALGO_HKDF => (TEE_TYPE_HKDF_IKM, 0),
        TEE_MAIN_ALGO_CONCAT_KDF => (TEE_TYPE_CONCAT_KDF_Z, 0),
        TEE_MAIN_ALGO_PBKDF2 => (TEE_TYPE_PBKDF2_PASSWORD, 0),
        TEE_MAIN_ALGO_X25519 => (TEE_TYPE_X25519_KEYPAIR, 0),
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    };
    if obj_type == t1 || (t2 != 0 && obj_type == t2) {
        Ok(())
    } else {
        Err(TEE_ERROR_BAD_PARAMETERS)
    }
}

/// `_utee_cryp_state_alloc(algo, mode, key1, key2, *state)`.
fn state_alloc(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    algo: u32,
    mode: u32,
    key1: u32,
    key2: u32,
    state_va: u64,
) -> Result<(), u32> {
    let algo = translate_compat_algo(algo);
    for k in [key1, key2] {
        if k != 0 {
            let o = cs.object(k).ok_or(TEE_ERROR_BAD_STATE)?;
            if o.busy {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            check_key_type(o.key.object_type(), algo, mode)?;
        }
    }
    let (has1, has2) = (key1 != 0, key2 != 0);
    let class = tee_alg_get_class(algo);
    let sym = |cs: &CryptoState, max_factor: u32| -> Result<Option<Operation>, u32> {
        let max = if key1 != 0 {
            cs.key(key1)?.max_key_size().saturating_mul(max_factor)
        } else {
            0
        };
        let mut op = Operation::new(algo, mode, max).map_err(code)?;
        op.set_caller_buffers(true);
        Ok(Some(op))
    };
    let op = match class {
        TEE_OPERATION_CIPHER => {
            let xts = tee_alg_get_chain_mode(algo) == TEE_CHAIN_MODE_XTS;
            // XTS takes two keys, the other modes one.
            if !has1 || has2 != xts {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            sym(cs, if xts { 2 } else { 1 })?
        }
        TEE_OPERATION_AE | TEE_OPERATION_MAC => {
            if !has1 || has2 {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            sym(cs, 1)?
        }
        TEE_OPERATION_DIGEST => {
            if has1 || has2 {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            sym(cs, 1)?
        }
        TEE_OPERATION_ASYMMETRIC_CIPHER | TEE_OPERATION_ASYMMETRIC_SIGNATURE => {
            if !has1 || has2 {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            None
        }
        TEE_OPERATION_KEY_DERIVATION => {
            let ok = if algo == TEE_ALG_SM2_KEP {
                has1 && has2
            } else {
                has1 && !has2
            };
            if !ok {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            None
        }
        _ => return Err(TEE_ERROR_NOT_SUPPORTED),
    };
    // The handle goes out only once the state is recorded.
    let out = UserPtr::<u32>::new(state_va).writable(mem.space)?;
    let h = cs.add_state(State {
        algo,
        mode,
        key1,
        key2,
        initialized: false,
        op,
    })?;
    for k in [key1, key2] {
        if let Some(o) = cs.object_mut(k) {
            o.busy = true;
        }
    }
    out.write(mem.space, mem.hw, &h)
}

/// `_utee_cryp_state_copy(dst, src)`.
fn state_copy(cs: &mut CryptoState, dst: u32, src: u32) -> Result<(), u32> {
    cs.get_state(dst)?;
    let s = cs.get_state(src)?;
    let (algo, mode, init) = (s.algo, s.mode, s.initialized);
    let op = s.op.clone();
    let d = cs.state_mut(dst)?;
    if d.algo != algo || d.mode != mode {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    if op.is_none() {
        return Err(TEE_ERROR_BAD_STATE);
    }
    d.op = op;
    d.initialized = init;
    Ok(())
}

/// The state's operation (a symmetric one).
fn sym_op(s: &mut State) -> Result<&mut Operation, u32> {
    s.op.as_mut().ok_or(TEE_ERROR_BAD_PARAMETERS)
}

/// Puts the key object(s) of state `h` into its operation, back in the
/// initial state (OP-TEE reads the key at every `*_INIT`).
fn load_key(cs: &mut CryptoState, h: u32) -> Result<(), u32> {
    let s = cs.get_state(h)?;
    let (k1, k2) = (s.key1, s.key2);
    let key1 = cs.key(k1)?.clone();
    if !key1.is_initialized() {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let key2 = if k2 != 0 {
        let k = cs.key(k2)?.clone();
        if !k.is_initialized() {
            return Err(TEE_ERROR_BAD_PARAMETERS);
        }
        Some(k)
    } else {
        None
    };
    let op = sym_op(cs.state_mut(h)?)?;
    if op.is_active() {
        op.reset().map_err(code)?;
    }
    match &key2 {
        Some(k2) => op.set_key2(&key1, k2),
        None => op.set_key(Some(&key1)),
    }
    .map_err(code)
}

/// `_utee_hash_init(state, iv, iv_len)`: digests restart, MACs take their
/// key (the IV is not used, as in OP-TEE).
fn hash_init(cs: &mut CryptoState, h: u32) -> Result<(), u32> {
    let class = tee_alg_get_class(cs.get_state(h)?.algo);
    match class {
        TEE_OPERATION_DIGEST => sym_op(cs.state_mut(h)?)?.reset().map_err(code)?,
        TEE_OPERATION_MAC => {
            load_key(cs, h)?;
            sym_op(cs.state_mut(h)?)?.mac_init(&[]).map_err(code)?;
        }
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    }
    cs.state_mut(h)?.initialized = true;
    Ok(())
}

fn digest_or_mac_update(s: &mut State, chunk: &[u8]) -> Result<(), u32> {
    let class = tee_alg_get_class(s.algo);
    let op = sym_op(s)?;
    match class {
        TEE_OPERATION_DIGEST => op.digest_update(chunk),
        TEE_OPERATION_MAC => op.mac_update(chunk),
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    }
    .map_err(code)
}

/// `_utee_hash_update(state, chunk, chunk_size)`.
fn hash_update(mem: &Mem<'_>, cs: &mut CryptoState, h: u32, va: u64, len: u64) -> Result<(), u32> {
    if va == 0 && len != 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    if len == 0 {
        return Ok(());
    }
    mem.readable(va, len)?;
    let s = cs.state_mut(h)?;
    if !s.initialized {
        return Err(TEE_ERROR_BAD_STATE);
    }
    if !matches!(
        tee_alg_get_class(s.algo),
        TEE_OPERATION_DIGEST | TEE_OPERATION_MAC
    ) {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    mem.chunks(va, len, |_, c| digest_or_mac_update(s, c))
}

/// Output length of a digest or MAC state.
fn out_len(op: &Operation) -> usize {
    op.info().digest_length as usize
}

/// Writes `out` to the TA in one piece.
fn zeroed(len: usize) -> Result<Zeroizing<Vec<u8>>, u32> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| TEE_ERROR_OUT_OF_MEMORY)?;
    v.resize(len, 0);
    Ok(Zeroizing::new(v))
}

/// `_utee_hash_final(state, chunk, chunk_size, hash, *hash_len)`.
fn hash_final(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    len: u64,
    out_va: u64,
    len_va: u64,
) -> Result<(), u32> {
    if va == 0 && len != 0 {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    mem.readable(va, len)?;
    let hlen = mem.get_len(len_va)?;
    mem.writable(out_va, hlen)?;
    let s = cs.state_mut(h)?;
    if !s.initialized {
        return Err(TEE_ERROR_BAD_STATE);
    }
    let algo = s.algo;
    let class = tee_alg_get_class(algo);
    if class != TEE_OPERATION_DIGEST && class != TEE_OPERATION_MAC {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let xof = algo == TEE_ALG_SHAKE128 || algo == TEE_ALG_SHAKE256;
    let size = if xof {
        hlen as usize
    } else {
        out_len(sym_op(s)?)
    };
    if !xof && hlen < size as u64 {
        mem.put_len(len_va, size as u64)?;
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    mem.chunks(va, len, |_, c| digest_or_mac_update(s, c))?;
    let mut out = zeroed(size)?;
    let op = sym_op(s)?;
    if xof {
        // Each call continues the output stream (libutee's TEE_DigestExtract);
        // the length is left as it is.
        op.digest_extract(&[], &mut out).map_err(code)?;
        return mem.write(out_va, &out);
    }
    let n = if class == TEE_OPERATION_DIGEST {
        op.digest_final(&[], &mut out)
    } else {
        op.mac_compute_final(&[], &mut out)
    }
    .map_err(code)?;
    mem.write(out_va, &out[..n])?;
    mem.put_len(len_va, n as u64)
}

/// `_utee_cipher_init(state, iv, iv_len)`.
fn cipher_init(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    iv: u64,
    iv_len: u64,
) -> Result<(), u32> {
    let s = cs.get_state(h)?;
    if tee_alg_get_class(s.algo) != TEE_OPERATION_CIPHER {
        return Err(TEE_ERROR_BAD_STATE);
    }
    let iv = mem.read_vec(iv, iv_len)?;
    load_key(cs, h)?;
    let s = cs.state_mut(h)?;
    sym_op(s)?.cipher_init(&iv).map_err(code)?;
    s.initialized = true;
    Ok(())
}

/// `_utee_cipher_update` / `_utee_cipher_final(state, src, src_len, dst,
/// *dst_len)`: libutee passes whole blocks; every input byte is output.
#[allow(clippy::too_many_arguments)]
fn cipher_update(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    last: bool,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
) -> Result<(), u32> {
    let s = cs.state_mut(h)?;
    if !s.initialized {
        return Err(TEE_ERROR_BAD_STATE);
    }
    mem.readable(src, src_len)?;
    let dlen = if len_va == 0 {
        0
    } else {
        let d = mem.get_len(len_va)?;
        mem.writable(dst, d)?;
        d
    };
    let put = |v| {
        if len_va != 0 {
            mem.put_len(len_va, v)
        } else {
            Ok(())
        }
    };
    if dlen < src_len {
        put(src_len)?;
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    let op = sym_op(s)?;
    if last {
        if src_len > 0 {
            let input = mem.read_vec(src, src_len)?;
            let mut out = zeroed(input.len())?;
            let n = op.cipher_final(&input, &mut out).map_err(code)?;
            mem.write(dst, &out[..n])?;
        } else if op.is_active() {
            op.reset().map_err(code)?;
        }
    } else {
        let mut out = zeroed(CHUNK.min(src_len as usize))?;
        mem.chunks(src, src_len, |off, c| {
            let n = op.cipher_update(c, &mut out).map_err(code)?;
            mem.write(dst.wrapping_add(off), &out[..n])
        })?;
    }
    put(src_len)
}

/// `_utee_cryp_obj_get_info(obj, *info)`: `struct utee_object_info`.
fn obj_get_info(mem: &Mem<'_>, cs: &CryptoState, h: u32, va: u64) -> Result<(), u32> {
    let i = object_info(&cs.key(h)?.info());
    UserPtr::<UteeObjectInfo>::new(va).write(mem.space, mem.hw, &i)
}

/// `struct utee_object_info` for a transient object (no data stream).
pub fn object_info(i: &oxtee_crypto::ObjectInfo) -> UteeObjectInfo {
    UteeObjectInfo {
        obj_type: i.object_type,
        obj_size: i.key_size,
        max_obj_size: i.max_key_size,
        obj_usage: i.object_usage,
        data_size: 0,
        data_pos: 0,
        handle_flags: i.handle_flags,
    }
}

/// `_utee_cryp_obj_get_attr(obj, attr_id, buffer, *size)`.
fn obj_get_attr(
    mem: &Mem<'_>,
    cs: &CryptoState,
    h: u32,
    id: u32,
    buf: u64,
    size_va: u64,
) -> Result<(), u32> {
    let key = &cs.object(h).ok_or(TEE_ERROR_ITEM_NOT_FOUND)?.key;
    let attr = key.attribute(id).map_err(code)?;
    // Only read for a value attribute, so not checked writable here.
    let s = UserPtr::<u64>::new(size_va).read(mem.space, mem.hw)?;
    let bytes = match attr {
        AttrValue::Value(v) => {
            if s < 8 || buf == 0 {
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            let mut b = [0u8; 8];
            b[..4].copy_from_slice(&v.to_le_bytes());
            return mem.write(buf, &b);
        }
        AttrValue::Secret(b) | AttrValue::Bignum(b) | AttrValue::Raw(b) => b,
    };
    mem.put_len(size_va, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Ok(());
    }
    if s < bytes.len() as u64 || buf == 0 {
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    mem.write(buf, bytes)
}

/// `_utee_cryp_obj_alloc(type, max_size, *obj)`.
fn obj_alloc(mem: &Mem<'_>, cs: &mut CryptoState, ty: u32, max: u32, va: u64) -> Result<(), u32> {
    let key = KeyObject::new(ty, max).map_err(code)?;
    let out = UserPtr::<u32>::new(va).writable(mem.space)?;
    let h = cs.add_object(key)?;
    out.write(mem.space, mem.hw, &h)
}

/// `_utee_cryp_obj_populate(obj, attrs, attr_count)`.
fn obj_populate(mem: &Mem<'_>, cs: &mut CryptoState, h: u32, va: u64, n: u64) -> Result<(), u32> {
    let o = cs.object_mut(h).ok_or(TEE_ERROR_BAD_STATE)?;
    if o.key.is_initialized() {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let attrs = Attrs::copy_in(mem, va, n)?;
    o.key.populate(&attrs.list()).map_err(code)
}

/// `_utee_cryp_obj_copy(dst, src)`.
fn obj_copy(cs: &mut CryptoState, dst: u32, src: u32) -> Result<(), u32> {
    cs.key(dst)?;
    let src = cs.key(src)?.clone();
    let d = cs.object_mut(dst).ok_or(TEE_ERROR_BAD_STATE)?;
    d.key.copy_attributes_from(&src).map_err(code)
}

/// `_utee_cryp_obj_generate_key(obj, key_size, params, param_count)`.
fn obj_generate(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    bits: u32,
    va: u64,
    n: u64,
) -> Result<(), u32> {
    let o = cs.object_mut(h).ok_or(TEE_ERROR_BAD_STATE)?;
    if o.key.is_initialized() {
        return Err(TEE_ERROR_BAD_STATE);
    }
    let attrs = Attrs::copy_in(mem, va, n)?;
    let mut rng = CoreRng(mem.hw);
    o.key.generate(bits, &attrs.list(), &mut rng).map_err(code)
}

/// `_utee_cryp_derive_key(state, params, param_count, derived_key)`.
fn derive_key(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    n: u64,
    derived: u32,
) -> Result<(), u32> {
    let s = cs.get_state(h)?;
    let (algo, k1, k2) = (s.algo, s.key1, s.key2);
    let attrs = Attrs::copy_in(mem, va, n)?;
    let key1 = cs.key(k1)?;
    let out_max = cs.key(derived)?.max_key_size();
    let key2 = if k2 != 0 { Some(cs.key(k2)?) } else { None };
    let d = asym_op::derive_key(algo, key1, key2, &attrs.list(), out_max).map_err(code)?;
    // The confirmation value goes back into the TA's
    // TEE_ATTR_SM2_KEP_CONFIRMATION_OUT buffer, once the key is set.
    let conf = match &d.confirmation_out {
        Some((n, conf)) => {
            let r = attrs.raw[*n];
            if r.b < conf.len() as u64 {
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            mem.writable(r.a, conf.len() as u64)?;
            Some((r.a, conf))
        }
        None => None,
    };
    let o = cs.object_mut(derived).ok_or(TEE_ERROR_BAD_STATE)?;
    o.key.set_derived_secret(&d.secret).map_err(code)?;
    match conf {
        Some((va, conf)) => mem.write(va, conf),
        None => Ok(()),
    }
}

/// `_utee_authenc_init(state, nonce, nonce_len, tag_len, aad_len,
/// payload_len)`; `tag_len` in bytes.
#[allow(clippy::too_many_arguments)]
fn authenc_init(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    nonce: u64,
    nonce_len: u64,
    tag_len: u64,
    aad_len: u64,
    payload_len: u64,
) -> Result<(), u32> {
    let s = cs.get_state(h)?;
    let k = cs.key(s.key1)?;
    if !k.is_initialized() {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let nonce = mem.read_vec(nonce, nonce_len)?;
    load_key(cs, h)?;
    let s = cs.state_mut(h)?;
    let tag_bits = u32::try_from(tag_len)
        .ok()
        .and_then(|t| t.checked_mul(8))
        .unwrap_or(u32::MAX);
    sym_op(s)?
        .ae_init(&nonce, tag_bits, aad_len as usize, payload_len as usize)
        .map_err(code)?;
    s.initialized = true;
    Ok(())
}

/// An initialized AE state.
fn ae_state(cs: &mut CryptoState, h: u32) -> Result<&mut State, u32> {
    let s = cs.state_mut(h)?;
    if !s.initialized || tee_alg_get_class(s.algo) != TEE_OPERATION_AE {
        return Err(TEE_ERROR_BAD_STATE);
    }
    Ok(s)
}

/// `_utee_authenc_update_aad(state, aad, aad_len)`.
fn authenc_update_aad(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    len: u64,
) -> Result<(), u32> {
    mem.readable(va, len)?;
    let op = sym_op(ae_state(cs, h)?)?;
    mem.chunks(va, len, |_, c| op.ae_update_aad(c).map_err(code))
}

/// `_utee_authenc_update_payload(state, src, src_len, dst, *dst_len)`.
fn authenc_update(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
) -> Result<(), u32> {
    let op = sym_op(ae_state(cs, h)?)?;
    mem.readable(src, src_len)?;
    let dlen = mem.get_len(len_va)?;
    mem.writable(dst, dlen)?;
    if dlen < src_len {
        mem.put_len(len_va, dlen)?;
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    let mut out = zeroed(CHUNK.min(src_len as usize))?;
    mem.chunks(src, src_len, |off, c| {
        let n = op.ae_update(c, &mut out).map_err(code)?;
        mem.write(dst.wrapping_add(off), &out[..n])
    })?;
    mem.put_len(len_va, src_len)
}

/// Output buffer length of an AE final: 0 without a length pointer.
fn final_dlen(mem: &Mem<'_>, dst: u64, len_va: u64) -> Result<u64, u32> {
    if len_va == 0 {
        return Ok(0);
    }
    let d = mem.get_len(len_va)?;
    mem.writable(dst, d)?;
    Ok(d)
}

/// What both AE finals check first: an initialized state of `mode`, a
/// readable source and a destination as large as the source (else
/// `SHORT_BUFFER`, the destination length written back as OP-TEE does).
/// Returns the operation and the destination length.
#[allow(clippy::too_many_arguments)]
fn ae_final_start<'c>(
    mem: &Mem<'_>,
    cs: &'c mut CryptoState,
    h: u32,
    mode: u32,
    src: u64,
    src_len: u64,
    len_va: u64,
    dst: u64,
    tag_len_va: Option<u64>,
) -> Result<(&'c mut Operation, u64), u32> {
    let s = cs.state_mut(h)?;
    if !s.initialized {
        return Err(TEE_ERROR_BAD_STATE);
    }
    if s.mode != mode {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let op = sym_op(ae_state(cs, h)?)?;
    mem.readable(src, src_len)?;
    let dlen = final_dlen(mem, dst, len_va)?;
    if dlen < src_len {
        // Every length written back must be writable before the first is.
        if let Some(va) = tag_len_va {
            mem.writable(va, 8)?;
        }
        if len_va != 0 {
            mem.put_len(len_va, dlen)?;
        }
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    Ok((op, dlen))
}

/// `_utee_authenc_enc_final(state, src, src_len, dst, *dst_len, tag,
/// *tag_len)`.
#[allow(clippy::too_many_arguments)]
fn authenc_enc_final(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
    tag: u64,
    tag_len_va: u64,
) -> Result<(), u32> {
    let (op, dlen) = match ae_final_start(
        mem,
        cs,
        h,
        TEE_MODE_ENCRYPT,
        src,
        src_len,
        len_va,
        dst,
        Some(tag_len_va),
    ) {
        Err(TEE_ERROR_SHORT_BUFFER) => {
            mem.put_len(tag_len_va, 0)?;
            return Err(TEE_ERROR_SHORT_BUFFER);
        }
        r => r?,
    };
    let tlen = mem.get_len(tag_len_va)?;
    mem.writable(tag, tlen)?;
    let need = out_len(op) as u64;
    if tlen < need {
        if len_va != 0 {
            mem.put_len(len_va, dlen)?;
        }
        mem.put_len(tag_len_va, need)?;
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    let input = mem.read_vec(src, src_len)?;
    let mut out = zeroed(input.len())?;
    let mut t = [0u8; 16];
    let (n, tn) = op
        .ae_encrypt_final(&input, &mut out, &mut t)
        .map_err(code)?;
    mem.write(dst, &out[..n])?;
    mem.write(tag, &t[..tn])?;
    if len_va != 0 {
        mem.put_len(len_va, n as u64)?;
    }
    mem.put_len(tag_len_va, tn as u64)
}

/// `_utee_authenc_dec_final(state, src, src_len, dst, *dst_len, tag,
/// tag_len)`.
#[allow(clippy::too_many_arguments)]
fn authenc_dec_final(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
    tag: u64,
    tag_len: u64,
) -> Result<(), u32> {
    let (op, _) = ae_final_start(
        mem,
        cs,
        h,
        TEE_MODE_DECRYPT,
        src,
        src_len,
        len_va,
        dst,
        None,
    )?;
    let tag = mem.read_vec(tag, tag_len)?;
    let input = mem.read_vec(src, src_len)?;
    let mut out = zeroed(input.len())?;
    let n = op.ae_decrypt_final(&input, &mut out, &tag).map_err(code)?;
    mem.write(dst, &out[..n])?;
    if len_va != 0 {
        mem.put_len(len_va, n as u64)?;
    }
    Ok(())
}

/// `_utee_asymm_operate(state, params, num_params, src, src_len, dst,
/// *dst_len)`.
#[allow(clippy::too_many_arguments)]
fn asymm_operate(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    pva: u64,
    pn: u64,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
) -> Result<(), u32> {
    let s = cs.get_state(h)?;
    mem.readable(src, src_len)?;
    let dlen = mem.get_len(len_va)?;
    mem.writable(dst, dlen)?;
    let attrs = Attrs::copy_in(mem, pva, pn)?;
    let key = cs.key(s.key1)?;
    if !key.is_initialized() {
        return Err(TEE_ERROR_GENERIC);
    }
    let input = mem.read_vec(src, src_len)?;
    let mut rng = CoreRng(mem.hw);
    let out = asym_op::asymmetric_operate(s.algo, s.mode, key, &attrs.list(), &input, &mut rng)
        .map_err(|e| match e {
            TeeError::ShortBuffer { required } => {
                let _ = mem.put_len(len_va, required as u64);
                TEE_ERROR_SHORT_BUFFER
            }
            e => code(e),
        })?;
    mem.put_len(len_va, out.len() as u64)?;
    if (out.len() as u64) > dlen {
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    mem.write(dst, &out)
}

/// `_utee_asymm_verify(state, params, num_params, data, data_len, sig,
/// sig_len)`.
#[allow(clippy::too_many_arguments)]
fn asymm_verify(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    pva: u64,
    pn: u64,
    data: u64,
    data_len: u64,
    sig: u64,
    sig_len: u64,
) -> Result<(), u32> {
    let s = cs.get_state(h)?;
    if s.mode != TEE_MODE_VERIFY {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let data = mem.read_vec(data, data_len)?;
    let sig = mem.read_vec(sig, sig_len)?;
    let attrs = Attrs::copy_in(mem, pva, pn)?;
    let key = cs.key(s.key1)?;
    if !key.is_initialized() {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    asym_op::asymmetric_verify(s.algo, key, &attrs.list(), &data, &sig).map_err(code)
}

/// The hardware unique key. The QEMU platform has no OTP key; this is
/// OP-TEE's answer there too (`tee_otp_get_hw_unique_key` stub: zeros), so
/// TA unique keys match OP-TEE's on the same platform. A real platform must
/// supply its own.
const HW_UNIQUE_KEY: [u8; 16] = [0; 16];

/// `PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY` for the calling TA (`uuid`, RFC 4122
/// octets): m0 IN extra data (at most 1024 bytes), m1 OUT the key (16..=32
/// bytes) = HMAC-SHA256(HUK, `HUK_SUBKEY_UNIQUE_TA` ‖ `TEE_UUID` ‖ extra)
/// as OP-TEE derives it. The key buffer must be secure memory of the TA
/// (`TEE_ERROR_SECURITY` otherwise: never into normal-world memory).
pub fn derive_ta_unique_key(
    space: &Space,
    uuid: [u8; 16],
    up: &UteeParams,
    params: &mut Params,
) -> Result<(), u32> {
    if up.types
        != [
            TEE_PARAM_TYPE_MEMREF_INPUT,
            TEE_PARAM_TYPE_MEMREF_OUTPUT,
            TEE_PARAM_TYPE_NONE,
            TEE_PARAM_TYPE_NONE,
        ]
    {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let extra = match &params[0] {
        Param::MemrefInput(m) => m.buf.as_deref().unwrap_or(&[]),
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    };
    let key_len = up.b[1] as usize;
    if up.b[0] > TA_DERIVED_EXTRA_DATA_MAX_SIZE as u64
        || !(TA_DERIVED_KEY_MIN_SIZE..=TA_DERIVED_KEY_MAX_SIZE).contains(&key_len)
        || extra.len() > TA_DERIVED_EXTRA_DATA_MAX_SIZE
    {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    if !secure_writable(space, up.a[1], up.b[1]) {
        return Err(TEE_ERROR_SECURITY);
    }
    let mut data = Zeroizing::new(Vec::new());
    data.try_reserve(16 + extra.len())
        .map_err(|_| TEE_ERROR_OUT_OF_MEMORY)?;
    data.extend_from_slice(&super::uuid::to_tee_struct(uuid));
    data.extend_from_slice(extra);
    let mut key = alloc::vec![0u8; key_len];
    oxtee_crypto::huk::huk_subkey_derive(&HW_UNIQUE_KEY, HUK_SUBKEY_UNIQUE_TA, &data, &mut key)
        .map_err(code)?;
    // The memref owns the key from here on and wipes it when the call's
    // parameters are dropped, after the copy into the TA's buffer.
    params[1] = Param::MemrefOutput(Memref::new(key));
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn attr_bytes(a: u64, b: u64, id: u32) -> [u8; 24] {
        let mut r = [0u8; 24];
        r[..8].copy_from_slice(&a.to_le_bytes());
        r[8..16].copy_from_slice(&b.to_le_bytes());
        r[16..20].copy_from_slice(&id.to_le_bytes());
        r[20..].copy_from_slice(&[0xAA; 4]);
        r
    }

    #[test]
    fn utee_attribute_arrays_decode() {
        let mut raw = Vec::new();
        raw.extend_from_slice(&attr_bytes(0x8000_1000, 16, TEE_ATTR_SECRET_VALUE));
        raw.extend_from_slice(&attr_bytes(3, 7, TEE_ATTR_ECC_CURVE));
        let v = decode_attrs(&raw);
        assert_eq!(
            v,
            [
                RawAttr {
                    id: TEE_ATTR_SECRET_VALUE,
                    a: 0x8000_1000,
                    b: 16
                },
                RawAttr {
                    id: TEE_ATTR_ECC_CURVE,
                    a: 3,
                    b: 7
                }
            ]
        );
        assert!(tee_attr_is_value(v[1].id) && !tee_attr_is_value(v[0].id));
        // A trailing partial record is ignored (callers read whole records).
        assert_eq!(decode_attrs(&raw[..30]).len(), 1);
        assert!(decode_attrs(&[]).is_empty());
    }

    #[test]
    fn handles_are_nonzero_unique_and_typed() {
        let mut cs = CryptoState::default();
        let a = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        let b = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 256).unwrap())
            .unwrap();
        assert!(a != 0 && b != 0 && a != b);
        // An object handle is not a state handle and vice versa.
        assert_eq!(cs.get_state(a).err(), Some(TEE_ERROR_BAD_PARAMETERS));
        assert!(cs.remove_object(a).is_some());
        assert!(cs.object(a).is_none());
        assert_eq!(cs.key(a).err(), Some(TEE_ERROR_BAD_STATE));
        // Freed handles are not given out again.
        let c = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        assert!(c != a && c != b);
        // Wrap-around skips 0 and handles in use.
        cs.next = u32::MAX;
        let d = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        assert_eq!(d, u32::MAX);
        cs.next = b;
        let e = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        assert!(e != 0 && e != b && e != c);
    }

    #[test]
    fn handle_table_is_bounded() {
        let mut cs = CryptoState::default();
        for _ in 0..MAX_HANDLES {
            cs.add_object(KeyObject::new(TEE_TYPE_GENERIC_SECRET, 8).unwrap())
                .unwrap();
        }
        assert_eq!(
            cs.add_object(KeyObject::new(TEE_TYPE_GENERIC_SECRET, 8).unwrap())
                .err(),
            Some(TEE_ERROR_OUT_OF_MEMORY)
        );
    }

    #[test]
    fn key_types_follow_optee() {
        assert!(check_key_type(TEE_TYPE_AES, TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT).is_ok());
        assert!(check_key_type(TEE_TYPE_DES, TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT).is_err());
        assert!(check_key_type(
            TEE_TYPE_RSA_PUBLIC_KEY,
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
            TEE_MODE_VERIFY
        )
        .is_ok());
        assert!(check_key_type(
            TEE_TYPE_RSA_PUBLIC_KEY,
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
            TEE_MODE_SIGN
        )
        .is_err());
        assert!(check_key_type(TEE_TYPE_HMAC_SHA256, TEE_ALG_HMAC_SHA256, TEE_MODE_MAC).is_ok());
        assert_eq!(
            translate_compat_algo(__OPTEE_ALG_ECDH_P256),
            TEE_ALG_ECDH_DERIVE_SHARED_SECRET
        );
    }

    /// A fake TA: one read-write page run at `VA` backed by a vector.
    mod ta {
        use super::super::super::hw::{NoEntropy, Trap, UserHw, UserRegs};
        use super::super::super::space::{Space, Use, PAGE};
        use super::super::super::Frames;
        use oxtee_frames::{FrameRange, Owner};
        use oxtee_mm::{UserKind, UserMapping};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Mutex;

        const POOL: u64 = 0x1000_0000;
        const POOL_SIZE: u64 = 1 << 20;
        pub(super) const VA: u64 = 0x8010_0000;
        pub(super) const SIZE: u64 = 16 * PAGE;
        /// A page standing for normal-world shared memory.
        pub(super) const NS_VA: u64 = 0xa000_0000;

        /// Memory, and whether `random` fails.
        pub(super) struct Hw(Mutex<Vec<u8>>, pub(super) AtomicBool);

        impl UserHw for Hw {
            fn read(&self, pa: u64, dst: &mut [u8]) {
                let o = (pa - POOL) as usize;
                dst.copy_from_slice(&self.0.lock().unwrap()[o..o + dst.len()]);
            }
            fn write(&self, pa: u64, src: &[u8]) {
                let o = (pa - POOL) as usize;
                self.0.lock().unwrap()[o..o + src.len()].copy_from_slice(src);
            }
            fn zero(&self, pa: u64, len: u64) {
                let o = (pa - POOL) as usize;
                self.0.lock().unwrap()[o..o + len as usize].fill(0);
            }
            fn sync_code(&self, _: u64, _: u64) {}
            fn build_tables(&self, a: FrameRange, _: &[UserMapping]) -> Result<u64, u32> {
                Ok(a.start())
            }
            fn run(&self, _: u64, _: bool, _: &mut UserRegs) -> Trap {
                unreachable!()
            }
            fn counter(&self) -> (u64, u64) {
                (0, 1)
            }
            fn random(&self, buf: &mut [u8]) -> Result<(), NoEntropy> {
                if self.1.load(Ordering::Relaxed) {
                    return Err(NoEntropy);
                }
                buf.fill(0x5a);
                Ok(())
            }
            fn log(&self, _: core::fmt::Arguments<'_>) {}
        }

        pub(super) fn setup() -> (Hw, Space) {
            let frames = Frames::default();
            frames.lock().init(POOL, POOL_SIZE).unwrap();
            let hw = Hw(
                Mutex::new(vec![0; POOL_SIZE as usize]),
                AtomicBool::new(false),
            );
            let mut space = Space::new(Owner(5), 3);
            let f = space.alloc_frames(&frames, &hw, SIZE).unwrap();
            space.map(VA, f, UserKind::Rw, Use::Fixed).unwrap();
            let g = space.alloc_frames(&frames, &hw, PAGE).unwrap();
            space
                .map(NS_VA, g, UserKind::Rw, Use::Param { nonsecure: true })
                .unwrap();
            (hw, space)
        }
    }

    fn mem<'a>(hw: &'a ta::Hw, space: &'a Space) -> Mem<'a> {
        Mem { hw, space }
    }

    fn u64_at(m: &Mem<'_>, va: u64) -> u64 {
        m.get_len(va).unwrap()
    }

    fn u32_at(m: &Mem<'_>, va: u64) -> u32 {
        m.space.read_u32(m.hw, va).unwrap()
    }

    const OUT: u64 = ta::VA;
    const LEN: u64 = ta::VA + 0x100;
    const DATA: u64 = ta::VA + 0x1000;
    const ATTRS: u64 = ta::VA + 0x2000;
    const BUF: u64 = ta::VA + 0x3000;
    const UNMAPPED: u64 = ta::VA + ta::SIZE + 0x10;

    #[test]
    fn key_generation_fails_without_entropy() {
        let (hw, space) = ta::setup();
        hw.1.store(true, std::sync::atomic::Ordering::Relaxed);
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        for (ty, bits) in [(TEE_TYPE_AES, 128), (TEE_TYPE_X25519_KEYPAIR, 256)] {
            obj_alloc(&m, &mut cs, ty, bits, OUT).unwrap();
            let h = u32_at(&m, OUT);
            assert_eq!(
                obj_generate(&m, &mut cs, h, bits, 0, 0),
                Err(TEE_ERROR_GENERIC),
                "type {ty:#x}"
            );
            assert!(!cs.object(h).unwrap().key.is_initialized());
        }
    }

    #[test]
    fn digest_through_the_syscall_layer() {
        let (hw, space) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        state_alloc(&m, &mut cs, TEE_ALG_SHA256, TEE_MODE_DIGEST, 0, 0, OUT).unwrap();
        let st = u32_at(&m, OUT);
        assert_ne!(st, 0);
        // Not initialized yet (libutee calls HASH_INIT right after the alloc).
        assert_eq!(
            hash_update(&m, &mut cs, st, DATA, 3),
            Err(TEE_ERROR_BAD_STATE)
        );
        hash_init(&mut cs, st).unwrap();
        m.write(DATA, b"abc").unwrap();
        // NULL with a size, unmapped data, unknown state.
        assert_eq!(
            hash_update(&m, &mut cs, st, 0, 3),
            Err(TEE_ERROR_BAD_PARAMETERS)
        );
        assert_eq!(
            hash_update(&m, &mut cs, st, UNMAPPED, 3),
            Err(TEE_ERROR_ACCESS_DENIED)
        );
        assert_eq!(
            hash_update(&m, &mut cs, st + 1, DATA, 3),
            Err(TEE_ERROR_BAD_PARAMETERS)
        );
        hash_update(&m, &mut cs, st, DATA, 3).unwrap();
        // Too small: SHORT_BUFFER with the needed size, data kept.
        m.put_len(LEN, 31).unwrap();
        assert_eq!(
            hash_final(&m, &mut cs, st, 0, 0, BUF, LEN),
            Err(TEE_ERROR_SHORT_BUFFER)
        );
        assert_eq!(u64_at(&m, LEN), 32);
        hash_final(&m, &mut cs, st, 0, 0, BUF, LEN).unwrap();
        let mut d = [0u8; 32];
        space.read(&hw, BUF, &mut d).unwrap();
        assert_eq!(
            d[..4],
            [0xba, 0x78, 0x16, 0xbf],
            "SHA-256(abc) starts ba7816bf"
        );
        // Freed states are gone.
        assert!(cs.get_state(st).is_ok());
        cs.free_state(st);
        assert_eq!(hash_init(&mut cs, st), Err(TEE_ERROR_BAD_PARAMETERS));
    }

    fn write_attr(m: &Mem<'_>, at: u64, id: u32, a: u64, b: u64) {
        let mut r = [0u8; UTEE_ATTRIBUTE_SIZE];
        r[..8].copy_from_slice(&a.to_le_bytes());
        r[8..16].copy_from_slice(&b.to_le_bytes());
        r[16..20].copy_from_slice(&id.to_le_bytes());
        m.write(at, &r).unwrap();
    }

    #[test]
    fn objects_and_a_mac_through_the_syscall_layer() {
        let (hw, space) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        // Allocate, populate from a utee_attribute array, read back.
        obj_alloc(&m, &mut cs, TEE_TYPE_HMAC_SHA256, 256, OUT).unwrap();
        let user_key = u32_at(&m, OUT);
        m.write(DATA, &[0x0b; 32]).unwrap();
        write_attr(&m, ATTRS, TEE_ATTR_SECRET_VALUE, DATA, 32);
        // Attribute buffer outside the TA, and too many attributes.
        write_attr(&m, ATTRS + 24, TEE_ATTR_SECRET_VALUE, UNMAPPED, 32);
        assert_eq!(
            obj_populate(&m, &mut cs, user_key, ATTRS + 24, 1),
            Err(TEE_ERROR_ACCESS_DENIED)
        );
        assert_eq!(
            obj_populate(&m, &mut cs, user_key, ATTRS, MAX_ATTRS + 1),
            Err(TEE_ERROR_OUT_OF_MEMORY)
        );
        obj_populate(&m, &mut cs, user_key, ATTRS, 1).unwrap();
        m.put_len(LEN, 4).unwrap();
        assert_eq!(
            obj_get_attr(&m, &cs, user_key, TEE_ATTR_SECRET_VALUE, BUF, LEN),
            Err(TEE_ERROR_SHORT_BUFFER)
        );
        assert_eq!(u64_at(&m, LEN), 32);
        obj_get_attr(&m, &cs, user_key, TEE_ATTR_SECRET_VALUE, BUF, LEN).unwrap();
        obj_get_info(&m, &cs, user_key, BUF).unwrap();
        assert_eq!(u32_at(&m, BUF + 4), 256);
        assert_eq!(
            u32_at(&m, BUF + 24) & TEE_HANDLE_FLAG_INITIALIZED,
            TEE_HANDLE_FLAG_INITIALIZED
        );
        // libutee's operation: its own key object, busy once the state has it.
        obj_alloc(&m, &mut cs, TEE_TYPE_HMAC_SHA256, 256, OUT).unwrap();
        let op_key = u32_at(&m, OUT);
        state_alloc(
            &m,
            &mut cs,
            TEE_ALG_HMAC_SHA256,
            TEE_MODE_MAC,
            op_key,
            0,
            OUT,
        )
        .unwrap();
        let st = u32_at(&m, OUT);
        assert!(cs.object(op_key).unwrap().busy);
        // A busy key cannot be given to a second state, nor closed by the TA.
        assert_eq!(
            state_alloc(
                &m,
                &mut cs,
                TEE_ALG_HMAC_SHA256,
                TEE_MODE_MAC,
                op_key,
                0,
                OUT
            ),
            Err(TEE_ERROR_BAD_PARAMETERS)
        );
        // Wrong key type for the algorithm.
        assert_eq!(
            state_alloc(
                &m,
                &mut cs,
                TEE_ALG_AES_CMAC,
                TEE_MODE_MAC,
                user_key,
                0,
                OUT
            ),
            Err(TEE_ERROR_BAD_PARAMETERS)
        );
        // The key is read at HASH_INIT: uninitialized → BAD_PARAMETERS.
        assert_eq!(hash_init(&mut cs, st), Err(TEE_ERROR_BAD_PARAMETERS));
        obj_copy(&mut cs, op_key, user_key).unwrap();
        hash_init(&mut cs, st).unwrap();
        m.write(DATA, b"Hi There").unwrap();
        hash_update(&m, &mut cs, st, DATA, 8).unwrap();
        m.put_len(LEN, 64).unwrap();
        hash_final(&m, &mut cs, st, 0, 0, BUF, LEN).unwrap();
        assert_eq!(u64_at(&m, LEN), 32);
        // Unknown objects: BAD_STATE, except GET_ATTR (ITEM_NOT_FOUND).
        assert_eq!(obj_get_info(&m, &cs, 0xdead, BUF), Err(TEE_ERROR_BAD_STATE));
        assert_eq!(
            obj_get_attr(&m, &cs, 0xdead, TEE_ATTR_SECRET_VALUE, BUF, LEN),
            Err(TEE_ERROR_ITEM_NOT_FOUND)
        );
        // A state handle is not an object handle.
        assert_eq!(obj_get_info(&m, &cs, st, BUF), Err(TEE_ERROR_BAD_STATE));
        // Freeing the state closes its key objects.
        cs.free_state(st);
        assert!(cs.object(op_key).is_none());
        assert!(cs.object(user_key).is_some());
    }

    #[test]
    fn cipher_lengths_through_the_syscall_layer() {
        let (hw, space) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        obj_alloc(&m, &mut cs, TEE_TYPE_AES, 128, OUT).unwrap();
        let k = u32_at(&m, OUT);
        m.write(DATA, &[1; 16]).unwrap();
        write_attr(&m, ATTRS, TEE_ATTR_SECRET_VALUE, DATA, 16);
        obj_populate(&m, &mut cs, k, ATTRS, 1).unwrap();
        // XTS needs two keys, CBC exactly one.
        assert_eq!(
            state_alloc(&m, &mut cs, TEE_ALG_AES_XTS, TEE_MODE_ENCRYPT, k, 0, OUT),
            Err(TEE_ERROR_BAD_PARAMETERS)
        );
        state_alloc(
            &m,
            &mut cs,
            TEE_ALG_AES_CBC_NOPAD,
            TEE_MODE_ENCRYPT,
            k,
            0,
            OUT,
        )
        .unwrap();
        let st = u32_at(&m, OUT);
        assert_eq!(
            cipher_update(&m, &mut cs, st, false, DATA, 16, BUF, LEN),
            Err(TEE_ERROR_BAD_STATE)
        );
        m.write(DATA + 0x100, &[0; 16]).unwrap();
        assert_eq!(
            cipher_init(&m, &mut cs, st, DATA + 0x100, 15),
            Err(TEE_ERROR_BAD_PARAMETERS)
        );
        cipher_init(&m, &mut cs, st, DATA + 0x100, 16).unwrap();
        m.put_len(LEN, 16).unwrap();
        assert_eq!(
            cipher_update(&m, &mut cs, st, false, DATA, 32, BUF, LEN),
            Err(TEE_ERROR_SHORT_BUFFER)
        );
        assert_eq!(u64_at(&m, LEN), 32);
        // Output pointer outside the TA.
        assert_eq!(
            cipher_update(&m, &mut cs, st, false, DATA, 32, UNMAPPED, LEN),
            Err(TEE_ERROR_ACCESS_DENIED)
        );
        cipher_update(&m, &mut cs, st, false, DATA, 32, BUF, LEN).unwrap();
        assert_eq!(u64_at(&m, LEN), 32);
        m.put_len(LEN, 16).unwrap();
        cipher_update(&m, &mut cs, st, true, DATA, 16, BUF, LEN).unwrap();
        assert_eq!(u64_at(&m, LEN), 16);
    }

    #[test]
    fn ta_unique_keys() {
        let (_hw, space) = ta::setup();
        let up = |extra: u64, key_va: u64, key_len: u64| UteeParams {
            types: [
                TEE_PARAM_TYPE_MEMREF_INPUT,
                TEE_PARAM_TYPE_MEMREF_OUTPUT,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
            ],
            a: [DATA, key_va, 0, 0],
            b: [extra, key_len, 0, 0],
        };
        let params = |extra: &[u8], key_len: usize| -> Params {
            let mut p: Params = Default::default();
            p[0] = Param::MemrefInput(Memref::new(extra.to_vec()));
            p[1] = Param::MemrefOutput(Memref::new(vec![0; key_len]));
            p
        };
        let key = |p: &Params| match &p[1] {
            Param::MemrefOutput(m) => m.buf.clone().unwrap(),
            _ => panic!("no key"),
        };
        let uuid = [7u8; 16];
        let mut p1 = params(b"", 32);
        derive_ta_unique_key(&space, uuid, &up(0, BUF, 32), &mut p1).unwrap();
        let mut p2 = params(b"", 32);
        derive_ta_unique_key(&space, uuid, &up(0, BUF, 32), &mut p2).unwrap();
        assert_eq!(key(&p1), key(&p2));
        let mut p3 = params(b"x", 32);
        derive_ta_unique_key(&space, uuid, &up(1, BUF, 32), &mut p3).unwrap();
        assert_ne!(key(&p1), key(&p3));
        let mut p4 = params(b"", 32);
        derive_ta_unique_key(&space, [8; 16], &up(0, BUF, 32), &mut p4).unwrap();
        assert_ne!(key(&p1), key(&p4), "keys are per TA");
        for (extra, len) in [(1025, 32), (0, 15), (0, 33)] {
            assert_eq!(
                derive_ta_unique_key(&space, uuid, &up(extra, BUF, len), &mut params(b"", 0)),
                Err(TEE_ERROR_BAD_PARAMETERS)
            );
        }
        // Never into normal-world memory.
        assert_eq!(
            derive_ta_unique_key(&space, uuid, &up(0, ta::NS_VA, 32), &mut params(b"", 32)),
            Err(TEE_ERROR_SECURITY)
        );
        assert_eq!(
            derive_ta_unique_key(&space, uuid, &up(0, UNMAPPED, 32), &mut params(b"", 32)),
            Err(TEE_ERROR_SECURITY)
        );
    }

    #[test]
    fn object_info_layout() {
        let k = KeyObject::new(TEE_TYPE_AES, 256).unwrap();
        let info = object_info(&k.info());
        let b = zerocopy::IntoBytes::as_bytes(&info);
        assert_eq!(&b[0..4], &TEE_TYPE_AES.to_le_bytes());
        assert_eq!(&b[8..12], &256u32.to_le_bytes());
        assert_eq!(&b[12..16], &TEE_USAGE_DEFAULT.to_le_bytes());
        assert_eq!(&b[24..28], &0u32.to_le_bytes());
    }
}
