//! Typed pointers into a TA's memory, so a system call decodes each
//! argument once into a value of its ABI layout (`supplicant-proto`'s
//! zerocopy structs) and checks an out-pointer before anything is done,
//! writing it only when the call's outcome is known: [`UserPtr`] for one
//! value, [`UserSlice`] for a buffer given as a (pointer, length) pair.
//!
//! Neither ever becomes a Rust reference into TA memory: only copies in
//! and out, each checked against the TA's own mappings.

use alloc::vec::Vec;
use core::marker::PhantomData;
use supplicant_proto::tee_error::TeeError;

use zerocopy::{FromBytes, Immutable, IntoBytes};

use super::hw::UserHw;
use super::space::Space;

/// A TA virtual address holding a `T` (not yet checked).
pub struct UserPtr<T> {
    va: u64,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for UserPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for UserPtr<T> {}

impl<T: FromBytes + IntoBytes + Immutable> UserPtr<T> {
    /// The `T` at `va`.
    pub fn new(va: u64) -> Self {
        Self {
            va,
            _t: PhantomData,
        }
    }

    /// `None` for a NULL pointer (an optional argument).
    pub fn optional(va: u64) -> Option<Self> {
        (va != 0).then(|| Self::new(va))
    }

    /// The address.
    pub fn va(self) -> u64 {
        self.va
    }

    fn len() -> u64 {
        core::mem::size_of::<T>() as u64
    }

    /// Copies the `T` in (every byte must be mapped).
    pub fn read(self, space: &Space, hw: &dyn UserHw) -> Result<T, TeeError> {
        let mut v = T::new_zeroed();
        space
            .read(hw, self.va, v.as_mut_bytes())
            .map_err(|_| TeeError::ACCESS_DENIED)?;
        Ok(v)
    }

    /// The pointer, once every byte of it is mapped writable (an
    /// out-argument checked at decode time).
    pub fn writable(self, space: &Space) -> Result<Self, TeeError> {
        if space.check(self.va, Self::len(), true) {
            Ok(self)
        } else {
            Err(TeeError::ACCESS_DENIED)
        }
    }

    /// Copies `v` out.
    pub fn write(self, space: &Space, hw: &dyn UserHw, v: &T) -> Result<(), TeeError> {
        space
            .write(hw, self.va, v.as_bytes())
            .map_err(|_| TeeError::ACCESS_DENIED)
    }
}

/// A TA buffer: `len` bytes at `va`, as a system call's (pointer, length)
/// pair gives it (not yet checked). Every access checks the whole range
/// against the TA's mappings first, so nothing is copied from or to a
/// buffer that is not entirely the TA's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserSlice {
    va: u64,
    len: u64,
}

impl UserSlice {
    /// The `len` bytes at `va`.
    pub fn new(va: u64, len: u64) -> Self {
        Self { va, len }
    }

    /// The address.
    pub fn va(self) -> u64 {
        self.va
    }

    /// The length in bytes.
    pub fn len(self) -> u64 {
        self.len
    }

    /// True for a buffer of no bytes.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The first `n` bytes (the whole buffer when it is shorter).
    pub fn prefix(self, n: u64) -> Self {
        Self {
            va: self.va,
            len: self.len.min(n),
        }
    }

    /// `n` bytes from offset `off`; `TEE_ERROR_ACCESS_DENIED` when they
    /// are not inside the buffer.
    pub fn sub(self, off: u64, n: u64) -> Result<Self, TeeError> {
        let end = off.checked_add(n).ok_or(TeeError::ACCESS_DENIED)?;
        if end > self.len {
            return Err(TeeError::ACCESS_DENIED);
        }
        let va = self.va.checked_add(off).ok_or(TeeError::ACCESS_DENIED)?;
        Ok(Self { va, len: n })
    }

    /// The buffer in consecutive pieces of at most `n` (> 0) bytes.
    pub fn chunks(self, n: u64) -> impl Iterator<Item = Self> {
        let n = n.max(1);
        (0..self.len.div_ceil(n)).map(move |i| Self {
            // Saturating: a piece past the end of the address space is
            // refused by the mapping check, never wrapped to address 0.
            va: self.va.saturating_add(i * n),
            len: (self.len - i * n).min(n),
        })
    }

    fn check(self, space: &Space, write: bool) -> Result<Self, TeeError> {
        if space.check(self.va, self.len, write) {
            Ok(self)
        } else {
            Err(TeeError::ACCESS_DENIED)
        }
    }

    /// The buffer, once every byte is mapped readable.
    pub fn readable(self, space: &Space) -> Result<Self, TeeError> {
        self.check(space, false)
    }

    /// The buffer, once every byte is mapped writable (an output checked
    /// at decode time).
    pub fn writable(self, space: &Space) -> Result<Self, TeeError> {
        self.check(space, true)
    }

    /// Copies the bytes in, once: `TEE_ERROR_ACCESS_DENIED` unless every
    /// byte is mapped, `TEE_ERROR_OUT_OF_MEMORY` when the copy cannot be
    /// held.
    pub fn read(self, space: &Space, hw: &dyn UserHw) -> Result<Vec<u8>, TeeError> {
        space.read_vec(hw, self.va, self.len)
    }

    /// Copies the bytes into `out`, which must be exactly as long.
    pub fn read_into(self, space: &Space, hw: &dyn UserHw, out: &mut [u8]) -> Result<(), TeeError> {
        if out.len() as u64 != self.len {
            return Err(TeeError::BAD_PARAMETERS);
        }
        space
            .read(hw, self.va, out)
            .map_err(|_| TeeError::ACCESS_DENIED)
    }

    /// Copies `data` to the start of the buffer: `TEE_ERROR_SHORT_BUFFER`
    /// when it does not fit (nothing is written past the TA's length),
    /// `TEE_ERROR_ACCESS_DENIED` unless it is mapped writable.
    pub fn write(self, space: &Space, hw: &dyn UserHw, data: &[u8]) -> Result<(), TeeError> {
        if data.len() as u64 > self.len {
            return Err(TeeError::SHORT_BUFFER);
        }
        space
            .write(hw, self.va, data)
            .map_err(|_| TeeError::ACCESS_DENIED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user_ta::fake_ta as ta;

    const UNMAPPED: u64 = ta::VA + ta::SIZE;

    #[test]
    fn a_buffer_is_checked_whole() {
        let (hw, space, _frames) = ta::setup();
        let inside = UserSlice::new(ta::VA, 64);
        inside.write(&space, &hw, b"hello").unwrap();
        assert_eq!(&inside.prefix(5).read(&space, &hw).unwrap(), b"hello");
        assert!(inside.writable(&space).is_ok());
        // One byte past the TA's memory spoils the whole buffer.
        let straddling = UserSlice::new(UNMAPPED - 4, 8);
        assert_eq!(straddling.read(&space, &hw), Err(TeeError::ACCESS_DENIED));
        assert_eq!(
            straddling.write(&space, &hw, &[1; 8]),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(straddling.writable(&space), Err(TeeError::ACCESS_DENIED));
        // A failed write wrote nothing.
        assert_eq!(
            UserSlice::new(UNMAPPED - 4, 4).read(&space, &hw).unwrap(),
            vec![0; 4]
        );
        // Wrapping the address space is never a buffer.
        let wrapping = UserSlice::new(u64::MAX - 8, 64);
        assert_eq!(wrapping.readable(&space), Err(TeeError::ACCESS_DENIED));
    }

    #[test]
    fn nothing_is_written_past_the_length() {
        let (hw, space, _frames) = ta::setup();
        let s = UserSlice::new(ta::VA + 0x100, 4);
        assert_eq!(s.write(&space, &hw, &[7; 5]), Err(TeeError::SHORT_BUFFER));
        assert_eq!(
            UserSlice::new(ta::VA + 0x100, 8).read(&space, &hw).unwrap(),
            vec![0; 8]
        );
        let mut four = [0u8; 5];
        assert_eq!(
            s.read_into(&space, &hw, &mut four),
            Err(TeeError::BAD_PARAMETERS)
        );
    }

    #[test]
    fn sub_slices_and_chunks_stay_inside() {
        let s = UserSlice::new(0x1000, 10);
        assert_eq!(s.sub(2, 8), Ok(UserSlice::new(0x1002, 8)));
        assert_eq!(s.sub(2, 9), Err(TeeError::ACCESS_DENIED));
        assert_eq!(s.sub(u64::MAX, 2), Err(TeeError::ACCESS_DENIED));
        let pieces: Vec<_> = s.chunks(4).collect();
        assert_eq!(
            pieces,
            vec![
                UserSlice::new(0x1000, 4),
                UserSlice::new(0x1004, 4),
                UserSlice::new(0x1008, 2)
            ]
        );
        assert_eq!(UserSlice::new(0x1000, 0).chunks(4).count(), 0);
        assert_eq!(s.prefix(3).len(), 3);
        assert_eq!(s.prefix(30).len(), 10);
    }
}
