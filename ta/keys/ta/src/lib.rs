//! oxtee-keys: non-exportable keys per Linux user. Built with
//! `cargo xtask build-ta ta/keys/ta`; the commands are in `commands.rs`,
//! the key kinds and policies in `kinds.rs`, the DER in `der.rs`, the
//! namespace rule in `namespace.rs`; `main.rs` declares the TA; the CLI is
//! `ta/keys/cli/oxtee-keys.c`. A library so the fuzz target
//! (`ta/keys/fuzz`) drives the same command decoder.

#![cfg_attr(target_os = "none", no_std)]

extern crate alloc;

pub mod commands;
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
pub struct Keys;

/// A session, bound to its client's namespace when it opens.
pub struct Session(Namespace);

impl TrustedApp for Keys {
    type Session = Session;

    fn create() -> Result<Self> {
        Ok(Keys)
    }

    fn open_session(&mut self, params: &mut Parameters) -> Result<Session> {
        params.expect([ParamType::None; 4])?;
        // The identity the kernel reports, never anything the client sends.
        Namespace::of(oxtee_ta::client::identity()?).map(Session)
    }

    fn invoke(&mut self, s: &mut Session, command: u32, params: &mut Parameters) -> Result<()> {
        commands::run(&s.0, command, params)
    }
}
