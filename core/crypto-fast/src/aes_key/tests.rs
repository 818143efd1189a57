//! Every operation of the key on a fake accelerator (with and without
//! refused calls) against the same key in software, and one accelerator
//! call per whole buffer.

use super::*;
use crate::accel::fake::Fake;

fn data(len: usize, seed: u8) -> alloc::vec::Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect()
}

const KEY: [u8; 32] = [
    0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
    0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
];

/// Runs `op` on a software key and on keys over fakes (working, refusing
/// every second call) and checks that all agree and that the accelerator
/// did some of the work.
fn agree(op: impl Fn(&AesKey) -> alloc::vec::Vec<u8>) {
    for key_len in [16, 24, 32] {
        let soft = AesKey::new_on(None, &KEY[..key_len]).unwrap();
        assert!(!soft.accelerated());
        let want = op(&soft);
        for refuse in [false, true] {
            let fake = Fake::leak(refuse);
            let hw = AesKey::new_on(Some(fake), &KEY[..key_len]).unwrap();
            assert!(hw.accelerated());
            assert_eq!(op(&hw), want, "key {key_len}, refusing {refuse}");
            assert!(fake.done() >= 2, "accelerator used: {}", fake.done());
        }
    }
}

#[test]
fn ecb_both_ways() {
    for decrypt in [false, true] {
        agree(|k| {
            let mut d = data(16 * 21, 1);
            k.ecb(decrypt, &mut d);
            k.ecb(decrypt, &mut d[..32]);
            d
        });
    }
}

#[test]
fn cbc_both_ways_with_the_iv_carried() {
    for decrypt in [false, true] {
        agree(|k| {
            let mut d = data(16 * 13, 2);
            let mut iv = [7u8; 16];
            k.cbc(decrypt, &mut iv, &mut d[..48]);
            k.cbc(decrypt, &mut iv, &mut d[48..]);
            d.extend_from_slice(&iv);
            d
        });
    }
}

#[test]
fn ctr_128_and_32_bit_counters_across_their_wrap() {
    for ctr32 in [false, true] {
        agree(|k| {
            let mut d = data(16 * 20, 3);
            let mut c = [0xffu8; 16];
            c[15] = 0xf8;
            k.ctr(&mut c, &mut d[..16 * 3], ctr32);
            k.ctr(&mut c, &mut d[16 * 3..], ctr32);
            d.extend_from_slice(&c);
            d
        });
    }
    // The two counters differ only past a 32-bit wrap.
    let mut a = [0u8; 16];
    a[12..].copy_from_slice(&[0xff; 4]);
    let mut b = a;
    next_counter(&mut a, false);
    next_counter(&mut b, true);
    assert_eq!(a[11], 1);
    assert_eq!(b, [0; 16]);
}

#[test]
fn cbc_mac_chains_like_cbc() {
    agree(|k| {
        let d = data(16 * 9, 4);
        let mut s = [0x11u8; 16];
        k.cbc_mac(&mut s, &d[..16]);
        k.cbc_mac(&mut s, &d[16..]);
        // Equal to the last block of CBC encryption.
        let mut c = d.clone();
        let mut iv = [0x11u8; 16];
        k.cbc(false, &mut iv, &mut c);
        assert_eq!(s, iv);
        s.to_vec()
    });
}

#[test]
fn xts_both_ways_with_the_tweak_carried() {
    for decrypt in [false, true] {
        agree(|k| {
            let mut d = data(16 * 11, 5);
            let mut t = [0x80u8; 16];
            k.xts(decrypt, &mut t, &mut d[..16]);
            k.xts(decrypt, &mut t, &mut d[16..]);
            d.extend_from_slice(&t);
            d
        });
    }
}

#[test]
fn single_blocks() {
    agree(|k| {
        let mut b = [0x42u8; 16];
        k.encrypt_block(&mut b);
        let mut c = b;
        k.decrypt_block(&mut c);
        assert_eq!(c, [0x42; 16]);
        b.to_vec()
    });
}

#[test]
fn one_accelerator_call_per_buffer() {
    let fake = Fake::leak(false);
    let k = AesKey::new_on(Some(fake), &KEY[..16]).unwrap();
    let mut d = data(4096, 6);
    let mut iv = [0u8; 16];
    let before = fake.done();
    k.ecb(false, &mut d);
    k.cbc(true, &mut iv, &mut d);
    k.ctr(&mut iv, &mut d, true);
    k.cbc_mac(&mut iv, &d);
    k.xts(false, &mut iv, &mut d);
    assert_eq!(fake.done() - before, 5);
}

#[test]
fn xts_mul_x_folds_the_top_bit() {
    let mut t = [0u8; 16];
    t[15] = 0x80;
    xts_mul_x(&mut t);
    let mut want = [0u8; 16];
    want[0] = 0x87;
    assert_eq!(t, want);
    let mut t = [0u8; 16];
    t[0] = 0x81;
    xts_mul_x(&mut t);
    assert_eq!(t[..2], [0x02, 0x01]);
}

#[test]
fn bad_key_lengths_are_refused() {
    assert!(AesKey::new_on(None, &KEY[..20]).is_none());
    assert!(AesKey::new_on(Some(Fake::leak(false)), &[]).is_none());
}
