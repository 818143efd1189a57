//! A block of plaintext, wiped when dropped.
//!
//! Kept as 64-bit words: `zeroize` wipes one element per volatile store, so
//! a byte array costs 4,096 stores per block and a word array 512. The
//! secure storage writes and reads whole blocks at a time, so this is on
//! its hottest path.

use core::ops::{Deref, DerefMut};

use zeroize::Zeroize;

use super::layout::BLOCK_SIZE;

const WORDS: usize = BLOCK_SIZE / 8;

/// One block of plaintext (all zeros when made).
pub(crate) struct Plain([u64; WORDS]);

impl Plain {
    pub(crate) const fn new() -> Self {
        Self([0; WORDS])
    }
}

impl Deref for Plain {
    type Target = [u8; BLOCK_SIZE];

    fn deref(&self) -> &[u8; BLOCK_SIZE] {
        zerocopy::transmute_ref!(&self.0)
    }
}

impl DerefMut for Plain {
    fn deref_mut(&mut self) -> &mut [u8; BLOCK_SIZE] {
        zerocopy::transmute_mut!(&mut self.0)
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_words_are_the_same_memory() {
        let mut p = Plain::new();
        assert!(p.iter().all(|&b| b == 0));
        p[0] = 0x11;
        p[BLOCK_SIZE - 1] = 0x22;
        assert_eq!(p.0[0].to_ne_bytes()[0], 0x11);
        assert_eq!(p.0[WORDS - 1].to_ne_bytes()[7], 0x22);
        p.fill(0xab);
        assert!(p.0.iter().all(|&w| w == u64::from_ne_bytes([0xab; 8])));
    }
}
