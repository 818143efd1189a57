//! Per-curve ECDSA/ECDH operations on big-endian byte strings.

/// Defines module `$m` with ECDSA/ECDH operations on curve `$C`; every byte string is exactly
/// one coordinate long (callers left-pad). Instantiated where it is expanded, so a crate picks
/// the optimisation profile of its curves by expanding it itself.
#[macro_export]
macro_rules! curve_ops {
    ($(#[$doc:meta])* $vis:vis $m:ident, $C:ty) => {
        $(#[$doc])*
        $vis mod $m {
            use alloc::vec::Vec;
            use $crate::deps::ecdsa::hazmat::{sign_prehashed, verify_prehashed};
            use $crate::deps::elliptic_curve::generic_array::GenericArray;
            use $crate::deps::elliptic_curve::sec1::{
                EncodedPoint, FromEncodedPoint, ToEncodedPoint,
            };
            use $crate::deps::elliptic_curve::{FieldBytes, NonZeroScalar, PublicKey, SecretKey};
            use $crate::deps::zeroize::Zeroizing;
            use $crate::{CryptoRngCore, Error};

            type C = $C;

            fn public(x: &[u8], y: &[u8]) -> Result<PublicKey<C>, Error> {
                let ep = EncodedPoint::<C>::from_affine_coordinates(
                    GenericArray::from_slice(x),
                    GenericArray::from_slice(y),
                    false,
                );
                Option::from(PublicKey::<C>::from_encoded_point(&ep)).ok_or(Error::BadParameters)
            }

            fn secret(d: &[u8]) -> Result<SecretKey<C>, Error> {
                SecretKey::<C>::from_bytes(GenericArray::from_slice(d))
                    .map_err(|_| Error::BadParameters)
            }

            fn coords(pk: &PublicKey<C>) -> (Vec<u8>, Vec<u8>) {
                let ep = pk.to_encoded_point(false);
                // An uncompressed encoding of a non-identity point always has both.
                let x = ep.x().map(|c| c.to_vec()).unwrap_or_default();
                let y = ep.y().map(|c| c.to_vec()).unwrap_or_default();
                (x, y)
            }

            /// Digest → field element bytes: left-pad short digests, keep the leftmost
            /// bytes of long ones.
            fn digest_field(digest: &[u8]) -> FieldBytes<C> {
                let mut z = FieldBytes::<C>::default();
                let n = z.len();
                if digest.len() >= n {
                    z.copy_from_slice(&digest[..n]);
                } else {
                    z[n - digest.len()..].copy_from_slice(digest);
                }
                z
            }

            /// Whether (x, y) is a point on the curve other than the identity.
            pub fn check_public(x: &[u8], y: &[u8]) -> Result<(), Error> {
                public(x, y).map(|_| ())
            }

            /// The public point (x, y) of private value `d` (in [1, n-1]).
            pub fn public_of(d: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
                Ok(coords(&secret(d)?.public_key()))
            }

            /// A fresh key pair: (d, x, y).
            pub fn generate(
                rng: &mut dyn CryptoRngCore,
            ) -> (Zeroizing<Vec<u8>>, Vec<u8>, Vec<u8>) {
                let sk = SecretKey::<C>::random(&mut &mut *rng);
                let (x, y) = coords(&sk.public_key());
                (Zeroizing::new(sk.to_bytes().to_vec()), x, y)
            }

            /// ECDSA signature `r || s` over `digest` (any length) with a random nonce.
            pub fn sign(
                d: &[u8],
                digest: &[u8],
                rng: &mut dyn CryptoRngCore,
            ) -> Result<Vec<u8>, Error> {
                let sk = secret(d)?;
                let d = sk.to_nonzero_scalar();
                let z = digest_field(digest);
                // r or s is zero with negligible probability; retry a few times.
                for _ in 0..8 {
                    let k = NonZeroScalar::<C>::random(&mut &mut *rng);
                    if let Ok((sig, _)) = sign_prehashed::<C, _>(&d, *k, &z) {
                        return Ok(sig.to_bytes().to_vec());
                    }
                }
                Err(Error::BadParameters)
            }

            /// ECDSA verification of `sig` (`r || s`) over `digest` by the key (x, y).
            pub fn verify(x: &[u8], y: &[u8], digest: &[u8], sig: &[u8]) -> Result<(), Error> {
                let pk = public(x, y)?;
                let sig = $crate::deps::ecdsa::Signature::<C>::from_slice(sig)
                    .map_err(|_| Error::SignatureInvalid)?;
                let z = digest_field(digest);
                verify_prehashed::<C>(&pk.to_projective(), &z, &sig)
                    .map_err(|_| Error::SignatureInvalid)
            }

            /// ECDH: the x coordinate of d·(x, y).
            pub fn ecdh(d: &[u8], x: &[u8], y: &[u8]) -> Result<Vec<u8>, Error> {
                let sk = secret(d)?;
                let pk = public(x, y)?;
                let shared = $crate::deps::elliptic_curve::ecdh::diffie_hellman(
                    sk.to_nonzero_scalar(),
                    pk.as_affine(),
                );
                Ok(shared.raw_secret_bytes().to_vec())
            }
        }
    };
}
