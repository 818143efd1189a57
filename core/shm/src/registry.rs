//! `ShmRegistry`: buffers the normal world registered with `OPTEE_MSG_CMD_REGISTER_SHM`.

use alloc::vec::Vec;

use crate::abi::OPTEE_MSG_NONCONTIG_PAGE_SIZE as PAGE;
use crate::layout::pages_needed;
use crate::{MemLayout, NsBuf, PageList, PhysMem, ShmError};

/// Data-page entries per page-list page (the last u64 links to the next list page).
pub const PAGE_LIST_ENTRIES: usize = 511;

/// Capacity limits; nothing in the registry grows beyond them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryLimits {
    /// Maximum number of registered buffers.
    pub max_buffers: usize,
    /// Maximum pages of one buffer.
    pub max_pages_per_buffer: usize,
    /// Maximum pages over all registered buffers.
    pub max_total_pages: usize,
}

impl Default for RegistryLimits {
    /// 256 buffers, 16 MiB per buffer, 256 MiB in total (512 KiB of page lists).
    fn default() -> Self {
        RegistryLimits {
            max_buffers: 256,
            max_pages_per_buffer: 4096,
            max_total_pages: 65536,
        }
    }
}

#[derive(Debug)]
struct Entry {
    cookie: u64,
    pages: Vec<u64>,
    page_offset: u32,
    size: u64,
    users: u32,
}

/// Registered shared memory, keyed by the normal world's cookie.
#[derive(Debug)]
pub struct ShmRegistry {
    layout: MemLayout,
    limits: RegistryLimits,
    entries: Vec<Entry>,
    total_pages: usize,
}

impl ShmRegistry {
    /// An empty registry checking addresses against `layout`.
    pub fn new(layout: MemLayout, limits: RegistryLimits) -> Self {
        ShmRegistry {
            layout,
            limits,
            entries: Vec::new(),
            total_pages: 0,
        }
    }

    /// The layout the checks use.
    pub fn layout(&self) -> &MemLayout {
        &self.layout
    }

    /// Number of registered buffers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no buffer is registered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Total pages held by registered buffers.
    pub fn total_pages(&self) -> usize {
        self.total_pages
    }

    fn find(&self, cookie: u64) -> Option<usize> {
        self.entries.iter().position(|e| e.cookie == cookie)
    }

    /// Registers a buffer of `size` bytes starting `page_offset` bytes into `pages[0]`.
    ///
    /// Checks: `page_offset < 4096`; `size > 0`; `pages.len() == ceil((page_offset + size) /
    /// 4096)`; every page 4 KiB aligned, inside NS RAM (or static SHM) and outside secure RAM;
    /// cookie not registered yet; capacity limits.
    pub fn register(
        &mut self,
        cookie: u64,
        pages: Vec<u64>,
        page_offset: u32,
        size: u64,
    ) -> Result<(), ShmError> {
        let needed = pages_needed(page_offset, size)?;
        if size == 0 || u64::try_from(pages.len()).ok() != Some(needed) {
            return Err(ShmError::SizeMismatch);
        }
        for &pa in &pages {
            self.layout.check_page(pa)?;
        }
        if self.find(cookie).is_some() {
            return Err(ShmError::DuplicateCookie);
        }
        let total = self
            .total_pages
            .checked_add(pages.len())
            .ok_or(ShmError::NoSpace)?;
        if self.entries.len() >= self.limits.max_buffers
            || pages.len() > self.limits.max_pages_per_buffer
            || total > self.limits.max_total_pages
        {
            return Err(ShmError::NoSpace);
        }
        self.entries.try_reserve(1).map_err(|_| ShmError::NoSpace)?;
        self.entries.push(Entry {
            cookie,
            pages,
            page_offset,
            size,
            users: 0,
        });
        self.total_pages = total;
        Ok(())
    }

    /// Removes a registration. Unknown cookie (including a second unregister) gives
    /// `UnknownCookie`; a buffer with outstanding [`ShmRegistry::lookup`] views gives `Busy` and
    /// stays registered.
    ///
    /// OP-TEE 4.5 answers `TEE_ERROR_BAD_PARAMETERS` for unknown cookies too, but for a buffer
    /// in use it blocks the unregistering thread until the last user is done. This crate cannot
    /// block; the core may park the thread and retry, or pass `TEE_ERROR_BUSY` on.
    pub fn unregister(&mut self, cookie: u64) -> Result<(), ShmError> {
        let idx = self.find(cookie).ok_or(ShmError::UnknownCookie)?;
        if self.entries[idx].users != 0 {
            return Err(ShmError::Busy);
        }
        let e = self.entries.swap_remove(idx);
        self.total_pages = self.total_pages.saturating_sub(e.pages.len());
        Ok(())
    }

    /// Number of outstanding views on a buffer (`None` if not registered).
    pub fn users(&self, cookie: u64) -> Option<u32> {
        self.find(cookie).map(|i| self.entries[i].users)
    }

    /// A view on `[offs, offs + size)` of a registered buffer (rmem parameters: `offs` relative to
    /// the registered buffer). Marks the buffer in use until the view is given to
    /// [`ShmRegistry::release`].
    pub fn lookup(&mut self, cookie: u64, offs: u64, size: u64) -> Result<NsBuf, ShmError> {
        let idx = self.find(cookie).ok_or(ShmError::UnknownCookie)?;
        let e = &mut self.entries[idx];
        let end = offs.checked_add(size).ok_or(ShmError::Overflow)?;
        if end > e.size {
            return Err(ShmError::OutOfBounds);
        }
        let users = e.users.checked_add(1).ok_or(ShmError::NoSpace)?;
        // Absolute position in the page list; cannot exceed page_offset + e.size.
        let start = offs
            .checked_add(u64::from(e.page_offset))
            .ok_or(ShmError::Overflow)?;
        let first = usize::try_from(start / PAGE).map_err(|_| ShmError::Overflow)?;
        let count = usize::try_from(pages_needed((start % PAGE) as u32, size)?)
            .map_err(|_| ShmError::Overflow)?;
        let last = first.checked_add(count).ok_or(ShmError::Overflow)?;
        let slice = e.pages.get(first..last).ok_or(ShmError::OutOfBounds)?;
        // Inline for a page or two: most calls' lookups allocate nothing.
        let pages = PageList::try_from_slice(slice)?;
        e.users = users;
        Ok(NsBuf::paged(pages, start % PAGE, size, cookie))
    }

    /// Size in bytes of the registered buffer `cookie`.
    pub fn size_of(&self, cookie: u64) -> Option<u64> {
        self.find(cookie).map(|idx| self.entries[idx].size)
    }

    /// Ends the use a [`ShmRegistry::lookup`] view stands for. Contiguous views need no release
    /// (accepted and ignored).
    pub fn release(&mut self, buf: NsBuf) -> Result<(), ShmError> {
        let Some(cookie) = buf.cookie() else {
            return Ok(());
        };
        let idx = self.find(cookie).ok_or(ShmError::UnknownCookie)?;
        let e = &mut self.entries[idx];
        e.users = e.users.checked_sub(1).ok_or(ShmError::UnknownCookie)?;
        Ok(())
    }

    /// The whole 4 KiB pages under `view`, for mapping it rather than copying it: the offset of
    /// its first byte in the first page and the address of every page, in order (none for an
    /// empty view). Pages of a registered buffer were checked at registration; a contiguous
    /// view was checked byte-exact, so its page-rounded range is checked here (`NotNonSecure`
    /// if rounding reaches memory that is not the normal world's).
    pub fn pages_of(&self, view: &NsBuf) -> Result<(u64, PageList), ShmError> {
        let (offset, pages) = view.page_run()?;
        if let (Some(&first), Some(pa)) = (pages.first(), view.contiguous_pa()) {
            debug_assert_eq!(first + offset, pa);
            let len = (pages.len() as u64)
                .checked_mul(PAGE)
                .ok_or(ShmError::Overflow)?;
            self.layout.check_ns(first, len)?;
        }
        Ok((offset, pages))
    }

    /// A view on the physically contiguous range `[pa, pa + size)` (tmem parameters, RPC
    /// buffers): must be non-empty, inside NS RAM or the static SHM, and outside secure RAM.
    pub fn contiguous(&self, pa: u64, size: u64) -> Result<NsBuf, ShmError> {
        self.layout.contiguous(pa, size)
    }

    /// The `struct optee_msg_arg` of `CALL_WITH_ARG` / `CALL_WITH_RPC_ARG` at `pa`, `len` bytes
    /// (including a following RPC arg): inside the static SHM it must be 8-byte aligned and lie
    /// wholly in the static SHM; elsewhere it must be 4 KiB aligned, in NS RAM, and fit in that
    /// one page. Failures map to `OPTEE_SMC_RETURN_EBADADDR` via [`ShmError::smc_return`].
    pub fn call_arg(&self, pa: u64, len: u64) -> Result<NsBuf, ShmError> {
        if self.layout.in_static_shm(pa, len) {
            if pa % 8 != 0 {
                return Err(ShmError::Unaligned);
            }
        } else {
            if pa % PAGE != 0 {
                return Err(ShmError::Unaligned);
            }
            if len > PAGE {
                return Err(ShmError::OutOfBounds);
            }
        }
        self.contiguous(pa, len)
    }

    /// Reads the non-contiguous page list of a `REGISTER_SHM` (or RPC SHM) tmem parameter:
    /// `buf_ptr` = PA of the first list page ORed with the offset into the first data page,
    /// `size` = buffer size. The list format is decoded by `oxtee-msg` (one walker, fuzzed);
    /// every list page is checked against this layout (never secure RAM) before it is read.
    /// Returns `(pages, page_offset)` ready for [`ShmRegistry::register`] (the data pages
    /// themselves are checked there).
    pub fn read_page_list(
        &self,
        mem: &dyn PhysMem,
        buf_ptr: u64,
        size: u64,
    ) -> Result<(Vec<u64>, u32), ShmError> {
        if size == 0 {
            return Err(ShmError::SizeMismatch);
        }
        let layout = &self.layout;
        let list = oxtee_msg::decode_page_list(
            buf_ptr,
            size,
            &layout.ns_ram,
            self.limits.max_pages_per_buffer,
            |pa, page| layout.check_page(pa).is_ok() && mem.read(pa, page).is_ok(),
        )
        .map_err(|e| match e {
            oxtee_msg::PageListError::TooManyPages { .. }
            | oxtee_msg::PageListError::OutOfMemory => ShmError::NoSpace,
            oxtee_msg::PageListError::Overflow => ShmError::Overflow,
            oxtee_msg::PageListError::ZeroSize => ShmError::SizeMismatch,
            oxtee_msg::PageListError::BadDataPage { pa, .. }
            | oxtee_msg::PageListError::BadListPage(pa)
                if pa % PAGE != 0 =>
            {
                ShmError::Unaligned
            }
            oxtee_msg::PageListError::BadDataPage { .. }
            | oxtee_msg::PageListError::BadListPage(_)
            | oxtee_msg::PageListError::ReadFailed(_) => ShmError::NotNonSecure,
        })?;
        // The offset is below 4096, so the cast is lossless.
        Ok((list.pages, list.page_offset as u32))
    }
}
