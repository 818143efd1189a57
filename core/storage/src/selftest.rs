//! Hash-tree self test behind xtest 1015 (`PTA_INVOKE_TESTS_CMD_FS_HTREE`):
//! on an in-memory file, write/read/rewrite ranges of up to 10 blocks with
//! and without committing, reopen by root hash and by header counter, then
//! corrupt every header, node and block (both versions) of a 5-block tree
//! and check that each change is detected, never read back as data.

use alloc::vec;
use alloc::vec::Vec;

use supplicant_proto::tee_error::TeeError;

use crate::htree::layout::{
    block_offset, head_offset, node_offset, BLOCK_SIZE, HEAD_SIZE, NODE_SIZE,
};
use crate::htree::{FileIo, Hash, HashTree};
use crate::keys::{Ssk, Tsk};
use crate::{Entropy, TeeResult};

/// A file in memory; bytes past its length read as absent, and the
/// backing store starts filled with 0xce so stale slots are not zeros.
struct MemFile {
    data: Vec<u8>,
    len: usize,
}

impl MemFile {
    fn new(blocks: u32) -> Self {
        let cap = block_offset(blocks, 1) as usize + BLOCK_SIZE;
        MemFile {
            data: vec![0xce; cap],
            len: 0,
        }
    }
}

impl FileIo for MemFile {
    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> TeeResult<usize> {
        let off = usize::try_from(off).unwrap_or(usize::MAX).min(self.len);
        let n = buf.len().min(self.len - off);
        let src = self
            .data
            .get(off..off + n)
            .ok_or(TeeError::CORRUPT_OBJECT)?;
        buf.get_mut(..n)
            .ok_or(TeeError::CORRUPT_OBJECT)?
            .copy_from_slice(src);
        Ok(n)
    }

    fn write_at(&mut self, off: u64, d: &[u8]) -> TeeResult<()> {
        let off = usize::try_from(off).map_err(|_| TeeError::SECURITY)?;
        let end = off.checked_add(d.len()).ok_or(TeeError::SECURITY)?;
        if end > self.data.len() {
            self.data.resize(end, 0xce);
        }
        self.data
            .get_mut(off..end)
            .ok_or(TeeError::SECURITY)?
            .copy_from_slice(d);
        self.len = self.len.max(end);
        Ok(())
    }
}

/// Block `bn` as written with `salt`: every u32 names its block, index and salt.
fn pattern(bn: u32, salt: u8) -> [u8; BLOCK_SIZE] {
    let mut b = [0u8; BLOCK_SIZE];
    for (n, w) in b.chunks_exact_mut(4).enumerate() {
        let v = ((n as u32 & 0xffff) << 16) | ((bn & 0xff) << 8) | u32::from(salt);
        w.copy_from_slice(&v.to_le_bytes());
    }
    b
}

struct Ctx<'a> {
    rng: &'a mut dyn Entropy,
    tsk: Tsk,
}

impl Ctx<'_> {
    fn write(
        &mut self,
        t: &mut HashTree,
        f: &mut MemFile,
        bns: impl Iterator<Item = u32>,
        salt: u8,
    ) -> TeeResult<()> {
        for bn in bns {
            t.write_block(f, self.rng, bn, &pattern(bn, salt))?;
        }
        Ok(())
    }
}

/// Reads blocks `bns` and compares them with `salt`'s pattern; wrong data
/// is `TEE_ERROR_SECURITY` (silent corruption).
fn check(t: &HashTree, f: &mut MemFile, bns: impl Iterator<Item = u32>, salt: u8) -> TeeResult<()> {
    let mut b = [0u8; BLOCK_SIZE];
    for bn in bns {
        t.read_block(f, bn, &mut b)?;
        if b != pattern(bn, salt) {
            return Err(TeeError::SECURITY);
        }
    }
    Ok(())
}

fn rewrite(c: &mut Ctx<'_>, n: u32, m: u32, o: u32) -> TeeResult<()> {
    let mut f = MemFile::new(n);
    let salt = 23u8;
    let mut t = HashTree::create(&c.tsk, c.rng, 0)?;
    c.write(&mut t, &mut f, 0..n, salt)?;
    check(&t, &mut f, 0..n, salt)?;
    c.write(&mut t, &mut f, (0..n).rev(), salt + 1)?;
    check(&t, &mut f, 0..n, salt + 1)?;
    let salt = salt + 2;
    c.write(&mut t, &mut f, 0..n, salt)?;
    check(&t, &mut f, 0..n, salt)?;
    t.sync(&mut f, c.rng)?;
    check(&t, &mut f, 0..n, salt)?;
    let hash: Hash = t.root_hash();

    let mut t = HashTree::open(&mut f, &c.tsk, Some(&hash), 0)?;
    check(&t, &mut f, 0..n, salt)?;
    // Uncommitted rewrites are visible through the open tree...
    c.write(&mut t, &mut f, (m..m + o).rev(), salt + 1)?;
    check(&t, &mut f, 0..m, salt)?;
    check(&t, &mut f, m..m + o, salt + 1)?;
    check(&t, &mut f, m + o..n, salt)?;
    c.write(&mut t, &mut f, m..m + o, salt + 2)?;
    check(&t, &mut f, 0..m, salt)?;
    check(&t, &mut f, m..m + o, salt + 2)?;
    check(&t, &mut f, m + o..n, salt)?;
    // ...and gone when the tree is dropped without a commit.
    drop(t);
    let t = HashTree::open(&mut f, &c.tsk, Some(&hash), 0)?;
    check(&t, &mut f, 0..n, salt)?;
    let t = HashTree::open(&mut f, &c.tsk, None, 0)?;
    check(&t, &mut f, 0..n, salt)
}

/// What a corruption may legitimately be reported as.
fn detected(r: TeeResult<()>) -> TeeResult<bool> {
    match r {
        Ok(()) => Ok(false),
        // Data read back wrong: corruption got through.
        Err(TeeError::SECURITY) => Err(TeeError::SECURITY),
        Err(_) => Ok(true),
    }
}

/// Bumps bytes of both versions of one item (at offsets 0, 1, 2, 4, …, last)
/// and requires each change to be caught by open or by reading.
fn corrupt_item(
    c: &mut Ctx<'_>,
    base: &MemFile,
    hash: &Hash,
    blocks: u32,
    offs: [u64; 2],
    size: usize,
) -> TeeResult<()> {
    let mut n = 0usize;
    loop {
        let mut f = MemFile {
            data: base.data.clone(),
            len: base.len,
        };
        for o in offs {
            let at = usize::try_from(o).map_err(|_| TeeError::SECURITY)? + n;
            if let Some(b) = f.data.get_mut(at) {
                *b = b.wrapping_add(1);
            }
        }
        let r = HashTree::open(&mut f, &c.tsk, Some(hash), 0)
            .and_then(|t| check(&t, &mut f, 0..blocks, 1));
        if !detected(r)? {
            return Err(TeeError::SECURITY);
        }
        if n == size - 1 {
            return Ok(());
        }
        n = if n == 0 { 1 } else { (2 * n).min(size - 1) };
    }
}

fn corrupt(c: &mut Ctx<'_>, blocks: u32) -> TeeResult<()> {
    let mut f = MemFile::new(blocks);
    let mut t = HashTree::create(&c.tsk, c.rng, 0)?;
    c.write(&mut t, &mut f, 0..blocks, 1)?;
    t.sync(&mut f, c.rng)?;
    let hash = t.root_hash();
    let t = HashTree::open(&mut f, &c.tsk, Some(&hash), 0)?;
    check(&t, &mut f, 0..blocks, 1)?;

    corrupt_item(
        c,
        &f,
        &hash,
        blocks,
        [head_offset(0), head_offset(1)],
        HEAD_SIZE,
    )?;
    for bn in 0..blocks {
        let id = bn + 1;
        corrupt_item(
            c,
            &f,
            &hash,
            blocks,
            [node_offset(id, 0), node_offset(id, 1)],
            NODE_SIZE,
        )?;
    }
    for bn in 0..blocks {
        corrupt_item(
            c,
            &f,
            &hash,
            blocks,
            [block_offset(bn, 0), block_offset(bn, 1)],
            BLOCK_SIZE,
        )?;
    }
    Ok(())
}

/// Runs the hash-tree corner cases of OP-TEE's `fs_htree` self test on this
/// crate's implementation. `TEE_ERROR_SECURITY` means corruption went
/// undetected or data read back wrong.
pub fn htree_corner_cases(rng: &mut dyn Entropy) -> TeeResult<()> {
    let tsk = Ssk::derive(&[0x5a; 16]).tsk(Some(&[0xd9; 16]));
    let mut c = Ctx { rng, tsk };
    for n in (0..10u32).step_by(3) {
        for m in (0..n).step_by(3) {
            for o in (0..n - m).step_by(3) {
                rewrite(&mut c, n, m, o)?;
            }
        }
    }
    corrupt(&mut c, 5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestRng;

    #[test]
    fn corner_cases_pass() {
        htree_corner_cases(&mut TestRng::new(5)).unwrap();
    }

    #[test]
    fn a_tree_that_ignores_a_corruption_fails_the_check() {
        // The checker itself must catch silent corruption: a tree opened on
        // bytes whose data block was swapped for another version's
        // plaintext pattern reads wrong data.
        let mut f = MemFile::new(1);
        let mut rng = TestRng::new(1);
        let tsk = Ssk::derive(&[1; 16]).tsk(None);
        let mut t = HashTree::create(&tsk, &mut rng, 0).unwrap();
        t.write_block(&mut f, &mut rng, 0, &pattern(0, 1)).unwrap();
        assert_eq!(check(&t, &mut f, 0..1, 2), Err(TeeError::SECURITY));
        assert_eq!(detected(Err(TeeError::SECURITY)), Err(TeeError::SECURITY));
        assert_eq!(detected(Ok(())), Ok(false));
    }

    #[test]
    fn broken_entropy_fails_closed() {
        let mut rng = TestRng::new(1);
        rng.broken = true;
        assert!(htree_corner_cases(&mut rng).is_err());
    }
}
