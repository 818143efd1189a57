//! The accelerated SHA framing against the RustCrypto hashes on a fake
//! accelerator, with and without refused calls.

use super::*;
use crate::accel::fake::Fake;
use crate::digest::soft_hasher;

fn digest(
    mut h: Box<dyn Hasher>,
    input: &[u8],
    pieces: &[usize],
    len: usize,
) -> alloc::vec::Vec<u8> {
    let mut at = 0;
    for &p in pieces {
        let end = (at + p).min(input.len());
        h.update(&input[at..end]);
        at = end;
    }
    h.update(&input[at..]);
    let mut out = alloc::vec![0u8; len];
    h.finalize_reset(&mut out);
    out
}

#[test]
fn sha_matches_software_at_every_padding_edge() {
    let input: alloc::vec::Vec<u8> = (0..300u32).map(|i| (i * 13) as u8).collect();
    for (alg, len) in [
        (TEE_ALG_SHA1, 20),
        (TEE_ALG_SHA224, 28),
        (TEE_ALG_SHA256, 32),
    ] {
        for refuse in [false, true] {
            for n in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
                for pieces in [&[][..], &[1, 62, 2, 64, 70][..]] {
                    let fake = Fake::leak(refuse);
                    let hw = new_hasher_on(fake, alg).unwrap();
                    let sw = soft_hasher(alg).unwrap();
                    assert_eq!(
                        digest(hw, &input[..n], pieces, len),
                        digest(sw, &input[..n], pieces, len),
                        "alg {alg:#x} length {n}"
                    );
                    assert!(fake.done() >= 1);
                }
            }
        }
    }
}

#[test]
fn finalize_resets_and_clones_continue() {
    let fake = Fake::leak(false);
    let mut h = new_hasher_on(fake, TEE_ALG_SHA256).unwrap();
    h.update(b"abc");
    let copy = h.box_clone();
    let mut a = [0u8; 32];
    h.finalize_reset(&mut a);
    // FIPS 180-2 "abc".
    assert_eq!(
        a[..8],
        [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea],
        "SHA-256(abc)"
    );
    assert_eq!(digest(copy, b"", &[], 32), a);
    h.update(b"abc");
    let mut b = [0u8; 32];
    h.finalize_reset(&mut b);
    assert_eq!(a, b, "reset to a fresh state");
}

#[test]
fn only_hashes_the_cpu_has() {
    let fake = Box::leak(Box::new(Fake {
        aes: true,
        sha1: false,
        sha256: true,
        broken: false,
        refuse_every: 0,
        calls: Default::default(),
        done: Default::default(),
    }));
    assert!(new_hasher_on(fake, TEE_ALG_SHA1).is_none());
    assert!(new_hasher_on(fake, TEE_ALG_SHA256).is_some());
    assert!(new_hasher_on(fake, supplicant_proto::tee_crypto::TEE_ALG_SHA512).is_none());
}
