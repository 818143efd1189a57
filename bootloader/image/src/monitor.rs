//! The run loop of a CPU once its normal world runs: enter the world whose
//! turn it is, take its exit back to EL3, let the service that owns it act
//! (PSCI, SMCCC architecture calls, the secure OS via `opteed`), go round
//! again. What an exit means is decided by `oxtee_monitor::runloop`; the
//! switch itself is `world::enter_world`, which returns here every time, so
//! no exception vector re-enters Rust and nothing long-jumps.

use oxtee_monitor::psci as psci_logic;
use oxtee_monitor::runloop::{decide, Action, Running};
use oxtee_monitor::World;
use supplicant_proto::smccc;

use crate::context::WorldContext;
use crate::opteed;
use crate::percpu::{secure_vectors, PerCpu};
use crate::psci::{self, CpuOff};
use crate::world::{self, enter_world};

fn ctx_of(cpu: &mut PerCpu, world: World) -> &mut WorldContext {
    match world {
        World::Secure => &mut cpu.s,
        World::NonSecure => &mut cpu.ns,
    }
}

/// Runs this CPU's normal world, and the secure OS on its behalf, until the
/// CPU is turned off. The normal world's context must be prepared and its
/// EL1/FP state live.
pub fn run(cpu: &mut PerCpu) -> CpuOff {
    let mut running = Running::Normal;
    loop {
        let world = running.world();
        // SAFETY: the live EL1/FP state is the running world's: the caller loaded the normal world's before the first round, every change of `running` below goes with a switch of the live state (`opteed::forward_*`, `call_done`, `fiq_done`), and the PSCI service restores the normal world's after a power hook it resumes from.
        let exit = unsafe { enter_world(ctx_of(cpu, world)) };
        let action = decide(running, exit, secure_vectors());
        match action {
            Action::Psci => {
                if let Some(off) = psci::handle(cpu) {
                    return off;
                }
            }
            Action::Arch => arch_call(&mut cpu.ns),
            Action::AnswerUnknown => ctx_of(cpu, world).x[0] = smccc::SMC_UNK,
            Action::ForwardCall { entry } => opteed::forward_call(cpu, entry),
            Action::ForwardFiq { entry } => opteed::forward_fiq(cpu, entry),
            Action::CallDone => opteed::call_done(cpu),
            Action::FiqDone => opteed::fiq_done(cpu),
            Action::InjectUndef { esr } => world::inject_undef(world, ctx_of(cpu, world), esr),
            Action::Report => world::report(exit),
            Action::Resume => {}
            Action::Fatal(v) => panic!("secure OS broke the opteed protocol: {:?}", v),
            // Only decided while EL3 waits for a synchronous entry.
            Action::HookDone(r) => panic!("{:?} outside a synchronous entry", r),
        }
        running = action.next(running);
    }
}

/// The SMCCC architecture service: `SMCCC_VERSION` and `SMCCC_ARCH_FEATURES`.
fn arch_call(ns: &mut WorldContext) {
    ns.x[0] = match ns.x[0] as u32 {
        smccc::SMCCC_VERSION => u64::from(smccc::SMCCC_VERSION_1_2),
        smccc::SMCCC_ARCH_FEATURES => psci_logic::arch_features(ns.x[1]) as i64 as u64,
        _ => smccc::SMC_UNK,
    };
}

/// An exception taken from EL3 itself: a monitor bug.
#[no_mangle]
pub extern "C" fn unexpected_exception(kind: u64, esr: u64, elr: u64, far: u64) -> ! {
    panic!(
        "EL3 exception kind {} ESR {:#x} ELR {:#x} FAR {:#x}",
        kind, esr, elr, far
    );
}
