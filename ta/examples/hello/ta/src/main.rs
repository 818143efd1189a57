//! Example TA built with oxtee's SDK: `cargo xtask build-ta ta/examples/hello/ta`.
//! Commands (and their parameters) are listed in `commands.rs`; the client is
//! `ta/examples/hello/client/hello-client.c`.

#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

mod commands;
#[cfg(test)]
mod sim_tests;

use oxtee_ta::{Parameters, Result, TrustedApp};

/// The TA instance: counts the sessions it has opened.
pub(crate) struct Hello {
    sessions_opened: u32,
}

/// Per-session state: commands run in this session.
pub(crate) struct Session {
    invocations: u32,
}

impl TrustedApp for Hello {
    type Session = Session;

    fn create() -> Result<Self> {
        oxtee_ta::trace!("hello TA: created");
        Ok(Hello { sessions_opened: 0 })
    }

    fn open_session(&mut self, params: &mut Parameters) -> Result<Session> {
        params.expect([oxtee_ta::ParamType::None; 4])?;
        self.sessions_opened = self.sessions_opened.saturating_add(1);
        Ok(Session { invocations: 0 })
    }

    fn invoke(
        &mut self,
        session: &mut Session,
        command: u32,
        params: &mut Parameters,
    ) -> Result<()> {
        session.invocations = session.invocations.saturating_add(1);
        commands::run(command, params, session.invocations)
    }

    fn destroy(self) {
        oxtee_ta::trace!(
            "hello TA: destroyed after {} session(s)",
            self.sessions_opened
        );
    }
}

oxtee_ta::ta! {
    app: Hello,
    uuid: commands::UUID,
    flags: 0,
    stack_size: 16 * 1024,
    heap_size: 256 * 1024,
    version: "0.1.0",
    description: "oxtee TA SDK example",
}

/// Host builds (`cargo test`) only run the command tests; the TA runs in the TEE.
#[cfg(not(target_os = "none"))]
fn main() {}
