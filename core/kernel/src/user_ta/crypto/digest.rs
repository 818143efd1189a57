//! Digests and MACs: `HASH_INIT`, `HASH_UPDATE`, `HASH_FINAL`.

use super::*;
use supplicant_proto::tee_error::TeeError;

/// `_utee_hash_init(state, iv, iv_len)`: digests restart, MACs take their
/// key (the IV is not used, as in OP-TEE).
pub(super) fn hash_init(cs: &mut CryptoState, h: u32) -> Result<(), TeeError> {
    let class = tee_alg_get_class(cs.get_state(h)?.algo);
    match class {
        TEE_OPERATION_DIGEST => sym_op(cs.state_mut(h)?)?.reset().map_err(code)?,
        TEE_OPERATION_MAC => {
            load_key(cs, h)?;
            sym_op(cs.state_mut(h)?)?.mac_init(&[]).map_err(code)?;
        }
        _ => return Err(TeeError::BAD_PARAMETERS),
    }
    cs.state_mut(h)?.initialized = true;
    Ok(())
}

pub(super) fn digest_or_mac_update(s: &mut State, chunk: &[u8]) -> Result<(), TeeError> {
    let class = tee_alg_get_class(s.algo);
    let op = sym_op(s)?;
    match class {
        TEE_OPERATION_DIGEST => op.digest_update(chunk),
        TEE_OPERATION_MAC => op.mac_update(chunk),
        _ => return Err(TeeError::BAD_PARAMETERS),
    }
    .map_err(code)
}

/// `_utee_hash_update(state, chunk, chunk_size)`.
pub(super) fn hash_update(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    len: u64,
) -> Result<(), TeeError> {
    if va == 0 && len != 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    if len == 0 {
        return Ok(());
    }
    mem.readable(va, len)?;
    let (s, scratch) = cs.state_and_scratch(h)?;
    if !s.initialized {
        return Err(TeeError::BAD_STATE);
    }
    if !matches!(
        tee_alg_get_class(s.algo),
        TEE_OPERATION_DIGEST | TEE_OPERATION_MAC
    ) {
        return Err(TeeError::BAD_PARAMETERS);
    }
    mem.chunks(scratch, va, len, |c| digest_or_mac_update(s, c))
}

/// Output length of a digest or MAC state.
pub(super) fn out_len(op: &Operation) -> usize {
    op.info().digest_length as usize
}

/// `_utee_hash_final(state, chunk, chunk_size, hash, *hash_len)`.
pub(super) fn hash_final(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    len: u64,
    out_va: u64,
    len_va: u64,
) -> Result<(), TeeError> {
    if va == 0 && len != 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    mem.readable(va, len)?;
    let hlen = mem.get_len(len_va)?;
    mem.writable(out_va, hlen)?;
    let (s, scratch) = cs.state_and_scratch(h)?;
    if !s.initialized {
        return Err(TeeError::BAD_STATE);
    }
    let algo = s.algo;
    let class = tee_alg_get_class(algo);
    if class != TEE_OPERATION_DIGEST && class != TEE_OPERATION_MAC {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let xof = algo == TEE_ALG_SHAKE128 || algo == TEE_ALG_SHAKE256;
    let size = if xof {
        hlen as usize
    } else {
        out_len(sym_op(s)?)
    };
    if !xof && hlen < size as u64 {
        mem.put_len(len_va, size as u64)?;
        return Err(TeeError::SHORT_BUFFER);
    }
    mem.chunks(scratch, va, len, |c| digest_or_mac_update(s, c))?;
    let mut out = zeroed(size)?;
    let op = sym_op(s)?;
    if xof {
        // Each call continues the output stream (libutee's TEE_DigestExtract);
        // the length is left as it is.
        op.digest_extract(&[], &mut out).map_err(code)?;
        return mem.write(out_va, &out);
    }
    let n = if class == TEE_OPERATION_DIGEST {
        op.digest_final(&[], &mut out)
    } else {
        op.mac_compute_final(&[], &mut out)
    }
    .map_err(code)?;
    mem.write(out_va, &out[..n])?;
    mem.put_len(len_va, n as u64)
}
