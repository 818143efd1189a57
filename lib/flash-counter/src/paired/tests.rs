use super::*;
use crate::counter::FlashError;
use crate::fake::FakeSector;
use supplicant_proto::secure_package::{RollbackRecord, ROLLBACK_RECORD_SIZE};

const SLOTS: usize = 4;
const SIZE: usize = SLOTS * ROLLBACK_RECORD_SIZE;

fn pair() -> PairedCounter<FakeSector> {
    PairedCounter::new(FakeSector::new(SIZE), FakeSector::new(SIZE))
}

#[test]
fn fresh_pair_is_zero_and_never_lowers() {
    let mut c = pair();
    assert_eq!(c.current(), 0);
    assert_eq!(c.raise(0), Ok(Raised::Unchanged));
    assert_eq!(c.raise(5), Ok(Raised::Appended { offset: 0 }));
    assert_eq!(c.raise(4), Ok(Raised::Unchanged));
    assert_eq!(c.raise(5), Ok(Raised::Unchanged));
    assert_eq!(c.current(), 5);
    let (a, b) = c.into_inner();
    assert_eq!(&a.bytes[..16], &RollbackRecord::encode(5));
    assert!(
        b.bytes.iter().all(|&x| x == 0xFF),
        "second sector untouched"
    );
}

#[test]
fn ping_pong_keeps_the_value_in_one_sector_while_the_other_is_recycled() {
    let mut c = pair();
    for v in 1..=SLOTS as u32 {
        assert!(matches!(c.raise(v), Ok(Raised::Appended { .. })));
    }
    // A is full: B takes the next records.
    assert_eq!(c.raise(10), Ok(Raised::Appended { offset: 0 }));
    for v in 11..=(9 + SLOTS as u32) {
        assert!(matches!(c.raise(v), Ok(Raised::Appended { .. })));
    }
    // Both full: A (older, lower) is recycled; B still holds the value.
    assert_eq!(c.raise(20), Ok(Raised::Compacted));
    assert_eq!(c.current(), 20);
    let (a, b) = c.into_inner();
    assert_eq!((a.erases, b.erases), (1, 0));
    assert_eq!(&a.bytes[..16], &RollbackRecord::encode(20));
    // Next time round B is the one recycled.
    let mut c = PairedCounter::new(a, b);
    for v in 21..(20 + SLOTS as u32) {
        assert!(matches!(c.raise(v), Ok(Raised::Appended { .. })));
    }
    assert_eq!(c.raise(30), Ok(Raised::Compacted));
    let (a, b) = c.into_inner();
    assert_eq!((a.erases, b.erases), (1, 1));
    assert_eq!(&b.bytes[..16], &RollbackRecord::encode(30));
}

/// A power loss at any point of a recycle: after the erase, or with the
/// new record torn at any byte, the value is still the old one (never 0).
#[test]
fn power_loss_during_recycle_never_lowers_the_value() {
    let full = || {
        let mut c = pair();
        for v in 1..=(2 * SLOTS as u32) {
            c.raise(v).unwrap();
        }
        c
    };
    // Cut right after the erase: emulate by erasing A by hand.
    let (mut a, b) = full().into_inner();
    a.erase().unwrap();
    let mut c = PairedCounter::new(a, b);
    assert_eq!(c.current(), 2 * SLOTS as u32);
    // Torn record after the erase.
    for tear in 0..ROLLBACK_RECORD_SIZE {
        let (mut a, b) = full().into_inner();
        a.tear_after = Some(tear);
        let mut c = PairedCounter::new(a, b);
        assert_eq!(
            c.raise(100),
            Err(CounterError::Flash(FlashError::Timeout)),
            "tear {tear}"
        );
        assert_eq!(c.current(), 2 * SLOTS as u32, "tear {tear}");
        // The next raise still works and goes above.
        assert!(c.raise(100).is_ok(), "tear {tear}");
        assert_eq!(c.current(), 100);
    }
}

#[test]
fn torn_erase_leaves_no_new_value() {
    // A half-erased sector: the first record's bytes partly back to 0xFF.
    let mut c = pair();
    c.raise(0x1234_5678).unwrap();
    let (mut a, b) = c.into_inner();
    for byte in a.bytes.iter_mut().take(16).step_by(3) {
        *byte = 0xFF;
    }
    let mut c = PairedCounter::new(a, b);
    assert_eq!(
        c.current(),
        0,
        "a torn record never decodes to another value"
    );
}

#[test]
fn highest_of_both_sectors_wins() {
    let mut a = FakeSector::new(SIZE);
    let mut b = FakeSector::new(SIZE);
    a.bytes[..16].copy_from_slice(&RollbackRecord::encode(7));
    b.bytes[..16].copy_from_slice(&RollbackRecord::encode(9));
    let mut c = PairedCounter::new(a, b);
    assert_eq!(c.current(), 9);
    // Appended after B's record (B holds the value).
    assert_eq!(c.raise(10), Ok(Raised::Appended { offset: 16 }));
    let (a, b) = c.into_inner();
    assert_eq!(&b.bytes[16..32], &RollbackRecord::encode(10));
    assert!(a.bytes[16..].iter().all(|&x| x == 0xFF));
}

#[test]
fn failures_are_reported_not_hidden() {
    struct Locked(FakeSector);
    impl FlashSector for Locked {
        fn read(&self, o: usize, b: &mut [u8]) {
            self.0.read(o, b)
        }
        fn program(&mut self, _: usize, _: &[u8]) -> Result<(), FlashError> {
            Err(FlashError::Locked)
        }
        fn erase(&mut self) -> Result<(), FlashError> {
            Err(FlashError::Locked)
        }
        fn size(&self) -> usize {
            self.0.size()
        }
    }
    let mut c = PairedCounter::new(Locked(FakeSector::new(SIZE)), Locked(FakeSector::new(SIZE)));
    assert_eq!(c.raise(1), Err(CounterError::Flash(FlashError::Locked)));
    assert_eq!(c.current(), 0);
    let mut tiny = PairedCounter::new(FakeSector::new(8), FakeSector::new(SIZE));
    assert_eq!(tiny.raise(1), Err(CounterError::SectorTooSmall));
}

/// What the counter remembers between raises is what a fresh scan finds:
/// raising with and without forgetting in between writes the same bytes.
#[test]
fn remembered_logs_match_a_fresh_scan() {
    let mut kept = pair();
    let mut fresh = pair();
    for v in 1..=(5 * SLOTS as u32) {
        let a = kept.raise(v * 3);
        fresh.forget();
        let b = fresh.raise(v * 3);
        assert_eq!(a, b, "raise {v}");
        assert_eq!(kept.current(), v * 3);
    }
    let (ka, kb) = kept.into_inner();
    let (fa, fb) = fresh.into_inner();
    assert_eq!((ka.bytes, kb.bytes), (fa.bytes, fb.bytes));
}

#[test]
fn a_failed_raise_forgets_and_rescans() {
    let mut c = pair();
    c.raise(1).unwrap();
    let (mut a, b) = c.into_inner();
    a.tear_after = Some(3);
    let mut c = PairedCounter::new(a, b);
    assert_eq!(c.current(), 1);
    assert!(c.raise(2).is_err());
    // The torn slot is found by the rescan: the next record goes after it.
    assert_eq!(c.raise(2), Ok(Raised::Appended { offset: 32 }));
    assert_eq!(c.current(), 2);
}
