//! A handle table: values by handle in a vector kept sorted, so a lookup is
//! a binary search and growing it is a fallible allocation (a TA that
//! exhausts the heap gets `TEE_ERROR_OUT_OF_MEMORY`, not a core panic).

use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;

/// Values of type `V` by `u32` handle.
pub struct HandleMap<V> {
    entries: Vec<(u32, V)>,
}

impl<V> Default for HandleMap<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<V> HandleMap<V> {
    fn find(&self, h: u32) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&h, |(k, _)| *k)
    }

    /// How many handles are in use.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no handle is in use.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when `h` is in use.
    pub fn contains(&self, h: u32) -> bool {
        self.find(h).is_ok()
    }

    /// The value of `h`.
    pub fn get(&self, h: u32) -> Option<&V> {
        self.find(h).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `h`, mutable.
    pub fn get_mut(&mut self, h: u32) -> Option<&mut V> {
        self.find(h).ok().map(|i| &mut self.entries[i].1)
    }

    /// Adds `v` under the unused handle `h`.
    pub fn insert(&mut self, h: u32, v: V) -> Result<(), TeeError> {
        let i = match self.find(h) {
            Ok(i) => {
                self.entries[i].1 = v;
                return Ok(());
            }
            Err(i) => i,
        };
        self.entries
            .try_reserve(1)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        self.entries.insert(i, (h, v));
        Ok(())
    }

    /// Handles and values, in handle order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &V)> {
        self.entries.iter().map(|(h, v)| (*h, v))
    }

    /// Takes `h` out.
    pub fn remove(&mut self, h: u32) -> Option<V> {
        let i = self.find(h).ok()?;
        Some(self.entries.remove(i).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_in_any_insertion_order() {
        let mut m = HandleMap::default();
        for h in [0x10, u32::MAX, 0x12, 1, 0x11] {
            m.insert(h, h ^ 0x5a).unwrap();
        }
        assert_eq!(m.len(), 5);
        for h in [0x10, u32::MAX, 0x12, 1, 0x11] {
            assert_eq!(m.get(h), Some(&(h ^ 0x5a)));
        }
        assert!(m.get(0).is_none() && !m.contains(0x13));
        *m.get_mut(0x12).unwrap() = 7;
        assert_eq!(m.remove(0x12), Some(7));
        assert_eq!(m.remove(0x12), None);
        assert!(m.contains(0x11) && m.contains(0x10) && m.contains(1));
        assert_eq!(m.len(), 4);
    }
}
