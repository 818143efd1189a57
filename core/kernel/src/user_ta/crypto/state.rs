//! Cryptographic states and the per-instance handle tables: allocating,
//! copying and freeing states, which key types an algorithm takes, and
//! loading a state's key at `*_INIT`.

use super::*;
use supplicant_proto::tee_error::TeeError;

/// Objects and states one instance may hold at once (a TA that needs
/// more gets `TEE_ERROR_OUT_OF_MEMORY`, as when OP-TEE's heap runs out).
pub(super) const MAX_HANDLES: usize = 4096;
/// First handle given out.
pub(super) const FIRST_HANDLE: u32 = 0x10;

/// A transient object of the instance.
pub struct Obj {
    /// Key material and object information.
    pub key: KeyObject,
    /// Used by an operation (`CRYP_STATE_ALLOC` took it as key1/key2).
    pub busy: bool,
    /// The persistent side of a persistent object.
    pub persist: Option<super::super::storage::Persist>,
}

/// One cryptographic state (`TEE_OperationHandle` in the core).
pub(super) struct State {
    pub(super) algo: u32,
    pub(super) mode: u32,
    pub(super) key1: u32,
    pub(super) key2: u32,
    /// OP-TEE's `CRYP_STATE_INITIALIZED`: set by the `*_INIT` calls.
    pub(super) initialized: bool,
    /// Digest, cipher, MAC and AE operations; `None` for asymmetric and
    /// key-derivation states, which use their key object directly.
    pub(super) op: Option<Operation>,
}

/// The cryptographic states and transient objects of one TA instance.
pub struct CryptoState {
    pub(super) next: u32,
    pub(super) objects: HandleMap<Obj>,
    pub(super) states: HandleMap<State>,
    /// Where streamed data passes through the core (`mem.rs`).
    pub(super) scratch: Scratch,
}

impl Default for CryptoState {
    fn default() -> Self {
        Self {
            next: FIRST_HANDLE,
            objects: HandleMap::default(),
            states: HandleMap::default(),
            scratch: Scratch::default(),
        }
    }
}

impl CryptoState {
    /// A fresh handle, not 0 and not in use.
    pub(super) fn new_handle(&mut self) -> Result<u32, TeeError> {
        if self.objects.len() + self.states.len() >= MAX_HANDLES {
            return Err(TeeError::OUT_OF_MEMORY);
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
    pub fn add_object(&mut self, key: KeyObject) -> Result<u32, TeeError> {
        let h = self.new_handle()?;
        self.objects.insert(
            h,
            Obj {
                key,
                busy: false,
                persist: None,
            },
        )?;
        Ok(h)
    }

    /// The handles of persistent objects.
    pub fn persistent_handles(&self) -> Vec<u32> {
        self.objects
            .iter()
            .filter(|(_, o)| o.persist.is_some())
            .map(|(h, _)| h)
            .collect()
    }

    /// Removes (and wipes) the object behind `h`.
    pub fn remove_object(&mut self, h: u32) -> Option<Obj> {
        self.objects.remove(h)
    }

    /// Adds a state, returning its handle.
    pub(super) fn add_state(&mut self, s: State) -> Result<u32, TeeError> {
        let h = self.new_handle()?;
        self.states.insert(h, s)?;
        Ok(h)
    }

    pub(super) fn state(&self, h: u32) -> Option<&State> {
        self.states.get(h)
    }

    pub(super) fn state_mut(&mut self, h: u32) -> Result<&mut State, TeeError> {
        self.states.get_mut(h).ok_or(TeeError::BAD_PARAMETERS)
    }

    /// State `h` and the scratch buffer, borrowed together.
    pub(super) fn state_and_scratch(
        &mut self,
        h: u32,
    ) -> Result<(&mut State, &mut Scratch), TeeError> {
        let s = self.states.get_mut(h).ok_or(TeeError::BAD_PARAMETERS)?;
        Ok((s, &mut self.scratch))
    }

    pub(super) fn get_state(&self, h: u32) -> Result<&State, TeeError> {
        self.state(h).ok_or(TeeError::BAD_PARAMETERS)
    }

    pub(super) fn key(&self, h: u32) -> Result<&KeyObject, TeeError> {
        self.object(h).map(|o| &o.key).ok_or(TeeError::BAD_STATE)
    }

    /// Frees a state and the key objects it holds.
    pub(super) fn free_state(&mut self, h: u32) {
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

/// OP-TEE still accepts the GP 1.1 ECC algorithm IDs and maps them.
pub(super) fn translate_compat_algo(algo: u32) -> u32 {
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
pub(super) fn check_key_type(obj_type: u32, algo: u32, mode: u32) -> Result<(), TeeError> {
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
        _ => return Err(TeeError::BAD_PARAMETERS),
    };
    if obj_type == t1 || (t2 != 0 && obj_type == t2) {
        Ok(())
    } else {
        Err(TeeError::BAD_PARAMETERS)
    }
}

/// `_utee_cryp_state_alloc(algo, mode, key1, key2, *state)`.
pub(super) fn state_alloc(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    algo: u32,
    mode: u32,
    key1: u32,
    key2: u32,
    state_va: u64,
) -> Result<(), TeeError> {
    let algo = translate_compat_algo(algo);
    // An algorithm family left out of the build.
    if !oxtee_crypto::algorithm_supported(algo) {
        return Err(TeeError::NOT_SUPPORTED);
    }
    for k in [key1, key2] {
        if k != 0 {
            let o = cs.object(k).ok_or(TeeError::BAD_STATE)?;
            // libutee hands in its own transient objects; a persistent one
            // would be dropped with the state without closing its file.
            if o.busy || o.persist.is_some() {
                return Err(TeeError::BAD_PARAMETERS);
            }
            check_key_type(o.key.object_type(), algo, mode)?;
        }
    }
    let (has1, has2) = (key1 != 0, key2 != 0);
    let class = tee_alg_get_class(algo);
    let sym = |cs: &CryptoState, max_factor: u32| -> Result<Option<Operation>, TeeError> {
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
                return Err(TeeError::BAD_PARAMETERS);
            }
            sym(cs, if xts { 2 } else { 1 })?
        }
        TEE_OPERATION_AE | TEE_OPERATION_MAC => {
            if !has1 || has2 {
                return Err(TeeError::BAD_PARAMETERS);
            }
            sym(cs, 1)?
        }
        TEE_OPERATION_DIGEST => {
            if has1 || has2 {
                return Err(TeeError::BAD_PARAMETERS);
            }
            sym(cs, 1)?
        }
        TEE_OPERATION_ASYMMETRIC_CIPHER | TEE_OPERATION_ASYMMETRIC_SIGNATURE => {
            if !has1 || has2 {
                return Err(TeeError::BAD_PARAMETERS);
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
                return Err(TeeError::BAD_PARAMETERS);
            }
            None
        }
        _ => return Err(TeeError::NOT_SUPPORTED),
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
pub(super) fn state_copy(cs: &mut CryptoState, dst: u32, src: u32) -> Result<(), TeeError> {
    cs.get_state(dst)?;
    let s = cs.get_state(src)?;
    let (algo, mode, init) = (s.algo, s.mode, s.initialized);
    let op = s.op.clone();
    let d = cs.state_mut(dst)?;
    if d.algo != algo || d.mode != mode {
        return Err(TeeError::BAD_PARAMETERS);
    }
    if op.is_none() {
        return Err(TeeError::BAD_STATE);
    }
    d.op = op;
    d.initialized = init;
    Ok(())
}

/// The state's operation (a symmetric one).
pub(super) fn sym_op(s: &mut State) -> Result<&mut Operation, TeeError> {
    s.op.as_mut().ok_or(TeeError::BAD_PARAMETERS)
}

/// Puts the key object(s) of state `h` into its operation, back in the
/// initial state (OP-TEE reads the key at every `*_INIT`).
pub(super) fn load_key(cs: &mut CryptoState, h: u32) -> Result<(), TeeError> {
    let s = cs.get_state(h)?;
    let (k1, k2) = (s.key1, s.key2);
    let key1 = cs.key(k1)?.clone();
    if !key1.is_initialized() {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let key2 = if k2 != 0 {
        let k = cs.key(k2)?.clone();
        if !k.is_initialized() {
            return Err(TeeError::BAD_PARAMETERS);
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
