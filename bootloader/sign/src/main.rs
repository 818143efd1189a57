#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod flash;
mod keys;
mod package;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use oxtee_boot::{verify, Policy};
use supplicant_proto::secure_package::{BL32_LOAD_END, BL32_LOAD_START, PUBLIC_KEY_LEN};

use package::{Placement, Tamper};

/// Keys, signed secure-OS packages and secure flash images for oxtee.
#[derive(Parser, Debug)]
#[command(name = "oxtee-sign", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate an Ed25519 private key (PKCS#8 PEM, as `openssl genpkey -algorithm ed25519`).
    Keygen {
        /// Output file.
        #[arg(short, long)]
        out: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Write the raw 32-byte public key that the firmware embeds.
    Pubkey {
        /// Private key (PKCS#8 PEM).
        #[arg(long, env = "SIGN_KEY")]
        key: PathBuf,
        /// Output file (raw 32 bytes).
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Wrap an OP-TEE pager image or a raw image into a signed package.
    Wrap {
        /// Private key (PKCS#8 PEM).
        #[arg(long, env = "SIGN_KEY")]
        key: PathBuf,
        /// Anti-rollback version.
        #[arg(long)]
        version: u32,
        /// OP-TEE `tee-header_v2.bin`.
        #[arg(long, requires = "pager", required_unless_present = "raw")]
        header: Option<PathBuf>,
        /// OP-TEE `tee-pager_v2.bin`.
        #[arg(long, requires = "header")]
        pager: Option<PathBuf>,
        /// OP-TEE `tee-pageable_v2.bin`; must be empty.
        #[arg(long, requires = "header")]
        pageable: Option<PathBuf>,
        /// A raw image without OP-TEE header.
        #[arg(long, conflicts_with = "header", requires = "load_addr")]
        raw: Option<PathBuf>,
        /// Load address of the raw image.
        #[arg(long, value_parser = parse_u64, requires = "raw")]
        load_addr: Option<u64>,
        /// Entry address of the raw image (default: the load address).
        #[arg(long, value_parser = parse_u64, requires = "raw")]
        entry: Option<u64>,
        /// Output package.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Build the 64 MiB secure flash image (pflash0).
    Flash {
        /// Boot firmware binary (at offset 0, at most 1 MiB).
        #[arg(long)]
        firmware: PathBuf,
        /// Package for slot A.
        #[arg(long)]
        package: PathBuf,
        /// Package for slot B.
        #[arg(long)]
        package_b: Option<PathBuf>,
        /// Pre-seed the anti-rollback counter with this minimum.
        #[arg(long)]
        counter_min: Option<u32>,
        /// Output image.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Write a deliberately broken copy of a package (negative tests).
    Tamper {
        /// Input package.
        #[arg(long = "in")]
        input: PathBuf,
        /// What to break.
        #[arg(long, value_enum)]
        what: Tamper,
        /// Output file.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Print a package header; with --pubkey, verify it as the firmware would.
    Inspect {
        /// Package file.
        package: PathBuf,
        /// Raw 32-byte public key to verify with (BL32 load window).
        #[arg(long)]
        pubkey: Option<PathBuf>,
        /// Minimum anti-rollback version for the verification.
        #[arg(long, default_value_t = 0)]
        min_version: u32,
    },
    /// Write an OP-TEE image header v2 (`tee-header_v2.bin`) describing a
    /// pager image with no pageable part, as OP-TEE's build does.
    TeeHeader {
        /// The pager image (`tee-pager_v2.bin`).
        #[arg(long)]
        pager: PathBuf,
        /// Load and entry address.
        #[arg(long, value_parser = parse_u64)]
        load_addr: u64,
        /// Output file.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Write OP-TEE's single-file image (`tee.bin`): header v1, then the
    /// pager image (no paged part).
    TeeBin {
        /// The pager image (`tee-pager_v2.bin`).
        #[arg(long)]
        pager: PathBuf,
        /// Load and entry address.
        #[arg(long, value_parser = parse_u64)]
        load_addr: u64,
        /// Memory the image uses from the load address (image, stacks, heap).
        #[arg(long, value_parser = parse_u64)]
        mem_usage: u64,
        /// Output file.
        #[arg(short, long)]
        out: PathBuf,
    },
}

/// Parses decimal or `0x` hexadecimal, with optional `_` separators.
fn parse_u64(s: &str) -> Result<u64, String> {
    let clean = s.replace('_', "");
    let parsed = match clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => clean.parse(),
    };
    parsed.map_err(|e| format!("{s:?} is not a number: {e}"))
}

fn write(path: &Path, data: &[u8]) -> Result<()> {
    std::fs::write(path, data).with_context(|| format!("writing {}", path.display()))
}

fn read_key(path: &Path) -> Result<ed25519_dalek::SigningKey> {
    let pem =
        std::fs::read_to_string(path).with_context(|| format!("reading key {}", path.display()))?;
    keys::from_pem(&pem).with_context(|| format!("key {}", path.display()))
}

fn keygen(out: &Path, force: bool) -> Result<()> {
    if out.exists() && !force {
        bail!("{} exists; pass --force to overwrite", out.display());
    }
    let pem = keys::to_pem(&keys::generate()?)?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts
        .open(out)
        .with_context(|| format!("creating {}", out.display()))?;
    std::io::Write::write_all(&mut file, pem.as_bytes())
        .with_context(|| format!("writing {}", out.display()))
}

fn inspect(path: &Path, pubkey: Option<&Path>, min_version: u32) -> Result<ExitCode> {
    let pkg = package::read(path)?;
    print!("{}", package::describe(&pkg)?);
    let Some(pubkey) = pubkey else {
        return Ok(ExitCode::SUCCESS);
    };
    let raw = package::read(pubkey)?;
    let key: [u8; PUBLIC_KEY_LEN] = raw.as_slice().try_into().with_context(|| {
        format!(
            "{}: expected {PUBLIC_KEY_LEN} raw bytes, got {}",
            pubkey.display(),
            raw.len()
        )
    })?;
    match verify(&pkg, &Policy::bl32(key, min_version)) {
        Ok(v) => {
            println!(
                "verifies         yes (version {}, entry {:#x})",
                v.version(),
                v.entry()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(refusal) => {
            println!("verifies         no: {refusal}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Keygen { out, force } => keygen(&out, force)?,
        Command::Pubkey { key, out } => {
            let public = keys::public_raw(&read_key(&key)?);
            write(&out, &public)?;
            println!("key id {}", keys::hex(&keys::key_id(&public)));
        }
        Command::Wrap {
            key,
            version,
            header,
            pager,
            pageable,
            raw,
            load_addr,
            entry,
            out,
        } => {
            let key = read_key(&key)?;
            let (place, payload) = match (header, pager, raw, load_addr) {
                (Some(header), Some(pager), None, _) => {
                    let payload = package::read(&pager)?;
                    let pageable = pageable.map(|p| package::read(&p)).transpose()?;
                    let place = package::optee_placement(
                        &package::read(&header)?,
                        &payload,
                        pageable.as_deref(),
                    )?;
                    (place, payload)
                }
                (None, None, Some(raw), Some(load_addr)) => {
                    let place = Placement {
                        load_addr,
                        entry: entry.unwrap_or(load_addr),
                    };
                    (place, package::read(&raw)?)
                }
                _ => bail!("give either --header and --pager, or --raw and --load-addr"),
            };
            if !package::in_bl32_window(place, payload.len()) {
                eprintln!(
                    "warning: load range {:#x}+{:#x} is outside the QEMU BL32 window \
                     {BL32_LOAD_START:#x}..{BL32_LOAD_END:#x}; the firmware will refuse it",
                    place.load_addr,
                    payload.len()
                );
            }
            let pkg = package::wrap(&key, version, place, &payload)?;
            write(&out, &pkg)?;
        }
        Command::Flash {
            firmware,
            package: slot_a,
            package_b,
            counter_min,
            out,
        } => {
            let firmware = package::read(&firmware)?;
            let slot_a = package::read(&slot_a)?;
            let slot_b = package_b.map(|p| package::read(&p)).transpose()?;
            let image = flash::build(&flash::FlashContents {
                firmware: &firmware,
                slot_a: &slot_a,
                slot_b: slot_b.as_deref(),
                counter_min,
            })?;
            write(&out, &image)?;
        }
        Command::Tamper { input, what, out } => {
            write(&out, &package::tamper(&package::read(&input)?, what)?)?;
        }
        Command::TeeHeader {
            pager,
            load_addr,
            out,
        } => {
            let size = std::fs::metadata(&pager)
                .with_context(|| format!("reading {}", pager.display()))?
                .len();
            let header = tee_header_v2(load_addr, size)?;
            std::fs::write(&out, header).with_context(|| format!("writing {}", out.display()))?;
        }
        Command::TeeBin {
            pager,
            load_addr,
            mem_usage,
            out,
        } => {
            let image =
                std::fs::read(&pager).with_context(|| format!("reading {}", pager.display()))?;
            let mut file = tee_header_v1(load_addr, image.len() as u64, mem_usage)?;
            file.extend_from_slice(&image);
            std::fs::write(&out, file).with_context(|| format!("writing {}", out.display()))?;
        }
        Command::Inspect {
            package,
            pubkey,
            min_version,
        } => {
            return inspect(&package, pubkey.as_deref(), min_version);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("oxtee-sign: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64("0x0e10_0000"), Ok(0x0e10_0000));
        assert_eq!(parse_u64("4096"), Ok(4096));
        assert!(parse_u64("0xg").is_err());
        assert!(parse_u64("").is_err());
    }

    #[test]
    fn wrap_argument_groups() {
        let ok = [
            "oxtee-sign",
            "wrap",
            "--key",
            "k",
            "--version",
            "1",
            "-o",
            "p",
        ];
        let raw = [&ok[..], &["--raw", "r", "--load-addr", "0x1000"]].concat();
        assert!(Cli::try_parse_from(&raw).is_ok());
        let optee = [&ok[..], &["--header", "h", "--pager", "p"]].concat();
        assert!(Cli::try_parse_from(&optee).is_ok());
        // Neither, both, or a raw image without a load address.
        assert!(Cli::try_parse_from(ok).is_err());
        let both = [&optee[..], &["--raw", "r", "--load-addr", "1"]].concat();
        assert!(Cli::try_parse_from(&both).is_err());
        let no_addr = [&ok[..], &["--raw", "r"]].concat();
        assert!(Cli::try_parse_from(&no_addr).is_err());
        let header_only = [&ok[..], &["--header", "h"]].concat();
        assert!(Cli::try_parse_from(&header_only).is_err());
    }
}

/// The 28-byte header v2 for one AArch64 pager image at `load_addr`.
fn tee_header_v2(load_addr: u64, size: u64) -> anyhow::Result<Vec<u8>> {
    use supplicant_proto::tee_header::*;
    use zerocopy::IntoBytes;
    let size = u32::try_from(size).context("pager image larger than 4 GiB")?;
    let hdr = OpteeHeader {
        magic: OPTEE_MAGIC,
        version: OPTEE_IMAGE_HEADER_VERSION,
        arch: OPTEE_ARCH_ARM64,
        flags: 0,
        nb_images: 1,
    };
    let img = OpteeImage {
        load_addr_hi: (load_addr >> 32) as u32,
        load_addr_lo: load_addr as u32,
        image_id: OPTEE_PAGER_IMAGE_ID,
        size,
    };
    let mut out = hdr.as_bytes().to_vec();
    out.extend_from_slice(img.as_bytes());
    Ok(out)
}

/// The 28-byte header v1 that starts `tee.bin`, for one AArch64 pager image
/// of `size` bytes at `load_addr` using `mem_usage` bytes from there.
fn tee_header_v1(load_addr: u64, size: u64, mem_usage: u64) -> anyhow::Result<Vec<u8>> {
    use supplicant_proto::tee_header::*;
    use zerocopy::IntoBytes;
    let init_size = u32::try_from(size).context("pager image larger than 4 GiB")?;
    let init_mem_usage = u32::try_from(mem_usage).context("memory usage above 4 GiB")?;
    if u64::from(init_mem_usage) < size {
        bail!("memory usage {mem_usage:#x} is less than the image ({size:#x} bytes)");
    }
    let hdr = OpteeHeaderV1 {
        magic: OPTEE_MAGIC,
        version: OPTEE_IMAGE_HEADER_V1_VERSION,
        arch: OPTEE_ARCH_ARM64,
        flags: 0,
        init_size,
        init_load_addr_hi: (load_addr >> 32) as u32,
        init_load_addr_lo: load_addr as u32,
        init_mem_usage,
        paged_size: 0,
    };
    Ok(hdr.as_bytes().to_vec())
}

#[cfg(test)]
mod tee_header_tests {
    use super::*;

    #[test]
    fn matches_the_layout_opteed_reads() {
        let h = tee_header_v2(0x0e10_0000, 525_224).unwrap();
        let p = supplicant_proto::tee_header::parse_header_v2(&h).unwrap();
        assert_eq!(h.len(), 28);
        assert_eq!(p.load_addr, 0x0e10_0000);
        assert_eq!(p.size, 525_224);
        assert_eq!(p.paged_size, 0);
    }

    /// Byte for byte what OP-TEE's `gen_tee_bin.py` writes for a build
    /// without pager: magic "OPTE", version 1, arch 1, flags 0, init_size,
    /// load address high/low, init_mem_usage, paged_size 0 (all LE).
    #[test]
    fn v1_header_layout() {
        let h = tee_header_v1(0x0e10_0000, 0x8_03a8, 0x20_0000).unwrap();
        let expect: [u8; 28] = [
            0x4f, 0x50, 0x54, 0x45, 0x01, 0x01, 0x00, 0x00, 0xa8, 0x03, 0x08, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(h, expect);
    }

    #[test]
    fn v1_header_refuses_usage_below_image() {
        assert!(tee_header_v1(0x0e10_0000, 0x2000, 0x1000).is_err());
        assert!(tee_header_v1(0x0e10_0000, 0x2000, 1 << 32).is_err());
    }
}
