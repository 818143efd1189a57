//! The CPU's Armv8 Crypto Extensions (`oxtee_arch::crypto_ext`) as the
//! crypto crate's accelerator: detected, checked against the software
//! implementations, then installed, once at cold boot. Without the
//! instructions, or if the check fails, the software implementations stay.

use oxtee_arch::crypto_ext::{self as ce, Features, Refused};
use oxtee_crypto::accel::{self, Accelerator, AesSchedule, Busy};
use spin::Once;

use crate::console::{error, info};

struct CryptoExt(Features);

static CRYPTO_EXT: Once<CryptoExt> = Once::new();

fn busy(_: Refused) -> Busy {
    Busy
}

impl Accelerator for CryptoExt {
    fn has_aes(&self) -> bool {
        self.0.aes
    }
    fn has_sha1(&self) -> bool {
        self.0.sha1
    }
    fn has_sha256(&self) -> bool {
        self.0.sha256
    }
    fn aes_expand(&self, key: &[u8], schedule: &mut AesSchedule) -> Result<(), Busy> {
        let (enc, dec, rounds) = schedule.parts_mut();
        *rounds = ce::aes_expand(key, enc, dec).map_err(busy)?;
        Ok(())
    }
    fn aes_ecb(&self, keys: &AesSchedule, decrypt: bool, data: &mut [u8]) -> Result<(), Busy> {
        let schedule = if decrypt { keys.dec() } else { keys.enc() };
        ce::aes_ecb(schedule, keys.rounds(), decrypt, data).map_err(busy)
    }
    fn aes_cbc(
        &self,
        keys: &AesSchedule,
        decrypt: bool,
        iv: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy> {
        let schedule = if decrypt { keys.dec() } else { keys.enc() };
        ce::aes_cbc(schedule, keys.rounds(), decrypt, iv, data).map_err(busy)
    }
    fn aes_ctr(
        &self,
        keys: &AesSchedule,
        counter: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy> {
        ce::aes_ctr(keys.enc(), keys.rounds(), counter, data).map_err(busy)
    }
    fn sha1_blocks(&self, state: &mut [u32; 5], data: &[u8]) -> Result<(), Busy> {
        ce::sha1_blocks(state, data).map_err(busy)
    }
    fn sha256_blocks(&self, state: &mut [u32; 8], data: &[u8]) -> Result<(), Busy> {
        ce::sha256_blocks(state, data).map_err(busy)
    }
}

/// Cold boot, primary CPU, before any crypto runs (the normal world has
/// not run yet, so the FP/SIMD registers are free for the self test).
pub fn init() {
    let features = Features::detect();
    info!(
        "Crypto Extensions: AES {}, SHA-1 {}, SHA-256 {}",
        features.aes, features.sha1, features.sha256
    );
    if features == Features::default() {
        return;
    }
    let ext = CRYPTO_EXT.call_once(|| CryptoExt(features));
    match accel::self_test(ext) {
        Ok(()) => {
            accel::install(ext);
            info!("Crypto Extensions: self test passed, in use");
        }
        Err(which) => error!(
            "Crypto Extensions self test failed ({}): software crypto only",
            which
        ),
    }
}
