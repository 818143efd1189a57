//! X25519 key agreement (`TEE_ALG_X25519`, RFC 7748) with `x25519-dalek`.

use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{AsymResult, CryptoRngCore, BAD_PARAMS};

/// Key and shared-secret length in bytes.
pub const X25519_KEY_LEN: usize = 32;

/// An X25519 key pair (`TEE_ATTR_X25519_PRIVATE_VALUE` / `_PUBLIC_VALUE`).
#[derive(Clone)]
pub struct X25519KeyPair {
    secret: StaticSecret,
    public: PublicKey,
}

impl core::fmt::Debug for X25519KeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("X25519KeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

fn key32(b: &[u8]) -> AsymResult<[u8; 32]> {
    b.try_into().map_err(|_| BAD_PARAMS)
}

impl X25519KeyPair {
    /// From the 32-byte private scalar (clamped on use, RFC 7748) and, optionally, the public
    /// value, which must then match (else `TEE_ERROR_BAD_PARAMETERS`).
    pub fn from_components(private: &[u8], public: Option<&[u8]>) -> AsymResult<Self> {
        let mut k = Zeroizing::new(key32(private)?);
        let secret = StaticSecret::from(*k);
        zeroize::Zeroize::zeroize(&mut *k);
        let derived = PublicKey::from(&secret);
        if let Some(p) = public {
            if derived.as_bytes() != &key32(p)? {
                return Err(BAD_PARAMS);
            }
        }
        Ok(Self {
            secret,
            public: derived,
        })
    }

    /// Generates a key pair.
    pub fn generate(rng: &mut dyn CryptoRngCore) -> Self {
        let secret = StaticSecret::random_from_rng(&mut *rng);
        let public = PublicKey::from(&secret);
        Self { secret, public }
    }

    /// `TEE_ATTR_X25519_PRIVATE_VALUE`.
    pub fn private_value(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    /// `TEE_ATTR_X25519_PUBLIC_VALUE`.
    pub fn public_value(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    /// The shared secret with the peer's 32-byte public value (a wrong length gives
    /// `TEE_ERROR_BAD_PARAMETERS`). As in OP-TEE, a small-order peer point is not rejected:
    /// the result is then all zeros (callers wanting RFC 7748 §6.1's check can test for it).
    pub fn shared_secret(&self, peer_public: &[u8]) -> AsymResult<Zeroizing<[u8; 32]>> {
        let peer = PublicKey::from(key32(peer_public)?);
        let shared = self.secret.diffie_hellman(&peer);
        Ok(Zeroizing::new(shared.to_bytes()))
    }
}
