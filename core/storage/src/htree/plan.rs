//! Turning a commit's new node and block versions into few file writes.
//!
//! Pieces that lie close together in the file are joined into one write
//! when every byte between them is known: a slot the committed tree uses is
//! filled with exactly what it holds (so tearing that write cannot change
//! it), a slot no commit uses is filled with zeros. A gap holding bytes the
//! tree does not know (a committed block's ciphertext that is not cached)
//! keeps the pieces apart.

use alloc::vec::Vec;

use supplicant_proto::tee_error::TeeError;

use super::layout::{node_offset, BLOCK_NODES, BLOCK_SIZE, NODE_SIZE};
use super::{FileIo, HashTree};
use crate::TeeResult;

/// Largest single write a commit issues.
pub(crate) const MAX_WRITE: usize = 64 * 1024;
/// Largest gap filled to join two pieces.
const MAX_GAP: u64 = 8 * 1024;

const BS: u64 = BLOCK_SIZE as u64;

/// Bytes to write at an offset.
pub(crate) struct Piece {
    pub(crate) off: u64,
    pub(crate) data: Vec<u8>,
}

impl Piece {
    fn end(&self) -> u64 {
        self.off + self.data.len() as u64
    }
}

/// What the file holds (or may hold) in one region.
enum Fill<'a> {
    /// No commit refers to it: anything may be written.
    Free,
    /// A committed node image.
    Node([u8; NODE_SIZE]),
    /// Committed ciphertext held in memory.
    Data(&'a [u8]),
    /// Bytes a commit refers to that are not known here.
    Unknown,
}

impl HashTree {
    /// The region around byte `off`: `(start, end, fill)`.
    fn region(&self, off: u64) -> (u64, u64, Fill<'_>) {
        let p = off / BS;
        let base = p * BS;
        if p == 0 {
            return (0, BS, Fill::Unknown);
        }
        let g = (p - 1) / (2 * BLOCK_NODES);
        if (p - 1) % (2 * BLOCK_NODES) == 0 {
            // A node block: 31 slot pairs, then padding nobody reads.
            let slot = (off - base) / NODE_SIZE as u64;
            if slot >= 2 * BLOCK_NODES {
                return (
                    base + 2 * BLOCK_NODES * NODE_SIZE as u64,
                    base + BS,
                    Fill::Free,
                );
            }
            let id = u32::try_from(g * BLOCK_NODES + slot / 2 + 1).unwrap_or(u32::MAX);
            let v = (slot % 2) as u8;
            let start = node_offset(id, v);
            return (start, start + NODE_SIZE as u64, self.node_slot(id, v));
        }
        // A data block: phys p holds version v of block b.
        let bidx = p - 2 - g;
        let b = u32::try_from(bidx / 2).unwrap_or(u32::MAX);
        (base, base + BS, self.block_slot(b, (bidx % 2) as u8))
    }

    fn node_slot(&self, id: u32, v: u8) -> Fill<'_> {
        match self.node(id).ok().and_then(|n| n.disk) {
            Some((img, dv)) if dv == v => Fill::Node(img.encode()),
            Some(_) => Fill::Free,
            // Dropped or recreated since the commit that may still use it.
            None if id <= self.committed_nodes => Fill::Unknown,
            None => Fill::Free,
        }
    }

    fn block_slot(&self, b: u32, v: u8) -> Fill<'_> {
        let id = b.saturating_add(1);
        if let Ok(n) = self.node(id) {
            // A new version already written ahead of this commit.
            if n.block_updated && u8::from(n.cur.flags & 1 != 0) == v {
                return Fill::Unknown;
            }
        }
        match self.node(id).ok().and_then(|n| n.disk) {
            None if id <= self.committed_nodes => Fill::Unknown,
            None => Fill::Free,
            Some((img, _)) => {
                let committed = u8::from(img.flags & 1 != 0);
                if committed != v || (img.iv == [0; 16] && img.tag == [0; 16]) {
                    // The other version, or a block never written.
                    Fill::Free
                } else {
                    match &self.ct0 {
                        Some((cv, ct)) if b == 0 && *cv == v => Fill::Data(ct),
                        _ => Fill::Unknown,
                    }
                }
            }
        }
    }

    /// The bytes of `[start, end)` if all of them may be rewritten.
    fn gap(&self, start: u64, end: u64) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        out.try_reserve((end - start) as usize).ok()?;
        let mut at = start;
        while at < end {
            let (rs, re, fill) = self.region(at);
            let stop = re.min(end);
            let (from, to) = ((at - rs) as usize, (stop - rs) as usize);
            match fill {
                Fill::Unknown => return None,
                Fill::Node(img) => out.extend_from_slice(img.get(from..to)?),
                Fill::Data(d) => out.extend_from_slice(d.get(from..to)?),
                Fill::Free => out.resize(out.len() + (to - from), 0),
            }
            at = stop;
        }
        Some(out)
    }

    /// Writes `pieces`, joining neighbours where the gap is known.
    pub(crate) fn write_pieces(
        &self,
        io: &mut dyn FileIo,
        mut pieces: Vec<Piece>,
    ) -> TeeResult<()> {
        crate::heapsort::sort_by_key(&mut pieces, |p| p.off);
        let mut cur: Option<Piece> = None;
        for p in pieces {
            if let Some(c) = cur.as_mut() {
                let joinable = p.off >= c.end()
                    && p.off - c.end() <= MAX_GAP
                    && (p.end() - c.off) as usize <= MAX_WRITE;
                if joinable {
                    if let Some(g) = self.gap(c.end(), p.off) {
                        c.data
                            .try_reserve(g.len() + p.data.len())
                            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
                        c.data.extend_from_slice(&g);
                        c.data.extend_from_slice(&p.data);
                        continue;
                    }
                }
                io.write_at(c.off, &c.data)?;
            }
            cur = Some(p);
        }
        if let Some(c) = cur {
            io.write_at(c.off, &c.data)?;
        }
        Ok(())
    }
}
