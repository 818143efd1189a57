//! `dirf.db` content: an array of 120-byte `struct dirfile_entry`
//! {TEE_UUID uuid; u8 oid[64]; u32 oidlen; u8 hash[32]; u32 file_number},
//! kept decoded in memory.

use alloc::vec::Vec;

use supplicant_proto::tee_error::TeeError;

use crate::htree::Hash;
use crate::{TaUuid, TeeResult, OBJECT_ID_MAX_LEN};

/// `sizeof(struct dirfile_entry)`.
pub(crate) const DIRF_ENTRY_SIZE: usize = 120;
/// `OID_EMPTY_NAME`: `oid[0]` of an object whose id is empty, so that it
/// differs from a free (all-zero) entry.
const OID_EMPTY_NAME: u8 = 1;

/// One decoded entry.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Entry {
    pub(crate) uuid: TaUuid,
    pub(crate) oid: [u8; OBJECT_ID_MAX_LEN],
    pub(crate) oidlen: u32,
    pub(crate) hash: Hash,
    pub(crate) file_number: u32,
}

impl Entry {
    pub(crate) const FREE: Entry = Entry {
        uuid: [0; 16],
        oid: [0; OBJECT_ID_MAX_LEN],
        oidlen: 0,
        hash: [0; 32],
        file_number: 0,
    };

    /// An entry naming object `id` of `uuid` (`id` at most 64 bytes).
    pub(crate) fn new(uuid: &TaUuid, id: &[u8], hash: Hash, file_number: u32) -> Self {
        let mut e = Entry {
            uuid: *uuid,
            hash,
            file_number,
            ..Entry::FREE
        };
        e.set_id(id);
        e
    }

    pub(crate) fn set_id(&mut self, id: &[u8]) {
        self.oid = [0; OBJECT_ID_MAX_LEN];
        let n = id.len().min(OBJECT_ID_MAX_LEN);
        if let (Some(d), Some(s)) = (self.oid.get_mut(..n), id.get(..n)) {
            d.copy_from_slice(s);
        }
        if n == 0 {
            self.oid[0] = OID_EMPTY_NAME;
        }
        self.oidlen = n as u32;
    }

    pub(crate) fn is_free(&self) -> bool {
        self.oidlen == 0 && self.oid[0] == 0
    }

    pub(crate) fn id(&self) -> &[u8] {
        self.oid.get(..self.oidlen as usize).unwrap_or(&[])
    }

    fn decode(b: &[u8; DIRF_ENTRY_SIZE]) -> TeeResult<Self> {
        let mut e = Entry::FREE;
        e.uuid.copy_from_slice(&b[0..16]);
        e.oid.copy_from_slice(&b[16..80]);
        e.oidlen = u32::from_le_bytes([b[80], b[81], b[82], b[83]]);
        e.hash.copy_from_slice(&b[84..116]);
        e.file_number = u32::from_le_bytes([b[116], b[117], b[118], b[119]]);
        if e.oidlen as usize > OBJECT_ID_MAX_LEN {
            return Err(TeeError::CORRUPT_OBJECT);
        }
        Ok(e)
    }

    pub(crate) fn encode(&self) -> [u8; DIRF_ENTRY_SIZE] {
        let mut b = [0u8; DIRF_ENTRY_SIZE];
        b[0..16].copy_from_slice(&self.uuid);
        b[16..80].copy_from_slice(&self.oid);
        b[80..84].copy_from_slice(&self.oidlen.to_le_bytes());
        b[84..116].copy_from_slice(&self.hash);
        b[116..120].copy_from_slice(&self.file_number.to_le_bytes());
        b
    }
}

/// The decoded directory.
#[derive(Default)]
pub(crate) struct Dirf {
    pub(crate) entries: Vec<Entry>,
}

impl Dirf {
    /// Decodes `content`; a trailing partial entry is ignored (OP-TEE stops
    /// at the first short entry read). Returns the directory and the indexes
    /// of entries cleared because they repeated a file number (OP-TEE clears
    /// them at open; they are written with the next commit).
    pub(crate) fn decode(content: &[u8]) -> TeeResult<(Self, Vec<usize>)> {
        let mut d = Dirf::default();
        let mut cleared = Vec::new();
        let mut used: Vec<u32> = Vec::new();
        d.entries
            .try_reserve_exact(content.len() / DIRF_ENTRY_SIZE)
            .map_err(|_| TeeError::OUT_OF_MEMORY)?;
        for (i, c) in content.chunks_exact(DIRF_ENTRY_SIZE).enumerate() {
            let raw: &[u8; DIRF_ENTRY_SIZE] = c.try_into().map_err(|_| TeeError::CORRUPT_OBJECT)?;
            let mut e = Entry::decode(raw)?;
            if !e.is_free() {
                if let Err(pos) = used.binary_search(&e.file_number) {
                    used.try_reserve(1).map_err(|_| TeeError::OUT_OF_MEMORY)?;
                    used.insert(pos, e.file_number);
                } else {
                    e = Entry::FREE;
                    cleared.push(i);
                }
            }
            d.entries.push(e);
        }
        Ok((d, cleared))
    }

    /// Index of object `id` of `uuid`.
    pub(crate) fn find(&self, uuid: &TaUuid, id: &[u8]) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| !e.is_free() && e.uuid == *uuid && e.id() == id)
    }

    /// Index of the entry for file `num`.
    pub(crate) fn find_number(&self, num: u32) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| !e.is_free() && e.file_number == num)
    }

    /// First free index (possibly one past the end).
    pub(crate) fn free_index(&self) -> usize {
        self.entries
            .iter()
            .position(Entry::is_free)
            .unwrap_or(self.entries.len())
    }

    /// Lowest file number no entry uses (OP-TEE's `get_tmp`).
    pub(crate) fn free_number(&self) -> u32 {
        let mut used: Vec<u32> = self
            .entries
            .iter()
            .filter(|e| !e.is_free())
            .map(|e| e.file_number)
            .collect();
        crate::heapsort::sort(&mut used);
        let mut n = 0u32;
        for u in used {
            if u == n {
                n = n.saturating_add(1);
            } else if u > n {
                break;
            }
        }
        n
    }

    /// Puts `e` at `idx` (which may be one past the end).
    pub(crate) fn set(&mut self, idx: usize, e: Entry) -> TeeResult<()> {
        if let Some(slot) = self.entries.get_mut(idx) {
            *slot = e;
        } else {
            self.entries
                .try_reserve(1)
                .map_err(|_| TeeError::OUT_OF_MEMORY)?;
            self.entries.push(e);
        }
        Ok(())
    }

    /// Ids of `uuid`'s objects in storage order.
    pub(crate) fn list<'a>(&'a self, uuid: &'a TaUuid) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| !e.is_free() && e.uuid == *uuid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_roundtrip_and_empty_id_convention() {
        let e = Entry::new(&[3; 16], b"", [9; 32], 0x1234);
        assert!(!e.is_free());
        assert_eq!(e.oid[0], OID_EMPTY_NAME);
        assert_eq!(e.oidlen, 0);
        let b = e.encode();
        assert_eq!(&b[116..120], &[0x34, 0x12, 0, 0]);
        assert_eq!(Entry::decode(&b).unwrap(), e);
        assert!(Entry::FREE.is_free());
    }

    #[test]
    fn duplicates_cleared_and_numbers_allocated() {
        let mut c = Vec::new();
        c.extend_from_slice(&Entry::new(&[1; 16], b"a", [0; 32], 0).encode());
        c.extend_from_slice(&Entry::new(&[1; 16], b"b", [0; 32], 2).encode());
        c.extend_from_slice(&Entry::new(&[1; 16], b"c", [0; 32], 0).encode());
        c.extend_from_slice(&[7u8; 50]); // partial entry: ignored
        let (d, cleared) = Dirf::decode(&c).unwrap();
        assert_eq!(cleared, [2]);
        assert_eq!(d.entries.len(), 3);
        assert_eq!(d.find(&[1; 16], b"b"), Some(1));
        assert_eq!(d.find(&[1; 16], b"c"), None);
        assert_eq!(d.free_number(), 1);
        assert_eq!(d.free_index(), 2);
    }

    #[test]
    fn oversized_oidlen_is_corrupt() {
        let mut b = Entry::new(&[1; 16], b"x", [0; 32], 0).encode();
        b[80] = 65;
        assert_eq!(Dirf::decode(&b).err(), Some(TeeError::CORRUPT_OBJECT));
    }
}
