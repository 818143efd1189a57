//! Byte-level content of a tree (OP-TEE's `ree_fs_read/write/truncate`
//! primitives), over the tree's cache of verified plaintext blocks.

use alloc::vec::Vec;

use supplicant_proto::tee_error::TeeError;

use super::layout::{block_offset, BLOCK_SIZE};
use super::plain::Plain;
use super::plan::MAX_WRITE;
use super::{read_some, FileIo, HashTree};
use crate::{Entropy, TeeResult};

const BS: u64 = BLOCK_SIZE as u64;
/// Most blocks fetched by one file read when a read spans several.
const READ_AHEAD: usize = 8;

/// The file length OP-TEE truncates to after shrinking content to `len`
/// (the end of version 1 of the first block past the content).
pub(crate) fn shrink_file_len(len: u64) -> u64 {
    let b = u32::try_from(len.div_ceil(BS)).unwrap_or(u32::MAX - 1);
    block_offset(b, 1) + BS
}

fn block_of(pos: u64) -> TeeResult<u32> {
    u32::try_from(pos / BS)
        .ok()
        .filter(|b| *b < u32::MAX - 1)
        .ok_or(TeeError::BAD_PARAMETERS)
}

impl HashTree {
    /// Plaintext of block `b`, from the cache or authenticated from disk.
    fn get_block(
        &mut self,
        io: &mut dyn FileIo,
        b: u32,
        out: &mut [u8; BLOCK_SIZE],
    ) -> TeeResult<()> {
        if let Some(d) = self.cache.get(b) {
            out.copy_from_slice(d);
            return Ok(());
        }
        self.read_block(io, b, out)?;
        self.cache.put(b, out);
        Ok(())
    }

    /// Fetches blocks `b..=last` (those not cached or pending, at most
    /// `READ_AHEAD` and the cache size) with one file read into the cache.
    /// Anything short or unverifiable is left to the block-by-block path,
    /// which reports it.
    fn read_ahead(&mut self, io: &mut dyn FileIo, b: u32, last: u32) -> TeeResult<()> {
        let mut run: Vec<(u32, u64)> = Vec::new();
        let max = READ_AHEAD.min(self.cache.cap());
        let mut x = b;
        while x <= last && run.len() < max {
            let busy = self.cache.contains(x) || self.pending.iter().any(|p| p.0 == x);
            if busy {
                break;
            }
            let at = self.block_at(x)?;
            let lo = run.iter().map(|r| r.1).chain([at]).min().unwrap_or(at);
            let hi = run.iter().map(|r| r.1).chain([at]).max().unwrap_or(at) + BS;
            if (hi - lo) as usize > MAX_WRITE {
                break;
            }
            run.push((x, at));
            x += 1;
        }
        if run.len() < 2 {
            return Ok(());
        }
        let lo = run.iter().map(|r| r.1).min().unwrap_or(0);
        let hi = run.iter().map(|r| r.1).max().unwrap_or(0) + BS;
        let mut buf = Vec::new(); // ciphertext
        buf.try_reserve_exact((hi - lo) as usize)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        buf.resize((hi - lo) as usize, 0);
        let got = read_some(io, lo, &mut buf)?;
        let mut block = Plain::new();
        for (x, at) in run {
            let from = (at - lo) as usize;
            match buf.get(from..from + BLOCK_SIZE) {
                Some(src) if from + BLOCK_SIZE <= got => block.copy_from_slice(src),
                _ => break,
            }
            if self.open_block(x, &mut block[..]).is_err() {
                break;
            }
            self.cache.put(x, &block);
        }
        Ok(())
    }

    /// Reads content at `pos`; returns the bytes read (short at the end).
    pub(crate) fn read(
        &mut self,
        io: &mut dyn FileIo,
        pos: u64,
        buf: &mut [u8],
    ) -> TeeResult<usize> {
        let want = buf.len() as u64;
        let avail = match pos.checked_add(want) {
            Some(_) if pos <= self.length => want.min(self.length - pos),
            _ => 0,
        };
        let mut done = 0usize;
        let mut block = Plain::new();
        while (done as u64) < avail {
            let p = pos + done as u64;
            let off = (p % BS) as usize;
            let n = (BLOCK_SIZE - off).min((avail - done as u64) as usize);
            let b = block_of(p)?;
            if !self.cache.contains(b) {
                let last = block_of(pos + avail - 1)?;
                self.read_ahead(io, b, last)?;
            }
            self.get_block(io, b, &mut block)?;
            if let (Some(d), Some(s)) = (buf.get_mut(done..done + n), block.get(off..off + n)) {
                d.copy_from_slice(s);
            }
            done += n;
        }
        Ok(done)
    }

    /// Writes `data` (or zeros when `None`) over `[pos, pos + len)`, block
    /// by block into new versions (OP-TEE's `out_of_place_write`).
    fn fill(
        &mut self,
        io: &mut dyn FileIo,
        rng: &mut dyn Entropy,
        pos: u64,
        data: Option<&[u8]>,
        len: u64,
    ) -> TeeResult<()> {
        let end = pos.checked_add(len).ok_or(TeeError::BAD_PARAMETERS)?;
        block_of(end)?;
        let old_blocks = self.length.div_ceil(BS);
        let mut block = Plain::new();
        let mut p = pos;
        while p < end {
            let b = block_of(p)?;
            let off = (p % BS) as usize;
            let n = (BLOCK_SIZE - off).min((end - p).min(BS) as usize);
            if u64::from(b) < old_blocks {
                self.get_block(io, b, &mut block)?;
            } else {
                block.fill(0);
            }
            let done = (p - pos) as usize;
            if let Some(dst) = block.get_mut(off..off + n) {
                match data.and_then(|d| d.get(done..done + n)) {
                    Some(src) => dst.copy_from_slice(src),
                    None => dst.fill(0),
                }
            }
            self.write_block(io, rng, b, &block)?;
            self.cache.put(b, &block);
            p += n as u64;
        }
        if end > self.length {
            self.set_length(end);
        }
        Ok(())
    }

    /// Writes `data` at `pos`, zero-filling a hole past the end.
    pub(crate) fn write(
        &mut self,
        io: &mut dyn FileIo,
        rng: &mut dyn Entropy,
        pos: u64,
        data: &[u8],
    ) -> TeeResult<()> {
        if data.is_empty() {
            return Ok(());
        }
        pos.checked_add(data.len() as u64)
            .ok_or(TeeError::BAD_PARAMETERS)?;
        if self.length < pos {
            self.truncate(io, rng, pos)?;
        }
        self.fill(io, rng, pos, Some(data), data.len() as u64)
    }

    /// Sets the content length: zero blocks when growing; when shrinking,
    /// drops the nodes past the end (the file itself is shortened by the
    /// caller once the change is committed: before that, the committed
    /// version may still need those blocks).
    pub(crate) fn truncate(
        &mut self,
        io: &mut dyn FileIo,
        rng: &mut dyn Entropy,
        len: u64,
    ) -> TeeResult<()> {
        if len > self.length {
            let from = self.length;
            return self.fill(io, rng, from, None, len - from);
        }
        let b = block_of(len)?;
        self.truncate_nodes(b);
        let count = self.nodes.len() as u64;
        self.cache.retain_below(count);
        self.set_length(len);
        Ok(())
    }

    /// Reads the whole content (for `dirf.db`).
    pub(crate) fn read_all(&mut self, io: &mut dyn FileIo) -> TeeResult<Vec<u8>> {
        let len = usize::try_from(self.length).map_err(|_| TeeError::OUT_OF_MEMORY)?;
        let mut v = Vec::new();
        v.try_reserve_exact(len)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        v.resize(len, 0);
        let n = self.read(io, 0, &mut v)?;
        v.truncate(n);
        Ok(v)
    }
}
