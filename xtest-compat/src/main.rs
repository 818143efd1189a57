//! Command-line entry of `xtest-compat` (see the library docs).
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtest_compat::commands;

#[derive(Parser)]
#[command(
    version,
    about = "Builds the Debian normal world, runs QEMU and scores xtest"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Download and extract the Debian trixie arm64 packages; write <out>/debian/.
    Fetch {
        /// Cache directory (default: $OXTEE_CACHE or ~/.cache/oxtee).
        #[arg(long)]
        cache: Option<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Build <out>/initramfs.cpio.gz from the fetched packages.
    Initramfs {
        /// Cache directory (default: $OXTEE_CACHE or ~/.cache/oxtee).
        #[arg(long)]
        cache: Option<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Build TF-A (once, from Debian's source package) and the flash images
    /// that boot a TEE behind TF-A + U-Boot: <out>/tf-a/<tee>/flash.img and
    /// <out>/tf-a/uboot-env.img.
    #[command(name = "tf-a")]
    TfA {
        /// Cache directory (default: $OXTEE_CACHE or ~/.cache/oxtee).
        #[arg(long)]
        cache: Option<PathBuf>,
        /// Output directory (holds debian/u-boot.bin).
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Name of the TEE (names the output directory).
        #[arg(long)]
        tee: String,
        /// Directory with the TEE's tee-header_v2.bin, tee-pager_v2.bin and
        /// tee-pageable_v2.bin.
        #[arg(long)]
        bl32_dir: PathBuf,
    },
    /// Boot the normal world under QEMU and run one command in it.
    Run {
        /// 64 MiB flash image holding the EL3 firmware.
        #[arg(long)]
        flash: PathBuf,
        /// Command to run in the guest (busybox sh).
        #[arg(long)]
        cmd: Option<String>,
        /// Whole-run time bound in seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
        /// Directory for normal.log and secure.log (default: <out>/run).
        #[arg(long)]
        log_dir: Option<PathBuf>,
        /// Development mode: boot Linux directly, without secure firmware.
        #[arg(long)]
        no_firmware: bool,
        /// Attach the terminal to the guest console (shell).
        #[arg(long)]
        interactive: bool,
        /// Output directory holding debian/Image and initramfs.cpio.gz.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Kernel command line.
        #[arg(long, default_value = xtest_compat::qemu::DEFAULT_APPEND)]
        append: String,
        /// Copy a host file into the run's initrd (repeatable), e.g.
        /// `build/client:/usr/bin/client`.
        #[arg(long = "extra-file", value_name = "HOST_PATH:GUEST_PATH",
              value_parser = commands::parse_extra_file)]
        extra_files: Vec<(PathBuf, String)>,
        /// Power cut: SIGKILL QEMU once a normal-console line contains this
        /// text (exit 0 when that happened, 1 when the run ended first).
        #[arg(long)]
        kill_on: Option<String>,
        /// Milliseconds between the --kill-on line and the kill.
        #[arg(long, default_value_t = 0)]
        kill_delay_ms: u64,
        #[command(flatten)]
        machine: commands::Machine,
    },
    /// Run xtest (default: regression + pkcs11, one time-bounded case at a time).
    Xtest {
        /// 64 MiB flash image holding the EL3 firmware.
        #[arg(long)]
        flash: PathBuf,
        /// Name of the TEE under test (names the results directory).
        #[arg(long)]
        tee: String,
        /// Case ids to run, or raw xtest arguments (e.g. "-t regression").
        #[arg(long, allow_hyphen_values = true)]
        xtest_args: Option<String>,
        /// Per-case time bound in seconds.
        #[arg(long, default_value_t = 300)]
        case_timeout: u64,
        /// Whole-run time bound per boot, in seconds.
        #[arg(long, default_value_t = 7200)]
        timeout: u64,
        /// Output directory.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Development mode: boot Linux directly, without secure firmware.
        #[arg(long)]
        no_firmware: bool,
        /// Echo the guest console.
        #[arg(long)]
        verbose: bool,
        #[command(flatten)]
        machine: commands::Machine,
    },
    /// Print cases passing in the baseline but not in the results; exit 1 if any.
    Compare {
        /// Baseline results.tsv.
        #[arg(long)]
        baseline: PathBuf,
        /// New results.tsv.
        #[arg(long)]
        results: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Cmd::Fetch { cache, out } => commands::fetch(cache, &out),
        Cmd::Initramfs { cache, out } => commands::initramfs(cache, &out),
        Cmd::TfA {
            cache,
            out,
            tee,
            bl32_dir,
        } => commands::tf_a(cache, &out, &tee, &bl32_dir),
        Cmd::Run {
            flash,
            cmd,
            timeout,
            log_dir,
            no_firmware,
            interactive,
            out,
            append,
            extra_files,
            kill_on,
            kill_delay_ms,
            machine,
        } => commands::run(&commands::RunArgs {
            flash,
            cmd,
            timeout,
            log_dir,
            no_firmware,
            interactive,
            out,
            append,
            extra_files,
            kill_on,
            kill_delay_ms,
            machine,
        }),
        Cmd::Xtest {
            flash,
            tee,
            xtest_args,
            case_timeout,
            timeout,
            out,
            no_firmware,
            verbose,
            machine,
        } => commands::xtest(&commands::XtestArgs {
            flash,
            tee,
            xtest_args,
            case_timeout,
            timeout,
            out,
            no_firmware,
            verbose,
            machine,
        }),
        Cmd::Compare { baseline, results } => commands::compare(&baseline, &results),
    };
    match res {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("xtest-compat: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
