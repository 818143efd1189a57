//! The initial content of a new object, read piece by piece: a large object
//! is encrypted from its source a few blocks at a time, so the core never
//! holds a second whole copy of it.

use alloc::vec::Vec;

use supplicant_proto::tee_error::TeeError;

use crate::TeeResult;

/// Bytes a store reads once, front to back, while it writes a new object.
pub trait Content {
    /// Total length in bytes.
    fn len(&self) -> u64;
    /// True for no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` with the bytes at `off`; `off + buf.len()` never exceeds
    /// [`Content::len`]. An error ends the creation, which leaves nothing.
    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> TeeResult<()>;
}

impl Content for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> TeeResult<()> {
        let start = usize::try_from(off).map_err(|_| TeeError::BAD_PARAMETERS)?;
        let src = start
            .checked_add(buf.len())
            .and_then(|end| self.get(start..end))
            .ok_or(TeeError::BAD_PARAMETERS)?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

/// The whole content in one buffer, for stores that write an object in one
/// piece; `TEE_ERROR_OUT_OF_MEMORY` when it cannot be held.
pub(crate) fn collect(content: &mut dyn Content) -> TeeResult<Vec<u8>> {
    let len = usize::try_from(content.len()).map_err(|_| TeeError::OUT_OF_MEMORY)?;
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| TeeError::OUT_OF_MEMORY)?;
    v.resize(len, 0);
    content.read_at(0, &mut v)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_reads_only_inside_itself() {
        let mut s: &[u8] = b"abcdef";
        let mut buf = [0u8; 3];
        s.read_at(2, &mut buf).unwrap();
        assert_eq!(&buf, b"cde");
        assert_eq!(s.read_at(4, &mut buf), Err(TeeError::BAD_PARAMETERS));
        assert_eq!(s.read_at(u64::MAX, &mut buf), Err(TeeError::BAD_PARAMETERS));
        assert_eq!(collect(&mut s).unwrap(), b"abcdef");
    }
}
