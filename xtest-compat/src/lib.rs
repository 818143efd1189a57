#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod commands;
pub mod cpio;
pub mod fetch;
pub mod initramfs;
pub mod qemu;
pub mod sources;
pub mod tfa;
pub mod xtest;
