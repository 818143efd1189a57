use super::*;
use ed25519_dalek::{Signer, SigningKey};
use supplicant_proto::secure_package::SIGNED_LEN;
use zerocopy::{FromZeros, IntoBytes};

const LOAD: u64 = 0x0e10_0000;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn policy() -> Policy {
    Policy::bl32(key().verifying_key().to_bytes(), 3)
}

/// Builds a package the way `oxtee-sign wrap` does.
fn package_with(sk: &SigningKey, edit: impl FnOnce(&mut PackageHeader), payload: &[u8]) -> Vec<u8> {
    let mut h = PackageHeader::new_zeroed();
    h.magic = PACKAGE_MAGIC;
    h.format_version = PACKAGE_FORMAT_VERSION;
    h.header_size = HEADER_SIZE as u16;
    h.rollback_version = 5;
    h.load_addr = LOAD;
    h.entry = LOAD;
    h.payload_len = payload.len() as u64;
    h.payload_sha256 = Sha256::digest(payload).into();
    h.key_id = Sha256::digest(sk.verifying_key().to_bytes()).into();
    edit(&mut h);
    h.signature = sk.sign(&h.as_bytes()[..SIGNED_LEN]).to_bytes();
    let mut out = h.as_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

fn package(edit: impl FnOnce(&mut PackageHeader)) -> Vec<u8> {
    package_with(&key(), edit, b"payload bytes of the secure OS")
}

#[test]
fn good_package_verifies() {
    let pkg = package(|_| {});
    let v = verify(&pkg, &policy()).unwrap();
    assert_eq!(v.version(), 5);
    assert_eq!(v.load_addr(), LOAD);
    assert_eq!(v.entry(), LOAD);
    assert_eq!(v.payload(), b"payload bytes of the secure OS");
    // Trailing slot bytes (erased flash) are ignored.
    let mut slot = pkg.clone();
    slot.resize(pkg.len() + 4096, 0xFF);
    assert_eq!(verify(&slot, &policy()).unwrap().payload(), v.payload());
}

#[test]
fn two_step_verifies_the_copy() {
    let pkg = package(|_| {});
    let hdr = verify_header(&pkg, &policy()).unwrap();
    assert_eq!(hdr.payload_range(), HEADER_SIZE..pkg.len());
    let mut ram = vec![0u8; hdr.payload_len()];
    ram.copy_from_slice(&pkg[hdr.payload_range()]);
    assert_eq!(check_payload(&hdr, &ram).unwrap().payload(), &ram[..]);
    ram[3] ^= 0x10; // the copy changed after the header check
    assert_eq!(check_payload(&hdr, &ram), Err(Refusal::PayloadHashMismatch));
    assert!(matches!(
        check_payload(&hdr, &ram[..4]),
        Err(Refusal::Truncated { .. })
    ));
    // verify_header needs only the header bytes.
    assert_eq!(verify_header(&pkg[..HEADER_SIZE], &policy()), Ok(hdr));
}

#[test]
fn truncated() {
    let pkg = package(|_| {});
    assert_eq!(
        verify(&pkg[..HEADER_SIZE - 1], &policy()),
        Err(Refusal::Truncated {
            needed: 256,
            available: 255
        })
    );
    assert_eq!(
        verify(&pkg[..pkg.len() - 1], &policy()),
        Err(Refusal::Truncated {
            needed: pkg.len() as u64,
            available: pkg.len() as u64 - 1
        })
    );
    assert!(matches!(
        verify(&[], &policy()),
        Err(Refusal::Truncated { .. })
    ));
    let huge = package(|h| h.payload_len = SLOT_MAX_PAYLOAD as u64 + 1);
    assert!(matches!(
        verify_header(&huge, &policy()),
        Err(Refusal::Truncated { .. })
    ));
    let huge = package(|h| h.payload_len = u64::MAX);
    assert!(matches!(
        verify(&huge, &policy()),
        Err(Refusal::Truncated { .. })
    ));
}

#[test]
fn bad_magic_and_format() {
    assert_eq!(
        verify(&[0xFF; 512], &policy()),
        Err(Refusal::BadMagic { found: 0xFFFF_FFFF })
    );
    let pkg = package(|h| h.format_version = 2);
    assert_eq!(
        verify(&pkg, &policy()),
        Err(Refusal::UnsupportedFormat { format_version: 2 })
    );
    let pkg = package(|h| h.header_size = 512);
    assert!(matches!(
        verify(&pkg, &policy()),
        Err(Refusal::UnsupportedFormat { .. })
    ));
    let pkg = package(|h| h.flags = 1);
    assert!(matches!(
        verify(&pkg, &policy()),
        Err(Refusal::UnsupportedFormat { .. })
    ));
    let pkg = package(|h| h.reserved[87] = 1);
    assert!(matches!(
        verify(&pkg, &policy()),
        Err(Refusal::UnsupportedFormat { .. })
    ));
}

#[test]
fn bad_signature_and_keys() {
    let mut pkg = package(|_| {});
    pkg[SIGNED_LEN + 10] ^= 1;
    assert_eq!(verify(&pkg, &policy()), Err(Refusal::BadSignature));
    // Any signed header byte changed after signing.
    let mut pkg = package(|_| {});
    pkg[8] ^= 0x40; // rollback_version
    assert_eq!(verify(&pkg, &policy()), Err(Refusal::BadSignature));
    // Signed by another key.
    let other = SigningKey::from_bytes(&[9u8; 32]);
    let pkg = package_with(&other, |_| {}, b"x");
    assert_eq!(verify(&pkg, &policy()), Err(Refusal::WrongKey));
    // Another key but claiming our key id.
    let id = policy().trusted_key;
    let pkg = package_with(&other, |h| h.key_id = Sha256::digest(id).into(), b"x");
    assert_eq!(verify(&pkg, &policy()), Err(Refusal::BadSignature));
    // Trusted key that is not a valid point / is a small-order point.
    let mut p = policy();
    p.trusted_key = [0u8; 32];
    p.trusted_key[0] = 1; // identity point: weak
    assert_eq!(
        verify(&package(|_| {}), &p),
        Err(Refusal::InvalidTrustedKey)
    );
}

#[test]
fn payload_hash_mismatch() {
    let mut pkg = package(|_| {});
    let last = pkg.len() - 1;
    pkg[last] ^= 0x80;
    assert_eq!(verify(&pkg, &policy()), Err(Refusal::PayloadHashMismatch));
}

#[test]
fn load_window_and_entry() {
    let below = package(|h| {
        h.load_addr = BL32_LOAD_START - 0x1000;
        h.entry = h.load_addr;
    });
    assert!(matches!(
        verify(&below, &policy()),
        Err(Refusal::LoadOutsideWindow { .. })
    ));
    let past_end = package(|h| {
        h.load_addr = BL32_LOAD_END - 4;
        h.entry = h.load_addr;
    });
    assert!(matches!(
        verify(&past_end, &policy()),
        Err(Refusal::LoadOutsideWindow { .. })
    ));
    let wraps = package(|h| {
        h.load_addr = u64::MAX - 3;
        h.entry = h.load_addr;
    });
    assert!(matches!(
        verify(&wraps, &policy()),
        Err(Refusal::LoadOutsideWindow { .. })
    ));
    // Ends exactly at the window end: fine.
    let len = b"payload bytes of the secure OS".len() as u64;
    let at_end = package(|h| {
        h.load_addr = BL32_LOAD_END - len;
        h.entry = h.load_addr;
    });
    assert!(verify(&at_end, &policy()).is_ok());
    let entry_after = package(|h| h.entry = LOAD + len);
    assert_eq!(
        verify(&entry_after, &policy()),
        Err(Refusal::EntryOutsideImage { entry: LOAD + len })
    );
    let entry_before = package(|h| h.entry = LOAD - 4);
    assert!(matches!(
        verify(&entry_before, &policy()),
        Err(Refusal::EntryOutsideImage { .. })
    ));
    let empty = package_with(&key(), |_| {}, b"");
    assert!(matches!(
        verify(&empty, &policy()),
        Err(Refusal::EntryOutsideImage { .. })
    ));
}

#[test]
fn rollback() {
    let old = package(|h| h.rollback_version = 2);
    assert_eq!(
        verify(&old, &policy()),
        Err(Refusal::Rollback {
            version: 2,
            minimum: 3
        })
    );
    assert_eq!(
        verify_header(&old, &policy()),
        Err(Refusal::Rollback {
            version: 2,
            minimum: 3
        })
    );
    let same = package(|h| h.rollback_version = 3);
    assert!(verify(&same, &policy()).is_ok());
}

#[test]
fn check_order_is_documented_order() {
    // Bad signature and wrong window and rollback: the signature is reported.
    let mut pkg = package(|h| {
        h.rollback_version = 0;
        h.load_addr = 0;
    });
    pkg[SIGNED_LEN] ^= 1;
    assert_eq!(verify(&pkg, &policy()), Err(Refusal::BadSignature));
    // Hash mismatch and rollback: the hash is reported.
    let mut pkg = package(|h| h.rollback_version = 0);
    pkg[HEADER_SIZE] ^= 1;
    assert_eq!(verify(&pkg, &policy()), Err(Refusal::PayloadHashMismatch));
}

#[test]
fn display_is_one_line_with_prefix() {
    let all = [
        Refusal::Truncated {
            needed: 1,
            available: 0,
        },
        Refusal::BadMagic { found: 0 },
        Refusal::UnsupportedFormat { format_version: 9 },
        Refusal::InvalidTrustedKey,
        Refusal::WrongKey,
        Refusal::BadSignature,
        Refusal::PayloadHashMismatch,
        Refusal::LoadOutsideWindow {
            load_addr: 0,
            len: 1,
        },
        Refusal::EntryOutsideImage { entry: 0 },
        Refusal::Rollback {
            version: 1,
            minimum: 2,
        },
    ];
    for r in all {
        let s = r.to_string();
        assert!(s.starts_with("secure boot: refused: "), "{s}");
        assert!(!s.contains('\n'));
    }
    assert_eq!(
        Refusal::BadSignature.to_string(),
        "secure boot: refused: bad signature"
    );
}

/// Small xorshift PRNG: the fuzz target's property (never panics, never
/// accepts a forgery) checked on every host `cargo test`.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_and_mutated_inputs_never_panic_or_pass() {
    let good = package(|_| {});
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    // Signature checks are slow without optimisation; `--release` runs more.
    let iterations = if cfg!(debug_assertions) { 600 } else { 6000 };
    for i in 0..iterations {
        let mut input = good.clone();
        match i % 4 {
            0 => {
                // Pure noise of random length.
                let len = (rng.next() % 600) as usize;
                input = (0..len).map(|_| rng.next() as u8).collect();
            }
            1 => {
                // Flip 1-3 bits anywhere.
                for _ in 0..1 + rng.next() % 3 {
                    let at = (rng.next() as usize) % input.len();
                    input[at] ^= 1 << (rng.next() % 8);
                }
            }
            2 => {
                // Truncate or extend.
                let len = (rng.next() as usize) % (input.len() + 64);
                input.resize(len, rng.next() as u8);
            }
            _ => {
                // Overwrite a random header word with a random value.
                let at = (rng.next() as usize) % (HEADER_SIZE - 8);
                input[at..at + 8].copy_from_slice(&rng.next().to_le_bytes());
            }
        }
        if let Ok(v) = verify(&input, &policy()) {
            // Only inputs still carrying the exact good header + payload may pass.
            assert_eq!(&input[..good.len()], &good[..]);
            assert_eq!(v.payload(), &good[HEADER_SIZE..]);
            accepted += 1;
        }
        if i % 8 == 0 {
            let _ = verify_header(&input, &policy());
        }
    }
    // Extensions of the untouched package exist among the cases, so some pass.
    assert!(accepted > 0);
}

/// Block function that records the lengths it was handed, then runs the software one.
struct Counting(core::cell::RefCell<Vec<usize>>);

impl Sha256Blocks for Counting {
    fn compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        assert_eq!(blocks.len() % 64, 0);
        self.0.borrow_mut().push(blocks.len());
        SoftwareSha256.compress(state, blocks);
    }
}

#[test]
fn sha256_with_matches_sha2_at_block_boundaries() {
    let data: Vec<u8> = (0..1000u32).map(|i| (i * 131 % 251) as u8).collect();
    for len in (0..=200).chain([447, 448, 500, 511, 512, 513, 999, 1000]) {
        let want: [u8; 32] = Sha256::digest(&data[..len]).into();
        assert_eq!(
            sha256_with(&SoftwareSha256, &data[..len]),
            want,
            "len {len}"
        );
        // The whole blocks in one call, then one or two padded blocks.
        let c = Counting(Default::default());
        assert_eq!(sha256_with(&c, &data[..len]), want, "len {len}");
        let tail = if len % 64 < 56 { 64 } else { 128 };
        assert_eq!(*c.0.borrow(), [len - len % 64, tail], "len {len}");
    }
    // FIPS 180-4's one- and two-block examples.
    assert_eq!(
        sha256_with(&SoftwareSha256, b"abc")[..4],
        [0xba, 0x78, 0x16, 0xbf]
    );
    assert_eq!(
        sha256_with(
            &SoftwareSha256,
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )[..4],
        [0x24, 0x8d, 0x6a, 0x61]
    );
}

/// A block function that skips every block after the first of each call.
struct FirstBlockOnly;

impl Sha256Blocks for FirstBlockOnly {
    fn compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        SoftwareSha256.compress(state, &blocks[..blocks.len().min(64)]);
    }
}

#[test]
fn check_payload_with_uses_the_given_block_function() {
    let payload: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
    let pkg = package_with(&key(), |_| {}, &payload);
    let hdr = verify_header(&pkg, &policy()).unwrap();
    let copy = &pkg[hdr.payload_range()];
    let c = Counting(Default::default());
    assert!(check_payload_with(&hdr, copy, &c).is_ok());
    assert_eq!(*c.0.borrow(), [256, 64]);
    // A wrong block function refuses the package instead of accepting it.
    assert_eq!(
        check_payload_with(&hdr, copy, &FirstBlockOnly),
        Err(Refusal::PayloadHashMismatch)
    );
}
