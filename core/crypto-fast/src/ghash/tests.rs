use super::*;
use crate::accel::fake::Fake;

#[test]
fn accelerated_and_software_agree_from_any_state() {
    let h: [u8; 16] = core::array::from_fn(|i| (i as u8) * 13 + 1);
    let data: alloc::vec::Vec<u8> = (0..16 * 9 + 5).map(|i| (i * 7) as u8).collect();
    let soft = Ghash::new_on(None, &h);
    for refuse in [false, true] {
        let fake = Fake::leak(refuse);
        let hw = Ghash::new_on(Some(fake), &h);
        let (mut a, mut b) = ([0x77u8; 16], [0x77u8; 16]);
        for piece in data.chunks(48) {
            soft.blocks(&mut a, piece);
            hw.blocks(&mut b, piece);
            assert_eq!(a, b);
        }
        assert!(fake.done() >= 2);
    }
    // A partial block is left alone; nothing at all changes nothing.
    let mut y = [1u8; 16];
    soft.blocks(&mut y, &data[..15]);
    assert_eq!(y, [1; 16]);
}

#[test]
fn without_pmull_the_software_runs() {
    let fake = Fake::only(&["aes"], false);
    let g = Ghash::new_on(Some(fake), &[3; 16]);
    let mut y = [0u8; 16];
    g.blocks(&mut y, &[9; 64]);
    assert_eq!(fake.done(), 0);
    assert_ne!(y, [0; 16]);
}
