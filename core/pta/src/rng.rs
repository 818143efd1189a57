//! Hardware RNG PTA (`PTA_RNG_UUID`, bound by Linux's `optee-rng`) and the DRBG behind it.
//!
//! The DRBG is a ChaCha20 keystream (the `chacha20` crate) seeded once from everything the boot gives:
//! an [`EntropySource`] (the core implements it with `RNDR`) and/or a seed handed over by the
//! boot firmware (the DT's `rng-seed`). Raw input is never handed out directly. With a source,
//! the generator is re-seeded from it every [`RESEED_INTERVAL`] output bytes; seed-only, it is
//! never re-seeded. Either way it re-keys from its own output after every request (so a later
//! state compromise does not reveal earlier output). Seeds are
//! `SHA-256(domain || current generator output || input)`, so extra input
//! (`PTA_SYSTEM_ADD_RNG_ENTROPY`) can only add to, never replace, what is in the state.

use crate::params::*;
use crate::{CallContext, Pta, SessionCtx, TeeError, Uuid};
use alloc::sync::Arc;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20Legacy;
use sha2::{Digest, Sha256};
use spin::Mutex;
use supplicant_proto::pta::*;
use zeroize::Zeroize;

/// Output bytes after which the generator is re-seeded from the entropy source.
pub const RESEED_INTERVAL: u64 = 64 * 1024;
/// Raw entropy bytes drawn per (re)seed.
pub const SEED_ENTROPY_BYTES: usize = 48;
/// Fewest boot-seed bytes accepted as the only input (256 bits, as a full-entropy seed).
pub const MIN_BOOT_SEED_BYTES: usize = 32;

/// Random bytes handed over by the boot firmware (e.g. the DT's `rng-seed`).
#[derive(Clone, Copy)]
pub struct BootSeed<'a> {
    /// Where it was found (e.g. the DT node).
    pub origin: &'a str,
    /// Its name there (e.g. the property).
    pub name: &'a str,
    /// The bytes.
    pub bytes: &'a [u8],
}

/// The entropy source failed (no data, or its health test failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntropyError;

/// Raw entropy, e.g. the `RNDR` instruction. Implemented by the core; tests use a fake.
pub trait EntropySource: Send + Sync {
    /// Fills `out` completely with raw entropy, or fails.
    fn fill(&self, out: &mut [u8]) -> Result<(), EntropyError>;
}

struct State {
    rng: Stream,
    since_reseed: u64,
}

/// The conditioned random generator shared by the RNG and system PTAs.
pub struct SharedRng {
    /// `None`: seed-only (no periodic re-seed).
    source: Option<Arc<dyn EntropySource>>,
    state: Mutex<State>,
}

/// ChaCha20's keystream from a 256-bit seed: djb's variant (64-bit block
/// counter from 0, nonce 0), the keystream of `rand_chacha`'s `ChaCha20Rng`
/// for the same seed. The key is zeroed on drop.
pub(crate) struct Stream(ChaCha20Legacy);

impl Stream {
    pub(crate) fn from_seed(seed: [u8; 32]) -> Self {
        let mut seed = seed;
        let stream = ChaCha20Legacy::new(&seed.into(), &[0u8; 8].into());
        seed.zeroize();
        Self(stream)
    }

    /// The next `out.len()` keystream bytes. 2^70 bytes per seed: never
    /// reached, as every request re-keys.
    pub(crate) fn fill_bytes(&mut self, out: &mut [u8]) {
        out.fill(0);
        self.0.apply_keystream(out);
    }
}

fn derive_seed(domain: &[u8], current: &[u8; 32], extra: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(domain);
    h.update(current);
    h.update(extra);
    h.finalize().into()
}

impl SharedRng {
    /// Seeds a generator from `source` alone. Fails with `TEE_ERROR_HEALTH_TEST_FAIL` when the
    /// source gives nothing.
    pub fn new(source: Arc<dyn EntropySource>) -> Result<Self, TeeError> {
        Self::with_sources(Some(source), &[])
    }

    /// Seeds a generator from `source` (if any) and the boot seeds together. Fails with
    /// `TEE_ERROR_HEALTH_TEST_FAIL` when a given source fails, and with
    /// `TEE_ERROR_NOT_SUPPORTED` when there is no source and the seeds hold fewer than
    /// [`MIN_BOOT_SEED_BYTES`].
    pub fn with_sources(
        source: Option<Arc<dyn EntropySource>>,
        seeds: &[BootSeed<'_>],
    ) -> Result<Self, TeeError> {
        let mut h = Sha256::new();
        h.update(b"oxtee-rng-init");
        let mut seed_bytes = 0usize;
        for s in seeds {
            // Labelled and length-prefixed: bytes cannot move between seeds unnoticed.
            for part in [s.origin.as_bytes(), b"\0", s.name.as_bytes(), b"\0"] {
                h.update(part);
            }
            h.update((s.bytes.len() as u64).to_le_bytes());
            h.update(s.bytes);
            seed_bytes = seed_bytes.saturating_add(s.bytes.len());
        }
        match &source {
            Some(src) => {
                let mut e = [0u8; SEED_ENTROPY_BYTES];
                src.fill(&mut e).map_err(|_| TeeError::HEALTH_TEST_FAIL)?;
                h.update(e);
                e.zeroize();
            }
            None if seed_bytes < MIN_BOOT_SEED_BYTES => return Err(TeeError::NOT_SUPPORTED),
            None => {}
        }
        Ok(Self {
            source,
            state: Mutex::new(State {
                rng: Stream::from_seed(h.finalize().into()),
                since_reseed: 0,
            }),
        })
    }

    /// Whether the generator re-seeds from a hardware source.
    pub fn has_source(&self) -> bool {
        self.source.is_some()
    }

    fn reseed(state: &mut State, domain: &[u8], extra: &[u8]) {
        let mut cur = [0u8; 32];
        state.rng.fill_bytes(&mut cur);
        state.rng = Stream::from_seed(derive_seed(domain, &cur, extra));
        cur.zeroize();
    }

    /// Fills `out` with conditioned random bytes; on failure `out` is left untouched.
    pub fn fill(&self, out: &mut [u8]) -> Result<(), TeeError> {
        let mut st = self.state.lock();
        let len = out.len() as u64;
        if let Some(src) = &self.source {
            if st.since_reseed.saturating_add(len) > RESEED_INTERVAL {
                let mut e = [0u8; SEED_ENTROPY_BYTES];
                src.fill(&mut e).map_err(|_| TeeError::HEALTH_TEST_FAIL)?;
                Self::reseed(&mut st, b"oxtee-rng-reseed", &e);
                e.zeroize();
                st.since_reseed = 0;
            }
        }
        st.rng.fill_bytes(out);
        st.since_reseed = st.since_reseed.saturating_add(len);
        // Backtracking resistance: forget the key that produced `out`.
        Self::reseed(&mut st, b"oxtee-rng-rekey", &[]);
        Ok(())
    }

    /// Fills `out` for a consumer named by `domain` (e.g. the seed handed on to the normal
    /// world): a generator keyed by `SHA-256(domain || DRBG output)`, so these bytes are
    /// unrelated to what any other consumer gets.
    pub fn fill_for(&self, domain: &[u8], out: &mut [u8]) -> Result<(), TeeError> {
        let mut k = [0u8; 32];
        self.fill(&mut k)?;
        let mut g = Stream::from_seed(derive_seed(b"oxtee-rng-domain", &k, domain));
        k.zeroize();
        g.fill_bytes(out);
        Ok(())
    }

    /// Mixes caller-supplied bytes into the state (`PTA_SYSTEM_ADD_RNG_ENTROPY`).
    pub fn add_entropy(&self, data: &[u8]) {
        let mut st = self.state.lock();
        Self::reseed(&mut st, b"oxtee-rng-add", data);
    }
}

/// Data rate reported by `GET_RNG_INFO` (bytes/s). Must be non-zero: optee-rng divides by it.
pub const DEFAULT_DATA_RATE: u32 = 1024 * 1024;
/// Quality reported by `GET_RNG_INFO` (entropy bits per 1024 output bits).
pub const DEFAULT_QUALITY: u32 = 1024;

/// The hardware RNG PTA.
pub struct RngPta {
    rng: Arc<SharedRng>,
    data_rate: u32,
    quality: u32,
}

impl RngPta {
    /// An RNG PTA drawing from `rng`, reporting the default rate and quality.
    pub fn new(rng: Arc<SharedRng>) -> Self {
        Self {
            rng,
            data_rate: DEFAULT_DATA_RATE,
            quality: DEFAULT_QUALITY,
        }
    }

    /// Overrides the rate (0 is replaced by 1) and quality (capped at 1024) reported.
    pub fn with_info(mut self, data_rate: u32, quality: u32) -> Self {
        self.data_rate = data_rate.max(1);
        self.quality = quality.min(1024);
        self
    }

    fn get_entropy(&self, params: &mut Params) -> Result<(), TeeError> {
        expect_types(
            params,
            param_types(
                TEE_PARAM_TYPE_MEMREF_INOUT,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
            ),
        )?;
        let m = params[0].memref_out().ok_or(TeeError::BAD_PARAMETERS)?;
        let size = m.size;
        let buf = m.buf.as_mut().ok_or(TeeError::BAD_PARAMETERS)?;
        if size > MAX_ENTROPY_REQ_SZ {
            return Err(TeeError::NOT_SUPPORTED);
        }
        let n = size.min(buf.len());
        self.rng.fill(&mut buf[..n])?;
        m.size = n;
        Ok(())
    }

    fn get_info(&self, params: &mut Params) -> Result<(), TeeError> {
        expect_types(
            params,
            param_types(
                TEE_PARAM_TYPE_VALUE_OUTPUT,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
            ),
        )?;
        params[0].set_value(self.data_rate, self.quality);
        Ok(())
    }
}

impl Pta for RngPta {
    fn uuid(&self) -> Uuid {
        Uuid(PTA_RNG_UUID)
    }

    fn flags(&self) -> u32 {
        PTA_DEFAULT_FLAGS | TA_FLAG_CONCURRENT | TA_FLAG_DEVICE_ENUM
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        cmd: u32,
        params: &mut Params,
        _cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError> {
        match cmd {
            PTA_CMD_GET_ENTROPY => self.get_entropy(params),
            PTA_CMD_GET_RNG_INFO => self.get_info(params),
            _ => Err(TeeError::NOT_IMPLEMENTED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Stream;
    use rand_chacha::rand_core::{RngCore, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    /// The keystream of `rand_chacha`'s generator for the same seed, however
    /// the requests cut it (that generator drops the rest of a 32-bit word
    /// after a request, so it is read in one request here).
    #[test]
    fn the_stream_is_chacha20rngs_keystream() {
        let seed: [u8; 32] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        let pieces = [0usize, 1, 63, 64, 65, 130, 7, 4096, 33];
        let mut reference = vec![0u8; pieces.iter().sum()];
        ChaCha20Rng::from_seed(seed).fill_bytes(&mut reference);
        let mut ours = Stream::from_seed(seed);
        let mut at = 0;
        for len in pieces {
            let mut piece = vec![0xaa; len];
            ours.fill_bytes(&mut piece);
            assert_eq!(
                piece,
                reference[at..at + len],
                "piece of {len} bytes at {at}"
            );
            at += len;
        }
    }
}
