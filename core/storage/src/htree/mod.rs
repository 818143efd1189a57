//! One hash-tree file (OP-TEE 4.5 `fs_htree`): an authenticated, encrypted
//! array of 4 KiB blocks with two on-disk versions of everything, so that
//! writing the header is the single commit point of the file.
//!
//! The whole node tree of an open file lives in memory (as in OP-TEE); any
//! error while changing it leaves memory and disk out of step, so callers
//! drop the tree on error and reload it from the last commit.

mod cache;
mod content;
pub(crate) mod layout;
mod plain;
mod plan;

use alloc::vec::Vec;

use hmac::digest::Digest;
use oxtee_crypto::hash::Sha256;
use subtle::ConstantTimeEq;
use supplicant_proto::tee_error::TeeError;
use zeroize::Zeroizing;

use crate::crypto::{gcm_decrypt, gcm_encrypt};
use crate::keys::Tsk;
use crate::{Entropy, TeeResult};
use cache::BlockCache;
use layout::*;
use plan::Piece;

pub(crate) use content::shrink_file_len;
pub(crate) use plan::MAX_WRITE;

/// Byte access to the file that holds one tree.
pub(crate) trait FileIo {
    /// Reads at `off`; returns the bytes read (short at the end of file).
    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> TeeResult<usize>;
    /// Writes `data` at `off`.
    fn write_at(&mut self, off: u64, data: &[u8]) -> TeeResult<()>;
}

/// Root hash of a tree (`TEE_FS_HTREE_HASH_SIZE`).
pub(crate) type Hash = [u8; 32];

#[derive(Clone, Default)]
struct Node {
    cur: NodeImage,
    /// The committed image and the slot it is in (None for a node created
    /// since the last commit).
    disk: Option<(NodeImage, u8)>,
    dirty: bool,
    block_updated: bool,
}

/// An open hash tree.
pub(crate) struct HashTree {
    fek: Zeroizing<[u8; 16]>,
    head: HeadImage,
    length: u64,
    max_node_id: u32,
    /// Node id `i` is `nodes[i - 1]`; always at least the root.
    nodes: Vec<Node>,
    dirty: bool,
    /// Plaintext of recently used blocks (see `content`).
    cache: BlockCache,
    /// New block versions not yet written: (block, version, ciphertext).
    pending: Vec<(u32, u8, Vec<u8>)>,
    /// Committed ciphertext of block 0 and its version, when known: lets a
    /// commit write the root node and block 0 in one go (see `plan`).
    ct0: Option<(u8, Vec<u8>)>,
    new_ct0: Option<(u8, Vec<u8>)>,
    /// Nodes in the last committed tree.
    committed_nodes: u32,
}

/// New block versions kept before they are written together.
const MAX_PENDING: usize = 16;

/// Blocks needed for `len` bytes.
fn blocks_for(len: u64) -> u64 {
    len.div_ceil(BLOCK_SIZE as u64)
}

/// OP-TEE's choice of the valid header from the two counters
/// (`get_idx_from_counter`); `None` is `TEE_ERROR_SECURITY`.
fn idx_from_counters(c0: u32, c1: u32) -> Option<u8> {
    if c0 & 1 == 0 {
        if c1 & 1 == 0 || c0 > c1 {
            Some(0)
        } else {
            Some(1)
        }
    } else if c1 & 1 == 1 {
        Some(1)
    } else {
        None
    }
}

/// Reads as much as the file has of `[off, off + buf.len())`.
pub(crate) fn read_some(io: &mut dyn FileIo, off: u64, buf: &mut [u8]) -> TeeResult<usize> {
    let n = io.read_at(off, buf)?;
    // A supplicant claiming more than asked is lying; treat as corrupt.
    if n > buf.len() {
        return Err(TeeError::CORRUPT_OBJECT);
    }
    Ok(n)
}

/// Reads exactly `buf.len()` bytes or fails with `TEE_ERROR_CORRUPT_OBJECT`.
fn read_exact(io: &mut dyn FileIo, off: u64, buf: &mut [u8]) -> TeeResult<()> {
    if read_some(io, off, buf)? != buf.len() {
        return Err(TeeError::CORRUPT_OBJECT);
    }
    Ok(())
}

/// A fixed-size slice of `buf` at `at`, if the read reached that far.
fn slot<const N: usize>(buf: &[u8], got: usize, at: usize) -> TeeResult<&[u8; N]> {
    let end = at.checked_add(N).ok_or(TeeError::CORRUPT_OBJECT)?;
    if end > got {
        return Err(TeeError::CORRUPT_OBJECT);
    }
    buf.get(at..end)
        .and_then(|s| s.try_into().ok())
        .ok_or(TeeError::CORRUPT_OBJECT)
}

impl HashTree {
    /// A new, empty tree with a fresh file key (nothing written yet: the
    /// first `sync` writes the root and header into a freshly created file).
    pub(crate) fn create(tsk: &Tsk, rng: &mut dyn Entropy, cache_cap: usize) -> TeeResult<Self> {
        let mut fek = Zeroizing::new([0u8; 16]);
        rng.fill(&mut fek[..])?;
        let head = HeadImage {
            enc_fek: tsk.wrap(&fek),
            ..HeadImage::default()
        };
        let root = Node {
            dirty: true,
            ..Node::default()
        };
        let mut nodes = Vec::new();
        nodes.try_reserve(1).map_err(|_| TeeError::OUT_OF_MEMORY)?;
        nodes.push(root);
        Ok(HashTree {
            fek,
            head,
            length: 0,
            max_node_id: 0,
            nodes,
            dirty: true,
            cache: BlockCache::new(cache_cap),
            pending: Vec::new(),
            ct0: None,
            new_ct0: None,
            committed_nodes: 0,
        })
    }

    /// Opens the tree in `io`. With `expected`, the root version whose hash
    /// matches is used (a cut between the file's and `dirf.db`'s commits
    /// leaves the older one named); without, the newest header.
    pub(crate) fn open(
        io: &mut dyn FileIo,
        tsk: &Tsk,
        expected: Option<&Hash>,
        cache_cap: usize,
    ) -> TeeResult<Self> {
        // Headers and the first node block in one read.
        let mut first = Zeroizing::new([0u8; 2 * BLOCK_SIZE]);
        let got = read_some(io, 0, &mut first[..])?;
        let nb0 = BLOCK_SIZE;
        let (vers, root_img) = match expected {
            Some(h) => {
                let mut found = None;
                for v in 0..2u8 {
                    let at = nb0 + NODE_SIZE * usize::from(v);
                    let img = NodeImage::decode(slot::<NODE_SIZE>(&first[..], got, at)?);
                    if bool::from(img.hash.ct_eq(h)) {
                        found = Some((v, img));
                        break;
                    }
                }
                found.ok_or(TeeError::CORRUPT_OBJECT)?
            }
            None => {
                let h0 = HeadImage::decode(slot::<HEAD_SIZE>(&first[..], got, 0)?);
                let h1 = HeadImage::decode(slot::<HEAD_SIZE>(&first[..], got, HEAD_SIZE)?);
                let v = idx_from_counters(h0.counter, h1.counter).ok_or(TeeError::SECURITY)?;
                let at = nb0 + NODE_SIZE * usize::from(v);
                (
                    v,
                    NodeImage::decode(slot::<NODE_SIZE>(&first[..], got, at)?),
                )
            }
        };
        let head = HeadImage::decode(slot::<HEAD_SIZE>(
            &first[..],
            got,
            HEAD_SIZE * usize::from(vers),
        )?);
        let fek = Zeroizing::new(tsk.unwrap(&head.enc_fek));
        let mut imeta = head.imeta;
        let aad = head_aad(&root_img.hash, head.counter, &head.enc_fek, &head.iv);
        gcm_decrypt(&fek, &head.iv, &aad, &mut imeta, &head.tag)?;
        let (length, max_node_id) = imeta_decode(&imeta);

        // Every block of the content needs a node. (The node count itself is
        // authenticated; nodes are read one node block at a time, so a count
        // the file does not back fails on a short read, not an allocation.)
        let n = u64::from(max_node_id.max(1));
        if blocks_for(length) > n {
            return Err(TeeError::CORRUPT_OBJECT);
        }
        let n = usize::try_from(n).map_err(|_| TeeError::CORRUPT_OBJECT)?;
        let mut nodes: Vec<Node> = Vec::new();
        nodes.try_reserve(1).map_err(|_| TeeError::OUT_OF_MEMORY)?;
        nodes.push(Node {
            cur: root_img,
            disk: Some((root_img, vers)),
            ..Node::default()
        });
        let mut t = HashTree {
            fek,
            head,
            length,
            max_node_id,
            nodes,
            dirty: false,
            cache: BlockCache::new(cache_cap),
            pending: Vec::new(),
            ct0: None,
            new_ct0: None,
            committed_nodes: 0,
        };
        t.load_nodes(io, n, &first[..], got)?;
        t.committed_nodes = t.count();
        t.verify()?;
        Ok(t)
    }

    /// Reads nodes 2..=max, one read per node block, each from the version
    /// its parent names.
    fn load_nodes(
        &mut self,
        io: &mut dyn FileIo,
        n: usize,
        first: &[u8],
        first_got: usize,
    ) -> TeeResult<()> {
        let n = u32::try_from(n).map_err(|_| TeeError::CORRUPT_OBJECT)?;
        // The first read already holds node block 1.
        let mut buf = [0u8; BLOCK_SIZE];
        let mut cur_block = 1u64;
        let mut got = first_got.saturating_sub(BLOCK_SIZE).min(BLOCK_SIZE);
        if let (Some(s), Some(d)) = (first.get(BLOCK_SIZE..BLOCK_SIZE + got), buf.get_mut(..got)) {
            d.copy_from_slice(s);
        }
        for id in 2..=n {
            let pb = node_block(id);
            if pb != cur_block {
                got = read_some(io, pb * BLOCK_SIZE as u64, &mut buf[..])?;
                cur_block = pb;
            }
            let parent = self.node(id / 2)?.cur;
            let vers = u8::from(parent.flags & committed_child(id & 1) != 0);
            let at = (node_offset(id, vers) - pb * BLOCK_SIZE as u64) as usize;
            let img = NodeImage::decode(slot::<NODE_SIZE>(&buf[..], got, at)?);
            self.nodes
                .try_reserve(1)
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            self.nodes.push(Node {
                cur: img,
                disk: Some((img, vers)),
                ..Node::default()
            });
        }
        Ok(())
    }

    fn node(&self, id: u32) -> TeeResult<&Node> {
        let i = usize::try_from(id).map_err(|_| TeeError::GENERIC)?;
        self.nodes.get(i.wrapping_sub(1)).ok_or(TeeError::GENERIC)
    }

    fn node_mut(&mut self, id: u32) -> TeeResult<&mut Node> {
        let i = usize::try_from(id).map_err(|_| TeeError::GENERIC)?;
        self.nodes
            .get_mut(i.wrapping_sub(1))
            .ok_or(TeeError::GENERIC)
    }

    /// Number of node ids present (ids 1..=count).
    fn count(&self) -> u32 {
        // Bounded by the open-time checks; nodes never exceed u32 ids.
        u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)
    }

    /// SHA-256(iv ‖ tag ‖ flags ‖ [root: length] ‖ child hashes).
    fn calc_hash(&self, id: u32) -> TeeResult<Hash> {
        let n = &self.node(id)?.cur;
        let mut h = Sha256::new();
        h.update(n.iv);
        h.update(n.tag);
        h.update(n.flags.to_le_bytes());
        if id == 1 {
            h.update(self.length.to_le_bytes());
        }
        for c in [2 * u64::from(id), 2 * u64::from(id) + 1] {
            if c <= u64::from(self.count()) {
                h.update(self.node(c as u32)?.cur.hash);
            }
        }
        Ok(h.finalize().into())
    }

    fn verify(&self) -> TeeResult<()> {
        for id in 1..=self.count() {
            let want = self.calc_hash(id)?;
            if !bool::from(want.ct_eq(&self.node(id)?.cur.hash)) {
                return Err(TeeError::CORRUPT_OBJECT);
            }
        }
        Ok(())
    }

    /// Content length in bytes.
    pub(crate) fn length(&self) -> u64 {
        self.length
    }

    /// The header counter of the last commit.
    pub(crate) fn counter(&self) -> u32 {
        self.head.counter
    }

    /// Root hash of the last commit (what `dirf.db` records).
    pub(crate) fn root_hash(&self) -> Hash {
        self.nodes.first().map(|n| n.cur.hash).unwrap_or_default()
    }

    /// Where the current version of block `b` lives.
    fn block_at(&self, b: u32) -> TeeResult<u64> {
        let n = self.node(b.checked_add(1).ok_or(TeeError::GENERIC)?)?.cur;
        Ok(block_offset(b, u8::from(n.flags & COMMITTED_BLOCK != 0)))
    }

    /// Authenticates and decrypts the ciphertext of block `b` in place.
    fn open_block(&self, b: u32, data: &mut [u8]) -> TeeResult<()> {
        let n = self.node(b.checked_add(1).ok_or(TeeError::GENERIC)?)?.cur;
        let aad = block_aad(&self.head.enc_fek, &n.iv);
        gcm_decrypt(&self.fek, &n.iv, &aad, data, &n.tag)
    }

    /// Reads and authenticates block `b`.
    pub(crate) fn read_block(
        &self,
        io: &mut dyn FileIo,
        b: u32,
        out: &mut [u8; BLOCK_SIZE],
    ) -> TeeResult<()> {
        let id = b.checked_add(1).ok_or(TeeError::GENERIC)?;
        let n = self.node(id)?.cur;
        let vers = u8::from(n.flags & COMMITTED_BLOCK != 0);
        match self.pending.iter().find(|p| p.0 == b && p.1 == vers) {
            Some((_, _, ct)) if ct.len() == BLOCK_SIZE => out.copy_from_slice(ct),
            _ => read_exact(io, block_offset(b, vers), &mut out[..])?,
        }
        let aad = block_aad(&self.head.enc_fek, &n.iv);
        gcm_decrypt(&self.fek, &n.iv, &aad, &mut out[..], &n.tag)
    }

    /// Makes sure node `id` and every id below it exist (OP-TEE's
    /// `get_node(create)`), raising `max_node_id` when nodes are added.
    fn ensure_node(&mut self, id: u32) -> TeeResult<()> {
        if id <= self.count() {
            return Ok(());
        }
        let add = (id - self.count()) as usize;
        self.nodes
            .try_reserve(add)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        self.nodes.resize(id as usize, Node::default());
        self.max_node_id = self.max_node_id.max(id);
        Ok(())
    }

    /// Encrypts `plain` into the free version of block `b`.
    pub(crate) fn write_block(
        &mut self,
        io: &mut dyn FileIo,
        rng: &mut dyn Entropy,
        b: u32,
        plain: &[u8; BLOCK_SIZE],
    ) -> TeeResult<()> {
        let id = b.checked_add(1).ok_or(TeeError::OVERFLOW)?;
        self.ensure_node(id)?;
        let mut iv = [0u8; 16];
        rng.fill(&mut iv)?;
        let mut ct = Vec::new();
        ct.try_reserve_exact(BLOCK_SIZE)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        ct.extend_from_slice(plain);
        let tag = gcm_encrypt(
            &self.fek,
            &iv,
            &block_aad(&self.head.enc_fek, &iv),
            &mut ct[..],
        );
        let n = self.node_mut(id)?;
        if !n.block_updated {
            n.cur.flags ^= COMMITTED_BLOCK;
        }
        n.block_updated = true;
        n.dirty = true;
        let vers = u8::from(n.cur.flags & COMMITTED_BLOCK != 0);
        n.cur.iv = iv;
        n.cur.tag = tag;
        self.dirty = true;
        if b == 0 {
            self.new_ct0 = Some((vers, ct.clone()));
        }
        self.pending.retain(|p| p.0 != b);
        self.pending
            .try_reserve(1)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        self.pending.push((b, vers, ct));
        if self.pending.len() >= MAX_PENDING {
            self.flush_pending(io)?;
        }
        Ok(())
    }

    /// Writes the pending block versions (still uncommitted).
    fn flush_pending(&mut self, io: &mut dyn FileIo) -> TeeResult<()> {
        let pieces = self
            .pending
            .drain(..)
            .map(|(b, v, data)| Piece {
                off: block_offset(b, v),
                data,
            })
            .collect();
        self.write_pieces(io, pieces)
    }

    /// Drops nodes past block `b` (OP-TEE's `tee_fs_htree_truncate`).
    /// Unlike OP-TEE 4.5, the parent of a dropped node is marked dirty: its
    /// hash covers its children, and leaving it stale makes the file fail
    /// verification when a whole subtree goes (e.g. 5 blocks cut to 1).
    pub(crate) fn truncate_nodes(&mut self, b: u32) {
        let keep = b.saturating_add(1);
        while keep < self.max_node_id && self.nodes.len() > 1 {
            self.nodes.pop();
            let parent = (self.max_node_id / 2) as usize;
            if let Some(p) = self.nodes.get_mut(parent.wrapping_sub(1)) {
                p.dirty = true;
            }
            self.max_node_id -= 1;
            self.dirty = true;
        }
    }

    /// Sets the content length kept in the authenticated metadata.
    pub(crate) fn set_length(&mut self, len: u64) {
        self.length = len;
        self.dirty = true;
        if let Some(r) = self.nodes.first_mut() {
            r.dirty = true;
        }
    }

    /// Commits: new node versions (children before parents), then the
    /// header in the slot of the incremented counter, the file's commit
    /// point.
    pub(crate) fn sync(&mut self, io: &mut dyn FileIo, rng: &mut dyn Entropy) -> TeeResult<()> {
        if !self.dirty {
            return Ok(());
        }
        let mut written: Vec<(u32, u8)> = Vec::new();
        for id in (1..=self.count()).rev() {
            if !self.node(id)?.dirty {
                continue;
            }
            let vers = if id > 1 {
                let f = committed_child(id & 1);
                let p = self.node_mut(id / 2)?;
                p.dirty = true;
                p.cur.flags ^= f;
                u8::from(p.cur.flags & f != 0)
            } else {
                u8::from(self.head.counter & 1 == 0)
            };
            let hash = self.calc_hash(id)?;
            let n = self.node_mut(id)?;
            n.cur.hash = hash;
            n.dirty = false;
            n.block_updated = false;
            written
                .try_reserve(1)
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            written.push((id, vers));
        }
        let mut pieces = Vec::new();
        pieces
            .try_reserve(written.len() + self.pending.len())
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        for &(id, vers) in &written {
            pieces.push(Piece {
                off: node_offset(id, vers),
                data: self.node(id)?.cur.encode().to_vec(),
            });
        }
        for (b, v, data) in self.pending.drain(..) {
            pieces.push(Piece {
                off: block_offset(b, v),
                data,
            });
        }
        self.write_pieces(io, pieces)?;

        let counter = self.head.counter.checked_add(1).ok_or(TeeError::OVERFLOW)?;
        let mut iv = [0u8; 16];
        rng.fill(&mut iv)?;
        let mut imeta = imeta_encode(self.length, self.max_node_id);
        // The AAD takes only the first 16 bytes of the root hash: OP-TEE 4.5
        // passes the FEK size as the hash length there, and the format froze
        // that quirk (kept in 4.6+ as CFG_REE_FS_HTREE_HASH_SIZE_COMPAT).
        let aad = head_aad(&self.root_hash(), counter, &self.head.enc_fek, &iv);
        let tag = gcm_encrypt(&self.fek, &iv, &aad, &mut imeta);
        let head = HeadImage {
            iv,
            tag,
            enc_fek: self.head.enc_fek,
            imeta,
            counter,
        };
        if counter == 1 {
            // First commit of a new file: slot 0 gets a zero header (as
            // OP-TEE's dummy head) in the same write, so whatever the file
            // held there before cannot outrank counter 1.
            let mut both = [0u8; 2 * HEAD_SIZE];
            both[HEAD_SIZE..].copy_from_slice(&head.encode());
            io.write_at(0, &both)?;
        } else {
            io.write_at(head_offset((counter & 1) as u8), &head.encode())?;
        }
        self.head = head;
        for &(id, vers) in &written {
            let n = self.node_mut(id)?;
            n.disk = Some((n.cur, vers));
        }
        if let Some(c) = self.new_ct0.take() {
            self.ct0 = Some(c);
        }
        self.committed_nodes = self.count();
        self.dirty = false;
        Ok(())
    }
}

fn block_aad(enc_fek: &[u8; 16], iv: &[u8; 16]) -> [u8; 32] {
    let mut a = [0u8; 32];
    a[..16].copy_from_slice(enc_fek);
    a[16..].copy_from_slice(iv);
    a
}

fn head_aad(root_hash: &Hash, counter: u32, enc_fek: &[u8; 16], iv: &[u8; 16]) -> [u8; 52] {
    let mut a = [0u8; 52];
    a[..16].copy_from_slice(&root_hash[..16]);
    a[16..20].copy_from_slice(&counter.to_le_bytes());
    a[20..36].copy_from_slice(enc_fek);
    a[36..].copy_from_slice(iv);
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_choice_follows_optee() {
        assert_eq!(idx_from_counters(0, 0), Some(0));
        assert_eq!(idx_from_counters(0, 1), Some(1));
        assert_eq!(idx_from_counters(2, 1), Some(0));
        assert_eq!(idx_from_counters(2, 3), Some(1));
        assert_eq!(idx_from_counters(3, 1), Some(1));
        assert_eq!(idx_from_counters(3, 2), None);
    }
}
