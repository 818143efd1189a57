//! A fake TA for the system-call unit tests: a pool of "physical" memory,
//! a read-write run at `VA` and one page standing for client shared memory
//! at `NS_VA`.

use super::hw::{NoEntropy, Trap, UserHw, UserRegs};
use super::space::{Space, Use, PAGE};
use super::Frames;
use oxtee_frames::{FrameRange, Owner};
use oxtee_mm::{
    build_user_window_with_leaves, LeafTables, UserKind, UserMapping, UserRoot, TA_WINDOW,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use supplicant_proto::tee_error::TeeError;

const POOL: u64 = 0x1000_0000;
const POOL_SIZE: u64 = 1 << 20;
pub(crate) const VA: u64 = 0x8010_0000;
pub(crate) const SIZE: u64 = 16 * PAGE;
/// A page standing for normal-world shared memory.
pub(crate) const NS_VA: u64 = 0xa000_0000;

/// Memory, and whether `random` fails.
pub(crate) struct Hw(Mutex<Vec<u8>>, pub(crate) AtomicBool);

impl UserHw for Hw {
    fn read(&self, pa: u64, dst: &mut [u8]) -> Result<(), supplicant_proto::tee_error::TeeError> {
        let o = (pa - POOL) as usize;
        dst.copy_from_slice(&self.0.lock().unwrap()[o..o + dst.len()]);
        Ok(())
    }
    fn write(&self, pa: u64, src: &[u8]) -> Result<(), supplicant_proto::tee_error::TeeError> {
        let o = (pa - POOL) as usize;
        self.0.lock().unwrap()[o..o + src.len()].copy_from_slice(src);
        Ok(())
    }
    fn zero(&self, pa: u64, len: u64) -> Result<(), supplicant_proto::tee_error::TeeError> {
        let o = (pa - POOL) as usize;
        self.0.lock().unwrap()[o..o + len as usize].fill(0);
        Ok(())
    }
    // No normal-world memory and no parameter window in these tests.
    fn read_ns(&self, _: u64, _: &mut [u8]) -> Result<(), TeeError> {
        Err(TeeError::GENERIC)
    }
    fn write_ns(&self, _: u64, _: &[u8]) -> Result<(), TeeError> {
        Err(TeeError::GENERIC)
    }
    fn map_leaves(
        &self,
        _: &LeafTables<'_>,
        _: u64,
        _: &[u64],
        _: UserKind,
    ) -> Result<(), TeeError> {
        Err(TeeError::GENERIC)
    }
    fn unmap_leaves(
        &self,
        _: &LeafTables<'_>,
        _: u64,
        _: usize,
        _: u16,
        _: u64,
    ) -> Result<(), TeeError> {
        Err(TeeError::GENERIC)
    }
    fn this_cpu(&self) -> usize {
        0
    }
    fn sync_code(&self, _: u64, _: u64) {}
    fn build_tables(
        &self,
        a: FrameRange,
        maps: &[UserMapping],
        leaves: &LeafTables<'_>,
    ) -> Result<UserRoot, TeeError> {
        let mut tables = vec![[0u64; 512]; (a.size() / 4096) as usize];
        build_user_window_with_leaves(&[0; 512], TA_WINDOW, maps, leaves, &mut tables, a.start())
            .map_err(|_| TeeError::OUT_OF_MEMORY)
    }
    fn run(&self, _: UserRoot, _: bool, _: &mut UserRegs) -> Trap {
        unreachable!()
    }
    fn leave_user_space(&self) {}
    fn counter(&self) -> (u64, u64) {
        (0, 1)
    }
    fn random(&self, buf: &mut [u8]) -> Result<(), NoEntropy> {
        if self.1.load(Ordering::Relaxed) {
            return Err(NoEntropy);
        }
        buf.fill(0x5a);
        Ok(())
    }
    fn log(&self, _: &[oxtee_log_line::Piece<'_>]) {}
    fn hw_unique_key(&self) -> super::hw::HwUniqueKey {
        super::hw::HwUniqueKey::TEST
    }
}

pub(crate) fn setup() -> (Hw, Space, Frames) {
    let frames = Frames::default();
    frames.lock().init(POOL, POOL_SIZE).unwrap();
    let hw = Hw(
        Mutex::new(vec![0; POOL_SIZE as usize]),
        AtomicBool::new(false),
    );
    let mut space = Space::new(Owner(5), 3);
    let f = space.alloc_frames(&frames, &hw, SIZE).unwrap();
    space.map(VA, f, UserKind::Rw, Use::Fixed).unwrap();
    let g = space.alloc_frames(&frames, &hw, PAGE).unwrap();
    space
        .map(NS_VA, g, UserKind::Rw, Use::Param { nonsecure: true })
        .unwrap();
    (hw, space, frames)
}
