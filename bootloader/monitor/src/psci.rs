//! PSCI 1.1 and SMCCC architecture-call decisions.
//!
//! The CPU power-state machine follows PSCI's rules: CPU_ON on a CPU that is
//! on answers `ALREADY_ON`, on one being turned on `ON_PENDING`, on an MPIDR
//! that names no CPU `INVALID_PARAMETERS`.

use supplicant_proto::psci::{self, affinity, ret};
use supplicant_proto::smccc;

/// Number of CPUs the monitor manages at most.
pub const MAX_CPUS: usize = 8;

/// True when `fid` is a PSCI function this monitor implements.
pub fn is_psci(fid: u32) -> bool {
    matches!(
        fid,
        psci::PSCI_VERSION
            | psci::CPU_SUSPEND_32
            | psci::CPU_SUSPEND_64
            | psci::CPU_OFF
            | psci::CPU_ON_32
            | psci::CPU_ON_64
            | psci::AFFINITY_INFO_32
            | psci::AFFINITY_INFO_64
            | psci::MIGRATE_INFO_TYPE
            | psci::SYSTEM_OFF
            | psci::SYSTEM_RESET
            | psci::PSCI_FEATURES
    )
}

/// `PSCI_FEATURES(fid)`: 0 when implemented, `NOT_SUPPORTED` otherwise.
/// The SMCCC_VERSION entry tells Linux that SMCCC 1.1+ calls are available.
pub fn features(fid: u64) -> i32 {
    match u32::try_from(fid) {
        Ok(smccc::SMCCC_VERSION) => ret::SUCCESS,
        // CPU_SUSPEND: bit 1 clear = original power_state format, bit 0 clear =
        // no OS-initiated mode.
        Ok(f) if is_psci(f) => ret::SUCCESS,
        _ => ret::NOT_SUPPORTED,
    }
}

/// `SMCCC_ARCH_FEATURES(fid)`.
pub fn arch_features(fid: u64) -> i32 {
    match u32::try_from(fid) {
        Ok(smccc::SMCCC_VERSION) | Ok(smccc::SMCCC_ARCH_FEATURES) => 0,
        _ => smccc::NOT_SUPPORTED,
    }
}

/// Power state of one CPU, as seen by PSCI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuState {
    /// Off (or never started).
    Off,
    /// CPU_ON accepted, the CPU has not yet entered the normal world.
    OnPending,
    /// Running.
    On,
}

/// Where a CPU_ON'ed CPU enters the normal world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryPoint {
    /// Normal-world entry address.
    pub pc: u64,
    /// Value for x0 (the `context_id` argument).
    pub context_id: u64,
}

/// Converts an MPIDR value into a CPU index for a platform whose CPUs are
/// numbered by Aff0 only (QEMU `virt` with few CPUs). `None` for MPIDRs that
/// name no CPU.
pub fn mpidr_to_index(mpidr: u64, cpu_count: usize) -> Option<usize> {
    const AFF_MASK: u64 = 0xff_00ff_ffff;
    let aff = mpidr & AFF_MASK;
    if aff >> 8 != 0 {
        return None;
    }
    let index = (aff & 0xff) as usize;
    (index < cpu_count).then_some(index)
}

/// The PSCI view of all CPUs.
#[derive(Clone, Debug)]
pub struct PowerStates {
    states: [CpuState; MAX_CPUS],
    entries: [Option<EntryPoint>; MAX_CPUS],
    cpu_count: usize,
}

impl PowerStates {
    /// All CPUs off except `primary`, which runs.
    pub fn new(cpu_count: usize, primary: usize) -> Self {
        let cpu_count = cpu_count.min(MAX_CPUS);
        let mut states = [CpuState::Off; MAX_CPUS];
        if primary < cpu_count {
            states[primary] = CpuState::On;
        }
        Self {
            states,
            entries: [None; MAX_CPUS],
            cpu_count,
        }
    }

    /// Number of CPUs.
    pub fn cpu_count(&self) -> usize {
        self.cpu_count
    }

    /// State of CPU `index`.
    pub fn state(&self, index: usize) -> Option<CpuState> {
        (index < self.cpu_count).then(|| self.states[index])
    }

    /// CPU_ON: validates and records the request. On success the caller
    /// wakes the CPU, which later takes its entry with [`Self::take_entry`].
    pub fn cpu_on(&mut self, target_mpidr: u64, entry: EntryPoint) -> Result<usize, i32> {
        let index = mpidr_to_index(target_mpidr, self.cpu_count).ok_or(ret::INVALID_PARAMETERS)?;
        // The entry point must be a plausible, 4-byte aligned address.
        if entry.pc & 3 != 0 {
            return Err(ret::INVALID_ADDRESS);
        }
        match self.states[index] {
            CpuState::On => Err(ret::ALREADY_ON),
            CpuState::OnPending => Err(ret::ON_PENDING),
            CpuState::Off => {
                self.states[index] = CpuState::OnPending;
                self.entries[index] = Some(entry);
                Ok(index)
            }
        }
    }

    /// Called on the woken CPU: returns its entry point and marks it on.
    pub fn take_entry(&mut self, index: usize) -> Option<EntryPoint> {
        if index >= self.cpu_count || self.states[index] != CpuState::OnPending {
            return None;
        }
        self.states[index] = CpuState::On;
        self.entries[index].take()
    }

    /// CPU_OFF of the calling CPU. PSCI forbids turning off the last running
    /// CPU only when a trusted OS requires it; we allow it like TF-A.
    pub fn cpu_off(&mut self, index: usize) -> Result<(), i32> {
        match self.states.get_mut(index) {
            Some(s) if index < self.cpu_count => {
                *s = CpuState::Off;
                Ok(())
            }
            _ => Err(ret::INTERNAL_FAILURE),
        }
    }

    /// AFFINITY_INFO(target, lowest level). Only level 0 is meaningful here.
    pub fn affinity_info(&self, target_mpidr: u64, lowest_level: u64) -> i32 {
        if lowest_level != 0 {
            return ret::INVALID_PARAMETERS;
        }
        match mpidr_to_index(target_mpidr, self.cpu_count) {
            None => ret::INVALID_PARAMETERS,
            Some(i) => match self.states[i] {
                CpuState::On => affinity::ON,
                CpuState::Off => affinity::OFF,
                CpuState::OnPending => affinity::ON_PENDING,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: EntryPoint = EntryPoint {
        pc: 0x4008_0000,
        context_id: 7,
    };

    #[test]
    fn cpu_on_state_machine() {
        let mut p = PowerStates::new(2, 0);
        assert_eq!(p.cpu_on(0, E), Err(ret::ALREADY_ON));
        assert_eq!(p.cpu_on(2, E), Err(ret::INVALID_PARAMETERS));
        assert_eq!(p.cpu_on(0x100, E), Err(ret::INVALID_PARAMETERS));
        assert_eq!(
            p.cpu_on(
                1,
                EntryPoint {
                    pc: 0x4008_0002,
                    context_id: 0
                }
            ),
            Err(ret::INVALID_ADDRESS)
        );
        assert_eq!(p.affinity_info(1, 0), affinity::OFF);
        assert_eq!(p.cpu_on(1, E), Ok(1));
        assert_eq!(p.affinity_info(1, 0), affinity::ON_PENDING);
        assert_eq!(p.cpu_on(1, E), Err(ret::ON_PENDING));
        assert_eq!(p.take_entry(1), Some(E));
        assert_eq!(p.take_entry(1), None);
        assert_eq!(p.affinity_info(1, 0), affinity::ON);
        assert_eq!(p.cpu_on(0x8000_0001, E), Err(ret::ALREADY_ON));
        assert_eq!(p.cpu_off(1), Ok(()));
        assert_eq!(p.affinity_info(1, 0), affinity::OFF);
        assert_eq!(p.affinity_info(1, 1), ret::INVALID_PARAMETERS);
        assert_eq!(p.cpu_off(9), Err(ret::INTERNAL_FAILURE));
    }

    #[test]
    fn features_answers() {
        assert_eq!(features(psci::CPU_ON_64 as u64), 0);
        assert_eq!(features(psci::SYSTEM_RESET as u64), 0);
        assert_eq!(features(smccc::SMCCC_VERSION as u64), 0);
        assert_eq!(features(0x8400_0012), ret::NOT_SUPPORTED);
        assert_eq!(features(0x1_8400_0000), ret::NOT_SUPPORTED);
        assert_eq!(arch_features(smccc::SMCCC_ARCH_WORKAROUND_1 as u64), -1);
        assert_eq!(arch_features(smccc::SMCCC_ARCH_FEATURES as u64), 0);
    }

    #[test]
    fn mpidr_decoding() {
        assert_eq!(mpidr_to_index(0x8000_0000, 2), Some(0));
        assert_eq!(mpidr_to_index(1, 2), Some(1));
        assert_eq!(mpidr_to_index(0x1_0000_0001, 2), None);
        assert_eq!(mpidr_to_index(0x0001_0000, 2), None);
    }
}
