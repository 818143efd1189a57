//! Key derivation: `CRYP_DERIVE_KEY`, and the system PTA's TA unique key.

use super::*;

/// `_utee_cryp_derive_key(state, params, param_count, derived_key)`.
pub(super) fn derive_key(
    mem: &Mem<'_>,
    cs: &mut CryptoState,
    h: u32,
    va: u64,
    n: u64,
    derived: u32,
) -> Result<(), u32> {
    let s = cs.get_state(h)?;
    let (algo, k1, k2) = (s.algo, s.key1, s.key2);
    let attrs = Attrs::copy_in(mem, va, n)?;
    let key1 = cs.key(k1)?;
    let out_max = cs.key(derived)?.max_key_size();
    let key2 = if k2 != 0 { Some(cs.key(k2)?) } else { None };
    let d = asym_op::derive_key(algo, key1, key2, &attrs.list(), out_max).map_err(code)?;
    // The confirmation value goes back into the TA's
    // TEE_ATTR_SM2_KEP_CONFIRMATION_OUT buffer, once the key is set.
    let conf = match &d.confirmation_out {
        Some((n, conf)) => {
            let r = attrs.raw[*n];
            if r.b < conf.len() as u64 {
                return Err(TEE_ERROR_SHORT_BUFFER);
            }
            mem.writable(r.a, conf.len() as u64)?;
            Some((r.a, conf))
        }
        None => None,
    };
    let o = cs.object_mut(derived).ok_or(TEE_ERROR_BAD_STATE)?;
    o.key.set_derived_secret(&d.secret).map_err(code)?;
    match conf {
        Some((va, conf)) => mem.write(va, conf),
        None => Ok(()),
    }
}

/// The hardware unique key. The QEMU platform has no OTP key; this is
/// OP-TEE's answer there too (`tee_otp_get_hw_unique_key` stub: zeros), so
/// TA unique keys match OP-TEE's on the same platform. A real platform must
/// supply its own.
pub(in crate::user_ta) const HW_UNIQUE_KEY: [u8; 16] = [0; 16];

/// `PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY` for the calling TA (`uuid`, RFC 4122
/// octets): m0 IN extra data (at most 1024 bytes), m1 OUT the key (16..=32
/// bytes) = HMAC-SHA256(HUK, `HUK_SUBKEY_UNIQUE_TA` ‖ `TEE_UUID` ‖ extra)
/// as OP-TEE derives it. The key buffer must be secure memory of the TA
/// (`TEE_ERROR_SECURITY` otherwise: never into normal-world memory).
pub fn derive_ta_unique_key(
    space: &Space,
    uuid: [u8; 16],
    up: &UteeParams,
    params: &mut Params,
) -> Result<(), u32> {
    if up.types
        != [
            TEE_PARAM_TYPE_MEMREF_INPUT,
            TEE_PARAM_TYPE_MEMREF_OUTPUT,
            TEE_PARAM_TYPE_NONE,
            TEE_PARAM_TYPE_NONE,
        ]
    {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    let extra = match &params[0] {
        Param::MemrefInput(m) => m.buf.as_deref().unwrap_or(&[]),
        _ => return Err(TEE_ERROR_BAD_PARAMETERS),
    };
    let key_len = up.b[1] as usize;
    if up.b[0] > TA_DERIVED_EXTRA_DATA_MAX_SIZE as u64
        || !(TA_DERIVED_KEY_MIN_SIZE..=TA_DERIVED_KEY_MAX_SIZE).contains(&key_len)
        || extra.len() > TA_DERIVED_EXTRA_DATA_MAX_SIZE
    {
        return Err(TEE_ERROR_BAD_PARAMETERS);
    }
    if !secure_writable(space, up.a[1], up.b[1]) {
        return Err(TEE_ERROR_SECURITY);
    }
    let mut data = Zeroizing::new(Vec::new());
    data.try_reserve(16 + extra.len())
        .map_err(|_| TEE_ERROR_OUT_OF_MEMORY)?;
    data.extend_from_slice(&super::super::uuid::to_tee_struct(uuid));
    data.extend_from_slice(extra);
    let mut key = alloc::vec![0u8; key_len];
    oxtee_crypto::huk::huk_subkey_derive(&HW_UNIQUE_KEY, HUK_SUBKEY_UNIQUE_TA, &data, &mut key)
        .map_err(code)?;
    // The memref owns the key from here on and wipes it when the call's
    // parameters are dropped, after the copy into the TA's buffer.
    params[1] = Param::MemrefOutput(Memref::new(key));
    Ok(())
}

/// `[va, va + len)` is writable TA memory that does not stand for
/// normal-world memory (OP-TEE's `WRITE | ANY_OWNER | SECURE` check).
pub(super) fn secure_writable(space: &Space, va: u64, len: u64) -> bool {
    if va == 0 || !space.check(va, len, true) {
        return false;
    }
    let Some(end) = va.checked_add(len) else {
        return false;
    };
    let mut at = va & !(PAGE - 1);
    while at < end {
        if matches!(
            space.usage_at(at),
            None | Some(Use::Param { nonsecure: true })
        ) {
            return false;
        }
        at += PAGE;
    }
    true
}
