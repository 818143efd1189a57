//! Every command through the SDK's simulator (real crypto from
//! `oxtee-crypto`), with the clients Linux would report (`TEEC_LOGIN_USER`
//! per uid), including hostile parameters, another user, and a search of
//! every output for the private key material of imported keys.

use oxtee_ta::client::Identity;
use oxtee_ta::params::ParamType;
use oxtee_ta::Error;
use oxtee_ta_sim::{none, user, Param, SessionId, Simulator};

use crate::commands::*;
use crate::kinds::*;
use crate::test_keys::*;
use crate::Keys;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const N: Param = Param::None;

struct Client<'a> {
    sim: &'a mut Simulator<Keys>,
    s: SessionId,
    /// Every byte any output parameter carried back.
    seen: Vec<Vec<u8>>,
}

fn connect(sim: &mut Simulator<Keys>, who: Identity) -> Client<'_> {
    sim.set_client(who);
    let s = sim.open_session(&mut none()).unwrap();
    Client {
        sim,
        s,
        seen: Vec::new(),
    }
}

impl Client<'_> {
    fn call(&mut self, cmd: u32, mut p: [Param; 4]) -> (Result<(), Error>, [Param; 4]) {
        let r = self.sim.invoke(self.s, cmd, &mut p);
        for q in &p {
            if let Some(out) = q.output() {
                self.seen.push(out.to_vec());
            }
        }
        (r, p)
    }

    fn out(&mut self, cmd: u32, p: [Param; 4], i: usize) -> Result<Vec<u8>, Error> {
        let (r, p) = self.call(cmd, p);
        r.map(|()| p[i].output().unwrap().to_vec())
    }

    fn generate(&mut self, name: &str, kind: Kind, policy: u32) -> Result<(), Error> {
        let p = [
            Param::ValueIn(kind as u32, policy),
            Param::input(name.as_bytes()),
            N,
            N,
        ];
        self.call(CMD_GENERATE, p).0
    }

    fn import(&mut self, name: &str, kind: Kind, policy: u32, key: &[u8]) -> Result<(), Error> {
        let p = [
            Param::ValueIn(kind as u32, policy),
            Param::input(name.as_bytes()),
            Param::input(key),
            N,
        ];
        self.call(CMD_IMPORT, p).0
    }

    fn public(&mut self, name: &str) -> Result<Vec<u8>, Error> {
        let p = [N, Param::input(name.as_bytes()), Param::out(1024), N];
        self.out(CMD_PUBLIC_KEY, p, 2)
    }

    fn sign(&mut self, name: &str, scheme: u32, msg: &[u8]) -> Result<Vec<u8>, Error> {
        let p = [
            Param::ValueIn(scheme, 0),
            Param::input(name.as_bytes()),
            Param::input(msg),
            Param::out(1024),
        ];
        self.out(CMD_SIGN, p, 3)
    }

    fn verify(&mut self, name: &str, scheme: u32, msg: &[u8], sig: &[u8]) -> Result<(), Error> {
        let p = [
            Param::ValueIn(scheme, 0),
            Param::input(name.as_bytes()),
            Param::input(msg),
            Param::input(sig),
        ];
        self.call(CMD_VERIFY, p).0
    }

    fn op(&mut self, cmd: u32, name: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        let p = [
            N,
            Param::input(name.as_bytes()),
            Param::input(data),
            Param::out(MAX_DATA + 64),
        ];
        self.out(cmd, p, 3)
    }

    fn mac_verify(&mut self, name: &str, data: &[u8], mac: &[u8]) -> Result<(), Error> {
        let p = [
            N,
            Param::input(name.as_bytes()),
            Param::input(data),
            Param::input(mac),
        ];
        self.call(CMD_MAC_VERIFY, p).0
    }

    fn info(&mut self, name: &str) -> Result<(u32, u32), Error> {
        let p = [Param::ValueOut(0, 0), Param::input(name.as_bytes()), N, N];
        let (r, p) = self.call(CMD_INFO, p);
        r.map(|()| p[0].value().unwrap())
    }

    fn list(&mut self) -> Result<Vec<String>, Error> {
        let out = self.out(CMD_LIST, [N, Param::out(4096), N, N], 1)?;
        Ok(out
            .split(|&b| b == 0)
            .filter(|n| !n.is_empty())
            .map(|n| String::from_utf8(n.to_vec()).unwrap())
            .collect())
    }

    fn delete(&mut self, name: &str) -> Result<(), Error> {
        self.call(CMD_DELETE, [N, Param::input(name.as_bytes()), N, N])
            .0
    }
}

fn sim() -> Simulator<Keys> {
    Simulator::<Keys>::seeded(13)
}

#[test]
fn ecdsa_keys_sign_verify_and_export_their_public_key() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    for (name, kind, len) in [
        ("p256", Kind::EcdsaP256, 91),
        ("p384", Kind::EcdsaP384, 120),
    ] {
        c.generate(name, kind, 0).unwrap();
        assert_eq!(c.info(name), Ok((kind as u32, USE_SIGN | USE_VERIFY)));
        let spki = c.public(name).unwrap();
        assert_eq!(spki.len(), len, "{name}");
        let sig = c.sign(name, SCHEME_DEFAULT, b"hello").unwrap();
        assert_eq!(sig[0], 0x30, "DER ECDSA-Sig-Value");
        c.verify(name, SCHEME_DEFAULT, b"hello", &sig).unwrap();
        assert_eq!(
            c.verify(name, SCHEME_DEFAULT, b"hellO", &sig),
            Err(Error::SIGNATURE_INVALID)
        );
        assert_eq!(
            c.verify(name, SCHEME_DEFAULT, b"hello", &sig[1..]),
            Err(Error::SIGNATURE_INVALID)
        );
        // PSS is for RSA keys only.
        assert_eq!(
            c.sign(name, SCHEME_PSS, b"hello"),
            Err(Error::BAD_PARAMETERS)
        );
    }
    // The name is taken now.
    assert_eq!(
        c.generate("p256", Kind::EcdsaP256, 0),
        Err(Error::ACCESS_CONFLICT)
    );
    assert_eq!(c.list().unwrap(), ["p256", "p384"]);
    drop(c);
    assert_eq!(sim.crypto_handles(), 0, "no object or state left behind");
}

#[test]
fn imported_keys_export_the_public_key_openssl_derives() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    c.import("p256", Kind::EcdsaP256, 0, &hex(P256_DER))
        .unwrap();
    assert_eq!(c.public("p256").unwrap(), hex(P256_PUB_DER));
    // The same keys as PKCS#8.
    c.import("p256-p8", Kind::EcdsaP256, 0, &hex(P256_P8_DER))
        .unwrap();
    assert_eq!(c.public("p256-p8").unwrap(), hex(P256_PUB_DER));
    c.import("p384-p8", Kind::EcdsaP384, 0, &hex(P384_P8_DER))
        .unwrap();
    assert_eq!(c.public("p384-p8").unwrap(), hex(P384_PUB_DER));
    c.import("rsa-p8", Kind::Rsa2048, 0, &hex(RSA_P8_DER))
        .unwrap();
    assert_eq!(c.public("rsa-p8").unwrap(), hex(RSA_PUB_DER));
    c.import("p384", Kind::EcdsaP384, 0, &hex(P384_DER))
        .unwrap();
    assert_eq!(c.public("p384").unwrap(), hex(P384_PUB_DER));
    c.import("rsa", Kind::Rsa2048, 0, &hex(RSA_DER)).unwrap();
    assert_eq!(c.public("rsa").unwrap(), hex(RSA_PUB_DER));
    c.import("ed", Kind::Ed25519, 0, &hex(ED_RAW)).unwrap();
    assert_eq!(c.public("ed").unwrap(), hex(ED_PUB_DER));
    // A key of another kind than announced, or a curve that is not the kind's.
    assert_eq!(
        c.import("x", Kind::EcdsaP384, 0, &hex(P256_DER)),
        Err(Error::BAD_PARAMETERS)
    );
    assert_eq!(
        c.import("x", Kind::Rsa3072, 0, &hex(RSA_DER)),
        Err(Error::BAD_PARAMETERS)
    );
    assert!(c.import("x", Kind::EcdsaP256, 0, &hex(RSA_DER)).is_err());
    // An Ed25519 pair whose public half is not the seed's.
    let mut ed = hex(ED_RAW);
    ed[40] ^= 1;
    assert_eq!(
        c.import("x", Kind::Ed25519, 0, &ed),
        Err(Error::BAD_PARAMETERS)
    );
    // Truncated and padded DER.
    let der = hex(P256_DER);
    for bad in [&der[..der.len() - 1], &[der.as_slice(), &[0]].concat()] {
        assert_eq!(
            c.import("x", Kind::EcdsaP256, 0, bad),
            Err(Error::BAD_PARAMETERS)
        );
    }
    assert_eq!(
        c.list().unwrap(),
        ["ed", "p256", "p256-p8", "p384", "p384-p8", "rsa", "rsa-p8"]
    );
}

#[test]
fn ecdh_agrees_with_openssl() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    // OpenSSL's `pkeyutl -derive` between the P-256 test key and a peer.
    c.import("dh", Kind::EcdhP256, 0, &hex(P256_DER)).unwrap();
    assert_eq!(
        c.op(CMD_ECDH, "dh", &hex(PEER_PUB_DER)),
        Ok(hex(SHARED_BIN))
    );
    // A peer on another curve, garbage, a point off the curve.
    assert_eq!(
        c.op(CMD_ECDH, "dh", &hex(P384_PUB_DER)),
        Err(Error::BAD_PARAMETERS)
    );
    assert_eq!(c.op(CMD_ECDH, "dh", b"junk"), Err(Error::BAD_PARAMETERS));
    let mut off = hex(PEER_PUB_DER);
    let last = off.len() - 1;
    off[last] ^= 1;
    assert_eq!(c.op(CMD_ECDH, "dh", &off), Err(Error::BAD_PARAMETERS));
    // A generated ECDH key agrees with itself both ways.
    c.generate("a", Kind::EcdhP384, 0).unwrap();
    c.generate("b", Kind::EcdhP384, 0).unwrap();
    let (pa, pb) = (c.public("a").unwrap(), c.public("b").unwrap());
    let ab = c.op(CMD_ECDH, "a", &pb).unwrap();
    assert_eq!(ab.len(), 48);
    assert_eq!(c.op(CMD_ECDH, "b", &pa), Ok(ab));
    // An ECDH key does not sign, an ECDSA key does not agree.
    assert_eq!(c.sign("a", 0, b"m"), Err(Error::ACCESS_DENIED));
    c.generate("s", Kind::EcdsaP256, 0).unwrap();
    assert_eq!(
        c.op(CMD_ECDH, "s", &hex(PEER_PUB_DER)),
        Err(Error::ACCESS_DENIED)
    );
}

#[test]
fn rsa_signs_pkcs1_and_pss_and_decrypts_oaep() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    c.import("rsa", Kind::Rsa2048, 0, &hex(RSA_DER)).unwrap();
    for scheme in [SCHEME_DEFAULT, SCHEME_PSS] {
        let sig = c.sign("rsa", scheme, b"data").unwrap();
        assert_eq!(sig.len(), 256);
        c.verify("rsa", scheme, b"data", &sig).unwrap();
        assert_eq!(
            c.verify("rsa", scheme, b"datA", &sig),
            Err(Error::SIGNATURE_INVALID)
        );
        assert_eq!(
            c.verify("rsa", scheme, b"data", &sig[..100]),
            Err(Error::SIGNATURE_INVALID)
        );
    }
    // PKCS#1 v1.5 is deterministic: the same signature every time.
    assert_eq!(c.sign("rsa", 0, b"x"), c.sign("rsa", 0, b"x"));
    let ct = c.op(CMD_ENCRYPT, "rsa", b"wrapped key").unwrap();
    assert_eq!(ct.len(), 256);
    assert_eq!(c.op(CMD_DECRYPT, "rsa", &ct), Ok(b"wrapped key".to_vec()));
    let mut bad = ct.clone();
    bad[100] ^= 1;
    assert!(c.op(CMD_DECRYPT, "rsa", &bad).is_err());
    assert_eq!(
        c.op(CMD_ENCRYPT, "rsa", &[0u8; 256 - 65]),
        Err(Error::BAD_PARAMETERS)
    );
    assert_eq!(
        c.op(CMD_DECRYPT, "rsa", &ct[1..]),
        Err(Error::BAD_PARAMETERS)
    );
}

#[test]
fn a_generated_rsa_key_works() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    c.generate("r", Kind::Rsa2048, USE_SIGN | USE_VERIFY)
        .unwrap();
    let spki = c.public("r").unwrap();
    assert_eq!(spki.len(), 294);
    let sig = c.sign("r", 0, b"m").unwrap();
    c.verify("r", 0, b"m", &sig).unwrap();
    // The policy left out encryption.
    assert_eq!(c.op(CMD_ENCRYPT, "r", b"m"), Err(Error::ACCESS_DENIED));
}

#[test]
fn ed25519_signs_the_message() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    c.generate("ed", Kind::Ed25519, 0).unwrap();
    let sig = c.sign("ed", 0, b"message").unwrap();
    assert_eq!(sig.len(), 64);
    c.verify("ed", 0, b"message", &sig).unwrap();
    assert_eq!(
        c.verify("ed", 0, b"messagE", &sig),
        Err(Error::SIGNATURE_INVALID)
    );
    assert_eq!(c.public("ed").unwrap().len(), 44);
}

#[test]
fn aes_gcm_and_hmac() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    c.generate("aes", Kind::Aes256, 0).unwrap();
    let ct = c.op(CMD_ENCRYPT, "aes", b"plain").unwrap();
    assert_eq!(ct.len(), 12 + 5 + 16);
    // A fresh nonce every time.
    assert_ne!(c.op(CMD_ENCRYPT, "aes", b"plain").unwrap(), ct);
    assert_eq!(c.op(CMD_DECRYPT, "aes", &ct), Ok(b"plain".to_vec()));
    for i in [0, 12, ct.len() - 1] {
        let mut bad = ct.clone();
        bad[i] ^= 1;
        assert_eq!(c.op(CMD_DECRYPT, "aes", &bad), Err(Error::MAC_INVALID));
    }
    assert_eq!(
        c.op(CMD_DECRYPT, "aes", &ct[..27]),
        Err(Error::BAD_PARAMETERS)
    );
    // A symmetric key has no public half and does not sign.
    assert_eq!(c.public("aes"), Err(Error::NOT_SUPPORTED));
    assert_eq!(c.sign("aes", 0, b"m"), Err(Error::ACCESS_DENIED));

    // HMAC-SHA256 with RFC 4231 test case 4's key.
    let key: Vec<u8> = (1..=25).collect();
    c.import("mac", Kind::HmacSha256, 0, &key).unwrap();
    let mac = c.op(CMD_MAC, "mac", &[0xcd; 50]).unwrap();
    assert_eq!(
        mac,
        hex("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
    );
    c.mac_verify("mac", &[0xcd; 50], &mac).unwrap();
    assert_eq!(
        c.mac_verify("mac", &[0xcd; 49], &mac),
        Err(Error::MAC_INVALID)
    );
    assert_eq!(
        c.mac_verify("mac", &[0xcd; 50], &mac[..31]),
        Err(Error::MAC_INVALID)
    );
    c.generate("mac2", Kind::HmacSha256, 0).unwrap();
    assert_eq!(c.op(CMD_MAC, "mac2", b"x").unwrap().len(), 32);
    // Key sizes outside HMAC's range, AES keys of the wrong length.
    assert_eq!(
        c.import("m", Kind::HmacSha256, 0, &[1; 23]),
        Err(Error::BAD_PARAMETERS)
    );
    assert_eq!(
        c.import("a", Kind::Aes128, 0, &[1; 32]),
        Err(Error::BAD_PARAMETERS)
    );
}

#[test]
fn policies_are_fixed_at_creation() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    c.generate("verify-only", Kind::EcdsaP256, USE_VERIFY)
        .unwrap();
    assert_eq!(
        c.info("verify-only"),
        Ok((Kind::EcdsaP256 as u32, USE_VERIFY))
    );
    assert_eq!(c.sign("verify-only", 0, b"m"), Err(Error::ACCESS_DENIED));
    c.import("enc", Kind::Aes128, USE_ENCRYPT, &[7; 16])
        .unwrap();
    let ct = c.op(CMD_ENCRYPT, "enc", b"m").unwrap();
    assert_eq!(c.op(CMD_DECRYPT, "enc", &ct), Err(Error::ACCESS_DENIED));
    // A policy the kind cannot have is refused, and nothing is stored.
    assert_eq!(
        c.generate("bad", Kind::Aes128, USE_SIGN),
        Err(Error::BAD_PARAMETERS)
    );
    assert_eq!(c.info("bad"), Err(Error::ITEM_NOT_FOUND));
    // The same name cannot be created again with another policy.
    assert_eq!(
        c.generate("enc", Kind::Aes128, 0),
        Err(Error::ACCESS_CONFLICT)
    );
    assert_eq!(c.info("enc"), Ok((Kind::Aes128 as u32, USE_ENCRYPT)));
}

#[test]
fn another_user_cannot_use_list_or_delete_a_key() {
    let mut sim = sim();
    let sig = {
        let mut root = connect(&mut sim, user(0));
        root.generate("k", Kind::EcdsaP256, 0).unwrap();
        root.sign("k", 0, b"m").unwrap()
    };
    let mut alice = connect(&mut sim, user(1000));
    assert_eq!(alice.sign("k", 0, b"m"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(alice.verify("k", 0, b"m", &sig), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(alice.public("k"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(alice.info("k"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(alice.delete("k"), Err(Error::ITEM_NOT_FOUND));
    assert!(alice.list().unwrap().is_empty());
    // Her own key of the same name is hers alone.
    alice.generate("k", Kind::Aes128, 0).unwrap();
    assert_eq!(
        alice.info("k"),
        Ok((Kind::Aes128 as u32, USE_ENCRYPT | USE_DECRYPT))
    );
    let mut root = connect(&mut sim, user(0));
    assert_eq!(
        root.info("k"),
        Ok((Kind::EcdsaP256 as u32, USE_SIGN | USE_VERIFY))
    );
    root.verify("k", 0, b"m", &sig).unwrap();
    root.delete("k").unwrap();
    assert_eq!(root.info("k"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(root.delete("k"), Err(Error::ITEM_NOT_FOUND));
    // Anonymous clients get no keys at all.
    sim.set_client(Identity {
        login: 0,
        uuid: [0; 16],
    });
    assert_eq!(
        sim.open_session(&mut none()).err(),
        Some(Error::ACCESS_DENIED)
    );
}

/// Every 16-byte window of the secrets, to look for in outputs.
fn windows(secrets: &[(&str, Vec<u8>)]) -> std::collections::HashMap<Vec<u8>, String> {
    let mut m = std::collections::HashMap::new();
    for (what, s) in secrets {
        for w in s.windows(16) {
            m.insert(w.to_vec(), what.to_string());
        }
    }
    m
}

#[test]
fn no_command_ever_returns_private_key_material() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    let aes = [0x42u8; 32];
    let hmac: Vec<u8> = (100..140).collect();
    let ed = hex(ED_RAW);
    let p256 = hex(P256_DER);
    let rsa = hex(RSA_DER);
    c.import("aes", Kind::Aes256, 0, &aes).unwrap();
    c.import("mac", Kind::HmacSha256, 0, &hmac).unwrap();
    c.import("ed", Kind::Ed25519, 0, &ed).unwrap();
    c.import("ec", Kind::EcdsaP256, 0, &p256).unwrap();
    c.import("dh", Kind::EcdhP256, 0, &p256).unwrap();
    c.import("rsa", Kind::Rsa2048, 0, &rsa).unwrap();
    // Private parts: AES and HMAC keys, the Ed25519 seed, the EC scalar
    // (bytes 7..39 of this PKCS#8), and the RSA private exponent and primes
    // (everything after the public modulus and exponent).
    let secrets: Vec<(&str, Vec<u8>)> = vec![
        ("aes", aes.to_vec()),
        ("hmac", hmac.clone()),
        ("ed25519 seed", ed[..32].to_vec()),
        ("p256 d", p256[7..39].to_vec()),
        ("rsa private", rsa[300..].to_vec()),
    ];
    assert_eq!(secrets[3].1, hex(P256_DER)[7..39].to_vec());
    let names = ["aes", "mac", "ed", "ec", "dh", "rsa", "nope"];
    let inputs: [&[u8]; 4] = [b"", b"m", &[0u8; 256], &hex(PEER_PUB_DER)];
    let p0s = [
        Param::ValueIn(0, 0),
        Param::ValueIn(1, 0),
        Param::ValueIn(6, 0x3f),
        Param::ValueIn(0xffff_ffff, 0xffff_ffff),
        Param::ValueOut(0, 0),
        N,
    ];
    for cmd in 0..15u32 {
        for name in names {
            for input in inputs {
                for p0 in &p0s {
                    let p = [
                        p0.clone(),
                        Param::input(name.as_bytes()),
                        Param::input(input),
                        Param::out(4096),
                    ];
                    let _ = c.call(cmd, p);
                }
                // Outputs where inputs are expected and the other way round.
                let p = [
                    N,
                    Param::inout(name.as_bytes()),
                    Param::out(4096),
                    Param::inout(input),
                ];
                let _ = c.call(cmd, p);
            }
        }
    }
    assert!(
        c.seen.len() > 500,
        "outputs were produced: {}",
        c.seen.len()
    );
    let secret_windows = windows(&secrets);
    for out in &c.seen {
        for w in out.windows(16) {
            assert!(
                !secret_windows.contains_key(w),
                "{} leaked",
                secret_windows[w]
            );
        }
    }
    // The search finds what it looks for.
    assert!(secret_windows.contains_key(&p256[10..26]));
    // The keys still work after all that.
    let sig = c.sign("ec", 0, b"m").unwrap();
    c.verify("ec", 0, b"m", &sig).unwrap();
}

#[test]
fn hostile_parameters_answer_errors_and_the_ta_lives_on() {
    let mut sim = sim();
    let mut c = connect(&mut sim, user(0));
    c.generate("k", Kind::EcdsaP256, 0).unwrap();
    // Wrong types for every command.
    for cmd in 0..=CMD_DELETE {
        let (r, _) = c.call(cmd, [N, N, N, N]);
        assert_eq!(r, Err(Error::BAD_PARAMETERS), "cmd {cmd}");
    }
    assert_eq!(c.call(99, [N, N, N, N]).0, Err(Error::NOT_SUPPORTED));
    // Unknown kinds, schemes; bad names.
    assert_eq!(
        c.generate("x", Kind::EcdsaP256, 1 << 7),
        Err(Error::BAD_PARAMETERS)
    );
    let p = [Param::ValueIn(0, 0), Param::input(b"x"), N, N];
    assert_eq!(c.call(CMD_GENERATE, p).0, Err(Error::BAD_PARAMETERS));
    assert_eq!(c.sign("k", 2, b"m"), Err(Error::BAD_PARAMETERS));
    for bad in ["", "a b", "x\n", &"n".repeat(45)] {
        assert_eq!(c.generate(bad, Kind::Aes128, 0), Err(Error::BAD_PARAMETERS));
        assert_eq!(c.sign(bad, 0, b"m"), Err(Error::BAD_PARAMETERS));
    }
    // Oversized inputs are refused before they are copied.
    assert_eq!(
        c.sign("k", 0, &vec![0; MAX_DATA + 1]),
        Err(Error::BAD_PARAMETERS)
    );
    assert_eq!(
        c.import("big", Kind::Rsa4096, 0, &vec![0x30; MAX_IMPORT + 1]),
        Err(Error::BAD_PARAMETERS)
    );
    // Memory the TA may not access.
    let p = [
        Param::ValueIn(0, 0),
        Param::input(b"k"),
        Param::Unmapped(ParamType::MemrefInput, 16),
        Param::out(128),
    ];
    assert!(c.call(CMD_SIGN, p).0.is_err());
    // A short output buffer tells the size; a big enough one then works.
    let p = [N, Param::input(b"k"), Param::out(10), N];
    let (r, p) = c.call(CMD_PUBLIC_KEY, p);
    assert_eq!(r, Err(Error::SHORT_BUFFER));
    assert_eq!(p[2].size(), Some(91));
    // Random DER and random bytes as keys of every kind.
    let mut seed = 0x1234_5678u32;
    for i in 0..300 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let len = (seed >> 8) as usize % 200;
        let mut junk: Vec<u8> = (0..len).map(|j| (seed >> (j % 24)) as u8).collect();
        if i % 2 == 0 && !junk.is_empty() {
            junk[0] = 0x30;
        }
        let kind = ALL[i % ALL.len()];
        // Any bytes of the right length are an AES or HMAC key.
        let raw_key_len = match kind {
            Kind::Aes128 => len == 16,
            Kind::Aes256 => len == 32,
            Kind::HmacSha256 => (24..=64).contains(&len),
            _ => false,
        };
        if !raw_key_len {
            assert!(
                c.import("junk", kind, 0, &junk).is_err(),
                "{kind:?} {junk:?}"
            );
        }
        assert_eq!(c.verify("k", 0, b"m", &junk), Err(Error::SIGNATURE_INVALID));
    }
    assert!(sim.is_created(), "the TA never died");
    let mut c = connect(&mut sim, user(0));
    let sig = c.sign("k", 0, b"m").unwrap();
    c.verify("k", 0, b"m", &sig).unwrap();
}

#[test]
fn a_corrupted_record_is_refused() {
    let mut sim = sim();
    {
        let mut c = connect(&mut sim, user(0));
        c.generate("k", Kind::EcdsaP256, 0).unwrap();
    }
    // A data object under a key's name (as another TA version might leave).
    let id = crate::namespace::Namespace::of(user(0))
        .unwrap()
        .object_id(b"d")
        .unwrap();
    sim.storage_mut(|s| s.create(&id, 0, b"OK\x01\x01\x03\0\0\0").map(|_| ()))
        .unwrap();
    sim.restart();
    let mut c = connect(&mut sim, user(0));
    assert_eq!(c.sign("d", 0, b"m"), Err(Error::BAD_STATE));
    assert_eq!(c.info("d"), Err(Error::BAD_STATE));
    assert!(c.sign("k", 0, b"m").is_ok());
}
