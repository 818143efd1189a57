//! Classification of SMCs by owner, as TF-A's runtime services do it.

use crate::World;
use supplicant_proto::opteed::*;
use supplicant_proto::psci;
use supplicant_proto::smccc::{self, FunctionId};

/// A return from the secure OS through the `opteed` protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpteedReturn {
    /// Cold boot done; x1 = vector table.
    EntryDone,
    /// `cpu_on_entry` done.
    OnDone,
    /// `cpu_off_entry` done.
    OffDone,
    /// `cpu_suspend_entry` done.
    SuspendDone,
    /// `cpu_resume_entry` done.
    ResumeDone,
    /// A forwarded normal-world call is answered; x1..x4 go to the normal world.
    CallDone,
    /// `fiq_entry` done.
    FiqDone,
    /// `system_off_entry` done.
    SystemOffDone,
    /// `system_reset_entry` done.
    SystemResetDone,
}

/// Who handles an SMC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// PSCI, handled at EL3.
    Psci,
    /// SMCCC architecture calls (`SMCCC_VERSION`, `SMCCC_ARCH_FEATURES`, ...).
    Arch,
    /// Forward to the secure OS through its fast-call vector.
    SecureFast,
    /// Forward to the secure OS through its yielding-call vector.
    SecureYield,
    /// A return from the secure OS.
    Opteed(OpteedReturn),
    /// Nobody owns it: answer `SMC_UNK` (from the normal world) or stop the
    /// secure OS (a protocol violation, as TF-A's `opteed` does).
    Unknown,
}

/// Decides who handles `fid` coming from `world`. `secure_os_present` is false
/// when no secure OS finished its cold boot (calls for it then answer `SMC_UNK`).
pub fn route(world: World, fid: u64, secure_os_present: bool) -> Route {
    // SMC32 IDs must have bits 63:32 clear to be recognised at all.
    let Ok(fid32) = u32::try_from(fid) else {
        return Route::Unknown;
    };
    let id = FunctionId(fid32);
    match world {
        World::Secure => match fid32 {
            TEESMC_OPTEED_RETURN_ENTRY_DONE => Route::Opteed(OpteedReturn::EntryDone),
            TEESMC_OPTEED_RETURN_ON_DONE => Route::Opteed(OpteedReturn::OnDone),
            TEESMC_OPTEED_RETURN_OFF_DONE => Route::Opteed(OpteedReturn::OffDone),
            TEESMC_OPTEED_RETURN_SUSPEND_DONE => Route::Opteed(OpteedReturn::SuspendDone),
            TEESMC_OPTEED_RETURN_RESUME_DONE => Route::Opteed(OpteedReturn::ResumeDone),
            TEESMC_OPTEED_RETURN_CALL_DONE => Route::Opteed(OpteedReturn::CallDone),
            TEESMC_OPTEED_RETURN_FIQ_DONE => Route::Opteed(OpteedReturn::FiqDone),
            TEESMC_OPTEED_RETURN_SYSTEM_OFF_DONE => Route::Opteed(OpteedReturn::SystemOffDone),
            TEESMC_OPTEED_RETURN_SYSTEM_RESET_DONE => Route::Opteed(OpteedReturn::SystemResetDone),
            _ => Route::Unknown,
        },
        World::NonSecure => {
            if id.oen() == smccc::oen::STD && crate::psci::is_psci(fid32) {
                Route::Psci
            } else if id.oen() == smccc::oen::ARM_ARCH && id.is_fast() && !id.is_smc64() {
                Route::Arch
            } else if id.is_trusted_os() && secure_os_present {
                if id.is_fast() {
                    Route::SecureFast
                } else {
                    Route::SecureYield
                }
            } else {
                Route::Unknown
            }
        }
    }
}

/// True for IDs the normal world may not use even though their OEN says
/// "trusted OS": the `opteed` returns are only meaningful from the secure side.
pub fn is_opteed_return(fid: u32) -> bool {
    (TEESMC_OPTEED_RETURN_ENTRY_DONE..=TEESMC_OPTEED_RETURN_SYSTEM_RESET_DONE).contains(&fid)
}

const _: () = assert!(psci::PSCI_VERSION >> 24 == 0x84);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_world_routes() {
        let ns = World::NonSecure;
        assert_eq!(route(ns, 0x8400_0000, true), Route::Psci);
        assert_eq!(route(ns, 0xC400_0003, true), Route::Psci);
        assert_eq!(route(ns, 0x8000_0000, true), Route::Arch);
        assert_eq!(route(ns, 0xB200_0009, true), Route::SecureFast);
        assert_eq!(route(ns, 0xBF00_FF01, true), Route::SecureFast);
        assert_eq!(route(ns, 0x3200_0004, true), Route::SecureYield);
        assert_eq!(route(ns, 0x3200_0013, true), Route::SecureYield);
        // No secure OS: its calls are unknown.
        assert_eq!(route(ns, 0xB200_0009, false), Route::Unknown);
        // SiP, OEM, hypervisor and garbage: unknown.
        assert_eq!(route(ns, 0x8200_3D06, true), Route::Unknown);
        assert_eq!(route(ns, 0x8300_0000, true), Route::Unknown);
        assert_eq!(route(ns, 0x8600_0000, true), Route::Unknown);
        assert_eq!(route(ns, 0xFFFF_FFFF_8400_0000, true), Route::Unknown);
        assert_eq!(route(ns, 0x8400_00FF, true), Route::Unknown);
        // An opteed return issued by the normal world goes to the secure OS
        // like any trusted-OS call (OEN 62), which answers UNKNOWN_FUNCTION.
        assert_eq!(route(ns, 0xBE00_0000, true), Route::SecureFast);
    }

    #[test]
    fn secure_world_routes() {
        let s = World::Secure;
        assert_eq!(
            route(s, 0xBE00_0000, true),
            Route::Opteed(OpteedReturn::EntryDone)
        );
        assert_eq!(
            route(s, 0xBE00_0005, true),
            Route::Opteed(OpteedReturn::CallDone)
        );
        assert_eq!(
            route(s, 0xBE00_0008, true),
            Route::Opteed(OpteedReturn::SystemResetDone)
        );
        assert_eq!(route(s, 0xBE00_0009, true), Route::Unknown);
        assert_eq!(route(s, 0x8400_0000, true), Route::Unknown);
        assert!(is_opteed_return(0xBE00_0006));
        assert!(!is_opteed_return(0xBE00_0009));
    }
}
