//! Verified plaintext of recently used blocks, so that partial writes and
//! re-reads need no read RPC.
//!
//! The blocks sit in slots that never move; only the small recency list
//! is reordered (moving 4 KiB blocks on every hit and eviction was most of
//! the secure storage's core time).

use alloc::vec::Vec;

use super::layout::BLOCK_SIZE;
use super::plain::Plain;

pub(crate) struct BlockCache {
    cap: usize,
    slots: Vec<Plain>,
    /// (block, slot) per cached block, least recently used first.
    lru: Vec<(u32, usize)>,
}

impl BlockCache {
    /// A cache of at most `cap` blocks (0: none are kept).
    pub(crate) const fn new(cap: usize) -> Self {
        Self {
            cap,
            slots: Vec::new(),
            lru: Vec::new(),
        }
    }

    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    pub(crate) fn contains(&self, b: u32) -> bool {
        self.lru.iter().any(|&(k, _)| k == b)
    }

    /// Block `b`'s plaintext, now the most recently used.
    pub(crate) fn get(&mut self, b: u32) -> Option<&[u8; BLOCK_SIZE]> {
        let i = self.lru.iter().position(|&(k, _)| k == b)?;
        let e = self.lru.remove(i);
        self.lru.push(e);
        self.slots.get(e.1).map(|p| &**p)
    }

    /// Keeps `data` as block `b`'s plaintext (dropping the least recently
    /// used block when full). Without memory for a new slot nothing is
    /// kept: the cache only saves reads.
    pub(crate) fn put(&mut self, b: u32, data: &[u8; BLOCK_SIZE]) {
        if self.cap == 0 {
            return;
        }
        let slot = if let Some(i) = self.lru.iter().position(|&(k, _)| k == b) {
            self.lru.remove(i).1
        } else if self.lru.len() >= self.cap {
            self.lru.remove(0).1
        } else if let Some(free) =
            (0..self.slots.len()).find(|s| !self.lru.iter().any(|e| e.1 == *s))
        {
            free
        } else {
            if self.slots.try_reserve(1).is_err() || self.lru.try_reserve(1).is_err() {
                return;
            }
            self.slots.push(Plain::new());
            self.slots.len() - 1
        };
        if let Some(p) = self.slots.get_mut(slot) {
            p.copy_from_slice(data);
            self.lru.push((b, slot));
        }
    }

    /// Forgets the blocks from `count` on (their slots are wiped).
    pub(crate) fn retain_below(&mut self, count: u64) {
        let slots = &mut self.slots;
        self.lru.retain(|&(k, s)| {
            let keep = u64::from(k) < count;
            if !keep {
                if let Some(p) = slots.get_mut(s) {
                    p.fill(0);
                }
            }
            keep
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(v: u8) -> [u8; BLOCK_SIZE] {
        [v; BLOCK_SIZE]
    }

    #[test]
    fn keeps_the_most_recently_used() {
        let mut c = BlockCache::new(2);
        c.put(1, &block(1));
        c.put(2, &block(2));
        assert_eq!(c.get(1).map(|d| d[0]), Some(1)); // 2 is now the oldest
        c.put(3, &block(3));
        assert!(!c.contains(2));
        assert_eq!(c.get(1).map(|d| d[9]), Some(1));
        assert_eq!(c.get(3).map(|d| d[9]), Some(3));
        assert_eq!(c.slots.len(), 2);
    }

    #[test]
    fn a_put_replaces_the_blocks_old_plaintext() {
        let mut c = BlockCache::new(3);
        c.put(7, &block(1));
        c.put(7, &block(2));
        assert_eq!(c.get(7).map(|d| d[100]), Some(2));
        assert_eq!((c.lru.len(), c.slots.len()), (1, 1));
    }

    #[test]
    fn forgotten_blocks_free_and_wipe_their_slots() {
        let mut c = BlockCache::new(3);
        for b in 0..3 {
            c.put(b, &block(b as u8 + 1));
        }
        c.retain_below(1);
        assert!(c.contains(0) && !c.contains(1) && !c.contains(2));
        assert!(c.slots.iter().filter(|p| p.iter().all(|&x| x == 0)).count() == 2);
        c.put(5, &block(9));
        c.put(6, &block(8));
        assert_eq!(c.slots.len(), 3, "freed slots are reused");
        assert_eq!(c.get(0).map(|d| d[0]), Some(1));
    }

    #[test]
    fn a_zero_cap_keeps_nothing() {
        let mut c = BlockCache::new(0);
        c.put(1, &block(1));
        assert!(c.get(1).is_none() && c.slots.is_empty());
    }
}
