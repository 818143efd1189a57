//! `verify` on arbitrary bytes must never panic, and the one-step and
//! two-step APIs must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_boot::{check_payload, verify, verify_header, Policy};

/// The development public key, so that `seeds/` (signed with the
/// development key) starts the fuzzer next to valid packages.
const KEY: &[u8; 32] = include_bytes!("../../../keys/dev-ed25519.pub.bin");

fuzz_target!(|data: &[u8]| {
    let policy = Policy::bl32(*KEY, 1);
    let one_step = verify(data, &policy);
    match verify_header(data, &policy) {
        Ok(hdr) => {
            let payload = data.get(hdr.payload_range()).unwrap_or(&[]);
            let two_step = check_payload(&hdr, payload);
            // Both agree on acceptance (the refusal may differ only in order).
            assert_eq!(one_step.is_ok(), two_step.is_ok());
            if let (Ok(a), Ok(b)) = (one_step, two_step) {
                assert_eq!(a, b);
            }
        }
        Err(_) => assert!(one_step.is_err()),
    }
    if let Err(refusal) = one_step {
        // Display must not panic either.
        let _ = format!("{refusal}");
    }
});
