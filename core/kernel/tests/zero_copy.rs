//! Memory parameters of user TAs through the OPTEE_MSG path, as Linux's
//! driver passes them: registered (RMEM) and contiguous (TMEM) shared
//! memory is mapped into the TA, not copied; inputs are read-only; the
//! registration stays in use while mapped and is given back, with the
//! mapping and its TLB entries gone, on every way out of a call.

mod common;

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;

use common::*;
use oxtee_kernel::call::yielding_call;
use oxtee_kernel::user_ta::hw::Trap;
use oxtee_shm::{PhysMem, ShmError};
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_smc::*;
use supplicant_proto::tee_result::*;

/// Where the call's `optee_msg_arg` lives.
const ARG: u64 = 0x4010_0000;
/// A registered buffer: two client pages in reverse order, starting 0x80
/// bytes into the first.
const COOKIE: u64 = 0x77;
const PAGES: [u64; 2] = [0x4030_5000, 0x4030_1000];
const PAGE_OFFSET: u32 = 0x80;
const REG_SIZE: u64 = 0x1f00;

fn param(attr: u64, u: [u64; 3]) -> (u64, [u64; 3]) {
    (attr, u)
}

/// An `optee_msg_arg` with `params`.
fn arg(cmd: u32, session: u32, func: u32, params: &[(u64, [u64; 3])]) -> Vec<u8> {
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
}

/// The answer: (ret, origin, session, the params' (u0, u1, u2)).
struct Answer {
    ret: u32,
    origin: u32,
    session: u32,
    params: Vec<[u64; 3]>,
}

fn call(w: &mut World, a: Vec<u8>) -> Answer {
    let n = u32::from_le_bytes(a[28..32].try_into().unwrap()) as usize;
    w.ram.write(ARG, &a).unwrap();
    let regs = [
        u64::from(OPTEE_SMC_CALL_WITH_RPC_ARG),
        0,
        ARG,
        0,
        0,
        0,
        0,
        0,
    ];
    let out = yielding_call(&w.k, &regs, &mut w.ram, &mut w.rpc);
    assert_eq!(out[0], 0, "SMC answer");
    let mut b = vec![0u8; 32 + 32 * n];
    w.ram.read(ARG, &mut b).unwrap();
    let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    Answer {
        ret: u32_at(20),
        origin: u32_at(24),
        session: u32_at(8),
        params: (0..n)
            .map(|i| {
                let p = 32 + 32 * i;
                [u64_at(p + 8), u64_at(p + 16), u64_at(p + 24)]
            })
            .collect(),
    }
}

/// A world with the TA's session open through the message path (the RPC
/// area comes with each call) and the buffer registered.
fn setup() -> (World, u32) {
    let mut w = World::new();
    drop(oxtee_kernel::rpc::Rpc::set_arg_area(&mut w.rpc, None));
    let meta = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
    let (u0, u1) = (
        u64::from_le_bytes(UUID_MULTI[..8].try_into().unwrap()),
        u64::from_le_bytes(UUID_MULTI[8..].try_into().unwrap()),
    );
    let open = arg(
        OPTEE_MSG_CMD_OPEN_SESSION,
        0,
        0,
        &[param(meta, [u0, u1, 0]), param(meta, [0, 0, 0])],
    );
    let a = call(&mut w, open);
    assert_eq!(a.ret, TEE_SUCCESS);
    w.k.shm()
        .lock()
        .register(COOKIE, PAGES.to_vec(), PAGE_OFFSET, REG_SIZE)
        .unwrap();
    (w, a.session)
}

fn invoke(w: &mut World, session: u32, params: &[(u64, [u64; 3])]) -> Answer {
    call(w, arg(OPTEE_MSG_CMD_INVOKE_COMMAND, session, 1, params))
}

fn rmem(dir: u64, offs: u64, size: u64) -> (u64, [u64; 3]) {
    param(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT + dir, [offs, size, COOKIE])
}

/// Where byte `offs` of the registered buffer is.
fn reg_pa(offs: u64) -> u64 {
    let at = u64::from(PAGE_OFFSET) + offs;
    PAGES[(at / 4096) as usize] + at % 4096
}

/// Writes `data` at byte `offs` of the registered buffer, page by page.
fn reg_write(w: &mut World, offs: u64, data: &[u8]) {
    for (i, b) in data.iter().enumerate() {
        w.ram.write(reg_pa(offs + i as u64), &[*b]).unwrap();
    }
}

/// Reads `len` bytes at byte `offs` of the registered buffer.
fn reg_read(w: &World, offs: u64, len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| {
            let mut b = [0u8];
            w.ram.read(reg_pa(offs + i), &mut b).unwrap();
            b[0]
        })
        .collect()
}

#[test]
fn registered_memory_is_mapped_in_place_and_inputs_are_read_only() {
    let (mut w, session) = setup();
    reg_write(&mut w, 0x10, b"client input");
    // The output starts 0x20 bytes before the end of the first page.
    reg_write(&mut w, 0xf60, &[0xee; 0x40]);
    let k = Arc::clone(&w.k);
    let asid = Arc::new(AtomicU16::new(0));
    let seen = Arc::clone(&asid);
    let used = w.frames_used();
    w.hw.set_script(move |ta| {
        if ta.func() != 2 {
            return ta.ret(0);
        }
        seen.store(ta.asid(), Ordering::Relaxed);
        let mut p = ta.params();
        assert_eq!(p.types, [5, 6, 7, 0]);
        // Each buffer in the parameter window, its offset in the client's
        // page kept, a guard page before it.
        for n in 0..3 {
            assert!(
                (PARAMS_START..0xc000_0000).contains(&p.a[n]),
                "{:#x}",
                p.a[n]
            );
            assert!(ta.read((p.a[n] & !0xfff) - 1, 1).is_none(), "guard page");
        }
        assert_eq!(p.a[0] % 4096, reg_pa(0x10) % 4096);
        assert_eq!(p.a[1] % 4096, 0xfe0);
        assert_eq!(p.a[2] % 4096, reg_pa(0x1100) % 4096);
        assert_eq!((p.b[0], p.b[1], p.b[2]), (12, 0x40, 0x20));
        // The client's bytes, in place: an output shows what it left there.
        assert_eq!(ta.read(p.a[0], 12).unwrap(), b"client input");
        assert_eq!(ta.read(p.a[1], 0x40).unwrap(), vec![0xee; 0x40]);
        // The input cannot be written, by the TA or by the kernel for it.
        assert!(!ta.write(p.a[0], b"X"));
        // Both of the output's pages (it crosses into the second one).
        assert!(ta.write(p.a[1], &[0x5a; 0x40]));
        assert!(ta.write(p.a[2], b"inout"));
        // The registration is in use while mapped: the normal world cannot
        // take it back.
        assert_eq!(k.shm().lock().users(COOKIE), Some(3));
        assert_eq!(k.shm().lock().unregister(COOKIE), Err(ShmError::Busy));
        p.b[1] = 0x30;
        p.b[2] = 5;
        ta.set_params(&p);
        ta.ret(0)
    });
    let a = invoke(
        &mut w,
        session,
        &[
            rmem(0, 0x10, 12),
            rmem(1, 0xf60, 0x40),
            rmem(2, 0x1100, 0x20),
        ],
    );
    assert_eq!((a.ret, a.origin), (TEE_SUCCESS, TEE_ORIGIN_TRUSTED_APP));
    // Sizes as the TA answered; the bytes are where the TA wrote them.
    assert_eq!(a.params[1][1], 0x30);
    assert_eq!(a.params[2][1], 5);
    assert_eq!(reg_read(&w, 0xf60, 0x40), vec![0x5a; 0x40]);
    assert_eq!(
        reg_read(&w, 0xf40, 0x20),
        vec![0; 0x20],
        "nothing before it"
    );
    assert_eq!(reg_read(&w, 0x1100, 5), b"inout");
    assert_eq!(reg_read(&w, 0x10, 12), b"client input");
    // Nothing was copied into TA frames; the mappings and their TLB
    // entries are gone (by VA and ASID), the registration is free again.
    assert_eq!(w.frames_used(), used);
    let asid = asid.load(Ordering::Relaxed);
    let dropped = w.hw.dropped.lock().unwrap().clone();
    assert_eq!(dropped.len(), 3);
    assert!(dropped.iter().all(|&(_, _, a)| a == asid));
    assert_eq!(dropped.iter().map(|d| d.1).sum::<usize>(), 1 + 2 + 1);
    assert_eq!(w.hw.tlb_entries(asid), 0);
    assert_eq!(w.k.shm().lock().users(COOKIE), Some(0));
    w.k.shm().lock().unregister(COOKIE).unwrap();
    w.assert_clean();
}

#[test]
fn contiguous_memory_keeps_its_offset() {
    let (mut w, session) = setup();
    let pa = 0x4040_0ffd;
    w.ram.write(pa, b"abcdef").unwrap();
    w.hw.set_script(|ta| {
        if ta.func() == 2 {
            let p = ta.params();
            assert_eq!(p.a[0] % 4096, 0xffd);
            // Three bytes in the first page, three in the second.
            assert_eq!(ta.read(p.a[0], 6).unwrap(), b"abcdef");
            assert!(ta.write(p.a[0] + 1, b"XYZW"));
        }
        ta.ret(0)
    });
    let tmem = param(OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, [pa, 6, 0]);
    let a = invoke(&mut w, session, &[tmem]);
    assert_eq!(a.ret, TEE_SUCCESS);
    let mut b = [0u8; 6];
    w.ram.read(pa, &mut b).unwrap();
    assert_eq!(&b, b"aXYZWf");
    w.assert_clean();
}

/// How a call can end, and what the normal world must see.
#[derive(Clone, Copy)]
enum End {
    /// The TA answers SHORT_BUFFER with a larger size.
    ShortBuffer,
    /// The TA returns an error of its own (as a cancelled call does).
    Error,
    /// `_utee_panic`.
    Panic,
    /// A data abort (e.g. a store into an input buffer).
    Fault,
}

#[test]
fn every_way_out_gives_the_memory_back() {
    for end in [End::ShortBuffer, End::Error, End::Panic, End::Fault] {
        let (mut w, session) = setup();
        let asid = Arc::new(AtomicU16::new(0));
        let seen = Arc::clone(&asid);
        let k = Arc::clone(&w.k);
        w.hw.set_script(move |ta| {
            if ta.func() != 2 {
                return ta.ret(0);
            }
            seen.store(ta.asid(), Ordering::Relaxed);
            assert_eq!(k.shm().lock().users(COOKIE), Some(2));
            let mut p = ta.params();
            match end {
                End::ShortBuffer => {
                    p.b[1] = 0x1000;
                    ta.set_params(&p);
                    ta.ret(TEE_ERROR_SHORT_BUFFER)
                }
                End::Error => ta.ret(TEE_ERROR_CANCEL),
                End::Panic => ta.panic(),
                End::Fault => {
                    assert!(!ta.write(p.a[0], b"X"), "input writable");
                    // What the MMU reports for that store: a permission fault.
                    Trap::Fault {
                        esr: 0x9200_004f,
                        far: p.a[0],
                    }
                }
            }
        });
        let a = invoke(&mut w, session, &[rmem(0, 0, 16), rmem(2, 0x100, 0x20)]);
        let dead = matches!(end, End::Panic | End::Fault);
        match end {
            End::ShortBuffer => {
                // OP-TEE's semantics: the code, and the size the TA needs.
                assert_eq!(a.ret, TEE_ERROR_SHORT_BUFFER);
                assert_eq!(a.params[1][1], 0x1000);
            }
            End::Error => assert_eq!(a.ret, TEE_ERROR_CANCEL),
            _ => assert_eq!((a.ret, a.origin), (TEE_ERROR_TARGET_DEAD, TEE_ORIGIN_TEE)),
        }
        let asid = asid.load(Ordering::Relaxed);
        assert_ne!(asid, 0);
        assert_eq!(w.hw.tlb_entries(asid), 0);
        assert_eq!(w.k.shm().lock().users(COOKIE), Some(0));
        if dead {
            // The instance is gone with everything it had.
            assert_eq!(w.frames_used(), 0);
            // A call on the dead session fails before anything runs, and
            // gives the memory back too.
            let a = invoke(&mut w, session, &[rmem(0, 0, 16)]);
            assert_eq!(a.ret, TEE_ERROR_TARGET_DEAD);
            assert_eq!(w.k.shm().lock().users(COOKIE), Some(0));
        } else {
            assert_eq!(w.hw.dropped.lock().unwrap().len(), 2);
        }
        // A later parameter that cannot be used gives back the earlier ones.
        let bad = param(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, [0, 16, COOKIE + 1]);
        let a = invoke(&mut w, session, &[rmem(0, 0, 16), bad]);
        assert_eq!(a.ret, TEE_ERROR_BAD_PARAMETERS);
        let past_end = rmem(0, REG_SIZE - 8, 16);
        let a = invoke(&mut w, session, &[rmem(0, 0, 16), past_end]);
        assert_ne!(a.ret, TEE_SUCCESS);
        assert_eq!(w.k.shm().lock().users(COOKIE), Some(0));
        w.k.shm().lock().unregister(COOKIE).unwrap();
        let close = arg(OPTEE_MSG_CMD_CLOSE_SESSION, session, 0, &[]);
        assert_eq!(call(&mut w, close).ret, TEE_SUCCESS);
        assert_eq!(w.frames_used(), 0);
        w.assert_clean();
    }
}

#[test]
fn unregistering_a_buffer_in_use_is_busy() {
    let (mut w, _) = setup();
    let view = w.k.shm().lock().lookup(COOKIE, 0, 8).unwrap();
    let unregister = || {
        arg(
            OPTEE_MSG_CMD_UNREGISTER_SHM,
            0,
            0,
            &[param(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, [0, 0, COOKIE])],
        )
    };
    // OP-TEE writes only `ret` for (un)registrations.
    assert_eq!(call(&mut w, unregister()).ret, TEE_ERROR_BUSY);
    w.k.shm().lock().release(view).unwrap();
    assert_eq!(call(&mut w, unregister()).ret, TEE_SUCCESS);
    assert_eq!(call(&mut w, unregister()).ret, TEE_ERROR_BAD_PARAMETERS);
}

#[test]
fn null_and_empty_memrefs_behave_as_before() {
    let (mut w, session) = setup();
    w.hw.set_script(|ta| {
        if ta.func() == 2 {
            let p = ta.params();
            assert_eq!(p.types, [5, 7, 0, 0]);
            // NULL: no buffer, the client's size (0 for a true NULL).
            assert_eq!((p.a[0], p.b[0]), (0, 0));
            // An empty registered window: a page the TA may look at.
            assert_ne!(p.a[1], 0);
            assert_eq!(p.b[1], 0);
            assert_eq!(ta.read(p.a[1], 1), Some(vec![0]));
        }
        ta.ret(0)
    });
    let null = param(OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, [0, 0, 0]);
    let a = invoke(&mut w, session, &[null, rmem(2, 0x40, 0)]);
    assert_eq!(a.ret, TEE_SUCCESS);
    assert_eq!(a.params[1][1], 0);
    assert_eq!(w.k.shm().lock().users(COOKIE), Some(0));
    w.assert_clean();
}

/// A system call writing into an input buffer for the TA (as xtest's crypt
/// TA has the core write an SM2 key-exchange confirmation there): the page
/// becomes the TA's private copy, the client's buffer never changes.
#[test]
fn the_core_writes_into_an_input_buffer_only_through_a_private_copy() {
    let (mut w, session) = setup();
    reg_write(&mut w, 0, b"0123456789abcdef");
    let used = w.frames_used();
    w.hw.set_script(move |ta| {
        if ta.func() != 2 {
            return ta.ret(0);
        }
        let p = ta.params();
        match ta.step {
            // The TA reads the page (its translation is cached), then asks
            // for TEE_GetSystemTime into the input buffer, 4 bytes in.
            0 => {
                assert_eq!(ta.read(p.a[0], 4).unwrap(), b"0123");
                ta.syscall(13, &[0, p.a[0] + 4])
            }
            _ => {
                assert_eq!(ta.last(), 0, "the call succeeded");
                let got = ta.read(p.a[0], 16).unwrap();
                assert_eq!(&got[..4], b"0123");
                assert_ne!(&got[4..12], b"456789ab", "the TA sees the time");
                assert_eq!(&got[12..], b"cdef");
                // Still read-only for the TA itself.
                assert!(!ta.write(p.a[0], b"X"));
                ta.ret(0)
            }
        }
    });
    let a = invoke(&mut w, session, &[rmem(0, 0, 16)]);
    assert_eq!(a.ret, TEE_SUCCESS);
    assert_eq!(reg_read(&w, 0, 16), b"0123456789abcdef");
    // The copy went with the call.
    assert_eq!(w.frames_used(), used);
    assert_eq!(w.k.shm().lock().users(COOKIE), Some(0));
    w.assert_clean();
}
