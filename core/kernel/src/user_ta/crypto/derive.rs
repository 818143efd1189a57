//! Key derivation: `CRYP_DERIVE_KEY`.

use super::*;
use supplicant_proto::tee_error::TeeError;

/// `_utee_cryp_derive_key(state, params, param_count, derived_key)`.
/// `preempt` runs every few windows of DH's exponentiation (seconds for a
/// 4096-bit group under emulation), where the thread holds no lock.
pub(super) fn derive_key(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    n: u64,
    derived: u32,
    preempt: &mut dyn FnMut(),
) -> Result<(), TeeError> {
    let s = cs.get_state(h)?;
    let (algo, k1, k2) = (s.algo, s.key1, s.key2);
    let attrs = Attrs::copy_in(mem, va, n)?;
    let key1 = cs.key(k1)?;
    let out_max = cs.key(derived)?.max_key_size();
    let key2 = if k2 != 0 { Some(cs.key(k2)?) } else { None };
    let d = asym_op::derive_key_preemptible(algo, key1, key2, &attrs.list(), out_max, preempt)
        .map_err(code)?;
    // The confirmation value goes back into the TA's
    // TEE_ATTR_SM2_KEP_CONFIRMATION_OUT buffer, once the key is set.
    let conf = match &d.confirmation_out {
        Some((n, conf)) => {
            let r = attrs.raw[*n];
            if r.b < conf.len() as u64 {
                return Err(TeeError::SHORT_BUFFER);
            }
            mem.writable(r.a, conf.len() as u64)?;
            Some((r.a, conf))
        }
        None => None,
    };
    let o = cs.object_mut(derived).ok_or(TeeError::BAD_STATE)?;
    o.key.set_derived_secret(&d.secret).map_err(code)?;
    match conf {
        Some((va, conf)) => mem.write(va, conf),
        None => Ok(()),
    }
}
