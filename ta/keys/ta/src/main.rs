//! oxtee-keys: non-exportable keys per Linux user. Built with
//! `cargo xtask build-ta ta/keys/ta`; the commands are in `commands.rs`,
//! the key kinds and policies in `kinds.rs`, the DER in `der.rs`, the
//! namespace rule in `namespace.rs`; the CLI is `ta/keys/cli/oxtee-keys.c`.

#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

mod commands;
mod der;
mod kinds;
mod namespace;
#[cfg(test)]
mod sim_tests;
#[cfg(test)]
mod test_keys;

use oxtee_ta::{ParamType, Parameters, Result, TrustedApp};

use namespace::Namespace;

/// The TA instance (no state of its own: the keys are in storage).
pub(crate) struct Keys;

impl TrustedApp for Keys {
    /// A session is bound to its client's namespace when it opens.
    type Session = Namespace;

    fn create() -> Result<Self> {
        Ok(Keys)
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
    app: Keys,
    uuid: commands::UUID,
    // One instance for every client: a key's creation is never seen half
    // done by another entry.
    flags: oxtee_ta::flags::SINGLE_INSTANCE | oxtee_ta::flags::MULTI_SESSION,
    stack_size: 16 * 1024,
    // A 64 KiB message in, its output, and small buffers.
    heap_size: 512 * 1024,
    version: "0.1.0",
    description: "oxtee keystore",
}

/// Host builds (`cargo test`) only run the tests; the TA runs in the TEE.
#[cfg(not(target_os = "none"))]
fn main() {}
