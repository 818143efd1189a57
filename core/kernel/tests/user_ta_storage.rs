//! Storage system calls from a scripted TA through the real dispatcher and
//! store lock, on an in-memory store: objects outlive sessions, a dying TA's
//! handles are closed (its object names free again), ids in client shared
//! memory are refused.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use common::*;
use oxtee_kernel::user_ta::hw::Trap;
use oxtee_kernel::user_ta::storage::Storage;
use oxtee_pta::{Memref, Param, Params};
use oxtee_storage::{Content, Env, FileId, ObjectStore, TaUuid, TeeResult};
use supplicant_proto::tee_result::*;

const SYS_STORAGE_OBJ_OPEN: u64 = 41;
const SYS_STORAGE_OBJ_CREATE: u64 = 42;
const SYS_STORAGE_OBJ_READ: u64 = 50;
const SYS_STORAGE_OBJ_WRITE: u64 = 51;
const SYS_CRYP_OBJ_CLOSE: u64 = 28;
const STORAGE_PRIVATE: u64 = 1;
/// ACCESS_READ | ACCESS_WRITE | ACCESS_WRITE_META: exclusive.
const RWM: u64 = 7;
const CMD_PROGRAM: u32 = 99;

/// Objects by (TA, id), shared with the test through an `Arc`.
#[derive(Default)]
struct Mem {
    objects: BTreeMap<(TaUuid, Vec<u8>), Vec<u8>>,
    open: BTreeMap<u32, (TaUuid, Vec<u8>)>,
    next: u32,
}

#[derive(Clone, Default)]
struct MemStore(Arc<Mutex<Mem>>);

impl ObjectStore for MemStore {
    fn open(&mut self, _: &mut Env<'_>, ta: &TaUuid, id: &[u8]) -> TeeResult<FileId> {
        let mut m = self.0.lock().unwrap();
        let k = (*ta, id.to_vec());
        if !m.objects.contains_key(&k) {
            return Err(TeeError::ITEM_NOT_FOUND);
        }
        m.next += 1;
        let n = m.next;
        m.open.insert(n, k);
        Ok(FileId(n))
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
        let mut m = self.0.lock().unwrap();
        let k = (*ta, id.to_vec());
        if m.objects.contains_key(&k) && !overwrite {
            return Err(TeeError::ACCESS_CONFLICT);
        }
        m.objects.insert(k.clone(), bytes);
        m.next += 1;
        let n = m.next;
        m.open.insert(n, k);
        Ok(FileId(n))
    }
    fn close(&mut self, _: &mut Env<'_>, f: FileId) {
        self.0.lock().unwrap().open.remove(&f.0);
    }
    fn size(&self, f: FileId) -> TeeResult<u64> {
        let m = self.0.lock().unwrap();
        let k = m.open.get(&f.0).ok_or(TeeError::BAD_STATE)?;
        Ok(m.objects[k].len() as u64)
    }
    fn read(&mut self, _: &mut Env<'_>, f: FileId, pos: u64, buf: &mut [u8]) -> TeeResult<usize> {
        let m = self.0.lock().unwrap();
        let c = &m.objects[m.open.get(&f.0).ok_or(TeeError::BAD_STATE)?];
        let s = (pos as usize).min(c.len());
        let n = buf.len().min(c.len() - s);
        buf[..n].copy_from_slice(&c[s..s + n]);
        Ok(n)
    }
    fn write(&mut self, _: &mut Env<'_>, f: FileId, pos: u64, data: &[u8]) -> TeeResult<()> {
        let mut m = self.0.lock().unwrap();
        let k = m.open.get(&f.0).cloned().ok_or(TeeError::BAD_STATE)?;
        let c = m.objects.get_mut(&k).unwrap();
        let end = pos as usize + data.len();
        if c.len() < end {
            c.resize(end, 0);
        }
        c[pos as usize..end].copy_from_slice(data);
        Ok(())
    }
    fn truncate(&mut self, _: &mut Env<'_>, _: FileId, _: u64) -> TeeResult<()> {
        Err(TeeError::NOT_SUPPORTED)
    }
    fn remove(&mut self, _: &mut Env<'_>, _: FileId) -> TeeResult<()> {
        Err(TeeError::NOT_SUPPORTED)
    }
    fn rename(&mut self, _: &mut Env<'_>, _: FileId, _: &[u8]) -> TeeResult<()> {
        Err(TeeError::NOT_SUPPORTED)
    }
    fn list(&mut self, _: &mut Env<'_>, _: &TaUuid) -> TeeResult<Vec<Vec<u8>>> {
        Err(TeeError::NOT_SUPPORTED)
    }
}

type Step = Box<dyn Fn(&mut Ta<'_>) -> Trap + Send + Sync>;

fn program(steps: Vec<Step>) -> impl Fn(&mut Ta<'_>) -> Trap + Send + Sync {
    move |ta| {
        if ta.func() != 2 || ta.cmd() != CMD_PROGRAM {
            return ta.ret(0);
        }
        match steps.get(ta.step as usize) {
            Some(s) => s(ta),
            None => ta.ret(0),
        }
    }
}

const ID: u64 = SCRATCH;
const OUT: u64 = SCRATCH + 0x100;
const BUF: u64 = SCRATCH + 0x200;
const COUNT: u64 = SCRATCH + 0x300;

fn open_obj(flags: u64) -> Step {
    Box::new(move |ta| {
        assert!(ta.write(ID, b"obj"));
        ta.syscall(SYS_STORAGE_OBJ_OPEN, &[STORAGE_PRIVATE, ID, 3, flags, OUT])
    })
}

fn handle(ta: &Ta<'_>) -> u64 {
    u64::from(ta.read_u32(OUT).unwrap())
}

#[test]
fn objects_outlive_sessions_and_dying_tas_release_them() {
    let mut w = World::new();
    let store = MemStore::default();
    std::sync::Arc::get_mut(&mut w.k)
        .expect("no other user")
        .users_mut()
        .storage = Storage::with_backend(Box::new(store.clone()));
    let id = w.open0(UUID_MULTI).unwrap();
    // Create with data, overwrite it, then die holding the exclusive handle.
    let steps: Vec<Step> = vec![
        Box::new(|ta| {
            assert!(ta.write(ID, b"obj"));
            assert!(ta.write(BUF, b"abc"));
            ta.syscall(
                SYS_STORAGE_OBJ_CREATE,
                &[STORAGE_PRIVATE, ID, 3, RWM, 0, BUF, 3, OUT],
            )
        }),
        Box::new(|ta| {
            assert!(ta.write(BUF, b"def"));
            let h = handle(ta);
            ta.syscall(SYS_STORAGE_OBJ_WRITE, &[h, BUF, 3])
        }),
        // A second exclusive open conflicts.
        open_obj(RWM),
        Box::new(|ta| ta.panic()),
    ];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    assert_eq!(w.invoke0(id, CMD_PROGRAM), Err(TeeError::TARGET_DEAD));
    let got: Vec<(u64, u64)> = w.hw.take_results();
    assert_eq!(
        got[..3],
        [
            (SYS_STORAGE_OBJ_CREATE, 0),
            (SYS_STORAGE_OBJ_WRITE, 0),
            (SYS_STORAGE_OBJ_OPEN, u64::from(TEE_ERROR_ACCESS_CONFLICT))
        ]
    );
    assert!(
        store.0.lock().unwrap().open.is_empty(),
        "the dead TA's file is closed"
    );
    w.close(id).unwrap();

    // A new instance opens it exclusively again and reads it back.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let steps: Vec<Step> = vec![
        open_obj(RWM),
        Box::new(|ta| {
            let h = handle(ta);
            ta.syscall(SYS_STORAGE_OBJ_READ, &[h, BUF, 100, COUNT])
        }),
        Box::new(move |ta| {
            let n = ta.read_u64(COUNT).unwrap() as usize;
            *seen2.lock().unwrap() = ta.read(BUF, n).unwrap();
            let h = handle(ta);
            ta.syscall(SYS_CRYP_OBJ_CLOSE, &[h])
        }),
    ];
    w.hw.set_script(program(steps));
    let id = w.open0(UUID_MULTI).unwrap();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    assert_eq!(got[..3], [0, 0, 0]);
    // Created with "abc", position 0: the write replaced it.
    assert_eq!(*seen.lock().unwrap(), b"def");
    assert!(store.0.lock().unwrap().open.is_empty());
    w.close(id).unwrap();
    w.assert_clean();
}

#[test]
fn object_ids_in_client_memory_are_refused() {
    let mut w = World::new();
    let store = MemStore::default();
    std::sync::Arc::get_mut(&mut w.k)
        .expect("no other user")
        .users_mut()
        .storage = Storage::with_backend(Box::new(store.clone()));
    let id = w.open0(UUID_MULTI).unwrap();
    let steps: Vec<Step> = vec![Box::new(|ta| {
        let m = ta.params().a[0];
        ta.syscall(SYS_STORAGE_OBJ_OPEN, &[STORAGE_PRIVATE, m, 3, 1, OUT])
    })];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    let mut p: Params = [
        Param::MemrefInput(Memref::new(b"obj".to_vec())),
        Param::None,
        Param::None,
        Param::None,
    ];
    w.invoke(id, CMD_PROGRAM, &mut p).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    // libutee turns this answer into a TA panic (xtest 6020).
    assert_eq!(got[..1], [u64::from(TEE_ERROR_ACCESS_DENIED)]);
    w.close(id).unwrap();
}

#[test]
fn the_ree_fs_store_works_through_tee_supplicant() {
    // The real store over the RPC file service: a missing object is
    // ITEM_NOT_FOUND; one created, written and reopened in a later session
    // reads back, and the supplicant holds OP-TEE's files (dirf.db and
    // numbered files), never the plaintext.
    let mut w = World::new();
    let id = w.open0(UUID_MULTI).unwrap();
    let steps: Vec<Step> = vec![
        open_obj(1),
        Box::new(|ta| {
            assert!(ta.write(ID, b"obj"));
            assert!(ta.write(BUF, b"plaintext-abc"));
            ta.syscall(
                SYS_STORAGE_OBJ_CREATE,
                &[STORAGE_PRIVATE, ID, 3, RWM, 0, BUF, 13, OUT],
            )
        }),
        Box::new(|ta| {
            let h = handle(ta);
            ta.syscall(SYS_CRYP_OBJ_CLOSE, &[h])
        }),
    ];
    w.hw.set_script(program(steps));
    w.hw.take_results();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    assert_eq!(got[..3], [u64::from(TEE_ERROR_ITEM_NOT_FOUND), 0, 0]);
    w.close(id).unwrap();
    // The TA's version floor (ta_ver.db), its object, the directory.
    let names: Vec<String> = w.rpc.fs.files.keys().cloned().collect();
    assert_eq!(names, ["/0", "/1", "/dirf.db"]);
    for f in w.rpc.fs.files.values() {
        assert!(!f.windows(9).any(|x| x == b"plaintext"));
    }

    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let steps: Vec<Step> = vec![
        open_obj(1),
        Box::new(|ta| {
            let h = handle(ta);
            ta.syscall(SYS_STORAGE_OBJ_READ, &[h, BUF, 100, COUNT])
        }),
        Box::new(move |ta| {
            let n = ta.read_u64(COUNT).unwrap() as usize;
            *seen2.lock().unwrap() = ta.read(BUF, n).unwrap();
            let h = handle(ta);
            ta.syscall(SYS_CRYP_OBJ_CLOSE, &[h])
        }),
    ];
    w.hw.set_script(program(steps));
    let id = w.open0(UUID_MULTI).unwrap();
    w.invoke0(id, CMD_PROGRAM).unwrap();
    let got: Vec<u64> = w.hw.take_results().into_iter().map(|(_, x)| x).collect();
    assert_eq!(got[..3], [0, 0, 0]);
    assert_eq!(*seen.lock().unwrap(), b"plaintext-abc");
    w.close(id).unwrap();
    w.assert_clean();
}
