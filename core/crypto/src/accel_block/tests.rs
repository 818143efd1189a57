//! The accelerated modes against the software ones on a fake accelerator,
//! with and without refused calls, in uneven pieces.

use super::*;
use crate::accel::fake::Fake;
use crate::block::{dispatch_128, new_cbc, new_ctr, new_ecb};
use supplicant_proto::tee_crypto::{TEE_MAIN_ALGO_AES, TEE_MAIN_ALGO_SM4};

fn data(len: usize) -> alloc::vec::Vec<u8> {
    (0..len).map(|i| (i * 7 + len) as u8).collect()
}

/// Feeds `input` through `mode` in the given piece lengths (the rest last).
fn run(mut mode: Box<dyn BlockMode>, input: &[u8], pieces: &[usize]) -> alloc::vec::Vec<u8> {
    let mut out = input.to_vec();
    let mut at = 0;
    for &p in pieces {
        let end = (at + p).min(out.len());
        mode.process(&mut out[at..end]);
        at = end;
    }
    mode.process(&mut out[at..]);
    out
}

const KEY: [u8; 32] = [
    0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
    0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
];

#[test]
fn ecb_and_cbc_match_software_both_ways() {
    let input = data(16 * 37);
    let pieces = [16, 48, 0, 160, 16];
    for refuse in [false, true] {
        for key_len in [16, 24, 32] {
            let key = &KEY[..key_len];
            for encrypt in [true, false] {
                // One fake per mode: with refusals, its first call (the
                // expansion) is admitted and every second one after.
                let fake = Fake::leak(refuse);
                let hw = new_ecb_on(fake, TEE_MAIN_ALGO_AES, key, encrypt).unwrap();
                let sw = dispatch_128!(TEE_MAIN_ALGO_AES, key, new_ecb(encrypt)).unwrap();
                assert_eq!(run(hw, &input, &pieces), run(sw, &input, &pieces));
                let iv = [0x3c; 16];
                assert!(fake.done() >= 3, "accelerator used: {}", fake.done());
                let fake = Fake::leak(refuse);
                let hw = new_cbc_on(fake, TEE_MAIN_ALGO_AES, key, &iv, encrypt).unwrap();
                let sw = dispatch_128!(TEE_MAIN_ALGO_AES, key, new_cbc(&iv, encrypt)).unwrap();
                assert_eq!(run(hw, &input, &pieces), run(sw, &input, &pieces));
                // Some calls really went to the accelerator.
                assert!(fake.done() >= 3, "accelerator used: {}", fake.done());
            }
        }
    }
}

#[test]
fn ctr_matches_software_for_any_piece_lengths() {
    let input = data(1000);
    // The counter's low 64 bits wrap inside the message.
    let mut iv = [0xffu8; 16];
    iv[..8].copy_from_slice(&[9; 8]);
    iv[15] = 0xfd;
    for refuse in [false, true] {
        for key_len in [16, 24, 32] {
            let key = &KEY[..key_len];
            for pieces in [&[][..], &[1, 15, 17, 3, 64, 100, 0, 5][..], &[7; 20][..]] {
                let fake = Fake::leak(refuse);
                let hw = new_ctr_on(fake, TEE_MAIN_ALGO_AES, key, &iv).unwrap();
                let sw = dispatch_128!(TEE_MAIN_ALGO_AES, key, new_ctr(&iv)).unwrap();
                assert_eq!(run(hw, &input, pieces), run(sw, &input, pieces));
                assert!(fake.done() >= 2);
            }
        }
    }
}

#[test]
fn clones_continue_from_the_same_state() {
    let fake = Fake::leak(false);
    let input = data(64);
    let iv = [1; 16];
    for mut m in [
        new_cbc_on(fake, TEE_MAIN_ALGO_AES, &KEY[..16], &iv, true).unwrap(),
        new_ctr_on(fake, TEE_MAIN_ALGO_AES, &KEY[..16], &iv).unwrap(),
    ] {
        let mut first = input[..21].to_vec();
        m.process(&mut first);
        let copy = m.box_clone();
        assert_eq!(run(m, &input[21..], &[]), run(copy, &input[21..], &[]));
    }
}

#[test]
fn fips_197_vector_through_the_accelerated_mode() {
    // FIPS-197 appendix C.1 (AES-128).
    let key: [u8; 16] = core::array::from_fn(|i| i as u8);
    let plain: [u8; 16] = core::array::from_fn(|i| (i as u8) * 0x11);
    let expected = [
        0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5,
        0x5a,
    ];
    let fake = Fake::leak(false);
    let mode = new_ecb_on(fake, TEE_MAIN_ALGO_AES, &key, true).unwrap();
    assert_eq!(run(mode, &plain, &[]), expected);
}

#[test]
fn only_aes_with_valid_parameters_is_accelerated() {
    let fake = Fake::leak(false);
    assert!(new_ecb_on(fake, TEE_MAIN_ALGO_SM4, &KEY[..16], true).is_none());
    assert!(new_ecb_on(fake, TEE_MAIN_ALGO_AES, &KEY[..20], true).is_none());
    assert!(new_cbc_on(fake, TEE_MAIN_ALGO_AES, &KEY[..16], &[0; 8], true).is_none());
    assert!(new_ctr_on(fake, TEE_MAIN_ALGO_AES, &KEY[..16], &[0; 15]).is_none());
    // A key that cannot be expanded now falls back to the software mode.
    let refusing = Fake::leak(true);
    assert!(new_ecb_on(refusing, TEE_MAIN_ALGO_AES, &KEY[..16], true).is_some());
    assert!(new_ecb_on(refusing, TEE_MAIN_ALGO_AES, &KEY[..16], true).is_none());
}
