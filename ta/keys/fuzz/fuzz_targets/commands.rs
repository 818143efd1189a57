//! The keystore's command decoder with arbitrary commands and parameters
//! (types, values, buffers, sizes), through the SDK's simulator: every
//! call must answer success or a GP error, never kill the TA, and a key
//! made before must still sign afterwards.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_keys_ta::commands::{CMD_GENERATE, CMD_SIGN};
use oxtee_keys_ta::Keys;
use oxtee_ta::params::ParamType;
use oxtee_ta_sim::{none, user, Param, Simulator};

/// One parameter from the input: a type byte, then its contents.
fn param(data: &mut &[u8]) -> Param {
    let take = |data: &mut &[u8], n: usize| {
        let n = n.min(data.len());
        let (a, b) = data.split_at(n);
        *data = b;
        a.to_vec()
    };
    let t = take(data, 1).first().copied().unwrap_or(0);
    let len = take(data, 1).first().copied().unwrap_or(0) as usize;
    let word = |d: &mut &[u8]| {
        let b = take(d, 4);
        b.iter().fold(0u32, |w, &x| w << 8 | u32::from(x))
    };
    match t % 8 {
        0 => Param::None,
        1 => Param::ValueIn(word(data), word(data)),
        2 => Param::ValueOut(0, 0),
        3 => Param::ValueInout(word(data), word(data)),
        4 => Param::MemrefIn(take(data, len)),
        5 => Param::out(len * 4),
        6 => Param::inout(&take(data, len)),
        _ => Param::Unmapped(ParamType::MemrefInput, len),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut sim = Simulator::<Keys>::seeded(1);
    sim.set_client(user(0));
    let s = sim.open_session(&mut none()).unwrap();
    // A key to keep working: ECDSA P-256 (kind 1), every use it can have.
    let mut p = [
        Param::ValueIn(1, 0),
        Param::input(b"k"),
        Param::None,
        Param::None,
    ];
    sim.invoke(s, CMD_GENERATE, &mut p).unwrap();

    let mut rest = data;
    for _ in 0..4 {
        let Some((&cmd, tail)) = rest.split_first() else {
            break;
        };
        rest = tail;
        let mut p = [
            param(&mut rest),
            param(&mut rest),
            param(&mut rest),
            param(&mut rest),
        ];
        // Any answer is fine but a dead TA.
        let _ = sim.invoke(s, u32::from(cmd % 16), &mut p);
        assert!(sim.is_created(), "the TA died on command {cmd}");
    }
    let mut p = [
        Param::ValueIn(0, 0),
        Param::input(b"k"),
        Param::input(b"m"),
        Param::out(128),
    ];
    sim.invoke(s, CMD_SIGN, &mut p)
        .expect("the key made first still signs");
});
