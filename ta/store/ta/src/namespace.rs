//! Where a client's secrets live: every object id starts with the client's
//! identity as the TEE's kernel reports it (login method and UUID), followed
//! by the secret's name. A client can only ever name ids under its own
//! prefix, so another user's secrets are out of reach, not merely hidden.
//!
//! A value being replaced is first written under a staging id: the prefix,
//! a [`Stage`] byte (never a valid first character of a name), the name.

use alloc::vec::Vec;

use oxtee_ta::client::Identity;
use oxtee_ta::{Error, Result};

/// Length of the prefix: `TEE_Identity` encoded (login LE, then the UUID).
pub(crate) const PREFIX_LEN: usize = Identity::ENCODED_LEN;
/// Longest name: what `TEE_OBJECT_ID_MAX_LEN` (64) leaves after the prefix
/// and a stage byte.
pub(crate) const MAX_NAME_LEN: usize = 64 - PREFIX_LEN - 1;

/// Where a staged value is in a `put`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Still being written: never used as a value.
    Writing = 1,
    /// Completely written: replaces the current value when the put finishes,
    /// or at the next access if the TA stopped before.
    Written = 2,
}

/// The object id prefix of one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Namespace([u8; PREFIX_LEN]);

/// Logins whose identity names nobody in particular: every such client would
/// share one namespace, so none gets one.
const ANONYMOUS_LOGINS: [u32; 2] = [
    0,           // TEE_LOGIN_PUBLIC
    0x8000_0000, // TEE_LOGIN_REE_KERNEL
];

impl Namespace {
    /// The namespace of `client`; anonymous clients are refused.
    pub(crate) fn of(client: Identity) -> Result<Namespace> {
        if ANONYMOUS_LOGINS.contains(&client.login) {
            return Err(Error::ACCESS_DENIED);
        }
        Ok(Namespace(client.encode()))
    }

    /// The identity bytes that prefix every object id of this client.
    pub(crate) fn prefix(&self) -> &[u8; PREFIX_LEN] {
        &self.0
    }

    /// The object id of secret `name` (checked with [`check_name`]).
    pub(crate) fn object_id(&self, name: &[u8]) -> Result<Vec<u8>> {
        check_name(name)?;
        let mut id = Vec::with_capacity(PREFIX_LEN + name.len());
        id.extend_from_slice(&self.0);
        id.extend_from_slice(name);
        Ok(id)
    }

    /// The staging id of secret `name` at `stage`.
    pub(crate) fn staged_id(&self, name: &[u8], stage: Stage) -> Result<Vec<u8>> {
        check_name(name)?;
        let mut id = Vec::with_capacity(PREFIX_LEN + 1 + name.len());
        id.extend_from_slice(&self.0);
        id.push(stage as u8);
        id.extend_from_slice(name);
        Ok(id)
    }

    /// The name in `id` if `id` is a completely written staged value of this
    /// namespace.
    pub(crate) fn written_name_of<'a>(&self, id: &'a [u8]) -> Option<&'a [u8]> {
        let name = id
            .strip_prefix(&self.0[..])?
            .strip_prefix(&[Stage::Written as u8])?;
        check_name(name).ok().map(|()| name)
    }

    /// The name in `id` if `id` is in this namespace (and well formed).
    pub(crate) fn name_of<'a>(&self, id: &'a [u8]) -> Option<&'a [u8]> {
        let name = id.strip_prefix(&self.0[..])?;
        check_name(name).ok().map(|()| name)
    }
}

/// Names are 1 to [`MAX_NAME_LEN`] printable ASCII characters other than
/// space (so they list, print and type safely); anything else is
/// `TEE_ERROR_BAD_PARAMETERS`.
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
    fn names_are_checked() {
        assert_eq!(check_name(b"db-password"), Ok(()));
        assert_eq!(check_name(&[b'a'; MAX_NAME_LEN]), Ok(()));
        for bad in [
            &b""[..],
            &[b'a'; MAX_NAME_LEN + 1],
            b"a b",
            b"a\0",
            b"\n",
            &[0xC3, 0xA9],
        ] {
            assert_eq!(check_name(bad), Err(Error::BAD_PARAMETERS), "{bad:?}");
        }
    }

    #[test]
    fn namespaces_do_not_overlap() {
        let a = Namespace::of(id(1, 1)).unwrap();
        let b = Namespace::of(id(1, 2)).unwrap();
        let g = Namespace::of(id(2, 1)).unwrap();
        let ida = a.object_id(b"k").unwrap();
        assert_eq!(ida.len(), PREFIX_LEN + 1);
        assert_eq!(a.name_of(&ida), Some(&b"k"[..]));
        assert_eq!(b.name_of(&ida), None);
        assert_eq!(g.name_of(&ida), None, "group and user spaces differ");
        assert_eq!(a.name_of(&ida[..PREFIX_LEN]), None, "no empty name");
        let staged = a.staged_id(b"k", Stage::Written).unwrap();
        assert_eq!(a.name_of(&staged), None, "a stage is not a name");
        assert_eq!(a.written_name_of(&staged), Some(&b"k"[..]));
        assert_eq!(b.written_name_of(&staged), None);
        let writing = a.staged_id(b"k", Stage::Writing).unwrap();
        assert_eq!(a.written_name_of(&writing), None);
        assert_eq!(a.name_of(&writing), None);
        let longest = a.staged_id(&[b'n'; MAX_NAME_LEN], Stage::Written).unwrap();
        assert_eq!(longest.len(), 64, "fits TEE_OBJECT_ID_MAX_LEN");
        assert_eq!(Namespace::of(id(0, 0)), Err(Error::ACCESS_DENIED));
        assert_eq!(Namespace::of(id(0x8000_0000, 0)), Err(Error::ACCESS_DENIED));
    }
}
