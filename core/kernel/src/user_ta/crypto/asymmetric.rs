//! Asymmetric ciphers and signatures: `ASYMM_OPERATE`, `ASYMM_VERIFY`.

use super::*;
use supplicant_proto::tee_error::TeeError;

/// `_utee_asymm_operate(state, params, num_params, src, src_len, dst,
/// *dst_len)`.
#[allow(clippy::too_many_arguments)]
pub(super) fn asymm_operate(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    pva: u64,
    pn: u64,
    src: u64,
    src_len: u64,
    dst: u64,
    len_va: u64,
) -> Result<(), TeeError> {
    let s = cs.get_state(h)?;
    mem.readable(src, src_len)?;
    let dlen = mem.get_len(len_va)?;
    mem.writable(dst, dlen)?;
    let attrs = Attrs::copy_in(mem, pva, pn)?;
    let key = cs.key(s.key1)?;
    if !key.is_initialized() {
        return Err(TeeError::GENERIC);
    }
    // RSA encryption answers a too-small output with the modulus size
    // before looking at the message (OP-TEE's order: a size query with a
    // message too long for the padding still learns the size).
    if s.mode == TEE_MODE_ENCRYPT && tee_alg_get_main_alg(s.algo) == TEE_MAIN_ALGO_RSA {
        let modulus = u64::from(key.key_size()).div_ceil(8);
        if dlen < modulus {
            mem.put_len(len_va, modulus)?;
            return Err(TeeError::SHORT_BUFFER);
        }
    }
    let input = mem.read_vec(src, src_len)?;
    let mut rng = CoreRng::new(mem.hw);
    let out = asym_op::asymmetric_operate(s.algo, s.mode, key, &attrs.list(), &input, &mut rng)
        .map_err(|e| match e {
            CryptoError::ShortBuffer { required } => {
                let _ = mem.put_len(len_va, required as u64);
                TeeError::SHORT_BUFFER
            }
            e => code(e),
        })?;
    mem.put_len(len_va, out.len() as u64)?;
    if (out.len() as u64) > dlen {
        return Err(TeeError::SHORT_BUFFER);
    }
    mem.write(dst, &out)
}

/// `_utee_asymm_verify(state, params, num_params, data, data_len, sig,
/// sig_len)`.
#[allow(clippy::too_many_arguments)]
pub(super) fn asymm_verify(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    pva: u64,
    pn: u64,
    data: u64,
    data_len: u64,
    sig: u64,
    sig_len: u64,
) -> Result<(), TeeError> {
    let s = cs.get_state(h)?;
    if s.mode != TEE_MODE_VERIFY {
        return Err(TeeError::BAD_PARAMETERS);
    }
    let data = mem.read_vec(data, data_len)?;
    let sig = mem.read_vec(sig, sig_len)?;
    let attrs = Attrs::copy_in(mem, pva, pn)?;
    let key = cs.key(s.key1)?;
    if !key.is_initialized() {
        return Err(TeeError::BAD_PARAMETERS);
    }
    asym_op::asymmetric_verify(s.algo, key, &attrs.list(), &data, &sig).map_err(code)
}
