//! Open a store and its objects over hostile `dirf.db` and object files:
//! either raw bytes from the input, or a valid store patched by the input
//! (bytes bumped, files cut), so the checks past the MACs get exercised
//! too. Then use what opened. Nothing may panic, and an anchored store
//! whose directory is gone must report a rollback.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_storage::testing::{MemAnchor, MemFs, TestRng};
use oxtee_storage::{Env, ObjectStore, ReeStore, RollbackAnchor};
use supplicant_proto::tee_error::TeeError;

const TA: [u8; 16] = [7; 16];
const NAMES: [&str; 3] = ["/dirf.db", "/0", "/1"];

fn valid_store(fs: &mut MemFs, anchor: &mut MemAnchor) {
    let mut rng = TestRng::new(3);
    let mut st = ReeStore::new(&[0; 16]).unwrap();
    let mut env = Env {
        fs,
        rng: &mut rng,
        anchor: Some(anchor),
        rpmb: None,
    };
    let a = st
        .create(&mut env, &TA, b"a", &[0x11; 5000], false)
        .unwrap();
    let b = st.create(&mut env, &TA, b"", &[0x22; 100], false).unwrap();
    st.write(&mut env, a, 4000, &[0x33; 300]).unwrap();
    st.close(&mut env, a);
    st.close(&mut env, b);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut fs = MemFs::new();
    let mut anchor = MemAnchor::new(0);
    if mode & 1 == 0 {
        // Raw files: lengths from the input, contents from the rest; the
        // anchor claims a directory existed when the mode says so.
        anchor.value = u32::from(mode >> 4);
        let mut rest = rest;
        for name in NAMES {
            let Some((&l, r)) = rest.split_first() else {
                break;
            };
            let n = (usize::from(l) * 64).min(r.len());
            fs.files.insert(name.into(), r[..n].to_vec());
            rest = &r[n..];
        }
    } else {
        valid_store(&mut fs, &mut anchor);
        // Patches: (file, offset hi, offset lo, delta); delta 0 cuts the file.
        for p in rest.chunks_exact(4) {
            let name = NAMES[usize::from(p[0]) % NAMES.len()];
            let off = (usize::from(p[1]) << 8 | usize::from(p[2])) * 2;
            if let Some(f) = fs.files.get_mut(name) {
                if p[3] == 0 {
                    f.truncate(off);
                } else if let Some(b) = f.get_mut(off) {
                    *b = b.wrapping_add(p[3]);
                }
            }
        }
    }
    let anchored = mode & 2 != 0;
    let dirf_present = fs.files.contains_key("/dirf.db");
    let anchor_value = anchor.value;
    let mut rng = TestRng::new(u64::from(mode));
    let mut st = ReeStore::new(&[0; 16]).unwrap();
    let mut env = Env {
        fs: &mut fs,
        rng: &mut rng,
        anchor: if anchored {
            Some(&mut anchor as &mut dyn RollbackAnchor)
        } else {
            None
        },
        rpmb: None,
    };
    let ids = match st.list(&mut env, &TA) {
        Ok(ids) => ids,
        Err(e) => {
            // An anchored directory that went missing is a rollback.
            if anchored && anchor_value > 0 && !dirf_present {
                assert_eq!(e, TeeError::SECURITY);
            }
            return;
        }
    };
    for id in ids {
        let Ok(f) = st.open(&mut env, &TA, &id) else {
            continue;
        };
        let size = st.size(f).unwrap_or(0);
        let mut buf = vec![0u8; 9000];
        let _ = st.read(&mut env, f, 0, &mut buf);
        let _ = st.read(&mut env, f, size.saturating_sub(10), &mut buf);
        if mode & 4 != 0 {
            let _ = st.write(&mut env, f, size / 2, b"fuzz");
            let _ = st.truncate(&mut env, f, size / 3);
            let _ = st.rename(&mut env, f, b"renamed");
        }
        if mode & 8 != 0 {
            let _ = st.remove(&mut env, f);
        } else {
            st.close(&mut env, f);
        }
    }
    let _ = st.create(&mut env, &TA, b"new", b"x", true);
    let _ = st.list(&mut env, &TA);
});
