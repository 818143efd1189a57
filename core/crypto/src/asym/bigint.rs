//! Big-integer helpers shared by DSA and DH (random values in a range).

use alloc::vec;
use num_bigint_dig::BigUint;
use zeroize::Zeroize;

use super::CryptoRngCore;

/// Uniform random integer in `[low, high)` by rejection sampling; `None` if the range is
/// empty.
pub(crate) fn random_in_range(
    rng: &mut dyn CryptoRngCore,
    low: &BigUint,
    high: &BigUint,
) -> Option<BigUint> {
    if low >= high {
        return None;
    }
    let span = high - low;
    let bits = span.bits();
    let mut buf = vec![0u8; bits.div_ceil(8)];
    let excess = buf.len() * 8 - bits;
    // Each try succeeds with probability > 1/2; 256 failures in a row mean a broken RNG.
    for _ in 0..256 {
        rng.fill_bytes(&mut buf);
        if let Some(b) = buf.first_mut() {
            *b &= 0xFF >> excess;
        }
        let v = BigUint::from_bytes_be(&buf);
        if v < span {
            buf.zeroize();
            return Some(v + low);
        }
    }
    buf.zeroize();
    None
}

/// Random integer of exactly `bits` bits (top bit set).
pub(crate) fn random_bits_exact(rng: &mut dyn CryptoRngCore, bits: usize) -> Option<BigUint> {
    if bits == 0 {
        return None;
    }
    let one = BigUint::from(1u32);
    let low = &one << (bits - 1);
    let high = &one << bits;
    random_in_range(rng, &low, &high)
}
