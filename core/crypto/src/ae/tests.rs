//! GCM and CCM on a fake accelerator (with and without refused calls)
//! against the same modes in software, AAD and data in uneven pieces; one
//! CTR and one GHASH call for a whole-block update; the one-shot GCM.

use super::*;
use crate::accel::fake::Fake;

fn data(len: usize, seed: u8) -> alloc::vec::Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(13) ^ seed)
        .collect()
}

fn accels() -> [Option<&'static dyn Accelerator>; 3] {
    [None, Some(Fake::leak(false)), Some(Fake::leak(true))]
}

/// Runs a mode over `aad` and `pt` in `piece`-byte pieces; returns the
/// output and the 16-byte tag.
fn run(
    mut m: Box<dyn AeMode>,
    aad: &[u8],
    pt: &[u8],
    piece: usize,
) -> (alloc::vec::Vec<u8>, [u8; 16]) {
    for a in aad.chunks(piece) {
        m.update_aad(a).unwrap();
    }
    let mut out = pt.to_vec();
    for c in out.chunks_mut(piece) {
        m.update(c).unwrap();
    }
    let mut tag = [0u8; 16];
    m.tag(&mut tag).unwrap();
    (out, tag)
}

#[test]
fn gcm_paths_agree() {
    let aad = data(45, 1);
    let pt = data(16 * 10 + 7, 2);
    for key_len in [16, 24, 32] {
        let key = data(key_len, 3);
        for nonce in [data(12, 4), data(8, 5), data(60, 6)] {
            let gcm =
                |on, enc| Box::new(new_gcm_on(on, &key, &nonce, enc).unwrap()) as Box<dyn AeMode>;
            let (ct, tag) = run(gcm(None, true), &aad, &pt, 1000);
            for on in accels() {
                for piece in [1, 5, 16, 17, 64, 1000] {
                    assert_eq!(run(gcm(on, true), &aad, &pt, piece), (ct.clone(), tag));
                    assert_eq!(run(gcm(on, false), &aad, &ct, piece), (pt.clone(), tag));
                }
            }
        }
    }
}

#[test]
fn ccm_paths_agree() {
    let aad = data(33, 7);
    let pt = data(16 * 6 + 3, 8);
    for key_len in [16, 24, 32] {
        let key = data(key_len, 9);
        for nonce in [data(7, 10), data(13, 11)] {
            let ccm = |on, enc| {
                new_ccm_on(on, &key, &nonce, 16, aad.len() as u64, pt.len() as u64, enc).unwrap()
            };
            let (ct, tag) = run(ccm(None, true), &aad, &pt, 1000);
            for on in accels() {
                for piece in [1, 7, 16, 48, 1000] {
                    assert_eq!(run(ccm(on, true), &aad, &pt, piece), (ct.clone(), tag));
                    assert_eq!(run(ccm(on, false), &aad, &ct, piece), (pt.clone(), tag));
                }
            }
        }
    }
}

#[test]
fn gcm_whole_blocks_are_one_ctr_and_one_ghash_call() {
    let fake = Fake::leak(false);
    let mut m = new_gcm_on(Some(fake), &[1; 16], &[2; 12], true).unwrap();
    m.update_aad(&[3; 32]).unwrap();
    let mut d = data(4096, 4);
    m.update(&mut d[..5]).unwrap();
    let before = fake.done();
    m.update(&mut d[5..16]).unwrap();
    // Finishing the partial block: one GHASH call.
    assert_eq!(fake.done() - before, 1);
    let before = fake.done();
    m.update(&mut d[16..]).unwrap();
    assert_eq!(fake.done() - before, 2);
}

#[test]
fn gcm_one_shot_matches_the_streaming_mode_and_checks_the_tag() {
    let key = data(32, 12);
    let nonce = data(16, 13);
    let aad = data(20, 14);
    let pt = data(16 * 5 + 9, 15);
    let (ct, tag) = run(
        Box::new(new_gcm_on(crate::accel::installed(), &key, &nonce, true).unwrap()),
        &aad,
        &pt,
        7,
    );
    let mut d = pt.clone();
    assert_eq!(gcm_encrypt(&key, &nonce, &aad, &mut d).unwrap(), tag);
    assert_eq!(d, ct);
    gcm_decrypt(&key, &nonce, &aad, &mut d, &tag).unwrap();
    assert_eq!(d, pt);
    // A wrong tag, AAD or ciphertext: MAC_INVALID, data untouched.
    let mut bad = tag;
    bad[15] ^= 1;
    let mut e = ct.clone();
    assert_eq!(
        gcm_decrypt(&key, &nonce, &aad, &mut e, &bad),
        Err(CryptoError::MacInvalid)
    );
    assert_eq!(e, ct);
    assert_eq!(
        gcm_decrypt(&key, &nonce, &aad[1..], &mut e, &tag),
        Err(CryptoError::MacInvalid)
    );
    e[0] ^= 1;
    assert_eq!(
        gcm_decrypt(&key, &nonce, &aad, &mut e, &tag),
        Err(CryptoError::MacInvalid)
    );
    assert!(gcm_encrypt(&key[..20], &nonce, &aad, &mut d).is_err());
    assert!(gcm_encrypt(&key, &[], &aad, &mut d).is_err());
}

#[test]
fn gcm_aad_after_data_is_a_bad_state() {
    let mut m: Box<dyn AeMode> = Box::new(new_gcm_on(None, &[1; 16], &[2; 12], true).unwrap());
    m.update(&mut [0; 3]).unwrap();
    assert_eq!(m.update_aad(&[1]), Err(CryptoError::BadState));
}
