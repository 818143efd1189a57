//! The known-answer vectors of sym_vectors.rs again, with a software
//! stand-in accelerator installed: every AES mode (the whole-buffer ECB,
//! CBC and CTR paths and the per-block cipher under CTS, XTS, CMAC, CBC-MAC,
//! CCM and GCM) and the SHA-1/224/256 digests then run through
//! the accelerator interface, with every third call refused (done in
//! software from the same state).

#[path = "sym_vectors.rs"]
mod vectors;

use oxtee_crypto::accel::fake::Fake;

static STAND_IN: Fake = Fake::new(3);

pub(crate) fn before_each_operation() {
    oxtee_crypto::accel::install(&STAND_IN);
}

#[test]
fn the_stand_in_did_work() {
    before_each_operation();
    let mut op = oxtee_crypto::Operation::new(
        supplicant_proto::tee_crypto::TEE_ALG_SHA256,
        supplicant_proto::tee_crypto::TEE_MODE_DIGEST,
        0,
    )
    .unwrap();
    let mut out = [0u8; 32];
    let before = STAND_IN.done();
    op.digest_final(&[0x61; 200], &mut out).unwrap();
    assert!(
        STAND_IN.done() > before,
        "the digest went through the accelerator"
    );
}
