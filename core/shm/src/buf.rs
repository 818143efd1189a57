//! `NsBuf`: a checked, copy-only view on normal-world memory.

use alloc::vec::Vec;

use crate::abi::OPTEE_MSG_NONCONTIG_PAGE_SIZE as PAGE;
use crate::{MemError, PageList, ShmError};

/// Access to normal-world physical memory. The core implements it over its mapping of NS RAM;
/// tests use a fake RAM. Implementations must copy; callers only pass ranges an [`NsBuf`] has
/// validated.
pub trait PhysMem {
    /// Copies `buf.len()` bytes starting at physical address `pa` into `buf`.
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError>;
    /// Copies `data` to physical address `pa`.
    fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError>;
}

#[derive(Debug, PartialEq, Eq)]
enum Repr {
    /// Physically contiguous: `[pa, pa + len)`.
    Contig { pa: u64 },
    /// Page list; the view starts `first_offs` bytes into `pages[0]`.
    Pages { pages: PageList, first_offs: u64 },
}

/// A validated range of normal-world memory (contiguous, or a list of 4 KiB pages).
///
/// Only [`crate::ShmRegistry`] creates it, after checking every address. It never hands out
/// references into NS memory: data moves by copy through a [`PhysMem`], so each byte the secure
/// side uses is read exactly once into secure memory. Views obtained from
/// [`crate::ShmRegistry::lookup`] hold a use count on their registered buffer until passed to
/// [`crate::ShmRegistry::release`]; the type is deliberately not `Clone`.
#[derive(Debug, PartialEq, Eq)]
pub struct NsBuf {
    repr: Repr,
    len: u64,
    cookie: Option<u64>,
}

/// The name the design notes use for a validated range; same type.
pub type NsRange = NsBuf;

impl NsBuf {
    pub(crate) fn contiguous(pa: u64, len: u64) -> Self {
        NsBuf {
            repr: Repr::Contig { pa },
            len,
            cookie: None,
        }
    }

    pub(crate) fn paged(pages: PageList, first_offs: u64, len: u64, cookie: u64) -> Self {
        NsBuf {
            repr: Repr::Pages { pages, first_offs },
            len,
            cookie: Some(cookie),
        }
    }

    /// Length of the view in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the view is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Cookie of the registered buffer this view belongs to (`None` for contiguous ranges).
    pub fn cookie(&self) -> Option<u64> {
        self.cookie
    }

    /// Physical address of the first byte when the view is contiguous.
    pub fn contiguous_pa(&self) -> Option<u64> {
        match self.repr {
            Repr::Contig { pa } => Some(pa),
            Repr::Pages { .. } => None,
        }
    }

    /// The offset of the first byte in its page and the 4 KiB pages the view covers (see
    /// [`crate::ShmRegistry::pages_of`], which also checks a contiguous view's whole pages).
    pub(crate) fn page_run(&self) -> Result<(u64, PageList), ShmError> {
        let offset = match &self.repr {
            Repr::Contig { pa } => pa % PAGE,
            Repr::Pages { first_offs, .. } => *first_offs,
        };
        if self.len == 0 {
            return Ok((offset, PageList::new()));
        }
        let count = offset
            .checked_add(self.len)
            .ok_or(ShmError::Overflow)?
            .div_ceil(PAGE);
        let count = usize::try_from(count).map_err(|_| ShmError::Overflow)?;
        let out = match &self.repr {
            Repr::Contig { pa } => {
                let first = pa - offset;
                // The view was checked not to wrap, and its pages start at
                // or below its first byte.
                let last = (count as u64 - 1)
                    .checked_mul(PAGE)
                    .and_then(|o| first.checked_add(o))
                    .ok_or(ShmError::Overflow)?;
                PageList::try_collect(count, (first..=last).step_by(PAGE as usize))?
            }
            Repr::Pages { pages, .. } => {
                PageList::try_from_slice(pages.get(..count).ok_or(ShmError::OutOfBounds)?)?
            }
        };
        Ok((offset, out))
    }

    /// Calls `f(pa, start, chunk_len)` for each physically contiguous chunk of
    /// `[offs, offs + len)` (view-relative), `start` being the chunk's position relative to `offs`.
    fn chunks(
        &self,
        offs: u64,
        len: u64,
        mut f: impl FnMut(u64, usize, usize) -> Result<(), ShmError>,
    ) -> Result<(), ShmError> {
        let end = offs.checked_add(len).ok_or(ShmError::Overflow)?;
        if end > self.len {
            return Err(ShmError::OutOfBounds);
        }
        match &self.repr {
            Repr::Contig { pa } => {
                if len == 0 {
                    return Ok(());
                }
                let pa = pa.checked_add(offs).ok_or(ShmError::Overflow)?;
                let n = usize::try_from(len).map_err(|_| ShmError::Overflow)?;
                f(pa, 0, n)
            }
            Repr::Pages { pages, first_offs } => {
                let mut pos = first_offs.checked_add(offs).ok_or(ShmError::Overflow)?;
                let mut done: u64 = 0;
                while done < len {
                    let idx = usize::try_from(pos / PAGE).map_err(|_| ShmError::Overflow)?;
                    let in_page = pos % PAGE;
                    let page = *pages.get(idx).ok_or(ShmError::OutOfBounds)?;
                    let n = (PAGE - in_page).min(len - done);
                    let start = usize::try_from(done).map_err(|_| ShmError::Overflow)?;
                    // n <= 4096, so the cast is lossless.
                    let pa = page.checked_add(in_page).ok_or(ShmError::Overflow)?;
                    f(pa, start, n as usize)?;
                    done += n;
                    pos = pos.checked_add(n).ok_or(ShmError::Overflow)?;
                }
                Ok(())
            }
        }
    }

    /// Copies `dst.len()` bytes starting at view offset `offs` into `dst`.
    pub fn read_at(&self, mem: &dyn PhysMem, offs: u64, dst: &mut [u8]) -> Result<(), ShmError> {
        let len = u64::try_from(dst.len()).map_err(|_| ShmError::Overflow)?;
        self.chunks(offs, len, |pa, start, n| {
            let end = start.checked_add(n).ok_or(ShmError::Overflow)?;
            let out = dst.get_mut(start..end).ok_or(ShmError::OutOfBounds)?;
            mem.read(pa, out).map_err(ShmError::Mem)
        })
    }

    /// Copies `data` to view offset `offs`.
    pub fn write_at(&self, mem: &mut dyn PhysMem, offs: u64, data: &[u8]) -> Result<(), ShmError> {
        let len = u64::try_from(data.len()).map_err(|_| ShmError::Overflow)?;
        self.chunks(offs, len, |pa, start, n| {
            let end = start.checked_add(n).ok_or(ShmError::Overflow)?;
            let src = data.get(start..end).ok_or(ShmError::OutOfBounds)?;
            mem.write(pa, src).map_err(ShmError::Mem)
        })
    }

    /// Copies the first `dst.len()` bytes of the view into `dst` (`ShortBuffer` if the view is
    /// shorter than `dst`).
    pub fn read_into(&self, mem: &dyn PhysMem, dst: &mut [u8]) -> Result<(), ShmError> {
        let len = u64::try_from(dst.len()).map_err(|_| ShmError::Overflow)?;
        if len > self.len {
            return Err(ShmError::ShortBuffer);
        }
        self.read_at(mem, 0, dst)
    }

    /// Copies the whole view into a fresh secure-heap vector (`NoSpace` if the allocation fails).
    pub fn copy_in(&self, mem: &dyn PhysMem) -> Result<Vec<u8>, ShmError> {
        let n = usize::try_from(self.len).map_err(|_| ShmError::NoSpace)?;
        let mut v = Vec::new();
        v.try_reserve_exact(n).map_err(|_| ShmError::NoSpace)?;
        v.resize(n, 0);
        self.read_at(mem, 0, &mut v)?;
        Ok(v)
    }

    /// Copies `data` to the start of the view (`ShortBuffer` if it does not fit).
    pub fn copy_out(&self, mem: &mut dyn PhysMem, data: &[u8]) -> Result<(), ShmError> {
        let len = u64::try_from(data.len()).map_err(|_| ShmError::Overflow)?;
        if len > self.len {
            return Err(ShmError::ShortBuffer);
        }
        self.write_at(mem, 0, data)
    }
}
