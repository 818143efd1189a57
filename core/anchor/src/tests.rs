use super::*;
use oxtee_flash_counter::FlashError;
use std::cell::Cell;
use std::rc::Rc;
use supplicant_proto::secure_package::{RollbackRecord, ROLLBACK_RECORD_SIZE};

/// A RAM NOR sector: erase sets 0xFF, program ANDs bits in; `fail` makes
/// every program and erase fail; `programs` counts programs.
struct Ram {
    bytes: Vec<u8>,
    fail: Option<FlashError>,
    programs: Rc<Cell<usize>>,
}

impl Ram {
    fn new(slots: usize, programs: &Rc<Cell<usize>>) -> Self {
        Self {
            bytes: vec![0xff; slots * ROLLBACK_RECORD_SIZE],
            fail: None,
            programs: programs.clone(),
        }
    }
}

impl FlashSector for Ram {
    fn read(&self, offset: usize, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = self.bytes.get(offset + i).copied().unwrap_or(0xff);
        }
    }
    fn program(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        if let Some(e) = self.fail {
            return Err(e);
        }
        self.programs.set(self.programs.get() + 1);
        let dst = self
            .bytes
            .get_mut(offset..offset + data.len())
            .ok_or(FlashError::OutOfRange)?;
        for (d, s) in dst.iter_mut().zip(data) {
            *d &= *s;
        }
        Ok(())
    }
    fn erase(&mut self) -> Result<(), FlashError> {
        if let Some(e) = self.fail {
            return Err(e);
        }
        self.bytes.fill(0xff);
        Ok(())
    }
    fn size(&self) -> usize {
        self.bytes.len()
    }
}

fn yes() -> bool {
    true
}
fn no() -> bool {
    false
}

fn anchor(slots: usize, may: fn() -> bool) -> (FlashAnchor<Ram>, Rc<Cell<usize>>) {
    let n = Rc::new(Cell::new(0));
    (
        FlashAnchor::new(Ram::new(slots, &n), Ram::new(slots, &n), may),
        n,
    )
}

#[test]
fn erased_flash_is_zero_and_advance_never_lowers() {
    let (mut a, programs) = anchor(8, yes);
    assert_eq!(a.get(), Ok(0));
    assert_eq!(a.advance_to(0), Ok(()));
    assert_eq!(programs.get(), 0, "nothing to write for 0");
    assert_eq!(a.advance_to(7), Ok(()));
    assert_eq!(a.get(), Ok(7));
    assert_eq!(a.advance_to(3), Ok(()));
    assert_eq!(a.advance_to(7), Ok(()));
    assert_eq!(a.get(), Ok(7));
    assert_eq!(programs.get(), 1, "only the raise to 7 was written");
    assert_eq!(a.advance_to(u32::MAX), Ok(()));
    assert_eq!(a.get(), Ok(u32::MAX));
}

#[test]
fn value_survives_a_new_anchor_over_the_same_flash() {
    let (mut a, _) = anchor(4, yes);
    for v in 1..=20 {
        a.advance_to(v).unwrap();
    }
    // 20 raises over 2 x 4 slots: recycled several times, never lost.
    let FlashAnchor { counter, .. } = a;
    let (x, y) = counter.into_inner();
    let mut b = FlashAnchor::new(x, y, yes);
    assert_eq!(b.get(), Ok(20));
}

#[test]
fn a_preseeded_record_is_the_value() {
    let n = Rc::new(Cell::new(0));
    let mut x = Ram::new(4, &n);
    x.bytes[..16].copy_from_slice(&RollbackRecord::encode(41));
    let mut a = FlashAnchor::new(x, Ram::new(4, &n), yes);
    assert_eq!(a.get(), Ok(41));
    assert_eq!(a.advance_to(40), Ok(()));
    assert_eq!(a.advance_to(42), Ok(()));
    assert_eq!(a.get(), Ok(42));
}

#[test]
fn no_programming_until_allowed() {
    let (mut a, programs) = anchor(4, no);
    assert_eq!(a.get(), Ok(0));
    assert_eq!(a.advance_to(1), Err(TeeError::STORAGE_NOT_AVAILABLE));
    assert_eq!(a.advance_to(0), Ok(()), "nothing to write is fine");
    assert_eq!(programs.get(), 0);
    assert_eq!(a.get(), Ok(0));
}

#[test]
fn flash_failures_map_to_tee_errors_and_keep_the_value() {
    for e in [
        FlashError::Timeout,
        FlashError::ProgramFailed,
        FlashError::EraseFailed,
        FlashError::Locked,
        FlashError::OutOfRange,
    ] {
        let (mut a, _) = anchor(4, yes);
        a.advance_to(5).unwrap();
        let FlashAnchor { counter, .. } = a;
        let (mut x, mut y) = counter.into_inner();
        x.fail = Some(e);
        y.fail = Some(e);
        let mut a = FlashAnchor::new(x, y, yes);
        assert_eq!(
            a.advance_to(6),
            Err(TeeError::STORAGE_NOT_AVAILABLE),
            "{e:?}"
        );
        assert_eq!(a.get(), Ok(5), "{e:?}");
    }
}

#[test]
fn a_flash_that_drops_writes_is_an_error() {
    struct Deaf(Ram);
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
    let n = Rc::new(Cell::new(0));
    let mut a = FlashAnchor::new(Deaf(Ram::new(4, &n)), Deaf(Ram::new(4, &n)), yes);
    assert_eq!(a.advance_to(1), Err(TeeError::GENERIC));
    assert_eq!(a.get(), Ok(0));
}
