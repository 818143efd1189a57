//! The crypto system calls of the simulated TEE, on `oxtee-crypto` (the
//! core's own crypto crate), so host tests run the same algorithms a TA gets
//! in the TEE: transient objects, operation states, and the key of a
//! persistent object (kept by [`crate::storage::Storage`]).
//!
//! The rules follow the core's dispatcher: an unknown object handle is
//! `TEE_ERROR_BAD_STATE`, an unknown state `TEE_ERROR_BAD_PARAMETERS`; an
//! operation's key objects are busy (not closable) until the state is
//! freed, which closes them; key types are checked against the algorithm,
//! and, more strictly than the core, verifying and encrypting states take a
//! public key object only (OP-TEE 4.5 crashes on a key pair there).

use std::collections::BTreeMap;

use oxtee_crypto::asym_op;
use oxtee_crypto::object::AttrValue;
use oxtee_crypto::{Attribute, CryptoError, KeyObject, Operation};
use supplicant_proto::tee_crypto::*;
use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE, TEE_ERROR_GENERIC, TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_SHORT_BUFFER,
};
use supplicant_proto::tee_syscall::{Sysnum, UteeAttribute, UteeObjectInfo, TEE_SVC_MAX_ARGS};

use crate::kernel::{bytes_in, bytes_out, get, put, Random, Tee};

/// Handles of transient objects and states start here, apart from the
/// storage's handles (which count from 1).
const FIRST_HANDLE: u32 = 0x4000_0000;
/// Objects and states one instance may hold (the core's limit).
const MAX_HANDLES: usize = 4096;
/// Most attributes one call may pass (the core's limit).
const MAX_ATTRS: u64 = 256;

struct Obj {
    key: KeyObject,
    busy: bool,
}

struct State {
    algo: u32,
    mode: u32,
    key1: u32,
    key2: u32,
    initialized: bool,
    op: Option<Operation>,
}

/// Transient objects and operation states of the simulated TA instance.
#[derive(Default)]
pub(crate) struct Crypto {
    next: u32,
    objects: BTreeMap<u32, Obj>,
    states: BTreeMap<u32, State>,
}

impl Crypto {
    /// Number of transient objects and states held (for leak checks).
    pub(crate) fn open_handles(&self) -> usize {
        self.objects.len() + self.states.len()
    }

    /// Whether `h` is one of these handles (else it may be the storage's).
    pub(crate) fn owns(&self, h: u32) -> bool {
        self.objects.contains_key(&h) || self.states.contains_key(&h)
    }

    fn new_handle(&mut self) -> Result<u32, u32> {
        if self.open_handles() >= MAX_HANDLES {
            return Err(TEE_ERROR_OUT_OF_MEMORY);
        }
        loop {
            let h = self.next.max(FIRST_HANDLE);
            self.next = h.wrapping_add(1);
            if !self.owns(h) {
                return Ok(h);
            }
        }
    }

    fn add_object(&mut self, key: KeyObject) -> Result<u32, u32> {
        let h = self.new_handle()?;
        self.objects.insert(h, Obj { key, busy: false });
        Ok(h)
    }

    /// The key behind transient handle `h`.
    pub(crate) fn key(&self, h: u32) -> Option<&KeyObject> {
        self.objects.get(&h).map(|o| &o.key)
    }
}

fn code(e: CryptoError) -> u32 {
    e.code()
}

struct SimRng<'a>(&'a mut Random);

impl oxtee_crypto::Rng for SimRng<'_> {
    fn fill(&mut self, dest: &mut [u8]) -> oxtee_crypto::CryptoResult<()> {
        self.0.fill(dest).map_err(|_| CryptoError::Generic)
    }
}

/// Attributes copied in: value attributes and owned buffers.
struct Attrs(Vec<(u32, u64, u64, Vec<u8>)>);

impl Attrs {
    fn copy_in(va: u64, count: u64) -> Result<Attrs, u32> {
        if count > MAX_ATTRS {
            return Err(TEE_ERROR_OUT_OF_MEMORY);
        }
        let size = std::mem::size_of::<UteeAttribute>() as u64;
        let raw = bytes_in(va, count * size)?;
        let mut v = Vec::new();
        for c in raw.chunks_exact(size as usize) {
            let a = u64::from_le_bytes(c[0..8].try_into().unwrap_or_default());
            let b = u64::from_le_bytes(c[8..16].try_into().unwrap_or_default());
            let id = u32::from_le_bytes(c[16..20].try_into().unwrap_or_default());
            let data = if tee_attr_is_value(id) {
                Vec::new()
            } else {
                bytes_in(a, b)?.to_vec()
            };
            v.push((id, a, b, data));
        }
        Ok(Attrs(v))
    }

    fn list(&self) -> Vec<Attribute<'_>> {
        self.0
            .iter()
            .map(|(id, a, b, data)| {
                if tee_attr_is_value(*id) {
                    Attribute::Value {
                        id: *id,
                        a: *a as u32,
                        b: *b as u32,
                    }
                } else {
                    Attribute::Ref { id: *id, data }
                }
            })
            .collect()
    }
}

fn info_of(key: &KeyObject) -> UteeObjectInfo {
    let i = key.info();
    UteeObjectInfo {
        obj_type: i.object_type,
        obj_size: i.key_size,
        max_obj_size: i.max_key_size,
        obj_usage: i.object_usage,
        handle_flags: i.handle_flags,
        ..Default::default()
    }
}

/// The key behind a transient or persistent handle.
fn any_key(tee: &Tee, h: u32) -> Result<&KeyObject, u32> {
    if let Some(k) = tee.crypto.key(h) {
        return Ok(k);
    }
    tee.storage.key(h).ok_or(TEE_ERROR_BAD_STATE)
}

/// True for the calls this module serves (object info and close also go to
/// storage for storage handles: see the kernel).
pub(crate) fn serves(sys: Sysnum) -> bool {
    matches!(
        sys,
        Sysnum::CrypStateAlloc
            | Sysnum::CrypStateCopy
            | Sysnum::CrypStateFree
            | Sysnum::HashInit
            | Sysnum::HashUpdate
            | Sysnum::HashFinal
            | Sysnum::CipherInit
            | Sysnum::CipherUpdate
            | Sysnum::CipherFinal
            | Sysnum::CrypObjRestrictUsage
            | Sysnum::CrypObjGetAttr
            | Sysnum::CrypObjAlloc
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

/// `CRYP_OBJ_GET_INFO` of a transient handle.
pub(crate) fn obj_info(tee: &Tee, h: u32, out: u64) -> Result<(), u32> {
    let key = tee.crypto.key(h).ok_or(TEE_ERROR_BAD_STATE)?;
    put(out, info_of(key))
}

/// `CRYP_OBJ_CLOSE` of a transient handle.
pub(crate) fn obj_close(tee: &mut Tee, h: u32) -> Result<(), u32> {
    match tee.crypto.objects.get(&h) {
        None => Err(TEE_ERROR_BAD_STATE),
        Some(o) if o.busy => Err(TEE_ERROR_ITEM_NOT_FOUND),
        Some(_) => {
            tee.crypto.objects.remove(&h);
            Ok(())
        }
    }
}

/// Serves crypto call `sys` with arguments `a`.
pub(crate) fn call(tee: &mut Tee, sys: Sysnum, a: &[u64; TEE_SVC_MAX_ARGS]) -> Result<(), u32> {
    let h = a[0] as u32;
    match sys {
        Sysnum::CrypObjAlloc => {
            let key = KeyObject::new(a[0] as u32, a[1] as u32).map_err(code)?;
            let h = tee.crypto.add_object(key)?;
            put(a[2], h)
        }
        Sysnum::CrypObjReset => {
            let o = tee.crypto.objects.get_mut(&h).ok_or(TEE_ERROR_BAD_STATE)?;
            o.key.reset();
            Ok(())
        }
        Sysnum::CrypObjRestrictUsage => {
            if let Some(o) = tee.crypto.objects.get_mut(&h) {
                o.key.restrict_usage(a[1] as u32);
                Ok(())
            } else {
                tee.storage.restrict_usage(h, a[1] as u32)
            }
        }
        Sysnum::CrypObjPopulate => {
            let attrs = Attrs::copy_in(a[1], a[2])?;
            let o = tee.crypto.objects.get_mut(&h).ok_or(TEE_ERROR_BAD_STATE)?;
            if o.key.is_initialized() {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            o.key.populate(&attrs.list()).map_err(code)
        }
        Sysnum::CrypObjGenerateKey => {
            let attrs = Attrs::copy_in(a[2], a[3])?;
            let o = tee.crypto.objects.get_mut(&h).ok_or(TEE_ERROR_BAD_STATE)?;
            if o.key.is_initialized() {
                return Err(TEE_ERROR_BAD_STATE);
            }
            let mut rng = SimRng(&mut tee.random);
            o.key
                .generate(a[1] as u32, &attrs.list(), &mut rng)
                .map_err(code)
        }
        Sysnum::CrypObjCopy => {
            tee.crypto.key(h).ok_or(TEE_ERROR_BAD_STATE)?;
            let src = any_key(tee, a[1] as u32)?.clone();
            let d = tee.crypto.objects.get_mut(&h).ok_or(TEE_ERROR_BAD_STATE)?;
            d.key.copy_attributes_from(&src).map_err(code)
        }
        Sysnum::CrypObjGetAttr => get_attr(tee, h, a[1] as u32, a[2], a[3]),
        Sysnum::CrypStateAlloc => state_alloc(tee, a),
        Sysnum::CrypStateCopy => {
            let src = tee.crypto.states.get(&(a[1] as u32));
            let src = src.ok_or(TEE_ERROR_BAD_PARAMETERS)?;
            let (algo, mode, init, op) = (src.algo, src.mode, src.initialized, src.op.clone());
            let d = tee
                .crypto
                .states
                .get_mut(&h)
                .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
            if d.algo != algo || d.mode != mode {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            d.op = Some(op.ok_or(TEE_ERROR_BAD_STATE)?);
            d.initialized = init;
            Ok(())
        }
        Sysnum::CrypStateFree => {
            let s = tee
                .crypto
                .states
                .remove(&h)
                .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
            for k in [s.key1, s.key2] {
                tee.crypto.objects.remove(&k);
            }
            Ok(())
        }
        Sysnum::HashInit => {
            let class = tee_alg_get_class(state(tee, h)?.algo);
            match class {
                TEE_OPERATION_DIGEST => op(tee, h)?.reset().map_err(code)?,
                TEE_OPERATION_MAC => {
                    load_key(tee, h)?;
                    op(tee, h)?.mac_init(&[]).map_err(code)?;
                }
                _ => return Err(TEE_ERROR_BAD_PARAMETERS),
            }
            state_mut(tee, h)?.initialized = true;
            Ok(())
        }
        Sysnum::HashUpdate => {
            let data = bytes_in(a[1], a[2])?;
            hash_feed(tee, h, data)
        }
        Sysnum::HashFinal => {
            let data = bytes_in(a[1], a[2])?;
            let cap: u64 = get(a[4])?;
            let s = state_mut(tee, h)?;
            if !s.initialized {
                return Err(TEE_ERROR_BAD_STATE);
            }
            let size =
                s.op.as_ref()
                    .ok_or(TEE_ERROR_BAD_PARAMETERS)?
                    .info()
                    .digest_length as u64;
            if cap < size {
                put(a[4], size)?;
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            hash_feed(tee, h, data)?;
            let class = tee_alg_get_class(state(tee, h)?.algo);
            let o = op(tee, h)?;
            let mut out = vec![0u8; size as usize];
            let n = if class == TEE_OPERATION_DIGEST {
                o.digest_final(&[], &mut out)
            } else {
                o.mac_compute_final(&[], &mut out)
            }
            .map_err(code)?;
            bytes_out(a[3], &out[..n])?;
            put(a[4], n as u64)
        }
        Sysnum::CipherInit => {
            if tee_alg_get_class(state(tee, h)?.algo) != TEE_OPERATION_CIPHER {
                return Err(TEE_ERROR_BAD_STATE);
            }
            let iv = bytes_in(a[1], a[2])?.to_vec();
            load_key(tee, h)?;
            op(tee, h)?.cipher_init(&iv).map_err(code)?;
            state_mut(tee, h)?.initialized = true;
            Ok(())
        }
        Sysnum::CipherUpdate | Sysnum::CipherFinal => {
            let input = bytes_in(a[1], a[2])?.to_vec();
            let cap: u64 = get(a[4])?;
            if !state(tee, h)?.initialized {
                return Err(TEE_ERROR_BAD_STATE);
            }
            if cap < input.len() as u64 {
                put(a[4], input.len() as u64)?;
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            let o = op(tee, h)?;
            let mut out = vec![0u8; input.len()];
            let n = if sys == Sysnum::CipherFinal {
                if input.is_empty() {
                    if o.is_active() {
                        o.reset().map_err(code)?;
                    }
                    0
                } else {
                    o.cipher_final(&input, &mut out).map_err(code)?
                }
            } else {
                o.cipher_update(&input, &mut out).map_err(code)?
            };
            bytes_out(a[3], &out[..n])?;
            put(a[4], n as u64)
        }
        Sysnum::AuthencInit => {
            if tee_alg_get_class(state(tee, h)?.algo) != TEE_OPERATION_AE {
                return Err(TEE_ERROR_BAD_STATE);
            }
            let nonce = bytes_in(a[1], a[2])?.to_vec();
            // The tag length comes in bytes.
            let tag_bits = u32::try_from(a[3])
                .ok()
                .and_then(|t| t.checked_mul(8))
                .ok_or(TEE_ERROR_BAD_PARAMETERS)?;
            let aad = usize::try_from(a[4]).map_err(|_| TEE_ERROR_BAD_PARAMETERS)?;
            let payload = usize::try_from(a[5]).map_err(|_| TEE_ERROR_BAD_PARAMETERS)?;
            load_key(tee, h)?;
            op(tee, h)?
                .ae_init(&nonce, tag_bits, aad, payload)
                .map_err(code)?;
            state_mut(tee, h)?.initialized = true;
            Ok(())
        }
        Sysnum::AuthencUpdateAad => {
            let aad = bytes_in(a[1], a[2])?.to_vec();
            ae_op(tee, h)?.ae_update_aad(&aad).map_err(code)
        }
        Sysnum::AuthencUpdatePayload => {
            let input = bytes_in(a[1], a[2])?.to_vec();
            let cap: u64 = get(a[4])?;
            if cap < input.len() as u64 {
                put(a[4], input.len() as u64)?;
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            let mut out = vec![0u8; input.len()];
            let n = ae_op(tee, h)?.ae_update(&input, &mut out).map_err(code)?;
            bytes_out(a[3], &out[..n])?;
            put(a[4], n as u64)
        }
        Sysnum::AuthencEncFinal => {
            let input = bytes_in(a[1], a[2])?.to_vec();
            let cap: u64 = get(a[4])?;
            let tag_cap: u64 = get(a[6])?;
            if state(tee, h)?.mode != TEE_MODE_ENCRYPT {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            if cap < input.len() as u64 {
                put(a[4], input.len() as u64)?;
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            let o = ae_op(tee, h)?;
            let need = o.info().digest_length as u64;
            if tag_cap < need {
                put(a[6], need)?;
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            let mut out = vec![0u8; input.len()];
            let mut tag = [0u8; 16];
            let (n, tn) = o
                .ae_encrypt_final(&input, &mut out, &mut tag)
                .map_err(code)?;
            bytes_out(a[3], &out[..n])?;
            bytes_out(a[5], &tag[..tn])?;
            put(a[4], n as u64)?;
            put(a[6], tn as u64)
        }
        Sysnum::AuthencDecFinal => {
            let input = bytes_in(a[1], a[2])?.to_vec();
            let cap: u64 = get(a[4])?;
            let tag = bytes_in(a[5], a[6])?.to_vec();
            if state(tee, h)?.mode != TEE_MODE_DECRYPT {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            if cap < input.len() as u64 {
                put(a[4], input.len() as u64)?;
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            let mut out = vec![0u8; input.len()];
            let n = ae_op(tee, h)?
                .ae_decrypt_final(&input, &mut out, &tag)
                .map_err(code)?;
            bytes_out(a[3], &out[..n])?;
            put(a[4], n as u64)
        }
        Sysnum::AsymmOperate => {
            let attrs = Attrs::copy_in(a[1], a[2])?;
            let input = bytes_in(a[3], a[4])?.to_vec();
            let cap: u64 = get(a[6])?;
            let s = state(tee, h)?;
            let (algo, mode, k1) = (s.algo, s.mode, s.key1);
            let key = tee.crypto.key(k1).ok_or(TEE_ERROR_BAD_STATE)?;
            if !key.is_initialized() {
                return Err(TEE_ERROR_GENERIC);
            }
            if mode == TEE_MODE_ENCRYPT && tee_alg_get_main_alg(algo) == TEE_MAIN_ALGO_RSA {
                let modulus = u64::from(key.key_size()).div_ceil(8);
                if cap < modulus {
                    put(a[6], modulus)?;
                    return Err(TEE_ERROR_SHORT_BUFFER);
                }
            }
            let mut rng = SimRng(&mut tee.random);
            let out =
                match asym_op::asymmetric_operate(algo, mode, key, &attrs.list(), &input, &mut rng)
                {
                    Ok(o) => o,
                    Err(CryptoError::ShortBuffer { required }) => {
                        put(a[6], required as u64)?;
                        return Err(TEE_ERROR_SHORT_BUFFER);
                    }
                    Err(e) => return Err(code(e)),
                };
            put(a[6], out.len() as u64)?;
            if out.len() as u64 > cap {
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            bytes_out(a[5], &out)
        }
        Sysnum::AsymmVerify => {
            let attrs = Attrs::copy_in(a[1], a[2])?;
            let data = bytes_in(a[3], a[4])?;
            let sig = bytes_in(a[5], a[6])?;
            let s = state(tee, h)?;
            if s.mode != TEE_MODE_VERIFY {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            let key = tee.crypto.key(s.key1).ok_or(TEE_ERROR_BAD_STATE)?;
            if !key.is_initialized() {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            asym_op::asymmetric_verify(s.algo, key, &attrs.list(), data, sig).map_err(code)
        }
        Sysnum::CrypDeriveKey => {
            let attrs = Attrs::copy_in(a[1], a[2])?;
            let derived = a[3] as u32;
            let s = state(tee, h)?;
            let (algo, k1, k2) = (s.algo, s.key1, s.key2);
            let key1 = tee.crypto.key(k1).ok_or(TEE_ERROR_BAD_STATE)?;
            let key2 = if k2 != 0 {
                Some(tee.crypto.key(k2).ok_or(TEE_ERROR_BAD_STATE)?)
            } else {
                None
            };
            let out_max = tee
                .crypto
                .key(derived)
                .ok_or(TEE_ERROR_BAD_STATE)?
                .max_key_size();
            let d = asym_op::derive_key(algo, key1, key2, &attrs.list(), out_max).map_err(code)?;
            let o = tee
                .crypto
                .objects
                .get_mut(&derived)
                .ok_or(TEE_ERROR_BAD_STATE)?;
            o.key.set_derived_secret(&d.secret).map_err(code)
        }
        _ => Err(supplicant_proto::tee_result::TEE_ERROR_NOT_SUPPORTED),
    }
}

fn state(tee: &Tee, h: u32) -> Result<&State, u32> {
    tee.crypto.states.get(&h).ok_or(TEE_ERROR_BAD_PARAMETERS)
}

fn state_mut(tee: &mut Tee, h: u32) -> Result<&mut State, u32> {
    tee.crypto
        .states
        .get_mut(&h)
        .ok_or(TEE_ERROR_BAD_PARAMETERS)
}

fn op(tee: &mut Tee, h: u32) -> Result<&mut Operation, u32> {
    state_mut(tee, h)?
        .op
        .as_mut()
        .ok_or(TEE_ERROR_BAD_PARAMETERS)
}

fn ae_op(tee: &mut Tee, h: u32) -> Result<&mut Operation, u32> {
    let s = state_mut(tee, h)?;
    if !s.initialized || tee_alg_get_class(s.algo) != TEE_OPERATION_AE {
        return Err(TEE_ERROR_BAD_STATE);
    }
    s.op.as_mut().ok_or(TEE_ERROR_BAD_PARAMETERS)
}

fn hash_feed(tee: &mut Tee, h: u32, data: &[u8]) -> Result<(), u32> {
    let s = state_mut(tee, h)?;
    if !s.initialized {
        return Err(TEE_ERROR_BAD_STATE);
    }
    let class = tee_alg_get_class(s.algo);
    let o = s.op.as_mut().ok_or(TEE_ERROR_BAD_PARAMETERS)?;
    match class {
        TEE_OPERATION_DIGEST => o.digest_update(data),
        TEE_OPERATION_MAC => o.mac_update(data),
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    }
    .map_err(code)
}

/// Puts the state's key into its operation (at every `*_INIT`).
fn load_key(tee: &mut Tee, h: u32) -> Result<(), u32> {
    let (k1, k2) = {
        let s = state(tee, h)?;
        (s.key1, s.key2)
    };
    let key1 = tee.crypto.key(k1).ok_or(TEE_ERROR_BAD_STATE)?.clone();
    if !key1.is_initialized() {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let key2 = match k2 {
        0 => None,
        k => Some(tee.crypto.key(k).ok_or(TEE_ERROR_BAD_STATE)?.clone()),
    };
    let o = op(tee, h)?;
    if o.is_active() {
        o.reset().map_err(code)?;
    }
    match &key2 {
        Some(k2) => o.set_key2(&key1, k2),
        None => o.set_key(Some(&key1)),
    }
    .map_err(code)
}

/// The key types an algorithm takes (as the core's `check_key_type`, for
/// the algorithms a keystore uses; others are accepted by type class).
fn check_key_type(obj_type: u32, algo: u32, mode: u32) -> Result<(), u32> {
    let public_ok = mode == TEE_MODE_ENCRYPT || mode == TEE_MODE_VERIFY;
    let ok: &[u32] = match tee_alg_get_main_alg(algo) {
        TEE_MAIN_ALGO_MD5 => &[TEE_TYPE_HMAC_MD5],
        TEE_MAIN_ALGO_SHA1 => &[TEE_TYPE_HMAC_SHA1],
        TEE_MAIN_ALGO_SHA224 => &[TEE_TYPE_HMAC_SHA224],
        TEE_MAIN_ALGO_SHA256 => &[TEE_TYPE_HMAC_SHA256],
        TEE_MAIN_ALGO_SHA384 => &[TEE_TYPE_HMAC_SHA384],
        TEE_MAIN_ALGO_SHA512 => &[TEE_TYPE_HMAC_SHA512],
        TEE_MAIN_ALGO_AES => &[TEE_TYPE_AES],
        TEE_MAIN_ALGO_DES => &[TEE_TYPE_DES],
        TEE_MAIN_ALGO_DES3 => &[TEE_TYPE_DES3],
        TEE_MAIN_ALGO_SM4 => &[TEE_TYPE_SM4],
        TEE_MAIN_ALGO_RSA if public_ok => &[TEE_TYPE_RSA_KEYPAIR, TEE_TYPE_RSA_PUBLIC_KEY],
        TEE_MAIN_ALGO_RSA => &[TEE_TYPE_RSA_KEYPAIR],
        TEE_MAIN_ALGO_ECDSA if mode == TEE_MODE_VERIFY => {
            &[TEE_TYPE_ECDSA_KEYPAIR, TEE_TYPE_ECDSA_PUBLIC_KEY]
        }
        TEE_MAIN_ALGO_ECDSA => &[TEE_TYPE_ECDSA_KEYPAIR],
        TEE_MAIN_ALGO_ECDH => &[TEE_TYPE_ECDH_KEYPAIR],
        TEE_MAIN_ALGO_ED25519 if mode == TEE_MODE_VERIFY => {
            &[TEE_TYPE_ED25519_KEYPAIR, TEE_TYPE_ED25519_PUBLIC_KEY]
        }
        TEE_MAIN_ALGO_ED25519 => &[TEE_TYPE_ED25519_KEYPAIR],
        TEE_MAIN_ALGO_X25519 => &[TEE_TYPE_X25519_KEYPAIR],
        TEE_MAIN_ALGO_HKDF => &[TEE_TYPE_HKDF_IKM],
        TEE_MAIN_ALGO_CONCAT_KDF => &[TEE_TYPE_CONCAT_KDF_Z],
        TEE_MAIN_ALGO_PBKDF2 => &[TEE_TYPE_PBKDF2_PASSWORD],
        TEE_MAIN_ALGO_DH => &[TEE_TYPE_DH_KEYPAIR],
        TEE_MAIN_ALGO_DSA if public_ok => &[TEE_TYPE_DSA_KEYPAIR, TEE_TYPE_DSA_PUBLIC_KEY],
        TEE_MAIN_ALGO_DSA => &[TEE_TYPE_DSA_KEYPAIR],
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    };
    if ok.contains(&obj_type) {
        Ok(())
    } else {
        Err(TEE_ERROR_BAD_PARAMETERS)
    }
}

fn state_alloc(tee: &mut Tee, a: &[u64; TEE_SVC_MAX_ARGS]) -> Result<(), u32> {
    let (algo, mode, key1, key2) = (a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32);
    for k in [key1, key2] {
        if k != 0 {
            // Persistent handles are not the crypto table's: refused, as
            // the core refuses them.
            let o = tee
                .crypto
                .objects
                .get(&k)
                .ok_or(if tee.storage.key(k).is_some() {
                    TEE_ERROR_BAD_PARAMETERS
                } else {
                    TEE_ERROR_BAD_STATE
                })?;
            if o.busy {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            check_key_type(o.key.object_type(), algo, mode)?;
            // Stricter than the core: OP-TEE 4.5 reads a verifying or
            // encrypting operation's key as a public key and crashes on a
            // key pair (libutee always hands it a public key object), so a
            // TA that passes a key pair there would break on OP-TEE.
            let public_only = matches!(
                tee_alg_get_class(algo),
                TEE_OPERATION_ASYMMETRIC_CIPHER | TEE_OPERATION_ASYMMETRIC_SIGNATURE
            ) && (mode == TEE_MODE_VERIFY || mode == TEE_MODE_ENCRYPT);
            if public_only && o.key.object_type() != tee_alg_get_key_type(algo, false) {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
        }
    }
    let (has1, has2) = (key1 != 0, key2 != 0);
    let max = match tee.crypto.key(key1) {
        Some(k) => k.max_key_size(),
        None => 0,
    };
    let class = tee_alg_get_class(algo);
    let sym = |factor: u32| -> Result<Option<Operation>, u32> {
        let mut op = Operation::new(algo, mode, max.saturating_mul(factor)).map_err(code)?;
        op.set_caller_buffers(true);
        Ok(Some(op))
    };
    let op = match class {
        TEE_OPERATION_CIPHER => {
            let xts = tee_alg_get_chain_mode(algo) == TEE_CHAIN_MODE_XTS;
            if !has1 || has2 != xts {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            sym(if xts { 2 } else { 1 })?
        }
        TEE_OPERATION_AE | TEE_OPERATION_MAC => {
            if !has1 || has2 {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            sym(1)?
        }
        TEE_OPERATION_DIGEST => {
            if has1 || has2 {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            sym(1)?
        }
        TEE_OPERATION_ASYMMETRIC_CIPHER
        | TEE_OPERATION_ASYMMETRIC_SIGNATURE
        | TEE_OPERATION_KEY_DERIVATION => {
            if !has1 || has2 {
                return Err(TEE_ERROR_BAD_PARAMETERS);
            }
            None
        }
        _ => return Err(supplicant_proto::tee_result::TEE_ERROR_NOT_SUPPORTED),
    };
    let h = tee.crypto.new_handle()?;
    tee.crypto.states.insert(
        h,
        State {
            algo,
            mode,
            key1,
            key2,
            initialized: false,
            op,
        },
    );
    for k in [key1, key2] {
        if let Some(o) = tee.crypto.objects.get_mut(&k) {
            o.busy = true;
        }
    }
    put(a[4], h)
}

fn get_attr(tee: &Tee, h: u32, id: u32, buf: u64, size_va: u64) -> Result<(), u32> {
    let key = match tee.crypto.key(h) {
        Some(k) => k,
        None => tee.storage.key(h).ok_or(TEE_ERROR_ITEM_NOT_FOUND)?,
    };
    let attr = key.attribute(id).map_err(code)?;
    let cap: u64 = get(size_va)?;
    let bytes = match attr {
        AttrValue::Value(v) => {
            if cap < 8 || buf == 0 {
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            let mut b = [0u8; 8];
            b[..4].copy_from_slice(&v.to_le_bytes());
            return bytes_out(buf, &b);
        }
        AttrValue::Secret(b) | AttrValue::Bignum(b) | AttrValue::Raw(b) => b,
    };
    put(size_va, bytes.len() as u64)?;
    if cap < bytes.len() as u64 || (buf == 0 && !bytes.is_empty()) {
        return Err(TEE_ERROR_SHORT_BUFFER);
    }
    bytes_out(buf, bytes)
}

/// `CRYP_OBJ_GET_INFO` of a persistent key object: the key's information
/// with the storage's data stream and handle flags.
pub(crate) fn persistent_info(key: Option<&KeyObject>) -> UteeObjectInfo {
    match key {
        Some(k) => info_of(k),
        None => UteeObjectInfo {
            obj_type: TEE_TYPE_DATA,
            ..Default::default()
        },
    }
}
