//! The storage system calls over an in-memory store: GP semantics, OP-TEE's
//! error codes, and hostile arguments (never a panic).

use std::collections::BTreeMap;

use oxtee_crypto::{Attribute, KeyObject};
use oxtee_storage::{Content, Entropy, Env, FileId, ObjectStore, RemoteFs, TaUuid, TeeResult};
use supplicant_proto::pta::TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT;
use supplicant_proto::tee_crypto::*;
use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_storage::*;
use supplicant_proto::tee_syscall::{Sysnum, UteeObjectInfo};
use zerocopy::FromBytes;

use super::pobj::{Backend, Pobjs};
use super::{calls, Call, Enums, Locked};
use crate::user_ta::crypto::CryptoState;
use crate::user_ta::fake_ta::{self, Hw, NS_VA, SIZE, VA};
use crate::user_ta::space::Space;
use crate::user_ta::Frames;

/// Objects by (TA, id); `corrupt` ids fail every access after open.
#[derive(Default)]
struct MemStore {
    objects: BTreeMap<(TaUuid, Vec<u8>), Vec<u8>>,
    open: BTreeMap<u32, (TaUuid, Vec<u8>)>,
    next: u32,
    corrupt: Vec<Vec<u8>>,
}

impl MemStore {
    fn key(&self, f: FileId) -> TeeResult<(TaUuid, Vec<u8>)> {
        self.open.get(&f.0).cloned().ok_or(TeeError::BAD_STATE)
    }
    fn check(&self, k: &(TaUuid, Vec<u8>)) -> TeeResult<()> {
        if self.corrupt.contains(&k.1) {
            return Err(TeeError::CORRUPT_OBJECT);
        }
        Ok(())
    }
    fn handle(&mut self, k: (TaUuid, Vec<u8>)) -> FileId {
        self.next += 1;
        self.open.insert(self.next, k);
        FileId(self.next)
    }
    fn content(&mut self, f: FileId) -> TeeResult<&mut Vec<u8>> {
        let k = self.key(f)?;
        self.check(&k)?;
        self.objects.get_mut(&k).ok_or(TeeError::ITEM_NOT_FOUND)
    }
}

impl ObjectStore for MemStore {
    fn open(&mut self, _: &mut Env<'_>, ta: &TaUuid, id: &[u8]) -> TeeResult<FileId> {
        let k = (*ta, id.to_vec());
        if !self.objects.contains_key(&k) {
            return Err(TeeError::ITEM_NOT_FOUND);
        }
        Ok(self.handle(k))
    }
    fn create_from(
        &mut self,
        _: &mut Env<'_>,
        ta: &TaUuid,
        id: &[u8],
        content: &mut dyn Content,
        overwrite: bool,
    ) -> TeeResult<FileId> {
        let mut bytes = vec![0; content.len() as usize];
        content.read_at(0, &mut bytes)?;
        let k = (*ta, id.to_vec());
        if self.objects.contains_key(&k) && !overwrite {
            return Err(TeeError::ACCESS_CONFLICT);
        }
        self.objects.insert(k.clone(), bytes);
        Ok(self.handle(k))
    }
    fn close(&mut self, _: &mut Env<'_>, f: FileId) {
        self.open.remove(&f.0);
    }
    fn size(&self, f: FileId) -> TeeResult<u64> {
        let k = self.key(f)?;
        self.check(&k)?;
        Ok(self.objects.get(&k).ok_or(TeeError::ITEM_NOT_FOUND)?.len() as u64)
    }
    fn read(&mut self, _: &mut Env<'_>, f: FileId, pos: u64, buf: &mut [u8]) -> TeeResult<usize> {
        let c = self.content(f)?;
        let start = (pos as usize).min(c.len());
        let n = buf.len().min(c.len() - start);
        buf[..n].copy_from_slice(&c[start..start + n]);
        Ok(n)
    }
    fn write(&mut self, _: &mut Env<'_>, f: FileId, pos: u64, data: &[u8]) -> TeeResult<()> {
        let c = self.content(f)?;
        let end = pos as usize + data.len();
        if c.len() < end {
            c.resize(end, 0);
        }
        c[pos as usize..end].copy_from_slice(data);
        Ok(())
    }
    fn truncate(&mut self, _: &mut Env<'_>, f: FileId, len: u64) -> TeeResult<()> {
        self.content(f)?.resize(len as usize, 0);
        Ok(())
    }
    fn remove(&mut self, _: &mut Env<'_>, f: FileId) -> TeeResult<()> {
        let k = self.key(f)?;
        self.open.remove(&f.0);
        self.objects
            .remove(&k)
            .map(|_| ())
            .ok_or(TeeError::ITEM_NOT_FOUND)
    }
    fn rename(&mut self, _: &mut Env<'_>, f: FileId, new_id: &[u8]) -> TeeResult<()> {
        let k = self.key(f)?;
        let nk = (k.0, new_id.to_vec());
        if self.objects.contains_key(&nk) {
            return Err(TeeError::ACCESS_CONFLICT);
        }
        let c = self.objects.remove(&k).ok_or(TeeError::ITEM_NOT_FOUND)?;
        self.objects.insert(nk.clone(), c);
        self.open.insert(f.0, nk);
        Ok(())
    }
    fn list(&mut self, _: &mut Env<'_>, ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>> {
        Ok(self
            .objects
            .keys()
            .filter(|k| k.0 == *ta)
            .map(|k| k.1.clone())
            .collect())
    }
}

/// The test double never reaches the file system or the RNG.
struct NoFs;
impl RemoteFs for NoFs {
    fn open(&mut self, _: &str) -> TeeResult<u32> {
        Err(TeeError::GENERIC)
    }
    fn create(&mut self, _: &str) -> TeeResult<u32> {
        Err(TeeError::GENERIC)
    }
    fn close(&mut self, _: u32) -> TeeResult<()> {
        Err(TeeError::GENERIC)
    }
    fn read(&mut self, _: u32, _: u64, _: &mut [u8]) -> TeeResult<usize> {
        Err(TeeError::GENERIC)
    }
    fn write(&mut self, _: u32, _: u64, _: &[u8]) -> TeeResult<()> {
        Err(TeeError::GENERIC)
    }
    fn truncate(&mut self, _: u32, _: u64) -> TeeResult<()> {
        Err(TeeError::GENERIC)
    }
    fn remove(&mut self, _: &str) -> TeeResult<()> {
        Err(TeeError::GENERIC)
    }
}
struct NoRng;
impl Entropy for NoRng {
    fn fill(&mut self, _: &mut [u8]) -> TeeResult<()> {
        Err(TeeError::GENERIC)
    }
}

const UNMAPPED: u64 = VA + SIZE + 0x10;

const ID: u64 = VA;
const OUT: u64 = VA + 0x100;
const COUNT: u64 = VA + 0x108;
const LEN: u64 = VA + 0x110;
const INFO: u64 = VA + 0x200;
const ID2: u64 = VA + 0x300;
const DATA: u64 = VA + 0x1000;
const BUF: u64 = VA + 0x4000;

/// One TA instance: memory, handles, enumerators.
struct Ta {
    hw: Hw,
    space: Space,
    cs: CryptoState,
    enums: Enums,
    uuid: TaUuid,
    flags: u32,
    _frames: Frames,
}

impl Ta {
    fn new(uuid: u8) -> Self {
        let (hw, space, frames) = fake_ta::setup();
        Self {
            hw,
            space,
            cs: CryptoState::default(),
            enums: Enums::default(),
            uuid: [uuid; 16],
            flags: 0,
            _frames: frames,
        }
    }
    fn put(&self, va: u64, b: &[u8]) {
        self.space.write(&self.hw, va, b).unwrap();
    }
    fn get(&self, va: u64, n: usize) -> Vec<u8> {
        self.space.read_vec(&self.hw, va, n as u64).unwrap()
    }
    fn u32_at(&self, va: u64) -> u32 {
        self.space.read_u32(&self.hw, va).unwrap()
    }
    fn u64_at(&self, va: u64) -> u64 {
        self.space.read_u64(&self.hw, va).unwrap()
    }
    fn info(&self) -> UteeObjectInfo {
        UteeObjectInfo::read_from_bytes(&self.get(INFO, 28)).unwrap()
    }
}

/// The store and the open-object table all TAs share.
#[derive(Default)]
struct World {
    store: MemStore,
    /// The RPMB store, when the world has one.
    rpmb: Option<MemStore>,
    pobjs: Pobjs,
}

impl World {
    fn sys(&mut self, ta: &mut Ta, nr: Sysnum, args: &[u64]) -> Result<(), TeeError> {
        let mut a = [0u64; 31];
        a[..args.len()].copy_from_slice(args);
        let mut call = Call {
            space: &ta.space,
            hw: &ta.hw,
            cs: &mut ta.cs,
            enums: &mut ta.enums,
            ta: ta.uuid,
            ta_flags: ta.flags,
        };
        if !super::needs_store(nr) {
            return calls::without_store(&mut call, nr, &a);
        }
        let store = match super::backend_for(&call, nr, &a) {
            Backend::Ree => &mut self.store,
            Backend::Rpmb => match self.rpmb.as_mut() {
                Some(s) => s,
                None => return Err(TeeError::ITEM_NOT_FOUND),
            },
        };
        let (mut fs, mut rng) = (NoFs, NoRng);
        let mut locked = Locked {
            store,
            env: Env {
                fs: &mut fs,
                rng: &mut rng,
                anchor: None,
                rpmb: None,
            },
            pobjs: &mut self.pobjs,
        };
        calls::with_store(&mut call, &mut locked, nr, &a)
    }

    /// Creates `id` with `data` and `flags`; returns the handle.
    fn create(&mut self, ta: &mut Ta, id: &[u8], flags: u32, data: &[u8]) -> Result<u32, TeeError> {
        ta.put(ID, id);
        ta.put(DATA, data);
        self.sys(
            ta,
            Sysnum::StorageObjCreate,
            &[
                u64::from(TEE_STORAGE_PRIVATE),
                ID,
                id.len() as u64,
                u64::from(flags),
                0,
                DATA,
                data.len() as u64,
                OUT,
            ],
        )?;
        Ok(ta.u32_at(OUT))
    }

    fn open(&mut self, ta: &mut Ta, id: &[u8], flags: u32) -> Result<u32, TeeError> {
        ta.put(ID, id);
        self.sys(
            ta,
            Sysnum::StorageObjOpen,
            &[
                u64::from(TEE_STORAGE_PRIVATE_REE),
                ID,
                id.len() as u64,
                u64::from(flags),
                OUT,
            ],
        )?;
        Ok(ta.u32_at(OUT))
    }

    fn read(&mut self, ta: &mut Ta, h: u32, n: u64) -> Result<Vec<u8>, TeeError> {
        self.sys(ta, Sysnum::StorageObjRead, &[h.into(), BUF, n, COUNT])?;
        let got = ta.u64_at(COUNT);
        Ok(ta.get(BUF, got as usize))
    }

    fn write(&mut self, ta: &mut Ta, h: u32, data: &[u8]) -> Result<(), TeeError> {
        ta.put(DATA, data);
        self.sys(
            ta,
            Sysnum::StorageObjWrite,
            &[h.into(), DATA, data.len() as u64],
        )
    }

    fn seek(&mut self, ta: &mut Ta, h: u32, off: i32, whence: u32) -> Result<(), TeeError> {
        self.sys(
            ta,
            Sysnum::StorageObjSeek,
            &[h.into(), off as u32 as u64, whence.into()],
        )
    }

    fn close(&mut self, ta: &mut Ta, h: u32) -> Result<(), TeeError> {
        self.sys(ta, Sysnum::CrypObjClose, &[h.into()])
    }

    fn info(&mut self, ta: &mut Ta, h: u32) -> UteeObjectInfo {
        self.sys(ta, Sysnum::CrypObjGetInfo, &[h.into(), INFO])
            .unwrap();
        ta.info()
    }
}

const R: u32 = TEE_DATA_FLAG_ACCESS_READ;
const W: u32 = TEE_DATA_FLAG_ACCESS_WRITE;
const M: u32 = TEE_DATA_FLAG_ACCESS_WRITE_META;
const SR: u32 = TEE_DATA_FLAG_SHARE_READ;
const SW: u32 = TEE_DATA_FLAG_SHARE_WRITE;
const OVERWRITE: u32 = TEE_DATA_FLAG_OVERWRITE;

#[test]
fn create_open_read_delete() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let id = [0x42u8; 32];
    let h = w
        .create(&mut ta, &id, R | W | M, b"0123456789abcdef")
        .unwrap();
    assert_eq!(w.read(&mut ta, h, 10).unwrap(), b"0123456789");
    let i = w.info(&mut ta, h);
    assert_eq!(i.obj_type, TEE_TYPE_DATA);
    assert_eq!((i.data_size, i.data_pos), (16, 10));
    assert_eq!(
        i.handle_flags,
        TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED | R | W | M
    );
    // WRITE_META is exclusive.
    assert_eq!(w.open(&mut ta, &id, R), Err(TeeError::ACCESS_CONFLICT));
    w.sys(&mut ta, Sysnum::StorageObjDel, &[h.into()]).unwrap();
    assert!(ta.cs.object(h).is_none(), "the handle is closed");
    assert_eq!(w.open(&mut ta, &id, R), Err(TeeError::ITEM_NOT_FOUND));
    assert_eq!(w.pobjs.len(), 0);
}

#[test]
fn empty_and_null_ids() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let h = w.create(&mut ta, b"", R | M, b"x").unwrap();
    w.close(&mut ta, h).unwrap();
    // NULL with length 0 names the same object.
    w.sys(
        &mut ta,
        Sysnum::StorageObjOpen,
        &[TEE_STORAGE_PRIVATE.into(), 0, 0, R.into(), OUT],
    )
    .unwrap();
    let h = ta.u32_at(OUT);
    assert_eq!(w.read(&mut ta, h, 5).unwrap(), b"x");
    // Without WRITE_META, CloseAndDelete is refused.
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjDel, &[h.into()]),
        Err(TeeError::ACCESS_CONFLICT)
    );
}

#[test]
fn sharing_and_overwrite() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let h = w.create(&mut ta, b"obj", R | SR, b"").unwrap();
    // Exclusive create of an existing name.
    assert_eq!(
        w.create(&mut ta, b"obj", R | SR, b""),
        Err(TeeError::ACCESS_CONFLICT)
    );
    let h2 = w.open(&mut ta, b"obj", R | SR).unwrap();
    assert_ne!(h, h2);
    assert_eq!(w.open(&mut ta, b"obj", R), Err(TeeError::ACCESS_CONFLICT));
    assert_eq!(
        w.open(&mut ta, b"obj", W | SR | SW),
        Err(TeeError::ACCESS_CONFLICT)
    );
    w.close(&mut ta, h).unwrap();
    w.close(&mut ta, h2).unwrap();
    // Closed: OVERWRITE replaces it, twice.
    for _ in 0..2 {
        let h = w.create(&mut ta, b"obj", R | OVERWRITE, b"new").unwrap();
        assert_eq!(w.read(&mut ta, h, 9).unwrap(), b"new");
        w.close(&mut ta, h).unwrap();
    }
    assert_eq!(w.pobjs.len(), 0);
    assert!(w.store.open.is_empty(), "every file closed");
}

#[test]
fn seek_read_write_truncate_and_holes() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let h = w.create(&mut ta, b"d", R | W, &[1u8; 32]).unwrap();
    w.seek(&mut ta, h, 10, TEE_DATA_SEEK_SET).unwrap();
    assert_eq!(w.read(&mut ta, h, 4).unwrap(), [1; 4]);
    // Write past the end leaves a zero-filled hole.
    w.seek(&mut ta, h, 80, TEE_DATA_SEEK_SET).unwrap();
    w.write(&mut ta, h, b"tail").unwrap();
    assert_eq!(w.info(&mut ta, h).data_size, 84);
    w.seek(&mut ta, h, 30, TEE_DATA_SEEK_SET).unwrap();
    let r = w.read(&mut ta, h, 100).unwrap();
    assert_eq!(r.len(), 54);
    assert_eq!(&r[..2], &[1, 1]);
    assert!(r[2..50].iter().all(|&b| b == 0));
    assert_eq!(&r[50..], b"tail");
    // At and after the end: 0 bytes.
    assert!(w.read(&mut ta, h, 10).unwrap().is_empty());
    w.seek(&mut ta, h, 100, TEE_DATA_SEEK_END).unwrap();
    assert_eq!(w.info(&mut ta, h).data_pos, 184);
    assert!(w.read(&mut ta, h, 10).unwrap().is_empty());
    // Negative lands on 0; CUR moves from the position.
    w.seek(&mut ta, h, -1000, TEE_DATA_SEEK_CUR).unwrap();
    assert_eq!(w.info(&mut ta, h).data_pos, 0);
    w.seek(&mut ta, h, 5, TEE_DATA_SEEK_CUR).unwrap();
    assert_eq!(w.info(&mut ta, h).data_pos, 5);
    assert_eq!(
        w.seek(&mut ta, h, 0, 3),
        Err(TeeError::BAD_PARAMETERS),
        "unknown whence"
    );
    // Beyond TEE_DATA_MAX_POSITION.
    w.seek(&mut ta, h, i32::MAX, TEE_DATA_SEEK_SET).unwrap();
    w.seek(&mut ta, h, i32::MAX, TEE_DATA_SEEK_CUR).unwrap();
    assert_eq!(
        w.seek(&mut ta, h, 2, TEE_DATA_SEEK_CUR),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(w.write(&mut ta, h, b"xy"), Err(TeeError::OVERFLOW));
    // Truncate shrinks and grows with zeros; the position stays.
    w.seek(&mut ta, h, 0, TEE_DATA_SEEK_SET).unwrap();
    w.sys(&mut ta, Sysnum::StorageObjTrunc, &[h.into(), 8])
        .unwrap();
    w.sys(&mut ta, Sysnum::StorageObjTrunc, &[h.into(), 12])
        .unwrap();
    assert_eq!(
        w.read(&mut ta, h, 100).unwrap(),
        [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    );
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjTrunc, &[h.into(), u64::MAX]),
        Err(TeeError::GENERIC)
    );
    // Read-only handle: no writes.
    w.close(&mut ta, h).unwrap();
    let h = w.open(&mut ta, b"d", R).unwrap();
    assert_eq!(w.write(&mut ta, h, b"x"), Err(TeeError::ACCESS_CONFLICT));
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjTrunc, &[h.into(), 1]),
        Err(TeeError::ACCESS_CONFLICT)
    );
    let h = {
        w.close(&mut ta, h).unwrap();
        w.open(&mut ta, b"d", W).unwrap()
    };
    assert_eq!(w.read(&mut ta, h, 1), Err(TeeError::ACCESS_CONFLICT));
}

#[test]
fn rename() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let a = w.create(&mut ta, b"a", R | M, b"A").unwrap();
    let b = w.create(&mut ta, b"b", R, b"B").unwrap();
    ta.put(ID2, b"b");
    // Taken (and open).
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjRename, &[a.into(), ID2, 1]),
        Err(TeeError::ACCESS_CONFLICT)
    );
    w.close(&mut ta, b).unwrap();
    // Taken (closed): the store refuses.
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjRename, &[a.into(), ID2, 1]),
        Err(TeeError::ACCESS_CONFLICT)
    );
    ta.put(ID2, b"c");
    w.sys(&mut ta, Sysnum::StorageObjRename, &[a.into(), ID2, 1])
        .unwrap();
    // To the empty id, through NULL.
    w.sys(&mut ta, Sysnum::StorageObjRename, &[a.into(), 0, 0])
        .unwrap();
    w.close(&mut ta, a).unwrap();
    assert_eq!(w.open(&mut ta, b"c", R), Err(TeeError::ITEM_NOT_FOUND));
    let h = w.open(&mut ta, b"", R).unwrap();
    assert_eq!(w.read(&mut ta, h, 1).unwrap(), b"A");
    // Without WRITE_META, or on a transient object: BAD_STATE.
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjRename, &[h.into(), ID2, 1]),
        Err(TeeError::BAD_STATE)
    );
    let t = ta
        .cs
        .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
        .unwrap();
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjRename, &[t.into(), ID2, 1]),
        Err(TeeError::BAD_STATE)
    );
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjRename, &[h.into(), ID2, 65]),
        Err(TeeError::BAD_PARAMETERS)
    );
}

#[test]
fn enumeration() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let mut other = Ta::new(2);
    w.create(&mut other, b"theirs", R, b"").unwrap();
    w.sys(&mut ta, Sysnum::StorageEnumAlloc, &[OUT]).unwrap();
    let e = ta.u32_at(OUT);
    // Not started: nothing.
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageEnumNext,
            &[e.into(), INFO, ID2, LEN]
        ),
        Err(TeeError::ITEM_NOT_FOUND)
    );
    // A TA without objects: OP-TEE's REE FS refuses to start (xtest 6010).
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageEnumStart,
            &[e.into(), TEE_STORAGE_PRIVATE.into()],
        ),
        Err(TeeError::ITEM_NOT_FOUND),
        "no objects of this TA"
    );
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageEnumNext,
            &[e.into(), INFO, ID2, LEN]
        ),
        Err(TeeError::ITEM_NOT_FOUND)
    );
    let open = w.create(&mut ta, b"one", R | SR, b"1").unwrap();
    w.create(&mut ta, b"two", R, b"22").unwrap();
    w.create(&mut ta, b"three", R, b"333").unwrap();
    for _ in 0..2 {
        w.sys(
            &mut ta,
            Sysnum::StorageEnumStart,
            &[e.into(), TEE_STORAGE_PRIVATE.into()],
        )
        .unwrap();
        let mut seen = Vec::new();
        while w
            .sys(
                &mut ta,
                Sysnum::StorageEnumNext,
                &[e.into(), INFO, ID2, LEN],
            )
            .is_ok()
        {
            let id = ta.get(ID2, ta.u64_at(LEN) as usize);
            let i = ta.info();
            let want = match &id[..] {
                b"one" => 1,
                b"two" => 2,
                _ => 3,
            };
            assert_eq!(i.data_size, want);
            assert_eq!(
                i.handle_flags & TEE_HANDLE_FLAG_PERSISTENT,
                TEE_HANDLE_FLAG_PERSISTENT
            );
            if id == b"one" {
                assert_eq!(
                    i.handle_flags & (R | SR),
                    R | SR,
                    "flags of the open handle"
                );
            }
            seen.push(id);
        }
        seen.sort();
        assert_eq!(seen, [&b"one"[..], b"three", b"two"]);
        w.sys(&mut ta, Sysnum::StorageEnumReset, &[e.into()])
            .unwrap();
    }
    w.close(&mut ta, open).unwrap();
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageEnumStart,
            &[e.into(), TEE_STORAGE_PRIVATE_RPMB.into()]
        ),
        Err(TeeError::ITEM_NOT_FOUND)
    );
    w.sys(&mut ta, Sysnum::StorageEnumFree, &[e.into()])
        .unwrap();
    for nr in [Sysnum::StorageEnumFree, Sysnum::StorageEnumReset] {
        assert_eq!(
            w.sys(&mut ta, nr, &[e.into()]),
            Err(TeeError::BAD_PARAMETERS)
        );
    }
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageEnumAlloc, &[0]),
        Err(TeeError::BAD_PARAMETERS)
    );
    // The enumerator holds nothing: only the created handles are open.
    assert_eq!(w.pobjs.len(), 3);
}

fn aes_key(ta: &mut Ta) -> u32 {
    let mut k = KeyObject::new(TEE_TYPE_AES, 256).unwrap();
    k.populate(&[Attribute::Ref {
        id: TEE_ATTR_SECRET_VALUE,
        data: &[9; 32],
    }])
    .unwrap();
    ta.cs.add_object(k).unwrap()
}

#[test]
fn key_objects_persist_with_their_usage() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let t = aes_key(&mut ta);
    ta.put(ID, b"key");
    w.sys(
        &mut ta,
        Sysnum::StorageObjCreate,
        &[
            TEE_STORAGE_PRIVATE.into(),
            ID,
            3,
            (R | W).into(),
            t.into(),
            0,
            0,
            OUT,
        ],
    )
    .unwrap();
    let h = ta.u32_at(OUT);
    assert!(
        ta.cs.object(t).unwrap().persist.is_none(),
        "the template stays transient"
    );
    let before = w.info(&mut ta, h);
    assert_eq!((before.obj_type, before.obj_size), (TEE_TYPE_AES, 256));
    w.sys(
        &mut ta,
        Sysnum::CrypObjRestrictUsage,
        &[h.into(), (!TEE_USAGE_EXTRACTABLE).into()],
    )
    .unwrap();
    w.close(&mut ta, h).unwrap();
    let h = w.open(&mut ta, b"key", R | W | SR | SW).unwrap();
    let after = w.info(&mut ta, h);
    assert_eq!(
        after.obj_usage, !TEE_USAGE_EXTRACTABLE,
        "restriction persisted"
    );
    assert_eq!(
        (after.obj_type, after.obj_size, after.max_obj_size),
        (before.obj_type, before.obj_size, before.max_obj_size)
    );
    assert_eq!(
        after.handle_flags,
        TEE_HANDLE_FLAG_PERSISTENT | TEE_HANDLE_FLAG_INITIALIZED | R | W | SR | SW
    );
    // A second handle on the same object: a restriction through it shows
    // through the first.
    let h2 = w.open(&mut ta, b"key", R | W | SR | SW).unwrap();
    let less = !(TEE_USAGE_EXTRACTABLE | TEE_USAGE_ENCRYPT);
    w.sys(
        &mut ta,
        Sysnum::CrypObjRestrictUsage,
        &[h2.into(), less.into()],
    )
    .unwrap();
    w.close(&mut ta, h2).unwrap();
    assert_eq!(w.info(&mut ta, h).obj_usage, less);
    assert_eq!(ta.cs.object(h).unwrap().key.secret(), Some(&[9u8; 32][..]));
    // Usable as a key: copied into an operation's transient object.
    let op_key = ta
        .cs
        .add_object(KeyObject::new(TEE_TYPE_AES, 256).unwrap())
        .unwrap();
    let src = ta.cs.object(h).unwrap().key.clone();
    ta.cs
        .object_mut(op_key)
        .unwrap()
        .key
        .copy_attributes_from(&src)
        .unwrap();
    // An operation takes only transient keys (libutee copies a persistent
    // key into one).
    assert_eq!(
        crate::user_ta::crypto::state_alloc_for_tests(&ta.space, &ta.hw, &mut ta.cs, h, OUT),
        Err(TeeError::BAD_PARAMETERS)
    );
    // Transient-only calls refuse a persistent object.
    assert_eq!(
        w.sys(&mut ta, Sysnum::CrypObjPopulate, &[h.into(), 0, 0]),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        w.sys(&mut ta, Sysnum::CrypObjGenerateKey, &[h.into(), 128, 0, 0]),
        Err(TeeError::BAD_STATE)
    );
    w.sys(&mut ta, Sysnum::CrypObjReset, &[h.into()]).unwrap();
    assert!(ta.cs.object(h).unwrap().key.is_initialized());
}

#[test]
fn a_transient_object_becomes_persistent() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let t = aes_key(&mut ta);
    ta.put(ID, b"k");
    w.sys(
        &mut ta,
        Sysnum::StorageObjCreate,
        &[
            TEE_STORAGE_PRIVATE.into(),
            ID,
            1,
            (R | M).into(),
            t.into(),
            0,
            0,
            0,
        ],
    )
    .unwrap();
    let i = w.info(&mut ta, t);
    assert_eq!(
        i.handle_flags & TEE_HANDLE_FLAG_PERSISTENT,
        TEE_HANDLE_FLAG_PERSISTENT
    );
    assert_eq!(w.open(&mut ta, b"k", R), Err(TeeError::ACCESS_CONFLICT));
    w.sys(&mut ta, Sysnum::StorageObjDel, &[t.into()]).unwrap();
    assert_eq!(w.open(&mut ta, b"k", R), Err(TeeError::ITEM_NOT_FOUND));
    // With no handle asked for and no attributes: created, then closed.
    w.sys(
        &mut ta,
        Sysnum::StorageObjCreate,
        &[TEE_STORAGE_PRIVATE.into(), ID, 1, R.into(), 0, 0, 0, 0],
    )
    .unwrap();
    assert_eq!(w.pobjs.len(), 0);
    assert!(w.open(&mut ta, b"k", R).is_ok());
}

#[test]
fn storage_ids_flags_and_id_lengths() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    for sid in [TEE_STORAGE_PRIVATE_RPMB, 0x8000_0200, 0, 2] {
        for nr in [Sysnum::StorageObjOpen, Sysnum::StorageObjCreate] {
            assert_eq!(
                w.sys(&mut ta, nr, &[sid.into(), ID, 1, R.into(), OUT, 0, 0, OUT]),
                Err(TeeError::ITEM_NOT_FOUND),
                "storage {sid:#x}"
            );
        }
    }
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjOpen,
            &[1, ID, 1, OVERWRITE.into(), OUT]
        ),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjOpen, &[1, ID, 1, 0x8000, OUT]),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjCreate,
            &[1, ID, 65, R.into(), 0, 0, 0, OUT]
        ),
        Err(TeeError::BAD_PARAMETERS)
    );
    // 64 bytes is fine.
    assert!(w.create(&mut ta, &[7; 64], R, b"").is_ok());
}

#[test]
fn hostile_arguments_never_panic() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let h = w.create(&mut ta, b"x", R | W, b"abc").unwrap();
    let st = ta
        .cs
        .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
        .unwrap();
    // Bad handles (libutee panics the TA on these answers).
    for bad in [0u64, 0xdead_beef, u64::MAX] {
        for (nr, args) in [
            (Sysnum::StorageObjRead, vec![bad, BUF, 1, COUNT]),
            (Sysnum::StorageObjWrite, vec![bad, DATA, 1]),
            (Sysnum::StorageObjTrunc, vec![bad, 1]),
            (Sysnum::StorageObjSeek, vec![bad, 1, 0]),
            (Sysnum::StorageObjDel, vec![bad]),
            (Sysnum::StorageObjRename, vec![bad, ID, 1]),
        ] {
            assert_eq!(
                w.sys(&mut ta, nr, &args),
                Err(TeeError::BAD_STATE),
                "{nr:?}"
            );
        }
        assert_eq!(
            w.sys(&mut ta, Sysnum::StorageEnumNext, &[bad, INFO, ID2, LEN]),
            Err(TeeError::BAD_PARAMETERS)
        );
    }
    // Seek on a transient object.
    assert_eq!(
        w.seek(&mut ta, st, 0, TEE_DATA_SEEK_SET),
        Err(TeeError::BAD_STATE)
    );
    // Object ids in client shared memory or unmapped: ACCESS_DENIED
    // (libutee panics: xtest 6020's TARGET_DEAD).
    for va in [NS_VA, UNMAPPED, u64::MAX - 3] {
        assert_eq!(
            w.sys(&mut ta, Sysnum::StorageObjOpen, &[1, va, 4, R.into(), OUT]),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(
            w.sys(
                &mut ta,
                Sysnum::StorageObjCreate,
                &[1, va, 4, R.into(), 0, 0, 0, OUT]
            ),
            Err(TeeError::ACCESS_DENIED)
        );
    }
    // Unwritable out-pointer: nothing created, nothing left open.
    ta.put(ID, b"new");
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjCreate,
            &[1, ID, 3, R.into(), 0, 0, 0, UNMAPPED]
        ),
        Err(TeeError::ACCESS_DENIED)
    );
    assert_eq!(w.open(&mut ta, b"new", R), Err(TeeError::ITEM_NOT_FOUND));
    // Initial data: NULL with a length, unmapped, huge.
    for (va, len, want) in [
        (0, 4, TeeError::BAD_PARAMETERS),
        (UNMAPPED, 4, TeeError::ACCESS_DENIED),
        (VA + SIZE - 4, 8, TeeError::ACCESS_DENIED),
        (DATA, u64::MAX, TeeError::OVERFLOW),
    ] {
        assert_eq!(
            w.sys(
                &mut ta,
                Sysnum::StorageObjCreate,
                &[1, ID, 3, R.into(), 0, va, len, OUT]
            ),
            Err(want)
        );
        assert_eq!(w.open(&mut ta, b"new", R), Err(TeeError::ITEM_NOT_FOUND));
    }
    // Huge or bad buffers for read and write. A huge read asks only for
    // what the stream holds (3 bytes here, at a buffer that ends 2 bytes
    // later: refused before anything is written).
    let end = VA + SIZE;
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjRead,
            &[h.into(), end - 2, u64::MAX, COUNT]
        ),
        Err(TeeError::ACCESS_DENIED)
    );
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjRead,
            &[h.into(), UNMAPPED, 4, COUNT]
        ),
        Err(TeeError::ACCESS_DENIED)
    );
    w.sys(
        &mut ta,
        Sysnum::StorageObjRead,
        &[h.into(), end - 3, u64::MAX, COUNT],
    )
    .unwrap();
    assert_eq!(ta.u64_at(COUNT), 3);
    // Data may live in client memory (the count may not).
    w.seek(&mut ta, h, 0, TEE_DATA_SEEK_SET).unwrap();
    w.sys(
        &mut ta,
        Sysnum::StorageObjRead,
        &[h.into(), NS_VA, 2, COUNT],
    )
    .unwrap();
    assert_eq!(ta.get(NS_VA, 2), b"ab");
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjRead, &[h.into(), BUF, 2, NS_VA]),
        Err(TeeError::ACCESS_DENIED)
    );
    w.seek(&mut ta, h, 0, TEE_DATA_SEEK_SET).unwrap();
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjRead,
            &[h.into(), BUF, 4, UNMAPPED]
        ),
        Err(TeeError::ACCESS_DENIED)
    );
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjWrite,
            &[h.into(), DATA, u64::MAX]
        ),
        Err(TeeError::OVERFLOW)
    );
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjWrite, &[h.into(), UNMAPPED, 4]),
        Err(TeeError::ACCESS_DENIED)
    );
    assert_eq!(
        w.sys(&mut ta, Sysnum::StorageObjSeek, &[h.into(), 0, u64::MAX]),
        Err(TeeError::BAD_PARAMETERS)
    );
    // Outputs must be the TA's own memory.
    ta.put(ID, b"x");
    assert_eq!(
        w.sys(
            &mut ta,
            Sysnum::StorageObjOpen,
            &[1, ID, 1, R.into(), NS_VA]
        ),
        Err(TeeError::ACCESS_DENIED)
    );
    w.sys(&mut ta, Sysnum::StorageEnumAlloc, &[OUT]).unwrap();
    let e = u64::from(ta.u32_at(OUT));
    w.sys(&mut ta, Sysnum::StorageEnumStart, &[e, 1]).unwrap();
    for (info, id, len) in [(NS_VA, ID2, LEN), (INFO, NS_VA, LEN), (INFO, ID2, UNMAPPED)] {
        assert_eq!(
            w.sys(&mut ta, Sysnum::StorageEnumNext, &[e, info, id, len]),
            Err(TeeError::ACCESS_DENIED)
        );
    }
    // Nothing moved: the object is intact.
    assert_eq!(w.read(&mut ta, h, 10).unwrap(), b"abc");
}

#[test]
fn corrupt_objects_are_removed_and_closed() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    let h = w.create(&mut ta, b"bad", R | W, b"abc").unwrap();
    w.store.corrupt.push(b"bad".to_vec());
    assert_eq!(w.read(&mut ta, h, 1), Err(TeeError::CORRUPT_OBJECT));
    assert!(ta.cs.object(h).is_none());
    assert_eq!(w.pobjs.len(), 0);
    assert!(w.store.objects.is_empty());
    // The TA may keep the handle.
    ta.flags = TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT;
    let h = w.create(&mut ta, b"bad", R | W, b"abc").unwrap();
    assert_eq!(w.write(&mut ta, h, b"x"), Err(TeeError::CORRUPT_OBJECT));
    assert!(ta.cs.object(h).is_some());
    assert!(w.store.objects.is_empty());
    w.close(&mut ta, h).unwrap();
    // A corrupt head at open: removed, no handle.
    w.store.corrupt.clear();
    let h = w.create(&mut ta, b"head", R, b"").unwrap();
    w.close(&mut ta, h).unwrap();
    w.store.objects.values_mut().for_each(|c| c.truncate(10));
    assert_eq!(w.open(&mut ta, b"head", R), Err(TeeError::CORRUPT_OBJECT));
    assert!(w.store.objects.is_empty());
    assert_eq!(w.pobjs.len(), 0);
}

#[test]
fn tas_see_only_their_own_objects() {
    let mut w = World::default();
    let (mut a, mut b) = (Ta::new(1), Ta::new(2));
    let ha = w.create(&mut a, b"same", R | SR, b"from a").unwrap();
    assert_eq!(w.open(&mut b, b"same", R), Err(TeeError::ITEM_NOT_FOUND));
    // Same id, separate object: no conflict with a's open handle.
    let hb = w.create(&mut b, b"same", R, b"from b").unwrap();
    assert_eq!(w.read(&mut a, ha, 10).unwrap(), b"from a");
    assert_eq!(w.read(&mut b, hb, 10).unwrap(), b"from b");
}

#[test]
fn closing_every_handle_frees_the_names() {
    let mut w = World::default();
    let mut ta = Ta::new(1);
    w.create(&mut ta, b"a", R | M, b"").unwrap();
    w.create(&mut ta, b"b", W | M, b"").unwrap();
    aes_key(&mut ta);
    let hs = ta.cs.persistent_handles();
    assert_eq!(hs.len(), 2);
    let (mut fs, mut rng) = (NoFs, NoRng);
    let mut locked = Locked {
        store: &mut w.store,
        env: Env {
            fs: &mut fs,
            rng: &mut rng,
            anchor: None,
            rpmb: None,
        },
        pobjs: &mut w.pobjs,
    };
    for h in hs {
        calls::close_persistent(&mut ta.cs, &mut locked, h);
    }
    assert_eq!(w.pobjs.len(), 0);
    assert!(w.store.open.is_empty());
    assert!(w.open(&mut ta, b"a", R | M).is_ok());
}

#[test]
fn rpmb_id_goes_to_its_own_store() {
    let mut w = World {
        rpmb: Some(MemStore::default()),
        ..World::default()
    };
    let mut ta = Ta::new(1);
    ta.put(ID, b"r");
    ta.put(DATA, b"in rpmb");
    w.sys(
        &mut ta,
        Sysnum::StorageObjCreate,
        &[
            u64::from(TEE_STORAGE_PRIVATE_RPMB),
            ID,
            1,
            u64::from(R | W | M),
            0,
            DATA,
            7,
            OUT,
        ],
    )
    .unwrap();
    let h = ta.u32_at(OUT);
    // Not in the REE store; in the RPMB one, and writes through the handle
    // go there.
    assert_eq!(w.open(&mut ta, b"r", R), Err(TeeError::ITEM_NOT_FOUND));
    w.sys(&mut ta, Sysnum::StorageObjWrite, &[h.into(), DATA, 2])
        .unwrap();
    assert_eq!(w.rpmb.as_ref().unwrap().objects.len(), 1);
    assert!(w.store.objects.is_empty());
    w.sys(&mut ta, Sysnum::StorageObjDel, &[h.into()]).unwrap();
    assert!(w.rpmb.as_ref().unwrap().objects.is_empty());
}

#[test]
fn new_content_joins_the_attributes_and_the_ta_data_at_any_split() {
    use oxtee_storage::Content;

    use super::calls::NewContent;
    use crate::user_ta::uptr::UserSlice;

    let (hw, space, _frames) = fake_ta::setup();
    let data: Vec<u8> = (0..200u8).collect();
    UserSlice::new(VA, 200).write(&space, &hw, &data).unwrap();
    let head = [0xeeu8; 7];
    let mut c = NewContent {
        head: &head,
        data: UserSlice::new(VA, 200),
        space: &space,
        hw: &hw,
    };
    let whole: Vec<u8> = head.iter().copied().chain(data.iter().copied()).collect();
    assert_eq!(c.len(), 207);
    for (off, n) in [(0, 207), (0, 3), (5, 4), (7, 10), (6, 1), (100, 107)] {
        let mut buf = vec![0; n];
        c.read_at(off as u64, &mut buf).unwrap();
        assert_eq!(buf, whole[off..off + n], "at {off}+{n}");
    }
    let mut past = [0u8; 2];
    assert_eq!(c.read_at(206, &mut past), Err(TeeError::ACCESS_DENIED));
}
