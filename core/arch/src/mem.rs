//! `memcpy` and `memset` for the core, in assembly (`asm/mem.S`).
//!
//! The builtins' generic versions move eight bytes per loop turn; the call
//! path copies 70–160-byte structures dozens of times per call and a
//! streamed crypto call moves its data in and out in 4 KiB pieces, so they
//! were the largest single item of a call's instructions. These move 64
//! bytes per turn in general registers with aligned accesses only (the
//! target is strict-align). They replace the builtins' weak symbols at link
//! time; nothing calls them by name. `make mem-test` checks them against byte
//! loops in the guest (tools/guest/mem-check.c).

core::arch::global_asm!(include_str!("asm/mem.S"));
