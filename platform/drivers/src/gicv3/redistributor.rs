//! Redistributor (GICR) discovery, wake-up and SGI/PPI set-up.

use super::*;

impl<D: RegisterIo, R: RegisterIo> Gicv3<D, R> {
    /// Byte offset in the GICR region of the redistributor whose `GICR_TYPER` affinity matches
    /// `mpidr`. Walks the frames until one has `GICR_TYPER.Last` set.
    pub fn redistributor_offset(&self, mpidr: u64) -> Result<usize, GicError> {
        let wanted = mpidr_affinity(mpidr);
        let mut offset = 0usize;
        while offset
            .checked_add(GICR_STRIDE)
            .is_some_and(|end| end <= self.gicr_size)
        {
            let typer = self.gicr.read64(offset + GICR_TYPER);
            if (typer >> 32) as u32 == wanted {
                return Ok(offset);
            }
            if typer & GICR_TYPER_LAST != 0 {
                break;
            }
            offset += GICR_STRIDE;
        }
        Err(GicError::RedistributorNotFound(mpidr))
    }

    fn check_rd(&self, rd: usize) -> Result<(), GicError> {
        let fits = rd
            .checked_add(GICR_STRIDE)
            .is_some_and(|end| end <= self.gicr_size);
        if fits && rd % GICR_STRIDE == 0 {
            Ok(())
        } else {
            Err(GicError::InvalidRedistributor(rd))
        }
    }

    fn wait_redistributor_rwp(&self, rd: usize) -> Result<(), GicError> {
        wait_for(
            || self.gicr.read32(rd + GICR_CTLR),
            |v| v & GICR_CTLR_RWP == 0,
        )
    }

    /// Initialises the calling CPU's redistributor; call on each CPU (after
    /// [`Gicv3::init_distributor`] on the primary), passing its `MPIDR_EL1`.
    ///
    /// Wakes the redistributor, then sets every SGI/PPI to Non-secure Group 1 except those
    /// whose bit is set in `secure_mask` (Secure Group 1; usually
    /// [`DEFAULT_SECURE_PRIVATE`]), priority 0x80, disabled, not pending, not active.
    /// Returns the redistributor's offset in the GICR region.
    pub fn init_redistributor(&self, mpidr: u64, secure_mask: u32) -> Result<usize, GicError> {
        let rd = self.redistributor_offset(mpidr)?;

        let waker = self.gicr.read32(rd + GICR_WAKER);
        self.gicr
            .write32(rd + GICR_WAKER, waker & !GICR_WAKER_PROCESSOR_SLEEP);
        wait_for(
            || self.gicr.read32(rd + GICR_WAKER),
            |v| v & GICR_WAKER_CHILDREN_ASLEEP == 0,
        )?;

        let sgi = rd + GICR_SGI_BASE;
        self.gicr.write32(sgi + GICR_ICENABLER0, u32::MAX);
        self.wait_redistributor_rwp(rd)?;
        self.gicr.write32(sgi + GICR_ICPENDR0, u32::MAX);
        self.gicr.write32(sgi + GICR_ICACTIVER0, u32::MAX);
        self.gicr.write32(sgi + GICR_IGROUPR0, !secure_mask);
        self.gicr.write32(sgi + GICR_IGRPMODR0, secure_mask);
        let priorities = u32::from_ne_bytes([DEFAULT_PRIORITY; 4]);
        for word in 0..8 {
            self.gicr
                .write32(sgi + GICR_IPRIORITYR + 4 * word, priorities);
        }
        Ok(rd)
    }

    /// Enables SGI/PPI `intid` (< 32) in the redistributor at `rd` (from
    /// [`Gicv3::init_redistributor`] or [`Gicv3::redistributor_offset`]).
    pub fn enable_private(&self, rd: usize, intid: u32) -> Result<(), GicError> {
        self.check_rd(rd)?;
        if intid >= SPI_BASE {
            return Err(GicError::InvalidIntid(intid));
        }
        self.gicr
            .write32(rd + GICR_SGI_BASE + GICR_ISENABLER0, 1 << intid);
        Ok(())
    }

    /// Makes SGI/PPI `intid` (< 32) of the redistributor at `rd` a Secure
    /// Group 1 interrupt with `priority`, then enables it. The secure world
    /// calls this for the interrupts it owns instead of relying on what the
    /// firmware in front of it set (TF-A leaves most PPIs Non-secure). The
    /// interrupt is disabled while its group changes; other INTIDs keep
    /// their settings.
    pub fn claim_private_secure(
        &self,
        rd: usize,
        intid: u32,
        priority: u8,
    ) -> Result<(), GicError> {
        self.disable_private(rd, intid)?;
        let sgi = rd + GICR_SGI_BASE;
        let bit = 1u32 << intid;
        let group = self.gicr.read32(sgi + GICR_IGROUPR0);
        self.gicr.write32(sgi + GICR_IGROUPR0, group & !bit);
        let modifier = self.gicr.read32(sgi + GICR_IGRPMODR0);
        self.gicr.write32(sgi + GICR_IGRPMODR0, modifier | bit);
        self.gicr
            .write8(sgi + GICR_IPRIORITYR + intid as usize, priority);
        self.enable_private(rd, intid)
    }

    /// Disables SGI/PPI `intid` (< 32) in the redistributor at `rd` and waits for it.
    pub fn disable_private(&self, rd: usize, intid: u32) -> Result<(), GicError> {
        self.check_rd(rd)?;
        if intid >= SPI_BASE {
            return Err(GicError::InvalidIntid(intid));
        }
        self.gicr
            .write32(rd + GICR_SGI_BASE + GICR_ICENABLER0, 1 << intid);
        self.wait_redistributor_rwp(rd)
    }
}
