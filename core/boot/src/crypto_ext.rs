//! The CPU's Armv8 Crypto Extensions as the crypto crate's accelerator:
//! detected, each routine checked against the software implementations,
//! installed, then the published vectors run through the whole modes and
//! hashes on it, once at cold boot. Without the instructions, or if a check
//! fails, the software implementations stay.

use oxtee_arch::crypto_ext::Features;
use oxtee_crypto::accel::{self, Accelerator};

use oxtee_arch::log::{error, info};

/// Primary CPU, before any crypto runs (the normal world has not run yet, so
/// the FP/SIMD registers are free for the checks). `ext` makes the image's
/// accelerator for the features found.
pub(crate) fn init(ext: fn(Features) -> &'static dyn Accelerator) {
    let f = Features::detect();
    info!(
        "Crypto Extensions: AES ",
        f.aes,
        ", PMULL ",
        f.pmull,
        ", SHA-1 ",
        f.sha1,
        ", SHA-256 ",
        f.sha256,
        ", SHA-512 ",
        f.sha512,
        ", SHA-3 ",
        f.sha3,
        ", SVE2-AES ",
        f.sve_aes
    );
    if f == Features::default() {
        return;
    }
    let ext = ext(f);
    if let Err(which) = accel::self_test(ext) {
        error!(
            "Crypto Extensions self test failed (",
            which, "): software crypto only"
        );
        return;
    }
    accel::install(ext);
    match accel::known_answers() {
        Ok(()) => info!("Crypto Extensions: self test and known answers passed, in use"),
        Err(which) => {
            accel::withdraw();
            error!(
                "Crypto Extensions known-answer test failed (",
                which, "): software crypto only"
            );
        }
    }
}
