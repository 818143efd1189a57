//! `ta_ver.db` contents are bytes of the REE FS (authenticated, but still
//! parsed): any content, UUID and version yields an answer, never a panic,
//! and an accepted update stays inside the database it describes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_storage::ta_ver::{check, Update, ENTRY_SIZE, HEADER_SIZE};

fuzz_target!(|data: &[u8]| {
    if data.len() < 20 {
        return;
    }
    let (head, db) = data.split_at(20);
    let uuid: [u8; 16] = head[..16].try_into().unwrap();
    let version = u32::from_le_bytes(head[16..20].try_into().unwrap());
    match check(db, &uuid, version) {
        Ok(Update::Raise { offset, entry }) => {
            let end = offset as usize + ENTRY_SIZE;
            assert!(end <= db.len() && entry[..16] == uuid);
        }
        Ok(Update::Append { offset, .. }) => {
            assert!(offset as usize >= HEADER_SIZE);
        }
        Ok(Update::None) | Err(_) => {}
    }
});
