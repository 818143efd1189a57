//! SHA-1, SHA-256, SHA-512 block functions and Keccak-f[1600]
//! (`asm/sha_ce.S`, `sha512_ce.S`, `sha3_ce.S`). The blocks come as the
//! RustCrypto hash cores hand them over (a slice of `GenericArray`s, one
//! piece of memory), so a whole update is one call.

use generic_array::typenum::{U128, U64};
use generic_array::{ArrayLength, GenericArray};

use super::{with_registers, Features, Refused};

extern "C" {
    fn ce_sha1_blocks(state: *mut u32, data: *const u8, blocks: u64);
    fn ce_sha256_blocks(state: *mut u32, data: *const u8, blocks: u64);
    fn ce_sha512_blocks(state: *mut u64, data: *const u8, blocks: u64);
    fn ce_sha3_absorb(state: *mut u64, data: *const u8, blocks: u64, rate: u64);
}

// A `GenericArray<u8, N>` is N bytes with no padding (a transparent
// wrapper over nested byte arrays), so a slice of them is one run of
// len * N bytes, which the routines read through a byte pointer.
const _: () = assert!(core::mem::size_of::<GenericArray<u8, U64>>() == 64);
const _: () = assert!(core::mem::size_of::<GenericArray<u8, U128>>() == 128);

/// The SHA-1 compression function over `blocks`.
pub fn sha1_blocks(state: &mut [u32; 5], blocks: &[GenericArray<u8, U64>]) -> Result<(), Refused> {
    with_registers(Features::detect().sha1, || {
        // SAFETY: `state` is 5 words; `blocks` is blocks.len() * 64 contiguous bytes (see above), only read; the registers are the core's.
        unsafe {
            ce_sha1_blocks(
                state.as_mut_ptr(),
                blocks.as_ptr().cast(),
                blocks.len() as u64,
            )
        };
    })
}

/// The SHA-256 (and SHA-224) compression function over `blocks`.
pub fn sha256_blocks(
    state: &mut [u32; 8],
    blocks: &[GenericArray<u8, U64>],
) -> Result<(), Refused> {
    with_registers(Features::detect().sha256, || {
        // SAFETY: `state` is 8 words; `blocks` as in `sha1_blocks`; the registers are the core's.
        unsafe {
            ce_sha256_blocks(
                state.as_mut_ptr(),
                blocks.as_ptr().cast(),
                blocks.len() as u64,
            )
        };
    })
}

/// The SHA-512 (and SHA-384) compression function over `blocks`.
pub fn sha512_blocks(
    state: &mut [u64; 8],
    blocks: &[GenericArray<u8, U128>],
) -> Result<(), Refused> {
    with_registers(Features::detect().sha512, || {
        // SAFETY: `state` is 8 double words; `blocks` is blocks.len() * 128 contiguous bytes, only read; the registers are the core's.
        unsafe {
            ce_sha512_blocks(
                state.as_mut_ptr(),
                blocks.as_ptr().cast(),
                blocks.len() as u64,
            )
        };
    })
}

/// The SHA-3 absorb step: each block (N bytes, the rate of SHA3-224/256/
/// 384/512 or SHAKE128/256: 144, 136, 104, 72 or 168) XORed into the
/// state's first lanes, then Keccak-f[1600]. Another N is refused.
pub fn sha3_absorb<N: ArrayLength<u8>>(
    state: &mut [u64; 25],
    blocks: &[GenericArray<u8, N>],
) -> Result<(), Refused> {
    let lanes = match N::USIZE {
        72 | 104 | 136 | 144 | 168 => N::USIZE / 8,
        _ => return Err(Refused),
    };
    debug_assert_eq!(core::mem::size_of::<GenericArray<u8, N>>(), N::USIZE);
    if blocks.is_empty() {
        return Ok(());
    }
    with_registers(Features::detect().sha3, || {
        // SAFETY: `state` is 25 lanes; `blocks` is blocks.len() * N contiguous bytes (N = 8 * lanes, one of the rates the routine knows), only read; the registers are the core's.
        unsafe {
            ce_sha3_absorb(
                state.as_mut_ptr(),
                blocks.as_ptr().cast(),
                blocks.len() as u64,
                lanes as u64,
            )
        };
    })
}

/// Keccak-f[1600] on `state` once (SHAKE's squeeze).
pub fn keccak_permute(state: &mut [u64; 25]) -> Result<(), Refused> {
    with_registers(Features::detect().sha3, || {
        // SAFETY: `state` is 25 lanes; with rate 0 no data is read; the registers are the core's.
        unsafe { ce_sha3_absorb(state.as_mut_ptr(), core::ptr::null(), 1, 0) };
    })
}
