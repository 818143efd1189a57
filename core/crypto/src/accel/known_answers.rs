//! Published vectors through the whole modes and hashes, run by the image
//! at boot right after installing the accelerator (so, on QEMU and on a
//! board, through the real instructions): FIPS 180-4 and 202 examples,
//! RFC 4231, NIST SP 800-38B/C/D, IEEE 1619, RFC 3962. The routine-level
//! [`self_test`](super::self_test) compares each routine with software;
//! this checks the modes built on them end to end.

use digest::{Digest, ExtendableOutput, Mac, Update, XofReader};

use crate::aes_modes;
use crate::hash;

type Check = Result<(), &'static str>;

/// Hex digits to bytes, evaluated at compile time (every use is in a
/// `const` block, so the image holds the bytes, not the digits).
const fn hex<const N: usize>(s: &str) -> [u8; N] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a hex digit"),
        }
    }
    let b = s.as_bytes();
    assert!(b.len() == 2 * N);
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

fn check(name: &'static str, got: &[u8], want: &[u8]) -> Check {
    if got == want {
        Ok(())
    } else {
        Err(name)
    }
}

/// Runs the vectors with the installed accelerator. `Err` names the first
/// that failed.
pub fn known_answers() -> Check {
    hashes()?;
    hmac()?;
    gcm()?;
    ccm()?;
    xts_cts()?;
    cmac()
}

fn hashes() -> Check {
    let abc = b"abc";
    check(
        "sha-256",
        &hash::Sha256::digest(abc),
        &const { hex::<32>("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") },
    )?;
    check(
        "sha-384",
        &hash::Sha384::digest(abc),
        &const {
            hex::<48>("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        },
    )?;
    check(
        "sha-512",
        &hash::Sha512::digest(abc),
        &const {
            hex::<64>("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        },
    )?;
    check(
        "sha3-256",
        &hash::Sha3_256::digest(abc),
        &const { hex::<32>("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532") },
    )?;
    check(
        "sha3-512",
        &hash::Sha3_512::digest(abc),
        &const {
            hex::<64>("b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0")
        },
    )?;
    // SHAKE128 of nothing, 200 bytes: past the first 168-byte block (the
    // second part cross-checked with Python's hashlib).
    let mut out = [0u8; 200];
    let mut r = hash::Shake128::default().finalize_xof();
    r.read(&mut out);
    check(
        "shake128",
        &out[..32],
        &const { hex::<32>("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26") },
    )?;
    check(
        "shake128 second block",
        &out[168..],
        &const { hex::<32>("767be1fda69419dfb927e9df07348b196691abaeb580b32def58538b8d23f877") },
    )?;
    // A long message crosses many blocks in one update and pieces that are
    // not whole blocks (SHA-256 of 16,000 'a' in 4,000-byte pieces; digest
    // from Python's hashlib). FIPS 180-4's million 'a' cost 19 ms of boot
    // under QEMU for no more coverage.
    let piece = [b'a'; 4000];
    let mut h = hash::Sha256::new();
    for _ in 0..4 {
        Update::update(&mut h, &piece);
    }
    check(
        "sha-256 16000 a",
        &h.finalize(),
        &const { hex::<32>("c34d4f53fa9e3f053fa0dee318a637d1b3e71d2149e5c377ef767dccacba9c49") },
    )
}

fn hmac() -> Check {
    // RFC 4231 test case 1.
    let k = [0x0bu8; 20];
    let mut m = <hmac::Hmac<hash::Sha256> as Mac>::new_from_slice(&k).map_err(|_| "hmac key")?;
    Mac::update(&mut m, b"Hi There");
    check(
        "hmac-sha-256",
        &m.finalize().into_bytes(),
        &const { hex::<32>("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7") },
    )?;
    let mut m = <hmac::Hmac<hash::Sha512> as Mac>::new_from_slice(&k).map_err(|_| "hmac key")?;
    Mac::update(&mut m, b"Hi There");
    check(
        "hmac-sha-512",
        &m.finalize().into_bytes(),
        &const {
            hex::<64>("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")
        },
    )
}

// SP 800-38D test cases 4 and 6.
const GCM_KEY: [u8; 16] = hex("feffe9928665731c6d6a8f9467308308");
const GCM_PT: [u8; 60] = hex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
);
const GCM_AAD: [u8; 20] = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");

fn gcm() -> Check {
    let cases: [(&[u8], [u8; 60], [u8; 16]); 2] = [
        (
            &const { hex::<12>("cafebabefacedbaddecaf888") },
            const {
                hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091")
            },
            const { hex("5bc94fbc3221a5db94fae95ae7121a47") },
        ),
        (
            &const {
                hex::<60>("9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b")
            },
            const {
                hex("8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5")
            },
            const { hex("619cc5aefffe0bfa462af43c1699d050") },
        ),
    ];
    for (nonce, ct, tag) in cases {
        let mut d = GCM_PT;
        let t = crate::gcm_encrypt(&GCM_KEY, nonce, &GCM_AAD, &mut d).map_err(|_| "gcm")?;
        check("gcm", &d, &ct)?;
        check("gcm tag", &t, &tag)?;
        crate::gcm_decrypt(&GCM_KEY, nonce, &GCM_AAD, &mut d, &tag).map_err(|_| "gcm decrypt")?;
        check("gcm decrypt", &d, &GCM_PT)?;
    }
    Ok(())
}

fn ccm() -> Check {
    // SP 800-38C example 3.
    let mut mode = crate::ae::new_ccm(
        &const { hex::<16>("404142434445464748494a4b4c4d4e4f") },
        &const { hex::<12>("101112131415161718191a1b") },
        8,
        20,
        24,
        true,
    )
    .map_err(|_| "ccm")?;
    mode.update_aad(&const { hex::<20>("000102030405060708090a0b0c0d0e0f10111213") })
        .map_err(|_| "ccm")?;
    let mut d = const { hex::<24>("202122232425262728292a2b2c2d2e2f3031323334353637") };
    mode.update(&mut d).map_err(|_| "ccm")?;
    let mut tag = [0u8; 8];
    mode.tag(&mut tag).map_err(|_| "ccm")?;
    check(
        "ccm",
        &d,
        &const { hex::<24>("e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5") },
    )?;
    check("ccm tag", &tag, &const { hex::<8>("484392fbc1b09951") })
}

fn xts_cts() -> Check {
    let on = super::installed();
    // IEEE 1619 vector 15: 17 bytes, ciphertext stealing.
    let key =
        const { hex::<32>("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0bfbebdbcbbbab9b8b7b6b5b4b3b2b1b0") };
    let tweak = const { hex::<16>("9a785634120000000000000000000000") };
    let mut d: [u8; 17] = core::array::from_fn(|i| i as u8);
    let mut xts = aes_modes::new_xts(on, &key, &tweak, true)
        .and_then(Result::ok)
        .ok_or("xts")?;
    xts.tail(&mut d).map_err(|_| "xts")?;
    check(
        "xts",
        &d,
        &const { hex::<17>("6c1625db4671522d3d7599601de7ca09ed") },
    )?;
    // RFC 3962: 47 bytes (two whole blocks, then 15).
    let msg = b"I would like the General Gau's Chicken, please, and wonton soup.";
    let mut d = [0u8; 47];
    d.copy_from_slice(&msg[..47]);
    let mut cts = aes_modes::new_cts(
        on,
        &const { hex::<16>("636869636b656e207465726979616b69") },
        &[0; 16],
        true,
    )
    .and_then(Result::ok)
    .ok_or("cts")?;
    cts.blocks(&mut d[..16]);
    cts.tail(&mut d[16..]).map_err(|_| "cts")?;
    check(
        "cts",
        &d,
        &const {
            hex::<47>("97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5")
        },
    )
}

fn cmac() -> Check {
    // SP 800-38B, AES-128, 40 bytes.
    let mut m = crate::mac::new_mac(
        supplicant_proto::tee_crypto::TEE_ALG_AES_CMAC,
        &const { hex::<16>("2b7e151628aed2a6abf7158809cf4f3c") },
    )
    .map_err(|_| "cmac")?;
    m.update(
        &const {
            hex::<40>(
                "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411",
            )
        },
    );
    let mut out = [0u8; 16];
    m.finalize(&mut out);
    check(
        "cmac",
        &out,
        &const { hex::<16>("dfa66747de9ae63030ca32611497c827") },
    )
}
