//! GP asymmetric operations and key derivation on [`KeyObject`]s: `TEE_AsymmetricEncrypt`/
//! `Decrypt`/`SignDigest`/`VerifyDigest` and `TEE_DeriveKey`, with OP-TEE 4.5's parameter
//! handling and error codes. Key material is read from the operation's key object at each call.

use alloc::vec::Vec;

use supplicant_proto::tee_crypto::*;
use zeroize::Zeroizing;

use crate::asym::dh::DhKeyPair;
use crate::asym::dsa::{DsaKeyPair, DsaPublicKey};
use crate::asym::ecc::{EccCurve, EccKeyPair, EccPublicKey};
use crate::asym::ed25519::{Ed25519KeyPair, Ed25519PublicKey, EddsaParams, ED25519_MAX_CTX_LEN};
use crate::asym::hash::HashAlg;
use crate::asym::kdf;
use crate::asym::rsa::{RsaCipherScheme, RsaKeyPair, RsaPublicKey, RsaSignScheme};
use crate::asym::sm2::{sm2_kep, Sm2KepParams, Sm2KepRole, Sm2KeyPair, Sm2PublicKey};
use crate::asym::x25519::X25519KeyPair;
use crate::error::{CryptoError, CryptoResult};
use crate::families;
use crate::object::{Attribute, KeyObject};
use crate::rng::{RandCoreAdapter, Rng};

const BAD: CryptoError = CryptoError::BadParameters;

fn rsa_public(k: &KeyObject) -> CryptoResult<RsaPublicKey> {
    RsaPublicKey::from_components(
        k.need(TEE_ATTR_RSA_MODULUS)?,
        k.need(TEE_ATTR_RSA_PUBLIC_EXPONENT)?,
    )
}

fn rsa_pair(k: &KeyObject) -> CryptoResult<RsaKeyPair> {
    let n = k.need(TEE_ATTR_RSA_MODULUS)?;
    let e = k.need(TEE_ATTR_RSA_PUBLIC_EXPONENT)?;
    let d = k.need(TEE_ATTR_RSA_PRIVATE_EXPONENT)?;
    match (
        k.bytes(TEE_ATTR_RSA_PRIME1),
        k.bytes(TEE_ATTR_RSA_PRIME2),
        k.bytes(TEE_ATTR_RSA_EXPONENT1),
        k.bytes(TEE_ATTR_RSA_EXPONENT2),
        k.bytes(TEE_ATTR_RSA_COEFFICIENT),
    ) {
        (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) => {
            RsaKeyPair::from_crt_components(n, e, d, p, q, dp, dq, qi)
                .or_else(|_| RsaKeyPair::from_components(n, e, d, Some((p, q))))
        }
        _ => RsaKeyPair::from_components(n, e, d, None),
    }
}

fn curve_of(k: &KeyObject) -> CryptoResult<EccCurve> {
    EccCurve::from_tee(k.value(TEE_ATTR_ECC_CURVE).ok_or(BAD)?)
}

fn ecc_public(k: &KeyObject) -> CryptoResult<EccPublicKey> {
    EccPublicKey::from_coords(
        curve_of(k)?,
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_X)?,
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_Y)?,
    )
}

fn ecc_pair(k: &KeyObject) -> CryptoResult<EccKeyPair> {
    EccKeyPair::from_components(
        curve_of(k)?,
        k.need(TEE_ATTR_ECC_PRIVATE_VALUE)?,
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_X)?,
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_Y)?,
    )
}

fn sm2_public(k: &KeyObject) -> CryptoResult<Sm2PublicKey> {
    Sm2PublicKey::from_coords(
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_X)?,
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_Y)?,
    )
}

fn sm2_pair(k: &KeyObject) -> CryptoResult<Sm2KeyPair> {
    Sm2KeyPair::from_components(
        k.need(TEE_ATTR_ECC_PRIVATE_VALUE)?,
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_X)?,
        k.need(TEE_ATTR_ECC_PUBLIC_VALUE_Y)?,
    )
}

fn dsa_public(k: &KeyObject) -> CryptoResult<DsaPublicKey> {
    DsaPublicKey::from_components(
        k.need(TEE_ATTR_DSA_PRIME)?,
        k.need(TEE_ATTR_DSA_SUBPRIME)?,
        k.need(TEE_ATTR_DSA_BASE)?,
        k.need(TEE_ATTR_DSA_PUBLIC_VALUE)?,
    )
}

fn dsa_pair(k: &KeyObject) -> CryptoResult<DsaKeyPair> {
    DsaKeyPair::from_components(
        k.need(TEE_ATTR_DSA_PRIME)?,
        k.need(TEE_ATTR_DSA_SUBPRIME)?,
        k.need(TEE_ATTR_DSA_BASE)?,
        k.need(TEE_ATTR_DSA_PUBLIC_VALUE)?,
        k.need(TEE_ATTR_DSA_PRIVATE_VALUE)?,
    )
}

/// `TEE_ATTR_EDDSA_PREHASH` / `TEE_ATTR_EDDSA_CTX` as OP-TEE parses them; anything else →
/// `BAD_PARAMETERS`.
fn eddsa_params<'a>(params: &[Attribute<'a>]) -> CryptoResult<EddsaParams<'a>> {
    let mut out = EddsaParams::default();
    let mut have_ctx = false;
    for p in params {
        match *p {
            Attribute::Value {
                id: TEE_ATTR_EDDSA_PREHASH,
                a,
                b,
            } => {
                if b != 0 || a > 1 {
                    return Err(BAD);
                }
                out.prehash = a == 1;
            }
            Attribute::Ref {
                id: TEE_ATTR_EDDSA_CTX,
                data,
            } => {
                if have_ctx || data.len() > ED25519_MAX_CTX_LEN {
                    return Err(BAD);
                }
                if !data.is_empty() {
                    have_ctx = true;
                    out.ctx = Some(data);
                }
            }
            _ => return Err(BAD),
        }
    }
    Ok(out)
}

/// `TEE_ATTR_RSA_PSS_SALT_LENGTH` if given (and below `INT_MAX`, as OP-TEE takes it).
fn pss_salt_len(params: &[Attribute<'_>]) -> Option<u32> {
    params
        .iter()
        .find(|p| p.id() == TEE_ATTR_RSA_PSS_SALT_LENGTH)
        .map(|p| p.value_a())
        .filter(|&v| v < i32::MAX as u32)
}

fn is_rsassa(algo: u32) -> bool {
    matches!(
        algo,
        TEE_ALG_RSASSA_PKCS1_V1_5
            | TEE_ALG_RSASSA_PKCS1_V1_5_MD5
            | TEE_ALG_RSASSA_PKCS1_V1_5_SHA1
            | TEE_ALG_RSASSA_PKCS1_V1_5_SHA224
            | TEE_ALG_RSASSA_PKCS1_V1_5_SHA256
            | TEE_ALG_RSASSA_PKCS1_V1_5_SHA384
            | TEE_ALG_RSASSA_PKCS1_V1_5_SHA512
            | TEE_ALG_RSASSA_PKCS1_PSS_MGF1_MD5
            | TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1
            | TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA224
            | TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256
            | TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384
            | TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512
    )
}

fn is_rsaes(algo: u32) -> bool {
    matches!(
        algo,
        TEE_ALG_RSAES_PKCS1_V1_5
            | TEE_ALG_RSAES_PKCS1_OAEP_MGF1_MD5
            | TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1
            | TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA224
            | TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256
            | TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384
            | TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512
    )
}

fn is_ecdsa(algo: u32) -> bool {
    matches!(
        algo,
        TEE_ALG_ECDSA_SHA1
            | TEE_ALG_ECDSA_SHA224
            | TEE_ALG_ECDSA_SHA256
            | TEE_ALG_ECDSA_SHA384
            | TEE_ALG_ECDSA_SHA512
    )
}

/// The OAEP label and MGF1 hash parameters (`TEE_ATTR_RSA_OAEP_LABEL`,
/// `TEE_ATTR_RSA_OAEP_MGF_HASH`, a 4-byte buffer holding the digest algorithm ID).
fn rsaes_scheme(algo: u32, params: &[Attribute<'_>]) -> CryptoResult<RsaCipherScheme> {
    let mut label: &[u8] = &[];
    let mut mgf = None;
    for p in params {
        match p.id() {
            TEE_ATTR_RSA_OAEP_LABEL => label = p.data(),
            TEE_ATTR_RSA_OAEP_MGF_HASH if algo != TEE_ALG_RSAES_PKCS1_V1_5 => {
                let d = p.data();
                if d.len() != 4 {
                    return Err(BAD);
                }
                mgf = Some(u32::from_le_bytes([d[0], d[1], d[2], d[3]]));
            }
            _ => {}
        }
    }
    RsaCipherScheme::from_alg(algo, label, mgf)
}

/// `TEE_AsymmetricEncrypt`/`Decrypt`/`SignDigest` (OP-TEE's `syscall_asymm_operate`): the output
/// bytes; the caller compares their length with the output buffer (`SHORT_BUFFER`).
pub fn asymmetric_operate(
    algo: u32,
    mode: u32,
    key: &KeyObject,
    params: &[Attribute<'_>],
    src: &[u8],
    rng: &mut dyn Rng,
) -> CryptoResult<Zeroizing<Vec<u8>>> {
    let mut adapter = RandCoreAdapter::new(rng);
    let r = &mut adapter;
    let out: Vec<u8> = match algo {
        TEE_ALG_RSA_NOPAD => match mode {
            TEE_MODE_ENCRYPT => rsa_public(key)?.encrypt(&RsaCipherScheme::NoPad, src, r)?,
            TEE_MODE_DECRYPT => {
                return finish(
                    rsa_pair(key)?.decrypt(&RsaCipherScheme::NoPad, src, r),
                    &adapter,
                )
            }
            _ => return Err(CryptoError::Generic),
        },
        TEE_ALG_SM2_PKE if families::SM => match mode {
            TEE_MODE_ENCRYPT => sm2_public(key)?.encrypt(src, r)?,
            TEE_MODE_DECRYPT => return sm2_pair(key)?.decrypt(src),
            _ => return Err(CryptoError::Generic),
        },
        a if is_rsaes(a) => {
            let scheme = rsaes_scheme(a, params)?;
            match mode {
                TEE_MODE_ENCRYPT => rsa_public(key)?.encrypt(&scheme, src, r)?,
                TEE_MODE_DECRYPT => {
                    return finish(rsa_pair(key)?.decrypt(&scheme, src, r), &adapter)
                }
                _ => return Err(BAD),
            }
        }
        a if is_rsassa(a) => {
            if mode != TEE_MODE_SIGN {
                return Err(BAD);
            }
            let scheme = RsaSignScheme::from_alg(a, pss_salt_len(params))?;
            rsa_pair(key)?.sign(scheme, src, r)?
        }
        TEE_ALG_DSA_SHA1 | TEE_ALG_DSA_SHA224 | TEE_ALG_DSA_SHA256 if families::DSA => {
            dsa_pair(key)?.sign(HashAlg::from_sig_alg(algo)?, src, r)?
        }
        TEE_ALG_ED25519 if families::CURVE25519 => {
            let p = eddsa_params(params)?;
            Ed25519KeyPair::from_components(
                key.need(TEE_ATTR_ED25519_PRIVATE_VALUE)?,
                key.need(TEE_ATTR_ED25519_PUBLIC_VALUE)?,
            )?
            .sign(src, p)?
        }
        a if is_ecdsa(a) => ecc_pair(key)?.ecdsa_sign(src, r)?,
        TEE_ALG_SM2_DSA_SM3 if families::SM => sm2_pair(key)?.sign(src, r)?,
        _ => return Err(BAD),
    };
    finish(Ok(Zeroizing::new(out)), &adapter)
}

fn finish(
    r: CryptoResult<Zeroizing<Vec<u8>>>,
    rng: &RandCoreAdapter<'_>,
) -> CryptoResult<Zeroizing<Vec<u8>>> {
    if rng.failed() {
        return Err(CryptoError::Generic);
    }
    r
}

/// `TEE_AsymmetricVerifyDigest` (OP-TEE's `syscall_asymm_verify`).
pub fn asymmetric_verify(
    algo: u32,
    key: &KeyObject,
    params: &[Attribute<'_>],
    digest: &[u8],
    sig: &[u8],
) -> CryptoResult<()> {
    match tee_alg_get_main_alg(algo) {
        TEE_MAIN_ALGO_RSA => {
            let scheme = RsaSignScheme::from_alg(algo, pss_salt_len(params))?;
            if algo != TEE_ALG_RSASSA_PKCS1_V1_5 {
                let want = HashAlg::from_sig_alg(algo)
                    .map(|h| h.output_len())
                    .map_err(|_| CryptoError::NotSupported)?;
                if digest.len() != want && algo != TEE_ALG_RSASSA_PKCS1_V1_5_MD5SHA1 {
                    return Err(BAD);
                }
            }
            rsa_public(key)?.verify(scheme, digest, sig)
        }
        TEE_MAIN_ALGO_DSA if families::DSA => {
            dsa_public(key)?.verify(HashAlg::from_sig_alg(algo)?, digest, sig)
        }
        TEE_MAIN_ALGO_ED25519 if families::CURVE25519 => {
            let p = eddsa_params(params)?;
            Ed25519PublicKey::from_bytes(key.need(TEE_ATTR_ED25519_PUBLIC_VALUE)?)?
                .verify(digest, sig, p)
        }
        TEE_MAIN_ALGO_ECDSA => ecc_public(key)?.ecdsa_verify(digest, sig),
        TEE_MAIN_ALGO_SM2_DSA if families::SM => sm2_public(key)?.verify(digest, sig),
        _ => Err(CryptoError::NotSupported),
    }
}

/// Result of [`derive_key`].
pub struct Derived {
    /// The shared or derived secret.
    pub secret: Zeroizing<Vec<u8>>,
    /// SM2 key exchange: the confirmation value for the buffer of
    /// `TEE_ATTR_SM2_KEP_CONFIRMATION_OUT` (its index in the parameters and the bytes).
    pub confirmation_out: Option<(usize, [u8; 32])>,
}

/// Largest derived secret (the storage of a generic-secret object).
const MAX_DERIVED: usize = 512;

/// `TEE_DeriveKey` (OP-TEE's `syscall_cryp_derive_key`). `out_max_bits` is the maximum size of
/// the generic-secret object receiving the key; SM2 key exchange derives that many *bytes*, as
/// OP-TEE does.
pub fn derive_key(
    algo: u32,
    key1: &KeyObject,
    key2: Option<&KeyObject>,
    params: &[Attribute<'_>],
    out_max_bits: u32,
) -> CryptoResult<Derived> {
    derive_key_preemptible(algo, key1, key2, params, out_max_bits, &mut || {})
}

/// [`derive_key`], calling `preempt` during DH's exponentiation every few windows (a schedule
/// fixed by the prime's size): the caller's thread may be preempted there.
pub fn derive_key_preemptible(
    algo: u32,
    key1: &KeyObject,
    key2: Option<&KeyObject>,
    params: &[Attribute<'_>],
    out_max_bits: u32,
    preempt: &mut dyn FnMut(),
) -> CryptoResult<Derived> {
    let plain = |secret| {
        Ok(Derived {
            secret,
            confirmation_out: None,
        })
    };
    match algo {
        TEE_ALG_DH_DERIVE_SHARED_SECRET if families::DH => {
            let [Attribute::Ref {
                id: TEE_ATTR_DH_PUBLIC_VALUE,
                data,
            }] = params
            else {
                return Err(BAD);
            };
            let k = DhKeyPair::from_components(
                key1.need(TEE_ATTR_DH_PRIME)?,
                key1.need(TEE_ATTR_DH_BASE)?,
                key1.need(TEE_ATTR_DH_PUBLIC_VALUE)?,
                key1.need(TEE_ATTR_DH_PRIVATE_VALUE)?,
                key1.bytes(TEE_ATTR_DH_SUBPRIME),
                key1.value(TEE_ATTR_DH_X_BITS),
            )?;
            plain(k.shared_secret_preemptible(data, preempt)?)
        }
        TEE_ALG_ECDH_DERIVE_SHARED_SECRET => {
            let [Attribute::Ref {
                id: TEE_ATTR_ECC_PUBLIC_VALUE_X,
                data: x,
            }, Attribute::Ref {
                id: TEE_ATTR_ECC_PUBLIC_VALUE_Y,
                data: y,
            }] = params
            else {
                return Err(BAD);
            };
            let curve = key1.value(TEE_ATTR_ECC_CURVE).ok_or(BAD)?;
            if EccCurve::from_tee(curve).is_err() {
                return Err(CryptoError::NotImplemented);
            }
            plain(ecc_pair(key1)?.ecdh(x, y)?)
        }
        TEE_ALG_X25519 if families::CURVE25519 => {
            let [Attribute::Ref {
                id: TEE_ATTR_X25519_PUBLIC_VALUE,
                data,
            }] = params
            else {
                return Err(BAD);
            };
            if data.len() != 32 {
                return Err(BAD);
            }
            let k = X25519KeyPair::from_components(
                key1.need(TEE_ATTR_X25519_PRIVATE_VALUE)?,
                key1.bytes(TEE_ATTR_X25519_PUBLIC_VALUE),
            )?;
            let s = k.shared_secret(data)?;
            plain(Zeroizing::new(s.to_vec()))
        }
        TEE_ALG_SM2_KEP if families::SM => {
            sm2_kep_derive(key1, key2.ok_or(BAD)?, params, out_max_bits)
        }
        a if tee_alg_get_main_alg(a) == TEE_MAIN_ALGO_HKDF => {
            let ikm = key1.secret().ok_or(BAD)?;
            let mut hash = if a == TEE_ALG_HKDF {
                None
            } else {
                Some(kdf::kdf_from_alg(a)?.1)
            };
            let (mut salt, mut info, mut len): (&[u8], &[u8], Option<u32>) = (&[], &[], None);
            let (mut have_salt, mut have_info, mut have_hash) = (false, false, hash.is_some());
            for p in params {
                match p.id() {
                    TEE_ATTR_HKDF_SALT | __OPTEE_TEE_ATTR_HKDF_SALT if !have_salt => {
                        salt = p.data();
                        have_salt = true;
                    }
                    TEE_ATTR_HKDF_INFO | __OPTEE_ATTR_HKDF_INFO if !have_info => {
                        info = p.data();
                        have_info = true;
                    }
                    TEE_ATTR_KDF_KEY_SIZE | TEE_ATTR_HKDF_OKM_LENGTH if len.is_none() => {
                        len = Some(p.value_a())
                    }
                    TEE_ATTR_HKDF_HASH_ALGORITHM if !have_hash => {
                        hash = Some(HashAlg::from_tee_alg(p.value_a())?);
                        have_hash = true;
                    }
                    TEE_ATTR_HKDF_SALT
                    | __OPTEE_TEE_ATTR_HKDF_SALT
                    | TEE_ATTR_HKDF_INFO
                    | __OPTEE_ATTR_HKDF_INFO
                    | TEE_ATTR_KDF_KEY_SIZE
                    | TEE_ATTR_HKDF_OKM_LENGTH
                    | TEE_ATTR_HKDF_HASH_ALGORITHM => {}
                    _ => return Err(BAD),
                }
            }
            let len = len.ok_or(BAD)? as usize;
            if len > MAX_DERIVED {
                return Err(BAD);
            }
            let hash = hash.unwrap_or(HashAlg::Sha256);
            plain(kdf::hkdf(hash, ikm, salt, info, len)?)
        }
        a if tee_alg_get_main_alg(a) == TEE_MAIN_ALGO_CONCAT_KDF => {
            let z = key1.secret().ok_or(BAD)?;
            let hash = kdf::kdf_from_alg(a)?.1;
            let (mut other, mut len): (Option<&[u8]>, Option<u32>) = (None, None);
            for p in params {
                match p.id() {
                    TEE_ATTR_CONCAT_KDF_OTHER_INFO => {
                        other.get_or_insert(p.data());
                    }
                    TEE_ATTR_CONCAT_KDF_DKM_LENGTH => {
                        len.get_or_insert(p.value_a());
                    }
                    _ => return Err(BAD),
                }
            }
            let len = len.ok_or(BAD)? as usize;
            if len > MAX_DERIVED {
                return Err(BAD);
            }
            plain(kdf::concat_kdf(hash, z, other.unwrap_or(&[]), len)?)
        }
        a if tee_alg_get_main_alg(a) == TEE_MAIN_ALGO_PBKDF2 => {
            let pw = key1.secret().ok_or(BAD)?;
            let hash = kdf::kdf_from_alg(a)?.1;
            let (mut salt, mut len, mut count): (Option<&[u8]>, Option<u32>, Option<u32>) =
                (None, None, None);
            for p in params {
                match p.id() {
                    TEE_ATTR_PBKDF2_SALT => {
                        salt.get_or_insert(p.data());
                    }
                    TEE_ATTR_PBKDF2_DKM_LENGTH => {
                        len.get_or_insert(p.value_a());
                    }
                    TEE_ATTR_PBKDF2_ITERATION_COUNT => {
                        count.get_or_insert(p.value_a());
                    }
                    _ => return Err(BAD),
                }
            }
            let (len, count) = (len.ok_or(BAD)? as usize, count.ok_or(BAD)?);
            if len > MAX_DERIVED {
                return Err(BAD);
            }
            plain(kdf::pbkdf2_hmac(hash, pw, salt.unwrap_or(&[]), count, len)?)
        }
        _ => Err(CryptoError::NotSupported),
    }
}

fn sm2_kep_derive(
    key1: &KeyObject,
    key2: &KeyObject,
    params: &[Attribute<'_>],
    out_max_bits: u32,
) -> CryptoResult<Derived> {
    let (mut role, mut px, mut py, mut ex, mut ey) = (None, None, None, None, None);
    let (mut id_i, mut id_r, mut conf_in, mut conf_out) = (None, None, None, None);
    for (n, p) in params.iter().enumerate() {
        match p.id() {
            TEE_ATTR_SM2_KEP_USER => {
                role = Some(if p.value_a() == 0 {
                    Sm2KepRole::Initiator
                } else {
                    Sm2KepRole::Responder
                })
            }
            TEE_ATTR_ECC_PUBLIC_VALUE_X => px = Some(p.data()),
            TEE_ATTR_ECC_PUBLIC_VALUE_Y => py = Some(p.data()),
            TEE_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_X
            | __OPTEE_SM2_KEP_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_X => ex = Some(p.data()),
            TEE_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_Y
            | __OPTEE_SM2_KEP_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_Y => ey = Some(p.data()),
            TEE_ATTR_SM2_ID_INITIATOR => id_i = Some(p.data()),
            TEE_ATTR_SM2_ID_RESPONDER => id_r = Some(p.data()),
            TEE_ATTR_SM2_KEP_CONFIRMATION_IN => conf_in = Some(p.data()),
            TEE_ATTR_SM2_KEP_CONFIRMATION_OUT => conf_out = Some(n),
            _ => return Err(BAD),
        }
    }
    let (Some(role), Some(px), Some(py), Some(ex), Some(ey), Some(id_i), Some(id_r)) =
        (role, px, py, ex, ey, id_i, id_r)
    else {
        return Err(BAD);
    };
    let peer = Sm2PublicKey::from_coords(px, py)?;
    let peer_eph = Sm2PublicKey::from_coords(ex, ey)?;
    let own = sm2_pair(key1)?;
    // key2 is the local ephemeral key (a key pair, or only its public half in OP-TEE's
    // interface; the exchange needs its private value).
    let own_eph = sm2_pair(key2)?;
    let kp = Sm2KepParams {
        role,
        peer_public: &peer,
        peer_ephemeral: &peer_eph,
        id_initiator: id_i,
        id_responder: id_r,
        confirmation_in: conf_in,
    };
    // OP-TEE passes the object's maximum size to the exchange as the key length in bytes.
    let len = out_max_bits as usize;
    if len > MAX_DERIVED {
        return Err(BAD);
    }
    let out = sm2_kep(&own, &own_eph, &kp, len)?;
    Ok(Derived {
        secret: out.key,
        confirmation_out: conf_out.map(|n| (n, out.confirmation_out)),
    })
}
