#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod client;
pub mod crypto;
pub mod entry;
pub mod error;
pub mod heap;
mod macros;
pub mod panic;
pub mod params;
pub mod props;
pub mod random;
pub mod runtime;
pub mod storage;
pub mod ta_session;
pub mod tee_props;
pub mod time;
pub mod trace;
mod user_mem;

pub use error::{Error, Result};
pub use params::{ParamType, Parameters};
pub use runtime::TrustedApp;

/// What [`ta!`] expands to refers to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use oxtee_ta_sys::utee_return;
    pub use supplicant_proto::{pta, ta_head, tee_syscall};
}

/// `TA_FLAG_*` for [`ta!`]'s `flags`.
pub mod flags {
    pub use supplicant_proto::pta::{
        TA_FLAG_INSTANCE_KEEP_ALIVE as INSTANCE_KEEP_ALIVE, TA_FLAG_MULTI_SESSION as MULTI_SESSION,
        TA_FLAG_SINGLE_INSTANCE as SINGLE_INSTANCE,
    };
}
