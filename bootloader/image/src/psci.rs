//! The PSCI service: CPU and system power, answered at EL3. Calls that
//! concern the secure OS run its power hooks as synchronous entries.

use oxtee_monitor::psci::{self as psci_logic, EntryPoint, PowerStates};
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
/// `cpu.ns.x`), with the result in its x0. `Some(CpuOff)` when the CPU is
/// now off and the normal world must not resume on it.
pub fn handle(cpu: &mut PerCpu) -> Option<CpuOff> {
    let ns = &mut cpu.ns;
    let fid = ns.x[0] as u32;
    let result: i64 = match fid {
        psci::PSCI_VERSION => i64::from(psci::VERSION_1_1),
        psci::PSCI_FEATURES => i64::from(psci_logic::features(ns.x[1])),
        psci::CPU_SUSPEND_32 | psci::CPU_SUSPEND_64 => {
            // Every power state is treated as standby: wait for an interrupt.
            crate::sysreg::wfi();
            0
        }
        psci::CPU_ON_32 | psci::CPU_ON_64 => {
            let (target, pc, context_id) = (ns.x[1], ns.x[2], ns.x[3]);
            let (target, pc, context_id) = if fid == psci::CPU_ON_32 {
                (
                    target & 0xffff_ffff,
                    pc & 0xffff_ffff,
                    context_id & 0xffff_ffff,
                )
            } else {
                (target, pc, context_id)
            };
            let r = POWER
                .lock()
                .as_mut()
                .map(|p| p.cpu_on(target, EntryPoint { pc, context_id }))
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
        psci::CPU_OFF => match cpu_off(cpu) {
            Ok(off) => return Some(off),
            Err(e) => e,
        },
        psci::AFFINITY_INFO_32 | psci::AFFINITY_INFO_64 => {
            let (target, level) = if fid == psci::AFFINITY_INFO_32 {
                (ns.x[1] & 0xffff_ffff, ns.x[2] & 0xffff_ffff)
            } else {
                (ns.x[1], ns.x[2])
            };
            i64::from(
                POWER
                    .lock()
                    .as_ref()
                    .map(|p| p.affinity_info(target, level))
                    .unwrap_or(psci::ret::INTERNAL_FAILURE),
            )
        }
        psci::MIGRATE_INFO_TYPE => i64::from(psci::TOS_NOT_PRESENT_MP),
        psci::SYSTEM_OFF => system_off(cpu, false),
        psci::SYSTEM_RESET => system_off(cpu, true),
        _ => i64::from(psci::ret::NOT_SUPPORTED),
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
