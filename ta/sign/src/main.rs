//! `oxtee-ta-sign`: signs TA ELF files for OP-TEE and oxtee (see the crate README).
#![forbid(unsafe_code)]

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

/// Signs TA ELF files into OP-TEE's signed-TA format.
#[derive(Parser, Debug)]
#[command(name = "oxtee-ta-sign", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign a TA ELF as a bootstrap TA (RSASSA-PSS, SHA-256), as OP-TEE's sign_encrypt.py does.
    Sign {
        /// RSA private key (PEM, PKCS#8 or PKCS#1), 2048 to 4096 bits.
        #[arg(long)]
        key: PathBuf,
        /// TA UUID, e.g. cb3e5ba0-adf1-11e0-998b-0002a5d5c51b.
        #[arg(long)]
        uuid: String,
        /// `ta_version` written into the bootstrap header (anti-rollback).
        #[arg(long, default_value_t = 0)]
        ta_version: u32,
        /// The TA ELF (stripped or not).
        #[arg(long = "in")]
        input: PathBuf,
        /// Output file, by convention `<uuid>.ta`.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Write the ELF inside a signed TA (no signature check).
    ExtractElf {
        /// Signed TA file.
        #[arg(long = "in")]
        input: PathBuf,
        /// Output ELF file.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Generate an RSA-2048 private key (PKCS#8 PEM, mode 0600).
    Keygen {
        /// Output file.
        #[arg(short, long)]
        out: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// The verifier's form of `key`'s public half.
fn public_key(key: &rsa::RsaPrivateKey) -> Result<oxtee_ta_verify::RsaPublicKey> {
    use rsa::traits::PublicKeyParts;
    oxtee_ta_verify::RsaPublicKey::from_components(&key.n().to_bytes_be(), &key.e().to_bytes_be())
        .map_err(|e| anyhow::anyhow!("unusable RSA key: {e:?}"))
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Sign {
            key,
            uuid,
            ta_version,
            input,
            out,
        } => {
            let pem = std::fs::read_to_string(&key)
                .with_context(|| format!("reading {}", key.display()))?;
            let key = oxtee_ta_sign::load_private_key(&pem)
                .with_context(|| format!("key {}", key.display()))?;
            let uuid = oxtee_ta_sign::parse_uuid(&uuid)?;
            let elf = read(&input)?;
            let signed = oxtee_ta_sign::sign_bootstrap(&key, uuid, ta_version, &elf)
                .with_context(|| format!("signing {}", input.display()))?;
            // Check the result with the verifier the secure OS runs.
            oxtee_ta_verify::verify_ta(&signed, uuid, &[public_key(&key)?], None)
                .map_err(|e| anyhow::anyhow!("self-check of the signed TA failed: {e}"))?;
            write(&out, &signed)
        }
        Command::ExtractElf { input, out } => {
            let signed = read(&input)?;
            let elf = oxtee_ta_sign::extract_elf(&signed)
                .with_context(|| format!("{}", input.display()))?;
            write(&out, elf)
        }
        Command::Keygen { out, force } => {
            let key = oxtee_ta_sign::generate_key()?;
            let pem = oxtee_ta_sign::key_to_pem(&key)?;
            let mut opts = OpenOptions::new();
            opts.write(true).mode(0o600);
            if force {
                opts.create(true).truncate(true);
            } else {
                opts.create_new(true);
            }
            let mut f = opts
                .open(&out)
                .with_context(|| format!("creating {} (--force overwrites)", out.display()))?;
            f.write_all(pem.as_bytes())
                .with_context(|| format!("writing {}", out.display()))
        }
    }
}
