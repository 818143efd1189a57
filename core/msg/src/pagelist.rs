//! Non-contiguous page lists (`OPTEE_MSG_ATTR_NONCONTIG`).
//!
//! A list is a chain of 4 KiB pages, each holding 511 little-endian u64
//! data-page addresses followed by the PA of the next list page. The
//! message gives the PA of the first list page ORed with the offset of the
//! data in the first data page.

use alloc::vec::Vec;
use core::ops::Range;

use supplicant_proto::optee_msg::{
    OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE, OPTEE_MSG_NONCONTIG_PAGE_SIZE,
};

/// Size of one list or data page.
pub const PAGE_SIZE: usize = OPTEE_MSG_NONCONTIG_PAGE_SIZE as usize;
const PAGE_MASK: u64 = OPTEE_MSG_NONCONTIG_PAGE_SIZE - 1;

/// A decoded page list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageList {
    /// Data pages, each 4 KiB aligned, in buffer order.
    pub pages: Vec<u64>,
    /// Offset of the buffer start in `pages[0]`.
    pub page_offset: u64,
    /// Buffer size in bytes.
    pub size: u64,
}

/// Why a page list was refused. OP-TEE answers all of these with
/// `TEE_ERROR_BAD_PARAMETERS` (REGISTER_SHM and NONCONTIG tmem params).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageListError {
    /// `size` is 0.
    ZeroSize,
    /// `page_offset + size` overflows.
    Overflow,
    /// More data pages than the caller allows.
    TooManyPages {
        /// Pages the buffer needs.
        needed: u64,
        /// The caller's limit.
        max: usize,
    },
    /// A list page address not 4 KiB aligned or outside normal-world RAM.
    BadListPage(u64),
    /// A data page address not 4 KiB aligned or outside normal-world RAM.
    BadDataPage {
        /// Index of the data page.
        index: usize,
        /// The address found.
        pa: u64,
    },
    /// The reader could not fetch a list page.
    ReadFailed(u64),
    /// The page vector could not be allocated.
    OutOfMemory,
}

/// Number of 4 KiB data pages covering `size` bytes starting at
/// `page_offset` (`page_offset` < 4096).
pub fn num_pages(page_offset: u64, size: u64) -> Result<u64, PageListError> {
    if size == 0 {
        return Err(PageListError::ZeroSize);
    }
    let end = (page_offset & PAGE_MASK)
        .checked_add(size)
        .ok_or(PageListError::Overflow)?;
    Ok(end.div_ceil(OPTEE_MSG_NONCONTIG_PAGE_SIZE))
}

fn page_in(ns_ram: &Range<u64>, pa: u64) -> bool {
    pa & PAGE_MASK == 0
        && pa >= ns_ram.start
        && pa
            .checked_add(OPTEE_MSG_NONCONTIG_PAGE_SIZE)
            .is_some_and(|end| end <= ns_ram.end)
}

/// Decode the page list at `buf_ptr` (list PA | first-page offset) for a
/// buffer of `size` bytes.
///
/// * `ns_ram`: normal-world RAM; every list and data page must lie inside.
/// * `max_pages`: upper bound on data pages (bounds the allocation).
/// * `read_page(pa, out)`: copy the 4 KiB list page at `pa` into `out`;
///   return `false` if it cannot (e.g. not mappable). It is called only
///   for pages already checked against `ns_ram`, exactly
///   `ceil(pages / 511)` times at most, so a looping list cannot make the
///   decoder spin.
pub fn decode_page_list<F>(
    buf_ptr: u64,
    size: u64,
    ns_ram: &Range<u64>,
    max_pages: usize,
    mut read_page: F,
) -> Result<PageList, PageListError>
where
    F: FnMut(u64, &mut [u8; PAGE_SIZE]) -> bool,
{
    let page_offset = buf_ptr & PAGE_MASK;
    let needed = num_pages(page_offset, size)?;
    let count = usize::try_from(needed)
        .ok()
        .filter(|&c| c <= max_pages)
        .ok_or(PageListError::TooManyPages {
            needed,
            max: max_pages,
        })?;

    let mut pages = Vec::new();
    pages
        .try_reserve_exact(count)
        .map_err(|_| PageListError::OutOfMemory)?;

    let mut list_pa = buf_ptr & !PAGE_MASK;
    let mut page = [0u8; PAGE_SIZE];
    while pages.len() < count {
        if !page_in(ns_ram, list_pa) {
            return Err(PageListError::BadListPage(list_pa));
        }
        if !read_page(list_pa, &mut page) {
            return Err(PageListError::ReadFailed(list_pa));
        }
        let mut words = page
            .chunks_exact(8)
            .map(|w| w.try_into().map(u64::from_le_bytes).unwrap_or(u64::MAX));
        for pa in words.by_ref().take(OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE) {
            if pages.len() == count {
                break;
            }
            if !page_in(ns_ram, pa) {
                return Err(PageListError::BadDataPage {
                    index: pages.len(),
                    pa,
                });
            }
            pages.push(pa);
        }
        // The last word links to the next list page.
        list_pa = words.next().unwrap_or(u64::MAX);
    }
    Ok(PageList {
        pages,
        page_offset,
        size,
    })
}
