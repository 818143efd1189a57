//! TF-A `opteed` protocol between EL3 and the secure OS.
//!
//! The secure OS returns to EL3 with one of the `TEESMC_OPTEED_RETURN_*` fast
//! SMCs (owner 62); EL3 enters it through a table of nine branch instructions.

/// Cold boot finished; x1 = physical address of the vector table (0 = failure).
pub const TEESMC_OPTEED_RETURN_ENTRY_DONE: u32 = 0xBE00_0000;
/// `cpu_on_entry` finished; x1 = status.
pub const TEESMC_OPTEED_RETURN_ON_DONE: u32 = 0xBE00_0001;
/// `cpu_off_entry` finished; x1 = status.
pub const TEESMC_OPTEED_RETURN_OFF_DONE: u32 = 0xBE00_0002;
/// `cpu_suspend_entry` finished; x1 = status.
pub const TEESMC_OPTEED_RETURN_SUSPEND_DONE: u32 = 0xBE00_0003;
/// `cpu_resume_entry` finished; x1 = status.
pub const TEESMC_OPTEED_RETURN_RESUME_DONE: u32 = 0xBE00_0004;
/// A normal-world call finished; x1..x4 become the normal world's x0..x3.
pub const TEESMC_OPTEED_RETURN_CALL_DONE: u32 = 0xBE00_0005;
/// `fiq_entry` finished.
pub const TEESMC_OPTEED_RETURN_FIQ_DONE: u32 = 0xBE00_0006;
/// `system_off_entry` finished.
pub const TEESMC_OPTEED_RETURN_SYSTEM_OFF_DONE: u32 = 0xBE00_0007;
/// `system_reset_entry` finished.
pub const TEESMC_OPTEED_RETURN_SYSTEM_RESET_DONE: u32 = 0xBE00_0008;

/// Offsets of the nine 4-byte slots in `struct optee_vectors`
/// (note: resume comes before suspend).
pub mod vector {
    /// Yielding SMC from the normal world.
    pub const YIELD_SMC: u64 = 0x00;
    /// Fast SMC from the normal world.
    pub const FAST_SMC: u64 = 0x04;
    /// PSCI CPU_ON finished on this CPU (MMU off).
    pub const CPU_ON: u64 = 0x08;
    /// PSCI CPU_OFF.
    pub const CPU_OFF: u64 = 0x0C;
    /// Resume after suspend.
    pub const CPU_RESUME: u64 = 0x10;
    /// PSCI CPU_SUSPEND.
    pub const CPU_SUSPEND: u64 = 0x14;
    /// Secure interrupt taken at EL3 while the normal world ran.
    pub const FIQ: u64 = 0x18;
    /// PSCI SYSTEM_OFF.
    pub const SYSTEM_OFF: u64 = 0x1C;
    /// PSCI SYSTEM_RESET.
    pub const SYSTEM_RESET: u64 = 0x20;
    /// Size of the table in bytes.
    pub const TABLE_SIZE: u64 = 0x24;
}
