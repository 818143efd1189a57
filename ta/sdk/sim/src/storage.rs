//! `TEE_STORAGE_PRIVATE` in memory, with the rules the TA can rely on from
//! OP-TEE 4.5 and oxtee: sharing flags (`TEE_ERROR_ACCESS_CONFLICT`), missing
//! objects (`TEE_ERROR_ITEM_NOT_FOUND`), the data position and its limits,
//! enumeration in a stable order.

use std::collections::BTreeMap;

use oxtee_crypto::KeyObject;

use supplicant_proto::tee_result::{
    TEE_ERROR_ACCESS_CONFLICT, TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_BAD_STATE,
    TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_OVERFLOW,
};
use supplicant_proto::tee_storage::{
    TEE_DATA_FLAG_ACCESS_READ, TEE_DATA_FLAG_ACCESS_WRITE, TEE_DATA_FLAG_ACCESS_WRITE_META,
    TEE_DATA_FLAG_OVERWRITE, TEE_DATA_FLAG_SHARE_READ, TEE_DATA_FLAG_SHARE_WRITE,
    TEE_DATA_MAX_POSITION, TEE_DATA_SEEK_CUR, TEE_DATA_SEEK_END, TEE_DATA_SEEK_SET,
    TEE_OBJECT_ID_MAX_LEN,
};

/// Flags a handle keeps (everything but `OVERWRITE`).
const HANDLE_FLAGS: u32 = TEE_DATA_FLAG_ACCESS_READ
    | TEE_DATA_FLAG_ACCESS_WRITE
    | TEE_DATA_FLAG_ACCESS_WRITE_META
    | TEE_DATA_FLAG_SHARE_READ
    | TEE_DATA_FLAG_SHARE_WRITE;

/// An open handle: which object, how it was opened, where it reads.
#[derive(Debug, Clone)]
struct Handle {
    id: Vec<u8>,
    flags: u32,
    pos: u64,
}

/// An enumerator: the ids still to report, `None` before `start`.
#[derive(Debug, Default)]
struct Enumerator {
    pending: Option<Vec<Vec<u8>>>,
}

/// The key of a persistent key object (its attributes, type and usage).
#[derive(Clone, Default)]
struct StoredKey(Option<KeyObject>);

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key material.
        match &self.0 {
            Some(k) => write!(f, "key of type {:#x}", k.object_type()),
            None => write!(f, "no key"),
        }
    }
}

/// The object store of one simulated TA, and its open handles.
#[derive(Debug, Default)]
pub struct Storage {
    objects: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Keys of the key objects, by id.
    keys: BTreeMap<Vec<u8>, StoredKey>,
    handles: BTreeMap<u32, Handle>,
    enums: BTreeMap<u32, Enumerator>,
    next_handle: u32,
}

/// What `utee_object_info` reports for a persistent handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleInfo {
    /// Data stream size.
    pub data_size: u64,
    /// Data position.
    pub data_pos: u64,
    /// `TEE_DATA_FLAG_*` the handle was opened with.
    pub flags: u32,
}

/// GP's sharing rules between an open handle's flags (`old`) and a new opener's.
fn check_share(old: u32, new: u32) -> Result<(), u32> {
    let conflict = Err(TEE_ERROR_ACCESS_CONFLICT);
    if (old | new) & TEE_DATA_FLAG_ACCESS_WRITE_META != 0 {
        return conflict;
    }
    let denies = |a: u32, b: u32, access: u32, share: u32| a & access != 0 && b & share == 0;
    if denies(
        old,
        new,
        TEE_DATA_FLAG_ACCESS_READ,
        TEE_DATA_FLAG_SHARE_READ,
    ) || denies(
        new,
        old,
        TEE_DATA_FLAG_ACCESS_READ,
        TEE_DATA_FLAG_SHARE_READ,
    ) || denies(
        old,
        new,
        TEE_DATA_FLAG_ACCESS_WRITE,
        TEE_DATA_FLAG_SHARE_WRITE,
    ) || denies(
        new,
        old,
        TEE_DATA_FLAG_ACCESS_WRITE,
        TEE_DATA_FLAG_SHARE_WRITE,
    ) {
        return conflict;
    }
    Ok(())
}

fn check_id(id: &[u8]) -> Result<(), u32> {
    if id.len() > TEE_OBJECT_ID_MAX_LEN {
        Err(TEE_ERROR_BAD_PARAMETERS)
    } else {
        Ok(())
    }
}

impl Storage {
    /// Ids of the stored objects, in order.
    pub fn ids(&self) -> Vec<Vec<u8>> {
        self.objects.keys().cloned().collect()
    }

    /// The data of object `id`, as stored.
    pub fn data(&self, id: &[u8]) -> Option<&[u8]> {
        self.objects.get(id).map(Vec::as_slice)
    }

    /// Number of open object and enumerator handles.
    pub fn open_handles(&self) -> usize {
        self.handles.len() + self.enums.len()
    }

    /// Closes every handle (what the TEE does when a TA instance ends).
    pub fn close_all(&mut self) {
        self.handles.clear();
        self.enums.clear();
    }

    fn new_handle(&mut self) -> u32 {
        // Handles are never 0 (TEE_HANDLE_NULL) and never reused while open.
        loop {
            self.next_handle = self.next_handle.wrapping_add(1);
            let h = self.next_handle;
            if h != 0 && !self.handles.contains_key(&h) && !self.enums.contains_key(&h) {
                return h;
            }
        }
    }

    fn check_open_handles(&self, id: &[u8], flags: u32) -> Result<(), u32> {
        self.handles
            .values()
            .filter(|h| h.id == id)
            .try_for_each(|h| check_share(h.flags, flags))
    }

    /// `STORAGE_OBJ_OPEN`.
    pub fn open(&mut self, id: &[u8], flags: u32) -> Result<u32, u32> {
        check_id(id)?;
        if flags & !HANDLE_FLAGS != 0 {
            return Err(TEE_ERROR_BAD_PARAMETERS);
        }
        if !self.objects.contains_key(id) {
            return Err(TEE_ERROR_ITEM_NOT_FOUND);
        }
        self.check_open_handles(id, flags)?;
        let h = self.new_handle();
        self.handles.insert(
            h,
            Handle {
                id: id.to_vec(),
                flags,
                pos: 0,
            },
        );
        Ok(h)
    }

    /// Whether object `id` is a key object.
    pub fn has_key(&self, id: &[u8]) -> bool {
        self.keys.get(id).is_some_and(|k| k.0.is_some())
    }

    /// The key of the key object open as handle `h`.
    pub(crate) fn key(&self, h: u32) -> Option<&KeyObject> {
        let hd = self.handles.get(&h)?;
        self.keys.get(&hd.id)?.0.as_ref()
    }

    /// `CRYP_OBJ_RESTRICT_USAGE` of a persistent key object.
    pub(crate) fn restrict_usage(&mut self, h: u32, usage: u32) -> Result<(), u32> {
        let id = self.handle(h)?.id.clone();
        if let Some(k) = self.keys.get_mut(&id).and_then(|k| k.0.as_mut()) {
            k.restrict_usage(usage);
        }
        Ok(())
    }

    /// `STORAGE_OBJ_CREATE` of a data object (no attributes object).
    pub fn create(&mut self, id: &[u8], flags: u32, data: &[u8]) -> Result<u32, u32> {
        self.create_with_key(id, flags, data, None)
    }

    /// `STORAGE_OBJ_CREATE`, with the key of the attributes object if any.
    pub(crate) fn create_with_key(
        &mut self,
        id: &[u8],
        flags: u32,
        data: &[u8],
        key: Option<KeyObject>,
    ) -> Result<u32, u32> {
        check_id(id)?;
        if flags & !(HANDLE_FLAGS | TEE_DATA_FLAG_OVERWRITE) != 0 {
            return Err(TEE_ERROR_BAD_PARAMETERS);
        }
        if data.len() as u64 > TEE_DATA_MAX_POSITION {
            return Err(TEE_ERROR_OVERFLOW);
        }
        if self.objects.contains_key(id) {
            if flags & TEE_DATA_FLAG_OVERWRITE == 0 {
                return Err(TEE_ERROR_ACCESS_CONFLICT);
            }
            // An object in use is never replaced under its handles.
            if self.handles.values().any(|h| h.id == id) {
                return Err(TEE_ERROR_ACCESS_CONFLICT);
            }
        }
        self.objects.insert(id.to_vec(), data.to_vec());
        self.keys.insert(id.to_vec(), StoredKey(key));
        let h = self.new_handle();
        self.handles.insert(
            h,
            Handle {
                id: id.to_vec(),
                flags: flags & HANDLE_FLAGS,
                pos: 0,
            },
        );
        Ok(h)
    }

    fn handle(&self, h: u32) -> Result<&Handle, u32> {
        self.handles.get(&h).ok_or(TEE_ERROR_BAD_PARAMETERS)
    }

    /// `CRYP_OBJ_GET_INFO` for a persistent handle.
    pub fn info(&self, h: u32) -> Result<HandleInfo, u32> {
        let hd = self.handle(h)?;
        let data = self.objects.get(&hd.id).ok_or(TEE_ERROR_BAD_STATE)?;
        Ok(HandleInfo {
            data_size: data.len() as u64,
            data_pos: hd.pos,
            flags: hd.flags,
        })
    }

    /// `STORAGE_OBJ_READ`: up to `len` bytes at the position.
    pub fn read(&mut self, h: u32, len: usize) -> Result<Vec<u8>, u32> {
        let hd = self.handle(h)?.clone();
        if hd.flags & TEE_DATA_FLAG_ACCESS_READ == 0 {
            return Err(TEE_ERROR_ACCESS_CONFLICT);
        }
        let data = self.objects.get(&hd.id).ok_or(TEE_ERROR_BAD_STATE)?;
        let start = usize::try_from(hd.pos)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let end = start.saturating_add(len).min(data.len());
        let out = data[start..end].to_vec();
        if let Some(hd) = self.handles.get_mut(&h) {
            hd.pos += out.len() as u64;
        }
        Ok(out)
    }

    /// `STORAGE_OBJ_WRITE`: `bytes` at the position (a gap reads as zeros).
    pub fn write(&mut self, h: u32, bytes: &[u8]) -> Result<(), u32> {
        let hd = self.handle(h)?.clone();
        if hd.flags & TEE_DATA_FLAG_ACCESS_WRITE == 0 {
            return Err(TEE_ERROR_ACCESS_CONFLICT);
        }
        let end = hd
            .pos
            .checked_add(bytes.len() as u64)
            .ok_or(TEE_ERROR_OVERFLOW)?;
        if end > TEE_DATA_MAX_POSITION {
            return Err(TEE_ERROR_OVERFLOW);
        }
        let data = self.objects.get_mut(&hd.id).ok_or(TEE_ERROR_BAD_STATE)?;
        let (start, end) = (hd.pos as usize, end as usize);
        if data.len() < end {
            data.resize(end, 0);
        }
        data[start..end].copy_from_slice(bytes);
        if let Some(hd) = self.handles.get_mut(&h) {
            hd.pos = end as u64;
        }
        Ok(())
    }

    /// `STORAGE_OBJ_TRUNC`: the stream's new length (the position stays).
    pub fn truncate(&mut self, h: u32, len: u64) -> Result<(), u32> {
        let hd = self.handle(h)?.clone();
        if hd.flags & TEE_DATA_FLAG_ACCESS_WRITE == 0 {
            return Err(TEE_ERROR_ACCESS_CONFLICT);
        }
        if len > TEE_DATA_MAX_POSITION {
            return Err(TEE_ERROR_BAD_PARAMETERS);
        }
        let data = self.objects.get_mut(&hd.id).ok_or(TEE_ERROR_BAD_STATE)?;
        data.resize(len as usize, 0);
        Ok(())
    }

    /// `STORAGE_OBJ_SEEK`: a negative result is 0, beyond the maximum refused.
    pub fn seek(&mut self, h: u32, offset: i32, whence: u32) -> Result<(), u32> {
        let hd = self.handle(h)?;
        let size = self.objects.get(&hd.id).ok_or(TEE_ERROR_BAD_STATE)?.len() as i64;
        let base = match whence {
            TEE_DATA_SEEK_SET => 0,
            TEE_DATA_SEEK_CUR => hd.pos as i64,
            TEE_DATA_SEEK_END => size,
            _ => return Err(TEE_ERROR_BAD_PARAMETERS),
        };
        let pos = (base + i64::from(offset)).max(0) as u64;
        if pos > TEE_DATA_MAX_POSITION {
            return Err(TEE_ERROR_BAD_PARAMETERS);
        }
        if let Some(hd) = self.handles.get_mut(&h) {
            hd.pos = pos;
        }
        Ok(())
    }

    /// `STORAGE_OBJ_DEL`: needs `ACCESS_WRITE_META`; closes the handle.
    pub fn delete(&mut self, h: u32) -> Result<(), u32> {
        let hd = self.handle(h)?;
        if hd.flags & TEE_DATA_FLAG_ACCESS_WRITE_META == 0 {
            return Err(TEE_ERROR_ACCESS_CONFLICT);
        }
        let id = hd.id.clone();
        self.objects.remove(&id);
        self.keys.remove(&id);
        self.handles.remove(&h);
        Ok(())
    }

    /// `STORAGE_OBJ_RENAME`: needs `ACCESS_WRITE_META`; the new id must be free.
    pub fn rename(&mut self, h: u32, new_id: &[u8]) -> Result<(), u32> {
        check_id(new_id)?;
        let hd = self.handle(h)?;
        if hd.flags & TEE_DATA_FLAG_ACCESS_WRITE_META == 0 {
            return Err(TEE_ERROR_BAD_STATE);
        }
        if hd.id == new_id {
            return Ok(());
        }
        if self.objects.contains_key(new_id) || self.handles.values().any(|o| o.id == new_id) {
            return Err(TEE_ERROR_ACCESS_CONFLICT);
        }
        let old = hd.id.clone();
        let data = self.objects.remove(&old).ok_or(TEE_ERROR_BAD_STATE)?;
        self.objects.insert(new_id.to_vec(), data);
        let key = self.keys.remove(&old).unwrap_or_default();
        self.keys.insert(new_id.to_vec(), key);
        for o in self.handles.values_mut().filter(|o| o.id == old) {
            o.id = new_id.to_vec();
        }
        Ok(())
    }

    /// `CRYP_OBJ_CLOSE` of a persistent handle.
    pub fn close(&mut self, h: u32) -> Result<(), u32> {
        self.handles
            .remove(&h)
            .map(|_| ())
            .ok_or(TEE_ERROR_BAD_PARAMETERS)
    }

    /// `STORAGE_ENUM_ALLOC`.
    pub fn enum_alloc(&mut self) -> u32 {
        let h = self.new_handle();
        self.enums.insert(h, Enumerator::default());
        h
    }

    /// `STORAGE_ENUM_FREE`.
    pub fn enum_free(&mut self, e: u32) -> Result<(), u32> {
        self.enums
            .remove(&e)
            .map(|_| ())
            .ok_or(TEE_ERROR_BAD_PARAMETERS)
    }

    /// `STORAGE_ENUM_START`: as OP-TEE's REE FS, a TA without objects is
    /// `TEE_ERROR_ITEM_NOT_FOUND`.
    pub fn enum_start(&mut self, e: u32) -> Result<(), u32> {
        let ids: Vec<Vec<u8>> = self.objects.keys().rev().cloned().collect();
        let en = self.enums.get_mut(&e).ok_or(TEE_ERROR_BAD_PARAMETERS)?;
        if ids.is_empty() {
            en.pending = None;
            return Err(TEE_ERROR_ITEM_NOT_FOUND);
        }
        en.pending = Some(ids);
        Ok(())
    }

    /// `STORAGE_ENUM_NEXT`: the next id still stored, with its size.
    pub fn enum_next(&mut self, e: u32) -> Result<(Vec<u8>, u64), u32> {
        let en = self.enums.get_mut(&e).ok_or(TEE_ERROR_BAD_PARAMETERS)?;
        let pending = en.pending.as_mut().ok_or(TEE_ERROR_ITEM_NOT_FOUND)?;
        // Objects deleted since the start are skipped.
        while let Some(id) = pending.pop() {
            if let Some(data) = self.objects.get(&id) {
                return Ok((id, data.len() as u64));
            }
        }
        Err(TEE_ERROR_ITEM_NOT_FOUND)
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
    const OW: u32 = TEE_DATA_FLAG_OVERWRITE;

    #[test]
    fn create_open_read_write_seek_truncate_delete() {
        let mut s = Storage::default();
        assert_eq!(s.open(b"a", R), Err(TEE_ERROR_ITEM_NOT_FOUND));
        let h = s.create(b"a", R | W | M, b"hello").unwrap();
        assert_eq!(s.read(h, 2).unwrap(), b"he");
        s.seek(h, 0, TEE_DATA_SEEK_END).unwrap();
        s.write(h, b"!").unwrap();
        s.seek(h, -100, TEE_DATA_SEEK_CUR).unwrap();
        assert_eq!(s.info(h).unwrap().data_pos, 0, "negative is 0");
        assert_eq!(s.read(h, 100).unwrap(), b"hello!");
        assert_eq!(s.read(h, 100).unwrap(), b"", "at the end");
        s.seek(h, 8, TEE_DATA_SEEK_SET).unwrap();
        s.write(h, b"x").unwrap();
        assert_eq!(s.data(b"a").unwrap(), b"hello!\0\0x", "gap is zeros");
        s.truncate(h, 2).unwrap();
        assert_eq!(s.data(b"a").unwrap(), b"he");
        assert_eq!(s.seek(h, 0, 7), Err(TEE_ERROR_BAD_PARAMETERS));
        s.delete(h).unwrap();
        assert_eq!(s.open(b"a", R), Err(TEE_ERROR_ITEM_NOT_FOUND));
        assert_eq!(s.read(h, 1), Err(TEE_ERROR_BAD_PARAMETERS), "closed");
        assert_eq!(s.open_handles(), 0);
    }

    #[test]
    fn access_rights_of_a_handle() {
        let mut s = Storage::default();
        let h = s.create(b"a", R, b"x").unwrap();
        assert_eq!(s.write(h, b"y"), Err(TEE_ERROR_ACCESS_CONFLICT));
        assert_eq!(s.truncate(h, 0), Err(TEE_ERROR_ACCESS_CONFLICT));
        assert_eq!(s.delete(h), Err(TEE_ERROR_ACCESS_CONFLICT));
        s.close(h).unwrap();
        let h = s.open(b"a", W).unwrap();
        assert_eq!(s.read(h, 1), Err(TEE_ERROR_ACCESS_CONFLICT));
        assert_eq!(s.open(b"a", 0x1000), Err(TEE_ERROR_BAD_PARAMETERS));
        assert_eq!(s.open(&[0; 65], R), Err(TEE_ERROR_BAD_PARAMETERS));
    }

    #[test]
    fn sharing_rules() {
        let mut s = Storage::default();
        let h = s.create(b"a", R | SR, b"x").unwrap();
        let h2 = s.open(b"a", R | SR).expect("both share reading");
        assert_eq!(s.open(b"a", R), Err(TEE_ERROR_ACCESS_CONFLICT));
        assert_eq!(s.open(b"a", W | SR), Err(TEE_ERROR_ACCESS_CONFLICT));
        assert_eq!(s.open(b"a", M | SR), Err(TEE_ERROR_ACCESS_CONFLICT));
        assert_eq!(
            s.create(b"a", R | OW, b"new"),
            Err(TEE_ERROR_ACCESS_CONFLICT),
            "in use"
        );
        s.close(h).unwrap();
        s.close(h2).unwrap();
        let h = s.open(b"a", R | W | SR | SW).unwrap();
        s.open(b"a", R | W | SR | SW).expect("both share both");
        s.close(h).unwrap();
    }

    #[test]
    fn create_without_overwrite_keeps_the_old_object() {
        let mut s = Storage::default();
        let h = s.create(b"a", 0, b"old").unwrap();
        s.close(h).unwrap();
        assert_eq!(s.create(b"a", R, b"new"), Err(TEE_ERROR_ACCESS_CONFLICT));
        assert_eq!(s.data(b"a").unwrap(), b"old");
        let h = s.create(b"a", R | OW, b"new").unwrap();
        s.close(h).unwrap();
        assert_eq!(s.data(b"a").unwrap(), b"new");
        assert_eq!(s.create(b"a", 0x8000, b""), Err(TEE_ERROR_BAD_PARAMETERS));
    }

    #[test]
    fn enumeration() {
        let mut s = Storage::default();
        let e = s.enum_alloc();
        assert_eq!(s.enum_next(e), Err(TEE_ERROR_ITEM_NOT_FOUND), "not started");
        assert_eq!(s.enum_start(e), Err(TEE_ERROR_ITEM_NOT_FOUND), "no objects");
        for id in [&b"b"[..], b"a", b"c"] {
            let h = s.create(id, 0, id).unwrap();
            s.close(h).unwrap();
        }
        s.enum_start(e).unwrap();
        assert_eq!(s.enum_next(e).unwrap(), (b"a".to_vec(), 1));
        let h = s.open(b"b", M).unwrap();
        s.delete(h).unwrap();
        assert_eq!(s.enum_next(e).unwrap().0, b"c", "deleted ones skipped");
        assert_eq!(s.enum_next(e), Err(TEE_ERROR_ITEM_NOT_FOUND));
        s.enum_free(e).unwrap();
        assert_eq!(s.enum_free(e), Err(TEE_ERROR_BAD_PARAMETERS));
    }

    #[test]
    fn rename() {
        let mut s = Storage::default();
        let a = s.create(b"a", R | M, b"1").unwrap();
        let b = s.create(b"b", R, b"2").unwrap();
        assert_eq!(s.rename(b, b"c"), Err(TEE_ERROR_BAD_STATE), "no WRITE_META");
        assert_eq!(s.rename(a, b"b"), Err(TEE_ERROR_ACCESS_CONFLICT), "taken");
        assert_eq!(s.rename(a, &[0; 65]), Err(TEE_ERROR_BAD_PARAMETERS));
        s.rename(a, b"c").unwrap();
        assert_eq!(s.data(b"a"), None);
        assert_eq!(s.data(b"c").unwrap(), b"1");
        assert_eq!(s.read(a, 1).unwrap(), b"1", "the handle follows");
    }
}
