//! Message digests (MD5, SHA-1, SHA-2, SHA-3, SHAKE, SM3).

use alloc::boxed::Box;

use digest::{Digest, ExtendableOutput, ExtendableOutputReset, Update, XofReader};
use supplicant_proto::tee_crypto::*;

use crate::asym::hash::HashAlg;
use crate::{families, hash};

/// A running hash computation behind a uniform, object-safe interface.
pub(crate) trait Hasher: Send + Sync {
    fn update(&mut self, data: &[u8]);
    /// Write the digest (or, for an XOF, `out.len()` bytes of output) and reset.
    fn finalize_reset(&mut self, out: &mut [u8]);
    /// XOFs: write the next `out.len()` bytes of output, finishing absorption on the first
    /// call (further updates are ignored until [`Hasher::restart`]). Fixed-length digests:
    /// same as `finalize_reset`.
    fn squeeze(&mut self, out: &mut [u8]) {
        self.finalize_reset(out)
    }
    fn box_clone(&self) -> Box<dyn Hasher>;
}

struct Fixed<D>(D);

impl<D: Digest + digest::FixedOutputReset + Clone + Send + Sync + 'static> Hasher for Fixed<D> {
    fn update(&mut self, data: &[u8]) {
        Digest::update(&mut self.0, data);
    }
    fn finalize_reset(&mut self, out: &mut [u8]) {
        let d = Digest::finalize_reset(&mut self.0);
        let n = out.len().min(d.len());
        out[..n].copy_from_slice(&d[..n]);
    }
    fn box_clone(&self) -> Box<dyn Hasher> {
        Box::new(Fixed(self.0.clone()))
    }
}

/// SHA-1 and SHA-2: the non-generic entry points of `oxtee-crypto-fast`.
impl Hasher for hash::Sha {
    fn update(&mut self, data: &[u8]) {
        hash::Sha::update(self, data);
    }
    fn finalize_reset(&mut self, out: &mut [u8]) {
        hash::Sha::finalize_reset(self, out);
    }
    fn box_clone(&self) -> Box<dyn Hasher> {
        Box::new(self.clone())
    }
}

struct Xof<D: ExtendableOutput>(D, Option<D::Reader>);

impl<D> Hasher for Xof<D>
where
    D: Update + ExtendableOutput + ExtendableOutputReset + Clone + Default + Send + Sync + 'static,
    D::Reader: Clone + Send + Sync,
{
    fn update(&mut self, data: &[u8]) {
        if self.1.is_none() {
            Update::update(&mut self.0, data);
        }
    }
    fn finalize_reset(&mut self, out: &mut [u8]) {
        match self.1.take() {
            Some(mut r) => r.read(out),
            None => self.0.finalize_xof_reset_into(out),
        }
        self.0 = D::default();
    }
    fn squeeze(&mut self, out: &mut [u8]) {
        let reader = match &mut self.1 {
            Some(r) => r,
            r => r.insert(core::mem::take(&mut self.0).finalize_xof()),
        };
        reader.read(out);
    }
    fn box_clone(&self) -> Box<dyn Hasher> {
        Box::new(Xof(self.0.clone(), self.1.clone()))
    }
}

/// Digest length in bytes of a hash algorithm ID (`TEE_ALG_*` digest or its main-algorithm
/// number), `None` if it is not a supported hash.
///
/// SHAKE128/256 report 16/32 bytes (their security strength) as default output length.
pub fn digest_len(algorithm: u32) -> Option<usize> {
    Some(match algorithm {
        TEE_ALG_MD5 => 16,
        TEE_ALG_SHA1 => 20,
        TEE_ALG_SHA224 | TEE_ALG_SHA3_224 => 28,
        TEE_ALG_SHA256 | TEE_ALG_SHA3_256 | TEE_ALG_SM3 => 32,
        TEE_ALG_SHA384 | TEE_ALG_SHA3_384 => 48,
        TEE_ALG_SHA512 | TEE_ALG_SHA3_512 => 64,
        TEE_ALG_SHAKE128 => 16,
        TEE_ALG_SHAKE256 => 32,
        _ => return None,
    })
}

/// Input block length in bytes of a fixed-length digest (HMAC's B), `None` for an XOF or an
/// unknown ID.
pub(crate) fn block_len(algorithm: u32) -> Option<usize> {
    Some(match algorithm {
        TEE_ALG_MD5 | TEE_ALG_SHA1 | TEE_ALG_SHA224 | TEE_ALG_SHA256 | TEE_ALG_SM3 => 64,
        TEE_ALG_SHA384 | TEE_ALG_SHA512 => 128,
        TEE_ALG_SHA3_224 => 144,
        TEE_ALG_SHA3_256 => 136,
        TEE_ALG_SHA3_384 => 104,
        TEE_ALG_SHA3_512 => 72,
        _ => return None,
    })
}

/// Whether `algorithm` is an extendable-output function.
pub fn is_xof(algorithm: u32) -> bool {
    matches!(algorithm, TEE_ALG_SHAKE128 | TEE_ALG_SHAKE256)
}

/// A fresh hasher for a digest algorithm ID. SHA-1, SHA-2 and SHA-3 are the `hash` types (the
/// installed accelerator's block functions when the CPU has them, software otherwise).
pub(crate) fn new_hasher(algorithm: u32) -> Option<Box<dyn Hasher>> {
    Some(match algorithm {
        TEE_ALG_MD5 if families::MD5 => Box::new(Fixed(md5::Md5::new())),
        TEE_ALG_SHA1 => Box::new(hash::Sha::Sha1(Default::default())),
        TEE_ALG_SHA224 => Box::new(hash::Sha::Sha224(Default::default())),
        TEE_ALG_SHA256 => Box::new(hash::Sha::Sha256(Default::default())),
        TEE_ALG_SHA384 => Box::new(hash::Sha::Sha384(Default::default())),
        TEE_ALG_SHA512 => Box::new(hash::Sha::Sha512(Default::default())),
        TEE_ALG_SHA3_224 if families::SHA3 => Box::new(Fixed(hash::Sha3_224::new())),
        TEE_ALG_SHA3_256 if families::SHA3 => Box::new(Fixed(hash::Sha3_256::new())),
        TEE_ALG_SHA3_384 if families::SHA3 => Box::new(Fixed(hash::Sha3_384::new())),
        TEE_ALG_SHA3_512 if families::SHA3 => Box::new(Fixed(hash::Sha3_512::new())),
        TEE_ALG_SM3 if families::SM => Box::new(Fixed(sm3::Sm3::new())),
        TEE_ALG_SHAKE128 if families::SHA3 => Box::new(Xof(hash::Shake128::default(), None)),
        TEE_ALG_SHAKE256 if families::SHA3 => Box::new(Xof(hash::Shake256::default(), None)),
        _ => return None,
    })
}

/// A fresh hasher for a hash the asymmetric schemes name; `None` for a family left out of the
/// build.
pub(crate) fn hasher_of(hash: HashAlg) -> Option<Box<dyn Hasher>> {
    new_hasher(hash.tee_alg())
}

/// One-shot digest helper for other parts of the core (and the asymmetric half): hash `data`
/// with `algorithm` into `out`, which must be at least [`digest_len`] long. Returns the length.
pub fn hash(algorithm: u32, data: &[u8], out: &mut [u8]) -> Option<usize> {
    let len = digest_len(algorithm)?;
    let mut h = new_hasher(algorithm)?;
    h.update(data);
    let out = out.get_mut(..len)?;
    h.finalize_reset(out);
    Some(len)
}
