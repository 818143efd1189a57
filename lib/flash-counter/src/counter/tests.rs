use super::*;
use crate::fake::FakeSector;

const SECTOR: usize = 256 * 1024;

#[test]
fn fresh_sector_is_zero() {
    let c = RollbackCounter::new(FakeSector::new(SECTOR));
    assert_eq!(c.current(), 0);
}

#[test]
fn raise_appends_and_never_lowers() {
    let mut c = RollbackCounter::new(FakeSector::new(SECTOR));
    assert_eq!(c.raise(3), Ok(Raised::Appended { offset: 0 }));
    assert_eq!(c.current(), 3);
    assert_eq!(c.raise(2), Ok(Raised::Unchanged));
    assert_eq!(c.raise(3), Ok(Raised::Unchanged));
    assert_eq!(c.current(), 3);
    assert_eq!(c.raise(10), Ok(Raised::Appended { offset: 16 }));
    assert_eq!(c.current(), 10);
    assert_eq!(c.raise(u32::MAX), Ok(Raised::Appended { offset: 32 }));
    assert_eq!(c.current(), u32::MAX);
    let flash = c.into_inner();
    assert_eq!(flash.erases, 0);
    assert_eq!(&flash.bytes[..16], &RollbackRecord::encode(3));
    assert!(flash.bytes[48..].iter().all(|&b| b == 0xFF));
}

#[test]
fn highest_record_wins_regardless_of_position() {
    let mut f = FakeSector::new(SECTOR);
    f.bytes[..16].copy_from_slice(&RollbackRecord::encode(9));
    f.bytes[16..32].copy_from_slice(&RollbackRecord::encode(4));
    let mut c = RollbackCounter::new(f);
    assert_eq!(c.current(), 9);
    assert_eq!(c.raise(5), Ok(Raised::Unchanged));
    assert_eq!(c.raise(11), Ok(Raised::Appended { offset: 32 }));
}

#[test]
fn full_sector_is_compacted() {
    let size = 4 * ROLLBACK_RECORD_SIZE;
    let mut c = RollbackCounter::new(FakeSector::new(size));
    for v in 1..=4 {
        assert_eq!(
            c.raise(v),
            Ok(Raised::Appended {
                offset: (v as usize - 1) * 16
            })
        );
    }
    assert_eq!(c.raise(7), Ok(Raised::Compacted));
    assert_eq!(c.current(), 7);
    assert_eq!(c.raise(8), Ok(Raised::Appended { offset: 16 }));
    let flash = c.into_inner();
    assert_eq!(flash.erases, 1);
    assert_eq!(&flash.bytes[..16], &RollbackRecord::encode(7));

    // A real-size sector holds 16 384 records: fill all but the last slot.
    let mut f = FakeSector::new(SECTOR);
    let slots = SECTOR / ROLLBACK_RECORD_SIZE;
    for (v, slot) in f.bytes.chunks_exact_mut(16).take(slots - 1).enumerate() {
        slot.copy_from_slice(&RollbackRecord::encode(v as u32 + 1));
    }
    let mut c = RollbackCounter::new(f);
    assert_eq!(c.current(), slots as u32 - 1);
    assert_eq!(
        c.raise(100_000),
        Ok(Raised::Appended {
            offset: SECTOR - 16
        })
    );
    assert_eq!(c.raise(100_001), Ok(Raised::Compacted));
    assert_eq!(c.current(), 100_001);
    assert_eq!(c.into_inner().erases, 1);
}

#[test]
fn torn_record_is_ignored_and_skipped() {
    for tear in 1..ROLLBACK_RECORD_SIZE {
        let mut c = RollbackCounter::new(FakeSector::new(SECTOR));
        c.raise(5).unwrap();
        let mut f = c.into_inner();
        f.tear_after = Some(tear);
        let mut c = RollbackCounter::new(f);
        assert_eq!(
            c.raise(9),
            Err(CounterError::Flash(FlashError::Timeout)),
            "tear {tear}"
        );
        // The torn record does not count, and does not lower the minimum.
        assert_eq!(c.current(), 5, "tear {tear}");
        // The next raise goes after the torn slot.
        assert_eq!(
            c.raise(9),
            Ok(Raised::Appended { offset: 32 }),
            "tear {tear}"
        );
        assert_eq!(c.current(), 9);
    }
}

#[test]
fn corrupt_records_are_ignored() {
    let mut f = FakeSector::new(SECTOR);
    let mut bad = RollbackRecord::encode(50);
    bad[5] ^= 0x01; // version no longer matches its complement
    f.bytes[..16].copy_from_slice(&bad);
    f.bytes[16..32].copy_from_slice(&[0u8; 16]); // fully programmed zeros
    f.bytes[100] = 0x12; // stray bits in slot 6
    let mut c = RollbackCounter::new(f);
    assert_eq!(c.current(), 0);
    assert_eq!(c.raise(1), Ok(Raised::Appended { offset: 112 }));
    assert_eq!(c.current(), 1);
}

#[test]
fn verify_failure_is_reported() {
    // A flash that reports success but keeps nothing.
    struct Deaf(FakeSector);
    impl FlashSector for Deaf {
        fn read(&self, o: usize, b: &mut [u8]) {
            self.0.read(o, b)
        }
        fn program(&mut self, _: usize, _: &[u8]) -> Result<(), FlashError> {
            Ok(())
        }
        fn erase(&mut self) -> Result<(), FlashError> {
            self.0.erase()
        }
        fn size(&self) -> usize {
            self.0.size()
        }
    }
    let mut c = RollbackCounter::new(Deaf(FakeSector::new(SECTOR)));
    assert_eq!(c.raise(1), Err(CounterError::VerifyFailed));
    assert_eq!(c.current(), 0);
    let mut tiny = RollbackCounter::new(FakeSector::new(8));
    assert_eq!(tiny.current(), 0);
    assert_eq!(tiny.raise(1), Err(CounterError::SectorTooSmall));
}
