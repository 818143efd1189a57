//! oxtee-store: named secrets per Linux user. Built with
//! `cargo xtask build-ta ta/store/ta`; the commands are in `commands.rs`, the
//! namespace rule in `namespace.rs`, the CLI is `ta/store/cli/oxtee-store.c`.

#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

mod commands;
mod namespace;
mod seal;
#[cfg(test)]
mod seal_tests;
#[cfg(test)]
mod sim_tests;

use oxtee_ta::{ParamType, Parameters, Result, TrustedApp};

use namespace::Namespace;

/// The TA instance (no state of its own: everything is in storage).
pub(crate) struct Store;

impl TrustedApp for Store {
    /// A session is bound to its client's namespace when it opens.
    type Session = Namespace;

    fn create() -> Result<Self> {
        Ok(Store)
    }

    fn open_session(&mut self, params: &mut Parameters) -> Result<Namespace> {
        params.expect([ParamType::None; 4])?;
        // The identity the kernel reports, never anything the client sends.
        Namespace::of(oxtee_ta::client::identity()?)
    }

    fn invoke(&mut self, ns: &mut Namespace, command: u32, params: &mut Parameters) -> Result<()> {
        commands::run(ns, command, params)
    }
}

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
