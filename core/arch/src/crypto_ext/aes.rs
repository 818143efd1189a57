//! AES routines (`asm/aes_ce.S`, and `asm/aes_sve.S` for the modes whose
//! blocks are independent on a CPU with SVE2's AES instructions): key
//! expansion and the modes over whole 16-byte blocks, each one claim of the
//! registers per call.

use core::ptr::null;

use zeroize::Zeroize;

use super::{with_registers, with_sve_registers, Features, Refused};

/// An AES schedule's storage: up to 15 round keys of 16 bytes.
pub type Schedule = [u8; 240];

/// Key words of a 16-, 24- or 32-byte key, aligned for word loads.
#[repr(C, align(16))]
struct KeyWords([u8; 32]);

/// A 16-byte block aligned for pair loads (IV, counter, tweak).
#[repr(C, align(16))]
struct Block([u8; 16]);

/// Bytes the SVE modes prepare per step (counters, tweaks, the previous
/// ciphertext blocks): 16 blocks, what one vector of 2048 bits holds.
const STEP: usize = 256;

/// Per-block values for the SVE routine, as aligned words.
#[repr(C, align(16))]
struct StepWords([u64; STEP / 8]);

/// Per-block values for the SVE routine, as bytes.
#[repr(C, align(16))]
struct StepBytes([u8; STEP]);

extern "C" {
    fn sve_aes_keys(keys: *const u8, rounds: u32);
    fn sve_aes_wipe();
    fn sve_aes_blocks(
        rounds: u32,
        decrypt: u64,
        src: *const u8,
        dst: *mut u8,
        blocks: u64,
        pre: *const u8,
        post: *const u8,
    );
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

/// The SVE routine serves the modes whose blocks are independent when the
/// CPU has SVE2's AES instructions: `Some` with the checked round count.
fn sve(rounds: u32) -> Option<Result<u32, Refused>> {
    Features::detect().sve_aes.then(|| check_rounds(rounds))
}

/// Runs `f` on the claimed registers with the round keys of `keys` loaded
/// for `sve_aes_blocks`, and wipes the vector registers after it. Between
/// the two only Rust code of the core runs, which never touches a vector
/// register (built soft-float), so the keys stay loaded.
fn with_sve_keys(keys: &Schedule, rounds: u32, f: impl FnOnce()) -> Result<(), Refused> {
    with_sve_registers(|| {
        // SAFETY: the schedule holds rounds + 1 keys (`rounds` checked by `sve`); the registers are the core's.
        unsafe { sve_aes_keys(keys.as_ptr(), rounds) };
        f();
        // SAFETY: writes vector and predicate registers only, which are the core's.
        unsafe { sve_aes_wipe() };
    })
}

/// `dst[i] = F(src[i] ^ pre[i]) ^ post[i]` over the whole blocks at `dst`
/// (`blocks` of them), with the keys of `with_sve_keys` loaded.
///
/// # Safety
/// `src`, `dst` and the non-null `pre` and `post` hold `blocks` blocks;
/// `dst` is `src` or `post` or overlaps none of them; called inside
/// `with_sve_keys` with the round count it loaded.
// SAFETY: an `unsafe fn` because of the contract above; its callers pass pieces of their own buffers and tables.
unsafe fn sve_blocks(
    rounds: u32,
    decrypt: bool,
    src: *const u8,
    dst: *mut u8,
    blocks: usize,
    pre: *const u8,
    post: *const u8,
) {
    // SAFETY: the caller's contract is the routine's.
    unsafe {
        sve_aes_blocks(
            rounds,
            u64::from(decrypt),
            src,
            dst,
            blocks as u64,
            pre,
            post,
        )
    };
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
    if let Some(rounds) = sve(rounds) {
        let rounds = rounds?;
        let p = data.as_mut_ptr();
        return with_sve_keys(keys, rounds, || {
            // SAFETY: data.len() / 16 blocks lie inside `data`, read and written in place; no XOR tables.
            unsafe { sve_blocks(rounds, decrypt, p, p, data.len() / 16, null(), null()) };
        });
    }
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
    if let (true, Some(rounds)) = (decrypt, sve(rounds)) {
        return cbc_decrypt_sve(keys, rounds?, iv, data);
    }
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

/// CBC decryption with the SVE routine: each block's plaintext is its
/// decryption XORed with the ciphertext block before it (the IV first).
fn cbc_decrypt_sve(
    keys: &Schedule,
    rounds: u32,
    iv: &mut [u8; 16],
    data: &mut [u8],
) -> Result<(), Refused> {
    let mut prev = StepBytes([0; STEP]);
    let mut chain = *iv;
    let whole = data.len() / 16 * 16;
    with_sve_keys(keys, rounds, || {
        for piece in data[..whole].chunks_mut(STEP) {
            let n = piece.len();
            prev.0[..16].copy_from_slice(&chain);
            prev.0[16..n].copy_from_slice(&piece[..n - 16]);
            chain.copy_from_slice(&piece[n - 16..]);
            let p = piece.as_mut_ptr();
            // SAFETY: the n / 16 blocks of `piece` are read and written in place; `prev` holds n bytes (n <= STEP).
            unsafe { sve_blocks(rounds, true, p, p, n / 16, null(), prev.0.as_ptr()) };
        }
    })?;
    *iv = chain;
    prev.0.zeroize();
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
    if let Some(rounds) = sve(rounds) {
        return table_mode_sve(keys, rounds?, false, counter, data, Table::Ctr { ctr32 });
    }
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
    if let Some(rounds) = sve(rounds) {
        return table_mode_sve(keys, rounds?, decrypt, tweak, data, Table::Xts);
    }
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

/// What a step's table of per-block values holds for the SVE routine.
#[derive(Clone, Copy)]
enum Table {
    /// CTR: the counter blocks, enciphered and XORed into the data.
    Ctr { ctr32: bool },
    /// XTS: the tweaks, XORed into each block before and after.
    Xts,
}

/// The 16 bytes of `b` as two little-endian words.
fn words(b: &[u8; 16]) -> [u64; 2] {
    let a = Block(*b);
    let (lo, hi) = a.0.split_at(8);
    [
        u64::from_le_bytes(lo.try_into().unwrap_or_default()),
        u64::from_le_bytes(hi.try_into().unwrap_or_default()),
    ]
}

/// CTR and XTS with the SVE routine: per step, the table's values are
/// written from the 128-bit `state` (CTR's big-endian counter, XTS's
/// little-endian tweak), which advances once per block (+1, or x), then
/// one pass of the routine does the step; `state` is left at the next
/// block's value.
fn table_mode_sve(
    keys: &Schedule,
    rounds: u32,
    decrypt: bool,
    state: &mut [u8; 16],
    data: &mut [u8],
    table: Table,
) -> Result<(), Refused> {
    let [w0, w1] = words(state);
    // (high, low) halves of the number.
    let (mut hi, mut lo) = match table {
        Table::Ctr { .. } => (w0.swap_bytes(), w1.swap_bytes()),
        Table::Xts => (w1, w0),
    };
    let mut values = StepWords([0; STEP / 8]);
    let whole = data.len() / 16 * 16;
    with_sve_keys(keys, rounds, || {
        for piece in data[..whole].chunks_mut(STEP) {
            let (n, p) = (piece.len(), piece.as_mut_ptr());
            for v in values.0[..n / 8].chunks_exact_mut(2) {
                match table {
                    Table::Ctr { ctr32 } => {
                        v[0] = hi.swap_bytes();
                        v[1] = lo.swap_bytes();
                        if ctr32 {
                            lo = (lo & !0xffff_ffff) | u64::from((lo as u32).wrapping_add(1));
                        } else {
                            let (l, carry) = lo.overflowing_add(1);
                            lo = l;
                            hi = hi.wrapping_add(u64::from(carry));
                        }
                    }
                    Table::Xts => {
                        v[0] = lo;
                        v[1] = hi;
                        // Times x: shift left, 0x87 folded in when bit 127 falls out.
                        let fold = ((hi as i64) >> 63) as u64 & 0x87;
                        hi = (hi << 1) | (lo >> 63);
                        lo = (lo << 1) ^ fold;
                    }
                }
            }
            let t = values.0.as_ptr().cast::<u8>();
            // SAFETY: the table holds n bytes (n <= STEP) and is only read; the piece's n / 16 blocks are written in place (XTS) or from the table with the piece as `post` (CTR).
            unsafe {
                match table {
                    Table::Ctr { .. } => sve_blocks(rounds, false, t, p, n / 16, null(), p),
                    Table::Xts => sve_blocks(rounds, decrypt, p, p, n / 16, t, t),
                }
            };
        }
    })?;
    let [w0, w1] = match table {
        Table::Ctr { .. } => [hi.swap_bytes(), lo.swap_bytes()],
        Table::Xts => [lo, hi],
    };
    let mut out = Block([0; 16]);
    out.0[..8].copy_from_slice(&w0.to_le_bytes());
    out.0[8..].copy_from_slice(&w1.to_le_bytes());
    *state = out.0;
    out.0.zeroize();
    values.0.zeroize();
    (hi, lo).zeroize();
    Ok(())
}
