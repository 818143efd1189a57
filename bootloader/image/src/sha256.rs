//! SHA-256 for secure boot: the Armv8 SHA-256 instructions when the CPU has
//! them (the core's block routine, `core/arch/src/asm/sha_ce.S`), else the
//! `sha2` crate's portable code. Hashing the secure OS's payload in software
//! was most of the firmware's boot time.
//!
//! The firmware is built without FP/SIMD; this routine is its only user of
//! those registers. It runs on the primary CPU at cold boot, before any lower
//! EL has run (CPTR_EL3 lets EL3 use them since `init_el3`), and zeroes every
//! register it used before returning, so no world finds hash state in them.

use oxtee_boot::verify::{sha256_with, Sha256Blocks, SoftwareSha256};

use crate::sysreg::{isb, read_sysreg, write_sysreg, Features};

// Raw: the register lists use braces.
core::arch::global_asm!(
    include_str!("../../../core/arch/src/asm/sha_ce.S"),
    options(raw)
);

extern "C" {
    fn ce_sha256_blocks(state: *mut u32, data: *const u8, blocks: u64);
}

/// The SHA-256 instructions (ID_AA64ISAR0_EL1.SHA2 >= 1).
struct Instructions {
    sve: bool,
}

impl Sha256Blocks for Instructions {
    fn compress(&self, state: &mut [u32; 8], blocks: &[u8]) {
        let n = blocks.len() / 64;
        // With SVE, every NEON write also clears the Z bits above 128, work
        // that grows with the vector length: run at the shortest one.
        let zcr = if self.sve {
            let old = read_sysreg!("S3_6_C1_C2_0");
            // SAFETY: ZCR_EL3.LEN only sets EL3's (and caps the lower ELs') vector length; no lower EL runs now and the old value is back before this returns.
            unsafe { write_sysreg!("S3_6_C1_C2_0", 0) };
            isb();
            Some(old)
        } else {
            None
        };
        // SAFETY: `state` is 8 words and `blocks` holds `n` whole 64-byte blocks; the routine reads and writes only those, and the FP/SIMD registers it uses are free at cold boot (see the module comment) and wiped by it.
        unsafe { ce_sha256_blocks(state.as_mut_ptr(), blocks.as_ptr(), n as u64) };
        if let Some(old) = zcr {
            // SAFETY: restores the value read above.
            unsafe { write_sysreg!("S3_6_C1_C2_0", old) };
            isb();
        }
    }
}

/// The block function secure boot uses: the instructions if the CPU has
/// them and they give the software's answers on a one-block and a
/// three-block message, else software.
pub fn blocks(f: &Features) -> &'static dyn Sha256Blocks {
    let isar0 = read_sysreg!("id_aa64isar0_el1");
    if (isar0 >> 12) & 0xf == 0 {
        return &SoftwareSha256;
    }
    static HW_SVE: Instructions = Instructions { sve: true };
    static HW: Instructions = Instructions { sve: false };
    let hw: &'static Instructions = if f.sve { &HW_SVE } else { &HW };
    let msg: [u8; 150] = core::array::from_fn(|i| (i as u8).wrapping_mul(29) ^ 0x3c);
    let agree = [&msg[..3], &msg[..]]
        .iter()
        .all(|m| sha256_with(hw, m) == sha256_with(&SoftwareSha256, m));
    if agree {
        hw
    } else {
        crate::console::println!("SHA-256 instructions disagree with software: not used");
        &SoftwareSha256
    }
}
