//! Modular exponentiation in constant time with respect to the exponent.

use alloc::vec::Vec;
use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{Encoding, Integer, Uint, U2048, U4096};
use zeroize::Zeroize;

use crate::Error;

/// Largest modulus [`modpow_ct`] takes, in bits.
pub const MAX_BITS: usize = 4096;

/// base^exp mod m for an odd modulus `m` of at most [`MAX_BITS`] bits, all big-endian; `base`
/// must fit the 2048- or 4096-bit container chosen by the modulus length and `exp` be
/// below 2^bits(m). The run time depends on the modulus length only. The result is as long
/// as the modulus without its leading zero bytes. An even or zero modulus, an oversized operand:
/// [`Error::BadParameters`].
pub fn modpow_ct(base: &[u8], exp: &[u8], m: &[u8]) -> Result<Vec<u8>, Error> {
    let first = m.iter().position(|&b| b != 0).ok_or(Error::BadParameters)?;
    let m = &m[first..];
    let bits = m.len() * 8 - m[0].leading_zeros() as usize;
    // Two container sizes: each is 4 KB of code; the benchmarked 2048-bit groups get the
    // exact one, smaller moduli run in it too (a 1024-bit group about 4 times slower than in
    // a container of its own).
    let mut out = match bits {
        0..=2048 => run::<{ U2048::LIMBS }>(base, exp, m, bits),
        2049..=MAX_BITS => run::<{ U4096::LIMBS }>(base, exp, m, bits),
        _ => Err(Error::BadParameters),
    }?;
    // Keep the modulus's length: drop the container's leading zero bytes.
    out.drain(..out.len() - m.len());
    Ok(out)
}

/// Big-endian `v` in an L-limb integer, or `None` if it does not fit.
fn to_uint<const L: usize>(v: &[u8]) -> Option<Uint<L>>
where
    Uint<L>: Encoding,
{
    let first = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    let v = &v[first..];
    if v.len() > L * 8 {
        return None;
    }
    let mut buf = [0u8; 512];
    let buf = &mut buf[..L * 8];
    buf[L * 8 - v.len()..].copy_from_slice(v);
    let r = Uint::<L>::from_be_slice(buf);
    buf.zeroize();
    Some(r)
}

// One frame per container size: inlined together, the window tables would share one frame
// larger than a thread stack.
#[inline(never)]
fn run<const L: usize>(base: &[u8], exp: &[u8], m: &[u8], bits: usize) -> Result<Vec<u8>, Error>
where
    Uint<L>: Encoding,
{
    let m = to_uint::<L>(m).ok_or(Error::BadParameters)?;
    // `DynResidueParams::new` panics on an even modulus: refuse it first.
    if !bool::from(m.is_odd()) {
        return Err(Error::BadParameters);
    }
    let params = DynResidueParams::new(&m);
    let b = DynResidue::new(&to_uint::<L>(base).ok_or(Error::BadParameters)?, params);
    let mut e = to_uint::<L>(exp).ok_or(Error::BadParameters)?;
    // The exponentiation reads only the low `bits` bits of the exponent.
    if e.bits() > bits {
        e.zeroize();
        return Err(Error::BadParameters);
    }
    let r = b.pow_bounded_exp(&e, bits).retrieve();
    e.zeroize();
    Ok(r.to_be_bytes().as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: &[u8]) -> u128 {
        v.iter().fold(0u128, |a, &b| (a << 8) | b as u128)
    }

    fn reference(b: u128, e: u128, m: u128) -> u128 {
        let (mut r, mut b, mut e) = (1u128, b % m, e);
        while e > 0 {
            if e & 1 == 1 {
                r = r * b % m;
            }
            b = b * b % m;
            e >>= 1;
        }
        r % m
    }

    #[test]
    fn matches_square_and_multiply() {
        // Moduli below 2^64 so the reference cannot overflow.
        let cases: [(u64, u64, u64); 5] = [
            (2, 10, 1_000_003),
            (0xDEAD_BEEF, 0x1234_5678_9ABC, 0xFFFF_FFFF_FFFF_FFC5),
            (5, 0, 97),
            (96, 1, 97),
            (0, 5, 101),
        ];
        for (b, e, m) in cases {
            let out = modpow_ct(&b.to_be_bytes(), &e.to_be_bytes(), &m.to_be_bytes()).unwrap();
            let m_len = 8 - (m.leading_zeros() / 8) as usize;
            assert_eq!(out.len(), m_len, "the modulus's significant length");
            assert_eq!(
                num(&out),
                reference(b as u128, e as u128, m as u128),
                "{b}^{e} mod {m}"
            );
        }
    }

    #[test]
    fn every_container_size() {
        // m = 2^k - 1 (odd) for a modulus in each container; 3^2 mod m = 9.
        for k in [300usize, 1000, 2000, 4096] {
            let mut m = alloc::vec![0xFFu8; k.div_ceil(8)];
            if k % 8 != 0 {
                m[0] = (1u8 << (k % 8)) - 1;
            }
            let out = modpow_ct(&[3], &[2], &m).unwrap();
            assert_eq!(out.len(), m.len());
            assert_eq!(num(&out[out.len() - 2..]), 9);
            assert!(out[..out.len() - 2].iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn refuses_bad_moduli_and_operands() {
        assert_eq!(modpow_ct(&[2], &[3], &[0x10]), Err(Error::BadParameters));
        assert_eq!(modpow_ct(&[2], &[3], &[0, 0]), Err(Error::BadParameters));
        assert_eq!(modpow_ct(&[2], &[3], &[]), Err(Error::BadParameters));
        let too_big = alloc::vec![0xFFu8; MAX_BITS / 8 + 1];
        assert_eq!(modpow_ct(&[2], &[3], &too_big), Err(Error::BadParameters));
        // A base longer than the container, an exponent longer than the modulus.
        assert_eq!(
            modpow_ct(&[1u8; 257], &[3], &[0x61]),
            Err(Error::BadParameters)
        );
        assert_eq!(modpow_ct(&[2], &[1, 0], &[0x61]), Err(Error::BadParameters));
    }
}
