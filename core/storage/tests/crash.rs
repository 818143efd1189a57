//! Crash harness: runs storage workloads against a recording in-memory file
//! system, then cuts power after every prefix of the mutating-op log (and
//! inside every multi-sector write, at 512-byte granularity), restarts a
//! fresh store on what reached the disk, with and without a rollback anchor
//! that saw the advances that happened before the cut, and checks:
//! - every call acknowledged before the cut is there with its data;
//! - the interrupted call is all-or-nothing;
//! - the store opens (no corruption, no brick from the anchor) and stays
//!   usable.

use std::collections::BTreeMap;

use oxtee_storage::testing::{apply, Files, MemAnchor, MemFs, Op, TestRng};
use oxtee_storage::{Env, FileId, ObjectStore, ReeStore, RollbackAnchor, TaUuid};

const HUK: [u8; 16] = [0x11; 16];
const TAS: [TaUuid; 2] = [[0xb6; 16], [0x73; 16]];
const SECTOR: u64 = 512;

/// One TA-level call.
#[derive(Clone, Debug)]
enum Call {
    Create(usize, Vec<u8>, Vec<u8>, bool),
    Open(usize, Vec<u8>),
    Close(usize, Vec<u8>),
    Read(usize, Vec<u8>),
    Write(usize, Vec<u8>, u64, Vec<u8>),
    Truncate(usize, Vec<u8>, u64),
    Rename(usize, Vec<u8>, Vec<u8>),
    Remove(usize, Vec<u8>),
    List(usize),
}

type Model = BTreeMap<(usize, Vec<u8>), Vec<u8>>;

/// Runs calls on a live store, keeping handles open like a TA does.
struct Driver {
    st: ReeStore,
    fs: MemFs,
    rng: TestRng,
    anchor: MemAnchor,
    handles: BTreeMap<(usize, Vec<u8>), FileId>,
    model: Model,
}

impl Driver {
    fn env(&mut self) -> (&mut ReeStore, Env<'_>) {
        (
            &mut self.st,
            Env {
                fs: &mut self.fs,
                rng: &mut self.rng,
                anchor: Some(&mut self.anchor),
                rpmb: None,
            },
        )
    }

    fn handle(&mut self, ta: usize, id: &[u8]) -> FileId {
        if let Some(f) = self.handles.get(&(ta, id.to_vec())) {
            return *f;
        }
        let (s, mut e) = self.env();
        let f = s.open(&mut e, &TAS[ta], id).expect("open");
        self.handles.insert((ta, id.to_vec()), f);
        f
    }

    fn run(&mut self, c: &Call) {
        match c {
            Call::Create(ta, id, data, over) => {
                if let Some(f) = self.handles.remove(&(*ta, id.clone())) {
                    let (s, mut e) = self.env();
                    s.close(&mut e, f);
                }
                let (s, mut e) = self.env();
                let f = s
                    .create(&mut e, &TAS[*ta], id, data, *over)
                    .expect("create");
                self.handles.insert((*ta, id.clone()), f);
                self.model.insert((*ta, id.clone()), data.clone());
            }
            Call::Open(ta, id) => {
                self.handle(*ta, id);
            }
            Call::Close(ta, id) => {
                if let Some(f) = self.handles.remove(&(*ta, id.clone())) {
                    let (s, mut e) = self.env();
                    s.close(&mut e, f);
                }
            }
            Call::Read(ta, id) => {
                let f = self.handle(*ta, id);
                let want = self.model[&(*ta, id.clone())].clone();
                let mut b = vec![0u8; want.len() + 7];
                let (s, mut e) = self.env();
                let n = s.read(&mut e, f, 0, &mut b).expect("read");
                assert_eq!(&b[..n], &want[..], "live read");
            }
            Call::Write(ta, id, pos, data) => {
                let f = self.handle(*ta, id);
                let (s, mut e) = self.env();
                s.write(&mut e, f, *pos, data).expect("write");
                let m = self.model.get_mut(&(*ta, id.clone())).unwrap();
                let end = *pos as usize + data.len();
                if m.len() < end {
                    m.resize(end, 0);
                }
                m[*pos as usize..end].copy_from_slice(data);
            }
            Call::Truncate(ta, id, len) => {
                let f = self.handle(*ta, id);
                let (s, mut e) = self.env();
                s.truncate(&mut e, f, *len).expect("truncate");
                self.model
                    .get_mut(&(*ta, id.clone()))
                    .unwrap()
                    .resize(*len as usize, 0);
            }
            Call::Rename(ta, id, new) => {
                let f = self.handle(*ta, id);
                let (s, mut e) = self.env();
                s.rename(&mut e, f, new).expect("rename");
                self.handles.remove(&(*ta, id.clone()));
                self.handles.insert((*ta, new.clone()), f);
                let d = self.model.remove(&(*ta, id.clone())).unwrap();
                self.model.insert((*ta, new.clone()), d);
            }
            Call::Remove(ta, id) => {
                let f = self.handle(*ta, id);
                let (s, mut e) = self.env();
                s.remove(&mut e, f).expect("remove");
                self.handles.remove(&(*ta, id.clone()));
                self.model.remove(&(*ta, id.clone()));
            }
            Call::List(ta) => {
                let (s, mut e) = self.env();
                let ids = s.list(&mut e, &TAS[*ta]).expect("list");
                let mut got: Vec<_> = ids.into_iter().collect();
                got.sort();
                let want: Vec<_> = self
                    .model
                    .keys()
                    .filter(|k| k.0 == *ta)
                    .map(|k| k.1.clone())
                    .collect();
                assert_eq!(got, want, "live list");
            }
        }
    }
}

/// What a fresh store sees on `files`; `Err` describes a failure.
fn observe(files: &Files, anchor: Option<u32>) -> Result<Model, String> {
    let mut fs = MemFs::new();
    fs.restore(files.clone());
    let mut rng = TestRng::new(99);
    let mut a = anchor.map(MemAnchor::new);
    let mut st = ReeStore::new(&HUK).unwrap();
    let mut m = Model::new();
    {
        let mut env = Env {
            fs: &mut fs,
            rng: &mut rng,
            anchor: a.as_mut().map(|a| a as &mut dyn RollbackAnchor),
            rpmb: None,
        };
        for (ti, ta) in TAS.iter().enumerate() {
            let ids = st.list(&mut env, ta).map_err(|e| format!("list {e:?}"))?;
            for id in ids {
                let f = st
                    .open(&mut env, ta, &id)
                    .map_err(|e| format!("open {id:?}: {e:?}"))?;
                let n = st.size(f).map_err(|e| format!("size {e:?}"))? as usize;
                let mut b = vec![0u8; n];
                let got = st
                    .read(&mut env, f, 0, &mut b)
                    .map_err(|e| format!("read {id:?}: {e:?}"))?;
                if got != n {
                    return Err(format!("short read {got} of {n}"));
                }
                st.close(&mut env, f);
                if m.insert((ti, id.clone()), b).is_some() {
                    return Err(format!("duplicate id {id:?}"));
                }
            }
        }
        // Still usable: a new object commits and reads back.
        let f = st
            .create(&mut env, &TAS[1], b"probe", b"probe data", true)
            .map_err(|e| format!("probe create {e:?}"))?;
        let mut b = [0u8; 10];
        st.read(&mut env, f, 0, &mut b)
            .map_err(|e| format!("probe read {e:?}"))?;
        st.close(&mut env, f);
        if &b != b"probe data" {
            return Err("probe data".into());
        }
    }
    if fs.open_fds() != 0 {
        return Err("fd leaked".into());
    }
    // And what was done after recovery survives the next restart.
    let mut st = ReeStore::new(&HUK).unwrap();
    let mut env = Env {
        fs: &mut fs,
        rng: &mut rng,
        anchor: a.as_mut().map(|a| a as &mut dyn RollbackAnchor),
        rpmb: None,
    };
    let f = st
        .open(&mut env, &TAS[1], b"probe")
        .map_err(|e| format!("probe after restart {e:?}"))?;
    st.close(&mut env, f);
    Ok(m)
}

/// Splits a write at sector boundaries of the file.
fn pieces(off: u64, len: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut p = off;
    let end = off + len as u64;
    while p < end {
        let next = ((p / SECTOR) + 1) * SECTOR;
        let q = next.min(end);
        cuts.push((q - off) as usize);
        p = q;
    }
    cuts
}

/// Runs `calls` from an empty file system, then checks every cut point.
/// Returns the number of cut points checked.
fn check(name: &str, calls: &[Call]) -> usize {
    let mut d = Driver {
        st: ReeStore::new(&HUK).unwrap(),
        fs: MemFs::new(),
        rng: TestRng::new(7),
        anchor: MemAnchor::default(),
        handles: BTreeMap::new(),
        model: Model::new(),
    };
    d.fs.record(true);
    let log = d.fs.log();
    d.anchor = MemAnchor::logged(0, log.clone());
    // models[i] = acknowledged state after i calls; bounds[i] = log range.
    let mut models = vec![Model::new()];
    let mut bounds = Vec::new();
    for c in calls {
        let start = log.borrow().len();
        d.run(c);
        bounds.push((start, log.borrow().len()));
        models.push(d.model.clone());
    }
    let log = log.borrow().clone();

    let mut checked = 0;
    let mut violations = Vec::new();
    let mut files = Files::new();
    let mut anchor = 0u32;
    for k in 0..=log.len() {
        // Calls done before the cut; the one in progress (if any).
        let done = bounds.iter().take_while(|b| b.1 <= k).count();
        let mut states: Vec<(String, Files, u32, Vec<&Model>)> = Vec::new();
        let whole_ok: Vec<&Model> = if bounds.get(done).is_some_and(|b| b.0 < k) {
            vec![&models[done], &models[done + 1]]
        } else {
            vec![&models[done]]
        };
        states.push((format!("cut {k}"), files.clone(), anchor, whole_ok));
        if let Some(Op::Write(n, off, data)) = log.get(k) {
            let in_call = bounds.iter().position(|b| b.0 <= k && k < b.1).unwrap();
            let ok = vec![&models[in_call], &models[in_call + 1]];
            let ps = pieces(*off, data.len());
            let old = files.get(n).cloned().unwrap_or_default();
            let mut prev = 0usize;
            for (j, &at) in ps.iter().enumerate().take(ps.len().saturating_sub(1)) {
                // The first sectors of the write reached the disk, the rest
                // not. A sector that rewrites the bytes already there gives
                // the same state as the tear before it: skip that one.
                let (from, to) = (*off as usize + prev, *off as usize + at);
                prev = at;
                if old.get(from..to) == Some(&data[from - *off as usize..at]) {
                    continue;
                }
                let mut a = files.clone();
                apply(
                    &mut a,
                    &Op::Write(n.clone(), *off, data[..at].to_vec()),
                    None,
                );
                states.push((
                    format!("cut {k} torn after sector {j}"),
                    a,
                    anchor,
                    ok.clone(),
                ));
            }
        }
        for (what, f, anc, ok) in states {
            // An anchor still at zero behaves as none; check it once.
            let anchors = if anc == 0 {
                vec![None]
            } else {
                vec![None, Some(anc)]
            };
            for a in anchors {
                checked += 1;
                match observe(&f, a) {
                    Ok(m) if ok.iter().any(|w| **w == m) => {}
                    Ok(m) => violations.push(format!(
                        "{name} {what} anchor {a:?}: state {:?} not in {:?}",
                        summary(&m),
                        ok.iter().map(|w| summary(w)).collect::<Vec<_>>()
                    )),
                    Err(e) => violations.push(format!("{name} {what} anchor {a:?}: {e}")),
                }
            }
        }
        if let Some(op) = log.get(k) {
            if let Op::Anchor(v) = op {
                anchor = anchor.max(*v);
            }
            apply(&mut files, op, None);
        }
    }
    assert!(
        violations.is_empty(),
        "{} violations, first: {:#?}",
        violations.len(),
        &violations[..violations.len().min(5)]
    );
    println!(
        "{name}: {} calls, {} ops, {checked} cut points checked",
        calls.len(),
        log.len()
    );
    checked
}

fn summary(m: &Model) -> Vec<(usize, String, usize)> {
    m.iter()
        .map(|((t, id), d)| (*t, String::from_utf8_lossy(id).into_owned(), d.len()))
        .collect()
}

fn data(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(13).wrapping_add(seed))
        .collect()
}

fn id(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

#[test]
fn xtest_6000_patterns() {
    use Call::*;
    let long = vec![0x5a; 32];
    let calls = vec![
        // 6001/6002: three id shapes, first-ever initialisation included.
        Create(0, long.clone(), data(40, 1), false),
        Close(0, long.clone()),
        Open(0, long.clone()),
        Create(0, vec![], data(10, 2), false),
        List(0),
        Remove(0, vec![]),
        // 6003-6005: data, reopen, read, write, seek + write.
        Read(0, long.clone()),
        Write(0, long.clone(), 0, data(20, 3)),
        Write(0, long.clone(), 10, data(5, 4)),
        // 6007: truncate shrink/extend; write past the end leaves a hole.
        Truncate(0, long.clone(), 32),
        Truncate(0, long.clone(), 10),
        Truncate(0, long.clone(), 50),
        Write(0, long.clone(), 80, data(8, 5)),
        // 6008: rename to a new id and to the empty id.
        Rename(0, long.clone(), id("renamed")),
        Rename(0, id("renamed"), vec![]),
        // 6009/6019: several objects, the same id in two TAs, enumerate.
        Create(0, id("obj1"), data(100, 6), false),
        Create(1, id("obj1"), data(100, 7), false),
        Create(0, id("obj2"), data(5000, 8), false),
        List(0),
        List(1),
        // 6012: create with overwrite replaces.
        Create(0, id("obj1"), data(300, 9), true),
        // 6006/6014: delete.
        Remove(0, id("obj2")),
        Remove(1, id("obj1")),
        Create(0, id("again"), data(1, 10), false),
        Remove(0, id("again")),
    ];
    assert!(check("xtest60xx", &calls) > 100);
}

#[test]
fn large_object_crossing_a_node_block() {
    use Call::*;
    // xtest 6018 writes 20 x 32 KiB; 33 blocks take the tree past the first
    // node block (31 nodes) at a size the debug build checks quickly.
    let mut calls = vec![Create(0, id("big"), vec![], false)];
    for i in 0..3u64 {
        calls.push(Write(0, id("big"), i * 44 * 1024, data(44 * 1024, i as u8)));
    }
    calls.push(Write(0, id("big"), 30 * 4096 + 100, data(8192, 0xee)));
    calls.push(Truncate(0, id("big"), 4096 + 10));
    assert!(check("large", &calls) > 100);
}

#[test]
fn pkcs11_token_db_pattern() {
    use Call::*;
    let db = id("token.db.0");
    let mut calls = vec![Create(0, db.clone(), data(1200, 1), false)];
    for i in 0..4u8 {
        // Rewrite the main record, update a slot in the middle, cut the
        // object list, append to it; PKCS#11 objects come and go.
        calls.push(Write(0, db.clone(), 0, data(200, i)));
        calls.push(Write(0, db.clone(), 600, data(16, i + 50)));
        calls.push(Truncate(0, db.clone(), 1000 + u64::from(i) * 16));
        calls.push(Write(
            0,
            db.clone(),
            1000 + u64::from(i) * 16,
            data(32, i + 9),
        ));
        let obj = vec![i; 16];
        calls.push(Create(0, obj.clone(), data(700, i), false));
        if i % 2 == 1 {
            calls.push(Remove(0, obj));
        }
    }
    assert!(check("pkcs11", &calls) > 100);
}

#[test]
fn random_sequences() {
    let mut total = 0;
    for seed in 1..=2u64 {
        let mut r = TestRng::new(seed);
        let mut live: Vec<(usize, Vec<u8>, usize)> = Vec::new();
        let mut calls = Vec::new();
        for step in 0..20 {
            let pick = r.next_u64();
            let size = (r.next_u64() % 9000) as usize;
            if live.is_empty() || pick % 6 == 0 {
                let ta = (pick >> 8) as usize % 2;
                let name = format!("o{step}").into_bytes();
                calls.push(Call::Create(ta, name.clone(), data(size, step), false));
                live.push((ta, name, size));
                continue;
            }
            let i = (pick >> 16) as usize % live.len();
            let (ta, name, len) = live[i].clone();
            match pick % 6 {
                1 | 2 => {
                    let pos = (r.next_u64() % (len as u64 + 100)) as usize;
                    let n = size % 5000 + 1;
                    calls.push(Call::Write(ta, name, pos as u64, data(n, step)));
                    live[i].2 = len.max(pos + n);
                }
                3 => {
                    calls.push(Call::Truncate(ta, name, size as u64));
                    live[i].2 = size;
                }
                4 => {
                    let new = format!("r{step}").into_bytes();
                    calls.push(Call::Rename(ta, name, new.clone()));
                    live[i].1 = new;
                }
                _ => {
                    calls.push(Call::Remove(ta, name));
                    live.remove(i);
                }
            }
        }
        total += check(&format!("random seed {seed}"), &calls);
    }
    assert!(total > 200);
}
