//! The anti-rollback counter on an arbitrary sector image: scanning never
//! panics, and a successful raise is never lost or lowering.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_boot::rollback::Raised;
use oxtee_boot::{FlashError, FlashSector, RollbackCounter};

struct Sector(Vec<u8>);

impl FlashSector for Sector {
    fn read(&self, offset: usize, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = self.0.get(offset + i).copied().unwrap_or(0xFF);
        }
    }
    fn program(&mut self, offset: usize, data: &[u8]) -> Result<(), FlashError> {
        let dst = self
            .0
            .get_mut(offset..offset + data.len())
            .ok_or(FlashError::OutOfRange)?;
        dst.iter_mut().zip(data).for_each(|(d, s)| *d &= *s);
        Ok(())
    }
    fn erase(&mut self) -> Result<(), FlashError> {
        self.0.fill(0xFF);
        Ok(())
    }
    fn size(&self) -> usize {
        self.0.len()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((new, image)) = data.split_first_chunk::<4>() else {
        return;
    };
    let new = u32::from_le_bytes(*new);
    let mut counter = RollbackCounter::new(Sector(image.to_vec()));
    let before = counter.current();
    match counter.raise(new) {
        Ok(Raised::Unchanged) => assert!(new <= before),
        Ok(_) => assert_eq!(counter.current(), new.max(before)),
        Err(_) => assert_eq!(counter.current(), before),
    }
});
