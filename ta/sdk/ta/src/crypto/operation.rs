//! Operations (`TEE_OperationHandle`): one kernel state each, freed when
//! dropped. As libutee does, an operation takes a private copy of its key in
//! a transient object it hands to the kernel with the state, so the caller's
//! key object (transient or persistent) stays its own.

use alloc::vec::Vec;

use supplicant_proto::tee_crypto::{
    tee_alg_get_class, tee_alg_get_key_type, TEE_MODE_DECRYPT, TEE_MODE_DERIVE, TEE_MODE_DIGEST,
    TEE_MODE_ENCRYPT, TEE_MODE_MAC, TEE_MODE_SIGN, TEE_MODE_VERIFY,
    TEE_OPERATION_ASYMMETRIC_CIPHER, TEE_OPERATION_ASYMMETRIC_SIGNATURE,
};

use super::attr::{encode, Attr};
use super::object::{KeyHandle, TransientObject};
use crate::error::{Error, Result};

/// Largest digest or MAC (SHA-512, SHA3-512).
const MAX_DIGEST: usize = 64;

/// One kernel operation state.
#[derive(Debug)]
struct State(u32);

impl State {
    fn alloc(algo: u32, mode: u32, key: Option<&dyn KeyHandle>) -> Result<State> {
        let copy = match key {
            Some(k) => {
                let info = k.object_info()?;
                let max = info.max_key_size.max(info.key_size);
                let mut t = TransientObject::allocate(key_type(algo, mode, info.object_type), max)?;
                t.copy_from(k)?;
                Some(t)
            }
            None => None,
        };
        let k1 = copy.as_ref().map_or(0, |t| t.raw_handle());
        let mut h = 0u32;
        // SAFETY: `h` is writable.
        Error::check(unsafe { oxtee_ta_sys::utee_cryp_state_alloc(algo, mode, k1, 0, &mut h) })?;
        // The state owns the key copy now and closes it when freed.
        if let Some(t) = copy {
            t.into_raw();
        }
        Ok(State(h))
    }
}

impl Drop for State {
    fn drop(&mut self) {
        let _ = oxtee_ta_sys::utee_cryp_state_free(self.0);
    }
}

/// The type of an operation's key copy: as libutee, verifying and
/// encrypting take the public key (copied from a key pair), since OP-TEE's
/// core reads those operations' key as a public key (given a key pair,
/// OP-TEE 4.5 reads past it and crashes); other modes take the key as it is.
fn key_type(algo: u32, mode: u32, object_type: u32) -> u32 {
    let asymmetric = matches!(
        tee_alg_get_class(algo),
        TEE_OPERATION_ASYMMETRIC_CIPHER | TEE_OPERATION_ASYMMETRIC_SIGNATURE
    );
    if asymmetric && (mode == TEE_MODE_VERIFY || mode == TEE_MODE_ENCRYPT) {
        tee_alg_get_key_type(algo, false)
    } else {
        object_type
    }
}

/// Runs a call that writes up to `*len` bytes to `out`, with room for `cap`
/// bytes first and, if the kernel answers `SHORT_BUFFER`, once more with the
/// size it asked for.
fn with_output(cap: usize, mut f: impl FnMut(*mut u8, *mut u64) -> u32) -> Result<Vec<u8>> {
    let mut cap = cap;
    for _ in 0..2 {
        let mut out = Vec::new();
        out.try_reserve_exact(cap)
            .map_err(|_| Error::OUT_OF_MEMORY)?;
        out.resize(cap, 0);
        let mut len = cap as u64;
        // No room is a null buffer (see `oxtee_ta_sys`: an empty Vec's
        // dangling address is refused by OP-TEE's access check).
        let ptr = if cap == 0 {
            core::ptr::null_mut()
        } else {
            out.as_mut_ptr()
        };
        match Error::check(f(ptr, &mut len)) {
            Ok(()) => {
                let n = usize::try_from(len).map_err(|_| Error::GENERIC)?;
                if n > cap {
                    return Err(Error::GENERIC);
                }
                out.truncate(n);
                return Ok(out);
            }
            Err(Error::SHORT_BUFFER) => {
                let want = usize::try_from(len).map_err(|_| Error::GENERIC)?;
                if want <= cap {
                    return Err(Error::SHORT_BUFFER);
                }
                cap = want;
            }
            Err(e) => return Err(e),
        }
    }
    Err(Error::SHORT_BUFFER)
}

/// A message digest (`TEE_DigestUpdate`, `TEE_DigestDoFinal`).
#[derive(Debug)]
pub struct Digest(State);

impl Digest {
    /// A digest of `TEE_ALG_*` `algo` (SHA-1, SHA-2, SHA-3, SM3, MD5).
    pub fn new(algo: u32) -> Result<Digest> {
        let s = State::alloc(algo, TEE_MODE_DIGEST, None)?;
        // SAFETY: no IV.
        Error::check(unsafe { oxtee_ta_sys::utee_hash_init(s.0, core::ptr::null(), 0) })?;
        Ok(Digest(s))
    }

    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) -> Result<()> {
        // SAFETY: `data` is a live slice.
        Error::check(unsafe {
            oxtee_ta_sys::utee_hash_update(self.0 .0, data.as_ptr(), data.len())
        })
    }

    /// Feeds `data` and returns the digest; the operation starts over.
    pub fn finish(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let h = self.0 .0;
        // SAFETY: `data` is a live slice; `out` writable for `*len` bytes.
        with_output(MAX_DIGEST, |out, len| unsafe {
            oxtee_ta_sys::utee_hash_final(h, data.as_ptr(), data.len(), out, len)
        })
    }

    /// The digest of `data` in one call.
    pub fn digest(algo: u32, data: &[u8]) -> Result<Vec<u8>> {
        Digest::new(algo)?.finish(data)
    }
}

/// A MAC (`TEE_MACInit`, `TEE_MACUpdate`, `TEE_MACComputeFinal`,
/// `TEE_MACCompareFinal`): HMAC, AES-CMAC, CBC-MAC.
#[derive(Debug)]
pub struct Mac(State);

impl Mac {
    /// A MAC of `algo` under `key`, ready for data.
    pub fn new(algo: u32, key: &dyn KeyHandle) -> Result<Mac> {
        let s = State::alloc(algo, TEE_MODE_MAC, Some(key))?;
        // SAFETY: no IV.
        Error::check(unsafe { oxtee_ta_sys::utee_hash_init(s.0, core::ptr::null(), 0) })?;
        Ok(Mac(s))
    }

    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) -> Result<()> {
        // SAFETY: `data` is a live slice.
        Error::check(unsafe {
            oxtee_ta_sys::utee_hash_update(self.0 .0, data.as_ptr(), data.len())
        })
    }

    /// Feeds `data` and returns the MAC.
    pub fn compute(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let h = self.0 .0;
        // SAFETY: `data` is a live slice; `out` writable for `*len` bytes.
        with_output(MAX_DIGEST, |out, len| unsafe {
            oxtee_ta_sys::utee_hash_final(h, data.as_ptr(), data.len(), out, len)
        })
    }

    /// Feeds `data` and compares the MAC with `expected` in constant time
    /// (`MAC_INVALID` if they differ).
    pub fn compare(&mut self, data: &[u8], expected: &[u8]) -> Result<()> {
        let mac = self.compute(data)?;
        if mac.len() != expected.len() {
            return Err(Error::MAC_INVALID);
        }
        let diff = mac.iter().zip(expected).fold(0u8, |d, (a, b)| d | (a ^ b));
        if core::hint::black_box(diff) == 0 {
            Ok(())
        } else {
            Err(Error::MAC_INVALID)
        }
    }
}

/// A symmetric cipher (`TEE_CipherInit`, `TEE_CipherUpdate`,
/// `TEE_CipherDoFinal`): AES ECB/CBC/CTR/CTS, DES, SM4. `update` takes
/// whole blocks in block modes; `finish` takes the rest.
#[derive(Debug)]
pub struct Cipher(State);

impl Cipher {
    /// A cipher of `algo` in `TEE_MODE_ENCRYPT` or `TEE_MODE_DECRYPT`
    /// under `key`, started with `iv` (empty for ECB).
    pub fn new(algo: u32, mode: u32, key: &dyn KeyHandle, iv: &[u8]) -> Result<Cipher> {
        if mode != TEE_MODE_ENCRYPT && mode != TEE_MODE_DECRYPT {
            return Err(Error::BAD_PARAMETERS);
        }
        let s = State::alloc(algo, mode, Some(key))?;
        // SAFETY: `iv` is a live slice.
        Error::check(unsafe { oxtee_ta_sys::utee_cipher_init(s.0, iv.as_ptr(), iv.len()) })?;
        Ok(Cipher(s))
    }

    /// Transforms `data` (whole blocks in block modes).
    pub fn update(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let h = self.0 .0;
        // SAFETY: `data` is a live slice; `out` writable for `*len` bytes.
        with_output(data.len(), |out, len| unsafe {
            oxtee_ta_sys::utee_cipher_update(h, data.as_ptr(), data.len(), out, len)
        })
    }

    /// Transforms the last part `data`.
    pub fn finish(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let h = self.0 .0;
        // SAFETY: as in `update`.
        with_output(data.len(), |out, len| unsafe {
            oxtee_ta_sys::utee_cipher_final(h, data.as_ptr(), data.len(), out, len)
        })
    }
}

fn ae_init(
    algo: u32,
    mode: u32,
    key: &dyn KeyHandle,
    nonce: &[u8],
    tag_bits: usize,
    aad_len: usize,
    payload_len: usize,
) -> Result<State> {
    // GP counts the tag in bits, the system call in bytes.
    if tag_bits % 8 != 0 {
        return Err(Error::NOT_SUPPORTED);
    }
    let s = State::alloc(algo, mode, Some(key))?;
    // SAFETY: `nonce` is a live slice.
    Error::check(unsafe {
        oxtee_ta_sys::utee_authenc_init(
            s.0,
            nonce.as_ptr(),
            nonce.len(),
            tag_bits / 8,
            aad_len,
            payload_len,
        )
    })?;
    Ok(s)
}

fn ae_aad(s: &State, aad: &[u8]) -> Result<()> {
    // SAFETY: `aad` is a live slice.
    Error::check(unsafe { oxtee_ta_sys::utee_authenc_update_aad(s.0, aad.as_ptr(), aad.len()) })
}

fn ae_update(s: &State, data: &[u8]) -> Result<Vec<u8>> {
    // CCM and GCM give back at most the input plus a block held over.
    // SAFETY: `data` is a live slice; `out` writable for `*len` bytes.
    with_output(data.len() + 16, |out, len| unsafe {
        oxtee_ta_sys::utee_authenc_update_payload(s.0, data.as_ptr(), data.len(), out, len)
    })
}

/// Authenticated encryption (`TEE_AEInit`, `TEE_AEUpdateAAD`,
/// `TEE_AEUpdate`, `TEE_AEEncryptFinal`): AES-GCM, AES-CCM.
#[derive(Debug)]
pub struct AeEncrypt(State);

impl AeEncrypt {
    /// Starts encrypting with `nonce` and a `tag_bits` tag; CCM needs the
    /// AAD and payload lengths up front (GCM ignores them).
    pub fn new(
        algo: u32,
        key: &dyn KeyHandle,
        nonce: &[u8],
        tag_bits: usize,
        aad_len: usize,
        payload_len: usize,
    ) -> Result<AeEncrypt> {
        ae_init(
            algo,
            TEE_MODE_ENCRYPT,
            key,
            nonce,
            tag_bits,
            aad_len,
            payload_len,
        )
        .map(AeEncrypt)
    }

    /// Feeds additional authenticated data (before any payload).
    pub fn update_aad(&mut self, aad: &[u8]) -> Result<()> {
        ae_aad(&self.0, aad)
    }

    /// Encrypts a part of the payload.
    pub fn update(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        ae_update(&self.0, data)
    }

    /// Encrypts the last part; returns it and the tag.
    pub fn finish(&mut self, data: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let h = self.0 .0;
        let mut tag = [0u8; 16];
        let mut tag_len = tag.len() as u64;
        // SAFETY: `data` is a live slice; `out` writable for `*len` bytes,
        // `tag` for `tag_len` bytes.
        let ct = with_output(data.len() + 16, |out, len| unsafe {
            oxtee_ta_sys::utee_authenc_enc_final(
                h,
                data.as_ptr(),
                data.len(),
                out,
                len,
                tag.as_mut_ptr(),
                &mut tag_len,
            )
        })?;
        let n = usize::try_from(tag_len).map_err(|_| Error::GENERIC)?;
        let tag = tag.get(..n).ok_or(Error::GENERIC)?.to_vec();
        Ok((ct, tag))
    }
}

/// Authenticated decryption (`TEE_AEDecryptFinal`).
#[derive(Debug)]
pub struct AeDecrypt(State);

impl AeDecrypt {
    /// Starts decrypting; arguments as [`AeEncrypt::new`].
    pub fn new(
        algo: u32,
        key: &dyn KeyHandle,
        nonce: &[u8],
        tag_bits: usize,
        aad_len: usize,
        payload_len: usize,
    ) -> Result<AeDecrypt> {
        ae_init(
            algo,
            TEE_MODE_DECRYPT,
            key,
            nonce,
            tag_bits,
            aad_len,
            payload_len,
        )
        .map(AeDecrypt)
    }

    /// Feeds additional authenticated data (before any payload).
    pub fn update_aad(&mut self, aad: &[u8]) -> Result<()> {
        ae_aad(&self.0, aad)
    }

    /// Decrypts a part of the payload (not authentic until `finish`).
    pub fn update(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        ae_update(&self.0, data)
    }

    /// Decrypts the last part and checks `tag` (`MAC_INVALID` if wrong).
    pub fn finish(&mut self, data: &[u8], tag: &[u8]) -> Result<Vec<u8>> {
        let h = self.0 .0;
        // SAFETY: `data` and `tag` are live slices; `out` writable for `*len`
        // bytes.
        with_output(data.len() + 16, |out, len| unsafe {
            oxtee_ta_sys::utee_authenc_dec_final(
                h,
                data.as_ptr(),
                data.len(),
                out,
                len,
                tag.as_ptr(),
                tag.len(),
            )
        })
    }
}

/// An asymmetric operation (`TEE_AsymmetricSignDigest`,
/// `TEE_AsymmetricVerifyDigest`, `TEE_AsymmetricEncrypt`,
/// `TEE_AsymmetricDecrypt`): RSA, ECDSA, Ed25519, SM2, DSA. ECDSA signs a
/// digest and gives r || s; Ed25519 signs the message itself.
#[derive(Debug)]
pub struct Asymmetric {
    state: State,
    mode: u32,
}

impl Asymmetric {
    /// An operation of `algo` in `mode` (`TEE_MODE_SIGN`, `_VERIFY`,
    /// `_ENCRYPT`, `_DECRYPT`) under `key`.
    pub fn new(algo: u32, mode: u32, key: &dyn KeyHandle) -> Result<Asymmetric> {
        if ![
            TEE_MODE_SIGN,
            TEE_MODE_VERIFY,
            TEE_MODE_ENCRYPT,
            TEE_MODE_DECRYPT,
        ]
        .contains(&mode)
        {
            return Err(Error::BAD_PARAMETERS);
        }
        Ok(Asymmetric {
            state: State::alloc(algo, mode, Some(key))?,
            mode,
        })
    }

    fn operate(&mut self, params: &[Attr<'_>], data: &[u8], cap: usize) -> Result<Vec<u8>> {
        let raw = encode(params)?;
        let h = self.state.0;
        // SAFETY: `raw` and its buffers live through the call; `data` is a
        // live slice; `out` writable for `*len` bytes.
        with_output(cap, |out, len| unsafe {
            oxtee_ta_sys::utee_asymm_operate(
                h,
                raw.as_ptr(),
                raw.len(),
                data.as_ptr(),
                data.len(),
                out,
                len,
            )
        })
    }

    /// Signs `digest` (the message for Ed25519).
    pub fn sign(&mut self, params: &[Attr<'_>], digest: &[u8]) -> Result<Vec<u8>> {
        if self.mode != TEE_MODE_SIGN {
            return Err(Error::BAD_STATE);
        }
        // RSA-4096 signatures are the largest the core makes.
        self.operate(params, digest, 512)
    }

    /// Encrypts `data`.
    pub fn encrypt(&mut self, params: &[Attr<'_>], data: &[u8]) -> Result<Vec<u8>> {
        if self.mode != TEE_MODE_ENCRYPT {
            return Err(Error::BAD_STATE);
        }
        self.operate(params, data, 512)
    }

    /// Decrypts `data`.
    pub fn decrypt(&mut self, params: &[Attr<'_>], data: &[u8]) -> Result<Vec<u8>> {
        if self.mode != TEE_MODE_DECRYPT {
            return Err(Error::BAD_STATE);
        }
        self.operate(params, data, data.len().max(64))
    }

    /// Checks `signature` over `digest` (`SIGNATURE_INVALID` if it does not
    /// verify).
    pub fn verify(&mut self, params: &[Attr<'_>], digest: &[u8], signature: &[u8]) -> Result<()> {
        if self.mode != TEE_MODE_VERIFY {
            return Err(Error::BAD_STATE);
        }
        let raw = encode(params)?;
        // SAFETY: `raw` and its buffers, `digest` and `signature` are live
        // through the call.
        Error::check(unsafe {
            oxtee_ta_sys::utee_asymm_verify(
                self.state.0,
                raw.as_ptr(),
                raw.len(),
                digest.as_ptr(),
                digest.len(),
                signature.as_ptr(),
                signature.len(),
            )
        })
    }
}

/// Key derivation (`TEE_DeriveKey`): ECDH, X25519, DH, HKDF, Concat KDF,
/// PBKDF2.
#[derive(Debug)]
pub struct Derive(State);

impl Derive {
    /// A derivation of `algo` with the private key `key`.
    pub fn new(algo: u32, key: &dyn KeyHandle) -> Result<Derive> {
        State::alloc(algo, TEE_MODE_DERIVE, Some(key)).map(Derive)
    }

    /// Derives into the empty object `out` (a `TEE_TYPE_GENERIC_SECRET` for
    /// ECDH/X25519/DH), with `params` (e.g. the peer's public value).
    pub fn derive(&mut self, params: &[Attr<'_>], out: &mut TransientObject) -> Result<()> {
        let raw = encode(params)?;
        // SAFETY: `raw` and its buffers live through the call.
        Error::check(unsafe {
            oxtee_ta_sys::utee_cryp_derive_key(self.0 .0, raw.as_ptr(), raw.len(), out.raw_handle())
        })
    }
}
