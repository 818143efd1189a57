#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]

mod calls;
mod raw;
mod session;

pub use calls::*;
pub use raw::{set_host_handler, syscall, HostHandler};
pub use session::*;
