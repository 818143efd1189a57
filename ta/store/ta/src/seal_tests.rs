//! `seal` / `unseal` through the simulator: round trips up to 1 MiB, and
//! every way a blob can be wrong — changed, cut, from another device, user,
//! TA or secure-OS version — answered with a GP error, the TA alive.

use oxtee_ta::client::Identity;
use oxtee_ta::ta_session::Uuid;
use oxtee_ta::Error;
use oxtee_ta_sim::{none, user, Param, SessionId, Simulator};

use crate::commands::{CMD_SEAL, CMD_UNSEAL, UUID};
use crate::seal::{BIND_OS_VERSION, HEADER_LEN, MAX_PLAIN_LEN, OVERHEAD};
use crate::Store;

fn store() -> Simulator<Store> {
    let mut sim = Simulator::<Store>::seeded(7);
    sim.set_ta_uuid(Uuid::parse(UUID).unwrap().0);
    sim
}

fn session(sim: &mut Simulator<Store>, who: Identity) -> SessionId {
    sim.set_client(who);
    sim.open_session(&mut none()).unwrap()
}

fn seal(
    sim: &mut Simulator<Store>,
    s: SessionId,
    data: &[u8],
    flags: u32,
) -> Result<Vec<u8>, Error> {
    let mut p = [
        Param::input(data),
        Param::out(data.len() + OVERHEAD),
        Param::ValueIn(flags, 0),
        Param::None,
    ];
    sim.invoke(s, CMD_SEAL, &mut p)?;
    Ok(p[1].output().unwrap().to_vec())
}

fn unseal(sim: &mut Simulator<Store>, s: SessionId, blob: &[u8]) -> Result<Vec<u8>, Error> {
    let cap = blob.len().saturating_sub(OVERHEAD);
    let mut p = [
        Param::input(blob),
        Param::out(cap),
        Param::None,
        Param::None,
    ];
    sim.invoke(s, CMD_UNSEAL, &mut p)?;
    Ok(p[1].output().unwrap().to_vec())
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 131 + i / 977) as u8).collect()
}

#[test]
fn round_trips_up_to_one_mib() {
    let mut sim = store();
    let s = session(&mut sim, user(0));
    for len in [0, 1, 15, 16, 17, 4096, MAX_PLAIN_LEN] {
        let data = pattern(len);
        for flags in [0, BIND_OS_VERSION] {
            let blob = seal(&mut sim, s, &data, flags).unwrap();
            assert_eq!(blob.len(), len + OVERHEAD);
            assert_eq!(&blob[..4], b"OXSB");
            assert_eq!(blob[5] as u32, flags);
            if len >= 16 {
                assert_ne!(&blob[HEADER_LEN..HEADER_LEN + 16], &data[..16], "encrypted");
            }
            assert_eq!(unseal(&mut sim, s, &blob).unwrap(), data, "{len} {flags}");
        }
    }
    // A fresh nonce per blob: the same data seals differently.
    assert_ne!(
        seal(&mut sim, s, b"x", 0).unwrap(),
        seal(&mut sim, s, b"x", 0).unwrap()
    );
}

#[test]
fn blobs_survive_a_reboot_of_the_same_device() {
    let mut sim = store();
    let s = session(&mut sim, user(0));
    let blob = seal(&mut sim, s, b"for later", BIND_OS_VERSION).unwrap();
    sim.restart();
    let s = session(&mut sim, user(0));
    assert_eq!(unseal(&mut sim, s, &blob).unwrap(), b"for later");
}

#[test]
fn sizes_are_checked_first() {
    let mut sim = store();
    let s = session(&mut sim, user(0));
    // Over 1 MiB of data, or a blob longer than the largest, is refused.
    let big = vec![0u8; MAX_PLAIN_LEN + 1];
    assert_eq!(seal(&mut sim, s, &big, 0), Err(Error::BAD_PARAMETERS));
    let mut p = [
        Param::input(&vec![0u8; MAX_PLAIN_LEN + OVERHEAD + 1]),
        Param::out(MAX_PLAIN_LEN + 1),
        Param::None,
        Param::None,
    ];
    assert_eq!(
        sim.invoke(s, CMD_UNSEAL, &mut p),
        Err(Error::BAD_PARAMETERS)
    );
    // Short output buffers report the size needed.
    let mut p = [
        Param::input(b"12345"),
        Param::out(40),
        Param::ValueIn(0, 0),
        Param::None,
    ];
    assert_eq!(sim.invoke(s, CMD_SEAL, &mut p), Err(Error::SHORT_BUFFER));
    assert_eq!(p[1].size(), Some(5 + OVERHEAD));
    let blob = seal(&mut sim, s, b"12345", 0).unwrap();
    let mut p = [Param::input(&blob), Param::out(4), Param::None, Param::None];
    assert_eq!(sim.invoke(s, CMD_UNSEAL, &mut p), Err(Error::SHORT_BUFFER));
    assert_eq!(p[1].size(), Some(5));
    // Unknown flags, a non-zero reserved value, wrong types.
    for (flags, reserved) in [(2, 0), (0x8000_0000, 0), (0, 1)] {
        let mut p = [
            Param::input(b"x"),
            Param::out(64),
            Param::ValueIn(flags, reserved),
            Param::None,
        ];
        assert_eq!(sim.invoke(s, CMD_SEAL, &mut p), Err(Error::BAD_PARAMETERS));
    }
    let mut p = [Param::input(b"x"), Param::out(64), Param::None, Param::None];
    assert_eq!(sim.invoke(s, CMD_SEAL, &mut p), Err(Error::BAD_PARAMETERS));
    let mut p = [
        Param::input(&blob),
        Param::out(64),
        Param::ValueIn(0, 0),
        Param::None,
    ];
    assert_eq!(
        sim.invoke(s, CMD_UNSEAL, &mut p),
        Err(Error::BAD_PARAMETERS)
    );
    let mut p = [
        Param::Unmapped(oxtee_ta::ParamType::MemrefInput, 64),
        Param::out(64),
        Param::None,
        Param::None,
    ];
    assert_eq!(
        sim.invoke(s, CMD_UNSEAL, &mut p),
        Err(Error::BAD_PARAMETERS)
    );
}

#[test]
fn changed_or_cut_blobs_are_refused() {
    let mut sim = store();
    let s = session(&mut sim, user(0));
    let data = pattern(100);
    let blob = seal(&mut sim, s, &data, BIND_OS_VERSION).unwrap();
    // Every bit of every byte flipped: a structural error in the header's
    // checked fields, an authentication error anywhere else.
    for i in 0..blob.len() {
        for bit in 0..8 {
            let mut bad = blob.clone();
            bad[i] ^= 1 << bit;
            let e = unseal(&mut sim, s, &bad).unwrap_err();
            let want = if i < 8 && !(i == 5 && bit == 0) {
                Error::BAD_FORMAT
            } else {
                Error::MAC_INVALID
            };
            assert_eq!(e, want, "byte {i} bit {bit}");
        }
    }
    // Every truncation, and bytes appended.
    for len in 0..blob.len() {
        let e = unseal(&mut sim, s, &blob[..len]).unwrap_err();
        assert!(
            e == Error::BAD_FORMAT && len < OVERHEAD || e == Error::MAC_INVALID && len >= OVERHEAD,
            "{len}: {e:?}"
        );
    }
    let mut long = blob.clone();
    long.push(0);
    assert_eq!(unseal(&mut sim, s, &long), Err(Error::MAC_INVALID));
    assert!(sim.is_created());
    assert_eq!(
        unseal(&mut sim, s, &blob).unwrap(),
        data,
        "the original still opens"
    );
}

#[test]
fn another_device_user_ta_or_os_version_cannot_unseal() {
    let mut sim = store();
    let root = session(&mut sim, user(0));
    let bound = seal(&mut sim, root, b"root's", BIND_OS_VERSION).unwrap();
    let plain = seal(&mut sim, root, b"root's", 0).unwrap();
    // Another user of the same device.
    let alice = session(&mut sim, user(1000));
    assert_eq!(unseal(&mut sim, alice, &plain), Err(Error::MAC_INVALID));
    assert_eq!(unseal(&mut sim, alice, &bound), Err(Error::MAC_INVALID));
    // The same uid logged in as a group is another identity.
    let group = session(
        &mut sim,
        Identity {
            login: supplicant_proto::tee_result::TEE_LOGIN_GROUP,
            uuid: user(0).uuid,
        },
    );
    assert_eq!(unseal(&mut sim, group, &plain), Err(Error::MAC_INVALID));
    // A secure-OS update: only the bound blob stops opening.
    sim.set_os_version("4.6.0");
    assert_eq!(unseal(&mut sim, root, &bound), Err(Error::MAC_INVALID));
    assert_eq!(unseal(&mut sim, root, &plain).unwrap(), b"root's");
    sim.set_os_version(oxtee_ta_sim::DEFAULT_OS_VERSION);
    assert_eq!(unseal(&mut sim, root, &bound).unwrap(), b"root's");
    // Another TA (another UUID) on the same device.
    sim.set_ta_uuid(
        Uuid::parse("00000000-0000-4000-8000-000000000001")
            .unwrap()
            .0,
    );
    assert_eq!(unseal(&mut sim, root, &plain), Err(Error::MAC_INVALID));
    sim.set_ta_uuid(Uuid::parse(UUID).unwrap().0);
    // Another device: a different HUK.
    sim.set_huk(&[0x5a; 16]);
    assert_eq!(unseal(&mut sim, root, &plain), Err(Error::MAC_INVALID));
    assert_eq!(unseal(&mut sim, root, &bound), Err(Error::MAC_INVALID));
    sim.set_huk(&oxtee_ta_sim::DEFAULT_HUK);
    assert_eq!(unseal(&mut sim, root, &plain).unwrap(), b"root's");
}
