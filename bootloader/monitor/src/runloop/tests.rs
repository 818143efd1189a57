use super::*;
use supplicant_proto::opteed::*;

const RUNNING: [Running; 3] = [
    Running::Normal,
    Running::SecureForNormal,
    Running::SecureHook,
];

const ALL_RETURNS: [(u32, OpteedReturn); 9] = [
    (TEESMC_OPTEED_RETURN_ENTRY_DONE, OpteedReturn::EntryDone),
    (TEESMC_OPTEED_RETURN_ON_DONE, OpteedReturn::OnDone),
    (TEESMC_OPTEED_RETURN_OFF_DONE, OpteedReturn::OffDone),
    (TEESMC_OPTEED_RETURN_SUSPEND_DONE, OpteedReturn::SuspendDone),
    (TEESMC_OPTEED_RETURN_RESUME_DONE, OpteedReturn::ResumeDone),
    (TEESMC_OPTEED_RETURN_CALL_DONE, OpteedReturn::CallDone),
    (TEESMC_OPTEED_RETURN_FIQ_DONE, OpteedReturn::FiqDone),
    (
        TEESMC_OPTEED_RETURN_SYSTEM_OFF_DONE,
        OpteedReturn::SystemOffDone,
    ),
    (
        TEESMC_OPTEED_RETURN_SYSTEM_RESET_DONE,
        OpteedReturn::SystemResetDone,
    ),
];

const VECTORS: u64 = 0x0e10_2000;
const PRESENT: Option<u64> = Some(VECTORS);
const STATES: [Option<u64>; 2] = [None, PRESENT];

fn smc(fid: u64) -> Exit {
    Exit::Smc { fid }
}

#[test]
fn vector_numbers_round_trip_and_reject_others() {
    for v in [Vector::Sync, Vector::Irq, Vector::Fiq, Vector::SError] {
        assert_eq!(Vector::from_raw(v.raw()), Some(v));
    }
    assert_eq!(Vector::from_raw(4), None);
    assert_eq!(Vector::from_raw(u64::MAX), None);
}

#[test]
fn exits_are_classified_by_vector_and_exception_class() {
    let smc_esr = 0x17 << 26 | 1 << 25;
    assert_eq!(
        Exit::classify(Vector::Sync, smc_esr, 0x8400_0000),
        smc(0x8400_0000)
    );
    // HVC (0x16), a trapped MSR/MRS (0x18), SMC from AArch32 (0x13), unknown (0).
    for ec in [0x16u64, 0x18, 0x13, 0] {
        let esr = ec << 26 | 1 << 25;
        assert_eq!(Exit::classify(Vector::Sync, esr, 7), Exit::Trap { esr });
    }
    assert_eq!(Exit::classify(Vector::Irq, smc_esr, 1), Exit::Irq);
    assert_eq!(Exit::classify(Vector::Fiq, smc_esr, 1), Exit::Fiq);
    assert_eq!(
        Exit::classify(Vector::SError, 0xbf00_0000, 1),
        Exit::SError { esr: 0xbf00_0000 }
    );
}

#[test]
fn worlds_of_running_states() {
    assert_eq!(Running::Normal.world(), World::NonSecure);
    assert_eq!(Running::SecureForNormal.world(), World::Secure);
    assert_eq!(Running::SecureHook.world(), World::Secure);
}

#[test]
fn normal_world_smcs_go_to_their_owner() {
    let n = Running::Normal;
    assert_eq!(decide(n, smc(0x8400_0000), PRESENT), Action::Psci);
    assert_eq!(decide(n, smc(0xC400_0003), None), Action::Psci);
    assert_eq!(decide(n, smc(0x8000_0000), PRESENT), Action::Arch);
    assert_eq!(
        decide(n, smc(0xB200_0009), PRESENT),
        Action::ForwardCall {
            entry: VECTORS + vector::FAST_SMC
        }
    );
    assert_eq!(
        decide(n, smc(0x3200_0004), PRESENT),
        Action::ForwardCall {
            entry: VECTORS + vector::YIELD_SMC
        }
    );
    // Without a secure OS its calls are unknown, as are SiP calls and junk.
    assert_eq!(decide(n, smc(0xB200_0009), None), Action::AnswerUnknown);
    assert_eq!(decide(n, smc(0x3200_0004), None), Action::AnswerUnknown);
    assert_eq!(decide(n, smc(0x8200_3D06), PRESENT), Action::AnswerUnknown);
    assert_eq!(
        decide(n, smc(0xFFFF_FFFF_8400_0000), PRESENT),
        Action::AnswerUnknown
    );
    // An opteed return from the normal world is a trusted-OS call like any other.
    assert_eq!(
        decide(n, smc(u64::from(TEESMC_OPTEED_RETURN_CALL_DONE)), PRESENT),
        Action::ForwardCall {
            entry: VECTORS + vector::FAST_SMC
        }
    );
}

#[test]
fn secure_returns_while_serving_the_normal_world() {
    let s = Running::SecureForNormal;
    for (fid, r) in ALL_RETURNS {
        let want = match r {
            OpteedReturn::CallDone => Action::CallDone,
            OpteedReturn::FiqDone => Action::FiqDone,
            _ => Action::Fatal(Violation::HookReturnOutsideHook(r)),
        };
        assert_eq!(decide(s, smc(u64::from(fid)), PRESENT), want, "{r:?}");
    }
}

#[test]
fn secure_returns_during_a_synchronous_entry() {
    let s = Running::SecureHook;
    for (fid, r) in ALL_RETURNS {
        let want = match r {
            OpteedReturn::CallDone | OpteedReturn::FiqDone => {
                Action::Fatal(Violation::CallReturnInHook(r))
            }
            _ => Action::HookDone(r),
        };
        // The cold boot runs before the secure OS counts as present.
        for vectors in STATES {
            assert_eq!(decide(s, smc(u64::from(fid)), vectors), want, "{r:?}");
        }
    }
}

#[test]
fn unknown_secure_smcs_stop_the_monitor() {
    for running in [Running::SecureForNormal, Running::SecureHook] {
        for fid in [0x8400_0000u64, 0xBE00_0009, 0xB200_0009, 1 << 32] {
            assert_eq!(
                decide(running, smc(fid), PRESENT),
                Action::Fatal(Violation::UnknownSmc(fid))
            );
        }
    }
}

#[test]
fn traps_irqs_serrors_in_every_state() {
    for running in RUNNING {
        for vectors in STATES {
            let trap = Exit::Trap { esr: 0x18 << 26 };
            assert_eq!(
                decide(running, trap, vectors),
                Action::InjectUndef { esr: 0x18 << 26 }
            );
            assert_eq!(decide(running, Exit::Irq, vectors), Action::Report);
            let serror = Exit::SError { esr: 0 };
            assert_eq!(decide(running, serror, vectors), Action::Report);
        }
    }
}

#[test]
fn fiqs_go_to_the_secure_os_only_from_the_normal_world() {
    assert_eq!(
        decide(Running::Normal, Exit::Fiq, PRESENT),
        Action::ForwardFiq {
            entry: VECTORS + vector::FIQ
        }
    );
    assert_eq!(decide(Running::Normal, Exit::Fiq, None), Action::Resume);
    for running in [Running::SecureForNormal, Running::SecureHook] {
        for vectors in STATES {
            assert_eq!(decide(running, Exit::Fiq, vectors), Action::Resume);
        }
    }
}

#[test]
fn who_runs_next() {
    let fwd = Action::ForwardCall { entry: 0 };
    assert_eq!(fwd.next(Running::Normal), Running::SecureForNormal);
    assert_eq!(
        Action::ForwardFiq { entry: 0 }.next(Running::Normal),
        Running::SecureForNormal
    );
    assert_eq!(
        Action::CallDone.next(Running::SecureForNormal),
        Running::Normal
    );
    assert_eq!(
        Action::FiqDone.next(Running::SecureForNormal),
        Running::Normal
    );
    for running in RUNNING {
        for a in [
            Action::Psci,
            Action::Arch,
            Action::AnswerUnknown,
            Action::InjectUndef { esr: 0 },
            Action::Report,
            Action::Resume,
            Action::HookDone(OpteedReturn::EntryDone),
        ] {
            assert_eq!(a.next(running), running, "{a:?}");
        }
    }
}

/// A normal-world call, a secure interrupt and their answers, as the loop
/// sees them one exit after the other.
#[test]
fn a_call_and_a_fiq_round_trip() {
    let steps = [
        (
            smc(0x3200_0004),
            Action::ForwardCall {
                entry: VECTORS + vector::YIELD_SMC,
            },
        ),
        (
            smc(u64::from(TEESMC_OPTEED_RETURN_CALL_DONE)),
            Action::CallDone,
        ),
        (
            Exit::Fiq,
            Action::ForwardFiq {
                entry: VECTORS + vector::FIQ,
            },
        ),
        (
            smc(u64::from(TEESMC_OPTEED_RETURN_FIQ_DONE)),
            Action::FiqDone,
        ),
        (smc(0x8400_0000), Action::Psci),
    ];
    let mut running = Running::Normal;
    for (exit, want) in steps {
        let a = decide(running, exit, PRESENT);
        assert_eq!(a, want, "{exit:?} while {running:?}");
        running = a.next(running);
    }
    assert_eq!(running, Running::Normal);
}
