//! The RPMB client and store over the in-memory device model.

use oxtee_storage::rpmb::model::{RpmbModel, Tamper};
use oxtee_storage::rpmb::{derive_key, RpmbClient, RpmbStore, ANCHOR_BLOCK};
use oxtee_storage::testing::{MemFs, TestRng};
use oxtee_storage::{AllAnchors, Env, FileId, ObjectStore, ReeStore, RollbackAnchor};
use supplicant_proto::rpmb::*;
use supplicant_proto::tee_error::TeeError;

const HUK: [u8; 16] = [0x11; 16];
const TA: [u8; 16] = [0xA1; 16];
const TB: [u8; 16] = [0xB2; 16];

struct World {
    dev: RpmbModel,
    fs: MemFs,
    rng: TestRng,
}

impl World {
    fn new() -> Self {
        World {
            dev: RpmbModel::new(2, 1),
            fs: MemFs::new(),
            rng: TestRng::new(1),
        }
    }
    fn env(&mut self) -> Env<'_> {
        Env {
            fs: &mut self.fs,
            rng: &mut self.rng,
            anchor: None,
            rpmb: Some(&mut self.dev),
        }
    }
}

fn read_all(st: &mut RpmbStore, w: &mut World, f: FileId) -> Result<Vec<u8>, TeeError> {
    let n = st.size(f)? as usize;
    let mut b = vec![0u8; n + 7];
    let got = st.read(&mut w.env(), f, 0, &mut b)?;
    b.truncate(got);
    Ok(b)
}

#[test]
fn key_is_derived_from_huk_and_cid_without_prv_and_crc() {
    let mut cid = *b"0123456789ABCDEF";
    let k = derive_key(&HUK, &cid);
    cid[9] = b'x';
    cid[15] = b'y';
    assert_eq!(*derive_key(&HUK, &cid), *k);
    cid[0] = b'z';
    assert_ne!(*derive_key(&HUK, &cid), *k);
}

#[test]
fn key_is_programmed_once_and_only_when_allowed() {
    let mut w = World::new();
    let mut rng = TestRng::new(2);
    assert_eq!(
        RpmbClient::open(&mut w.dev, &mut rng, &HUK, false).err(),
        Some(TeeError::ITEM_NOT_FOUND)
    );
    assert_eq!(w.dev.key(), None);
    RpmbClient::open(&mut w.dev, &mut rng, &HUK, true).unwrap();
    assert_eq!(w.dev.key(), Some(*derive_key(&HUK, &w.dev.info.cid)));
    let programs = |w: &World| {
        w.dev
            .log
            .iter()
            .filter(|t| **t == RPMB_MSG_TYPE_REQ_AUTH_KEY_PROGRAM)
            .count()
    };
    assert_eq!(programs(&w), 1);
    RpmbClient::open(&mut w.dev, &mut rng, &HUK, true).unwrap();
    assert_eq!(programs(&w), 1);
    // Another HUK: the device's key does not match, the counter read fails.
    assert_eq!(
        RpmbClient::open(&mut w.dev, &mut rng, &[0x22; 16], true).err(),
        Some(TeeError::SECURITY)
    );
}

#[test]
fn writes_carry_the_counter_and_reads_come_back() {
    let mut w = World::new();
    let mut rng = TestRng::new(3);
    let mut c = RpmbClient::open(&mut w.dev, &mut rng, &HUK, true).unwrap();
    assert_eq!(c.max_write_blocks(), 1);
    c.write_blocks(&mut w.dev, &mut rng, 100, &[[5; 256]])
        .unwrap();
    c.write_blocks(&mut w.dev, &mut rng, 101, &[[6; 256]])
        .unwrap();
    assert_eq!(w.dev.counter(), 2);
    assert_eq!(c.read_block(&mut w.dev, &mut rng, 101).unwrap(), [6; 256]);
    assert_eq!(c.read_block(&mut w.dev, &mut rng, 100).unwrap(), [5; 256]);
    assert_eq!(
        c.write_blocks(&mut w.dev, &mut rng, 0, &[[0; 256]; 2])
            .err(),
        Some(TeeError::BAD_PARAMETERS)
    );
    assert_eq!(
        c.read_block(&mut w.dev, &mut rng, 1024).err(),
        Some(TeeError::BAD_PARAMETERS)
    );
}

#[test]
fn hostile_answers_are_refused() {
    for (t, write) in [
        (Tamper::FlipData, false),
        (Tamper::WrongNonce, false),
        (Tamper::WrongAddress, false),
        (Tamper::Replay, false),
        (Tamper::FakeWriteOk, true),
    ] {
        let mut w = World::new();
        let mut rng = TestRng::new(4);
        let mut c = RpmbClient::open(&mut w.dev, &mut rng, &HUK, true).unwrap();
        c.write_blocks(&mut w.dev, &mut rng, 80, &[[1; 256]])
            .unwrap();
        c.write_blocks(&mut w.dev, &mut rng, 81, &[[2; 256]])
            .unwrap();
        // A first honest read the replayer can keep.
        c.read_block(&mut w.dev, &mut rng, 80).unwrap();
        c.write_blocks(&mut w.dev, &mut rng, 80, &[[3; 256]])
            .unwrap();
        w.dev.tamper = t;
        if write {
            // The model pretends to write but does not: the next write's
            // counter no longer matches what the device claims.
            c.write_blocks(&mut w.dev, &mut rng, 82, &[[4; 256]])
                .unwrap_err();
            w.dev.tamper = Tamper::None;
            assert_eq!(w.dev.data[82], [0; 256]);
        } else {
            assert_eq!(
                c.read_block(&mut w.dev, &mut rng, 80).err(),
                Some(TeeError::SECURITY),
                "{t:?}"
            );
        }
    }
}

#[test]
fn store_round_trip_and_persistence() {
    let mut w = World::new();
    let mut st = RpmbStore::new(&HUK, true);
    let f = st
        .create(&mut w.env(), &TA, b"obj", b"hello", false)
        .unwrap();
    assert_eq!(
        st.create(&mut w.env(), &TA, b"obj", b"x", false).err(),
        Some(TeeError::ACCESS_CONFLICT)
    );
    st.write(&mut w.env(), f, 600, b"tail").unwrap();
    assert_eq!(st.size(f).unwrap(), 604);
    let all = read_all(&mut st, &mut w, f).unwrap();
    assert_eq!(&all[..5], b"hello");
    assert!(all[5..600].iter().all(|b| *b == 0));
    st.truncate(&mut w.env(), f, 3).unwrap();
    st.rename(&mut w.env(), f, b"renamed").unwrap();
    st.close(&mut w.env(), f);
    let g = st
        .create(&mut w.env(), &TB, b"renamed", b"other", false)
        .unwrap();
    st.close(&mut w.env(), g);
    // The plaintext is not on the device.
    assert!(!w
        .dev
        .data
        .iter()
        .any(|b| b.windows(5).any(|x| x == b"other")));

    let mut st = RpmbStore::new(&HUK, false);
    assert_eq!(
        st.list(&mut w.env(), &TA).unwrap(),
        vec![b"renamed".to_vec()]
    );
    let f = st.open(&mut w.env(), &TA, b"renamed").unwrap();
    assert_eq!(read_all(&mut st, &mut w, f).unwrap(), b"hel");
    assert_eq!(
        st.open(&mut w.env(), &TA, b"obj").err(),
        Some(TeeError::ITEM_NOT_FOUND)
    );
    st.remove(&mut w.env(), f).unwrap();
    assert_eq!(st.list(&mut w.env(), &TA).unwrap(), Vec::<Vec<u8>>::new());
    let g = st.open(&mut w.env(), &TB, b"renamed").unwrap();
    assert_eq!(read_all(&mut st, &mut w, g).unwrap(), b"other");
    // 10 × 1 KiB as xtest 6018's RPMB variant.
    for i in 0..10u8 {
        st.write(&mut w.env(), g, u64::from(i) * 1024, &[i; 1024])
            .unwrap();
    }
    assert_eq!(st.size(g).unwrap(), 10 * 1024);
}

#[test]
fn no_device_or_no_key_reads_as_absent() {
    let mut w = World::new();
    let mut st = RpmbStore::new(&HUK, false);
    assert_eq!(
        st.create(&mut w.env(), &TA, b"a", b"", false).err(),
        Some(TeeError::ITEM_NOT_FOUND)
    );
    let mut env = Env {
        fs: &mut w.fs,
        rng: &mut w.rng,
        anchor: None,
        rpmb: None,
    };
    assert_eq!(
        st.create(&mut env, &TA, b"a", b"", false).err(),
        Some(TeeError::ITEM_NOT_FOUND)
    );
}

#[test]
fn tampered_device_fails_the_store_closed() {
    let mut w = World::new();
    let mut st = RpmbStore::new(&HUK, true);
    let f = st
        .create(&mut w.env(), &TA, b"o", &[7; 700], false)
        .unwrap();
    st.close(&mut w.env(), f);
    w.dev.tamper = Tamper::FlipData;
    let mut st = RpmbStore::new(&HUK, true);
    assert_eq!(
        st.open(&mut w.env(), &TA, b"o").err(),
        Some(TeeError::SECURITY)
    );
    w.dev.tamper = Tamper::None;
    let f = st.open(&mut w.env(), &TA, b"o").unwrap();
    assert_eq!(read_all(&mut st, &mut w, f).unwrap(), vec![7; 700]);
}

/// A workload over the store; returns after the first failure.
fn workload(st: &mut RpmbStore, w: &mut World) -> Result<(), TeeError> {
    let f = st.create(&mut w.env(), &TA, b"a", &[1; 300], false)?;
    st.write(&mut w.env(), f, 100, &[2; 900])?;
    st.rename(&mut w.env(), f, b"b")?;
    let g = st.create(&mut w.env(), &TA, b"c", &[3; 10], false)?;
    st.truncate(&mut w.env(), f, 50)?;
    st.remove(&mut w.env(), g)?;
    st.create(&mut w.env(), &TA, b"b", &[4; 5], true)?;
    Ok(())
}

/// The states the store may show: what each step of `workload` leaves.
fn states() -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut a = vec![1u8; 300];
    let s0 = vec![];
    let s1 = vec![(b"a".to_vec(), a.clone())];
    a.resize(1000, 0);
    a[100..].fill(2);
    let s2 = vec![(b"a".to_vec(), a.clone())];
    let s3 = vec![(b"b".to_vec(), a.clone())];
    let s4 = vec![(b"b".to_vec(), a.clone()), (b"c".to_vec(), vec![3; 10])];
    a.truncate(50);
    let s5 = vec![(b"b".to_vec(), a.clone()), (b"c".to_vec(), vec![3; 10])];
    let s6 = vec![(b"b".to_vec(), a.clone())];
    let s7 = vec![(b"b".to_vec(), vec![4; 5])];
    vec![s0, s1, s2, s3, s4, s5, s6, s7]
}

fn observe(w: &mut World) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut st = RpmbStore::new(&HUK, false);
    let mut ids = st.list(&mut w.env(), &TA).expect("store opens after a cut");
    ids.sort();
    ids.into_iter()
        .map(|id| {
            let f = st.open(&mut w.env(), &TA, &id).unwrap();
            let d = read_all(&mut st, w, f).unwrap();
            (id, d)
        })
        .collect()
}

#[test]
fn power_cut_at_every_write_keeps_old_or_new() {
    let mut full = World::new();
    // Program the key first so every cut point is a data write.
    RpmbClient::open(&mut full.dev, &mut TestRng::new(9), &HUK, true).unwrap();
    let base = full.dev.writes;
    let mut st = RpmbStore::new(&HUK, true);
    workload(&mut st, &mut full).unwrap();
    let total = full.dev.writes - base;
    assert!(total > 10, "{total}");
    let states = states();
    assert_eq!(observe(&mut full), *states.last().unwrap());
    for cut in 1..=total {
        let mut w = World::new();
        RpmbClient::open(&mut w.dev, &mut TestRng::new(9), &HUK, true).unwrap();
        w.dev.writes_left = Some(cut);
        let mut st = RpmbStore::new(&HUK, true);
        assert!(workload(&mut st, &mut w).is_err(), "cut {cut}");
        w.dev.writes_left = None;
        let seen = observe(&mut w);
        assert!(states.contains(&seen), "cut {cut}: {seen:?}");
    }
}

/// The REE FS store with the RPMB device as its only rollback anchor.
fn ree_with_rpmb_anchor<R>(
    ree: &mut ReeStore,
    rpmb: &mut RpmbStore,
    w: &mut World,
    f: impl FnOnce(&mut ReeStore, &mut Env<'_>) -> R,
) -> R {
    let mut anchor_rng = TestRng::new(9);
    let mut anchor = rpmb.anchor(&mut w.dev, &mut anchor_rng);
    let mut list: [&mut dyn RollbackAnchor; 1] = [&mut anchor];
    let mut all = AllAnchors(&mut list);
    let mut env = Env {
        fs: &mut w.fs,
        rng: &mut w.rng,
        anchor: Some(&mut all),
        rpmb: None,
    };
    f(ree, &mut env)
}

fn ree_write(ree: &mut ReeStore, env: &mut Env<'_>, data: &[u8]) -> Result<(), TeeError> {
    let f = ree.create(env, &TA, b"pin", data, true)?;
    ree.close(env, f);
    Ok(())
}

fn ree_read(ree: &mut ReeStore, env: &mut Env<'_>) -> Result<Vec<u8>, TeeError> {
    let f = ree.open(env, &TA, b"pin")?;
    let mut b = vec![0u8; 64];
    let n = ree.read(env, f, 0, &mut b);
    ree.close(env, f);
    b.truncate(n?);
    Ok(b)
}

#[test]
fn rpmb_anchor_refuses_an_older_ree_directory() {
    let mut w = World::new();
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| {
        ree_write(s, e, b"tries=3")
    })
    .unwrap();
    let old = w.fs.snapshot();
    ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| {
        ree_write(s, e, b"tries=2")
    })
    .unwrap();
    // The anchor block holds a counter now, authenticated like any block.
    let mut rng = TestRng::new(3);
    let mut c = RpmbClient::open(&mut w.dev, &mut rng, &HUK, false).unwrap();
    let b = c.read_block(&mut w.dev, &mut rng, ANCHOR_BLOCK).unwrap();
    assert_eq!(&b[0..4], b"OXAN");
    assert!(u32::from_le_bytes([b[4], b[5], b[6], b[7]]) > 0);

    // After a reboot (fresh stores on the same device and files) the new
    // state reads back; the old copy of the files is refused.
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    assert_eq!(
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read),
        Ok(b"tries=2".to_vec())
    );
    let new = w.fs.snapshot();
    w.fs.restore(old);
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    assert_eq!(
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read),
        Err(TeeError::SECURITY)
    );
    // Deleting the files is no way out either.
    w.fs.restore(Default::default());
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    assert_eq!(
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read),
        Err(TeeError::SECURITY)
    );
    w.fs.restore(new);
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    assert_eq!(
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read),
        Ok(b"tries=2".to_vec())
    );
}

#[test]
fn rpmb_anchor_and_objects_share_the_device() {
    let mut w = World::new();
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    let f = rpmb
        .create(&mut w.env(), &TA, b"o", &[5; 600], false)
        .unwrap();
    ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| ree_write(s, e, b"x")).unwrap();
    // The object's extent never covers the anchor block, and the object
    // survives the anchor's writes (same session and after a reboot).
    assert_eq!(read_all(&mut rpmb, &mut w, f).unwrap(), vec![5; 600]);
    let mut rpmb = RpmbStore::new(&HUK, true);
    let f = rpmb.open(&mut w.env(), &TA, b"o").unwrap();
    assert_eq!(read_all(&mut rpmb, &mut w, f).unwrap(), vec![5; 600]);
    let b = w.dev.data[usize::from(ANCHOR_BLOCK)];
    assert_eq!(&b[0..4], b"OXAN");
}

#[test]
fn absent_or_blank_rpmb_anchors_nothing_but_a_hostile_one_fails_closed() {
    // No key and no right to program one: the REE FS works, unanchored.
    let mut w = World::new();
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, false));
    ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| ree_write(s, e, b"a")).unwrap();
    assert_eq!(w.dev.key(), None);
    assert_eq!(
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read),
        Ok(b"a".to_vec())
    );

    // A device that answers reads with forged or replayed data.
    for tamper in [Tamper::FlipData, Tamper::WrongNonce, Tamper::Replay] {
        let mut w = World::new();
        let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| ree_write(s, e, b"a")).unwrap();
        let old = w.fs.snapshot();
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| ree_write(s, e, b"b")).unwrap();
        w.fs.restore(old);
        w.dev.tamper = tamper;
        let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
        let r = ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read);
        assert!(r.is_err(), "{tamper:?}: old store accepted: {r:?}");
        assert_ne!(r, Err(TeeError::ITEM_NOT_FOUND), "{tamper:?}");
    }
}

#[test]
fn a_write_dropped_by_the_device_is_detected() {
    let mut w = World::new();
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| ree_write(s, e, b"a")).unwrap();
    w.dev.tamper = Tamper::FakeWriteOk;
    let r = ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| ree_write(s, e, b"b"));
    assert!(r.is_err(), "a dropped anchor write was accepted");
}

#[test]
fn a_garbage_anchor_block_is_a_security_error_not_a_corrupt_object() {
    let mut w = World::new();
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, |s, e| ree_write(s, e, b"a")).unwrap();
    // The device signs whatever it holds: the MAC passes, the content is
    // not an anchor.
    w.dev.data[usize::from(ANCHOR_BLOCK)][100] = 1;
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    assert_eq!(
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read),
        Err(TeeError::SECURITY)
    );
    // Nothing was removed for it: with the block repaired the object reads.
    w.dev.data[usize::from(ANCHOR_BLOCK)][100] = 0;
    let (mut ree, mut rpmb) = (ReeStore::new(&HUK).unwrap(), RpmbStore::new(&HUK, true));
    assert_eq!(
        ree_with_rpmb_anchor(&mut ree, &mut rpmb, &mut w, ree_read),
        Ok(b"a".to_vec())
    );
}
