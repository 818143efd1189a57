//! Who owns a CPU's FP/SIMD (and SVE) registers during one visit of the
//! secure world, decided apart from the machine so it can be tested on the
//! host (the image's `fp.rs` supplies the registers, `user.rs` the TA runs).
//!
//! A visit starts with an SMC from the normal world ([`LazyFp::enter`]) and
//! ends with the return to EL3 (call done, RPC or foreign interrupt:
//! [`LazyFp::leave`]). Until a TA touches FP/SIMD the registers keep the
//! normal world's values and TAs run with FP trapped; the first trap saves
//! the normal world's state ([`LazyFp::claim`]) and from then on every TA
//! that runs on this CPU in this visit gets its own registers loaded and
//! saved back at its exit. Leaving loads the normal world's state again,
//! which also overwrites whatever the last TA left. A thread resumed on the
//! other CPU starts a new visit there: the save area belongs to the CPU, a
//! TA's registers to the TA.
//!
//! How much to keep is SMCCC's rule ([`extent_for_call`]): the FP/SIMD view
//! (V0-V31, FPSR, FPCR) always; on a CPU with SVE, unless the caller set the
//! "no live SVE state" hint, the whole of Z0-Z31, P0-P15 and FFR at the
//! current vector length, because loading a V register zeroes the Z bits
//! above 128.
//!
//! The core itself is the third user ([`LazyFp::claim_for_core`]): its
//! Crypto Extensions routines (AES, SHA) take the registers the same way a
//! TA's first FP instruction does. A TA's registers are already saved at its
//! exit when it owns them, and otherwise still sit in its saved state, so
//! whatever the core leaves in the registers is overwritten before anyone
//! else runs: the next TA run loads its own, the return to EL3 the normal
//! world's. The core runs with interrupts masked, so nothing runs between
//! its claim and its use; a thread resumed on the other CPU claims anew
//! there. Before the normal world first ran on a CPU (cold boot, CPU_ON) the
//! registers hold nobody's state and the core may use them freely; outside a
//! visit after that, it may not.
//!
//! A caller in SME streaming mode (PSTATE.SM = 1) has its vector state in
//! the streaming registers, which the FP/SIMD instructions of a TA would
//! either trap on or clobber. The core does not lend the registers then: a
//! TA's FP use in such a visit is refused and the TA faults; nothing the
//! caller holds is read or changed. Linux never calls the secure world in
//! streaming mode (it leaves it on every entry to the kernel).

use supplicant_proto::smccc::SVE_HINT;

/// How much of the normal world's vector state a visit preserves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extent {
    /// V0-V31, FPSR, FPCR (no SVE, or the caller said it has no live SVE state).
    Fpsimd,
    /// Z0-Z31, P0-P15, FFR at the current vector length, FPSR, FPCR.
    Sve,
}

/// The state SMCCC makes the core preserve for a call with function ID
/// `fid` (as the caller passed it, hint bit included).
pub fn extent_for_call(fid: u64, cpu_has_sve: bool) -> Extent {
    if cpu_has_sve && fid & u64::from(SVE_HINT) == 0 {
        Extent::Sve
    } else {
        Extent::Fpsimd
    }
}

/// The function ID without the SVE hint: what identifies the call.
pub fn call_id(fid: u64) -> u64 {
    fid & !u64::from(SVE_HINT)
}

/// What the policy needs from one CPU's registers.
pub trait FpRegisterFile {
    /// Copies the normal world's state, to `extent`, into this CPU's save area.
    fn save_normal_world(&mut self, extent: Extent);
    /// Loads it back from the save area (the live registers are then the
    /// normal world's, whatever a TA left in them).
    fn restore_normal_world(&mut self, extent: Extent);
    /// Whether FP/SIMD use at EL0 traps (CPACR_EL1.FPEN).
    fn trap_el0_fp(&mut self, trap: bool);
    /// PSTATE.SM: the live vector state is SME's streaming state.
    fn streaming_mode(&self) -> bool;
}

/// One CPU's ownership state.
#[derive(Debug)]
pub struct LazyFp {
    /// What this visit must preserve.
    extent: Extent,
    /// The normal world's state is in the save area (to this extent) and
    /// the registers belong to the secure world until [`LazyFp::leave`].
    saved: Option<Extent>,
    /// Between [`LazyFp::enter`] and [`LazyFp::leave`].
    in_visit: bool,
    /// The normal world has entered the secure world on this CPU before.
    normal_world_ran: bool,
}

impl Default for LazyFp {
    fn default() -> Self {
        Self::new()
    }
}

impl LazyFp {
    /// A CPU that has not entered the secure world yet.
    pub const fn new() -> Self {
        Self {
            extent: Extent::Sve,
            saved: None,
            in_visit: false,
            normal_world_ran: false,
        }
    }

    /// An SMC with function ID `fid` entered the secure world on this CPU.
    pub fn enter(&mut self, fid: u64, cpu_has_sve: bool) {
        self.extent = extent_for_call(fid, cpu_has_sve);
        self.in_visit = true;
        self.normal_world_ran = true;
    }

    /// Before a TA runs: true when it runs with its own FP/SIMD registers
    /// (loaded now, saved back at its exit); false when FP use must trap.
    pub fn before_ta_run(&mut self, hw: &mut impl FpRegisterFile) -> bool {
        let owned = self.saved.is_some();
        hw.trap_el0_fp(!owned);
        owned
    }

    /// A TA trapped on its first FP/SIMD use in this visit. True: the
    /// normal world's state is saved and the TA may resume with its own
    /// registers; false: refused (streaming mode), the TA's use is a fault.
    pub fn claim(&mut self, hw: &mut impl FpRegisterFile) -> bool {
        if self.saved.is_some() {
            return true;
        }
        if hw.streaming_mode() {
            return false;
        }
        hw.save_normal_world(self.extent);
        self.saved = Some(self.extent);
        true
    }

    /// Before the CPU returns to EL3: the normal world's state back, TAs'
    /// FP trapped again.
    pub fn leave(&mut self, hw: &mut impl FpRegisterFile) {
        self.in_visit = false;
        if let Some(extent) = self.saved.take() {
            hw.restore_normal_world(extent);
            hw.trap_el0_fp(true);
        }
    }

    /// The core is about to use the FP/SIMD registers itself (a bounded
    /// crypto routine, run with interrupts masked). True: it may, until it
    /// returns to its caller; whatever it leaves in them is overwritten
    /// before a TA or the normal world runs again (see the module notes).
    /// False: it must not touch them (caller in streaming mode, or outside a
    /// visit once the normal world has run) and takes its software path.
    pub fn claim_for_core(&mut self, hw: &mut impl FpRegisterFile) -> bool {
        if !self.in_visit {
            return !self.normal_world_ran;
        }
        self.claim(hw)
    }

    /// Whether the registers currently belong to the secure world.
    pub fn claimed(&self) -> bool {
        self.saved.is_some()
    }
}

#[cfg(test)]
mod tests;
