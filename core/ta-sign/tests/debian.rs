//! Verifies Debian's prebuilt TAs with the dev kit key.
//!
//! `OXTEE_DEBIAN_TA_DIR` names a directory (searched recursively for `*.ta`); the key is
//! `OXTEE_TA_KEY_PEM`, or the first `keys/default.pem` found under that directory. Ignored by
//! plain `cargo test`; `make debian-file-test` runs it with the files, and fails it when they
//! are missing.

use std::path::{Path, PathBuf};

use oxtee_ta_verify::{verify_ta, ImageType, RsaPublicKey, TaError};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let hex: String = s.chars().filter(|&c| c != '-').collect();
    if hex.len() != 32 || s.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn load_key(path: &Path) -> RsaPublicKey {
    let pem = std::fs::read_to_string(path).unwrap();
    rsa::RsaPrivateKey::from_pkcs1_pem(&pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(&pem))
        .map(|k| {
            use rsa::traits::PublicKeyParts;
            RsaPublicKey::from_components(&k.n().to_bytes_be(), &k.e().to_bytes_be()).unwrap()
        })
        .expect("default.pem is an RSA private key")
}

#[test]
#[ignore = "needs Debian's TAs in OXTEE_DEBIAN_TA_DIR: make debian-file-test"]
fn debian_tas_verify_with_dev_kit_key() {
    let dir = std::env::var_os("OXTEE_DEBIAN_TA_DIR")
        .expect("OXTEE_DEBIAN_TA_DIR must name a directory of Debian's .ta files");
    assert!(Path::new(&dir).is_dir(), "{dir:?} is not a directory");
    let mut files = Vec::new();
    walk(Path::new(&dir), &mut files);
    let key_path = std::env::var_os("OXTEE_TA_KEY_PEM")
        .map(PathBuf::from)
        .or_else(|| {
            files
                .iter()
                .find(|p| p.ends_with("keys/default.pem"))
                .cloned()
        });
    let key = load_key(&key_path.expect("no keys/default.pem found; set OXTEE_TA_KEY_PEM"));
    let tas: Vec<_> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ta"))
        .collect();
    assert!(!tas.is_empty(), "no .ta files under {dir:?}");

    let mut with_subkeys = Vec::new();
    for path in &tas {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let uuid = parse_uuid(stem).expect("file name is a UUID");
        let bytes = std::fs::read(path).unwrap();
        let keys = std::slice::from_ref(&key);
        let ta = verify_ta(&bytes, uuid, keys, None)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(&ta.elf[..4], b"\x7fELF", "{}", path.display());
        assert_eq!(ta.image_type, ImageType::Bootstrap);
        eprintln!(
            "ok {stem} elf={} version={:?} algo={:#x} subkeys={}",
            ta.elf.len(),
            ta.version,
            ta.algo,
            ta.subkeys.len()
        );
        if !ta.subkeys.is_empty() {
            with_subkeys.push((stem.to_owned(), ta.subkeys.len()));
        }

        // The same file under another UUID, or with one payload byte flipped, is refused.
        let mut other = uuid;
        other[15] ^= 1;
        assert_eq!(
            verify_ta(&bytes, other, keys, None).unwrap_err(),
            TaError::UuidMismatch
        );
        let mut bad = bytes.clone();
        let i = bad.len() - 1 - (bad.len() / 3);
        bad[i] ^= 0x20;
        assert!(verify_ta(&bad, uuid, keys, None).is_err());
    }
    eprintln!(
        "{} Debian TAs verified; subkey chains: {with_subkeys:?}",
        tas.len()
    );
    if tas
        .iter()
        .any(|p| p.ends_with("5c206987-16a3-59cc-ab0f-64b9cfc9e758.ta"))
    {
        assert!(with_subkeys.contains(&("5c206987-16a3-59cc-ab0f-64b9cfc9e758".into(), 2)));
        assert!(with_subkeys.contains(&("a720ccbb-51da-417d-b82e-e5445d474a7a".into(), 1)));
    }
}
