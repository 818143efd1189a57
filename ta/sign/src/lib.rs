#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use anyhow::{bail, ensure, Context, Result};
use oxtee_ta_verify::SignedHeader;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{Pss, RsaPrivateKey};
use sha2::{Digest, Sha256};
use supplicant_proto::ta_shdr::{
    Shdr, ShdrBootstrapTa, ShdrSubkey, SHDR_BOOTSTRAP_TA, SHDR_ENCRYPTED_TA, SHDR_MAGIC,
    SHDR_SUBKEY, SHDR_TA, TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256,
};
use zerocopy::{FromBytes, IntoBytes};

/// Size of the RSA keys [`generate_key`] makes.
pub const KEYGEN_BITS: usize = 2048;
/// Smallest RSA modulus, in bits, the verifier accepts.
pub const MIN_KEY_BITS: usize = 2048;
/// Largest RSA modulus, in bits, the verifier accepts.
pub const MAX_KEY_BITS: usize = 4096;

const SHA256_LEN: usize = 32;
const ELF_MAGIC: &[u8; 4] = b"\x7fELF";

/// Reads an RSA private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`, what [`key_to_pem`]
/// writes) or PKCS#1 (`BEGIN RSA PRIVATE KEY`, the TA dev kit's `default.pem`).
pub fn load_private_key(pem: &str) -> Result<RsaPrivateKey> {
    let key = match RsaPrivateKey::from_pkcs8_pem(pem) {
        Ok(k) => k,
        Err(e8) => RsaPrivateKey::from_pkcs1_pem(pem)
            .map_err(|e1| anyhow::anyhow!("not an RSA private key (PKCS#8: {e8}; PKCS#1: {e1})"))?,
    };
    let bits = key.n().bits();
    ensure!(
        (MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits),
        "RSA key of {bits} bits: TAs must be signed with {MIN_KEY_BITS} to {MAX_KEY_BITS} bits"
    );
    Ok(key)
}

/// Generates a new RSA-2048 private key from the operating system's random source.
pub fn generate_key() -> Result<RsaPrivateKey> {
    RsaPrivateKey::new(&mut rand_core::OsRng, KEYGEN_BITS).context("RSA key generation")
}

/// Encodes a private key as PKCS#8 PEM (LF line endings).
pub fn key_to_pem(key: &RsaPrivateKey) -> Result<String> {
    Ok(key
        .to_pkcs8_pem(LineEnding::LF)
        .context("PKCS#8 encoding")?
        .to_string())
}

/// Parses a textual UUID (`cb3e5ba0-adf1-11e0-998b-0002a5d5c51b`) into the 16 octets
/// (RFC 4122 byte order) that `shdr_bootstrap_ta.uuid` holds.
pub fn parse_uuid(text: &str) -> Result<[u8; 16]> {
    // 8-4-4-4-12 hex digits; the octets are the digits in written order.
    let groups: Vec<&str> = text.split('-').collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    ensure!(
        lens == [8, 4, 4, 4, 12]
            && groups
                .iter()
                .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit())),
        "bad UUID {text:?}: expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    );
    let hex: String = groups.concat();
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        let pair = hex.get(2 * i..2 * i + 2).context("short UUID")?;
        *o = u8::from_str_radix(pair, 16).context("bad UUID digit")?;
    }
    Ok(out)
}

/// Signs `elf` as a bootstrap TA (`img_type` 1), the format `sign_encrypt.py` writes by
/// default: `shdr`, SHA-256 hash, RSASSA-PSS (MGF1-SHA-256, salt 32) signature,
/// `shdr_bootstrap_ta { uuid, ta_version }`, then the ELF. The hash covers the 20 fixed
/// `shdr` bytes, the bootstrap sub-header and the ELF.
pub fn sign_bootstrap(
    key: &RsaPrivateKey,
    uuid: [u8; 16],
    ta_version: u32,
    elf: &[u8],
) -> Result<Vec<u8>> {
    ensure!(elf.starts_with(ELF_MAGIC), "input is not an ELF file");
    let img_size = u32::try_from(elf.len()).context("ELF larger than 4 GiB")?;
    let sig_size = u16::try_from(key.size()).context("RSA key too large")?;
    let shdr = Shdr {
        magic: SHDR_MAGIC,
        img_type: SHDR_BOOTSTRAP_TA,
        img_size,
        algo: TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256,
        hash_size: SHA256_LEN as u16,
        sig_size,
    };
    let bootstrap = ShdrBootstrapTa { uuid, ta_version };

    let mut h = Sha256::new();
    h.update(shdr.as_bytes());
    h.update(bootstrap.as_bytes());
    h.update(elf);
    let hash = h.finalize();

    let sig = key
        .sign_with_rng(
            &mut rand_core::OsRng,
            Pss::new_with_salt::<Sha256>(SHA256_LEN),
            &hash,
        )
        .context("RSA-PSS signing")?;
    ensure!(
        sig.len() == usize::from(sig_size),
        "unexpected signature size"
    );

    let mut out = Vec::with_capacity(
        shdr.as_bytes().len() + hash.len() + sig.len() + bootstrap.as_bytes().len() + elf.len(),
    );
    out.extend_from_slice(shdr.as_bytes());
    out.extend_from_slice(&hash);
    out.extend_from_slice(&sig);
    out.extend_from_slice(bootstrap.as_bytes());
    out.extend_from_slice(elf);
    Ok(out)
}

/// Returns the ELF inside a signed TA file (legacy, bootstrap, or either after a subkey
/// chain), without checking any signature. Encrypted TAs are refused: their payload is
/// ciphertext.
pub fn extract_elf(signed: &[u8]) -> Result<&[u8]> {
    let mut offs = 0usize;
    loop {
        let rest = signed.get(offs..).context("truncated file")?;
        let hdr = SignedHeader::parse(rest).map_err(|e| anyhow::anyhow!("{e}"))?;
        ensure!(
            hdr.shdr.magic == SHDR_MAGIC,
            "bad shdr magic at offset {offs}"
        );
        offs = offs.checked_add(hdr.len()).context("size overflow")?;
        let img_size = hdr.img_size();
        match hdr.shdr.img_type {
            SHDR_SUBKEY => {
                // Subkey image, then its name.
                let image = signed.get(offs..).context("truncated subkey image")?;
                let (subkey, _) = ShdrSubkey::read_from_prefix(image)
                    .map_err(|_| anyhow::anyhow!("truncated subkey header"))?;
                let name_size = subkey.name_size;
                offs = offs
                    .checked_add(img_size)
                    .and_then(|o| o.checked_add(name_size as usize))
                    .context("size overflow")?;
            }
            SHDR_TA | SHDR_BOOTSTRAP_TA => {
                if hdr.shdr.img_type == SHDR_BOOTSTRAP_TA {
                    let rest = signed.get(offs..).context("truncated file")?;
                    ShdrBootstrapTa::read_from_prefix(rest)
                        .map_err(|_| anyhow::anyhow!("truncated bootstrap header"))?;
                    offs += core::mem::size_of::<ShdrBootstrapTa>();
                }
                let end = offs.checked_add(img_size).context("size overflow")?;
                ensure!(
                    end == signed.len(),
                    "file is {} bytes, headers and img_size say {end}",
                    signed.len()
                );
                let elf = signed.get(offs..end).context("truncated file")?;
                ensure!(elf.starts_with(ELF_MAGIC), "payload is not an ELF file");
                return Ok(elf);
            }
            SHDR_ENCRYPTED_TA => bail!("encrypted TA: the payload is not a plain ELF"),
            other => bail!("unknown img_type {other}"),
        }
    }
}
