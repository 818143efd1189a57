//! Whose keys: every object id is the client's identity as the TEE's kernel
//! reports it (login method and UUID), then the key's name. A client can
//! only form ids under its own prefix, so another user's keys are out of
//! reach, not merely hidden.

use alloc::vec::Vec;

use oxtee_ta::client::Identity;
use oxtee_ta::{Error, Result};

/// Length of the prefix: `TEE_Identity` encoded.
pub(crate) const PREFIX_LEN: usize = Identity::ENCODED_LEN;
/// Longest name: what the 64-byte GP object id leaves after the prefix.
pub(crate) const MAX_NAME_LEN: usize = 64 - PREFIX_LEN;

/// Logins that name nobody in particular (`TEE_LOGIN_PUBLIC`,
/// `TEE_LOGIN_REE_KERNEL`): they get no keys.
const ANONYMOUS_LOGINS: [u32; 2] = [0, 0x8000_0000];

/// The object id prefix of one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Namespace([u8; PREFIX_LEN]);

impl Namespace {
    /// The namespace of `client`; anonymous clients are refused.
    pub(crate) fn of(client: Identity) -> Result<Namespace> {
        if ANONYMOUS_LOGINS.contains(&client.login) {
            return Err(Error::ACCESS_DENIED);
        }
        Ok(Namespace(client.encode()))
    }

    /// The object id of key `name`.
    pub(crate) fn object_id(&self, name: &[u8]) -> Result<Vec<u8>> {
        check_name(name)?;
        let mut id = Vec::with_capacity(PREFIX_LEN + name.len());
        id.extend_from_slice(&self.0);
        id.extend_from_slice(name);
        Ok(id)
    }

    /// The name in `id` if `id` is in this namespace.
    pub(crate) fn name_of<'a>(&self, id: &'a [u8]) -> Option<&'a [u8]> {
        let name = id.strip_prefix(&self.0[..])?;
        check_name(name).ok().map(|()| name)
    }
}

/// Names are 1 to [`MAX_NAME_LEN`] printable ASCII characters other than
/// space; anything else is `TEE_ERROR_BAD_PARAMETERS`.
pub(crate) fn check_name(name: &[u8]) -> Result<()> {
    if name.is_empty() || name.len() > MAX_NAME_LEN || !name.iter().all(u8::is_ascii_graphic) {
        return Err(Error::BAD_PARAMETERS);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(login: u32, b: u8) -> Identity {
        Identity {
            login,
            uuid: [b; 16],
        }
    }

    #[test]
    fn names_and_namespaces() {
        assert!(check_name(&[b'k'; MAX_NAME_LEN]).is_ok());
        for bad in [&b""[..], &[b'k'; MAX_NAME_LEN + 1], b"a b", b"a\0", &[0xff]] {
            assert_eq!(check_name(bad), Err(Error::BAD_PARAMETERS));
        }
        let a = Namespace::of(id(1, 1)).unwrap();
        let b = Namespace::of(id(1, 2)).unwrap();
        let ida = a.object_id(b"k").unwrap();
        assert_eq!(ida.len(), 64 - MAX_NAME_LEN + 1);
        assert_eq!(a.name_of(&ida), Some(&b"k"[..]));
        assert_eq!(b.name_of(&ida), None);
        assert_eq!(Namespace::of(id(0, 1)), Err(Error::ACCESS_DENIED));
        assert_eq!(Namespace::of(id(0x8000_0000, 1)), Err(Error::ACCESS_DENIED));
    }
}
