#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod verify;

/// The anti-rollback counter (moved to `oxtee-flash-counter`, which the core shares).
pub use oxtee_flash_counter::counter as rollback;
pub use oxtee_flash_counter::{CounterError, FlashError, FlashSector, Raised, RollbackCounter};
pub use verify::{
    check_payload, check_payload_with, sha256_with, verify, verify_header, Policy, Refusal,
    Sha256Blocks, SoftwareSha256, Verified, VerifiedHeader,
};
