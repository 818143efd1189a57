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

/// A PSCI call, decoded from the caller's x0..x3. The arguments of SMC32
/// calls are the low 32 bits of their registers (SMCCC: the upper halves are
/// not part of the call).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `PSCI_VERSION`.
    Version,
    /// `PSCI_FEATURES(fid)`.
    Features {
        /// The function asked about.
        fid: u64,
    },
    /// `CPU_SUSPEND` (treated as standby whatever the power state).
    CpuSuspend,
    /// `CPU_ON(target, entry)`.
    CpuOn {
        /// MPIDR of the CPU to start.
        target: u64,
        /// Where it enters the normal world.
        entry: EntryPoint,
    },
    /// `CPU_OFF` of the calling CPU.
    CpuOff,
    /// `AFFINITY_INFO(target, lowest level)`.
    AffinityInfo {
        /// MPIDR asked about.
        target: u64,
        /// Lowest affinity level.
        level: u64,
    },
    /// `MIGRATE_INFO_TYPE`.
    MigrateInfoType,
    /// `SYSTEM_OFF`.
    SystemOff,
    /// `SYSTEM_RESET`.
    SystemReset,
    /// Any other function: `NOT_SUPPORTED`.
    NotSupported,
}

impl Call {
    /// Decodes the call in `x` (x0 = function ID).
    pub fn decode(x: [u64; 4]) -> Self {
        let Ok(fid) = u32::try_from(x[0]) else {
            return Self::NotSupported;
        };
        let smc32 = fid & smccc::SMC64 == 0;
        let arg = |i: usize| if smc32 { x[i] & 0xffff_ffff } else { x[i] };
        match fid {
            psci::PSCI_VERSION => Self::Version,
            psci::PSCI_FEATURES => Self::Features { fid: x[1] },
            psci::CPU_SUSPEND_32 | psci::CPU_SUSPEND_64 => Self::CpuSuspend,
            psci::CPU_ON_32 | psci::CPU_ON_64 => Self::CpuOn {
                target: arg(1),
                entry: EntryPoint {
                    pc: arg(2),
                    context_id: arg(3),
                },
            },
            psci::CPU_OFF => Self::CpuOff,
            psci::AFFINITY_INFO_32 | psci::AFFINITY_INFO_64 => Self::AffinityInfo {
                target: arg(1),
                level: arg(2),
            },
            psci::MIGRATE_INFO_TYPE => Self::MigrateInfoType,
            psci::SYSTEM_OFF => Self::SystemOff,
            psci::SYSTEM_RESET => Self::SystemReset,
            _ => Self::NotSupported,
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

    #[test]
    fn calls_are_decoded_with_smc32_arguments_truncated() {
        let hi = 0xdead_beef_0000_0000u64;
        let on32 = Call::decode([u64::from(psci::CPU_ON_32), hi | 1, hi | 0x4000, hi | 7]);
        assert_eq!(
            on32,
            Call::CpuOn {
                target: 1,
                entry: EntryPoint {
                    pc: 0x4000,
                    context_id: 7
                }
            }
        );
        let on64 = Call::decode([u64::from(psci::CPU_ON_64), 1, hi | 0x4000, hi | 7]);
        assert_eq!(
            on64,
            Call::CpuOn {
                target: 1,
                entry: EntryPoint {
                    pc: hi | 0x4000,
                    context_id: hi | 7
                }
            }
        );
        assert_eq!(
            Call::decode([u64::from(psci::AFFINITY_INFO_32), hi | 1, hi, 0]),
            Call::AffinityInfo {
                target: 1,
                level: 0
            }
        );
        assert_eq!(
            Call::decode([u64::from(psci::AFFINITY_INFO_64), hi | 1, 0, 0]),
            Call::AffinityInfo {
                target: hi | 1,
                level: 0
            }
        );
        // PSCI_FEATURES sees the whole register: junk above bit 31 is an
        // unknown function, not a truncated known one.
        assert_eq!(
            Call::decode([u64::from(psci::PSCI_FEATURES), hi | 0x8400_0000, 0, 0]),
            Call::Features {
                fid: hi | 0x8400_0000
            }
        );
        let simple = [
            (psci::PSCI_VERSION, Call::Version),
            (psci::CPU_SUSPEND_32, Call::CpuSuspend),
            (psci::CPU_SUSPEND_64, Call::CpuSuspend),
            (psci::CPU_OFF, Call::CpuOff),
            (psci::MIGRATE_INFO_TYPE, Call::MigrateInfoType),
            (psci::SYSTEM_OFF, Call::SystemOff),
            (psci::SYSTEM_RESET, Call::SystemReset),
            (0x8400_00FF, Call::NotSupported),
        ];
        for (fid, want) in simple {
            assert_eq!(Call::decode([u64::from(fid), 0, 0, 0]), want, "{fid:#x}");
        }
        // Bits above 31 in x0 name no function at all.
        let wide = (1u64 << 32) | u64::from(psci::SYSTEM_OFF);
        assert_eq!(Call::decode([wide, 0, 0, 0]), Call::NotSupported);
        // Every function `is_psci` accepts decodes to a supported call.
        for fid in 0x8400_0000u32..0x8400_0020 {
            for f in [fid, fid | smccc::SMC64] {
                let supported = Call::decode([u64::from(f), 0, 0, 0]) != Call::NotSupported;
                assert_eq!(supported, is_psci(f), "{f:#x}");
            }
        }
    }
}
