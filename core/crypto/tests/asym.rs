//! Host tests of the asymmetric primitives and KDFs (`oxtee_crypto::asym`).
//!
//! Vector sources: RFC 8032 (Ed25519, Ed25519ctx, Ed25519ph), RFC 7748 §6.1 (X25519), RFC 5869
//! (HKDF), RFC 6070 (PBKDF2-HMAC-SHA1), RFC 5903 §8.1 (ECDH P-256). RSA, DSA, ECDSA/ECDH on
//! every NIST curve, DH and concat-KDF vectors at the end of this file were produced
//! independently with OpenSSL (through pyca/cryptography) and are checked here byte for byte
//! (deterministic schemes) or by verification (randomized schemes).

use hex_literal::hex;
use oxtee_crypto::asym::dh::DhKeyPair;
use oxtee_crypto::asym::dsa::{DsaKeyPair, DsaPublicKey};
use oxtee_crypto::asym::ecc::{ecdsa_alg_hash, EccCurve, EccKeyPair, EccPublicKey};
use oxtee_crypto::asym::ed25519::{Ed25519KeyPair, Ed25519PublicKey, EddsaParams};
use oxtee_crypto::asym::hash::HashAlg;
use oxtee_crypto::asym::kdf::{concat_kdf, hkdf, kdf_from_alg, pbkdf2_hmac, KdfKind};
use oxtee_crypto::asym::rsa::{RsaCipherScheme, RsaKeyPair, RsaPublicKey, RsaSignScheme};
use oxtee_crypto::asym::sm2::{sm2_kep, sm2_z, Sm2KepParams, Sm2KepRole, Sm2KeyPair};
use oxtee_crypto::asym::x25519::X25519KeyPair;
use oxtee_crypto::error::CryptoError;
use rand_core::{CryptoRng, RngCore};
use sha2::Digest;

/// Deterministic test RNG: SHA-256 in counter mode over a seed (test use only).
struct TestRng {
    seed: u64,
    ctr: u64,
}

impl TestRng {
    fn new(seed: u64) -> Self {
        Self { seed, ctr: 0 }
    }
}

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(32) {
            let mut h = sha2::Sha256::new();
            h.update(self.seed.to_le_bytes());
            h.update(self.ctr.to_le_bytes());
            self.ctr += 1;
            let out = h.finalize();
            chunk.copy_from_slice(&out[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for TestRng {}

fn h(s: &str) -> Vec<u8> {
    assert_eq!(s.len() & 1, 0);
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn strip(v: &[u8]) -> &[u8] {
    let i = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    &v[i..]
}

// ---------------------------------------------------------------- RSA

fn rsa_key() -> RsaKeyPair {
    RsaKeyPair::from_crt_components(
        &h(RSA_N),
        &h(RSA_E),
        &h(RSA_D),
        &h(RSA_P),
        &h(RSA_Q),
        &h(RSA_DP),
        &h(RSA_DQ),
        &h(RSA_QINV),
    )
    .unwrap()
}

const HASHES: [(HashAlg, u32); 6] = [
    (HashAlg::Md5, 0x7000_1830),
    (HashAlg::Sha1, 0x7000_2830),
    (HashAlg::Sha224, 0x7000_3830),
    (HashAlg::Sha256, 0x7000_4830),
    (HashAlg::Sha384, 0x7000_5830),
    (HashAlg::Sha512, 0x7000_6830),
];

#[test]
fn rsa_pkcs1v15_sign_matches_openssl_for_every_digest() {
    let key = rsa_key();
    let public = key.public_key();
    let expected = [
        RSA_PKCS1_MD5,
        RSA_PKCS1_SHA1,
        RSA_PKCS1_SHA224,
        RSA_PKCS1_SHA256,
        RSA_PKCS1_SHA384,
        RSA_PKCS1_SHA512,
    ];
    let mut rng = TestRng::new(1);
    for ((hash, alg), exp) in HASHES.iter().zip(expected) {
        let scheme = RsaSignScheme::from_alg(*alg, None).unwrap();
        assert_eq!(scheme, RsaSignScheme::Pkcs1v15(*hash));
        let digest = hash.digest(&h(MSG)).unwrap();
        let sig = key.sign(scheme, &digest, &mut rng).unwrap();
        assert_eq!(sig, h(exp), "{hash:?}");
        public.verify(scheme, &digest, &sig).unwrap();
        let mut bad = sig.clone();
        bad[5] ^= 1;
        assert_eq!(
            public.verify(scheme, &digest, &bad),
            Err(CryptoError::SignatureInvalid)
        );
    }
}

#[test]
fn rsa_pss_verifies_openssl_signatures_and_roundtrips() {
    let key = rsa_key();
    let public = key.public_key();
    let mut rng = TestRng::new(2);
    let cases = [
        (0x7021_2930, HashAlg::Sha1, RSA_PSS_SHA1),
        (0x7031_3930, HashAlg::Sha224, RSA_PSS_SHA224),
        (0x7041_4930, HashAlg::Sha256, RSA_PSS_SHA256),
        (0x7051_5930, HashAlg::Sha384, RSA_PSS_SHA384),
        (0x7061_6930, HashAlg::Sha512, RSA_PSS_SHA512),
    ];
    for (alg, hash, sig) in cases {
        let digest = hash.digest(&h(MSG)).unwrap();
        let scheme = RsaSignScheme::from_alg(alg, Some(20)).unwrap();
        public.verify(scheme, &digest, &h(sig)).unwrap();
        // Wrong salt length must not verify.
        let other = RsaSignScheme::from_alg(alg, Some(21)).unwrap();
        assert_eq!(
            public.verify(other, &digest, &h(sig)),
            Err(CryptoError::SignatureInvalid)
        );
        // Default salt length = digest length.
        assert_eq!(
            RsaSignScheme::from_alg(alg, None).unwrap(),
            RsaSignScheme::Pss {
                hash,
                salt_len: hash.output_len()
            }
        );
        // Our own signatures verify.
        let own = key.sign(scheme, &digest, &mut rng).unwrap();
        assert_eq!(own.len(), 128);
        public.verify(scheme, &digest, &own).unwrap();
    }
    // SHA-512 PSS with a 63-byte salt does not fit a 1024-bit key (emLen 128 < 64+63+2).
    let digest = HashAlg::Sha512.digest(b"x").unwrap();
    let scheme = RsaSignScheme::from_alg(0x7061_6930, Some(63)).unwrap();
    assert_eq!(
        key.sign(scheme, &digest, &mut rng),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn rsa_pkcs1v15_raw_and_md5sha1() {
    let key = rsa_key();
    let public = key.public_key();
    let mut rng = TestRng::new(30);
    // TEE_ALG_RSASSA_PKCS1_V1_5: the DigestInfo-wrapped SHA-256 passed as raw data gives the
    // same signature as the SHA-256 scheme.
    let raw = RsaSignScheme::from_alg(0xF000_0830, None).unwrap();
    assert_eq!(raw, RsaSignScheme::Pkcs1v15Raw);
    let digest = HashAlg::Sha256.digest(&h(MSG)).unwrap();
    let mut info = hex!("3031300d060960864801650304020105000420").to_vec();
    info.extend_from_slice(&digest);
    let sig = key.sign(raw, &info, &mut rng).unwrap();
    assert_eq!(sig, h(RSA_PKCS1_SHA256));
    public.verify(raw, &info, &sig).unwrap();
    assert_eq!(
        public.verify(raw, &info[1..], &sig),
        Err(CryptoError::SignatureInvalid)
    );
    let md5sha1 = RsaSignScheme::from_alg(0x7000_F830, None).unwrap();
    assert_eq!(md5sha1, RsaSignScheme::Pkcs1v15Md5Sha1);
    let d = [7u8; 36];
    let sig = key.sign(md5sha1, &d, &mut rng).unwrap();
    public.verify(md5sha1, &d, &sig).unwrap();
    assert_eq!(
        key.sign(md5sha1, &d[..35], &mut rng),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn rsa_wrong_digest_length_is_bad_parameters() {
    let key = rsa_key();
    let mut rng = TestRng::new(3);
    let scheme = RsaSignScheme::Pkcs1v15(HashAlg::Sha256);
    assert_eq!(
        key.sign(scheme, &[0u8; 20], &mut rng),
        Err(CryptoError::BadParameters)
    );
    assert_eq!(
        key.public_key().verify(scheme, &[0u8; 31], &[0u8; 128]),
        Err(CryptoError::BadParameters)
    );
    // Signature of the wrong length: invalid, not an error of the parameters.
    assert_eq!(
        key.public_key().verify(scheme, &[0u8; 32], &[0u8; 127]),
        Err(CryptoError::SignatureInvalid)
    );
}

#[test]
fn rsa_oaep_and_pkcs1_decrypt_openssl_ciphertexts() {
    let key = rsa_key();
    let mut rng = TestRng::new(4);
    // OAEP SHA-256 with MGF1-SHA-1 (TEE_ATTR_RSA_OAEP_MGF_HASH = TEE_ALG_SHA1) and a label.
    let scheme = RsaCipherScheme::from_alg(0x6041_0230, &h(OAEP_LABEL), Some(0x5000_0002)).unwrap();
    let pt = key
        .decrypt(&scheme, &h(RSA_OAEP_SHA256_MGF1_SHA1), &mut rng)
        .unwrap();
    assert_eq!(&pt[..], &h(PT)[..]);
    // Same ciphertext with the default MGF1 hash (SHA-256) must fail.
    let wrong = RsaCipherScheme::from_alg(0x6041_0230, &h(OAEP_LABEL), None).unwrap();
    assert_eq!(
        key.decrypt(&wrong, &h(RSA_OAEP_SHA256_MGF1_SHA1), &mut rng)
            .map(|_| ()),
        Err(CryptoError::BadParameters)
    );
    let scheme = RsaCipherScheme::from_alg(0x6051_0230, &[], None).unwrap();
    let pt = key.decrypt(&scheme, &h(RSA_OAEP_SHA384), &mut rng).unwrap();
    assert_eq!(&pt[..], &h(PT)[..]);
    let scheme = RsaCipherScheme::from_alg(0x6000_0130, &[], None).unwrap();
    assert_eq!(scheme, RsaCipherScheme::Pkcs1v15);
    let pt = key.decrypt(&scheme, &h(RSA_PKCS1_ENC), &mut rng).unwrap();
    assert_eq!(&pt[..], &h(PT)[..]);
    // Corrupted ciphertext: one error code whatever went wrong.
    let mut bad = h(RSA_PKCS1_ENC);
    bad[100] ^= 0x40;
    assert_eq!(
        key.decrypt(&scheme, &bad, &mut rng).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn rsa_encrypt_decrypt_roundtrips() {
    let key = rsa_key();
    let public = key.public_key();
    let mut rng = TestRng::new(5);
    for scheme in [
        RsaCipherScheme::Pkcs1v15,
        RsaCipherScheme::from_alg(0x6021_0230, b"label", None).unwrap(),
        RsaCipherScheme::from_alg(0x6051_0230, &[], Some(0x5000_0003)).unwrap(),
    ] {
        let ct = public.encrypt(&scheme, b"hello", &mut rng).unwrap();
        assert_eq!(ct.len(), 128);
        assert_eq!(&key.decrypt(&scheme, &ct, &mut rng).unwrap()[..], b"hello");
    }
    // OAEP-SHA512 on a 1024-bit key fits at most 128 - 2*64 - 2 < 0 bytes.
    let scheme = RsaCipherScheme::from_alg(0x6061_0230, &[], None).unwrap();
    assert_eq!(
        public.encrypt(&scheme, b"x", &mut rng),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn rsa_nopad_is_raw_exponentiation_without_leading_zeros() {
    let key = rsa_key();
    let public = key.public_key();
    let mut rng = TestRng::new(6);
    // NOPAD "encryption" of a PKCS#1 v1.5 signature recovers the encoded block 00 01 FF ..
    let digest = HashAlg::Sha1.digest(&h(MSG)).unwrap();
    let sig = key
        .sign(RsaSignScheme::Pkcs1v15(HashAlg::Sha1), &digest, &mut rng)
        .unwrap();
    let em = public
        .encrypt(&RsaCipherScheme::NoPad, &sig, &mut rng)
        .unwrap();
    assert_eq!(em.len(), 127, "leading 0x00 removed");
    assert_eq!(&em[..3], &[0x01, 0xff, 0xff]);
    assert_eq!(&em[em.len() - 20..], &digest[..]);
    let back = key.decrypt(&RsaCipherScheme::NoPad, &em, &mut rng).unwrap();
    assert_eq!(&back[..], strip(&sig));
    // Input ≥ modulus is rejected.
    assert_eq!(
        public.encrypt(&RsaCipherScheme::NoPad, &h(RSA_N), &mut rng),
        Err(CryptoError::BadParameters)
    );
    assert_eq!(
        public
            .encrypt(&RsaCipherScheme::NoPad, &[0u8], &mut rng)
            .unwrap(),
        vec![0u8]
    );
}

/// xtest 4011: a forged EMSA-PKCS1-v1_5 block (shortened FF run, digest moved, zero tail)
/// pushed through raw RSA must not verify.
#[test]
fn rsa_bleichenbacher_forgery_is_rejected() {
    let mut rng = TestRng::new(7);
    let key = RsaKeyPair::generate(512, None, &mut rng).unwrap();
    let public = key.public_key();
    let scheme = RsaSignScheme::Pkcs1v15(HashAlg::Sha1);
    let digest = HashAlg::Sha1.digest(b"4011").unwrap();
    for i in 0..9usize {
        let sig = key.sign(scheme, &digest, &mut rng).unwrap();
        public.verify(scheme, &digest, &sig).unwrap();
        let mut tmp = public
            .encrypt(&RsaCipherScheme::NoPad, &sig, &mut rng)
            .unwrap();
        let n = tmp.iter().position(|&b| b == 0xff).unwrap();
        let m = n + 1 + tmp[n + 1..].iter().position(|&b| b != 0xff).unwrap();
        let len = tmp.len();
        tmp.copy_within(m.., n + i);
        let end = n + i + len - m;
        tmp[end..].fill(0);
        let forged = key
            .decrypt(&RsaCipherScheme::NoPad, &tmp, &mut rng)
            .unwrap();
        let mut padded = vec![0u8; public.size().saturating_sub(forged.len())];
        padded.extend_from_slice(&forged);
        for candidate in [&forged[..], &padded[..]] {
            assert_eq!(
                public.verify(scheme, &digest, candidate),
                Err(CryptoError::SignatureInvalid),
                "iteration {i}"
            );
        }
    }
}

#[test]
fn rsa_keygen_sizes_and_components() {
    let mut rng = TestRng::new(8);
    for bits in [256u32, 384, 512, 640, 896, 1024] {
        let key = RsaKeyPair::generate(bits, None, &mut rng).unwrap();
        assert_eq!(key.bits(), bits as usize);
        let c = key.components();
        assert_eq!(c.n.len(), bits as usize / 8);
        assert_eq!(c.e, vec![1, 0, 1]);
        // Rebuild from the exported CRT attributes and from (n, e, d) alone.
        let again =
            RsaKeyPair::from_crt_components(&c.n, &c.e, &c.d, &c.p, &c.q, &c.dp, &c.dq, &c.qinv)
                .unwrap();
        let non_crt = RsaKeyPair::from_components(&c.n, &c.e, &c.d, None).unwrap();
        // Raw private operation agrees between the three forms.
        let m = [0x42u8; 20];
        let r0 = key.decrypt(&RsaCipherScheme::NoPad, &m, &mut rng).unwrap();
        let r1 = again
            .decrypt(&RsaCipherScheme::NoPad, &m, &mut rng)
            .unwrap();
        let r2 = non_crt
            .decrypt(&RsaCipherScheme::NoPad, &m, &mut rng)
            .unwrap();
        assert_eq!(r0, r1);
        assert_eq!(r0, r2);
        let back = key
            .public_key()
            .encrypt(&RsaCipherScheme::NoPad, &r0, &mut rng)
            .unwrap();
        assert_eq!(back, m);
        if bits >= 512 {
            let d = HashAlg::Sha1.digest(b"k").unwrap();
            let scheme = RsaSignScheme::Pkcs1v15(HashAlg::Sha1);
            let s = again.sign(scheme, &d, &mut rng).unwrap();
            key.public_key().verify(scheme, &d, &s).unwrap();
        }
    }
    assert_eq!(
        RsaKeyPair::generate(128, None, &mut rng).map(|_| ()),
        Err(CryptoError::NotSupported)
    );
    assert_eq!(
        RsaKeyPair::generate(4097, None, &mut rng).map(|_| ()),
        Err(CryptoError::NotSupported)
    );
    assert_eq!(
        RsaKeyPair::generate(512, Some(&[4]), &mut rng).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
    let k3 = RsaKeyPair::generate(512, Some(&[3]), &mut rng).unwrap();
    let c3 = k3.components();
    assert_eq!(c3.e, vec![3]);
    // Non-CRT import with a small exponent (prime recovery for any e).
    let k3b = RsaKeyPair::from_components(&c3.n, &c3.e, &c3.d, None).unwrap();
    let c3b = k3b.components();
    assert!(
        (c3b.p == c3.p && c3b.q == c3.q) || (c3b.p == c3.q && c3b.q == c3.p),
        "primes recovered"
    );
    // Inconsistent d cannot be factored.
    let mut bad_d = c3.d.to_vec();
    *bad_d.last_mut().unwrap() ^= 2;
    assert!(RsaKeyPair::from_components(&c3.n, &c3.e, &bad_d, None).is_err());
}

#[test]
fn rsa_inconsistent_components_are_rejected() {
    let mut dp = h(RSA_DP);
    dp[3] ^= 1;
    assert!(RsaKeyPair::from_crt_components(
        &h(RSA_N),
        &h(RSA_E),
        &h(RSA_D),
        &h(RSA_P),
        &h(RSA_Q),
        &dp,
        &h(RSA_DQ),
        &h(RSA_QINV)
    )
    .is_err());
    let mut n = h(RSA_N);
    n[10] ^= 1;
    assert!(
        RsaKeyPair::from_components(&n, &h(RSA_E), &h(RSA_D), Some((&h(RSA_P), &h(RSA_Q))))
            .is_err()
    );
    assert!(RsaPublicKey::from_components(&h(RSA_N), &[2]).is_err());
    assert_eq!(
        RsaSignScheme::from_alg(0x6000_0130, None),
        Err(CryptoError::NotSupported)
    );
}

// ---------------------------------------------------------------- ECC

struct EcVec {
    curve: EccCurve,
    d: &'static str,
    x: &'static str,
    y: &'static str,
    px: &'static str,
    py: &'static str,
    ecdh: &'static str,
    sig_sha1: &'static str,
    sig_sha512: &'static str,
}

fn ec_vectors() -> [EcVec; 5] {
    macro_rules! v {
        ($c:expr, $p:ident) => {
            paste_vec!($c, $p)
        };
    }
    macro_rules! paste_vec {
        ($c:expr, P192) => {
            EcVec {
                curve: $c,
                d: P192_D,
                x: P192_X,
                y: P192_Y,
                px: P192_PEER_X,
                py: P192_PEER_Y,
                ecdh: P192_ECDH,
                sig_sha1: P192_SIG_SHA1,
                sig_sha512: P192_SIG_SHA512,
            }
        };
        ($c:expr, P224) => {
            EcVec {
                curve: $c,
                d: P224_D,
                x: P224_X,
                y: P224_Y,
                px: P224_PEER_X,
                py: P224_PEER_Y,
                ecdh: P224_ECDH,
                sig_sha1: P224_SIG_SHA1,
                sig_sha512: P224_SIG_SHA512,
            }
        };
        ($c:expr, P256) => {
            EcVec {
                curve: $c,
                d: P256_D,
                x: P256_X,
                y: P256_Y,
                px: P256_PEER_X,
                py: P256_PEER_Y,
                ecdh: P256_ECDH,
                sig_sha1: P256_SIG_SHA1,
                sig_sha512: P256_SIG_SHA512,
            }
        };
        ($c:expr, P384) => {
            EcVec {
                curve: $c,
                d: P384_D,
                x: P384_X,
                y: P384_Y,
                px: P384_PEER_X,
                py: P384_PEER_Y,
                ecdh: P384_ECDH,
                sig_sha1: P384_SIG_SHA1,
                sig_sha512: P384_SIG_SHA512,
            }
        };
        ($c:expr, P521) => {
            EcVec {
                curve: $c,
                d: P521_D,
                x: P521_X,
                y: P521_Y,
                px: P521_PEER_X,
                py: P521_PEER_Y,
                ecdh: P521_ECDH,
                sig_sha1: P521_SIG_SHA1,
                sig_sha512: P521_SIG_SHA512,
            }
        };
    }
    [
        v!(EccCurve::P192, P192),
        v!(EccCurve::P224, P224),
        v!(EccCurve::P256, P256),
        v!(EccCurve::P384, P384),
        v!(EccCurve::P521, P521),
    ]
}

#[test]
fn ecdsa_verifies_openssl_signatures_on_every_curve_incl_short_digests() {
    let msg = h(MSG);
    for v in ec_vectors() {
        let public = EccPublicKey::from_coords(v.curve, &h(v.x), &h(v.y)).unwrap();
        let d1 = HashAlg::Sha1.digest(&msg).unwrap();
        let d512 = HashAlg::Sha512.digest(&msg).unwrap();
        public.ecdsa_verify(&d1, &h(v.sig_sha1)).unwrap();
        public.ecdsa_verify(&d512, &h(v.sig_sha512)).unwrap();
        assert_eq!(
            public.ecdsa_verify(&d512, &h(v.sig_sha1)),
            Err(CryptoError::SignatureInvalid),
            "{:?}",
            v.curve
        );
        let mut bad = h(v.sig_sha1);
        bad.pop();
        assert_eq!(
            public.ecdsa_verify(&d1, &bad),
            Err(CryptoError::SignatureInvalid)
        );
    }
}

#[test]
fn ecdsa_sign_roundtrips_and_ecdh_matches_openssl() {
    let mut rng = TestRng::new(9);
    for v in ec_vectors() {
        let kp = EccKeyPair::from_components(v.curve, &h(v.d), &h(v.x), &h(v.y)).unwrap();
        for hash in [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sha512] {
            let dg = hash.digest(b"sign me").unwrap();
            let sig = kp.ecdsa_sign(&dg, &mut rng).unwrap();
            assert_eq!(sig.len(), 2 * v.curve.coord_len());
            kp.public_key().ecdsa_verify(&dg, &sig).unwrap();
            assert_eq!(
                kp.public_key()
                    .ecdsa_verify(&hash.digest(b"other").unwrap(), &sig),
                Err(CryptoError::SignatureInvalid)
            );
        }
        let z = kp.ecdh(&h(v.px), &h(v.py)).unwrap();
        assert_eq!(&z[..], &h(v.ecdh)[..], "{:?}", v.curve);
        // Generated keys agree with each other.
        let a = EccKeyPair::generate(v.curve, &mut rng).unwrap();
        let b = EccKeyPair::generate(v.curve, &mut rng).unwrap();
        let ab = a.ecdh(b.public_key().x(), b.public_key().y()).unwrap();
        let ba = b.ecdh(a.public_key().x(), a.public_key().y()).unwrap();
        assert_eq!(ab, ba);
        assert_eq!(a.private_value().len(), v.curve.coord_len());
        let again = EccKeyPair::from_private(v.curve, a.private_value()).unwrap();
        assert_eq!(again.public_key(), a.public_key());
    }
}

#[test]
fn ecdh_rfc5903_p256() {
    let kp = EccKeyPair::from_private(
        EccCurve::P256,
        &hex!("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433"),
    )
    .unwrap();
    assert_eq!(
        kp.public_key().x(),
        hex!("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180")
    );
    let z = kp
        .ecdh(
            &hex!("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"),
            &hex!("56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB"),
        )
        .unwrap();
    assert_eq!(
        &z[..],
        hex!("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE")
    );
}

#[test]
fn ecc_rejects_bad_points_scalars_and_curves() {
    let v = &ec_vectors()[2];
    let mut y = h(v.y);
    y[31] ^= 1;
    assert_eq!(
        EccPublicKey::from_coords(EccCurve::P256, &h(v.x), &y).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
    let kp = EccKeyPair::from_components(EccCurve::P256, &h(v.d), &h(v.x), &h(v.y)).unwrap();
    assert_eq!(
        kp.ecdh(&h(v.px), &y).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
    // Zero and ≥ n private values.
    assert!(EccKeyPair::from_private(EccCurve::P256, &[0u8; 32]).is_err());
    assert!(EccKeyPair::from_private(EccCurve::P256, &[0xffu8; 32]).is_err());
    // Too-long coordinates.
    assert!(EccPublicKey::from_coords(EccCurve::P256, &[1u8; 33], &h(v.y)).is_err());
    assert_eq!(EccCurve::from_tee(0x300), Err(CryptoError::NotSupported));
    assert_eq!(EccCurve::from_legacy_alg(0x7000_5041), Ok(EccCurve::P521));
    assert_eq!(EccCurve::from_legacy_alg(0x8000_1042), Ok(EccCurve::P192));
    assert_eq!(
        EccCurve::from_legacy_alg(0x8000_0042),
        Err(CryptoError::NotSupported)
    );
    assert_eq!(ecdsa_alg_hash(0x7000_3042), Ok(HashAlg::Sha256));
    assert_eq!(ecdsa_alg_hash(0x7000_9042), Ok(HashAlg::Sha3_512));
    assert_eq!(ecdsa_alg_hash(0x7000_3041), Err(CryptoError::NotSupported));
    assert_eq!(EccCurve::P521.coord_len(), 66);
}

// ---------------------------------------------------------------- Ed25519 / X25519

#[test]
fn ed25519_rfc8032_pure_ctx_ph() {
    // RFC 8032 §7.1 TEST 1.
    let kp = Ed25519KeyPair::from_components(
        &hex!("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
        &hex!("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
    )
    .unwrap();
    let sig = kp.sign(b"", EddsaParams::default()).unwrap();
    assert_eq!(sig, hex!("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
    kp.public_key()
        .verify(b"", &sig, EddsaParams::default())
        .unwrap();
    // An empty context is plain Ed25519 too.
    let empty = EddsaParams {
        prehash: false,
        ctx: Some(&[]),
    };
    assert_eq!(kp.sign(b"", empty).unwrap(), sig);

    // RFC 8032 §7.2 Ed25519ctx "foo" and "bar".
    let kp = Ed25519KeyPair::from_seed(&hex!(
        "0305334e381af78f141cb666f6199f57bc3495335a256a95bd2a55bf546663f6"
    ))
    .unwrap();
    assert_eq!(
        kp.public_key().to_bytes(),
        hex!("dfc9425e4f968f7f0c29f0259cf5f9aed6851c2bb4ad8bfb860cfee0ab248292")
    );
    let msg = hex!("f726936d19c800494e3fdaff20b276a8");
    let foo = EddsaParams {
        prehash: false,
        ctx: Some(b"foo"),
    };
    let bar = EddsaParams {
        prehash: false,
        ctx: Some(b"bar"),
    };
    let sig_foo = kp.sign(&msg, foo).unwrap();
    assert_eq!(sig_foo, hex!("55a4cc2f70a54e04288c5f4cd1e45a7bb520b36292911876cada7323198dd87a8b36950b95130022907a7fb7c4e9b2d5f6cca685a587b4b21f4b888e4e7edb0d"));
    assert_eq!(kp.sign(&msg, bar).unwrap(), hex!("fc60d5872fc46b3aa69f8b5b4351d5808f92bcc044606db097abab6dbcb1aee3216c48e8b3b66431b5b186d1d28f8ee15a5ca2df6668346291c2043d4eb3e90d"));
    let pk = kp.public_key();
    pk.verify(&msg, &sig_foo, foo).unwrap();
    assert_eq!(
        pk.verify(&msg, &sig_foo, bar),
        Err(CryptoError::SignatureInvalid)
    );
    assert_eq!(
        pk.verify(&msg, &sig_foo, EddsaParams::default()),
        Err(CryptoError::SignatureInvalid)
    );
    assert_eq!(
        pk.verify(b"other", &sig_foo, foo),
        Err(CryptoError::SignatureInvalid)
    );

    // RFC 8032 §7.3 Ed25519ph "abc" (the message is hashed here).
    let kp = Ed25519KeyPair::from_components(
        &hex!("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"),
        &hex!("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"),
    )
    .unwrap();
    let ph = EddsaParams {
        prehash: true,
        ctx: None,
    };
    let sig = kp.sign(b"abc", ph).unwrap();
    assert_eq!(sig, hex!("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406"));
    kp.public_key().verify(b"abc", &sig, ph).unwrap();
    assert_eq!(
        kp.public_key().verify(b"abc", &sig, EddsaParams::default()),
        Err(CryptoError::SignatureInvalid)
    );
}

#[test]
fn ed25519_negative_and_keygen() {
    let mut rng = TestRng::new(10);
    let kp = Ed25519KeyPair::generate(&mut rng);
    let other = Ed25519KeyPair::generate(&mut rng);
    assert!(
        Ed25519KeyPair::from_components(&kp.seed()[..], &other.public_key().to_bytes()).is_err()
    );
    assert!(Ed25519KeyPair::from_seed(&[0u8; 31]).is_err());
    let long_ctx = [0u8; 256];
    let p = EddsaParams {
        prehash: false,
        ctx: Some(&long_ctx),
    };
    assert_eq!(kp.sign(b"m", p), Err(CryptoError::BadParameters));
    let ctx = EddsaParams {
        prehash: false,
        ctx: Some(b"c"),
    };
    let mut sig = kp.sign(b"m", ctx).unwrap();
    kp.public_key().verify(b"m", &sig, ctx).unwrap();
    sig[40] ^= 1;
    assert_eq!(
        kp.public_key().verify(b"m", &sig, ctx),
        Err(CryptoError::SignatureInvalid)
    );
    assert_eq!(
        kp.public_key().verify(b"m", &sig[..63], ctx),
        Err(CryptoError::SignatureInvalid)
    );
    assert!(Ed25519PublicKey::from_bytes(&[0u8; 33]).is_err());
}

#[test]
fn x25519_rfc7748() {
    let alice = X25519KeyPair::from_components(
        &hex!("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
        Some(&hex!(
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        )),
    )
    .unwrap();
    let bob = X25519KeyPair::from_components(
        &hex!("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
        None,
    )
    .unwrap();
    assert_eq!(
        bob.public_value(),
        hex!("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
    );
    let k = hex!("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assert_eq!(*alice.shared_secret(&bob.public_value()).unwrap(), k);
    assert_eq!(*bob.shared_secret(&alice.public_value()).unwrap(), k);
    assert!(X25519KeyPair::from_components(&[1u8; 32], Some(&[2u8; 32])).is_err());
    assert!(alice.shared_secret(&[9u8; 31]).is_err());
    let mut rng = TestRng::new(11);
    let a = X25519KeyPair::generate(&mut rng);
    let b = X25519KeyPair::generate(&mut rng);
    assert_eq!(
        *a.shared_secret(&b.public_value()).unwrap(),
        *b.shared_secret(&a.public_value()).unwrap()
    );
}

// ---------------------------------------------------------------- DSA

#[test]
fn dsa_verifies_openssl_and_roundtrips() {
    let mut rng = TestRng::new(12);
    let cases = [
        (
            DSA1024_P,
            DSA1024_Q,
            DSA1024_G,
            DSA1024_Y,
            DSA1024_X,
            DSA1024_SIG_SHA1,
            HashAlg::Sha1,
        ),
        (
            DSA2048_P,
            DSA2048_Q,
            DSA2048_G,
            DSA2048_Y,
            DSA2048_X,
            DSA2048_SIG_SHA256,
            HashAlg::Sha256,
        ),
    ];
    for (p, q, g, y, x, sig, hash) in cases {
        let (p, q, g, y, x) = (h(p), h(q), h(g), h(y), h(x));
        let public = DsaPublicKey::from_components(&p, &q, &g, &y).unwrap();
        let digest = hash.digest(&h(MSG)).unwrap();
        public.verify(hash, &digest, &h(sig)).unwrap();
        let mut bad = h(sig);
        bad[3] ^= 1;
        assert_eq!(
            public.verify(hash, &digest, &bad),
            Err(CryptoError::SignatureInvalid)
        );
        assert_eq!(
            public.verify(hash, &digest[1..], &h(sig)),
            Err(CryptoError::BadParameters)
        );
        // The digest truncated to |q| (as xtest 4006 passes it) is accepted.
        let qn = q.len();
        if qn < digest.len() {
            public.verify(hash, &digest[..qn], &h(sig)).unwrap();
        }
        let kp = DsaKeyPair::from_components(&p, &q, &g, &y, &x).unwrap();
        let own = kp.sign(hash, &digest, &mut rng).unwrap();
        assert_eq!(own.len(), public.signature_len());
        public.verify(hash, &own, &own).unwrap_err();
        public.verify(hash, &digest, &own).unwrap();
        // Key generation with the same domain parameters.
        let gen = DsaKeyPair::generate(&p, &q, &g, &mut rng).unwrap();
        let s = gen.sign(hash, &digest, &mut rng).unwrap();
        gen.public_key().verify(hash, &digest, &s).unwrap();
        assert_eq!(
            public.verify(hash, &digest, &s),
            Err(CryptoError::SignatureInvalid)
        );
        assert_eq!(gen.public_key().components()[0], p);
        // Wrong private value for y.
        assert!(DsaKeyPair::from_components(&p, &q, &g, &y, &[7]).is_err());
    }
    // SHA-256 with a 160-bit q: the full digest and its 20-byte truncation are equivalent.
    let kp = DsaKeyPair::from_components(
        &h(DSA1024_P),
        &h(DSA1024_Q),
        &h(DSA1024_G),
        &h(DSA1024_Y),
        &h(DSA1024_X),
    )
    .unwrap();
    let digest = HashAlg::Sha256.digest(b"truncate me").unwrap();
    let sig = kp.sign(HashAlg::Sha256, &digest[..20], &mut rng).unwrap();
    kp.public_key()
        .verify(HashAlg::Sha256, &digest, &sig)
        .unwrap();
    kp.public_key()
        .verify(HashAlg::Sha256, &digest[..20], &sig)
        .unwrap();
    assert_eq!(
        kp.public_key().verify(HashAlg::Sha256, &digest[..21], &sig),
        Err(CryptoError::BadParameters)
    );
    // g = 1 and q ≥ p are rejected.
    let (p, q) = (h(DSA1024_P), h(DSA1024_Q));
    assert!(DsaKeyPair::generate(&p, &q, &[1], &mut rng).is_err());
    assert!(DsaKeyPair::generate(&q, &p, &h(DSA1024_G), &mut rng).is_err());
}

// ---------------------------------------------------------------- DH

#[test]
fn dh_shared_secret_matches_openssl_and_keygen_honours_x_bits() {
    let (p, g) = (h(DH_P), h(DH_G));
    let kp = DhKeyPair::from_components(&p, &g, &h(DH_Y), &h(DH_X), None, None).unwrap();
    let z = kp.shared_secret(&h(DH_PEER_Y)).unwrap();
    assert_eq!(&z[..], strip(&h(DH_SHARED)));
    // Peer values outside (1, p-1) are rejected.
    assert!(kp.shared_secret(&[1]).is_err());
    let mut pm1 = p.clone();
    *pm1.last_mut().unwrap() -= 1;
    assert!(kp.shared_secret(&pm1).is_err());

    let mut rng = TestRng::new(13);
    for x_bits in [160u32, 256, 300] {
        let a = DhKeyPair::generate(&p, &g, None, Some(x_bits), &mut rng).unwrap();
        assert_eq!(a.private_value().len(), (x_bits as usize).div_ceil(8));
        assert_eq!(a.x_bits(), x_bits);
        assert!(a.private_value()[0] >> ((x_bits - 1) % 8) == 1);
        let b = DhKeyPair::generate(&p, &g, None, None, &mut rng).unwrap();
        assert_eq!(
            a.shared_secret(&b.public_value()).unwrap(),
            b.shared_secret(&a.public_value()).unwrap()
        );
    }
    // x_bits = 0 means "not specified"; with a subprime x is below q.
    let a = DhKeyPair::generate(&p, &g, None, Some(0), &mut rng).unwrap();
    assert_eq!(
        a.x_bits(),
        u32::try_from(a.private_value().len() * 8).unwrap() - a.private_value()[0].leading_zeros()
    );
    let q = [0x7fu8; 20];
    let a = DhKeyPair::generate(&p, &g, Some(&q), None, &mut rng).unwrap();
    assert!(a.private_value().len() <= 20);
    assert_eq!(a.subprime(), Some(q.to_vec()));
    // Even modulus, g = 1 and x_bits > |p| are rejected.
    let mut even = p.clone();
    *even.last_mut().unwrap() &= 0xfe;
    assert!(DhKeyPair::generate(&even, &g, None, None, &mut rng).is_err());
    assert!(DhKeyPair::generate(&p, &[1], None, None, &mut rng).is_err());
    assert!(DhKeyPair::generate(&p, &g, None, Some(513), &mut rng).is_err());
    assert_eq!(
        DhKeyPair::generate(&[0xff; 16], &g, None, None, &mut rng).map(|_| ()),
        Err(CryptoError::NotSupported)
    );
}

/// Larger groups (the DSA domains as DH groups with a subprime) exercise the 1024- and
/// 2048-bit constant-time exponentiation paths; checked against `num-bigint-dig`.
#[test]
fn dh_larger_groups_match_reference_modpow() {
    use num_bigint_dig::BigUint;
    let mut rng = TestRng::new(18);
    for (p, q, g) in [
        (DSA1024_P, DSA1024_Q, DSA1024_G),
        (DSA2048_P, DSA2048_Q, DSA2048_G),
    ] {
        let (p, q, g) = (h(p), h(q), h(g));
        let a = DhKeyPair::generate(&p, &g, Some(&q), None, &mut rng).unwrap();
        let b = DhKeyPair::generate(&p, &g, Some(&q), None, &mut rng).unwrap();
        let pn = BigUint::from_bytes_be(&p);
        let expect_y =
            BigUint::from_bytes_be(&g).modpow(&BigUint::from_bytes_be(a.private_value()), &pn);
        assert_eq!(a.public_value(), expect_y.to_bytes_be());
        let z = a.shared_secret(&b.public_value()).unwrap();
        let expect_z = BigUint::from_bytes_be(&b.public_value())
            .modpow(&BigUint::from_bytes_be(a.private_value()), &pn);
        assert_eq!(&z[..], &expect_z.to_bytes_be()[..]);
        assert_eq!(z, b.shared_secret(&a.public_value()).unwrap());
    }
}

// ---------------------------------------------------------------- SM2

#[test]
fn sm2_dsa_roundtrip_and_negative() {
    let mut rng = TestRng::new(14);
    let kp = Sm2KeyPair::generate(&mut rng).unwrap();
    let e = HashAlg::Sm3.digest(b"Z_A || M").unwrap();
    let sig = kp.sign(&e, &mut rng).unwrap();
    assert_eq!(sig.len(), 64);
    let public = kp.public_key();
    public.verify(&e, &sig).unwrap();
    let (x, y) = public.coords();
    let again = Sm2KeyPair::from_components(&kp.private_value(), &x, &y).unwrap();
    again.public_key().verify(&e, &sig).unwrap();
    let mut bad = sig.clone();
    bad[63] ^= 1;
    assert_eq!(public.verify(&e, &bad), Err(CryptoError::SignatureInvalid));
    // e is an integer: a shorter e with a leading zero byte stripped is the same value.
    let mut e0 = e.clone();
    e0[0] = 0;
    let sig0 = kp.sign(&e0, &mut rng).unwrap();
    public.verify(&e0[1..], &sig0).unwrap();
    // A 64-byte e (SHA-512 digest, as xtest passes it) is reduced modulo n.
    let e64 = HashAlg::Sha512.digest(b"m").unwrap();
    let sig64 = kp.sign(&e64, &mut rng).unwrap();
    public.verify(&e64, &sig64).unwrap();
    assert_eq!(
        public.verify(&e64[..63], &sig64),
        Err(CryptoError::SignatureInvalid)
    );
    assert_eq!(public.verify(&[], &sig), Err(CryptoError::BadParameters));
}

/// Cross-implementation vectors (gmssl): the GM/T 0003.5 example key pair, a `C1 || C2 || C3`
/// ciphertext of "encryption standard" and a signature over a given e.
#[test]
fn sm2_pke_and_dsa_cross_vectors() {
    let d = hex!("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8");
    let x = hex!("09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020");
    let y = hex!("ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13");
    let kp = Sm2KeyPair::from_components(&d, &x, &y).unwrap();
    assert_eq!(kp.public_key().coords(), (x.to_vec(), y.to_vec()));
    let ct = hex!("049e6773caa0175a73db98b5a065bbb39713a1ad2eaf812e14966255189ff9ba2bd878391477e7fa9404ba0a5e27dc36c89f8ce444bd3a81703051f291e83fdd8e400aa176c471a25e54bae19677676588ca3c00163a7c8cadd61cd9c02938c94ba87857a3b10bd3e21236f5f9a92a9500608160");
    assert_eq!(&kp.decrypt(&ct).unwrap()[..], b"encryption standard");
    // Tampered C2 or C3, compressed or truncated C1.
    for i in [70usize, ct.len() - 1] {
        let mut bad = ct;
        bad[i] ^= 1;
        // The MAC (C3) no longer matches: OP-TEE's CIPHERTEXT_INVALID.
        assert_eq!(
            kp.decrypt(&bad).map(|_| ()),
            Err(CryptoError::CiphertextInvalid)
        );
    }
    let mut compressed = ct;
    compressed[0] = 0x02;
    assert_eq!(
        kp.decrypt(&compressed).map(|_| ()),
        Err(CryptoError::NotSupported)
    );
    assert_eq!(
        kp.decrypt(&ct[..97]).map(|_| ()),
        Err(CryptoError::BadParameters)
    );

    let e: Vec<u8> = (0u8..32).collect();
    let sig = hex!("afcd2a38c25438d6f6bacb1e30857a01db0fe859d6ed92e5ca5bf8aa33fa8bc6f3096f46ec3eb34ba5e0a7b039361d7a11b324409b717b17bd79bf0f6caf8aa9");
    kp.public_key().verify(&e, &sig).unwrap();

    let mut rng = TestRng::new(15);
    for len in [1usize, 19, 32, 33, 100] {
        let msg: Vec<u8> = (0..len as u8).collect();
        let ct = kp.public_key().encrypt(&msg, &mut rng).unwrap();
        assert_eq!(ct.len(), len + 97);
        assert_eq!(ct[0], 0x04);
        assert_eq!(&kp.decrypt(&ct).unwrap()[..], &msg[..]);
    }
    assert!(kp.public_key().encrypt(&[], &mut rng).is_err());
}

/// Z_A computed here must be the one the `sm2` crate's message signer uses internally.
#[test]
fn sm2_z_matches_crate_signer() {
    use sm2::dsa::signature::Signer;
    let mut rng = TestRng::new(16);
    let kp = Sm2KeyPair::generate(&mut rng).unwrap();
    let sk = sm2::SecretKey::from_slice(&kp.private_value()).unwrap();
    let signer = sm2::dsa::SigningKey::new("1234567812345678", &sk).unwrap();
    let sig: sm2::dsa::Signature = signer.sign(b"message digest");
    let z = sm2_z(b"1234567812345678", &kp.public_key()).unwrap();
    let e = HashAlg::Sm3
        .digest(&[&z[..], b"message digest"].concat())
        .unwrap();
    kp.public_key().verify(&e, &sig.to_bytes()).unwrap();
    let z_other = sm2_z(b"1234567812345679", &kp.public_key()).unwrap();
    let e = HashAlg::Sm3
        .digest(&[&z_other[..], b"message digest"].concat())
        .unwrap();
    assert_eq!(
        kp.public_key().verify(&e, &sig.to_bytes()),
        Err(CryptoError::SignatureInvalid)
    );
}

/// GM/T 0003.5 annex B.2 (the data xtest 4014 uses): the initiator must accept the published
/// S_B, and the responder must produce it.
#[test]
fn sm2_kep_gmt_0003_5_b2() {
    let kp = |d: &str, x: &str, y: &str| Sm2KeyPair::from_components(&h(d), &h(x), &h(y)).unwrap();
    let a = kp(
        "81EB26E941BB5AF16DF116495F90695272AE2CD63D6C4AE1678418BE48230029",
        "160E12897DF4EDB61DD812FEB96748FBD3CCF4FFE26AA6F6DB9540AF49C94232",
        "4A7DAD08BB9A459531694BEB20AA489D6649975E1BFCF8C4741B78B4B223007F",
    );
    let ra = kp(
        "D4DE15474DB74D06491C440D305E012400990F3E390C7E87153C12DB2EA60BB3",
        "64CED1BDBC99D590049B434D0FD73428CF608A5DB8FE5CE07F15026940BAE40E",
        "376629C7AB21E7DB260922499DDB118F07CE8EAAE3E7720AFEF6A5CC062070C0",
    );
    let b = kp(
        "785129917D45A9EA5437A59356B82338EAADDA6CEB199088F14AE10DEFA229B5",
        "6AE848C57C53C7B1B5FA99EB2286AF078BA64C64591B8B566F7357D576F16DFB",
        "EE489D771621A27B36C5C7992062E9CD09A9264386F3FBEA54DFF69305621C4D",
    );
    let rb = kp(
        "7E07124814B309489125EAED101113164EBF0F3458C5BD88335C1F9D596243D6",
        "ACC27688A6F7B706098BC91FF3AD1BFF7DC2802CDB14CCCCDB0A90471F9BD707",
        "2FEDAC0494B2FFC4D6853876C79B8F301C6573AD0AA50F39FC87181E1A1B46FE",
    );
    let id = b"1234567812345678";
    let s_b = hex!("D3A0FE15DEE185CEAE907A6B595CC32A266ED7B3367E9983A896DC32FA20F8EB");
    let (pa, pra, pb, prb) = (
        a.public_key(),
        ra.public_key(),
        b.public_key(),
        rb.public_key(),
    );
    let init = sm2_kep(
        &a,
        &ra,
        &Sm2KepParams {
            role: Sm2KepRole::Initiator,
            peer_public: &pb,
            peer_ephemeral: &prb,
            id_initiator: id,
            id_responder: id,
            confirmation_in: Some(&s_b),
        },
        16,
    )
    .unwrap();
    let resp = sm2_kep(
        &b,
        &rb,
        &Sm2KepParams {
            role: Sm2KepRole::Responder,
            peer_public: &pa,
            peer_ephemeral: &pra,
            id_initiator: id,
            id_responder: id,
            confirmation_in: Some(&init.confirmation_out),
        },
        16,
    )
    .unwrap();
    assert_eq!(resp.confirmation_out, s_b);
    assert_eq!(init.key, resp.key);
    assert_eq!(&init.key[..], hex!("6C89347354DE2484C60B4AB1FDE4C6E5"));
}

#[test]
fn sm2_kep_both_roles_agree_and_confirm() {
    let mut rng = TestRng::new(17);
    let (a, ra) = (
        Sm2KeyPair::generate(&mut rng).unwrap(),
        Sm2KeyPair::generate(&mut rng).unwrap(),
    );
    let (b, rb) = (
        Sm2KeyPair::generate(&mut rng).unwrap(),
        Sm2KeyPair::generate(&mut rng).unwrap(),
    );
    let (pa, pra, pb, prb) = (
        a.public_key(),
        ra.public_key(),
        b.public_key(),
        rb.public_key(),
    );
    let (ida, idb) = (
        b"ALICE123@YAHOO.COM".as_slice(),
        b"BILL456@YAHOO.COM".as_slice(),
    );
    // Responder first (it sends S_B), then the initiator checks S_B and sends S_A.
    let resp = sm2_kep(
        &b,
        &rb,
        &Sm2KepParams {
            role: Sm2KepRole::Responder,
            peer_public: &pa,
            peer_ephemeral: &pra,
            id_initiator: ida,
            id_responder: idb,
            confirmation_in: None,
        },
        16,
    )
    .unwrap();
    let init = sm2_kep(
        &a,
        &ra,
        &Sm2KepParams {
            role: Sm2KepRole::Initiator,
            peer_public: &pb,
            peer_ephemeral: &prb,
            id_initiator: ida,
            id_responder: idb,
            confirmation_in: Some(&resp.confirmation_out),
        },
        16,
    )
    .unwrap();
    assert_eq!(init.key.len(), 16);
    assert_eq!(init.key, resp.key);
    assert_ne!(init.confirmation_out, resp.confirmation_out);
    // The responder accepts S_A and rejects anything else.
    let mut params = Sm2KepParams {
        role: Sm2KepRole::Responder,
        peer_public: &pa,
        peer_ephemeral: &pra,
        id_initiator: ida,
        id_responder: idb,
        confirmation_in: Some(&init.confirmation_out),
    };
    assert_eq!(sm2_kep(&b, &rb, &params, 16).unwrap().key, resp.key);
    let mut bad = init.confirmation_out;
    bad[0] ^= 1;
    params.confirmation_in = Some(&bad);
    assert_eq!(
        sm2_kep(&b, &rb, &params, 16).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
    // Different IDs give a different key.
    params.confirmation_in = None;
    params.id_responder = b"other";
    assert_ne!(sm2_kep(&b, &rb, &params, 16).unwrap().key, resp.key);
}

// ---------------------------------------------------------------- KDFs

#[test]
fn hkdf_rfc5869() {
    // Test case 1 (SHA-256) and 4 (SHA-1).
    let okm = hkdf(
        HashAlg::Sha256,
        &[0x0b; 22],
        &hex!("000102030405060708090a0b0c"),
        &hex!("f0f1f2f3f4f5f6f7f8f9"),
        42,
    )
    .unwrap();
    assert_eq!(
        &okm[..],
        hex!(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        )
    );
    let okm = hkdf(
        HashAlg::Sha1,
        &[0x0b; 11],
        &hex!("000102030405060708090a0b0c"),
        &hex!("f0f1f2f3f4f5f6f7f8f9"),
        42,
    )
    .unwrap();
    assert_eq!(
        &okm[..],
        hex!(
            "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896"
        )
    );
    assert_eq!(
        hkdf(HashAlg::Sha256, b"k", b"", b"", 255 * 32 + 1).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
    assert_eq!(
        hkdf(HashAlg::Sha256, b"k", b"", b"", 0).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
    assert_eq!(
        kdf_from_alg(0x8000_40C0),
        Ok((KdfKind::Hkdf, HashAlg::Sha256))
    );
    assert_eq!(kdf_from_alg(0x8000_10C0), Ok((KdfKind::Hkdf, HashAlg::Md5)));
    assert_eq!(
        kdf_from_alg(0x8000_20C2),
        Ok((KdfKind::Pbkdf2, HashAlg::Sha1))
    );
    assert_eq!(kdf_from_alg(0x8000_10C1), Err(CryptoError::NotSupported));
    assert_eq!(kdf_from_alg(0x8000_0047), Err(CryptoError::NotSupported));
}

#[test]
fn pbkdf2_rfc6070() {
    for (c, out) in [
        (1, hex!("0c60c80f961f0e71f3a9b524af6012062fe037a6")),
        (2, hex!("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957")),
        (4096, hex!("4b007901b765489abead49d926f721d065a429c1")),
    ] {
        let dk = pbkdf2_hmac(HashAlg::Sha1, b"password", b"salt", c, 20).unwrap();
        assert_eq!(&dk[..], out);
    }
    assert_eq!(
        pbkdf2_hmac(HashAlg::Sha1, b"p", b"s", 0, 20).map(|_| ()),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn concat_kdf_matches_openssl() {
    let dk = concat_kdf(HashAlg::Sha256, &h(CKDF_Z), &h(CKDF_OI), 50).unwrap();
    assert_eq!(&dk[..], &h(CKDF_SHA256_50)[..]);
    let dk = concat_kdf(HashAlg::Sha1, &h(CKDF_Z), &h(CKDF_OI), 33).unwrap();
    assert_eq!(&dk[..], &h(CKDF_SHA1_33)[..]);
    assert!(concat_kdf(HashAlg::Sha1, &[], b"", 10).is_err());
}

// ---------------------------------------------------------------- vectors (OpenSSL-generated)

const RSA_N: &str = "d87a24298e7824781df6d6577d145fe9d88c20698a7ff1443ebac0b90a9fcaec222914b3cfbe17a06034ed564a7157b483dd5575a2931b55941047c28c32a40aa003319538aeb5b257a5187dacaa99afe42b99c322e56262e7eb7719f871eacf857c2de9a3cd1ab99b596f456367d23e31620a29f444be66aa7e973befda5859";
const RSA_E: &str = "010001";
const RSA_D: &str = "b5e81541326df4bf56f697f0d6b36b5196dd51533ec5fa588d99e2dedb75a15041f8616423daaa01e3363685ff7234f004aad5e84edfece541d1586bbbe1c60377f936bc771138adddcaf2e9b1f11abf8c2713b2d298cca9d20f6bdb81086e3e6c3e7de45d7e03bcc0b8873cd08d8ce083582ccdae17fb65cf576876931060f1";
const RSA_P: &str = "ef089b4b656c4412496d691d8c87c75b64733f51a66cfcf689b6e3cbf36871273f6235fa861d17f505bd4a04bbae6efe99938e635136e362acc920f950659c65";
const RSA_Q: &str = "e7d7ab25dc405476e8b924cca44f1c1714017c21bc0224019076dd31982659c73d7bc260faf3ac88a99c7fbe82c69d8e0810d3abd90c6d17a9067919c01b8ae5";
const RSA_DP: &str = "03ddbbc5486aabdf2fd8d92e652b7d09f961f3d03a44e1028bcfad778b04517035123d9543be0cb925d29df3dda5409e5595916401d8456d3f2631a656aa8e11";
const RSA_DQ: &str = "2c375aa1cedec9fd1fa767d84ba1f6d683ef4090627dfa05fe5a5d173f505921019ddfd585270209d2675189b101563d2756a638091e3094299d5d6d46d139ed";
const RSA_QINV: &str = "127acda86c0891db93ab0fc2cebb07a0886d5739c76641c68796a828536dd76e437356b8a991049a70b8a95d7efc3af3fbe1aabf9cea23c1ebeb896d78c855d2";
const MSG: &str = "6f78746565206173796d6d65747269632074657374206d657373616765";
const RSA_PKCS1_MD5: &str = "9bb0a66646a79d2e8d49b3751ec7267925a93b39b868fd072f9149b84fd5151d6efd7eb06a350d411ef9ab91dc62c01a1986180d9fa9b0d031a1a289ecf4a525b46dbf7bb387661d710568aec8ec38d8b633f8bae0247c084d65ff77f0ab0f3f18cd683263d08dc76c125b8d370d57849ebd3fb3109f82bec130333ea6a26272";
const RSA_PKCS1_SHA1: &str = "0556a4ab2f9c7b268a48e0eea6fcb600a9840b67da7a2afd1f241d9441467462a664643cc4affaa90bd11356570a51d276c4dd47fefac36cd93f6d4c25990c0442553922c7d563f92dbaed95c316f7fc1e628a54999c8c1cd78398cf9eb41e07502b2d526fa530b03c463d5e5ff0c7b73def51bba5c1097029055f25295e2860";
const RSA_PSS_SHA1: &str = "d17a784bd5c703c895b89a2b19f574a57558e1988a445f592cd946d019230c53540d4c0c2bf73abd102dc9a406b84507a6f2f39f28351131a41ca3401eafcf690cda88e6c8056d83caf073fd56b893625993edb72c531bbb9baf41ba2eef3eb1ac2d7c9d2ad3815c086dba734e192ae32c1d8ab09d69e02c84011795a1d348d5";
const RSA_PKCS1_SHA224: &str = "163193a807c151e3dfc2a62c90fb530fd7bf9bc91fad9fc303b4a8ea36dfb7ad22633d5b539bc4e11a0f15fbd0bd658e7451e1621970ad828cd5ddca5af10c63d704e32b2322906b9e759ab281cdb856c754b95249e50906939617cde971b3557faa4ac0d13d6792453f14cc85c5c03239948a1e409007517a09ae49d2f9b030";
const RSA_PSS_SHA224: &str = "57ad5a5f1b426c07f01f7a75e5d0bd6abb65d08208058071124cc339071590e3eebf6d9facee9c6b1133f6db320897a5524a560fae49ac59f4316f9d2b78e6ff922dfa7786e2f51ddde463260a15b9a744a6106cc7b7f90477a36eb08441c8ddeb8830e4ebf5e44014908d05a1061ad82e90d2cd0395c6eb31c8dc9263160643";
const RSA_PKCS1_SHA256: &str = "003f1b50973d6022d198b11842e3ea1e732c7bd2880a632dc049096256c474cd0a1c62ecd09878f426215d66d31667d62cbbfb47992075613bc85f12e946f01f8096f770a3ad087d74ea3de7681176ff2d73c110b6660291652209928c872c085c29368ddccd932d60e6988dbfec06af717dc4fdaa256954dbb396ac1d71efaf";
const RSA_PSS_SHA256: &str = "1118648e4d0b92eed4645bed064a3bf78dfb2674187b9adc5f59f569e74075bb76789179388483b0f752660f0d6166882a519fe25b74a101f91351cca54f0c60cebfa0179ae5f9d4480c7e75ba2073d8b8db2bb8131cb2fe5ad2ad03c5e895edcb4d8bb41158a44b34964a3cbed6678716b3046fe8274379cf9f1a0b9b355393";
const RSA_PKCS1_SHA384: &str = "abe594ef8a1cbce16ab6bcafd99c9ee63065e5ddf2aa498bb883c3e098d72d8fd15e29106bdd7cf9426301c1704f7a767335b00c70c61e8701dee3db009e875dd8faade0b388a8436394f4a27383afa2a98ed3ea54e685903b1b81e62c95af4359d9f5a772845783468affaedae2456e8c0cd78899c97026df552a21f721c1dc";
const RSA_PSS_SHA384: &str = "07d245a2179a00d7f6753181272b1c28a74fe9db30ce233d309fa4c7c191c469139d0c607187697bb211da4abd49659220dc6970dea93ee71502e68ee9c61eea74d04b0efb4f713de45d034f2f32c5e294cecd92b4608a8c9e6f2bb2a4b99018326874c18c9209bbbb9ebf7a808da5ac4f8442a8eca6c0c5db332e95d044ca50";
const RSA_PKCS1_SHA512: &str = "923ed05c3ee9c3928163512a40481b9ff8939135626789e6f38a7bcf7288c20f8ea6b9d862a3b57412171a6a9fc88cf0081531f131af67ec0151c48803116e9936de9e68bc7e8762355346d17d08acd39df1a5b9330c42d11d42cd9d28c4d21af3f4554066271000be758b581630266761db6f11c340a848b51af0b9a5d19523";
const RSA_PSS_SHA512: &str = "2bcae3d3a81b38097b67d24904bc263ea9cc0ca33d6ba4d408fd6d085f24d428f89b536799ad9e9ab74b77687fa58185b7fb232e049d9ae7c7dcce8217d5a5790746865b730614a8df15f7c3f00510e4a6b77da33355c18ba49ae042490be50f0f4544dbbdd1c5d0b7f5a1caf1072a4682f611e59751320075dfb004a06449e1";
const OAEP_LABEL: &str = "6f78746565206c6162656c";
const PT: &str = "736563726574207061796c6f6164";
const RSA_OAEP_SHA256_MGF1_SHA1: &str = "68d0125a1184cba8717206f0bd1f320bf66597ad62acd597696be8a705f81554c379fb15d88cfc42a673790482a0bdf8a70d204873565e60225af173f49ee4c9fc7b79db0c97d04bf1a5757e1cd57288060265170d82c7210782f5ca97d8cc610c3bb24c4c76e55c0afd966e280c390f1519378b1fffce17349d7814ba0f7ebd";
const RSA_OAEP_SHA384: &str = "c51b1f3d2baeba26a8eecaf99a80a0eb9a483b20a54c688304c1ff5d03e875423e96ea5ec822b1532897def0b28e095cb53b75712357c0bc82d6394610a8f1690785338e7b49eaee544be77d317bcd1a43f955be335afbc6124af89594f794fa67fb9f8f1fdb2fb9297bf24f8f3eb8e09e36cbdcd3792701dca08532650b3154";
const RSA_PKCS1_ENC: &str = "2ca27ba5e2cf647a0162e499794bffa8586cdf84c56cbb13f2b74f78564081400e7ab9ad3648a30d8e2cc37ac6d13c63d858b356e420a7d3ccbc7aa703395365dbea582a48800a1029877144ec8008d66d38c167356cd6f87cb7eaaf81860dc34b3a1c6c561e3af415fcca08155f38ae36590d140985beb5d5630d45a8108719";
const P192_D: &str = "1cbe6e62034f8d28732eb302613e23b06f3718aae69cb78b";
const P192_X: &str = "a2856717caed0f97a3d5155f56ba98a80014d20a7c64c8d7";
const P192_Y: &str = "d77f1be5d4b750577c7061bf38a630e3b14052ea05c727fe";
const P192_PEER_X: &str = "408377df8e58c6fd56fb8b7b63bbbe7e65f7ed370c3367b7";
const P192_PEER_Y: &str = "f6b5357e5b3a61332f395feb03c7169817d1fdcc3f304070";
const P192_ECDH: &str = "2aa21078ca130e91fcbd047d441291470fbdac40dd959637";
const P192_SIG_SHA1: &str = "93c5f26122a9e7eaa451a582857c0e25b6c6d4747866193ae3304a85db7c0fdff6bccbcb7c0348aa48a6b9a81fd5651d";
const P192_SIG_SHA512: &str = "9dba8980277f92de2c3fd01a168d4d10f9774c5fabe3f8a7a867515c4c6499547550ca43486e34fb50c335235f48caa4";
const P224_D: &str = "5c9bf281252f352b113b3bbb984e408397a86e6bb29acd017e7539d9";
const P224_X: &str = "4ee92d61a542c6004bfff50a1b1782061a824688cb637c7590c513ec";
const P224_Y: &str = "5bd0438f0fa45958e99737318793fa5ada6e936e4dd9d63bcfbc2d21";
const P224_PEER_X: &str = "ffa09bb2435d541acfd3de3e93dff0d5de750504d1728c517ac21809";
const P224_PEER_Y: &str = "a2e9635791bd8bdd00a311bd76e247267640698ab04d37c8be63abcf";
const P224_ECDH: &str = "c9a3c35c1caaa9c2db87b64ae225232d5fdb24ce805ff2f6e10e1a77";
const P224_SIG_SHA1: &str = "717ec6c32db37b079367103397d72d9866ca55b249b7485f545f4bfccca478c96e29cae2264110e4bfed566638ed9e4e2cdd1460fe0375e9";
const P224_SIG_SHA512: &str = "6394a247a3e4d5e8692b07658e2cc8e289a3190a74044a46c897e60fbb92ae1d7eee0162099b4154316a4c5cdfb6069b90936a35727af214";
const P256_D: &str = "7c543d652a159314ba5d3775375e3986e43c15b54c9e5e1a10c7f09309639cec";
const P256_X: &str = "2ddbc14ee8ae6d729de6a497d3e12b56da5f934f2c5878abedc97a33d0870409";
const P256_Y: &str = "b0324dee5f621b201e6b2afec881fee3fd4db9f7967ae861f823d1f2e15c0b46";
const P256_PEER_X: &str = "eac69181914ac6048976c1ee8da6fbc31507685012d2c02ea7c86c893e708207";
const P256_PEER_Y: &str = "4530881f25471333d531cf4d445f27ed7b107a251c927a437fc4283dbf4f8242";
const P256_ECDH: &str = "98a7ff509348bb63ac8ed6d1dca0b7238a2af12f560a6cf2a27aab9fbaeb2850";
const P256_SIG_SHA1: &str = "1232ca30e349e1c39ebe04a7617189fbca46b63e8916a5c2ad2efb08ca80833aa25cdc97a7a73d728d245a1a064baea5b20a6244ccf163ab9b51a6cc8a82937e";
const P256_SIG_SHA512: &str = "bc71cb234010945ef2473f5c7837c219e380a14ed427185fbdd1ebb17ff3d9166feb7091471febc2afcf19ab90872e786910ac7991944d98b759f24ef49b50ad";
const P384_D: &str = "3bb0490f0546ec05c3aecaf4565e9b5ec129e8ac4243f36e7a74d64351dd021ee2e89475ddc14e4c98df50fb810ab72c";
const P384_X: &str = "405f2c128e0fdb166af1f191c321e0203e910550b7b875c7430b2aede406b2471ec095d980e4e5ec6c5f8febe4c8f7b4";
const P384_Y: &str = "21cb9946ff608ebc2cc93415fbfea2c82e929b4d9b5b4a9362aaaad7cdfee534c9fd9b6381598b55757d9aaad0553ac7";
const P384_PEER_X: &str = "43f083f00611e959f4464351e7f0d4a5c929d8e442837c77677d7cc39a40095767ca10d22b67fd196086e04ffa522800";
const P384_PEER_Y: &str = "13e3b26d010730eac25f4ae8424bdbd2691cd90f45ad0af603fe8ddbffbe937813dd24516fd213b5761a33060d2c7c4f";
const P384_ECDH: &str = "da7bf936296555c7d4d57024c39cb03a50d298bb9fe6b008ae00f8bead840a6cac191eddc16a099e6875d71b85db00d8";
const P384_SIG_SHA1: &str = "a7230660d562d818fc3697d05f6baa63eba1d309267244e9e6d65a0d659ec9cdd7fc4e5a6e89d6c272d5390f676d79dbb88c0e545bf0c2a7029db39d5a2ad030fb4a7d6a8708c3589bfb039b72466098f98beb52447db3cf34a87d581a8699cd";
const P384_SIG_SHA512: &str = "1b213330fa64898e71a383e733d478e86bb10e9e26e5defe4e985bcac85c53329426b3e211586b234e46278d3ba3500098b6e47c640cb6151d4696f49de9c3479fc1e45363f7007e0db9a56470ce0a212891c3304fa41ec4d80cb7195ba39302";
const P521_D: &str = "00954efc8f15c2ef1102993fb5531ae8ae6ef1a917ac0d430d21f4b6df4fa10fb3d67971426992b666abdb96df3e1d8955881caf18d5ef7a1eeb035000c45f0fbaf7";
const P521_X: &str = "00d08361c9ecd43defb0b716465cbe6f6ed1a9bee475032674200f8fe55770d43d057dd840179a7081ea2af152b011f02a98703bb4f57e7c886c4cb74ba13ed0e99d";
const P521_Y: &str = "01d483b0c67be0958f856d4100d6533c87a1e86f18bb75f7faab28cbbf16b4a268238bdd041215b4701a14e278b600c180c7518c3726800cbff11096d62b72fb513d";
const P521_PEER_X: &str = "00fcbf9fb950cb3073152d1f8bce2e7a2e230536f9b84fcdb1c2b91173be3fdcda36579fe0096f728ba067651661a12daf2dbdf2f25235e1fb29b2bdd03c2361713b";
const P521_PEER_Y: &str = "01b9c2edafcffaaaf1384971ad8b752d76e0d15c84df867297fedfd04a6fee9c6794450e586c1e58402f9c276decfe398c8dca3d59f48c2c8f30a902d9982e00e6a2";
const P521_ECDH: &str = "0060f670108bab1e076a4d24cd0d5b5e65bf0dec6cb5e1e58ad2c718eef942d43535e757d2ebe0178b0f9e3cf647571c928e830b7d6ad93e443b6e3533a34e3dc10a";
const P521_SIG_SHA1: &str = "0179eafd6e210c97230280550d9c72d43b3db73d1090bd43258a83b253ec17dd55c14db5ac24746829fa0ba50b88a253a814d7aa3618d3ae8fc43c42dcba76f9bcee019b22d2ce7d2db266bae27da7ea219e38bb7b230000498bad5aaf5f220dd36b0919c84936c138af22f54154dd407480b8158c81d6ede4cb7151e29867e3e92cff74";
const P521_SIG_SHA512: &str = "01be203dbf3cc4c14f96aa1be429f36a26aa323c69831e76c9882a0b8bf8bb4f859b206097dfa8fa8a6902e849c4be6c290e3775a255b4ef29bda3affe4d1cf294bb00d0f81af98a24a458895f8035e6e5a9d78fc1d03cc1daef7cbde88c31449d946f46a5016992e52b48a4176f55664f2e6635d5b78df357525dba84548e2db8fbbc08";
const DSA1024_P: &str = "f07722ae6798847bc7aa470b82374ca450ba3fde8b0dc8c6047c7b4a2af1c74be7ecfc3bffb9af3bc1f6dfe906f6a65d6b706954d51bf882756922807171b923969880e35948d58a7770bde0186a63689c63c54faae7b5c36d643859aeaf9fa3966ba9031c65f94b2f543a9afa20bd1d7ecab49de16baffc21fac61b3496d1c9";
const DSA1024_Q: &str = "c308f972ffb637a376a2e0f3a8def52e3a6f9d09";
const DSA1024_G: &str = "cbfedaf21d178ac4f915ac796543937dc3a0499b26e8282042e8f2d8d0924ca53208278e7a088697d2ea3822714c923b797f83dc1b198e66eaab08c5333d47c2b7f592cb5300f05823f44745920c46be6f8aaf1714021e01b6787eeb46646f1162b4995a10fcf7f357a5cfe5d0cb642d73a557adb01ffb10461c9cbe3ef9f1a1";
const DSA1024_Y: &str = "ed4966b4cecbb49bb7c4d4897f0a66f730fe50c50a7e92e0d131cb5d93bfb815969a7f00abc77d03ed21d4b5857e411c8d413336235a8fa8e1aa7d4106c3db0281d5c246d9e0703b90387c3a428e53df58e4f16a4ec49421f784a00fff9e0544edd4d182a45e1a2cc6c19272b257d31140425e277cb3827457254a103b99112a";
const DSA1024_X: &str = "1557e3e59f5a4a8a5fc6a2e3e85088937d203389";
const DSA1024_SIG_SHA1: &str =
    "13d63cc599b8179ed853e607c31a6480f6e2121e0d3a2f3494f8fbda7e219466efbba4fac2489abe";
const DSA2048_P: &str = "bab59b47a06ba85b687373c19e84e841ea4b47496dad3b5dba6f286631ba909c504fab882d1a932375cd6189da9b0b65f40e833dd5c6b94221b1a6e2aa7e1e871d69506dde6572e19084c28b19e180b8fe0cb97a1444096c9206322977713512374135048b65505c66e53125affb583e5cb5bc6a5237e2332239469087bbaf21988dae9404c473a15df0455df7a5ac2510bac3b597a0f734787108a1fd06293e633392270139274bc674c4abb3af68415ee74b1436cbf8d178de9365a2f6ebce211f3380dcc08c98cb9733f686c4a95053acd96b06583ea50f5d1e84fe8e9c71ae137f6273ab3fd7bd591d157b5a813be7ad251c2679736888106557ac3f888d";
const DSA2048_Q: &str = "83c2d2169bbecd21d40e27a2f71e310172bb7b6deb5cc88e54cc6dd91fbc0d1d";
const DSA2048_G: &str = "b70c5da696a2de77b04f5faae1a6683d9a546cc4865a60ce7ab7a27d1fbf11f1d76625a0faceb92d16592181c2da979b682dc2f76dedd1ce3b531f0bebdce3ed66c8cd6fba711db2dbea27f48b7187d8b0939ca7deb39a9e8abdc99562153f46ebea1a8be3c63112755117fda445ce994d1554c73de08e2c5630fad601a72a63133911a7101b1bdb6f878daf93c389a6ed3496b8ee4f3607c20ff3265d2469de6f43b9ed86fb539e3d39810df49deb61136f8f409d7c5e3890ab21938aa8b70df0075eba72e4658c62cc53ee5086be703f286bd1a5ec8695ed50533850da6f3ea72b64c47a9baf7ded1fa126077908c49e79de67a34c664742aa37de4a95bb88";
const DSA2048_Y: &str = "52ab79ff5b64761ae372c9441b5913661c2489e9030211af5e081289fda6e1bc8abf80e05e37f68accf5370dda5f7506aeef3472a9b87824558d462df16dea2abd0a0b1066c3f7b5c5dca51352944e10792b1d32086cfa4e2f5f17a0d4b82104283f9fe4092c84f49d98cca47ae7b880b23264974c41a78570a19057b5c42cfb43a6ef0910e7df1de2c211917f5c86428737cd55576fabcff968f22bb57161aa3dc153d7d03218c9040e533191c3b01d50d759b3a6780b1ce7181a8eb6d1fa17e3f62b5de7b645fd5152394b7ff24f8f05d4ae9c458ec0a1f2e76ee7bbcef3de31f6ebfa0c542b2b28df68038afde6b90956e896fe92b8b243126659061c06fa";
const DSA2048_X: &str = "61f8e005f424047ae581c75e2da3d4ae1b8ae10990c92d202f686ede3a0e02e9";
const DSA2048_SIG_SHA256: &str = "36c889fc56adaaaaf6243c005d999a0906580e8ad25f130316df881f89f6f338224b23e1f6e425d004f03d3f349f92c806b0b65515363f469549dc52789785dd";
const DH_P: &str = "da822bbce2fcde219f0b563324e51843e5b1a2dba495f43242949e8745972ee1a774d2df9419570e7b1da8602e51a867d59ef4922f536319e30494c4ecee2957";
const DH_G: &str = "02";
const DH_X: &str = "326dd737e84b042bd87040e8e785b6de822fa783738a13a8161547e54822f1db111ce35b561fc835a6689bf59c83c57194b23e5968898b6eedd5154be728a102";
const DH_Y: &str = "794cca43684f695fb8dd274cfc3d48c390f2ae3e208a4b01175d2a7be6a22c0678104854891187565c8763201f18826a38490f4a167011ba25f77e3466bef709";
const DH_PEER_Y: &str = "bc2baec360fd2f47ceb961e9068b96c0c6bc29bed047b5012c801e5bb90bc52b2e4490aac3a8078b45310e900ad103a372c70462cf4771d5122f45607b339744";
const DH_SHARED: &str = "c2c4aac2d52b226458656a3986cf4ae0fe17bbb77c4a039160b50d40cbc0ae684d2f290c25c2c2d995677f061baee939b408c98b7a8c932b1709a92229cc532f";
const CKDF_Z: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const CKDF_OI: &str = "6f78746565206f7468657220696e666f";
const CKDF_SHA256_50: &str = "376049ed8837a9084e09df724d217ad2f2519849b7672f596df9ef99356ecbadf18500875b6e203bfd4e56b6102a4ba005c5";
const CKDF_SHA1_33: &str = "2375167a6821bde6258f27f3a257f0e5aa6c46d9f08e483e3b79e9e7aa62dcc460";
