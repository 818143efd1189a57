use super::fake::Fake;
use super::*;

#[test]
fn self_test_passes_a_correct_accelerator_and_uses_it() {
    let fake = Fake::leak(false);
    assert_eq!(self_test(fake), Ok(()));
    // 3 key sizes x (expand, 2 ECB, 2 CBC, 2 CTR, CBC-MAC, 2 XTS) + GHASH +
    // SHA-1 + SHA-256 + SHA-512 + 5 Keccak rates + the permutation.
    assert_eq!(fake.done(), 3 * 10 + 1 + 3 + 5 + 1);
}

#[test]
fn self_test_catches_a_broken_routine() {
    for (which, name) in [
        ("aes", "aes ecb"),
        ("pmull", "ghash"),
        ("sha1", "sha1"),
        ("sha256", "sha256"),
        ("sha512", "sha512"),
        ("sha3", "sha3 absorb"),
    ] {
        assert_eq!(self_test(Fake::only(&[which], true)), Err(name), "{which}");
        assert_eq!(self_test(Fake::only(&[which], false)), Ok(()), "{which}");
    }
}

#[test]
fn self_test_fails_when_a_routine_refuses() {
    // A routine that refuses at boot is not counted as working.
    for refuse_every in [2, 3, 5, 7, 11] {
        let fake = Box::leak(Box::new(Fake::new(refuse_every)));
        assert!(self_test(fake).is_err(), "refusing every {refuse_every}");
    }
}

#[test]
fn self_test_with_nothing_to_test() {
    let none = Fake::only(&[], true);
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
    let no_aes = Fake::only(&["sha1", "sha256"], false);
    assert!(aes_schedule(no_aes, &[0; 16]).is_none());
    assert_eq!(no_aes.done(), 0);
}

#[test]
fn ghash_key_is_h_times_x_in_polyval_form() {
    // As the ghash crate keys POLYVAL (RFC 8452 appendix A): mulX_POLYVAL
    // of the byte-reversed H; with and without the top bit falling out.
    for h in [
        [0x80u8; 16],
        [0x01; 16],
        core::array::from_fn(|i| (i as u8).wrapping_mul(17) ^ 3),
    ] {
        let mut r = h;
        r.reverse();
        let want = polyval::mulx(&r.into());
        assert_eq!(GhashKey::new(&h).bytes()[..], want[..]);
    }
}

/// Records the fingerprint of every output instead of judging it.
struct Recorder(Vec<(self_test::Family, u64)>);

impl self_test::Answers for Recorder {
    fn check(
        &mut self,
        family: self_test::Family,
        _name: &'static str,
        hw: &[u8],
    ) -> Result<(), &'static str> {
        self.0.push((family, self_test::fingerprint(hw)));
        Ok(())
    }
}

#[test]
fn self_test_answers_are_the_softwares() {
    use self_test::Family::*;
    // The stand-in does every routine with the RustCrypto crates.
    let mut r = Recorder(Vec::new());
    assert_eq!(self_test::run(Fake::leak(false), &mut r), Ok(()));
    for family in [Aes128, Aes192, Aes256, Ghash, Sha1, Sha256, Sha512, Keccak] {
        let got: Vec<u64> =
            r.0.iter()
                .filter(|(f, _)| *f == family)
                .map(|(_, v)| *v)
                .collect();
        let table: Vec<String> = got.iter().map(|v| format!("{v:#018x}")).collect();
        assert_eq!(
            got,
            self_test::expected(family),
            "{family:?}: {}",
            table.join(", ")
        );
    }
}

#[test]
fn fingerprint_tells_one_word_apart() {
    let a = [0x5au8; 64];
    for i in 0..64 {
        for bit in 0..8 {
            let mut b = a;
            b[i] ^= 1 << bit;
            assert_ne!(self_test::fingerprint(&a), self_test::fingerprint(&b));
        }
    }
    assert_ne!(self_test::fingerprint(&a[..63]), self_test::fingerprint(&a));
}
