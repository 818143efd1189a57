#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod accel;
mod ae;
mod aes_modes;
pub mod asym_op;
mod block;
mod des_any;
pub mod digest;
pub mod error;
mod families;
mod hmac;
pub mod huk;
mod mac;
pub mod object;
pub mod operation;
pub mod rng;

pub mod asym;

use oxtee_crypto_fast::aes_key;
/// SHA-1, SHA-2 and SHA-3 on the accelerator (`oxtee-crypto-fast`'s).
pub use oxtee_crypto_fast::hash;

pub use ae::{gcm_decrypt, gcm_encrypt};
pub use error::{CryptoError, CryptoResult};
pub use families::algorithm_enabled as algorithm_supported;
pub use object::{Attribute, KeyObject, ObjectInfo};
pub use operation::{Operation, OperationInfo};
pub use rng::Rng;
pub use zeroize::Zeroizing;
