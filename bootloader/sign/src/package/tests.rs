use super::*;
use oxtee_boot::{check_payload, verify_header, Refusal};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[0x5A; 32])
}

fn policy(min_version: u32) -> Policy {
    Policy::bl32(keys::public_raw(&key()), min_version)
}

/// An OP-TEE header v2 for one AArch64 pager image (plus an optional pageable one).
fn header_v2(load: u64, pager_len: u32, paged_len: Option<u32>) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(b"OPTE");
    h.extend_from_slice(&[2, OPTEE_ARCH_ARM64, 0, 0]);
    h.extend_from_slice(&(1 + u32::from(paged_len.is_some())).to_le_bytes());
    let mut image = |addr: u64, id: u32, size: u32| {
        h.extend_from_slice(&((addr >> 32) as u32).to_le_bytes());
        h.extend_from_slice(&(addr as u32).to_le_bytes());
        h.extend_from_slice(&id.to_le_bytes());
        h.extend_from_slice(&size.to_le_bytes());
    };
    image(load, 0, pager_len);
    if let Some(size) = paged_len {
        image(u64::MAX, 1, size);
    }
    h
}

fn pager() -> Vec<u8> {
    (0..5000u32).map(|i| (i * 31) as u8).collect()
}

fn optee_package(version: u32) -> Vec<u8> {
    let pager = pager();
    let place = optee_placement(&header_v2(0x0e10_0000, 5000, None), &pager, None).unwrap();
    assert_eq!(
        place,
        Placement {
            load_addr: 0x0e10_0000,
            entry: 0x0e10_0000
        }
    );
    wrap(&key(), version, place, &pager).unwrap()
}

#[test]
fn wrapped_optee_image_verifies() {
    let pkg = optee_package(4);
    assert_eq!(pkg.len(), HEADER_SIZE + 5000);
    let v = verify(&pkg, &policy(4)).unwrap();
    assert_eq!(v.version(), 4);
    assert_eq!(v.load_addr(), 0x0e10_0000);
    assert_eq!(v.entry(), 0x0e10_0000);
    assert_eq!(v.payload(), &pager()[..]);
    // The firmware's two-step path, on a copy.
    let hdr = verify_header(&pkg, &policy(0)).unwrap();
    let copy = pkg[hdr.payload_range()].to_vec();
    assert!(check_payload(&hdr, &copy).is_ok());
    // In a slot of erased flash.
    let mut slot = pkg.clone();
    slot.resize(1 << 20, 0xFF);
    assert!(verify(&slot, &policy(0)).is_ok());
    // And the text dump shows the fields.
    let text = describe(&pkg).unwrap();
    assert!(text.contains("load address     0xe100000"), "{text}");
    assert!(text.contains("rollback version 4"), "{text}");
}

#[test]
fn wrapped_raw_image_verifies() {
    let place = Placement {
        load_addr: 0x0e20_0000,
        entry: 0x0e20_0010,
    };
    let pkg = wrap(&key(), 1, place, &[0xD5; 64]).unwrap();
    let v = verify(&pkg, &policy(0)).unwrap();
    assert_eq!((v.load_addr(), v.entry()), (0x0e20_0000, 0x0e20_0010));
    assert!(in_bl32_window(place, 64));
}

#[test]
fn every_tamper_is_refused() {
    let pkg = optee_package(1);
    let bad = tamper(&pkg, Tamper::Signature).unwrap();
    assert_eq!(verify(&bad, &policy(0)), Err(Refusal::BadSignature));
    let bad = tamper(&pkg, Tamper::Payload).unwrap();
    assert_eq!(verify(&bad, &policy(0)), Err(Refusal::PayloadHashMismatch));
    let bad = tamper(&pkg, Tamper::Truncate).unwrap();
    assert_eq!(bad.len(), HEADER_SIZE + 2500);
    assert_eq!(
        verify(&bad, &policy(0)),
        Err(Refusal::Truncated {
            needed: pkg.len() as u64,
            available: bad.len() as u64
        })
    );
    assert!(tamper(b"short", Tamper::Payload).is_err());
    assert!(tamper(&[0u8; 300], Tamper::Payload).is_err());
}

#[test]
fn rollback_is_refused() {
    let pkg = optee_package(2);
    assert_eq!(
        verify(&pkg, &policy(3)),
        Err(Refusal::Rollback {
            version: 2,
            minimum: 3
        })
    );
    assert!(verify(&pkg, &policy(2)).is_ok());
}

#[test]
fn other_key_is_refused() {
    let other = Policy::bl32(keys::public_raw(&SigningKey::from_bytes(&[1; 32])), 0);
    assert_eq!(verify(&optee_package(1), &other), Err(Refusal::WrongKey));
}

#[test]
fn load_outside_window_is_refused() {
    // Normal-world RAM: wraps fine (with a warning in the CLI), firmware refuses.
    let place = Placement {
        load_addr: 0x4000_0000,
        entry: 0x4000_0000,
    };
    assert!(!in_bl32_window(place, 16));
    let pkg = wrap(&key(), 1, place, &[0; 16]).unwrap();
    assert_eq!(
        verify(&pkg, &policy(0)),
        Err(Refusal::LoadOutsideWindow {
            load_addr: 0x4000_0000,
            len: 16
        })
    );
    // Starts inside, runs past the end of secure RAM.
    let place = Placement {
        load_addr: BL32_LOAD_END - 8,
        entry: BL32_LOAD_END - 8,
    };
    let pkg = wrap(&key(), 1, place, &[0; 16]).unwrap();
    assert!(matches!(
        verify(&pkg, &policy(0)),
        Err(Refusal::LoadOutsideWindow { .. })
    ));
}

#[test]
fn entry_outside_image_is_refused() {
    // wrap's own check refuses to produce it.
    let place = Placement {
        load_addr: 0x0e10_0000,
        entry: 0x0e10_0000 + 16,
    };
    let err = wrap(&key(), 1, place, &[0; 16]).unwrap_err().to_string();
    assert!(
        err.contains("entry 0xe100010 outside the loaded image"),
        "{err}"
    );
    let place = Placement {
        load_addr: 0x0e10_0000,
        entry: 0x0e0f_fffc,
    };
    assert!(wrap(&key(), 1, place, &[0; 16]).is_err());
}

#[test]
fn optee_header_checks() {
    let pager = pager();
    // Pageable part announced in the header.
    let err = optee_placement(&header_v2(0x0e10_0000, 5000, Some(4096)), &pager, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("pageable part (4096 bytes)"), "{err}");
    // Non-empty pageable file with a header that announces none.
    let h = header_v2(0x0e10_0000, 5000, None);
    let err = optee_placement(&h, &pager, Some(&[1, 2, 3]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("paging is not supported"), "{err}");
    // An empty pageable file (as Debian ships) is fine.
    assert!(optee_placement(&h, &pager, Some(&[])).is_ok());
    // Size mismatch, bad magic, AArch32.
    assert!(optee_placement(&h, &pager[..4999], None).is_err());
    let mut bad = h.clone();
    bad[0] = b'X';
    assert!(optee_placement(&bad, &pager, None).is_err());
    let mut arm32 = h.clone();
    arm32[5] = 0;
    assert!(optee_placement(&arm32, &pager, None)
        .unwrap_err()
        .to_string()
        .contains("AArch64"));
    // "Loader chooses" load address.
    let any = header_v2(u64::MAX, 5000, None);
    assert!(optee_placement(&any, &pager, None).is_err());
}

#[test]
fn oversized_payload_is_refused() {
    let big = vec![0u8; SLOT_MAX_PAYLOAD + 1];
    let place = Placement {
        load_addr: 0,
        entry: 0,
    };
    assert!(wrap(&key(), 1, place, &big).is_err());
}
