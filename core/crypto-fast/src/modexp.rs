//! Modular exponentiation for finite-field Diffie-Hellman, constant-time with respect to the
//! exponent and to every intermediate value (here rather than in `oxtee-crypto` to be compiled
//! for speed).
//!
//! Montgomery arithmetic on 64-bit limbs sized to the modulus (no rounding up to a power of
//! two). An exponentiation is five squarings for every multiplication, so squaring is what
//! costs: it forms each cross product once and doubles it. Products are formed column by
//! column with the running sum in registers, four products per loop turn. The exponent is
//! consumed in fixed 5-bit windows over all of the modulus's limbs (whatever the exponent's
//! own length); each window multiplies by a table entry picked with a masked scan of the whole
//! table, so neither the sequence of operations nor the memory touched depends on the
//! exponent, and the final subtraction of each Montgomery step is masked, not branched.
//!
//! The modulus is public (the group's p): its limb count, `R^2 mod p` and loop bounds may depend
//! on it.

use alloc::vec;
use alloc::vec::Vec;
use num_bigint_dig::BigUint;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

/// Window width in bits: a 32-entry table, about 2048/5 multiplications for a 2048-bit
/// exponent (wider windows cost more in table scans than they save).
const WINDOW: usize = 5;
const TABLE_LEN: usize = 1 << WINDOW;

/// Windows between two calls of [`Montgomery::pow_preemptible`]'s hook: 80 exponent bits,
/// about 1/26 of a 2048-bit exponentiation (the thread's preemption point costs a register
/// read when no interrupt is pending).
pub const HOOK_EVERY: usize = 16;

/// An odd modulus with its Montgomery constants (`R = 2^(64 n)` for `n` limbs).
pub struct Montgomery {
    /// p, little-endian limbs.
    p: Vec<u64>,
    /// -p^-1 mod 2^64.
    p_inv_neg: u64,
    /// R^2 mod p.
    r2: Vec<u64>,
}

/// Little-endian limbs of `v`, zero-extended to `n` (`v` must fit).
fn limbs(v: &BigUint, n: usize) -> Zeroizing<Vec<u64>> {
    let mut out = Zeroizing::new(vec![0u64; n]);
    let bytes = Zeroizing::new(v.to_bytes_le());
    for (i, b) in bytes.chunks(8).enumerate() {
        let mut w = [0u8; 8];
        w[..b.len()].copy_from_slice(b);
        if let Some(l) = out.get_mut(i) {
            *l = u64::from_le_bytes(w);
        }
        w.zeroize();
    }
    out
}

fn to_biguint(l: &[u64]) -> BigUint {
    let mut bytes = Zeroizing::new(Vec::with_capacity(l.len() * 8));
    for w in l {
        bytes.extend_from_slice(&w.to_le_bytes());
    }
    BigUint::from_bytes_le(&bytes)
}

/// A column sum of product scanning: 192 bits, of which the top word only ever holds a few
/// carries (a column adds at most 2n + 1 products below 2^128).
#[derive(Default)]
struct Acc {
    low: u128,
    high: u64,
}

impl Acc {
    #[inline(always)]
    fn add_product(&mut self, a: u64, b: u64) {
        let (s, carry) = self
            .low
            .overflowing_add(u128::from(a).wrapping_mul(u128::from(b)));
        self.low = s;
        self.high = self.high.wrapping_add(u64::from(carry));
    }

    /// Adds `x[i] * y[len - 1 - i]` for every i (`x` and `y` of one length): a column of a
    /// product. Four products per loop turn, as emulators and simple cores pay per branch.
    #[inline(always)]
    fn add_dot_rev(&mut self, x: &[u64], y: &[u64]) {
        debug_assert_eq!(x.len(), y.len());
        let mut xs = x.chunks_exact(4);
        let mut ys = y.rchunks_exact(4);
        for (a, b) in (&mut xs).zip(&mut ys) {
            self.add_product(a[0], b[3]);
            self.add_product(a[1], b[2]);
            self.add_product(a[2], b[1]);
            self.add_product(a[3], b[0]);
        }
        for (&a, &b) in xs.remainder().iter().zip(ys.remainder().iter().rev()) {
            self.add_product(a, b);
        }
    }

    /// Adds `2 * other`.
    #[inline(always)]
    fn add_doubled(&mut self, other: &Acc) {
        let high = (other.high << 1) | (other.low >> 127) as u64;
        let (s, carry) = self.low.overflowing_add(other.low << 1);
        self.low = s;
        self.high = self.high.wrapping_add(high).wrapping_add(u64::from(carry));
    }

    #[inline(always)]
    fn low(&self) -> u64 {
        self.low as u64
    }

    /// Returns the low word and moves the sum down one word.
    #[inline(always)]
    fn shift_out(&mut self) -> u64 {
        let w = self.low as u64;
        self.low = (self.low >> 64) | (u128::from(self.high) << 64);
        self.high = 0;
        w
    }
}

impl Montgomery {
    /// Constants for `p`; `None` unless `p` is odd and greater than 1.
    pub fn new(p: &BigUint) -> Option<Self> {
        let bits = p.bits();
        let n = bits.div_ceil(64);
        let p_limbs = limbs(p, n).to_vec();
        if bits < 2 || p_limbs[0] & 1 == 0 {
            return None;
        }
        // Newton's iteration doubles the correct low bits each step: 1 -> 64 in six.
        let p0 = p_limbs[0];
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
        }
        let r2 = (BigUint::from(1u32) << (128 * n)) % p;
        Some(Self {
            r2: limbs(&r2, n).to_vec(),
            p: p_limbs,
            p_inv_neg: inv.wrapping_neg(),
        })
    }

    fn n(&self) -> usize {
        self.p.len()
    }

    fn modulus(&self) -> BigUint {
        to_biguint(&self.p)
    }

    /// `out = r - p` if `carry` is set or `r >= p`, else `r`, in constant time (`r` plus the
    /// carry word is below 2p).
    fn reduce_once(&self, r: &[u64], carry: u64, out: &mut [u64]) {
        let mut borrow = 0u64;
        for i in 0..self.n() {
            let (s1, b1) = r[i].overflowing_sub(self.p[i]);
            let (s2, b2) = s1.overflowing_sub(borrow);
            out[i] = s2;
            borrow = u64::from(b1 | b2);
        }
        // r < p exactly when the subtraction borrowed and there was no carry word.
        let keep = borrow.ct_eq(&1) & carry.ct_eq(&0);
        for i in 0..self.n() {
            out[i] = u64::conditional_select(&out[i], &r[i], keep);
        }
    }

    /// Montgomery reduction by product scanning: column by column, `column(k, acc)` adds the
    /// column-k products of the double-width value to reduce, this adds the column's
    /// multiples of p, and the column's low word either fixes the next Montgomery digit
    /// (k < n) or is a word of the result (k >= n). Keeping the running sum in three words
    /// of registers means no double-width array is written and read back. `out` gets the
    /// value / R mod p; `m` (n words) holds the digits.
    #[inline(always)]
    fn columns(
        &self,
        m: &mut [u64],
        r: &mut [u64],
        out: &mut [u64],
        mut column: impl FnMut(usize, &mut Acc),
    ) {
        let n = self.n();
        let p = &self.p[..n];
        let (m, r) = (&mut m[..n], &mut r[..n]);
        let mut acc = Acc::default();
        for k in 0..n {
            column(k, &mut acc);
            acc.add_dot_rev(&m[..k], &p[1..=k]);
            let digit = acc.low().wrapping_mul(self.p_inv_neg);
            m[k] = digit;
            acc.add_product(digit, p[0]);
            acc.shift_out();
        }
        for k in n..2 * n {
            column(k, &mut acc);
            let lo = k - n + 1;
            acc.add_dot_rev(&m[lo..], &p[lo..]);
            r[k - n] = acc.shift_out();
        }
        self.reduce_once(r, acc.low(), out);
    }

    /// `out = a * b / R mod p`; `a, b < p`; `t` at least 2n words of scratch.
    fn mul(&self, a: &[u64], b: &[u64], out: &mut [u64], t: &mut [u64]) {
        let n = self.n();
        let (a, b) = (&a[..n], &b[..n]);
        let (m, r) = t.split_at_mut(n);
        self.columns(m, r, out, |k, acc| {
            // a[i] * b[k - i] for the i that fall inside both.
            let (lo, hi) = (k.saturating_sub(n - 1), k.min(n - 1));
            if lo <= hi {
                acc.add_dot_rev(&a[lo..=hi], &b[k - hi..=k - lo]);
            }
        });
    }

    /// `out = a^2 / R mod p`; `a < p`; `t` at least 2n words of scratch. Each column's cross
    /// products a[i] * a[j] (i < j) are summed once and doubled.
    fn sqr(&self, a: &[u64], out: &mut [u64], t: &mut [u64]) {
        let n = self.n();
        let a = &a[..n];
        let (m, r) = t.split_at_mut(n);
        self.columns(m, r, out, |k, acc| {
            // i < j = k - i, both below n.
            let (lo, end) = (k.saturating_sub(n - 1), k.div_ceil(2));
            if lo < end {
                let mut cross = Acc::default();
                cross.add_dot_rev(&a[lo..end], &a[k + 1 - end..=k - lo]);
                acc.add_doubled(&cross);
            }
            if k % 2 == 0 && k / 2 < n {
                acc.add_product(a[k / 2], a[k / 2]);
            }
        });
    }

    /// `base^exp mod p`, constant-time in `exp` and in the values computed. `exp` must fit
    /// in p's limbs (bits beyond them are ignored); `base` is reduced mod p first.
    pub fn pow(&self, base: &BigUint, exp: &BigUint) -> BigUint {
        self.pow_preemptible(base, exp, &mut || {})
    }

    /// [`Montgomery::pow`], calling `hook` after every [`HOOK_EVERY`] windows: a schedule
    /// fixed by the modulus's size alone (`windows / HOOK_EVERY` calls, the same for every
    /// exponent), so the calls say nothing about `exp`. The caller's thread may be preempted
    /// there; no state of the computation is shared with the hook.
    pub fn pow_preemptible(
        &self,
        base: &BigUint,
        exp: &BigUint,
        hook: &mut dyn FnMut(),
    ) -> BigUint {
        let n = self.n();
        let bits = n * 64;
        let mut t = Zeroizing::new(vec![0u64; 2 * n + 2]);
        let e = limbs(exp, n);
        let b = limbs(&(base % self.modulus()), n);

        // table[i] = base^i in Montgomery form; table[0] = R mod p.
        let mut table = Zeroizing::new(vec![0u64; TABLE_LEN * n]);
        let mut one = Zeroizing::new(vec![0u64; n]);
        one[0] = 1;
        {
            let (t0, rest) = table.split_at_mut(n);
            self.mul(&one, &self.r2, t0, &mut t);
            self.mul(&b, &self.r2, &mut rest[..n], &mut t);
        }
        for i in 2..TABLE_LEN {
            let (done, next) = table.split_at_mut(i * n);
            if i % 2 == 0 {
                self.sqr(&done[(i / 2) * n..(i / 2 + 1) * n], &mut next[..n], &mut t);
            } else {
                self.mul(
                    &done[(i - 1) * n..i * n],
                    &done[n..2 * n],
                    &mut next[..n],
                    &mut t,
                );
            }
        }

        let mut acc = Zeroizing::new(table[..n].to_vec());
        let mut tmp = Zeroizing::new(vec![0u64; n]);
        let mut pick = Zeroizing::new(vec![0u64; n]);
        let windows = bits.div_ceil(WINDOW);
        for w in (0..windows).rev() {
            for _ in 0..WINDOW {
                self.sqr(&acc, &mut tmp, &mut t);
                acc.copy_from_slice(&tmp);
            }
            let index = window_at(&e, w * WINDOW);
            pick.fill(0);
            for (k, entry) in table.chunks_exact(n).enumerate() {
                let hit = (k as u64).ct_eq(&index);
                for (dst, &src) in pick.iter_mut().zip(entry) {
                    dst.conditional_assign(&src, hit);
                }
            }
            self.mul(&acc, &pick, &mut tmp, &mut t);
            acc.copy_from_slice(&tmp);
            if (windows - w) % HOOK_EVERY == 0 {
                hook();
            }
        }
        // Out of Montgomery form: multiply by 1.
        self.mul(&acc, &one, &mut tmp, &mut t);
        to_biguint(&tmp)
    }
}

/// The `WINDOW` bits of `e` starting at bit `pos` (zero beyond its end). The position is
/// public; only the value read is secret.
fn window_at(e: &[u64], pos: usize) -> u64 {
    let (limb, shift) = (pos / 64, pos % 64);
    let lo = e.get(limb).copied().unwrap_or(0) >> shift;
    let hi = match shift {
        0 => 0,
        s => e.get(limb + 1).copied().unwrap_or(0) << (64 - s),
    };
    (lo | hi) & (TABLE_LEN as u64 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::One;

    /// xorshift64*, deterministic test values.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn big(&mut self, bits: usize) -> BigUint {
            let words: Vec<u64> = (0..bits.div_ceil(64)).map(|_| self.next()).collect();
            let v = to_biguint(&words);
            v >> (words.len() * 64 - bits)
        }
    }

    #[test]
    fn matches_the_reference_modpow() {
        let mut g = Gen(0x0123_4567_89ab_cdef);
        for bits in [
            2usize, 3, 63, 64, 65, 127, 128, 129, 256, 511, 1000, 1024, 1536, 2048,
        ] {
            for _ in 0..4 {
                let p = g.big(bits) | BigUint::one() | (BigUint::one() << (bits - 1));
                let m = Montgomery::new(&p).unwrap();
                let base = g.big(bits) % &p;
                let exp = g.big(bits);
                assert_eq!(m.pow(&base, &exp), base.modpow(&exp, &p), "{bits} bits");
            }
        }
    }

    #[test]
    fn edge_values() {
        let mut g = Gen(99);
        let p = g.big(2048) | BigUint::one() | (BigUint::one() << 2047);
        let m = Montgomery::new(&p).unwrap();
        let pm1 = &p - BigUint::one();
        let zero = BigUint::default();
        for (base, exp) in [
            (zero.clone(), zero.clone()),
            (zero.clone(), BigUint::one()),
            (BigUint::one(), pm1.clone()),
            (pm1.clone(), BigUint::from(2u32)),
            (pm1.clone(), pm1.clone()),
            (
                BigUint::from(2u32),
                (BigUint::one() << 2048) - BigUint::one(),
            ),
        ] {
            assert_eq!(m.pow(&base, &exp), base.modpow(&exp, &p));
        }
        // All-ones modulus: every reduction ends next to p.
        let p = (BigUint::one() << 1024) - BigUint::one();
        let m = Montgomery::new(&p).unwrap();
        let base = &p - BigUint::from(2u32);
        assert_eq!(m.pow(&base, &p), base.modpow(&p, &p));
    }

    #[test]
    fn the_hook_runs_on_a_schedule_fixed_by_the_modulus() {
        let mut g = Gen(7);
        for bits in [64usize, 1024, 2048, 3072] {
            let p = g.big(bits) | BigUint::one() | (BigUint::one() << (bits - 1));
            let m = Montgomery::new(&p).unwrap();
            let windows = (bits.div_ceil(64) * 64).div_ceil(WINDOW);
            let base = g.big(bits) % &p;
            // Short, long, all-zero and all-one exponents: the same calls.
            let all_ones = (BigUint::one() << bits) - BigUint::one();
            for exp in [
                BigUint::default(),
                BigUint::from(3u32),
                g.big(bits),
                all_ones,
            ] {
                let mut calls = 0usize;
                let z = m.pow_preemptible(&base, &exp, &mut || calls += 1);
                assert_eq!(calls, windows / HOOK_EVERY, "{bits} bits");
                assert_eq!(z, m.pow(&base, &exp));
                assert_eq!(z, base.modpow(&exp, &p));
            }
        }
        // A 2048-bit exponentiation offers the point 25 times.
        assert_eq!(2048usize.div_ceil(WINDOW) / HOOK_EVERY, 25);
    }

    #[test]
    fn refuses_even_and_tiny_moduli() {
        assert!(Montgomery::new(&BigUint::from(10u32)).is_none());
        assert!(Montgomery::new(&BigUint::one()).is_none());
        assert!(Montgomery::new(&BigUint::default()).is_none());
        assert!(Montgomery::new(&BigUint::from(3u32)).is_some());
    }

    #[test]
    fn windows_span_limb_boundaries() {
        let e = [0xF000_0000_0000_0001u64, 0x3];
        assert_eq!(window_at(&e, 0), 1);
        assert_eq!(window_at(&e, 60), 0b1_1111);
        assert_eq!(window_at(&e, 62), 0b0_1111);
        assert_eq!(window_at(&e, 64), 0b0_0011);
        assert_eq!(window_at(&e, 125), 0);
        assert_eq!(window_at(&e, 1000), 0);
    }
}
