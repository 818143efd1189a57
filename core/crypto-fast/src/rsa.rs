//! The RSA private-key operation by the Chinese remainder theorem (RFC 8017 §5.1.2, 2(b)), on
//! the constant-time Montgomery arithmetic of [`crate::modexp`]:
//!
//! m1 = c^dP mod p, m2 = c^dQ mod q, h = qInv·(m1 − m2) mod p, m = m2 + h·q.
//!
//! Every step on secret values (the reductions of c mod p and q, both exponentiations, the
//! recombination, the conversions) runs a sequence of operations and memory accesses fixed by
//! the limb counts of n, p and q alone: no branch or index depends on c, on the key's secret
//! values or on the result. So no ciphertext-dependent timing is left to hide, and the
//! operation needs no blinding.
//!
//! The result is checked with the public exponent (m^e mod n must give c back) before it leaves:
//! a fault in the computation (a corrupted CRT value, a glitch) would otherwise hand out a
//! value that factors n (Boneh, DeMillo and Lipton, "On the importance of checking
//! cryptographic computations").

use alloc::vec;
use alloc::vec::Vec;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::modexp::Montgomery;
use crate::Error;

/// An RSA key pair's values for the CRT operation, as big-endian byte strings
/// (`TEE_ATTR_RSA_*`). n and e are public, the rest secret.
pub struct CrtKey<'a> {
    /// Modulus n = p·q.
    pub n: &'a [u8],
    /// Public exponent e.
    pub e: &'a [u8],
    /// First prime p.
    pub p: &'a [u8],
    /// Second prime q.
    pub q: &'a [u8],
    /// d mod (p − 1).
    pub dp: &'a [u8],
    /// d mod (q − 1).
    pub dq: &'a [u8],
    /// q^-1 mod p.
    pub qinv: &'a [u8],
}

/// Drops leading zero bytes (the lengths are public: they come from the key's encoding).
fn significant(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

/// Little-endian limbs of the big-endian `bytes`, `n` of them; `None` if the value does not
/// fit.
fn be_limbs(bytes: &[u8], n: usize) -> Option<Zeroizing<Vec<u64>>> {
    let bytes = significant(bytes);
    if bytes.len() > 8 * n {
        return None;
    }
    let mut out = Zeroizing::new(vec![0u64; n]);
    for (i, &b) in bytes.iter().rev().enumerate() {
        out[i / 8] |= u64::from(b) << (8 * (i % 8));
    }
    Some(out)
}

/// `k` big-endian bytes of the little-endian limbs `v` (bytes beyond `v`'s are zero; `v` must
/// fit, which the caller's check guarantees).
fn to_be_bytes(v: &[u64], k: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; k]);
    for (i, o) in out.iter_mut().rev().enumerate() {
        if let Some(limb) = v.get(i / 8) {
            *o = (limb >> (8 * (i % 8))) as u8;
        }
    }
    out
}

/// The private-key operation on `input` (big-endian, at most n's length in bytes and
/// numerically below n, which the caller checks): `input^d mod n` as exactly n's length in
/// bytes. [`Error::BadParameters`] for key values the arithmetic cannot take (an even or
/// tiny prime, a CRT value wider than its prime), [`Error::Fault`] when the result fails the
/// check with the public exponent (nothing of it is returned).
pub fn private_crt(key: &CrtKey<'_>, input: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    let n_bytes = significant(key.n);
    let k = n_bytes.len();
    let nl = k.div_ceil(8);
    let prime = |b: &[u8]| {
        let l = be_limbs(b, nl).ok_or(Error::BadParameters)?;
        Montgomery::new(&l).ok_or(Error::BadParameters)
    };
    let (mp, mq) = (prime(key.p)?, prime(key.q)?);
    let mn = Montgomery::new(&be_limbs(key.n, nl).ok_or(Error::BadParameters)?)
        .ok_or(Error::BadParameters)?;
    let (np, nq) = (mp.n(), mq.n());
    let dp = be_limbs(key.dp, np).ok_or(Error::BadParameters)?;
    let dq = be_limbs(key.dq, nq).ok_or(Error::BadParameters)?;
    let qinv = be_limbs(key.qinv, np).ok_or(Error::BadParameters)?;
    let c = be_limbs(input, nl).ok_or(Error::BadParameters)?;

    let mut t = Zeroizing::new(vec![0u64; 2 * np.max(nq) + 2]);

    // m1 = c^dP mod p, left in Montgomery form.
    let mut cp = Zeroizing::new(vec![0u64; np]);
    mp.to_mont_wide(&c, &mut cp, &mut t);
    let m1 = mp.pow_mont(&cp, &dp, &mut || {});

    // m2 = c^dQ mod q, in normal form.
    let mut cq = Zeroizing::new(vec![0u64; nq]);
    mq.to_mont_wide(&c, &mut cq, &mut t);
    let m2_mont = mq.pow_mont(&cq, &dq, &mut || {});
    let mut m2 = Zeroizing::new(vec![0u64; nq]);
    mq.out_of_mont(&m2_mont, &mut m2, &mut t);

    // h = qInv·(m1 − m2) mod p: the difference in Montgomery form times qInv in normal form
    // is the product in normal form.
    let mut m2p = Zeroizing::new(vec![0u64; np]);
    mp.to_mont_wide(&m2, &mut m2p, &mut t);
    let mut diff = Zeroizing::new(vec![0u64; np]);
    mp.sub_mod(&m1, &m2p, &mut diff);
    let mut h = Zeroizing::new(vec![0u64; np]);
    mp.mul(&diff, &qinv, &mut h, &mut t);

    // m = m2 + h·q, schoolbook with fixed loops; below p·q = n for a consistent key.
    let q = mq.modulus_limbs();
    let mut m = Zeroizing::new(vec![0u64; np + nq]);
    m[..nq].copy_from_slice(&m2);
    for i in 0..np {
        let mut carry = 0u128;
        for j in 0..nq {
            let s = u128::from(m[i + j]) + u128::from(h[i]) * u128::from(q[j]) + carry;
            m[i + j] = s as u64;
            carry = s >> 64;
        }
        m[i + nq] = carry as u64;
    }

    // Fault check: m < n and m^e mod n = c, compared without a data-dependent branch.
    let mut fits = Choice::from(1);
    for limb in m.iter().skip(nl) {
        fits &= limb.ct_eq(&0);
    }
    let mut low = Zeroizing::new(vec![0u64; nl]);
    let take = nl.min(m.len());
    low[..take].copy_from_slice(&m[..take]);
    let back = mn.pow_public(&low, significant(key.e));
    let same = back.as_slice().ct_eq(c.as_slice());
    if !bool::from(fits & same) {
        return Err(Error::Fault);
    }
    Ok(to_be_bytes(&low, k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint_dig::{BigUint, ModInverse};
    use num_traits::One;

    struct Key {
        n: BigUint,
        e: BigUint,
        d: BigUint,
        p: BigUint,
        q: BigUint,
    }

    fn h(s: &str) -> BigUint {
        BigUint::parse_bytes(s.as_bytes(), 16).unwrap()
    }

    /// Two test keys made for these tests: RSA-1024 with two 512-bit primes, and one with a
    /// 520-bit and a 500-bit prime (limb counts 9 and 8).
    fn keys() -> [Key; 2] {
        [
            Key {
                n: h("c7d01798f0182b1c51d4e4c016241b072497d87c277d5770a1705186b0fd5d315fd06bea93e2d0604b37dbdd0c630b08d56c538cee6233c61adaccd4a960bddd4154ad9af6c7eca7af936aedc6a91fc8b4822a5f377dba2295165e8cc840755694a49233b54cde80338e689a855a0355990e482e3981ec26e9319d48881729ff"),
                e: BigUint::from(65537u32),
                d: h("79be6d924ebfbb0caf4372f922c46eff64296ccb00d89afd522ff84c83ec6bead8814a2f8c59c732d4c1bd21ab1971b0b9311e9b20e80eb9a6c527c66f493584d55c095b628597dc29a49952b32b7e1f074bad29649d408b625447a192b728768c3cb9e53f1b93da10d94da412264169f103bb831c3f591690fc8215a6577f71"),
                p: h("e33ce21d09695350f0362448ce5f767c9ad3eca5b3c1f04252efe7981808f836a2ecac39b5b6fca5b0149058dc8e38bfdabf7b1eb8cce5b79630063e04ca1b37"),
                q: h("e11a90f813f1ec340f7a7dca597f5534db88a18329be68e1074e27e1fc2d3c80d136682c2a36b77c33d0f137ffce0b5fb3aae47b2d9411f4c1d3c9f8319a9b79"),
            },
            Key {
                n: h("d4c16ba0c6f2ed351fbb7f44dcbdf47942e3c4867532c1db7f8f279cf1d1d435bb822d9886d325b4bc643f0178939ba536c1145d83eea2f87a3bffdbb02d9c6daf5232b92903424f1c54cfcac1995c3d3f1d384b8cf446eeb2c1138a2c1e88dcf8144edb21cf531a8f8de6c3ee6710e74c5673eb2219fbdf5a55ba0027eeb53"),
                e: BigUint::from(65537u32),
                d: h("cec843645b996685b896d2c6ca4971a09e2ba42a0f24cb181cadb591abd3060f4774e9fe12248cc4524a9896446c2addf40ecb4d6cda76d94c6c9e6c169ae089c96cfe92129a7ce24af8bba9555a9dda7ee2d532a68c93a24aff80516e467b6c35523639bb8283d806f79e38cd6de7b27dae5b97b62d3a13f7164f4cadd9771"),
                p: h("e071146362dac47c83d206f9a60c1f62482118f0c8ff8b008a622552bfd1ff2f88fa70f0ae76a652fc601d7356c58a3fd99275e22ef2ad342e5c4b257e25280c0b"),
                q: h("f2abb0971743f475f50666324f46844771d1fd6b7e1ccf3b2eca365bd6f6e07b74aec8320acc164aa3331f74e85afba70090f9945d3d7a3ca8ec882a1e2d9"),
            },
        ]
    }

    /// The CRT byte strings of `k` with p and q in the given order.
    fn crt(k: &Key, swap: bool) -> [Vec<u8>; 7] {
        let (p, q) = if swap { (&k.q, &k.p) } else { (&k.p, &k.q) };
        let one = BigUint::one();
        let dp = &k.d % (p - &one);
        let dq = &k.d % (q - &one);
        let qinv = q.clone().mod_inverse(p).unwrap().to_biguint().unwrap();
        [&k.n, &k.e, p, q, &dp, &dq, &qinv].map(|v| v.to_bytes_be())
    }

    fn op(v: &[Vec<u8>; 7], input: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        let key = CrtKey {
            n: &v[0],
            e: &v[1],
            p: &v[2],
            q: &v[3],
            dp: &v[4],
            dq: &v[5],
            qinv: &v[6],
        };
        private_crt(&key, input)
    }

    /// xorshift64*, deterministic test inputs.
    fn next(s: &mut u64) -> u64 {
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        s.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    #[test]
    fn matches_c_to_the_d() {
        let mut s = 0x5eed_u64;
        for k in keys() {
            let len = k.n.to_bytes_be().len();
            for swap in [false, true] {
                let v = crt(&k, swap);
                let mut inputs = vec![
                    BigUint::default(),
                    BigUint::one(),
                    &k.n - BigUint::one(),
                    k.p.clone(),
                    &k.q + BigUint::one(),
                ];
                for _ in 0..6 {
                    let bytes: Vec<u8> = (0..len).map(|_| next(&mut s) as u8).collect();
                    inputs.push(BigUint::from_bytes_be(&bytes) % &k.n);
                }
                for c in inputs {
                    let want = c.modpow(&k.d, &k.n).to_bytes_be();
                    let got = op(&v, &c.to_bytes_be()).unwrap();
                    assert_eq!(got.len(), len);
                    assert_eq!(BigUint::from_bytes_be(&got).to_bytes_be(), want);
                    // The same value with leading zero bytes.
                    let mut padded = vec![0u8; len - c.to_bytes_be().len()];
                    padded.extend_from_slice(&c.to_bytes_be());
                    assert_eq!(op(&v, &padded).unwrap(), got);
                }
            }
        }
    }

    #[test]
    fn fault_check_catches_corrupted_crt_values() {
        let k = &keys()[0];
        let good = crt(k, false);
        let c = [0x42u8; 100];
        op(&good, &c).unwrap();
        for i in [4usize, 5, 6] {
            let mut bad = good.clone();
            let last = bad[i].len() - 1;
            bad[i][last] ^= 0x02;
            assert_eq!(op(&bad, &c), Err(Error::Fault), "value {i}");
        }
        // A wrong public exponent fails the check too.
        let mut bad = good.clone();
        bad[1] = vec![0x01, 0x00, 0x03];
        assert_eq!(op(&bad, &c), Err(Error::Fault));
    }

    #[test]
    fn refuses_unusable_primes() {
        let k = &keys()[0];
        let mut bad = crt(k, false);
        let last = bad[2].len() - 1;
        bad[2][last] &= 0xFE;
        assert_eq!(op(&bad, &[1]), Err(Error::BadParameters));
        let mut bad = crt(k, false);
        bad[3] = vec![1];
        assert_eq!(op(&bad, &[1]), Err(Error::BadParameters));
        // A CRT exponent wider than n.
        let mut bad = crt(k, false);
        bad[4] = vec![0xFF; 200];
        assert_eq!(op(&bad, &[1]), Err(Error::BadParameters));
    }
}
