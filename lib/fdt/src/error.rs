//! The one error type of this crate.

use core::fmt;

/// Which block of a device-tree blob an error refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// The 40-byte header.
    Header,
    /// The memory reservation block.
    MemReserve,
    /// The structure block.
    Structure,
    /// The strings block.
    Strings,
}

/// Everything that can go wrong while parsing, editing or serializing a device tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FdtError {
    /// The input is shorter than the header or than the header's `totalsize`.
    Truncated,
    /// A blob handed over by address is misaligned or does not lie in the memory allowed for it.
    BadAddress,
    /// The header does not start with `0xd00dfeed`.
    BadMagic(u32),
    /// The header version is older than 17 or `last_comp_version` is newer than 17.
    UnsupportedVersion {
        /// `version` field.
        version: u32,
        /// `last_comp_version` field.
        last_comp_version: u32,
    },
    /// A block lies (partly) outside `totalsize`, inside the header, or is misaligned.
    BadBlock(Block),
    /// Two blocks overlap.
    BlocksOverlap(Block, Block),
    /// The memory reservation block has no `(0, 0)` terminator inside the blob.
    UnterminatedReservations,
    /// An unknown token, or a token where it is not allowed, at this structure-block offset.
    BadToken {
        /// Offset of the token inside the structure block.
        offset: usize,
        /// The token value.
        token: u32,
    },
    /// The structure block ends before `FDT_END` (or before all nodes are closed).
    UnexpectedEnd,
    /// A node or property name has no NUL terminator inside its block.
    UnterminatedName(Block),
    /// A name is not valid UTF-8, is empty, or contains a character not allowed in it.
    BadName,
    /// A property's name offset points outside the strings block.
    BadStringOffset(u32),
    /// Nodes are nested deeper than [`crate::MAX_DEPTH`].
    TooDeep,
    /// No node at the given path.
    NodeNotFound,
    /// A path is not absolute or has an empty component.
    BadPath,
    /// A node with this name already exists under the parent.
    NodeExists,
    /// A property value has an unexpected length or encoding.
    BadValue,
    /// A value does not fit in the number of cells the tree uses for it.
    CellOverflow,
    /// The serialized tree would exceed 4 GiB, or an internal length overflowed.
    TooLarge,
    /// The output buffer is too small.
    NoSpace {
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
}

impl FdtError {
    /// What went wrong and the value (magic, version, offset, size) it is
    /// about: the console line of the core, which prints without `core::fmt`.
    pub fn describe(&self) -> (&'static str, Option<u64>) {
        match *self {
            Self::Truncated => ("device tree truncated", None),
            Self::BadAddress => ("device tree address misaligned or outside its memory", None),
            Self::BadMagic(m) => ("bad device tree magic", Some(u64::from(m))),
            Self::UnsupportedVersion { version, .. } => {
                ("unsupported device tree version", Some(u64::from(version)))
            }
            Self::BadBlock(_) => ("device tree block out of bounds or misaligned", None),
            Self::BlocksOverlap(..) => ("device tree blocks overlap", None),
            Self::UnterminatedReservations => ("memory reservation block not terminated", None),
            Self::BadToken { offset, .. } => {
                ("unexpected token at structure offset", Some(offset as u64))
            }
            Self::UnexpectedEnd => ("structure block ends early", None),
            Self::UnterminatedName(_) => ("unterminated name in a device tree block", None),
            Self::BadName => ("invalid node or property name", None),
            Self::BadStringOffset(o) => ("string offset out of bounds", Some(u64::from(o))),
            Self::TooDeep => ("nodes nested too deeply", None),
            Self::NodeNotFound => ("node not found", None),
            Self::BadPath => ("invalid node path", None),
            Self::NodeExists => ("node already exists", None),
            Self::BadValue => ("invalid property value", None),
            Self::CellOverflow => ("value does not fit in the cells", None),
            Self::TooLarge => ("device tree too large", None),
            Self::NoSpace { needed, .. } => (
                "device tree buffer too small, bytes needed",
                Some(needed as u64),
            ),
        }
    }
}

impl fmt::Display for FdtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => write!(f, "device tree truncated"),
            Self::BadAddress => write!(f, "device tree address misaligned or outside its memory"),
            Self::BadMagic(m) => write!(f, "bad device tree magic {m:#010x}"),
            Self::UnsupportedVersion {
                version,
                last_comp_version,
            } => write!(
                f,
                "unsupported device tree version {version} (last compatible {last_comp_version})"
            ),
            Self::BadBlock(b) => write!(f, "{b:?} block out of bounds or misaligned"),
            Self::BlocksOverlap(a, b) => write!(f, "{a:?} and {b:?} blocks overlap"),
            Self::UnterminatedReservations => write!(f, "memory reservation block not terminated"),
            Self::BadToken { offset, token } => {
                write!(
                    f,
                    "unexpected token {token:#x} at structure offset {offset:#x}"
                )
            }
            Self::UnexpectedEnd => write!(f, "structure block ends early"),
            Self::UnterminatedName(b) => write!(f, "unterminated name in {b:?} block"),
            Self::BadName => write!(f, "invalid node or property name"),
            Self::BadStringOffset(o) => write!(f, "string offset {o:#x} out of bounds"),
            Self::TooDeep => write!(f, "nodes nested too deeply"),
            Self::NodeNotFound => write!(f, "node not found"),
            Self::BadPath => write!(f, "invalid node path"),
            Self::NodeExists => write!(f, "node already exists"),
            Self::BadValue => write!(f, "invalid property value"),
            Self::CellOverflow => write!(f, "value does not fit in the cells"),
            Self::TooLarge => write!(f, "device tree too large"),
            Self::NoSpace { needed, available } => {
                write!(
                    f,
                    "device tree needs {needed} bytes, buffer has {available}"
                )
            }
        }
    }
}

impl core::error::Error for FdtError {}

#[cfg(test)]
mod tests {
    use super::{Block, FdtError};

    #[test]
    fn describe_keeps_the_value() {
        assert_eq!(
            FdtError::BadMagic(0x1234).describe(),
            ("bad device tree magic", Some(0x1234))
        );
        assert_eq!(
            FdtError::NoSpace {
                needed: 4096,
                available: 10
            }
            .describe()
            .1,
            Some(4096)
        );
        assert_eq!(FdtError::BadBlock(Block::Strings).describe().1, None);
        assert!(!FdtError::Truncated.describe().0.is_empty());
    }
}
