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
    /// `tcr` was given a physical address size with no `TCR_EL1.IPS` encoding.
    BadPaRange {
        /// The size in bits.
        bits: u32,
    },
}

impl fmt::Display for MmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Unaligned { addr } => write!(f, "address {addr:#x} is not 4 KiB aligned"),
            Self::InvalidRange { start, end } => write!(f, "empty range {start:#x}..{end:#x}"),
            Self::OutOfRange { end } => write!(f, "region end {end:#x} beyond the VA space"),
            Self::Overlap { addr } => write!(f, "address {addr:#x} mapped twice"),
            Self::OutOfTables => write!(f, "translation table arena exhausted"),
            Self::BadPaRange { bits } => write!(f, "no IPS encoding for {bits}-bit PAs"),
        }
    }
}
