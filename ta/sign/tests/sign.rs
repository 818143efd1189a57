//! Signing round trips checked with the verifier the secure OS runs.

use std::path::PathBuf;
use std::process::Command;

use oxtee_ta_sign::{extract_elf, load_private_key, parse_uuid, sign_bootstrap};
use oxtee_ta_verify::{verify_ta, ImageType, RsaPublicKey, TaError};
use rsa::RsaPrivateKey;
use supplicant_proto::ta_shdr::{
    Shdr, ShdrBootstrapTa, SHDR_BOOTSTRAP_TA, SHDR_MAGIC, TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256,
};
use zerocopy::FromBytes;

const UUID_TEXT: &str = "cb3e5ba0-adf1-11e0-998b-0002a5d5c51b";
const UUID: [u8; 16] = [
    0xcb, 0x3e, 0x5b, 0xa0, 0xad, 0xf1, 0x11, 0xe0, 0x99, 0x8b, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b,
];
const TEE_ERROR_SECURITY: u32 = 0xffff_000f;
/// 20 (shdr) + 32 (hash) + 256 (signature) + 20 (bootstrap sub-header).
const HEADERS: usize = 328;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{name}.pem"))
}

fn key(name: &str) -> RsaPrivateKey {
    load_private_key(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

fn public(k: &RsaPrivateKey) -> RsaPublicKey {
    use rsa::traits::PublicKeyParts;
    RsaPublicKey::from_components(&k.n().to_bytes_be(), &k.e().to_bytes_be()).unwrap()
}

fn elf(len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| (i * 13 + 5) as u8).collect();
    v[..4].copy_from_slice(b"\x7fELF");
    v
}

#[test]
fn uuid_text_to_octets() {
    assert_eq!(parse_uuid(UUID_TEXT).unwrap(), UUID);
    assert!(parse_uuid("cb3e5ba0-adf1-11e0-998b-0002a5d5c51").is_err());
    assert!(parse_uuid("not-a-uuid").is_err());
    assert!(parse_uuid("cb3e5ba0adf111e0998b0002a5d5c51b").is_err());
    assert!(parse_uuid("cb3e5ba0-adf1-11e0-998b-0002a5d5c51g").is_err());
    assert!(parse_uuid("+b3e5ba0-adf1-11e0-998b-0002a5d5c51b").is_err());
    assert_eq!(
        parse_uuid("CB3E5BA0-ADF1-11E0-998B-0002A5D5C51B").unwrap(),
        UUID
    );
}

#[test]
fn layout_is_sign_encrypt_bootstrap() {
    let k = key("test_a");
    let payload = elf(1000);
    let ta = sign_bootstrap(&k, UUID, 7, &payload).unwrap();
    assert_eq!(ta.len(), HEADERS + payload.len());
    let (shdr, _) = Shdr::read_from_prefix(&ta).unwrap();
    assert_eq!(shdr.magic, SHDR_MAGIC);
    assert_eq!(shdr.img_type, SHDR_BOOTSTRAP_TA);
    assert_eq!(shdr.img_size, 1000);
    assert_eq!(shdr.algo, TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256);
    assert_eq!(shdr.hash_size, 32);
    assert_eq!(shdr.sig_size, 256);
    let (bs, _) = ShdrBootstrapTa::read_from_prefix(&ta[308..]).unwrap();
    assert_eq!(bs.uuid, UUID);
    assert_eq!(bs.ta_version, 7);
    assert_eq!(&ta[HEADERS..], &payload[..]);
}

#[test]
fn signed_ta_verifies() {
    let k = key("test_a");
    let payload = elf(4096);
    let ta = sign_bootstrap(&k, UUID, 3, &payload).unwrap();
    let v = verify_ta(&ta, UUID, &[public(&k)], Some(3)).unwrap();
    assert_eq!(v.elf, &payload[..]);
    assert_eq!(v.uuid, UUID);
    assert_eq!(v.version, Some(3));
    assert_eq!(v.image_type, ImageType::Bootstrap);
    assert_eq!(v.root_key, 0);
    assert_eq!(extract_elf(&ta).unwrap(), &payload[..]);
}

#[test]
fn second_trusted_key_matches() {
    let (a, b) = (key("test_a"), key("test_b"));
    let ta = sign_bootstrap(&b, UUID, 0, &elf(512)).unwrap();
    let v = verify_ta(&ta, UUID, &[public(&a), public(&b)], None).unwrap();
    assert_eq!(v.root_key, 1);
}

#[test]
fn untrusted_key_refused() {
    let (a, b) = (key("test_a"), key("test_b"));
    let ta = sign_bootstrap(&b, UUID, 0, &elf(512)).unwrap();
    let e = verify_ta(&ta, UUID, &[public(&a)], None).unwrap_err();
    assert_eq!(e.tee_result(), TEE_ERROR_SECURITY);
}

#[test]
fn wrong_uuid_refused() {
    let k = key("test_a");
    let ta = sign_bootstrap(&k, UUID, 0, &elf(512)).unwrap();
    let mut other = UUID;
    other[15] ^= 1;
    let e = verify_ta(&ta, other, &[public(&k)], None).unwrap_err();
    assert_eq!(e, TaError::UuidMismatch);
}

#[test]
fn every_flipped_byte_refused() {
    let k = key("test_a");
    let trusted = [public(&k)];
    let payload = elf(200);
    let ta = sign_bootstrap(&k, UUID, 1, &payload).unwrap();
    assert!(verify_ta(&ta, UUID, &trusted, None).is_ok());
    for i in 0..ta.len() {
        let mut bad = ta.clone();
        bad[i] ^= 0x01;
        let e = verify_ta(&bad, UUID, &trusted, None)
            .err()
            .unwrap_or_else(|| panic!("flip at {i} accepted"));
        assert_eq!(e.tee_result(), TEE_ERROR_SECURITY, "flip at {i}: {e:?}");
    }
}

#[test]
fn truncated_or_extended_refused() {
    let k = key("test_a");
    let trusted = [public(&k)];
    let ta = sign_bootstrap(&k, UUID, 0, &elf(300)).unwrap();
    assert!(verify_ta(&ta[..ta.len() - 1], UUID, &trusted, None).is_err());
    let mut longer = ta.clone();
    longer.push(0);
    assert!(verify_ta(&longer, UUID, &trusted, None).is_err());
    assert!(extract_elf(&ta[..ta.len() - 1]).is_err());
    assert!(extract_elf(&longer).is_err());
}

#[test]
fn non_elf_input_refused() {
    let k = key("test_a");
    assert!(sign_bootstrap(&k, UUID, 0, b"not an elf at all").is_err());
}

#[test]
fn resigning_changes_only_the_signature() {
    // Same key, same input: everything but the (salted) signature is identical.
    let k = key("test_a");
    let payload = elf(700);
    let one = sign_bootstrap(&k, UUID, 2, &payload).unwrap();
    let two = sign_bootstrap(&k, UUID, 2, &payload).unwrap();
    assert_eq!(one[..52], two[..52]);
    assert_ne!(one[52..308], two[52..308]);
    assert_eq!(one[308..], two[308..]);
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oxtee-ta-sign"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_sign_extract_and_refuse() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oxtee-ta-sign-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_owned();
    let payload = elf(3000);
    std::fs::write(p("ta.elf"), &payload).unwrap();
    let key_a = fixture("test_a");
    let key_a = key_a.to_str().unwrap();

    let out = run(&[
        "sign",
        "--key",
        key_a,
        "--uuid",
        UUID_TEXT,
        "--ta-version",
        "5",
        "--in",
        &p("ta.elf"),
        "-o",
        &p("signed.ta"),
    ]);
    assert!(out.status.success(), "{out:?}");
    let ta = std::fs::read(p("signed.ta")).unwrap();
    let v = verify_ta(&ta, UUID, &[public(&key("test_a"))], None).unwrap();
    assert_eq!(v.version, Some(5));

    let out = run(&["extract-elf", "--in", &p("signed.ta"), "-o", &p("back.elf")]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read(p("back.elf")).unwrap(), payload);

    // A signed TA is not an ELF: signing it again is refused.
    let out = run(&[
        "sign",
        "--key",
        key_a,
        "--uuid",
        UUID_TEXT,
        "--in",
        &p("signed.ta"),
        "-o",
        &p("double.ta"),
    ]);
    assert!(!out.status.success());
    // A bad UUID is refused.
    let out = run(&[
        "sign",
        "--key",
        key_a,
        "--uuid",
        "xyz",
        "--in",
        &p("ta.elf"),
        "-o",
        &p("x.ta"),
    ]);
    assert!(!out.status.success());
}

#[test]
fn cli_keygen_makes_a_usable_key() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oxtee-ta-sign-keygen");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("k.pem");
    let pem_s = pem.to_str().unwrap();
    let out = run(&["keygen", "-o", pem_s]);
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&pem).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"));
    let k = load_private_key(&text).unwrap();
    assert_eq!(rsa::traits::PublicKeyParts::size(&k), 256);
    // No silent overwrite.
    assert!(!run(&["keygen", "-o", pem_s]).status.success());
    assert_eq!(std::fs::read_to_string(&pem).unwrap(), text);
    let ta = sign_bootstrap(&k, UUID, 0, &elf(64)).unwrap();
    assert!(verify_ta(&ta, UUID, &[public(&k)], None).is_ok());
}
