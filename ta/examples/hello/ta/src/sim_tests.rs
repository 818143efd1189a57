//! The example driven through the SDK's simulator, as its client drives it
//! on a TEE (`hello-client.c` checks the same on oxtee and OP-TEE).

use oxtee_ta::params::ParamType;
use oxtee_ta::Error;
use oxtee_ta_sim::{none, Param, SessionId, Simulator};

use crate::commands::*;
use crate::Hello;

fn open() -> (Simulator<Hello>, SessionId) {
    let mut sim = Simulator::<Hello>::new();
    let s = sim.open_session(&mut none()).unwrap();
    (sim, s)
}

fn params(p0: Param, p1: Param) -> [Param; 4] {
    [p0, p1, Param::None, Param::None]
}

#[test]
fn counter_counts_per_session() {
    let (mut sim, s) = open();
    let mut p = params(Param::ValueInout(41, 0), Param::None);
    sim.invoke(s, CMD_INC_VALUE, &mut p).unwrap();
    assert_eq!(p[0].value(), Some((42, 1)));
    sim.invoke(s, CMD_INC_VALUE, &mut p).unwrap();
    assert_eq!(p[0].value(), Some((43, 2)));
    let s2 = sim.open_session(&mut none()).unwrap();
    let mut p = params(Param::ValueInout(u32::MAX, 0), Param::None);
    assert_eq!(sim.invoke(s2, CMD_INC_VALUE, &mut p), Err(Error::OVERFLOW));
    assert_eq!(p[0].value(), Some((u32::MAX, 0)), "unchanged on error");
    // Parameters the open refuses.
    let mut p = params(Param::ValueIn(1, 2), Param::None);
    assert_eq!(sim.open_session(&mut p), Err(Error::BAD_PARAMETERS));
}

#[test]
fn echo_reports_the_size_it_needs() {
    let (mut sim, s) = open();
    let mut p = params(Param::input(b"hello"), Param::out(3));
    assert_eq!(sim.invoke(s, CMD_ECHO, &mut p), Err(Error::SHORT_BUFFER));
    assert_eq!(p[1].size(), Some(5));
    let mut p = params(Param::input(b"hello"), Param::out(8));
    sim.invoke(s, CMD_ECHO, &mut p).unwrap();
    assert_eq!(p[1].output(), Some(&b"hello"[..]));
    let mut p = params(Param::inout(b"abc"), Param::None);
    sim.invoke(s, CMD_REVERSE, &mut p).unwrap();
    assert_eq!(p[0].output(), Some(&b"cba"[..]));
}

#[test]
fn hostile_parameters_get_gp_errors() {
    let (mut sim, s) = open();
    // Wrong types.
    let mut p = params(Param::ValueIn(1, 0), Param::out(4));
    assert_eq!(sim.invoke(s, CMD_ECHO, &mut p), Err(Error::BAD_PARAMETERS));
    // Memory the TA may not touch never reaches the command.
    let mut p = params(Param::Unmapped(ParamType::MemrefInput, 16), Param::out(16));
    assert_eq!(sim.invoke(s, CMD_ECHO, &mut p), Err(Error::BAD_PARAMETERS));
    assert_eq!(p[1].size(), Some(16), "output untouched");
    // Unknown command, and an allocation larger than the heap allows.
    assert_eq!(sim.invoke(s, 999, &mut none()), Err(Error::NOT_SUPPORTED));
    // An object id longer than GP allows.
    let mut p = params(Param::input(&[b'x'; 65]), Param::input(b"v"));
    assert_eq!(sim.invoke(s, CMD_STORE, &mut p), Err(Error::BAD_PARAMETERS));
}

#[test]
fn random_is_never_zeros_and_seeds_repeat() {
    let (mut sim, s) = open();
    let mut a = params(Param::out(32), Param::None);
    let mut b = params(Param::out(32), Param::None);
    sim.invoke(s, CMD_RANDOM, &mut a).unwrap();
    sim.invoke(s, CMD_RANDOM, &mut b).unwrap();
    assert_ne!(a[0].output(), Some(&[0u8; 32][..]));
    assert_ne!(a[0].output(), b[0].output());

    let seeded = |seed| {
        let mut sim = Simulator::<Hello>::seeded(seed);
        let s = sim.open_session(&mut none()).unwrap();
        let mut p = params(Param::out(16), Param::None);
        sim.invoke(s, CMD_RANDOM, &mut p).unwrap();
        p[0].output().unwrap().to_vec()
    };
    assert_eq!(seeded(7), seeded(7));
    assert_ne!(seeded(7), seeded(8));
}

#[test]
fn time_moves_forward() {
    let (mut sim, s) = open();
    let mut p1 = params(Param::ValueOut(0, 0), Param::None);
    sim.invoke(s, CMD_TIME, &mut p1).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut p2 = params(Param::ValueOut(0, 0), Param::None);
    sim.invoke(s, CMD_TIME, &mut p2).unwrap();
    let ms = |p: &[Param; 4]| {
        let (s, m) = p[0].value().unwrap();
        u64::from(s) * 1000 + u64::from(m)
    };
    assert!(ms(&p2) >= ms(&p1) + 20, "{} then {}", ms(&p1), ms(&p2));
}

#[test]
fn a_panic_kills_the_instance_and_a_new_session_works() {
    let (mut sim, s) = open();
    assert_eq!(
        sim.invoke(s, CMD_PANIC, &mut none()).map_err(|e| e.code()),
        Err(0xFFFF_3024)
    );
    assert!(!sim.is_created());
    assert_eq!(
        sim.invoke(s, CMD_INC_VALUE, &mut none())
            .map_err(|e| e.code()),
        Err(0xFFFF_0007),
        "the dead session is gone"
    );
    let s = sim.open_session(&mut none()).unwrap();
    let mut p = params(Param::ValueInout(1, 0), Param::None);
    sim.invoke(s, CMD_INC_VALUE, &mut p).unwrap();
    assert_eq!(p[0].value(), Some((2, 1)));
}

#[test]
fn objects_persist_across_instances() {
    let (mut sim, s) = open();
    let mut p = params(Param::input(b"greeting"), Param::out(16));
    assert_eq!(sim.invoke(s, CMD_LOAD, &mut p), Err(Error::ITEM_NOT_FOUND));
    let mut p = params(Param::input(b"greeting"), Param::input(b"hi there"));
    sim.invoke(s, CMD_STORE, &mut p).unwrap();
    let mut p = params(Param::input(b"greeting"), Param::input(b"hello"));
    sim.invoke(s, CMD_STORE, &mut p).unwrap();
    sim.restart();
    let s = sim.open_session(&mut none()).unwrap();
    let mut p = params(Param::input(b"greeting"), Param::out(2));
    assert_eq!(sim.invoke(s, CMD_LOAD, &mut p), Err(Error::SHORT_BUFFER));
    assert_eq!(p[1].size(), Some(5), "replaced, not appended");
    let mut p = params(Param::input(b"greeting"), Param::out(16));
    sim.invoke(s, CMD_LOAD, &mut p).unwrap();
    assert_eq!(p[1].output(), Some(&b"hello"[..]));
    let mut p = params(Param::input(b"greeting"), Param::None);
    sim.invoke(s, CMD_DELETE, &mut p).unwrap();
    assert_eq!(
        sim.invoke(s, CMD_DELETE, &mut p),
        Err(Error::ITEM_NOT_FOUND)
    );
    assert_eq!(sim.storage(|st| st.ids().len()), 0);
    assert_eq!(sim.storage(|st| st.open_handles()), 0, "no handle leaked");
}

#[test]
fn touch_first_byte_on_a_large_buffer() {
    let (mut sim, s) = open();
    let mut data = vec![0x5Au8; 64 * 1024];
    data[0] = 41;
    let mut p = params(Param::inout(&data), Param::None);
    sim.invoke(s, CMD_TOUCH_FIRST_BYTE, &mut p).unwrap();
    let out = p[0].output().unwrap();
    assert_eq!(out.len(), 64 * 1024, "size as given");
    assert_eq!(out[0], 42);
    assert!(out[1..].iter().all(|&b| b == 0x5A), "the rest untouched");
    let mut p = params(Param::inout(&[]), Param::None);
    assert_eq!(
        sim.invoke(s, CMD_TOUCH_FIRST_BYTE, &mut p),
        Err(Error::BAD_PARAMETERS)
    );
    let mut p = params(Param::input(&[1]), Param::None);
    assert_eq!(
        sim.invoke(s, CMD_TOUCH_FIRST_BYTE, &mut p),
        Err(Error::BAD_PARAMETERS)
    );
}
