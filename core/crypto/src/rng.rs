//! Randomness source supplied by the core.

use crate::error::{CryptoError, CryptoResult};

/// The core's cryptographically secure random number generator.
pub trait Rng {
    /// Fill `dest` with random bytes.
    fn fill(&mut self, dest: &mut [u8]) -> CryptoResult<()>;

    /// A point in a long key generation (a DH exponentiation) where the caller's thread may
    /// be preempted; called on a schedule that does not depend on any secret. Nothing by
    /// default.
    fn preemption_point(&mut self) {}
}

/// Adapter exposing an [`Rng`] as a `rand_core` CSPRNG, for RustCrypto APIs that take one.
///
/// `rand_core` has no way to report failure from `fill_bytes`; a failing [`Rng`] is reported
/// through `try_fill_bytes` and makes `fill_bytes` write zeros and remember the failure, which the
/// caller must check with [`RandCoreAdapter::failed`] before using the output.
pub struct RandCoreAdapter<'a> {
    rng: &'a mut dyn Rng,
    failed: bool,
}

impl<'a> RandCoreAdapter<'a> {
    /// Wrap `rng`.
    pub fn new(rng: &'a mut dyn Rng) -> Self {
        Self { rng, failed: false }
    }

    /// The wrapped source's [`Rng::preemption_point`].
    pub fn preemption_point(&mut self) {
        self.rng.preemption_point();
    }

    /// Whether any fill failed since creation.
    pub fn failed(&self) -> bool {
        self.failed
    }
}

impl rand_core::RngCore for RandCoreAdapter<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.rng.fill(dest).is_err() {
            self.failed = true;
            dest.fill(0);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        if self.rng.fill(dest).is_err() {
            self.failed = true;
            // CUSTOM_START is non-zero; MIN is only a formal fallback.
            let code = core::num::NonZeroU32::new(rand_core::Error::CUSTOM_START)
                .unwrap_or(core::num::NonZeroU32::MIN);
            return Err(rand_core::Error::from(code));
        }
        Ok(())
    }
}

impl rand_core::CryptoRng for RandCoreAdapter<'_> {}

impl From<rand_core::Error> for CryptoError {
    fn from(_: rand_core::Error) -> Self {
        CryptoError::Generic
    }
}
