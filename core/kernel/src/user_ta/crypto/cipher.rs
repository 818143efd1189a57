//! Symmetric ciphers: `CIPHER_INIT`, `CIPHER_UPDATE`, `CIPHER_FINAL`.

use super::*;
use supplicant_proto::tee_error::TeeError;

/// `_utee_cipher_init(state, iv, iv_len)`.
pub(super) fn cipher_init(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    iv: u64,
    iv_len: u64,
) -> Result<(), TeeError> {
    let s = cs.get_state(h)?;
    if tee_alg_get_class(s.algo) != TEE_OPERATION_CIPHER {
        return Err(TeeError::BAD_STATE);
    }
    let iv = mem.read_vec(iv, iv_len)?;
    load_key(cs, h)?;
    let s = cs.state_mut(h)?;
    sym_op(s)?.cipher_init(&iv).map_err(code)?;
    s.initialized = true;
    Ok(())
}

/// `_utee_cipher_update` / `_utee_cipher_final(state, src, src_len, dst,
/// *dst_len)`: libutee passes whole blocks; every input byte is output.
#[allow(clippy::too_many_arguments)]
pub(super) fn cipher_update(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    last: bool,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
) -> Result<(), TeeError> {
    let (s, scratch) = cs.state_and_scratch(h)?;
    if !s.initialized {
        return Err(TeeError::BAD_STATE);
    }
    mem.readable(src, src_len)?;
    let dlen = if len_va == 0 {
        0
    } else {
        let d = mem.get_len(len_va)?;
        mem.writable(dst, d)?;
        d
    };
    let put = |v| {
        if len_va != 0 {
            mem.put_len(len_va, v)
        } else {
            Ok(())
        }
    };
    if dlen < src_len {
        put(src_len)?;
        return Err(TeeError::SHORT_BUFFER);
    }
    let op = sym_op(s)?;
    if last {
        if src_len > 0 {
            let input = mem.read_vec(src, src_len)?;
            let mut out = zeroed(input.len())?;
            let n = op.cipher_final(&input, &mut out).map_err(code)?;
            mem.write(dst, &out[..n])?;
        } else if op.is_active() {
            op.reset().map_err(code)?;
        }
    } else {
        // Each piece is read once into the core, transformed there and
        // written out: no allocation, zeroing or second buffer per call.
        mem.transform(scratch, src, src_len, dst, |piece| {
            op.cipher_update_in_place(piece).map_err(code)
        })?;
    }
    put(src_len)
}
