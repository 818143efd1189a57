//! The user-TA runtime end to end on the host: a real signed TA is fetched
//! through a fake tee-supplicant, verified, loaded and "run" by a fake
//! machine whose TA is a script issuing system calls.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use oxtee_kernel::user_ta::hw::Trap;
use oxtee_kernel::user_ta::params::UteeParams;
use oxtee_pta::{Memref, Param, Params};
use supplicant_proto::tee_result::*;

// System call numbers (OP-TEE 4.5).
const SYS_LOG: u64 = 1;
const SYS_OPEN_TA_SESSION: u64 = 5;
const SYS_CLOSE_TA_SESSION: u64 = 6;
const SYS_INVOKE_TA_COMMAND: u64 = 7;
const SYS_CHECK_ACCESS_RIGHTS: u64 = 8;
const SYS_GET_CANCELLATION_FLAG: u64 = 9;
const SYS_UNMASK_CANCELLATION: u64 = 10;
const SYS_MASK_CANCELLATION: u64 = 11;
const SYS_WAIT: u64 = 12;
const SYS_GET_TIME: u64 = 13;
const SYS_SET_TA_TIME: u64 = 14;
const SYS_RANDOM: u64 = 33;

const R: u64 = 1;
const W: u64 = 2;
const ANY: u64 = 4;
const NS: u64 = 0x1000_0000;
const SEC: u64 = 0x2000_0000;
const INFINITE: u64 = 0xffff_ffff;

const ORIGIN_TEE: u32 = TEE_ORIGIN_TEE;
const ORIGIN_TA: u32 = TEE_ORIGIN_TRUSTED_APP;

/// The command on which [`program`] runs its steps.
const CMD_PROGRAM: u32 = 99;

type Step = Box<dyn Fn(&mut Ta<'_>) -> Trap + Send + Sync>;

/// One system call with fixed arguments.
fn sc(nr: u64, args: &[u64]) -> Step {
    let args = args.to_vec();
    Box::new(move |ta| ta.syscall(nr, &args))
}

/// A TA whose open and close entries succeed and whose `CMD_PROGRAM`
/// runs `steps` (one per run), then returns SUCCESS.
fn program(steps: Vec<Step>) -> impl Fn(&mut Ta<'_>) -> Trap + Send + Sync {
    move |ta| {
        if ta.func() != 2 || ta.cmd() != CMD_PROGRAM {
            return ta.ret(0);
        }
        match steps.get(ta.step as usize) {
            Some(s) => s(ta),
            None => ta.ret(0),
        }
    }
}

/// Runs `calls` in the TA of session `id` and returns their x0 results.
fn run_calls(w: &mut World, id: u32, calls: &[(u64, Vec<u64>)]) -> Vec<u64> {
    let steps = calls.iter().map(|(nr, a)| sc(*nr, a)).collect();
    w.hw.set_script(program(steps));
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    w.hw.take_results().into_iter().map(|(_, x0)| x0).collect()
}

fn page_up(v: u64) -> u64 {
    (v + 0xfff) & !0xfff
}

fn r(code: u32) -> u64 {
    u64::from(code)
}

/// Writes the `TEE_Time` {secs, millis} at `va`.
fn put_time(ta: &Ta<'_>, va: u64, secs: u32, millis: u32) {
    let mut b = secs.to_le_bytes().to_vec();
    b.extend_from_slice(&millis.to_le_bytes());
    assert!(ta.write(va, &b));
}

fn time_at(ta: &Ta<'_>, va: u64) -> (u32, u32) {
    (ta.read_u32(va).unwrap(), ta.read_u32(va + 4).unwrap())
}

#[test]
fn open_invoke_close_with_values_and_memrefs() {
    let mut w = World::new();
    assert_eq!(w.frames_used(), 0);
    w.hw.irq_every.store(3, Ordering::Relaxed);
    w.hw.set_script(|ta| match ta.func() {
        // Open: one value input.
        0 => {
            let p = ta.params();
            assert_eq!(p.types, [1, 0, 0, 0]);
            assert_eq!((p.a[0], p.b[0]), (42, 43));
            ta.ret(0)
        }
        2 if ta.cmd() == 1 => {
            let mut p = ta.params();
            assert_eq!(p.types, [3, 5, 6, 7]);
            assert_eq!((p.a[0], p.b[0]), (2, 3));
            // Memrefs: the client's pages mapped into the parameter window
            // at the client's offset, a guard page before each, with their
            // sizes; never in the TA's own mappings.
            let mut at = PARAMS_START;
            for n in 1..4 {
                assert_eq!(p.a[n], at + 0x1000 + CLIENT_OFFSET, "memref {n}");
                at = p.a[n] - CLIENT_OFFSET + page_up(p.b[n] + CLIENT_OFFSET);
                assert!(
                    ta.read(p.a[n] - CLIENT_OFFSET - 1, 1).is_none(),
                    "guard page"
                );
                assert!(ta.maps().iter().all(|m| m.va + m.size <= PARAMS_START));
            }
            assert_eq!(p.b[1], 11);
            assert_eq!(ta.read(p.a[1], 11).unwrap(), b"hello input");
            // An input is read-only: the TA's store faults (nothing written).
            assert!(!ta.write(p.a[1], b"X"), "input memref writable");
            assert_eq!(p.b[2], 16);
            assert_eq!(ta.read(p.a[2], 16).unwrap(), vec![0; 16]);
            assert_eq!(p.b[3], 8);
            assert_eq!(ta.read(p.a[3], 3).unwrap(), b"abc");
            // Outputs.
            p.a[0] += p.b[0];
            p.b[0] = 7;
            assert!(ta.write(p.a[2], b"0123456789"));
            p.b[2] = 10;
            assert!(ta.write(p.a[3], b"ABCD"));
            p.b[3] = 4;
            ta.set_params(&p);
            ta.ret(0)
        }
        2 if ta.cmd() == 2 => {
            // Too small: ask for 100 bytes.
            let mut p = ta.params();
            p.b[0] = 100;
            ta.set_params(&p);
            ta.ret(TEE_ERROR_SHORT_BUFFER)
        }
        2 if ta.cmd() == 3 => {
            // What the loader set up.
            let base = ta.base();
            assert!(base >= 0x8010_0000 && base % 4096 == 0, "{base:#x}");
            assert_eq!(
                ta.read_u64(base + ELF_GOT),
                Some(base + ELF_ENTRY),
                "relocated GOT"
            );
            let info = base + ELF_PHDR_INFO;
            assert_eq!(ta.read(info + 4, 2).unwrap(), 1u16.to_le_bytes());
            let dlpi = ta.read_u64(info + 8).unwrap();
            assert_eq!(ta.read_u64(dlpi), Some(base), "dlpi_addr");
            assert_eq!(
                ta.read(ta.read_u64(dlpi + 16).unwrap(), 4).unwrap(),
                [1, 0, 0, 0]
            );
            assert!(ta.read(base, 4).is_some(), "text is readable");
            assert!(!ta.write(base, &[0]), "text is read-only");
            assert!(!ta.write(base + ELF_ENTRY, &[0]), "text is read-only");
            assert!(!ta.write(dlpi, &[0]), "loader data is read-only");
            assert!(ta.write(base + 0x1000, &[1; 16]), "data is writable");
            assert!(ta.write(base + 0x3ff0, &[1; 16]), "bss is writable");
            assert!(ta.write(SCRATCH, &[1; 16]));
            assert!(ta.read(STACK - 1, 1).is_none(), "guard below the stack");
            // Above the stack: a read-only zero page (TAs probe past its top).
            assert!(
                ta.read(STACK_END, 1).is_some(),
                "page above the stack readable"
            );
            assert!(!ta.write(STACK_END, &[0]), "page above the stack read-only");
            assert!(
                ta.read(STACK_END + 0x1000, 1).is_none(),
                "guard above that page"
            );
            assert_eq!(ta.params_va(), PARAMS_VA);
            ta.ret(0)
        }
        _ => ta.ret(0),
    });
    let mut p: Params = [
        Param::ValueInput { a: 42, b: 43 },
        Param::None,
        Param::None,
        Param::None,
    ];
    let id = w.open(UUID_MULTI, &mut p).unwrap();
    assert!(id >= 0x8000_0001);
    // Fetched through tee-supplicant: size, SHM_ALLOC, load, SHM_FREE; then
    // its version floor recorded in secure storage: the store's two
    // buffers (kept for later calls), one look for an RPMB device to anchor
    // the REE FS in (this normal world has none), then FS calls only.
    assert_eq!(w.rpc.cmds[..7], [0, 6, 0, 7, 6, 6, 1]);
    assert!(w.rpc.cmds[7..].iter().all(|&c| c == 2), "{:?}", w.rpc.cmds);
    assert!(w.rpc.fs.files.contains_key("/dirf.db"));
    assert!(w.frames_used() > 0);
    let stats = w.k.users().stats();
    assert_eq!((stats.instances, stats.sessions), (1, 1));

    let mut p: Params = [
        Param::ValueInout { a: 2, b: 3 },
        Param::MemrefInput(Memref::new(b"hello input".to_vec())),
        Param::MemrefOutput(Memref::zeroed(16)),
        Param::MemrefInout(Memref::new(b"abc\0\0\0\0\0".to_vec())),
    ];
    let used = w.frames_used();
    w.invoke(id, 1, &mut p).unwrap();
    assert_eq!(p[0], Param::ValueInout { a: 5, b: 7 });
    let Param::MemrefOutput(m) = &p[2] else {
        panic!()
    };
    assert_eq!((m.size, &m.bytes()[..10]), (10, &b"0123456789"[..]));
    let Param::MemrefInout(m) = &p[3] else {
        panic!()
    };
    assert_eq!((m.size, m.bytes()), (4, &b"ABCD\0\0\0\0"[..]));
    // Parameter buffers are gone after the call (the tables keep room for
    // their 2 MiB slot until the next entry rebuilds them).
    assert!(w.frames_used() <= used + 1);

    let mut p: Params = [
        Param::MemrefOutput(Memref::zeroed(4)),
        Param::None,
        Param::None,
        Param::None,
    ];
    assert_eq!(
        w.invoke(id, 2, &mut p),
        Err(TeeError::SHORT_BUFFER.with_origin(Origin::TrustedApp))
    );
    assert_eq!(p[0].memref().unwrap().size, 100);
    w.invoke0(id, 3).unwrap();
    assert_eq!(w.frames_used(), used);

    w.close(id).unwrap();
    let e = w.hw.take_entries();
    assert_eq!(
        e,
        vec![(0, id, 0), (2, id, 1), (2, id, 2), (2, id, 3), (1, id, 0)]
    );
    assert_eq!(w.frames_used(), 0);
    let stats = w.k.users().stats();
    assert_eq!((stats.instances, stats.sessions), (0, 0));
    assert!(w.rpc.irqs > 0, "foreign interrupts were let in");
    // A closed session is gone.
    assert_eq!(w.invoke0(id, 1), Err(TeeError::BAD_PARAMETERS));
    assert_eq!(w.close(id), Err(TeeError::BAD_PARAMETERS));
    w.assert_clean();
}

#[test]
fn open_failures() {
    let mut w = World::new();
    // Not in the store: tee-supplicant's answer, origin TEE.
    assert_eq!(w.open0([9; 16]), Err(TeeError::ITEM_NOT_FOUND));
    // Signed for another UUID.
    let other = signed_ta(UUID_MULTI, STACK_SIZE as u32, 0);
    w.rpc.store.insert([8; 16], other);
    assert_eq!(w.open0([8; 16]), Err(TeeError::SECURITY));
    // The TA refuses the open: its code, origin TA, no session left.
    w.hw.set_script(|ta| ta.ret(TEE_ERROR_ACCESS_DENIED));
    assert_eq!(
        w.open0(UUID_MULTI),
        Err(TeeError::ACCESS_DENIED.with_origin(Origin::TrustedApp))
    );
    // A stack too large for the runtime.
    w.rpc
        .store
        .insert(UUID_KEEP, signed_ta(UUID_KEEP, 0x20_0000, 0x1c));
    assert_eq!(w.open0(UUID_KEEP), Err(TeeError::OUT_OF_MEMORY));
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    w.assert_clean();
}

#[test]
fn panic_kills_the_instance() {
    let mut w = World::new();
    w.hw.set_script(|ta| match (ta.func(), ta.cmd()) {
        (2, 1) => ta.panic(),
        _ => ta.ret(0),
    });
    let id = w.open0(UUID_MULTI).unwrap();
    let mut p: Params = [
        Param::MemrefInout(Memref::new(vec![5; 100])),
        Param::ValueOutput { a: 1, b: 2 },
        Param::None,
        Param::None,
    ];
    assert_eq!(w.invoke(id, 1, &mut p), Err(TeeError::TARGET_DEAD));
    // Memory is released at once; the session stays until closed.
    assert_eq!(w.frames_used(), 0);
    assert_eq!(w.k.users().stats().sessions, 1);
    w.hw.take_entries();
    assert_eq!(w.invoke0(id, 2), Err(TeeError::TARGET_DEAD));
    assert!(w.hw.take_entries().is_empty(), "a dead TA is not entered");
    assert_eq!(w.close(id), Ok(()));
    assert!(
        w.hw.take_entries().is_empty(),
        "no close entry for a dead TA"
    );
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    // A new open gets a fresh instance.
    let id = w.open0(UUID_MULTI).unwrap();
    w.invoke0(id, 2).unwrap();
    w.close(id).unwrap();
    assert_eq!(w.frames_used(), 0);
    w.assert_clean();
}

#[test]
fn fault_kills_the_instance() {
    let mut w = World::new();
    w.hw.set_script(|ta| match (ta.func(), ta.cmd()) {
        (2, 1) => Trap::Fault {
            esr: 0x9200_0047,
            far: 0,
        },
        // A fault after a few system calls, with a mapped parameter.
        (2, 2) if ta.step < 3 => ta.syscall(SYS_GET_TIME, &[0, SCRATCH]),
        (2, 2) => Trap::Fault {
            esr: 0x0200_0000,
            far: 0,
        },
        _ => ta.ret(0),
    });
    let id = w.open0(UUID_MULTI).unwrap();
    assert_eq!(w.invoke0(id, 1), Err(TeeError::TARGET_DEAD));
    assert_eq!(w.frames_used(), 0);
    assert_eq!(w.invoke0(id, 1), Err(TeeError::TARGET_DEAD));
    assert_eq!(w.close(id), Ok(()));
    assert!(w.hw.log.lock().unwrap().iter().any(|l| l.contains("fault")));

    let id = w.open0(UUID_MULTI).unwrap();
    let mut p: Params = [
        Param::MemrefOutput(Memref::zeroed(5000)),
        Param::None,
        Param::None,
        Param::None,
    ];
    assert_eq!(w.invoke(id, 2, &mut p), Err(TeeError::TARGET_DEAD));
    assert_eq!(w.close(id), Ok(()));
    assert_eq!(w.frames_used(), 0);
    w.assert_clean();
}

#[test]
fn panic_in_open_and_close_entries() {
    let mut w = World::new();
    w.hw.set_script(|ta| ta.panic());
    assert_eq!(w.open0(UUID_MULTI), Err(TeeError::TARGET_DEAD));
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    w.hw.set_script(|ta| {
        if ta.func() == 1 {
            ta.panic()
        } else {
            ta.ret(0)
        }
    });
    let id = w.open0(UUID_MULTI).unwrap();
    assert_eq!(w.close(id), Ok(()));
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    w.assert_clean();
}

/// A TA that counts opens in its data segment (like xtest 1021's TAs).
fn counting_ta(ta: &mut Ta<'_>) -> Trap {
    let counter = ta.base() + 0x3000;
    match (ta.func(), ta.cmd()) {
        (0, _) => {
            let n = ta.read_u32(counter).unwrap() + 1;
            assert!(ta.write(counter, &n.to_le_bytes()));
            ta.ret(0)
        }
        // Report the counter.
        (2, 1) => {
            let mut p = ta.params();
            p.a[0] = u64::from(ta.read_u32(counter).unwrap());
            ta.set_params(&p);
            ta.ret(0)
        }
        (2, 2) => ta.panic(),
        _ => ta.ret(0),
    }
}

fn counter(w: &mut World, id: u32) -> Result<u32, TeeError> {
    let mut p: Params = [
        Param::ValueOutput { a: 0, b: 0 },
        Param::None,
        Param::None,
        Param::None,
    ];
    w.invoke(id, 1, &mut p)?;
    Ok(p[0].value().unwrap().0)
}

#[test]
fn single_instance_shared_and_panic_for_all_sessions() {
    let mut w = World::new();
    w.hw.set_script(counting_ta);
    let s1 = w.open0(UUID_SINGLE).unwrap();
    let s2 = w.open0(UUID_SINGLE).unwrap();
    assert_ne!(s1, s2);
    assert_eq!(w.k.users().stats().instances, 1);
    assert_eq!(counter(&mut w, s1), Ok(2));
    // Multi-instance TAs get one instance per session.
    let m1 = w.open0(UUID_MULTI).unwrap();
    let m2 = w.open0(UUID_MULTI).unwrap();
    assert_eq!(w.k.users().stats().instances, 3);
    assert_eq!(counter(&mut w, m1), Ok(1));
    assert_eq!(counter(&mut w, m2), Ok(1));
    // A panic through s2 kills the instance for s1 too.
    assert_eq!(w.invoke0(s2, 2), Err(TeeError::TARGET_DEAD));
    assert_eq!(counter(&mut w, s1), Err(TeeError::TARGET_DEAD));
    // A new open gets a fresh instance while the dead sessions linger.
    let s3 = w.open0(UUID_SINGLE).unwrap();
    assert_eq!(counter(&mut w, s3), Ok(1));
    assert_eq!(w.close(s1), Ok(()));
    assert_eq!(w.close(s2), Ok(()));
    assert_eq!(counter(&mut w, s3), Ok(1));
    for id in [s3, m1, m2] {
        w.close(id).unwrap();
    }
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    w.assert_clean();
}

#[test]
fn keep_alive_survives_close_but_not_panic() {
    let mut w = World::new();
    w.hw.set_script(counting_ta);
    let s1 = w.open0(UUID_KEEP).unwrap();
    w.close(s1).unwrap();
    let kept = w.frames_used();
    assert!(kept > 0);
    assert_eq!(w.k.users().stats().instances, 1);
    let s2 = w.open0(UUID_KEEP).unwrap();
    assert_eq!(counter(&mut w, s2), Ok(2));
    assert_eq!(w.invoke0(s2, 2), Err(TeeError::TARGET_DEAD));
    assert_eq!(w.frames_used(), 0);
    w.close(s2).unwrap();
    let s3 = w.open0(UUID_KEEP).unwrap();
    assert_eq!(counter(&mut w, s3), Ok(1));
    w.close(s3).unwrap();
    assert_eq!(w.frames_used(), kept);
    w.assert_clean();
}

#[test]
fn hostile_pointers_are_refused() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let text = w.base();
    let before = w.frames_used();
    let denied = r(TEE_ERROR_ACCESS_DENIED);
    let got = run_calls(
        &mut w,
        id,
        &[
            (SYS_GET_TIME, vec![0, KERNEL_VA]),
            (SYS_GET_TIME, vec![0, 0]),
            (SYS_GET_TIME, vec![0, 0x8000_0000]),
            (SYS_GET_TIME, vec![0, text]),
            (SYS_GET_TIME, vec![0, STACK_END - 4]),
            (SYS_GET_TIME, vec![0, STACK - 4]),
            (SYS_GET_TIME, vec![0, u64::MAX - 3]),
            (SYS_GET_TIME, vec![0, 0xffff_0000_0000_0000 | SCRATCH]),
            (SYS_RANDOM, vec![SCRATCH, 1 << 63]),
            (SYS_RANDOM, vec![SCRATCH, u64::MAX]),
            (SYS_RANDOM, vec![u64::MAX - 7, 16]),
            (SYS_RANDOM, vec![SCRATCH, STACK_SIZE + 1]),
            (SYS_RANDOM, vec![KERNEL_VA, 16]),
            (SYS_MASK_CANCELLATION, vec![text]),
            (SYS_UNMASK_CANCELLATION, vec![0]),
            (SYS_GET_CANCELLATION_FLAG, vec![KERNEL_VA]),
            (SYS_SET_TA_TIME, vec![KERNEL_VA]),
            (SYS_SET_TA_TIME, vec![u64::MAX]),
            // Property calls with kernel pointers.
            (
                3,
                vec![
                    0xffff_ffff,
                    0,
                    KERNEL_VA,
                    KERNEL_VA,
                    KERNEL_VA,
                    KERNEL_VA,
                    KERNEL_VA,
                ],
            ),
            (4, vec![0xffff_ffff, KERNEL_VA, 12, SCRATCH]),
            (4, vec![0xffff_ffff, SCRATCH, 1 << 63, SCRATCH]),
            // TA-to-TA calls with bad pointers.
            (
                SYS_OPEN_TA_SESSION,
                vec![KERNEL_VA, INFINITE, 0, SCRATCH, SCRATCH + 4],
            ),
            (SYS_OPEN_TA_SESSION, vec![0, INFINITE, 0, SCRATCH, 0]),
            (SYS_INVOKE_TA_COMMAND, vec![1, INFINITE, 0, KERNEL_VA, 0]),
            // Good calls still work afterwards.
            (SYS_GET_TIME, vec![0, SCRATCH]),
            (SYS_RANDOM, vec![SCRATCH, 0]),
            (SYS_RANDOM, vec![SCRATCH, STACK_SIZE - 128]),
            (SYS_LOG, vec![KERNEL_VA, 100]),
            (SYS_LOG, vec![SCRATCH, u64::MAX]),
            (SYS_LOG, vec![0, 0]),
        ],
    );
    let ok = r(TEE_SUCCESS);
    assert_eq!(got[..18], vec![denied; 18][..]);
    for (i, x) in got[18..24].iter().enumerate() {
        assert_ne!(*x, ok, "call {}", 18 + i);
    }
    assert_eq!(got[24..], [ok; 6]);
    assert_eq!(w.frames_used(), before);
    assert_eq!(w.k.users().stats().sessions, 1);
    w.close(id).unwrap();
    assert_eq!(w.frames_used(), 0);
    w.assert_clean();
}

#[test]
fn unknown_syscalls_keep_the_ta_running() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let ns = r(TEE_ERROR_NOT_SUPPORTED);
    let got = run_calls(
        &mut w,
        id,
        &[
            (71, vec![]),
            (55, vec![]),
            (69, vec![]),
            (1 << 32, vec![]),
            (u64::MAX, vec![1, 2, 3]),
            (70, vec![SCRATCH, 16, 0]),
            (SYS_GET_TIME, vec![0, SCRATCH]),
        ],
    );
    assert_eq!(got, vec![ns, ns, ns, ns, ns, ns, 0]);
    w.close(id).unwrap();
    w.assert_clean();
}

#[test]
fn check_access_rights_rules() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let (text, data) = (w.base(), w.base() + 0x1000);
    // A normal-world memref is mapped into the parameter window, after a
    // guard page, at its offset in the client's page.
    let param = PARAMS_START + 0x1000 + CLIENT_OFFSET;
    let calls: Vec<(u64, Vec<u64>)> = vec![
        (R, SCRATCH, 16),
        (R | W, SCRATCH, 16),
        (R, text, 16),
        (W, text, 16),
        (R | W, data, 0x3000),
        (R, param, 64),
        (R | ANY, param, 64),
        (R | W | ANY | NS, param, 64),
        (R | ANY | SEC, param, 64),
        (R | NS, SCRATCH, 16),
        (R | SEC, SCRATCH, 16),
        (R | SEC | NS, SCRATCH, 16),
        (R, KERNEL_VA, 1),
        (R, 0, 1),
        (R, u64::MAX, 2),
        (R, SCRATCH, 1 << 63),
        (R, STACK - 1, 2),
        (R | ANY, param, 4097),
        (R | ANY, param + 4095, 2),
        (R, 0, 0),
        (R | ANY, param, 1),
    ]
    .into_iter()
    .map(|(f, va, len)| (SYS_CHECK_ACCESS_RIGHTS, vec![f, va, len]))
    .collect();
    let steps = calls.iter().map(|(nr, a)| sc(*nr, a)).collect();
    w.hw.set_script(program(steps));
    w.hw.take_results();
    let mut p: Params = [
        Param::MemrefInout(Memref::new(vec![1; 64])),
        Param::None,
        Param::None,
        Param::None,
    ];
    w.invoke(id, CMD_PROGRAM, &mut p).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    let (ok, no) = (r(TEE_SUCCESS), r(TEE_ERROR_ACCESS_DENIED));
    let want = vec![
        ok,
        ok,
        ok,
        no,
        ok,
        no, // a client's buffer without ANY_OWNER
        ok,
        ok,
        no, // normal-world memory is not secure
        no, // private memory is not non-secure
        ok,
        r(TEE_ERROR_BAD_PARAMETERS), // both SECURE and NONSECURE (OP-TEE's vm.c: ACCESS_DENIED)
        no,
        no,
        no,
        no,
        no,
        no,
        no,
        ok,
        ok,
    ];
    assert_eq!(got, want);
    w.close(id).unwrap();
    w.assert_clean();
}

#[test]
fn time_categories() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let t = SCRATCH;
    let steps: Vec<Step> = vec![
        sc(SYS_GET_TIME, &[0, t]),
        Box::new(move |ta| {
            assert_eq!(ta.last(), 0);
            assert_eq!(time_at(ta, t), (5, 0));
            ta.syscall(SYS_GET_TIME, &[1, t])
        }),
        Box::new(move |ta| {
            assert_eq!(ta.last(), r(TEE_ERROR_TIME_NOT_SET));
            put_time(ta, t + 8, 1000, 250);
            ta.syscall(SYS_SET_TA_TIME, &[t + 8])
        }),
        sc(SYS_GET_TIME, &[1, t]),
        Box::new(move |ta| {
            assert_eq!(ta.last(), 0);
            assert_eq!(time_at(ta, t), (1000, 250));
            ta.syscall(SYS_GET_TIME, &[2, t])
        }),
        Box::new(move |ta| {
            assert_eq!(ta.last(), 0);
            assert_eq!(time_at(ta, t), (1_795_000_000, 123));
            ta.syscall(SYS_GET_TIME, &[3, t])
        }),
        Box::new(move |ta| {
            assert_eq!(ta.last(), r(TEE_ERROR_BAD_PARAMETERS));
            put_time(ta, t + 8, 0, 1000);
            ta.syscall(SYS_SET_TA_TIME, &[t + 8])
        }),
        Box::new(move |ta| {
            assert_eq!(ta.last(), r(TEE_ERROR_BAD_PARAMETERS));
            // The largest time, then one second later it has wrapped.
            put_time(ta, t + 8, u32::MAX, 999);
            ta.syscall(SYS_SET_TA_TIME, &[t + 8])
        }),
        sc(SYS_WAIT, &[1000]),
        sc(SYS_GET_TIME, &[1, t]),
        Box::new(move |ta| {
            assert_eq!(ta.last(), r(TEE_ERROR_OVERFLOW));
            let (secs, _) = time_at(ta, t);
            assert!(secs <= 60, "wrapped time {secs}");
            ta.syscall(SYS_WAIT, &[0])
        }),
    ];
    w.hw.set_script(program(steps));
    w.invoke0(id, CMD_PROGRAM).unwrap();
    assert!(w.rpc.slept_ms >= 1000);
    assert!(w.rpc.cmds.contains(&3), "REE time through RPC GET_TIME");
    w.close(id).unwrap();
    w.assert_clean();
}

/// Writes `up` at `va` in the TA.
fn put_params(ta: &Ta<'_>, va: u64, up: &UteeParams) {
    assert!(ta.write(va, &up.encode()));
}

fn get_params(ta: &Ta<'_>, va: u64) -> UteeParams {
    UteeParams::decode(&ta.read(va, 72).unwrap().try_into().unwrap()).unwrap()
}

fn values(types: [u32; 4], v: [(u64, u64); 4]) -> UteeParams {
    UteeParams {
        types,
        a: v.map(|x| x.0),
        b: v.map(|x| x.1),
    }
}

#[test]
fn system_pta_map_zi_and_unmap() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let start = w.frames_used();
    let uuid = SCRATCH;
    let sess = SCRATCH + 16;
    let orig = SCRATCH + 20;
    let up = SCRATCH + 0x100;
    let zi = Arc::new(Mutex::new(0u64));
    let map_types = [1, 3, 1, 0];
    let unmap_types = [1, 1, 0, 0];
    let invoke = move |ta: &mut Ta<'_>, cmd: u64, p: UteeParams| {
        put_params(ta, up, &p);
        let s = u64::from(ta.read_u32(sess).unwrap());
        ta.syscall(SYS_INVOKE_TA_COMMAND, &[s, INFINITE, cmd, up, orig])
    };
    let results = Arc::new(Mutex::new(Vec::new()));
    let res = results.clone();
    let steps: Vec<Step> = vec![
        Box::new(move |ta| {
            assert!(ta.write(uuid, &le_struct(PTA_SYSTEM)));
            ta.syscall(SYS_OPEN_TA_SESSION, &[uuid, INFINITE, 0, sess, orig])
        }),
        // MAP_ZI of 2 pages (+1 byte: rounded up to 3).
        Box::new(move |ta| {
            assert_eq!(ta.last(), 0);
            assert_eq!(ta.read_u32(orig), Some(ORIGIN_TA));
            invoke(
                ta,
                2,
                values(map_types, [(8193, 0), (0, 0), (0, 0), (0, 0)]),
            )
        }),
        {
            let zi2 = zi.clone();
            Box::new(move |ta| {
                assert_eq!(ta.last(), 0);
                let p = get_params(ta, up);
                let va = (p.a[1] << 32) | p.b[1];
                assert!(va >= DYNAMIC_START && va % 4096 == 0, "{va:#x}");
                assert_eq!(ta.read(va, 3 * 4096).unwrap(), vec![0; 3 * 4096]);
                assert!(ta.write(va, b"zero-filled"));
                *zi2.lock().unwrap() = va;
                ta.syscall(SYS_CHECK_ACCESS_RIGHTS, &[R | W, va, 3 * 4096])
            })
        },
        // Bad types, flags, sizes.
        Box::new(move |ta| {
            res.lock().unwrap().push(ta.last());
            invoke(
                ta,
                2,
                values([1, 1, 1, 1], [(4096, 0), (0, 0), (0, 0), (0, 0)]),
            )
        }),
        Box::new(move |ta| {
            invoke(
                ta,
                2,
                values(map_types, [(4096, 2), (0, 0), (0, 0), (0, 0)]),
            )
        }),
        Box::new(move |ta| invoke(ta, 2, values(map_types, [(0, 0), (0, 0), (0, 0), (0, 0)]))),
        Box::new(move |ta| {
            invoke(
                ta,
                2,
                values(map_types, [(0xffff_f000, 0), (0, 0), (0, 0), (0, 0)]),
            )
        }),
        // UNMAP: bad types, non-zero b, unaligned, wrapping, the stack, the text.
        Box::new(move |ta| invoke(ta, 3, values([1, 1, 1, 0], [(4096, 0); 4]))),
        {
            let zi = zi.clone();
            Box::new(move |ta| {
                let zi = *zi.lock().unwrap();
                invoke(
                    ta,
                    3,
                    values(
                        unmap_types,
                        [(8193, 1), (zi >> 32, zi & 0xffff_ffff), (0, 0), (0, 0)],
                    ),
                )
            })
        },
        Box::new(move |ta| {
            invoke(
                ta,
                3,
                values(
                    unmap_types,
                    [(4096, 0), (0, DYNAMIC_START + 8), (0, 0), (0, 0)],
                ),
            )
        }),
        Box::new(move |ta| {
            invoke(
                ta,
                3,
                values(
                    unmap_types,
                    [(0x2000, 0), (0xffff_ffff, 0xffff_f000), (0, 0), (0, 0)],
                ),
            )
        }),
        Box::new(move |ta| {
            invoke(
                ta,
                3,
                values(unmap_types, [(STACK_SIZE, 0), (0, STACK), (0, 0), (0, 0)]),
            )
        }),
        Box::new(move |ta| {
            invoke(
                ta,
                3,
                values(unmap_types, [(0x1000, 0), (0, ta.base()), (0, 0), (0, 0)]),
            )
        }),
        // The right UNMAP, then again.
        {
            let zi = zi.clone();
            Box::new(move |ta| {
                let zi = *zi.lock().unwrap();
                invoke(
                    ta,
                    3,
                    values(
                        unmap_types,
                        [(8193, 0), (zi >> 32, zi & 0xffff_ffff), (0, 0), (0, 0)],
                    ),
                )
            })
        },
        Box::new(move |ta| {
            let zi = *zi.lock().unwrap();
            assert!(ta.read(zi, 1).is_none(), "unmapped");
            invoke(
                ta,
                3,
                values(
                    unmap_types,
                    [(8193, 0), (zi >> 32, zi & 0xffff_ffff), (0, 0), (0, 0)],
                ),
            )
        }),
        // Unknown command of the system PTA.
        Box::new(move |ta| invoke(ta, 99, UteeParams::default())),
        Box::new(move |ta| {
            let s = u64::from(ta.read_u32(sess).unwrap());
            ta.syscall(SYS_CLOSE_TA_SESSION, &[s])
        }),
    ];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    let bad = r(TEE_ERROR_BAD_PARAMETERS);
    assert_eq!(results.lock().unwrap().as_slice(), &[0]);
    assert_eq!(got[3..7], [bad, bad, bad, r(TEE_ERROR_OUT_OF_MEMORY)]);
    // UNMAP refusals.
    assert_eq!(got[7..11], [bad, bad, bad, bad]);
    // The stack and the text cannot be unmapped (OP-TEE: ACCESS_DENIED).
    assert_ne!(got[11], 0);
    assert_ne!(got[12], 0);
    assert_eq!(got[13], 0);
    assert_ne!(got[14], 0, "second UNMAP of the same range");
    assert_ne!(got[15], 0, "unknown PTA command");
    assert_eq!(got[16], 0, "close of the PTA session");
    assert_eq!(w.frames_used(), start);
    assert_eq!(w.k.users().stats().sessions, 1);
    assert_eq!(w.k.ptas().session_count(), 0);
    w.close(id).unwrap();
    assert_eq!(w.frames_used(), 0);
    w.assert_clean();
}

/// The NW session of the parent TA in [`ta_to_ta`]; other sessions are children.
fn parent_child_script(
    parent: Arc<AtomicU32>,
    child: Arc<AtomicU32>,
) -> impl Fn(&mut Ta<'_>) -> Trap + Send + Sync {
    move |ta| {
        let parent = parent.load(Ordering::Relaxed);
        if parent == 0 {
            // The parent's own open.
            return ta.ret(0);
        }
        let is_parent = ta.session() == parent;
        let (uuid, sess, orig, up, buf) = (
            SCRATCH,
            SCRATCH + 16,
            SCRATCH + 20,
            SCRATCH + 0x100,
            SCRATCH + 0x200,
        );
        if !is_parent {
            // The child.
            return match (ta.func(), ta.cmd()) {
                (0, _) => {
                    let p = ta.params();
                    assert_eq!(p.types, [5, 0, 0, 0]);
                    assert_eq!(ta.read(p.a[0], p.b[0] as usize).unwrap(), b"from parent");
                    ta.ret(0)
                }
                (2, 1) => {
                    let mut p = ta.params();
                    assert_eq!(p.types, [6, 2, 0, 0]);
                    assert!(ta.write(p.a[0], b"child!"));
                    p.b[0] = 6;
                    p.a[1] = 77;
                    p.b[1] = 78;
                    ta.set_params(&p);
                    ta.ret(0)
                }
                (2, 2) => {
                    let mut p = ta.params();
                    p.b[0] = 200;
                    ta.set_params(&p);
                    ta.ret(TEE_ERROR_SHORT_BUFFER)
                }
                (2, 3) => ta.panic(),
                _ => ta.ret(0),
            };
        }
        if ta.func() != 2 {
            return ta.ret(0);
        }
        match (ta.cmd(), ta.step) {
            // Open a child with a private input buffer.
            (1, 0) => {
                assert!(ta.write(uuid, &le_struct(UUID_MULTI)));
                assert!(ta.write(buf, b"from parent"));
                put_params(
                    ta,
                    up,
                    &values([5, 0, 0, 0], [(buf, 11), (0, 0), (0, 0), (0, 0)]),
                );
                ta.syscall(SYS_OPEN_TA_SESSION, &[uuid, INFINITE, up, sess, orig])
            }
            (1, 1) => {
                assert_eq!(ta.last(), 0);
                assert_eq!(ta.read_u32(orig), Some(ORIGIN_TA));
                child.store(ta.read_u32(sess).unwrap(), Ordering::Relaxed);
                // Output memref into the parent's stack, value output.
                put_params(
                    ta,
                    up,
                    &values([6, 2, 0, 0], [(buf, 64), (1, 2), (0, 0), (0, 0)]),
                );
                let c = u64::from(child.load(Ordering::Relaxed));
                ta.syscall(SYS_INVOKE_TA_COMMAND, &[c, INFINITE, 1, up, orig])
            }
            (1, 2) => {
                assert_eq!(ta.last(), 0);
                let p = get_params(ta, up);
                assert_eq!((p.b[0], p.a[1], p.b[1]), (6, 77, 78));
                assert_eq!(ta.read(buf, 6).unwrap(), b"child!");
                // Too small a buffer: the needed size comes back.
                put_params(
                    ta,
                    up,
                    &values([6, 0, 0, 0], [(buf, 4), (0, 0), (0, 0), (0, 0)]),
                );
                let c = u64::from(child.load(Ordering::Relaxed));
                ta.syscall(SYS_INVOKE_TA_COMMAND, &[c, INFINITE, 2, up, orig])
            }
            (1, 3) => {
                assert_eq!(ta.last(), r(TEE_ERROR_SHORT_BUFFER));
                assert_eq!(ta.read_u32(orig), Some(ORIGIN_TA));
                assert_eq!(get_params(ta, up).b[0], 200);
                ta.ret(0)
            }
            // The child panics.
            (2, 0) => {
                let c = u64::from(child.load(Ordering::Relaxed));
                ta.syscall(SYS_INVOKE_TA_COMMAND, &[c, INFINITE, 3, 0, orig])
            }
            (2, 1) => {
                assert_eq!(ta.last(), r(TEE_ERROR_TARGET_DEAD));
                assert_eq!(ta.read_u32(orig), Some(ORIGIN_TEE));
                let c = u64::from(child.load(Ordering::Relaxed));
                ta.syscall(SYS_INVOKE_TA_COMMAND, &[c, INFINITE, 1, 0, orig])
            }
            (2, 2) => {
                assert_eq!(ta.last(), r(TEE_ERROR_TARGET_DEAD));
                let c = u64::from(child.load(Ordering::Relaxed));
                ta.syscall(SYS_CLOSE_TA_SESSION, &[c])
            }
            (2, 3) => {
                assert_eq!(ta.last(), 0);
                ta.ret(0)
            }
            _ => ta.ret(0),
        }
    }
}

#[test]
fn ta_to_ta() {
    let mut w = World::new();
    let parent = Arc::new(AtomicU32::new(0));
    let child = Arc::new(AtomicU32::new(0));
    w.hw.set_script(parent_child_script(parent.clone(), child.clone()));
    let id = w.open0(UUID_MULTI).unwrap();
    parent.store(id, Ordering::Relaxed);
    w.invoke0(id, 1).unwrap();
    let c = child.load(Ordering::Relaxed);
    assert_eq!(w.k.users().stats().instances, 2);
    // The normal world cannot use or close the TA's session.
    assert_eq!(w.invoke0(c, 1), Err(TeeError::BAD_PARAMETERS));
    assert_eq!(w.close(c), Err(TeeError::BAD_PARAMETERS));
    // Another instance cannot either.
    w.hw.set_script(|ta| ta.ret(0));
    let other = w.open0(UUID_MULTI).unwrap();
    let got = run_calls(
        &mut w,
        other,
        &[
            (SYS_INVOKE_TA_COMMAND, vec![u64::from(c), INFINITE, 1, 0, 0]),
            (SYS_CLOSE_TA_SESSION, vec![u64::from(c)]),
            // Nor the parent's normal-world session.
            (
                SYS_INVOKE_TA_COMMAND,
                vec![u64::from(id), INFINITE, 1, 0, 0],
            ),
            (SYS_CLOSE_TA_SESSION, vec![u64::from(id)]),
            (SYS_CLOSE_TA_SESSION, vec![u64::from(other)]),
            (SYS_CLOSE_TA_SESSION, vec![0]),
        ],
    );
    assert!(got.iter().all(|&x| x != 0), "{got:x?}");
    assert!(w.k.users().has_session(c) && w.k.users().has_session(id));
    w.close(other).unwrap();
    // Back to the parent: its child is still usable, then panics.
    w.hw.set_script(parent_child_script(parent.clone(), child.clone()));
    w.invoke0(id, 2).unwrap();
    assert!(!w.k.users().has_session(c));
    w.close(id).unwrap();
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    w.assert_clean();
}

#[test]
fn children_close_with_their_parent() {
    let mut w = World::new();
    let parent = Arc::new(AtomicU32::new(0));
    let child = Arc::new(AtomicU32::new(0));
    w.hw.set_script(parent_child_script(parent.clone(), child.clone()));
    let id = w.open0(UUID_MULTI).unwrap();
    parent.store(id, Ordering::Relaxed);
    w.invoke0(id, 1).unwrap();
    let c = child.load(Ordering::Relaxed);
    w.hw.take_entries();
    w.close(id).unwrap();
    // The child's close entry ran for the session the parent left open.
    assert!(w.hw.take_entries().contains(&(1, c, 0)));
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    w.assert_clean();
}

#[test]
fn nesting_is_limited() {
    let mut w = World::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    // Every open entry opens another instance of the same TA.
    w.hw.set_script(move |ta| match (ta.func(), ta.step) {
        (0, 0) => {
            assert!(ta.write(SCRATCH, &le_struct(UUID_MULTI)));
            ta.syscall(
                SYS_OPEN_TA_SESSION,
                &[SCRATCH, INFINITE, 0, SCRATCH + 16, 0],
            )
        }
        (0, 1) => {
            s2.lock().unwrap().push(ta.last() as u32);
            ta.ret(0)
        }
        _ => ta.ret(0),
    });
    let id = w.open0(UUID_MULTI).unwrap();
    let seen = seen.lock().unwrap().clone();
    // The deepest open fails, every other one succeeds.
    assert!(seen.len() >= 3 && seen.len() <= 5, "{seen:x?}");
    assert_ne!(seen[0], 0);
    assert!(seen[1..].iter().all(|&x| x == 0));
    let depth = seen.len();
    assert_eq!(w.k.users().stats().instances, depth);
    w.close(id).unwrap();
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    w.assert_clean();
}

/// OP-TEE allows `CFG_CORE_MAX_SYSCALL_RECURSION` (4) nested TA entries in
/// all and refuses the fifth with `TEE_ERROR_OUT_OF_MEMORY`
/// (core/kernel/user_ta.c `inc_recursion`).
#[test]

fn nesting_limit_matches_op_tee() {
    let mut w = World::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    w.hw.set_script(move |ta| match (ta.func(), ta.step) {
        (0, 0) => {
            assert!(ta.write(SCRATCH, &le_struct(UUID_MULTI)));
            ta.syscall(
                SYS_OPEN_TA_SESSION,
                &[SCRATCH, INFINITE, 0, SCRATCH + 16, 0],
            )
        }
        (0, 1) => {
            s2.lock().unwrap().push(ta.last() as u32);
            ta.ret(0)
        }
        _ => ta.ret(0),
    });
    let id = w.open0(UUID_MULTI).unwrap();
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        &[TEE_ERROR_OUT_OF_MEMORY, 0, 0, 0]
    );
    w.close(id).unwrap();
}

#[test]
fn cancellation_mask_and_flag() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let probe = || -> Vec<Step> {
        vec![
            sc(SYS_UNMASK_CANCELLATION, &[SCRATCH]),
            Box::new(|ta| {
                // Masked on every entry.
                assert_eq!(ta.read_u32(SCRATCH), Some(1));
                ta.syscall(SYS_GET_CANCELLATION_FLAG, &[SCRATCH])
            }),
            Box::new(|ta| {
                let flag = ta.read_u32(SCRATCH).unwrap();
                ta.syscall(SYS_LOG, &[0, u64::from(flag)])
            }),
            sc(SYS_MASK_CANCELLATION, &[SCRATCH + 4]),
            Box::new(|ta| {
                assert_eq!(ta.read_u32(SCRATCH + 4), Some(0));
                ta.syscall(SYS_GET_CANCELLATION_FLAG, &[SCRATCH + 8])
            }),
            Box::new(|ta| {
                assert_eq!(ta.read_u32(SCRATCH + 8), Some(0), "masked: not cancelled");
                ta.ret(0)
            }),
        ]
    };
    let flag = |w: &mut World, id: u32| {
        w.hw.set_script(program(probe()));
        w.hw.take_results();
        w.invoke0(id, CMD_PROGRAM).unwrap();
        w.hw.take_results()
            .iter()
            .find(|(nr, _)| *nr == SYS_LOG)
            .map(|_| ())
            .unwrap();
    };
    flag(&mut w, id);
    // A cancelled session with cancellation unmasked: TEE_Wait ends early.
    w.k.users().cancel(id);
    let got = run_calls(
        &mut w,
        id,
        &[
            (SYS_WAIT, vec![100]),
            (SYS_UNMASK_CANCELLATION, vec![SCRATCH]),
            (SYS_WAIT, vec![100_000]),
        ],
    );
    assert_eq!(got, vec![0, 0, r(TEE_ERROR_CANCEL)]);
    assert!(w.rpc.slept_ms < 1000);
    w.close(id).unwrap();
    w.assert_clean();
}

/// OP-TEE clears a session's cancel request when the TA returns
/// (`user_ta_enter`, label out_clr_cancel): a cancel never carries over to
/// the next operation.
#[test]
fn cancel_does_not_carry_over() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    w.k.users().cancel(id);
    run_calls(&mut w, id, &[(SYS_WAIT, vec![0])]);
    let got = run_calls(
        &mut w,
        id,
        &[
            (SYS_UNMASK_CANCELLATION, vec![SCRATCH]),
            (SYS_WAIT, vec![100]),
        ],
    );
    assert_eq!(got, vec![0, 0]);
}

/// Opens a session to [`UUID_MULTI`] from a TA with one memref `(va, size)`
/// of type `t`; returns the result.
fn ta_open_with_memref(w: &mut World, t: u32, va: u64, size: u64) -> u64 {
    let up = SCRATCH + 0x100;
    w.hw.set_script(move |ta| match (ta.func(), ta.cmd(), ta.step) {
        (2, 1, 0) => {
            assert!(ta.write(SCRATCH, &le_struct(UUID_MULTI)));
            put_params(
                ta,
                up,
                &values([t, 0, 0, 0], [(va, size), (0, 0), (0, 0), (0, 0)]),
            );
            ta.syscall(
                SYS_OPEN_TA_SESSION,
                &[SCRATCH, INFINITE, up, SCRATCH + 16, 0],
            )
        }
        (2, 1, 1) => {
            if ta.last() == 0 {
                let c = u64::from(ta.read_u32(SCRATCH + 16).unwrap());
                ta.syscall(SYS_CLOSE_TA_SESSION, &[c])
            } else {
                ta.ret(0)
            }
        }
        _ => ta.ret(0),
    });
    let id = w.open0(UUID_MULTI).unwrap();
    w.hw.take_results();
    w.invoke0(id, 1).unwrap();
    let got = w.hw.take_results()[0].1;
    w.close(id).unwrap();
    assert_eq!(w.frames_used(), 0);
    got
}

#[test]
fn hostile_ta_to_ta_memrefs() {
    let mut w = World::new();
    let denied = r(TEE_ERROR_ACCESS_DENIED);
    // Kernel, unmapped, wrapping, huge, read-only-for-output.
    assert_eq!(ta_open_with_memref(&mut w, 5, KERNEL_VA, 16), denied);
    assert_eq!(ta_open_with_memref(&mut w, 5, 0x8000_0000, 16), denied);
    assert_eq!(ta_open_with_memref(&mut w, 5, u64::MAX - 7, 16), denied);
    assert_eq!(ta_open_with_memref(&mut w, 5, SCRATCH, 1 << 63), denied);
    assert_eq!(
        ta_open_with_memref(&mut w, 7, SCRATCH, STACK_SIZE + 1),
        denied
    );
    let text = {
        ta_open_with_memref(&mut w, 5, SCRATCH, 16);
        w.base()
    };
    assert_eq!(ta_open_with_memref(&mut w, 6, text, 16), denied);
    // Fine: private memory, readable text as input, NULL with size 0.
    assert_eq!(ta_open_with_memref(&mut w, 7, SCRATCH, 64), 0);
    assert_eq!(ta_open_with_memref(&mut w, 5, text, 16), 0);
    assert_eq!(ta_open_with_memref(&mut w, 6, 0, 0), 0);
    w.assert_clean();
}

/// OP-TEE's `utee_param_to_param` takes a NULL memref only with size 0;
/// `(NULL, 16)` fails `vm_check_access_rights` (ACCESS_DENIED).
#[test]

fn ta_null_memref_with_size_is_refused() {
    let mut w = World::new();
    assert_eq!(
        ta_open_with_memref(&mut w, 5, 0, 16),
        r(TEE_ERROR_ACCESS_DENIED)
    );
}

/// OP-TEE's `entry_cancel` looks the session up among the normal world's
/// sessions only: a TA-to-TA session cannot be cancelled from outside.
#[test]
fn normal_world_cannot_cancel_ta_sessions() {
    let mut w = World::new();
    let child = Arc::new(AtomicU32::new(0));
    let flag = Arc::new(AtomicU32::new(7));
    let (c2, f2) = (child.clone(), flag.clone());
    w.hw.set_script(move |ta| match (ta.func(), ta.cmd(), ta.step) {
        // Parent: open a child, then invoke it.
        (2, 1, 0) => {
            assert!(ta.write(SCRATCH, &le_struct(UUID_MULTI)));
            ta.syscall(
                SYS_OPEN_TA_SESSION,
                &[SCRATCH, INFINITE, 0, SCRATCH + 16, 0],
            )
        }
        (2, 1, 1) => {
            c2.store(ta.read_u32(SCRATCH + 16).unwrap(), Ordering::Relaxed);
            ta.ret(0)
        }
        (2, 2, 0) => {
            let c = u64::from(c2.load(Ordering::Relaxed));
            ta.syscall(SYS_INVOKE_TA_COMMAND, &[c, INFINITE, 3, 0, 0])
        }
        // Child: unmask, read the flag.
        (2, 3, 0) => ta.syscall(SYS_UNMASK_CANCELLATION, &[SCRATCH]),
        (2, 3, 1) => ta.syscall(SYS_GET_CANCELLATION_FLAG, &[SCRATCH]),
        (2, 3, 2) => {
            f2.store(ta.read_u32(SCRATCH).unwrap(), Ordering::Relaxed);
            ta.ret(0)
        }
        _ => ta.ret(0),
    });
    let id = w.open0(UUID_MULTI).unwrap();
    w.invoke0(id, 1).unwrap();
    w.k.users().cancel(child.load(Ordering::Relaxed));
    w.invoke0(id, 2).unwrap();
    assert_eq!(flag.load(Ordering::Relaxed), 0);
}

/// OP-TEE's `init_utee_param` gives a VALUE_OUTPUT parameter as (0, 0).
#[test]

fn value_output_reaches_ta_as_zero() {
    let mut w = World::new();
    w.hw.set_script(|ta| {
        if ta.func() == 2 {
            let p = ta.params();
            assert_eq!((p.a[0], p.b[0]), (0, 0));
        }
        ta.ret(0)
    });
    let id = w.open0(UUID_MULTI).unwrap();
    let mut p: Params = [
        Param::ValueOutput { a: 5, b: 6 },
        Param::None,
        Param::None,
        Param::None,
    ];
    w.invoke(id, 1, &mut p).unwrap();
}

/// OP-TEE's `syscall_get_time(unsigned long cat, ...)` switches on the full
/// register: category 2^32 is BAD_PARAMETERS.
#[test]

fn get_time_category_is_not_truncated() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let got = run_calls(&mut w, id, &[(SYS_GET_TIME, vec![1 << 32, SCRATCH])]);
    assert_eq!(got, vec![r(TEE_ERROR_BAD_PARAMETERS)]);
}

#[test]
fn many_sessions_and_param_churn_do_not_leak() {
    let mut w = World::new();
    w.hw.set_script(|ta| {
        if ta.func() == 2 {
            let mut p = ta.params();
            for n in 0..4 {
                if p.types[n] == 6 || p.types[n] == 7 {
                    assert!(ta.write(p.a[n], &[0xaa; 8]));
                    p.b[n] = 8;
                }
            }
            ta.set_params(&p);
        }
        ta.ret(0)
    });
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(w.open0(UUID_MULTI).unwrap());
    }
    let used = w.frames_used();
    for round in 0..20usize {
        for &id in &ids {
            let mut p: Params = [
                Param::MemrefInput(Memref::new(vec![1; 1 + round * 700])),
                Param::MemrefOutput(Memref::zeroed(8)),
                Param::MemrefInout(Memref::new(vec![2; 9000])),
                Param::MemrefInput(Memref::null(0)),
            ];
            w.invoke(id, 1, &mut p).unwrap();
            assert_eq!(p[1].memref().unwrap().bytes(), &[0xaa; 8]);
        }
    }
    // Entries without parameters rebuild the tables without their slot.
    for &id in &ids {
        w.invoke0(id, 1).unwrap();
    }
    assert_eq!(w.frames_used(), used);
    // A client buffer larger than the pool is mapped, not copied: the
    // parameter window grows by two tables (kept for later calls).
    let mut p: Params = [
        Param::MemrefInput(Memref::new(vec![7; (POOL_SIZE + 4096) as usize])),
        Param::None,
        Param::None,
        Param::None,
    ];
    w.invoke(ids[0], 1, &mut p).unwrap();
    assert_eq!(w.frames_used(), used + 2);
    // As a copy (what a calling TA's buffer becomes) it cannot fit: refused,
    // nothing leaked, the TA lives on.
    assert_eq!(
        w.invoke_copies(ids[0], 1, &mut p),
        Err(TeeError::OUT_OF_MEMORY)
    );
    assert_eq!(w.frames_used(), used + 2);
    w.invoke0(ids[0], 1).unwrap();
    for id in ids {
        w.close(id).unwrap();
    }
    assert_eq!(w.frames_used(), 0);
    w.assert_clean();
}

#[test]
fn through_the_optee_msg_path() {
    use oxtee_kernel::call::yielding_call;
    use supplicant_proto::optee_msg::*;
    use supplicant_proto::optee_smc::*;
    let mut w = World::new();
    w.hw.set_script(|ta| {
        if ta.func() == 2 {
            let mut p = ta.params();
            p.a[0] += 1;
            ta.set_params(&p);
        }
        ta.ret(0)
    });
    // The call path installs its own RPC area.
    let area = oxtee_kernel::rpc::Rpc::set_arg_area(&mut w.rpc, None);
    drop(area);
    let argpa = 0x4010_0000u64;
    let arg = |cmd: u32, session: u32, func: u32, params: &[(u64, [u64; 3])]| {
        let mut v = vec![0u8; 32];
        v[0..4].copy_from_slice(&cmd.to_le_bytes());
        v[4..8].copy_from_slice(&func.to_le_bytes());
        v[8..12].copy_from_slice(&session.to_le_bytes());
        v[28..32].copy_from_slice(&(params.len() as u32).to_le_bytes());
        for (attr, u) in params {
            v.extend_from_slice(&attr.to_le_bytes());
            for x in u {
                v.extend_from_slice(&x.to_le_bytes());
            }
        }
        v
    };
    let call = |w: &mut World, a: Vec<u8>| -> (u32, u32, u32) {
        use oxtee_shm::PhysMem;
        w.ram.write(argpa, &a).unwrap();
        let regs = [
            u64::from(OPTEE_SMC_CALL_WITH_RPC_ARG),
            0,
            argpa,
            0,
            0,
            0,
            0,
            0,
        ];
        let out = yielding_call(&w.k, &regs, &mut w.ram, &mut w.rpc);
        assert_eq!(out[0], 0);
        let mut b = [0u8; 32 + 32];
        w.ram.read(argpa, &mut b).unwrap();
        let u = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
        (u(20), u(24), u(8))
    };
    let meta = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
    let (u0, u1) = (
        u64::from_le_bytes(UUID_MULTI[..8].try_into().unwrap()),
        u64::from_le_bytes(UUID_MULTI[8..].try_into().unwrap()),
    );
    let open = arg(
        OPTEE_MSG_CMD_OPEN_SESSION,
        0,
        0,
        &[(meta, [u0, u1, 0]), (meta, [0, 0, 0])],
    );
    let (ret, origin, session) = call(&mut w, open);
    assert_eq!((ret, origin), (TEE_SUCCESS, ORIGIN_TA));
    let inv = arg(
        OPTEE_MSG_CMD_INVOKE_COMMAND,
        session,
        1,
        &[(OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, [41, 0, 0])],
    );
    let (ret, origin, _) = call(&mut w, inv);
    assert_eq!((ret, origin), (TEE_SUCCESS, ORIGIN_TA));
    let mut b = [0u8; 8];
    oxtee_shm::PhysMem::read(&w.ram, argpa + 32 + 8, &mut b).unwrap();
    assert_eq!(u64::from_le_bytes(b), 42);
    let close = arg(OPTEE_MSG_CMD_CLOSE_SESSION, session, 0, &[]);
    assert_eq!(call(&mut w, close).0, TEE_SUCCESS);
    assert_eq!(w.frames_used(), 0);
    w.assert_clean();
}

/// Without an entropy source the random system call fails and leaves the
/// buffer alone, and no TA can be loaded (its ASLR offset needs randomness).
#[test]
fn no_entropy_fails_closed() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    w.hw.no_entropy.store(true, Ordering::Relaxed);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let steps: Vec<Step> = vec![
        Box::new(|ta| {
            assert!(ta.write(SCRATCH, &[0xaa; 64]));
            ta.syscall(SYS_RANDOM, &[SCRATCH, 64])
        }),
        Box::new(move |ta| {
            *seen2.lock().unwrap() = ta.read(SCRATCH, 64).unwrap();
            ta.ret(0)
        }),
    ];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x0)| x0).collect();
    assert_eq!(got, vec![r(TEE_ERROR_GENERIC)]);
    assert_eq!(*seen.lock().unwrap(), vec![0xaa; 64]);
    w.close(id).unwrap();
    // Loading a TA needs randomness: refused, nothing left behind.
    w.hw.set_script(|ta| ta.ret(0));
    assert_eq!(w.open0(UUID_MULTI), Err(TeeError::GENERIC));
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0));
    // With entropy back, the same TA loads.
    w.hw.no_entropy.store(false, Ordering::Relaxed);
    let id = w.open0(UUID_MULTI).unwrap();
    w.close(id).unwrap();
    w.assert_clean();
}

/// Bytes the out-pointer tests put where a call must not write.
const UNTOUCHED: u32 = 0xa5a5_a5a5;

/// A TA-to-TA open whose session out-pointer is read-only is refused
/// before anything is opened, and its origin word is left alone.
#[test]
fn ta_open_checks_out_pointers_before_opening() {
    let mut w = World::new();
    let (uuid, orig) = (SCRATCH, SCRATCH + 20);
    let steps: Vec<Step> = vec![Box::new(move |ta| {
        assert!(ta.write(uuid, &le_struct(UUID_MULTI)));
        assert!(ta.write(orig, &UNTOUCHED.to_le_bytes()));
        // The read-only zero page above the stack.
        ta.syscall(SYS_OPEN_TA_SESSION, &[uuid, INFINITE, 0, STACK_END, orig])
    })];
    w.hw.set_script(program(steps));
    let id = w.open0(UUID_MULTI).unwrap();
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    assert_eq!(got, [r(TEE_ERROR_ACCESS_DENIED)]);
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions), (1, 1), "no child was opened");
    // The scratch area is the TA's stack: read it back through a new run.
    let seen = Arc::new(Mutex::new(None));
    let seen2 = seen.clone();
    w.hw.set_script(move |ta| {
        *seen2.lock().unwrap() = ta.read_u32(orig);
        ta.ret(0)
    });
    w.invoke0(id, 1).unwrap();
    assert_eq!(*seen.lock().unwrap(), Some(UNTOUCHED));
    w.close(id).unwrap();
    w.assert_clean();
}

/// Calls rejected while their arguments are decoded (an unknown session,
/// unreadable or read-only `utee_params`) write nothing to the TA: its
/// origin word keeps what it held.
#[test]
fn ta_invoke_rejected_at_decode_writes_nothing() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let (uuid, sess, orig, up) = (SCRATCH, SCRATCH + 16, SCRATCH + 20, SCRATCH + 0x100);
    let origins = Arc::new(Mutex::new(Vec::new()));
    let seen = origins.clone();
    let fresh = move |ta: &Ta<'_>| assert!(ta.write(orig, &UNTOUCHED.to_le_bytes()));
    let record = Arc::new(move |ta: &Ta<'_>| seen.lock().unwrap().push(ta.read_u32(orig).unwrap()));
    let pta = move |ta: &Ta<'_>| u64::from(ta.read_u32(sess).unwrap());
    let steps: Vec<Step> = vec![
        Box::new(move |ta| {
            assert!(ta.write(uuid, &le_struct(PTA_SYSTEM)));
            ta.syscall(SYS_OPEN_TA_SESSION, &[uuid, INFINITE, 0, sess, orig])
        }),
        // No such session.
        Box::new(move |ta| {
            assert_eq!(ta.last(), 0);
            fresh(ta);
            ta.syscall(SYS_INVOKE_TA_COMMAND, &[0x1234, INFINITE, 2, up, orig])
        }),
        // utee_params in kernel memory.
        Box::new({
            let record = record.clone();
            move |ta| {
                record(ta);
                fresh(ta);
                let s = pta(ta);
                ta.syscall(SYS_INVOKE_TA_COMMAND, &[s, INFINITE, 2, KERNEL_VA, orig])
            }
        }),
        // utee_params readable but read-only: the outputs could not go back.
        Box::new({
            let record = record.clone();
            move |ta| {
                record(ta);
                fresh(ta);
                let s = pta(ta);
                ta.syscall(SYS_INVOKE_TA_COMMAND, &[s, INFINITE, 2, STACK_END, orig])
            }
        }),
        // A valid call still reports its origin.
        Box::new({
            let record = record.clone();
            move |ta| {
                record(ta);
                fresh(ta);
                let s = pta(ta);
                ta.syscall(SYS_INVOKE_TA_COMMAND, &[s, INFINITE, 2, 0, orig])
            }
        }),
        Box::new({
            let record = record.clone();
            move |ta| {
                record(ta);
                ta.syscall(SYS_CLOSE_TA_SESSION, &[pta(ta)])
            }
        }),
    ];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    assert_eq!(
        got,
        [
            0,
            r(TEE_ERROR_BAD_PARAMETERS),
            r(TEE_ERROR_ACCESS_DENIED),
            r(TEE_ERROR_ACCESS_DENIED),
            r(TEE_ERROR_BAD_PARAMETERS),
            0
        ]
    );
    assert_eq!(
        *origins.lock().unwrap(),
        [UNTOUCHED, UNTOUCHED, UNTOUCHED, ORIGIN_TA]
    );
    w.close(id).unwrap();
    w.assert_clean();
}

const SYS_CRYP_STATE_ALLOC: u64 = 15;
const SYS_CRYP_OBJ_ALLOC: u64 = 27;

/// A crypto allocation whose handle out-pointer is read-only leaves no
/// trace: nothing recorded, so the next allocation gets the first handle.
#[test]
fn crypto_alloc_checks_the_handle_pointer_first() {
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let out = SCRATCH;
    let handles = Arc::new(Mutex::new(Vec::new()));
    let seen = handles.clone();
    let sha256 = u64::from(supplicant_proto::tee_crypto::TEE_ALG_SHA256);
    let digest = u64::from(supplicant_proto::tee_crypto::TEE_MODE_DIGEST);
    let aes = u64::from(supplicant_proto::tee_crypto::TEE_TYPE_AES);
    let steps: Vec<Step> = vec![
        sc(SYS_CRYP_STATE_ALLOC, &[sha256, digest, 0, 0, STACK_END]),
        sc(SYS_CRYP_OBJ_ALLOC, &[aes, 128, STACK_END]),
        sc(SYS_CRYP_STATE_ALLOC, &[sha256, digest, 0, 0, out]),
        Box::new(move |ta| {
            seen.lock().unwrap().push(ta.read_u32(out).unwrap());
            ta.syscall(SYS_CRYP_OBJ_ALLOC, &[aes, 128, out])
        }),
        {
            let seen = handles.clone();
            Box::new(move |ta| {
                seen.lock().unwrap().push(ta.read_u32(out).unwrap());
                ta.ret(0)
            })
        },
    ];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    let denied = r(TEE_ERROR_ACCESS_DENIED);
    assert_eq!(got, [denied, denied, 0, 0]);
    // Handles count from 0x10 in a fresh instance.
    assert_eq!(*handles.lock().unwrap(), [0x10, 0x11]);
    w.close(id).unwrap();
    w.assert_clean();
}

/// What `GET_PROPERTY` (3) puts in a TA's 64-byte buffer for `(set, index)`.
fn property_bytes(w: &mut World, id: u32, set: u64, index: u64) -> (u64, Vec<u8>) {
    const LEN: u64 = SCRATCH;
    const BUF: u64 = SCRATCH + 64;
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    let steps: Vec<Step> = vec![
        Box::new(move |ta| {
            assert!(ta.write(LEN, &64u32.to_le_bytes()));
            ta.syscall(3, &[set, index, 0, 0, BUF, LEN, 0])
        }),
        Box::new(move |ta| {
            let len = ta.read_u32(LEN).unwrap() as usize;
            *seen.lock().unwrap() = ta.read(BUF, len).unwrap();
            ta.ret(0)
        }),
    ];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let x0 = w.hw.take_results()[0].1;
    let bytes = got.lock().unwrap().clone();
    (x0, bytes)
}

/// The login and UUID Linux sends in OPEN_SESSION's meta parameters (here a
/// `TEE_LOGIN_USER` UUIDv5, what `CKTEEC_LOGIN_TYPE=user` gives) reach
/// `gpd.client.identity` as `TEE_Identity` (login, then the UUID in
/// `TEE_UUID` layout); `gpd.tee.deviceID` is the HUK-derived UUID.
#[test]
fn client_identity_and_device_id_properties() {
    use oxtee_pta::{ClientIdentity, Uuid};
    let mut w = World::new();
    let octets = [
        0x6c, 0x1f, 0x8a, 0x52, 0x3e, 0x01, 0x5b, 0x7d, 0x9a, 0x10, 0x00, 0x11, 0x22, 0x33, 0x44,
        0x55,
    ];
    for (login, uuid) in [
        (TEE_LOGIN_USER, octets),
        (TEE_LOGIN_GROUP, octets),
        (0, [0; 16]),
    ] {
        let client = ClientIdentity {
            login,
            uuid: Uuid(uuid),
        };
        let id = oxtee_kernel::user_ta::open_session(
            &mut w.cx(),
            UUID_MULTI,
            client,
            None,
            &mut Params::default(),
        )
        .unwrap();
        let (x0, identity) = property_bytes(&mut w, id, 0xffff_fffe, 0);
        assert_eq!(x0, r(TEE_SUCCESS));
        let mut want = login.to_le_bytes().to_vec();
        want.extend_from_slice(&le_struct(uuid));
        assert_eq!(identity, want, "login {login:#x}");
        let (x0, dev) = property_bytes(&mut w, id, 0xffff_fffd, 2);
        assert_eq!(x0, r(TEE_SUCCESS));
        assert_eq!(
            dev,
            oxtee_crypto::huk::tee_device_id(&[0; 16]).unwrap().to_vec()
        );
        w.close(id).unwrap();
    }
}
