//! TA-to-TA sessions through the simulator: a TA under test calling another
//! TA in the same process and the system pseudo-TA.

use oxtee_ta::client::{self, Identity};
use oxtee_ta::ta_session::{no_params, CallError, TaParam, TaSession, Timeout, Uuid, SYSTEM_PTA};
use oxtee_ta::{Error, ParamType as T, Parameters, Result, TrustedApp};
use oxtee_ta_sim::{none, user, Param, Simulator};
use supplicant_proto::pta::PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY;
use supplicant_proto::tee_result::{TEE_LOGIN_TRUSTED_APP, TEE_ORIGIN_TEE, TEE_ORIGIN_TRUSTED_APP};

const CALLER: &str = "11111111-2222-4333-8444-555555555555";
const ADDER: &str = "66666666-7777-4888-8999-aaaaaaaaaaaa";

/// The callee: command 0 adds value 0's a and b into value 1 and writes its
/// client's identity to memref 2; command 1 panics.
struct Adder;

impl TrustedApp for Adder {
    type Session = ();
    fn create() -> Result<Self> {
        Ok(Adder)
    }
    fn open_session(&mut self, p: &mut Parameters) -> Result<()> {
        // Refuses a caller that is not a TA.
        p.expect([T::None; 4])?;
        if client::identity()?.login != TEE_LOGIN_TRUSTED_APP {
            return Err(Error::ACCESS_DENIED);
        }
        Ok(())
    }
    fn invoke(&mut self, _: &mut (), cmd: u32, p: &mut Parameters) -> Result<()> {
        match cmd {
            0 => {
                p.expect([T::ValueInput, T::ValueOutput, T::MemrefOutput, T::None])?;
                let (a, b) = p.value(0)?;
                p.set_value(1, a.checked_add(b).ok_or(Error::OVERFLOW)?, 0)?;
                p.write_memref(2, &client::identity()?.encode())
            }
            1 => panic!("asked to"),
            _ => Err(Error::NOT_SUPPORTED),
        }
    }
}

/// The TA under test: command 0 calls the adder, command 1 derives a 32-byte
/// key with value 0's a as extra data, command 2 opens a session to the UUID
/// in memref 0 and answers the error as value 1 (code, origin).
struct Caller;

impl TrustedApp for Caller {
    type Session = ();
    fn create() -> Result<Self> {
        Ok(Caller)
    }
    fn open_session(&mut self, _: &mut Parameters) -> Result<()> {
        Ok(())
    }
    fn invoke(&mut self, _: &mut (), cmd: u32, p: &mut Parameters) -> Result<()> {
        match cmd {
            0 => {
                let (a, b) = p.value(0)?;
                let mut s =
                    TaSession::open(&Uuid::parse(ADDER)?, Timeout::Infinite, &mut no_params())?;
                let mut q = [
                    TaParam::ValueIn(a, b),
                    TaParam::ValueOut(0, 0),
                    TaParam::out(20),
                    TaParam::None,
                ];
                s.invoke(0, Timeout::Millis(1000), &mut q)?;
                p.set_value(1, q[1].value().unwrap().0, 0)?;
                p.write_memref(2, q[2].output().ok_or(Error::GENERIC)?)
            }
            1 => {
                let (extra, len) = p.value(0)?;
                let mut s = TaSession::open(&SYSTEM_PTA, Timeout::Infinite, &mut no_params())?;
                let mut q = [
                    TaParam::input(&extra.to_le_bytes()),
                    TaParam::out(len as usize),
                    TaParam::None,
                    TaParam::None,
                ];
                s.invoke(PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY, Timeout::Infinite, &mut q)?;
                p.write_memref(1, q[1].output().ok_or(Error::GENERIC)?)
            }
            2 => {
                let text = p.read_memref(0)?;
                let uuid =
                    Uuid::parse(core::str::from_utf8(&text).map_err(|_| Error::BAD_PARAMETERS)?)?;
                let mut s = TaSession::open(&uuid, Timeout::Infinite, &mut no_params()).map_err(
                    |CallError { error, origin }| {
                        let _ = p.set_value(1, error.code(), origin);
                        Error::GENERIC
                    },
                )?;
                let r = s.invoke(1, Timeout::Infinite, &mut no_params());
                let e = r.expect_err("the callee panics");
                p.set_value(1, e.error.code(), e.origin)
            }
            _ => Err(Error::NOT_SUPPORTED),
        }
    }
}

fn sim() -> Simulator<Caller> {
    let mut sim = Simulator::<Caller>::seeded(1);
    sim.set_ta_uuid(Uuid::parse(CALLER).unwrap().0);
    sim.add_ta::<Adder>(ADDER);
    sim
}

#[test]
fn a_ta_calls_another_with_typed_parameters() {
    let mut sim = sim();
    let s = sim.open_session(&mut none()).unwrap();
    let mut p = [
        Param::ValueIn(40, 2),
        Param::ValueOut(0, 0),
        Param::out(20),
        Param::None,
    ];
    sim.invoke(s, 0, &mut p).unwrap();
    assert_eq!(p[1].value(), Some((42, 0)));
    // The callee saw the caller TA as its client, not the caller's client.
    let who = Identity::decode(p[2].output().unwrap()).unwrap();
    assert_eq!(who.login, TEE_LOGIN_TRUSTED_APP);
    assert_eq!(who.uuid, Uuid::parse(CALLER).unwrap().0);
    // The callee's error comes back through the caller.
    let mut p = [
        Param::ValueIn(u32::MAX, 1),
        Param::ValueOut(0, 0),
        Param::out(20),
        Param::None,
    ];
    assert_eq!(sim.invoke(s, 0, &mut p), Err(Error::OVERFLOW));
    // The caller's own client identity is intact afterwards.
    sim.set_client(user(7));
    let s2 = sim.open_session(&mut none()).unwrap();
    let mut p = [
        Param::ValueIn(1, 2),
        Param::ValueOut(0, 0),
        Param::out(20),
        Param::None,
    ];
    sim.invoke(s2, 0, &mut p).unwrap();
    assert_eq!(p[1].value(), Some((3, 0)));
}

#[test]
fn unknown_uuid_and_a_dead_callee_answer_with_origins() {
    let mut sim = sim();
    let s = sim.open_session(&mut none()).unwrap();
    let mut p = [
        Param::input(b"00000000-0000-4000-8000-000000000000"),
        Param::ValueOut(0, 0),
        Param::None,
        Param::None,
    ];
    assert_eq!(sim.invoke(s, 2, &mut p), Err(Error::GENERIC));
    assert_eq!(
        p[1].value(),
        Some((Error::ITEM_NOT_FOUND.code(), TEE_ORIGIN_TEE))
    );
    let mut p = [
        Param::input(ADDER.as_bytes()),
        Param::ValueOut(0, 0),
        Param::None,
        Param::None,
    ];
    sim.invoke(s, 2, &mut p).unwrap();
    assert_eq!(
        p[1].value(),
        Some((
            supplicant_proto::tee_result::TEE_ERROR_TARGET_DEAD,
            TEE_ORIGIN_TEE
        ))
    );
    // A fresh session to the callee works after its panic.
    let mut p = [
        Param::ValueIn(2, 3),
        Param::ValueOut(0, 0),
        Param::out(20),
        Param::None,
    ];
    sim.invoke(s, 0, &mut p).unwrap();
    assert_eq!(p[1].value(), Some((5, 0)));
    let _ = TEE_ORIGIN_TRUSTED_APP;
}

fn derive(
    sim: &mut Simulator<Caller>,
    extra: u32,
    len: u32,
) -> core::result::Result<Vec<u8>, Error> {
    let s = sim.open_session(&mut none()).unwrap();
    let mut p = [
        Param::ValueIn(extra, len),
        Param::out(64),
        Param::None,
        Param::None,
    ];
    sim.invoke(s, 1, &mut p)?;
    Ok(p[1].output().unwrap().to_vec())
}

#[test]
fn system_pta_derives_keys_bound_to_huk_ta_and_extra_data() {
    let mut sim = sim();
    let k = derive(&mut sim, 1, 32).unwrap();
    assert_eq!(k.len(), 32);
    assert_eq!(derive(&mut sim, 1, 32).unwrap(), k, "stable on one device");
    assert_ne!(
        derive(&mut sim, 2, 32).unwrap(),
        k,
        "bound to the extra data"
    );
    // The derivation of OP-TEE and oxtee: HMAC-SHA256(HUK, usage || TEE_UUID || extra).
    let mut data = Uuid::parse(CALLER).unwrap().0.to_vec();
    data.extend_from_slice(&1u32.to_le_bytes());
    let mut want = [0u8; 32];
    oxtee_crypto::huk::huk_subkey_derive(&[0; 16], 3, &data, &mut want).unwrap();
    assert_eq!(k, want);
    sim.set_huk(&[9; 32]);
    assert_ne!(derive(&mut sim, 1, 32).unwrap(), k, "another device");
    sim.set_huk(&[0; 16]);
    sim.set_ta_uuid(Uuid::parse(ADDER).unwrap().0);
    assert_ne!(derive(&mut sim, 1, 32).unwrap(), k, "another TA");
    // Key sizes outside 16..=32 are refused, as the PTA does.
    assert_eq!(derive(&mut sim, 1, 15), Err(Error::BAD_PARAMETERS));
    assert_eq!(derive(&mut sim, 1, 33), Err(Error::BAD_PARAMETERS));
}
