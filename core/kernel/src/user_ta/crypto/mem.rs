//! The TA's memory as the crypto calls use it (checked copies, in/out
//! lengths, streaming in chunks) and the core's random source.

use super::super::uptr::UserSlice;
use super::*;
use supplicant_proto::tee_error::TeeError;

/// Streamed data is copied in pieces of this size.
pub(super) const CHUNK: usize = 4096;
/// The core DRBG as the crypto crate's random source.
pub(super) struct CoreRng<'a> {
    hw: &'a dyn UserHw,
    /// Called before each draw: a point where a long computation (an RSA
    /// key's prime search draws a candidate or a witness at a time) lets a
    /// pending normal-world interrupt in.
    preempt: Option<&'a mut dyn FnMut()>,
}

impl<'a> CoreRng<'a> {
    /// The DRBG for a short operation.
    pub(super) fn new(hw: &'a dyn UserHw) -> Self {
        Self { hw, preempt: None }
    }

    /// The DRBG for a long one, calling `preempt` before each draw.
    pub(super) fn preemptible(hw: &'a dyn UserHw, preempt: &'a mut dyn FnMut()) -> Self {
        Self {
            hw,
            preempt: Some(preempt),
        }
    }
}

impl oxtee_crypto::Rng for CoreRng<'_> {
    fn fill(&mut self, dest: &mut [u8]) -> oxtee_crypto::CryptoResult<()> {
        if let Some(preempt) = self.preempt.as_mut() {
            preempt();
        }
        self.hw.random(dest).map_err(|_| CryptoError::Generic)
    }

    /// The same point, offered during a DH key's exponentiation.
    fn preemption_point(&mut self) {
        if let Some(preempt) = self.preempt.as_mut() {
            preempt();
        }
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
    /// bytes, each read once into `scratch`.
    pub(super) fn chunks(
        &self,
        scratch: &mut Scratch,
        va: u64,
        len: u64,
        mut f: impl FnMut(&[u8]) -> Result<(), TeeError>,
    ) -> Result<(), TeeError> {
        self.pieces(scratch, va, len, |_, bytes| f(bytes))
    }

    /// Streams `[src, src + len)` through `f` in pieces of at most
    /// [`CHUNK`] bytes: each piece is read once into `scratch`, `f`
    /// transforms it there and says how many bytes of it are output, and
    /// those are written to the same offset of `dst` (checked writable by
    /// the caller), piece by piece as OP-TEE's core does.
    pub(super) fn transform(
        &self,
        scratch: &mut Scratch,
        src: u64,
        len: u64,
        dst: u64,
        mut f: impl FnMut(&mut [u8]) -> Result<usize, TeeError>,
    ) -> Result<(), TeeError> {
        self.pieces(scratch, src, len, |off, bytes| {
            let n = f(bytes)?;
            let out = bytes.get(..n).ok_or(TeeError::GENERIC)?;
            self.write(dst.wrapping_add(off), out)
        })
    }

    fn pieces(
        &self,
        scratch: &mut Scratch,
        va: u64,
        len: u64,
        mut f: impl FnMut(u64, &mut [u8]) -> Result<(), TeeError>,
    ) -> Result<(), TeeError> {
        let mut off = 0u64;
        for piece in UserSlice::new(va, len).chunks(CHUNK as u64) {
            let bytes = scratch.get(piece.len() as usize)?;
            piece.read_into(self.space, self.hw, bytes)?;
            f(off, bytes)?;
            off += piece.len();
        }
        Ok(())
    }
}

/// The core's copy of streamed TA data (cipher, digest, MAC and AE input
/// and output), one [`CHUNK`] at a time. It is allocated at the instance's
/// first streamed call and kept, so a call neither allocates, zeroes nor
/// wipes a buffer; it is wiped when the instance's crypto state goes. What
/// it holds between calls (the last piece, plaintext or not) is the TA's
/// own data in the core's memory, beside the TA's keys, which the same
/// state keeps for as long.
#[derive(Default)]
pub(super) struct Scratch(Option<Wiped>);

impl Scratch {
    /// The first `len` (at most [`CHUNK`]) bytes of the buffer.
    fn get(&mut self, len: usize) -> Result<&mut [u8], TeeError> {
        if self.0.is_none() {
            self.0 = Some(zeroed(CHUNK)?);
        }
        match &mut self.0 {
            Some(b) => b.get_mut(..len).ok_or(TeeError::GENERIC),
            None => Err(TeeError::OUT_OF_MEMORY),
        }
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
