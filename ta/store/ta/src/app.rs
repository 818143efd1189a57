//! The TA's entry points: a session binds its client's namespace, commands
//! go to `commands.rs`. Kept apart from `main.rs` (which holds `ta!`) so the
//! fuzz target can drive the same code in the simulator.

use oxtee_ta::{ParamType, Parameters, Result, TrustedApp};

use crate::commands;
use crate::namespace::Namespace;

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
