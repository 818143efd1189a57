//! The keystore's commands. Each checks its parameter types and sizes
//! before anything else and answers a GP error for anything it does not
//! accept; nothing a client sends makes the TA panic. No command returns
//! private or secret key material: keys are stored non-extractable and
//! only public keys, signatures, ciphertexts, plaintexts, MACs and ECDH
//! shared secrets leave the TA.
//!
//! Parameters (the CLI `ta/keys/cli/oxtee-keys.c` uses the same numbers;
//! `name` is a memref input, `v` a value):
//!
//! | command | p0 | p1 | p2 | p3 |
//! |---|---|---|---|---|
//! | `GENERATE` 0 | v in: kind, policy | name | — | — |
//! | `IMPORT` 1 | v in: kind, policy | name | key in | — |
//! | `PUBLIC_KEY` 2 | — | name | SPKI DER out | — |
//! | `SIGN` 3 | v in: scheme | name | message in | signature out |
//! | `VERIFY` 4 | v in: scheme | name | message in | signature in |
//! | `ENCRYPT` 5 | — | name | plaintext in | ciphertext out |
//! | `DECRYPT` 6 | — | name | ciphertext in | plaintext out |
//! | `MAC` 7 | — | name | data in | MAC out |
//! | `MAC_VERIFY` 8 | — | name | data in | MAC in |
//! | `ECDH` 9 | — | name | peer SPKI DER in | shared secret out |
//! | `LIST` 10 | — | names out | — | — |
//! | `INFO` 11 | v out: kind, policy | name | — | — |
//! | `DELETE` 12 | — | name | — | — |

use alloc::vec::Vec;

use oxtee_ta::crypto::consts::*;
use oxtee_ta::crypto::{
    AeDecrypt, AeEncrypt, Asymmetric, Attr, Derive, Digest, KeyHandle, Mac, TransientObject,
};
use oxtee_ta::storage::{flags, ObjectEnumerator, PersistentObject};
use oxtee_ta::{Error, ParamType as T, Parameters, Result};

use crate::der;
use crate::kinds::*;
use crate::namespace::{Namespace, MAX_NAME_LEN};

/// The TA's UUID (also the file name `<uuid>.ta`).
pub const UUID: &str = "503e942a-9abe-4f33-8426-cd4281f7d584";

/// Generates a key.
pub const CMD_GENERATE: u32 = 0;
/// Imports a key.
pub const CMD_IMPORT: u32 = 1;
/// Exports the public key (SPKI DER).
pub const CMD_PUBLIC_KEY: u32 = 2;
/// Signs a message.
pub const CMD_SIGN: u32 = 3;
/// Verifies a signature.
pub const CMD_VERIFY: u32 = 4;
/// Encrypts (AES-GCM, RSA-OAEP).
pub const CMD_ENCRYPT: u32 = 5;
/// Decrypts.
pub const CMD_DECRYPT: u32 = 6;
/// Computes an HMAC.
pub const CMD_MAC: u32 = 7;
/// Checks an HMAC.
pub const CMD_MAC_VERIFY: u32 = 8;
/// Agrees an ECDH secret.
pub const CMD_ECDH: u32 = 9;
/// Lists the caller's keys.
pub const CMD_LIST: u32 = 10;
/// A key's kind and policy.
pub const CMD_INFO: u32 = 11;
/// Deletes a key.
pub const CMD_DELETE: u32 = 12;

/// Signature scheme: the kind's default (PKCS#1 v1.5 for RSA).
pub(crate) const SCHEME_DEFAULT: u32 = 0;
/// Signature scheme: RSASSA-PSS with SHA-256 and a 32-byte salt.
pub(crate) const SCHEME_PSS: u32 = 1;

/// Largest message, plaintext or MAC input.
pub(crate) const MAX_DATA: usize = 64 * 1024;
/// Largest imported key (an RSA-4096 PKCS#8 is about 2.4 KB).
pub(crate) const MAX_IMPORT: usize = 4096;
/// Largest signature, MAC or peer key taken in.
const MAX_SMALL: usize = 1024;
/// AES-GCM nonce and tag sizes of `ENCRYPT`'s output `nonce || ct || tag`.
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// The data stream of a key object: magic, version, kind, policy (LE).
const META_MAGIC: [u8; 3] = *b"OK\x01";
const META_LEN: usize = 8;

const NONE: T = T::None;

/// Runs `command` for the client whose namespace is `ns`.
pub(crate) fn run(ns: &Namespace, command: u32, p: &mut Parameters) -> Result<()> {
    match command {
        CMD_GENERATE => {
            p.expect([T::ValueInput, T::MemrefInput, NONE, NONE])?;
            let (kind, policy) = kind_and_policy(p)?;
            let name = read_bounded(p, 1, MAX_NAME_LEN)?;
            let id = ns.object_id(&name)?;
            let key = generate(kind)?;
            store(&id, kind, policy, key)
        }
        CMD_IMPORT => {
            p.expect([T::ValueInput, T::MemrefInput, T::MemrefInput, NONE])?;
            let (kind, policy) = kind_and_policy(p)?;
            let name = read_bounded(p, 1, MAX_NAME_LEN)?;
            let id = ns.object_id(&name)?;
            let material = read_bounded(p, 2, MAX_IMPORT)?;
            let key = import(kind, &material)?;
            store(&id, kind, policy, key)
        }
        CMD_PUBLIC_KEY => {
            p.expect([NONE, T::MemrefInput, T::MemrefOutput, NONE])?;
            let key = open_key(ns, p)?;
            let spki = public_key(&key)?;
            p.write_memref(2, &spki)
        }
        CMD_SIGN => {
            p.expect([
                T::ValueInput,
                T::MemrefInput,
                T::MemrefInput,
                T::MemrefOutput,
            ])?;
            let pss = scheme(p)?;
            let key = open_key(ns, p)?;
            key.allow(USE_SIGN)?;
            let msg = read_bounded(p, 2, MAX_DATA)?;
            let sig = sign(&key, pss, &msg)?;
            p.write_memref(3, &sig)
        }
        CMD_VERIFY => {
            p.expect([
                T::ValueInput,
                T::MemrefInput,
                T::MemrefInput,
                T::MemrefInput,
            ])?;
            let pss = scheme(p)?;
            let key = open_key(ns, p)?;
            key.allow(USE_VERIFY)?;
            let msg = read_bounded(p, 2, MAX_DATA)?;
            let sig = read_bounded(p, 3, MAX_SMALL)?;
            verify(&key, pss, &msg, &sig)
        }
        CMD_ENCRYPT | CMD_DECRYPT => {
            p.expect([NONE, T::MemrefInput, T::MemrefInput, T::MemrefOutput])?;
            let key = open_key(ns, p)?;
            let input = read_bounded(p, 2, MAX_DATA + NONCE_LEN + TAG_LEN)?;
            let out = if command == CMD_ENCRYPT {
                key.allow(USE_ENCRYPT)?;
                encrypt(&key, &input)?
            } else {
                key.allow(USE_DECRYPT)?;
                decrypt(&key, &input)?
            };
            p.write_memref(3, &out)
        }
        CMD_MAC => {
            p.expect([NONE, T::MemrefInput, T::MemrefInput, T::MemrefOutput])?;
            let key = open_key(ns, p)?;
            key.allow(USE_MAC)?;
            let data = read_bounded(p, 2, MAX_DATA)?;
            let mac = Mac::new(TEE_ALG_HMAC_SHA256, &key.obj)?.compute(&data)?;
            p.write_memref(3, &mac)
        }
        CMD_MAC_VERIFY => {
            p.expect([NONE, T::MemrefInput, T::MemrefInput, T::MemrefInput])?;
            let key = open_key(ns, p)?;
            key.allow(USE_MAC)?;
            let data = read_bounded(p, 2, MAX_DATA)?;
            let mac = read_bounded(p, 3, MAX_SMALL)?;
            Mac::new(TEE_ALG_HMAC_SHA256, &key.obj)?.compare(&data, &mac)
        }
        CMD_ECDH => {
            p.expect([NONE, T::MemrefInput, T::MemrefInput, T::MemrefOutput])?;
            let key = open_key(ns, p)?;
            key.allow(USE_DERIVE)?;
            let peer = read_bounded(p, 2, MAX_SMALL)?;
            let secret = ecdh(&key, &peer)?;
            p.write_memref(3, &secret)
        }
        CMD_LIST => {
            p.expect([NONE, T::MemrefOutput, NONE, NONE])?;
            let names = list(ns)?;
            p.write_memref(1, &names)
        }
        CMD_INFO => {
            p.expect([T::ValueOutput, T::MemrefInput, NONE, NONE])?;
            let key = open_key(ns, p)?;
            p.set_value(0, key.kind as u32, key.policy)
        }
        CMD_DELETE => {
            p.expect([NONE, T::MemrefInput, NONE, NONE])?;
            let name = read_bounded(p, 1, MAX_NAME_LEN)?;
            let id = ns.object_id(&name)?;
            PersistentObject::open(&id, flags::ACCESS_WRITE_META)?.delete()
        }
        _ => Err(Error::NOT_SUPPORTED),
    }
}

/// Copies memref `index` in, refusing one larger than `max` before copying.
fn read_bounded(p: &Parameters, index: usize, max: usize) -> Result<Vec<u8>> {
    if p.memref_capacity(index)? > max {
        return Err(Error::BAD_PARAMETERS);
    }
    p.read_memref(index)
}

fn kind_and_policy(p: &Parameters) -> Result<(Kind, u32)> {
    let (kind, requested) = p.value(0)?;
    let kind = Kind::from_wire(kind)?;
    Ok((kind, kind.policy(requested)?))
}

/// Whether the signature scheme in value 0 is PSS.
fn scheme(p: &Parameters) -> Result<bool> {
    match p.value(0)? {
        (SCHEME_DEFAULT, 0) => Ok(false),
        (SCHEME_PSS, 0) => Ok(true),
        _ => Err(Error::BAD_PARAMETERS),
    }
}

/// A stored key, open for use.
pub(crate) struct Key {
    obj: PersistentObject,
    kind: Kind,
    policy: u32,
}

impl Key {
    /// `ACCESS_DENIED` unless the key's policy (and the key object's GP
    /// usage, which records the same) allows `what`.
    fn allow(&self, what: u32) -> Result<()> {
        let usage = self.obj.object_info()?.usage;
        if self.policy & what == 0 || usage & gp_usage(what) == 0 {
            return Err(Error::ACCESS_DENIED);
        }
        Ok(())
    }
}

/// Opens the caller's key named by memref 1.
fn open_key(ns: &Namespace, p: &Parameters) -> Result<Key> {
    let name = read_bounded(p, 1, MAX_NAME_LEN)?;
    let id = ns.object_id(&name)?;
    let mut obj = PersistentObject::open(&id, flags::ACCESS_READ | flags::SHARE_READ)?;
    let info = obj.object_info()?;
    // Anything but our own record is not a key of ours.
    if info.data_size as usize != META_LEN {
        return Err(Error::BAD_STATE);
    }
    let mut meta = [0u8; META_LEN];
    if obj.read(&mut meta)? != META_LEN || meta[..3] != META_MAGIC {
        return Err(Error::BAD_STATE);
    }
    let kind = Kind::from_wire(u32::from(meta[3])).map_err(|_| Error::BAD_STATE)?;
    let policy = u32::from_le_bytes([meta[4], meta[5], meta[6], meta[7]]);
    let size_ok = match kind {
        // Imported HMAC keys have their own size; TEEs differ in the size
        // they report for an Ed25519 key, whose size is fixed anyway.
        Kind::HmacSha256 => info.key_size >= 192,
        Kind::Ed25519 => true,
        k => info.key_size == k.bits(),
    };
    if info.object_type != kind.object_type() || !size_ok || kind.policy(policy).is_err() {
        return Err(Error::BAD_STATE);
    }
    Ok(Key { obj, kind, policy })
}

/// Largest key an object of `kind` holds (imported HMAC keys up to 512 bits).
fn max_bits(kind: Kind) -> u32 {
    match kind {
        Kind::HmacSha256 => 512,
        k => k.bits(),
    }
}

fn generate(kind: Kind) -> Result<TransientObject> {
    let mut t = TransientObject::allocate(kind.object_type(), max_bits(kind))?;
    match kind.curve() {
        Some(c) => t.generate(kind.bits(), &[Attr::Value(TEE_ATTR_ECC_CURVE, c.id, 0)])?,
        None => t.generate(kind.bits(), &[])?,
    }
    Ok(t)
}

/// Key `material` of `kind`: AES and HMAC raw bytes, Ed25519 its 32-byte
/// private seed followed by the 32-byte public key, EC and RSA as DER:
/// PKCS#8, SEC1 or PKCS#1 (EC with the public point, as OpenSSL writes it). Asymmetric keys must
/// pass a pairwise check before they are kept.
fn import(kind: Kind, material: &[u8]) -> Result<TransientObject> {
    let mut t = TransientObject::allocate(kind.object_type(), max_bits(kind))?;
    match kind {
        Kind::Aes128 | Kind::Aes256 => {
            if material.len() * 8 != kind.bits() as usize {
                return Err(Error::BAD_PARAMETERS);
            }
            t.populate(&[Attr::Ref(TEE_ATTR_SECRET_VALUE, material)])?;
        }
        Kind::HmacSha256 => {
            if !(24..=64).contains(&material.len()) {
                return Err(Error::BAD_PARAMETERS);
            }
            t.populate(&[Attr::Ref(TEE_ATTR_SECRET_VALUE, material)])?;
        }
        Kind::Ed25519 => {
            if material.len() != 64 {
                return Err(Error::BAD_PARAMETERS);
            }
            let (private, public) = material.split_at(32);
            t.populate(&[
                Attr::Ref(TEE_ATTR_ED25519_PRIVATE_VALUE, private),
                Attr::Ref(TEE_ATTR_ED25519_PUBLIC_VALUE, public),
            ])?;
            pairwise_check(kind, &t)?;
        }
        _ => match der::private_key(material, ec_len)? {
            der::PrivateKey::Ec { curve, d, x, y } => {
                let c = kind.curve().ok_or(Error::BAD_PARAMETERS)?;
                if c.oid != curve {
                    return Err(Error::BAD_PARAMETERS);
                }
                let attrs = [
                    Attr::Ref(TEE_ATTR_ECC_PUBLIC_VALUE_X, x),
                    Attr::Ref(TEE_ATTR_ECC_PUBLIC_VALUE_Y, y),
                    Attr::Ref(TEE_ATTR_ECC_PRIVATE_VALUE, d),
                    Attr::Value(TEE_ATTR_ECC_CURVE, c.id, 0),
                ];
                t.populate(&attrs)?;
                // An ECDH key is checked as an ECDSA key of the same values.
                let mut check = TransientObject::allocate(TEE_TYPE_ECDSA_KEYPAIR, kind.bits())?;
                check.populate(&attrs)?;
                let as_ecdsa = match c.len {
                    32 => Kind::EcdsaP256,
                    _ => Kind::EcdsaP384,
                };
                pairwise_check(as_ecdsa, &check)?;
            }
            der::PrivateKey::Rsa([n, e, d, p, q, dp, dq, qinv]) => {
                if !matches!(kind, Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096)
                    || bit_len(n) != kind.bits()
                {
                    return Err(Error::BAD_PARAMETERS);
                }
                t.populate(&[
                    Attr::Ref(TEE_ATTR_RSA_MODULUS, n),
                    Attr::Ref(TEE_ATTR_RSA_PUBLIC_EXPONENT, e),
                    Attr::Ref(TEE_ATTR_RSA_PRIVATE_EXPONENT, d),
                    Attr::Ref(TEE_ATTR_RSA_PRIME1, p),
                    Attr::Ref(TEE_ATTR_RSA_PRIME2, q),
                    Attr::Ref(TEE_ATTR_RSA_EXPONENT1, dp),
                    Attr::Ref(TEE_ATTR_RSA_EXPONENT2, dq),
                    Attr::Ref(TEE_ATTR_RSA_COEFFICIENT, qinv),
                ])?;
                pairwise_check(kind, &t)?;
            }
        },
    }
    Ok(t)
}

/// Bits of a big-endian magnitude without leading zeros.
fn bit_len(be: &[u8]) -> u32 {
    match be.first() {
        None => 0,
        Some(&top) => (be.len() as u32 - 1) * 8 + (8 - top.leading_zeros()),
    }
}

/// Signs a fixed message and verifies it: a key pair whose halves do not
/// belong together is refused (`BAD_PARAMETERS`).
fn pairwise_check(kind: Kind, key: &dyn KeyHandle) -> Result<()> {
    let (alg, hash) = kind.signature(false)?;
    let msg = b"oxtee-keys pairwise check";
    let data = match hash {
        Some(h) => Digest::digest(h, msg)?,
        None => msg.to_vec(),
    };
    let sig = Asymmetric::new(alg, TEE_MODE_SIGN, key)
        .and_then(|mut s| s.sign(&[], &data))
        .map_err(|_| Error::BAD_PARAMETERS)?;
    Asymmetric::new(alg, TEE_MODE_VERIFY, key)?
        .verify(&[], &data, &sig)
        .map_err(|_| Error::BAD_PARAMETERS)
}

/// Keeps `key` as object `id` (`ACCESS_CONFLICT` if the name is taken),
/// usage fixed to `policy` and never extractable.
fn store(id: &[u8], kind: Kind, policy: u32, mut key: TransientObject) -> Result<()> {
    key.restrict_usage(gp_usage(policy))?;
    let mut meta = [0u8; META_LEN];
    meta[..3].copy_from_slice(&META_MAGIC);
    meta[3] = kind as u8;
    meta[4..].copy_from_slice(&policy.to_le_bytes());
    PersistentObject::create_key(id, flags::ACCESS_READ, &key, &meta).map(drop)
}

fn public_key(key: &Key) -> Result<Vec<u8>> {
    let o = &key.obj;
    if let Some(c) = key.kind.curve() {
        let x = o.buffer_attribute(TEE_ATTR_ECC_PUBLIC_VALUE_X)?;
        let y = o.buffer_attribute(TEE_ATTR_ECC_PUBLIC_VALUE_Y)?;
        return der::ec_spki(c.oid, c.len, &x, &y);
    }
    match key.kind {
        Kind::Ed25519 => {
            let public = o.buffer_attribute(TEE_ATTR_ED25519_PUBLIC_VALUE)?;
            if public.len() != 32 {
                return Err(Error::BAD_STATE);
            }
            Ok(der::ed25519_spki(&public))
        }
        Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096 => {
            let n = o.buffer_attribute(TEE_ATTR_RSA_MODULUS)?;
            let e = o.buffer_attribute(TEE_ATTR_RSA_PUBLIC_EXPONENT)?;
            Ok(der::rsa_spki(&n, &e))
        }
        // A secret key has no public half.
        _ => Err(Error::NOT_SUPPORTED),
    }
}

/// The signature algorithm, the data it takes for `msg`, and its parameters.
fn signing_input(key: &Key, pss: bool, msg: &[u8]) -> Result<(u32, Vec<u8>)> {
    let is_rsa = matches!(key.kind, Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096);
    if pss && !is_rsa {
        return Err(Error::BAD_PARAMETERS);
    }
    let (alg, hash) = key.kind.signature(pss)?;
    let data = match hash {
        Some(h) => Digest::digest(h, msg)?,
        None => msg.to_vec(),
    };
    Ok((alg, data))
}

const PSS_SALT: [Attr<'static>; 1] = [Attr::Value(TEE_ATTR_RSA_PSS_SALT_LENGTH, 32, 0)];

fn sign(key: &Key, pss: bool, msg: &[u8]) -> Result<Vec<u8>> {
    let (alg, data) = signing_input(key, pss, msg)?;
    let params: &[Attr<'_>] = if pss { &PSS_SALT } else { &[] };
    let sig = Asymmetric::new(alg, TEE_MODE_SIGN, &key.obj)?.sign(params, &data)?;
    match key.kind.curve() {
        // ECDSA signatures leave as ECDSA-Sig-Value, as OpenSSL and X.509 use.
        Some(_) => der::ecdsa_sig_to_der(&sig),
        None => Ok(sig),
    }
}

fn verify(key: &Key, pss: bool, msg: &[u8], sig: &[u8]) -> Result<()> {
    let (alg, data) = signing_input(key, pss, msg)?;
    let params: &[Attr<'_>] = if pss { &PSS_SALT } else { &[] };
    let raw;
    let sig = match key.kind.curve() {
        Some(c) => {
            // A signature that does not even parse does not verify.
            raw = der::ecdsa_sig_from_der(sig, c.len).map_err(|_| Error::SIGNATURE_INVALID)?;
            &raw[..]
        }
        None => sig,
    };
    match Asymmetric::new(alg, TEE_MODE_VERIFY, &key.obj)?.verify(params, &data, sig) {
        // A malformed signature (wrong length, out of range) is an invalid one.
        Err(Error::BAD_PARAMETERS) => Err(Error::SIGNATURE_INVALID),
        r => r,
    }
}

const RSA_OAEP: u32 = TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256;

fn encrypt(key: &Key, pt: &[u8]) -> Result<Vec<u8>> {
    match key.kind {
        Kind::Aes128 | Kind::Aes256 => {
            if pt.len() > MAX_DATA {
                return Err(Error::BAD_PARAMETERS);
            }
            let mut nonce = [0u8; NONCE_LEN];
            oxtee_ta::random::fill(&mut nonce)?;
            let (ct, tag) =
                AeEncrypt::new(TEE_ALG_AES_GCM, &key.obj, &nonce, TAG_LEN * 8, 0, 0)?.finish(pt)?;
            let mut out = Vec::new();
            out.try_reserve_exact(NONCE_LEN + ct.len() + tag.len())
                .map_err(|_| Error::OUT_OF_MEMORY)?;
            out.extend_from_slice(&nonce);
            out.extend_from_slice(&ct);
            out.extend_from_slice(&tag);
            Ok(out)
        }
        Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096 => {
            // OAEP-SHA256 fits at most modulus - 66 bytes.
            if pt.len() + 66 > (key.kind.bits() / 8) as usize {
                return Err(Error::BAD_PARAMETERS);
            }
            Asymmetric::new(RSA_OAEP, TEE_MODE_ENCRYPT, &key.obj)?.encrypt(&[], pt)
        }
        _ => Err(Error::NOT_SUPPORTED),
    }
}

fn decrypt(key: &Key, ct: &[u8]) -> Result<Vec<u8>> {
    match key.kind {
        Kind::Aes128 | Kind::Aes256 => {
            if ct.len() < NONCE_LEN + TAG_LEN {
                return Err(Error::BAD_PARAMETERS);
            }
            let (nonce, rest) = ct.split_at(NONCE_LEN);
            let (body, tag) = rest.split_at(rest.len() - TAG_LEN);
            AeDecrypt::new(TEE_ALG_AES_GCM, &key.obj, nonce, TAG_LEN * 8, 0, 0)?.finish(body, tag)
        }
        Kind::Rsa2048 | Kind::Rsa3072 | Kind::Rsa4096 => {
            if ct.len() != (key.kind.bits() / 8) as usize {
                return Err(Error::BAD_PARAMETERS);
            }
            Asymmetric::new(RSA_OAEP, TEE_MODE_DECRYPT, &key.obj)?.decrypt(&[], ct)
        }
        _ => Err(Error::NOT_SUPPORTED),
    }
}

/// The ECDH shared secret (the x coordinate, as `openssl pkeyutl -derive`
/// gives it) with the peer's SPKI.
fn ecdh(key: &Key, peer: &[u8]) -> Result<Vec<u8>> {
    let c = key.kind.curve().ok_or(Error::NOT_SUPPORTED)?;
    let (x, y) = der::ec_point_from_spki(peer, c.oid, c.len)?;
    let mut out = TransientObject::allocate(TEE_TYPE_GENERIC_SECRET, key.kind.bits())?;
    Derive::new(TEE_ALG_ECDH_DERIVE_SHARED_SECRET, &key.obj)?
        .derive(
            &[
                Attr::Ref(TEE_ATTR_ECC_PUBLIC_VALUE_X, x),
                Attr::Ref(TEE_ATTR_ECC_PUBLIC_VALUE_Y, y),
            ],
            &mut out,
        )
        // A point not on the curve is the client's mistake.
        .map_err(|e| match e {
            Error::OUT_OF_MEMORY => e,
            _ => Error::BAD_PARAMETERS,
        })?;
    let secret = out.buffer_attribute(TEE_ATTR_SECRET_VALUE)?;
    der::pad(&secret, c.len)
}

/// The caller's key names, sorted, each followed by a NUL.
fn list(ns: &Namespace) -> Result<Vec<u8>> {
    let mut names = Vec::new();
    let mut e = ObjectEnumerator::new()?;
    e.start()?;
    while let Some(id) = e.next_id()? {
        if let Some(name) = ns.name_of(&id) {
            names.push(name.to_vec());
        }
    }
    names.sort();
    let mut out = Vec::new();
    for n in names {
        out.extend_from_slice(&n);
        out.push(0);
    }
    Ok(out)
}
