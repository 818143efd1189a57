//! Prime-order short Weierstrass curves y² = x³ − 3x + b on parameters chosen at run time: one
//! implementation, compiled once, for NIST P-192, P-224, P-384, P-521 (FIPS 186-4 D.1.2,
//! SP 800-186 G.1) and SM2 (GM/T 0003.5), with ECDSA (FIPS 186-4 §6.4) and ECDH on top. P-256,
//! whose speed is measured, keeps its dedicated arithmetic (`oxtee-crypto-fast`).
//!
//! Field and scalar arithmetic is Montgomery multiplication on `crypto-bigint`'s
//! fixed-size integers of 576 bits (enough for P-521), constant-time. Points are projective
//! (X:Y:Z) with the identity (0:1:0); addition uses the complete formula for a = −3 of Renes,
//! Costello and Batina ("Complete addition formulas for prime order elliptic curves", 2016,
//! Algorithm 4), which also doubles, so no input takes a different path. Scalar multiplication
//! walks a fixed number of 4-bit windows and selects each table entry with a constant-time
//! scan. Only public values (exponents p − 2 and n − 2, the retry counters of rejection
//! sampling) decide branches.

use alloc::vec::Vec;
use crypto_bigint::modular::montgomery_reduction;
use crypto_bigint::subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeLess};
use crypto_bigint::{Limb, Uint, Zero};
use hex_literal::hex;
use spin::Once;
use zeroize::{Zeroize, Zeroizing};

use super::{AsymResult, CryptoRngCore, BAD_PARAMS, SIG_INVALID};

const LIMBS: usize = 9;
/// Bytes of the integer container (and the most a coordinate may have).
const BYTES: usize = LIMBS * 8;
type U = Uint<LIMBS>;

/// Big-endian bytes (at most [`BYTES`] of them) as an integer.
fn uint(bytes: &[u8]) -> Option<U> {
    let mut buf = [0u8; BYTES];
    buf.get_mut(BYTES.checked_sub(bytes.len())?..)?
        .copy_from_slice(bytes);
    let v = U::from_be_slice(&buf);
    buf.zeroize();
    Some(v)
}

/// The low `len` bytes of `v`, big-endian.
fn bytes(v: &U, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(BYTES);
    for w in v.as_words().iter().rev() {
        out.extend_from_slice(&w.to_be_bytes());
    }
    out.drain(..BYTES - len);
    out
}

/// Arithmetic modulo an odd prime m on Montgomery representatives a·R mod m (R = 2^576).
struct Modulus {
    m: U,
    /// R mod m: 1 in Montgomery form.
    one: U,
    /// R² mod m: converts into Montgomery form.
    r2: U,
    /// −m⁻¹ mod 2^64.
    neg_inv: Limb,
    /// m − 2, the Fermat exponent of the inverse.
    m_minus_2: U,
}

impl Modulus {
    fn new(m: U) -> Self {
        let params = crypto_bigint::modular::runtime_mod::DynResidueParams::new(&m);
        let one = crypto_bigint::modular::runtime_mod::DynResidue::one(params).to_montgomery();
        let r2 = crypto_bigint::modular::runtime_mod::DynResidue::new(&one, params).to_montgomery();
        // Newton's iteration doubles the correct low bits of m⁻¹ mod 2^64 each step.
        let m0 = m.as_words()[0];
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m0.wrapping_mul(inv)));
        }
        Self {
            m,
            one,
            r2,
            neg_inv: Limb(inv.wrapping_neg()),
            m_minus_2: m.wrapping_sub(&U::from_u8(2)),
        }
    }

    fn mul(&self, a: &U, b: &U) -> U {
        montgomery_reduction(&a.mul_wide(b), &self.m, self.neg_inv)
    }

    fn square(&self, a: &U) -> U {
        montgomery_reduction(&a.square_wide(), &self.m, self.neg_inv)
    }

    fn add(&self, a: &U, b: &U) -> U {
        a.add_mod(b, &self.m)
    }

    fn sub(&self, a: &U, b: &U) -> U {
        a.sub_mod(b, &self.m)
    }

    /// Montgomery form of any a < 2^576 (reduced modulo m on the way).
    fn mont(&self, a: &U) -> U {
        self.mul(a, &self.r2)
    }

    /// The integer in [0, m) a Montgomery form stands for.
    fn unmont(&self, a: &U) -> U {
        montgomery_reduction(&(*a, U::ZERO), &self.m, self.neg_inv)
    }

    /// a mod m for any a < 2^576.
    fn reduce(&self, a: &U) -> U {
        self.unmont(&self.mont(a))
    }

    /// a^e (Montgomery in, Montgomery out) for a public exponent e.
    fn pow(&self, a: &U, e: &U) -> U {
        let mut acc = self.one;
        for i in (0..e.bits_vartime()).rev() {
            acc = self.square(&acc);
            if e.bit_vartime(i) {
                acc = self.mul(&acc, a);
            }
        }
        acc
    }

    /// a⁻¹ (Montgomery forms; 0 gives 0), by Fermat's little theorem.
    fn inv(&self, a: &U) -> U {
        self.pow(a, &self.m_minus_2)
    }

    /// a·b mod m of plain integers a, b < m.
    fn mul_plain(&self, a: &U, b: &U) -> U {
        // (a·R)·b·R⁻¹ = a·b.
        self.mul(&self.mont(a), b)
    }

    /// a⁻¹ mod m of a plain integer (0 gives 0).
    fn inv_plain(&self, a: &U) -> U {
        self.unmont(&self.inv(&self.mont(a)))
    }
}

/// A point in projective coordinates, each in Montgomery form.
#[derive(Clone, Copy)]
pub(crate) struct Point {
    x: U,
    y: U,
    z: U,
}

impl ConditionallySelectable for Point {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            x: U::conditional_select(&a.x, &b.x, choice),
            y: U::conditional_select(&a.y, &b.y, choice),
            z: U::conditional_select(&a.z, &b.z, choice),
        }
    }
}

/// An integer modulo the group order n (in [0, n)), wiped when dropped.
pub(crate) struct Scalar(U);

impl Drop for Scalar {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// A private value and the public coordinates, big-endian.
pub(crate) type KeyPairBytes = (Zeroizing<Vec<u8>>, Vec<u8>, Vec<u8>);

/// The curves this module serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CurveId {
    P192,
    P224,
    P384,
    P521,
    Sm2,
}

/// One curve's parameters, in the form the arithmetic uses.
pub(crate) struct Curve {
    p: Modulus,
    n: Modulus,
    /// b in Montgomery form.
    b: U,
    g: Point,
    /// Bytes of a coordinate, of the private value and of r and s.
    len: usize,
    /// Bits of the order n (how many a random scalar draws).
    n_bits: usize,
}

struct Params {
    p: &'static [u8],
    n: &'static [u8],
    b: &'static [u8],
    gx: &'static [u8],
    gy: &'static [u8],
}

const P192: Params = Params {
    p: &hex!("fffffffffffffffffffffffffffffffeffffffffffffffff"),
    n: &hex!("ffffffffffffffffffffffff99def836146bc9b1b4d22831"),
    b: &hex!("64210519e59c80e70fa7e9ab72243049feb8deecc146b9b1"),
    gx: &hex!("188da80eb03090f67cbf20eb43a18800f4ff0afd82ff1012"),
    gy: &hex!("07192b95ffc8da78631011ed6b24cdd573f977a11e794811"),
};

const P224: Params = Params {
    p: &hex!("ffffffffffffffffffffffffffffffff000000000000000000000001"),
    n: &hex!("ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d"),
    b: &hex!("b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4"),
    gx: &hex!("b70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21"),
    gy: &hex!("bd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34"),
};

const P384: Params = Params {
    p: &hex!(
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
        "ffffffff0000000000000000ffffffff"
    ),
    n: &hex!(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
        "581a0db248b0a77aecec196accc52973"
    ),
    b: &hex!(
        "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a"
        "c656398d8a2ed19d2a85c8edd3ec2aef"
    ),
    gx: &hex!(
        "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38"
        "5502f25dbf55296c3a545e3872760ab7"
    ),
    gy: &hex!(
        "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c0"
        "0a60b1ce1d7e819d7a431d7c90ea0e5f"
    ),
};

const P521: Params = Params {
    p: &hex!(
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        "ffff"
    ),
    n: &hex!(
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        "fffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e9138"
        "6409"
    ),
    b: &hex!(
        "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef1"
        "09e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b50"
        "3f00"
    ),
    gx: &hex!(
        "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d"
        "3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5"
        "bd66"
    ),
    gy: &hex!(
        "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e"
        "662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd1"
        "6650"
    ),
};

const SM2: Params = Params {
    p: &hex!("fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff"),
    n: &hex!("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123"),
    b: &hex!("28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93"),
    gx: &hex!("32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"),
    gy: &hex!("bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0"),
};

/// The curve's parameters, set up on first use.
pub(crate) fn curve(id: CurveId) -> &'static Curve {
    static CURVES: [Once<Curve>; 5] = [
        Once::new(),
        Once::new(),
        Once::new(),
        Once::new(),
        Once::new(),
    ];
    let (slot, params) = match id {
        CurveId::P192 => (0, &P192),
        CurveId::P224 => (1, &P224),
        CurveId::P384 => (2, &P384),
        CurveId::P521 => (3, &P521),
        CurveId::Sm2 => (4, &SM2),
    };
    CURVES[slot].call_once(|| Curve::new(params))
}

/// The parameters above are at most [`BYTES`] long, so they convert.
fn param(v: &[u8]) -> U {
    uint(v).unwrap_or(U::ZERO)
}

impl Curve {
    fn new(c: &Params) -> Self {
        let p = Modulus::new(param(c.p));
        let n = Modulus::new(param(c.n));
        let b = p.mont(&param(c.b));
        let g = Point {
            x: p.mont(&param(c.gx)),
            y: p.mont(&param(c.gy)),
            z: p.one,
        };
        let n_bits = n.m.bits_vartime();
        Self {
            p,
            n,
            b,
            g,
            len: c.p.len(),
            n_bits,
        }
    }

    fn identity(&self) -> Point {
        Point {
            x: U::ZERO,
            y: self.p.one,
            z: U::ZERO,
        }
    }

    /// a + b, for any two points (equal ones and the identity included).
    pub(crate) fn add(&self, a: &Point, b: &Point) -> Point {
        let f = &self.p;
        let (mul, add, sub) = (
            |x: &U, y: &U| f.mul(x, y),
            |x: &U, y: &U| f.add(x, y),
            |x: &U, y: &U| f.sub(x, y),
        );
        let mut t0 = mul(&a.x, &b.x);
        let mut t1 = mul(&a.y, &b.y);
        let mut t2 = mul(&a.z, &b.z);
        let mut t3 = add(&a.x, &a.y);
        let mut t4 = add(&b.x, &b.y);
        t3 = mul(&t3, &t4);
        t4 = add(&t0, &t1);
        t3 = sub(&t3, &t4);
        t4 = add(&a.y, &a.z);
        let mut x3 = add(&b.y, &b.z);
        t4 = mul(&t4, &x3);
        x3 = add(&t1, &t2);
        t4 = sub(&t4, &x3);
        x3 = add(&a.x, &a.z);
        let mut y3 = add(&b.x, &b.z);
        x3 = mul(&x3, &y3);
        y3 = add(&t0, &t2);
        y3 = sub(&x3, &y3);
        let mut z3 = mul(&self.b, &t2);
        x3 = sub(&y3, &z3);
        z3 = add(&x3, &x3);
        x3 = add(&x3, &z3);
        z3 = sub(&t1, &x3);
        x3 = add(&t1, &x3);
        y3 = mul(&self.b, &y3);
        t1 = add(&t2, &t2);
        t2 = add(&t1, &t2);
        y3 = sub(&y3, &t2);
        y3 = sub(&y3, &t0);
        t1 = add(&y3, &y3);
        y3 = add(&t1, &y3);
        t1 = add(&t0, &t0);
        t0 = add(&t1, &t0);
        t0 = sub(&t0, &t2);
        t1 = mul(&t4, &y3);
        t2 = mul(&t0, &y3);
        y3 = mul(&x3, &z3);
        y3 = add(&y3, &t2);
        x3 = mul(&t3, &x3);
        x3 = sub(&x3, &t1);
        z3 = mul(&t4, &z3);
        t1 = mul(&t3, &t0);
        z3 = add(&z3, &t1);
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// k·P, in time independent of k and P.
    pub(crate) fn mul(&self, point: &Point, k: &Scalar) -> Point {
        self.mul_uint(point, &k.0)
    }

    /// k·P for a plain integer k < 2^(4·⌈bits(n)/4⌉), in time independent of k and P.
    fn mul_uint(&self, point: &Point, k: &U) -> Point {
        let mut table = [self.identity(); 16];
        for i in 1..16 {
            table[i] = self.add(&table[i - 1], point);
        }
        let words = k.as_words();
        let mut acc = self.identity();
        for w in (0..self.n_bits.div_ceil(4)).rev() {
            for _ in 0..4 {
                acc = self.add(&acc, &acc);
            }
            // Windows start at multiples of 4 bits, so none straddles two words.
            let digit = ((words[w / 16] >> ((w % 16) * 4)) & 0xF) as u8;
            let mut entry = self.identity();
            for (i, t) in table.iter().enumerate() {
                entry.conditional_assign(t, (i as u8).ct_eq(&digit));
            }
            acc = self.add(&acc, &entry);
        }
        acc
    }

    /// Affine (x, y) as plain integers, `None` for the identity.
    fn to_affine(&self, pt: &Point) -> Option<(U, U)> {
        if bool::from(pt.z.is_zero()) {
            return None;
        }
        let zi = self.p.inv(&pt.z);
        Some((
            self.p.unmont(&self.p.mul(&pt.x, &zi)),
            self.p.unmont(&self.p.mul(&pt.y, &zi)),
        ))
    }

    /// The point (x, y) (big-endian, at most a coordinate long each) if it is on the curve.
    pub(crate) fn point(&self, x: &[u8], y: &[u8]) -> AsymResult<Point> {
        if x.len() > self.len || y.len() > self.len {
            return Err(BAD_PARAMS);
        }
        let (x, y) = (uint(x).ok_or(BAD_PARAMS)?, uint(y).ok_or(BAD_PARAMS)?);
        if !bool::from(x.ct_lt(&self.p.m) & y.ct_lt(&self.p.m)) {
            return Err(BAD_PARAMS);
        }
        let f = &self.p;
        let (x, y) = (f.mont(&x), f.mont(&y));
        // y² = x³ − 3x + b
        let x3 = f.mul(&f.square(&x), &x);
        let three_x = f.add(&f.add(&x, &x), &x);
        let rhs = f.add(&f.sub(&x3, &three_x), &self.b);
        if !bool::from(f.square(&y).ct_eq(&rhs)) {
            return Err(BAD_PARAMS);
        }
        Ok(Point { x, y, z: f.one })
    }

    /// (x, y) of a point as coordinate-long byte strings; `BAD_PARAMETERS` for the identity.
    pub(crate) fn point_bytes(&self, pt: &Point) -> AsymResult<(Vec<u8>, Vec<u8>)> {
        let (x, y) = self.to_affine(pt).ok_or(BAD_PARAMS)?;
        Ok((bytes(&x, self.len), bytes(&y, self.len)))
    }

    /// A private value: a coordinate-long (or shorter) integer in [1, n−1].
    pub(crate) fn private(&self, d: &[u8]) -> AsymResult<Scalar> {
        if d.len() > self.len {
            return Err(BAD_PARAMS);
        }
        let d = Scalar(uint(d).ok_or(BAD_PARAMS)?);
        if bool::from(d.0.is_zero() | !d.0.ct_lt(&self.n.m)) {
            return Err(BAD_PARAMS);
        }
        Ok(d)
    }

    /// A uniform scalar in [1, n−1] by rejection sampling (each draw succeeds with probability
    /// above 1/2; 64 failures in a row mean a broken generator).
    pub(crate) fn random_scalar(&self, rng: &mut dyn CryptoRngCore) -> AsymResult<Scalar> {
        let len = self.n_bits.div_ceil(8);
        let mut buf = Zeroizing::new([0u8; BYTES]);
        for _ in 0..64 {
            rng.fill_bytes(&mut buf[..len]);
            buf[0] &= 0xFF >> (len * 8 - self.n_bits);
            let k = Scalar(uint(&buf[..len]).ok_or(BAD_PARAMS)?);
            if !bool::from(k.0.is_zero()) && bool::from(k.0.ct_lt(&self.n.m)) {
                return Ok(k);
            }
        }
        Err(BAD_PARAMS)
    }

    /// A message representative as a scalar: its first coordinate-length bytes (all of them
    /// when shorter) as an integer, reduced modulo n.
    fn digest_scalar(&self, digest: &[u8]) -> U {
        let z = &digest[..digest.len().min(self.len)];
        // z has at most `len` ≤ BYTES bytes.
        self.n.reduce(&uint(z).unwrap_or(U::ZERO))
    }

    /// The base point G.
    pub(crate) fn generator(&self) -> Point {
        self.g
    }

    /// Whether `pt` is the identity.
    pub(crate) fn is_identity(&self, pt: &Point) -> bool {
        bool::from(pt.z.is_zero())
    }

    /// The group order n, big-endian, coordinate-long.
    pub(crate) fn order_bytes(&self) -> Vec<u8> {
        bytes(&self.n.m, self.len)
    }

    /// An integer of at most [`BYTES`] big-endian bytes, reduced modulo n.
    pub(crate) fn scalar_reduce(&self, v: &[u8]) -> AsymResult<Scalar> {
        Ok(Scalar(self.n.reduce(&uint(v).ok_or(BAD_PARAMS)?)))
    }

    /// A scalar as a coordinate-long big-endian byte string.
    pub(crate) fn scalar_bytes(&self, a: &Scalar) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(bytes(&a.0, self.len))
    }

    /// a + b mod n.
    pub(crate) fn scalar_add(&self, a: &Scalar, b: &Scalar) -> Scalar {
        Scalar(self.n.add(&a.0, &b.0))
    }

    /// a − b mod n.
    pub(crate) fn scalar_sub(&self, a: &Scalar, b: &Scalar) -> Scalar {
        Scalar(self.n.sub(&a.0, &b.0))
    }

    /// a·b mod n.
    pub(crate) fn scalar_mul(&self, a: &Scalar, b: &Scalar) -> Scalar {
        Scalar(self.n.mul_plain(&a.0, &b.0))
    }

    /// a⁻¹ mod n (0 for 0).
    pub(crate) fn scalar_inv(&self, a: &Scalar) -> Scalar {
        Scalar(self.n.inv_plain(&a.0))
    }

    /// Whether a = 0.
    pub(crate) fn scalar_is_zero(&self, a: &Scalar) -> bool {
        bool::from(a.0.is_zero())
    }

    /// Whether a = b (in constant time).
    pub(crate) fn scalar_eq(&self, a: &Scalar, b: &Scalar) -> bool {
        bool::from(a.0.ct_eq(&b.0))
    }

    /// Whether (x, y) is a point on the curve.
    pub(crate) fn check_public(&self, x: &[u8], y: &[u8]) -> AsymResult<()> {
        self.point(x, y).map(|_| ())
    }

    /// The public point of the private value `d`.
    pub(crate) fn public_of(&self, d: &[u8]) -> AsymResult<(Vec<u8>, Vec<u8>)> {
        let d = self.private(d)?;
        self.point_bytes(&self.mul(&self.g, &d))
    }

    /// A fresh key pair (d, x, y).
    pub(crate) fn generate(&self, rng: &mut dyn CryptoRngCore) -> AsymResult<KeyPairBytes> {
        let d = self.random_scalar(rng)?;
        let (x, y) = self.point_bytes(&self.mul(&self.g, &d))?;
        Ok((Zeroizing::new(bytes(&d.0, self.len)), x, y))
    }

    /// ECDSA signature `r || s` over `digest` with a random per-message secret.
    pub(crate) fn ecdsa_sign(
        &self,
        d: &[u8],
        digest: &[u8],
        rng: &mut dyn CryptoRngCore,
    ) -> AsymResult<Vec<u8>> {
        let d = self.private(d)?;
        let z = self.digest_scalar(digest);
        let n = &self.n;
        // r or s is zero with negligible probability; draw again a few times.
        for _ in 0..8 {
            let k = self.random_scalar(rng)?;
            let (x, _) = self.to_affine(&self.mul(&self.g, &k)).ok_or(BAD_PARAMS)?;
            let r = n.reduce(&x);
            let k_inv = Scalar(n.inv_plain(&k.0));
            // s = k⁻¹ (z + r·d)
            let rd = Scalar(n.mul_plain(&r, &d.0));
            let s = n.mul_plain(&k_inv.0, &n.add(&z, &rd.0));
            if bool::from(r.is_zero() | s.is_zero()) {
                continue;
            }
            let mut sig = bytes(&r, self.len);
            sig.extend_from_slice(&bytes(&s, self.len));
            return Ok(sig);
        }
        Err(BAD_PARAMS)
    }

    /// r and s of a signature, each in [1, n−1].
    fn signature(&self, sig: &[u8]) -> AsymResult<(U, U)> {
        if sig.len() != 2 * self.len {
            return Err(SIG_INVALID);
        }
        let (r, s) = sig.split_at(self.len);
        let (r, s) = (uint(r).ok_or(SIG_INVALID)?, uint(s).ok_or(SIG_INVALID)?);
        let n = &self.n.m;
        if bool::from(r.is_zero() | s.is_zero() | !r.ct_lt(n) | !s.ct_lt(n)) {
            return Err(SIG_INVALID);
        }
        Ok((r, s))
    }

    /// ECDSA verification of `sig` (`r || s`) over `digest` by the key (x, y).
    pub(crate) fn ecdsa_verify(
        &self,
        x: &[u8],
        y: &[u8],
        digest: &[u8],
        sig: &[u8],
    ) -> AsymResult<()> {
        let q = self.point(x, y)?;
        let (r, s) = self.signature(sig)?;
        let n = &self.n;
        let w = n.inv_plain(&s);
        let u1 = n.mul_plain(&self.digest_scalar(digest), &w);
        let u2 = n.mul_plain(&r, &w);
        let sum = self.add(&self.mul_uint(&self.g, &u1), &self.mul_uint(&q, &u2));
        let (vx, _) = self.to_affine(&sum).ok_or(SIG_INVALID)?;
        if bool::from(n.reduce(&vx).ct_eq(&r)) {
            Ok(())
        } else {
            Err(SIG_INVALID)
        }
    }

    /// ECDH: the x coordinate of d·(x, y).
    pub(crate) fn ecdh(&self, d: &[u8], x: &[u8], y: &[u8]) -> AsymResult<Vec<u8>> {
        let d = self.private(d)?;
        let q = self.point(x, y)?;
        let (sx, _) = self.point_bytes(&self.mul(&q, &d))?;
        Ok(sx)
    }
}

#[cfg(test)]
mod tests;
