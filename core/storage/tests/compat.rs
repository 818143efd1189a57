//! A store directory in OP-TEE 4.5's format, produced by an independent
//! model of OP-TEE's code paths (`fixtures/optee_format.py gen`: create
//! dirf.db, create two objects, rewrite one, each step committed as OP-TEE
//! does, all-zero HUK), opens under `ReeStore` and stays usable.

use oxtee_storage::testing::{MemFs, TestRng};
use oxtee_storage::{Env, ObjectStore, ReeStore};

const TA: [u8; 16] = [
    0xb6, 0x89, 0xf2, 0xa7, 0x8a, 0xdf, 0x47, 0x7a, 0x9f, 0x99, 0x32, 0xe9, 0x0c, 0x0a, 0xd0, 0xa2,
];

fn fixture() -> MemFs {
    let mut fs = MemFs::new();
    fs.files.insert(
        "/dirf.db".into(),
        include_bytes!("fixtures/optee45/dirf.db").to_vec(),
    );
    fs.files
        .insert("/0".into(), include_bytes!("fixtures/optee45/0").to_vec());
    fs.files
        .insert("/1".into(), include_bytes!("fixtures/optee45/1").to_vec());
    fs
}

fn first_object() -> Vec<u8> {
    let mut d: Vec<u8> = (0..9000u32).map(|i| (i * 7) as u8).collect();
    d[100..109].copy_from_slice(b"rewritten");
    d
}

fn read(st: &mut ReeStore, env: &mut Env<'_>, id: &[u8]) -> Vec<u8> {
    let f = st.open(env, &TA, id).unwrap();
    let mut b = vec![0u8; st.size(f).unwrap() as usize];
    assert_eq!(st.read(env, f, 0, &mut b).unwrap(), b.len());
    st.close(env, f);
    b
}

#[test]
fn optee_written_directory_opens() {
    let mut fs = fixture();
    let mut rng = TestRng::new(1);
    let mut st = ReeStore::new(&[0; 16]).unwrap();
    let mut env = Env {
        fs: &mut fs,
        rng: &mut rng,
        anchor: None,
        rpmb: None,
    };
    assert_eq!(
        st.list(&mut env, &TA).unwrap(),
        vec![b"first object".to_vec(), Vec::new()]
    );
    assert_eq!(read(&mut st, &mut env, b"first object"), first_object());
    assert_eq!(read(&mut st, &mut env, b""), b"empty id data");

    // Keep using it: write, create, rename, remove, then reopen fresh.
    let f = st.open(&mut env, &TA, b"first object").unwrap();
    st.write(&mut env, f, 8990, b"0123456789abcdef").unwrap();
    st.rename(&mut env, f, b"moved").unwrap();
    st.close(&mut env, f);
    let g = st.open(&mut env, &TA, b"").unwrap();
    st.remove(&mut env, g).unwrap();
    let h = st
        .create(&mut env, &TA, b"new", b"by oxtee", false)
        .unwrap();
    st.close(&mut env, h);

    let mut st = ReeStore::new(&[0; 16]).unwrap();
    let mut want = first_object();
    want.truncate(8990);
    want.extend_from_slice(b"0123456789abcdef");
    assert_eq!(read(&mut st, &mut env, b"moved"), want);
    assert_eq!(read(&mut st, &mut env, b"new"), b"by oxtee");
    assert_eq!(
        st.list(&mut env, &TA).unwrap(),
        vec![b"moved".to_vec(), b"new".to_vec()]
    );
}

#[test]
fn optee_directory_under_another_huk_is_unreadable() {
    let mut fs = fixture();
    let mut rng = TestRng::new(1);
    let mut st = ReeStore::new(&[1; 16]).unwrap();
    let mut env = Env {
        fs: &mut fs,
        rng: &mut rng,
        anchor: None,
        rpmb: None,
    };
    // No anchor: treated as no directory (OP-TEE 4.10 behaviour).
    assert_eq!(st.list(&mut env, &TA).unwrap(), Vec::<Vec<u8>>::new());
    assert!(st.open(&mut env, &TA, b"first object").is_err());
}
