//! RSA private-key operations (signing, decryption) on our own CRT exponentiation and
//! encodings, cross-checked against the `rsa` crate on generated keys, and the decryption
//! paddings' failures.

use oxtee_crypto::asym::hash::HashAlg;
use oxtee_crypto::asym::rsa::{RsaCipherScheme, RsaKeyPair, RsaPublicKey, RsaSignScheme};
use oxtee_crypto::error::CryptoError;
use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use std::sync::{Mutex, OnceLock};

mod test_rng;
use test_rng::TestRng;

/// Our key pair and the `rsa` crate's, from one generated key of `bits` bits (generated
/// once per size for all tests).
fn key_pair(bits: u32) -> (RsaKeyPair, rsa::RsaPrivateKey, RsaPublicKey) {
    static KEYS: OnceLock<Mutex<Vec<(u32, RsaKeyPair)>>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| Mutex::new(Vec::new()));
    let ours = {
        let mut keys = keys.lock().unwrap();
        match keys.iter().find(|(b, _)| *b == bits) {
            Some((_, k)) => k.clone(),
            None => {
                let k = RsaKeyPair::generate(bits, None, &mut TestRng(u64::from(bits))).unwrap();
                keys.push((bits, k.clone()));
                k
            }
        }
    };
    let c = ours.components();
    let u = |b: &[u8]| BigUint::from_bytes_be(b);
    let theirs =
        rsa::RsaPrivateKey::from_components(u(&c.n), u(&c.e), u(&c.d), vec![u(&c.p), u(&c.q)])
            .unwrap();
    let public = RsaPublicKey::from_components(&c.n, &c.e).unwrap();
    (ours, theirs, public)
}

const SIZES: [u32; 4] = [512, 769, 1024, 2048];

/// `DigestInfo` prefix of SHA-256 (RFC 8017 §9.2 note 1).
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

#[test]
fn pkcs1v15_signatures_match_the_rsa_crate() {
    for bits in SIZES {
        let (ours, theirs, public) = key_pair(bits);
        let mut rng = TestRng(5);
        let digest = [0xA5u8; 32];
        let sig = ours
            .sign(RsaSignScheme::Pkcs1v15(HashAlg::Sha256), &digest, &mut rng)
            .unwrap();
        let want = theirs
            .sign(
                rsa::Pkcs1v15Sign {
                    hash_len: Some(32),
                    prefix: SHA256_PREFIX.into(),
                },
                &digest,
            )
            .unwrap();
        assert_eq!(sig, want, "{bits} bits");
        assert_eq!(sig.len(), theirs.size());
        public
            .verify(RsaSignScheme::Pkcs1v15(HashAlg::Sha256), &digest, &sig)
            .unwrap();

        // Raw PKCS#1 v1.5 (any length up to k - 11), as the crate's unprefixed signer.
        let raw = vec![0x3Cu8; theirs.size() - 11];
        let sig = ours
            .sign(RsaSignScheme::Pkcs1v15Raw, &raw, &mut rng)
            .unwrap();
        let want = theirs
            .sign(rsa::Pkcs1v15Sign::new_unprefixed(), &raw)
            .unwrap();
        assert_eq!(sig, want, "{bits} bits, raw");
        let too_long = vec![0x3Cu8; theirs.size() - 10];
        assert_eq!(
            ours.sign(RsaSignScheme::Pkcs1v15Raw, &too_long, &mut rng),
            Err(CryptoError::BadParameters)
        );
    }
}

#[test]
fn pss_signatures_verify_with_the_rsa_crate() {
    for bits in SIZES {
        let (ours, theirs, public) = key_pair(bits);
        let mut rng = TestRng(6);
        let digest = [0x5Au8; 32];
        let k = theirs.size();
        // The largest salt: emLen - hLen - 2 with emLen the length of modBits - 1 bits.
        let em_len = (bits as usize - 1).div_ceil(8);
        let max = em_len - 32 - 2;
        for salt_len in [0, 20, 32.min(max), max] {
            let scheme = RsaSignScheme::Pss {
                hash: HashAlg::Sha256,
                salt_len,
            };
            let sig = ours
                .sign(scheme, &digest, &mut rng)
                .unwrap_or_else(|e| panic!("sign: {bits} bits, salt {salt_len}: {e:?}"));
            assert_eq!(sig.len(), k);
            theirs
                .to_public_key()
                .verify(
                    rsa::Pss::new_with_salt::<sha2::Sha256>(salt_len),
                    &digest,
                    &sig,
                )
                .unwrap_or_else(|e| panic!("{bits} bits, salt {salt_len}: {e}"));
            public
                .verify(scheme, &digest, &sig)
                .unwrap_or_else(|e| panic!("ours: {bits} bits, salt {salt_len}: {e:?}"));
        }
        let scheme = RsaSignScheme::Pss {
            hash: HashAlg::Sha256,
            salt_len: em_len - 32 - 1,
        };
        assert_eq!(
            ours.sign(scheme, &digest, &mut rng),
            Err(CryptoError::BadParameters)
        );
        let huge = RsaSignScheme::Pss {
            hash: HashAlg::Sha256,
            salt_len: usize::MAX,
        };
        assert_eq!(
            ours.sign(huge, &digest, &mut rng),
            Err(CryptoError::BadParameters)
        );
    }
}

#[test]
fn decryptions_match_the_rsa_crate() {
    for bits in SIZES {
        let (ours, theirs, public_ours) = key_pair(bits);
        let public = theirs.to_public_key();
        let mut rng = TestRng(7);
        let k = theirs.size();
        for len in [0, 1, 17, k - 11] {
            let msg: Vec<u8> = (0..len).map(|j| (j * 7 + 1) as u8).collect();
            let ct = public
                .encrypt(&mut rng, rsa::Pkcs1v15Encrypt, &msg)
                .unwrap();
            let pt = ours
                .decrypt(&RsaCipherScheme::Pkcs1v15, &ct, &mut rng)
                .unwrap();
            assert_eq!(&pt[..], &msg[..], "{bits} bits, PKCS#1 v1.5, {len} bytes");
        }
        let oaep = |label: &[u8]| RsaCipherScheme::Oaep {
            hash: HashAlg::Sha256,
            mgf_hash: HashAlg::Sha1,
            label: label.to_vec(),
        };
        if k >= 2 * 32 + 2 {
            for len in [0, 1, k - 2 * 32 - 2] {
                let msg = vec![0xE1u8; len];
                let ct = public
                    .encrypt(
                        &mut rng,
                        rsa::Oaep::new_with_mgf_hash_and_label::<sha2::Sha256, sha1::Sha1, _>(
                            "a label",
                        ),
                        &msg,
                    )
                    .unwrap();
                let pt = ours.decrypt(&oaep(b"a label"), &ct, &mut rng).unwrap();
                assert_eq!(&pt[..], &msg[..], "{bits} bits, OAEP, {len} bytes");
                assert_eq!(
                    ours.decrypt(&oaep(b"another label"), &ct, &mut rng),
                    Err(CryptoError::BadParameters)
                );
                // Our OAEP encryption, their decryption.
                let ct = public_ours
                    .encrypt(&oaep(b"a label"), &msg, &mut rng)
                    .unwrap();
                assert_eq!(ct.len(), k);
                let pt = theirs
                    .decrypt(
                        rsa::Oaep::new_with_mgf_hash_and_label::<sha2::Sha256, sha1::Sha1, _>(
                            "a label",
                        ),
                        &ct,
                    )
                    .unwrap();
                assert_eq!(pt, msg);
                // Labels need not be UTF-8.
                let binary = oaep(&[0xFF, 0x00, 0xC3]);
                let ct = public_ours.encrypt(&binary, &msg, &mut rng).unwrap();
                assert_eq!(&ours.decrypt(&binary, &ct, &mut rng).unwrap()[..], &msg[..]);
            }
        }
        if k > 2 * 32 {
            let msg = vec![0u8; k - 2 * 32 - 1];
            assert_eq!(
                public_ours.encrypt(&oaep(b""), &msg, &mut rng),
                Err(CryptoError::BadParameters)
            );
        }
        // NOPAD: the raw exponentiation without leading zero bytes.
        for c in [
            BigUint::from(0u32),
            BigUint::from(1u32),
            theirs.n() - 1u32,
            BigUint::from_bytes_be(&vec![0x77u8; k - 1]),
        ] {
            let want = rsa::hazmat::rsa_decrypt::<TestRng>(None, &theirs, &c).unwrap();
            let mut want = want.to_bytes_be();
            if want.is_empty() {
                want.push(0);
            }
            let got = ours
                .decrypt(&RsaCipherScheme::NoPad, &c.to_bytes_be(), &mut rng)
                .unwrap();
            assert_eq!(&got[..], &want[..], "{bits} bits, NOPAD");
        }
        let n = theirs.n().to_bytes_be();
        for scheme in [RsaCipherScheme::NoPad, RsaCipherScheme::Pkcs1v15, oaep(b"")] {
            assert_eq!(
                ours.decrypt(&scheme, &n, &mut rng),
                Err(CryptoError::BadParameters),
                "{scheme:?}: c = n"
            );
        }
    }
}

/// Encrypts the encoded message `em` (`k` bytes) with the raw public operation.
fn raw_encrypt(public: &RsaPublicKey, em: &[u8]) -> Vec<u8> {
    let mut rng = TestRng(1);
    let c = public
        .encrypt(&RsaCipherScheme::NoPad, em, &mut rng)
        .unwrap();
    let mut out = vec![0u8; public.size() - c.len()];
    out.extend_from_slice(&c);
    out
}

#[test]
fn every_bad_pkcs1v15_padding_fails_with_one_code() {
    let (ours, _, public) = key_pair(1024);
    let mut rng = TestRng(8);
    let k = public.size();
    let valid = |ps_len: usize| {
        let mut em = vec![0u8, 2];
        em.extend(std::iter::repeat_n(0x11u8, ps_len));
        em.push(0);
        em.resize(k, 0x42);
        em
    };
    // The shortest valid padding decrypts (the encodings below are otherwise right).
    let pt = ours
        .decrypt(
            &RsaCipherScheme::Pkcs1v15,
            &raw_encrypt(&public, &valid(8)),
            &mut rng,
        )
        .unwrap();
    assert_eq!(pt.len(), k - 11);
    let mut bad = Vec::new();
    let mut em = valid(8);
    em[0] = 1;
    bad.push(em);
    let mut em = valid(8);
    em[1] = 1;
    bad.push(em);
    bad.push(valid(7));
    bad.push(valid(0));
    let mut em = valid(8);
    em[2..].fill(0x42); // no zero separator
    bad.push(em);
    bad.push(vec![0u8; k]);
    for (i, em) in bad.iter().enumerate() {
        assert_eq!(
            ours.decrypt(
                &RsaCipherScheme::Pkcs1v15,
                &raw_encrypt(&public, em),
                &mut rng
            ),
            Err(CryptoError::BadParameters),
            "bad padding {i}"
        );
    }
}

#[test]
fn every_bad_oaep_padding_fails_with_one_code() {
    let (ours, _, public) = key_pair(1024);
    let mut rng = TestRng(9);
    let k = public.size();
    let h_len = 20;
    let l_hash = HashAlg::Sha1.digest(b"").unwrap();
    let scheme = RsaCipherScheme::Oaep {
        hash: HashAlg::Sha1,
        mgf_hash: HashAlg::Sha1,
        label: Vec::new(),
    };
    // EM = Y || maskedSeed || maskedDB from a chosen DB, seed and first byte.
    let encode = |y: u8, db: &[u8]| {
        let seed = [0x9Eu8; 20];
        let mut db = db.to_vec();
        mgf1_xor(&seed, &mut db);
        let mut masked_seed = seed.to_vec();
        mgf1_xor(&db, &mut masked_seed);
        let mut em = vec![y];
        em.extend_from_slice(&masked_seed);
        em.extend_from_slice(&db);
        assert_eq!(em.len(), k);
        em
    };
    let db_of = |l: &[u8], ps: &[u8], sep: u8| {
        let mut db = l.to_vec();
        db.extend_from_slice(ps);
        db.push(sep);
        db.resize(k - h_len - 1, 0x33);
        db
    };
    let zeros = vec![0u8; 10];
    let pt = ours
        .decrypt(
            &scheme,
            &raw_encrypt(&public, &encode(0, &db_of(&l_hash, &zeros, 1))),
            &mut rng,
        )
        .unwrap();
    assert_eq!(pt.len(), k - 2 * h_len - 2 - 10);
    let mut wrong_l = l_hash.clone();
    wrong_l[3] ^= 1;
    let mut ps_nonzero = zeros.clone();
    ps_nonzero[4] = 2;
    let bad = [
        encode(1, &db_of(&l_hash, &zeros, 1)),
        encode(0, &db_of(&wrong_l, &zeros, 1)),
        encode(0, &db_of(&l_hash, &ps_nonzero, 1)),
        encode(0, &db_of(&l_hash, &zeros, 2)),
        encode(0, &vec![0u8; k - h_len - 1]),
        encode(0, &{
            let mut db = l_hash.clone();
            db.resize(k - h_len - 1, 0);
            db
        }),
    ];
    for (i, em) in bad.iter().enumerate() {
        assert_eq!(
            ours.decrypt(&scheme, &raw_encrypt(&public, em), &mut rng),
            Err(CryptoError::BadParameters),
            "bad padding {i}"
        );
    }
    // A ciphertext one byte short.
    let ct = raw_encrypt(&public, &encode(0, &db_of(&l_hash, &zeros, 1)));
    assert_eq!(
        ours.decrypt(&scheme, &ct[1..], &mut rng),
        Err(CryptoError::BadParameters)
    );
}

/// MGF1-SHA1 (RFC 8017 B.2.1), independently of the crate's, XORed into `out`.
fn mgf1_xor(seed: &[u8], out: &mut [u8]) {
    use sha1::Digest;
    for (counter, chunk) in out.chunks_mut(20).enumerate() {
        let mut h = sha1::Sha1::new();
        h.update(seed);
        h.update((counter as u32).to_be_bytes());
        for (o, b) in chunk.iter_mut().zip(h.finalize()) {
            *o ^= b;
        }
    }
}
