#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
// cmem defines memcpy and friends: no loop may be turned into a call to them.
#![no_builtins]

pub mod bounce;
pub mod cmem;
pub mod entry;
pub mod heap;
pub mod mem;
pub mod objects;
pub mod operations;
pub mod panic;
pub mod params;
pub mod props;
pub mod session;
pub mod stack_guard;
pub mod storage;
pub mod ta_symbols;
pub mod time;
pub mod trace;
pub mod types;
