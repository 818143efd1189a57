//! Unsigned big integers for the cold asymmetric work: parsing and checking RSA, DSA and DH
//! keys, RSA key and prime generation, DSA's arithmetic mod q, random values in a range.
//!
//! Little-endian `u64` limbs without high zero limbs, zeroized on drop (the values are often
//! secret). Nothing here is constant-time except what goes through the Montgomery code of
//! `oxtee_crypto_fast::modexp` ([`inv_mod_prime`], the exponentiations of Miller–Rabin):
//! callers use this module for key set-up, whose timing depends on the key alone. Division is
//! Knuth's algorithm D; inverses mod an odd number use the binary extended Euclid algorithm.

use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;
use oxtee_crypto_fast::modexp::Montgomery;
use zeroize::{Zeroize, Zeroizing};

use super::CryptoRngCore;

/// A non-negative integer (little-endian limbs, no high zero limb).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Uint(Vec<u64>);

impl Drop for Uint {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl core::fmt::Debug for Uint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Uint({} bits)", self.bits())
    }
}

impl Ord for Uint {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_limbs(&self.0, &other.0)
    }
}

impl PartialOrd for Uint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares normalized limb strings.
fn cmp_limbs(a: &[u64], b: &[u64]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

impl Uint {
    /// From little-endian limbs (high zero limbs are dropped).
    pub fn from_limbs(mut l: Vec<u64>) -> Self {
        while l.last() == Some(&0) {
            l.pop();
        }
        Self(l)
    }

    /// A one-limb value.
    pub fn from_u64(v: u64) -> Self {
        Self::from_limbs(vec![v])
    }

    /// 1.
    pub fn one() -> Self {
        Self(vec![1])
    }

    /// From big-endian bytes (any number of leading zeros).
    pub fn from_be(bytes: &[u8]) -> Self {
        let mut l = vec![0u64; bytes.len().div_ceil(8)];
        for (i, &b) in bytes.iter().rev().enumerate() {
            l[i / 8] |= u64::from(b) << (8 * (i % 8));
        }
        Self::from_limbs(l)
    }

    /// Minimal big-endian bytes; zero is one zero byte.
    pub fn to_be(&self) -> Vec<u8> {
        let len = self.bits().div_ceil(8).max(1);
        self.to_be_padded(len).unwrap_or_default()
    }

    /// Exactly `len` big-endian bytes; `None` if the value does not fit.
    pub fn to_be_padded(&self, len: usize) -> Option<Vec<u8>> {
        if self.bits().div_ceil(8) > len {
            return None;
        }
        let mut out = vec![0u8; len];
        for (i, o) in out.iter_mut().rev().enumerate() {
            if let Some(limb) = self.0.get(i / 8) {
                *o = (limb >> (8 * (i % 8))) as u8;
            }
        }
        Some(out)
    }

    /// The limbs (little-endian, no high zero limb; empty for zero).
    pub fn limbs(&self) -> &[u64] {
        &self.0
    }

    /// The limbs zero-extended to `n` (or all of them if there are more).
    pub fn limbs_padded(&self, n: usize) -> Vec<u64> {
        let mut l = self.0.clone();
        l.resize(n.max(l.len()), 0);
        l
    }

    /// Bit length (0 for zero).
    pub fn bits(&self) -> usize {
        match self.0.last() {
            Some(top) => 64 * self.0.len() - top.leading_zeros() as usize,
            None => 0,
        }
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the value is 1.
    pub fn is_one(&self) -> bool {
        self.0 == [1]
    }

    /// Whether the value is odd.
    pub fn is_odd(&self) -> bool {
        self.0.first().is_some_and(|l| l & 1 == 1)
    }

    /// Bit `i`.
    pub fn bit(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|l| (l >> (i % 64)) & 1 == 1)
    }

    /// Number of trailing zero bits; `None` for zero.
    pub fn trailing_zeros(&self) -> Option<usize> {
        let i = self.0.iter().position(|&l| l != 0)?;
        Some(64 * i + self.0[i].trailing_zeros() as usize)
    }

    /// `self + o`.
    pub fn add(&self, o: &Self) -> Self {
        let (a, b) = if self.0.len() >= o.0.len() {
            (&self.0, &o.0)
        } else {
            (&o.0, &self.0)
        };
        let mut out = Vec::with_capacity(a.len() + 1);
        let mut carry = false;
        for (i, &x) in a.iter().enumerate() {
            let (s1, c1) = x.overflowing_add(b.get(i).copied().unwrap_or(0));
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            out.push(s2);
            carry = c1 | c2;
        }
        out.push(u64::from(carry));
        Self::from_limbs(out)
    }

    /// `self - o`, or `None` if `o > self`.
    pub fn checked_sub(&self, o: &Self) -> Option<Self> {
        if *self < *o {
            return None;
        }
        let mut out = self.0.clone();
        let mut borrow = false;
        for (i, r) in out.iter_mut().enumerate() {
            let (s1, b1) = r.overflowing_sub(o.0.get(i).copied().unwrap_or(0));
            let (s2, b2) = s1.overflowing_sub(u64::from(borrow));
            *r = s2;
            borrow = b1 | b2;
        }
        Some(Self::from_limbs(out))
    }

    /// `self - o`, zero if `o > self` (callers subtract smaller values).
    pub fn sub(&self, o: &Self) -> Self {
        self.checked_sub(o).unwrap_or_default()
    }

    /// `self - v` for a small `v` (zero if `v > self`).
    pub fn sub_u64(&self, v: u64) -> Self {
        self.sub(&Self::from_u64(v))
    }

    /// `self * o` (schoolbook).
    pub fn mul(&self, o: &Self) -> Self {
        if self.is_zero() || o.is_zero() {
            return Self::default();
        }
        let mut out = vec![0u64; self.0.len() + o.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &b) in o.0.iter().enumerate() {
                let t = u128::from(out[i + j]) + u128::from(a) * u128::from(b) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + o.0.len()] = carry as u64;
        }
        Self::from_limbs(out)
    }

    /// `self << bits`.
    pub fn shl(&self, bits: usize) -> Self {
        if self.is_zero() {
            return Self::default();
        }
        let (words, s) = (bits / 64, bits % 64);
        let mut out = vec![0u64; words];
        out.extend(shl_small(&self.0, s));
        Self::from_limbs(out)
    }

    /// `self >> bits`.
    pub fn shr(&self, bits: usize) -> Self {
        let (words, s) = (bits / 64, bits % 64);
        let Some(rest) = self.0.get(words..) else {
            return Self::default();
        };
        let mut out = vec![0u64; rest.len()];
        for (i, o) in out.iter_mut().enumerate() {
            let hi = match s {
                0 => 0,
                s => rest.get(i + 1).map_or(0, |&h| h << (64 - s)),
            };
            *o = (rest[i] >> s) | hi;
        }
        Self::from_limbs(out)
    }

    /// `2^bits`.
    pub fn power_of_two(bits: usize) -> Self {
        Self::one().shl(bits)
    }

    /// `self mod d` for a small non-zero `d`.
    pub fn rem_u64(&self, d: u64) -> u64 {
        let d = u128::from(d.max(1));
        let mut r = 0u128;
        for &l in self.0.iter().rev() {
            r = ((r << 64) | u128::from(l)) % d;
        }
        r as u64
    }

    /// (quotient, remainder); `None` for a zero divisor.
    pub fn div_rem(&self, d: &Self) -> Option<(Self, Self)> {
        let (q, r) = div_rem_limbs(&self.0, &d.0)?;
        Some((Self::from_limbs(q), Self::from_limbs(r)))
    }

    /// `self mod d`; `None` for a zero divisor.
    pub fn rem(&self, d: &Self) -> Option<Self> {
        self.div_rem(d).map(|(_, r)| r)
    }
}

/// `a << s` for `s < 64`, one limb longer than `a`.
fn shl_small(a: &[u64], s: usize) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + 1);
    let mut carry = 0u64;
    for &l in a {
        out.push((l << s) | carry);
        carry = match s {
            0 => 0,
            s => l >> (64 - s),
        };
    }
    out.push(carry);
    out
}

/// Knuth's algorithm D (TAOCP 4.3.1) on normalized limb strings.
fn div_rem_limbs(a: &[u64], d: &[u64]) -> Option<(Vec<u64>, Vec<u64>)> {
    let n = d.len();
    let top = *d.last()?;
    if cmp_limbs(a, d) == Ordering::Less {
        return Some((Vec::new(), a.to_vec()));
    }
    if n == 1 {
        let dv = u128::from(top);
        let mut q = vec![0u64; a.len()];
        let mut r = 0u128;
        for (i, &l) in a.iter().enumerate().rev() {
            let cur = (r << 64) | u128::from(l);
            q[i] = (cur / dv) as u64;
            r = cur % dv;
        }
        return Some((q, vec![r as u64]));
    }
    // Normalize: the divisor's top bit set, the dividend shifted alike (one limb longer).
    let s = top.leading_zeros() as usize;
    let mut v = shl_small(d, s);
    v.pop();
    let mut u = shl_small(a, s);
    let m = a.len() - n;
    let mut q = vec![0u64; m + 1];
    let b = 1u128 << 64;
    let (v1, v2) = (u128::from(v[n - 1]), u128::from(v[n - 2]));
    for j in (0..=m).rev() {
        let num = (u128::from(u[j + n]) << 64) | u128::from(u[j + n - 1]);
        let mut qhat = num / v1;
        let mut rhat = num % v1;
        while qhat >= b || qhat * v2 > ((rhat << 64) | u128::from(u[j + n - 2])) {
            qhat -= 1;
            rhat += v1;
            if rhat >= b {
                break;
            }
        }
        // u[j..=j+n] -= qhat * v.
        let mut carry = 0u128;
        let mut borrow = false;
        for i in 0..n {
            let p = qhat * u128::from(v[i]) + carry;
            carry = p >> 64;
            let (t1, b1) = u[i + j].overflowing_sub(p as u64);
            let (t2, b2) = t1.overflowing_sub(u64::from(borrow));
            u[i + j] = t2;
            borrow = b1 | b2;
        }
        let (t1, b1) = u[j + n].overflowing_sub(carry as u64);
        let (t2, b2) = t1.overflowing_sub(u64::from(borrow));
        u[j + n] = t2;
        if b1 | b2 {
            // qhat was one too large: add v back.
            qhat -= 1;
            let mut c = false;
            for i in 0..n {
                let (s1, c1) = u[i + j].overflowing_add(v[i]);
                let (s2, c2) = s1.overflowing_add(u64::from(c));
                u[i + j] = s2;
                c = c1 | c2;
            }
            u[j + n] = u[j + n].wrapping_add(u64::from(c));
        }
        q[j] = qhat as u64;
    }
    // The remainder is u[..n] shifted back.
    let r = Uint::from_limbs(u[..n].to_vec()).shr(s);
    u.zeroize();
    v.zeroize();
    Some((q, r.0.clone()))
}

/// Greatest common divisor (binary).
pub fn gcd(a: &Uint, b: &Uint) -> Uint {
    if a.is_zero() {
        return b.clone();
    }
    if b.is_zero() {
        return a.clone();
    }
    let (za, zb) = (
        a.trailing_zeros().unwrap_or(0),
        b.trailing_zeros().unwrap_or(0),
    );
    let shift = za.min(zb);
    let (mut u, mut v) = (a.shr(za), b.shr(zb));
    // Both odd from here on.
    while !v.is_zero() {
        if u > v {
            core::mem::swap(&mut u, &mut v);
        }
        v = v.sub(&u);
        if let Some(z) = v.trailing_zeros() {
            v = v.shr(z);
        }
    }
    u.shl(shift)
}

/// `x / 2 mod m` for odd `m` and `x < m`.
fn half_mod(x: Uint, m: &Uint) -> Uint {
    if x.is_odd() {
        x.add(m).shr(1)
    } else {
        x.shr(1)
    }
}

/// `a - b mod m` for `a, b < m`.
fn sub_mod(a: &Uint, b: &Uint, m: &Uint) -> Uint {
    match a.checked_sub(b) {
        Some(d) => d,
        None => a.add(m).sub(b),
    }
}

/// `a^-1 mod m` for an odd `m > 1` (binary extended Euclid; not constant-time); `None` if
/// `m` is even or 1, or `a` has no inverse.
pub fn inv_mod_odd(a: &Uint, m: &Uint) -> Option<Uint> {
    if !m.is_odd() || m.is_one() {
        return None;
    }
    // u ≡ a·x1 and v ≡ a·x2 (mod m) throughout.
    let mut u = a.rem(m)?;
    let mut v = m.clone();
    let (mut x1, mut x2) = (Uint::one(), Uint::default());
    while !u.is_one() && !v.is_one() {
        if u.is_zero() {
            // u reached v = gcd(a, m) > 1.
            return None;
        }
        while !u.is_odd() {
            u = u.shr(1);
            x1 = half_mod(x1, m);
        }
        while !v.is_odd() {
            v = v.shr(1);
            x2 = half_mod(x2, m);
        }
        if u >= v {
            u = u.sub(&v);
            x1 = sub_mod(&x1, &x2, m);
        } else {
            v = v.sub(&u);
            x2 = sub_mod(&x2, &x1, m);
        }
    }
    Some(if u.is_one() { x1 } else { x2 })
}

/// `a^-1 mod p` for an odd prime `p` by Fermat (`a^(p-2)`), on the constant-time Montgomery
/// exponentiation; `None` if `p` is not odd and above 2 or `a ≡ 0`.
pub fn inv_mod_prime(a: &Uint, p: &Uint) -> Option<Uint> {
    let m = Montgomery::new(p.limbs())?;
    if p.bits() < 3 {
        return None;
    }
    let e = p.sub_u64(2);
    let e = Zeroizing::new(e.limbs_padded(m.n()));
    let r = Uint::from_limbs(m.pow(a.limbs(), &e).to_vec());
    if r.is_zero() {
        return None;
    }
    Some(r)
}

/// `a * b mod m` for an odd `m > 1` (constant-time Montgomery), `None` otherwise.
pub fn mul_mod_odd(a: &Uint, b: &Uint, m: &Uint) -> Option<Uint> {
    let mm = Montgomery::new(m.limbs())?;
    Some(Uint::from_limbs(mm.mul_mod(a.limbs(), b.limbs()).to_vec()))
}

/// Uniform random integer in `[low, high)` by rejection sampling; `None` if the range is
/// empty or the RNG keeps failing (256 rejections in a row, each with probability < 1/2).
pub fn random_in_range(rng: &mut dyn CryptoRngCore, low: &Uint, high: &Uint) -> Option<Uint> {
    let span = high.checked_sub(low).filter(|s| !s.is_zero())?;
    let bits = span.bits();
    let mut buf = vec![0u8; bits.div_ceil(8)];
    let excess = buf.len() * 8 - bits;
    for _ in 0..256 {
        rng.fill_bytes(&mut buf);
        if let Some(b) = buf.first_mut() {
            *b &= 0xFF >> excess;
        }
        let v = Uint::from_be(&buf);
        if v < span {
            buf.zeroize();
            return Some(v.add(low));
        }
    }
    buf.zeroize();
    None
}

/// Random integer of exactly `bits` bits (top bit set).
pub fn random_bits_exact(rng: &mut dyn CryptoRngCore, bits: usize) -> Option<Uint> {
    if bits == 0 {
        return None;
    }
    random_in_range(
        rng,
        &Uint::power_of_two(bits - 1),
        &Uint::power_of_two(bits),
    )
}

/// The first odd primes, for trial division and the sieve of [`generate_prime`].
const SMALL_PRIMES: [u16; 255] = small_primes();

const fn small_primes() -> [u16; 255] {
    let mut out = [0u16; 255];
    let mut n = 0;
    let mut c = 3u16;
    while n < out.len() {
        let mut d = 3u16;
        let mut prime = true;
        while d * d <= c {
            if c % d == 0 {
                prime = false;
                break;
            }
            d += 2;
        }
        if prime {
            out[n] = c;
            n += 1;
        }
        c += 2;
    }
    out
}

/// Miller–Rabin rounds for a random prime candidate of `bits` bits: FIPS 186-5 Table B.1 for
/// RSA's 1024- to 2048-bit primes (error below 2^-112 .. 2^-144), FIPS 186-4 Table C.3 for
/// 512-bit ones, and for smaller primes (keys under 1024 bits) the worst-case bound 4^-t ≤
/// 2^-100.
pub fn mr_rounds(bits: usize) -> usize {
    match bits {
        1536.. => 4,
        1024.. => 5,
        512.. => 7,
        _ => 50,
    }
}

/// Miller–Rabin on `w` (even values and values below 2 are composite): `rounds` bases, the first 2, the others uniform in
/// [2, w-2]. The exponentiations are the constant-time Montgomery ones; `None` if the RNG
/// fails.
pub fn miller_rabin(w: &Uint, rounds: usize, rng: &mut dyn CryptoRngCore) -> Option<bool> {
    if w.bits() <= 2 {
        // 2 and 3.
        return Some(w.bits() == 2);
    }
    let Some(m) = Montgomery::new(w.limbs()) else {
        return Some(false);
    };
    let w1 = w.sub_u64(1);
    let s = w1.trailing_zeros().unwrap_or(0);
    let d = Zeroizing::new(w1.shr(s).limbs_padded(m.n()));
    let two = Uint::from_u64(2);
    'rounds: for i in 0..rounds {
        let base = match i {
            0 => two.clone(),
            _ => random_in_range(rng, &two, &w1)?,
        };
        let mut y = Uint::from_limbs(m.pow(base.limbs(), &d).to_vec());
        if y.is_one() || y == w1 {
            continue;
        }
        for _ in 1..s {
            y = Uint::from_limbs(m.mul_mod(y.limbs(), y.limbs()).to_vec());
            if y == w1 {
                continue 'rounds;
            }
            if y.is_one() {
                return Some(false);
            }
        }
        return Some(false);
    }
    Some(true)
}

/// A random probable prime of exactly `bits` bits (16..) with its top two bits set (so that
/// two of them make a product of exactly twice the length) and `(p - 1)` coprime to the odd
/// `e` if given: odd candidates from a random start, stepped by 2 with the residues mod the
/// small primes updated instead of recomputed, then Miller–Rabin. `None` if the RNG fails or
/// no prime turns up in 64 windows (on the order of 2^-100 for a working RNG).
pub fn generate_prime(rng: &mut dyn CryptoRngCore, bits: usize, e: Option<&Uint>) -> Option<Uint> {
    const WINDOW: u64 = 1 << 14;
    if bits < 16 {
        return None;
    }
    let rounds = mr_rounds(bits);
    let mut buf = vec![0u8; bits.div_ceil(8)];
    for _ in 0..64 {
        rng.fill_bytes(&mut buf);
        let mut start = Uint::from_be(&buf);
        buf.zeroize();
        // Exactly `bits` bits, the top two set, odd.
        start = start.rem(&Uint::power_of_two(bits))?;
        let top2 = Uint::from_u64(3).shl(bits - 2);
        let mut l = Zeroizing::new(start.limbs_padded(top2.limbs().len()));
        for (a, b) in l.iter_mut().zip(top2.limbs()) {
            *a |= b;
        }
        start = Uint::from_limbs(l.to_vec());
        if !start.is_odd() {
            start = start.add(&Uint::one());
        }
        let residues: Vec<u64> = SMALL_PRIMES
            .iter()
            .map(|&sp| start.rem_u64(u64::from(sp)))
            .collect();
        let mut delta = 0u64;
        while delta < WINDOW {
            let divisible = SMALL_PRIMES
                .iter()
                .zip(&residues)
                .any(|(&sp, &r)| (r + delta) % u64::from(sp) == 0);
            if !divisible {
                let c = start.add(&Uint::from_u64(delta));
                if c.bits() != bits {
                    break;
                }
                let coprime = match e {
                    Some(e) => gcd(&c.sub_u64(1).rem(e)?, e).is_one(),
                    None => true,
                };
                if coprime && miller_rabin(&c, rounds, rng)? {
                    return Some(c);
                }
            }
            delta += 2;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint_dig::{BigUint, ModInverse};
    use num_integer::Integer;
    use num_traits::{One, Zero};

    fn big(u: &Uint) -> BigUint {
        BigUint::from_bytes_be(&u.to_be())
    }

    fn ours(b: &BigUint) -> Uint {
        Uint::from_be(&b.to_bytes_be())
    }

    /// xorshift64*, deterministic test values.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        /// A value of up to `bits` bits, often with runs of all-ones or all-zero limbs.
        fn uint(&mut self, bits: usize) -> Uint {
            let n = bits.div_ceil(64);
            let mut l: Vec<u64> = (0..n)
                .map(|_| match self.next() % 8 {
                    0 => 0,
                    1 => u64::MAX,
                    _ => self.next(),
                })
                .collect();
            if let Some(top) = l.last_mut() {
                if bits % 64 != 0 {
                    *top &= (1u64 << (bits % 64)) - 1;
                }
            }
            Uint::from_limbs(l)
        }
    }

    impl rand_core::RngCore for Gen {
        fn next_u32(&mut self) -> u32 {
            self.next() as u32
        }
        fn next_u64(&mut self) -> u64 {
            self.next()
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for b in dest {
                *b = self.next() as u8;
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl rand_core::CryptoRng for Gen {}

    #[test]
    fn bytes_round_trip() {
        assert_eq!(Uint::from_be(&[]).to_be(), [0]);
        assert_eq!(Uint::from_be(&[0, 0, 0]).to_be(), [0]);
        assert!(Uint::from_be(&[0, 0]).is_zero());
        assert_eq!(Uint::from_be(&[0, 0, 1, 2]).to_be(), [1, 2]);
        assert_eq!(
            Uint::from_be(&[1, 2]).to_be_padded(4).unwrap(),
            [0, 0, 1, 2]
        );
        assert_eq!(Uint::from_be(&[1, 2]).to_be_padded(1), None);
        assert_eq!(Uint::default().to_be_padded(0).unwrap(), Vec::<u8>::new());
        let mut g = Gen(1);
        for bits in [1usize, 7, 8, 63, 64, 65, 128, 1000, 4096] {
            let v = g.uint(bits);
            let b = v.to_be();
            assert_eq!(b, big(&v).to_bytes_be());
            assert_eq!(Uint::from_be(&b), v);
            assert_eq!(v.bits(), big(&v).bits());
        }
    }

    #[test]
    fn arithmetic_matches_the_reference() {
        let mut g = Gen(0x5eed);
        let sizes = [1usize, 2, 63, 64, 65, 127, 128, 129, 500, 1024, 2048, 4096];
        for &ba in &sizes {
            for &bb in &sizes {
                for _ in 0..3 {
                    let (a, b) = (g.uint(ba), g.uint(bb));
                    let (x, y) = (big(&a), big(&b));
                    assert_eq!(big(&a.add(&b)), &x + &y);
                    assert_eq!(big(&a.mul(&b)), &x * &y);
                    assert_eq!(a.cmp(&b), x.cmp(&y));
                    match a.checked_sub(&b) {
                        Some(d) => assert_eq!(big(&d), &x - &y),
                        None => assert!(x < y),
                    }
                    if y.is_zero() {
                        assert!(a.div_rem(&b).is_none());
                    } else {
                        let (q, r) = a.div_rem(&b).unwrap();
                        assert_eq!((big(&q), big(&r)), x.div_rem(&y), "{ba}/{bb}");
                    }
                    assert_eq!(big(&gcd(&a, &b)), x.gcd(&y));
                    let s = (g.next() % 200) as usize;
                    assert_eq!(big(&a.shl(s)), &x << s);
                    assert_eq!(big(&a.shr(s)), &x >> s);
                    let small = g.next() | 1;
                    assert_eq!(
                        Uint::from_u64(a.rem_u64(small)),
                        ours(&(&x % BigUint::from(small)))
                    );
                }
            }
        }
    }

    #[test]
    fn division_edge_cases() {
        let one = Uint::one();
        let all = |n: usize| Uint::from_limbs(vec![u64::MAX; n]);
        let cases = [
            (Uint::default(), one.clone()),
            (one.clone(), one.clone()),
            (all(4), all(4)),
            (all(4), all(2)),
            (all(8), Uint::from_u64(u64::MAX)),
            (Uint::power_of_two(256), Uint::power_of_two(128).add(&one)),
            (
                Uint::power_of_two(256).sub_u64(1),
                Uint::power_of_two(128).sub_u64(1),
            ),
            // Quotient digit estimates that need the add-back step.
            (
                Uint::from_limbs(vec![0, 0, 0x8000_0000_0000_0000, 0x7fff_ffff_ffff_ffff]),
                Uint::from_limbs(vec![1, 0, 0x8000_0000_0000_0000]),
            ),
            (
                Uint::from_limbs(vec![0, 0xffff_ffff_ffff_fffe, 0x8000_0000_0000_0000]),
                Uint::from_limbs(vec![0xffff_ffff_ffff_ffff, 0x8000_0000_0000_0000]),
            ),
        ];
        for (a, b) in cases {
            let (q, r) = a.div_rem(&b).unwrap();
            let (x, y) = (big(&a), big(&b));
            assert_eq!((big(&q), big(&r)), (&x / &y, &x % &y));
        }
    }

    #[test]
    fn inverses_match_the_reference() {
        let mut g = Gen(42);
        for bits in [2usize, 3, 64, 65, 128, 521, 1024, 2048] {
            for _ in 0..6 {
                let m = g.uint(bits).add(&Uint::power_of_two(bits - 1)).shr(0);
                let m = if m.is_odd() { m } else { m.add(&Uint::one()) };
                let a = g.uint(bits + 10);
                let want = big(&a)
                    .mod_inverse(big(&m))
                    .and_then(|v| v.to_biguint())
                    .filter(|_| !big(&m).is_one());
                assert_eq!(inv_mod_odd(&a, &m).map(|v| big(&v)), want, "{bits}");
            }
        }
        // Even moduli, zero, 1 and non-invertible values.
        assert!(inv_mod_odd(&Uint::from_u64(3), &Uint::from_u64(10)).is_none());
        assert!(inv_mod_odd(&Uint::from_u64(3), &Uint::one()).is_none());
        assert!(inv_mod_odd(&Uint::default(), &Uint::from_u64(7)).is_none());
        assert!(inv_mod_odd(&Uint::from_u64(6), &Uint::from_u64(9)).is_none());
        assert_eq!(
            inv_mod_odd(&Uint::from_u64(8), &Uint::from_u64(9)),
            Some(Uint::from_u64(8))
        );
        // Fermat inverses mod primes.
        let p = ours(
            &BigUint::parse_bytes(
                b"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff43",
                16,
            )
            .unwrap(),
        );
        for _ in 0..5 {
            let a = g.uint(300);
            let want = big(&a).mod_inverse(big(&p)).and_then(|v| v.to_biguint());
            assert_eq!(inv_mod_prime(&a, &p).map(|v| big(&v)), want);
        }
        assert!(inv_mod_prime(&p, &p).is_none());
        assert!(inv_mod_prime(&Uint::one(), &Uint::from_u64(2)).is_none());
        assert_eq!(
            inv_mod_prime(&Uint::from_u64(3), &Uint::from_u64(7)),
            Some(Uint::from_u64(5))
        );
    }

    #[test]
    fn random_values_stay_in_range() {
        let mut g = Gen(5);
        let (low, high) = (Uint::from_u64(10), Uint::from_u64(13));
        for _ in 0..100 {
            let v = random_in_range(&mut g, &low, &high).unwrap();
            assert!(v >= low && v < high);
        }
        assert!(random_in_range(&mut g, &high, &low).is_none());
        assert!(random_in_range(&mut g, &low, &low).is_none());
        for bits in [1usize, 8, 9, 160, 2048] {
            assert_eq!(random_bits_exact(&mut g, bits).unwrap().bits(), bits);
        }
        assert!(random_bits_exact(&mut g, 0).is_none());
    }

    /// An RNG stuck at all-ones bytes: every draw is rejected.
    struct Ones;
    impl rand_core::RngCore for Ones {
        fn next_u32(&mut self) -> u32 {
            u32::MAX
        }
        fn next_u64(&mut self) -> u64 {
            u64::MAX
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            dest.fill(0xFF);
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            dest.fill(0xFF);
            Ok(())
        }
    }
    impl rand_core::CryptoRng for Ones {}

    #[test]
    fn a_stuck_rng_fails_closed() {
        let (low, high) = (Uint::default(), Uint::from_u64(3));
        assert!(random_in_range(&mut Ones, &low, &high).is_none());
        assert!(generate_prime(&mut Ones, 64, None).is_none());
        assert!(generate_prime(&mut Ones, 1024, None).is_none());
        // Miller–Rabin's random bases.
        let p = Uint::from_u64(4_294_967_291);
        assert_eq!(miller_rabin(&p, 2, &mut Ones), None);
    }

    #[test]
    fn primality_matches_known_values() {
        let mut g = Gen(9);
        let primes = [
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff43",
            "fffffffffffffffffffffffffffffffeffffffffffffffff",
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
        ];
        for p in primes {
            let p = ours(&BigUint::parse_bytes(p.as_bytes(), 16).unwrap());
            assert_eq!(miller_rabin(&p, 10, &mut g), Some(true));
            // p·q and p+2 (even) are not.
            assert_eq!(miller_rabin(&p.mul(&p), 10, &mut g), Some(false));
        }
        // Carmichael numbers and strong pseudoprimes to base 2.
        for c in [561u64, 1105, 2047, 3277, 4033, 4681, 3_215_031_751] {
            assert_eq!(
                miller_rabin(&Uint::from_u64(c), 20, &mut g),
                Some(false),
                "{c}"
            );
        }
        for p in [5u64, 7, 13, 65537, 4_294_967_291] {
            assert_eq!(
                miller_rabin(&Uint::from_u64(p), 20, &mut g),
                Some(true),
                "{p}"
            );
        }
        assert_eq!(miller_rabin(&Uint::from_u64(3), 5, &mut g), Some(true));
        assert_eq!(miller_rabin(&Uint::from_u64(2), 5, &mut g), Some(true));
        for c in [0u64, 1, 4, 9, 1 << 40] {
            assert_eq!(
                miller_rabin(&Uint::from_u64(c), 5, &mut g),
                Some(false),
                "{c}"
            );
        }
    }

    #[test]
    fn generated_primes_have_the_asked_shape() {
        let mut g = Gen(77);
        let e = Uint::from_u64(65537);
        for bits in [16usize, 64, 128, 256, 512] {
            let p = generate_prime(&mut g, bits, Some(&e)).unwrap();
            assert_eq!(p.bits(), bits);
            assert!(p.bit(bits - 2));
            assert!(big(&p).is_odd());
            // The reference's own test (20 rounds plus Lucas).
            assert!(
                num_bigint_dig::prime::probably_prime(&big(&p), 20),
                "{bits}"
            );
            assert!(gcd(&p.sub_u64(1), &e).is_one());
        }
        // e = 3: p - 1 must not be a multiple of 3.
        for _ in 0..5 {
            let p = generate_prime(&mut g, 128, Some(&Uint::from_u64(3))).unwrap();
            assert_ne!(p.rem_u64(3), 1);
        }
    }

    #[test]
    fn small_primes_table() {
        assert_eq!(SMALL_PRIMES[..6], [3, 5, 7, 11, 13, 17]);
        assert_eq!(SMALL_PRIMES[254], 1619);
        assert_eq!(mr_rounds(1024), 5);
        assert_eq!(mr_rounds(2048), 4);
    }
}
