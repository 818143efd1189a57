//! The GP operation object (`TEE_OperationHandle`) for digests, symmetric ciphers, MACs and AE.

use alloc::boxed::Box;
use alloc::vec::Vec;

use subtle::ConstantTimeEq;
use supplicant_proto::tee_crypto::*;
use zeroize::Zeroizing;

use crate::ae::{ccm_tag_ok, gcm_tag_ok, new_ccm, new_gcm, AeMode};
use crate::aes_modes;
use crate::block::{
    dispatch_128, dispatch_any, new_cbc, new_ctr, new_cts, new_ecb, new_xts, BlockMode, StealMode,
};
use crate::digest::{digest_len, is_xof, new_hasher, Hasher};
use crate::error::{check_out, CryptoError, CryptoResult};
use crate::mac::{new_mac, MacState};
use crate::object::{check_key_size, KeyObject};

/// What the algorithm ID says about an operation.
#[derive(Debug, Clone, Copy)]
struct AlgInfo {
    class: u32,
    /// Object type of the key (`None` for digests).
    key_type: Option<u32>,
    two_keys: bool,
}

fn alg_info(alg: u32) -> Option<AlgInfo> {
    if !crate::families::algorithm_enabled(alg) {
        return None;
    }
    let class = tee_alg_get_class(alg);
    let main = tee_alg_get_main_alg(alg);
    let supported = match alg {
        TEE_ALG_MD5 | TEE_ALG_SHA1 | TEE_ALG_SHA224 | TEE_ALG_SHA256 | TEE_ALG_SHA384
        | TEE_ALG_SHA512 | TEE_ALG_SHA3_224 | TEE_ALG_SHA3_256 | TEE_ALG_SHA3_384
        | TEE_ALG_SHA3_512 | TEE_ALG_SM3 | TEE_ALG_SHAKE128 | TEE_ALG_SHAKE256 => {
            return Some(AlgInfo {
                class: TEE_OPERATION_DIGEST,
                key_type: None,
                two_keys: false,
            })
        }
        TEE_ALG_AES_ECB_NOPAD
        | TEE_ALG_AES_CBC_NOPAD
        | TEE_ALG_AES_CTR
        | TEE_ALG_AES_CTS
        | TEE_ALG_DES_ECB_NOPAD
        | TEE_ALG_DES_CBC_NOPAD
        | TEE_ALG_DES3_ECB_NOPAD
        | TEE_ALG_DES3_CBC_NOPAD
        | TEE_ALG_SM4_ECB_NOPAD
        | TEE_ALG_SM4_CBC_NOPAD
        | TEE_ALG_SM4_CTR => true,
        TEE_ALG_AES_XTS | TEE_ALG_SM4_XTS => {
            return Some(AlgInfo {
                class: TEE_OPERATION_CIPHER,
                key_type: Some(if main == TEE_MAIN_ALGO_AES {
                    TEE_TYPE_AES
                } else {
                    TEE_TYPE_SM4
                }),
                two_keys: true,
            })
        }
        TEE_ALG_AES_CMAC
        | TEE_ALG_DES3_CMAC
        | TEE_ALG_AES_CBC_MAC_NOPAD
        | TEE_ALG_AES_CBC_MAC_PKCS5
        | TEE_ALG_DES_CBC_MAC_NOPAD
        | TEE_ALG_DES_CBC_MAC_PKCS5
        | TEE_ALG_DES3_CBC_MAC_NOPAD
        | TEE_ALG_DES3_CBC_MAC_PKCS5 => true,
        TEE_ALG_HMAC_MD5
        | TEE_ALG_HMAC_SHA1
        | TEE_ALG_HMAC_SHA224
        | TEE_ALG_HMAC_SHA256
        | TEE_ALG_HMAC_SHA384
        | TEE_ALG_HMAC_SHA512
        | TEE_ALG_HMAC_SM3
        | TEE_ALG_HMAC_SHA3_224
        | TEE_ALG_HMAC_SHA3_256
        | TEE_ALG_HMAC_SHA3_384
        | TEE_ALG_HMAC_SHA3_512 => {
            return Some(AlgInfo {
                class: TEE_OPERATION_MAC,
                key_type: Some(tee_alg_get_key_type(alg, false)),
                two_keys: false,
            });
        }
        TEE_ALG_AES_CCM | TEE_ALG_AES_GCM => true,
        _ => false,
    };
    if !supported {
        return None;
    }
    let key_type = match main {
        TEE_MAIN_ALGO_AES => TEE_TYPE_AES,
        TEE_MAIN_ALGO_DES => TEE_TYPE_DES,
        TEE_MAIN_ALGO_DES3 => TEE_TYPE_DES3,
        TEE_MAIN_ALGO_SM4 => TEE_TYPE_SM4,
        _ => return None,
    };
    Some(AlgInfo {
        class,
        key_type: Some(key_type),
        two_keys: false,
    })
}

/// Operation information (`TEE_OperationInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// `TEE_ALG_*`.
    pub algorithm: u32,
    /// `TEE_OPERATION_*` class.
    pub operation_class: u32,
    /// `TEE_MODE_*`.
    pub mode: u32,
    /// Digest, MAC or (after `ae_init`) tag length in bytes; 0 for ciphers.
    pub digest_length: u32,
    /// Maximum key size in bits given at allocation.
    pub max_key_size: u32,
    /// Size in bits of the key set (0 if none).
    pub key_size: u32,
    /// `TEE_USAGE_*` bits the key must allow.
    pub required_key_usage: u32,
    /// `TEE_HANDLE_FLAG_*` bits.
    pub handle_state: u32,
}

enum Engine {
    None,
    Digest(Box<dyn Hasher>),
    /// ECB/CBC (`stream == false`, whole blocks) or CTR (`stream == true`).
    Block {
        mode: Box<dyn BlockMode>,
        buf: Zeroizing<Vec<u8>>,
        bs: usize,
        stream: bool,
    },
    /// CTS or XTS: whole blocks stream, the last 16..=32 bytes wait for final.
    Steal {
        mode: Box<dyn StealMode>,
        buf: Zeroizing<Vec<u8>>,
    },
    Mac(Box<dyn MacState>),
    Ae {
        mode: Box<dyn AeMode>,
        tag_len: usize,
    },
}

impl Clone for Engine {
    fn clone(&self) -> Self {
        match self {
            Engine::None => Engine::None,
            Engine::Digest(h) => Engine::Digest(h.box_clone()),
            Engine::Block {
                mode,
                buf,
                bs,
                stream,
            } => Engine::Block {
                mode: mode.box_clone(),
                buf: buf.clone(),
                bs: *bs,
                stream: *stream,
            },
            Engine::Steal { mode, buf } => Engine::Steal {
                mode: mode.box_clone(),
                buf: buf.clone(),
            },
            Engine::Mac(m) => Engine::Mac(m.box_clone()),
            Engine::Ae { mode, tag_len } => Engine::Ae {
                mode: mode.box_clone(),
                tag_len: *tag_len,
            },
        }
    }
}

/// A GP cryptographic operation (one `TEE_OperationHandle`) of a symmetric algorithm.
///
/// Method names follow the GP functions (`TEE_CipherInit` → [`Operation::cipher_init`], ...).
/// Calls that GP says panic the TA return [`CryptoError::TaPanic`]; a short output buffer returns
/// [`CryptoError::ShortBuffer`] with the needed size and leaves the operation unchanged.
#[derive(Clone)]
pub struct Operation {
    algorithm: u32,
    mode: u32,
    info: AlgInfo,
    max_key_size: u32,
    key: Option<Zeroizing<Vec<u8>>>,
    key_size: u32,
    active: bool,
    caller_buffers: bool,
    engine: Engine,
}

const PANIC_CLASS: CryptoError =
    CryptoError::TaPanic("function does not match the operation class");
const PANIC_NOT_INIT: CryptoError = CryptoError::TaPanic("operation not initialized");
const PANIC_NO_KEY: CryptoError = CryptoError::TaPanic("operation has no key");

impl Operation {
    /// `TEE_AllocateOperation`: `NOT_SUPPORTED` for an unknown algorithm, a mode that does not fit
    /// it, or a maximum key size the key type does not allow.
    pub fn new(algorithm: u32, mode: u32, max_key_size: u32) -> CryptoResult<Self> {
        let info = alg_info(algorithm).ok_or(CryptoError::NotSupported)?;
        let mode_ok = match info.class {
            TEE_OPERATION_DIGEST => mode == TEE_MODE_DIGEST,
            TEE_OPERATION_MAC => mode == TEE_MODE_MAC,
            _ => mode == TEE_MODE_ENCRYPT || mode == TEE_MODE_DECRYPT,
        };
        if !mode_ok {
            return Err(CryptoError::NotSupported);
        }
        if let Some(t) = info.key_type {
            // Two-key (XTS) operations: the maximum covers both keys together.
            let per_key = if info.two_keys {
                max_key_size / 2
            } else {
                max_key_size
            };
            check_key_size(t, per_key)?;
        }
        let engine = if info.class == TEE_OPERATION_DIGEST {
            Engine::Digest(new_hasher(algorithm).ok_or(CryptoError::NotSupported)?)
        } else {
            Engine::None
        };
        Ok(Self {
            algorithm,
            mode,
            info,
            max_key_size,
            key: None,
            key_size: 0,
            active: false,
            caller_buffers: false,
            engine,
        })
    }

    /// The algorithm ID.
    pub fn algorithm(&self) -> u32 {
        self.algorithm
    }

    fn required_usage(&self) -> u32 {
        match (self.info.class, self.mode) {
            (TEE_OPERATION_DIGEST, _) => 0,
            (TEE_OPERATION_MAC, _) => TEE_USAGE_MAC,
            (_, TEE_MODE_ENCRYPT) => TEE_USAGE_ENCRYPT,
            _ => TEE_USAGE_DECRYPT,
        }
    }

    /// `TEE_GetOperationInfo`.
    pub fn info(&self) -> OperationInfo {
        let digest_length = match (&self.engine, self.info.class) {
            // OP-TEE reports 0 for the XOFs (`TEE_ALG_GET_DIGEST_SIZE`).
            (_, TEE_OPERATION_DIGEST) if is_xof(self.algorithm) => 0,
            (_, TEE_OPERATION_DIGEST) => digest_len(self.algorithm).unwrap_or(0),
            (_, TEE_OPERATION_MAC) => mac_len(self.algorithm),
            (Engine::Ae { tag_len, .. }, _) => *tag_len,
            _ => 0,
        };
        let digest = self.info.class == TEE_OPERATION_DIGEST;
        let mut handle_state = 0;
        // GP 1.1+: digest operations always report INITIALIZED and KEY_SET.
        if self.active || digest {
            handle_state |= TEE_HANDLE_FLAG_INITIALIZED;
        }
        if self.key.is_some() || digest {
            handle_state |= TEE_HANDLE_FLAG_KEY_SET;
        }
        if self.info.two_keys {
            handle_state |= TEE_HANDLE_FLAG_EXPECT_TWO_KEYS;
        }
        OperationInfo {
            algorithm: self.algorithm,
            operation_class: self.info.class,
            mode: self.mode,
            // Digest/MAC/tag lengths are at most 64 bytes.
            digest_length: digest_length as u32,
            max_key_size: self.max_key_size,
            // As libutee: key size and usage are reported per key for two-key operations.
            key_size: if self.info.two_keys { 0 } else { self.key_size },
            required_key_usage: if self.info.two_keys {
                0
            } else {
                self.required_usage()
            },
            handle_state,
        }
    }

    /// Choose who buffers partial cipher blocks. `false` (default): GP semantics, `cipher_update`
    /// takes any length and keeps what cannot be output yet. `true`: the caller (libutee in the TA,
    /// which does this buffering itself before calling the `cipher_update` syscall) passes only
    /// whole blocks and already keeps back the last two blocks for CTS/XTS, so every byte given to
    /// `cipher_update` is output at once, as OP-TEE's core does; partial blocks give
    /// `BAD_PARAMETERS`.
    pub fn set_caller_buffers(&mut self, on: bool) {
        self.caller_buffers = on;
    }

    /// Whether the operation is in the active state (`TEE_OPERATION_STATE_ACTIVE`).
    pub fn is_active(&self) -> bool {
        self.active
    }

    fn check_key_object(&self, key: &KeyObject) -> CryptoResult<()> {
        let expected = self.info.key_type.ok_or(PANIC_CLASS)?;
        let type_ok = key.object_type() == expected
            || (self.info.class == TEE_OPERATION_MAC
                && expected != TEE_TYPE_AES
                && expected != TEE_TYPE_DES
                && expected != TEE_TYPE_DES3
                && key.object_type() == TEE_TYPE_GENERIC_SECRET);
        if !type_ok {
            return Err(CryptoError::TaPanic(
                "key type does not match the algorithm",
            ));
        }
        if !key.is_initialized() {
            return Err(CryptoError::TaPanic("key object not initialized"));
        }
        let max = if self.info.two_keys {
            self.max_key_size / 2
        } else {
            self.max_key_size
        };
        if key.key_size() > max {
            return Err(CryptoError::TaPanic(
                "key larger than the operation maximum",
            ));
        }
        let need = self.required_usage();
        if key.usage() & need != need {
            return Err(CryptoError::TaPanic(
                "key usage does not allow the operation",
            ));
        }
        Ok(())
    }

    /// `TEE_SetOperationKey`; `None` clears the key. The operation must be in the initial state.
    pub fn set_key(&mut self, key: Option<&KeyObject>) -> CryptoResult<()> {
        if self.info.class == TEE_OPERATION_DIGEST {
            return Err(PANIC_CLASS);
        }
        if self.info.two_keys {
            return Err(CryptoError::TaPanic("algorithm needs two keys"));
        }
        if self.active {
            return Err(CryptoError::TaPanic("operation not in initial state"));
        }
        self.engine = Engine::None;
        let Some(key) = key else {
            self.key = None;
            self.key_size = 0;
            return Ok(());
        };
        self.check_key_object(key)?;
        let secret = key
            .secret()
            .ok_or(CryptoError::TaPanic("key has no secret value"))?;
        self.key = Some(Zeroizing::new(secret.to_vec()));
        self.key_size = key.key_size();
        Ok(())
    }

    /// `TEE_SetOperationKey2` for XTS: data key and tweak key, of equal size.
    pub fn set_key2(&mut self, key1: &KeyObject, key2: &KeyObject) -> CryptoResult<()> {
        if !self.info.two_keys {
            return Err(CryptoError::TaPanic("algorithm takes one key"));
        }
        if self.active {
            return Err(CryptoError::TaPanic("operation not in initial state"));
        }
        self.check_key_object(key1)?;
        self.check_key_object(key2)?;
        let (s1, s2) = match (key1.secret(), key2.secret()) {
            (Some(a), Some(b)) if a.len() == b.len() => (a, b),
            _ => return Err(CryptoError::BadParameters),
        };
        let mut k = Zeroizing::new(Vec::with_capacity(s1.len() * 2));
        k.extend_from_slice(s1);
        k.extend_from_slice(s2);
        self.engine = Engine::None;
        self.key = Some(k);
        self.key_size = key1.key_size();
        Ok(())
    }

    /// `TEE_ResetOperation`: back to the initial state, keeping the key. Panics (GP) when a
    /// non-digest operation has no key.
    pub fn reset(&mut self) -> CryptoResult<()> {
        let digest = self.info.class == TEE_OPERATION_DIGEST;
        if !digest && self.key.is_none() {
            return Err(PANIC_NO_KEY);
        }
        self.active = false;
        self.engine = match new_hasher(self.algorithm) {
            Some(h) if digest => Engine::Digest(h),
            _ => Engine::None,
        };
        Ok(())
    }

    /// `TEE_CopyOperation`: make `self` a copy of `src` (same algorithm and mode required).
    pub fn copy_from(&mut self, src: &Operation) -> CryptoResult<()> {
        if src.algorithm != self.algorithm || src.mode != self.mode {
            return Err(CryptoError::TaPanic(
                "copy between different algorithms or modes",
            ));
        }
        if src.key_size > self.max_key_size {
            return Err(CryptoError::TaPanic(
                "source key larger than destination maximum",
            ));
        }
        let max = self.max_key_size;
        *self = src.clone();
        self.max_key_size = max;
        Ok(())
    }

    fn key(&self) -> CryptoResult<&[u8]> {
        self.key
            .as_deref()
            .map(|k| k.as_slice())
            .ok_or(PANIC_NO_KEY)
    }

    // ---- digests ----

    fn hasher(&mut self) -> CryptoResult<&mut Box<dyn Hasher>> {
        match &mut self.engine {
            Engine::Digest(h) => Ok(h),
            _ => Err(PANIC_CLASS),
        }
    }

    /// `TEE_DigestUpdate`.
    pub fn digest_update(&mut self, chunk: &[u8]) -> CryptoResult<()> {
        self.hasher()?.update(chunk);
        self.active = true;
        Ok(())
    }

    /// `TEE_DigestDoFinal`: hash `chunk` and write the digest to `out`, returning its length, then
    /// restart. A too-small `out` gives `SHORT_BUFFER` without touching the state. SHAKE writes
    /// `out.len()` bytes (an empty `out` is `SHORT_BUFFER` with the default length).
    pub fn digest_final(&mut self, chunk: &[u8], out: &mut [u8]) -> CryptoResult<usize> {
        let dlen = digest_len(self.algorithm).ok_or(PANIC_CLASS)?;
        let xof = is_xof(self.algorithm);
        self.hasher()?;
        if xof {
            if out.is_empty() {
                return Err(CryptoError::ShortBuffer { required: dlen });
            }
        } else {
            check_out(out, dlen)?;
        }
        let n = if xof { out.len() } else { dlen };
        let h = self.hasher()?;
        h.update(chunk);
        h.finalize_reset(&mut out[..n]);
        self.active = false;
        Ok(n)
    }

    /// `TEE_DigestExtract` for SHAKE128/256 (OP-TEE's `hash_final` on an XOF): absorb `chunk`
    /// on the first call, then write the next `out.len()` bytes of output; each further call
    /// continues the output stream until the operation is reset.
    pub fn digest_extract(&mut self, chunk: &[u8], out: &mut [u8]) -> CryptoResult<usize> {
        if !is_xof(self.algorithm) {
            return Err(PANIC_CLASS);
        }
        let h = self.hasher()?;
        h.update(chunk);
        h.squeeze(out);
        self.active = true;
        Ok(out.len())
    }

    // ---- symmetric ciphers ----

    /// `TEE_CipherInit` with the IV (ignored by ECB; one block for CBC/CTR/CTS; the 16-byte tweak
    /// for XTS). May be called again on an active operation to restart it.
    pub fn cipher_init(&mut self, iv: &[u8]) -> CryptoResult<()> {
        if self.info.class != TEE_OPERATION_CIPHER {
            return Err(PANIC_CLASS);
        }
        let key = self.key()?;
        let main = tee_alg_get_main_alg(self.algorithm);
        let enc = self.mode == TEE_MODE_ENCRYPT;
        let new_buf = || Zeroizing::new(Vec::new());
        // AES runs on `aes_modes` (the accelerator's whole-buffer routines when there is one);
        // DES, 3DES and SM4 on the generic software modes.
        let aes = main == TEE_MAIN_ALGO_AES;
        let on = crate::accel::installed();
        let engine = match tee_alg_get_chain_mode(self.algorithm) {
            TEE_CHAIN_MODE_ECB => Engine::Block {
                mode: if aes {
                    aes_modes::new_ecb(on, key, enc).ok_or(CryptoError::BadParameters)?
                } else {
                    dispatch_any!(main, key, new_ecb(enc))?
                },
                buf: new_buf(),
                bs: block_size(main),
                stream: false,
            },
            TEE_CHAIN_MODE_CBC => Engine::Block {
                mode: if aes {
                    aes_modes::new_cbc(on, key, iv, enc).ok_or(CryptoError::BadParameters)?
                } else {
                    dispatch_any!(main, key, new_cbc(iv, enc))?
                },
                buf: new_buf(),
                bs: block_size(main),
                stream: false,
            },
            TEE_CHAIN_MODE_CTR => Engine::Block {
                mode: if aes {
                    aes_modes::new_ctr(on, key, iv).ok_or(CryptoError::BadParameters)?
                } else {
                    dispatch_128!(main, key, new_ctr(iv))?
                },
                buf: new_buf(),
                bs: 16,
                stream: true,
            },
            TEE_CHAIN_MODE_CTS => Engine::Steal {
                mode: if aes {
                    aes_modes::new_cts(on, key, iv, enc).ok_or(CryptoError::BadParameters)??
                } else {
                    dispatch_128!(main, key, new_cts(iv, enc))?
                },
                buf: new_buf(),
            },
            TEE_CHAIN_MODE_XTS => {
                let half = key.len() / 2;
                if !matches!(
                    (main, half),
                    (TEE_MAIN_ALGO_AES, 16 | 24 | 32) | (TEE_MAIN_ALGO_SM4, 16)
                ) {
                    return Err(CryptoError::BadParameters);
                }
                let mode = if aes {
                    aes_modes::new_xts(on, key, iv, enc).ok_or(CryptoError::BadParameters)??
                } else {
                    new_xts::<sm4::Sm4>(key, iv, enc)?
                };
                Engine::Steal {
                    mode,
                    buf: new_buf(),
                }
            }
            _ => return Err(CryptoError::NotSupported),
        };
        self.engine = engine;
        self.active = true;
        Ok(())
    }

    /// `TEE_CipherUpdate`: returns the bytes written to `out`. ECB/CBC output whole blocks and
    /// keep the rest; CTR outputs everything; CTS and XTS keep the last 17..=32 bytes (see
    /// [`Operation::set_caller_buffers`] for the syscall-level behaviour).
    pub fn cipher_update(&mut self, input: &[u8], out: &mut [u8]) -> CryptoResult<usize> {
        if self.info.class != TEE_OPERATION_CIPHER {
            return Err(PANIC_CLASS);
        }
        if !self.active {
            return Err(PANIC_NOT_INIT);
        }
        let caller_buffers = self.caller_buffers;
        match &mut self.engine {
            Engine::Block {
                mode,
                buf,
                bs,
                stream,
            } => {
                if *stream {
                    check_out(out, input.len())?;
                    out[..input.len()].copy_from_slice(input);
                    mode.process(&mut out[..input.len()]);
                    return Ok(input.len());
                }
                let total = buf
                    .len()
                    .checked_add(input.len())
                    .ok_or(CryptoError::BadParameters)?;
                if caller_buffers && total % *bs != 0 {
                    return Err(CryptoError::BadParameters);
                }
                let n = total - total % *bs;
                emit(mode.as_mut(), buf, input, n, out)
            }
            Engine::Steal { mode, buf } => {
                let total = buf
                    .len()
                    .checked_add(input.len())
                    .ok_or(CryptoError::BadParameters)?;
                let n = if caller_buffers {
                    if total % 16 != 0 {
                        return Err(CryptoError::BadParameters);
                    }
                    total
                } else if total > 32 {
                    (total - 17) / 16 * 16
                } else {
                    0
                };
                let m = mode.as_mut();
                emit_with(buf, input, n, out, |d| m.blocks(d))
            }
            _ => Err(PANIC_NOT_INIT),
        }
    }

    /// [`Operation::cipher_update`] with the output written over the input: `data` is the
    /// caller's own copy of the input and becomes the output (returns its length). Whole blocks
    /// with nothing buffered (always so with [`Operation::set_caller_buffers`]) and stream modes
    /// are transformed where they are, without a second buffer; anything else goes through
    /// `cipher_update` with `data` as the output, so the output must fit in `data`.
    pub fn cipher_update_in_place(&mut self, data: &mut [u8]) -> CryptoResult<usize> {
        if self.info.class != TEE_OPERATION_CIPHER {
            return Err(PANIC_CLASS);
        }
        if !self.active {
            return Err(PANIC_NOT_INIT);
        }
        match &mut self.engine {
            Engine::Block {
                mode,
                buf,
                bs,
                stream,
            } if *stream || (buf.is_empty() && data.len() % *bs == 0) => {
                mode.process(data);
                return Ok(data.len());
            }
            Engine::Steal { mode, buf }
                if self.caller_buffers && buf.is_empty() && data.len() % 16 == 0 =>
            {
                mode.blocks(data);
                return Ok(data.len());
            }
            _ => {}
        }
        let input = Zeroizing::new(data.to_vec());
        self.cipher_update(&input, data)
    }

    /// `TEE_CipherDoFinal`: process the remaining data, return the bytes written, and go back to
    /// the initial state. NOPAD modes with a total that is not a whole number of blocks →
    /// `BAD_PARAMETERS`.
    pub fn cipher_final(&mut self, input: &[u8], out: &mut [u8]) -> CryptoResult<usize> {
        if self.info.class != TEE_OPERATION_CIPHER {
            return Err(PANIC_CLASS);
        }
        if !self.active {
            return Err(PANIC_NOT_INIT);
        }
        let n = match &mut self.engine {
            Engine::Block {
                mode,
                buf,
                bs,
                stream,
            } => {
                if *stream {
                    check_out(out, input.len())?;
                    out[..input.len()].copy_from_slice(input);
                    mode.process(&mut out[..input.len()]);
                    input.len()
                } else {
                    let total = buf
                        .len()
                        .checked_add(input.len())
                        .ok_or(CryptoError::BadParameters)?;
                    if total % *bs != 0 {
                        return Err(CryptoError::BadParameters);
                    }
                    emit(mode.as_mut(), buf, input, total, out)?
                }
            }
            Engine::Steal { mode, buf } => {
                let total = buf
                    .len()
                    .checked_add(input.len())
                    .ok_or(CryptoError::BadParameters)?;
                if total == 0 && self.algorithm == TEE_ALG_AES_CTS {
                    0
                } else {
                    if total < 16 {
                        return Err(CryptoError::BadParameters);
                    }
                    check_out(out, total)?;
                    out[..buf.len()].copy_from_slice(buf);
                    out[buf.len()..total].copy_from_slice(input);
                    let tail = match total % 16 {
                        0 if total >= 32 => 32,
                        0 => 16,
                        r => 16 + r,
                    };
                    let head = total - tail;
                    let mut trial = mode.box_clone();
                    trial.blocks(&mut out[..head]);
                    trial.tail(&mut out[head..total])?;
                    *mode = trial;
                    buf.clear();
                    total
                }
            }
            _ => return Err(PANIC_NOT_INIT),
        };
        self.active = false;
        Ok(n)
    }

    // ---- MACs ----

    /// `TEE_MACInit`; `iv` is used by CBC-MAC (empty = zero IV) and ignored otherwise.
    pub fn mac_init(&mut self, iv: &[u8]) -> CryptoResult<()> {
        if self.info.class != TEE_OPERATION_MAC {
            return Err(PANIC_CLASS);
        }
        let mut m = new_mac(self.algorithm, self.key()?)?;
        m.init(iv)?;
        self.engine = Engine::Mac(m);
        self.active = true;
        Ok(())
    }

    fn mac_engine(&mut self) -> CryptoResult<&mut Box<dyn MacState>> {
        if self.info.class != TEE_OPERATION_MAC {
            return Err(PANIC_CLASS);
        }
        match (&mut self.engine, self.active) {
            (Engine::Mac(m), true) => Ok(m),
            _ => Err(PANIC_NOT_INIT),
        }
    }

    /// `TEE_MACUpdate`.
    pub fn mac_update(&mut self, chunk: &[u8]) -> CryptoResult<()> {
        self.mac_engine()?.update(chunk);
        Ok(())
    }

    fn mac_finish(&mut self, chunk: &[u8], tag: &mut [u8]) -> CryptoResult<()> {
        let m = self.mac_engine()?;
        let mut trial = m.box_clone();
        trial.update(chunk);
        if !trial.can_finalize() {
            return Err(CryptoError::BadParameters);
        }
        trial.finalize(tag);
        *m = trial;
        self.active = false;
        Ok(())
    }

    /// `TEE_MACComputeFinal`: returns the MAC length written to `out`.
    pub fn mac_compute_final(&mut self, chunk: &[u8], out: &mut [u8]) -> CryptoResult<usize> {
        let len = self.mac_engine()?.mac_len();
        check_out(out, len)?;
        self.mac_finish(chunk, &mut out[..len])?;
        Ok(len)
    }

    /// `TEE_MACCompareFinal`: `MAC_INVALID` unless `expected` equals the MAC (constant time).
    pub fn mac_compare_final(&mut self, chunk: &[u8], expected: &[u8]) -> CryptoResult<()> {
        let len = self.mac_engine()?.mac_len();
        let mut tag = Zeroizing::new(alloc::vec![0u8; len]);
        self.mac_finish(chunk, &mut tag)?;
        if expected.len() == len && bool::from(tag.ct_eq(expected)) {
            Ok(())
        } else {
            Err(CryptoError::MacInvalid)
        }
    }

    // ---- authenticated encryption ----

    /// `TEE_AEInit`. `tag_len_bits` must be one GP allows for the algorithm (else
    /// `NOT_SUPPORTED`); CCM needs the exact AAD and payload lengths, GCM ignores them.
    pub fn ae_init(
        &mut self,
        nonce: &[u8],
        tag_len_bits: u32,
        aad_len: usize,
        payload_len: usize,
    ) -> CryptoResult<()> {
        if self.info.class != TEE_OPERATION_AE {
            return Err(PANIC_CLASS);
        }
        let key = self.key()?;
        let enc = self.mode == TEE_MODE_ENCRYPT;
        let tag_len = (tag_len_bits / 8) as usize;
        let mode = if self.algorithm == TEE_ALG_AES_GCM {
            if !gcm_tag_ok(tag_len_bits) {
                return Err(CryptoError::NotSupported);
            }
            new_gcm(key, nonce, enc)?
        } else {
            if !ccm_tag_ok(tag_len_bits) {
                return Err(CryptoError::NotSupported);
            }
            new_ccm(key, nonce, tag_len, aad_len as u64, payload_len as u64, enc)?
        };
        self.engine = Engine::Ae { mode, tag_len };
        self.active = true;
        Ok(())
    }

    fn ae_engine(&mut self) -> CryptoResult<(&mut Box<dyn AeMode>, usize)> {
        if self.info.class != TEE_OPERATION_AE {
            return Err(PANIC_CLASS);
        }
        match (&mut self.engine, self.active) {
            (Engine::Ae { mode, tag_len }, true) => Ok((mode, *tag_len)),
            _ => Err(PANIC_NOT_INIT),
        }
    }

    /// `TEE_AEUpdateAAD`. AAD after payload data (GCM), or more AAD than announced (CCM), is
    /// rejected.
    pub fn ae_update_aad(&mut self, aad: &[u8]) -> CryptoResult<()> {
        let (m, _) = self.ae_engine()?;
        m.update_aad(aad).map_err(|e| match e {
            CryptoError::BadState => CryptoError::TaPanic("AAD after payload"),
            e => e,
        })
    }

    /// `TEE_AEUpdate`: outputs exactly `input.len()` bytes.
    pub fn ae_update(&mut self, input: &[u8], out: &mut [u8]) -> CryptoResult<usize> {
        let (m, _) = self.ae_engine()?;
        check_out(out, input.len())?;
        let o = &mut out[..input.len()];
        o.copy_from_slice(input);
        m.update(o)?;
        Ok(input.len())
    }

    /// [`Operation::ae_update`] with the output written over the input (`data`, the caller's
    /// own copy).
    pub fn ae_update_in_place(&mut self, data: &mut [u8]) -> CryptoResult<usize> {
        let (m, _) = self.ae_engine()?;
        m.update(data)?;
        Ok(data.len())
    }

    /// `TEE_AEEncryptFinal`: returns (bytes written to `out`, tag length written to `tag`).
    pub fn ae_encrypt_final(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        tag: &mut [u8],
    ) -> CryptoResult<(usize, usize)> {
        if self.mode != TEE_MODE_ENCRYPT {
            return Err(CryptoError::TaPanic("encrypt final on a decrypt operation"));
        }
        let (m, tag_len) = self.ae_engine()?;
        check_out(out, input.len())?;
        check_out(tag, tag_len)?;
        let mut trial = m.box_clone();
        let o = &mut out[..input.len()];
        o.copy_from_slice(input);
        trial.update(o)?;
        trial.tag(&mut tag[..tag_len])?;
        *m = trial;
        self.active = false;
        Ok((input.len(), tag_len))
    }

    /// `TEE_AEDecryptFinal`: returns the bytes written to `out`. A wrong tag gives `MAC_INVALID`
    /// and writes nothing.
    pub fn ae_decrypt_final(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        tag: &[u8],
    ) -> CryptoResult<usize> {
        if self.mode != TEE_MODE_DECRYPT {
            return Err(CryptoError::TaPanic(
                "decrypt final on an encrypt operation",
            ));
        }
        let (m, tag_len) = self.ae_engine()?;
        check_out(out, input.len())?;
        let mut trial = m.box_clone();
        let mut plain = Zeroizing::new(input.to_vec());
        trial.update(&mut plain)?;
        let mut computed = Zeroizing::new(alloc::vec![0u8; tag_len]);
        trial.tag(&mut computed)?;
        *m = trial;
        self.active = false;
        if tag.len() != tag_len || !bool::from(computed.ct_eq(tag)) {
            return Err(CryptoError::MacInvalid);
        }
        out[..input.len()].copy_from_slice(&plain);
        Ok(input.len())
    }
}

/// MAC length in bytes of a MAC algorithm (`TEE_ALG_GET_DIGEST_SIZE`).
fn mac_len(alg: u32) -> usize {
    match tee_alg_get_main_alg(alg) {
        TEE_MAIN_ALGO_AES => 16,
        TEE_MAIN_ALGO_DES | TEE_MAIN_ALGO_DES3 => 8,
        // HMAC: the hash's main-algorithm number is the low byte of the digest algorithm ID.
        main => digest_len(tee_alg_hash_algo(main)).unwrap_or(0),
    }
}

fn block_size(main: u32) -> usize {
    if main == TEE_MAIN_ALGO_DES || main == TEE_MAIN_ALGO_DES3 {
        8
    } else {
        16
    }
}

/// Write the first `n` bytes of `buf || input` to `out` transformed by `mode`, keep the rest in
/// `buf`.
fn emit(
    mode: &mut dyn BlockMode,
    buf: &mut Zeroizing<Vec<u8>>,
    input: &[u8],
    n: usize,
    out: &mut [u8],
) -> CryptoResult<usize> {
    emit_with(buf, input, n, out, |d| mode.process(d))
}

fn emit_with(
    buf: &mut Zeroizing<Vec<u8>>,
    input: &[u8],
    n: usize,
    out: &mut [u8],
    mut f: impl FnMut(&mut [u8]),
) -> CryptoResult<usize> {
    check_out(out, n)?;
    if n == 0 {
        buf.extend_from_slice(input);
        return Ok(0);
    }
    // The emitted bytes come from the buffer first, then from the input; whatever is left of
    // both stays buffered.
    let from_buf = buf.len().min(n);
    out[..from_buf].copy_from_slice(&buf[..from_buf]);
    let from_in = n - from_buf;
    out[from_buf..n].copy_from_slice(&input[..from_in]);
    f(&mut out[..n]);
    let mut rest = Zeroizing::new(buf[from_buf..].to_vec());
    rest.extend_from_slice(&input[from_in..]);
    *buf = rest;
    Ok(n)
}
