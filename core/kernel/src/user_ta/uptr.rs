//! Typed pointers into a TA's memory, so a system call decodes each
//! argument once into a value of its ABI layout (`supplicant-proto`'s
//! zerocopy structs) and checks an out-pointer before anything is done,
//! writing it only when the call's outcome is known.

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
