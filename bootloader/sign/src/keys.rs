//! Ed25519 key files: PKCS#8 PEM private keys (the form `openssl genpkey
//! -algorithm ed25519` writes) and raw 32-byte public keys.

use anyhow::{anyhow, Context, Result};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use supplicant_proto::secure_package::{PUBLIC_KEY_LEN, SHA256_LEN};

/// A fresh key from the operating system's random source.
pub(crate) fn generate() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no system randomness: {e}"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// PKCS#8 v1 PEM (private key only), as OpenSSL writes it.
pub(crate) fn to_pem(key: &SigningKey) -> Result<String> {
    let bytes = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    let pem = bytes
        .to_pkcs8_pem(LineEnding::LF)
        .context("encoding PKCS#8")?;
    Ok(pem.as_str().to_owned())
}

/// Reads a PKCS#8 PEM Ed25519 private key (v1 or v2).
pub(crate) fn from_pem(pem: &str) -> Result<SigningKey> {
    SigningKey::from_pkcs8_pem(pem)
        .map_err(|e| anyhow!("not an Ed25519 PKCS#8 PEM private key: {e}"))
}

/// Raw public key bytes, as the firmware embeds them.
pub(crate) fn public_raw(key: &SigningKey) -> [u8; PUBLIC_KEY_LEN] {
    key.verifying_key().to_bytes()
}

/// Key id stored in package headers: SHA-256 of the raw public key.
pub(crate) fn key_id(public: &[u8; PUBLIC_KEY_LEN]) -> [u8; SHA256_LEN] {
    Sha256::digest(public).into()
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip() {
        let key = generate().unwrap();
        let pem = to_pem(&key).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(from_pem(&pem).unwrap().to_bytes(), key.to_bytes());
        assert_ne!(generate().unwrap().to_bytes(), key.to_bytes());
        assert!(
            from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").is_err()
        );
    }

    /// A key written by `openssl genpkey -algorithm ed25519` (RFC 8410 example).
    #[test]
    fn reads_openssl_pem() {
        let pem = "-----BEGIN PRIVATE KEY-----\n\
                   MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
                   -----END PRIVATE KEY-----\n";
        let key = from_pem(pem).unwrap();
        // RFC 8410 section 10.3: the matching public key.
        assert_eq!(
            hex(&public_raw(&key)),
            "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
        );
        // We write the same DER layout back.
        assert_eq!(to_pem(&key).unwrap(), pem);
    }
}
