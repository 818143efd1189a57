//! The RPMB store and its REE FS anchor over a device whose blocks hold
//! anything (the device signs what it holds, so the parsers behind the MAC
//! check see the input): the object table, the anchor block and the
//! extents. Nothing may panic, and what opens must stay usable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_storage::rpmb::model::RpmbModel;
use oxtee_storage::testing::{MemFs, TestRng};
use oxtee_storage::{Env, ObjectStore, RollbackAnchor, RpmbStore};

const HUK: [u8; 16] = [3; 16];
const TA: [u8; 16] = [7; 16];

fuzz_target!(|data: &[u8]| {
    let mut dev = RpmbModel::new(1, 1);
    let mut fs = MemFs::new();
    let mut rng = TestRng::new(5);
    // Key the device honestly, then fill blocks from the input:
    // (block hi, block lo, 8 bytes) patches of the first 8 bytes at an
    // offset chosen by the low bits of the block number.
    {
        let mut st = RpmbStore::new(&HUK, true);
        let mut env = Env {
            fs: &mut fs,
            rng: &mut rng,
            anchor: None,
            rpmb: Some(&mut dev),
        };
        if let Ok(f) = st.create(&mut env, &TA, b"seed", &[9; 700], false) {
            st.close(&mut env, f);
        }
    }
    let blocks = dev.data.len();
    for p in data.chunks_exact(10) {
        let b = (usize::from(p[0]) << 8 | usize::from(p[1])) % blocks;
        let at = (usize::from(p[1]) * 8) % (256 - 8);
        dev.data[b][at..at + 8].copy_from_slice(&p[2..10]);
    }

    let mut st = RpmbStore::new(&HUK, false);
    {
        let mut anchor_rng = TestRng::new(6);
        let mut a = st.anchor(&mut dev, &mut anchor_rng);
        if let Ok(v) = a.get() {
            let _ = a.advance_to(v.saturating_add(1));
        }
    }
    let mut env = Env {
        fs: &mut fs,
        rng: &mut rng,
        anchor: None,
        rpmb: Some(&mut dev),
    };
    if let Ok(ids) = st.list(&mut env, &TA) {
        for id in ids {
            if let Ok(f) = st.open(&mut env, &TA, &id) {
                let mut buf = [0u8; 64];
                let _ = st.read(&mut env, f, 0, &mut buf);
                let _ = st.write(&mut env, f, 10, b"x");
                let _ = st.truncate(&mut env, f, 3);
                let _ = st.size(f);
                st.close(&mut env, f);
            }
        }
    }
    if let Ok(f) = st.create(&mut env, &TA, b"new", &[1; 300], true) {
        let _ = st.rename(&mut env, f, b"renamed");
        let _ = st.remove(&mut env, f);
    }
});
