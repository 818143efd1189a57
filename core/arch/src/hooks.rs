//! What this layer calls in the secure OS proper: the image's composition
//! root, which defines the hooks once, as the static `OXTEE_CORE`.

use oxtee_kernel::fast::Regs;
use oxtee_kernel::rpc::Rpc;

/// Log levels, as OP-TEE's `E/I/D`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Errors.
    Error = 1,
    /// Information.
    Info = 2,
    /// Debug.
    Debug = 3,
}

/// The image's side of every entry from EL3. Each call runs on the calling
/// CPU's stack, with exceptions masked.
pub trait Core: Sync {
    /// Cold boot on the primary CPU (MMU off, caches off, `.bss` zeroed):
    /// set everything up; `false` reports a failed boot to EL3.
    fn cold_boot(&self, dtb: u64) -> bool;
    /// A secondary CPU was started; its MMU and GIC interface are on.
    fn cpu_on(&self, cpu: usize);
    /// A fast SMC: `regs` holds a0..a7 in and receives a0..a3 out.
    fn fast_call(&self, regs: &mut Regs);
    /// Serves one yielding call on the current secure thread.
    fn yielding_call(&self, args: &Regs, rpc: &mut dyn Rpc) -> [u64; 4];
    /// Writes one console line made of `pieces`.
    fn log(&self, level: Level, pieces: &[oxtee_log_line::Piece<'_>]);
}

#[cfg(target_os = "none")]
extern "Rust" {
    /// The image's hooks: the one symbol it defines for this crate
    /// (`#[no_mangle] static OXTEE_CORE: &dyn Core`).
    static OXTEE_CORE: &'static dyn Core;
}

/// The image's hooks.
#[cfg(target_os = "none")]
pub(crate) fn core_hooks() -> &'static dyn Core {
    // SAFETY: the image defines `OXTEE_CORE` with exactly this type (it is named through this crate's trait), as an immutable static initialised at link time; the linker fails if it is missing.
    unsafe { OXTEE_CORE }
}
