//! PSCI 1.1 (Arm DEN0022) function IDs and return codes.

/// `PSCI_VERSION`.
pub const PSCI_VERSION: u32 = 0x8400_0000;
/// `CPU_SUSPEND` (SMC32).
pub const CPU_SUSPEND_32: u32 = 0x8400_0001;
/// `CPU_SUSPEND` (SMC64).
pub const CPU_SUSPEND_64: u32 = 0xC400_0001;
/// `CPU_OFF`.
pub const CPU_OFF: u32 = 0x8400_0002;
/// `CPU_ON` (SMC32).
pub const CPU_ON_32: u32 = 0x8400_0003;
/// `CPU_ON` (SMC64).
pub const CPU_ON_64: u32 = 0xC400_0003;
/// `AFFINITY_INFO` (SMC32).
pub const AFFINITY_INFO_32: u32 = 0x8400_0004;
/// `AFFINITY_INFO` (SMC64).
pub const AFFINITY_INFO_64: u32 = 0xC400_0004;
/// `MIGRATE_INFO_TYPE`.
pub const MIGRATE_INFO_TYPE: u32 = 0x8400_0006;
/// `SYSTEM_OFF`.
pub const SYSTEM_OFF: u32 = 0x8400_0008;
/// `SYSTEM_RESET`.
pub const SYSTEM_RESET: u32 = 0x8400_0009;
/// `PSCI_FEATURES`.
pub const PSCI_FEATURES: u32 = 0x8400_000A;

/// PSCI version 1.1 (major << 16 | minor).
pub const VERSION_1_1: u32 = 0x0001_0001;

/// `MIGRATE_INFO_TYPE` answer: trusted OS is not present or does not need migration.
pub const TOS_NOT_PRESENT_MP: u32 = 2;

/// PSCI return codes (signed 32-bit in w0).
pub mod ret {
    /// Success.
    pub const SUCCESS: i32 = 0;
    /// Function not supported.
    pub const NOT_SUPPORTED: i32 = -1;
    /// Invalid parameters.
    pub const INVALID_PARAMETERS: i32 = -2;
    /// Permission denied.
    pub const DENIED: i32 = -3;
    /// The CPU is already on.
    pub const ALREADY_ON: i32 = -4;
    /// A CPU_ON for this CPU is already pending.
    pub const ON_PENDING: i32 = -5;
    /// Internal failure.
    pub const INTERNAL_FAILURE: i32 = -6;
    /// Not present.
    pub const NOT_PRESENT: i32 = -7;
    /// The CPU is disabled.
    pub const DISABLED: i32 = -8;
    /// Invalid address.
    pub const INVALID_ADDRESS: i32 = -9;
}

/// `AFFINITY_INFO` states.
pub mod affinity {
    /// The CPU is on.
    pub const ON: i32 = 0;
    /// The CPU is off.
    pub const OFF: i32 = 1;
    /// The CPU is being turned on.
    pub const ON_PENDING: i32 = 2;
}
