//! Every command through the SDK's simulator, with the clients Linux would
//! report (`TEEC_LOGIN_USER` per uid), including hostile ones.

use oxtee_ta::client::Identity;
use oxtee_ta::params::ParamType;
use oxtee_ta::Error;
use oxtee_ta_sim::{none, user, Param, SessionId, Simulator};

use crate::commands::*;
use crate::namespace::MAX_NAME_LEN;
use crate::Store;

fn p2(a: Param, b: Param) -> [Param; 4] {
    [a, b, Param::None, Param::None]
}

struct Client<'a> {
    sim: &'a mut Simulator<Store>,
    s: SessionId,
}

fn connect(sim: &mut Simulator<Store>, who: Identity) -> Client<'_> {
    sim.set_client(who);
    let s = sim.open_session(&mut none()).unwrap();
    Client { sim, s }
}

impl Client<'_> {
    fn put(&mut self, name: &[u8], value: &[u8]) -> Result<(), Error> {
        self.sim.invoke(
            self.s,
            CMD_PUT,
            &mut p2(Param::input(name), Param::input(value)),
        )
    }

    fn get(&mut self, name: &[u8]) -> Result<Vec<u8>, Error> {
        let mut p = p2(Param::input(name), Param::out(MAX_VALUE_LEN));
        self.sim.invoke(self.s, CMD_GET, &mut p)?;
        Ok(p[1].output().unwrap().to_vec())
    }

    fn list(&mut self) -> Result<Vec<String>, Error> {
        let mut p = p2(Param::out(4096), Param::None);
        self.sim.invoke(self.s, CMD_LIST, &mut p)?;
        let out = p[0].output().unwrap();
        assert_eq!(out.last().copied().unwrap_or(0), 0, "NUL-terminated");
        Ok(out
            .split(|&b| b == 0)
            .filter(|n| !n.is_empty())
            .map(|n| String::from_utf8(n.to_vec()).unwrap())
            .collect())
    }

    fn delete(&mut self, name: &[u8]) -> Result<(), Error> {
        self.sim
            .invoke(self.s, CMD_DELETE, &mut p2(Param::input(name), Param::None))
    }
}

#[test]
fn put_get_list_delete() {
    let mut sim = Simulator::<Store>::new();
    let mut c = connect(&mut sim, user(1000));
    assert_eq!(c.list().unwrap(), Vec::<String>::new());
    assert_eq!(c.get(b"db"), Err(Error::ITEM_NOT_FOUND));
    c.put(b"db", b"hunter2").unwrap();
    c.put(b"api-key", b"").unwrap();
    assert_eq!(c.get(b"db").unwrap(), b"hunter2");
    assert_eq!(c.get(b"api-key").unwrap(), b"");
    c.put(b"db", b"correct horse").unwrap();
    assert_eq!(c.get(b"db").unwrap(), b"correct horse", "replaced");
    assert_eq!(c.list().unwrap(), ["api-key", "db"]);
    c.delete(b"db").unwrap();
    assert_eq!(c.get(b"db"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(c.delete(b"db"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(c.list().unwrap(), ["api-key"]);
    assert_eq!(sim.storage(|s| s.open_handles()), 0, "no handle leaked");
}

#[test]
fn secrets_survive_a_restart() {
    let mut sim = Simulator::<Store>::new();
    connect(&mut sim, user(1000)).put(b"k", b"v").unwrap();
    sim.restart();
    assert_eq!(connect(&mut sim, user(1000)).get(b"k").unwrap(), b"v");
}

#[test]
fn values_up_to_one_mib() {
    let mut sim = Simulator::<Store>::new();
    let mut c = connect(&mut sim, user(1000));
    let big: Vec<u8> = (0..MAX_VALUE_LEN)
        .map(|i| (i * 7 + i / 251) as u8)
        .collect();
    c.put(b"big", &big).unwrap();
    assert_eq!(c.get(b"big").unwrap(), big);
    let mut too_big = big.clone();
    too_big.push(0);
    assert_eq!(c.put(b"big", &too_big), Err(Error::BAD_PARAMETERS));
    assert_eq!(c.get(b"big").unwrap(), big, "old value kept");
}

#[test]
fn short_buffers_report_the_size() {
    let mut sim = Simulator::<Store>::new();
    let mut c = connect(&mut sim, user(1000));
    c.put(b"k", b"0123456789").unwrap();
    c.put(b"other", b"x").unwrap();
    let mut p = p2(Param::input(b"k"), Param::out(4));
    assert_eq!(c.sim.invoke(c.s, CMD_GET, &mut p), Err(Error::SHORT_BUFFER));
    assert_eq!(p[1].size(), Some(10));
    assert_eq!(p[1], Param::MemrefOut(vec![0; 4], 10), "nothing written");
    let mut p = p2(Param::out(0), Param::None);
    assert_eq!(
        c.sim.invoke(c.s, CMD_LIST, &mut p),
        Err(Error::SHORT_BUFFER)
    );
    assert_eq!(p[0].size(), Some(b"k\0other\0".len()));
    assert_eq!(c.get(b"k").unwrap(), b"0123456789");
}

#[test]
fn another_users_secrets_are_out_of_reach() {
    let mut sim = Simulator::<Store>::new();
    connect(&mut sim, user(1000)).put(b"k", b"alice's").unwrap();
    let mut bob = connect(&mut sim, user(1001));
    assert_eq!(bob.get(b"k"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(bob.list().unwrap(), Vec::<String>::new());
    assert_eq!(bob.delete(b"k"), Err(Error::ITEM_NOT_FOUND));
    bob.put(b"k", b"bob's").unwrap();
    assert_eq!(bob.get(b"k").unwrap(), b"bob's");
    // The same UUID under another login method is another namespace.
    let group = Identity {
        login: 2,
        uuid: user(1000).uuid,
    };
    assert_eq!(
        connect(&mut sim, group).get(b"k"),
        Err(Error::ITEM_NOT_FOUND)
    );
    assert_eq!(connect(&mut sim, user(1000)).get(b"k").unwrap(), b"alice's");
    assert_eq!(sim.storage(|s| s.ids().len()), 2);
}

#[test]
fn anonymous_clients_are_refused() {
    let mut sim = Simulator::<Store>::new();
    for login in [0, 0x8000_0000] {
        sim.set_client(Identity {
            login,
            uuid: [0; 16],
        });
        assert_eq!(sim.open_session(&mut none()), Err(Error::ACCESS_DENIED));
    }
    sim.set_client(user(1000));
    let mut p = p2(Param::ValueIn(1, 2), Param::None);
    assert_eq!(sim.open_session(&mut p), Err(Error::BAD_PARAMETERS));
}

#[test]
fn hostile_parameters_get_gp_errors() {
    let mut sim = Simulator::<Store>::new();
    let mut c = connect(&mut sim, user(1000));
    c.put(b"k", b"v").unwrap();
    let long = [b'a'; MAX_NAME_LEN + 1];
    for name in [&b""[..], &long, b"two words", b"nul\0", b"tab\t", &[0xFF]] {
        assert_eq!(c.put(name, b"x"), Err(Error::BAD_PARAMETERS), "{name:?}");
        assert_eq!(c.get(name), Err(Error::BAD_PARAMETERS), "{name:?}");
        assert_eq!(c.delete(name), Err(Error::BAD_PARAMETERS), "{name:?}");
    }
    c.put(&long[1..], b"x").expect("the longest name fits");
    let s = c.s;
    let wrong_types = [
        (CMD_PUT, p2(Param::input(b"k"), Param::out(4))),
        (CMD_PUT, p2(Param::input(b"k"), Param::None)),
        (CMD_GET, p2(Param::input(b"k"), Param::input(b"x"))),
        (CMD_GET, p2(Param::ValueIn(1, 1), Param::out(4))),
        (CMD_LIST, p2(Param::input(b"k"), Param::None)),
        (CMD_LIST, p2(Param::out(8), Param::out(8))),
        (CMD_DELETE, p2(Param::out(1), Param::None)),
        (CMD_DELETE, none()),
        (
            CMD_PUT,
            p2(
                Param::Unmapped(ParamType::MemrefInput, 8),
                Param::input(b"x"),
            ),
        ),
        (
            CMD_PUT,
            p2(
                Param::input(b"k"),
                Param::Unmapped(ParamType::MemrefInput, 1 << 30),
            ),
        ),
        (
            CMD_GET,
            p2(
                Param::input(b"k"),
                Param::Unmapped(ParamType::MemrefOutput, 64),
            ),
        ),
    ];
    for (cmd, mut p) in wrong_types {
        assert_eq!(
            sim.invoke(s, cmd, &mut p),
            Err(Error::BAD_PARAMETERS),
            "{cmd} {p:?}"
        );
    }
    // A name buffer far larger than any name is refused before it is copied.
    let mut p = p2(Param::out(0), Param::None);
    p[0] = Param::input(&vec![b'a'; 1 << 20]);
    p[1] = Param::input(b"x");
    assert_eq!(sim.invoke(s, CMD_PUT, &mut p), Err(Error::BAD_PARAMETERS));
    assert_eq!(sim.invoke(s, 6, &mut none()), Err(Error::NOT_SUPPORTED));
    assert_eq!(
        sim.invoke(s, u32::MAX, &mut none()),
        Err(Error::NOT_SUPPORTED)
    );
    // Nothing was lost, the TA is alive.
    let mut c = Client { sim: &mut sim, s };
    assert_eq!(c.get(b"k").unwrap(), b"v");
    assert!(sim.is_created());
}

/// Plants object `id` with `data` (closed), as a TA stopped mid-put leaves it.
fn plant(sim: &mut Simulator<Store>, id: &[u8], data: &[u8]) {
    sim.storage_mut(|s| {
        let h = s.create(id, 0, data).unwrap();
        s.close(h).unwrap();
    });
}

fn stage_id(who: Identity, stage: u8, name: &[u8]) -> Vec<u8> {
    let mut id = who.encode().to_vec();
    id.push(stage);
    id.extend_from_slice(name);
    id
}

#[test]
fn a_put_stopped_while_writing_keeps_the_old_value() {
    let mut sim = Simulator::<Store>::new();
    connect(&mut sim, user(1000)).put(b"k", b"old").unwrap();
    plant(&mut sim, &stage_id(user(1000), 1, b"k"), b"half of the n");
    plant(&mut sim, &stage_id(user(1000), 1, b"fresh"), b"partial");
    let mut c = connect(&mut sim, user(1000));
    assert_eq!(c.get(b"k").unwrap(), b"old");
    assert_eq!(c.get(b"fresh"), Err(Error::ITEM_NOT_FOUND));
    assert_eq!(c.list().unwrap(), ["k"], "partial values are not names");
    c.put(b"k", b"new").unwrap();
    assert_eq!(c.get(b"k").unwrap(), b"new");
    assert_eq!(
        sim.storage(|s| s.ids().len()),
        2,
        "k and the leftover of fresh"
    );
}

#[test]
fn a_put_stopped_after_writing_completes_on_next_access() {
    let mut sim = Simulator::<Store>::new();
    connect(&mut sim, user(1000)).put(b"k", b"old").unwrap();
    plant(&mut sim, &stage_id(user(1000), 2, b"k"), b"new");
    plant(&mut sim, &stage_id(user(1000), 2, b"only-staged"), b"v");
    // Another user's staged value is none of this client's business.
    plant(&mut sim, &stage_id(user(1001), 2, b"k"), b"bob's");
    let mut c = connect(&mut sim, user(1000));
    assert_eq!(c.get(b"k").unwrap(), b"new");
    assert_eq!(c.list().unwrap(), ["k", "only-staged"]);
    assert_eq!(c.get(b"only-staged").unwrap(), b"v");
    let ids = sim.storage(|s| s.ids());
    assert_eq!(ids.len(), 3, "two settled names and bob's stage: {ids:?}");
    let mut bob = connect(&mut sim, user(1001));
    assert_eq!(bob.get(b"k").unwrap(), b"bob's");
    // A delete settles first: the new value is the one deleted.
    plant(&mut sim, &stage_id(user(1000), 2, b"k"), b"newer");
    let mut c = connect(&mut sim, user(1000));
    c.delete(b"k").unwrap();
    assert_eq!(c.get(b"k"), Err(Error::ITEM_NOT_FOUND));
}

/// Thousands of random parameter sets against every command: each answer is
/// success or a GP error, the TA never dies, and a stored secret survives.
#[test]
fn random_parameters_never_kill_the_ta() {
    let mut sim = Simulator::<Store>::seeded(1);
    let mut c = connect(&mut sim, user(1000));
    c.put(b"keep", b"precious").unwrap();
    let s = c.s;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let (mut rejected, mut accepted) = (0, 0);
    for _ in 0..3000 {
        // Random names cannot spell "keep" (the alphabet has no e, k, p).
        let cmd = [
            CMD_PUT,
            CMD_GET,
            CMD_LIST,
            CMD_DELETE,
            CMD_SEAL,
            CMD_UNSEAL,
            6,
            u32::MAX,
        ][next(8) as usize];
        let random = |next: &mut dyn FnMut(u64) -> u64| {
            let len = match next(4) {
                0 => 0,
                1 => next(8) as usize + 1,
                2 => MAX_NAME_LEN + next(3) as usize - 1,
                _ => next(300) as usize,
            };
            let bytes: Vec<u8> = (0..len).map(|_| b"ab-?\0 \x7f"[next(7) as usize]).collect();
            (len, bytes)
        };
        let mut p = none();
        if next(2) == 0 {
            // The right types for the command, random contents.
            let (len, bytes) = random(&mut next);
            let (len2, bytes2) = random(&mut next);
            let name = if next(8) == 0 {
                Param::Unmapped(ParamType::MemrefInput, len)
            } else {
                Param::MemrefIn(bytes)
            };
            p = match cmd {
                CMD_PUT => p2(name, Param::MemrefIn(bytes2)),
                CMD_GET => p2(name, Param::out(len2)),
                CMD_LIST => p2(Param::out(len2), Param::None),
                CMD_SEAL => [
                    name,
                    Param::out(len2),
                    Param::ValueIn(next(3) as u32, next(2) as u32),
                    Param::None,
                ],
                CMD_UNSEAL => p2(name, Param::out(len2)),
                _ => p2(name, Param::None),
            };
        } else {
            for slot in p.iter_mut() {
                let (len, bytes) = random(&mut next);
                *slot = match next(9) {
                    0 => Param::None,
                    1 => Param::ValueIn(next(u64::from(u32::MAX)) as u32, 0),
                    2 => Param::ValueOut(0, 0),
                    3 => Param::ValueInout(1, 2),
                    4 => Param::MemrefIn(bytes),
                    5 => Param::out(len),
                    6 => Param::inout(&bytes),
                    7 => Param::Unmapped(ParamType::MemrefInput, len),
                    _ => Param::Unmapped(ParamType::MemrefOutput, len),
                };
            }
        }
        match sim.invoke(s, cmd, &mut p) {
            Ok(()) => accepted += 1,
            Err(e) => {
                assert!(
                    [
                        Error::BAD_PARAMETERS,
                        Error::ITEM_NOT_FOUND,
                        Error::SHORT_BUFFER,
                        Error::NOT_SUPPORTED,
                        Error::BAD_FORMAT,
                        Error::MAC_INVALID,
                    ]
                    .contains(&e),
                    "{cmd} {p:?}: {e:?}"
                );
                rejected += 1;
            }
        }
        assert!(sim.is_created(), "the TA died on {cmd} {p:?}");
    }
    assert!(rejected > 1000, "many random sets are refused: {rejected}");
    assert!(accepted > 100, "and many are well formed: {accepted}");
    let mut c = Client { sim: &mut sim, s };
    assert_eq!(c.get(b"keep").unwrap(), b"precious");
}
