//! The accelerator's routines against the software implementations, on
//! fixed inputs, before it is installed (the image runs this at boot):
//! every routine the CPU claims to have must run (not refuse) and agree.

use cipher::generic_array::GenericArray;
use cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use ghash::universal_hash::UniversalHash;

use super::{Accelerator, AesSchedule, GhashKey, KeccakBlocks};

type Check = Result<(), &'static str>;

fn check(name: &'static str, hw: &[u8], sw: &[u8]) -> Check {
    if hw == sw {
        Ok(())
    } else {
        Err(name)
    }
}

/// Checks every routine `accel` claims. `Err` names the first routine that
/// refused or disagreed.
pub fn self_test(accel: &dyn Accelerator) -> Check {
    if accel.has_aes() {
        for key_len in [16, 24, 32] {
            aes(accel, key_len)?;
        }
    }
    if accel.has_pmull() {
        ghash(accel)?;
    }
    let data: [u8; 256] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5c);
    let b64: [GenericArray<u8, cipher::typenum::U64>; 2] =
        core::array::from_fn(|i| GenericArray::clone_from_slice(&data[64 * i..64 * (i + 1)]));
    if accel.has_sha1() {
        let mut hw: [u32; 5] = core::array::from_fn(|i| 0x0101_0101 * (i as u32 + 3));
        let mut sw = hw;
        accel
            .sha1_blocks(&mut hw, &b64)
            .map_err(|_| "sha1 refused")?;
        sha1::compress(&mut sw, &b64);
        if hw != sw {
            return Err("sha1");
        }
    }
    if accel.has_sha256() {
        let mut hw: [u32; 8] = core::array::from_fn(|i| 0x0101_0101 * (i as u32 + 1));
        let mut sw = hw;
        accel
            .sha256_blocks(&mut hw, &b64)
            .map_err(|_| "sha256 refused")?;
        sha2::compress256(&mut sw, &b64);
        if hw != sw {
            return Err("sha256");
        }
    }
    if accel.has_sha512() {
        let b128: [GenericArray<u8, cipher::typenum::U128>; 2] =
            core::array::from_fn(|i| GenericArray::clone_from_slice(&data[128 * i..128 * (i + 1)]));
        let mut hw: [u64; 8] = core::array::from_fn(|i| 0x0123_4567_89ab_cdef * (i as u64 + 1));
        let mut sw = hw;
        accel
            .sha512_blocks(&mut hw, &b128)
            .map_err(|_| "sha512 refused")?;
        sha2::compress512(&mut sw, &b128);
        if hw != sw {
            return Err("sha512");
        }
    }
    if accel.has_sha3() {
        keccak(accel, &data)?;
    }
    Ok(())
}

/// The software reference for `keccak`: each block XORed in, then f1600.
fn absorb_soft(state: &mut [u64; 25], data: &[u8], rate: usize) {
    for block in data.chunks_exact(rate) {
        for (lane, w) in state.iter_mut().zip(block.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            *lane ^= u64::from_le_bytes(b);
        }
        keccak::f1600(state);
    }
}

fn keccak(accel: &dyn Accelerator, data: &[u8; 256]) -> Check {
    let start: [u64; 25] =
        core::array::from_fn(|i| 0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i as u64 + 1));
    macro_rules! rate {
        ($n:ty, $v:ident) => {{
            let rate = <$n as cipher::typenum::Unsigned>::USIZE;
            let blocks: [GenericArray<u8, $n>; 1] = [GenericArray::clone_from_slice(&data[..rate])];
            let (mut hw, mut sw) = (start, start);
            accel
                .keccak_absorb(&mut hw, KeccakBlocks::$v(&blocks))
                .map_err(|_| "sha3 refused")?;
            absorb_soft(&mut sw, &data[..rate], rate);
            if hw != sw {
                return Err("sha3 absorb");
            }
        }};
    }
    rate!(cipher::typenum::U72, R72);
    rate!(cipher::typenum::U104, R104);
    rate!(cipher::typenum::U136, R136);
    rate!(cipher::typenum::U144, R144);
    rate!(cipher::typenum::U168, R168);
    let (mut hw, mut sw) = (start, start);
    accel.keccak_permute(&mut hw).map_err(|_| "sha3 refused")?;
    keccak::f1600(&mut sw);
    if hw != sw {
        return Err("keccak permute");
    }
    Ok(())
}

fn ghash(accel: &dyn Accelerator) -> Check {
    let h: [u8; 16] = core::array::from_fn(|i| (i as u8).wrapping_mul(29) ^ 0xb3);
    let data: [u8; 64] = core::array::from_fn(|i| (i as u8).wrapping_mul(53) ^ 0x17);
    let y0: [u8; 16] = core::array::from_fn(|i| 0xf0 ^ i as u8);
    let mut hw = y0;
    accel
        .ghash(&GhashKey::new(&h), &mut hw, &data)
        .map_err(|_| "ghash refused")?;
    // From y0: GHASH is linear, so hash y0 ^ X1, X2, ... from zero.
    let mut g = ghash::GHash::new(GenericArray::from_slice(&h));
    let mut first: [u8; 16] = y0;
    first.iter_mut().zip(&data).for_each(|(a, b)| *a ^= *b);
    g.update(&[first.into()]);
    g.update_padded(&data[16..]);
    let sw: [u8; 16] = g.finalize().into();
    check("ghash", &hw, &sw)
}

/// Software AES, one block at a time.
enum Soft {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl Soft {
    fn block(&self, b: &mut [u8], decrypt: bool) {
        let b = GenericArray::from_mut_slice(b);
        match (self, decrypt) {
            (Soft::A128(c), false) => c.encrypt_block(b),
            (Soft::A128(c), true) => c.decrypt_block(b),
            (Soft::A192(c), false) => c.encrypt_block(b),
            (Soft::A192(c), true) => c.decrypt_block(b),
            (Soft::A256(c), false) => c.encrypt_block(b),
            (Soft::A256(c), true) => c.decrypt_block(b),
        }
    }
}

fn xor(a: &mut [u8], b: &[u8]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x ^= *y);
}

fn aes(accel: &dyn Accelerator, key_len: usize) -> Check {
    let key: [u8; 32] = core::array::from_fn(|i| i as u8 * 3 + 1);
    let key = &key[..key_len];
    let soft = match key_len {
        16 => Soft::A128(aes::Aes128::new_from_slice(key).map_err(|_| "aes key")?),
        24 => Soft::A192(aes::Aes192::new_from_slice(key).map_err(|_| "aes key")?),
        _ => Soft::A256(aes::Aes256::new_from_slice(key).map_err(|_| "aes key")?),
    };
    let plain: [u8; 64] = core::array::from_fn(|i| (i as u8).wrapping_mul(11));
    let mut keys = AesSchedule::default();
    accel
        .aes_expand(key, &mut keys)
        .map_err(|_| "aes expand refused")?;
    if keys.rounds() as usize != key_len / 4 + 6 {
        return Err("aes expand");
    }
    let refused = |_| "aes refused";

    // ECB both ways.
    for decrypt in [false, true] {
        let (mut hw, mut sw) = (plain, plain);
        accel.aes_ecb(&keys, decrypt, &mut hw).map_err(refused)?;
        sw.chunks_exact_mut(16).for_each(|b| soft.block(b, decrypt));
        check(
            if decrypt {
                "aes ecb decrypt"
            } else {
                "aes ecb"
            },
            &hw,
            &sw,
        )?;
    }

    // CBC both ways, with the IV carried over.
    let iv0 = [0xa5u8; 16];
    let (mut cbc, mut iv) = (plain, iv0);
    accel
        .aes_cbc(&keys, false, &mut iv, &mut cbc)
        .map_err(refused)?;
    let (mut sw, mut chain) = (plain, iv0);
    for b in sw.chunks_exact_mut(16) {
        xor(b, &chain);
        soft.block(b, false);
        chain.copy_from_slice(b);
    }
    check("aes cbc", &cbc, &sw)?;
    check("aes cbc iv", &iv, &chain)?;
    let mut iv = iv0;
    accel
        .aes_cbc(&keys, true, &mut iv, &mut cbc)
        .map_err(refused)?;
    check("aes cbc decrypt", &cbc, &plain)?;
    check("aes cbc decrypt iv", &iv, &chain)?;

    // CTR: 128 bits with a carry from the low into the high half; 32 bits
    // wrapping without a carry.
    for (ctr32, low) in [
        (false, [0xff, 0xff, 0xff, 0xfe]),
        (true, [0xff, 0xff, 0xff, 0xfe]),
    ] {
        let mut ctr0 = [0xffu8; 16];
        ctr0[..8].copy_from_slice(&[0, 0, 0, 0, 0, 0, 1, 0x7f]);
        ctr0[12..].copy_from_slice(&low);
        let (mut hw, mut counter) = (plain, ctr0);
        accel
            .aes_ctr(&keys, &mut counter, &mut hw, ctr32)
            .map_err(refused)?;
        let (mut sw, mut c) = (plain, ctr0);
        for b in sw.chunks_exact_mut(16) {
            let mut k = c;
            soft.block(&mut k, false);
            xor(b, &k);
            crate::aes_key::next_counter(&mut c, ctr32);
        }
        check(if ctr32 { "aes ctr32" } else { "aes ctr" }, &hw, &sw)?;
        check("aes ctr counter", &counter, &c)?;
    }

    // CBC-MAC.
    let mut state = [0x3cu8; 16];
    accel
        .aes_cbc_mac(&keys, &mut state, &plain)
        .map_err(refused)?;
    let mut sw = [0x3cu8; 16];
    for b in plain.chunks_exact(16) {
        xor(&mut sw, b);
        soft.block(&mut sw, false);
    }
    check("aes cbc-mac", &state, &sw)?;

    // XTS both ways, the tweak's top bit falling out on the way.
    for decrypt in [false, true] {
        let t0: [u8; 16] = core::array::from_fn(|i| if i == 15 { 0xc1 } else { i as u8 * 9 });
        let (mut hw, mut tweak) = (plain, t0);
        accel
            .aes_xts(&keys, decrypt, &mut tweak, &mut hw)
            .map_err(refused)?;
        let (mut sw, mut t) = (plain, t0);
        for b in sw.chunks_exact_mut(16) {
            xor(b, &t);
            soft.block(b, decrypt);
            xor(b, &t);
            crate::aes_key::xts_mul_x(&mut t);
        }
        check(
            if decrypt {
                "aes xts decrypt"
            } else {
                "aes xts"
            },
            &hw,
            &sw,
        )?;
        check("aes xts tweak", &tweak, &t)?;
    }
    Ok(())
}
