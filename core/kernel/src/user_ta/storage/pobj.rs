//! Which persistent objects are open, and with which data access and
//! sharing flags: OP-TEE's `tee_pobj` rules, over every TA and thread.
//! Handles of one object (same TA, same backend, same id) share one entry;
//! the first opener's flags are the ones later openers must agree with.

use alloc::vec::Vec;

use oxtee_storage::TaUuid;
use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_storage::*;

/// Why an object is being looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Usage {
    /// `TEE_OpenPersistentObject`.
    Open,
    /// `TEE_CreatePersistentObject`.
    Create,
    /// Reserving the new name of a rename.
    Rename,
    /// A look from the enumerator: never conflicts.
    Enum,
}

/// The backend an object lives in (OP-TEE's `fops`; `PRIVATE` and
/// `PRIVATE_REE` are the same one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// The REE FS store.
    Ree,
    /// The RPMB store.
    Rpmb,
}

struct Entry {
    ta: TaUuid,
    backend: Backend,
    id: Vec<u8>,
    flags: u32,
    refs: u32,
    /// Being created: nobody else may open it yet.
    creating: bool,
    key: u32,
}

/// The open objects.
#[derive(Default)]
pub(crate) struct Pobjs {
    entries: Vec<Entry>,
    next: u32,
}

/// GP's sharing rules between the flags of the open handles (`old`) and a
/// new opener's (`new`).
pub(crate) fn check_access(old: u32, new: u32) -> Result<(), TeeError> {
    let conflict = Err(TeeError::ACCESS_CONFLICT);
    if (old | new) & TEE_DATA_FLAG_ACCESS_WRITE_META != 0 {
        return conflict;
    }
    for (access, share) in [
        (TEE_DATA_FLAG_ACCESS_READ, TEE_DATA_FLAG_SHARE_READ),
        (TEE_DATA_FLAG_ACCESS_WRITE, TEE_DATA_FLAG_SHARE_WRITE),
    ] {
        if (old | new) & access != 0 && old & new & share == 0 {
            return conflict;
        }
        if old & share != new & share {
            return conflict;
        }
    }
    Ok(())
}

impl Pobjs {
    fn find(&self, ta: &TaUuid, backend: Backend, id: &[u8]) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.ta == *ta && e.backend == backend && e.id == id)
    }

    fn index(&self, key: u32) -> Option<usize> {
        self.entries.iter().position(|e| e.key == key)
    }

    /// Takes a reference on object `id` of `ta` for `usage` with `flags`;
    /// returns its key.
    pub(crate) fn get(
        &mut self,
        ta: &TaUuid,
        backend: Backend,
        id: &[u8],
        flags: u32,
        usage: Usage,
    ) -> Result<u32, TeeError> {
        if let Some(i) = self.find(ta, backend, id) {
            let e = &mut self.entries[i];
            if usage != Usage::Enum {
                if e.creating || (usage == Usage::Create && flags & TEE_DATA_FLAG_OVERWRITE == 0) {
                    return Err(TeeError::ACCESS_CONFLICT);
                }
                check_access(e.flags, flags)?;
            }
            e.refs = e.refs.checked_add(1).ok_or(TeeError::OUT_OF_MEMORY)?;
            return Ok(e.key);
        }
        let mut owned = Vec::new();
        owned
            .try_reserve_exact(id.len())
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        owned.extend_from_slice(id);
        self.entries
            .try_reserve(1)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        let key = self.fresh_key();
        self.entries.push(Entry {
            ta: *ta,
            backend,
            id: owned,
            flags: if usage == Usage::Enum { 0 } else { flags },
            refs: 1,
            creating: usage == Usage::Create,
            key,
        });
        Ok(key)
    }

    fn fresh_key(&mut self) -> u32 {
        loop {
            self.next = self.next.wrapping_add(1);
            if self.index(self.next).is_none() {
                return self.next;
            }
        }
    }

    /// The object is created: others may open it now.
    pub(crate) fn created(&mut self, key: u32) {
        if let Some(i) = self.index(key) {
            self.entries[i].creating = false;
        }
    }

    /// The flags the object's handles were opened with.
    pub(crate) fn flags(&self, key: u32) -> u32 {
        self.index(key).map_or(0, |i| self.entries[i].flags)
    }

    /// The object's id (tests).
    #[cfg(test)]
    pub(crate) fn id(&self, key: u32) -> Option<&[u8]> {
        self.index(key).map(|i| self.entries[i].id.as_slice())
    }

    /// Drops one reference.
    pub(crate) fn release(&mut self, key: u32) {
        if let Some(i) = self.index(key) {
            let e = &mut self.entries[i];
            e.refs -= 1;
            if e.refs == 0 {
                self.entries.swap_remove(i);
            }
        }
    }

    /// Gives the object `key` the id of the (reserved) object `to`; only
    /// its single handle may be open (`TEE_ERROR_BAD_STATE` otherwise).
    pub(crate) fn rename(&mut self, key: u32, to: u32) -> Result<(), TeeError> {
        let (Some(i), Some(j)) = (self.index(key), self.index(to)) else {
            return Err(TeeError::BAD_STATE);
        };
        if self.entries[i].refs != 1 {
            return Err(TeeError::BAD_STATE);
        }
        let id = core::mem::take(&mut self.entries[j].id);
        self.entries[j].id = core::mem::replace(&mut self.entries[i].id, id);
        Ok(())
    }

    /// How many objects are open (tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: u32 = TEE_DATA_FLAG_ACCESS_READ;
    const W: u32 = TEE_DATA_FLAG_ACCESS_WRITE;
    const M: u32 = TEE_DATA_FLAG_ACCESS_WRITE_META;
    const SR: u32 = TEE_DATA_FLAG_SHARE_READ;
    const SW: u32 = TEE_DATA_FLAG_SHARE_WRITE;

    #[test]
    fn sharing_rules() {
        assert!(check_access(R | SR, R | SR).is_ok());
        assert!(check_access(R | SR | SW, W | SR | SW).is_ok());
        assert_eq!(check_access(R, R | SR), Err(TeeError::ACCESS_CONFLICT));
        assert_eq!(
            check_access(R | SR, R | SR | SW),
            Err(TeeError::ACCESS_CONFLICT)
        );
        assert_eq!(check_access(0, 0), Ok(()));
        assert_eq!(check_access(SR, 0), Err(TeeError::ACCESS_CONFLICT));
        assert_eq!(check_access(R | SR, M | SR), Err(TeeError::ACCESS_CONFLICT));
        assert_eq!(
            check_access(W | SW, W | SW | SR),
            Err(TeeError::ACCESS_CONFLICT)
        );
    }

    #[test]
    fn entries_are_shared_per_ta_backend_and_id() {
        let mut p = Pobjs::default();
        let (a, b) = ([1; 16], [2; 16]);
        let k = p.get(&a, Backend::Ree, b"x", R | SR, Usage::Open).unwrap();
        assert_eq!(p.get(&a, Backend::Ree, b"x", R | SR, Usage::Open), Ok(k));
        assert_ne!(p.get(&b, Backend::Ree, b"x", R, Usage::Open).unwrap(), k);
        assert_eq!(
            p.get(&a, Backend::Ree, b"x", R, Usage::Open),
            Err(TeeError::ACCESS_CONFLICT)
        );
        // Create without OVERWRITE conflicts with an open object.
        assert_eq!(
            p.get(&a, Backend::Ree, b"x", R | SR, Usage::Create),
            Err(TeeError::ACCESS_CONFLICT)
        );
        assert_eq!(p.get(&a, Backend::Ree, b"x", M, Usage::Enum), Ok(k));
        for _ in 0..3 {
            p.release(k);
        }
        assert_eq!(p.len(), 1, "the other TA's object stays");
        let c = p.get(&a, Backend::Ree, b"y", W, Usage::Create).unwrap();
        assert_eq!(
            p.get(
                &a,
                Backend::Ree,
                b"y",
                W | TEE_DATA_FLAG_OVERWRITE,
                Usage::Open
            ),
            Err(TeeError::ACCESS_CONFLICT),
            "still being created"
        );
        p.created(c);
        assert_eq!(p.flags(c), W);
        let r = p.get(&a, Backend::Ree, b"z", M, Usage::Rename).unwrap();
        p.rename(c, r).unwrap();
        assert_eq!(p.id(c), Some(&b"z"[..]));
        assert_eq!(p.id(r), Some(&b"y"[..]));
    }
}
