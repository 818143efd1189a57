//! GHASH for GCM: on the accelerator (PMULL) when it has it, else, and for
//! a refused call, the `ghash` crate's constant-time software. The state
//! `y` is kept outside, so a refused call continues from it: GHASH is
//! linear, so hashing `y ^ X1, X2, ...` from a zero state is the same as
//! hashing `X1, X2, ...` from `y`.

use cipher::generic_array::GenericArray;
use ghash::universal_hash::{KeyInit, UniversalHash};
use ghash::GHash;
use zeroize::Zeroize;

use crate::accel::{Accelerator, GhashKey};

/// One hash key H.
#[derive(Clone)]
pub struct Ghash {
    hw: Option<(&'static dyn Accelerator, GhashKey)>,
    /// Keyed with H, state zero (cloned per software call).
    soft: GHash,
}

impl Ghash {
    /// For the hash key `h` = E(K, 0^128), on `on` when it has PMULL.
    pub fn new_on(on: Option<&'static dyn Accelerator>, h: &[u8; 16]) -> Self {
        Ghash {
            hw: on.filter(|a| a.has_pmull()).map(|a| (a, GhashKey::new(h))),
            soft: GHash::new(GenericArray::from_slice(h)),
        }
    }

    /// Hashes the whole 16-byte blocks of `data` into `y`.
    pub fn blocks(&self, y: &mut [u8; 16], data: &[u8]) {
        let n = data.len() / 16 * 16;
        if n == 0 {
            return;
        }
        if let Some((a, k)) = &self.hw {
            if a.ghash(k, y, &data[..n]).is_ok() {
                return;
            }
        }
        let mut g = self.soft.clone();
        let mut first = *y;
        first
            .iter_mut()
            .zip(&data[..16])
            .for_each(|(s, x)| *s ^= *x);
        g.update(&[first.into()]);
        first.zeroize();
        g.update_padded(&data[16..n]);
        *y = g.finalize().into();
    }
}

#[cfg(test)]
mod tests;
