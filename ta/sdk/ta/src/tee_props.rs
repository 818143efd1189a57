//! Properties of the TEE implementation (`TEE_PROPSET_TEE_IMPLEMENTATION`),
//! as `TEE_GetPropertyAsString` reads them.

use alloc::vec::Vec;

use supplicant_proto::tee_syscall::{TEE_PROPSET_TEE_IMPLEMENTATION, USER_TA_PROP_TYPE_STRING};

use crate::error::{Error, Result};

/// Longest property value read (OP-TEE's strings are far shorter).
const MAX_VALUE: usize = 256;

/// `gpd.tee.trustedos.implementation.version`: the secure OS's version
/// string (e.g. OP-TEE's `4.5.0`), without the terminating NUL.
pub fn trusted_os_version() -> Result<Vec<u8>> {
    string(b"gpd.tee.trustedos.implementation.version\0")
}

/// A string property of the TEE implementation; `name` ends in a NUL.
fn string(name: &[u8]) -> Result<Vec<u8>> {
    let mut index = 0u32;
    // SAFETY: `name` is a live slice of `name.len()` bytes; `index` is writable.
    Error::check(unsafe {
        oxtee_ta_sys::utee_get_property_name_to_index(
            TEE_PROPSET_TEE_IMPLEMENTATION,
            name.as_ptr(),
            name.len(),
            &mut index,
        )
    })?;
    let mut buf = alloc::vec![0u8; MAX_VALUE];
    let mut len = MAX_VALUE as u32;
    let mut prop_type = 0u32;
    // SAFETY: `buf` is writable for `len` bytes; `len` and `prop_type` are writable.
    Error::check(unsafe {
        oxtee_ta_sys::utee_get_property(
            TEE_PROPSET_TEE_IMPLEMENTATION,
            index,
            buf.as_mut_ptr(),
            &mut len,
            &mut prop_type,
        )
    })?;
    let len = len as usize;
    if prop_type != USER_TA_PROP_TYPE_STRING || len > MAX_VALUE {
        return Err(Error::BAD_FORMAT);
    }
    buf.truncate(len);
    // The kernel's length counts the terminator; the value is what precedes it.
    if let Some(end) = buf.iter().position(|&b| b == 0) {
        buf.truncate(end);
    }
    Ok(buf)
}
