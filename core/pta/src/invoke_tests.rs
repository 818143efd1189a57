//! Invoke-tests PTA (`PTA_INVOKE_TESTS_UUID`): what xtest 1001, 1002, 1003 and 1025 call.

use crate::params::*;
use crate::rng::SharedRng;
use crate::{CallContext, Pta, SessionCtx, TeeError, Uuid};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use supplicant_proto::pta::*;

/// A reader/writer lock of the core (the sleeping mutex secure threads use), exercised by
/// `PTA_INVOKE_TESTS_CMD_MUTEX`. Several secure threads call these concurrently.
pub trait TestRwLock: Send + Sync {
    /// Runs `f` holding the lock exclusively.
    fn with_write(&self, f: &mut dyn FnMut());
    /// Runs `f` holding the lock shared (other readers may hold it too).
    fn with_read(&self, f: &mut dyn FnMut());
}

/// Extra self tests the core runs for `PTA_INVOKE_TESTS_CMD_SELF_TESTS` (e.g. address
/// translation, normal-world buffer range checks).
pub trait CoreSelfTests: Send + Sync {
    /// Runs the tests; an error fails xtest 1001.
    fn run(&self) -> Result<(), TeeError>;
}

/// The invoke-tests PTA.
pub struct InvokeTestsPta {
    lock: Arc<dyn TestRwLock>,
    rng: Option<Arc<SharedRng>>,
    core_tests: Option<Arc<dyn CoreSelfTests>>,
    before_lock_readers: AtomicU32,
    before_lock_writers: AtomicU32,
    during_lock_readers: AtomicU32,
    during_lock_writers: AtomicU32,
    val0: AtomicU64,
    val1: AtomicU64,
}

const fn pt(t0: u32, t1: u32, t2: u32, t3: u32) -> u32 {
    param_types(t0, t1, t2, t3)
}
const N: u32 = TEE_PARAM_TYPE_NONE;

impl InvokeTestsPta {
    /// A PTA testing `lock`; `rng` and `core_tests` add self tests when present.
    pub fn new(
        lock: Arc<dyn TestRwLock>,
        rng: Option<Arc<SharedRng>>,
        core_tests: Option<Arc<dyn CoreSelfTests>>,
    ) -> Self {
        Self {
            lock,
            rng,
            core_tests,
            before_lock_readers: AtomicU32::new(0),
            before_lock_writers: AtomicU32::new(0),
            during_lock_readers: AtomicU32::new(0),
            during_lock_writers: AtomicU32::new(0),
            val0: AtomicU64::new(0),
            val1: AtomicU64::new(0),
        }
    }

    /// `PTA_INVOKE_TESTS_CMD_FS_HTREE` (xtest 1015): the storage hash tree's
    /// corner cases (every range, every corrupted header, node and block
    /// version) on the core's own implementation over an in-memory file
    /// system, with IVs and file keys from the core's RNG.
    fn fs_htree(&self) -> Result<(), TeeError> {
        struct Source<'a>(&'a SharedRng);
        impl oxtee_storage::Entropy for Source<'_> {
            fn fill(&mut self, out: &mut [u8]) -> oxtee_storage::TeeResult<()> {
                self.0.fill(out)
            }
        }
        let rng = self.rng.as_ref().ok_or(TeeError::NOT_SUPPORTED)?;
        oxtee_storage::selftest::htree_corner_cases(&mut Source(rng))
            .map_err(|_| TeeError::SECURITY)
    }

    /// `PTA_INVOKE_TESTS_CMD_SELF_TESTS`: params are neither used nor checked.
    pub fn self_tests(&self) -> Result<(), TeeError> {
        selftest::arithmetic()?;
        selftest::heap()?;
        selftest::sha256_kat()?;
        selftest::chacha20_kat()?;
        selftest::abi_encodings()?;
        if let Some(rng) = &self.rng {
            selftest::rng_output(rng)?;
        }
        if let Some(t) = &self.core_tests {
            t.run()?;
        }
        Ok(())
    }

    fn mutex(&self, params: &mut Params) -> Result<(), TeeError> {
        expect_types(
            params,
            pt(
                TEE_PARAM_TYPE_VALUE_INPUT,
                TEE_PARAM_TYPE_VALUE_OUTPUT,
                N,
                N,
            ),
        )?;
        let (kind, rounds) = params[0].value().ok_or(TeeError::BAD_PARAMETERS)?;
        let (before, during, res) = match kind {
            PTA_MUTEX_TEST_WRITER => self.mutex_writer(rounds),
            PTA_MUTEX_TEST_READER => self.mutex_reader(rounds),
            _ => return Err(TeeError::BAD_PARAMETERS),
        };
        params[1].set_value(before, during);
        res
    }

    fn mutex_writer(&self, rounds: u32) -> (u32, u32, Result<(), TeeError>) {
        let before = self
            .before_lock_writers
            .fetch_add(1, Ordering::SeqCst)
            .wrapping_add(1);
        let mut during = 0;
        self.lock.with_write(&mut || {
            self.before_lock_writers.fetch_sub(1, Ordering::SeqCst);
            during = self
                .during_lock_writers
                .fetch_add(1, Ordering::SeqCst)
                .wrapping_add(1);
            for _ in 0..rounds {
                // Deliberately not one atomic step: readers check val1 == 2 * val0, which
                // only holds if the lock keeps them out while this runs.
                self.val0.fetch_add(1, Ordering::Relaxed);
                self.val1.fetch_add(1, Ordering::Relaxed);
                self.val1.fetch_add(1, Ordering::Relaxed);
            }
            self.during_lock_writers.fetch_sub(1, Ordering::SeqCst);
        });
        (before, during, Ok(()))
    }

    fn mutex_reader(&self, rounds: u32) -> (u32, u32, Result<(), TeeError>) {
        let before = self
            .before_lock_readers
            .fetch_add(1, Ordering::SeqCst)
            .wrapping_add(1);
        let mut during = 0;
        let mut res = Ok(());
        self.lock.with_read(&mut || {
            self.before_lock_readers.fetch_sub(1, Ordering::SeqCst);
            during = self
                .during_lock_readers
                .fetch_add(1, Ordering::SeqCst)
                .wrapping_add(1);
            for _ in 0..rounds {
                let v0 = self.val0.load(Ordering::Relaxed);
                let v1 = self.val1.load(Ordering::Relaxed);
                if v0.wrapping_mul(2) != v1 {
                    res = Err(TeeError::BAD_STATE);
                }
            }
            self.during_lock_readers.fetch_sub(1, Ordering::SeqCst);
        });
        (before, during, res)
    }
}

/// `PTA_INVOKE_TESTS_CMD_PARAMS`, with OP-TEE's accepted type patterns:
/// one VALUE_INOUT (others NONE): `a = a + b`; three VALUE_INPUT and one VALUE_OUTPUT: the
/// output gets the sums of the inputs' `a` and `b`; one MEMREF_INOUT (others NONE): byte 0
/// becomes the 8-bit sum of all bytes. Anything else: `TEE_ERROR_BAD_PARAMETERS`.
#[allow(clippy::needless_range_loop)] // the index selects the type pattern
pub fn test_params(params: &mut Params) -> Result<(), TeeError> {
    let types = types_of(params);
    for i in 0..4 {
        let only = |t: u32| pt_single(i, t);
        if types == only(TEE_PARAM_TYPE_VALUE_INOUT) {
            let (a, b) = params[i].value().ok_or(TeeError::BAD_PARAMETERS)?;
            params[i].set_value(a.wrapping_add(b), b);
            return Ok(());
        }
    }
    for i in 0..4 {
        let mut t = [TEE_PARAM_TYPE_VALUE_INPUT; 4];
        t[i] = TEE_PARAM_TYPE_VALUE_OUTPUT;
        if types == pt(t[0], t[1], t[2], t[3]) {
            let (mut sa, mut sb) = (0u32, 0u32);
            for (j, p) in params.iter().enumerate() {
                if j != i {
                    let (a, b) = p.value().ok_or(TeeError::BAD_PARAMETERS)?;
                    sa = sa.wrapping_add(a);
                    sb = sb.wrapping_add(b);
                }
            }
            params[i].set_value(sa, sb);
            return Ok(());
        }
    }
    for i in 0..4 {
        if types == pt_single(i, TEE_PARAM_TYPE_MEMREF_INOUT) {
            let m = params[i].memref_out().ok_or(TeeError::BAD_PARAMETERS)?;
            let n = m.size;
            // OP-TEE would write through a NULL pointer here; refuse instead.
            let buf = m
                .buf
                .as_mut()
                .filter(|b| !b.is_empty())
                .ok_or(TeeError::BAD_PARAMETERS)?;
            let sum = buf.iter().take(n).fold(0u8, |s, &x| s.wrapping_add(x));
            buf[0] = sum;
            return Ok(());
        }
    }
    Err(TeeError::BAD_PARAMETERS)
}

fn pt_single(i: usize, t: u32) -> u32 {
    let mut a = [N; 4];
    a[i & 3] = t;
    pt(a[0], a[1], a[2], a[3])
}

/// `PTA_INVOKE_TESTS_CMD_MEMREF_NULL`: one MEMREF_INOUT that must be NULL with size 0.
pub fn test_memref_null(params: &mut Params) -> Result<(), TeeError> {
    expect_types(params, pt(TEE_PARAM_TYPE_MEMREF_INOUT, N, N, N))?;
    match params[0].memref() {
        Some(m) if m.is_null() && m.size == 0 => Ok(()),
        _ => Err(TeeError::BAD_PARAMETERS),
    }
}

/// SDP copy commands (3 and 5): types, short-buffer check, then `BAD_PARAMETERS` because
/// oxtee has no secure-data-path memory (memrefs are never SDP buffers).
fn test_sdp_copy(params: &mut Params) -> Result<(), TeeError> {
    expect_types(
        params,
        pt(
            TEE_PARAM_TYPE_MEMREF_INPUT,
            TEE_PARAM_TYPE_MEMREF_OUTPUT,
            N,
            N,
        ),
    )?;
    let sz = params[0].memref().map_or(0, |m| m.size);
    let out = params[1].memref_out().ok_or(TeeError::BAD_PARAMETERS)?;
    if out.size < sz {
        out.size = sz;
        return Err(TeeError::SHORT_BUFFER);
    }
    Err(TeeError::BAD_PARAMETERS)
}

impl Pta for InvokeTestsPta {
    fn uuid(&self) -> Uuid {
        Uuid(PTA_INVOKE_TESTS_UUID)
    }

    fn flags(&self) -> u32 {
        PTA_DEFAULT_FLAGS | TA_FLAG_SECURE_DATA_PATH | TA_FLAG_CONCURRENT | TA_FLAG_DEVICE_ENUM
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        cmd: u32,
        params: &mut Params,
        _cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError> {
        match cmd {
            PTA_INVOKE_TESTS_CMD_TRACE => Ok(()),
            PTA_INVOKE_TESTS_CMD_PARAMS => test_params(params),
            PTA_INVOKE_TESTS_CMD_SELF_TESTS => self.self_tests(),
            PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC | PTA_INVOKE_TESTS_CMD_COPY_SEC_TO_NSEC => {
                test_sdp_copy(params)
            }
            PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC => {
                expect_types(params, pt(TEE_PARAM_TYPE_MEMREF_INOUT, N, N, N))?;
                Err(TeeError::BAD_PARAMETERS)
            }
            PTA_INVOKE_TESTS_CMD_MUTEX => self.mutex(params),
            PTA_INVOKE_TESTS_CMD_MEMREF_NULL => test_memref_null(params),
            // No embedded DT-driver tests: OP-TEE answers success in that configuration.
            PTA_INVOKE_TESTS_CMD_DT_DRIVER_TESTS => Ok(()),
            PTA_INVOKE_TESTS_CMD_FS_HTREE => {
                expect_types(params, pt(N, N, N, N))?;
                self.fs_htree()
            }
            PTA_INVOKE_TESTS_CMD_LOCKDEP
            | PTA_INVOKE_TEST_CMD_AES_PERF
            | PTA_INVOKE_TESTS_CMD_TRANSFER_LIST_TESTS => Err(TeeError::NOT_SUPPORTED),
            _ => Err(TeeError::BAD_PARAMETERS),
        }
    }
}

mod selftest {
    use super::*;
    use crate::rng::Stream;
    use core::hint::black_box;
    use sha2::{Digest, Sha256};

    fn check(ok: bool) -> Result<(), TeeError> {
        if ok {
            Ok(())
        } else {
            Err(TeeError::GENERIC)
        }
    }

    /// Overflow detection and division, on values the optimizer cannot see.
    pub(super) fn arithmetic() -> Result<(), TeeError> {
        let max = black_box(u32::MAX);
        let min = black_box(i64::MIN);
        check(max.checked_add(1).is_none())?;
        check(black_box(0u32).checked_sub(1).is_none())?;
        check(black_box(0x1_0000u32).checked_mul(0x1_0000).is_none())?;
        check(min.checked_mul(-1).is_none())?;
        check(min.checked_div(-1).is_none())?;
        check(black_box(7u64).checked_div(0).is_none())?;
        check(black_box(-7i32) / black_box(2) == -3 && black_box(-7i32) % black_box(2) == -1)?;
        check(black_box(u64::MAX) / black_box(3) == 0x5555_5555_5555_5555)
    }

    /// The core heap: sizes, alignment, growth preserving contents, refusal of absurd sizes.
    pub(super) fn heap() -> Result<(), TeeError> {
        #[repr(align(64))]
        struct Aligned([u8; 64]);
        for &n in &[1usize, 15, 16, 4095, 4096, 65536] {
            let mut v: Vec<u8> = Vec::new();
            v.try_reserve_exact(n)
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            v.extend((0..n).map(|i| (i as u8) ^ 0x5a));
            v.try_reserve(n.saturating_mul(3))
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            check(v.iter().enumerate().all(|(i, &x)| x == (i as u8) ^ 0x5a))?;
        }
        let mut a: Vec<Aligned> = Vec::new();
        a.try_reserve(4).map_err(|_| TeeError::OUT_OF_MEMORY)?;
        a.push(Aligned([1; 64]));
        check((a.as_ptr() as usize) & 63 == 0 && a[0].0[63] == 1)?;
        let mut huge: Vec<u8> = Vec::new();
        check(huge.try_reserve(isize::MAX as usize / 2).is_err())
    }

    /// FIPS 180-2 "abc".
    pub(super) fn sha256_kat() -> Result<(), TeeError> {
        let d: [u8; 32] = Sha256::digest(b"abc").into();
        check(
            d[..8] == [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea]
                && d[24..] == [0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad],
        )
    }

    /// ChaCha20 keystream for key 0, nonce 0 (RFC 7539 A.1 test vector #1).
    pub(super) fn chacha20_kat() -> Result<(), TeeError> {
        let mut r = Stream::from_seed([0; 32]);
        let mut out = [0u8; 8];
        r.fill_bytes(&mut out);
        check(out == [0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90])
    }

    /// UUID octet order and parameter-type packing.
    pub(super) fn abi_encodings() -> Result<(), TeeError> {
        check(PTA_RNG_UUID[..4] == [0xab, 0x7a, 0x61, 0x7c] && PTA_RNG_UUID[6..8] == [0x4d, 0x8f])?;
        let t = param_types(1, 2, 3, 7);
        check(t == 0x7321 && param_type_get(t, 3) == 7 && param_type_get(t, 0) == 1)
    }

    /// Two outputs of the live generator differ and are not constant.
    pub(super) fn rng_output(rng: &SharedRng) -> Result<(), TeeError> {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        rng.fill(&mut a)?;
        rng.fill(&mut b)?;
        check(a != b && a.iter().any(|&x| x != a[0]))
    }
}
