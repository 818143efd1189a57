//! The few system calls the client makes: `open` of the device, `ioctl`,
//! and `mmap` of shared memory. Every pointer handed to the kernel points at
//! memory this module owns for the duration of the call.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use supplicant_proto::tee_ioctl::{TeeIoctlShmAllocData, TEE_IOC_SHM_ALLOC};

/// Opens `path` for reading and writing.
pub(crate) fn open(path: &str) -> io::Result<OwnedFd> {
    let c = CString::new(path).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: `c` is a NUL-terminated string alive for the call.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `ioctl(fd, request, arg)` where `arg` is the argument struct's bytes;
/// the kernel reads and may write them. Returns the ioctl's result.
pub(crate) fn ioctl(fd: &OwnedFd, request: u32, arg: &mut [u8]) -> io::Result<i32> {
    // SAFETY: `arg` is writable memory of the size the request's struct has
    // (the callers build it from the struct), alive for the call.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), request as _, arg.as_mut_ptr()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(r)
}

/// Shared memory the kernel allocated (`TEE_IOC_SHM_ALLOC`), mapped into the
/// process; unmapped and released when dropped.
pub(crate) struct Shm {
    // Held for its lifetime: closing it frees the memory.
    _fd: OwnedFd,
    ptr: *mut u8,
    len: usize,
    pub(crate) id: i32,
}

impl Shm {
    /// At least `len` bytes (at least 1: the kernel refuses empty ones).
    pub(crate) fn alloc(dev: &OwnedFd, len: usize) -> io::Result<Shm> {
        let len = len.max(1);
        let mut data = TeeIoctlShmAllocData {
            size: len as u64,
            ..Default::default()
        };
        let fd = ioctl(
            dev,
            TEE_IOC_SHM_ALLOC,
            zerocopy::IntoBytes::as_mut_bytes(&mut data),
        )?;
        // SAFETY: a successful SHM_ALLOC returns a new descriptor we own.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let size =
            usize::try_from(data.size).map_err(|_| io::Error::from(io::ErrorKind::InvalidData))?;
        if size < len {
            return Err(io::Error::from(io::ErrorKind::InvalidData));
        }
        // SAFETY: maps `len` bytes of the shared memory object `fd`, which
        // holds `size >= len` bytes; the kernel picks the address.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Shm {
            _fd: fd,
            ptr: ptr.cast(),
            len,
            id: data.id,
        })
    }

    /// Copies `data` to the start of the memory (at most its length).
    pub(crate) fn write(&mut self, data: &[u8]) {
        let n = data.len().min(self.len);
        // SAFETY: `ptr` maps `len >= n` writable bytes; `data` is ours and
        // cannot overlap the mapping.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.ptr, n) };
    }

    /// Copies the first `out.len()` bytes (at most its length) into `out`.
    pub(crate) fn read(&self, out: &mut [u8]) {
        let n = out.len().min(self.len);
        // SAFETY: `ptr` maps `len >= n` readable bytes; `out` is ours.
        unsafe { std::ptr::copy_nonoverlapping(self.ptr, out.as_mut_ptr(), n) };
    }
}

impl Drop for Shm {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are the mapping made in `alloc`, unmapped once.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
        // `fd` closes after this, releasing the memory in the kernel.
    }
}
