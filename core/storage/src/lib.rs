#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod anchor;
mod content;
mod crypto;
mod dirf;
mod env;
mod heapsort;
mod htree;
mod keys;
pub mod rpmb;
pub mod selftest;
mod store;
pub mod ta_ver;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use anchor::AllAnchors;
pub use content::Content;
pub use env::{Entropy, Env, RemoteFs, RollbackAnchor};
pub use rpmb::{RpmbAnchor, RpmbDevice, RpmbStore};
pub use store::{FileId, ObjectStore, ReeStore};
pub use supplicant_proto::tee_error::TeeError;

/// An outcome of the store. Its errors are OP-TEE's codes with origin TEE,
/// as TAs receive them (the kernel only turns SECURITY into CORRUPT_OBJECT).
pub type TeeResult<T> = Result<T, TeeError>;

/// A `TEE_UUID` in its memory layout (as OP-TEE feeds it to HMAC and
/// stores it in `dirf.db`).
pub type TaUuid = [u8; 16];

/// Largest single `RemoteFs` read or write the store issues.
pub const MAX_IO: usize = htree::MAX_WRITE;

/// Longest object identifier (`TEE_OBJECT_ID_MAX_LEN`).
pub const OBJECT_ID_MAX_LEN: usize = 64;
