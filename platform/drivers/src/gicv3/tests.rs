use super::*;
use crate::fake::FakeIo;
use crate::sysreg::fake_log;

const GICR_SIZE: usize = 0x00f6_0000;

/// A distributor with 64 SPIs (ITLinesNumber = 2 → INTIDs up to 95) and two
/// redistributors (affinities 0 and 1, the second marked Last).
fn gic() -> (FakeIo, FakeIo) {
    let gicd = FakeIo::registers();
    gicd.device().set(GICD_TYPER, 2);
    let gicr = FakeIo::registers();
    gicr.device().set(GICR_TYPER, 0);
    gicr.device()
        .set(GICR_STRIDE + GICR_TYPER, (1 << 32) | GICR_TYPER_LAST);
    gicr.device().set(GICR_WAKER, 0b110);
    gicr.device().set(GICR_STRIDE + GICR_WAKER, 0b110);
    (gicd, gicr)
}

#[test]
fn distributor_defaults_and_secure_spi() {
    let (gicd, gicr) = gic();
    gicd.device().set(GICD_ICFGR + 20, 0xffff_ffff);
    gicd.device().set(GICD_ICFGR + 4, 0x5555_5555);
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    assert_eq!(gic.intid_limit(), 96);
    gic.init_distributor(0x8000_0001, &[40, 90]).unwrap();
    let d = gicd.device();
    // SPI 32..63 word: all Non-secure Group 1 except 40.
    assert_eq!(d.get(GICD_IGROUPR + 4), u64::from(!(1u32 << 8)));
    assert_eq!(d.get(GICD_IGRPMODR + 4), 1 << 8);
    // SPI 64..95 word: all NS G1 except 90.
    assert_eq!(d.get(GICD_IGROUPR + 8), u64::from(!(1u32 << 26)));
    assert_eq!(d.get(GICD_IGRPMODR + 8), 1 << 26);
    // The SGI/PPI word (banked per CPU) is left to the redistributor.
    assert_eq!(d.get(GICD_IGROUPR), 0);
    assert_eq!(d.get(GICD_ICENABLER + 8), u64::from(u32::MAX));
    assert_eq!(d.get(GICD_IPRIORITYR + 92), 0x8080_8080);
    assert_eq!(
        d.get(GICD_IPRIORITYR + 28),
        0,
        "SGI/PPI priorities untouched"
    );
    assert_eq!(d.get(GICD_ICFGR + 20), 0, "SPIs level-sensitive");
    assert_eq!(d.get(GICD_ICFGR + 4), 0x5555_5555, "PPI config untouched");
    // Routed to the primary's affinity (MPIDR bit 31 is RES1 and must not leak into IRM).
    assert_eq!(d.get(GICD_IROUTER + 8 * 32), 1);
    assert_eq!(d.get(GICD_IROUTER + 8 * 95), 1);
    assert_eq!(d.get(GICD_IROUTER + 8 * 96), 0, "nothing past the limit");
    drop(d);
    let ctlr_writes = gicd.writes_at(GICD_CTLR);
    assert_eq!(ctlr_writes.first(), Some(&0), "groups disabled first");
    assert_eq!(ctlr_writes.last(), Some(&0x37));
    let iroutes = gicd
        .writes()
        .iter()
        .filter(|(o, _)| (GICD_IROUTER..GICD_IROUTER + 8 * 1024).contains(o))
        .count();
    assert_eq!(iroutes, 64);
}

#[test]
fn distributor_routes_to_given_affinity() {
    let (gicd, gicr) = gic();
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    gic.init_distributor(0x0000_0012_8001_0203, &[]).unwrap();
    assert_eq!(gicd.device().get(GICD_IROUTER + 8 * 50), 0x12_0001_0203);
}

#[test]
fn distributor_rejects_bad_secure_list_before_writing() {
    let (gicd, gicr) = gic();
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    assert_eq!(
        gic.init_distributor(0, &[40, 96]),
        Err(GicError::InvalidIntid(96))
    );
    assert_eq!(
        gic.init_distributor(0, &[29]),
        Err(GicError::InvalidIntid(29))
    );
    assert!(gicd.writes().is_empty());
}

#[test]
fn distributor_waits_for_rwp() {
    let (gicd, gicr) = gic();
    let rwp = u64::from(GICD_CTLR_RWP);
    gicd.device().script(GICD_CTLR, &[0, rwp, rwp, 0]);
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    gic.init_distributor(0, &[]).unwrap();
    // The second CTLR write (ARE on) happens only after RWP reads clear.
    let log = gicd.log();
    let first_write = log
        .iter()
        .position(|a| {
            matches!(
                a,
                crate::fake::Access::Write {
                    offset: GICD_CTLR,
                    ..
                }
            )
        })
        .unwrap();
    let polls = log[first_write..]
        .iter()
        .take_while(|a| {
            !matches!(
                a,
                crate::fake::Access::Write {
                    offset: GICD_CTLR,
                    value: 0x30,
                    ..
                }
            )
        })
        .filter(|a| {
            matches!(
                a,
                crate::fake::Access::Read {
                    offset: GICD_CTLR,
                    ..
                }
            )
        })
        .count();
    assert_eq!(polls, 3);
}

#[test]
fn redistributor_found_by_affinity_woken_and_configured() {
    let (gicd, gicr) = gic();
    gicr.device()
        .script(GICR_STRIDE + GICR_WAKER, &[0b110, 0b100, 0b100, 0]);
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    let rd = gic
        .init_redistributor(0x8000_0001, DEFAULT_SECURE_PRIVATE)
        .unwrap();
    assert_eq!(rd, GICR_STRIDE);
    assert_eq!(gicr.writes_at(GICR_STRIDE + GICR_WAKER), [0b100]);
    let sgi = GICR_STRIDE + GICR_SGI_BASE;
    let r = gicr.device();
    assert_eq!(r.get(sgi + GICR_IGROUPR0), u64::from(!0x2000_ff00u32));
    assert_eq!(r.get(sgi + GICR_IGRPMODR0), 0x2000_ff00);
    assert_eq!(r.get(sgi + GICR_ICENABLER0), u64::from(u32::MAX));
    assert_eq!(r.get(sgi + GICR_IPRIORITYR + 28), 0x8080_8080);
    // CPU 0's frame untouched.
    assert_eq!(r.get(GICR_SGI_BASE + GICR_IGROUPR0), 0);
}

#[test]
fn redistributor_search_stops_at_last() {
    let (gicd, gicr) = gic();
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    assert_eq!(
        gic.redistributor_offset(2),
        Err(GicError::RedistributorNotFound(2))
    );
    let typer_reads = gicr
        .log()
        .iter()
        .filter(|a| matches!(a, crate::fake::Access::Read { width: 8, .. }))
        .count();
    assert_eq!(typer_reads, 2);
}

#[test]
fn redistributor_wake_timeout_is_reported() {
    let (gicd, gicr) = gic();
    // ChildrenAsleep never clears: the register reads back 0b100 forever.
    gicr.device().set(GICR_WAKER, 0b100);
    struct Stuck<'a>(&'a FakeIo);
    impl RegisterIo for Stuck<'_> {
        fn read8(&self, o: usize) -> u8 {
            self.0.read8(o)
        }
        fn read16(&self, o: usize) -> u16 {
            self.0.read16(o)
        }
        fn read32(&self, o: usize) -> u32 {
            if o == GICR_WAKER {
                0b100
            } else {
                self.0.read32(o)
            }
        }
        fn read64(&self, o: usize) -> u64 {
            self.0.read64(o)
        }
        fn write8(&self, o: usize, v: u8) {
            self.0.write8(o, v)
        }
        fn write16(&self, o: usize, v: u16) {
            self.0.write16(o, v)
        }
        fn write32(&self, o: usize, v: u32) {
            self.0.write32(o, v)
        }
        fn write64(&self, o: usize, v: u64) {
            self.0.write64(o, v)
        }
    }
    let gic = Gicv3::new(&gicd, Stuck(&gicr), GICR_SIZE);
    assert_eq!(gic.init_redistributor(0, 0), Err(GicError::Timeout));
}

#[test]
fn spi_helpers_validate_and_hit_right_bits() {
    let (gicd, gicr) = gic();
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    gic.set_pending(40).unwrap();
    assert_eq!(gicd.writes_at(GICD_ISPENDR + 4), [1 << 8]);
    gic.enable_spi(95).unwrap();
    assert_eq!(gicd.writes_at(GICD_ISENABLER + 8), [1 << 31]);
    gic.set_spi_group(33, Group::Secure1).unwrap();
    assert_eq!(gicd.device().get(GICD_IGRPMODR + 4), 0b10);
    assert_eq!(gic.set_pending(31), Err(GicError::InvalidIntid(31)));
    assert_eq!(gic.enable_spi(96), Err(GicError::InvalidIntid(96)));
    assert_eq!(
        gic.enable_private(0x100, 29),
        Err(GicError::InvalidRedistributor(0x100))
    );
    gic.enable_private(GICR_STRIDE, 29).unwrap();
    assert_eq!(
        gicr.writes_at(GICR_STRIDE + GICR_SGI_BASE + GICR_ISENABLER0),
        [1 << 29]
    );
}

#[test]
fn affinity_helpers() {
    assert_eq!(mpidr_affinity(0x0000_00ab_8001_0203), 0xab01_0203);
    assert_eq!(irouter_value(0x0000_00ab_8001_0203), 0xab_0001_0203);
    assert_eq!(sgi1r_value(8, 1), Ok((1 << 1) | (8 << 24)));
    assert_eq!(
        sgi1r_value(15, 0x0000_0002_0003_0405),
        Ok((1 << 5) | (4 << 16) | (15 << 24) | (3 << 32) | (2 << 48))
    );
    assert_eq!(sgi1r_value(16, 0), Err(GicError::InvalidIntid(16)));
    assert!(sgi1r_value(0, 16).is_err());
}

#[test]
fn cpu_interface_sequence() {
    fake_log::take_writes();
    fake_log::preset("ICC_SRE_EL3", 0b110);
    cpu_interface_init_el3();
    assert_eq!(
        fake_log::take_writes(),
        [
            ("ICC_SRE_EL3", 0b1111),
            ("ICC_CTLR_EL3", 0),
            ("ICC_SRE_EL1", 0b111),
            ("ICC_PMR_EL1", 0xff),
            ("ICC_IGRPEN1_EL3", 0b11),
        ]
    );
    raise_sgi_group1(9, 1).unwrap();
    assert_eq!(
        fake_log::take_writes(),
        [("ICC_SGI1R_EL1", (1 << 1) | (9 << 24))]
    );
}

#[test]
fn claim_private_secure_changes_only_its_intid() {
    let (gicd, gicr) = gic();
    let sgi = GICR_STRIDE + GICR_SGI_BASE;
    // As TF-A leaves it: every SGI/PPI Non-secure Group 1.
    gicr.device().set(sgi + GICR_IGROUPR0, u64::from(u32::MAX));
    gicr.device().set(sgi + GICR_IGRPMODR0, 1 << 8);
    let gic = Gicv3::new(&gicd, &gicr, GICR_SIZE);
    gic.claim_private_secure(GICR_STRIDE, 29, 0x10).unwrap();
    let d = gicr.device();
    assert_eq!(d.get(sgi + GICR_IGROUPR0), u64::from(!(1u32 << 29)));
    assert_eq!(d.get(sgi + GICR_IGRPMODR0), (1 << 29) | (1 << 8));
    drop(d);
    assert_eq!(gicr.writes_at(sgi + GICR_IPRIORITYR + 29), vec![0x10]);
    assert_eq!(gicr.writes_at(sgi + GICR_ICENABLER0), vec![1 << 29]);
    assert_eq!(gicr.writes_at(sgi + GICR_ISENABLER0), vec![1 << 29]);
    assert!(gic.claim_private_secure(GICR_STRIDE, 32, 0x10).is_err());
    assert!(gic.claim_private_secure(GICR_STRIDE + 4, 29, 0x10).is_err());
}

#[test]
fn errors_describe_their_value() {
    assert_eq!(
        GicError::InvalidIntid(1020).describe(),
        ("invalid INTID", Some(1020))
    );
    assert_eq!(
        GicError::RedistributorNotFound(0x8000_0101).describe().1,
        Some(0x8000_0101)
    );
    assert_eq!(GicError::Timeout.describe().1, None);
}
