//! The PSCI service: CPU and system power, answered at EL3. Calls that
//! concern the secure OS run its power hooks as synchronous entries.

use oxtee_monitor::psci::{self as psci_logic, Call, PowerStates};
use spin::Mutex;
use supplicant_proto::opteed::vector;
use supplicant_proto::psci;

use crate::console::println;
use crate::percpu::{cpu_index, PerCpu};
use crate::{hw, opteed, world};

/// PSCI power states of all CPUs.
pub static POWER: Mutex<Option<PowerStates>> = Mutex::new(None);

/// The calling CPU is off (CPU_OFF succeeded): its run loop ends and it waits
/// for the next CPU_ON.
pub struct CpuOff;

/// Answers the normal world's PSCI call (function ID and arguments in
/// `cpu.ns.x`, decoded by `oxtee_monitor::psci::Call`), with the result in
/// its x0. `Some(CpuOff)` when the CPU is
/// now off and the normal world must not resume on it.
pub fn handle(cpu: &mut PerCpu) -> Option<CpuOff> {
    let mut x = [0; 4];
    x.copy_from_slice(&cpu.ns.x[..4]);
    let result: i64 = match Call::decode(x) {
        Call::Version => i64::from(psci::VERSION_1_1),
        Call::Features { fid } => i64::from(psci_logic::features(fid)),
        Call::CpuSuspend => {
            // Every power state is treated as standby: wait for an interrupt.
            crate::sysreg::wfi();
            0
        }
        Call::CpuOn { target, entry } => {
            let r = POWER
                .lock()
                .as_mut()
                .map(|p| p.cpu_on(target, entry))
                .unwrap_or(Err(psci::ret::INTERNAL_FAILURE));
            match r {
                Ok(_) => {
                    crate::sysreg::dsb_sy();
                    crate::sysreg::sev();
                    0
                }
                Err(e) => i64::from(e),
            }
        }
        Call::CpuOff => match cpu_off(cpu) {
            Ok(off) => return Some(off),
            Err(e) => e,
        },
        Call::AffinityInfo { target, level } => i64::from(
            POWER
                .lock()
                .as_ref()
                .map(|p| p.affinity_info(target, level))
                .unwrap_or(psci::ret::INTERNAL_FAILURE),
        ),
        Call::MigrateInfoType => i64::from(psci::TOS_NOT_PRESENT_MP),
        Call::SystemOff => system_off(cpu, false),
        Call::SystemReset => system_off(cpu, true),
        Call::NotSupported => i64::from(psci::ret::NOT_SUPPORTED),
    };
    cpu.ns.x[0] = result as u64;
    None
}

/// CPU_OFF of the calling CPU: the secure OS's `cpu_off_entry`, then the
/// power state. On failure the normal world continues with its own state.
fn cpu_off(cpu: &mut PerCpu) -> Result<CpuOff, i64> {
    let index = cpu_index();
    let hook = opteed::power_hook(cpu, vector::CPU_OFF);
    if let Some(status) = hook.filter(|&s| s != 0) {
        panic!("secure OS cpu_off failed: {:#x}", status);
    }
    if let Err(e) = POWER.lock().as_mut().map_or(Ok(()), |p| p.cpu_off(index)) {
        if hook.is_some() {
            // SAFETY: back to the normal world that made the call; the hook left the secure OS's state live.
            unsafe { world::load_live(&cpu.ns) };
        }
        return Err(i64::from(e));
    }
    Ok(CpuOff)
}

/// SYSTEM_OFF / SYSTEM_RESET: tell the secure OS, then drive the secure GPIO.
fn system_off(cpu: &mut PerCpu, reset: bool) -> ! {
    let slot = if reset {
        vector::SYSTEM_RESET
    } else {
        vector::SYSTEM_OFF
    };
    opteed::power_hook(cpu, slot);
    println!("{}", if reset { "system reset" } else { "system off" });
    hw::power_off(reset)
}
