//! The `syscall` fuzz target's body (core/kernel/fuzz) on its seeds and on
//! pseudo-random inputs, so every `cargo test` runs a short fuzz smoke test.

mod common;

use common::*;

/// xorshift64*: deterministic inputs without a dependency.
fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed >> 12;
    *seed ^= *seed << 25;
    *seed ^= *seed >> 27;
    seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[test]
fn seeds() {
    let hw = FakeHw::leak();
    let seeds = fuzz_seeds();
    for s in &seeds {
        fuzz_one(hw, s);
    }
    // The first two reach deep: PTA_SYSTEM open, MAP_ZI, close; and a
    // TA-to-TA open, invoke, close (all SUCCESS).
    for s in &seeds[..2] {
        fuzz_one(hw, s);
        let got = hw.take_results();
        let nrs: Vec<u64> = got.iter().map(|r| r.0).collect();
        assert_eq!(nrs, [5, 7, 6], "{got:x?}");
        assert!(got.iter().all(|r| r.1 == 0), "{got:x?}");
    }
}

#[test]
fn random_syscalls_do_not_panic_or_leak() {
    let hw = FakeHw::leak();
    let mut seed = 0x0123_4567_89ab_cdef_u64;
    let seeds = fuzz_seeds();
    for round in 0..300 {
        // Random calls after a seed's prefix, or random everything.
        let mut data = if round % 2 == 0 {
            seeds[round % seeds.len()].clone()
        } else {
            vec![(rng(&mut seed) % 256) as u8]
        };
        let calls = 1 + (rng(&mut seed) % 40) as usize;
        for _ in 0..calls * FUZZ_CALL {
            data.push(rng(&mut seed) as u8);
        }
        fuzz_one(hw, &data);
    }
}
