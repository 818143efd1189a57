//! The keystore TA's declaration; everything else is in the library
//! (`lib.rs`).

#![cfg_attr(target_os = "none", no_std, no_main)]

oxtee_ta::ta! {
    app: oxtee_keys_ta::Keys,
    uuid: oxtee_keys_ta::commands::UUID,
    // One instance for every client: a key's creation is never seen half
    // done by another entry.
    flags: oxtee_ta::flags::SINGLE_INSTANCE | oxtee_ta::flags::MULTI_SESSION,
    stack_size: 16 * 1024,
    // A 64 KiB message in, its output, and small buffers.
    heap_size: 512 * 1024,
    version: "0.1.0",
    description: "oxtee keystore",
}

/// Host builds (`cargo test`) only run the library's tests; the TA runs in
/// the TEE.
#[cfg(not(target_os = "none"))]
fn main() {}
