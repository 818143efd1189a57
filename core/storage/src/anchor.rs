//! Several rollback anchors read as one.

use supplicant_proto::tee_error::TeeError;

use crate::env::RollbackAnchor;
use crate::TeeResult;

/// Every anchor the platform has (secure flash, RPMB): the store must be
/// at least as new as the highest of them, and a commit raises them all.
///
/// A cut between two raises leaves them unequal; the highest still
/// matches the directory on disk, so nothing is refused that should not
/// be. Any anchor that fails fails the call (fail closed), and never as
/// `CORRUPT_OBJECT`, which would make the caller remove the object it was
/// using: an anchor's fault is the device's, not the object's.
pub struct AllAnchors<'a, 'b>(pub &'a mut [&'b mut dyn RollbackAnchor]);

fn not_the_objects_fault(e: TeeError) -> TeeError {
    if e == TeeError::CORRUPT_OBJECT {
        TeeError::SECURITY
    } else {
        e
    }
}

impl RollbackAnchor for AllAnchors<'_, '_> {
    fn get(&mut self) -> TeeResult<u32> {
        let mut v = 0;
        for a in self.0.iter_mut() {
            v = v.max(a.get().map_err(not_the_objects_fault)?);
        }
        Ok(v)
    }

    fn advance_to(&mut self, v: u32) -> TeeResult<()> {
        for a in self.0.iter_mut() {
            a.advance_to(v).map_err(not_the_objects_fault)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemAnchor;

    struct Broken(TeeError);
    impl RollbackAnchor for Broken {
        fn get(&mut self) -> TeeResult<u32> {
            Err(self.0)
        }
        fn advance_to(&mut self, _: u32) -> TeeResult<()> {
            Err(self.0)
        }
    }

    #[test]
    fn the_highest_anchor_counts_and_a_commit_raises_all() {
        let (mut a, mut b) = (MemAnchor::new(3), MemAnchor::new(7));
        {
            let mut all = AllAnchors(&mut [&mut a, &mut b]);
            assert_eq!(all.get(), Ok(7));
            all.advance_to(9).unwrap();
        }
        assert_eq!((a.get(), b.get()), (Ok(9), Ok(9)));
        assert_eq!(AllAnchors(&mut []).get(), Ok(0));
    }

    #[test]
    fn a_failing_anchor_fails_the_store() {
        let mut a = MemAnchor::new(3);
        let mut all = AllAnchors(&mut [&mut a, &mut Broken(TeeError::GENERIC)]);
        assert_eq!(all.get(), Err(TeeError::GENERIC));
        assert_eq!(all.advance_to(4), Err(TeeError::GENERIC));
        // Never as a corrupt object (the caller would remove it).
        let mut all = AllAnchors(&mut [&mut Broken(TeeError::CORRUPT_OBJECT)]);
        assert_eq!(all.get(), Err(TeeError::SECURITY));
        assert_eq!(all.advance_to(4), Err(TeeError::SECURITY));
    }
}
