#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod abi;
mod pool;
mod rpc;

pub use pool::{
    BadThreadCount, Busy, PoolStats, ResumeError, StateError, ThreadId, ThreadPool, ThreadState,
    MAX_THREADS, MIN_THREADS,
};
pub use rpc::{AllocResult, RpcExit, RpcKind, RpcResult};
