#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod opteed;
pub mod optee_smc;
pub mod psci;
pub mod smccc;
pub mod secure_package;
pub mod tee_header;
