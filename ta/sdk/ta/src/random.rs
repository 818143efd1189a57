//! Random bytes from the TEE's generator (`TEE_GenerateRandom`).

use crate::error::{Error, Result};

/// Fills `buf` with random bytes.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    // SAFETY: `buf` is writable for `buf.len()` bytes.
    Error::check(unsafe {
        oxtee_ta_sys::utee_cryp_random_number_generate(buf.as_mut_ptr(), buf.len())
    })
}
