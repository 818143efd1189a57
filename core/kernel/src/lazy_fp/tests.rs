//! The ownership rules on a model CPU: a register file with the
//! architectural effect that matters (writing a V register zeroes the Z
//! bits above 128), a save area, the EL0 trap bit, and TAs modelled as
//! step lists run the way the image's `user.rs` and `user_enter` run them.

use super::*;

/// One Z register of a 256-bit vector length: bits 0..127 (the V view) and 128..255.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Z {
    low: u128,
    high: u128,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Regs {
    z: [Z; 32],
    p: [u32; 16],
    ffr: u32,
    fpsr: u64,
    fpcr: u64,
}

impl Regs {
    /// Distinct non-zero values in every field, derived from `seed`.
    fn pattern(seed: u128) -> Self {
        let mut r = Regs::default();
        for (i, z) in r.z.iter_mut().enumerate() {
            let i = i as u128 + 1;
            z.low = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (i << 64) ^ i;
            z.high = !z.low ^ (seed << 3);
        }
        for (i, p) in r.p.iter_mut().enumerate() {
            *p = seed as u32 ^ ((i as u32 + 1) << 20);
        }
        r.ffr = seed as u32 | 1;
        r.fpsr = 0x0800_0000 | (seed as u64 & 0x9f);
        r.fpcr = (3 << 22) | (1 << 24);
        r
    }

    /// The FP/SIMD view (what SMCCC always protects).
    fn fpsimd(&self) -> ([u128; 32], u64, u64) {
        (self.z.map(|z| z.low), self.fpsr, self.fpcr)
    }

    /// `ldr qN` / `ldp` of a V register: the Z bits above 128 become zero.
    fn write_v(&mut self, n: usize, v: u128) {
        self.z[n] = Z { low: v, high: 0 };
    }
}

/// A TA's FP/SIMD registers between two runs (`UserRegs` q, FPSR, FPCR).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct TaFp {
    q: [u128; 32],
    fpsr: u64,
    fpcr: u64,
}

#[derive(Clone, Copy, Debug)]
enum Step {
    /// Reads all V registers, FPSR and FPCR (recorded in `Ta::seen`).
    Read,
    /// Writes all V registers and FPCR with values from the seed.
    Write(u128),
    /// A secure interrupt: handled at S-EL1 and straight back to the TA.
    NativeIrq,
    /// A normal-world interrupt: the TA exits, the thread goes back to EL3.
    ForeignIrq,
    /// A system call that ends in an RPC to the normal world.
    Rpc,
    /// A data abort: the TA is dead.
    Fault,
    /// A system call the core serves with its own FP/SIMD use (crypto),
    /// then returns to the TA.
    Syscall,
    /// Returns from its entry point.
    Done,
}

#[derive(Debug, PartialEq, Eq)]
enum Exit {
    Syscall,
    ForeignIrq,
    Rpc,
    Fault,
    Done,
}

struct Ta {
    fp: TaFp,
    steps: Vec<Step>,
    pc: usize,
    seen: Vec<TaFp>,
    /// A foreign interrupt is pending when the TA is next entered: it is
    /// taken before the first instruction runs.
    irq_on_next_entry: bool,
}

impl Ta {
    fn new(steps: &[Step]) -> Self {
        Ta {
            fp: TaFp::default(),
            steps: steps.to_vec(),
            pc: 0,
            seen: Vec::new(),
            irq_on_next_entry: false,
        }
    }
}

fn ta_values(seed: u128) -> TaFp {
    let r = Regs::pattern(seed);
    TaFp {
        q: r.z.map(|z| z.low),
        fpsr: r.fpsr,
        fpcr: (1 << 22) | (seed as u64 & 1) << 25,
    }
}

struct Cpu {
    live: Regs,
    area: Regs,
    el0_trap: bool,
    streaming: bool,
    has_sve: bool,
    fp: LazyFp,
    saves: usize,
}

struct Hw<'a> {
    live: &'a mut Regs,
    area: &'a mut Regs,
    el0_trap: &'a mut bool,
    streaming: bool,
    saves: &'a mut usize,
}

impl FpRegisterFile for Hw<'_> {
    fn save_normal_world(&mut self, extent: Extent) {
        *self.saves += 1;
        match extent {
            Extent::Fpsimd => {
                for i in 0..32 {
                    self.area.z[i].low = self.live.z[i].low;
                }
                self.area.fpsr = self.live.fpsr;
                self.area.fpcr = self.live.fpcr;
            }
            Extent::Sve => *self.area = self.live.clone(),
        }
    }

    fn restore_normal_world(&mut self, extent: Extent) {
        match extent {
            Extent::Fpsimd => {
                for i in 0..32 {
                    self.live.write_v(i, self.area.z[i].low);
                }
                self.live.fpsr = self.area.fpsr;
                self.live.fpcr = self.area.fpcr;
            }
            Extent::Sve => *self.live = self.area.clone(),
        }
    }

    fn trap_el0_fp(&mut self, trap: bool) {
        *self.el0_trap = trap;
    }

    fn streaming_mode(&self) -> bool {
        self.streaming
    }
}

impl Cpu {
    fn new(normal_world: Regs, has_sve: bool) -> Self {
        Cpu {
            live: normal_world,
            area: Regs::default(),
            el0_trap: true,
            streaming: false,
            has_sve,
            fp: LazyFp::new(),
            saves: 0,
        }
    }

    fn hw(&mut self) -> (&mut LazyFp, Hw<'_>) {
        (
            &mut self.fp,
            Hw {
                live: &mut self.live,
                area: &mut self.area,
                el0_trap: &mut self.el0_trap,
                streaming: self.streaming,
                saves: &mut self.saves,
            },
        )
    }

    fn enter(&mut self, fid: u64) {
        let sve = self.has_sve;
        self.fp.enter(fid, sve);
    }

    fn leave(&mut self) {
        let (fp, mut hw) = self.hw();
        fp.leave(&mut hw);
    }

    /// The core's own FP/SIMD use (an AES or SHA routine): if the rules
    /// let it, it overwrites every V register, FPSR and FPCR with its key
    /// material. Returns whether it used the registers.
    fn core_crypto(&mut self) -> bool {
        let granted = {
            let (fp, mut hw) = self.hw();
            fp.claim_for_core(&mut hw)
        };
        if granted {
            for (i, k) in key_material().into_iter().enumerate() {
                self.live.write_v(i, k);
            }
            self.live.fpsr = 0x1f;
            self.live.fpcr = 0;
        }
        granted
    }

    /// Runs `ta`, serving its system calls with core crypto, until it
    /// leaves for another reason.
    fn run_with_crypto(&mut self, ta: &mut Ta) -> Exit {
        loop {
            match self.run(ta) {
                Exit::Syscall => assert!(self.core_crypto(), "the core may use FP in a call"),
                exit => return exit,
            }
        }
    }

    /// Runs `ta` until it leaves S-EL0, as `Machine::run` and `user_enter` do.
    fn run(&mut self, ta: &mut Ta) -> Exit {
        loop {
            let owned = {
                let (fp, mut hw) = self.hw();
                fp.before_ta_run(&mut hw)
            };
            if owned {
                for i in 0..32 {
                    self.live.write_v(i, ta.fp.q[i]);
                }
                self.live.fpsr = ta.fp.fpsr;
                self.live.fpcr = ta.fp.fpcr;
            }
            let exit = self.execute(ta);
            if exit == Err(()) {
                // The FP access trap: claim and retry the same instruction.
                let (fp, mut hw) = self.hw();
                if fp.claim(&mut hw) {
                    continue;
                }
                return Exit::Fault;
            }
            if owned {
                ta.fp.q = self.live.z.map(|z| z.low);
                ta.fp.fpsr = self.live.fpsr;
                ta.fp.fpcr = self.live.fpcr;
            }
            return exit.expect("handled above");
        }
    }

    /// The TA's instructions from `ta.pc`: Err(()) for an FP access trap.
    fn execute(&mut self, ta: &mut Ta) -> Result<Exit, ()> {
        if std::mem::take(&mut ta.irq_on_next_entry) {
            return Ok(Exit::ForeignIrq);
        }
        loop {
            let step = ta.steps[ta.pc];
            let uses_fp = matches!(step, Step::Read | Step::Write(_));
            if uses_fp && self.el0_trap {
                return Err(());
            }
            ta.pc += 1;
            match step {
                Step::Read => {
                    let (q, fpsr, fpcr) = self.live.fpsimd();
                    ta.seen.push(TaFp { q, fpsr, fpcr });
                }
                Step::Write(seed) => {
                    let v = ta_values(seed);
                    for i in 0..32 {
                        self.live.write_v(i, v.q[i]);
                    }
                    self.live.fpsr = v.fpsr;
                    self.live.fpcr = v.fpcr;
                }
                Step::NativeIrq => {}
                Step::ForeignIrq => return Ok(Exit::ForeignIrq),
                Step::Rpc => return Ok(Exit::Rpc),
                Step::Fault => return Ok(Exit::Fault),
                Step::Syscall => return Ok(Exit::Syscall),
                Step::Done => return Ok(Exit::Done),
            }
        }
    }
}

/// A yielding call's function ID without the hint (OPTEE_SMC_CALL_WITH_ARG).
const FID: u64 = 0x3200_0004;
const FID_HINT: u64 = FID | SVE_HINT as u64;

fn assert_no_foreign_values(seen: &TaFp, foreign: &[&Regs]) {
    for f in foreign {
        for (i, q) in seen.q.iter().enumerate() {
            assert!(
                !f.z.iter().any(|z| z.low == *q && *q != 0),
                "the TA saw a foreign value in v{i}"
            );
        }
    }
}

#[test]
fn extent_follows_the_hint_and_the_cpu() {
    assert_eq!(extent_for_call(FID, true), Extent::Sve);
    assert_eq!(extent_for_call(FID_HINT, true), Extent::Fpsimd);
    assert_eq!(extent_for_call(FID, false), Extent::Fpsimd);
    assert_eq!(extent_for_call(FID_HINT, false), Extent::Fpsimd);
    // Fast calls carry the hint in the same bit.
    assert_eq!(extent_for_call(0xB200_0009 | 1 << 16, true), Extent::Fpsimd);
    assert_eq!(call_id(FID_HINT), FID);
    assert_eq!(call_id(0xB201_0009), 0xB200_0009);
    assert_eq!(call_id(FID), FID);
}

#[test]
fn a_call_whose_ta_never_uses_fp_saves_nothing() {
    let ns = Regs::pattern(1);
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[Step::NativeIrq, Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut ta), Exit::Done);
    cpu.leave();
    assert_eq!(cpu.saves, 0);
    assert!(cpu.el0_trap);
    assert_eq!(cpu.live, ns);
}

#[test]
fn a_ta_gets_its_own_registers_and_the_normal_world_its_own() {
    let ns = Regs::pattern(2);
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[
        Step::Read,
        Step::Write(7),
        Step::Done,
        Step::Read,
        Step::Done,
    ]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut ta), Exit::Done);
    cpu.leave();
    // A fresh TA starts from zeros, never the caller's values.
    assert_eq!(ta.seen[0], TaFp::default());
    assert_eq!(
        cpu.live, ns,
        "the normal world's Z/P/FFR state came back whole"
    );
    // The next call of the same TA sees what it left, not the caller's.
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut ta), Exit::Done);
    cpu.leave();
    assert_eq!(ta.seen[1], ta_values(7));
    assert_eq!(cpu.live, ns);
}

#[test]
fn a_ta_faulting_in_the_middle_of_fp_use() {
    let ns = Regs::pattern(3);
    let mut cpu = Cpu::new(ns.clone(), true);
    // TA A loads its secrets and faults with them live. In the same visit
    // (say A was called by B, TA to TA) TA B runs on: it must see its own
    // values, not A's.
    let mut a = Ta::new(&[Step::Write(0xa), Step::Fault]);
    let mut b = Ta::new(&[Step::Write(0xb), Step::Rpc, Step::Read, Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut b), Exit::Rpc);
    assert_eq!(cpu.run(&mut a), Exit::Fault);
    // The core drops the dead TA (its saved registers go with it).
    drop(a);
    assert_eq!(cpu.run(&mut b), Exit::Done);
    cpu.leave();
    assert_eq!(b.seen[0], ta_values(0xb));
    assert_eq!(
        cpu.live, ns,
        "the normal world's registers survive the fault"
    );
    // A new TA in the next visit sees neither A's values nor the caller's.
    let mut c = Ta::new(&[Step::Read, Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut c), Exit::Done);
    cpu.leave();
    assert_eq!(c.seen[0], TaFp::default());
    assert_eq!(cpu.live, ns);
}

#[test]
fn a_fault_on_the_first_fp_use_leaves_the_normal_world_alone() {
    let ns = Regs::pattern(4);
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut a = Ta::new(&[Step::Write(0xa), Step::Fault]);
    cpu.enter(FID_HINT);
    assert_eq!(cpu.run(&mut a), Exit::Fault);
    cpu.leave();
    assert_eq!(cpu.live.fpsimd(), ns.fpsimd());
    assert!(cpu.el0_trap);
}

#[test]
fn a_foreign_interrupt_during_the_lazy_trap() {
    let ns = Regs::pattern(5);
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[Step::Write(0x5), Step::Read, Step::Done]);
    // The interrupt is taken as the TA is re-entered after the claim, before
    // the trapped instruction runs again.
    cpu.enter(FID);
    ta.irq_on_next_entry = false;
    let owned_before = cpu.fp.claimed();
    assert!(!owned_before);
    // First entry: traps on Write; the claim happens; then the interrupt.
    let exit = {
        let mut first = true;
        loop {
            let owned = {
                let (fp, mut hw) = cpu.hw();
                fp.before_ta_run(&mut hw)
            };
            if owned && first {
                first = false;
                ta.irq_on_next_entry = true;
            }
            if owned {
                for i in 0..32 {
                    cpu.live.write_v(i, ta.fp.q[i]);
                }
            }
            match cpu.execute(&mut ta) {
                Err(()) => {
                    let (fp, mut hw) = cpu.hw();
                    assert!(fp.claim(&mut hw));
                }
                Ok(e) => {
                    if owned {
                        ta.fp.q = cpu.live.z.map(|z| z.low);
                    }
                    break e;
                }
            }
        }
    };
    assert_eq!(exit, Exit::ForeignIrq);
    cpu.leave();
    assert_eq!(
        cpu.live, ns,
        "normal world intact after the interrupted claim"
    );
    // Resumed later: the TA's instruction runs with its own registers.
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut ta), Exit::Done);
    cpu.leave();
    assert_eq!(ta.seen[0], ta_values(5));
    assert_eq!(cpu.live, ns);
}

#[test]
fn a_foreign_interrupt_before_any_fp_use_saves_nothing() {
    let ns = Regs::pattern(6);
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[Step::ForeignIrq, Step::Write(6), Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut ta), Exit::ForeignIrq);
    cpu.leave();
    assert_eq!(cpu.saves, 0);
    assert_eq!(cpu.live, ns);
}

#[test]
fn a_thread_resumed_on_the_other_cpu() {
    let ns0 = Regs::pattern(10);
    let ns1 = Regs::pattern(11);
    let mut cpu0 = Cpu::new(ns0.clone(), true);
    let mut cpu1 = Cpu::new(ns1.clone(), true);
    let mut ta = Ta::new(&[
        Step::Write(0x77),
        Step::ForeignIrq,
        Step::Read,
        Step::Rpc,
        Step::Read,
        Step::Write(0x78),
        Step::Done,
    ]);
    // Runs on CPU 0 until a foreign interrupt.
    cpu0.enter(FID);
    assert_eq!(cpu0.run(&mut ta), Exit::ForeignIrq);
    cpu0.leave();
    assert_eq!(cpu0.live, ns0);
    // Resumed on CPU 1 (RETURN_FROM_RPC style resume), until an RPC.
    cpu1.enter(FID);
    assert_eq!(cpu1.run(&mut ta), Exit::Rpc);
    cpu1.leave();
    assert_eq!(cpu1.live, ns1);
    assert_eq!(
        ta.seen[0],
        ta_values(0x77),
        "the TA's own values followed it"
    );
    assert_no_foreign_values(&ta.seen[0], &[&ns0, &ns1]);
    // And back on CPU 0.
    cpu0.enter(FID);
    assert_eq!(cpu0.run(&mut ta), Exit::Done);
    cpu0.leave();
    assert_eq!(ta.seen[1], ta_values(0x77));
    assert_eq!(cpu0.live, ns0);
    assert_eq!(cpu1.live, ns1);
}

#[test]
fn two_tas_on_one_cpu_in_one_visit_never_see_each_other() {
    let ns = Regs::pattern(12);
    let mut cpu = Cpu::new(ns.clone(), false);
    let mut a = Ta::new(&[Step::Write(0xa), Step::Rpc, Step::Read, Step::Done]);
    let mut b = Ta::new(&[Step::Read, Step::Write(0xb), Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut a), Exit::Rpc);
    assert_eq!(cpu.run(&mut b), Exit::Done);
    assert_eq!(cpu.run(&mut a), Exit::Done);
    cpu.leave();
    assert_eq!(b.seen[0], TaFp::default());
    assert_eq!(a.seen[0], ta_values(0xa));
    assert_eq!(cpu.live.fpsimd(), ns.fpsimd());
}

#[test]
fn sve_state_kept_whole_without_the_hint_and_fpsimd_with_it() {
    let ns = Regs::pattern(20);
    // No hint: Z above 128, P and FFR come back.
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[Step::Write(1), Step::Done]);
    cpu.enter(FID);
    cpu.run(&mut ta);
    cpu.leave();
    assert_eq!(cpu.live, ns);
    // With the hint only the FP/SIMD view is owed, and the model shows the
    // bits above 128 are really lost then (so the test above can fail).
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[Step::Write(1), Step::Done]);
    cpu.enter(FID_HINT);
    cpu.run(&mut ta);
    cpu.leave();
    assert_eq!(cpu.live.fpsimd(), ns.fpsimd());
    assert!(cpu.live.z.iter().all(|z| z.high == 0));
    // Each visit decides anew: a resume without the hint keeps everything.
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[Step::Write(1), Step::Rpc, Step::Write(2), Step::Done]);
    cpu.enter(FID_HINT);
    cpu.run(&mut ta);
    cpu.leave();
    cpu.live = ns.clone();
    cpu.enter(FID);
    cpu.run(&mut ta);
    cpu.leave();
    assert_eq!(cpu.live, ns);
}

#[test]
fn streaming_mode_caller_lends_nothing() {
    let ns = Regs::pattern(30);
    let mut cpu = Cpu::new(ns.clone(), true);
    cpu.streaming = true;
    let mut ta = Ta::new(&[Step::Write(3), Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut ta), Exit::Fault, "the TA's FP use is refused");
    cpu.leave();
    assert_eq!(cpu.saves, 0);
    assert!(cpu.el0_trap);
    assert_eq!(cpu.live, ns);
    // A TA that does not use FP still runs.
    let mut plain = Ta::new(&[Step::NativeIrq, Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run(&mut plain), Exit::Done);
    cpu.leave();
    assert_eq!(cpu.live, ns);
}

/// What the core's crypto leaves in the V registers (round keys).
fn key_material() -> [u128; 32] {
    core::array::from_fn(|i| 0x6b65_795f_6d61_7465_7269_616c_0000_0000 | (i as u128 + 1))
}

fn assert_no_key_material(seen: &TaFp) {
    let k = key_material();
    assert!(
        !seen.q.iter().any(|q| k.contains(q)),
        "a TA saw the core's key material"
    );
}

#[test]
fn core_crypto_in_a_call_keeps_the_normal_worlds_state() {
    let ns = Regs::pattern(40);
    let mut cpu = Cpu::new(ns.clone(), true);
    // A TA that never touches FP asks the core to encrypt, twice.
    let mut ta = Ta::new(&[Step::Syscall, Step::Syscall, Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run_with_crypto(&mut ta), Exit::Done);
    assert!(cpu.fp.claimed());
    cpu.leave();
    assert_eq!(cpu.saves, 1, "saved once per visit, not per use");
    assert_eq!(cpu.live, ns, "Z (above 128 too), P, FFR, FPSR, FPCR intact");
    assert!(cpu.el0_trap);
    // With the hint only the FP/SIMD view is owed, and it comes back.
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut ta = Ta::new(&[Step::Syscall, Step::Done]);
    cpu.enter(FID_HINT);
    assert_eq!(cpu.run_with_crypto(&mut ta), Exit::Done);
    cpu.leave();
    assert_eq!(cpu.live.fpsimd(), ns.fpsimd());
}

#[test]
fn a_tas_values_survive_core_crypto() {
    let ns = Regs::pattern(41);
    let mut cpu = Cpu::new(ns.clone(), false);
    // The TA owns the registers when it calls: its values were saved at
    // its exit and are loaded again when it resumes.
    let mut ta = Ta::new(&[
        Step::Write(0x41),
        Step::Syscall,
        Step::Read,
        Step::Rpc,
        Step::Syscall,
        Step::Read,
        Step::Done,
    ]);
    cpu.enter(FID);
    assert_eq!(cpu.run_with_crypto(&mut ta), Exit::Rpc);
    cpu.leave();
    assert_eq!(ta.seen[0], ta_values(0x41));
    assert_eq!(cpu.live.fpsimd(), ns.fpsimd());
    // Next visit: the TA has not touched FP yet when the core uses it; its
    // values from the last visit are still what it reads afterwards.
    cpu.enter(FID);
    assert_eq!(cpu.run_with_crypto(&mut ta), Exit::Done);
    cpu.leave();
    assert_eq!(ta.seen[1], ta_values(0x41));
    assert_eq!(cpu.live.fpsimd(), ns.fpsimd());
}

#[test]
fn a_fresh_ta_after_core_crypto_sees_zeros() {
    let ns = Regs::pattern(42);
    let mut cpu = Cpu::new(ns.clone(), true);
    let mut a = Ta::new(&[Step::Syscall, Step::Rpc, Step::Done]);
    let mut b = Ta::new(&[Step::Read, Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run_with_crypto(&mut a), Exit::Rpc);
    // TA to TA in the same visit, right after the core's use.
    assert_eq!(cpu.run_with_crypto(&mut b), Exit::Done);
    assert_eq!(cpu.run_with_crypto(&mut a), Exit::Done);
    cpu.leave();
    assert_eq!(b.seen[0], TaFp::default());
    assert_no_key_material(&b.seen[0]);
    assert_no_foreign_values(&b.seen[0], &[&ns]);
    assert_eq!(cpu.live, ns);
}

#[test]
fn core_crypto_then_a_foreign_interrupt_and_a_resume_on_the_other_cpu() {
    let ns0 = Regs::pattern(43);
    let ns1 = Regs::pattern(44);
    let mut cpu0 = Cpu::new(ns0.clone(), true);
    let mut cpu1 = Cpu::new(ns1.clone(), true);
    // Two bounded crypto uses with an interrupt between them (the TA is
    // preempted between two update calls) and a move to the other CPU.
    let mut ta = Ta::new(&[
        Step::Write(0x43),
        Step::Syscall,
        Step::ForeignIrq,
        Step::Read,
        Step::Syscall,
        Step::Read,
        Step::Done,
    ]);
    cpu0.enter(FID);
    assert_eq!(cpu0.run_with_crypto(&mut ta), Exit::ForeignIrq);
    cpu0.leave();
    assert_eq!(
        cpu0.live, ns0,
        "interrupted: the normal world gets its own back"
    );
    cpu1.enter(FID);
    assert_eq!(cpu1.run_with_crypto(&mut ta), Exit::Done);
    cpu1.leave();
    assert_eq!(cpu1.saves, 1, "the other CPU saved its own caller first");
    assert_eq!(cpu1.live, ns1);
    assert_eq!(cpu0.live, ns0);
    assert_eq!(ta.seen[0], ta_values(0x43));
    assert_eq!(ta.seen[1], ta_values(0x43));
    assert_no_key_material(&ta.seen[1]);
}

#[test]
fn core_crypto_refused_for_a_streaming_mode_caller() {
    let ns = Regs::pattern(45);
    let mut cpu = Cpu::new(ns.clone(), true);
    cpu.streaming = true;
    cpu.enter(FID);
    assert!(!cpu.core_crypto(), "software path then");
    cpu.leave();
    assert_eq!(cpu.saves, 0);
    assert_eq!(cpu.live, ns);
}

#[test]
fn core_crypto_outside_a_visit() {
    let ns = Regs::pattern(46);
    let mut cpu = Cpu::new(Regs::default(), true);
    // Cold boot: the normal world has not run on this CPU, nothing to keep.
    assert!(cpu.core_crypto());
    assert_eq!(cpu.saves, 0);
    assert!(!cpu.fp.claimed(), "nothing is owed at the first entry");
    // The first visit still saves and restores the caller's own state.
    cpu.live = ns.clone();
    let mut ta = Ta::new(&[Step::Syscall, Step::Done]);
    cpu.enter(FID);
    assert_eq!(cpu.run_with_crypto(&mut ta), Exit::Done);
    cpu.leave();
    assert_eq!(cpu.live, ns);
    // After that, between visits (a power hook, say) the registers hold the
    // normal world's state and are not the core's to use.
    assert!(!cpu.core_crypto());
    assert_eq!(cpu.live, ns);
}
