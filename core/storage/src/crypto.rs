//! The ciphers the REE FS format uses: AES-128-GCM with a 16-byte IV (data
//! blocks and header metadata) and one-block AES-256-ECB (the file key).
//!
//! GCM is the crypto crate's (`oxtee_crypto::gcm_encrypt`), which runs on
//! the Crypto Extensions (AES and PMULL) when the image installed them.
//! The format's 16-byte IV is not GCM's 96-bit shortcut: the pre-counter
//! block is GHASH(IV || 0^64 || [128]_64), which that GCM does for any IV
//! length.

use aes::cipher::{generic_array::GenericArray, BlockDecrypt, BlockEncrypt, KeyInit};
use aes::Aes256;
use oxtee_crypto::CryptoError;
use supplicant_proto::tee_error::TeeError;

use crate::TeeResult;

/// Encrypts `data` in place; returns the tag.
pub(crate) fn gcm_encrypt(key: &[u8; 16], iv: &[u8; 16], aad: &[u8], data: &mut [u8]) -> [u8; 16] {
    // A 16-byte key and a non-empty IV: nothing to refuse, and GCM's
    // length limit (64 GiB) is far above a storage block.
    oxtee_crypto::gcm_encrypt(key, iv, aad, data).unwrap_or_else(|_| unreachable!())
}

/// Checks the tag, then decrypts `data` in place. A bad tag is
/// `TEE_ERROR_CORRUPT_OBJECT` (OP-TEE maps MAC_INVALID to it) and leaves
/// `data` as it was.
pub(crate) fn gcm_decrypt(
    key: &[u8; 16],
    iv: &[u8; 16],
    aad: &[u8],
    data: &mut [u8],
    tag: &[u8; 16],
) -> TeeResult<()> {
    oxtee_crypto::gcm_decrypt(key, iv, aad, data, tag).map_err(|e| match e {
        CryptoError::MacInvalid => TeeError::CORRUPT_OBJECT,
        _ => TeeError::GENERIC,
    })
}

/// AES-256-ECB of one block (the file key under the TA storage key).
pub(crate) fn ecb256(key: &[u8; 32], block: &[u8; 16], encrypt: bool) -> [u8; 16] {
    let aes = Aes256::new(GenericArray::from_slice(key));
    let mut b = *block;
    if encrypt {
        aes.encrypt_block(GenericArray::from_mut_slice(&mut b));
    } else {
        aes.decrypt_block(GenericArray::from_mut_slice(&mut b));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    // NIST GCM test case 6 (AES-128, 60-byte IV) checks the GHASH-derived
    // J0 path; here the same construction with a 16-byte IV round-trips and
    // rejects a flipped bit.
    #[test]
    fn roundtrip_and_reject() {
        let key = [7u8; 16];
        let iv = [9u8; 16];
        let mut d = *b"hello gcm with a 16-byte iv, two blocks+";
        let orig = d;
        let tag = gcm_encrypt(&key, &iv, b"aad", &mut d);
        assert_ne!(d, orig);
        let mut e = d;
        gcm_decrypt(&key, &iv, b"aad", &mut e, &tag).unwrap();
        assert_eq!(e, orig);
        let mut f = d;
        f[3] ^= 1;
        assert_eq!(
            gcm_decrypt(&key, &iv, b"aad", &mut f, &tag),
            Err(TeeError::CORRUPT_OBJECT)
        );
        assert_eq!(f[3], d[3] ^ 1, "data untouched on a bad tag");
        let mut g = d;
        assert!(gcm_decrypt(&key, &iv, b"aaD", &mut g, &tag).is_err());
    }

    // NIST SP 800-38D test case 6 uses a 60-byte IV, which takes the
    // GHASH-derived J0 path like the format's 16-byte IV does.
    #[test]
    fn nist_long_iv_vector() {
        fn hex(s: &str) -> alloc::vec::Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        }
        let key = hex("feffe9928665731c6d6a8f9467308308");
        let iv = hex("9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b");
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let pt = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        let ct = hex("8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5");
        let tag = hex("619cc5aefffe0bfa462af43c1699d050");
        let mut d = pt.clone();
        let t = oxtee_crypto::gcm_encrypt(&key, &iv, &aad, &mut d).unwrap();
        assert_eq!(d, ct);
        assert_eq!(t.to_vec(), tag);
    }
}
