//! Byte layout of a hash-tree file: the two header images, the node images
//! and the data blocks, where each version of each lives.

/// Data block size (`BLOCK_SIZE` of the REE FS).
pub(crate) const BLOCK_SIZE: usize = 4096;
/// `sizeof(struct tee_fs_htree_image)`.
pub(crate) const HEAD_SIZE: usize = 68;
/// `sizeof(struct tee_fs_htree_node_image)`.
pub(crate) const NODE_SIZE: usize = 66;
/// Nodes (two versions each) per 4 KiB node block.
pub(crate) const BLOCK_NODES: u64 = (BLOCK_SIZE / (NODE_SIZE * 2)) as u64;

/// `HTREE_NODE_COMMITTED_BLOCK`.
pub(crate) const COMMITTED_BLOCK: u16 = 1;
/// `HTREE_NODE_COMMITTED_CHILD(n)`, n = 0 or 1.
pub(crate) const fn committed_child(n: u32) -> u16 {
    1 << (1 + n)
}

/// Byte offset of header version `vers`.
pub(crate) fn head_offset(vers: u8) -> u64 {
    HEAD_SIZE as u64 * u64::from(vers & 1)
}

/// Byte offset of version `vers` of node `id` (ids start at 1).
pub(crate) fn node_offset(id: u32, vers: u8) -> u64 {
    let idx = u64::from(id.saturating_sub(1));
    node_block(id) * BLOCK_SIZE as u64
        + 2 * NODE_SIZE as u64 * (idx % BLOCK_NODES)
        + NODE_SIZE as u64 * u64::from(vers & 1)
}

/// Physical block that holds node `id`'s images.
pub(crate) fn node_block(id: u32) -> u64 {
    let idx = u64::from(id.saturating_sub(1));
    1 + (idx / BLOCK_NODES) * BLOCK_NODES * 2
}

/// Byte offset of version `vers` of data block `b`. (This is the formula
/// OP-TEE computes; the ASCII picture next to it in OP-TEE is off by one at
/// group boundaries.)
pub(crate) fn block_offset(b: u32, vers: u8) -> u64 {
    let bidx = 2 * u64::from(b) + u64::from(vers & 1);
    (2 + bidx + bidx / (BLOCK_NODES * 2 - 1)) * BLOCK_SIZE as u64
}

/// `struct tee_fs_htree_image`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct HeadImage {
    pub(crate) iv: [u8; 16],
    pub(crate) tag: [u8; 16],
    pub(crate) enc_fek: [u8; 16],
    pub(crate) imeta: [u8; 16],
    pub(crate) counter: u32,
}

impl HeadImage {
    pub(crate) fn decode(b: &[u8; HEAD_SIZE]) -> Self {
        let mut h = HeadImage::default();
        h.iv.copy_from_slice(&b[0..16]);
        h.tag.copy_from_slice(&b[16..32]);
        h.enc_fek.copy_from_slice(&b[32..48]);
        h.imeta.copy_from_slice(&b[48..64]);
        h.counter = u32::from_le_bytes([b[64], b[65], b[66], b[67]]);
        h
    }

    pub(crate) fn encode(&self) -> [u8; HEAD_SIZE] {
        let mut b = [0u8; HEAD_SIZE];
        b[0..16].copy_from_slice(&self.iv);
        b[16..32].copy_from_slice(&self.tag);
        b[32..48].copy_from_slice(&self.enc_fek);
        b[48..64].copy_from_slice(&self.imeta);
        b[64..68].copy_from_slice(&self.counter.to_le_bytes());
        b
    }
}

/// `struct tee_fs_htree_node_image`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct NodeImage {
    pub(crate) hash: [u8; 32],
    pub(crate) iv: [u8; 16],
    pub(crate) tag: [u8; 16],
    pub(crate) flags: u16,
}

impl NodeImage {
    pub(crate) fn decode(b: &[u8; NODE_SIZE]) -> Self {
        let mut n = NodeImage::default();
        n.hash.copy_from_slice(&b[0..32]);
        n.iv.copy_from_slice(&b[32..48]);
        n.tag.copy_from_slice(&b[48..64]);
        n.flags = u16::from_le_bytes([b[64], b[65]]);
        n
    }

    pub(crate) fn encode(&self) -> [u8; NODE_SIZE] {
        let mut b = [0u8; NODE_SIZE];
        b[0..32].copy_from_slice(&self.hash);
        b[32..48].copy_from_slice(&self.iv);
        b[48..64].copy_from_slice(&self.tag);
        b[64..66].copy_from_slice(&self.flags.to_le_bytes());
        b
    }
}

/// Plain `struct tee_fs_htree_imeta`: {u64 length; u32 max_node_id; u32 pad}.
pub(crate) fn imeta_encode(length: u64, max_node_id: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0..8].copy_from_slice(&length.to_le_bytes());
    b[8..12].copy_from_slice(&max_node_id.to_le_bytes());
    b
}

pub(crate) fn imeta_decode(b: &[u8; 16]) -> (u64, u32) {
    let mut l = [0u8; 8];
    l.copy_from_slice(&b[0..8]);
    (
        u64::from_le_bytes(l),
        u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_matches_the_formula() {
        assert_eq!(BLOCK_NODES, 31);
        assert_eq!(head_offset(1), 68);
        assert_eq!(node_offset(1, 0), 4096);
        assert_eq!(node_offset(1, 1), 4096 + 66);
        assert_eq!(node_offset(31, 1), 4096 + 132 * 30 + 66);
        assert_eq!(node_offset(32, 0), 63 * 4096);
        assert_eq!(node_offset(63, 0), 125 * 4096);
        assert_eq!(block_offset(0, 0), 2 * 4096);
        assert_eq!(block_offset(0, 1), 3 * 4096);
        assert_eq!(block_offset(30, 0), 62 * 4096);
        // The group boundary the ASCII picture gets wrong.
        assert_eq!(block_offset(30, 1), 64 * 4096);
        assert_eq!(block_offset(31, 0), 65 * 4096);
    }

    #[test]
    fn images_roundtrip() {
        let h = HeadImage {
            iv: [1; 16],
            tag: [2; 16],
            enc_fek: [3; 16],
            imeta: [4; 16],
            counter: 0x0102_0304,
        };
        assert_eq!(HeadImage::decode(&h.encode()), h);
        assert_eq!(h.encode()[64], 4, "counter is little endian");
        let n = NodeImage {
            hash: [5; 32],
            iv: [6; 16],
            tag: [7; 16],
            flags: 0x0506,
        };
        assert_eq!(NodeImage::decode(&n.encode()), n);
        assert_eq!(imeta_decode(&imeta_encode(77, 9)), (77, 9));
    }
}
