#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod psci;
pub mod route;
pub mod runloop;
pub mod translation;

/// The security state an SMC came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum World {
    /// Secure EL1 (the secure OS).
    Secure,
    /// Non-secure EL1/EL2 (Linux).
    NonSecure,
}
