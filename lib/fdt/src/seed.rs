//! Boot seeds: the random bytes firmware (here QEMU's `virt` machine) leaves in the DT as
//! `rng-seed` and `kaslr-seed`, in `/secure-chosen` for the secure world and in `/chosen` for
//! Linux. The secure OS takes all of them for its DRBG; the normal world must then not learn
//! them (`/sys/firmware/fdt` shows the whole tree), so the secure ones are removed and Linux's
//! are replaced with fresh bytes of the secure OS's choosing.

use alloc::vec::Vec;

use zeroize::Zeroize;

use crate::{Fdt, FdtError};

/// Nodes searched, the secure world's first.
pub const SEED_NODES: [&str; 2] = ["/secure-chosen", "/chosen"];
/// Seed properties taken from each node.
pub const SEED_PROPERTIES: [&str; 2] = ["rng-seed", "kaslr-seed"];
/// The node whose seeds are handed back, replaced, to the normal world.
pub const NORMAL_WORLD_NODE: &str = "/chosen";
/// Longest replacement written back (Linux reads any `rng-seed` length and only an 8-byte
/// `kaslr-seed`; a huge seed is not worth copying).
pub const MAX_REPLACEMENT: usize = 64;

/// One seed property taken out of the tree.
pub struct TakenSeed {
    /// Node it was in (one of [`SEED_NODES`]).
    pub node: &'static str,
    /// Property name (one of [`SEED_PROPERTIES`]).
    pub name: &'static str,
    /// Its bytes.
    pub value: Vec<u8>,
}

/// Every seed property taken out of a tree; the bytes are zeroed on drop.
#[derive(Default)]
pub struct BootSeeds {
    taken: Vec<TakenSeed>,
}

impl Drop for BootSeeds {
    fn drop(&mut self) {
        for t in &mut self.taken {
            t.value.zeroize();
        }
    }
}

impl BootSeeds {
    /// The properties taken, in tree order per [`SEED_NODES`] and [`SEED_PROPERTIES`].
    pub fn taken(&self) -> &[TakenSeed] {
        &self.taken
    }

    /// Total seed bytes.
    pub fn total_len(&self) -> usize {
        self.taken.iter().map(|t| t.value.len()).sum()
    }

    /// Puts fresh seeds back where the normal world's were: for every non-empty seed taken
    /// from [`NORMAL_WORLD_NODE`], `fill(name, buf)` is asked for `min(len, MAX_REPLACEMENT)`
    /// bytes; when it fails the property stays removed. Returns the number written back.
    pub fn give_fresh_to_normal_world(
        &self,
        fdt: &mut Fdt,
        mut fill: impl FnMut(&str, &mut [u8]) -> bool,
    ) -> Result<usize, FdtError> {
        let mut written = 0;
        for t in self.taken.iter().filter(|t| t.node == NORMAL_WORLD_NODE) {
            if t.value.is_empty() {
                continue;
            }
            let mut fresh = alloc::vec![0u8; t.value.len().min(MAX_REPLACEMENT)];
            if !fill(t.name, &mut fresh) {
                continue;
            }
            let node = fdt.ensure_node(t.node)?;
            node.set_property(t.name, &fresh)?;
            written += 1;
        }
        Ok(written)
    }
}

/// Removes every [`SEED_PROPERTIES`] property (duplicates included) from the [`SEED_NODES`]
/// and returns their bytes. Zero-length properties are removed and not returned.
pub fn take_boot_seeds(fdt: &mut Fdt) -> BootSeeds {
    let mut seeds = BootSeeds::default();
    for node in SEED_NODES {
        let Some(n) = fdt.node_mut(node) else {
            continue;
        };
        for name in SEED_PROPERTIES {
            for value in n.take_properties(name) {
                if !value.is_empty() {
                    seeds.taken.push(TakenSeed { node, name, value });
                }
            }
        }
    }
    seeds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(secure: &[(&str, &[u8])], normal: &[(&str, &[u8])]) -> Fdt {
        let mut f = Fdt::new();
        for (path, props) in [("/secure-chosen", secure), ("/chosen", normal)] {
            let n = f.ensure_node(path).unwrap();
            n.set_property_str("stdout-path", "/pl011").unwrap();
            for (name, v) in props {
                n.set_property(name, v).unwrap();
            }
        }
        f
    }

    fn no_seeds_left(f: &Fdt) -> bool {
        SEED_NODES.iter().all(|node| {
            SEED_PROPERTIES
                .iter()
                .all(|name| f.property(node, name).is_none())
        })
    }

    #[test]
    fn missing_properties_and_nodes() {
        let mut f = tree(&[], &[]);
        let s = take_boot_seeds(&mut f);
        assert_eq!(s.total_len(), 0);
        assert_eq!(s.give_fresh_to_normal_world(&mut f, |_, _| true), Ok(0));
        assert!(no_seeds_left(&f));
        assert_eq!(f.property("/chosen", "stdout-path"), Some(&b"/pl011\0"[..]));
        let mut empty = Fdt::new();
        assert_eq!(take_boot_seeds(&mut empty).total_len(), 0);
        assert_eq!(empty, Fdt::new());
    }

    #[test]
    fn zero_length_seeds_are_dropped_not_counted() {
        let mut f = tree(
            &[("rng-seed", b"")],
            &[("rng-seed", b""), ("kaslr-seed", b"")],
        );
        let s = take_boot_seeds(&mut f);
        assert!(s.taken().is_empty());
        assert_eq!(s.give_fresh_to_normal_world(&mut f, |_, _| true), Ok(0));
        assert!(no_seeds_left(&f));
    }

    #[test]
    fn odd_sizes_and_duplicates() {
        let mut f = tree(&[("rng-seed", &[1, 2, 3])], &[("kaslr-seed", &[4; 5])]);
        // A second, duplicate rng-seed in /secure-chosen (as a hostile tree may have).
        let n = f.node_mut("/secure-chosen").unwrap();
        n.set_property("kaslr-seed", &[9; 7]).unwrap();
        let s = take_boot_seeds(&mut f);
        let got: Vec<_> = s
            .taken()
            .iter()
            .map(|t| (t.node, t.name, t.value.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("/secure-chosen", "rng-seed", vec![1, 2, 3]),
                ("/secure-chosen", "kaslr-seed", vec![9; 7]),
                ("/chosen", "kaslr-seed", vec![4; 5]),
            ]
        );
        assert_eq!(s.total_len(), 15);
        let mut asked = Vec::new();
        let n = s
            .give_fresh_to_normal_world(&mut f, |name, buf| {
                asked.push((name.to_string(), buf.len()));
                buf.fill(0xee);
                true
            })
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(asked, [("kaslr-seed".to_string(), 5)]);
        assert_eq!(f.property("/chosen", "kaslr-seed"), Some(&[0xee; 5][..]));
        assert_eq!(f.property("/secure-chosen", "rng-seed"), None);
        assert_eq!(f.property("/secure-chosen", "kaslr-seed"), None);
    }

    #[test]
    fn huge_seed_is_absorbed_whole_and_replaced_short() {
        let big = vec![0x42u8; 200_000];
        let mut f = tree(&[], &[("rng-seed", &big)]);
        let s = take_boot_seeds(&mut f);
        assert_eq!(s.total_len(), big.len());
        assert_eq!(s.taken()[0].value, big);
        s.give_fresh_to_normal_world(&mut f, |_, b| {
            b.fill(1);
            true
        })
        .unwrap();
        assert_eq!(
            f.property("/chosen", "rng-seed"),
            Some(&[1; MAX_REPLACEMENT][..])
        );
        // The written tree is small again.
        assert!(f.to_bytes().unwrap().len() < 1000);
    }

    #[test]
    fn failing_fill_leaves_the_seed_removed() {
        let mut f = tree(&[], &[("rng-seed", &[7; 32]), ("kaslr-seed", &[8; 8])]);
        let s = take_boot_seeds(&mut f);
        assert_eq!(s.give_fresh_to_normal_world(&mut f, |_, _| false), Ok(0));
        assert!(no_seeds_left(&f));
    }
}
