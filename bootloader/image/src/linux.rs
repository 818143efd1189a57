//! Normal-world boot: DT fix-ups and the kernel/initrd/command line from fw_cfg.

use core::fmt;

/// Why the normal world could not be started.
pub enum LinuxError {
    /// fw_cfg holds no kernel.
    NoKernel,
}

impl fmt::Display for LinuxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoKernel => write!(f, "no kernel given (-kernel)"),
        }
    }
}

/// Adds the PSCI node and CPU enable methods to the DT at `dtb`.
pub fn fixup_psci(_dtb: u64) -> Result<(), LinuxError> {
    Ok(())
}

/// Loads kernel, initrd and command line; returns the kernel entry.
pub fn load_kernel() -> Result<u64, LinuxError> {
    Err(LinuxError::NoKernel)
}
