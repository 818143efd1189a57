use super::fake::Fake;
use super::*;

#[test]
fn self_test_passes_a_correct_accelerator_and_uses_it() {
    let fake = Fake::leak(false);
    assert_eq!(self_test(fake), Ok(()));
    // 3 key sizes x (expand, 2 ECB, 2 CBC, 1 CTR) + SHA-1 + SHA-256.
    assert_eq!(fake.done(), 3 * 6 + 2);
}

#[test]
fn self_test_catches_a_broken_one() {
    for (aes, sha1, sha256, name) in [
        (true, false, false, "aes ecb"),
        (false, true, false, "sha1"),
        (false, false, true, "sha256"),
    ] {
        let fake = Fake::leak(false);
        let broken = Box::leak(Box::new(Fake {
            aes,
            sha1,
            sha256,
            broken: true,
            refuse_every: 0,
            calls: Default::default(),
            done: Default::default(),
        }));
        let _ = fake;
        assert_eq!(self_test(broken), Err(name));
    }
}

#[test]
fn self_test_fails_when_a_routine_refuses() {
    // A routine that refuses at boot is not counted as working.
    let fake = Fake::leak(true);
    assert!(self_test(fake).is_err());
}

#[test]
fn self_test_with_nothing_to_test() {
    let none = Box::leak(Box::new(Fake {
        aes: false,
        sha1: false,
        sha256: false,
        broken: true,
        refuse_every: 0,
        calls: Default::default(),
        done: Default::default(),
    }));
    assert_eq!(self_test(none), Ok(()));
    assert_eq!(none.done(), 0);
}

#[test]
fn schedule_only_for_aes_key_lengths_and_cpus() {
    let fake = Fake::leak(false);
    assert!(aes_schedule(fake, &[0; 16]).is_some());
    assert!(aes_schedule(fake, &[0; 24]).is_some());
    assert!(aes_schedule(fake, &[0; 32]).is_some());
    assert!(aes_schedule(fake, &[0; 20]).is_none());
    let no_aes = Box::leak(Box::new(Fake {
        aes: false,
        sha1: true,
        sha256: true,
        broken: false,
        refuse_every: 0,
        calls: Default::default(),
        done: Default::default(),
    }));
    assert!(aes_schedule(no_aes, &[0; 16]).is_none());
    assert_eq!(no_aes.done(), 0);
}
