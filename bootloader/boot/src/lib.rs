#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod rollback;
pub mod verify;

pub use rollback::{CounterError, FlashError, FlashSector, Raised, RollbackCounter};
pub use verify::{check_payload, verify, verify_header, Policy, Refusal, Verified, VerifiedHeader};
