//! The TA's memory as the crypto calls use it (checked copies, in/out
//! lengths, streaming in chunks) and the core's random source.

use super::super::uptr::UserSlice;
use super::*;
use supplicant_proto::tee_error::TeeError;

/// Streamed data is copied in pieces of this size.
pub(super) const CHUNK: usize = 4096;
/// The core DRBG as the crypto crate's random source.
pub(super) struct CoreRng<'a>(pub(super) &'a dyn UserHw);

impl oxtee_crypto::Rng for CoreRng<'_> {
    fn fill(&mut self, dest: &mut [u8]) -> oxtee_crypto::CryptoResult<()> {
        self.0.random(dest).map_err(|_| CryptoError::Generic)
    }
}

/// The TA's memory for one call.
pub(super) struct Mem<'a> {
    pub(super) hw: &'a dyn UserHw,
    pub(super) space: &'a Space,
}

impl Mem<'_> {
    pub(super) fn read_vec(&self, va: u64, len: u64) -> Result<Zeroizing<Vec<u8>>, TeeError> {
        UserSlice::new(va, len)
            .read(self.space, self.hw)
            .map(Zeroizing::new)
            .map_err(|e| {
                if e.is(TeeError::OUT_OF_MEMORY) {
                    e
                } else {
                    TeeError::ACCESS_DENIED
                }
            })
    }
    /// Copies `data` to `va` (the caller bounds it by the TA's length).
    pub(super) fn write(&self, va: u64, data: &[u8]) -> Result<(), TeeError> {
        UserSlice::new(va, data.len() as u64).write(self.space, self.hw, data)
    }
    pub(super) fn readable(&self, va: u64, len: u64) -> Result<(), TeeError> {
        UserSlice::new(va, len).readable(self.space).map(drop)
    }
    pub(super) fn writable(&self, va: u64, len: u64) -> Result<(), TeeError> {
        UserSlice::new(va, len).writable(self.space).map(drop)
    }
    /// A `uint64_t *` in/out length: it is written back, so it must be
    /// writable before the call does anything.
    pub(super) fn get_len(&self, va: u64) -> Result<u64, TeeError> {
        let p = UserPtr::<u64>::new(va);
        let v = p.read(self.space, self.hw)?;
        p.writable(self.space)?;
        Ok(v)
    }
    pub(super) fn put_len(&self, va: u64, v: u64) -> Result<(), TeeError> {
        self.write(va, &v.to_le_bytes())
    }
    /// Calls `f` on `[va, va + len)` in pieces of at most [`CHUNK`]
    /// bytes, with each piece's offset.
    pub(super) fn chunks(
        &self,
        va: u64,
        len: u64,
        mut f: impl FnMut(u64, &[u8]) -> Result<(), TeeError>,
    ) -> Result<(), TeeError> {
        let mut buf = zeroed(CHUNK.min(len as usize))?;
        let mut off = 0u64;
        for piece in UserSlice::new(va, len).chunks(CHUNK as u64) {
            let bytes = &mut buf[..piece.len() as usize];
            piece.read_into(self.space, self.hw, bytes)?;
            f(off, bytes)?;
            off += piece.len();
        }
        Ok(())
    }
}

/// A buffer of `len` zero bytes for a TA's data, wiped when dropped.
pub(super) fn zeroed(len: usize) -> Result<Wiped, TeeError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| TeeError::OUT_OF_MEMORY)?;
    v.resize(len, 0);
    Ok(Wiped(v))
}

/// The core's copy of a TA's data for one call (plaintext, outputs), wiped
/// when dropped a word at a time: every streamed crypto call passes its data
/// through such buffers, and a byte-wise wipe costs eight times the stores.
pub(super) struct Wiped(Vec<u8>);

impl core::ops::Deref for Wiped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl core::ops::DerefMut for Wiped {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        oxtee_pta::wipe_bytes(&mut self.0);
    }
}
