//! The store TA's commands with fuzzed parameters, through the SDK's
//! simulator (the TA's own modules, compiled for the host). Each input is
//! a short program of calls; every call must answer success or one of the
//! GP errors the TA documents, the TA must stay alive, and a blob sealed
//! and then changed must never unseal to anything but its original data.
//!
//! `cargo +nightly fuzz run store_commands -- -max_total_time=60`
//! (in ta/store/fuzz).

#![no_main]

extern crate alloc;

#[path = "../../ta/src/app.rs"]
mod app;
#[path = "../../ta/src/commands.rs"]
mod commands;
#[path = "../../ta/src/namespace.rs"]
mod namespace;
#[path = "../../ta/src/seal.rs"]
mod seal;

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use oxtee_ta::ta_session::Uuid;
use oxtee_ta::{Error, ParamType};
use oxtee_ta_sim::{none, user, Param, SessionId, Simulator};

use app::Store;

/// Reads the input front to back; zeros once it runs out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// A length: mostly small, sometimes around the TA's limits.
    fn len(&mut self) -> usize {
        match self.byte() % 8 {
            0 => 0,
            1 => seal::MAX_PLAIN_LEN + self.byte() as usize % 3,
            2 => seal::MAX_BLOB_LEN - 1 + self.byte() as usize % 3,
            3 => namespace::MAX_NAME_LEN + self.byte() as usize % 3 - 1,
            _ => self.byte() as usize,
        }
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        // Large buffers are patterned rather than taken from the input.
        if len > 256 {
            let seed = self.byte();
            return (0..len).map(|i| seed.wrapping_add(i as u8)).collect();
        }
        (0..len).map(|_| self.byte()).collect()
    }

    fn param(&mut self) -> Param {
        match self.byte() % 10 {
            0 => Param::None,
            1 => Param::ValueIn(self.u32(), self.u32()),
            2 => Param::ValueOut(0, 0),
            3 => Param::ValueInout(self.u32(), self.u32()),
            4 | 5 => {
                let len = self.len();
                Param::MemrefIn(self.bytes(len))
            }
            6 | 7 => Param::out(self.len()),
            8 => {
                let len = self.len();
                Param::inout(&self.bytes(len))
            }
            _ => Param::Unmapped(ParamType::MemrefInput, self.len()),
        }
    }
}

/// The errors the store answers; anything else is a bug.
const EXPECTED: [Error; 8] = [
    Error::BAD_PARAMETERS,
    Error::ITEM_NOT_FOUND,
    Error::SHORT_BUFFER,
    Error::NOT_SUPPORTED,
    Error::BAD_FORMAT,
    Error::MAC_INVALID,
    Error::ACCESS_DENIED,
    Error::OUT_OF_MEMORY,
];

struct World {
    sim: Simulator<Store>,
    sessions: Vec<SessionId>,
}

thread_local! {
    static WORLD: RefCell<Option<World>> = const { RefCell::new(None) };
}

fn world() -> World {
    let mut sim = Simulator::<Store>::seeded(1);
    sim.set_ta_uuid(Uuid::parse(commands::UUID).unwrap().0);
    let mut sessions = Vec::new();
    for uid in [0, 1000] {
        sim.set_client(user(uid));
        sessions.push(sim.open_session(&mut none()).unwrap());
    }
    World { sim, sessions }
}

/// Seals `data`, flips the bytes the input names, unseals: only an
/// unchanged blob may open, and then to exactly `data`.
fn seal_tamper_unseal(w: &mut World, s: SessionId, input: &mut Input<'_>) {
    let len = input.byte() as usize;
    let data = input.bytes(len);
    let flags = u32::from(input.byte() & 1);
    let mut p = [
        Param::input(&data),
        Param::out(len + seal::OVERHEAD),
        Param::ValueIn(flags, 0),
        Param::None,
    ];
    w.sim.invoke(s, commands::CMD_SEAL, &mut p).expect("seal of a valid size");
    let mut blob = p[1].output().unwrap().to_vec();
    let original = blob.clone();
    for _ in 0..input.byte() % 4 {
        let at = input.byte() as usize % blob.len();
        blob[at] ^= input.byte();
    }
    if input.byte() % 4 == 0 {
        blob.truncate(input.byte() as usize % blob.len());
    }
    let mut p = [Param::input(&blob), Param::out(len), Param::None, Param::None];
    match w.sim.invoke(s, commands::CMD_UNSEAL, &mut p) {
        Ok(()) => {
            assert_eq!(blob, original, "a changed blob unsealed");
            assert_eq!(p[1].output().unwrap(), &data[..]);
        }
        Err(e) => {
            assert_ne!(blob, original, "an unchanged blob was refused: {e:?}");
            assert!([Error::BAD_FORMAT, Error::MAC_INVALID, Error::SHORT_BUFFER].contains(&e), "{e:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    WORLD.with(|cell| {
        let mut cell = cell.borrow_mut();
        let w = cell.get_or_insert_with(world);
        let mut input = Input(data);
        for _ in 0..4 {
            if input.0.is_empty() {
                break;
            }
            let s = w.sessions[input.byte() as usize % w.sessions.len()];
            let op = input.byte();
            if op % 8 == 7 {
                seal_tamper_unseal(w, s, &mut input);
                continue;
            }
            let command = match op % 8 {
                6 => input.u32(),
                c => u32::from(c),
            };
            let mut p = [input.param(), input.param(), input.param(), input.param()];
            if let Err(e) = w.sim.invoke(s, command, &mut p) {
                assert!(EXPECTED.contains(&e), "command {command} {p:?}: {e:?}");
            }
            assert!(w.sim.is_created(), "the TA died on {command} {p:?}");
        }
    });
});
