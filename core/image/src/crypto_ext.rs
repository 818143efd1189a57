//! The CPU's Armv8 Crypto Extensions (`oxtee_arch::crypto_ext`) as the
//! crypto crate's accelerator. Cold boot (`oxtee_core_boot`) checks it
//! against the software implementations and installs it; its routines run
//! on every timed path, so they are built here, at the image's level.

use oxtee_arch::crypto_ext::{self as ce, Features, Refused};
use oxtee_crypto::accel::{
    Accelerator, AesSchedule, Block128, Block64, Busy, GhashKey, KeccakBlocks,
};
use spin::Once;

struct CryptoExt(Features);

static CRYPTO_EXT: Once<CryptoExt> = Once::new();

fn busy(_: Refused) -> Busy {
    Busy
}

/// The schedule a routine runs with: decryption's for a decryption.
fn schedule(keys: &AesSchedule, decrypt: bool) -> &[u8; 240] {
    if decrypt {
        keys.dec()
    } else {
        keys.enc()
    }
}

impl Accelerator for CryptoExt {
    fn has_aes(&self) -> bool {
        self.0.aes
    }
    fn has_pmull(&self) -> bool {
        self.0.pmull
    }
    fn has_sha1(&self) -> bool {
        self.0.sha1
    }
    fn has_sha256(&self) -> bool {
        self.0.sha256
    }
    fn has_sha512(&self) -> bool {
        self.0.sha512
    }
    fn has_sha3(&self) -> bool {
        self.0.sha3
    }
    fn aes_expand(&self, key: &[u8], schedule: &mut AesSchedule) -> Result<(), Busy> {
        let (enc, dec, rounds) = schedule.parts_mut();
        *rounds = ce::aes_expand(key, enc, dec).map_err(busy)?;
        Ok(())
    }
    fn aes_ecb(&self, keys: &AesSchedule, decrypt: bool, data: &mut [u8]) -> Result<(), Busy> {
        ce::aes_ecb(schedule(keys, decrypt), keys.rounds(), decrypt, data).map_err(busy)
    }
    fn aes_cbc(
        &self,
        keys: &AesSchedule,
        decrypt: bool,
        iv: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy> {
        ce::aes_cbc(schedule(keys, decrypt), keys.rounds(), decrypt, iv, data).map_err(busy)
    }
    fn aes_ctr(
        &self,
        keys: &AesSchedule,
        counter: &mut [u8; 16],
        data: &mut [u8],
        ctr32: bool,
    ) -> Result<(), Busy> {
        ce::aes_ctr(keys.enc(), keys.rounds(), counter, data, ctr32).map_err(busy)
    }
    fn aes_cbc_mac(
        &self,
        keys: &AesSchedule,
        state: &mut [u8; 16],
        data: &[u8],
    ) -> Result<(), Busy> {
        ce::aes_cbc_mac(keys.enc(), keys.rounds(), state, data).map_err(busy)
    }
    fn aes_xts(
        &self,
        keys: &AesSchedule,
        decrypt: bool,
        tweak: &mut [u8; 16],
        data: &mut [u8],
    ) -> Result<(), Busy> {
        ce::aes_xts(schedule(keys, decrypt), keys.rounds(), decrypt, tweak, data).map_err(busy)
    }
    fn ghash(&self, key: &GhashKey, y: &mut [u8; 16], data: &[u8]) -> Result<(), Busy> {
        ce::ghash_blocks(y, key.bytes(), data).map_err(busy)
    }
    fn sha1_blocks(&self, state: &mut [u32; 5], blocks: &[Block64]) -> Result<(), Busy> {
        ce::sha1_blocks(state, blocks).map_err(busy)
    }
    fn sha256_blocks(&self, state: &mut [u32; 8], blocks: &[Block64]) -> Result<(), Busy> {
        ce::sha256_blocks(state, blocks).map_err(busy)
    }
    fn sha512_blocks(&self, state: &mut [u64; 8], blocks: &[Block128]) -> Result<(), Busy> {
        ce::sha512_blocks(state, blocks).map_err(busy)
    }
    fn keccak_absorb(&self, state: &mut [u64; 25], blocks: KeccakBlocks<'_>) -> Result<(), Busy> {
        match blocks {
            KeccakBlocks::R72(b) => ce::sha3_absorb(state, b),
            KeccakBlocks::R104(b) => ce::sha3_absorb(state, b),
            KeccakBlocks::R136(b) => ce::sha3_absorb(state, b),
            KeccakBlocks::R144(b) => ce::sha3_absorb(state, b),
            KeccakBlocks::R168(b) => ce::sha3_absorb(state, b),
        }
        .map_err(busy)
    }
    fn keccak_permute(&self, state: &mut [u64; 25]) -> Result<(), Busy> {
        ce::keccak_permute(state).map_err(busy)
    }
}

/// The accelerator on this CPU's `features` (cold boot: the boot crate
/// checks and installs it).
pub fn accelerator(features: Features) -> &'static dyn Accelerator {
    CRYPTO_EXT.call_once(|| CryptoExt(features))
}
