//! `PageList`: the 4 KiB pages of a view, in order. A call's buffers are
//! mostly a page or two: those lists live inline, so looking a buffer up
//! and mapping it allocate nothing; longer ones go to the heap (fallibly).

use alloc::vec::Vec;

use crate::ShmError;

/// Pages held inline: a buffer of up to 4 KiB at any offset.
const INLINE: usize = 2;

/// Physical addresses of 4 KiB pages, in order.
#[derive(Debug)]
pub struct PageList(Repr);

#[derive(Debug)]
enum Repr {
    Inline { pages: [u64; INLINE], len: usize },
    Heap(Vec<u64>),
}

impl PageList {
    /// No pages.
    pub const fn new() -> Self {
        PageList(Repr::Inline {
            pages: [0; INLINE],
            len: 0,
        })
    }

    /// The pages `iter` yields (exactly `count` of them is expected; more
    /// are refused with `OutOfBounds`). `NoSpace` if the list does not fit
    /// inline and cannot be allocated.
    pub fn try_collect(
        count: usize,
        iter: impl IntoIterator<Item = u64>,
    ) -> Result<Self, ShmError> {
        let mut repr = if count <= INLINE {
            Repr::Inline {
                pages: [0; INLINE],
                len: 0,
            }
        } else {
            let mut v = Vec::new();
            v.try_reserve_exact(count).map_err(|_| ShmError::NoSpace)?;
            Repr::Heap(v)
        };
        for pa in iter {
            match &mut repr {
                Repr::Inline { pages, len } => {
                    *pages.get_mut(*len).ok_or(ShmError::OutOfBounds)? = pa;
                    *len += 1;
                }
                Repr::Heap(v) if v.len() < count => v.push(pa),
                Repr::Heap(_) => return Err(ShmError::OutOfBounds),
            }
        }
        Ok(PageList(repr))
    }

    /// A copy of `pages` (in one piece, not page by page).
    pub fn try_from_slice(pages: &[u64]) -> Result<Self, ShmError> {
        let len = pages.len();
        if len <= INLINE {
            let mut inline = [0; INLINE];
            inline[..len].copy_from_slice(pages);
            return Ok(PageList(Repr::Inline { pages: inline, len }));
        }
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|_| ShmError::NoSpace)?;
        v.extend_from_slice(pages);
        Ok(PageList(Repr::Heap(v)))
    }
}

impl Default for PageList {
    fn default() -> Self {
        Self::new()
    }
}

impl core::ops::Deref for PageList {
    type Target = [u64];
    #[inline]
    fn deref(&self) -> &[u64] {
        match &self.0 {
            Repr::Inline { pages, len } => &pages[..*len],
            Repr::Heap(v) => v,
        }
    }
}

impl core::ops::DerefMut for PageList {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u64] {
        match &mut self.0 {
            Repr::Inline { pages, len } => &mut pages[..*len],
            Repr::Heap(v) => v,
        }
    }
}

impl PartialEq for PageList {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for PageList {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lists_stay_inline_and_long_ones_go_to_the_heap() {
        let empty = PageList::try_from_slice(&[]).unwrap();
        assert!(empty.is_empty());
        let two = PageList::try_from_slice(&[0x1000, 0x5000]).unwrap();
        assert!(matches!(two.0, Repr::Inline { len: 2, .. }));
        assert_eq!(&two[..], &[0x1000, 0x5000]);
        let three = PageList::try_from_slice(&[0x1000, 0x5000, 0x3000]).unwrap();
        assert!(matches!(three.0, Repr::Heap(_)));
        assert_eq!(&three[..], &[0x1000, 0x5000, 0x3000]);
        // Equal contents compare equal whatever the storage.
        assert_eq!(PageList::try_collect(3, [1, 2]).unwrap(), two_of(1, 2));
    }

    fn two_of(a: u64, b: u64) -> PageList {
        PageList::try_from_slice(&[a, b]).unwrap()
    }

    #[test]
    fn more_pages_than_announced_are_refused() {
        assert_eq!(
            PageList::try_collect(2, [1, 2, 3]),
            Err(ShmError::OutOfBounds)
        );
        assert_eq!(
            PageList::try_collect(3, [1, 2, 3, 4]),
            Err(ShmError::OutOfBounds)
        );
    }

    #[test]
    fn pages_can_be_replaced_in_place() {
        let mut l = PageList::try_from_slice(&[0x1000]).unwrap();
        l[0] = 0x9000;
        assert_eq!(&l[..], &[0x9000]);
    }
}
