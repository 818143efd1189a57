//! oxtee-store: named secrets per Linux user. Built with
//! `cargo xtask build-ta ta/store/ta`; the commands are in `commands.rs`, the
//! namespace rule in `namespace.rs`, seal/unseal in `seal.rs`, the entry
//! points in `app.rs`, the CLI is `ta/store/cli/oxtee-store.c`.

#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

mod app;
mod commands;
mod namespace;
mod seal;
#[cfg(test)]
mod seal_tests;
#[cfg(test)]
mod sim_tests;

pub(crate) use app::Store;

oxtee_ta::ta! {
    app: Store,
    uuid: commands::UUID,
    // One instance for every client: entries never overlap, so one put's
    // stages are never seen half-done by another entry.
    flags: oxtee_ta::flags::SINGLE_INSTANCE | oxtee_ta::flags::MULTI_SESSION,
    stack_size: 16 * 1024,
    // A 1 MiB value is held once in the heap, plus the list and small buffers.
    heap_size: 1536 * 1024,
    version: "0.1.0",
    description: "oxtee secure store",
}

/// Host builds (`cargo test`) only run the tests; the TA runs in the TEE.
#[cfg(not(target_os = "none"))]
fn main() {}
