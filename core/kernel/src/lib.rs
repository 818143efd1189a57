#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod call;
pub mod fast;
pub mod lazy_fp;
pub mod notif;
pub mod pta_services;
pub mod rpc;
pub mod supp_buf;
pub mod ta_load;
pub mod user_ta;
