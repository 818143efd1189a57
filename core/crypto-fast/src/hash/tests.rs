//! The hash types on a fake accelerator (with and without refused calls)
//! and in software against the RustCrypto `sha1`, `sha2` and `sha3`
//! types, in uneven pieces; HMAC over them; one accelerator call for a
//! whole-block update.

use digest::{Digest, ExtendableOutput, Mac, Update as _, XofReader};

use super::*;
use crate::accel::fake::Fake;
use crate::accel::install;

fn data(len: usize) -> alloc::vec::Vec<u8> {
    (0..len).map(|i| (i * 131 + (i >> 8)) as u8).collect()
}

/// Hashes `msg` in the given pieces with a fresh `D`.
fn pieces<D: Digest>(msg: &[u8], piece: usize) -> alloc::vec::Vec<u8> {
    let mut d = D::new();
    for p in msg.chunks(piece.max(1)) {
        Digest::update(&mut d, p);
    }
    d.finalize().to_vec()
}

fn same<Ours: Digest + Clone, Theirs: Digest>() {
    for len in [
        0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 143, 144, 200, 1000, 4096,
    ] {
        let msg = data(len);
        let want = Theirs::digest(&msg).to_vec();
        for piece in [1, 13, 64, 4096] {
            assert_eq!(pieces::<Ours>(&msg, piece), want, "len {len} piece {piece}");
        }
    }
}

fn all() {
    same::<Sha1, sha1::Sha1>();
    same::<Sha224, sha2::Sha224>();
    same::<Sha256, sha2::Sha256>();
    same::<Sha384, sha2::Sha384>();
    same::<Sha512, sha2::Sha512>();
    same::<Sha3_224, sha3::Sha3_224>();
    same::<Sha3_256, sha3::Sha3_256>();
    same::<Sha3_384, sha3::Sha3_384>();
    same::<Sha3_512, sha3::Sha3_512>();
    for len in [0, 100, 136, 168, 500] {
        let msg = data(len);
        for n in [1, 32, 168, 200, 400] {
            let mut ours = alloc::vec![0u8; n];
            let mut theirs = alloc::vec![0u8; n];
            let mut a = Shake128::default();
            a.update(&msg);
            a.finalize_xof().read(&mut ours);
            let mut b = sha3::Shake128::default();
            b.update(&msg);
            b.finalize_xof().read(&mut theirs);
            assert_eq!(ours, theirs, "shake128 {len} {n}");
            let mut a = Shake256::default();
            a.update(&msg);
            a.finalize_xof().read(&mut ours);
            let mut b = sha3::Shake256::default();
            b.update(&msg);
            b.finalize_xof().read(&mut theirs);
            assert_eq!(ours, theirs, "shake256 {len} {n}");
        }
    }
    // HMAC on our types against HMAC on theirs, short and long keys.
    for key in [data(20), data(200)] {
        let msg = data(300);
        let mut a = <hmac::Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
        Mac::update(&mut a, &msg);
        let mut b = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).unwrap();
        Mac::update(&mut b, &msg);
        assert_eq!(a.finalize().into_bytes(), b.finalize().into_bytes());
        let mut a = <hmac::Hmac<Sha3_384> as Mac>::new_from_slice(&key).unwrap();
        Mac::update(&mut a, &msg);
        let mut b = <hmac::Hmac<sha3::Sha3_384> as Mac>::new_from_slice(&key).unwrap();
        Mac::update(&mut b, &msg);
        assert_eq!(a.finalize().into_bytes(), b.finalize().into_bytes());
    }
}

/// One test for the whole module, as it installs the process-wide
/// accelerator: first software (none installed), then a stand-in that
/// refuses every third call.
#[test]
fn software_then_accelerated_match_the_reference_types() {
    all();
    static STAND_IN: Fake = Fake::new(3);
    install(&STAND_IN);
    let before = STAND_IN.done();
    all();
    assert!(STAND_IN.done() > before + 1000, "accelerator used");
}

#[test]
fn a_whole_block_update_is_one_call() {
    let fake = Fake::leak(false);
    let msg = data(4096);
    let mut c = MdCore::<Sha256Md> {
        accel: Some(fake),
        ..MdCore::default()
    };
    let blocks: alloc::vec::Vec<_> = msg
        .chunks_exact(64)
        .map(GenericArray::clone_from_slice)
        .collect();
    c.update_blocks(&blocks);
    assert_eq!(fake.done(), 1);
    let mut k = Keccak::new();
    k.accel = Some(fake);
    let blocks: alloc::vec::Vec<GenericArray<u8, U136>> = msg
        .chunks_exact(136)
        .map(GenericArray::clone_from_slice)
        .collect();
    k.absorb::<U136>(&blocks);
    assert_eq!(fake.done(), 2);
}

/// The non-generic [`Sha`] entry points: the same digests as the reference
/// crates in uneven pieces, a truncated output, and a reset after each.
#[test]
fn sha_entry_points_match_the_references() {
    fn check<Theirs: Digest>(mut ours: Sha) {
        for len in [0, 1, 63, 64, 65, 127, 128, 129, 1000, 4096] {
            let msg = data(len);
            let want = Theirs::digest(&msg).to_vec();
            for piece in [1, 13, 64, 4096] {
                msg.chunks(piece).for_each(|p| ours.update(p));
                let mut out = alloc::vec![0xAAu8; want.len() + 3];
                ours.finalize_reset(&mut out);
                assert_eq!(&out[..want.len()], &want[..], "len {len} piece {piece}");
                assert_eq!(&out[want.len()..], &[0xAA; 3]);
            }
            ours.update(&msg);
            let mut short = [0u8; 7];
            ours.finalize_reset(&mut short);
            assert_eq!(short, want[..7]);
        }
    }
    check::<sha1::Sha1>(Sha::Sha1(Default::default()));
    check::<sha2::Sha224>(Sha::Sha224(Default::default()));
    check::<sha2::Sha256>(Sha::Sha256(Default::default()));
    check::<sha2::Sha384>(Sha::Sha384(Default::default()));
    check::<sha2::Sha512>(Sha::Sha512(Default::default()));
}
