//! Host tests for oxtee-thread: every transition and bad case.

use oxtee_thread::{
    AllocResult, BadThreadCount, Busy, ResumeError, RpcExit, RpcKind, RpcResult, StateError,
    ThreadPool, ThreadState, MAX_THREADS,
};

#[test]
fn pool_size_bounds() {
    assert_eq!(ThreadPool::new(7).unwrap_err(), BadThreadCount);
    assert_eq!(ThreadPool::new(0).unwrap_err(), BadThreadCount);
    assert_eq!(
        ThreadPool::new(MAX_THREADS + 1).unwrap_err(),
        BadThreadCount
    );
    assert_eq!(ThreadPool::new(8).unwrap().count(), 8);
    assert_eq!(ThreadPool::new(MAX_THREADS).unwrap().count(), MAX_THREADS);
}

#[test]
fn allocate_until_busy_then_free() {
    let mut p = ThreadPool::new(8).unwrap();
    let ids: Vec<_> = (0..8).map(|i| p.allocate(i % 2).unwrap()).collect();
    let idx: Vec<u32> = ids.iter().map(|t| t.as_u32()).collect();
    assert_eq!(idx, (0..8).collect::<Vec<u32>>());
    assert_eq!(p.allocate(0), Err(Busy));
    assert_eq!(Busy.smc_return(), 1);
    p.free(ids[3]).unwrap();
    // The freed slot is reused.
    assert_eq!(p.allocate(1).unwrap(), ids[3]);
    let s = p.stats();
    assert_eq!((s.count, s.in_use, s.max_used, s.suspended), (8, 8, 8, 0));
}

#[test]
fn full_rpc_cycle_and_stats() {
    let mut p = ThreadPool::new(8).unwrap();
    assert!(p.all_free());
    let t = p.allocate(0).unwrap();
    assert_eq!(p.state(t), Some(ThreadState::Running { cpu: 0 }));
    assert_eq!(p.running_on(0), Some(t));
    let exit = p.suspend_for_rpc(t, RpcKind::Cmd { cookie: 0 }).unwrap();
    assert_eq!(
        exit,
        RpcExit {
            a0: 0xFFFF_0005,
            a1: 0,
            a2: 0,
            a3: t.as_u32()
        }
    );
    assert_eq!(p.running_on(0), None);
    assert_eq!(p.stats().suspended, 1);
    assert_eq!(p.stats().in_use, 1);
    assert!(!p.all_free());
    let (tid, kind) = p.resume(u64::from(t.as_u32()), 0).unwrap();
    assert_eq!((tid, kind), (t, RpcKind::Cmd { cookie: 0 }));
    assert_eq!(p.state(t), Some(ThreadState::Running { cpu: 0 }));
    p.free(t).unwrap();
    assert_eq!(p.state(t), Some(ThreadState::Free));
    let s = p.stats();
    assert_eq!((s.in_use, s.max_used, s.suspended), (0, 1, 0));
    assert!(p.all_free());
}

#[test]
fn resume_on_another_cpu() {
    let mut p = ThreadPool::new(8).unwrap();
    let t = p.allocate(0).unwrap();
    p.suspend_for_rpc(t, RpcKind::ForeignIntr).unwrap();
    let (tid, kind) = p.resume(u64::from(t.as_u32()), 1).unwrap();
    assert_eq!((tid, kind), (t, RpcKind::ForeignIntr));
    assert_eq!(p.state(t), Some(ThreadState::Running { cpu: 1 }));
    assert_eq!(p.running_on(1), Some(t));
    assert_eq!(p.running_on(0), None);
}

#[test]
fn resume_bad_thread_ids() {
    let mut p = ThreadPool::new(8).unwrap();
    let t = p.allocate(0).unwrap();
    // Out of range.
    assert_eq!(p.resume(8, 0), Err(ResumeError::OutOfRange));
    assert_eq!(
        p.resume(u64::from(u32::MAX), 0),
        Err(ResumeError::OutOfRange)
    );
    // Free thread.
    assert_eq!(p.resume(5, 0), Err(ResumeError::NotAllocated));
    // Running, not suspended.
    assert_eq!(
        p.resume(u64::from(t.as_u32()), 0),
        Err(ResumeError::NotSuspended)
    );
    assert_eq!(ResumeError::NotSuspended.smc_return(), 3);
    assert_eq!(ResumeError::OutOfRange.smc_return(), 3);
    // Nothing changed.
    assert_eq!(p.state(t), Some(ThreadState::Running { cpu: 0 }));
    // Resuming twice: the second is refused.
    p.suspend_for_rpc(t, RpcKind::Free { cookie: 1 }).unwrap();
    p.resume(u64::from(t.as_u32()), 0).unwrap();
    assert_eq!(
        p.resume(u64::from(t.as_u32()), 1),
        Err(ResumeError::NotSuspended)
    );
    assert_eq!(p.state(t), Some(ThreadState::Running { cpu: 0 }));
}

#[test]
fn resume_ignores_upper_register_half() {
    // SMC32: only the low 32 bits of x3 count (as OP-TEE's u32 thread id does).
    let mut p = ThreadPool::new(8).unwrap();
    let t = p.allocate(0).unwrap();
    p.suspend_for_rpc(t, RpcKind::ForeignIntr).unwrap();
    let a3 = 0xdead_beef_0000_0000 | u64::from(t.as_u32());
    assert_eq!(p.resume(a3, 0).unwrap().0, t);
}

#[test]
fn invalid_core_transitions() {
    let mut p = ThreadPool::new(8).unwrap();
    let t = p.allocate(0).unwrap();
    let free_id = p.allocate(0).unwrap();
    p.free(free_id).unwrap();
    // Suspend / free a free thread.
    assert_eq!(
        p.suspend_for_rpc(free_id, RpcKind::ForeignIntr),
        Err(StateError::NotRunning)
    );
    assert_eq!(p.free(free_id), Err(StateError::NotRunning));
    // Suspend twice; free while suspended.
    p.suspend_for_rpc(t, RpcKind::ForeignIntr).unwrap();
    assert_eq!(
        p.suspend_for_rpc(t, RpcKind::ForeignIntr),
        Err(StateError::NotRunning)
    );
    assert_eq!(p.free(t), Err(StateError::NotRunning));
    assert_eq!(p.stats().in_use, 1);
    // Out-of-range ids cannot be built from outside, but ids from a bigger pool can.
    let mut big = ThreadPool::new(16).unwrap();
    let ids: Vec<_> = (0..16).map(|_| big.allocate(0).unwrap()).collect();
    assert_eq!(p.free(ids[15]), Err(StateError::OutOfRange));
    assert_eq!(
        p.suspend_for_rpc(ids[15], RpcKind::ForeignIntr),
        Err(StateError::OutOfRange)
    );
    assert_eq!(p.state(ids[15]), None);
}

#[test]
fn rpc_exit_encoding() {
    assert_eq!(
        RpcKind::Alloc { size: 0x1234 }.encode(3),
        RpcExit {
            a0: 0xFFFF_0000,
            a1: 0x1234,
            a2: 0,
            a3: 3
        }
    );
    assert_eq!(
        RpcKind::Free {
            cookie: 0x1122_3344_5566_7788
        }
        .encode(2),
        RpcExit {
            a0: 0xFFFF_0002,
            a1: 0x1122_3344,
            a2: 0x5566_7788,
            a3: 2
        }
    );
    assert_eq!(
        RpcKind::ForeignIntr.encode(7),
        RpcExit {
            a0: 0xFFFF_0004,
            a1: 0,
            a2: 0,
            a3: 7
        }
    );
    assert_eq!(
        RpcKind::Cmd {
            cookie: 0xaabb_ccdd_0000_0001
        }
        .encode(0),
        RpcExit {
            a0: 0xFFFF_0005,
            a1: 0xaabb_ccdd,
            a2: 1,
            a3: 0
        }
    );
}

#[test]
fn rpc_return_decoding() {
    let alloc = RpcKind::Alloc { size: 160 };
    assert_eq!(
        alloc.decode_return(0x1, 0x4000_2000, 0xcafe, 0xf00d),
        RpcResult::Alloc(Some(AllocResult {
            pa: 0x1_4000_2000,
            cookie: 0xcafe_0000_f00d
        }))
    );
    assert_eq!(
        alloc.decode_return(0, 0, 0xcafe, 0xf00d),
        RpcResult::Alloc(None)
    );
    // Upper halves of the registers are ignored (SMC32).
    assert_eq!(
        alloc.decode_return(0xffff_ffff_0000_0000, 0xffff_ffff_0000_0000, 1, 2),
        RpcResult::Alloc(None)
    );
    assert_eq!(
        alloc.decode_return(0x1_0000_0000, 0x4000_0000, 0x5_0000_0000, 7),
        RpcResult::Alloc(Some(AllocResult {
            pa: 0x4000_0000,
            cookie: 7
        }))
    );
    assert_eq!(
        RpcKind::Free { cookie: 1 }.decode_return(9, 9, 9, 9),
        RpcResult::Free
    );
    assert_eq!(
        RpcKind::ForeignIntr.decode_return(1, 2, 3, 4),
        RpcResult::ForeignIntr
    );
    assert_eq!(
        RpcKind::Cmd { cookie: 0 }.decode_return(1, 2, 3, 4),
        RpcResult::Cmd
    );
}

#[test]
fn many_threads_suspended_concurrently() {
    let mut p = ThreadPool::new(8).unwrap();
    let ids: Vec<_> = (0..8).map(|i| p.allocate(i % 2).unwrap()).collect();
    for (i, t) in ids.iter().enumerate() {
        p.suspend_for_rpc(*t, RpcKind::Alloc { size: i as u32 })
            .unwrap();
    }
    assert_eq!(p.stats().suspended, 8);
    assert_eq!(p.allocate(0), Err(Busy));
    // Resume in reverse order on alternating CPUs; each gets its own RPC back.
    for (i, t) in ids.iter().enumerate().rev() {
        let (tid, kind) = p.resume(u64::from(t.as_u32()), i % 2).unwrap();
        assert_eq!(tid, *t);
        assert_eq!(kind, RpcKind::Alloc { size: i as u32 });
        p.free(tid).unwrap();
    }
    let s = p.stats();
    assert_eq!((s.in_use, s.max_used, s.suspended), (0, 8, 0));
}
