//! Host tests of every PTA command through the registry.

use oxtee_pta::invoke_tests::{InvokeTestsPta, TestRwLock};
use oxtee_pta::result::*;
use oxtee_pta::rng::{BootSeed, EntropyError, EntropySource, RngPta, SharedRng};
use oxtee_pta::stats::*;
use oxtee_pta::system::SystemPta;
use oxtee_pta::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use supplicant_proto::pta::*;

struct FakeEntropy {
    counter: AtomicU8,
    fail: AtomicBool,
}
impl EntropySource for FakeEntropy {
    fn fill(&self, out: &mut [u8]) -> Result<(), EntropyError> {
        if self.fail.load(Ordering::SeqCst) {
            return Err(EntropyError);
        }
        for b in out {
            *b = self.counter.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

struct StdLock(RwLock<()>);
impl TestRwLock for StdLock {
    fn with_write(&self, f: &mut dyn FnMut()) {
        let _g = self.0.write().unwrap();
        f()
    }
    fn with_read(&self, f: &mut dyn FnMut()) {
        let _g = self.0.read().unwrap();
        f()
    }
}
/// A broken lock that excludes nobody.
struct NoLock;
impl TestRwLock for NoLock {
    fn with_write(&self, f: &mut dyn FnMut()) {
        f()
    }
    fn with_read(&self, f: &mut dyn FnMut()) {
        f()
    }
}

struct FakeStats;
impl StatsSource for FakeStats {
    fn heap(&self, _reset: bool) -> AllocStats {
        AllocStats {
            allocated: 100,
            max_allocated: 200,
            size: 4096,
            ..Default::default()
        }
    }
    fn threads(&self) -> ThreadStats {
        ThreadStats {
            in_use: 1,
            total: 8,
        }
    }
}

struct Env {
    reg: PtaRegistry,
    entropy: Arc<FakeEntropy>,
    /// Who opened each session (calls come from the same caller).
    callers: Mutex<HashMap<SessionId, Caller>>,
}

/// The caller a client identity stands for here: a TA (instance 1) for the
/// TA login, the normal world otherwise.
fn caller_of(c: &ClientIdentity) -> Caller {
    if c.login == TEE_LOGIN_TRUSTED_APP {
        Caller::Ta {
            instance: 1,
            uuid: c.uuid,
        }
    } else {
        Caller::NormalWorld
    }
}

impl Env {
    fn open_session(
        &self,
        uuid: &Uuid,
        c: &ClientIdentity,
        p: &mut Params,
    ) -> Result<SessionId, TeeError> {
        let caller = caller_of(c);
        let id = self.reg.open_session(uuid, c, caller, p, &mut NoServices)?;
        self.callers.lock().unwrap().insert(id, caller);
        Ok(id)
    }
    fn caller(&self, id: SessionId) -> Caller {
        let callers = self.callers.lock().unwrap();
        callers.get(&id).copied().unwrap_or(Caller::NormalWorld)
    }
    fn invoke(&self, id: SessionId, cmd: u32, p: &mut Params) -> Result<(), TeeError> {
        self.reg
            .invoke(id, self.caller(id), cmd, p, &mut NoServices)
    }
    fn close_session(&self, id: SessionId) -> Result<(), TeeError> {
        self.reg.close_session(id, self.caller(id), &mut NoServices)
    }
}

fn env_with_lock(lock: Arc<dyn TestRwLock>) -> Env {
    let entropy = Arc::new(FakeEntropy {
        counter: AtomicU8::new(0),
        fail: AtomicBool::new(false),
    });
    let rng = Arc::new(SharedRng::new(entropy.clone()).unwrap());
    let mut reg = PtaRegistry::new();
    reg.register(Arc::new(RngPta::new(rng.clone()))).unwrap();
    reg.register(Arc::new(InvokeTestsPta::new(lock, Some(rng.clone()), None)))
        .unwrap();
    reg.register(Arc::new(SystemPta::new(rng, [0; 16])))
        .unwrap();
    reg.register(Arc::new(StatsPta::new(Arc::new(FakeStats))))
        .unwrap();
    Env {
        reg,
        entropy,
        callers: Mutex::new(HashMap::new()),
    }
}
fn env() -> Env {
    env_with_lock(Arc::new(StdLock(RwLock::new(()))))
}

const KERNEL: ClientIdentity = ClientIdentity {
    login: TEE_LOGIN_REE_KERNEL,
    uuid: Uuid([0; 16]),
};
const PUBLIC: ClientIdentity = ClientIdentity {
    login: TEE_LOGIN_PUBLIC,
    uuid: Uuid([0; 16]),
};
const TA: ClientIdentity = ClientIdentity {
    login: TEE_LOGIN_TRUSTED_APP,
    uuid: Uuid([7; 16]),
};

fn open(e: &Env, uuid: [u8; 16], c: &ClientIdentity) -> SessionId {
    e.open_session(&Uuid(uuid), c, &mut no_params()).unwrap()
}
fn p1(p: Param) -> Params {
    [p, Param::None, Param::None, Param::None]
}
fn code(r: Result<(), TeeError>) -> u32 {
    tee_result(&r)
}

// ---------- registry ----------

#[test]
fn registry_unknown_uuid_and_sessions() {
    let e = env();
    let r = e.open_session(&Uuid([1; 16]), &PUBLIC, &mut no_params());
    assert_eq!(r, Err(TeeError::ITEM_NOT_FOUND));
    let a = open(&e, PTA_DEVICE_UUID, &KERNEL);
    let b = open(&e, PTA_DEVICE_UUID, &KERNEL);
    assert_ne!(a, b);
    assert_ne!(a, 0);
    assert_eq!(e.reg.session_count(), 2);
    assert_eq!(e.close_session(a), Ok(()));
    assert_eq!(e.close_session(a), Err(TeeError::BAD_PARAMETERS));
    assert_eq!(
        e.invoke(a, 0, &mut no_params()),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert!(e.reg.has_session(b));
}

#[test]
fn registry_refuses_duplicate_uuid() {
    let mut e = env();
    let ent = e.entropy.clone();
    let rng = Arc::new(SharedRng::new(ent).unwrap());
    assert_eq!(
        e.reg.register(Arc::new(RngPta::new(rng))),
        Err(TeeError::BAD_STATE)
    );
}

#[test]
fn uuid_octets_are_rfc4122_order() {
    assert_eq!(
        PTA_DEVICE_UUID,
        [
            0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53, 0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf,
            0x13, 0xb8
        ]
    );
}

// ---------- device enumeration ----------

#[test]
fn device_get_devices_null_then_real_buffer() {
    let e = env();
    let s = open(&e, PTA_DEVICE_UUID, &KERNEL);
    let mut p = p1(Param::MemrefOutput(Memref::null(0)));
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_DEVICES, &mut p),
        Err(TeeError::SHORT_BUFFER)
    );
    let need = p[0].memref().unwrap().size;
    assert_eq!(need, 32, "RNG and invoke-tests PTAs carry DEVICE_ENUM");
    let mut p = p1(Param::MemrefOutput(Memref::zeroed(need)));
    assert_eq!(e.invoke(s, PTA_CMD_GET_DEVICES, &mut p), Ok(()));
    let m = p[0].memref().unwrap();
    assert_eq!(m.size, 32);
    let list: Vec<&[u8]> = m.bytes().chunks(16).collect();
    assert!(list.contains(&&PTA_RNG_UUID[..]));
    assert!(list.contains(&&PTA_INVOKE_TESTS_UUID[..]));
}

#[test]
fn device_short_and_bad_params() {
    let e = env();
    let s = open(&e, PTA_DEVICE_UUID, &PUBLIC);
    let mut p = p1(Param::MemrefOutput(Memref::zeroed(16)));
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_DEVICES, &mut p),
        Err(TeeError::SHORT_BUFFER)
    );
    assert_eq!(p[0].memref().unwrap().size, 32);
    // NULL buffer with a non-zero size.
    let mut p = p1(Param::MemrefOutput(Memref::null(16)));
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_DEVICES, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::MemrefInout(Memref::zeroed(64)));
    assert_eq!(
        code(e.invoke(s, PTA_CMD_GET_DEVICES, &mut p)),
        TEE_ERROR_BAD_PARAMETERS
    );
    let mut p = [
        Param::MemrefOutput(Memref::zeroed(64)),
        Param::ValueInput { a: 0, b: 0 },
        Param::None,
        Param::None,
    ];
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_DEVICES, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        e.invoke(s, 3, &mut no_params()),
        Err(TeeError::NOT_IMPLEMENTED)
    );
}

#[test]
fn device_supp_and_rpmb_lists() {
    let e = env();
    let s = open(&e, PTA_DEVICE_UUID, &KERNEL);
    for cmd in [PTA_CMD_GET_DEVICES_SUPP, PTA_CMD_GET_DEVICES_RPMB] {
        let mut p = p1(Param::MemrefOutput(Memref::null(0)));
        assert_eq!(e.invoke(s, cmd, &mut p), Ok(()), "cmd {cmd}");
        assert_eq!(p[0].memref().unwrap().size, 0);
    }
    e.reg
        .add_device(Uuid([9; 16]), TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE);
    e.reg.add_device(
        Uuid([8; 16]),
        TA_FLAG_DEVICE_ENUM | TA_FLAG_DEVICE_ENUM_SUPP,
    ); // inconsistent
    let mut p = p1(Param::MemrefOutput(Memref::zeroed(64)));
    assert_eq!(e.invoke(s, PTA_CMD_GET_DEVICES_SUPP, &mut p), Ok(()));
    assert_eq!(p[0].memref().unwrap().size, 16);
    assert_eq!(&p[0].memref().unwrap().bytes()[..16], &[9; 16]);
}

// ---------- RNG ----------

#[test]
fn rng_info_and_entropy() {
    let e = env();
    let s = open(&e, PTA_RNG_UUID, &PUBLIC);
    let mut p = p1(Param::ValueOutput { a: 0, b: 0 });
    assert_eq!(e.invoke(s, PTA_CMD_GET_RNG_INFO, &mut p), Ok(()));
    let (rate, quality) = p[0].value().unwrap();
    assert!(rate > 0 && quality <= 1024 && quality > 0);
    let mut p = p1(Param::MemrefInout(Memref::zeroed(MAX_ENTROPY_REQ_SZ)));
    assert_eq!(e.invoke(s, PTA_CMD_GET_ENTROPY, &mut p), Ok(()));
    let m = p[0].memref().unwrap();
    assert_eq!(m.size, MAX_ENTROPY_REQ_SZ);
    // Not the raw counter of the fake source, and not all zero.
    assert!(
        m.bytes()
            .windows(2)
            .filter(|w| w[1] == w[0].wrapping_add(1))
            .count()
            < 100
    );
    assert!(m.bytes().iter().filter(|&&b| b == 0).count() < 100);
    let mut p2 = p1(Param::MemrefInout(Memref::zeroed(MAX_ENTROPY_REQ_SZ)));
    e.invoke(s, PTA_CMD_GET_ENTROPY, &mut p2).unwrap();
    assert_ne!(
        p[0].memref().unwrap().bytes(),
        p2[0].memref().unwrap().bytes()
    );
}

#[test]
fn rng_bad_params_and_limits() {
    let e = env();
    let s = open(&e, PTA_RNG_UUID, &KERNEL);
    let mut p = p1(Param::MemrefOutput(Memref::zeroed(16)));
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_ENTROPY, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::MemrefInout(Memref::null(0)));
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_ENTROPY, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::MemrefInout(Memref::zeroed(MAX_ENTROPY_REQ_SZ + 1)));
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_ENTROPY, &mut p),
        Err(TeeError::NOT_SUPPORTED)
    );
    let mut p = p1(Param::ValueInout { a: 0, b: 0 });
    assert_eq!(
        e.invoke(s, PTA_CMD_GET_RNG_INFO, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        e.invoke(s, 2, &mut no_params()),
        Err(TeeError::NOT_IMPLEMENTED)
    );
}

#[test]
fn rng_reports_source_failure_at_reseed() {
    let e = env();
    let s = open(&e, PTA_RNG_UUID, &KERNEL);
    e.entropy.fail.store(true, Ordering::SeqCst);
    let mut saw_failure = false;
    for _ in 0..(oxtee_pta::rng::RESEED_INTERVAL as usize / MAX_ENTROPY_REQ_SZ + 2) {
        let mut p = p1(Param::MemrefInout(Memref::zeroed(MAX_ENTROPY_REQ_SZ)));
        if let Err(err) = e.invoke(s, PTA_CMD_GET_ENTROPY, &mut p) {
            assert_eq!(err.code(), TEE_ERROR_HEALTH_TEST_FAIL);
            saw_failure = true;
            break;
        }
    }
    assert!(saw_failure);
}

// ---------- invoke tests ----------

#[test]
fn invoke_self_tests_pass() {
    let e = env();
    let s = open(&e, PTA_INVOKE_TESTS_UUID, &PUBLIC);
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_SELF_TESTS, &mut no_params()),
        Ok(())
    );
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_DT_DRIVER_TESTS, &mut no_params()),
        Ok(())
    );
    // xtest 1015: the hash-tree corner cases run on the storage crate.
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_FS_HTREE, &mut no_params()),
        Ok(())
    );
    let mut p = p1(Param::ValueInput { a: 0, b: 0 });
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_FS_HTREE, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_TRACE, &mut no_params()),
        Ok(())
    );
    assert_eq!(
        e.invoke(
            s,
            PTA_INVOKE_TESTS_CMD_TRANSFER_LIST_TESTS,
            &mut no_params()
        ),
        Err(TeeError::NOT_SUPPORTED)
    );
    assert_eq!(
        e.invoke(s, 99, &mut no_params()),
        Err(TeeError::BAD_PARAMETERS)
    );
}

#[test]
fn invoke_self_tests_fail_with_failing_core_hook() {
    struct Bad;
    impl oxtee_pta::invoke_tests::CoreSelfTests for Bad {
        fn run(&self) -> Result<(), TeeError> {
            Err(TeeError::GENERIC)
        }
    }
    let pta = InvokeTestsPta::new(Arc::new(NoLock), None, Some(Arc::new(Bad)));
    assert_eq!(pta.self_tests(), Err(TeeError::GENERIC));
}

#[test]
fn invoke_params_like_xtest_1002() {
    let e = env();
    let s = open(&e, PTA_INVOKE_TESTS_UUID, &PUBLIC);
    let buf: Vec<u8> = (0..16 * 1024).map(|n| (n + 1) as u8).collect();
    let exp = buf.iter().fold(0u8, |a, &b| a.wrapping_add(b));
    let mut p = p1(Param::MemrefInout(Memref::new(buf)));
    assert_eq!(e.invoke(s, PTA_INVOKE_TESTS_CMD_PARAMS, &mut p), Ok(()));
    assert_eq!(p[0].memref().unwrap().bytes()[0], exp);
    // memref in slot 2
    let mut p = [
        Param::None,
        Param::None,
        Param::MemrefInout(Memref::new(vec![1, 2, 3])),
        Param::None,
    ];
    e.invoke(s, PTA_INVOKE_TESTS_CMD_PARAMS, &mut p).unwrap();
    assert_eq!(p[2].memref().unwrap().bytes(), &[6, 2, 3]);
    // value inout in slot 3
    let mut p = [
        Param::None,
        Param::None,
        Param::None,
        Param::ValueInout { a: u32::MAX, b: 2 },
    ];
    e.invoke(s, PTA_INVOKE_TESTS_CMD_PARAMS, &mut p).unwrap();
    assert_eq!(p[3].value(), Some((1, 2)));
    // three inputs, one output in slot 1
    let mut p = [
        Param::ValueInput { a: 1, b: 10 },
        Param::ValueOutput { a: 0, b: 0 },
        Param::ValueInput { a: 2, b: 20 },
        Param::ValueInput { a: 3, b: 30 },
    ];
    e.invoke(s, PTA_INVOKE_TESTS_CMD_PARAMS, &mut p).unwrap();
    assert_eq!(p[1].value(), Some((6, 60)));
    // rejected patterns
    for mut p in [
        no_params(),
        p1(Param::ValueInput { a: 1, b: 1 }),
        [
            Param::ValueInout { a: 1, b: 1 },
            Param::ValueInout { a: 1, b: 1 },
            Param::None,
            Param::None,
        ],
        p1(Param::MemrefInput(Memref::new(vec![1]))),
        p1(Param::MemrefInout(Memref::null(0))),
    ] {
        assert_eq!(
            e.invoke(s, PTA_INVOKE_TESTS_CMD_PARAMS, &mut p),
            Err(TeeError::BAD_PARAMETERS)
        );
    }
}

#[test]
fn invoke_memref_null_like_xtest_1025() {
    let e = env();
    let s = open(&e, PTA_INVOKE_TESTS_UUID, &PUBLIC);
    let mut p = p1(Param::MemrefInout(Memref::null(0)));
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_MEMREF_NULL, &mut p),
        Ok(())
    );
    let mut p = p1(Param::MemrefInout(Memref::zeroed(4)));
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_MEMREF_NULL, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::MemrefInput(Memref::null(0)));
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_MEMREF_NULL, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
}

#[test]
fn invoke_sdp_commands() {
    let e = env();
    let s = open(&e, PTA_INVOKE_TESTS_UUID, &PUBLIC);
    let mk = |o: usize| {
        [
            Param::MemrefInput(Memref::zeroed(8)),
            Param::MemrefOutput(Memref::zeroed(o)),
            Param::None,
            Param::None,
        ]
    };
    let mut p = mk(4);
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC, &mut p),
        Err(TeeError::SHORT_BUFFER)
    );
    assert_eq!(p[1].memref().unwrap().size, 8);
    let mut p = mk(8);
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_COPY_SEC_TO_NSEC, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::MemrefInout(Memref::zeroed(8)));
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
}

fn mutex_call(e: &Env, s: SessionId, kind: u32, rounds: u32) -> (Result<(), TeeError>, (u32, u32)) {
    let mut p = [
        Param::ValueInput { a: kind, b: rounds },
        Param::ValueOutput { a: 0, b: 0 },
        Param::None,
        Param::None,
    ];
    let r = e.invoke(s, PTA_INVOKE_TESTS_CMD_MUTEX, &mut p);
    (r, p[1].value().unwrap())
}

fn run_1003(e: Arc<Env>) -> Vec<Result<(), TeeError>> {
    let mut handles = Vec::new();
    for n in 0..6 {
        let e = e.clone();
        handles.push(std::thread::spawn(move || {
            let s = open(&e, PTA_INVOKE_TESTS_UUID, &PUBLIC);
            let kind = if n % 3 == 0 {
                PTA_MUTEX_TEST_WRITER
            } else {
                PTA_MUTEX_TEST_READER
            };
            let mut out = Vec::new();
            for _ in 0..20 {
                let (r, (_, during)) = mutex_call(&e, s, kind, 64 * 1024);
                out.push(r);
                if kind == PTA_MUTEX_TEST_WRITER && during != 1 {
                    out.push(Err(TeeError::BAD_STATE));
                }
            }
            e.close_session(s).unwrap();
            out
        }));
    }
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

#[test]
fn invoke_mutex_like_xtest_1003() {
    let e = Arc::new(env());
    let results = run_1003(e);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
}

#[test]
fn invoke_mutex_detects_broken_lock() {
    // With a lock that excludes nobody, readers must see a torn val0/val1 at least once.
    let mut failed = false;
    for _ in 0..5 {
        let e = Arc::new(env_with_lock(Arc::new(NoLock)));
        if run_1003(e).iter().any(|r| r.is_err()) {
            failed = true;
            break;
        }
    }
    assert!(failed);
}

#[test]
fn invoke_mutex_bad_params() {
    let e = env();
    let s = open(&e, PTA_INVOKE_TESTS_UUID, &PUBLIC);
    assert_eq!(mutex_call(&e, s, 2, 1).0, Err(TeeError::BAD_PARAMETERS));
    let mut p = p1(Param::ValueInput { a: 0, b: 1 });
    assert_eq!(
        e.invoke(s, PTA_INVOKE_TESTS_CMD_MUTEX, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        mutex_call(&e, s, PTA_MUTEX_TEST_WRITER, 3),
        (Ok(()), (1, 1))
    );
}

// ---------- system ----------

#[test]
fn system_only_for_tas() {
    let e = env();
    for c in [PUBLIC, KERNEL] {
        let r = e.open_session(&Uuid(PTA_SYSTEM_UUID), &c, &mut no_params());
        assert_eq!(r, Err(TeeError::ACCESS_DENIED));
    }
    let s = open(&e, PTA_SYSTEM_UUID, &TA);
    let mut p = p1(Param::MemrefInput(Memref::new(vec![1, 2, 3])));
    assert_eq!(e.invoke(s, PTA_SYSTEM_ADD_RNG_ENTROPY, &mut p), Ok(()));
    let mut p = p1(Param::MemrefInput(Memref::null(0)));
    assert_eq!(
        e.invoke(s, PTA_SYSTEM_ADD_RNG_ENTROPY, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::MemrefInout(Memref::new(vec![1])));
    assert_eq!(
        e.invoke(s, PTA_SYSTEM_ADD_RNG_ENTROPY, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    // Commands on the calling instance need it alive (these services have none).
    for cmd in [1, 2, 3, 10, 11] {
        assert_eq!(
            e.invoke(s, cmd, &mut no_params()),
            Err(TeeError::BAD_STATE),
            "cmd {cmd}"
        );
    }
    assert_eq!(
        e.invoke(s, PTA_SYSTEM_GET_TPM_EVENT_LOG, &mut no_params()),
        Err(TeeError::NOT_SUPPORTED)
    );
    assert_eq!(
        e.invoke(s, PTA_SYSTEM_SUPP_PLUGIN_INVOKE, &mut no_params()),
        Err(TeeError::BAD_PARAMETERS)
    );
    for cmd in [4, 9, 14] {
        assert_eq!(
            e.invoke(s, cmd, &mut no_params()),
            Err(TeeError::NOT_IMPLEMENTED),
            "cmd {cmd}"
        );
    }
}

// ---------- stats ----------

#[test]
fn stats_alloc() {
    let e = env();
    let s = open(&e, STATS_UUID, &PUBLIC);
    let mk = |pool: u32, m: Memref| {
        [
            Param::ValueInput { a: pool, b: 0 },
            Param::MemrefOutput(m),
            Param::None,
            Param::None,
        ]
    };
    let mut p = mk(ALLOC_ID_ALL, Memref::null(0));
    assert_eq!(
        e.invoke(s, STATS_CMD_ALLOC_STATS, &mut p),
        Err(TeeError::SHORT_BUFFER)
    );
    assert_eq!(p[1].memref().unwrap().size, 5 * 56);
    let mut p = mk(ALLOC_ID_HEAP, Memref::zeroed(56));
    assert_eq!(e.invoke(s, STATS_CMD_ALLOC_STATS, &mut p), Ok(()));
    let b = p[1].memref().unwrap().bytes();
    assert_eq!(&b[..5], b"Heap\0");
    assert_eq!(u32::from_le_bytes(b[32..36].try_into().unwrap()), 100);
    assert_eq!(u32::from_le_bytes(b[36..40].try_into().unwrap()), 200);
    assert_eq!(u32::from_le_bytes(b[40..44].try_into().unwrap()), 4096);
    let mut p = mk(6, Memref::zeroed(56));
    assert_eq!(
        e.invoke(s, STATS_CMD_ALLOC_STATS, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::ValueInput { a: 1, b: 0 });
    assert_eq!(
        e.invoke(s, STATS_CMD_ALLOC_STATS, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
}

#[test]
fn stats_other_commands() {
    let e = env();
    let s = open(&e, STATS_UUID, &PUBLIC);
    let vo = || Param::ValueOutput { a: 9, b: 9 };
    let mut p = [vo(), vo(), vo(), Param::None];
    assert_eq!(e.invoke(s, STATS_CMD_PAGER_STATS, &mut p), Ok(()));
    assert_eq!(p[2].value(), Some((0, 0)));
    assert_eq!(
        e.invoke(s, STATS_CMD_PAGER_STATS, &mut no_params()),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        e.invoke(s, STATS_CMD_MEMLEAK_STATS, &mut no_params()),
        Ok(())
    );
    let mut p = p1(vo());
    assert_eq!(
        e.invoke(s, STATS_CMD_MEMLEAK_STATS, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(Param::MemrefOutput(Memref::zeroed(64)));
    assert_eq!(
        e.invoke(s, STATS_CMD_TA_STATS, &mut p),
        Err(TeeError::NOT_SUPPORTED)
    );
    let mut p = [vo(), vo(), Param::None, Param::None];
    assert_eq!(
        e.invoke(s, STATS_CMD_GET_TIME, &mut p),
        Err(TeeError::NOT_SUPPORTED)
    );
    let mut p = p1(Param::ValueInput {
        a: STATS_DRIVER_TYPE_REGULATOR,
        b: 0,
    });
    assert_eq!(e.invoke(s, STATS_CMD_PRINT_DRIVER_INFO, &mut p), Ok(()));
    let mut p = p1(Param::ValueInput { a: 2, b: 0 });
    assert_eq!(
        e.invoke(s, STATS_CMD_PRINT_DRIVER_INFO, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
    let mut p = p1(vo());
    assert_eq!(e.invoke(s, OXTEE_STATS_CMD_THREAD_STATS, &mut p), Ok(()));
    assert_eq!(p[0].value(), Some((1, 8)));
    assert_eq!(
        e.invoke(s, 77, &mut no_params()),
        Err(TeeError::BAD_PARAMETERS)
    );
}

// ---------- DRBG seeding ----------

fn fake_entropy() -> Arc<FakeEntropy> {
    Arc::new(FakeEntropy {
        counter: AtomicU8::new(0),
        fail: AtomicBool::new(false),
    })
}

fn dt_seed(bytes: &[u8]) -> [BootSeed<'_>; 1] {
    [BootSeed {
        origin: "/chosen",
        name: "rng-seed",
        bytes,
    }]
}

fn draw(rng: &SharedRng, n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rng.fill(&mut v).unwrap();
    v
}

#[test]
fn seed_only_rng_needs_a_full_seed() {
    use oxtee_pta::rng::MIN_BOOT_SEED_BYTES;
    assert_eq!(
        SharedRng::with_sources(None, &[]).err(),
        Some(TeeError::NOT_SUPPORTED)
    );
    assert_eq!(
        SharedRng::with_sources(None, &dt_seed(&[7; MIN_BOOT_SEED_BYTES - 1])).err(),
        Some(TeeError::NOT_SUPPORTED)
    );
    let rng = SharedRng::with_sources(None, &dt_seed(&[7; MIN_BOOT_SEED_BYTES])).unwrap();
    assert!(!rng.has_source());
}

#[test]
fn seed_only_rng_keeps_going_and_rekeys() {
    let seed: Vec<u8> = (0..32u8).collect();
    let a = SharedRng::with_sources(None, &dt_seed(&seed)).unwrap();
    let b = SharedRng::with_sources(None, &dt_seed(&seed)).unwrap();
    let mut other = seed.clone();
    other[31] ^= 1;
    let c = SharedRng::with_sources(None, &dt_seed(&other)).unwrap();
    // Deterministic in the seed, different for a different seed, never the seed itself.
    let first = draw(&a, 64);
    assert_eq!(first, draw(&b, 64));
    assert_ne!(first, draw(&c, 64));
    assert!(!first.windows(seed.len()).any(|w| w == seed.as_slice()));
    // Well past the re-seed interval: no source is asked, every request differs, none is zero.
    let mut prev = first;
    for _ in 0..(oxtee_pta::rng::RESEED_INTERVAL as usize / MAX_ENTROPY_REQ_SZ + 4) {
        let next = draw(&a, MAX_ENTROPY_REQ_SZ);
        assert_ne!(next[..64], prev[..64]);
        assert!(next.iter().filter(|&&x| x == 0).count() < MAX_ENTROPY_REQ_SZ / 64);
        prev = next;
    }
}

#[test]
fn sources_are_mixed() {
    let seed = [0x33u8; 32];
    let only_seed = SharedRng::with_sources(None, &dt_seed(&seed)).unwrap();
    let only_src = SharedRng::with_sources(Some(fake_entropy()), &[]).unwrap();
    let both = SharedRng::with_sources(Some(fake_entropy()), &dt_seed(&seed)).unwrap();
    assert!(both.has_source());
    let (x, y, z) = (draw(&only_seed, 32), draw(&only_src, 32), draw(&both, 32));
    assert!(x != y && y != z && x != z);
    // A short seed still counts when a hardware source is there too.
    assert!(SharedRng::with_sources(Some(fake_entropy()), &dt_seed(&[1])).is_ok());
}

#[test]
fn failing_source_is_an_error_never_zeros() {
    let src = fake_entropy();
    src.fail.store(true, Ordering::SeqCst);
    // A failing source is refused at seeding even with a boot seed beside it.
    assert_eq!(
        SharedRng::with_sources(Some(src.clone()), &dt_seed(&[5; 64])).err(),
        Some(TeeError::HEALTH_TEST_FAIL)
    );
    src.fail.store(false, Ordering::SeqCst);
    let rng = SharedRng::with_sources(Some(src.clone()), &dt_seed(&[5; 64])).unwrap();
    src.fail.store(true, Ordering::SeqCst);
    // It fails at the first re-seed, leaving the buffer as it was.
    let mut failed = false;
    for _ in 0..(oxtee_pta::rng::RESEED_INTERVAL as usize / MAX_ENTROPY_REQ_SZ + 2) {
        let mut buf = vec![0xa5u8; MAX_ENTROPY_REQ_SZ];
        match rng.fill(&mut buf) {
            Ok(()) => assert!(buf.iter().filter(|&&x| x == 0).count() < MAX_ENTROPY_REQ_SZ / 64),
            Err(e) => {
                assert_eq!(e, TeeError::HEALTH_TEST_FAIL);
                assert!(buf.iter().all(|&x| x == 0xa5));
                failed = true;
                break;
            }
        }
    }
    assert!(failed);
    let mut d = [0u8; 16];
    assert_eq!(rng.fill_for(b"x", &mut d), Err(TeeError::HEALTH_TEST_FAIL));
    assert_eq!(d, [0; 16]);
}

#[test]
fn domain_outputs_are_separated() {
    let seed = [9u8; 32];
    let a = SharedRng::with_sources(None, &dt_seed(&seed)).unwrap();
    let b = SharedRng::with_sources(None, &dt_seed(&seed)).unwrap();
    let mut x = [0u8; 32];
    let mut y = [0u8; 32];
    a.fill_for(b"linux-rng-seed", &mut x).unwrap();
    b.fill_for(b"linux-kaslr-seed", &mut y).unwrap();
    assert_ne!(x, y);
    // Not what a plain request would have returned from the same state.
    let c = SharedRng::with_sources(None, &dt_seed(&seed)).unwrap();
    assert_ne!(x.to_vec(), draw(&c, 32));
    assert_ne!(x, [0; 32]);
}

#[test]
fn seeds_are_labelled() {
    let two = |a: &[u8], b: &[u8]| {
        let s = [
            BootSeed {
                origin: "/secure-chosen",
                name: "rng-seed",
                bytes: a,
            },
            BootSeed {
                origin: "/chosen",
                name: "rng-seed",
                bytes: b,
            },
        ];
        draw(&SharedRng::with_sources(None, &s).unwrap(), 32)
    };
    let a: Vec<u8> = (0..40).collect();
    // The same bytes split differently between the seeds give different generators.
    assert_ne!(two(&a[..20], &a[20..]), two(&a[..21], &a[21..]));
    // Two seeds that only together reach the minimum are enough.
    assert_eq!(two(&a[..16], &a[16..32]).len(), 32);
    // A short seed still adds to a hardware source.
    assert!(SharedRng::with_sources(Some(fake_entropy()), &dt_seed(&[1])).is_ok());
}

/// `PTA_SYSTEM_ADD_RNG_ENTROPY` input is mixed into the DRBG, never
/// replaces what is there: the same input fed to two generators seeded
/// differently leaves them different, and it changes the stream of the one
/// that received it.
#[test]
fn added_entropy_mixes_in_and_never_replaces_the_state() {
    let seed_a: Vec<u8> = (0..32u8).collect();
    let mut seed_b = seed_a.clone();
    seed_b[0] ^= 1;
    let a = SharedRng::with_sources(None, &dt_seed(&seed_a)).unwrap();
    let a_twin = SharedRng::with_sources(None, &dt_seed(&seed_a)).unwrap();
    let b = SharedRng::with_sources(None, &dt_seed(&seed_b)).unwrap();
    let input = [0x5au8; 64];
    a.add_entropy(&input);
    b.add_entropy(&input);
    let from_a = draw(&a, 64);
    assert_ne!(from_a, draw(&b, 64), "the input did not replace the state");
    assert_ne!(from_a, draw(&a_twin, 64), "the input changed the stream");
    assert!(!from_a.windows(16).any(|w| w == &input[..16]));
    // Through the PTA: the same bytes, a memref of 1..n bytes, any size.
    let e = env();
    let s = open(&e, PTA_SYSTEM_UUID, &TA);
    for n in [1usize, 32, 4096] {
        let mut p = p1(Param::MemrefInput(Memref::new(vec![7; n])));
        assert_eq!(e.invoke(s, PTA_SYSTEM_ADD_RNG_ENTROPY, &mut p), Ok(()));
    }
    // Wrong types in the other slots are refused.
    let mut p: Params = Default::default();
    p[0] = Param::MemrefInput(Memref::new(vec![1]));
    p[1] = Param::ValueInput { a: 0, b: 0 };
    assert_eq!(
        e.invoke(s, PTA_SYSTEM_ADD_RNG_ENTROPY, &mut p),
        Err(TeeError::BAD_PARAMETERS)
    );
}

// ---------- call context ----------

/// A calling TA: records what the system PTA asks of it.
#[derive(Default)]
struct FakeTa {
    mapped: Vec<(u64, u64, u64)>,
    unmapped: Vec<(u64, u64)>,
    loaded: Vec<[u8; 16]>,
    secure_key_buffer: bool,
}

impl CallerTa for FakeTa {
    fn map_zeroed(&mut self, size: u64, before: u64, after: u64) -> Result<u64, TeeError> {
        self.mapped.push((size, before, after));
        Ok(0x1_2345_6000)
    }
    fn unmap(&mut self, va: u64, size: u64) -> Result<(), TeeError> {
        self.unmapped.push((va, size));
        Ok(())
    }
    fn load_library(&mut self, uuid: [u8; 16]) -> Result<(), TeeError> {
        self.loaded.push(uuid);
        Ok(())
    }
    fn find_symbol(&self, module: Option<[u8; 16]>, name: &str) -> Result<u64, TeeError> {
        match (module, name) {
            (None, "f") => Ok(0x4000_1000),
            _ => Err(TeeError::ITEM_NOT_FOUND),
        }
    }
    fn buffer_is_secure_writable(&self, index: usize) -> bool {
        index == 1 && self.secure_key_buffer
    }
}

/// Services of a TA caller: no RPC, the fake TA.
struct TaServices(FakeTa);

impl CallServices for TaServices {
    fn rpc(
        &mut self,
        _cmd: u32,
        _params: &mut [supplicant_proto::optee_msg::OpteeMsgParam],
        _buffer: Option<RpcBuffer<'_>>,
    ) -> Result<u32, TeeError> {
        Err(TeeError::COMMUNICATION)
    }
    fn caller_ta(&mut self) -> Option<&mut dyn CallerTa> {
        Some(&mut self.0)
    }
}

const TA_CALLER: Caller = Caller::Ta {
    instance: 3,
    uuid: Uuid([7; 16]),
};

fn system() -> SystemPta {
    let rng = Arc::new(
        SharedRng::new(Arc::new(FakeEntropy {
            counter: AtomicU8::new(0),
            fail: AtomicBool::new(false),
        }))
        .unwrap(),
    );
    SystemPta::new(rng, [0x11; 16])
}

fn system_call(ta: &mut TaServices, cmd: u32, p: &mut Params) -> Result<(), TeeError> {
    let mut cx = CallContext {
        client: TA,
        caller: TA_CALLER,
        services: ta,
    };
    system().invoke(SessionCtx(0), cmd, p, &mut cx)
}

#[test]
fn system_acts_on_the_calling_ta() {
    let mut ta = TaServices(FakeTa::default());
    let mut p: Params = [
        Param::ValueInput { a: 5000, b: 0 },
        Param::ValueInout { a: 0, b: 0 },
        Param::ValueInput { a: 4096, b: 8192 },
        Param::None,
    ];
    system_call(&mut ta, PTA_SYSTEM_MAP_ZI, &mut p).unwrap();
    assert_eq!(ta.0.mapped, vec![(5000, 4096, 8192)]);
    assert_eq!(p[1].value(), Some((1, 0x2345_6000)));
    let mut p: Params = [
        Param::ValueInput { a: 8192, b: 0 },
        Param::ValueInput {
            a: 1,
            b: 0x2345_6000,
        },
        Param::None,
        Param::None,
    ];
    system_call(&mut ta, PTA_SYSTEM_UNMAP, &mut p).unwrap();
    assert_eq!(ta.0.unmapped, vec![(0x1_2345_6000, 8192)]);
    // dlopen: the library's TEE_UUID struct becomes RFC 4122 octets.
    let raw = [4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16];
    let mut p: Params = [
        Param::MemrefInput(Memref::new(raw.to_vec())),
        Param::ValueInput { a: 0x1102, b: 0 },
        Param::None,
        Param::None,
    ];
    system_call(&mut ta, PTA_SYSTEM_DLOPEN, &mut p).unwrap();
    assert_eq!(
        ta.0.loaded,
        vec![[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]]
    );
    let mut p: Params = [
        Param::MemrefInput(Memref::null(0)),
        Param::MemrefInput(Memref::new(b"f\0".to_vec())),
        Param::ValueOutput { a: 0, b: 0 },
        Param::None,
    ];
    system_call(&mut ta, PTA_SYSTEM_DLSYM, &mut p).unwrap();
    assert_eq!(p[2].value(), Some((0, 0x4000_1000)));
}

#[test]
fn unique_key_depends_on_the_caller_and_needs_a_secure_buffer() {
    let key_params = || -> Params {
        [
            Param::MemrefInput(Memref::new(b"extra".to_vec())),
            Param::MemrefOutput(Memref::zeroed(32)),
            Param::None,
            Param::None,
        ]
    };
    // Into memory the normal world shared: refused.
    let mut ta = TaServices(FakeTa::default());
    let mut p = key_params();
    assert_eq!(
        system_call(&mut ta, PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY, &mut p),
        Err(TeeError::SECURITY)
    );
    ta.0.secure_key_buffer = true;
    let mut p = key_params();
    system_call(&mut ta, PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY, &mut p).unwrap();
    let key = p[1].memref().unwrap().bytes().to_vec();
    assert_eq!(key.len(), 32);
    assert_ne!(key, vec![0; 32]);
    // Another TA (another UUID) gets another key from the same input.
    let other = Caller::Ta {
        instance: 3,
        uuid: Uuid([8; 16]),
    };
    let mut p = key_params();
    let mut cx = CallContext {
        client: TA,
        caller: other,
        services: &mut ta,
    };
    system()
        .invoke(
            SessionCtx(0),
            PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY,
            &mut p,
            &mut cx,
        )
        .unwrap();
    assert_ne!(p[1].memref().unwrap().bytes(), &key[..]);
}

/// A PTA that records who calls it.
#[derive(Default)]
struct Witness(Mutex<Vec<(&'static str, ClientIdentity, Caller)>>);

impl Pta for Witness {
    fn uuid(&self) -> Uuid {
        Uuid([0x77; 16])
    }
    fn open_session(
        &self,
        _: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<SessionCtx, TeeError> {
        self.0.lock().unwrap().push(("open", cx.client, cx.caller));
        Ok(SessionCtx(0))
    }
    fn invoke(
        &self,
        _: SessionCtx,
        _cmd: u32,
        _: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError> {
        self.0
            .lock()
            .unwrap()
            .push(("invoke", cx.client, cx.caller));
        Ok(())
    }
    fn close_session(&self, _: SessionCtx, cx: &mut CallContext<'_>) {
        self.0.lock().unwrap().push(("close", cx.client, cx.caller));
    }
}

#[test]
fn a_pta_sees_its_caller_and_only_the_opener_may_use_a_session() {
    let witness = Arc::new(Witness::default());
    let mut reg = PtaRegistry::new();
    reg.register(witness.clone()).unwrap();
    let uuid = Uuid([0x77; 16]);
    let mut p = no_params();
    let ta = reg
        .open_session(&uuid, &TA, TA_CALLER, &mut p, &mut NoServices)
        .unwrap();
    let nw = reg
        .open_session(&uuid, &PUBLIC, Caller::NormalWorld, &mut p, &mut NoServices)
        .unwrap();
    let other_ta = Caller::Ta {
        instance: 4,
        uuid: Uuid([7; 16]),
    };
    // Another instance of the same TA, or the normal world, may not use the TA's session.
    for caller in [other_ta, Caller::NormalWorld] {
        assert_eq!(
            reg.invoke(ta, caller, 0, &mut p, &mut NoServices),
            Err(TeeError::BAD_PARAMETERS)
        );
        assert_eq!(
            reg.close_session(ta, caller, &mut NoServices),
            Err(TeeError::BAD_PARAMETERS)
        );
    }
    assert_eq!(
        reg.invoke(nw, TA_CALLER, 0, &mut p, &mut NoServices),
        Err(TeeError::BAD_PARAMETERS)
    );
    reg.invoke(ta, TA_CALLER, 0, &mut p, &mut NoServices)
        .unwrap();
    reg.invoke(nw, Caller::NormalWorld, 0, &mut p, &mut NoServices)
        .unwrap();
    reg.close_session(ta, TA_CALLER, &mut NoServices).unwrap();
    let seen = witness.0.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            ("open", TA, TA_CALLER),
            ("open", PUBLIC, Caller::NormalWorld),
            ("invoke", TA, TA_CALLER),
            ("invoke", PUBLIC, Caller::NormalWorld),
            ("close", TA, TA_CALLER),
        ]
    );
}

#[test]
fn a_normal_world_client_with_the_ta_login_is_not_a_ta() {
    let e = env();
    // The login is what the client claims; the caller is who it is.
    let r = e.reg.open_session(
        &Uuid(PTA_SYSTEM_UUID),
        &TA,
        Caller::NormalWorld,
        &mut no_params(),
        &mut NoServices,
    );
    assert_eq!(r, Err(TeeError::ACCESS_DENIED));
}
