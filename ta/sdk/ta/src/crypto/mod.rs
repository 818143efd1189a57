//! Cryptography (GP Internal Core API chapter 6) over the core's crypto
//! system calls: transient key objects ([`TransientObject`]), and operations
//! for digests, MACs, ciphers, authenticated encryption, asymmetric
//! signatures and encryption, and key derivation ([`operation`]).
//!
//! Keys stay in the TEE's kernel: a TA holds handles, never key bytes, unless
//! it asks for an attribute of an object whose usage allows extraction
//! (`usage::EXTRACTABLE`). Persistent key objects are made from a transient
//! one with [`crate::storage::PersistentObject::create_key`].
//!
//! Unlike libutee, misuse answers an [`Error`](crate::Error) instead of a TA
//! panic: keys and data often come from clients.

mod attr;
mod object;
pub mod operation;

pub use attr::Attr;
pub use object::{KeyHandle, ObjectInfo, TransientObject};
pub use operation::{AeDecrypt, AeEncrypt, Asymmetric, Cipher, Derive, Digest, Mac};

/// `TEE_ALG_*`, `TEE_TYPE_*`, `TEE_ATTR_*`, `TEE_ECC_CURVE_*`, `TEE_MODE_*`,
/// `TEE_USAGE_*` as GP names them.
pub use supplicant_proto::tee_crypto as consts;

/// `TEE_USAGE_*` bits of a key object.
pub mod usage {
    pub use supplicant_proto::tee_crypto::{
        TEE_USAGE_DECRYPT as DECRYPT, TEE_USAGE_DERIVE as DERIVE, TEE_USAGE_ENCRYPT as ENCRYPT,
        TEE_USAGE_EXTRACTABLE as EXTRACTABLE, TEE_USAGE_MAC as MAC, TEE_USAGE_SIGN as SIGN,
        TEE_USAGE_VERIFY as VERIFY,
    };
}
