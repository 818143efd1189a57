//! Never panic on foreign bytes: the whole verifier with the OP-TEE development key as the
//! trusted key, plus the header and subkey parsers and RSA verification with keys taken
//! from the input (which signature checks would otherwise keep the fuzzer away from).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_ta_verify::{next_uuid, verify_ta, RsaPublicKey, SignedHeader, SubkeyImage};

/// A fixed 2048-bit modulus (any odd number of the right size works for fuzzing).
fn trusted() -> RsaPublicKey {
    let mut n = [0xA5u8; 256];
    n[255] |= 1;
    oxtee_ta_verify::rsa_public_key(&n, &[1, 0, 1]).expect("valid key")
}

fuzz_target!(|data: &[u8]| {
    let uuid: [u8; 16] = data.get(..16).and_then(|s| s.try_into().ok()).unwrap_or([0; 16]);
    let key = trusted();
    let _ = verify_ta(data, uuid, core::slice::from_ref(&key), Some(1));
    let _ = verify_ta(data.get(16..).unwrap_or(&[]), uuid, &[], None);

    if let Ok(hdr) = SignedHeader::parse(data) {
        assert!(hdr.len() <= data.len());
        let _ = hdr.verify_with(&key);
    }
    if let Ok(sub) = SubkeyImage::parse(data) {
        let _ = next_uuid(&sub.subkey.uuid, data);
        if let Ok(k) = sub.public_key() {
            if let Ok(hdr) = SignedHeader::parse(data) {
                let _ = hdr.verify_with(&k);
            }
            let _ = oxtee_ta_verify::SigAlgo::from_tee_alg(sub.subkey.algo)
                .map(|a| a.verify(&k, data.get(..a.hash.size()).unwrap_or(&[]), data));
        }
    }
});
