//! GHASH with PMULL (`asm/ghash_ce.S`).

use zeroize::Zeroize;

use super::{with_registers, Features, Refused};

/// A 16-byte block aligned for vector loads.
#[repr(C, align(16))]
struct Block([u8; 16]);

extern "C" {
    fn ce_ghash_blocks(y: *mut u8, key: *const u8, data: *const u8, blocks: u64);
}

/// GHASH over the whole 16-byte blocks of `data`, from and into the state
/// `y` (GCM's byte order). `key` is the hash key H times x in POLYVAL's
/// little-endian representation (RFC 8452, appendix A), which the crypto
/// crate makes once per key.
pub fn ghash_blocks(y: &mut [u8; 16], key: &[u8; 16], data: &[u8]) -> Result<(), Refused> {
    let mut state = Block(*y);
    let mut k = Block(*key);
    let r = with_registers(Features::detect().pmull, || {
        // SAFETY: `state` and `k` are aligned 16-byte blocks (state read and written, key read); data.len() / 16 blocks lie inside `data`, only read; the registers are the core's.
        unsafe {
            ce_ghash_blocks(
                state.0.as_mut_ptr(),
                k.0.as_ptr(),
                data.as_ptr(),
                (data.len() / 16) as u64,
            )
        };
    });
    if r.is_ok() {
        *y = state.0;
    }
    state.0.zeroize();
    k.0.zeroize();
    r
}
