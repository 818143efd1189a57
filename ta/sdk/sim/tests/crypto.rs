//! The SDK's crypto API against the simulator's crypto system calls
//! (oxtee-crypto underneath): known answers, round trips, tampering, and the
//! rules a keystore relies on (non-extractable keys stay unreadable, a
//! persistent key object works like the transient one it was made from).

use oxtee_ta::crypto::consts::*;
use oxtee_ta::crypto::{
    usage, AeDecrypt, AeEncrypt, Asymmetric, Attr, Cipher, Derive, Digest, KeyHandle, Mac,
    TransientObject,
};
use oxtee_ta::storage::{flags, PersistentObject};
use oxtee_ta::{Error, Parameters, Result, TrustedApp};
use oxtee_ta_sim::Simulator;

/// A TA that does nothing: the tests call the SDK directly on the thread
/// whose simulated TEE the simulator installed.
struct Nop;

impl TrustedApp for Nop {
    type Session = ();
    fn create() -> Result<Self> {
        Ok(Nop)
    }
    fn open_session(&mut self, _: &mut Parameters) -> Result<()> {
        Ok(())
    }
    fn invoke(&mut self, _: &mut (), _: u32, _: &mut Parameters) -> Result<()> {
        Ok(())
    }
}

fn sim() -> Simulator<Nop> {
    Simulator::<Nop>::seeded(7)
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn sha256_known_answer_in_one_and_several_parts() {
    let _s = sim();
    let want = hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(Digest::digest(TEE_ALG_SHA256, b"abc").unwrap(), want);
    let mut d = Digest::new(TEE_ALG_SHA256).unwrap();
    d.update(b"a").unwrap();
    d.update(b"b").unwrap();
    assert_eq!(d.finish(b"c").unwrap(), want);
    // A MAC algorithm is not a digest.
    assert!(Digest::new(TEE_ALG_HMAC_SHA256).is_err());
}

#[test]
fn hmac_sha256_rfc4231_case_4() {
    let s = sim();
    let key: Vec<u8> = (1..=25).collect();
    let data = [0xcdu8; 50];
    let mut k = TransientObject::allocate(TEE_TYPE_HMAC_SHA256, 256).unwrap();
    k.populate(&[Attr::Ref(TEE_ATTR_SECRET_VALUE, &key)])
        .unwrap();
    let want = hex("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    let mac = || Mac::new(TEE_ALG_HMAC_SHA256, &k).unwrap();
    assert_eq!(mac().compute(&data).unwrap(), want);
    let mut m = mac();
    m.update(&data[..10]).unwrap();
    m.compare(&data[10..], &want).unwrap();
    drop(m);
    assert_eq!(mac().compare(&data[1..], &want), Err(Error::MAC_INVALID));
    // The key and nothing else is left; then nothing.
    assert_eq!(s.crypto_handles(), 1);
    drop(k);
    assert_eq!(s.crypto_handles(), 0, "every object and state freed");
}

#[test]
fn aes_cbc_and_gcm_round_trips_and_gcm_tamper() {
    let _s = sim();
    let mut k = TransientObject::allocate(TEE_TYPE_AES, 256).unwrap();
    k.generate(256, &[]).unwrap();
    let iv = [7u8; 16];
    let pt = [0x5au8; 48];
    let ct = Cipher::new(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_ENCRYPT, &k, &iv)
        .unwrap()
        .finish(&pt)
        .unwrap();
    assert_ne!(ct.as_slice(), &pt[..]);
    let back = Cipher::new(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_DECRYPT, &k, &iv)
        .unwrap()
        .finish(&ct)
        .unwrap();
    assert_eq!(back, pt);

    let nonce = [1u8; 12];
    let mut e = AeEncrypt::new(TEE_ALG_AES_GCM, &k, &nonce, 128, 0, 0).unwrap();
    e.update_aad(b"hdr").unwrap();
    let (ct, tag) = e.finish(b"secret message").unwrap();
    assert_eq!(tag.len(), 16);
    let mut d = AeDecrypt::new(TEE_ALG_AES_GCM, &k, &nonce, 128, 0, 0).unwrap();
    d.update_aad(b"hdr").unwrap();
    assert_eq!(d.finish(&ct, &tag).unwrap(), b"secret message");
    let mut bad = tag.clone();
    bad[0] ^= 1;
    let mut d = AeDecrypt::new(TEE_ALG_AES_GCM, &k, &nonce, 128, 0, 0).unwrap();
    d.update_aad(b"hdr").unwrap();
    assert_eq!(d.finish(&ct, &bad), Err(Error::MAC_INVALID));
}

fn ecdsa_round_trip(curve: u32, bits: u32, algo: u32, hash: u32) {
    let mut k = TransientObject::allocate(TEE_TYPE_ECDSA_KEYPAIR, bits).unwrap();
    k.generate(bits, &[Attr::Value(TEE_ATTR_ECC_CURVE, curve, 0)])
        .unwrap();
    let digest = Digest::digest(hash, b"message").unwrap();
    let sig = Asymmetric::new(algo, TEE_MODE_SIGN, &k)
        .unwrap()
        .sign(&[], &digest)
        .unwrap();
    assert_eq!(sig.len(), 2 * bits.div_ceil(8) as usize);
    let mut v = Asymmetric::new(algo, TEE_MODE_VERIFY, &k).unwrap();
    v.verify(&[], &digest, &sig).unwrap();
    let other = Digest::digest(hash, b"messagE").unwrap();
    assert_eq!(v.verify(&[], &other, &sig), Err(Error::SIGNATURE_INVALID));
}

#[test]
fn ecdsa_p256_and_p384_sign_and_verify() {
    let _s = sim();
    ecdsa_round_trip(
        TEE_ECC_CURVE_NIST_P256,
        256,
        TEE_ALG_ECDSA_SHA256,
        TEE_ALG_SHA256,
    );
    ecdsa_round_trip(
        TEE_ECC_CURVE_NIST_P384,
        384,
        TEE_ALG_ECDSA_SHA384,
        TEE_ALG_SHA384,
    );
}

#[test]
fn ed25519_signs_the_message() {
    let _s = sim();
    let mut k = TransientObject::allocate(TEE_TYPE_ED25519_KEYPAIR, 256).unwrap();
    k.generate(256, &[]).unwrap();
    let sig = Asymmetric::new(TEE_ALG_ED25519, TEE_MODE_SIGN, &k)
        .unwrap()
        .sign(&[], b"hello")
        .unwrap();
    assert_eq!(sig.len(), 64);
    let mut v = Asymmetric::new(TEE_ALG_ED25519, TEE_MODE_VERIFY, &k).unwrap();
    v.verify(&[], b"hello", &sig).unwrap();
    assert_eq!(v.verify(&[], b"hellO", &sig), Err(Error::SIGNATURE_INVALID));
    assert_eq!(
        k.buffer_attribute(TEE_ATTR_ED25519_PUBLIC_VALUE)
            .unwrap()
            .len(),
        32
    );
}

#[test]
fn ecdh_p256_agrees_both_ways() {
    let _s = sim();
    let gen = || {
        let mut k = TransientObject::allocate(TEE_TYPE_ECDH_KEYPAIR, 256).unwrap();
        k.generate(
            256,
            &[Attr::Value(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256, 0)],
        )
        .unwrap();
        k
    };
    let (a, b) = (gen(), gen());
    let secret = |mine: &TransientObject, peer: &TransientObject| {
        let x = peer.buffer_attribute(TEE_ATTR_ECC_PUBLIC_VALUE_X).unwrap();
        let y = peer.buffer_attribute(TEE_ATTR_ECC_PUBLIC_VALUE_Y).unwrap();
        let mut out = TransientObject::allocate(TEE_TYPE_GENERIC_SECRET, 256).unwrap();
        Derive::new(TEE_ALG_ECDH_DERIVE_SHARED_SECRET, mine)
            .unwrap()
            .derive(
                &[
                    Attr::Ref(TEE_ATTR_ECC_PUBLIC_VALUE_X, &x),
                    Attr::Ref(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &y),
                ],
                &mut out,
            )
            .unwrap();
        out.buffer_attribute(TEE_ATTR_SECRET_VALUE).unwrap()
    };
    let s1 = secret(&a, &b);
    assert_eq!(s1.len(), 32);
    assert_eq!(s1, secret(&b, &a));
}

#[test]
fn rsa_2048_pkcs1_sign_verify_and_oaep() {
    let _s = sim();
    let mut k = TransientObject::allocate(TEE_TYPE_RSA_KEYPAIR, 2048).unwrap();
    k.generate(2048, &[]).unwrap();
    let digest = Digest::digest(TEE_ALG_SHA256, b"data").unwrap();
    let algo = TEE_ALG_RSASSA_PKCS1_V1_5_SHA256;
    let sig = Asymmetric::new(algo, TEE_MODE_SIGN, &k)
        .unwrap()
        .sign(&[], &digest)
        .unwrap();
    assert_eq!(sig.len(), 256);
    let mut v = Asymmetric::new(algo, TEE_MODE_VERIFY, &k).unwrap();
    v.verify(&[], &digest, &sig).unwrap();
    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert_eq!(v.verify(&[], &digest, &bad), Err(Error::SIGNATURE_INVALID));
    let oaep = TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256;
    let ct = Asymmetric::new(oaep, TEE_MODE_ENCRYPT, &k)
        .unwrap()
        .encrypt(&[], b"key wrap")
        .unwrap();
    assert_eq!(ct.len(), 256);
    let pt = Asymmetric::new(oaep, TEE_MODE_DECRYPT, &k)
        .unwrap()
        .decrypt(&[], &ct)
        .unwrap();
    assert_eq!(pt, b"key wrap");
}

#[test]
fn a_non_extractable_persistent_key_signs_but_never_reads_out() {
    let s = sim();
    let mut k = TransientObject::allocate(TEE_TYPE_ECDSA_KEYPAIR, 256).unwrap();
    k.generate(
        256,
        &[Attr::Value(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256, 0)],
    )
    .unwrap();
    // Extractable while fresh (GP's default usage).
    assert_eq!(
        k.buffer_attribute(TEE_ATTR_ECC_PRIVATE_VALUE)
            .unwrap()
            .len(),
        32
    );
    k.restrict_usage(usage::SIGN | usage::VERIFY).unwrap();
    assert_eq!(
        k.buffer_attribute(TEE_ATTR_ECC_PRIVATE_VALUE),
        Err(Error::BAD_PARAMETERS)
    );
    let f = flags::ACCESS_READ;
    let p = PersistentObject::create_key(b"key", f, &k, b"meta").unwrap();
    drop((p, k));
    assert!(s.storage(|st| st.has_key(b"key")));

    let mut p = PersistentObject::open(b"key", flags::ACCESS_READ).unwrap();
    let info = p.object_info().unwrap();
    assert_eq!(info.object_type, TEE_TYPE_ECDSA_KEYPAIR);
    assert_eq!(info.key_size, 256);
    assert_eq!(info.usage, usage::SIGN | usage::VERIFY);
    assert_eq!(info.data_size, 4);
    assert_eq!(p.read_to_end().unwrap(), b"meta");
    assert_eq!(
        p.buffer_attribute(TEE_ATTR_ECC_PRIVATE_VALUE),
        Err(Error::BAD_PARAMETERS)
    );
    assert_eq!(
        p.buffer_attribute(TEE_ATTR_ECC_PUBLIC_VALUE_X)
            .unwrap()
            .len(),
        32
    );
    // An operation's copy of the key is not extractable either.
    let mut copy = TransientObject::allocate(TEE_TYPE_ECDSA_KEYPAIR, 256).unwrap();
    copy.copy_from(&p).unwrap();
    assert_eq!(
        copy.buffer_attribute(TEE_ATTR_ECC_PRIVATE_VALUE),
        Err(Error::BAD_PARAMETERS)
    );
    let digest = Digest::digest(TEE_ALG_SHA256, b"m").unwrap();
    let sig = Asymmetric::new(TEE_ALG_ECDSA_SHA256, TEE_MODE_SIGN, &p)
        .unwrap()
        .sign(&[], &digest)
        .unwrap();
    Asymmetric::new(TEE_ALG_ECDSA_SHA256, TEE_MODE_VERIFY, &p)
        .unwrap()
        .verify(&[], &digest, &sig)
        .unwrap();
    drop((copy, p));
    assert_eq!(s.crypto_handles(), 0);
}

#[test]
fn misuse_answers_errors() {
    let _s = sim();
    assert_eq!(
        TransientObject::allocate(0x1234_5678, 128).err(),
        Some(Error::NOT_SUPPORTED)
    );
    let mut k = TransientObject::allocate(TEE_TYPE_AES, 128).unwrap();
    // An empty key cannot start a cipher.
    assert!(Cipher::new(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_ENCRYPT, &k, &[0; 16]).is_err());
    k.generate(128, &[]).unwrap();
    // Generating into a key that has one is refused.
    assert_eq!(k.generate(128, &[]), Err(Error::BAD_STATE));
    // A wrong key type for the algorithm.
    assert!(Mac::new(TEE_ALG_HMAC_SHA256, &k).is_err());
    // A mode the call does not take.
    assert_eq!(
        Cipher::new(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_SIGN, &k, &[0; 16]).err(),
        Some(Error::BAD_PARAMETERS)
    );
    let mut ed = TransientObject::allocate(TEE_TYPE_ED25519_KEYPAIR, 256).unwrap();
    // No operation from an empty key.
    assert!(Asymmetric::new(TEE_ALG_ED25519, TEE_MODE_SIGN, &ed).is_err());
    ed.generate(256, &[]).unwrap();
    let mut s = Asymmetric::new(TEE_ALG_ED25519, TEE_MODE_VERIFY, &ed).unwrap();
    assert_eq!(s.sign(&[], b"x"), Err(Error::BAD_STATE));
    // ECDSA with an Ed25519 key.
    assert!(Asymmetric::new(TEE_ALG_ECDSA_SHA256, TEE_MODE_SIGN, &ed).is_err());
}

#[test]
fn verifying_with_a_key_pair_object_is_refused_as_op_tee_needs() {
    let _s = sim();
    let mut k = TransientObject::allocate(TEE_TYPE_ECDSA_KEYPAIR, 256).unwrap();
    k.generate(
        256,
        &[Attr::Value(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256, 0)],
    )
    .unwrap();
    let mut state = 0u32;
    // SAFETY: `state` is writable.
    let r = unsafe {
        oxtee_ta_sys::utee_cryp_state_alloc(
            TEE_ALG_ECDSA_SHA256,
            TEE_MODE_VERIFY,
            k.raw_handle(),
            0,
            &mut state,
        )
    };
    assert_eq!(r, Error::BAD_PARAMETERS.code());
    // The SDK verifies with a public copy, which works.
    let digest = Digest::digest(TEE_ALG_SHA256, b"m").unwrap();
    let sig = Asymmetric::new(TEE_ALG_ECDSA_SHA256, TEE_MODE_SIGN, &k)
        .unwrap()
        .sign(&[], &digest)
        .unwrap();
    Asymmetric::new(TEE_ALG_ECDSA_SHA256, TEE_MODE_VERIFY, &k)
        .unwrap()
        .verify(&[], &digest, &sig)
        .unwrap();
}
