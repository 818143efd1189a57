//! Algorithm families a product may leave out of the core, as cargo features of this crate
//! (all on by default: the set OP-TEE 4.5 builds with its default `CFG_CRYPTO_*` options).
//!
//! A family that is off is refused where GP code first names it — `TEE_AllocateOperation`
//! (`operation::alg_info`) and `TEE_AllocateTransientObject` (`object::type_props`) answer
//! `TEE_ERROR_NOT_SUPPORTED` — and its dispatch arms below those are guarded by the same
//! constants, so the optimiser drops the family's code from the image. Every family's code is
//! still compiled in every build: no feature combination leaves code that does not build.

use supplicant_proto::tee_crypto::*;

/// DES and 3DES (`des`): ciphers, CBC-MAC, CMAC.
pub(crate) const DES: bool = cfg!(feature = "des");
/// MD5 (`md5`): digest, HMAC, RSA and KDF digests.
pub(crate) const MD5: bool = cfg!(feature = "md5");
/// SHA-3 and SHAKE (`sha3`): digests, HMAC, signature digests.
pub(crate) const SHA3: bool = cfg!(feature = "sha3");
/// The Chinese standards (`sm`): SM2 signatures, encryption and key exchange, SM3, SM4.
pub(crate) const SM: bool = cfg!(feature = "sm");
/// DSA (`dsa`).
pub(crate) const DSA: bool = cfg!(feature = "dsa");
/// Finite-field Diffie-Hellman (`dh`).
pub(crate) const DH: bool = cfg!(feature = "dh");
/// X25519 and Ed25519 (`curve25519`).
pub(crate) const CURVE25519: bool = cfg!(feature = "curve25519");

/// Whether the family of a main algorithm (`TEE_MAIN_ALGO_*`, also a hash number) is built.
fn main_enabled(main: u32) -> bool {
    match main {
        TEE_MAIN_ALGO_MD5 => MD5,
        TEE_MAIN_ALGO_SHA3_224
        | TEE_MAIN_ALGO_SHA3_256
        | TEE_MAIN_ALGO_SHA3_384
        | TEE_MAIN_ALGO_SHA3_512
        | TEE_MAIN_ALGO_SHAKE128
        | TEE_MAIN_ALGO_SHAKE256 => SHA3,
        TEE_MAIN_ALGO_SM3
        | TEE_MAIN_ALGO_SM4
        | TEE_MAIN_ALGO_SM2_DSA
        | TEE_MAIN_ALGO_SM2_KEP
        | TEE_MAIN_ALGO_SM2_PKE => SM,
        TEE_MAIN_ALGO_DES | TEE_MAIN_ALGO_DES2 | TEE_MAIN_ALGO_DES3 => DES,
        TEE_MAIN_ALGO_DSA => DSA,
        TEE_MAIN_ALGO_DH => DH,
        TEE_MAIN_ALGO_ED25519 | TEE_MAIN_ALGO_X25519 => CURVE25519,
        _ => true,
    }
}

/// Whether algorithm ID `alg` and every hash it names are built (`TEE_AllocateOperation`
/// answers `TEE_ERROR_NOT_SUPPORTED` for one that is not).
pub fn algorithm_enabled(alg: u32) -> bool {
    let main = tee_alg_get_main_alg(alg);
    // The GP 1.3 ECDSA IDs (0x7000_x042) number their digest in bits 15:12, SHA-1..SHA3-512
    // as 1..9.
    if alg & 0xFFFF_0FFF == 0x7000_0042 {
        return !(6..=9).contains(&((alg >> 12) & 0xF)) || SHA3;
    }
    // The digest of a signature, OAEP or KDF algorithm (bits 15:12) and the MGF1 digest
    // (bits 23:20).
    let hashes_enabled = match main {
        TEE_MAIN_ALGO_RSA => main_enabled((alg >> 12) & 0xF) && main_enabled((alg >> 20) & 0xF),
        TEE_MAIN_ALGO_DSA
        | TEE_MAIN_ALGO_HKDF
        | TEE_MAIN_ALGO_CONCAT_KDF
        | TEE_MAIN_ALGO_PBKDF2 => main_enabled((alg >> 12) & 0xF),
        _ => true,
    };
    main_enabled(main) && hashes_enabled
}

/// Whether object type `t` (`TEE_TYPE_*`: the key's main algorithm in its low byte) is built.
pub(crate) fn object_type_enabled(t: u32) -> bool {
    match t {
        TEE_TYPE_GENERIC_SECRET | TEE_TYPE_DATA | TEE_TYPE_CORRUPTED_OBJECT => true,
        _ => main_enabled(t & 0xFF),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_and_types_map_to_their_family() {
        // Always built: AES, SHA-2, RSA with SHA-2, ECDSA, the KDFs on SHA-2.
        for alg in [
            TEE_ALG_AES_GCM,
            TEE_ALG_SHA256,
            TEE_ALG_HMAC_SHA512,
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
            TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384,
            TEE_ALG_ECDSA_SHA256,
            TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
            0x8000_40C0, // HKDF-SHA256
        ] {
            assert!(algorithm_enabled(alg), "{alg:#x}");
        }
        for (alg, on) in [
            (TEE_ALG_MD5, MD5),
            (TEE_ALG_HMAC_MD5, MD5),
            (TEE_ALG_RSASSA_PKCS1_V1_5_MD5, MD5),
            (0x8000_10C0, MD5), // HKDF-MD5
            (TEE_ALG_SHA3_256, SHA3),
            (TEE_ALG_SHAKE128, SHA3),
            (TEE_ALG_HMAC_SHA3_512, SHA3),
            (TEE_ALG_ECDSA_SHA3_256, SHA3),
            (TEE_ALG_SM3, SM),
            (TEE_ALG_SM4_CBC_NOPAD, SM),
            (TEE_ALG_SM2_PKE, SM),
            (TEE_ALG_SM2_KEP, SM),
            (TEE_ALG_DES3_CMAC, DES),
            (TEE_ALG_DES_ECB_NOPAD, DES),
            (TEE_ALG_DSA_SHA256, DSA),
            (TEE_ALG_DH_DERIVE_SHARED_SECRET, DH),
            (TEE_ALG_X25519, CURVE25519),
            (TEE_ALG_ED25519, CURVE25519),
        ] {
            assert_eq!(algorithm_enabled(alg), on, "{alg:#x}");
        }
        // The legacy ECDSA IDs name curves, not hashes, in the same bits.
        assert!(algorithm_enabled(0x7000_1041));
        for (t, on) in [
            (TEE_TYPE_AES, true),
            (TEE_TYPE_GENERIC_SECRET, true),
            (TEE_TYPE_ECDSA_KEYPAIR, true),
            (TEE_TYPE_DES3, DES),
            (TEE_TYPE_HMAC_MD5, MD5),
            (TEE_TYPE_HMAC_SHA3_224, SHA3),
            (TEE_TYPE_SM2_DSA_KEYPAIR, SM),
            (TEE_TYPE_DSA_KEYPAIR, DSA),
            (TEE_TYPE_DH_KEYPAIR, DH),
            (TEE_TYPE_X25519_KEYPAIR, CURVE25519),
        ] {
            assert_eq!(object_type_enabled(t), on, "{t:#x}");
        }
    }
}
