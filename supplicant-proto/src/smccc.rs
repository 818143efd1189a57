//! SMC Calling Convention (Arm DEN0028): function-ID fields and the standard IDs.

/// Bit 31: 1 = fast call, 0 = yielding call.
pub const FAST_CALL: u32 = 1 << 31;
/// Bit 30: 1 = SMC64 convention, 0 = SMC32.
pub const SMC64: u32 = 1 << 30;
/// Bit 16 (SMCCC 1.3): the caller has no live SVE state, so the callee
/// need only preserve the FP/SIMD view of the registers (V0-V31, FPSR,
/// FPCR), not the Z bits above 128, P0-P15 or FFR. Not part of the call's
/// identity: it is masked off before the call is recognised.
pub const SVE_HINT: u32 = 1 << 16;
/// Shift of the 6-bit owning-entity number (bits 29:24).
pub const OEN_SHIFT: u32 = 24;
/// Mask of the owning-entity number after shifting.
pub const OEN_MASK: u32 = 0x3f;

/// Owning entity numbers.
pub mod oen {
    /// Arm architecture calls (SMCCC_VERSION, ...).
    pub const ARM_ARCH: u32 = 0;
    /// CPU service calls.
    pub const CPU: u32 = 1;
    /// Silicon-provider calls.
    pub const SIP: u32 = 2;
    /// OEM calls.
    pub const OEM: u32 = 3;
    /// Standard secure service calls (PSCI lives here).
    pub const STD: u32 = 4;
    /// Standard hypervisor service calls.
    pub const STD_HYP: u32 = 5;
    /// Vendor-specific hypervisor calls.
    pub const VEN_HYP: u32 = 6;
    /// First trusted-application OEN.
    pub const TAP_START: u32 = 48;
    /// Last trusted-application OEN.
    pub const TAP_END: u32 = 49;
    /// First trusted-OS OEN.
    pub const TOS_START: u32 = 50;
    /// Last trusted-OS OEN.
    pub const TOS_END: u32 = 63;
}

/// `SMCCC_VERSION`.
pub const SMCCC_VERSION: u32 = 0x8000_0000;
/// `SMCCC_ARCH_FEATURES`.
pub const SMCCC_ARCH_FEATURES: u32 = 0x8000_0001;
/// `SMCCC_ARCH_SOC_ID`.
pub const SMCCC_ARCH_SOC_ID: u32 = 0x8000_0002;
/// `SMCCC_ARCH_WORKAROUND_1` (CVE-2017-5715).
pub const SMCCC_ARCH_WORKAROUND_1: u32 = 0x8000_8000;
/// `SMCCC_ARCH_WORKAROUND_2` (CVE-2018-3639).
pub const SMCCC_ARCH_WORKAROUND_2: u32 = 0x8000_7fff;
/// `SMCCC_ARCH_WORKAROUND_3` (CVE-2022-23960).
pub const SMCCC_ARCH_WORKAROUND_3: u32 = 0x8000_3fff;

/// SMCCC version 1.2 as returned by `SMCCC_VERSION` (major << 16 | minor).
pub const SMCCC_VERSION_1_2: u32 = 0x0001_0002;

/// The "not supported" answer, `SMC_UNK`, as a 64-bit register value.
pub const SMC_UNK: u64 = 0xffff_ffff_ffff_ffff;
/// `NOT_SUPPORTED` (-1) as 32-bit value (same encoding as `SMC_UNK` in w0).
pub const NOT_SUPPORTED: i32 = -1;
/// `NOT_REQUIRED` (-2): the workaround is not needed on this CPU.
pub const NOT_REQUIRED: i32 = -2;

/// Typed view of an SMC function identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionId(pub u32);

impl FunctionId {
    /// True for fast calls (bit 31).
    pub const fn is_fast(self) -> bool {
        self.0 & FAST_CALL != 0
    }
    /// True for the SMC64 convention (bit 30).
    pub const fn is_smc64(self) -> bool {
        self.0 & SMC64 != 0
    }
    /// Owning entity number (bits 29:24).
    pub const fn oen(self) -> u32 {
        (self.0 >> OEN_SHIFT) & OEN_MASK
    }
    /// Function number (bits 15:0).
    pub const fn number(self) -> u32 {
        self.0 & 0xffff
    }
    /// True when the call belongs to a trusted OS or trusted application
    /// (OEN 48..=63): the calls TF-A's `opteed` forwards to the secure OS.
    pub const fn is_trusted_os(self) -> bool {
        let oen = self.oen();
        oen >= oen::TAP_START && oen <= oen::TOS_END
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_fields() {
        let f = FunctionId(0xB200_0009);
        assert!(f.is_fast());
        assert!(!f.is_smc64());
        assert_eq!(f.oen(), 50);
        assert_eq!(f.number(), 9);
        assert!(f.is_trusted_os());
        let y = FunctionId(0x3200_0004);
        assert!(!y.is_fast());
        assert!(y.is_trusted_os());
        let psci = FunctionId(0x8400_0000);
        assert_eq!(psci.oen(), oen::STD);
        assert!(!psci.is_trusted_os());
        assert!(FunctionId(0xBF00_FF01).is_trusted_os());
    }
}
