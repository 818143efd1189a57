//! Store behaviour over the in-memory file system: round trips, OP-TEE
//! semantics, hostile file systems and fault injection.

use oxtee_storage::testing::{Kind, MemAnchor, MemFs, TestRng};
use oxtee_storage::{Env, FileId, ObjectStore, ReeStore};
use supplicant_proto::tee_error::TeeError;

const TA: [u8; 16] = [
    0xb6, 0x89, 0xf2, 0xa7, 0x8a, 0xdf, 0x47, 0x7a, 0x9f, 0x99, 0x32, 0xe9, 0x0c, 0x0a, 0xd0, 0xa2,
];
const TA2: [u8; 16] = [
    0x73, 0x1e, 0x27, 0x9e, 0xaa, 0xfb, 0x45, 0x75, 0xa7, 0x71, 0x0c, 0xa6, 0xf0, 0xcc, 0xa6, 0xa6,
];
const HUK: [u8; 16] = [0; 16];

struct T {
    fs: MemFs,
    rng: TestRng,
    anchor: Option<MemAnchor>,
    st: ReeStore,
}

impl T {
    fn new() -> Self {
        T {
            fs: MemFs::new(),
            rng: TestRng::new(1),
            anchor: None,
            st: ReeStore::new(&HUK).unwrap(),
        }
    }
    fn with_anchor(v: u32) -> Self {
        let mut t = T::new();
        t.anchor = Some(MemAnchor::new(v));
        t
    }
    /// A fresh store over the same files (a reboot).
    fn reboot(&mut self) {
        self.fs.restore(self.fs.snapshot());
        self.st = ReeStore::new(&HUK).unwrap();
    }
    fn env(&mut self) -> (&mut ReeStore, Env<'_>) {
        let anchor = self
            .anchor
            .as_mut()
            .map(|a| a as &mut dyn oxtee_storage::RollbackAnchor);
        (
            &mut self.st,
            Env {
                fs: &mut self.fs,
                rng: &mut self.rng,
                anchor,
                rpmb: None,
            },
        )
    }
    fn create(&mut self, ta: &[u8; 16], id: &[u8], data: &[u8]) -> Result<FileId, TeeError> {
        let (s, mut e) = self.env();
        s.create(&mut e, ta, id, data, false)
    }
    fn open(&mut self, ta: &[u8; 16], id: &[u8]) -> Result<FileId, TeeError> {
        let (s, mut e) = self.env();
        s.open(&mut e, ta, id)
    }
    fn close(&mut self, f: FileId) {
        let (s, mut e) = self.env();
        s.close(&mut e, f)
    }
    fn write(&mut self, f: FileId, pos: u64, d: &[u8]) -> Result<(), TeeError> {
        let (s, mut e) = self.env();
        s.write(&mut e, f, pos, d)
    }
    fn truncate(&mut self, f: FileId, len: u64) -> Result<(), TeeError> {
        let (s, mut e) = self.env();
        s.truncate(&mut e, f, len)
    }
    fn read_all(&mut self, f: FileId) -> Result<Vec<u8>, TeeError> {
        let n = self.st.size(f)? as usize;
        let mut b = vec![0u8; n + 10];
        let (s, mut e) = self.env();
        let got = s.read(&mut e, f, 0, &mut b)?;
        b.truncate(got);
        Ok(b)
    }
    fn get(&mut self, ta: &[u8; 16], id: &[u8]) -> Result<Vec<u8>, TeeError> {
        let f = self.open(ta, id)?;
        let r = self.read_all(f);
        self.close(f);
        r
    }
    fn list(&mut self, ta: &[u8; 16]) -> Result<Vec<Vec<u8>>, TeeError> {
        let (s, mut e) = self.env();
        s.list(&mut e, ta)
    }
}

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[test]
fn create_write_read_roundtrip_across_reboot() {
    let mut t = T::new();
    let f = t.create(&TA, b"obj", &pattern(10, 1)).unwrap();
    t.write(f, 5, &pattern(9000, 2)).unwrap();
    let mut want = pattern(10, 1);
    want.truncate(5);
    want.extend(pattern(9000, 2));
    assert_eq!(t.read_all(f).unwrap(), want);
    t.close(f);
    assert_eq!(t.fs.open_fds(), 0, "no fd left open");
    t.reboot();
    assert_eq!(t.get(&TA, b"obj").unwrap(), want);
    assert!(t.fs.files.contains_key("/dirf.db"));
    assert!(t.fs.files.contains_key("/0"));
}

#[test]
fn hole_is_zero_filled_and_truncate_shrinks_and_extends() {
    let mut t = T::new();
    let f = t.create(&TA, b"h", &pattern(32, 3)).unwrap();
    t.write(f, 80, b"xyz").unwrap();
    let d = t.read_all(f).unwrap();
    assert_eq!(d.len(), 83);
    assert!(d[32..80].iter().all(|&b| b == 0));
    t.truncate(f, 10).unwrap();
    t.truncate(f, 20000).unwrap();
    let d = t.read_all(f).unwrap();
    assert_eq!(&d[..10], &pattern(32, 3)[..10]);
    assert!(d[10..].iter().all(|&b| b == 0));
    t.truncate(f, 4096).unwrap();
    t.close(f);
    t.reboot();
    assert_eq!(t.get(&TA, b"h").unwrap().len(), 4096);
}

#[test]
fn ids_rename_remove_list_and_conflicts() {
    let mut t = T::new();
    let a = t.create(&TA, b"a", b"1").unwrap();
    let e = t.create(&TA, b"", b"empty id").unwrap();
    let _b = t.create(&TA2, b"a", b"other ta").unwrap();
    assert_eq!(t.create(&TA, b"a", b"x"), Err(TeeError::ACCESS_CONFLICT));
    assert_eq!(
        t.create(&TA, &[0u8; 65], b"x"),
        Err(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(t.list(&TA).unwrap(), vec![b"a".to_vec(), b"".to_vec()]);
    {
        let (s, mut env) = t.env();
        assert_eq!(s.rename(&mut env, a, b""), Err(TeeError::ACCESS_CONFLICT));
        s.rename(&mut env, a, b"renamed").unwrap();
        s.remove(&mut env, e).unwrap();
    }
    t.reboot();
    assert_eq!(t.list(&TA).unwrap(), vec![b"renamed".to_vec()]);
    assert_eq!(t.get(&TA, b"renamed").unwrap(), b"1");
    assert_eq!(t.get(&TA, b"a"), Err(TeeError::ITEM_NOT_FOUND));
    assert_eq!(t.get(&TA2, b"a").unwrap(), b"other ta");
    assert_eq!(t.get(&TA2, b"renamed"), Err(TeeError::ITEM_NOT_FOUND));
    assert_eq!(t.list(&[9; 16]).unwrap(), Vec::<Vec<u8>>::new());
}

#[test]
fn overwrite_replaces_and_removes_the_old_file() {
    let mut t = T::new();
    let f = t.create(&TA, b"o", b"old").unwrap();
    t.close(f);
    let f = {
        let (s, mut e) = t.env();
        s.create(&mut e, &TA, b"o", b"new", true).unwrap()
    };
    t.close(f);
    assert!(!t.fs.files.contains_key("/0"), "old file removed");
    t.reboot();
    assert_eq!(t.get(&TA, b"o").unwrap(), b"new");
}

#[test]
fn large_object_640k() {
    let mut t = T::new();
    let f = t.create(&TA, b"big", b"").unwrap();
    let chunk = pattern(32 * 1024, 7);
    for i in 0..20 {
        t.write(f, i * 32 * 1024, &chunk).unwrap();
    }
    t.close(f);
    t.reboot();
    let d = t.get(&TA, b"big").unwrap();
    assert_eq!(d.len(), 640 * 1024);
    assert!(d.chunks(32 * 1024).all(|c| c == &chunk[..]));
}

#[test]
fn shrinking_a_deep_tree_keeps_it_verifiable() {
    for (a, b) in [
        (20000u64, 4096u64),
        (20000, 0),
        (200_000, 5000),
        (9000, 4096),
    ] {
        let mut t = T::new();
        let f = t.create(&TA, b"h", &pattern(32, 3)).unwrap();
        t.truncate(f, a).unwrap();
        t.truncate(f, b).unwrap();
        t.close(f);
        t.reboot();
        assert_eq!(
            t.get(&TA, b"h").map(|d| d.len() as u64),
            Ok(b),
            "{a} -> {b}"
        );
    }
}

/// A store with objects "a" (/0) and "b" (/1), closed, after a reboot.
fn two_objects() -> T {
    let mut t = T::new();
    let a = t.create(&TA, b"a", &pattern(5000, 1)).unwrap();
    let b = t.create(&TA, b"b", &pattern(5000, 2)).unwrap();
    t.close(a);
    t.close(b);
    t.reboot();
    t
}

#[test]
fn hostile_object_files_are_corrupt_objects() {
    type Mangle = fn(&mut MemFs);
    let cases: [(&str, Mangle); 6] = [
        ("missing", |fs| {
            fs.files.remove("/0");
        }),
        ("zero length", |fs| {
            fs.files.insert("/0".into(), vec![]);
        }),
        ("truncated", |fs| {
            fs.files.get_mut("/0").unwrap().truncate(4200);
        }),
        ("garbage", |fs| {
            let n = fs.files["/0"].len();
            fs.files.insert("/0".into(), pattern(n, 9));
        }),
        ("swapped", |fs| {
            let a = fs.files.remove("/0").unwrap();
            let b = fs.files.insert("/1".into(), a).unwrap();
            fs.files.insert("/0".into(), b);
        }),
        ("flipped data byte", |fs| {
            fs.files.get_mut("/0").unwrap()[3 * 4096 + 7] ^= 1;
            fs.files.get_mut("/0").unwrap()[2 * 4096 + 7] ^= 1;
        }),
    ];
    for (what, mangle) in cases {
        let mut t = two_objects();
        mangle(&mut t.fs);
        let r = t.get(&TA, b"a");
        assert_eq!(r, Err(TeeError::CORRUPT_OBJECT), "{what}");
        if what != "swapped" {
            assert_eq!(
                t.get(&TA, b"b").unwrap(),
                pattern(5000, 2),
                "{what}: b intact"
            );
        }
        assert_eq!(t.fs.open_fds(), 0, "{what}: no fd leaked");
    }
}

#[test]
fn older_copy_of_an_object_is_refused() {
    let mut t = two_objects();
    let old = t.fs.files["/0"].clone();
    let f = t.open(&TA, b"a").unwrap();
    t.write(f, 0, b"new").unwrap();
    t.write(f, 0, b"newer").unwrap();
    t.close(f);
    t.fs.files.insert("/0".into(), old);
    t.reboot();
    assert_eq!(t.get(&TA, b"a"), Err(TeeError::CORRUPT_OBJECT));
}

#[test]
fn one_version_back_is_still_found_by_hash() {
    // A cut between the object's header and dirf.db's: the directory names
    // the older root, which is still on disk.
    let mut t = two_objects();
    let dirf = t.fs.files["/dirf.db"].clone();
    let f = t.open(&TA, b"a").unwrap();
    t.write(f, 0, b"new").unwrap();
    t.close(f);
    t.fs.files.insert("/dirf.db".into(), dirf);
    t.reboot();
    assert_eq!(t.get(&TA, b"a").unwrap(), pattern(5000, 1));
}

#[test]
fn dirf_rollback_and_loss_with_an_anchor_are_security_errors() {
    let mut t = T::with_anchor(0);
    let f = t.create(&TA, b"a", b"1").unwrap();
    t.close(f);
    let old = t.fs.files["/dirf.db"].clone();
    let f = t.open(&TA, b"a").unwrap();
    t.write(f, 0, b"2").unwrap();
    t.close(f);
    assert!(t.anchor.as_ref().unwrap().value >= 2);

    t.fs.files.insert("/dirf.db".into(), old.clone());
    t.reboot();
    assert_eq!(t.list(&TA), Err(TeeError::SECURITY), "older dirf.db");

    for replacement in [None, Some(vec![]), Some(vec![0u8; 8192])] {
        match replacement {
            None => t.fs.files.remove("/dirf.db"),
            Some(r) => t.fs.files.insert("/dirf.db".into(), r),
        };
        t.reboot();
        assert_eq!(t.list(&TA), Err(TeeError::SECURITY));
        assert_eq!(t.create(&TA, b"x", b""), Err(TeeError::SECURITY));
    }
    // Without an anchor an old directory is all the store can know.
    t.anchor = None;
    t.fs.files.insert("/dirf.db".into(), old);
    t.reboot();
    // ... and the object's previous version is still on disk for it.
    assert_eq!(t.get(&TA, b"a").unwrap(), b"1");
}

#[test]
fn headerless_dirf_reinitialises_without_an_anchor() {
    for content in [
        vec![],
        vec![0u8; 136],
        vec![0u8; 4096 + 132],
        pattern(9000, 4),
    ] {
        for anchor in [None, Some(0)] {
            let mut t = T::new();
            t.anchor = anchor.map(MemAnchor::new);
            t.fs.files.insert("/dirf.db".into(), content.clone());
            assert_eq!(t.list(&TA).unwrap(), Vec::<Vec<u8>>::new());
            let f = t.create(&TA, b"a", b"ok").unwrap();
            t.close(f);
            t.reboot();
            assert_eq!(t.get(&TA, b"a").unwrap(), b"ok");
        }
    }
}

#[test]
fn other_device_key_is_not_accepted() {
    let mut t = two_objects();
    t.st = ReeStore::new(&[1; 16]).unwrap();
    t.anchor = Some(MemAnchor::new(3));
    assert_eq!(t.list(&TA), Err(TeeError::SECURITY));
    t.anchor = None;
    // No anchor: an unreadable directory is treated as none (OP-TEE 4.10).
    assert_eq!(t.list(&TA).unwrap(), Vec::<Vec<u8>>::new());
}

#[test]
fn fs_errors_are_reported_and_leave_committed_data_intact() {
    for (kind, nth, err) in [
        (Kind::Write, 0, TeeError::STORAGE_NO_SPACE),
        (Kind::Write, 1, TeeError::STORAGE_NO_SPACE),
        (Kind::Write, 2, TeeError::GENERIC),
        (Kind::Write, 3, TeeError::GENERIC),
        (Kind::Write, 5, TeeError::STORAGE_NO_SPACE),
        (Kind::Read, 0, TeeError::GENERIC),
        (Kind::Read, 1, TeeError::GENERIC),
        (Kind::Open, 0, TeeError::GENERIC),
    ] {
        let mut t = two_objects();
        let f = t.open(&TA, b"a").unwrap();
        t.fs.inject(kind, nth, err);
        let r = t.write(f, 100, &pattern(6000, 5));
        t.fs.clear_faults();
        let mut want = pattern(5000, 1);
        if r.is_ok() {
            want.truncate(100);
            want.extend(pattern(6000, 5));
        } else {
            assert_eq!(r, Err(err), "{kind:?} {nth}");
        }
        assert_eq!(
            t.read_all(f).unwrap(),
            want,
            "{kind:?} {nth}: handle still works"
        );
        t.write(f, 0, b"after").unwrap();
        want[..5].copy_from_slice(b"after");
        t.close(f);
        assert_eq!(t.fs.open_fds(), 0);
        t.reboot();
        assert_eq!(t.get(&TA, b"a").unwrap(), want, "{kind:?} {nth}");
        assert_eq!(t.get(&TA, b"b").unwrap(), pattern(5000, 2));
    }
}

#[test]
fn create_failing_midway_leaves_nothing() {
    // A small create is five writes: object nodes+data, its header,
    // dirf.db's node, its block, its header.
    for nth in 0..5 {
        let mut t = two_objects();
        t.fs.inject(Kind::Write, nth, TeeError::STORAGE_NO_SPACE);
        assert_eq!(
            t.create(&TA, b"c", &pattern(100, 3)),
            Err(TeeError::STORAGE_NO_SPACE)
        );
        t.fs.clear_faults();
        assert_eq!(t.fs.open_fds(), 0);
        assert!(!t.fs.files.contains_key("/2"), "new file removed");
        assert_eq!(t.list(&TA).unwrap(), vec![b"a".to_vec(), b"b".to_vec()]);
        t.reboot();
        assert_eq!(t.get(&TA, b"c"), Err(TeeError::ITEM_NOT_FOUND));
    }
}

#[test]
fn short_reads_are_corrupt_objects() {
    let mut t = two_objects();
    t.fs.short_reads(1);
    // The first read is dirf.db's header block: short by one byte it still
    // holds the headers and nodes, so make the object's block read short.
    let f = t.open(&TA, b"a");
    if let Ok(f) = f {
        t.fs.short_reads(3);
        let mut b = [0u8; 10];
        let (s, mut e) = t.env();
        assert_eq!(s.read(&mut e, f, 0, &mut b), Err(TeeError::CORRUPT_OBJECT));
    }
    t.fs.clear_faults();
    let mut t = two_objects();
    t.fs.files.get_mut("/0").unwrap().truncate(4096 + 100);
    assert_eq!(t.get(&TA, b"a"), Err(TeeError::CORRUPT_OBJECT));
}

#[test]
fn no_random_source_no_keys() {
    let mut t = T::new();
    t.rng.broken = true;
    assert!(t.create(&TA, b"a", b"x").is_err());
    assert_eq!(t.fs.open_fds(), 0);
    t.rng.broken = false;
    assert_eq!(t.get(&TA, b"a"), Err(TeeError::ITEM_NOT_FOUND));
    let f = t.create(&TA, b"a", b"x").unwrap();
    t.rng.broken = true;
    assert!(t.write(f, 0, b"y").is_err());
    t.rng.broken = false;
    assert_eq!(t.read_all(f).unwrap(), b"x");
}

#[test]
fn small_write_costs_four_writes_and_no_read() {
    let mut t = T::new();
    let f = t.create(&TA, b"bench", b"").unwrap();
    t.write(f, 0, &[1; 1024]).unwrap();
    let before = t.fs.stats;
    t.write(f, 1024, &[2; 1024]).unwrap();
    let d = t.fs.stats;
    // OP-TEE 4.5 needs 3 reads and 6 writes here. Root node and block 0
    // go out in one write (object and dirf.db alike), then the header.
    assert_eq!(d.read - before.read, 0);
    assert_eq!(d.write - before.write, 4);
    assert_eq!(d.total() - before.total(), 4);
    // Also when block 0 alternates to the version after the node block.
    let before = t.fs.stats;
    t.write(f, 2048, &[3; 1024]).unwrap();
    assert_eq!(t.fs.stats.total() - before.total(), 4);
    // After a reboot the first write learns block 0's ciphertext.
    t.close(f);
    t.reboot();
    let f = t.open(&TA, b"bench").unwrap();
    t.write(f, 3072, &[4; 1024]).unwrap();
    let before = t.fs.stats;
    t.write(f, 0, &[5; 1024]).unwrap();
    assert_eq!(t.fs.stats.total() - before.total(), 4);
    let mut want = vec![5u8; 1024];
    want.extend([2; 1024]);
    want.extend([3; 1024]);
    want.extend([4; 1024]);
    assert_eq!(t.read_all(f).unwrap(), want);
}

#[test]
fn large_read_fetches_blocks_together() {
    let mut t = T::new();
    let f = t.create(&TA, b"big", &pattern(640 * 1024, 3)).unwrap();
    t.close(f);
    t.reboot();
    let f = t.open(&TA, b"big").unwrap();
    let before = t.fs.stats;
    let d = t.read_all(f).unwrap();
    assert_eq!(d, pattern(640 * 1024, 3));
    // 160 blocks, eight per read (OP-TEE: one read per block).
    assert_eq!(t.fs.stats.read - before.read, 20);
}

#[test]
fn two_handles_share_one_object() {
    let mut t = T::new();
    let a = t.create(&TA, b"o", b"12345").unwrap();
    let b = t.open(&TA, b"o").unwrap();
    t.write(a, 0, b"ab").unwrap();
    assert_eq!(t.read_all(b).unwrap(), b"ab345");
    t.write(b, 5, b"cd").unwrap();
    assert_eq!(t.read_all(a).unwrap(), b"ab345cd");
    t.close(a);
    assert_eq!(t.read_all(b).unwrap(), b"ab345cd");
    t.close(b);
    assert_eq!(t.fs.open_fds(), 0);
    t.reboot();
    assert_eq!(t.get(&TA, b"o").unwrap(), b"ab345cd");
}

#[test]
fn refusals_do_not_reload_the_directory() {
    let mut t = T::new();
    let f = t.create(&TA, b"a", b"1").unwrap();
    let before = t.fs.stats;
    assert_eq!(t.open(&TA, b"missing"), Err(TeeError::ITEM_NOT_FOUND));
    assert_eq!(t.create(&TA, b"a", b"2"), Err(TeeError::ACCESS_CONFLICT));
    assert_eq!(
        t.fs.stats.total(),
        before.total(),
        "answered from the cache"
    );
    t.close(f);
}

/// A source that serves `data` and remembers how it was asked, failing at
/// `fail_at` when set.
struct Source {
    data: Vec<u8>,
    fail_at: Option<u64>,
    next: u64,
    largest: usize,
}

impl oxtee_storage::Content for Source {
    fn len(&self) -> u64 {
        self.data.len() as u64
    }
    fn read_at(&mut self, off: u64, buf: &mut [u8]) -> Result<(), TeeError> {
        assert_eq!(off, self.next, "read once, front to back");
        if self.fail_at.is_some_and(|f| f < off + buf.len() as u64) {
            return Err(TeeError::ACCESS_DENIED);
        }
        buf.copy_from_slice(&self.data[off as usize..off as usize + buf.len()]);
        self.next += buf.len() as u64;
        self.largest = self.largest.max(buf.len());
        Ok(())
    }
}

#[test]
fn a_large_new_object_is_read_piecewise_never_whole() {
    let mut t = T::new();
    let data = pattern(1024 * 1024 + 123, 5);
    let mut src = Source {
        data: data.clone(),
        fail_at: None,
        next: 0,
        largest: 0,
    };
    let f = {
        let (s, mut e) = t.env();
        s.create_from(&mut e, &TA, b"mib", &mut src, false).unwrap()
    };
    t.close(f);
    assert_eq!(src.next, data.len() as u64);
    assert!(src.largest <= 16 * 1024, "piece of {} bytes", src.largest);
    t.reboot();
    assert_eq!(t.get(&TA, b"mib").unwrap(), data);
}

#[test]
fn a_source_failing_mid_create_leaves_the_old_object_and_no_file() {
    let mut t = T::new();
    let f = t.create(&TA, b"o", b"old").unwrap();
    t.close(f);
    let files_before: Vec<String> = t.fs.files.keys().cloned().collect();
    for fail_at in [0, 5000, 200 * 1024] {
        for (id, overwrite) in [(&b"o"[..], true), (&b"new"[..], false)] {
            let mut src = Source {
                data: pattern(300 * 1024, 9),
                fail_at: Some(fail_at),
                next: 0,
                largest: 0,
            };
            let (s, mut e) = t.env();
            assert_eq!(
                s.create_from(&mut e, &TA, id, &mut src, overwrite).err(),
                Some(TeeError::ACCESS_DENIED)
            );
        }
    }
    let files_after: Vec<String> = t.fs.files.keys().cloned().collect();
    assert_eq!(files_before, files_after, "no file left behind");
    t.reboot();
    assert_eq!(t.get(&TA, b"o").unwrap(), b"old");
    assert_eq!(t.get(&TA, b"new"), Err(TeeError::ITEM_NOT_FOUND));
}

/// `ta_ver.db`'s first use as the TA loader makes it: open, else create
/// the header of an empty database.
fn open_or_create_db(t: &mut T) -> Result<FileId, TeeError> {
    match t.open(&TA, b"ta_ver.db") {
        Err(TeeError::ITEM_NOT_FOUND) => {
            let (s, mut e) = t.env();
            s.create(&mut e, &TA, b"ta_ver.db", &[0; 8], false)
        }
        r => r,
    }
}

#[test]
fn an_anchor_failing_past_the_commit_loses_nothing() {
    // The anchor refuses the first raise (a secure flash not yet
    // writable): the first use fails, and a retry finds the committed
    // database instead of a directory naming a removed file.
    let mut t = T::with_anchor(0);
    t.anchor
        .as_mut()
        .unwrap()
        .refuse(1, TeeError::STORAGE_NOT_AVAILABLE);
    assert_eq!(
        open_or_create_db(&mut t).err(),
        Some(TeeError::STORAGE_NOT_AVAILABLE)
    );
    assert_eq!(t.anchor.as_ref().unwrap().value, 0, "not raised");
    assert_eq!(t.fs.open_fds(), 0);
    let f = open_or_create_db(&mut t).expect("the retry opens the database");
    assert_eq!(t.read_all(f).unwrap(), [0; 8]);
    t.write(f, 8, b"entry").unwrap();
    t.close(f);
    assert!(
        t.anchor.as_ref().unwrap().value >= 2,
        "raised by the next commit"
    );
    t.reboot();
    let mut want = vec![0; 8];
    want.extend(b"entry");
    assert_eq!(t.get(&TA, b"ta_ver.db").unwrap(), want);

    // The same for a replacing create, a remove and a rename: each
    // fails, and the disk holds what the directory committed.
    for step in 0..3 {
        t.anchor
            .as_mut()
            .unwrap()
            .refuse(1, TeeError::STORAGE_NOT_AVAILABLE);
        let r = match step {
            0 => {
                let (s, mut e) = t.env();
                s.create(&mut e, &TA, b"ta_ver.db", b"new", true)
                    .map(|_| ())
            }
            1 => {
                let f = t.open(&TA, b"ta_ver.db").unwrap();
                let (s, mut e) = t.env();
                let r = s.rename(&mut e, f, b"renamed");
                t.close(f);
                r
            }
            _ => {
                let f = t.open(&TA, b"renamed").unwrap();
                let (s, mut e) = t.env();
                s.remove(&mut e, f)
            }
        };
        assert_eq!(r, Err(TeeError::STORAGE_NOT_AVAILABLE), "step {step}");
        t.reboot();
        match step {
            0 => assert_eq!(t.get(&TA, b"ta_ver.db").unwrap(), b"new"),
            1 => assert_eq!(t.get(&TA, b"renamed").unwrap(), b"new"),
            _ => assert_eq!(t.get(&TA, b"renamed"), Err(TeeError::ITEM_NOT_FOUND)),
        }
        assert_eq!(t.list(&TA).unwrap().len(), usize::from(step < 2));
        // Exactly the files the directory names, plus itself.
        assert_eq!(t.fs.files.len(), 1 + usize::from(step < 2), "step {step}");
    }
}

#[test]
fn a_lost_answer_to_the_commit_loses_nothing() {
    // A small create is five writes: the object's nodes and data, its
    // header, dirf.db's node, its block, its header (the commit point).
    // Each one lands and is answered with an error in turn: what the
    // directory on disk names must stay, whatever the call answered.
    for nth in 0..5 {
        let mut t = two_objects();
        t.fs.lose_write_answer(nth, TeeError::GENERIC);
        assert_eq!(
            t.create(&TA, b"c", &pattern(100, 3)).err(),
            Some(TeeError::GENERIC),
            "write {nth}"
        );
        t.fs.clear_faults();
        assert_eq!(t.fs.open_fds(), 0);
        // The retry either finds the object (the directory's header
        // landed) or creates it; never CORRUPT_OBJECT.
        let got = match t.get(&TA, b"c") {
            Err(TeeError::ITEM_NOT_FOUND) => {
                assert!(nth < 4, "write {nth}: the header landed");
                let f = t.create(&TA, b"c", &pattern(100, 3)).unwrap();
                t.close(f);
                t.get(&TA, b"c")
            }
            r => r,
        };
        assert_eq!(got.unwrap(), pattern(100, 3), "write {nth}");
        t.reboot();
        assert_eq!(t.get(&TA, b"c").unwrap(), pattern(100, 3), "write {nth}");
        assert_eq!(t.get(&TA, b"a").unwrap(), pattern(5000, 1));
        assert_eq!(
            t.fs.files.len(),
            4,
            "write {nth}: dirf.db and three objects"
        );
    }
}
