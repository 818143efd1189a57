//! The TA version floor database, `ta_ver.db` (and `subkey_ver.db` for
//! subkeys), in OP-TEE 4.5's form so the floor survives an OP-TEE ⇄ oxtee
//! swap: an object of the all-zero TA UUID in `TEE_STORAGE_PRIVATE` whose
//! id is the name *with* its terminating NUL, holding raw bytes (no
//! `tee_svc_storage_head`): `{u32 db_version; u32 nb_entries}` then
//! `nb_entries` × `{u8 uuid[16] (octets, as in the signed header); u32
//! version}`, little-endian.

use supplicant_proto::tee_error::TeeError;

use crate::TeeResult;

/// Object id of the TA version database (`"ta_ver.db"` and its NUL).
pub const TA_VER_DB_ID: &[u8] = b"ta_ver.db\0";
/// Object id of the subkey version database.
pub const SUBKEY_VER_DB_ID: &[u8] = b"subkey_ver.db\0";
/// The TA UUID the databases are stored under.
pub const VER_DB_OWNER: crate::TaUuid = [0; 16];

/// Size of the header `{db_version, nb_entries}`.
pub const HEADER_SIZE: usize = 8;
/// Size of one entry `{uuid, version}`.
pub const ENTRY_SIZE: usize = 20;

/// What a load must write to the database after [`check`] accepted it.
#[derive(Debug, PartialEq, Eq)]
pub enum Update {
    /// The floor already equals the version: nothing to write.
    None,
    /// Raise the entry at `offset` (bytes to write there).
    Raise {
        /// Byte offset of the entry.
        offset: u64,
        /// The new entry.
        entry: [u8; ENTRY_SIZE],
    },
    /// Append `entry` at `offset`, then write `header` at 0 (the entry
    /// first, so a cut between the two writes leaves the old count).
    Append {
        /// Byte offset of the new entry.
        offset: u64,
        /// The new entry.
        entry: [u8; ENTRY_SIZE],
        /// The header with the count raised.
        header: [u8; HEADER_SIZE],
    },
}

fn entry(uuid: &[u8; 16], version: u32) -> [u8; ENTRY_SIZE] {
    let mut e = [0u8; ENTRY_SIZE];
    e[..16].copy_from_slice(uuid);
    e[16..].copy_from_slice(&version.to_le_bytes());
    e
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Checks `version` of `uuid` (octets) against the database `content`
/// (empty for a database just created or whose header a power cut left
/// unwritten, as OP-TEE tolerates). A version below the floor is
/// `TEE_ERROR_ACCESS_CONFLICT`; a database shorter than its header says is
/// `TEE_ERROR_BAD_STATE`, as in OP-TEE.
pub fn check(content: &[u8], uuid: &[u8; 16], version: u32) -> TeeResult<Update> {
    let (db_version, count) = if content.is_empty() {
        (0, 0)
    } else {
        match (u32_at(content, 0), u32_at(content, 4)) {
            (Some(v), Some(n)) => (v, n),
            _ => return Err(TeeError::BAD_STATE),
        }
    };
    for i in 0..count {
        let at = (i as usize)
            .checked_mul(ENTRY_SIZE)
            .and_then(|o| o.checked_add(HEADER_SIZE))
            .ok_or(TeeError::BAD_STATE)?;
        let e = content
            .get(at..at + ENTRY_SIZE)
            .ok_or(TeeError::BAD_STATE)?;
        if e[..16] != uuid[..] {
            continue;
        }
        let floor = u32_at(e, 16).ok_or(TeeError::BAD_STATE)?;
        return if floor > version {
            Err(TeeError::ACCESS_CONFLICT)
        } else if floor < version {
            Ok(Update::Raise {
                offset: at as u64,
                entry: entry(uuid, version),
            })
        } else {
            Ok(Update::None)
        };
    }
    let next = count.checked_add(1).ok_or(TeeError::BAD_STATE)?;
    let mut header = [0u8; HEADER_SIZE];
    header[..4].copy_from_slice(&db_version.to_le_bytes());
    header[4..].copy_from_slice(&next.to_le_bytes());
    Ok(Update::Append {
        offset: HEADER_SIZE as u64 + u64::from(count) * ENTRY_SIZE as u64,
        entry: entry(uuid, version),
        header,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(db: &mut Vec<u8>, u: &Update) {
        let mut put = |off: u64, b: &[u8]| {
            let off = off as usize;
            if db.len() < off + b.len() {
                db.resize(off + b.len(), 0);
            }
            db[off..off + b.len()].copy_from_slice(b);
        };
        match u {
            Update::None => {}
            Update::Raise { offset, entry } => put(*offset, entry),
            Update::Append {
                offset,
                entry,
                header,
            } => {
                put(*offset, entry);
                put(0, header);
            }
        }
    }

    #[test]
    fn floors_rise_and_refuse_downgrades() {
        let (a, b) = ([1u8; 16], [2u8; 16]);
        let mut db = Vec::new();
        for (uuid, v) in [(a, 3), (b, 1), (a, 5), (b, 1)] {
            let u = check(&db, &uuid, v).unwrap();
            apply(&mut db, &u);
        }
        assert_eq!(db.len(), HEADER_SIZE + 2 * ENTRY_SIZE);
        assert_eq!(u32_at(&db, 4), Some(2));
        assert_eq!(check(&db, &a, 4), Err(TeeError::ACCESS_CONFLICT));
        assert_eq!(check(&db, &a, 5), Ok(Update::None));
        assert_eq!(check(&db, &b, 0), Err(TeeError::ACCESS_CONFLICT));
        assert!(matches!(
            check(&db, &b, 2),
            Ok(Update::Raise { offset: 28, .. })
        ));
    }

    #[test]
    fn truncated_databases_are_bad_state_never_a_panic() {
        let mut db = Vec::new();
        let u = check(&db, &[7; 16], 1).unwrap();
        apply(&mut db, &u);
        for cut in 1..db.len() {
            assert_eq!(
                check(&db[..cut], &[9; 16], 1),
                Err(TeeError::BAD_STATE),
                "{cut}"
            );
        }
        let mut huge = db.clone();
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(check(&huge, &[9; 16], 1), Err(TeeError::BAD_STATE));
    }
}
