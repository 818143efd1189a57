#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod optee_msg;
pub mod optee_rpc;
pub mod optee_smc;
pub mod opteed;
pub mod psci;
pub mod pta;
pub mod rpmb;
pub mod secure_package;
pub mod smccc;
pub mod ta_head;
pub mod ta_shdr;
pub mod tee_api;
pub mod tee_crypto;
pub mod tee_error;
pub mod tee_header;
pub mod tee_ioctl;
pub mod tee_result;
pub mod tee_storage;
pub mod tee_syscall;
