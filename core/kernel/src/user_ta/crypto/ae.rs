//! Authenticated encryption: the `AUTHENC_*` calls.

use super::*;
use supplicant_proto::tee_error::TeeError;

/// `_utee_authenc_init(state, nonce, nonce_len, tag_len, aad_len,
/// payload_len)`; `tag_len` in bytes.
#[allow(clippy::too_many_arguments)]
pub(super) fn authenc_init(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    nonce: u64,
    nonce_len: u64,
    tag_len: u64,
    aad_len: u64,
    payload_len: u64,
) -> Result<(), TeeError> {
    let s = cs.get_state(h)?;
    let k = cs.key(s.key1)?;
    if !k.is_initialized() {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let nonce = mem.read_vec(nonce, nonce_len)?;
    load_key(cs, h)?;
    let s = cs.state_mut(h)?;
    let tag_bits = u32::try_from(tag_len)
        .ok()
        .and_then(|t| t.checked_mul(8))
        .unwrap_or(u32::MAX);
    sym_op(s)?
        .ae_init(&nonce, tag_bits, aad_len as usize, payload_len as usize)
        .map_err(code)?;
    s.initialized = true;
    Ok(())
}

/// An initialized AE state.
pub(super) fn ae_state(cs: &mut CryptoState, h: u32) -> Result<&mut State, TeeError> {
    let s = cs.state_mut(h)?;
    if !s.initialized || tee_alg_get_class(s.algo) != TEE_OPERATION_AE {
        return Err(TeeError::BAD_STATE);
    }
    Ok(s)
}

/// `_utee_authenc_update_aad(state, aad, aad_len)`.
pub(super) fn authenc_update_aad(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    len: u64,
) -> Result<(), TeeError> {
    mem.readable(va, len)?;
    ae_state(cs, h)?;
    let (s, scratch) = cs.state_and_scratch(h)?;
    let op = sym_op(s)?;
    mem.chunks(scratch, va, len, |c| op.ae_update_aad(c).map_err(code))
}

/// `_utee_authenc_update_payload(state, src, src_len, dst, *dst_len)`.
pub(super) fn authenc_update(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
) -> Result<(), TeeError> {
    ae_state(cs, h)?;
    let (s, scratch) = cs.state_and_scratch(h)?;
    let op = sym_op(s)?;
    mem.readable(src, src_len)?;
    let dlen = mem.get_len(len_va)?;
    mem.writable(dst, dlen)?;
    if dlen < src_len {
        mem.put_len(len_va, dlen)?;
        return Err(TeeError::SHORT_BUFFER);
    }
    mem.transform(scratch, src, src_len, dst, |piece| {
        op.ae_update_in_place(piece).map_err(code)
    })?;
    mem.put_len(len_va, src_len)
}

/// Output buffer length of an AE final: 0 without a length pointer.
pub(super) fn final_dlen(mem: &Mem<'_>, dst: u64, len_va: u64) -> Result<u64, TeeError> {
    if len_va == 0 {
        return Ok(0);
    }
    let d = mem.get_len(len_va)?;
    mem.writable(dst, d)?;
    Ok(d)
}

/// What both AE finals check first: an initialized state of `mode`, a
/// readable source and a destination as large as the source (else
/// `SHORT_BUFFER`, the destination length written back as OP-TEE does).
/// Returns the operation and the destination length.
#[allow(clippy::too_many_arguments)]
pub(super) fn ae_final_start<'c>(
    mem: &Mem<'_>,
    cs: &'c mut CryptoState,
    h: u32,
    mode: u32,
    src: u64,
    src_len: u64,
    len_va: u64,
    dst: u64,
    tag_len_va: Option<u64>,
) -> Result<(&'c mut Operation, u64), TeeError> {
    let s = cs.state_mut(h)?;
    if !s.initialized {
        return Err(TeeError::BAD_STATE);
    }
    if s.mode != mode {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let op = sym_op(ae_state(cs, h)?)?;
    mem.readable(src, src_len)?;
    let dlen = final_dlen(mem, dst, len_va)?;
    if dlen < src_len {
        // Every length written back must be writable before the first is.
        if let Some(va) = tag_len_va {
            mem.writable(va, 8)?;
        }
        if len_va != 0 {
            mem.put_len(len_va, dlen)?;
        }
        return Err(TeeError::SHORT_BUFFER);
    }
    Ok((op, dlen))
}

/// `_utee_authenc_enc_final(state, src, src_len, dst, *dst_len, tag,
/// *tag_len)`.
#[allow(clippy::too_many_arguments)]
pub(super) fn authenc_enc_final(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
    tag: u64,
    tag_len_va: u64,
) -> Result<(), TeeError> {
    let (op, dlen) = match ae_final_start(
        mem,
        cs,
        h,
        TEE_MODE_ENCRYPT,
        src,
        src_len,
        len_va,
        dst,
        Some(tag_len_va),
    ) {
        Err(TeeError::SHORT_BUFFER) => {
            mem.put_len(tag_len_va, 0)?;
            return Err(TeeError::SHORT_BUFFER);
        }
        r => r?,
    };
    let tlen = mem.get_len(tag_len_va)?;
    mem.writable(tag, tlen)?;
    let need = out_len(op) as u64;
    if tlen < need {
        if len_va != 0 {
            mem.put_len(len_va, dlen)?;
        }
        mem.put_len(tag_len_va, need)?;
        return Err(TeeError::SHORT_BUFFER);
    }
    let input = mem.read_vec(src, src_len)?;
    let mut out = zeroed(input.len())?;
    let mut t = [0u8; 16];
    let (n, tn) = op
        .ae_encrypt_final(&input, &mut out, &mut t)
        .map_err(code)?;
    mem.write(dst, &out[..n])?;
    mem.write(tag, &t[..tn])?;
    if len_va != 0 {
        mem.put_len(len_va, n as u64)?;
    }
    mem.put_len(tag_len_va, tn as u64)
}

/// `_utee_authenc_dec_final(state, src, src_len, dst, *dst_len, tag,
/// tag_len)`.
#[allow(clippy::too_many_arguments)]
pub(super) fn authenc_dec_final(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
    tag: u64,
    tag_len: u64,
) -> Result<(), TeeError> {
    let (op, _) = ae_final_start(
        mem,
        cs,
        h,
        TEE_MODE_DECRYPT,
        src,
        src_len,
        len_va,
        dst,
        None,
    )?;
    let tag = mem.read_vec(tag, tag_len)?;
    let input = mem.read_vec(src, src_len)?;
    let mut out = zeroed(input.len())?;
    let n = op.ae_decrypt_final(&input, &mut out, &tag).map_err(code)?;
    mem.write(dst, &out[..n])?;
    if len_va != 0 {
        mem.put_len(len_va, n as u64)?;
    }
    Ok(())
}
