//! Instruction-set acceleration (the Armv8 Crypto Extensions on the real
//! image), installed once at boot by the image, which finds out what the
//! CPU has. This crate only sees a safe interface: whole blocks, an AES
//! round-key schedule, a hash state. Every call may be refused ([`Busy`]:
//! the FP/SIMD registers cannot be lent right now), in which case the
//! operation does that call in software and carries on; the software
//! (constant-time) implementations stay the fallback for CPUs without the
//! instructions.

use cipher::generic_array::GenericArray;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::block::{dispatch_128, new_cbc, new_ctr, new_ecb};

#[cfg(any(test, feature = "testing"))]
pub mod fake;
#[cfg(test)]
mod tests;

/// An accelerated routine could not run for this call: nothing was changed
/// and the caller does the work in software.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

/// An AES key's round keys as the accelerator lays them out: up to 15
/// round keys of 16 bytes for encryption and the same for decryption (the
/// equivalent inverse cipher's order), and the round count (10, 12, 14).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct AesSchedule {
    enc: [u8; 240],
    dec: [u8; 240],
    rounds: u32,
}

impl Default for AesSchedule {
    fn default() -> Self {
        Self {
            enc: [0; 240],
            dec: [0; 240],
            rounds: 0,
        }
    }
}

impl AesSchedule {
    /// The encryption round keys.
    pub fn enc(&self) -> &[u8; 240] {
        &self.enc
    }
    /// The decryption round keys.
    pub fn dec(&self) -> &[u8; 240] {
        &self.dec
    }
    /// The round count (0 until expanded).
    pub fn rounds(&self) -> u32 {
        self.rounds
    }
    /// Where an expansion writes: both schedules and the round count.
    pub fn parts_mut(&mut self) -> (&mut [u8; 240], &mut [u8; 240], &mut u32) {
        (&mut self.enc, &mut self.dec, &mut self.rounds)
    }
}

/// What the image provides. Data lengths are whole blocks (16 bytes for
/// AES, 64 for the hashes); an implementation ignores a trailing partial
/// block. A routine the CPU lacks answers [`Busy`] like a refused one.
pub trait Accelerator: Sync {
    /// The CPU has the AES instructions.
    fn has_aes(&self) -> bool;
    /// The CPU has the SHA-1 instructions.
    fn has_sha1(&self) -> bool;
    /// The CPU has the SHA-256 instructions.
    fn has_sha256(&self) -> bool;
    /// Expands a 16-, 24- or 32-byte AES key.
    fn aes_expand(&self, key: &[u8], schedule: &mut AesSchedule) -> Result<(), Busy>;
    /// AES-ECB over `data`.
    fn aes_ecb(&self, keys: &AesSchedule, decrypt: bool, data: &mut [u8]) -> Result<(), Busy>;
    /// AES-CBC over `data`, chaining from `iv` and leaving the next IV there.
    fn aes_cbc(
        &self,
        keys: &AesSchedule,
        decrypt: bool,
        iv: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy>;
    /// AES-CTR over `data` with a 128-bit big-endian counter, advanced by
    /// one per block.
    fn aes_ctr(
        &self,
        keys: &AesSchedule,
        counter: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy>;
    /// The SHA-1 compression function over `data`.
    fn sha1_blocks(&self, state: &mut [u32; 5], data: &[u8]) -> Result<(), Busy>;
    /// The SHA-256 compression function over `data`.
    fn sha256_blocks(&self, state: &mut [u32; 8], data: &[u8]) -> Result<(), Busy>;
}

static INSTALLED: spin::Once<&'static dyn Accelerator> = spin::Once::new();

/// Makes `accelerator` the one every later operation uses (first call wins).
pub fn install(accelerator: &'static dyn Accelerator) {
    INSTALLED.call_once(|| accelerator);
}

/// The installed accelerator, if any.
pub(crate) fn installed() -> Option<&'static dyn Accelerator> {
    INSTALLED.get().copied()
}

/// An AES schedule for `key` when `accel` has AES and expands it now.
pub(crate) fn aes_schedule(accel: &dyn Accelerator, key: &[u8]) -> Option<AesSchedule> {
    if !accel.has_aes() || !matches!(key.len(), 16 | 24 | 32) {
        return None;
    }
    let mut s = AesSchedule::default();
    accel.aes_expand(key, &mut s).ok()?;
    Some(s)
}

/// Checks `accel` against the software implementations before it is
/// installed (the image runs this at boot): every routine the CPU claims to
/// have must run (not refuse) and agree on fixed inputs. `Err` names the
/// first routine that did not.
pub fn self_test(accel: &dyn Accelerator) -> Result<(), &'static str> {
    if accel.has_aes() {
        for key_len in [16, 24, 32] {
            self_test_aes(accel, key_len)?;
        }
    }
    let data: [u8; 128] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5c);
    if accel.has_sha1() {
        let mut hw = [
            0x6745_2301,
            0xefcd_ab89,
            0x98ba_dcfe,
            0x1032_5476,
            0xc3d2_e1f0,
        ];
        let mut sw = hw;
        accel
            .sha1_blocks(&mut hw, &data)
            .map_err(|_| "sha1 refused")?;
        for b in data.chunks_exact(64) {
            sha1::compress(&mut sw, &[*GenericArray::from_slice(b)]);
        }
        if hw != sw {
            return Err("sha1");
        }
    }
    if accel.has_sha256() {
        let mut hw: [u32; 8] = core::array::from_fn(|i| 0x0101_0101 * (i as u32 + 1));
        let mut sw = hw;
        accel
            .sha256_blocks(&mut hw, &data)
            .map_err(|_| "sha256 refused")?;
        for b in data.chunks_exact(64) {
            sha2::compress256(&mut sw, &[*GenericArray::from_slice(b)]);
        }
        if hw != sw {
            return Err("sha256");
        }
    }
    Ok(())
}

fn self_test_aes(accel: &dyn Accelerator, key_len: usize) -> Result<(), &'static str> {
    let key: [u8; 32] = core::array::from_fn(|i| i as u8 * 3 + 1);
    let key = &key[..key_len];
    let plain: [u8; 64] = core::array::from_fn(|i| (i as u8).wrapping_mul(11));
    let mut keys = AesSchedule::default();
    accel
        .aes_expand(key, &mut keys)
        .map_err(|_| "aes expand refused")?;
    if keys.rounds() as usize != key_len / 4 + 6 {
        return Err("aes expand");
    }
    let soft = |mode: &mut dyn FnMut(&mut [u8])| {
        let mut d = plain;
        mode(&mut d);
        d
    };
    let check = |name, hw: &[u8], sw: &[u8]| if hw == sw { Ok(()) } else { Err(name) };

    // ECB both ways.
    let mut ecb = plain;
    accel
        .aes_ecb(&keys, false, &mut ecb)
        .map_err(|_| "aes ecb refused")?;
    let mut sw_ecb = dispatch_128!(TEE_MAIN_ALGO_AES, key, new_ecb(true)).map_err(|_| "aes key")?;
    check("aes ecb", &ecb, &soft(&mut |d| sw_ecb.process(d)))?;
    accel
        .aes_ecb(&keys, true, &mut ecb)
        .map_err(|_| "aes ecb refused")?;
    check("aes ecb decrypt", &ecb, &plain)?;

    // CBC both ways, with the IV carried over.
    let iv0 = [0xa5u8; 16];
    let (mut cbc, mut iv) = (plain, iv0);
    accel
        .aes_cbc(&keys, false, &mut iv, &mut cbc)
        .map_err(|_| "aes cbc refused")?;
    let mut sw_cbc =
        dispatch_128!(TEE_MAIN_ALGO_AES, key, new_cbc(&iv0, true)).map_err(|_| "aes key")?;
    check("aes cbc", &cbc, &soft(&mut |d| sw_cbc.process(d)))?;
    check("aes cbc iv", &iv, &cbc[48..])?;
    let mut iv = iv0;
    accel
        .aes_cbc(&keys, true, &mut iv, &mut cbc)
        .map_err(|_| "aes cbc refused")?;
    check("aes cbc decrypt", &cbc, &plain)?;

    // CTR with a carry from the low into the high 64 bits.
    let mut ctr0 = [0xffu8; 16];
    ctr0[..8].copy_from_slice(&[0, 0, 0, 0, 0, 0, 1, 0x7f]);
    ctr0[15] = 0xfe;
    let (mut ctr, mut counter) = (plain, ctr0);
    accel
        .aes_ctr(&keys, &mut counter, &mut ctr)
        .map_err(|_| "aes ctr refused")?;
    let mut sw_ctr =
        dispatch_128!(TEE_MAIN_ALGO_AES, key, new_ctr(&ctr0)).map_err(|_| "aes key")?;
    check("aes ctr", &ctr, &soft(&mut |d| sw_ctr.process(d)))?;
    let expected = u128::from_be_bytes(ctr0).wrapping_add(4).to_be_bytes();
    check("aes ctr counter", &counter, &expected)
}
