//! A TA making arbitrary system calls: each input is decoded into x0..x8 of
//! up to 64 calls (plus bytes for the TA's scratch area) that a scripted TA
//! makes in one invoke, on a fresh runtime with a real signed TA loaded
//! through a fake tee-supplicant. Nothing may panic; after the session is
//! closed every frame, instance and session must be gone, and the fake
//! machine must have seen no stale TLB or out-of-pool access.
//!
//! The harness is the integration tests' (`tests/common/mod.rs`);
//! `tests/syscall_smoke.rs` runs the same body on fixed pseudo-random inputs.
#![no_main]

#[path = "../../tests/common/mod.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn hw() -> &'static common::FakeHw {
    static HW: OnceLock<&'static common::FakeHw> = OnceLock::new();
    HW.get_or_init(common::FakeHw::leak)
}

fuzz_target!(|data: &[u8]| {
    common::fuzz_one(hw(), data);
});
