//! RSA on our own integers against the `rsa` crate (a dev-dependency only): keys generated here
//! pass its checks and give its CRT values, its PKCS#1 v1.5 and PSS signatures verify here and
//! ours there (odd modulus lengths included), its decryption reads our PKCS#1 v1.5 and OAEP
//! ciphertexts, and the public-exponent limits are the ones it had.

use oxtee_crypto::asym::hash::HashAlg;
use oxtee_crypto::asym::rsa::{RsaCipherScheme, RsaKeyPair, RsaPublicKey, RsaSignScheme};
use oxtee_crypto::error::CryptoError;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::BigUint;
use sha2::Digest;

mod test_rng;
use test_rng::TestRng;

fn big(b: &[u8]) -> BigUint {
    BigUint::from_bytes_be(b)
}

/// The reference crate's key for ours.
fn reference(k: &RsaKeyPair) -> rsa::RsaPrivateKey {
    let c = k.components();
    rsa::RsaPrivateKey::from_components(big(&c.n), big(&c.e), big(&c.d), vec![big(&c.p), big(&c.q)])
        .expect("the reference accepts our key")
}

#[test]
fn generated_keys_pass_the_reference_checks() {
    let mut rng = TestRng(0x1234_5678);
    for (bits, e) in [
        (256u32, None),
        (257, Some(vec![3u8])),
        (521, None),
        (1024, Some(vec![0x01, 0xFF, 0xFF, 0xFF, 0xFF])),
        (1031, Some(vec![0x11])),
    ] {
        let k = RsaKeyPair::generate(bits, e.as_deref(), &mut rng).unwrap();
        assert_eq!(k.bits(), bits as usize);
        let c = k.components();
        let r = reference(&k);
        r.validate().unwrap();
        let (p, q) = (big(&c.p), big(&c.q));
        assert_eq!(big(&c.dp), big(&c.d) % (&p - 1u32));
        assert_eq!(big(&c.dq), big(&c.d) % (&q - 1u32));
        assert_eq!(Some(big(&c.qinv)), r.crt_coefficient());
        // The primes are about half the size each, and d is above 2^(bits/2).
        assert!(p.bits() + q.bits() == bits as usize);
        assert!(big(&c.d).bits() > bits as usize / 2);
        // d is e^-1 mod lcm(p-1, q-1), the smallest such exponent.
        use num_integer::Integer;
        let lambda = (&p - 1u32).lcm(&(&q - 1u32));
        assert!(big(&c.d) < lambda);
        assert_eq!((big(&c.d) * big(&c.e)) % &lambda, BigUint::from(1u32));
    }
}

#[test]
fn public_exponent_limits_are_unchanged() {
    let mut rng = TestRng(5);
    let max = [0x01, 0xFF, 0xFF, 0xFF, 0xFF];
    assert!(RsaKeyPair::generate(256, Some(&max), &mut rng).is_ok());
    for bad in [
        &[0x02, 0x00, 0x00, 0x00, 0x01][..],
        &[1],
        &[0],
        &[],
        &[2],
        &[0x01, 0x00, 0x00],
    ] {
        assert_eq!(
            RsaKeyPair::generate(256, Some(bad), &mut rng).map(|_| ()),
            Err(CryptoError::BadParameters),
            "{bad:?}"
        );
    }
    // The same limits on import, where the reference crate had them.
    let k = RsaKeyPair::generate(512, None, &mut rng).unwrap();
    let n = k.components().n;
    for (e, ok) in [
        (&[3u8][..], true),
        (&max, true),
        (&[0x02, 0x00, 0x00, 0x00, 0x01], false),
        (&[2], false),
        (&[1], false),
        (&[4], false),
    ] {
        assert_eq!(RsaPublicKey::from_components(&n, e).is_ok(), ok, "{e:?}");
        let theirs = rsa::RsaPublicKey::new_with_max_size(big(&n), big(e), 4096).is_ok();
        assert_eq!(theirs, ok, "{e:?}");
    }
    // Even modulus, e >= n, n over 4096 bits.
    assert!(RsaPublicKey::from_components(&[0x10, 0x00], &[3]).is_err());
    assert!(RsaPublicKey::from_components(&[0x0F], &[0x11]).is_err());
    let mut huge = vec![0xFF; 513];
    huge[0] = 1;
    assert!(RsaPublicKey::from_components(&huge, &[3]).is_err());
}

#[test]
fn signatures_cross_verify_with_the_reference() {
    let mut rng = TestRng(77);
    for bits in [1024u32, 1025, 1031, 2048] {
        let k = RsaKeyPair::generate(bits, None, &mut rng).unwrap();
        let r = reference(&k);
        let public = k.public_key();
        let rpub = r.to_public_key();
        let digest = sha2::Sha256::digest(b"message").to_vec();
        // PKCS#1 v1.5 both ways.
        let scheme = RsaSignScheme::Pkcs1v15(HashAlg::Sha256);
        let ours = k.sign(scheme, &digest, &mut rng).unwrap();
        rpub.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, &ours)
            .unwrap();
        let theirs = r
            .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)
            .unwrap();
        public.verify(scheme, &digest, &theirs).unwrap();
        // PSS with several salt lengths, both ways.
        for salt_len in [0usize, 20, 32] {
            let scheme = RsaSignScheme::Pss {
                hash: HashAlg::Sha256,
                salt_len,
            };
            let ours = k.sign(scheme, &digest, &mut rng).unwrap();
            rpub.verify(
                rsa::Pss::new_with_salt::<sha2::Sha256>(salt_len),
                &digest,
                &ours,
            )
            .unwrap();
            let theirs = r
                .sign_with_rng(
                    &mut rng,
                    rsa::Pss::new_with_salt::<sha2::Sha256>(salt_len),
                    &digest,
                )
                .unwrap();
            public.verify(scheme, &digest, &theirs).unwrap();
            // A flipped bit anywhere, the wrong salt length or another digest: invalid.
            for i in [0usize, theirs.len() / 2, theirs.len() - 1] {
                let mut bad = theirs.clone();
                bad[i] ^= 0x04;
                assert_eq!(
                    public.verify(scheme, &digest, &bad),
                    Err(CryptoError::SignatureInvalid)
                );
            }
            let other = RsaSignScheme::Pss {
                hash: HashAlg::Sha256,
                salt_len: salt_len + 1,
            };
            assert_eq!(
                public.verify(other, &digest, &theirs),
                Err(CryptoError::SignatureInvalid)
            );
            let mut d2 = digest.clone();
            d2[0] ^= 1;
            assert_eq!(
                public.verify(scheme, &d2, &theirs),
                Err(CryptoError::SignatureInvalid)
            );
        }
        // A signature of n or above is invalid, as is one of the wrong length.
        let n = k.components().n;
        assert_eq!(
            public.verify(scheme, &digest, &n),
            Err(CryptoError::SignatureInvalid)
        );
        assert_eq!(
            public.verify(scheme, &digest, &ours[1..]),
            Err(CryptoError::SignatureInvalid)
        );
    }
}

#[test]
fn encryption_is_read_by_the_reference() {
    let mut rng = TestRng(99);
    let k = RsaKeyPair::generate(1024, None, &mut rng).unwrap();
    let r = reference(&k);
    let public = k.public_key();
    let msg = b"sixteen byte key";
    for _ in 0..8 {
        let c = public
            .encrypt(&RsaCipherScheme::Pkcs1v15, msg, &mut rng)
            .unwrap();
        assert_eq!(c.len(), 128);
        assert_eq!(r.decrypt(rsa::Pkcs1v15Encrypt, &c).unwrap(), msg);
        let oaep = RsaCipherScheme::from_alg(0x6041_0230, &[], None).unwrap();
        let c = public.encrypt(&oaep, msg, &mut rng).unwrap();
        assert_eq!(
            r.decrypt(rsa::Oaep::new::<sha2::Sha256>(), &c).unwrap(),
            msg
        );
    }
    // Too long for PKCS#1 v1.5: k - 11 bytes at most.
    assert!(public
        .encrypt(&RsaCipherScheme::Pkcs1v15, &[7u8; 117], &mut rng)
        .is_ok());
    assert_eq!(
        public.encrypt(&RsaCipherScheme::Pkcs1v15, &[7u8; 118], &mut rng),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn keys_from_the_reference_import_with_and_without_primes() {
    let mut rng = TestRng(3);
    for e in [3u32, 17, 65537] {
        let r = rsa::RsaPrivateKey::new_with_exp(&mut rng, 768, &BigUint::from(e)).unwrap();
        let (n, e, d) = (
            r.n().to_bytes_be(),
            r.e().to_bytes_be(),
            r.d().to_bytes_be(),
        );
        let (p, q) = (r.primes()[0].to_bytes_be(), r.primes()[1].to_bytes_be());
        let with = RsaKeyPair::from_components(&n, &e, &d, Some((&p, &q))).unwrap();
        let without = RsaKeyPair::from_components(&n, &e, &d, None).unwrap();
        let c = with.components();
        assert_eq!(big(&c.qinv), r.crt_coefficient().unwrap());
        assert_eq!(without.components().n, n);
        let digest = [0x5Au8; 32];
        let scheme = RsaSignScheme::Pkcs1v15(HashAlg::Sha256);
        let s = without.sign(scheme, &digest, &mut rng).unwrap();
        assert_eq!(s, with.sign(scheme, &digest, &mut rng).unwrap());
        r.to_public_key()
            .verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, &s)
            .unwrap();
        // Primes that do not multiply to n, or a d that does not fit them: refused.
        assert_eq!(
            RsaKeyPair::from_components(&n, &e, &d, Some((&p, &p))).map(|_| ()),
            Err(CryptoError::BadParameters)
        );
        let mut bad_d = d.clone();
        *bad_d.last_mut().unwrap() ^= 4;
        assert_eq!(
            RsaKeyPair::from_components(&n, &e, &bad_d, Some((&p, &q))).map(|_| ()),
            Err(CryptoError::BadParameters)
        );
        // A wrong CRT coefficient is caught.
        let mut qinv = c.qinv.to_vec();
        *qinv.last_mut().unwrap() ^= 1;
        assert_eq!(
            RsaKeyPair::from_crt_components(&n, &e, &d, &p, &q, &c.dp, &c.dq, &qinv).map(|_| ()),
            Err(CryptoError::BadParameters)
        );
    }
}
