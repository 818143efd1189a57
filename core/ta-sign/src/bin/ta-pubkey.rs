//! `ta-pubkey`: extract the public part of a TA signing key for embedding in the core.
//!
//! ```text
//! ta-pubkey --pem keys/default.pem -o out.rs [--format rust|der|raw] [--prefix TA_PUB_KEY]
//! ```
//! `rust`: constants `<PREFIX>_MODULUS` / `<PREFIX>_EXPONENT`; `der`: SubjectPublicKeyInfo DER;
//! `raw`: u32 LE modulus length, modulus, u32 LE exponent length, exponent.
//! The SHA-256 fingerprint of the SubjectPublicKeyInfo is printed on stderr.

use std::process::ExitCode;

use oxtee_ta_verify::build_support::{embedded_key, public_key_from_pem, EmbeddedKey};

const USAGE: &str =
    "usage: ta-pubkey --pem <key.pem> -o <out> [--format rust|der|raw] [--prefix NAME]";

struct Args {
    pem: String,
    out: String,
    format: String,
    prefix: String,
}

fn parse_args() -> Result<Args, String> {
    let mut pem = None;
    let mut out = None;
    let mut format = String::from("rust");
    let mut prefix = String::from("TA_PUB_KEY");
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--pem" => pem = Some(value()?),
            "-o" | "--out" => out = Some(value()?),
            "--format" => format = value()?,
            "--prefix" => prefix = value()?,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(Args {
        pem: pem.ok_or(USAGE)?,
        out: out.ok_or(USAGE)?,
        format,
        prefix,
    })
}

fn encode(key: &EmbeddedKey, format: &str, prefix: &str) -> Result<Vec<u8>, String> {
    match format {
        "rust" => Ok(key.to_rust(prefix).into_bytes()),
        "der" => Ok(key.spki_der.clone()),
        "raw" => {
            let mut v = Vec::new();
            for part in [&key.modulus, &key.exponent] {
                let len = u32::try_from(part.len()).map_err(|_| "key too large")?;
                v.extend_from_slice(&len.to_le_bytes());
                v.extend_from_slice(part);
            }
            Ok(v)
        }
        other => Err(format!("unknown format {other}")),
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let pem = std::fs::read_to_string(&args.pem).map_err(|e| format!("{}: {e}", args.pem))?;
    let key = public_key_from_pem(&pem).map_err(|e| format!("{}: {e}", args.pem))?;
    let embedded = embedded_key(&key).map_err(|e| e.to_string())?;
    let bytes = encode(&embedded, &args.format, &args.prefix)?;
    std::fs::write(&args.out, bytes).map_err(|e| format!("{}: {e}", args.out))?;
    eprintln!(
        "ta-pubkey: {} bits, SHA-256(SPKI) {}",
        embedded.modulus.len() * 8,
        embedded.fingerprint()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ta-pubkey: {e}");
            ExitCode::FAILURE
        }
    }
}
