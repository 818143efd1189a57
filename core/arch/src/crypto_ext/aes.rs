//! AES routines (`asm/aes_ce.S`): key expansion and the modes over whole
//! 16-byte blocks, each one claim of the registers per call.

use zeroize::Zeroize;

use super::{with_registers, Features, Refused};

/// An AES schedule's storage: up to 15 round keys of 16 bytes.
pub type Schedule = [u8; 240];

/// Key words of a 16-, 24- or 32-byte key, aligned for word loads.
#[repr(C, align(16))]
struct KeyWords([u8; 32]);

/// A 16-byte block aligned for pair loads (IV, counter, tweak).
#[repr(C, align(16))]
struct Block([u8; 16]);

extern "C" {
    fn ce_aes_expand(key: *const u8, nk: u64, enc: *mut u8, dec: *mut u8);
    fn ce_aes_ecb(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, decrypt: u64);
    fn ce_aes_cbc_enc(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, iv: *mut u8);
    fn ce_aes_cbc_dec(keys: *const u8, rounds: u32, data: *mut u8, blocks: u64, iv: *mut u8);
    fn ce_aes_ctr(
        keys: *const u8,
        rounds: u32,
        data: *mut u8,
        blocks: u64,
        counter: *mut u8,
        ctr32: u64,
    );
    fn ce_aes_cbc_mac(keys: *const u8, rounds: u32, data: *const u8, blocks: u64, state: *mut u8);
    fn ce_aes_xts(
        keys: *const u8,
        rounds: u32,
        data: *mut u8,
        blocks: u64,
        tweak: *mut u8,
        decrypt: u64,
    );
}

/// Rounds of a valid schedule: 10, 12 or 14; anything else is refused so a
/// wrong count can never make a routine read past the schedule.
fn check_rounds(rounds: u32) -> Result<u32, Refused> {
    match rounds {
        10 | 12 | 14 => Ok(rounds),
        _ => Err(Refused),
    }
}

/// The AES routines need the AES instructions and a valid round count.
fn aes(rounds: u32, f: impl FnOnce(u32)) -> Result<(), Refused> {
    let rounds = check_rounds(rounds)?;
    with_registers(Features::detect().aes, || f(rounds))
}

/// Expands a 16-, 24- or 32-byte AES key into the encryption and decryption
/// schedules; returns the round count.
pub fn aes_expand(key: &[u8], enc: &mut Schedule, dec: &mut Schedule) -> Result<u32, Refused> {
    let nk = match key.len() {
        16 | 24 | 32 => key.len() / 4,
        _ => return Err(Refused),
    };
    let mut words = KeyWords([0; 32]);
    words.0[..key.len()].copy_from_slice(key);
    let r = with_registers(Features::detect().aes, || {
        // SAFETY: `words` holds nk aligned key words; each schedule has room for the 4 * (nk + 7) words (at most 60 = 240 bytes) written; the FP/SIMD registers are the core's (claimed by with_registers).
        unsafe {
            ce_aes_expand(
                words.0.as_ptr(),
                nk as u64,
                enc.as_mut_ptr(),
                dec.as_mut_ptr(),
            )
        };
    });
    words.0.zeroize();
    r.map(|()| nk as u32 + 6)
}

/// ECB over the whole blocks of `data` (a trailing partial block is left
/// alone); `keys` is the decryption schedule when `decrypt`.
pub fn aes_ecb(
    keys: &Schedule,
    rounds: u32,
    decrypt: bool,
    data: &mut [u8],
) -> Result<(), Refused> {
    aes(rounds, |rounds| {
        // SAFETY: the schedule holds rounds + 1 keys (checked count, 240 bytes); data.len() / 16 blocks lie inside `data`; the registers are the core's.
        unsafe {
            ce_aes_ecb(
                keys.as_ptr(),
                rounds,
                data.as_mut_ptr(),
                (data.len() / 16) as u64,
                u64::from(decrypt),
            )
        };
    })
}

/// CBC over the whole blocks of `data`, chaining from and updating `iv`;
/// `keys` is the decryption schedule when `decrypt`.
pub fn aes_cbc(
    keys: &Schedule,
    rounds: u32,
    decrypt: bool,
    iv: &mut [u8; 16],
    data: &mut [u8],
) -> Result<(), Refused> {
    let mut chain = Block(*iv);
    let routine = if decrypt {
        ce_aes_cbc_dec
    } else {
        ce_aes_cbc_enc
    };
    aes(rounds, |rounds| {
        // SAFETY: as in `aes_ecb`; `chain` is a 16-byte block read and written back by the routine.
        unsafe {
            routine(
                keys.as_ptr(),
                rounds,
                data.as_mut_ptr(),
                (data.len() / 16) as u64,
                chain.0.as_mut_ptr(),
            )
        };
    })?;
    *iv = chain.0;
    chain.0.zeroize();
    Ok(())
}

/// CTR over the whole blocks of `data`: the counter block is a 128-bit
/// big-endian number advanced by the number of blocks, or with `ctr32`
/// only its last four bytes, modulo 2^32 (GCM).
pub fn aes_ctr(
    keys: &Schedule,
    rounds: u32,
    counter: &mut [u8; 16],
    data: &mut [u8],
    ctr32: bool,
) -> Result<(), Refused> {
    let mut ctr = Block(*counter);
    aes(rounds, |rounds| {
        // SAFETY: as in `aes_cbc`, with the counter block in place of the IV.
        unsafe {
            ce_aes_ctr(
                keys.as_ptr(),
                rounds,
                data.as_mut_ptr(),
                (data.len() / 16) as u64,
                ctr.0.as_mut_ptr(),
                u64::from(ctr32),
            )
        };
    })?;
    *counter = ctr.0;
    Ok(())
}

/// The CBC chaining value over the whole blocks of `data` (only read):
/// `state` = E(state ^ block) for each block. The encryption schedule.
pub fn aes_cbc_mac(
    keys: &Schedule,
    rounds: u32,
    state: &mut [u8; 16],
    data: &[u8],
) -> Result<(), Refused> {
    let mut chain = Block(*state);
    aes(rounds, |rounds| {
        // SAFETY: as in `aes_ecb`, except that `data` is only read; `chain` is a 16-byte block read and written back.
        unsafe {
            ce_aes_cbc_mac(
                keys.as_ptr(),
                rounds,
                data.as_ptr(),
                (data.len() / 16) as u64,
                chain.0.as_mut_ptr(),
            )
        };
    })?;
    *state = chain.0;
    chain.0.zeroize();
    Ok(())
}

/// XTS over the whole blocks of `data` with the tweak `tweak` (already
/// encrypted with the tweak key), which is multiplied by x per block and
/// left for the next block; `keys` is the data key's decryption schedule
/// when `decrypt`.
pub fn aes_xts(
    keys: &Schedule,
    rounds: u32,
    decrypt: bool,
    tweak: &mut [u8; 16],
    data: &mut [u8],
) -> Result<(), Refused> {
    let mut t = Block(*tweak);
    aes(rounds, |rounds| {
        // SAFETY: as in `aes_cbc`, with the tweak block in place of the IV.
        unsafe {
            ce_aes_xts(
                keys.as_ptr(),
                rounds,
                data.as_mut_ptr(),
                (data.len() / 16) as u64,
                t.0.as_mut_ptr(),
                u64::from(decrypt),
            )
        };
    })?;
    *tweak = t.0;
    t.0.zeroize();
    Ok(())
}
