//! DTB parser. Every offset and length comes from the blob, so every step is bounds-checked and
//! failures are [`FdtError`] values.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use crate::error::Block;
use crate::tree::{Fdt, Node, Property, ReserveEntry, MAX_DEPTH};
use crate::FdtError;

/// Header magic.
pub const FDT_MAGIC: u32 = 0xd00d_feed;
/// Header size for version 17.
pub const HEADER_SIZE: usize = 40;
/// Version written by the serializer and minimum version accepted by the parser.
pub const FDT_VERSION: u32 = 17;
/// `last_comp_version` written by the serializer.
pub const FDT_LAST_COMP_VERSION: u32 = 16;

/// Structure-block token: start of a node, followed by its NUL-terminated name.
pub const FDT_BEGIN_NODE: u32 = 1;
/// Structure-block token: end of a node.
pub const FDT_END_NODE: u32 = 2;
/// Structure-block token: property (`len`, `nameoff`, value).
pub const FDT_PROP: u32 = 3;
/// Structure-block token: no operation.
pub const FDT_NOP: u32 = 4;
/// Structure-block token: end of the structure block.
pub const FDT_END: u32 = 9;

fn be32(data: &[u8], off: usize) -> Result<u32, FdtError> {
    let end = off.checked_add(4).ok_or(FdtError::Truncated)?;
    let b: [u8; 4] = data
        .get(off..end)
        .and_then(|s| s.try_into().ok())
        .ok_or(FdtError::Truncated)?;
    Ok(u32::from_be_bytes(b))
}

fn be64(data: &[u8], off: usize) -> Result<u64, FdtError> {
    let hi = be32(data, off)?;
    let lo = be32(data, off.checked_add(4).ok_or(FdtError::Truncated)?)?;
    Ok((u64::from(hi) << 32) | u64::from(lo))
}

fn usize_from(v: u32) -> Result<usize, FdtError> {
    usize::try_from(v).map_err(|_| FdtError::TooLarge)
}

/// A block range checked against `totalsize` and the header.
fn block(
    off: u32,
    size: u32,
    total: usize,
    align: usize,
    which: Block,
) -> Result<Range<usize>, FdtError> {
    let start = usize_from(off)?;
    let end = start
        .checked_add(usize_from(size)?)
        .ok_or(FdtError::BadBlock(which))?;
    if start < HEADER_SIZE || end > total || start % align != 0 {
        return Err(FdtError::BadBlock(which));
    }
    Ok(start..end)
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Longest node or property name accepted (the specification allows 31 characters plus a
/// unit address; this leaves room for unusual but valid trees).
pub const MAX_NAME_LEN: usize = 255;

/// A NUL-terminated UTF-8 name starting at `data[0]`, at most [`MAX_NAME_LEN`] bytes; returns
/// it and the byte count including the NUL.
fn c_name(data: &[u8], which: Block) -> Result<(&str, usize), FdtError> {
    let window = data.get(..data.len().min(MAX_NAME_LEN + 1)).unwrap_or(data);
    let len = match window.iter().position(|&b| b == 0) {
        Some(len) => len,
        None if window.len() > MAX_NAME_LEN => return Err(FdtError::BadName),
        None => return Err(FdtError::UnterminatedName(which)),
    };
    let bytes = data.get(..len).ok_or(FdtError::UnterminatedName(which))?;
    let s = core::str::from_utf8(bytes).map_err(|_| FdtError::BadName)?;
    Ok((s, len.checked_add(1).ok_or(FdtError::TooLarge)?))
}

fn align4(v: usize) -> Result<usize, FdtError> {
    v.checked_add(3).map(|x| x & !3).ok_or(FdtError::TooLarge)
}

impl Fdt {
    /// Parses a device-tree blob. `data` may be longer than the header's `totalsize` (e.g. a
    /// whole 1 MiB window); bytes after `totalsize` are ignored.
    pub fn parse(data: &[u8]) -> Result<Fdt, FdtError> {
        if data.len() < HEADER_SIZE {
            return Err(FdtError::Truncated);
        }
        let magic = be32(data, 0)?;
        if magic != FDT_MAGIC {
            return Err(FdtError::BadMagic(magic));
        }
        let total = usize_from(be32(data, 4)?)?;
        let off_struct = be32(data, 8)?;
        let off_strings = be32(data, 12)?;
        let off_rsv = be32(data, 16)?;
        let version = be32(data, 20)?;
        let last_comp_version = be32(data, 24)?;
        let boot_cpuid_phys = be32(data, 28)?;
        let size_strings = be32(data, 32)?;
        let size_struct = be32(data, 36)?;
        if version < FDT_VERSION || last_comp_version > FDT_VERSION {
            return Err(FdtError::UnsupportedVersion {
                version,
                last_comp_version,
            });
        }
        if total < HEADER_SIZE || total > data.len() {
            return Err(FdtError::Truncated);
        }
        let data = data.get(..total).ok_or(FdtError::Truncated)?;

        let structure = block(off_struct, size_struct, total, 4, Block::Structure)?;
        let strings = block(off_strings, size_strings, total, 1, Block::Strings)?;
        if overlaps(&structure, &strings) {
            return Err(FdtError::BlocksOverlap(Block::Structure, Block::Strings));
        }

        // Reservation block: 16-byte entries up to and including a (0, 0) terminator.
        let rsv_start = usize_from(off_rsv)?;
        if rsv_start < HEADER_SIZE || rsv_start % 8 != 0 || rsv_start >= total {
            return Err(FdtError::BadBlock(Block::MemReserve));
        }
        let mut reservations = Vec::new();
        let mut pos = rsv_start;
        loop {
            let end = pos.checked_add(16).ok_or(FdtError::TooLarge)?;
            if end > total {
                return Err(FdtError::UnterminatedReservations);
            }
            let rsv_so_far = rsv_start..end;
            if overlaps(&rsv_so_far, &structure) {
                return Err(FdtError::BlocksOverlap(Block::MemReserve, Block::Structure));
            }
            if overlaps(&rsv_so_far, &strings) {
                return Err(FdtError::BlocksOverlap(Block::MemReserve, Block::Strings));
            }
            let address = be64(data, pos)?;
            let size = be64(data, pos.checked_add(8).ok_or(FdtError::TooLarge)?)?;
            pos = end;
            if address == 0 && size == 0 {
                break;
            }
            reservations.push(ReserveEntry { address, size });
        }

        let struct_bytes = data.get(structure).ok_or(FdtError::Truncated)?;
        let strings_bytes = data.get(strings).ok_or(FdtError::Truncated)?;
        let root = parse_structure(struct_bytes, strings_bytes)?;
        Ok(Fdt {
            boot_cpuid_phys,
            reservations,
            root,
        })
    }
}

/// Walks the structure block (iteratively, with an explicit stack bounded by [`MAX_DEPTH`]).
///
/// Property names are copied per property, so a hostile blob with many properties sharing one
/// long name could make the tree much larger than the blob; the copied name bytes are limited
/// to 64 KiB plus four times the structure block size.
fn parse_structure(s: &[u8], strings: &[u8]) -> Result<Node, FdtError> {
    let mut name_budget = s.len().saturating_mul(4).saturating_add(64 * 1024);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut pos = 0usize;
    loop {
        let token_off = pos;
        let token = be32(s, pos).map_err(|_| FdtError::UnexpectedEnd)?;
        pos = pos.checked_add(4).ok_or(FdtError::TooLarge)?;
        let bad = FdtError::BadToken {
            offset: token_off,
            token,
        };
        match token {
            FDT_NOP => {}
            FDT_BEGIN_NODE => {
                if root.is_some() {
                    return Err(bad);
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(FdtError::TooDeep);
                }
                let rest = s.get(pos..).ok_or(FdtError::UnexpectedEnd)?;
                let (name, n) = c_name(rest, Block::Structure)?;
                if name.as_bytes().contains(&b'/') || (name.is_empty() && !stack.is_empty()) {
                    return Err(FdtError::BadName);
                }
                pos = align4(pos.checked_add(n).ok_or(FdtError::TooLarge)?)?;
                if pos > s.len() {
                    return Err(FdtError::UnexpectedEnd);
                }
                stack.push(Node::new_unchecked(String::from(name)));
            }
            FDT_END_NODE => {
                let done = stack.pop().ok_or(bad)?;
                match stack.last_mut() {
                    Some(parent) => parent.push_child_unchecked(done),
                    None => root = Some(done),
                }
            }
            FDT_PROP => {
                let node = stack.last_mut().ok_or(bad)?;
                let len = usize_from(be32(s, pos).map_err(|_| FdtError::UnexpectedEnd)?)?;
                let nameoff = be32(s, pos.checked_add(4).ok_or(FdtError::TooLarge)?)
                    .map_err(|_| FdtError::UnexpectedEnd)?;
                let vstart = pos.checked_add(8).ok_or(FdtError::TooLarge)?;
                let vend = vstart.checked_add(len).ok_or(FdtError::TooLarge)?;
                let value = s.get(vstart..vend).ok_or(FdtError::UnexpectedEnd)?;
                pos = align4(vend)?;
                if pos > s.len() {
                    return Err(FdtError::UnexpectedEnd);
                }
                let name_bytes = strings
                    .get(usize_from(nameoff)?..)
                    .filter(|b| !b.is_empty())
                    .ok_or(FdtError::BadStringOffset(nameoff))?;
                let (name, _) = c_name(name_bytes, Block::Strings)?;
                if name.is_empty() {
                    return Err(FdtError::BadName);
                }
                name_budget = name_budget
                    .checked_sub(name.len())
                    .ok_or(FdtError::TooLarge)?;
                node.push_property_unchecked(Property::new_unchecked(name.into(), value.into()));
            }
            FDT_END => {
                if !stack.is_empty() {
                    return Err(bad);
                }
                return root.ok_or(bad);
            }
            _ => return Err(bad),
        }
    }
}
