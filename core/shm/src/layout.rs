//! Physical memory layout: which addresses count as normal-world memory.

use core::ops::Range;

use crate::abi::OPTEE_MSG_NONCONTIG_PAGE_SIZE as PAGE;
use crate::ShmError;

/// The physical memory plan the checks are made against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemLayout {
    /// Normal-world RAM (from the DT `/memory` node).
    pub ns_ram: Range<u64>,
    /// Secure RAM; never accepted, even if it overlaps `ns_ram`.
    pub secure_ram: Range<u64>,
    /// Reserved static shared memory (`GET_SHM_CONFIG`), if any.
    pub static_shm: Option<Range<u64>>,
}

impl MemLayout {
    /// Checks that `[pa, pa + len)` lies inside normal-world RAM or the static SHM and does not
    /// touch secure RAM. `len` must be non-zero.
    pub fn check_ns(&self, pa: u64, len: u64) -> Result<(), ShmError> {
        let end = pa.checked_add(len).ok_or(ShmError::Overflow)?;
        if len == 0 {
            return Err(ShmError::SizeMismatch);
        }
        let inside = |r: &Range<u64>| r.start <= pa && end <= r.end;
        let in_ns = inside(&self.ns_ram) || self.static_shm.as_ref().is_some_and(inside);
        let touches_secure = pa < self.secure_ram.end && self.secure_ram.start < end;
        if in_ns && !touches_secure {
            Ok(())
        } else {
            Err(ShmError::NotNonSecure)
        }
    }

    /// A view on the physically contiguous range `[pa, pa + len)` once it
    /// passes [`MemLayout::check_ns`].
    pub fn contiguous(&self, pa: u64, len: u64) -> Result<crate::NsBuf, ShmError> {
        self.check_ns(pa, len)?;
        Ok(crate::NsBuf::contiguous(pa, len))
    }

    /// Checks one 4 KiB page of a registered buffer or page list.
    pub fn check_page(&self, pa: u64) -> Result<(), ShmError> {
        if pa % PAGE != 0 {
            return Err(ShmError::Unaligned);
        }
        self.check_ns(pa, PAGE)
    }

    /// Whether `[pa, pa + len)` lies entirely inside the static SHM.
    pub fn in_static_shm(&self, pa: u64, len: u64) -> bool {
        match (&self.static_shm, pa.checked_add(len)) {
            (Some(r), Some(end)) => r.start <= pa && end <= r.end,
            _ => false,
        }
    }
}

/// Number of 4 KiB pages spanned by a buffer starting `page_offset` bytes into its first page
/// and `size` bytes long (`ceil((page_offset + size) / 4096)`).
pub fn pages_needed(page_offset: u32, size: u64) -> Result<u64, ShmError> {
    if u64::from(page_offset) >= PAGE {
        return Err(ShmError::BadOffset);
    }
    let total = size
        .checked_add(u64::from(page_offset))
        .ok_or(ShmError::Overflow)?;
    Ok(total.div_ceil(PAGE))
}
