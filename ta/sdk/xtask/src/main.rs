//! `cargo xtask build-ta <dir>`: builds the TA crate in `<dir>` for
//! `aarch64-unknown-none` as the position-independent ELF OP-TEE's loader and
//! oxtee's accept, checks its layout, and signs it into `<uuid>.ta`.

mod build;
mod check;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "oxtee TA SDK build steps")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build, check and sign the TA crate in DIR.
    BuildTa {
        /// Directory of the TA crate (its Cargo.toml).
        dir: PathBuf,
        /// RSA private key (PEM) to sign with; default: the public development key
        /// ta/keys/oxtee-ta-dev.pem, with a warning.
        #[arg(long, env = "OXTEE_TA_SIGN_KEY")]
        key: Option<PathBuf>,
        /// Directory for <uuid>.ta and <uuid>.elf (default: <target dir>/ta).
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// `ta_version` of the signed header (anti-rollback).
        #[arg(long, default_value_t = 0)]
        ta_version: u32,
        /// An argument for the TA's `cargo build` (repeatable), e.g. `--frozen`
        /// in a release tree or `-Zbuild-std=core,alloc`.
        #[arg(long = "cargo-arg", allow_hyphen_values = true)]
        cargo_args: Vec<String>,
    },
    /// Check an already linked TA ELF (what build-ta checks after linking).
    CheckTa {
        /// The ELF file.
        elf: PathBuf,
    },
}

fn main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::BuildTa {
            dir,
            key,
            out_dir,
            ta_version,
            cargo_args,
        } => build::build_ta(
            &dir,
            key.as_deref(),
            out_dir.as_deref(),
            ta_version,
            &cargo_args,
        ),
        Cmd::CheckTa { elf } => {
            let bytes = std::fs::read(&elf)?;
            let report = check::check_ta_elf(&bytes)?;
            println!("{}: {report}", elf.display());
            Ok(())
        }
    }
}
