//! The Armv8 Crypto Extensions (AES, SHA-1, SHA-256 instructions), found
//! by `ID_AA64ISAR0_EL1` and used through a few block routines in assembly
//! (`asm/aes_ce.S`, `asm/sha_ce.S`) behind a safe interface: whole blocks,
//! a round-key schedule, a hash state.
//!
//! The core is built soft-float, so these routines are the only core code
//! that touches FP/SIMD registers outside the save/load paths. Each call
//! first takes the registers with `fp::claim_for_core` (which saves the
//! caller's state the way a TA's first FP use does); when that is refused
//! (an SME streaming-mode caller) the routine does nothing and answers
//! [`Refused`], and the crypto crate takes its software path for that call.
//! The core runs with interrupts masked, so a call runs to its end on one
//! CPU; the routines wipe the registers they used before returning.

use core::sync::atomic::{AtomicU8, Ordering};

use zeroize::Zeroize;

use crate::cpu::cpu_index;
use crate::sysreg;

/// The registers could not be lent to the core for this call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused;

/// Which instructions this CPU has (ID_AA64ISAR0_EL1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// AESE/AESD/AESMC/AESIMC (field AES >= 1).
    pub aes: bool,
    /// SHA1C/P/M/H/SU0/SU1 (field SHA1 >= 1).
    pub sha1: bool,
    /// SHA256H/H2/SU0/SU1 (field SHA2 >= 1).
    pub sha256: bool,
}

impl Features {
    /// Decodes ID_AA64ISAR0_EL1.
    pub fn from_isar0(isar0: u64) -> Self {
        let field = |shift: u32| (isar0 >> shift) & 0xf;
        Self {
            aes: field(4) >= 1,
            sha1: field(8) >= 1,
            sha256: field(12) >= 1,
        }
    }

    /// The CPU's features (read once). Every CPU of the system is assumed
    /// alike, as on QEMU virt.
    pub fn detect() -> Self {
        let mut bits = DETECTED.load(Ordering::Relaxed);
        if bits == 0 {
            let f = Self::from_isar0(sysreg::id_aa64isar0_el1());
            bits = 0x80 | u8::from(f.aes) | u8::from(f.sha1) << 1 | u8::from(f.sha256) << 2;
            DETECTED.store(bits, Ordering::Relaxed);
        }
        Self {
            aes: bits & 1 != 0,
            sha1: bits & 2 != 0,
            sha256: bits & 4 != 0,
        }
    }
}

/// `Features` once read: bit 7 set, then aes, sha1, sha256 in bits 0..2.
static DETECTED: AtomicU8 = AtomicU8::new(0);

/// An AES schedule's storage: up to 15 round keys of 16 bytes.
pub type Schedule = [u8; 240];

/// Key words of a 16-, 24- or 32-byte key, aligned for word loads.
#[repr(C, align(16))]
struct KeyWords([u8; 32]);

/// A 16-byte block aligned for pair loads (IV, counter).
#[repr(C, align(16))]
struct Block([u8; 16]);

extern "C" {
    fn ce_aes_expand(key: *const u8, nk: u64, enc: *mut u8, dec: *mut u8);
    fn ce_aes_ecb(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, decrypt: u64);
    fn ce_aes_cbc_enc(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, iv: *mut u8);
    fn ce_aes_cbc_dec(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, iv: *mut u8);
    fn ce_aes_ctr(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, counter: *mut u8);
    fn ce_sha256_blocks(state: *mut u32, data: *const u8, blocks: u64);
    fn ce_sha1_blocks(state: *mut u32, data: *const u8, blocks: u64);
}

// Raw: the register lists use braces.
core::arch::global_asm!(include_str!("asm/aes_ce.S"), options(raw));
core::arch::global_asm!(include_str!("asm/sha_ce.S"), options(raw));

/// Takes this CPU's FP/SIMD registers for one routine that needs `has`
/// (an instruction the CPU lacks is refused here rather than faulting).
fn claim(has: bool) -> Result<(), Refused> {
    if has && crate::fp::claim_for_core(cpu_index()) {
        Ok(())
    } else {
        Err(Refused)
    }
}

/// Runs `f`, a routine that holds the claimed registers, at the smallest
/// SVE vector length when the CPU has SVE. Every NEON write zeroes the
/// bits of its Z register above 128, work that grows with the length (QEMU
/// does it per instruction: at 2048 bits it made the SHA routines slower
/// than software). Nothing live is lost: the claim saved the caller's SVE
/// state and a TA's registers are its V view only. The length is put back
/// before returning, so the caller's state is loaded at the length it was
/// saved with.
fn short_vectors(f: impl FnOnce()) {
    if !crate::fp_regs::cpu_has_sve() {
        return f();
    }
    let zcr = sysreg::zcr_el1();
    // SAFETY: SVE is usable at EL1 (fp_regs::init_this_cpu); the registers are claimed, so no SVE state that must be kept is live.
    unsafe { sysreg::set_zcr_el1(zcr & !0xf) };
    f();
    // SAFETY: as above; this is the length the core ran with before.
    unsafe { sysreg::set_zcr_el1(zcr) };
}

/// Rounds of a valid schedule: 10, 12 or 14; anything else is refused so a
/// wrong count can never make a routine read past the schedule.
fn check_rounds(rounds: u32) -> Result<u32, Refused> {
    match rounds {
        10 | 12 | 14 => Ok(rounds),
        _ => Err(Refused),
    }
}

/// Expands a 16-, 24- or 32-byte AES key into the encryption and decryption
/// schedules; returns the round count.
pub fn aes_expand(key: &[u8], enc: &mut Schedule, dec: &mut Schedule) -> Result<u32, Refused> {
    let nk = match key.len() {
        16 | 24 | 32 => key.len() / 4,
        _ => return Err(Refused),
    };
    claim(Features::detect().aes)?;
    let mut words = KeyWords([0; 32]);
    words.0[..key.len()].copy_from_slice(key);
    short_vectors(|| {
        // SAFETY: `words` holds nk aligned key words; each schedule has room for the 4 * (nk + 7) words (at most 60 = 240 bytes) written; the FP/SIMD registers are the core's (claimed above).
        unsafe {
            ce_aes_expand(
                words.0.as_ptr(),
                nk as u64,
                enc.as_mut_ptr(),
                dec.as_mut_ptr(),
            )
        };
    });
    words.0.zeroize();
    Ok(nk as u32 + 6)
}

/// ECB over the whole blocks of `data` (a trailing partial block is left
/// alone); `keys` is the decryption schedule when `decrypt`.
pub fn aes_ecb(
    keys: &Schedule,
    rounds: u32,
    decrypt: bool,
    data: &mut [u8],
) -> Result<(), Refused> {
    let rounds = check_rounds(rounds)?;
    claim(Features::detect().aes)?;
    short_vectors(|| {
        // SAFETY: the schedule holds rounds + 1 keys (checked count, 240 bytes); data.len() / 16 blocks lie inside `data`; the registers are the core's.
        unsafe {
            ce_aes_ecb(
                keys.as_ptr(),
                rounds,
                data.as_mut_ptr(),
                (data.len() / 16) as u64,
                u64::from(decrypt),
            )
        };
    });
    Ok(())
}

/// CBC over the whole blocks of `data`, chaining from and updating `iv`;
/// `keys` is the decryption schedule when `decrypt`.
pub fn aes_cbc(
    keys: &Schedule,
    rounds: u32,
    decrypt: bool,
    iv: &mut [u8; 16],
    data: &mut [u8],
) -> Result<(), Refused> {
    let rounds = check_rounds(rounds)?;
    claim(Features::detect().aes)?;
    let mut chain = Block(*iv);
    let routine = if decrypt {
        ce_aes_cbc_dec
    } else {
        ce_aes_cbc_enc
    };
    short_vectors(|| {
        // SAFETY: as in `aes_ecb`; `chain` is a 16-byte block read and written back by the routine.
        unsafe {
            routine(
                keys.as_ptr(),
                rounds,
                data.as_mut_ptr(),
                (data.len() / 16) as u64,
                chain.0.as_mut_ptr(),
            )
        };
    });
    *iv = chain.0;
    Ok(())
}

/// CTR over the whole blocks of `data` with a 128-bit big-endian counter,
/// which is advanced by the number of blocks.
pub fn aes_ctr(
    keys: &Schedule,
    rounds: u32,
    counter: &mut [u8; 16],
    data: &mut [u8],
) -> Result<(), Refused> {
    let rounds = check_rounds(rounds)?;
    claim(Features::detect().aes)?;
    let mut ctr = Block(*counter);
    short_vectors(|| {
        // SAFETY: as in `aes_cbc`, with the counter block in place of the IV.
        unsafe {
            ce_aes_ctr(
                keys.as_ptr(),
                rounds,
                data.as_mut_ptr(),
                (data.len() / 16) as u64,
                ctr.0.as_mut_ptr(),
            )
        };
    });
    *counter = ctr.0;
    Ok(())
}

/// The SHA-256 compression function over the whole 64-byte blocks of `data`.
pub fn sha256_blocks(state: &mut [u32; 8], data: &[u8]) -> Result<(), Refused> {
    claim(Features::detect().sha256)?;
    short_vectors(|| {
        // SAFETY: `state` is 8 words, data.len() / 64 blocks lie inside `data` (only read); the registers are the core's.
        unsafe { ce_sha256_blocks(state.as_mut_ptr(), data.as_ptr(), (data.len() / 64) as u64) };
    });
    Ok(())
}

/// The SHA-1 compression function over the whole 64-byte blocks of `data`.
pub fn sha1_blocks(state: &mut [u32; 5], data: &[u8]) -> Result<(), Refused> {
    claim(Features::detect().sha1)?;
    short_vectors(|| {
        // SAFETY: `state` is 5 words, data.len() / 64 blocks lie inside `data` (only read); the registers are the core's.
        unsafe { ce_sha1_blocks(state.as_mut_ptr(), data.as_ptr(), (data.len() / 64) as u64) };
    });
    Ok(())
}
