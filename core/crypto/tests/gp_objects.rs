//! The GP object model (populate, generate, attributes, copy) and the asymmetric operations on
//! it, including hostile key material: every call must return an error, never panic.

use oxtee_crypto::asym_op::{asymmetric_operate, asymmetric_verify, derive_key};
use oxtee_crypto::object::AttrValue;
use oxtee_crypto::{Attribute, CryptoError, CryptoResult, KeyObject, Rng};
use supplicant_proto::tee_crypto::*;

struct CounterRng(u8);

impl Rng for CounterRng {
    fn fill(&mut self, dest: &mut [u8]) -> CryptoResult<()> {
        for b in dest {
            self.0 = self.0.wrapping_mul(75).wrapping_add(74);
            *b = self.0;
        }
        Ok(())
    }
}

fn r(id: u32, data: &[u8]) -> Attribute<'_> {
    Attribute::Ref { id, data }
}

fn v(id: u32, a: u32) -> Attribute<'static> {
    Attribute::Value { id, a, b: 0 }
}

#[test]
fn populate_rules_follow_optee() {
    let mut o = KeyObject::new(TEE_TYPE_RSA_PUBLIC_KEY, 2048).unwrap();
    let n = [0xC5u8; 256];
    let e = [1u8, 0, 1];
    // Missing exponent, foreign attribute, repeated modulus.
    assert_eq!(
        o.populate(&[r(TEE_ATTR_RSA_MODULUS, &n)]),
        Err(CryptoError::ItemNotFound)
    );
    assert_eq!(
        o.populate(&[
            r(TEE_ATTR_RSA_MODULUS, &n),
            r(TEE_ATTR_RSA_PUBLIC_EXPONENT, &e),
            r(TEE_ATTR_SECRET_VALUE, &e)
        ]),
        Err(CryptoError::ItemNotFound)
    );
    // Larger than the object maximum.
    assert_eq!(
        o.populate(&[
            r(TEE_ATTR_RSA_MODULUS, &[1; 257]),
            r(TEE_ATTR_RSA_PUBLIC_EXPONENT, &e)
        ]),
        Err(CryptoError::BadState)
    );
    o.populate(&[
        r(TEE_ATTR_RSA_MODULUS, &n),
        r(TEE_ATTR_RSA_PUBLIC_EXPONENT, &[0, 0, 1, 0, 1]),
    ])
    .unwrap();
    assert_eq!(o.key_size(), 2048);
    // Big integers come back without leading zeros; public attributes are always readable.
    o.restrict_usage(0);
    assert_eq!(
        o.attribute(TEE_ATTR_RSA_PUBLIC_EXPONENT),
        Ok(AttrValue::Bignum(&e[..]))
    );
    // RSA key pair: the CRT group is all or nothing.
    let mut kp = KeyObject::new(TEE_TYPE_RSA_KEYPAIR, 2048).unwrap();
    assert_eq!(
        kp.populate(&[
            r(TEE_ATTR_RSA_MODULUS, &n),
            r(TEE_ATTR_RSA_PUBLIC_EXPONENT, &e),
            r(TEE_ATTR_RSA_PRIVATE_EXPONENT, &n),
            r(TEE_ATTR_RSA_PRIME1, &e),
        ]),
        Err(CryptoError::ItemNotFound)
    );
    // ECC: the curve gives the size; value attributes read back with b = 0.
    let mut ec = KeyObject::new(TEE_TYPE_ECDSA_PUBLIC_KEY, 256).unwrap();
    assert_eq!(
        ec.populate(&[
            r(TEE_ATTR_ECC_PUBLIC_VALUE_X, &[1; 32]),
            r(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &[1; 32]),
            v(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P384),
        ]),
        Err(CryptoError::BadState)
    );
    ec.populate(&[
        r(TEE_ATTR_ECC_PUBLIC_VALUE_X, &[1; 32]),
        r(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &[1; 32]),
        v(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256),
    ])
    .unwrap();
    assert_eq!(ec.key_size(), 256);
    assert_eq!(
        ec.get_value_attribute(TEE_ATTR_ECC_CURVE),
        Ok((TEE_ECC_CURVE_NIST_P256, 0))
    );
    // X25519 keys are exactly 32 bytes.
    let mut x = KeyObject::new(TEE_TYPE_X25519_KEYPAIR, 256).unwrap();
    assert_eq!(
        x.populate(&[
            r(TEE_ATTR_X25519_PRIVATE_VALUE, &[1; 31]),
            r(TEE_ATTR_X25519_PUBLIC_VALUE, &[1; 32]),
        ]),
        Err(CryptoError::Security)
    );
}

#[test]
fn generated_keys_work_and_copy_to_public() {
    let mut rng = CounterRng(3);
    let mut kp = KeyObject::new(TEE_TYPE_ECDSA_KEYPAIR, 256).unwrap();
    assert_eq!(
        kp.generate(256, &[], &mut rng),
        Err(CryptoError::ItemNotFound)
    );
    kp.generate(
        256,
        &[v(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256)],
        &mut rng,
    )
    .unwrap();
    let digest = [7u8; 32];
    let sig = asymmetric_operate(
        TEE_ALG_ECDSA_SHA256,
        TEE_MODE_SIGN,
        &kp,
        &[],
        &digest,
        &mut rng,
    )
    .unwrap();
    assert_eq!(sig.len(), 64);
    let mut public = KeyObject::new(TEE_TYPE_ECDSA_PUBLIC_KEY, 256).unwrap();
    public.copy_attributes_from(&kp).unwrap();
    assert_eq!(public.key_size(), 256);
    asymmetric_verify(TEE_ALG_ECDSA_SHA256, &public, &[], &digest, &sig).unwrap();
    let mut bad = sig.to_vec();
    bad[3] ^= 1;
    assert_eq!(
        asymmetric_verify(TEE_ALG_ECDSA_SHA256, &public, &[], &digest, &bad),
        Err(CryptoError::SignatureInvalid)
    );
    // A key pair cannot be copied from its public half, nor across families.
    let mut kp2 = KeyObject::new(TEE_TYPE_ECDSA_KEYPAIR, 256).unwrap();
    assert_eq!(
        kp2.copy_attributes_from(&public),
        Err(CryptoError::BadParameters)
    );

    // X25519 both ways gives the same secret.
    let mut a = KeyObject::new(TEE_TYPE_X25519_KEYPAIR, 256).unwrap();
    let mut b = KeyObject::new(TEE_TYPE_X25519_KEYPAIR, 256).unwrap();
    a.generate(256, &[], &mut rng).unwrap();
    b.generate(256, &[], &mut rng).unwrap();
    let pa = a.bytes(TEE_ATTR_X25519_PUBLIC_VALUE).unwrap().to_vec();
    let pb = b.bytes(TEE_ATTR_X25519_PUBLIC_VALUE).unwrap().to_vec();
    let s1 = derive_key(
        TEE_ALG_X25519,
        &a,
        None,
        &[r(TEE_ATTR_X25519_PUBLIC_VALUE, &pb)],
        256,
    )
    .unwrap();
    let s2 = derive_key(
        TEE_ALG_X25519,
        &b,
        None,
        &[r(TEE_ATTR_X25519_PUBLIC_VALUE, &pa)],
        256,
    )
    .unwrap();
    assert_eq!(*s1.secret, *s2.secret);
    assert_eq!(
        derive_key(TEE_ALG_X25519, &a, None, &[], 256).err(),
        Some(CryptoError::BadParameters)
    );
}

/// Populated objects whose values are garbage (zero modulus, even moduli, points off the
/// curve, tiny groups): operations fail cleanly.
#[test]
fn hostile_key_material_is_refused_without_panics() {
    let mut rng = CounterRng(9);
    let zero = [0u8; 64];
    let ones = [0xFFu8; 64];
    let one = [1u8];
    let two = [2u8];
    let cases: &[(u32, u32, &[Attribute<'_>])] = &[
        (
            TEE_TYPE_RSA_KEYPAIR,
            512,
            &[
                r(TEE_ATTR_RSA_MODULUS, &zero),
                r(TEE_ATTR_RSA_PUBLIC_EXPONENT, &one),
                r(TEE_ATTR_RSA_PRIVATE_EXPONENT, &zero),
            ],
        ),
        (
            TEE_TYPE_RSA_KEYPAIR,
            512,
            &[
                r(TEE_ATTR_RSA_MODULUS, &ones),
                r(TEE_ATTR_RSA_PUBLIC_EXPONENT, &two),
                r(TEE_ATTR_RSA_PRIVATE_EXPONENT, &ones),
                r(TEE_ATTR_RSA_PRIME1, &zero),
                r(TEE_ATTR_RSA_PRIME2, &one),
                r(TEE_ATTR_RSA_EXPONENT1, &zero),
                r(TEE_ATTR_RSA_EXPONENT2, &zero),
                r(TEE_ATTR_RSA_COEFFICIENT, &zero),
            ],
        ),
        (
            TEE_TYPE_RSA_PUBLIC_KEY,
            512,
            &[
                r(TEE_ATTR_RSA_MODULUS, &zero),
                r(TEE_ATTR_RSA_PUBLIC_EXPONENT, &zero),
            ],
        ),
        (
            TEE_TYPE_DSA_KEYPAIR,
            512,
            &[
                r(TEE_ATTR_DSA_PRIME, &zero),
                r(TEE_ATTR_DSA_SUBPRIME, &zero),
                r(TEE_ATTR_DSA_BASE, &zero),
                r(TEE_ATTR_DSA_PRIVATE_VALUE, &zero),
                r(TEE_ATTR_DSA_PUBLIC_VALUE, &zero),
            ],
        ),
        (
            TEE_TYPE_DH_KEYPAIR,
            512,
            &[
                r(TEE_ATTR_DH_PRIME, &zero),
                r(TEE_ATTR_DH_BASE, &zero),
                r(TEE_ATTR_DH_PUBLIC_VALUE, &zero),
                r(TEE_ATTR_DH_PRIVATE_VALUE, &zero),
            ],
        ),
        (
            TEE_TYPE_ECDH_KEYPAIR,
            256,
            &[
                r(TEE_ATTR_ECC_PRIVATE_VALUE, &zero),
                r(TEE_ATTR_ECC_PUBLIC_VALUE_X, &ones),
                r(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &[]),
                v(TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256),
            ],
        ),
        (
            TEE_TYPE_SM2_PKE_KEYPAIR,
            256,
            &[
                r(TEE_ATTR_ECC_PRIVATE_VALUE, &zero),
                r(TEE_ATTR_ECC_PUBLIC_VALUE_X, &zero),
                r(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &zero),
            ],
        ),
        (
            TEE_TYPE_ED25519_KEYPAIR,
            256,
            &[
                r(TEE_ATTR_ED25519_PRIVATE_VALUE, &zero[..32]),
                r(TEE_ATTR_ED25519_PUBLIC_VALUE, &ones[..32]),
            ],
        ),
    ];
    let algs = [
        (TEE_ALG_RSA_NOPAD, TEE_MODE_ENCRYPT),
        (TEE_ALG_RSA_NOPAD, TEE_MODE_DECRYPT),
        (TEE_ALG_RSAES_PKCS1_V1_5, TEE_MODE_DECRYPT),
        (TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1, TEE_MODE_ENCRYPT),
        (TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, TEE_MODE_SIGN),
        (TEE_ALG_DSA_SHA1, TEE_MODE_SIGN),
        (TEE_ALG_ECDSA_SHA256, TEE_MODE_SIGN),
        (TEE_ALG_SM2_PKE, TEE_MODE_ENCRYPT),
        (TEE_ALG_SM2_PKE, TEE_MODE_DECRYPT),
        (TEE_ALG_ED25519, TEE_MODE_SIGN),
    ];
    let mut populated = 0;
    for (ty, max, attrs) in cases {
        let mut o = KeyObject::new(*ty, *max).unwrap();
        if o.populate(attrs).is_err() {
            continue;
        }
        populated += 1;
        for (alg, mode) in algs {
            let _ = asymmetric_operate(alg, mode, &o, &[], &[1; 32], &mut rng);
            let _ = asymmetric_verify(alg, &o, &[], &[1; 32], &[2; 64]);
        }
        for alg in [
            TEE_ALG_DH_DERIVE_SHARED_SECRET,
            TEE_ALG_ECDH_DERIVE_SHARED_SECRET,
        ] {
            let _ = derive_key(alg, &o, None, &[r(TEE_ATTR_DH_PUBLIC_VALUE, &ones)], 512);
            let _ = derive_key(
                alg,
                &o,
                None,
                &[
                    r(TEE_ATTR_ECC_PUBLIC_VALUE_X, &ones),
                    r(TEE_ATTR_ECC_PUBLIC_VALUE_Y, &zero),
                ],
                512,
            );
        }
    }
    // Populate does not validate the values (as OP-TEE): the garbage reaches the operations.
    assert_eq!(populated, cases.len());
}
