//! The Armv8 Crypto Extensions (AES and PMULL, SHA-1, SHA-256, SHA-512,
//! SHA-3 instructions), found by `ID_AA64ISAR0_EL1` and used through a few
//! block routines in assembly (`asm/aes_ce.S`, `ghash_ce.S`, `sha_ce.S`,
//! `sha512_ce.S`, `sha3_ce.S`) behind a safe interface: whole blocks, a
//! round-key schedule, a hash state.
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

use crate::cpu::cpu_index;
use crate::sysreg;

mod aes;
mod ghash;
mod sha;

pub use aes::{aes_cbc, aes_cbc_mac, aes_ctr, aes_ecb, aes_expand, aes_xts, Schedule};
pub use ghash::ghash_blocks;
pub use sha::{keccak_permute, sha1_blocks, sha256_blocks, sha3_absorb, sha512_blocks};

/// The registers could not be lent to the core for this call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused;

/// Which instructions this CPU has (ID_AA64ISAR0_EL1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// AESE/AESD/AESMC/AESIMC (field AES >= 1).
    pub aes: bool,
    /// PMULL/PMULL2 on 64-bit lanes (field AES >= 2).
    pub pmull: bool,
    /// SHA1C/P/M/H/SU0/SU1 (field SHA1 >= 1).
    pub sha1: bool,
    /// SHA256H/H2/SU0/SU1 (field SHA2 >= 1).
    pub sha256: bool,
    /// SHA512H/H2/SU0/SU1 (field SHA2 >= 2).
    pub sha512: bool,
    /// EOR3/RAX1/XAR/BCAX (field SHA3 >= 1).
    pub sha3: bool,
    /// SVE2's AES instructions, as many blocks per instruction as a vector
    /// holds (ID_AA64ZFR0_EL1: SVEver >= 1 and AES >= 1, on a CPU with SVE).
    pub sve_aes: bool,
}

impl Features {
    /// Decodes ID_AA64ISAR0_EL1.
    pub fn from_isar0(isar0: u64) -> Self {
        let field = |shift: u32| (isar0 >> shift) & 0xf;
        Self {
            aes: field(4) >= 1,
            pmull: field(4) >= 2,
            sha1: field(8) >= 1,
            sha256: field(12) >= 1,
            sha512: field(12) >= 2,
            sha3: field(32) >= 1,
            sve_aes: false,
        }
    }

    /// With SVE2's AES instructions as ID_AA64ZFR0_EL1 `zfr0` says (only
    /// meaningful on a CPU with SVE).
    pub fn with_zfr0(self, zfr0: u64) -> Self {
        Self {
            sve_aes: zfr0 & 0xf >= 1 && (zfr0 >> 4) & 0xf >= 1,
            ..self
        }
    }

    /// The CPU's features (read once). Every CPU of the system is assumed
    /// alike, as on QEMU virt.
    pub fn detect() -> Self {
        let mut bits = DETECTED.load(Ordering::Relaxed);
        if bits == 0 {
            let mut f = Self::from_isar0(sysreg::id_aa64isar0_el1());
            if crate::fp_regs::cpu_has_sve() {
                f = f.with_zfr0(sysreg::id_aa64zfr0_el1());
            }
            bits = 0x80 | f.bits();
            DETECTED.store(bits, Ordering::Relaxed);
        }
        Self {
            aes: bits & 1 != 0,
            pmull: bits & 2 != 0,
            sha1: bits & 4 != 0,
            sha256: bits & 8 != 0,
            sha512: bits & 0x10 != 0,
            sha3: bits & 0x20 != 0,
            sve_aes: bits & 0x40 != 0,
        }
    }

    fn bits(self) -> u8 {
        u8::from(self.aes)
            | u8::from(self.pmull) << 1
            | u8::from(self.sha1) << 2
            | u8::from(self.sha256) << 3
            | u8::from(self.sha512) << 4
            | u8::from(self.sha3) << 5
            | u8::from(self.sve_aes) << 6
    }
}

/// `Features` once read: bit 7 set, then one bit per feature in the order
/// of [`Features::detect`].
static DETECTED: AtomicU8 = AtomicU8::new(0);

// Raw: the register lists use braces.
core::arch::global_asm!(include_str!("asm/aes_ce.S"), options(raw));
core::arch::global_asm!(include_str!("asm/aes_sve.S"), options(raw));
core::arch::global_asm!(include_str!("asm/ghash_ce.S"), options(raw));
core::arch::global_asm!(include_str!("asm/sha_ce.S"), options(raw));
core::arch::global_asm!(include_str!("asm/sha512_ce.S"), options(raw));
core::arch::global_asm!(include_str!("asm/sha3_ce.S"), options(raw));

/// Runs `f`, a routine that needs the instructions `has` says the CPU has,
/// on this CPU's FP/SIMD registers taken for the core (an instruction the
/// CPU lacks is refused here rather than faulting).
fn with_registers(has: bool, f: impl FnOnce()) -> Result<(), Refused> {
    if !(has && crate::fp::claim_for_core(cpu_index())) {
        return Err(Refused);
    }
    short_vectors(f);
    Ok(())
}

/// Runs `f`, an SVE routine, on the claimed registers at the current vector
/// length (the longer, the more blocks per instruction); the claim saved
/// the caller's whole SVE state, P registers included.
fn with_sve_registers(f: impl FnOnce()) -> Result<(), Refused> {
    if !crate::fp::claim_for_core(cpu_index()) {
        return Err(Refused);
    }
    f();
    Ok(())
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
