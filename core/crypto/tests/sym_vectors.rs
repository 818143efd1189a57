//! Known-answer tests with published vectors (FIPS 180/202 examples, RFC 2202/4231, NIST SP
//! 800-38A/B/C/D, IEEE 1619, RFC 3962, GB/T 32905/32907). Vectors marked "cross-checked" have no
//! memorable published value and were computed with OpenSSL 3.

mod sym_support;

use hex_literal::hex;
use oxtee_crypto::Operation;
use supplicant_proto::tee_crypto::*;
use sym_support::*;

/// Run before every operation is created: nothing here; the accelerated
/// twin of these tests (sym_vectors_accelerated.rs) installs its
/// accelerator.
#[allow(dead_code)]
pub(crate) fn before_each_operation() {}

const ENC: u32 = TEE_MODE_ENCRYPT;
const DEC: u32 = TEE_MODE_DECRYPT;

fn digest(alg: u32, parts: &[&[u8]], out_len: usize) -> Vec<u8> {
    crate::before_each_operation();
    let mut op = Operation::new(alg, TEE_MODE_DIGEST, 0).unwrap();
    let (last, first) = parts.split_last().unwrap();
    for p in first {
        op.digest_update(p).unwrap();
    }
    let mut out = vec![0u8; out_len];
    let n = op.digest_final(last, &mut out).unwrap();
    out.truncate(n);
    out
}

#[test]
fn digests_abc() {
    let abc: &[&[u8]] = &[b"a", b"", b"bc"];
    let cases: &[(u32, &[u8])] = &[
        (TEE_ALG_MD5, &hex!("900150983cd24fb0d6963f7d28e17f72")),
        (TEE_ALG_SHA1, &hex!("a9993e364706816aba3e25717850c26c9cd0d89d")),
        (TEE_ALG_SHA224, &hex!("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")),
        (TEE_ALG_SHA256, &hex!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")),
        (TEE_ALG_SHA384, &hex!("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")),
        (TEE_ALG_SHA512, &hex!("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")),
        (TEE_ALG_SHA3_224, &hex!("e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf")),
        (TEE_ALG_SHA3_256, &hex!("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")),
        (TEE_ALG_SHA3_384, &hex!("ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25")),
        (TEE_ALG_SHA3_512, &hex!("b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0")),
        (TEE_ALG_SM3, &hex!("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")),
    ];
    for (alg, want) in cases {
        assert_eq!(digest(*alg, abc, 64), *want, "alg {alg:#x}");
    }
}

#[test]
fn shake_empty() {
    assert_eq!(
        digest(TEE_ALG_SHAKE128, &[b""], 32),
        hex!("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26")
    );
    assert_eq!(
        digest(TEE_ALG_SHAKE256, &[b""], 64),
        hex!("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be")
    );
}

fn hmac(alg: u32, obj_type: u32, k: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut op = keyed_op(alg, TEE_MODE_MAC, obj_type, k);
    op.mac_init(&[]).unwrap();
    op.mac_update(&msg[..3]).unwrap();
    let mut out = [0u8; 64];
    let n = op.mac_compute_final(&msg[3..], &mut out).unwrap();
    out[..n].to_vec()
}

#[test]
fn hmac_hi_there() {
    let k20 = [0x0b; 20];
    let m = b"Hi There";
    let cases: &[(u32, u32, &[u8], &[u8])] = &[
        // RFC 2202 test case 1.
        (TEE_ALG_HMAC_MD5, TEE_TYPE_HMAC_MD5, &[0x0b; 16], &hex!("9294727a3638bb1c13f48ef8158bfc9d")),
        (TEE_ALG_HMAC_SHA1, TEE_TYPE_HMAC_SHA1, &k20, &hex!("b617318655057264e28bc0b6fb378c8ef146be00")),
        // RFC 4231 test case 1.
        (TEE_ALG_HMAC_SHA224, TEE_TYPE_HMAC_SHA224, &k20, &hex!("896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22")),
        (TEE_ALG_HMAC_SHA256, TEE_TYPE_HMAC_SHA256, &k20, &hex!("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")),
        (TEE_ALG_HMAC_SHA384, TEE_TYPE_HMAC_SHA384, &k20, &hex!("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6")),
        (TEE_ALG_HMAC_SHA512, TEE_TYPE_HMAC_SHA512, &k20, &hex!("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")),
        // Cross-checked (OpenSSL 3 / Python hmac).
        (TEE_ALG_HMAC_SHA3_224, TEE_TYPE_HMAC_SHA3_224, &k20, &hex!("3b16546bbc7be2706a031dcafd56373d9884367641d8c59af3c860f7")),
        (TEE_ALG_HMAC_SHA3_256, TEE_TYPE_HMAC_SHA3_256, &k20, &hex!("ba85192310dffa96e2a3a40e69774351140bb7185e1202cdcc917589f95e16bb")),
        (TEE_ALG_HMAC_SHA3_384, TEE_TYPE_HMAC_SHA3_384, &k20, &hex!("68d2dcf7fd4ddd0a2240c8a437305f61fb7334cfb5d0226e1bc27dc10a2e723a20d370b47743130e26ac7e3d532886bd")),
        (TEE_ALG_HMAC_SHA3_512, TEE_TYPE_HMAC_SHA3_512, &k20, &hex!("eb3fbd4b2eaab8f5c504bd3a41465aacec15770a7cabac531e482f860b5ec7ba47ccb2c6f2afce8f88d22b6dc61380f23a668fd3888bb80537c0a0b86407689e")),
        (TEE_ALG_HMAC_SM3, TEE_TYPE_HMAC_SM3, &k20, &hex!("51b00d1fb49832bfb01c3ce27848e59f871d9ba938dc563b338ca964755cce70")),
    ];
    for (alg, ty, k, want) in cases {
        assert_eq!(hmac(*alg, *ty, k, m), *want, "alg {alg:#x}");
    }
    // A generic-secret key is accepted by HMAC operations.
    assert_eq!(
        hmac(TEE_ALG_HMAC_SHA256, TEE_TYPE_GENERIC_SECRET, &k20, m),
        hex!("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    );
}

// NIST SP 800-38A, AES-128.
const K128: [u8; 16] = hex!("2b7e151628aed2a6abf7158809cf4f3c");
const PT4: [u8; 64] = hex!(
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"
);

#[test]
fn aes_ecb_cbc_ctr_sp800_38a() {
    let ecb = hex!(
        "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf"
        "43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4"
    );
    let cbc = hex!(
        "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
        "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"
    );
    let ctr = hex!(
        "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff"
        "5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"
    );
    let iv = hex!("000102030405060708090a0b0c0d0e0f");
    let ctr_iv = hex!("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    let t = TEE_TYPE_AES;
    assert_eq!(cipher(TEE_ALG_AES_ECB_NOPAD, ENC, t, &K128, &[], &PT4), ecb);
    assert_eq!(cipher(TEE_ALG_AES_ECB_NOPAD, DEC, t, &K128, &[], &ecb), PT4);
    assert_eq!(cipher(TEE_ALG_AES_CBC_NOPAD, ENC, t, &K128, &iv, &PT4), cbc);
    assert_eq!(cipher(TEE_ALG_AES_CBC_NOPAD, DEC, t, &K128, &iv, &cbc), PT4);
    assert_eq!(cipher(TEE_ALG_AES_CTR, ENC, t, &K128, &ctr_iv, &PT4), ctr);
    assert_eq!(cipher(TEE_ALG_AES_CTR, DEC, t, &K128, &ctr_iv, &ctr), PT4);
    // CTR on a partial final block.
    assert_eq!(
        cipher(TEE_ALG_AES_CTR, ENC, t, &K128, &ctr_iv, &PT4[..37]),
        ctr[..37]
    );
    // Arbitrary update granularity gives the same result.
    for step in [1, 5, 16, 17, 33] {
        let mut op = keyed_op(TEE_ALG_AES_CBC_NOPAD, ENC, t, &K128);
        assert_eq!(cipher_chunked(&mut op, &iv, &PT4, step).unwrap(), cbc);
        let mut op = keyed_op(TEE_ALG_AES_CTR, ENC, t, &K128);
        assert_eq!(cipher_chunked(&mut op, &ctr_iv, &PT4, step).unwrap(), ctr);
    }
}

#[test]
fn aes256_ecb_sp800_38a() {
    let k = hex!("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    assert_eq!(
        cipher(
            TEE_ALG_AES_ECB_NOPAD,
            ENC,
            TEE_TYPE_AES,
            &k,
            &[],
            &PT4[..16]
        ),
        hex!("f3eed1bdb5d2a03c064b5a7e3db181f8")
    );
}

#[test]
fn aes_cts_rfc3962() {
    let k = hex!("636869636b656e207465726979616b69");
    let msg = b"I would like the General Gau's Chicken, please, and wonton soup.";
    let cases: &[(usize, &[u8])] = &[
        (17, &hex!("c6353568f2bf8cb4d8a580362da7ff7f97")),
        (31, &hex!("fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5")),
        (32, &hex!("39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584")),
        (47, &hex!("97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5")),
        (48, &hex!("97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8")),
        (64, &hex!("97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8")),
    ];
    let iv = [0u8; 16];
    for (len, want) in cases {
        let ct = cipher(TEE_ALG_AES_CTS, ENC, TEE_TYPE_AES, &k, &iv, &msg[..*len]);
        assert_eq!(ct, *want, "len {len}");
        let pt = cipher(TEE_ALG_AES_CTS, DEC, TEE_TYPE_AES, &k, &iv, want);
        assert_eq!(pt, msg[..*len], "len {len}");
        for step in [1, 7, 16, 20] {
            let mut op = keyed_op(TEE_ALG_AES_CTS, ENC, TEE_TYPE_AES, &k);
            let ct = cipher_chunked(&mut op, &iv, &msg[..*len], step).unwrap();
            assert_eq!(ct, *want, "len {len} step {step}");
        }
    }
}

fn xts(enc: bool, k1: &[u8], k2: &[u8], tweak: &[u8], data: &[u8]) -> Vec<u8> {
    let a = key(TEE_TYPE_AES, k1);
    let b = key(TEE_TYPE_AES, k2);
    let mode = if enc { ENC } else { DEC };
    crate::before_each_operation();
    let mut op = Operation::new(TEE_ALG_AES_XTS, mode, (k1.len() * 16) as u32).unwrap();
    op.set_key2(&a, &b).unwrap();
    cipher_chunked(&mut op, tweak, data, 5).unwrap()
}

#[test]
fn aes_xts_ieee1619() {
    // Vector 1.
    let ct = hex!("917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e");
    assert_eq!(xts(true, &[0; 16], &[0; 16], &[0; 16], &[0; 32]), ct);
    assert_eq!(xts(false, &[0; 16], &[0; 16], &[0; 16], &ct), [0; 32]);
    // Vector 15 (17 bytes: ciphertext stealing).
    let k1 = hex!("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0");
    let k2 = hex!("bfbebdbcbbbab9b8b7b6b5b4b3b2b1b0");
    let tw = hex!("9a785634120000000000000000000000");
    let pt: Vec<u8> = (0u8..17).collect();
    let ct = hex!("6c1625db4671522d3d7599601de7ca09ed");
    assert_eq!(xts(true, &k1, &k2, &tw, &pt), ct);
    assert_eq!(xts(false, &k1, &k2, &tw, &ct), pt);
    // Same keys, 32 bytes (cross-checked).
    let pt: Vec<u8> = (0u8..32).collect();
    assert_eq!(
        xts(true, &k1, &k2, &tw, &pt),
        hex!("edbf9dace45d6f6a7306e64be5dd824b2538f5724fcf24249ac111ab45ad3923")
    );
}

#[test]
fn des_and_3des() {
    // Classic DES example (key 133457799BBCDFF1).
    let k = hex!("133457799bbcdff1");
    let ct = hex!("85e813540f0ab405");
    let pt = hex!("0123456789abcdef");
    assert_eq!(
        cipher(TEE_ALG_DES_ECB_NOPAD, ENC, TEE_TYPE_DES, &k, &[], &pt),
        ct
    );
    assert_eq!(
        cipher(TEE_ALG_DES_ECB_NOPAD, DEC, TEE_TYPE_DES, &k, &[], &ct),
        pt
    );
    // CBC with a zero IV on one block equals ECB.
    assert_eq!(
        cipher(TEE_ALG_DES_CBC_NOPAD, ENC, TEE_TYPE_DES, &k, &[0; 8], &pt),
        ct
    );
    // 3DES with three equal keys is single DES.
    let k3: Vec<u8> = [k, k, k].concat();
    assert_eq!(
        cipher(TEE_ALG_DES3_ECB_NOPAD, ENC, TEE_TYPE_DES3, &k3, &[], &pt),
        ct
    );
    // Three-key and two-key 3DES (cross-checked).
    let k3 = hex!("0123456789abcdef23456789abcdef01456789abcdef0123");
    let k2 = hex!("0123456789abcdef23456789abcdef01");
    let m = b"Now is the time for all ";
    assert_eq!(
        cipher(
            TEE_ALG_DES3_CBC_NOPAD,
            ENC,
            TEE_TYPE_DES3,
            &k3,
            &hex!("1234567890abcdef"),
            m
        ),
        hex!("f3c0ff026c023089656fbb169def7edb30ba36075d6f0176")
    );
    let ct2 = hex!("b7835779ee26acb75d2731a8d9b401623dd3fc69a08cc6d9");
    assert_eq!(
        cipher(TEE_ALG_DES3_ECB_NOPAD, ENC, TEE_TYPE_DES3, &k2, &[], m),
        ct2
    );
    assert_eq!(
        cipher(TEE_ALG_DES3_ECB_NOPAD, DEC, TEE_TYPE_DES3, &k2, &[], &ct2),
        m
    );
}

#[test]
fn sm4_modes() {
    // GB/T 32907-2016 example 1.
    let k = hex!("0123456789abcdeffedcba9876543210");
    let ct1 = hex!("681edf34d206965e86b3e94f536e4246");
    assert_eq!(
        cipher(TEE_ALG_SM4_ECB_NOPAD, ENC, TEE_TYPE_SM4, &k, &[], &k),
        ct1
    );
    assert_eq!(
        cipher(TEE_ALG_SM4_ECB_NOPAD, DEC, TEE_TYPE_SM4, &k, &[], &ct1),
        k
    );
    // CBC and CTR (cross-checked).
    let pt: Vec<u8> = [k, k].concat();
    let iv = hex!("000102030405060708090a0b0c0d0e0f");
    let cbc = hex!("a9a268883a336315bac0c9c9ff350ab1b236a4a85616d4aabf0a83555c7d4115");
    let ctr = hex!("07bbd906b40da542d4514d1a97fccb7a6e24482cc90831ee244da97df7549f0a");
    assert_eq!(
        cipher(TEE_ALG_SM4_CBC_NOPAD, ENC, TEE_TYPE_SM4, &k, &iv, &pt),
        cbc
    );
    assert_eq!(
        cipher(TEE_ALG_SM4_CBC_NOPAD, DEC, TEE_TYPE_SM4, &k, &iv, &cbc),
        pt
    );
    assert_eq!(
        cipher(TEE_ALG_SM4_CTR, ENC, TEE_TYPE_SM4, &k, &iv, &pt),
        ctr
    );
    // SM4-XTS: no vector at hand; round trip and difference from the plaintext.
    let a = key(TEE_TYPE_SM4, &k);
    let b = key(TEE_TYPE_SM4, &iv);
    let data: Vec<u8> = (0u8..40).collect();
    crate::before_each_operation();
    let mut e = Operation::new(TEE_ALG_SM4_XTS, ENC, 256).unwrap();
    e.set_key2(&a, &b).unwrap();
    let ct = cipher_chunked(&mut e, &iv, &data, 7).unwrap();
    assert_ne!(ct, data);
    let mut d = Operation::new(TEE_ALG_SM4_XTS, DEC, 256).unwrap();
    d.set_key2(&a, &b).unwrap();
    assert_eq!(cipher_chunked(&mut d, &iv, &ct, 40).unwrap(), data);
}

fn mac(alg: u32, obj_type: u32, k: &[u8], iv: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut op = keyed_op(alg, TEE_MODE_MAC, obj_type, k);
    op.mac_init(iv).unwrap();
    for c in msg.chunks(7) {
        op.mac_update(c).unwrap();
    }
    let mut out = [0u8; 16];
    let n = op.mac_compute_final(&[], &mut out).unwrap();
    out[..n].to_vec()
}

#[test]
fn aes_cmac_sp800_38b() {
    let cases: &[(usize, [u8; 16])] = &[
        (0, hex!("bb1d6929e95937287fa37d129b756746")),
        (16, hex!("070a16b46b4d4144f79bdd9dd04a287c")),
        (40, hex!("dfa66747de9ae63030ca32611497c827")),
        (64, hex!("51f0bebf7e3b9d92fc49741779363cfe")),
    ];
    for (len, want) in cases {
        assert_eq!(
            mac(TEE_ALG_AES_CMAC, TEE_TYPE_AES, &K128, &[], &PT4[..*len]),
            want,
            "len {len}"
        );
    }
    // DES3-CMAC (cross-checked).
    let k3 = hex!("0123456789abcdef23456789abcdef01456789abcdef0123");
    assert_eq!(
        mac(
            TEE_ALG_DES3_CMAC,
            TEE_TYPE_DES3,
            &k3,
            &[],
            b"Now is the time for all "
        ),
        hex!("a9019df17165438a")
    );
}

#[test]
fn cbc_mac() {
    // NOPAD with the SP 800-38A IV: the last CBC ciphertext block.
    let iv = hex!("000102030405060708090a0b0c0d0e0f");
    assert_eq!(
        mac(TEE_ALG_AES_CBC_MAC_NOPAD, TEE_TYPE_AES, &K128, &iv, &PT4),
        hex!("3ff1caa1681fac09120eca307586e1a7")
    );
    // PKCS#5, zero IV (cross-checked: CBC of data || padding).
    assert_eq!(
        mac(
            TEE_ALG_AES_CBC_MAC_PKCS5,
            TEE_TYPE_AES,
            &K128,
            &[],
            &PT4[..48]
        ),
        hex!("243374af1c9345e7e82e3da47d77fb5c")
    );
    assert_eq!(
        mac(
            TEE_ALG_AES_CBC_MAC_PKCS5,
            TEE_TYPE_AES,
            &K128,
            &[],
            &PT4[..40]
        ),
        hex!("691da4fc78722e2dbcdd970708a3ae40")
    );
    // DES CBC-MAC of one block with zero IV is DES-ECB.
    let k = hex!("133457799bbcdff1");
    assert_eq!(
        mac(
            TEE_ALG_DES_CBC_MAC_NOPAD,
            TEE_TYPE_DES,
            &k,
            &[],
            &hex!("0123456789abcdef")
        ),
        hex!("85e813540f0ab405")
    );
    let k3: Vec<u8> = [k, k, k].concat();
    assert_eq!(
        mac(
            TEE_ALG_DES3_CBC_MAC_NOPAD,
            TEE_TYPE_DES3,
            &k3,
            &[],
            &hex!("0123456789abcdef")
        ),
        hex!("85e813540f0ab405")
    );
}

struct AeCase<'a> {
    alg: u32,
    key: &'a [u8],
    nonce: &'a [u8],
    aad: &'a [u8],
    pt: &'a [u8],
    ct: &'a [u8],
    tag: &'a [u8],
}

fn ae_check(c: &AeCase<'_>) {
    let bits = (c.tag.len() * 8) as u32;
    // Encrypt, AAD and payload in pieces.
    let mut op = keyed_op(c.alg, ENC, TEE_TYPE_AES, c.key);
    op.ae_init(c.nonce, bits, c.aad.len(), c.pt.len()).unwrap();
    for a in c.aad.chunks(5) {
        op.ae_update_aad(a).unwrap();
    }
    let split = c.pt.len() / 2 + 1;
    let split = split.min(c.pt.len());
    let mut out = vec![0u8; c.pt.len()];
    let n = op.ae_update(&c.pt[..split], &mut out).unwrap();
    let mut tag = [0u8; 16];
    let (m, t) = op
        .ae_encrypt_final(&c.pt[split..], &mut out[n..], &mut tag)
        .unwrap();
    assert_eq!(n + m, c.pt.len());
    assert_eq!(out, c.ct);
    assert_eq!(&tag[..t], c.tag);

    // Decrypt.
    let mut op = keyed_op(c.alg, DEC, TEE_TYPE_AES, c.key);
    op.ae_init(c.nonce, bits, c.aad.len(), c.ct.len()).unwrap();
    op.ae_update_aad(c.aad).unwrap();
    let mut out = vec![0u8; c.ct.len()];
    let n = op.ae_decrypt_final(c.ct, &mut out, c.tag).unwrap();
    assert_eq!(n, c.pt.len());
    assert_eq!(out, c.pt);
}

#[test]
fn aes_gcm_sp800_38d() {
    let k = hex!("feffe9928665731c6d6a8f9467308308");
    let p = hex!(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    );
    let c = hex!(
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
    );
    let a = hex!("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let iv = hex!("cafebabefacedbaddecaf888");
    // Test case 2.
    ae_check(&AeCase {
        alg: TEE_ALG_AES_GCM,
        key: &[0; 16],
        nonce: &[0; 12],
        aad: &[],
        pt: &[0; 16],
        ct: &hex!("0388dace60b6a392f328c2b971b2fe78"),
        tag: &hex!("ab6e47d42cec13bdf53a67b21257bddf"),
    });
    // Test case 3.
    ae_check(&AeCase {
        alg: TEE_ALG_AES_GCM,
        key: &k,
        nonce: &iv,
        aad: &[],
        pt: &p,
        ct: &c,
        tag: &hex!("4d5c2af327cd64a62cf35abd2ba6fab4"),
    });
    // Test case 4 (AAD, partial last block), full and 96-bit tag.
    let tag4 = hex!("5bc94fbc3221a5db94fae95ae7121a47");
    for tlen in [16, 12] {
        ae_check(&AeCase {
            alg: TEE_ALG_AES_GCM,
            key: &k,
            nonce: &iv,
            aad: &a,
            pt: &p[..60],
            ct: &c[..60],
            tag: &tag4[..tlen],
        });
    }
    // Test case 6 (60-byte IV).
    ae_check(&AeCase {
        alg: TEE_ALG_AES_GCM,
        key: &k,
        nonce: &hex!(
            "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
            "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b"
        ),
        aad: &a,
        pt: &p[..60],
        ct: &hex!(
            "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7"
            "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5"
        ),
        tag: &hex!("619cc5aefffe0bfa462af43c1699d050"),
    });
}

#[test]
fn aes_ccm_sp800_38c() {
    let k = hex!("404142434445464748494a4b4c4d4e4f");
    // Examples 1-3.
    ae_check(&AeCase {
        alg: TEE_ALG_AES_CCM,
        key: &k,
        nonce: &hex!("10111213141516"),
        aad: &hex!("0001020304050607"),
        pt: &hex!("20212223"),
        ct: &hex!("7162015b"),
        tag: &hex!("4dac255d"),
    });
    ae_check(&AeCase {
        alg: TEE_ALG_AES_CCM,
        key: &k,
        nonce: &hex!("1011121314151617"),
        aad: &hex!("000102030405060708090a0b0c0d0e0f"),
        pt: &hex!("202122232425262728292a2b2c2d2e2f"),
        ct: &hex!("d2a1f0e051ea5f62081a7792073d593d"),
        tag: &hex!("1fc64fbfaccd"),
    });
    ae_check(&AeCase {
        alg: TEE_ALG_AES_CCM,
        key: &k,
        nonce: &hex!("101112131415161718191a1b"),
        aad: &hex!("000102030405060708090a0b0c0d0e0f10111213"),
        pt: &hex!("202122232425262728292a2b2c2d2e2f3031323334353637"),
        ct: &hex!("e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5"),
        tag: &hex!("484392fbc1b09951"),
    });
}

#[test]
fn caller_buffered_cts_and_xts() {
    // As libutee drives the core: whole blocks to update (all output at once), the last two
    // blocks (or block + partial) to final.
    let k = hex!("636869636b656e207465726979616b69");
    let msg = b"I would like the General Gau's Chicken, please, and wonton soup.";
    let want = hex!(
        "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e"
        "39312523a78662d5be7fcbcc98ebf5"
    );
    let mut op = keyed_op(TEE_ALG_AES_CTS, ENC, TEE_TYPE_AES, &k);
    op.set_caller_buffers(true);
    op.cipher_init(&[0; 16]).unwrap();
    let mut out = [0u8; 64];
    assert_eq!(
        op.cipher_update(&msg[..5], &mut out),
        Err(oxtee_crypto::CryptoError::BadParameters)
    );
    assert_eq!(op.cipher_update(&msg[..16], &mut out), Ok(16));
    assert_eq!(op.cipher_final(&msg[16..47], &mut out[16..]), Ok(31));
    assert_eq!(out[..47], want);

    let k1 = hex!("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0");
    let k2 = hex!("bfbebdbcbbbab9b8b7b6b5b4b3b2b1b0");
    let pt: Vec<u8> = (0u8..32).collect();
    crate::before_each_operation();
    let mut op = Operation::new(TEE_ALG_AES_XTS, ENC, 256).unwrap();
    op.set_key2(&key(TEE_TYPE_AES, &k1), &key(TEE_TYPE_AES, &k2))
        .unwrap();
    op.set_caller_buffers(true);
    op.cipher_init(&hex!("9a785634120000000000000000000000"))
        .unwrap();
    assert_eq!(op.cipher_update(&pt[..16], &mut out), Ok(16));
    assert_eq!(op.cipher_final(&pt[16..], &mut out[16..]), Ok(16));
    assert_eq!(
        out[..32],
        hex!("edbf9dace45d6f6a7306e64be5dd824b2538f5724fcf24249ac111ab45ad3923")
    );
}

#[test]
fn xts_stealing_every_length() {
    // Round trip of every length 16..=80 and equality of one-shot vs byte-wise feeding.
    let k1 = hex!("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0");
    let k2 = hex!("bfbebdbcbbbab9b8b7b6b5b4b3b2b1b0");
    let tw = hex!("9a785634120000000000000000000000");
    let data: Vec<u8> = (0u8..80).map(|i| i.wrapping_mul(7)).collect();
    // 45 bytes: stealing after two whole blocks (cross-checked).
    assert_eq!(
        xts(true, &k1, &k2, &tw, &data[..45]),
        hex!(
            "26773c1cd99504919aba95b6b2c2ceb1f710910315e99a99981bc6824c426066"
            "2b3815a69d552e5aa7f73eb34d"
        )
    );
    for len in 16..=80 {
        let ct = xts(true, &k1, &k2, &tw, &data[..len]);
        let a = key(TEE_TYPE_AES, &k1);
        let b = key(TEE_TYPE_AES, &k2);
        crate::before_each_operation();
        let mut op = Operation::new(TEE_ALG_AES_XTS, ENC, 256).unwrap();
        op.set_key2(&a, &b).unwrap();
        assert_eq!(cipher_chunked(&mut op, &tw, &data[..len], 1).unwrap(), ct);
        assert_eq!(xts(false, &k1, &k2, &tw, &ct), data[..len], "len {len}");
    }
}

#[test]
fn the_boot_known_answer_tests_pass() {
    // What the image runs at boot after installing the accelerator: here in
    // software, and through the stand-in in sym_vectors_accelerated.rs.
    crate::before_each_operation();
    assert_eq!(oxtee_crypto::accel::known_answers(), Ok(()));
}
