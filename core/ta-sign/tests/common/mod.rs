//! Test-only signer that writes signed TA files the way OP-TEE's `sign_encrypt.py` does.
#![allow(dead_code, unreachable_pub)]

use oxtee_ta_verify::{rsa_public_key, HashAlg, Padding, RsaPublicKey, SigAlgo};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};
use sha2::{Sha256, Sha384, Sha512};
use supplicant_proto::ta_shdr::*;
use zerocopy::IntoBytes;

pub const PSS256: u32 = TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256;
pub const V15_256: u32 = TEE_ALG_RSASSA_PKCS1_V1_5_SHA256;

pub const UUID: [u8; 16] = [
    0x8a, 0xaa, 0xf2, 0x00, 0x24, 0x50, 0x11, 0xe4, 0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b,
];

pub fn key(name: &str) -> RsaPrivateKey {
    let path = format!(
        "{}/tests/fixtures/test_{name}.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    let pem = std::fs::read_to_string(path).unwrap();
    RsaPrivateKey::from_pkcs8_pem(&pem).unwrap()
}

pub fn public(key: &RsaPrivateKey) -> RsaPublicKey {
    RsaPublicKey::from_components(&key.n().to_bytes_be(), &key.e().to_bytes_be()).unwrap()
}

/// Signs `hash` with `algo`; PSS salt length equals the digest length.
pub fn sign_hash(key: &RsaPrivateKey, algo: u32, hash: &[u8]) -> Vec<u8> {
    sign_hash_salt(key, algo, hash, None)
}

pub fn sign_hash_salt(key: &RsaPrivateKey, algo: u32, hash: &[u8], salt: Option<usize>) -> Vec<u8> {
    let a = SigAlgo::from_tee_alg(algo).unwrap();
    let salt = salt.unwrap_or(a.hash.size());
    let mut rng = rand_core::OsRng;
    match (a.padding, a.hash) {
        (Padding::Pkcs1v15, HashAlg::Sha256) => key.sign(Pkcs1v15Sign::new::<Sha256>(), hash),
        (Padding::Pkcs1v15, HashAlg::Sha384) => key.sign(Pkcs1v15Sign::new::<Sha384>(), hash),
        (Padding::Pkcs1v15, HashAlg::Sha512) => key.sign(Pkcs1v15Sign::new::<Sha512>(), hash),
        (Padding::Pss, HashAlg::Sha256) => {
            key.sign_with_rng(&mut rng, Pss::new_with_salt::<Sha256>(salt), hash)
        }
        (Padding::Pss, HashAlg::Sha384) => {
            key.sign_with_rng(&mut rng, Pss::new_with_salt::<Sha384>(salt), hash)
        }
        (Padding::Pss, HashAlg::Sha512) => {
            key.sign_with_rng(&mut rng, Pss::new_with_salt::<Sha512>(salt), hash)
        }
    }
    .unwrap()
}

/// A signed header followed by `body` (sub-headers and payload), hashing `hashed` after the
/// 20 fixed bytes.
pub fn signed(
    key: &RsaPrivateKey,
    algo: u32,
    img_type: u32,
    img_size: u32,
    hashed: &[&[u8]],
    body: &[u8],
) -> Vec<u8> {
    let a = SigAlgo::from_tee_alg(algo).unwrap();
    let shdr = Shdr {
        magic: SHDR_MAGIC,
        img_type,
        img_size,
        algo,
        hash_size: a.hash.size() as u16,
        sig_size: key.size() as u16,
    };
    let mut parts: Vec<&[u8]> = vec![shdr.as_bytes()];
    parts.extend_from_slice(hashed);
    let hash = a.hash.digest(&parts);
    let sig = sign_hash(key, algo, &hash);
    let mut out = shdr.as_bytes().to_vec();
    out.extend_from_slice(&hash);
    out.extend_from_slice(&sig);
    out.extend_from_slice(body);
    out
}

pub fn bootstrap_ta(
    key: &RsaPrivateKey,
    algo: u32,
    uuid: [u8; 16],
    version: u32,
    elf: &[u8],
) -> Vec<u8> {
    let bs = ShdrBootstrapTa {
        uuid,
        ta_version: version,
    };
    let mut body = bs.as_bytes().to_vec();
    body.extend_from_slice(elf);
    signed(
        key,
        algo,
        SHDR_BOOTSTRAP_TA,
        elf.len() as u32,
        &[bs.as_bytes(), elf],
        &body,
    )
}

pub fn legacy_ta(key: &RsaPrivateKey, algo: u32, elf: &[u8]) -> Vec<u8> {
    signed(key, algo, SHDR_TA, elf.len() as u32, &[elf], elf)
}

/// A subkey level: header signed by `parent`, subkey image carrying `child`'s public key, name.
#[allow(clippy::too_many_arguments)]
pub fn subkey(
    parent: &RsaPrivateKey,
    parent_algo: u32,
    child: &RsaPrivateKey,
    child_algo: u32,
    uuid: [u8; 16],
    name: &[u8],
    version: u32,
    max_depth: u32,
) -> Vec<u8> {
    let n = child.n().to_bytes_be();
    let e = child.e().to_bytes_be();
    let fixed = 36 + 2 * 12;
    let sk = ShdrSubkey {
        uuid,
        name_size: name.len() as u32,
        subkey_version: version,
        max_depth,
        algo: child_algo,
        attr_count: 2,
    };
    let mut image = sk.as_bytes().to_vec();
    for attr in [
        ShdrSubkeyAttr {
            id: TEE_ATTR_RSA_MODULUS,
            offs: fixed as u32,
            size: n.len() as u32,
        },
        ShdrSubkeyAttr {
            id: TEE_ATTR_RSA_PUBLIC_EXPONENT,
            offs: (fixed + n.len()) as u32,
            size: e.len() as u32,
        },
    ] {
        image.extend_from_slice(attr.as_bytes());
    }
    image.extend_from_slice(&n);
    image.extend_from_slice(&e);
    let mut body = image.clone();
    body.extend_from_slice(name);
    signed(
        parent,
        parent_algo,
        SHDR_SUBKEY,
        image.len() as u32,
        &[&image],
        &body,
    )
}

/// A fake ELF payload.
pub fn elf(len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
    v[..4].copy_from_slice(b"\x7fELF");
    v
}

pub fn key_from_parts(k: &RsaPrivateKey) -> RsaPublicKey {
    rsa_public_key(&k.n().to_bytes_be(), &k.e().to_bytes_be()).unwrap()
}
