//! The accelerator's routines on fixed inputs, before it is installed (the
//! image runs this at boot): every routine the CPU claims to have must run
//! (not refuse) and give the software implementations' answers.
//!
//! The answers are stored, not computed at boot: running the software AES
//! (three key sizes), SHA-1/256/512, Keccak and GHASH once each only to
//! compare cost most of the self test's boot time under QEMU (every line of
//! that code translated for one use). Each output is compared by a 64-bit
//! fingerprint ([`fingerprint`]); the host test
//! `self_test_answers_are_the_softwares` recomputes every answer with the
//! RustCrypto crates (through the software stand-in) and must match.

use cipher::generic_array::GenericArray;

use super::{Accelerator, AesSchedule, GhashKey, KeccakBlocks};

type Check = Result<(), &'static str>;

/// Which table of answers a check reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Aes128,
    Aes192,
    Aes256,
    Ghash,
    Sha1,
    Sha256,
    Sha512,
    Keccak,
}

/// Where the answers come from: the stored tables at boot, a recorder in
/// the host test that makes them.
pub(crate) trait Answers {
    /// Checks output `hw` of the next check of `family`; `Err(name)` if it
    /// is wrong.
    fn check(&mut self, family: Family, name: &'static str, hw: &[u8]) -> Check;
}

/// A 64-bit fingerprint of `bytes`: per 8-byte word, xor, multiply by an
/// odd constant and xor-shift, each a bijection of the running value, so an
/// output that differs in one word never matches and one that differs in
/// several matches with probability about 2^-64.
pub(crate) fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ bytes.len() as u64;
    for c in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
    }
    h
}

/// The software's answers, in the order the checks run (per AES key size:
/// ECB, ECB decrypt, CBC, its IV, CBC decrypt, its IV, CTR, its counter,
/// CTR32, its counter, CBC-MAC, XTS, its tweak, XTS decrypt, its tweak).
mod table {
    pub(super) const AES128: [u64; 15] = [
        0x1dbb_e505_fc84_f0f5,
        0xac2b_57b3_44f0_e67d,
        0x2108_a588_cd2a_fcba,
        0x3e63_62bc_2c4a_6390,
        0xff54_0f1f_9d8d_e14e,
        0x3e63_62bc_2c4a_6390,
        0xd08f_e4db_8cd5_9da7,
        0xbbdb_bb75_fbeb_83f0,
        0xbb24_20ce_ad21_bd06,
        0x05df_4f21_dbcb_b379,
        0x6244_3e26_679d_b938,
        0x2bda_cea2_32a9_4235,
        0x15fe_1e8f_419f_e54c,
        0xcab9_3532_3beb_bd58,
        0x15fe_1e8f_419f_e54c,
    ];
    pub(super) const AES192: [u64; 15] = [
        0xe4de_6a97_7e67_512e,
        0xee18_0b2c_04c5_c713,
        0x52a9_fa8d_1f92_4aa1,
        0x9fd2_2ddf_a51f_5515,
        0xff54_0f1f_9d8d_e14e,
        0x9fd2_2ddf_a51f_5515,
        0xeb6d_a079_c9be_a800,
        0xbbdb_bb75_fbeb_83f0,
        0x9105_a645_2ed6_234b,
        0x05df_4f21_dbcb_b379,
        0x3b98_0ea2_f2f4_6ee1,
        0x4a7a_434d_e37e_86ca,
        0x15fe_1e8f_419f_e54c,
        0x2088_ac60_258e_416d,
        0x15fe_1e8f_419f_e54c,
    ];
    pub(super) const AES256: [u64; 15] = [
        0x0a60_8c54_2005_7e6c,
        0x0eec_b636_81e8_33d0,
        0x1d8c_c041_a53b_69ec,
        0xad4c_454c_5bbc_38a2,
        0xff54_0f1f_9d8d_e14e,
        0xad4c_454c_5bbc_38a2,
        0x9f1e_97c4_a465_1cd4,
        0xbbdb_bb75_fbeb_83f0,
        0x647d_3b08_d913_021d,
        0x05df_4f21_dbcb_b379,
        0x81f7_ba34_4658_4f5c,
        0x8825_5907_bc34_4037,
        0x15fe_1e8f_419f_e54c,
        0xb26a_7aff_06e2_4fc0,
        0x15fe_1e8f_419f_e54c,
    ];
    pub(super) const GHASH: [u64; 1] = [0x7759_5475_e4a9_26aa];
    pub(super) const SHA1: [u64; 1] = [0x827b_e742_8fcd_64fa];
    pub(super) const SHA256: [u64; 1] = [0x37fe_53fb_eef0_77b4];
    pub(super) const SHA512: [u64; 1] = [0x224f_8962_2162_468f];
    /// The five absorb rates, then the bare permutation.
    pub(super) const KECCAK: [u64; 6] = [
        0x0f6e_9605_088d_036e,
        0x1f91_a4c7_5628_caaa,
        0xba25_0f7d_6860_4a52,
        0x5b71_5fdd_f38a_abe2,
        0x28de_4302_8ce9_20c3,
        0x65d8_6e68_1b1e_29ce,
    ];
}

/// The stored tables, each read in order.
#[derive(Default)]
struct Stored {
    next: [usize; 8],
}

/// The stored answers of `family`.
pub(crate) fn expected(family: Family) -> &'static [u64] {
    match family {
        Family::Aes128 => &table::AES128,
        Family::Aes192 => &table::AES192,
        Family::Aes256 => &table::AES256,
        Family::Ghash => &table::GHASH,
        Family::Sha1 => &table::SHA1,
        Family::Sha256 => &table::SHA256,
        Family::Sha512 => &table::SHA512,
        Family::Keccak => &table::KECCAK,
    }
}

impl Answers for Stored {
    fn check(&mut self, family: Family, name: &'static str, hw: &[u8]) -> Check {
        let i = &mut self.next[family as usize];
        let ok = expected(family).get(*i) == Some(&fingerprint(hw));
        *i += 1;
        if ok {
            Ok(())
        } else {
            Err(name)
        }
    }
}

/// Checks every routine `accel` claims. `Err` names the first routine that
/// refused or disagreed.
pub fn self_test(accel: &dyn Accelerator) -> Check {
    run(accel, &mut Stored::default())
}

/// The checks, with `answers` judging each output.
pub(crate) fn run(accel: &dyn Accelerator, answers: &mut dyn Answers) -> Check {
    if accel.has_aes() {
        aes(accel, answers, 16, Family::Aes128)?;
        aes(accel, answers, 24, Family::Aes192)?;
        aes(accel, answers, 32, Family::Aes256)?;
    }
    if accel.has_pmull() {
        ghash(accel, answers)?;
    }
    let data: [u8; 256] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5c);
    let b64: [GenericArray<u8, cipher::typenum::U64>; 2] =
        core::array::from_fn(|i| GenericArray::clone_from_slice(&data[64 * i..64 * (i + 1)]));
    if accel.has_sha1() {
        let mut hw: [u32; 5] = core::array::from_fn(|i| 0x0101_0101 * (i as u32 + 3));
        accel
            .sha1_blocks(&mut hw, &b64)
            .map_err(|_| "sha1 refused")?;
        answers.check(Family::Sha1, "sha1", &words32(&hw))?;
    }
    if accel.has_sha256() {
        let mut hw: [u32; 8] = core::array::from_fn(|i| 0x0101_0101 * (i as u32 + 1));
        accel
            .sha256_blocks(&mut hw, &b64)
            .map_err(|_| "sha256 refused")?;
        answers.check(Family::Sha256, "sha256", &words32(&hw))?;
    }
    if accel.has_sha512() {
        let b128: [GenericArray<u8, cipher::typenum::U128>; 2] =
            core::array::from_fn(|i| GenericArray::clone_from_slice(&data[128 * i..128 * (i + 1)]));
        let mut hw: [u64; 8] = core::array::from_fn(|i| 0x0123_4567_89ab_cdef * (i as u64 + 1));
        accel
            .sha512_blocks(&mut hw, &b128)
            .map_err(|_| "sha512 refused")?;
        answers.check(Family::Sha512, "sha512", &words64(&hw))?;
    }
    if accel.has_sha3() {
        keccak(accel, answers, &data)?;
    }
    Ok(())
}

/// Little-endian bytes of 32-bit words (up to eight).
fn words32(w: &[u32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, v) in out.chunks_exact_mut(4).zip(w) {
        o.copy_from_slice(&v.to_le_bytes());
    }
    out
}

/// Little-endian bytes of 64-bit words (up to 25).
fn words64(w: &[u64]) -> [u8; 200] {
    let mut out = [0u8; 200];
    for (o, v) in out.chunks_exact_mut(8).zip(w) {
        o.copy_from_slice(&v.to_le_bytes());
    }
    out
}

fn keccak(accel: &dyn Accelerator, answers: &mut dyn Answers, data: &[u8; 256]) -> Check {
    let start: [u64; 25] =
        core::array::from_fn(|i| 0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i as u64 + 1));
    macro_rules! rate {
        ($n:ty, $v:ident) => {{
            let rate = <$n as cipher::typenum::Unsigned>::USIZE;
            let blocks: [GenericArray<u8, $n>; 1] = [GenericArray::clone_from_slice(&data[..rate])];
            let mut hw = start;
            accel
                .keccak_absorb(&mut hw, KeccakBlocks::$v(&blocks))
                .map_err(|_| "sha3 refused")?;
            answers.check(Family::Keccak, "sha3 absorb", &words64(&hw))?;
        }};
    }
    rate!(cipher::typenum::U72, R72);
    rate!(cipher::typenum::U104, R104);
    rate!(cipher::typenum::U136, R136);
    rate!(cipher::typenum::U144, R144);
    rate!(cipher::typenum::U168, R168);
    let mut hw = start;
    accel.keccak_permute(&mut hw).map_err(|_| "sha3 refused")?;
    answers.check(Family::Keccak, "keccak permute", &words64(&hw))
}

fn ghash(accel: &dyn Accelerator, answers: &mut dyn Answers) -> Check {
    let h: [u8; 16] = core::array::from_fn(|i| (i as u8).wrapping_mul(29) ^ 0xb3);
    let data: [u8; 64] = core::array::from_fn(|i| (i as u8).wrapping_mul(53) ^ 0x17);
    let mut hw: [u8; 16] = core::array::from_fn(|i| 0xf0 ^ i as u8);
    accel
        .ghash(&GhashKey::new(&h), &mut hw, &data)
        .map_err(|_| "ghash refused")?;
    answers.check(Family::Ghash, "ghash", &hw)
}

fn aes(
    accel: &dyn Accelerator,
    answers: &mut dyn Answers,
    key_len: usize,
    family: Family,
) -> Check {
    let key: [u8; 32] = core::array::from_fn(|i| i as u8 * 3 + 1);
    let key = &key[..key_len];
    // 37 blocks: more than two steps of the SVE modes and two vectors of
    // the longest SVE length, with a partial vector last at every length.
    let plain: [u8; 592] = core::array::from_fn(|i| (i as u8).wrapping_mul(11) ^ (i >> 8) as u8);
    let mut keys = AesSchedule::default();
    accel
        .aes_expand(key, &mut keys)
        .map_err(|_| "aes expand refused")?;
    if keys.rounds() as usize != key_len / 4 + 6 {
        return Err("aes expand");
    }
    let refused = |_| "aes refused";
    let mut check = |name, hw: &[u8]| answers.check(family, name, hw);

    // ECB both ways.
    for (decrypt, name) in [(false, "aes ecb"), (true, "aes ecb decrypt")] {
        let mut hw = plain;
        accel.aes_ecb(&keys, decrypt, &mut hw).map_err(refused)?;
        check(name, &hw)?;
    }

    // CBC both ways, with the IV carried over; decryption must give the
    // plaintext back.
    let iv0 = [0xa5u8; 16];
    let (mut cbc, mut iv) = (plain, iv0);
    accel
        .aes_cbc(&keys, false, &mut iv, &mut cbc)
        .map_err(refused)?;
    check("aes cbc", &cbc)?;
    check("aes cbc iv", &iv)?;
    let mut iv = iv0;
    accel
        .aes_cbc(&keys, true, &mut iv, &mut cbc)
        .map_err(refused)?;
    check("aes cbc decrypt", &cbc)?;
    if cbc != plain {
        return Err("aes cbc decrypt");
    }
    check("aes cbc decrypt iv", &iv)?;

    // CTR: 128 bits with a carry from the low into the high half; 32 bits
    // wrapping without a carry.
    for (ctr32, name) in [(false, "aes ctr"), (true, "aes ctr32")] {
        let mut ctr0 = [0xffu8; 16];
        ctr0[..8].copy_from_slice(&[0, 0, 0, 0, 0, 0, 1, 0x7f]);
        ctr0[12..].copy_from_slice(&[0xff, 0xff, 0xff, 0xfe]);
        let (mut hw, mut counter) = (plain, ctr0);
        accel
            .aes_ctr(&keys, &mut counter, &mut hw, ctr32)
            .map_err(refused)?;
        check(name, &hw)?;
        check("aes ctr counter", &counter)?;
    }

    // CBC-MAC.
    let mut state = [0x3cu8; 16];
    accel
        .aes_cbc_mac(&keys, &mut state, &plain)
        .map_err(refused)?;
    check("aes cbc-mac", &state)?;

    // XTS both ways, the tweak's top bit falling out on the way.
    for (decrypt, name) in [(false, "aes xts"), (true, "aes xts decrypt")] {
        let t0: [u8; 16] = core::array::from_fn(|i| if i == 15 { 0xc1 } else { i as u8 * 9 });
        let (mut hw, mut tweak) = (plain, t0);
        accel
            .aes_xts(&keys, decrypt, &mut tweak, &mut hw)
            .map_err(refused)?;
        check(name, &hw)?;
        check("aes xts tweak", &tweak)?;
    }
    Ok(())
}
