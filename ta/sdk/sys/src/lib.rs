#![doc = include_str!("../README.md")]
#![no_std]

mod calls;
mod raw;

pub use calls::*;
pub use raw::{set_host_handler, syscall, HostHandler};
