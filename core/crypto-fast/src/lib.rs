#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod accel;
pub mod aes_key;
mod ecc;
pub mod gcm;
pub mod ghash;
pub mod hash;
pub mod modexp;
pub mod rsa;

pub use rand_core::CryptoRngCore;

/// The generic curve code `curve_ops!` expands to, reachable from other crates.
#[doc(hidden)]
pub mod deps {
    pub use ecdsa;
    pub use elliptic_curve;
    pub use zeroize;
}

/// Why a primitive refused its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Malformed or out-of-range key material or parameters (`TEE_ERROR_BAD_PARAMETERS`).
    BadParameters,
    /// A signature that does not verify (`TEE_ERROR_SIGNATURE_INVALID`).
    SignatureInvalid,
    /// A call out of order, e.g. GCM's AAD after its data (`TEE_ERROR_BAD_STATE`).
    BadState,
    /// An authentication tag that does not match (`TEE_ERROR_MAC_INVALID`).
    MacInvalid,
    /// A private-key result that failed its check with the public key: a fault in the
    /// computation or an inconsistent key (`TEE_ERROR_GENERIC`).
    Fault,
}

curve_ops!(
    /// ECDSA, ECDH and keys on NIST P-256 (secp256r1).
    pub p256,
    p256::NistP256
);

#[cfg(test)]
mod tests {
    use hex_literal::hex;
    use rand_core::{CryptoRng, RngCore};

    /// A deterministic stand-in generator (tests only).
    struct Counter(u64);

    impl RngCore for Counter {
        fn next_u32(&mut self) -> u32 {
            self.next_u64() as u32
        }
        fn next_u64(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
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

    const D: [u8; 32] = hex!("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
    const X: [u8; 32] = hex!("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180");

    #[test]
    fn p256_ecdh_rfc5903() {
        let (x, y) = super::p256::public_of(&D).unwrap();
        assert_eq!(x, X);
        super::p256::check_public(&x, &y).unwrap();
        let z = super::p256::ecdh(
            &D,
            &hex!("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"),
            &hex!("56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB"),
        )
        .unwrap();
        assert_eq!(
            z,
            hex!("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE")
        );
    }

    #[test]
    fn p256_sign_verify() {
        let mut rng = Counter(7);
        let (d, x, y) = super::p256::generate(&mut rng);
        let digest = [0x5Au8; 32];
        let mut sig = super::p256::sign(&d, &digest, &mut rng).unwrap();
        assert_eq!(sig.len(), 64);
        super::p256::verify(&x, &y, &digest, &sig).unwrap();
        // A short digest is an integer, a long one is truncated.
        let short = super::p256::sign(&d, &digest[..20], &mut rng).unwrap();
        super::p256::verify(&x, &y, &digest[..20], &short).unwrap();
        let long = [digest, digest].concat();
        let s = super::p256::sign(&d, &long, &mut rng).unwrap();
        super::p256::verify(&x, &y, &digest, &s).unwrap();
        sig[10] ^= 1;
        assert_eq!(
            super::p256::verify(&x, &y, &digest, &sig),
            Err(super::Error::SignatureInvalid)
        );
    }

    #[test]
    fn p256_refuses_bad_keys() {
        assert_eq!(
            super::p256::public_of(&[0; 32]),
            Err(super::Error::BadParameters)
        );
        assert_eq!(
            super::p256::public_of(&[0xFF; 32]),
            Err(super::Error::BadParameters)
        );
        assert_eq!(
            super::p256::check_public(&X, &X),
            Err(super::Error::BadParameters)
        );
    }
}
