//! Differential fuzzing of the big-integer arithmetic (asym/bigint.rs) against num-bigint-dig:
//! bytes in and out, comparison, add/sub/mul, division with remainder, gcd, the inverse mod an
//! odd number and the Montgomery product, for two arbitrary big-endian operands.
#![no_main]

use libfuzzer_sys::fuzz_target;
use num_bigint_dig::{BigUint, ModInverse};
use num_integer::Integer;
use num_traits::{One, Zero};
use oxtee_crypto::asym::bigint::{gcd, inv_mod_odd, mul_mod_odd, Uint};

fn big(u: &Uint) -> BigUint {
    BigUint::from_bytes_be(&u.to_be())
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let (a, b) = rest.split_at((split as usize).min(rest.len()));
    let (x, y) = (Uint::from_be(a), Uint::from_be(b));
    let (bx, by) = (BigUint::from_bytes_be(a), BigUint::from_bytes_be(b));

    // Bytes: minimal form, fixed-length form, round trip.
    assert_eq!(x.to_be(), bx.to_bytes_be());
    assert_eq!(x.bits(), bx.bits());
    let padded = x.to_be_padded(a.len()).expect("fits its own length");
    assert_eq!(Uint::from_be(&padded), x);
    assert_eq!(x.to_be_padded(bx.bits() / 8).is_some(), bx.bits() % 8 == 0);

    assert_eq!(x.cmp(&y), bx.cmp(&by));
    assert_eq!(big(&x.add(&y)), &bx + &by);
    assert_eq!(big(&x.mul(&y)), &bx * &by);
    match x.checked_sub(&y) {
        Some(d) => assert_eq!(big(&d), &bx - &by),
        None => assert!(bx < by),
    }
    assert_eq!(big(&gcd(&x, &y)), bx.gcd(&by));

    match x.div_rem(&y) {
        Some((q, r)) => assert_eq!((big(&q), big(&r)), bx.div_rem(&by)),
        None => assert!(by.is_zero()),
    }

    if by.is_odd() && !by.is_one() {
        let want = bx.clone().mod_inverse(&by).and_then(|v| v.to_biguint());
        assert_eq!(inv_mod_odd(&x, &y).map(|v| big(&v)), want);
        let prod = mul_mod_odd(&x, &x.add(&Uint::one()), &y).expect("odd modulus");
        assert_eq!(big(&prod), (&bx * (&bx + BigUint::one())) % &by);
    } else {
        assert!(inv_mod_odd(&x, &y).is_none());
    }
});
