//! Algorithm families as cargo features: in every feature set, an algorithm or object type of
//! a family the build leaves out is refused with `TEE_ERROR_NOT_SUPPORTED` where GP code first
//! names it, and one of a family that is built is accepted. `cargo test -p oxtee-crypto`
//! checks the default (every family); `make host-test` also runs this file with none.

use oxtee_crypto::{CryptoError, KeyObject, Operation};
use supplicant_proto::tee_crypto::*;

/// (family built, an algorithm, its mode, its key size, an object type of the family).
fn families() -> [(bool, u32, u32, u32, u32); 7] {
    [
        (
            cfg!(feature = "des"),
            TEE_ALG_DES3_CBC_NOPAD,
            TEE_MODE_ENCRYPT,
            192,
            TEE_TYPE_DES3,
        ),
        (
            cfg!(feature = "md5"),
            TEE_ALG_HMAC_MD5,
            TEE_MODE_MAC,
            128,
            TEE_TYPE_HMAC_MD5,
        ),
        (
            cfg!(feature = "sha3"),
            TEE_ALG_SHA3_256,
            TEE_MODE_DIGEST,
            0,
            TEE_TYPE_HMAC_SHA3_256,
        ),
        (
            cfg!(feature = "sm"),
            TEE_ALG_SM4_CBC_NOPAD,
            TEE_MODE_ENCRYPT,
            128,
            TEE_TYPE_SM4,
        ),
        (
            cfg!(feature = "dsa"),
            TEE_ALG_DSA_SHA256,
            TEE_MODE_SIGN,
            2048,
            TEE_TYPE_DSA_KEYPAIR,
        ),
        (
            cfg!(feature = "dh"),
            TEE_ALG_DH_DERIVE_SHARED_SECRET,
            TEE_MODE_DERIVE,
            2048,
            TEE_TYPE_DH_KEYPAIR,
        ),
        (
            cfg!(feature = "curve25519"),
            TEE_ALG_X25519,
            TEE_MODE_DERIVE,
            256,
            TEE_TYPE_X25519_KEYPAIR,
        ),
    ]
}

#[test]
fn a_family_is_offered_exactly_when_built() {
    for (built, alg, mode, bits, obj_type) in families() {
        // The kernel asks `algorithm_supported` first; symmetric operations are built at once.
        assert_eq!(oxtee_crypto::algorithm_supported(alg), built, "{alg:#x}");
        let symmetric = matches!(mode, TEE_MODE_ENCRYPT | TEE_MODE_MAC | TEE_MODE_DIGEST);
        let op = if symmetric {
            Operation::new(alg, mode, bits).map(|_| ())
        } else if built {
            Ok(())
        } else {
            Err(CryptoError::NotSupported)
        };
        let obj = KeyObject::new(obj_type, if bits == 0 { 256 } else { bits }).map(|_| ());
        if built {
            assert_eq!(op, Ok(()), "algorithm {alg:#x}");
            assert_eq!(obj, Ok(()), "object type {obj_type:#x}");
        } else {
            assert_eq!(op, Err(CryptoError::NotSupported), "algorithm {alg:#x}");
            assert_eq!(
                obj,
                Err(CryptoError::NotSupported),
                "object type {obj_type:#x}"
            );
        }
    }
}

#[test]
fn the_families_every_build_has() {
    // AES, SHA-2, HMAC-SHA-2, RSA, ECDSA/ECDH and the KDFs on SHA-2 are not optional.
    for (alg, mode, bits) in [
        (TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT, 256),
        (TEE_ALG_SHA256, TEE_MODE_DIGEST, 0),
        (TEE_ALG_HMAC_SHA256, TEE_MODE_MAC, 256),
    ] {
        assert!(
            Operation::new(alg, mode, bits).is_ok(),
            "algorithm {alg:#x}"
        );
    }
    for alg in [
        TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256,
        TEE_ALG_ECDSA_SHA256,
        TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
        0x8000_40C0, // HKDF-SHA256
    ] {
        assert!(oxtee_crypto::algorithm_supported(alg), "algorithm {alg:#x}");
    }
    for (obj_type, bits) in [
        (TEE_TYPE_AES, 256),
        (TEE_TYPE_RSA_KEYPAIR, 2048),
        (TEE_TYPE_ECDSA_KEYPAIR, 256),
        (TEE_TYPE_GENERIC_SECRET, 256),
    ] {
        assert!(
            KeyObject::new(obj_type, bits).is_ok(),
            "object type {obj_type:#x}"
        );
    }
}
