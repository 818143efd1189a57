//! The AES modes on a fake accelerator (with and without refused calls)
//! and in software, against the generic RustCrypto-based modes of
//! `block.rs` instantiated with the `aes` crate, in uneven pieces; and
//! one accelerator call per whole-block update.

use super::*;
use crate::accel::fake::Fake;
use crate::block;

fn data(len: usize) -> alloc::vec::Vec<u8> {
    (0..len).map(|i| (i * 7 + len) as u8).collect()
}

const KEY: [u8; 64] = {
    let mut k = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        k[i] = (i as u8).wrapping_mul(91) ^ 0x3c;
        i += 1;
    }
    k
};

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

/// Whole blocks through `blocks`, the last 16..=32 bytes through `tail`.
fn steal(mut mode: Box<dyn StealMode>, input: &[u8], piece: usize) -> alloc::vec::Vec<u8> {
    let mut out = input.to_vec();
    let body = if out.len() <= 32 {
        0
    } else {
        (out.len() - 17) / 16 * 16
    };
    for c in out[..body].chunks_mut(piece) {
        mode.blocks(c);
    }
    mode.tail(&mut out[body..]).unwrap();
    out
}

/// The accelerators to try: none (software), working, refusing odd calls.
fn accels() -> [Option<&'static dyn Accelerator>; 3] {
    [None, Some(Fake::leak(false)), Some(Fake::leak(true))]
}

macro_rules! each_key {
    ($len:ident => $body:expr) => {
        for $len in [16usize, 24, 32] {
            match $len {
                16 => {
                    type C = aes::Aes128;
                    $body
                }
                24 => {
                    type C = aes::Aes192;
                    $body
                }
                _ => {
                    type C = aes::Aes256;
                    $body
                }
            }
        }
    };
}

#[test]
fn ecb_cbc_ctr_match_the_generic_modes() {
    let input = data(16 * 37);
    let pieces = [16, 48, 0, 160, 16];
    let iv = [0x3c; 16];
    each_key!(len => {
        let key = &KEY[..len];
        for on in accels() {
            for enc in [true, false] {
                let sw = block::new_ecb::<C>(key, enc).unwrap();
                assert_eq!(run(new_ecb(on, key, enc).unwrap(), &input, &pieces), run(sw, &input, &pieces));
                let sw = block::new_cbc::<C>(key, &iv, enc).unwrap();
                assert_eq!(run(new_cbc(on, key, &iv, enc).unwrap(), &input, &pieces), run(sw, &input, &pieces));
            }
            // CTR: any piece lengths, the counter's low 64 bits wrapping.
            let mut ctr_iv = [0xffu8; 16];
            ctr_iv[..8].copy_from_slice(&[9; 8]);
            ctr_iv[15] = 0xfd;
            let input = data(1000);
            for pieces in [&[][..], &[1, 15, 17, 3, 64, 100, 0, 5][..], &[7; 20][..]] {
                let sw = block::new_ctr::<C>(key, &ctr_iv).unwrap();
                assert_eq!(run(new_ctr(on, key, &ctr_iv).unwrap(), &input, pieces), run(sw, &input, pieces));
            }
        }
    });
}

#[test]
fn cts_and_xts_match_the_generic_modes_at_every_length() {
    let iv = [0x5a; 16];
    each_key!(len => {
        for on in accels() {
            for enc in [true, false] {
                for n in (16..=100).step_by(3) {
                    let input = data(n);
                    let key = &KEY[..len];
                    let sw = block::new_cts::<C>(key, &iv, enc).unwrap();
                    let hw = new_cts(on, key, &iv, enc).unwrap().unwrap();
                    assert_eq!(steal(hw, &input, 32), steal(sw, &input, 32), "cts {n}");
                    let key = &KEY[..2 * len];
                    let sw = block::new_xts::<C>(key, &iv, enc).unwrap();
                    let hw = new_xts(on, key, &iv, enc).unwrap().unwrap();
                    assert_eq!(steal(hw, &input, 48), steal(sw, &input, 48), "xts {n}");
                }
            }
        }
    });
}

#[test]
fn whole_block_updates_are_one_accelerator_call() {
    let fake = Fake::leak(false);
    let mut d = data(4096);
    let iv = [1u8; 16];
    let mut modes = [
        new_ecb(Some(fake), &KEY[..16], true).unwrap(),
        new_cbc(Some(fake), &KEY[..16], &iv, false).unwrap(),
        new_ctr(Some(fake), &KEY[..16], &iv).unwrap(),
    ];
    for m in &mut modes {
        let before = fake.done();
        m.process(&mut d);
        assert_eq!(fake.done() - before, 1);
    }
    for mut m in [
        new_cts(Some(fake), &KEY[..16], &iv, true).unwrap().unwrap(),
        new_xts(Some(fake), &KEY[..32], &iv, false)
            .unwrap()
            .unwrap(),
    ] {
        let before = fake.done();
        m.blocks(&mut d);
        assert_eq!(fake.done() - before, 1);
    }
}

#[test]
fn clones_continue_from_the_same_state() {
    let fake = Fake::leak(false);
    let input = data(64);
    let iv = [1; 16];
    for mut m in [
        new_cbc(Some(fake), &KEY[..16], &iv, true).unwrap(),
        new_ctr(Some(fake), &KEY[..16], &iv).unwrap(),
    ] {
        let mut first = input[..21].to_vec();
        m.process(&mut first);
        let copy = m.box_clone();
        assert_eq!(run(m, &input[21..], &[]), run(copy, &input[21..], &[]));
    }
}

#[test]
fn bad_parameters() {
    let on = Some(Fake::leak(false) as &'static dyn Accelerator);
    assert!(new_ecb(on, &KEY[..20], true).is_none());
    assert!(new_cbc(on, &KEY[..16], &[0; 8], true).is_none());
    assert!(new_ctr(on, &KEY[..16], &[0; 15]).is_none());
    assert!(matches!(
        new_cts(on, &KEY[..16], &[0; 8], true),
        Some(Err(_))
    ));
    assert!(matches!(
        new_xts(on, &KEY[..32], &[0; 15], true),
        Some(Err(_))
    ));
    assert!(new_xts(on, &KEY[..40], &[0; 16], true).is_none());
    let mut cts = new_cts(on, &KEY[..16], &[0; 16], true).unwrap().unwrap();
    assert!(cts.tail(&mut [0; 15]).is_err());
    assert!(cts.tail(&mut [0; 33]).is_err());
}
