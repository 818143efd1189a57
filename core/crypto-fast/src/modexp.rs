//! Modular exponentiation for finite-field Diffie-Hellman and RSA's private operation
//! ([`crate::rsa`]), constant-time with respect to the
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
//! For DH the modulus is public (the group's p); an RSA prime is secret. [`Montgomery::new`]
//! derives `R^2 mod p` without a division, so only the modulus's length steers any loop. The
//! interface is little-endian `u64` limbs; the cold arithmetic around it (division, inverses,
//! primes) is `oxtee-crypto`'s `asym::bigint`.

use alloc::vec;
use alloc::vec::Vec;
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

impl Drop for Montgomery {
    fn drop(&mut self) {
        // An RSA prime is secret.
        self.p.zeroize();
        self.r2.zeroize();
        // -p^-1 mod 2^64 gives p mod 2^64 away.
        self.p_inv_neg.zeroize();
    }
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
    /// Constants for the odd modulus `p` (little-endian limbs; high zero limbs are dropped);
    /// `None` unless `p` is odd and greater than 1. `R^2 mod p` comes from a fixed sequence
    /// of modular doublings and Montgomery squarings instead of a division, so an RSA prime
    /// (secret) can be set up too: only p's bit length steers the sequence.
    pub fn new(p: &[u64]) -> Option<Self> {
        let mut p = p.to_vec();
        while p.last() == Some(&0) {
            p.pop();
        }
        let n = p.len();
        let top = *p.last()?;
        let bits = 64 * n - top.leading_zeros() as usize;
        if bits < 2 || p[0] & 1 == 0 {
            return None;
        }
        // Newton's iteration doubles the correct low bits each step: 1 -> 64 in six.
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p[0].wrapping_mul(inv)));
        }
        let mut m = Self {
            p,
            p_inv_neg: inv.wrapping_neg(),
            r2: Vec::new(),
        };
        // x = 2^(bits-1) < p, doubled up to R = 2^(64n) mod p, then to R * 2^a with a the odd
        // part of 64n; each Montgomery squaring maps R * 2^a to R * 2^(2a), and after j of
        // them (64n = a * 2^j) x is R * R mod p.
        let mut x = Zeroizing::new(vec![0u64; n]);
        x[(bits - 1) / 64] = 1 << ((bits - 1) % 64);
        let total = 64 * n;
        let j = total.trailing_zeros();
        let a = total >> j;
        let mut tmp = Zeroizing::new(vec![0u64; n]);
        for _ in 0..(total - (bits - 1)) + a {
            m.double(&x, &mut tmp);
            x.copy_from_slice(&tmp);
        }
        let mut t = Zeroizing::new(vec![0u64; 2 * n + 2]);
        for _ in 0..j {
            m.sqr(&x, &mut tmp, &mut t);
            x.copy_from_slice(&tmp);
        }
        m.r2 = x.to_vec();
        Some(m)
    }

    /// [`Montgomery::new`] for a public modulus whose `R^2 mod p` the caller has (from a
    /// division, cheaper than the squarings `new` runs): DH's group prime at every operation.
    /// `None` unless `p` is odd and greater than 1 and `r2` is below p.
    pub fn with_r2(p: &[u64], r2: &[u64]) -> Option<Self> {
        let mut p = p.to_vec();
        while p.last() == Some(&0) {
            p.pop();
        }
        let n = p.len();
        let top = *p.last()?;
        let bits = 64 * n - top.leading_zeros() as usize;
        if bits < 2 || p[0] & 1 == 0 || r2.iter().skip(n).any(|&l| l != 0) {
            return None;
        }
        let mut r = vec![0u64; n];
        let take = n.min(r2.len());
        r[..take].copy_from_slice(&r2[..take]);
        // r2 < p, compared from the top limb down.
        if r.iter().rev().cmp(p.iter().rev()) != core::cmp::Ordering::Less {
            return None;
        }
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p[0].wrapping_mul(inv)));
        }
        Some(Self {
            p,
            p_inv_neg: inv.wrapping_neg(),
            r2: r,
        })
    }

    #[cfg(test)]
    pub(crate) fn r2_limbs(&self) -> &[u64] {
        &self.r2
    }

    /// Number of 64-bit limbs of p.
    pub fn n(&self) -> usize {
        self.p.len()
    }

    /// The modulus's limbs (little-endian).
    pub fn modulus_limbs(&self) -> &[u64] {
        &self.p
    }

    /// `out = 2a mod p` (`a < p`).
    fn double(&self, a: &[u64], out: &mut [u64]) {
        let n = self.n();
        let mut r = Zeroizing::new(vec![0u64; n]);
        let mut carry = 0u64;
        for i in 0..n {
            r[i] = (a[i] << 1) | carry;
            carry = a[i] >> 63;
        }
        self.reduce_once(&r, carry, out);
    }

    /// `out = a + b mod p` (`a, b < p`), constant-time.
    pub(crate) fn add_mod(&self, a: &[u64], b: &[u64], out: &mut [u64]) {
        let n = self.n();
        let mut r = Zeroizing::new(vec![0u64; n]);
        let mut carry = 0u64;
        for i in 0..n {
            let (s1, c1) = a[i].overflowing_add(b[i]);
            let (s2, c2) = s1.overflowing_add(carry);
            r[i] = s2;
            carry = u64::from(c1 | c2);
        }
        self.reduce_once(&r, carry, out);
    }

    /// `out = a - b mod p` (`a, b < p`), constant-time: p is added back under a mask.
    pub(crate) fn sub_mod(&self, a: &[u64], b: &[u64], out: &mut [u64]) {
        let n = self.n();
        let mut borrow = 0u64;
        for i in 0..n {
            let (s1, b1) = a[i].overflowing_sub(b[i]);
            let (s2, b2) = s1.overflowing_sub(borrow);
            out[i] = s2;
            borrow = u64::from(b1 | b2);
        }
        let mask = borrow.wrapping_neg();
        let mut carry = 0u64;
        for (o, &p) in out[..n].iter_mut().zip(&self.p) {
            let (s1, c1) = o.overflowing_add(p & mask);
            let (s2, c2) = s1.overflowing_add(carry);
            *o = s2;
            carry = u64::from(c1 | c2);
        }
    }

    /// `out = x * R mod p` (Montgomery form) for `x` of any number of limbs, in constant time:
    /// Horner's rule over n-limb chunks of x, each chunk (below R) times `R^2` is a valid
    /// Montgomery product (below p * R). `t` at least 2n + 2 words of scratch.
    pub(crate) fn to_mont_wide(&self, x: &[u64], out: &mut [u64], t: &mut [u64]) {
        let n = self.n();
        let mut chunk = Zeroizing::new(vec![0u64; n]);
        let mut tmp = Zeroizing::new(vec![0u64; n]);
        out[..n].fill(0);
        for j in (0..x.len().div_ceil(n)).rev() {
            // Shift what we have up by one chunk: out * R^2 / R.
            self.mul(&out[..n], &self.r2, &mut tmp, t);
            chunk.fill(0);
            let part = &x[j * n..x.len().min((j + 1) * n)];
            chunk[..part.len()].copy_from_slice(part);
            self.mul(&chunk, &self.r2, &mut out[..n], t);
            let sum = Zeroizing::new(out[..n].to_vec());
            self.add_mod(&tmp, &sum, &mut out[..n]);
        }
    }

    /// `base^e mod p` for a public exponent `e` (big-endian bytes; its bits steer the
    /// square-and-multiply, the values are handled in constant time). `base` below R.
    pub fn pow_public(&self, base: &[u64], e: &[u8]) -> Zeroizing<Vec<u64>> {
        let n = self.n();
        let mut t = Zeroizing::new(vec![0u64; 2 * n + 2]);
        let mut b = Zeroizing::new(vec![0u64; n]);
        self.to_mont_wide(base, &mut b, &mut t);
        let mut acc = Zeroizing::new(vec![0u64; n]);
        let mut one = vec![0u64; n];
        one[0] = 1;
        self.mul(&one, &self.r2, &mut acc, &mut t);
        let mut tmp = Zeroizing::new(vec![0u64; n]);
        for byte in e {
            for bit in (0..8).rev() {
                self.sqr(&acc, &mut tmp, &mut t);
                acc.copy_from_slice(&tmp);
                if (byte >> bit) & 1 == 1 {
                    self.mul(&acc, &b, &mut tmp, &mut t);
                    acc.copy_from_slice(&tmp);
                }
            }
        }
        self.out_of_mont(&acc, &mut tmp, &mut t);
        tmp
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
    pub(crate) fn mul(&self, a: &[u64], b: &[u64], out: &mut [u64], t: &mut [u64]) {
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

    /// `base^exp mod p` (n limbs), constant-time in `exp` and in the values computed. `base`
    /// (any number of limbs) is reduced mod p first; the exponent is read in fixed windows
    /// over all of `exp`'s limbs, so its limb count (public) sets the cost.
    pub fn pow(&self, base: &[u64], exp: &[u64]) -> Zeroizing<Vec<u64>> {
        self.pow_preemptible(base, exp, &mut || {})
    }

    /// [`Montgomery::pow`], calling `hook` after every [`HOOK_EVERY`] windows: a schedule
    /// fixed by the exponent's limb count alone (DH passes p's), the same for every exponent
    /// value, so the calls say nothing about `exp`. The caller's thread may be preempted
    /// there; no state of the computation is shared with the hook.
    pub fn pow_preemptible(
        &self,
        base: &[u64],
        exp: &[u64],
        hook: &mut dyn FnMut(),
    ) -> Zeroizing<Vec<u64>> {
        let n = self.n();
        let mut t = Zeroizing::new(vec![0u64; 2 * n + 2]);
        let mut base_mont = Zeroizing::new(vec![0u64; n]);
        self.to_mont_wide(base, &mut base_mont, &mut t);
        let acc = self.pow_mont(&base_mont, exp, hook);
        let mut out = Zeroizing::new(vec![0u64; n]);
        self.out_of_mont(&acc, &mut out, &mut t);
        out
    }

    /// `a * b mod p` (n limbs) for `a`, `b` of any number of limbs, constant-time.
    pub fn mul_mod(&self, a: &[u64], b: &[u64]) -> Zeroizing<Vec<u64>> {
        let n = self.n();
        let mut t = Zeroizing::new(vec![0u64; 2 * n + 2]);
        let mut am = Zeroizing::new(vec![0u64; n]);
        self.to_mont_wide(a, &mut am, &mut t);
        let mut bm = Zeroizing::new(vec![0u64; n]);
        self.to_mont_wide(b, &mut bm, &mut t);
        // aR * bR / R = abR, then out of Montgomery form.
        let mut prod = Zeroizing::new(vec![0u64; n]);
        self.mul(&am, &bm, &mut prod, &mut t);
        self.out_of_mont(&prod, &mut am, &mut t);
        am
    }

    /// `a mod p` (n limbs) for `a` of any number of limbs, constant-time.
    pub fn reduce(&self, a: &[u64]) -> Zeroizing<Vec<u64>> {
        let n = self.n();
        let mut t = Zeroizing::new(vec![0u64; 2 * n + 2]);
        let mut am = Zeroizing::new(vec![0u64; n]);
        self.to_mont_wide(a, &mut am, &mut t);
        let mut out = Zeroizing::new(vec![0u64; n]);
        self.out_of_mont(&am, &mut out, &mut t);
        out
    }

    /// `base^e` in Montgomery form for `base` in Montgomery form (below p) and `e` of any
    /// number of limbs: fixed 5-bit windows over all of them, each table entry picked by a masked scan;
    /// `hook` is called after every [`HOOK_EVERY`] windows (see [`Montgomery::pow_preemptible`]).
    pub(crate) fn pow_mont(
        &self,
        base_mont: &[u64],
        e: &[u64],
        hook: &mut dyn FnMut(),
    ) -> Zeroizing<Vec<u64>> {
        let n = self.n();
        let bits = e.len() * 64;
        let mut t = Zeroizing::new(vec![0u64; 2 * n + 2]);

        // table[i] = base^i in Montgomery form; table[0] = R mod p.
        let mut table = Zeroizing::new(vec![0u64; TABLE_LEN * n]);
        let mut one = Zeroizing::new(vec![0u64; n]);
        one[0] = 1;
        {
            let (t0, rest) = table.split_at_mut(n);
            self.mul(&one, &self.r2, t0, &mut t);
            rest[..n].copy_from_slice(&base_mont[..n]);
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
            let index = window_at(e, w * WINDOW);
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
        acc
    }

    /// `out = a / R mod p`: out of Montgomery form (multiplication by 1).
    pub(crate) fn out_of_mont(&self, a: &[u64], out: &mut [u64], t: &mut [u64]) {
        let mut one = vec![0u64; self.n()];
        one[0] = 1;
        self.mul(a, &one, out, t);
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
    use num_bigint_dig::BigUint;
    use num_traits::One;

    fn limbs(v: &BigUint) -> Vec<u64> {
        let bytes = v.to_bytes_le();
        bytes
            .chunks(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .collect()
    }

    /// `v`'s limbs zero-extended to `n`.
    fn limbs_n(v: &BigUint, n: usize) -> Vec<u64> {
        let mut l = limbs(v);
        l.resize(n.max(l.len()), 0);
        l
    }

    fn big(l: &[u64]) -> BigUint {
        let bytes: Vec<u8> = l.iter().flat_map(|w| w.to_le_bytes()).collect();
        BigUint::from_bytes_le(&bytes)
    }

    fn mont(p: &BigUint) -> Option<Montgomery> {
        Montgomery::new(&limbs(p))
    }

    /// `base^exp mod p` with the exponent spread over p's limbs.
    fn pow(m: &Montgomery, base: &BigUint, exp: &BigUint) -> BigUint {
        big(&m.pow(&limbs(base), &limbs_n(exp, m.n())))
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
        fn big(&mut self, bits: usize) -> BigUint {
            let words: Vec<u64> = (0..bits.div_ceil(64)).map(|_| self.next()).collect();
            let v = big(&words);
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
                let m = mont(&p).unwrap();
                let base = g.big(bits) % &p;
                let exp = g.big(bits);
                assert_eq!(pow(&m, &base, &exp), base.modpow(&exp, &p), "{bits} bits");
                // A base wider than p is reduced first.
                let wide = g.big(3 * bits + 5);
                assert_eq!(pow(&m, &wide, &exp), wide.modpow(&exp, &p), "{bits} bits");
                // Short exponents (fewer limbs than p) and long ones.
                let short = g.big(bits.min(60));
                assert_eq!(
                    big(&m.pow(&limbs(&base), &limbs(&short))),
                    base.modpow(&short, &p)
                );
                let long = g.big(2 * bits + 64);
                assert_eq!(
                    big(&m.pow(&limbs(&base), &limbs(&long))),
                    base.modpow(&long, &p)
                );
                // Public-exponent square-and-multiply.
                let e = exp.to_bytes_be();
                assert_eq!(big(&m.pow_public(&limbs(&wide), &e)), wide.modpow(&exp, &p));
                let a = g.big(2 * bits + 3);
                let b = g.big(bits + 70);
                assert_eq!(big(&m.mul_mod(&limbs(&a), &limbs(&b))), (&a * &b) % &p);
                assert_eq!(big(&m.reduce(&limbs(&a))), &a % &p);
            }
        }
    }

    #[test]
    fn edge_values() {
        let mut g = Gen(99);
        let p = g.big(2048) | BigUint::one() | (BigUint::one() << 2047);
        let m = mont(&p).unwrap();
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
            assert_eq!(pow(&m, &base, &exp), base.modpow(&exp, &p));
        }
        // An empty exponent is 0, an empty base 0.
        assert_eq!(big(&m.pow(&[5], &[])), BigUint::one());
        assert_eq!(big(&m.pow(&[], &[3])), zero);
        assert_eq!(big(&m.reduce(&[])), zero);
        // All-ones modulus: every reduction ends next to p.
        let p = (BigUint::one() << 1024) - BigUint::one();
        let m = mont(&p).unwrap();
        let base = &p - BigUint::from(2u32);
        assert_eq!(pow(&m, &base, &p), base.modpow(&p, &p));
        // High zero limbs of the modulus are ignored.
        let m = Montgomery::new(&[13, 0, 0]).unwrap();
        assert_eq!(m.n(), 1);
        assert_eq!(big(&m.pow(&[2], &[12])), BigUint::one());
    }

    #[test]
    fn the_hook_runs_on_a_schedule_fixed_by_the_exponent_length() {
        let mut g = Gen(7);
        for bits in [64usize, 1024, 2048, 3072] {
            let p = g.big(bits) | BigUint::one() | (BigUint::one() << (bits - 1));
            let m = mont(&p).unwrap();
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
                let e = limbs_n(&exp, m.n());
                let z = m.pow_preemptible(&limbs(&base), &e, &mut || calls += 1);
                assert_eq!(calls, windows / HOOK_EVERY, "{bits} bits");
                assert_eq!(z, m.pow(&limbs(&base), &e));
                assert_eq!(big(&z), base.modpow(&exp, &p));
            }
        }
        // A 2048-bit exponentiation offers the point 25 times.
        assert_eq!(2048usize.div_ceil(WINDOW) / HOOK_EVERY, 25);
    }

    #[test]
    fn refuses_even_and_tiny_moduli() {
        assert!(Montgomery::new(&[10]).is_none());
        assert!(Montgomery::new(&[1]).is_none());
        assert!(Montgomery::new(&[]).is_none());
        assert!(Montgomery::new(&[0, 0]).is_none());
        assert!(Montgomery::new(&[3]).is_some());
        assert!(Montgomery::new(&[0, 1]).is_none());
    }

    #[test]
    fn r2_matches_a_division() {
        let mut g = Gen(3);
        for bits in [
            2usize, 3, 64, 65, 127, 128, 1000, 1023, 1024, 1536, 4032, 4096,
        ] {
            for p in [
                (BigUint::one() << (bits - 1)) | BigUint::one(),
                g.big(bits) | BigUint::one() | (BigUint::one() << (bits - 1)),
                (BigUint::one() << bits) - BigUint::one(),
            ] {
                let m = mont(&p).unwrap();
                let want = (BigUint::one() << (128 * m.n())) % &p;
                assert_eq!(big(m.r2_limbs()), want, "{bits}");
            }
        }
    }

    #[test]
    fn a_given_r2_is_checked_and_used() {
        let mut g = Gen(11);
        for bits in [64usize, 1000, 2048] {
            let p = g.big(bits) | BigUint::one() | (BigUint::one() << (bits - 1));
            let m = mont(&p).unwrap();
            let n = m.n();
            let r2 = (BigUint::one() << (128 * n)) % &p;
            let given = Montgomery::with_r2(&limbs(&p), &limbs(&r2)).unwrap();
            assert_eq!(given.r2_limbs(), m.r2_limbs());
            let (base, exp) = (g.big(bits), g.big(bits));
            assert_eq!(pow(&given, &base, &exp), base.modpow(&exp, &p));
            // r2 >= p, an even or tiny modulus: refused.
            assert!(Montgomery::with_r2(&limbs(&p), &limbs(&(&r2 + &p))).is_none());
            assert!(Montgomery::with_r2(&limbs(&p), &limbs(&p)).is_none());
        }
        assert!(Montgomery::with_r2(&[10], &[1]).is_none());
        assert!(Montgomery::with_r2(&[1], &[0]).is_none());
        assert!(Montgomery::with_r2(&[], &[]).is_none());
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
