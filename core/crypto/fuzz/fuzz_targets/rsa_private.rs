//! Fuzz RSA decryption (NOPAD, PKCS#1 v1.5, OAEP) with arbitrary ciphertexts under a fixed
//! key, and signing under arbitrary key material: no panic, every failure one of the GP codes,
//! every decryption no longer than the modulus.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_crypto::asym::hash::HashAlg;
use oxtee_crypto::asym::rsa::{RsaCipherScheme, RsaKeyPair, RsaSignScheme};
use oxtee_crypto::error::CryptoError;
use rand_core::{CryptoRng, RngCore};
use std::sync::OnceLock;

/// A counter as the RNG: the fuzzer needs determinism, not secrecy.
struct Counter(u64);

impl RngCore for Counter {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1);
        self.0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand_core::impls::fill_bytes_via_next(self, dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for Counter {}

fn key() -> &'static RsaKeyPair {
    static KEY: OnceLock<RsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| RsaKeyPair::generate(512, None, &mut Counter(1)).unwrap())
}

fn expected(e: CryptoError) {
    assert!(
        matches!(
            e,
            CryptoError::BadParameters | CryptoError::NotSupported | CryptoError::Generic
        ),
        "{e:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut rng = Counter(u64::from(mode));
    match mode % 5 {
        0..=3 => {
            let scheme = match mode % 5 {
                0 => RsaCipherScheme::NoPad,
                1 => RsaCipherScheme::Pkcs1v15,
                2 => RsaCipherScheme::Oaep {
                    hash: HashAlg::Sha1,
                    mgf_hash: HashAlg::Sha1,
                    label: Vec::new(),
                },
                _ => RsaCipherScheme::Oaep {
                    hash: HashAlg::Sha256,
                    mgf_hash: HashAlg::Sha1,
                    label: vec![mode],
                },
            };
            match key().decrypt(&scheme, rest, &mut rng) {
                Ok(m) => assert!(m.len() <= key().size()),
                Err(e) => expected(e),
            }
        }
        _ => {
            // Key material: seven length-prefixed fields (n, e, d, p, q, dP, dQ) and qInv.
            let mut fields = Vec::new();
            let mut r = rest;
            for _ in 0..7 {
                let Some((&len, tail)) = r.split_first() else {
                    return;
                };
                let len = usize::from(len).min(tail.len());
                fields.push(&tail[..len]);
                r = &tail[len..];
            }
            fields.push(r);
            let k = RsaKeyPair::from_crt_components(
                fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6],
                fields[7],
            );
            if let Ok(k) = k {
                match k.sign(RsaSignScheme::Pkcs1v15Raw, &[0x5A; 4], &mut rng) {
                    Ok(s) => assert_eq!(s.len(), k.size()),
                    Err(e) => expected(e),
                }
            }
        }
    }
});
