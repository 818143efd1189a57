//! Instruction-set acceleration (the Armv8 Crypto Extensions on the real
//! image), installed once at boot by the image, which finds out what the
//! CPU has. This crate only sees a safe interface: whole blocks, an AES
//! round-key schedule, a hash state. Every call may be refused ([`Busy`]:
//! the FP/SIMD registers cannot be lent right now), in which case the
//! operation does that call in software and carries on; the software
//! (constant-time) implementations stay the fallback for CPUs without the
//! instructions.
//!
//! The interface lives here with the code that calls it on every block
//! (the hash types, the AES key, GHASH, GCM), compiled for speed; the boot
//! self-test and known-answer tests are `oxtee-crypto`'s.

use core::sync::atomic::{AtomicBool, Ordering};

use cipher::generic_array::GenericArray;
use cipher::typenum::{U104, U128, U136, U144, U168, U64, U72};
use zeroize::{Zeroize, ZeroizeOnDrop};

#[cfg(any(test, feature = "testing"))]
pub mod fake;

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

/// A SHA-1 or SHA-256 message block.
pub type Block64 = GenericArray<u8, U64>;
/// A SHA-512 message block.
pub type Block128 = GenericArray<u8, U128>;

/// Whole blocks for the SHA-3 absorb step, at one of the rates the hashes
/// use (bytes): SHA3-512 72, SHA3-384 104, SHA3-256 and SHAKE256 136,
/// SHA3-224 144, SHAKE128 168.
#[allow(missing_docs)]
pub enum KeccakBlocks<'a> {
    R72(&'a [GenericArray<u8, U72>]),
    R104(&'a [GenericArray<u8, U104>]),
    R136(&'a [GenericArray<u8, U136>]),
    R144(&'a [GenericArray<u8, U144>]),
    R168(&'a [GenericArray<u8, U168>]),
}

/// GHASH's key for the accelerator: the hash key H times x in POLYVAL's
/// little-endian representation (RFC 8452, appendix A), the form a
/// carry-less multiply takes without reflecting bits.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct GhashKey([u8; 16]);

impl GhashKey {
    /// From the hash key H = E(K, 0^128). Constant time (a mask, no branch).
    pub fn new(h: &[u8; 16]) -> Self {
        let v = u128::from_be_bytes(*h);
        let carry = v >> 127;
        let key = (v << 1) ^ (carry.wrapping_neg() & 0xc200_0000_0000_0000_0000_0000_0000_0001);
        GhashKey(key.to_le_bytes())
    }
    /// The 16 bytes the routine loads.
    pub fn bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

/// What the image provides. Data lengths are whole blocks (16 bytes for
/// AES and GHASH); an implementation ignores a trailing partial block. A
/// routine the CPU lacks answers [`Busy`] like a refused one.
pub trait Accelerator: Sync {
    /// The CPU has the AES instructions.
    fn has_aes(&self) -> bool;
    /// The CPU has the 64-bit PMULL (GHASH).
    fn has_pmull(&self) -> bool;
    /// The CPU has the SHA-1 instructions.
    fn has_sha1(&self) -> bool;
    /// The CPU has the SHA-256 instructions.
    fn has_sha256(&self) -> bool;
    /// The CPU has the SHA-512 instructions.
    fn has_sha512(&self) -> bool;
    /// The CPU has the SHA-3 instructions.
    fn has_sha3(&self) -> bool;
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
    /// AES-CTR over `data` with a 128-bit big-endian counter advanced by
    /// one per block, or with `ctr32` only its last 32 bits (GCM's inc32).
    fn aes_ctr(
        &self,
        keys: &AesSchedule,
        counter: &mut [u8; 16],
        data: &mut [u8],
        ctr32: bool,
    ) -> Result<(), Busy>;
    /// The CBC-MAC chaining value over `data` (read only): for each block
    /// `state = E(state ^ block)`.
    fn aes_cbc_mac(
        &self,
        keys: &AesSchedule,
        state: &mut [u8; 16],
        data: &[u8],
    ) -> Result<(), Busy>;
    /// AES-XTS over `data` from the encrypted tweak `tweak`, which is left
    /// multiplied by x once per block.
    fn aes_xts(
        &self,
        keys: &AesSchedule,
        decrypt: bool,
        tweak: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy>;
    /// GHASH over `data` from and into the state `y`.
    fn ghash(&self, key: &GhashKey, y: &mut [u8; 16], data: &[u8]) -> Result<(), Busy>;
    /// The SHA-1 compression function over `blocks`.
    fn sha1_blocks(&self, state: &mut [u32; 5], blocks: &[Block64]) -> Result<(), Busy>;
    /// The SHA-256 compression function over `blocks`.
    fn sha256_blocks(&self, state: &mut [u32; 8], blocks: &[Block64]) -> Result<(), Busy>;
    /// The SHA-512 compression function over `blocks`.
    fn sha512_blocks(&self, state: &mut [u64; 8], blocks: &[Block128]) -> Result<(), Busy>;
    /// The SHA-3 absorb step: each block XORed into the state, then
    /// Keccak-f[1600].
    fn keccak_absorb(&self, state: &mut [u64; 25], blocks: KeccakBlocks<'_>) -> Result<(), Busy>;
    /// Keccak-f[1600] once.
    fn keccak_permute(&self, state: &mut [u64; 25]) -> Result<(), Busy>;
}

static INSTALLED: spin::Once<&'static dyn Accelerator> = spin::Once::new();
static WITHDRAWN: AtomicBool = AtomicBool::new(false);

/// Makes `accelerator` the one every later operation uses (first call wins).
pub fn install(accelerator: &'static dyn Accelerator) {
    INSTALLED.call_once(|| accelerator);
}

/// Stops handing the installed accelerator to new operations (the boot's
/// known-answer tests failed on it); what already holds it keeps it.
pub fn withdraw() {
    WITHDRAWN.store(true, Ordering::Relaxed);
}

/// The installed accelerator, if any.
pub fn installed() -> Option<&'static dyn Accelerator> {
    if WITHDRAWN.load(Ordering::Relaxed) {
        return None;
    }
    INSTALLED.get().copied()
}

/// An AES schedule for `key` when `accel` has AES and expands it now.
pub fn aes_schedule(accel: &dyn Accelerator, key: &[u8]) -> Option<AesSchedule> {
    if !accel.has_aes() || !matches!(key.len(), 16 | 24 | 32) {
        return None;
    }
    let mut s = AesSchedule::default();
    accel.aes_expand(key, &mut s).ok()?;
    Some(s)
}
