//! Hand-built signed TA files: valid ones verify, every tamper is refused.

mod common;

use common::*;
use oxtee_ta_verify::{next_uuid, verify_ta, ImageType, TaError};
use supplicant_proto::ta_shdr::*;
use supplicant_proto::tee_result::{
    TEE_ERROR_ACCESS_CONFLICT, TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_SECURITY,
};
use zerocopy::IntoBytes;

const HDR: usize = 20 + 32 + 256;

fn refuse(file: &[u8], uuid: [u8; 16], keys: &[oxtee_ta_verify::RsaPublicKey]) -> TaError {
    let err = verify_ta(file, uuid, keys, None).expect_err("tampered file accepted");
    assert_eq!(err.tee_result(), TEE_ERROR_SECURITY, "{err:?}");
    err
}

#[test]
fn bootstrap_pss_and_pkcs1_verify() {
    let root = key("root");
    let payload = elf(5000);
    for algo in [
        PSS256,
        V15_256,
        TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512,
        TEE_ALG_RSASSA_PKCS1_V1_5_SHA384,
    ] {
        let file = bootstrap_ta(&root, algo, UUID, 7, &payload);
        let ta = verify_ta(&file, UUID, &[public(&root)], Some(7)).unwrap();
        assert_eq!(ta.elf, &payload[..]);
        assert_eq!(ta.uuid, UUID);
        assert_eq!(ta.version, Some(7));
        assert_eq!(ta.image_type, ImageType::Bootstrap);
        assert_eq!(ta.algo, algo);
        assert_eq!(ta.root_key, 0);
        assert!(ta.subkeys.is_empty());
    }
    let file = bootstrap_ta(&root, PSS256, UUID, 0, &payload);
    assert_eq!(
        verify_ta(&file, UUID, &[public(&root)], None)
            .unwrap()
            .elf
            .as_ptr(),
        file[HDR + 20..].as_ptr()
    );
}

#[test]
fn second_trusted_key_and_n_e_construction() {
    let root = key("root");
    let file = bootstrap_ta(&root, PSS256, UUID, 0, &elf(100));
    let keys = [public(&key("wrong")), key_from_parts(&root)];
    assert_eq!(verify_ta(&file, UUID, &keys, None).unwrap().root_key, 1);
}

#[test]
fn legacy_ta_verifies_without_uuid() {
    let root = key("root");
    let file = legacy_ta(&root, PSS256, &elf(64));
    let ta = verify_ta(&file, UUID, &[public(&root)], Some(5)).unwrap();
    assert_eq!(ta.image_type, ImageType::Legacy);
    assert_eq!(ta.version, None);
    assert_eq!(ta.elf.len(), 64);
}

#[test]
fn every_byte_flip_in_a_small_file_is_refused() {
    let root = key("root");
    let keys = [public(&root)];
    let file = bootstrap_ta(&root, PSS256, UUID, 1, &elf(48));
    for i in 0..file.len() {
        let mut bad = file.clone();
        bad[i] ^= 0x01;
        let err = verify_ta(&bad, UUID, &keys, None).expect_err("flip accepted");
        assert_eq!(err.tee_result(), TEE_ERROR_SECURITY, "byte {i}: {err:?}");
    }
}

#[test]
fn named_tampers_are_refused() {
    let root = key("root");
    let keys = [public(&root)];
    let file = bootstrap_ta(&root, PSS256, UUID, 1, &elf(4096));

    let mut bad = file.clone();
    bad[20 + 32 + 100] ^= 0x80;
    assert_eq!(refuse(&bad, UUID, &keys), TaError::BadSignature);

    let mut bad = file.clone();
    bad[HDR + 20 + 2000] ^= 0x04;
    assert_eq!(refuse(&bad, UUID, &keys), TaError::HashMismatch);

    let mut bad = file.clone();
    bad[20] ^= 0x01;
    assert_eq!(refuse(&bad, UUID, &keys), TaError::BadSignature);

    assert_eq!(
        refuse(&file, UUID, &[public(&key("wrong"))]),
        TaError::BadSignature
    );
    assert_eq!(refuse(&file, UUID, &[]), TaError::BadSignature);

    let mut other = UUID;
    other[15] ^= 1;
    assert_eq!(refuse(&file, other, &keys), TaError::UuidMismatch);

    let mut bad = file.clone();
    bad[0] = b'X';
    assert_eq!(refuse(&bad, UUID, &keys), TaError::BadMagic);

    for len in [0, 10, 19, 20, 51, HDR - 1, HDR, HDR + 19, file.len() - 1] {
        refuse(&file[..len], UUID, &keys);
    }
    let mut longer = file.clone();
    longer.push(0);
    assert_eq!(refuse(&longer, UUID, &keys), TaError::SizeMismatch);
}

#[test]
fn oversized_and_inconsistent_sizes_are_refused() {
    let root = key("root");
    let keys = [public(&root)];
    let file = bootstrap_ta(&root, PSS256, UUID, 1, &elf(256));
    let set = |off: usize, bytes: &[u8]| {
        let mut b = file.clone();
        b[off..off + bytes.len()].copy_from_slice(bytes);
        b
    };
    // img_size: huge, off by one. The fixed fields are only covered by the hash, and the
    // size check comes before hashing (as in OP-TEE).
    assert_eq!(
        refuse(&set(8, &u32::MAX.to_le_bytes()), UUID, &keys),
        TaError::SizeMismatch
    );
    assert_eq!(
        refuse(&set(8, &255u32.to_le_bytes()), UUID, &keys),
        TaError::SizeMismatch
    );
    // hash_size / sig_size: huge, zero, wrong.
    assert_eq!(
        refuse(&set(16, &u16::MAX.to_le_bytes()), UUID, &keys),
        TaError::Truncated
    );
    assert_eq!(
        refuse(&set(18, &u16::MAX.to_le_bytes()), UUID, &keys),
        TaError::Truncated
    );
    refuse(&set(16, &0u16.to_le_bytes()), UUID, &keys);
    refuse(&set(18, &0u16.to_le_bytes()), UUID, &keys);
    refuse(&set(16, &48u16.to_le_bytes()), UUID, &keys);
    // Algorithms OP-TEE refuses: SHA-1, MD5, ECDSA, nonsense.
    for algo in [0x7000_2830u32, 0x7021_2930, 0x7000_1830, 0x7000_3042, 0] {
        assert_eq!(
            refuse(&set(12, &algo.to_le_bytes()), UUID, &keys),
            TaError::UnsupportedAlgorithm(algo)
        );
    }
}

#[test]
fn header_with_consistent_but_wrong_img_size_is_refused() {
    // Signed correctly but claims a larger ELF than the file holds.
    let root = key("root");
    let payload = elf(100);
    let bs = ShdrBootstrapTa {
        uuid: UUID,
        ta_version: 0,
    };
    let mut body = bs.as_bytes().to_vec();
    body.extend_from_slice(&payload);
    let file = signed(
        &root,
        PSS256,
        SHDR_BOOTSTRAP_TA,
        0x7FFF_FFFF,
        &[bs.as_bytes(), &payload],
        &body,
    );
    assert_eq!(refuse(&file, UUID, &[public(&root)]), TaError::SizeMismatch);
}

#[test]
fn unknown_image_type_is_refused() {
    let root = key("root");
    let payload = elf(32);
    let file = signed(&root, PSS256, 7, 32, &[&payload], &payload);
    assert_eq!(
        refuse(&file, UUID, &[public(&root)]),
        TaError::BadImageType(7)
    );
}

#[test]
fn weak_key_and_wrong_salt_are_refused() {
    let weak = key("weak1024");
    let file = bootstrap_ta(&weak, PSS256, UUID, 0, &elf(32));
    assert_eq!(refuse(&file, UUID, &[public(&weak)]), TaError::BadKey);

    // PSS with a 20-byte salt instead of 32.
    let root = key("root");
    let mut file = bootstrap_ta(&root, PSS256, UUID, 0, &elf(32));
    let sig = sign_hash_salt(&root, PSS256, &file[20..52], Some(20));
    file[52..52 + 256].copy_from_slice(&sig);
    assert_eq!(refuse(&file, UUID, &[public(&root)]), TaError::BadSignature);
}

#[test]
fn rollback_is_access_conflict() {
    let root = key("root");
    let file = bootstrap_ta(&root, PSS256, UUID, 3, &elf(32));
    let err = verify_ta(&file, UUID, &[public(&root)], Some(4)).unwrap_err();
    assert_eq!(
        err,
        TaError::Rollback {
            version: 3,
            min_version: 4
        }
    );
    assert_eq!(err.tee_result(), TEE_ERROR_ACCESS_CONFLICT);
}

#[test]
fn encrypted_ta_is_not_supported_after_header_checks() {
    let root = key("root");
    let ct = elf(64);
    let bs = ShdrBootstrapTa {
        uuid: UUID,
        ta_version: 0,
    };
    let eh = ShdrEncryptedTa {
        enc_algo: TEE_ALG_AES_GCM,
        flags: 0,
        iv_size: 12,
        tag_size: 16,
    };
    let mut body = bs.as_bytes().to_vec();
    body.extend_from_slice(eh.as_bytes());
    body.extend_from_slice(&[0x11; 28]);
    body.extend_from_slice(&ct);
    let file = signed(
        &root,
        PSS256,
        SHDR_ENCRYPTED_TA,
        64,
        &[&body[..20 + 12 + 28], &ct],
        &body,
    );
    let err = verify_ta(&file, UUID, &[public(&root)], None).unwrap_err();
    assert_eq!(err, TaError::EncryptedNotSupported);
    assert_eq!(err.tee_result(), TEE_ERROR_NOT_SUPPORTED);
    // A wrong key or UUID is still a security error.
    refuse(&file, UUID, &[public(&key("wrong"))]);
    let mut other = UUID;
    other[0] ^= 1;
    assert_eq!(
        refuse(&file, other, &[public(&root)]),
        TaError::UuidMismatch
    );
}

/// root -> top (uuid NS, name "mid") -> mid (uuid derived, name "ta") -> TA (uuid derived).
fn chain() -> (Vec<u8>, [u8; 16]) {
    let (root, top, mid) = (key("root"), key("sub"), key("wrong"));
    let ns = [
        0xf0, 0x4f, 0xa9, 0x96, 0x14, 0x8a, 0x45, 0x3c, 0xb0, 0x37, 0x1d, 0xcf, 0xba, 0xd1, 0x20,
        0xa6,
    ];
    let mid_uuid = next_uuid(&ns, b"mid\0\0\0\0\0");
    let ta_uuid = next_uuid(&mid_uuid, b"ta");
    let mut file = subkey(&root, PSS256, &top, PSS256, ns, b"mid\0\0\0\0\0", 1, 4);
    file.extend(subkey(&top, PSS256, &mid, V15_256, mid_uuid, b"ta", 2, 3));
    file.extend(bootstrap_ta(&mid, V15_256, ta_uuid, 9, &elf(777)));
    (file, ta_uuid)
}

#[test]
fn subkey_chain_verifies() {
    let (file, ta_uuid) = chain();
    assert_eq!(ta_uuid[6] >> 4, 5);
    assert_eq!(ta_uuid[8] & 0xC0, 0x80);
    let ta = verify_ta(&file, ta_uuid, &[public(&key("root"))], None).unwrap();
    assert_eq!(ta.elf.len(), 777);
    assert_eq!(ta.version, Some(9));
    assert_eq!(ta.subkeys.len(), 2);
    assert_eq!((ta.subkeys[0].version, ta.subkeys[0].max_depth), (1, 4));
    assert_eq!((ta.subkeys[1].version, ta.subkeys[1].max_depth), (2, 3));
}

#[test]
fn subkey_chain_tampers_are_refused() {
    let (file, ta_uuid) = chain();
    let keys = [public(&key("root"))];
    // The subkey (top-level) must not be trusted as a root for the chain.
    refuse(&file, ta_uuid, &[public(&key("sub"))]);
    let mut other = ta_uuid;
    other[3] ^= 1;
    refuse(&file, other, &keys);
    // Flip bytes spread over the whole chain: each lands in a signed or hashed area.
    for i in (0..file.len()).step_by(37) {
        let mut bad = file.clone();
        bad[i] ^= 0x40;
        let err = verify_ta(&bad, ta_uuid, &keys, None).expect_err("flip accepted");
        assert_eq!(err.tee_result(), TEE_ERROR_SECURITY, "byte {i}: {err:?}");
    }
    for len in (0..file.len()).step_by(101) {
        refuse(&file[..len], ta_uuid, &keys);
    }
}

#[test]
fn subkey_rules_are_enforced() {
    let (root, sub) = (key("root"), key("sub"));
    let keys = [public(&root)];
    let ns = [7u8; 16];
    // Depth must decrease.
    let mut f = subkey(&root, PSS256, &sub, PSS256, ns, b"a", 1, 2);
    let u1 = next_uuid(&ns, b"a");
    f.extend(subkey(&sub, PSS256, &sub, PSS256, u1, b"b", 1, 2));
    f.extend(bootstrap_ta(
        &sub,
        PSS256,
        next_uuid(&u1, b"b"),
        0,
        &elf(10),
    ));
    assert_eq!(refuse(&f, next_uuid(&u1, b"b"), &keys), TaError::BadSubkey);
    // Second subkey's UUID must be the namespace derived by the first.
    let mut f = subkey(&root, PSS256, &sub, PSS256, ns, b"a", 1, 2);
    f.extend(subkey(&sub, PSS256, &sub, PSS256, [9; 16], b"b", 1, 1));
    f.extend(bootstrap_ta(
        &sub,
        PSS256,
        next_uuid(&[9; 16], b"b"),
        0,
        &elf(10),
    ));
    assert_eq!(
        refuse(&f, next_uuid(&[9; 16], b"b"), &keys),
        TaError::UuidMismatch
    );
    // Identity subkey: name_size 0, TA UUID must be the subkey UUID.
    let mut f = subkey(&root, PSS256, &sub, PSS256, UUID, b"", 1, 0);
    f.extend(bootstrap_ta(&sub, PSS256, UUID, 0, &elf(10)));
    assert!(verify_ta(&f, UUID, &keys, None).is_ok());
    let mut other = UUID;
    other[0] ^= 1;
    assert_eq!(refuse(&f, other, &keys), TaError::UuidMismatch);
    // A TA signed by the subkey but whose bootstrap UUID is outside the namespace.
    let mut f = subkey(&root, PSS256, &sub, PSS256, ns, b"a", 1, 0);
    f.extend(bootstrap_ta(&sub, PSS256, UUID, 0, &elf(10)));
    refuse(&f, UUID, &keys);
    // A chain that ends in a subkey.
    let f = subkey(&root, PSS256, &sub, PSS256, ns, b"a", 1, 0);
    refuse(&f, next_uuid(&ns, b"a"), &keys);
}
