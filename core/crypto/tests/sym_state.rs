//! State machine and error-code behaviour of operations and key objects.

mod sym_support;

/// Run before every operation `sym_support` creates: nothing here.
pub(crate) fn before_each_operation() {}

use hex_literal::hex;
use oxtee_crypto::{Attribute, CryptoError, KeyObject, Operation};
use supplicant_proto::tee_crypto::*;
use supplicant_proto::tee_result::*;
use sym_support::*;

const ENC: u32 = TEE_MODE_ENCRYPT;
const DEC: u32 = TEE_MODE_DECRYPT;
const K128: [u8; 16] = hex!("2b7e151628aed2a6abf7158809cf4f3c");

fn is_panic<T: core::fmt::Debug>(r: Result<T, CryptoError>) -> bool {
    matches!(r, Err(CryptoError::TaPanic(_)))
}

#[test]
fn error_codes() {
    assert_eq!(
        CryptoError::ShortBuffer { required: 3 }.code(),
        TEE_ERROR_SHORT_BUFFER
    );
    assert_eq!(CryptoError::MacInvalid.code(), TEE_ERROR_MAC_INVALID);
    assert_eq!(CryptoError::TaPanic("x").code(), TEE_ERROR_BAD_STATE);
    assert_eq!(CryptoError::NotSupported.code(), TEE_ERROR_NOT_SUPPORTED);
}

#[test]
fn allocate_operation_validation() {
    assert_eq!(
        Operation::new(0x1234_5678, ENC, 128).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        Operation::new(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_MAC, 128).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        Operation::new(TEE_ALG_SHA256, ENC, 0).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        Operation::new(TEE_ALG_AES_CBC_NOPAD, ENC, 100).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        Operation::new(TEE_ALG_HMAC_SHA256, TEE_MODE_MAC, 160).err(),
        Some(CryptoError::NotSupported)
    );
    // Unsupported by this implementation, as by OP-TEE: PKCS#5 cipher modes.
    assert_eq!(
        Operation::new(TEE_ALG_SM4_CBC_PKCS5, ENC, 128).err(),
        Some(CryptoError::NotSupported)
    );
    // XTS: the maximum is the sum of both keys; 2 x 100 bits is not allowed.
    assert_eq!(
        Operation::new(TEE_ALG_AES_XTS, ENC, 200).err(),
        Some(CryptoError::NotSupported)
    );
    let d = Operation::new(TEE_ALG_SHA3_256, TEE_MODE_DIGEST, 0)
        .unwrap()
        .info();
    assert_eq!(d.digest_length, 32);
    assert_eq!(
        d.handle_state,
        TEE_HANDLE_FLAG_INITIALIZED | TEE_HANDLE_FLAG_KEY_SET
    );
    let h = Operation::new(TEE_ALG_HMAC_SHA384, TEE_MODE_MAC, 512).unwrap();
    assert_eq!(h.info().digest_length, 48);
    let c = Operation::new(TEE_ALG_DES3_CBC_MAC_PKCS5, TEE_MODE_MAC, 192).unwrap();
    assert_eq!(c.info().digest_length, 8);
    // Reset without a key panics (non-digest operations).
    let mut nk = Operation::new(TEE_ALG_AES_CTR, ENC, 128).unwrap();
    assert!(is_panic(nk.reset()));
    let op = Operation::new(TEE_ALG_AES_XTS, ENC, 256).unwrap();
    let info = op.info();
    assert_eq!(info.operation_class, TEE_OPERATION_CIPHER);
    assert_eq!(info.handle_state, TEE_HANDLE_FLAG_EXPECT_TWO_KEYS);
    // Reported per key for two-key operations, as libutee does.
    assert_eq!(info.required_key_usage, 0);
    let e = Operation::new(TEE_ALG_AES_ECB_NOPAD, ENC, 128).unwrap();
    assert_eq!(e.info().required_key_usage, TEE_USAGE_ENCRYPT);
}

#[test]
fn digest_short_buffer_keeps_state() {
    let mut op = Operation::new(TEE_ALG_SHA256, TEE_MODE_DIGEST, 0).unwrap();
    op.digest_update(b"a").unwrap();
    let mut small = [0u8; 31];
    assert_eq!(
        op.digest_final(b"bc", &mut small),
        Err(CryptoError::ShortBuffer { required: 32 })
    );
    let mut out = [0u8; 32];
    assert_eq!(op.digest_final(b"bc", &mut out), Ok(32));
    assert_eq!(
        out,
        hex!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    // After final the operation restarts from scratch.
    assert_eq!(op.digest_final(b"abc", &mut out), Ok(32));
    assert_eq!(out[0], 0xba);
    // Digest operations take no key.
    let k = key(TEE_TYPE_AES, &K128);
    assert!(is_panic(op.set_key(Some(&k))));
    assert!(is_panic(op.cipher_init(&[])));
}

#[test]
fn digest_copy_and_reset() {
    let mut a = Operation::new(TEE_ALG_SHA1, TEE_MODE_DIGEST, 0).unwrap();
    a.digest_update(b"ab").unwrap();
    let mut b = Operation::new(TEE_ALG_SHA1, TEE_MODE_DIGEST, 0).unwrap();
    b.copy_from(&a).unwrap();
    let (mut da, mut db) = ([0u8; 20], [0u8; 20]);
    a.digest_final(b"c", &mut da).unwrap();
    b.digest_final(b"c", &mut db).unwrap();
    assert_eq!(da, db);
    assert_eq!(da, hex!("a9993e364706816aba3e25717850c26c9cd0d89d"));
    let mut c = Operation::new(TEE_ALG_SHA256, TEE_MODE_DIGEST, 0).unwrap();
    assert!(is_panic(c.copy_from(&a)));
    // Reset discards absorbed data.
    a.digest_update(b"zzz").unwrap();
    a.reset().unwrap();
    a.digest_final(b"abc", &mut da).unwrap();
    assert_eq!(da, db);
}

#[test]
fn cipher_state_errors() {
    let mut op = Operation::new(TEE_ALG_AES_CBC_NOPAD, ENC, 128).unwrap();
    // No key yet.
    assert!(is_panic(op.cipher_init(&[0; 16])));
    let k = key(TEE_TYPE_AES, &K128);
    op.set_key(Some(&k)).unwrap();
    let mut out = [0u8; 64];
    // Not initialized.
    assert!(is_panic(op.cipher_update(&[0; 16], &mut out)));
    assert!(is_panic(op.cipher_final(&[], &mut out)));
    // Bad IV length.
    assert_eq!(op.cipher_init(&[0; 8]), Err(CryptoError::BadParameters));
    op.cipher_init(&[0; 16]).unwrap();
    assert!(op.info().handle_state & TEE_HANDLE_FLAG_INITIALIZED != 0);
    // Setting a key on an active operation panics.
    assert!(is_panic(op.set_key(Some(&k))));
    // Short output buffer for update: needs one block, state unchanged.
    assert_eq!(
        op.cipher_update(&[0; 20], &mut out[..15]),
        Err(CryptoError::ShortBuffer { required: 16 })
    );
    assert_eq!(op.cipher_update(&[0; 20], &mut out), Ok(16));
    // 4 bytes left over: NOPAD final fails.
    assert_eq!(
        op.cipher_final(&[], &mut out),
        Err(CryptoError::BadParameters)
    );
    assert_eq!(op.cipher_final(&[0; 12], &mut out), Ok(16));
    // Back in the initial state after final.
    assert!(is_panic(op.cipher_update(&[0; 16], &mut out)));
    // Reset keeps the key.
    op.reset().unwrap();
    op.cipher_init(&[0; 16]).unwrap();
    assert_eq!(op.cipher_final(&[0; 32], &mut out), Ok(32));
}

#[test]
fn cipher_key_checks() {
    let mut op = Operation::new(TEE_ALG_AES_ECB_NOPAD, ENC, 128).unwrap();
    // Wrong key type.
    let d = key(TEE_TYPE_DES, &[1; 8]);
    assert!(is_panic(op.set_key(Some(&d))));
    // Key larger than the operation maximum.
    let big = key(TEE_TYPE_AES, &[1; 32]);
    assert!(is_panic(op.set_key(Some(&big))));
    // Uninitialized key object.
    let empty = KeyObject::new(TEE_TYPE_AES, 128).unwrap();
    assert!(is_panic(op.set_key(Some(&empty))));
    // Key usage without ENCRYPT.
    let mut k = key(TEE_TYPE_AES, &K128);
    k.restrict_usage(TEE_USAGE_DECRYPT);
    assert!(is_panic(op.set_key(Some(&k))));
    let mut dec = Operation::new(TEE_ALG_AES_ECB_NOPAD, DEC, 128).unwrap();
    dec.set_key(Some(&k)).unwrap();
    assert!(dec.info().handle_state & TEE_HANDLE_FLAG_KEY_SET != 0);
    dec.set_key(None).unwrap();
    assert_eq!(dec.info().handle_state & TEE_HANDLE_FLAG_KEY_SET, 0);
    // XTS needs two keys.
    let mut x = Operation::new(TEE_ALG_AES_XTS, ENC, 256).unwrap();
    let k = key(TEE_TYPE_AES, &K128);
    assert!(is_panic(x.set_key(Some(&k))));
    x.set_key2(&k, &k).unwrap();
    x.cipher_init(&[0; 16]).unwrap();
    let mut out = [0u8; 32];
    assert_eq!(x.cipher_update(&[0; 15], &mut out), Ok(0));
    assert_eq!(
        x.cipher_final(&[], &mut out),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn cts_too_short() {
    let mut op = keyed_op(TEE_ALG_AES_CTS, ENC, TEE_TYPE_AES, &K128);
    op.cipher_init(&[0; 16]).unwrap();
    let mut out = [0u8; 32];
    assert_eq!(
        op.cipher_final(&[0; 15], &mut out),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn mac_final_semantics() {
    let mut op = keyed_op(TEE_ALG_AES_CMAC, TEE_MODE_MAC, TEE_TYPE_AES, &K128);
    let mut out = [0u8; 16];
    assert!(is_panic(op.mac_update(b"x")));
    op.mac_init(&[]).unwrap();
    assert_eq!(
        op.mac_compute_final(&[], &mut out[..8]),
        Err(CryptoError::ShortBuffer { required: 16 })
    );
    assert_eq!(op.mac_compute_final(&[], &mut out), Ok(16));
    assert_eq!(out, hex!("bb1d6929e95937287fa37d129b756746"));
    op.mac_init(&[]).unwrap();
    assert_eq!(op.mac_compare_final(&[], &out), Ok(()));
    op.mac_init(&[]).unwrap();
    let mut bad = out;
    bad[15] ^= 1;
    assert_eq!(
        op.mac_compare_final(&[], &bad),
        Err(CryptoError::MacInvalid)
    );
    op.mac_init(&[]).unwrap();
    assert_eq!(
        op.mac_compare_final(&[], &out[..15]),
        Err(CryptoError::MacInvalid)
    );
    // CBC-MAC NOPAD with a partial block.
    let mut cm = keyed_op(TEE_ALG_AES_CBC_MAC_NOPAD, TEE_MODE_MAC, TEE_TYPE_AES, &K128);
    cm.mac_init(&[]).unwrap();
    cm.mac_update(&[0; 17]).unwrap();
    assert_eq!(
        cm.mac_compute_final(&[], &mut out),
        Err(CryptoError::BadParameters)
    );
    // Completing the block is still possible: the failed final changed nothing.
    assert_eq!(cm.mac_compute_final(&[0; 15], &mut out), Ok(16));
    // HMAC key from the wrong HMAC type is refused.
    let k = key(TEE_TYPE_HMAC_SHA1, &[1; 20]);
    let mut h = Operation::new(TEE_ALG_HMAC_SHA256, TEE_MODE_MAC, 512).unwrap();
    assert!(is_panic(h.set_key(Some(&k))));
}

fn gcm_op(mode: u32) -> Operation {
    keyed_op(TEE_ALG_AES_GCM, mode, TEE_TYPE_AES, &[0; 16])
}

#[test]
fn ae_tag_lengths_and_state() {
    let mut op = gcm_op(ENC);
    for bits in [32, 64, 88, 136] {
        assert_eq!(
            op.ae_init(&[0; 12], bits, 0, 0),
            Err(CryptoError::NotSupported)
        );
    }
    for bits in [96, 104, 112, 120, 128] {
        op.ae_init(&[0; 12], bits, 0, 0).unwrap();
    }
    assert_eq!(op.ae_init(&[], 128, 0, 0), Err(CryptoError::BadParameters));
    let mut ccm = keyed_op(TEE_ALG_AES_CCM, ENC, TEE_TYPE_AES, &[0; 16]);
    for bits in [0, 40, 136] {
        assert_eq!(
            ccm.ae_init(&[0; 12], bits, 0, 0),
            Err(CryptoError::NotSupported)
        );
    }
    assert_eq!(
        ccm.ae_init(&[0; 6], 128, 0, 0),
        Err(CryptoError::BadParameters)
    );
    assert_eq!(
        ccm.ae_init(&[0; 14], 128, 0, 0),
        Err(CryptoError::BadParameters)
    );
    // CCM: payload shorter than announced → BAD_PARAMETERS at final.
    ccm.ae_init(&[0; 12], 128, 0, 16).unwrap();
    let (mut out, mut tag) = ([0u8; 32], [0u8; 16]);
    assert_eq!(
        ccm.ae_encrypt_final(&[0; 8], &mut out, &mut tag),
        Err(CryptoError::BadParameters)
    );
    // GCM: AAD after payload panics; short tag buffer reports the size.
    op.ae_init(&[0; 12], 128, 0, 0).unwrap();
    op.ae_update(&[0; 4], &mut out).unwrap();
    assert!(is_panic(op.ae_update_aad(b"late")));
    assert_eq!(
        op.ae_encrypt_final(&[0; 12], &mut out, &mut tag[..15]),
        Err(CryptoError::ShortBuffer { required: 16 })
    );
    let (n, t) = op.ae_encrypt_final(&[0; 12], &mut out, &mut tag).unwrap();
    assert_eq!((n, t), (12, 16));
    assert_eq!(tag, hex!("ab6e47d42cec13bdf53a67b21257bddf"));
    assert!(is_panic(op.ae_update(&[0; 1], &mut out)));
    // Wrong direction.
    op.ae_init(&[0; 12], 128, 0, 0).unwrap();
    assert!(is_panic(op.ae_decrypt_final(&[], &mut out, &tag)));
}

#[test]
fn ae_bad_tag_releases_nothing() {
    let ct = hex!("0388dace60b6a392f328c2b971b2fe78");
    let mut tag = hex!("ab6e47d42cec13bdf53a67b21257bddf");
    tag[0] ^= 0x80;
    let mut op = gcm_op(DEC);
    op.ae_init(&[0; 12], 128, 0, 0).unwrap();
    let mut out = [0xAAu8; 16];
    assert_eq!(
        op.ae_decrypt_final(&ct, &mut out, &tag),
        Err(CryptoError::MacInvalid)
    );
    assert_eq!(out, [0xAA; 16]);
    // Truncated tag is also invalid.
    op.ae_init(&[0; 12], 128, 0, 0).unwrap();
    tag[0] ^= 0x80;
    assert_eq!(
        op.ae_decrypt_final(&ct, &mut out, &tag[..12]),
        Err(CryptoError::MacInvalid)
    );
    assert_eq!(out, [0xAA; 16]);
    // CCM as well.
    let mut c = keyed_op(
        TEE_ALG_AES_CCM,
        DEC,
        TEE_TYPE_AES,
        &hex!("404142434445464748494a4b4c4d4e4f"),
    );
    c.ae_init(&hex!("10111213141516"), 32, 8, 4).unwrap();
    c.ae_update_aad(&hex!("0001020304050607")).unwrap();
    let mut o = [0x55u8; 4];
    assert_eq!(
        c.ae_decrypt_final(&hex!("7162015b"), &mut o, &hex!("4dac255e")),
        Err(CryptoError::MacInvalid)
    );
    assert_eq!(o, [0x55; 4]);
}

#[test]
fn gcm_16_byte_nonce_cross_checked() {
    // Non-96-bit nonce (J0 derived through GHASH), 5 blocks; expected values from OpenSSL 3.
    let nonce = [0xffu8; 16];
    let data = [0x11u8; 80];
    let want_ct = hex!(
        "e4ccdb59ded377280ba03b00c15b1a3561b6e0a24fc7707fdbba0604b67b9c4e"
        "e041b8f82203638b30a13dcf42b460269ab02cefb1759d80bd24ae31ad7babb7"
        "de438d350d647066c62d36afe2d43b1a"
    );
    let want_tag = hex!("1f8991c991f2cba31c45374c82cea99f");
    let mut e = gcm_op(ENC);
    e.ae_init(&nonce, 128, 0, 0).unwrap();
    let (mut ct, mut tag) = ([0u8; 80], [0u8; 16]);
    e.ae_encrypt_final(&data, &mut ct, &mut tag).unwrap();
    assert_eq!(ct, want_ct);
    assert_eq!(tag, want_tag);
    let mut d = gcm_op(DEC);
    d.ae_init(&nonce, 128, 0, 0).unwrap();
    let mut pt = [0u8; 80];
    assert_eq!(d.ae_decrypt_final(&ct, &mut pt, &tag), Ok(80));
    assert_eq!(pt, data);
}

#[test]
fn key_object_allocation_and_populate() {
    assert_eq!(
        KeyObject::new(TEE_TYPE_AES, 100).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        KeyObject::new(TEE_TYPE_AES, 512).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        KeyObject::new(TEE_TYPE_DES3, 64).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        KeyObject::new(TEE_TYPE_HMAC_SHA1, 72).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        KeyObject::new(TEE_TYPE_HMAC_SHA1, 81).err(),
        Some(CryptoError::NotSupported)
    );
    assert_eq!(
        KeyObject::new(0xA000_00FF, 128).err(),
        Some(CryptoError::NotSupported)
    );
    for (t, s) in [
        (TEE_TYPE_AES, 192),
        (TEE_TYPE_DES, 64),
        (TEE_TYPE_DES, 56),
        (TEE_TYPE_DES3, 168),
        (TEE_TYPE_SM4, 128),
        (TEE_TYPE_HMAC_SHA256, 1024),
        (TEE_TYPE_GENERIC_SECRET, 8),
    ] {
        KeyObject::new(t, s).unwrap();
    }

    let mut o = KeyObject::new(TEE_TYPE_AES, 128).unwrap();
    let sv = |d: &'static [u8]| Attribute::Ref {
        id: TEE_ATTR_SECRET_VALUE,
        data: d,
    };
    assert_eq!(o.populate(&[]), Err(CryptoError::ItemNotFound));
    assert_eq!(
        o.populate(&[Attribute::Value {
            id: TEE_ATTR_ECC_CURVE,
            a: 1,
            b: 0
        }]),
        Err(CryptoError::ItemNotFound)
    );
    assert_eq!(
        o.populate(&[sv(&[0; 16]), sv(&[0; 16])]),
        Err(CryptoError::ItemNotFound)
    );
    assert_eq!(o.populate(&[sv(&[0; 24])]), Err(CryptoError::BadState));
    assert_eq!(o.populate(&[sv(&[0; 40])]), Err(CryptoError::Security));
    o.populate(&[sv(&K128)]).unwrap();
    assert_eq!(o.key_size(), 128);
    assert_eq!(o.populate(&[sv(&K128)]), Err(CryptoError::BadParameters));
    let mut out = [0u8; 16];
    assert_eq!(
        o.get_buffer_attribute(TEE_ATTR_SECRET_VALUE, &mut out[..4]),
        Err(CryptoError::ShortBuffer { required: 16 })
    );
    assert_eq!(
        o.get_buffer_attribute(TEE_ATTR_SECRET_VALUE, &mut out),
        Ok(16)
    );
    assert_eq!(out, K128);
    assert_eq!(
        o.get_buffer_attribute(TEE_ATTR_RSA_MODULUS, &mut out),
        Err(CryptoError::ItemNotFound)
    );
    o.restrict_usage(!TEE_USAGE_EXTRACTABLE);
    assert_eq!(
        o.get_buffer_attribute(TEE_ATTR_SECRET_VALUE, &mut out),
        Err(CryptoError::BadParameters)
    );
    o.reset();
    assert!(!o.is_initialized());
    assert_eq!(o.secret(), None);

    // GP 1.0 DES sizes: the key size is reported without parity bits.
    let mut d = KeyObject::new(TEE_TYPE_DES3, 112).unwrap();
    d.populate(&[sv(&[3; 16])]).unwrap();
    assert_eq!(d.key_size(), 112);

    // Copy attributes.
    let src = key(TEE_TYPE_AES, &K128);
    let mut dst = KeyObject::new(TEE_TYPE_AES, 256).unwrap();
    dst.copy_attributes_from(&src).unwrap();
    assert_eq!(dst.secret(), Some(&K128[..]));
    let mut small = KeyObject::new(TEE_TYPE_HMAC_SHA256, 256).unwrap();
    assert_eq!(
        small.copy_attributes_from(&src),
        Err(CryptoError::BadParameters)
    );
}

#[test]
fn key_generation() {
    let mut rng = CounterRng(1);
    let mut o = KeyObject::new(TEE_TYPE_AES, 256).unwrap();
    assert_eq!(
        o.generate(100, &[], &mut rng),
        Err(CryptoError::NotSupported)
    );
    o.generate(192, &[], &mut rng).unwrap();
    assert_eq!(o.key_size(), 192);
    assert_eq!(o.secret().unwrap().len(), 24);
    assert_eq!(o.secret().unwrap()[..3], [1, 2, 3]);
    assert_eq!(o.generate(192, &[], &mut rng), Err(CryptoError::BadState));

    // As OP-TEE: the size is checked against the type, not the object maximum (the storage
    // of an AES object holds 256 bits); secret types take no parameters (ITEM_NOT_FOUND).
    let mut s = KeyObject::new(TEE_TYPE_AES, 128).unwrap();
    let p = Attribute::Ref {
        id: TEE_ATTR_SECRET_VALUE,
        data: &[0; 16],
    };
    assert_eq!(
        s.generate(128, &[p], &mut rng),
        Err(CryptoError::ItemNotFound)
    );
    s.generate(256, &[], &mut rng).unwrap();
    assert_eq!(s.key_size(), 256);

    let mut h = KeyObject::new(TEE_TYPE_HMAC_SHA256, 1024).unwrap();
    h.generate(264, &[], &mut rng).unwrap();
    assert_eq!(h.secret().unwrap().len(), 33);

    let mut d = KeyObject::new(TEE_TYPE_DES, 56).unwrap();
    d.generate(56, &[], &mut rng).unwrap();
    assert_eq!(d.secret().unwrap().len(), 8);
    assert_eq!(d.key_size(), 56);
    // A generated key works in an operation.
    let mut op = Operation::new(TEE_ALG_DES_ECB_NOPAD, ENC, 64).unwrap();
    op.set_key(Some(&d)).unwrap();
}

/// In-place updates (the system calls' path) give what the copying ones
/// give, for every cipher mode, with and without the caller's buffering,
/// in pieces that are and are not whole blocks.
#[test]
fn in_place_updates_match_copying_ones() {
    let k32: Vec<u8> = (0u8..32).collect();
    let data: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
    let cases: [(u32, u32, &[u8], usize); 8] = [
        (TEE_ALG_AES_ECB_NOPAD, TEE_TYPE_AES, &K128, 0),
        (TEE_ALG_AES_CBC_NOPAD, TEE_TYPE_AES, &k32, 16),
        (TEE_ALG_AES_CTR, TEE_TYPE_AES, &K128, 16),
        (TEE_ALG_AES_CTS, TEE_TYPE_AES, &K128, 16),
        (TEE_ALG_AES_XTS, TEE_TYPE_AES, &k32, 16),
        (TEE_ALG_SM4_CBC_NOPAD, TEE_TYPE_SM4, &K128, 16),
        (TEE_ALG_DES3_CBC_NOPAD, TEE_TYPE_DES3, &k32[..24], 8),
        (TEE_ALG_SM4_CTR, TEE_TYPE_SM4, &K128, 16),
    ];
    for (alg, ty, key_bytes, iv_len) in cases {
        for mode in [ENC, DEC] {
            for caller in [false, true] {
                for step in [16usize, 48, 5] {
                    if caller && step % 16 != 0 {
                        continue;
                    }
                    let make = || {
                        let mut op = if alg == TEE_ALG_AES_XTS {
                            let half = key_bytes.len() / 2;
                            let mut op =
                                Operation::new(alg, mode, (key_bytes.len() * 8) as u32).unwrap();
                            op.set_key2(&key(ty, &key_bytes[..half]), &key(ty, &key_bytes[half..]))
                                .unwrap();
                            op
                        } else {
                            keyed_op(alg, mode, ty, key_bytes)
                        };
                        op.set_caller_buffers(caller);
                        op.cipher_init(&vec![9u8; iv_len]).unwrap();
                        op
                    };
                    let (mut copying, mut in_place) = (make(), make());
                    let whole = data.len() / 48 * 48;
                    for c in data[..whole].chunks(step) {
                        let mut out = vec![0u8; c.len() + 32];
                        let n = copying.cipher_update(c, &mut out);
                        let mut io = c.to_vec();
                        let m = in_place.cipher_update_in_place(&mut io);
                        let label = (alg, mode, caller, step);
                        match (n, m) {
                            (Ok(n), Ok(m)) => {
                                assert_eq!(n, m, "{label:x?}");
                                assert_eq!(out[..n], io[..m], "{label:x?}");
                            }
                            // The in-place output cannot exceed the input: a
                            // copying update that emits more must have had
                            // buffered bytes, and the in-place one says so.
                            (Ok(n), Err(e)) => {
                                assert!(n > c.len(), "{label:x?}");
                                assert!(matches!(e, CryptoError::ShortBuffer { .. }), "{label:x?}");
                                break;
                            }
                            (n, m) => assert_eq!(n, m, "{label:x?}"),
                        }
                    }
                }
            }
        }
    }
}

/// The AE payload in place is the copying update's output.
#[test]
fn ae_update_in_place_matches_copying_one() {
    for alg in [TEE_ALG_AES_GCM, TEE_ALG_AES_CCM] {
        let make = || {
            let mut op = keyed_op(alg, ENC, TEE_TYPE_AES, &K128);
            op.ae_init(&[3; 12], 128, 0, 96).unwrap();
            op
        };
        let (mut copying, mut in_place) = (make(), make());
        let data: Vec<u8> = (0..96u8).collect();
        for c in data.chunks(40) {
            let mut out = vec![0u8; c.len()];
            assert_eq!(copying.ae_update(c, &mut out), Ok(c.len()));
            let mut io = c.to_vec();
            assert_eq!(in_place.ae_update_in_place(&mut io), Ok(c.len()));
            assert_eq!(out, io);
            assert_ne!(io, c, "the payload was encrypted");
        }
        let (mut t1, mut t2) = ([0u8; 16], [0u8; 16]);
        copying.ae_encrypt_final(&[], &mut [], &mut t1).unwrap();
        in_place.ae_encrypt_final(&[], &mut [], &mut t2).unwrap();
        assert_eq!(t1, t2);
    }
}
