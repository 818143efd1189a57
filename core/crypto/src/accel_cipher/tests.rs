//! The accelerated cipher types against the `aes` crate, alone and inside
//! generic modes (the way CTS, XTS, CCM, GCM and CMAC use them), on a fake
//! accelerator with and without refused calls.

use cipher::generic_array::GenericArray;
use cipher::{BlockEncryptMut, InnerIvInit, KeyIvInit, StreamCipher};

use super::*;
use crate::accel::fake::Fake;

fn input(len: usize) -> alloc::vec::Vec<u8> {
    (0..len).map(|i| (i * 29 + 3) as u8).collect()
}

type B = GenericArray<u8, U16>;

fn encrypt_all(c: &impl BlockEncrypt<BlockSize = U16>, data: &[u8]) -> alloc::vec::Vec<u8> {
    let mut v: alloc::vec::Vec<B> = data.chunks(16).map(B::clone_from_slice).collect();
    c.encrypt_blocks(&mut v);
    v.iter().flatten().copied().collect()
}

fn decrypt_all(c: &impl BlockDecrypt<BlockSize = U16>, data: &[u8]) -> alloc::vec::Vec<u8> {
    let mut v: alloc::vec::Vec<B> = data.chunks(16).map(B::clone_from_slice).collect();
    c.decrypt_blocks(&mut v);
    v.iter().flatten().copied().collect()
}

#[test]
fn blocks_match_the_software_cipher_both_ways() {
    let key = [7u8; 16];
    for refuse in [false, true] {
        let fake = Fake::leak(refuse);
        let hw = Aes128::new_on(Some(fake), GenericArray::from_slice(&key));
        let sw = aes::Aes128::new(GenericArray::from_slice(&key));
        // 11 blocks: one batch of 8 and three single blocks.
        let plain = input(16 * 11);
        let ct = encrypt_all(&hw, &plain);
        assert_eq!(ct, encrypt_all(&sw, &plain));
        assert_eq!(decrypt_all(&hw, &ct), plain);
        let mut one = [0x42u8; 16];
        let mut two = one;
        hw.encrypt_block(GenericArray::from_mut_slice(&mut one));
        sw.encrypt_block(GenericArray::from_mut_slice(&mut two));
        assert_eq!(one, two);
        assert!(fake.done() >= 3, "accelerator used: {}", fake.done());
    }
}

#[test]
fn generic_modes_match_for_every_key_size() {
    let key: [u8; 32] = core::array::from_fn(|i| i as u8 ^ 0x9c);
    let iv = [0x31u8; 16];
    for refuse in [false, true] {
        let fake = Fake::leak(refuse);
        // GCM's counter (32-bit, wrapping in the middle).
        let mut wrap = iv;
        wrap[12..].copy_from_slice(&[0xff, 0xff, 0xff, 0xfd]);
        let hw = Aes256::new_on(Some(fake), GenericArray::from_slice(&key));
        let mut a = input(500);
        let mut b = a.clone();
        ctr::Ctr32BE::<Aes256>::from_core(ctr::CtrCore::inner_iv_init(hw, (&wrap).into()))
            .apply_keystream(&mut a);
        ctr::Ctr32BE::<aes::Aes256>::new((&key).into(), (&wrap).into()).apply_keystream(&mut b);
        assert_eq!(a, b);
        // CBC encryption (block by block, as CTS and CBC-MAC run it).
        let hw = Aes192::new_on(Some(fake), GenericArray::from_slice(&key[..24]));
        let mut e = cbc::Encryptor::<Aes192>::inner_iv_init(hw, (&iv).into());
        let mut s =
            cbc::Encryptor::<aes::Aes192>::new(GenericArray::from_slice(&key[..24]), (&iv).into());
        for _ in 0..5 {
            let mut x = [0x11u8; 16];
            let mut y = x;
            e.encrypt_block_mut((&mut x).into());
            s.encrypt_block_mut((&mut y).into());
            assert_eq!(x, y);
        }
        assert!(fake.done() >= 3, "accelerator used: {}", fake.done());
    }
}

#[test]
fn without_an_accelerator_it_is_the_software_cipher() {
    let key = [3u8; 16];
    let hw = Aes128::new_on(None, GenericArray::from_slice(&key));
    assert!(hw.hw.is_none());
    let sw = aes::Aes128::new(GenericArray::from_slice(&key));
    let (mut a, mut b) = ([5u8; 16], [5u8; 16]);
    hw.encrypt_block((&mut a).into());
    sw.encrypt_block((&mut b).into());
    assert_eq!(a, b);
}
