//! End-to-end tests of yielding calls as Linux's optee driver makes them,
//! against a fake normal-world RAM, including hostile arguments.

use std::collections::BTreeMap;
use std::sync::Arc;

use oxtee_kernel::call::{yielding_call, Kernel};
use oxtee_kernel::rpc::{get_ree_time, release_arg_area, Rpc, RpcArgArea};
use oxtee_pta::invoke_tests::{InvokeTestsPta, TestRwLock};
use oxtee_pta::{PtaRegistry, TeeError};
use oxtee_shm::{MemError, MemLayout, PhysMem, RegistryLimits, ShmRegistry};
use oxtee_thread::RpcKind;
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_smc::*;
use supplicant_proto::pta::PTA_INVOKE_TESTS_UUID;
use supplicant_proto::tee_result::*;

const RAM: std::ops::Range<u64> = 0x4000_0000..0x4100_0000;

/// Sparse fake RAM, 4 KiB pages created on write; remembers the ranges read.
#[derive(Default)]
struct FakeRam(
    BTreeMap<u64, Vec<u8>>,
    std::cell::RefCell<Vec<(u64, usize)>>,
);

impl PhysMem for FakeRam {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        self.1.borrow_mut().push((pa, buf.len()));
        for (i, b) in buf.iter_mut().enumerate() {
            let a = pa + i as u64;
            if !RAM.contains(&a) {
                return Err(MemError::OutOfRange);
            }
            *b = self
                .0
                .get(&(a & !0xfff))
                .map_or(0, |p| p[(a & 0xfff) as usize]);
        }
        Ok(())
    }
    fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError> {
        for (i, b) in data.iter().enumerate() {
            let a = pa + i as u64;
            if !RAM.contains(&a) {
                return Err(MemError::OutOfRange);
            }
            self.0.entry(a & !0xfff).or_insert_with(|| vec![0; 4096])[(a & 0xfff) as usize] = *b;
        }
        Ok(())
    }
}

/// An RPC handle that answers GET_TIME like Linux's driver.
#[derive(Default)]
struct FakeRpc {
    area: Option<RpcArgArea>,
    ram: Option<*mut FakeRam>,
    exits: Vec<RpcKind>,
    /// The TA store: files tee-supplicant would serve, by UUID octets.
    store: BTreeMap<[u8; 16], Vec<u8>>,
    /// RPC commands seen, in order.
    cmds: Vec<u32>,
    /// PA and cookie answered to `RPC_FUNC_ALLOC` (PA 0: allocation fails).
    alloc: (u64, u64),
}

/// Where the fake driver allocates APPL shared memory.
const SUPP_BUF: u64 = 0x40c0_0000;
const SUPP_LIST: u64 = 0x40b0_0000;

impl Rpc for FakeRpc {
    fn foreign_intr_pending(&self) -> bool {
        false
    }
    fn rpc(&mut self, kind: RpcKind) -> [u64; 4] {
        self.exits.push(kind);
        if let RpcKind::Alloc { .. } = kind {
            let (pa, cookie) = self.alloc;
            return [
                pa >> 32,
                pa & 0xffff_ffff,
                cookie >> 32,
                cookie & 0xffff_ffff,
            ];
        }
        let area = self.area.as_ref().and_then(RpcArgArea::message);
        if let (RpcKind::Cmd { .. }, Some((buf, offset, _)), Some(ram)) = (kind, area, self.ram) {
            // SAFETY: test only; the RAM outlives the call and no other borrow of it is live.
            let ram = unsafe { &mut *ram };
            let mut msg = [0u8; 32 + 4 * 32];
            buf.read_at(ram, offset, &mut msg).unwrap();
            let word = |m: &[u8], o: usize| u64::from_le_bytes(m[o..o + 8].try_into().unwrap());
            let cmd = u32::from_le_bytes(msg[0..4].try_into().unwrap());
            self.cmds.push(cmd);
            // Param i: attr at 32 + 32 i, then u0, u1, u2.
            let p = |i: usize| 32 + 32 * i;
            let mut ret = 0u32;
            match cmd {
                3 => {
                    msg[p(0) + 8..p(0) + 16].copy_from_slice(&1_795_000_000u64.to_le_bytes());
                    msg[p(0) + 16..p(0) + 24].copy_from_slice(&123_000_000u64.to_le_bytes());
                }
                0 => {
                    // LOAD_TA: v[0] = uuid octets, m[1] = output buffer.
                    let mut uuid = [0u8; 16];
                    uuid[..8].copy_from_slice(&msg[p(0) + 8..p(0) + 16]);
                    uuid[8..].copy_from_slice(&msg[p(0) + 16..p(0) + 24]);
                    match self.store.get(&uuid) {
                        None => ret = TEE_ERROR_ITEM_NOT_FOUND,
                        Some(file) => {
                            let attr = word(&msg, p(1));
                            let (ptr, size) = (word(&msg, p(1) + 8), word(&msg, p(1) + 16));
                            if size as usize >= file.len() {
                                if attr == OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT {
                                    // Offset `ptr` into the buffer SHM_ALLOC gave.
                                    ram.write(SUPP_BUF + ptr, file).unwrap();
                                } else if ptr != 0 {
                                    ram.write(ptr, file).unwrap();
                                }
                            }
                            let len = (file.len() as u64).to_le_bytes();
                            msg[p(1) + 16..p(1) + 24].copy_from_slice(&len);
                        }
                    }
                }
                6 => {
                    // SHM_ALLOC: answer a page list like Linux's driver does.
                    let size = word(&msg, p(0) + 16);
                    let pages = size.div_ceil(4096);
                    let list: Vec<u8> = (0..pages)
                        .flat_map(|i| (SUPP_BUF + i * 4096).to_le_bytes())
                        .collect();
                    ram.write(SUPP_LIST, &list).unwrap();
                    let attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG;
                    msg[p(0)..p(0) + 8].copy_from_slice(&attr.to_le_bytes());
                    msg[p(0) + 8..p(0) + 16].copy_from_slice(&SUPP_LIST.to_le_bytes());
                    msg[p(0) + 16..p(0) + 24].copy_from_slice(&size.to_le_bytes());
                    msg[p(0) + 24..p(0) + 32].copy_from_slice(&0x5eed_u64.to_le_bytes());
                }
                7 => {}
                other => panic!("unexpected RPC command {other}"),
            }
            msg[20..24].copy_from_slice(&ret.to_le_bytes());
            buf.write_at(ram, offset, &msg).unwrap();
        }
        [0; 4]
    }
    fn arg_area(&self) -> Option<&RpcArgArea> {
        self.area.as_ref()
    }
    fn set_arg_area(&mut self, a: Option<RpcArgArea>) -> Option<RpcArgArea> {
        std::mem::replace(&mut self.area, a)
    }
}

struct NoLock;
impl TestRwLock for NoLock {
    fn with_write(&self, f: &mut dyn FnMut()) {
        f()
    }
    fn with_read(&self, f: &mut dyn FnMut()) {
        f()
    }
}

fn kernel() -> Kernel {
    let layout = MemLayout {
        ns_ram: RAM,
        secure_ram: 0x0e00_0000..0x0f00_0000,
        static_shm: None,
    };
    let mut ptas = PtaRegistry::new();
    ptas.register(Arc::new(InvokeTestsPta::new(Arc::new(NoLock), None, None)))
        .unwrap();
    Kernel::new(
        ShmRegistry::new(layout, RegistryLimits::default()),
        ptas,
        Vec::new(),
    )
}

fn regs(fid: u32, a1: u64, a2: u64, a3: u64) -> [u64; 8] {
    [u64::from(fid), a1, a2, a3, 0, 0, 0, 0]
}

fn arg(cmd: u32, session: u32, func: u32, params: &[(u64, [u64; 3])]) -> Vec<u8> {
    let mut v = vec![0u8; 32];
    v[0..4].copy_from_slice(&cmd.to_le_bytes());
    v[4..8].copy_from_slice(&func.to_le_bytes());
    v[8..12].copy_from_slice(&session.to_le_bytes());
    v[28..32].copy_from_slice(&(params.len() as u32).to_le_bytes());
    for (attr, u) in params {
        v.extend_from_slice(&attr.to_le_bytes());
        for w in u {
            v.extend_from_slice(&w.to_le_bytes());
        }
    }
    v
}

/// An OPEN_SESSION argument for the invoke-tests PTA, login public.
fn open_invoke_tests_arg() -> Vec<u8> {
    let meta = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
    let uuid = PTA_INVOKE_TESTS_UUID;
    let u0 = u64::from_le_bytes(uuid[0..8].try_into().unwrap());
    let u1 = u64::from_le_bytes(uuid[8..16].try_into().unwrap());
    arg(
        OPTEE_MSG_CMD_OPEN_SESSION,
        0,
        0,
        &[(meta, [u0, u1, 0]), (meta, [0, 0, 0])],
    )
}

fn ret_of(ram: &FakeRam, pa: u64) -> (u32, u32) {
    let mut b = [0u8; 8];
    ram.read(pa + 20, &mut b).unwrap();
    (
        u32::from_le_bytes(b[0..4].try_into().unwrap()),
        u32::from_le_bytes(b[4..8].try_into().unwrap()),
    )
}

/// Registers `pages` 4 KiB pages starting at `data` under `cookie`, the way
/// Linux does (page list in its own page, CALL_WITH_RPC_ARG).
fn register(
    k: &Kernel,
    ram: &mut FakeRam,
    rpc: &mut FakeRpc,
    cookie: u64,
    data: u64,
    pages: u64,
) -> (u64, u32) {
    let list = 0x4080_0000;
    let mut entries = Vec::new();
    for i in 0..pages {
        entries.extend_from_slice(&(data + i * 4096).to_le_bytes());
    }
    ram.write(list, &entries).unwrap();
    let attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG;
    let a = arg(
        OPTEE_MSG_CMD_REGISTER_SHM,
        0,
        0,
        &[(attr, [list, pages * 4096, cookie])],
    );
    let argpa = 0x4090_0000;
    ram.write(argpa, &a).unwrap();
    let out = yielding_call(k, &regs(OPTEE_SMC_CALL_WITH_RPC_ARG, 0, argpa, 0), ram, rpc);
    (out[0], ret_of(ram, argpa).0)
}

#[test]
fn linux_like_session_and_rpc() {
    let k = kernel();
    let mut ram = FakeRam::default();
    let mut rpc = FakeRpc::default();
    // Argument page registered, as Linux does for CALL_WITH_REGD_ARG.
    let (a0, ret) = register(&k, &mut ram, &mut rpc, 0xc0ffee, 0x4000_0000, 1);
    assert_eq!((a0, ret), (0, TEE_SUCCESS));
    // Open a session to the invoke-tests PTA at offset 384 of that page.
    let a = open_invoke_tests_arg();
    ram.write(0x4000_0000 + 384, &a).unwrap();
    let out = yielding_call(
        &k,
        &regs(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0xc0ffee, 384),
        &mut ram,
        &mut rpc,
    );
    assert_eq!(out[0], 0);
    assert_eq!(
        ret_of(&ram, 0x4000_0000 + 384),
        (TEE_SUCCESS, TEE_ORIGIN_TEE)
    );
    let mut s = [0u8; 4];
    ram.read(0x4000_0000 + 384 + 8, &mut s).unwrap();
    let session = u32::from_le_bytes(s);
    assert_ne!(session, 0);
    // Invoke PARAMS (1) with a value in/out: answers a + b.
    let a = arg(
        OPTEE_MSG_CMD_INVOKE_COMMAND,
        session,
        1,
        &[(OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, [2, 3, 0])],
    );
    ram.write(0x4000_0000 + 768, &a).unwrap();
    let out = yielding_call(
        &k,
        &regs(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0xc0ffee, 768),
        &mut ram,
        &mut rpc,
    );
    assert_eq!(out[0], 0);
    assert_eq!(ret_of(&ram, 0x4000_0000 + 768).0, TEE_SUCCESS);
    // An RPC from inside a call reaches the normal world through the RPC arg
    // right after the call's arg.
    let area_buf = k.shm().lock().lookup(0xc0ffee, 0, 4096).unwrap();
    rpc.ram = Some(&mut ram as *mut FakeRam);
    rpc.set_arg_area(Some(RpcArgArea::Supplied {
        buf: area_buf,
        offset: 32 + 32,
    }));
    let (secs, nanos) = get_ree_time(&mut rpc, &mut ram).unwrap();
    assert_eq!((secs, nanos), (1_795_000_000, 123_000_000));
    // A user TA that the store does not have: its answer comes back.
    let missing = [7u8; 16];
    let versions = oxtee_kernel::ta_load::Versions {
        cache: k.ta_versions(),
        store: None,
    };
    let r = oxtee_kernel::ta_load::load_ta(&mut rpc, &mut ram, k.shm(), missing, &[], &versions);
    assert_eq!(r.err(), Some(TeeError::ITEM_NOT_FOUND));
    // A file that is not a signed TA: fetched through the full exchange
    // (size query, SHM_ALLOC, load, SHM_FREE), then refused.
    rpc.store.insert([9u8; 16], vec![0xa5; 3000]);
    rpc.cmds.clear();
    let r = oxtee_kernel::ta_load::load_ta(&mut rpc, &mut ram, k.shm(), [9u8; 16], &[], &versions);
    assert_eq!(r.err(), Some(TeeError::SECURITY));
    assert_eq!(rpc.cmds, vec![0, 6, 0, 7]);
    // GET_TIME, then LOAD_TA (missing), then LOAD_TA, SHM_ALLOC, LOAD_TA, SHM_FREE.
    assert_eq!(rpc.exits, vec![RpcKind::Cmd { cookie: 0 }; 6]);
    let Some(RpcArgArea::Supplied { buf, .. }) = rpc.set_arg_area(None) else {
        panic!("the supplied RPC argument is gone")
    };
    k.shm().lock().release(buf).unwrap();
    // Close, then a second close of the same session is refused.
    let a = arg(OPTEE_MSG_CMD_CLOSE_SESSION, session, 0, &[]);
    ram.write(0x4000_0000 + 1152, &a).unwrap();
    yielding_call(
        &k,
        &regs(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0xc0ffee, 1152),
        &mut ram,
        &mut rpc,
    );
    assert_eq!(ret_of(&ram, 0x4000_0000 + 1152).0, TEE_SUCCESS);
    ram.write(0x4000_0000 + 1152, &a).unwrap();
    yielding_call(
        &k,
        &regs(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0xc0ffee, 1152),
        &mut ram,
        &mut rpc,
    );
    assert_eq!(ret_of(&ram, 0x4000_0000 + 1152).0, TEE_ERROR_BAD_PARAMETERS);
}

/// A call copies in its header and the params the header announces, not the
/// rest of the registered buffer the argument sits in (a whole page here).
#[test]
fn argument_copied_in_to_its_last_param() {
    let k = kernel();
    let mut ram = FakeRam::default();
    let mut rpc = FakeRpc::default();
    let page = 0x4000_0000;
    assert_eq!(
        register(&k, &mut ram, &mut rpc, 0xbeef, page, 1),
        (0, TEE_SUCCESS)
    );
    let a = open_invoke_tests_arg();
    ram.write(page, &a).unwrap();
    yielding_call(
        &k,
        &regs(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0xbeef, 0),
        &mut ram,
        &mut rpc,
    );
    let mut s = [0u8; 4];
    ram.read(page + 8, &mut s).unwrap();
    let session = u32::from_le_bytes(s);
    let a = arg(
        OPTEE_MSG_CMD_INVOKE_COMMAND,
        session,
        1,
        &[(OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, [2, 3, 0])],
    );
    ram.write(page + 512, &a).unwrap();
    ram.1.borrow_mut().clear();
    let out = yielding_call(
        &k,
        &regs(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0xbeef, 512),
        &mut ram,
        &mut rpc,
    );
    assert_eq!(out[0], 0);
    assert_eq!(ret_of(&ram, page + 512).0, TEE_SUCCESS);
    let mut v = [0u8; 8];
    ram.read(page + 512 + 32 + 8, &mut v).unwrap();
    assert_eq!(u64::from_le_bytes(v), 5);
    let reads = ram.1.borrow();
    let arg_reads: Vec<_> = reads
        .iter()
        .filter(|(pa, _)| (page..page + 4096).contains(pa))
        .collect();
    assert!(!arg_reads.is_empty());
    for &&(pa, len) in &arg_reads {
        assert!(
            pa >= page + 512 && pa + len as u64 <= page + 512 + 64,
            "read {pa:#x}+{len}"
        );
    }
}

#[test]
fn hostile_arguments() {
    let k = kernel();
    let mut ram = FakeRam::default();
    let mut rpc = FakeRpc::default();
    let call = |k: &Kernel, ram: &mut FakeRam, rpc: &mut FakeRpc, r: [u64; 8]| {
        yielding_call(k, &r, ram, rpc)[0]
    };
    let ebadaddr = u64::from(OPTEE_SMC_RETURN_EBADADDR);
    // Argument not page aligned, in secure RAM, outside RAM.
    assert_eq!(
        call(
            &k,
            &mut ram,
            &mut rpc,
            regs(OPTEE_SMC_CALL_WITH_ARG, 0, 0x4000_0008, 0)
        ),
        ebadaddr
    );
    assert_eq!(
        call(
            &k,
            &mut ram,
            &mut rpc,
            regs(OPTEE_SMC_CALL_WITH_ARG, 0, 0x0e10_0000, 0)
        ),
        ebadaddr
    );
    assert_eq!(
        call(
            &k,
            &mut ram,
            &mut rpc,
            regs(OPTEE_SMC_CALL_WITH_RPC_ARG, 1, 0, 0)
        ),
        ebadaddr
    );
    // Unknown cookie for CALL_WITH_REGD_ARG.
    assert_eq!(
        call(
            &k,
            &mut ram,
            &mut rpc,
            regs(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 77, 0)
        ),
        ebadaddr
    );
    // Too many params.
    let mut a = arg(OPTEE_MSG_CMD_INVOKE_COMMAND, 1, 0, &[]);
    a[28..32].copy_from_slice(&200u32.to_le_bytes());
    ram.write(0x4010_0000, &a).unwrap();
    assert_eq!(
        call(
            &k,
            &mut ram,
            &mut rpc,
            regs(OPTEE_SMC_CALL_WITH_ARG, 0, 0x4010_0000, 0)
        ),
        ebadaddr
    );
    // Unknown command.
    let a = arg(0x55, 0, 0, &[]);
    ram.write(0x4010_0000, &a).unwrap();
    assert_eq!(
        call(
            &k,
            &mut ram,
            &mut rpc,
            regs(OPTEE_SMC_CALL_WITH_ARG, 0, 0x4010_0000, 0)
        ),
        u64::from(OPTEE_SMC_RETURN_EBADCMD)
    );
    // Register a page list pointing into secure RAM: refused, nothing registered.
    let (a0, ret) = register(&k, &mut ram, &mut rpc, 5, 0x0e10_0000, 1);
    assert_eq!(a0, 0);
    assert_eq!(ret, TEE_ERROR_BAD_PARAMETERS);
    assert!(k.shm().lock().is_empty());
    // Double unregister.
    assert_eq!(
        register(&k, &mut ram, &mut rpc, 6, 0x4020_0000, 2).1,
        TEE_SUCCESS
    );
    let a = arg(
        OPTEE_MSG_CMD_UNREGISTER_SHM,
        0,
        0,
        &[(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, [0, 0, 6])],
    );
    ram.write(0x4010_0000, &a).unwrap();
    call(
        &k,
        &mut ram,
        &mut rpc,
        regs(OPTEE_SMC_CALL_WITH_RPC_ARG, 0, 0x4010_0000, 0),
    );
    assert_eq!(ret_of(&ram, 0x4010_0000).0, TEE_SUCCESS);
    ram.write(0x4010_0000, &a).unwrap();
    call(
        &k,
        &mut ram,
        &mut rpc,
        regs(OPTEE_SMC_CALL_WITH_RPC_ARG, 0, 0x4010_0000, 0),
    );
    assert_eq!(ret_of(&ram, 0x4010_0000).0, TEE_ERROR_BAD_PARAMETERS);
    // Invoke on a session that does not exist.
    let a = arg(OPTEE_MSG_CMD_INVOKE_COMMAND, 999, 1, &[]);
    ram.write(0x4010_0000, &a).unwrap();
    call(
        &k,
        &mut ram,
        &mut rpc,
        regs(OPTEE_SMC_CALL_WITH_ARG, 0, 0x4010_0000, 0),
    );
    assert_eq!(ret_of(&ram, 0x4010_0000).0, TEE_ERROR_BAD_PARAMETERS);
    // A memref window past the end of registered memory.
    assert_eq!(
        register(&k, &mut ram, &mut rpc, 8, 0x4030_0000, 1).1,
        TEE_SUCCESS
    );
    let a = arg(
        OPTEE_MSG_CMD_INVOKE_COMMAND,
        999,
        1,
        &[(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, [4000, 200, 8])],
    );
    ram.write(0x4010_0000, &a).unwrap();
    call(
        &k,
        &mut ram,
        &mut rpc,
        regs(OPTEE_SMC_CALL_WITH_ARG, 0, 0x4010_0000, 0),
    );
    assert_ne!(ret_of(&ram, 0x4010_0000).0, TEE_SUCCESS);
    // Nothing leaked: the buffer is unused and can be unregistered.
    assert_eq!(k.shm().lock().users(8), Some(0));
}

/// Plain `CALL_WITH_ARG` (U-Boot, kernels without `SEC_CAP_RPC_ARG`): the RPC
/// argument is asked from the normal world on first use, its cookie names
/// it in the command, and it is given back when the call ends.
#[test]
fn rpc_argument_allocated_on_demand() {
    let k = kernel();
    let mut ram = FakeRam::default();
    let mut rpc = FakeRpc {
        alloc: (0x4050_0000, 0x77),
        ..FakeRpc::default()
    };
    rpc.ram = Some(&mut ram as *mut FakeRam);
    let layout = k.shm().lock().layout().clone();
    rpc.set_arg_area(Some(RpcArgArea::OnDemand {
        layout: layout.clone(),
    }));
    let (secs, _) = get_ree_time(&mut rpc, &mut ram).unwrap();
    assert_eq!(secs, 1_795_000_000);
    // A second command reuses the buffer.
    get_ree_time(&mut rpc, &mut ram).unwrap();
    assert!(release_arg_area(&mut rpc).is_none());
    assert_eq!(
        rpc.exits,
        vec![
            RpcKind::Alloc { size: 160 },
            RpcKind::Cmd { cookie: 0x77 },
            RpcKind::Cmd { cookie: 0x77 },
            RpcKind::Free { cookie: 0x77 },
        ]
    );

    // An answer in secure RAM is refused and handed back at once.
    for (pa, want) in [
        (0x0e10_0000, TEE_ERROR_BAD_PARAMETERS),
        (0x4050_0004, TEE_ERROR_BAD_PARAMETERS),
        (0x7fff_fff0, TEE_ERROR_BAD_PARAMETERS),
        (0, TEE_ERROR_OUT_OF_MEMORY),
    ] {
        rpc.exits.clear();
        rpc.alloc = (pa, 0x78);
        rpc.set_arg_area(Some(RpcArgArea::OnDemand {
            layout: layout.clone(),
        }));
        assert_eq!(
            get_ree_time(&mut rpc, &mut ram),
            Err(TeeError::from_code(want)),
            "PA {pa:#x}"
        );
        let mut expect = vec![RpcKind::Alloc { size: 160 }];
        if pa != 0 {
            expect.push(RpcKind::Free { cookie: 0x78 });
        }
        assert_eq!(rpc.exits, expect, "PA {pa:#x}");
        release_arg_area(&mut rpc);
    }

    // Without any RPC argument (none supplied, none to ask for): refused.
    rpc.exits.clear();
    rpc.set_arg_area(None);
    assert_eq!(
        get_ree_time(&mut rpc, &mut ram),
        Err(TeeError::NOT_SUPPORTED)
    );
    assert!(rpc.exits.is_empty());
}
