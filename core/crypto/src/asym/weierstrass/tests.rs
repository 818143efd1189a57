use super::*;
use rand_core::{CryptoRng, RngCore};

/// A deterministic stand-in generator (tests only).
struct Counter(u64);

impl RngCore for Counter {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand_core::impls::fill_bytes_via_next(self, dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for Counter {}

const ALL: [CurveId; 5] = [
    CurveId::P192,
    CurveId::P224,
    CurveId::P384,
    CurveId::P521,
    CurveId::Sm2,
];

#[test]
fn generator_is_on_the_curve_and_has_order_n() {
    for id in ALL {
        let c = curve(id);
        let (gx, gy) = c.point_bytes(&c.g).unwrap();
        c.check_public(&gx, &gy).unwrap();
        // n·G is the identity, (n−1)·G is −G.
        assert!(c.to_affine(&c.mul_uint(&c.g, &c.n.m)).is_none(), "{id:?}");
        let minus_one = c.n.m.wrapping_sub(&U::ONE);
        let (x, y) = c.to_affine(&c.mul_uint(&c.g, &minus_one)).unwrap();
        let (gx, gy) = c.to_affine(&c.g).unwrap();
        assert_eq!(x, gx, "{id:?}");
        assert_eq!(y, c.p.m.wrapping_sub(&gy), "{id:?}");
    }
}

#[test]
fn addition_is_complete() {
    let c = curve(CurveId::P384);
    let o = c.identity();
    let g2 = c.add(&c.g, &c.g);
    let g3 = c.add(&g2, &c.g);
    // P + O = P, O + O = O, doubling through the same formula, associativity.
    assert_eq!(c.to_affine(&c.add(&c.g, &o)), c.to_affine(&c.g));
    assert!(c.to_affine(&c.add(&o, &o)).is_none());
    assert_eq!(
        c.to_affine(&c.mul_uint(&c.g, &U::from_u8(3))),
        c.to_affine(&g3)
    );
    assert_eq!(
        c.to_affine(&c.add(&g2, &g2)),
        c.to_affine(&c.add(&g3, &c.g))
    );
}

#[test]
fn ecdsa_round_trip_and_rejections() {
    let mut rng = Counter(1);
    for id in ALL {
        let c = curve(id);
        let (d, x, y) = c.generate(&mut rng).unwrap();
        assert_eq!(c.public_of(&d).unwrap(), (x.clone(), y.clone()));
        for digest in [&[0x11u8; 20][..], &[0x22; 32], &[0x33; 64]] {
            let mut sig = c.ecdsa_sign(&d, digest, &mut rng).unwrap();
            assert_eq!(sig.len(), 2 * c.len);
            c.ecdsa_verify(&x, &y, digest, &sig).unwrap();
            let mut other = digest.to_vec();
            other[0] ^= 1;
            assert_eq!(c.ecdsa_verify(&x, &y, &other, &sig), Err(SIG_INVALID));
            sig[1] ^= 0x80;
            assert_eq!(c.ecdsa_verify(&x, &y, digest, &sig), Err(SIG_INVALID));
        }
        // r = 0, s = n, a short signature.
        let len = c.len;
        let zero_r = [alloc::vec![0u8; len], bytes(&U::ONE, len)].concat();
        assert_eq!(c.ecdsa_verify(&x, &y, b"m", &zero_r), Err(SIG_INVALID));
        let s_n = [bytes(&U::ONE, len), bytes(&c.n.m, len)].concat();
        assert_eq!(c.ecdsa_verify(&x, &y, b"m", &s_n), Err(SIG_INVALID));
        assert_eq!(c.ecdsa_verify(&x, &y, b"m", &s_n[1..]), Err(SIG_INVALID));
    }
}

#[test]
fn ecdh_agrees_and_bad_keys_are_refused() {
    let mut rng = Counter(2);
    for id in ALL {
        let c = curve(id);
        let (da, xa, ya) = c.generate(&mut rng).unwrap();
        let (db, xb, yb) = c.generate(&mut rng).unwrap();
        assert_eq!(
            c.ecdh(&da, &xb, &yb).unwrap(),
            c.ecdh(&db, &xa, &ya).unwrap()
        );
        let len = c.len;
        // Off the curve, coordinates ≥ p, private values 0 and n, oversized input.
        let mut y_bad = ya.clone();
        y_bad[len - 1] ^= 1;
        assert_eq!(c.check_public(&xa, &y_bad), Err(BAD_PARAMS));
        assert_eq!(c.check_public(&bytes(&c.p.m, len), &ya), Err(BAD_PARAMS));
        assert_eq!(
            c.public_of(&alloc::vec![0u8; len]).map(|_| ()),
            Err(BAD_PARAMS)
        );
        assert_eq!(
            c.public_of(&bytes(&c.n.m, len)).map(|_| ()),
            Err(BAD_PARAMS)
        );
        assert_eq!(
            c.public_of(&alloc::vec![1u8; len + 1]).map(|_| ()),
            Err(BAD_PARAMS)
        );
    }
}
