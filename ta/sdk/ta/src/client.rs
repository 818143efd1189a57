//! Who the current session's client is (`TEE_GetPropertyAsIdentity` on
//! `TEE_PROPSET_CURRENT_CLIENT`, `"gpd.client.identity"`), as the TEE's kernel
//! reports it. For a Linux client the kernel derives the UUID from the login
//! method (for `TEE_LOGIN_USER` from the calling process's uid), so a TA can
//! trust it where it could not trust anything the client sends.

use supplicant_proto::tee_result::TEE_LOGIN_PUBLIC;
use supplicant_proto::tee_syscall::{TEE_PROPSET_CURRENT_CLIENT, USER_TA_PROP_TYPE_IDENTITY};

use crate::error::{Error, Result};

/// `TEE_Identity`: the login method and the UUID that goes with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Identity {
    /// `TEE_LOGIN_*`.
    pub login: u32,
    /// The client's UUID in `TEE_UUID`'s in-memory layout (all zero for
    /// `TEE_LOGIN_PUBLIC`).
    pub uuid: [u8; 16],
}

impl Identity {
    /// Size of the encoded `TEE_Identity`: `login` (u32 LE) then the UUID.
    pub const ENCODED_LEN: usize = 20;

    /// Decodes the kernel's 20-byte encoding.
    pub fn decode(bytes: &[u8]) -> Result<Identity> {
        let b: &[u8; Self::ENCODED_LEN] = bytes.try_into().map_err(|_| Error::BAD_FORMAT)?;
        let mut uuid = [0u8; 16];
        uuid.copy_from_slice(&b[4..]);
        Ok(Identity {
            login: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            uuid,
        })
    }

    /// The 20-byte encoding (`login` LE, then the UUID).
    pub fn encode(&self) -> [u8; Self::ENCODED_LEN] {
        let mut out = [0u8; Self::ENCODED_LEN];
        out[..4].copy_from_slice(&self.login.to_le_bytes());
        out[4..].copy_from_slice(&self.uuid);
        out
    }

    /// Whether the client logged in as `TEE_LOGIN_PUBLIC` (nobody in particular).
    pub fn is_public(&self) -> bool {
        self.login == TEE_LOGIN_PUBLIC
    }
}

const IDENTITY_NAME: &[u8] = b"gpd.client.identity\0";

/// The current client's identity.
pub fn identity() -> Result<Identity> {
    let mut index = 0u32;
    // SAFETY: the name is a live NUL-terminated slice; `index` is writable.
    Error::check(unsafe {
        oxtee_ta_sys::utee_get_property_name_to_index(
            TEE_PROPSET_CURRENT_CLIENT,
            IDENTITY_NAME.as_ptr(),
            IDENTITY_NAME.len(),
            &mut index,
        )
    })?;
    let mut buf = [0u8; Identity::ENCODED_LEN];
    let mut len = Identity::ENCODED_LEN as u32;
    let mut prop_type = 0u32;
    // SAFETY: `buf` is writable for `len` bytes; `len` and `prop_type` are writable.
    Error::check(unsafe {
        oxtee_ta_sys::utee_get_property(
            TEE_PROPSET_CURRENT_CLIENT,
            index,
            buf.as_mut_ptr(),
            &mut len,
            &mut prop_type,
        )
    })?;
    // A kernel answering another type or size is not believed.
    if prop_type != USER_TA_PROP_TYPE_IDENTITY || len as usize != Identity::ENCODED_LEN {
        return Err(Error::BAD_FORMAT);
    }
    Identity::decode(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips() {
        let id = Identity {
            login: 1,
            uuid: [7; 16],
        };
        let b = id.encode();
        assert_eq!(&b[..4], &[1, 0, 0, 0]);
        assert_eq!(Identity::decode(&b), Ok(id));
        assert_eq!(Identity::decode(&b[..19]), Err(Error::BAD_FORMAT));
        assert!(!id.is_public());
    }
}
