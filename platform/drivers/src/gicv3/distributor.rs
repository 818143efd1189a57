//! Distributor (GICD) set-up and per-SPI operations.

use super::*;

const ARE: u32 = GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS;
const ALL_GROUPS: u32 = GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1NS | GICD_CTLR_ENABLE_GRP1S;

impl<D: RegisterIo, R: RegisterIo> Gicv3<D, R> {
    fn wait_distributor_rwp(&self) -> Result<(), GicError> {
        wait_for(|| self.gicd.read32(GICD_CTLR), |v| v & GICD_CTLR_RWP == 0)
    }

    /// Initialises the distributor; call once, on the primary CPU, before any
    /// [`Gicv3::init_redistributor`].
    ///
    /// Every SPI becomes Non-secure Group 1, priority 0x80, level-sensitive, routed to
    /// `primary_mpidr`, disabled; then each INTID in `secure_spis` becomes Secure Group 1.
    /// Finally affinity routing and all three groups are enabled. `secure_spis` is checked
    /// completely before any register is written.
    pub fn init_distributor(
        &self,
        primary_mpidr: u64,
        secure_spis: &[u32],
    ) -> Result<(), GicError> {
        for &intid in secure_spis {
            self.check_spi(intid)?;
        }
        let limit = self.intid_limit();

        // Groups off (keeping ARE as is: it may only change while groups are disabled), then
        // affinity routing on for both security states.
        let ctlr = self.gicd.read32(GICD_CTLR);
        self.gicd.write32(GICD_CTLR, ctlr & ARE);
        self.wait_distributor_rwp()?;
        self.gicd.write32(GICD_CTLR, ARE);
        self.wait_distributor_rwp()?;

        for intid in (SPI_BASE..limit).step_by(32) {
            let word = 4 * (intid / 32) as usize;
            self.gicd.write32(GICD_ICENABLER + word, u32::MAX);
            self.gicd.write32(GICD_ICPENDR + word, u32::MAX);
            self.gicd.write32(GICD_ICACTIVER + word, u32::MAX);
            self.gicd.write32(GICD_IGROUPR + word, u32::MAX);
            self.gicd.write32(GICD_IGRPMODR + word, 0);
        }
        self.wait_distributor_rwp()?;
        let priorities = u32::from_ne_bytes([DEFAULT_PRIORITY; 4]);
        for intid in (SPI_BASE..limit).step_by(4) {
            self.gicd
                .write32(GICD_IPRIORITYR + intid as usize, priorities);
        }
        for intid in (SPI_BASE..limit).step_by(16) {
            self.gicd.write32(GICD_ICFGR + 4 * (intid / 16) as usize, 0);
        }
        let route = irouter_value(primary_mpidr);
        for intid in SPI_BASE..limit {
            self.gicd.write64(GICD_IROUTER + 8 * intid as usize, route);
        }
        for &intid in secure_spis {
            self.set_spi_group_unchecked(intid, Group::Secure1);
        }

        self.gicd.write32(GICD_CTLR, ARE | ALL_GROUPS);
        self.wait_distributor_rwp()
    }

    fn set_spi_group_unchecked(&self, intid: u32, group: Group) {
        let (igroup, igrpmod) = group.bits();
        update_bit(&self.gicd, GICD_IGROUPR, intid, igroup);
        update_bit(&self.gicd, GICD_IGRPMODR, intid, igrpmod);
    }

    /// Sets the group of SPI `intid` (Secure accesses only: this is EL3/S-EL1 code).
    pub fn set_spi_group(&self, intid: u32, group: Group) -> Result<(), GicError> {
        self.check_spi(intid)?;
        self.set_spi_group_unchecked(intid, group);
        Ok(())
    }

    /// Sets the priority of SPI `intid`.
    pub fn set_spi_priority(&self, intid: u32, priority: u8) -> Result<(), GicError> {
        self.check_spi(intid)?;
        self.gicd.write8(GICD_IPRIORITYR + intid as usize, priority);
        Ok(())
    }

    /// Routes SPI `intid` to the CPU with `mpidr`.
    pub fn route_spi(&self, intid: u32, mpidr: u64) -> Result<(), GicError> {
        self.check_spi(intid)?;
        self.gicd
            .write64(GICD_IROUTER + 8 * intid as usize, irouter_value(mpidr));
        Ok(())
    }

    /// Enables SPI `intid`.
    pub fn enable_spi(&self, intid: u32) -> Result<(), GicError> {
        self.check_spi(intid)?;
        self.gicd.write32(
            GICD_ISENABLER + 4 * (intid / 32) as usize,
            1 << (intid % 32),
        );
        Ok(())
    }

    /// Disables SPI `intid` and waits until the distributor has applied it.
    pub fn disable_spi(&self, intid: u32) -> Result<(), GicError> {
        self.check_spi(intid)?;
        self.gicd.write32(
            GICD_ICENABLER + 4 * (intid / 32) as usize,
            1 << (intid % 32),
        );
        self.wait_distributor_rwp()
    }

    /// Makes SPI `intid` pending (e.g. the async-notification interrupt for the normal world).
    pub fn set_pending(&self, intid: u32) -> Result<(), GicError> {
        self.check_spi(intid)?;
        self.gicd
            .write32(GICD_ISPENDR + 4 * (intid / 32) as usize, 1 << (intid % 32));
        Ok(())
    }
}
