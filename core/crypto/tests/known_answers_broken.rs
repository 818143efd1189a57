//! The boot's known-answer tests catch an accelerator whose GHASH is wrong
//! although everything else works (the image then withdraws it), and the
//! crypto crate then hands out software again.

use oxtee_crypto::accel::{self, fake::Fake};

#[test]
fn a_broken_ghash_fails_the_known_answers_and_is_withdrawn() {
    // GHASH only, and wrong; AES and the hashes stay in software.
    let broken_ghash = Fake::only(&["pmull"], true);
    accel::install(broken_ghash);
    assert_eq!(accel::known_answers(), Err("gcm tag"));
    let used = broken_ghash.done();
    assert!(used > 0);
    accel::withdraw();
    assert_eq!(accel::known_answers(), Ok(()));
    assert_eq!(broken_ghash.done(), used, "withdrawn: not used again");
}
