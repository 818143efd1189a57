//! Decisions of the monitor's run loop.
//!
//! The firmware runs each CPU as a loop: enter a world, wait until it comes
//! back to EL3, decide what that means, act, enter the next world. The
//! assembly only switches state; every decision about what an exit means is
//! made here, per owner of the call (PSCI, SMCCC architecture, the secure OS
//! through the `opteed` protocol), so it is tested on the host.

use crate::route::{route, OpteedReturn, Route};
use crate::World;
use supplicant_proto::opteed::vector;

/// Which lower-EL entry of EL3's vector table was taken: the value the
/// firmware's `enter_world` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vector {
    /// Synchronous exception (SMC or a trapped instruction).
    Sync,
    /// IRQ routed to EL3.
    Irq,
    /// FIQ routed to EL3 (a secure interrupt while the normal world runs).
    Fiq,
    /// SError.
    SError,
}

impl Vector {
    /// Number the assembly returns for each vector.
    pub const fn raw(self) -> u64 {
        match self {
            Self::Sync => 0,
            Self::Irq => 1,
            Self::Fiq => 2,
            Self::SError => 3,
        }
    }

    /// The vector for a number returned by the assembly.
    pub fn from_raw(raw: u64) -> Option<Self> {
        [Self::Sync, Self::Irq, Self::Fiq, Self::SError]
            .into_iter()
            .find(|v| v.raw() == raw)
    }
}

/// ESR_EL3 exception class of an SMC executed in AArch64 state.
const EC_SMC64: u64 = 0x17;

/// Why a world came back to EL3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// An SMC with function ID `fid` (the world's x0).
    Smc {
        /// x0 at the SMC.
        fid: u64,
    },
    /// Any other synchronous exception: an instruction EL3 traps.
    Trap {
        /// ESR_EL3.
        esr: u64,
    },
    /// An IRQ (never routed to EL3 by design).
    Irq,
    /// A FIQ: a secure interrupt while the normal world ran.
    Fiq,
    /// An SError.
    SError {
        /// ESR_EL3.
        esr: u64,
    },
}

impl Exit {
    /// Classifies an exit from the vector taken, ESR_EL3 and the world's x0.
    pub fn classify(vector: Vector, esr: u64, x0: u64) -> Self {
        match vector {
            Vector::Sync if esr >> 26 == EC_SMC64 => Self::Smc { fid: x0 },
            Vector::Sync => Self::Trap { esr },
            Vector::Irq => Self::Irq,
            Vector::Fiq => Self::Fiq,
            Vector::SError => Self::SError { esr },
        }
    }
}

/// Who runs, and who waits for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Running {
    /// The normal world.
    Normal,
    /// The secure OS, serving a call or an interrupt of the normal world,
    /// which waits for `CALL_DONE` or `FIQ_DONE`.
    SecureForNormal,
    /// The secure OS in a synchronous entry from EL3 (cold boot and power
    /// hooks): EL3 waits for its `opteed` return.
    SecureHook,
}

impl Running {
    /// The world that runs.
    pub fn world(self) -> World {
        match self {
            Self::Normal => World::NonSecure,
            Self::SecureForNormal | Self::SecureHook => World::Secure,
        }
    }
}

/// A protocol violation by the secure OS: the monitor stops, as TF-A's
/// `opteed` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
    /// An SMC no service owns.
    UnknownSmc(u64),
    /// The answer to a synchronous entry while serving the normal world.
    HookReturnOutsideHook(OpteedReturn),
    /// `CALL_DONE`/`FIQ_DONE` during a synchronous entry from EL3.
    CallReturnInHook(OpteedReturn),
}

/// What the monitor does after an exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The PSCI service answers the normal world's call.
    Psci,
    /// The SMCCC architecture service answers in place.
    Arch,
    /// Nobody owns the call: x0 = `SMC_UNK`, the same world resumes.
    AnswerUnknown,
    /// Forward the normal world's call (x0..x7) to the secure OS's fast or
    /// yielding call vector.
    ForwardCall {
        /// Address of the vector entry.
        entry: u64,
    },
    /// Hand the secure interrupt to the secure OS's `fiq_entry` (x0 = the
    /// normal world's ELR).
    ForwardFiq {
        /// Address of the vector entry.
        entry: u64,
    },
    /// `CALL_DONE`: x1..x4 of the secure OS become x0..x3 of the normal world.
    CallDone,
    /// `FIQ_DONE`: the normal world resumes where it was interrupted.
    FiqDone,
    /// The synchronous entry from EL3 ended with this return; x1 is its value.
    HookDone(OpteedReturn),
    /// Inject an Undefined Instruction exception into the world that trapped.
    InjectUndef {
        /// ESR_EL3 of the trap, for the report.
        esr: u64,
    },
    /// Report the unexpected exit on the console, resume the same world.
    Report,
    /// Resume the same world without comment.
    Resume,
    /// Stop: the secure OS broke the protocol.
    Fatal(Violation),
}

impl Action {
    /// Who runs after this action, when it was decided while `running` ran.
    /// `Psci` keeps the normal world (power hooks run as nested synchronous
    /// entries), `Fatal` stops the CPU, `HookDone` ends the synchronous entry.
    pub fn next(self, running: Running) -> Running {
        match self {
            Self::ForwardCall { .. } | Self::ForwardFiq { .. } => Running::SecureForNormal,
            Self::CallDone | Self::FiqDone => Running::Normal,
            _ => running,
        }
    }
}

/// Decides what an exit of `running` means. `secure_vectors` is the secure
/// OS's vector table, `None` until the secure OS finished its cold boot.
pub fn decide(running: Running, exit: Exit, secure_vectors: Option<u64>) -> Action {
    let secure_os_present = secure_vectors.is_some();
    let at = |offset| secure_vectors.map(|base| base.wrapping_add(offset));
    match (running, exit) {
        (_, Exit::Trap { esr }) => Action::InjectUndef { esr },
        (_, Exit::Irq) | (_, Exit::SError { .. }) => Action::Report,
        (Running::Normal, Exit::Fiq) => match at(vector::FIQ) {
            Some(entry) => Action::ForwardFiq { entry },
            None => Action::Resume,
        },
        (_, Exit::Fiq) => Action::Resume,
        (Running::Normal, Exit::Smc { fid }) => {
            match route(World::NonSecure, fid, secure_os_present) {
                Route::Psci => Action::Psci,
                Route::Arch => Action::Arch,
                Route::SecureFast => forward(at(vector::FAST_SMC)),
                Route::SecureYield => forward(at(vector::YIELD_SMC)),
                // `route` gives `opteed` returns only to the secure world.
                Route::Opteed(_) | Route::Unknown => Action::AnswerUnknown,
            }
        }
        (secure, Exit::Smc { fid }) => match route(World::Secure, fid, secure_os_present) {
            Route::Opteed(r @ (OpteedReturn::CallDone | OpteedReturn::FiqDone)) => {
                match (secure, r) {
                    (Running::SecureForNormal, OpteedReturn::CallDone) => Action::CallDone,
                    (Running::SecureForNormal, _) => Action::FiqDone,
                    _ => Action::Fatal(Violation::CallReturnInHook(r)),
                }
            }
            Route::Opteed(r) if secure == Running::SecureHook => Action::HookDone(r),
            Route::Opteed(r) => Action::Fatal(Violation::HookReturnOutsideHook(r)),
            _ => Action::Fatal(Violation::UnknownSmc(fid)),
        },
    }
}

fn forward(entry: Option<u64>) -> Action {
    match entry {
        Some(entry) => Action::ForwardCall { entry },
        None => Action::AnswerUnknown,
    }
}

#[cfg(test)]
mod tests;
