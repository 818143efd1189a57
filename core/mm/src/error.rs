use core::fmt;

/// Why the tables could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MmError {
    /// A region's start or end, or the arena's physical address, is not 4 KiB aligned.
    Unaligned {
        /// The offending address.
        addr: u64,
    },
    /// A region ends before it starts.
    InvalidRange {
        /// Start of the region.
        start: u64,
        /// End of the region.
        end: u64,
    },
    /// A region reaches beyond the [`VA_BITS`](crate::VA_BITS)-bit address space.
    OutOfRange {
        /// End of the region.
        end: u64,
    },
    /// Two regions map the same page.
    Overlap {
        /// First address found mapped twice.
        addr: u64,
    },
    /// The arena has no free table left.
    OutOfTables,
    /// A user mapping (`start..end`) is not inside the user window.
    OutsideWindow {
        /// First VA of the mapping.
        start: u64,
        /// End of the mapping (saturated at `u64::MAX` if it overflows).
        end: u64,
    },
    /// The kernel root already maps something in the user window: its level-1 entry for
    /// `addr` is valid.
    WindowInUse {
        /// Base VA of the 1 GiB covered by the valid entry.
        addr: u64,
    },
    /// A physical range (a user mapping's output, or a table address) reaches beyond the
    /// 48-bit output addresses of the descriptors.
    PaOutOfRange {
        /// End of the range (saturated at `u64::MAX` if it overflows).
        end: u64,
    },
    /// An ASID that does not fit the 8 bits `TCR_EL1.AS` = 0 gives.
    BadAsid {
        /// The requested ASID.
        asid: u16,
    },
    /// An executable mapping asked for in a window of pages that never execute.
    Executable {
        /// The VA asked for.
        addr: u64,
    },
    /// A page to unmap is not mapped.
    NotMapped {
        /// The page's VA.
        addr: u64,
    },
    /// `tcr` was given a physical address size with no `TCR_EL1.IPS` encoding.
    BadPaRange {
        /// The size in bits.
        bits: u32,
    },
}

impl MmError {
    /// What went wrong and the address (size, ASID) it is about: the console
    /// line of the core, which prints without `core::fmt`.
    pub fn describe(&self) -> (&'static str, Option<u64>) {
        match *self {
            Self::Unaligned { addr } => ("address not 4 KiB aligned", Some(addr)),
            Self::InvalidRange { start, .. } => ("empty range starting at", Some(start)),
            Self::OutOfRange { end } => ("region end beyond the VA space", Some(end)),
            Self::Overlap { addr } => ("address mapped twice", Some(addr)),
            Self::OutOfTables => ("translation table arena exhausted", None),
            Self::OutsideWindow { start, .. } => {
                ("user mapping outside the user window", Some(start))
            }
            Self::WindowInUse { addr } => ("kernel root already maps the 1 GiB at", Some(addr)),
            Self::PaOutOfRange { end } => ("physical range end beyond 48 bits", Some(end)),
            Self::BadAsid { asid } => ("ASID does not fit in 8 bits", Some(u64::from(asid))),
            Self::Executable { addr } => ("executable page asked for", Some(addr)),
            Self::NotMapped { addr } => ("page not mapped", Some(addr)),
            Self::BadPaRange { bits } => ("no IPS encoding for the PA size", Some(u64::from(bits))),
        }
    }
}

impl fmt::Display for MmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Unaligned { addr } => write!(f, "address {addr:#x} is not 4 KiB aligned"),
            Self::InvalidRange { start, end } => write!(f, "empty range {start:#x}..{end:#x}"),
            Self::OutOfRange { end } => write!(f, "region end {end:#x} beyond the VA space"),
            Self::Overlap { addr } => write!(f, "address {addr:#x} mapped twice"),
            Self::OutOfTables => write!(f, "translation table arena exhausted"),
            Self::OutsideWindow { start, end } => {
                write!(
                    f,
                    "user mapping {start:#x}..{end:#x} outside the user window"
                )
            }
            Self::WindowInUse { addr } => {
                write!(f, "kernel root already maps the 1 GiB at {addr:#x}")
            }
            Self::PaOutOfRange { end } => write!(f, "physical range end {end:#x} beyond 48 bits"),
            Self::BadAsid { asid } => write!(f, "ASID {asid} does not fit in 8 bits"),
            Self::Executable { addr } => write!(f, "executable page asked for at {addr:#x}"),
            Self::NotMapped { addr } => write!(f, "page {addr:#x} is not mapped"),
            Self::BadPaRange { bits } => write!(f, "no IPS encoding for {bits}-bit PAs"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MmError;

    #[test]
    fn describe_names_the_address() {
        assert_eq!(
            MmError::NotMapped { addr: 0x4000 }.describe(),
            ("page not mapped", Some(0x4000))
        );
        assert_eq!(
            MmError::InvalidRange {
                start: 0x2000,
                end: 0x1000
            }
            .describe(),
            ("empty range starting at", Some(0x2000))
        );
        assert_eq!(MmError::BadAsid { asid: 300 }.describe().1, Some(300));
        assert_eq!(MmError::OutOfTables.describe().1, None);
    }
}
