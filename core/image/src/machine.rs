//! The TA runtime's machine (`UserHw`): the hardware half from
//! `oxtee_arch::user`, plus this platform's policy: the random source, the
//! hardware unique key, the rollback anchor and the console.

use alloc::boxed::Box;
use alloc::sync::Arc;

use oxtee_arch::user::UserCpu;
use oxtee_frames::FrameRange;
use oxtee_kernel::user_ta::hw::{HwUniqueKey, NoEntropy, Trap, UserHw, UserRegs};
use oxtee_mm::{LeafTables, UserKind, UserMapping, UserRoot};
use oxtee_pta::rng::SharedRng;
use oxtee_shm::PhysMem;
use oxtee_storage::RollbackAnchor;
use spin::Once;
use supplicant_proto::tee_error::TeeError;

use crate::console::error;

/// The core's random source (the RNG PTA's DRBG), set at boot.
static RNG: Once<Arc<SharedRng>> = Once::new();

/// The TA machine services of this image.
pub struct Machine;

/// The one instance handed to the kernel.
pub static MACHINE: Machine = Machine;

/// Makes `rng` the source of TA randomness (ASLR, `TEE_GenerateRandom`).
pub fn set_rng(rng: Arc<SharedRng>) {
    RNG.call_once(|| rng);
}

impl UserHw for Machine {
    fn read(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError> {
        UserCpu.read(pa, dst)
    }

    fn write(&self, pa: u64, src: &[u8]) -> Result<(), TeeError> {
        UserCpu.write(pa, src)
    }

    fn zero(&self, pa: u64, len: u64) -> Result<(), TeeError> {
        UserCpu.zero(pa, len)
    }

    fn read_ns(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError> {
        crate::memory::ns_memory()
            .read(pa, dst)
            .map_err(|_| TeeError::GENERIC)
    }

    fn write_ns(&self, pa: u64, src: &[u8]) -> Result<(), TeeError> {
        crate::memory::ns_memory()
            .write(pa, src)
            .map_err(|_| TeeError::GENERIC)
    }

    fn sync_code(&self, pa: u64, len: u64) {
        UserCpu.sync_code(pa, len)
    }

    fn build_tables(
        &self,
        arena: FrameRange,
        maps: &[UserMapping],
        leaves: &LeafTables<'_>,
    ) -> Result<UserRoot, TeeError> {
        UserCpu.build_tables(arena, maps, leaves)
    }

    fn map_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        pages: &[u64],
        kind: UserKind,
    ) -> Result<(), TeeError> {
        UserCpu.map_leaves(leaves, va, pages, kind)
    }

    fn unmap_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        count: usize,
        asid: u16,
        cpus: u64,
    ) -> Result<(), TeeError> {
        UserCpu.unmap_leaves(leaves, va, count, asid, cpus)
    }

    fn this_cpu(&self) -> usize {
        UserCpu.this_cpu()
    }

    fn run(&self, root: UserRoot, flush: bool, regs: &mut UserRegs) -> Trap {
        UserCpu.run(root, flush, regs)
    }

    fn leave_user_space(&self) {
        UserCpu.leave_user_space()
    }

    fn counter(&self) -> (u64, u64) {
        UserCpu.counter()
    }

    fn random(&self, buf: &mut [u8]) -> Result<(), NoEntropy> {
        // No entropy source: the caller fails; never predictable bytes.
        let rng = RNG.get().ok_or(NoEntropy)?;
        rng.fill(buf).map_err(|_| {
            error!("TA random request: the RNG failed");
            NoEntropy
        })
    }

    fn log(&self, pieces: &[oxtee_log_line::Piece<'_>]) {
        crate::console::log(crate::console::Level::Info, pieces);
    }

    fn hw_unique_key(&self) -> HwUniqueKey {
        // The QEMU platform has no OTP: OP-TEE's all-zero test key.
        HwUniqueKey::TEST
    }

    fn rollback_anchor(&self) -> Option<Box<dyn RollbackAnchor + Send>> {
        Some(Box::new(oxtee_anchor::SharedAnchor))
    }

    fn rpmb_key_write_allowed(&self) -> bool {
        // The test HUK above: nothing to protect, and the emulated RPMB of
        // tee-supplicant forgets its key at every start.
        true
    }
}
