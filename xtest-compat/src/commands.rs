//! The subcommands, as called by `main`. Each returns the process exit code.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{ensure, Context, Result};

use crate::initramfs::{per_run_initrd, write_atomic};
use crate::qemu::{self, Control, Firmware, QemuConfig};
use crate::xtest::{self, CaseResult, Status, XtestParser};

/// QEMU binary.
pub const QEMU: &str = "qemu-system-aarch64";
/// The default case list (xtest has no option to list its cases).
pub const DEFAULT_CASES: &str = include_str!("../data/default-cases.txt");
/// The guest driver of per-case runs.
pub const CASE_DRIVER: &str = include_str!("../initramfs/xtest-cases.sh");
/// Boots tried by `xtest` before giving up on the remaining cases.
const MAX_BOOTS: usize = 5;
/// Extra host-side grace over the guest's per-case bound.
const WATCHDOG_GRACE: f64 = 60.0;

/// `fetch`.
pub fn fetch(cache: Option<PathBuf>, out: &Path) -> Result<u8> {
    let cache = cache.unwrap_or_else(crate::fetch::default_cache);
    let m = crate::fetch::fetch(&cache, out)?;
    println!(
        "fetched {} ({} packages) into {}",
        m.get("kernel-package")?,
        m.entries.keys().filter(|k| k.starts_with("pkg:")).count(),
        out.join("debian").display()
    );
    Ok(0)
}

/// `initramfs`. The cache is where `fetch` extracted the packages; the
/// manifest in `<out>/debian` records those paths.
pub fn initramfs(_cache: Option<PathBuf>, out: &Path) -> Result<u8> {
    let (entries, size) = crate::initramfs::build(out)?;
    println!(
        "wrote {} ({entries} entries, {size} bytes)",
        out.join("initramfs.cpio.gz").display()
    );
    Ok(0)
}

/// Arguments of `run`.
#[derive(Debug, Clone)]
pub struct RunArgs {
    /// Flash image.
    pub flash: PathBuf,
    /// Guest command.
    pub cmd: Option<String>,
    /// Time bound (s).
    pub timeout: u64,
    /// Log directory.
    pub log_dir: Option<PathBuf>,
    /// Boot without secure firmware.
    pub no_firmware: bool,
    /// Terminal attached.
    pub interactive: bool,
    /// Output directory.
    pub out: PathBuf,
    /// Kernel command line.
    pub append: String,
    /// Host files copied into the run's initrd: (host path, guest path).
    pub extra_files: Vec<(PathBuf, String)>,
    /// Kill QEMU (SIGKILL: a power cut) once a normal-console line
    /// contains this text, `kill_delay_ms` later.
    pub kill_on: Option<String>,
    /// Delay between the `kill_on` line and the kill.
    pub kill_delay_ms: u64,
    /// CPU and firmware.
    pub machine: Machine,
}

/// The observer of a `run` with `--kill-on`: asks for the kill `delay` s
/// after the first line containing `text`.
pub fn power_cut(text: String, delay: f64) -> impl FnMut(f64, Option<&str>) -> Control {
    let mut seen_at: Option<f64> = None;
    move |t, line| {
        if seen_at.is_none() && line.is_some_and(|l| l.contains(text.as_str())) {
            seen_at = Some(t);
        }
        match seen_at {
            Some(t0) if t - t0 >= delay => Control::Kill(format!(
                "power cut {:.0} ms after a line with {text:?}",
                delay * 1000.0
            )),
            _ => Control::Continue,
        }
    }
}

/// `tf-a`: TF-A built from Debian's source package (once, in the cache),
/// the FIP with the TEE in `bl32_dir` and U-Boot from `<out>/debian/`, and
/// the flash images under `<out>/tf-a/`.
pub fn tf_a(cache: Option<PathBuf>, out: &Path, tee: &str, bl32_dir: &Path) -> Result<u8> {
    let cache = cache.unwrap_or_else(crate::fetch::default_cache);
    let bl33 = out.join("debian").join("u-boot.bin");
    let images = crate::tfa::build(&cache, out, tee, bl32_dir, &bl33)?;
    println!(
        "wrote {} and {}",
        images.flash.display(),
        images.env.display()
    );
    Ok(0)
}

/// Parses `HOST_PATH:GUEST_PATH` (the guest path absolute, without `..`)
/// into the host path and the guest path relative to `/`.
pub fn parse_extra_file(spec: &str) -> Result<(PathBuf, String)> {
    let (host, guest) = spec
        .rsplit_once(':')
        .with_context(|| format!("--extra-file {spec}: expected HOST_PATH:GUEST_PATH"))?;
    let rel = guest.strip_prefix('/').unwrap_or_default();
    ensure!(
        !host.is_empty()
            && guest.starts_with('/')
            && !rel.is_empty()
            && !rel.ends_with('/')
            && rel
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != ".."),
        "--extra-file {spec}: need a host path and an absolute guest file path without . or .."
    );
    // The image has a merged /usr: /bin, /sbin and /lib are symlinks. An
    // appended archive entry for such a directory would replace the link
    // (and hide everything behind it), so the file goes to its real place.
    let rel = match rel.split_once('/') {
        Some((top @ ("bin" | "sbin" | "lib"), rest)) => format!("usr/{top}/{rest}"),
        _ => rel.to_string(),
    };
    Ok((PathBuf::from(host), rel))
}

/// Reads the extra files: (guest path, mode, contents); the mode is 0755
/// when the host file is executable by its owner, else 0644.
fn read_extra_files(files: &[(PathBuf, String)]) -> Result<Vec<(String, u32, Vec<u8>)>> {
    use std::os::unix::fs::PermissionsExt;
    files
        .iter()
        .map(|(host, guest)| {
            let meta = std::fs::metadata(host)
                .with_context(|| format!("extra file {}", host.display()))?;
            ensure!(
                meta.is_file(),
                "extra file {} is not a file",
                host.display()
            );
            let mode = if meta.permissions().mode() & 0o100 != 0 {
                0o755
            } else {
                0o644
            };
            let data = std::fs::read(host)
                .with_context(|| format!("reading extra file {}", host.display()))?;
            Ok((guest.clone(), mode, data))
        })
        .collect()
}

/// The machine a boot runs on: QEMU's CPU, which EL3 firmware, and the
/// non-secure flash image that firmware needs.
#[derive(Debug, Clone, clap::Args)]
pub struct Machine {
    /// QEMU `-cpu` model and options (e.g. cortex-a57: no RNDR, SVE, PAuth).
    #[arg(long, default_value = crate::qemu::DEFAULT_CPU)]
    pub cpu: String,
    /// The EL3 firmware in the flash image.
    #[arg(long, value_enum, default_value_t = Firmware::Oxtee)]
    pub firmware: Firmware,
    /// Non-secure flash image (pflash1): U-Boot's environment, needed with
    /// --firmware tf-a.
    #[arg(long)]
    pub flash1: Option<PathBuf>,
    /// Host directory kept across boots as tee-supplicant's storage root
    /// (the guest's /var/lib/optee-client, over virtio-9p); created if
    /// missing. Without it the REE FS lives in a tmpfs.
    #[arg(long)]
    pub storage: Option<PathBuf>,
    /// The secure state that belongs to the REE FS (OFFSET:SIZE of the
    /// secure flash image; default: the core's rollback anchor). With
    /// --storage it is kept with the storage directory, in
    /// `<DIR>.secure-nv` (not inside DIR: the normal world sees DIR),
    /// written into the flash image before each boot and saved after, so a
    /// rebuilt image keeps it. Without --storage, or for a directory with no
    /// saved state yet, it is erased before each boot: a fresh REE FS is a
    /// fresh device.
    #[arg(long, value_parser = parse_region)]
    pub nv_region: Option<(u64, u64)>,
}

/// Parses `OFFSET:SIZE` (decimal or 0x-hex), SIZE > 0.
pub fn parse_region(spec: &str) -> Result<(u64, u64)> {
    let num = |t: &str| -> Result<u64> {
        let t = t.trim();
        let v = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(h) => u64::from_str_radix(h, 16),
            None => t.parse(),
        };
        v.with_context(|| format!("bad number {t:?} in region {spec:?}"))
    };
    let (off, size) = spec
        .split_once(':')
        .with_context(|| format!("region {spec:?}: expected OFFSET:SIZE"))?;
    let (off, size) = (num(off)?, num(size)?);
    ensure!(
        size > 0 && off.checked_add(size).is_some(),
        "region {spec:?}: empty or out of range"
    );
    Ok((off, size))
}

/// The `--nv-region`, by default the core's rollback anchor in flash0.
fn nv_region(machine: &Machine) -> (u64, u64) {
    machine.nv_region.unwrap_or_else(|| {
        let r = oxtee_qemu_virt::secure_os::ROLLBACK_ANCHOR_FLASH;
        (r.base as u64, r.size as u64)
    })
}

/// Where the `--nv-region` bytes of a storage directory are kept.
fn nv_path(storage: &Path) -> PathBuf {
    let mut name = storage.as_os_str().to_os_string();
    name.push(".secure-nv");
    PathBuf::from(name)
}

/// Before a boot: writes the saved `--nv-region` bytes (if any) into the
/// flash image.
fn nv_restore(flash: &Path, machine: &Machine) -> Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let (off, size) = nv_region(machine);
    let len = usize::try_from(size).context("region too large")?;
    // Erased NOR flash reads 0xff: no anchor record.
    let mut data = vec![0xffu8; len];
    if let Some(dir) = machine.storage.as_deref() {
        let saved = nv_path(&storage_dir(dir)?);
        if let Ok(d) = std::fs::read(&saved) {
            ensure!(
                d.len() as u64 == size,
                "{} holds {} bytes, the region is {size}",
                saved.display(),
                d.len()
            );
            data = d;
        }
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(flash)
        .with_context(|| format!("opening {}", flash.display()))?;
    ensure!(
        f.metadata()?.len() >= off + size,
        "region {off:#x}:{size:#x} is beyond {}",
        flash.display()
    );
    f.seek(SeekFrom::Start(off))?;
    f.write_all(&data)?;
    f.sync_all()?;
    Ok(())
}

/// After a boot: saves the `--nv-region` bytes of the flash image.
fn nv_save(flash: &Path, machine: &Machine) -> Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let Some(dir) = machine.storage.as_deref() else {
        return Ok(());
    };
    let (off, size) = nv_region(machine);
    let mut f =
        std::fs::File::open(flash).with_context(|| format!("opening {}", flash.display()))?;
    let len = usize::try_from(size).context("region too large")?;
    let mut data = vec![0u8; len];
    f.seek(SeekFrom::Start(off))?;
    f.read_exact(&mut data)
        .with_context(|| format!("reading {off:#x}:{size:#x} of {}", flash.display()))?;
    write_atomic(&nv_path(&storage_dir(dir)?), &data)
}

/// Creates the storage directory if needed and returns its absolute path.
fn storage_dir(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating storage directory {}", dir.display()))?;
    let abs = dir
        .canonicalize()
        .with_context(|| format!("storage directory {}", dir.display()))?;
    ensure!(
        abs.is_dir(),
        "storage path {} is not a directory",
        abs.display()
    );
    Ok(abs)
}

fn flash_64m(path: &Path) -> Result<PathBuf> {
    let len = std::fs::metadata(path)
        .with_context(|| format!("flash image {}", path.display()))?
        .len();
    ensure!(
        len == 64 << 20,
        "flash image {} is {len} bytes, not 64 MiB",
        path.display()
    );
    Ok(path.to_path_buf())
}

fn config(
    out: &Path,
    flash: &Path,
    no_firmware: bool,
    log_dir: &Path,
    initrd: &Path,
    machine: &Machine,
) -> Result<QemuConfig> {
    let cpu = &machine.cpu;
    ensure!(
        !cpu.is_empty() && !cpu.contains(char::is_whitespace),
        "bad -cpu value {cpu:?}"
    );
    let kernel = out.join("debian").join("Image");
    ensure!(
        kernel.exists(),
        "{} missing (run `xtest-compat fetch`)",
        kernel.display()
    );
    let flash = if no_firmware {
        None
    } else {
        Some(flash_64m(flash)?)
    };
    ensure!(
        no_firmware || machine.firmware != Firmware::TfA || machine.flash1.is_some(),
        "booting behind TF-A needs U-Boot's environment image (--flash1)"
    );
    let flash1 = match &machine.flash1 {
        Some(p) if !no_firmware => Some(flash_64m(p)?),
        _ => None,
    };
    let storage = machine.storage.as_deref().map(storage_dir).transpose()?;
    Ok(QemuConfig {
        qemu: QEMU.into(),
        kernel,
        initrd: initrd.to_path_buf(),
        flash,
        append: qemu::DEFAULT_APPEND.into(),
        cpu: cpu.into(),
        log_dir: log_dir.to_path_buf(),
        timeout: None,
        interactive: false,
        echo: false,
        firmware: machine.firmware,
        flash1,
        storage,
    })
}

/// Writes the run's initrd (base + files) into `log_dir`.
fn make_initrd(out: &Path, log_dir: &Path, files: &[(&str, u32, &[u8])]) -> Result<PathBuf> {
    let base_path = out.join("initramfs.cpio.gz");
    let base = std::fs::read(&base_path).with_context(|| {
        format!(
            "reading {} (run `xtest-compat initramfs`)",
            base_path.display()
        )
    })?;
    let path = log_dir.join("initrd.cpio.gz");
    write_atomic(&path, &per_run_initrd(&base, files)?)?;
    Ok(path)
}

fn print_boot_times(o: &qemu::Outcome) {
    if let Some(t) = o.entry_done_at {
        println!("secure: ENTRY_DONE after {t:.2} s");
    }
    match o.init_at {
        Some(t) => println!("boot: /init after {t:.2} s"),
        None => println!("boot: /init never started"),
    }
    if let Some(t) = o.ready_at {
        println!("boot: tee-supplicant ready after {t:.2} s");
    }
}

/// `run`.
pub fn run(a: &RunArgs) -> Result<u8> {
    ensure!(
        !a.append.contains('"'),
        "the kernel command line must not contain '\"'"
    );
    ensure!(
        a.interactive || a.cmd.is_some(),
        "give --cmd CMD or --interactive"
    );
    let log_dir = a.log_dir.clone().unwrap_or_else(|| a.out.join("run"));
    std::fs::create_dir_all(&log_dir)?;
    let cmd_bytes = a.cmd.clone().unwrap_or_default().into_bytes();
    let extra = read_extra_files(&a.extra_files)?;
    let mut files: Vec<(&str, u32, &[u8])> = extra
        .iter()
        .map(|(p, m, d)| (p.as_str(), *m, d.as_slice()))
        .collect();
    if !a.interactive {
        files.push(("etc/oxtee/cmd", 0o644, &cmd_bytes));
    }
    let initrd = make_initrd(&a.out, &log_dir, &files)?;
    if !a.no_firmware {
        nv_restore(&a.flash, &a.machine)?;
    }
    let mut cfg = config(
        &a.out,
        &a.flash,
        a.no_firmware,
        &log_dir,
        &initrd,
        &a.machine,
    )?;
    cfg.append = a.append.clone();
    cfg.interactive = a.interactive;
    cfg.echo = true;
    cfg.timeout = (!a.interactive && a.timeout > 0).then(|| Duration::from_secs(a.timeout));
    let o = match &a.kill_on {
        Some(text) => qemu::run(
            &cfg,
            power_cut(text.clone(), a.kill_delay_ms as f64 / 1000.0),
        )?,
        None => qemu::run(&cfg, |_, _| Control::Continue)?,
    };
    if !a.no_firmware {
        nv_save(&a.flash, &a.machine)?;
    }
    println!();
    print_boot_times(&o);
    if let Some(text) = &a.kill_on {
        // The cut is the expected end; anything else is a failure.
        if let Some(reason) = &o.killed {
            println!("xtest-compat: QEMU killed: {reason}");
            return Ok(0);
        }
        println!("xtest-compat: no line with {text:?} before the run ended; QEMU not killed");
        return Ok(1);
    }
    if o.timed_out {
        println!("xtest-compat: timeout after {} s", a.timeout);
        return Ok(124);
    }
    if let Some(n) = o.exit_status {
        println!("guest command exited with status {n}");
        return Ok(u8::try_from(n.clamp(0, 255)).unwrap_or(255));
    }
    if a.interactive {
        return Ok(u8::try_from(o.qemu_code.unwrap_or(1).clamp(0, 255)).unwrap_or(1));
    }
    let code = match o.qemu_code {
        Some(0) => 1,
        Some(c) => u8::try_from(c.clamp(1, 255)).unwrap_or(1),
        None => 1,
    };
    println!(
        "xtest-compat: QEMU exited ({}) without an exit-status marker",
        o.qemu_code
            .map_or("killed".to_string(), |c| format!("status {c}"))
    );
    Ok(code)
}

/// Arguments of `xtest`.
#[derive(Debug, Clone)]
pub struct XtestArgs {
    /// Flash image.
    pub flash: PathBuf,
    /// TEE name (results directory).
    pub tee: String,
    /// Case ids or raw xtest arguments.
    pub xtest_args: Option<String>,
    /// Per-case bound (s).
    pub case_timeout: u64,
    /// Per-boot bound (s).
    pub timeout: u64,
    /// Output directory.
    pub out: PathBuf,
    /// Boot without secure firmware.
    pub no_firmware: bool,
    /// Echo the console.
    pub verbose: bool,
    /// CPU and firmware.
    pub machine: Machine,
}

/// Parses the case list data file (one id per line, `#` comments).
pub fn parse_case_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Quotes a word for the guest's POSIX shell.
pub fn shell_quote(w: &str) -> String {
    format!("'{}'", w.replace('\'', "'\\''"))
}

/// The guest script running `cases` one by one, each bounded by `timeout` s.
pub fn case_driver(cases: &[String], timeout: u64) -> String {
    let list: Vec<String> = cases.iter().map(|c| shell_quote(c)).collect();
    CASE_DRIVER
        .replace("@CASE_TIMEOUT@", &timeout.to_string())
        .replace("@CASES@", &list.join(" "))
}

/// `xtest`.
pub fn xtest(a: &XtestArgs) -> Result<u8> {
    let dir = a.out.join("xtest").join(&a.tee);
    std::fs::create_dir_all(&dir)?;
    let words: Vec<String> = a
        .xtest_args
        .as_deref()
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let per_case = words.iter().all(|w| xtest::is_case_id(w));
    let cases = if words.is_empty() {
        parse_case_list(DEFAULT_CASES)
    } else {
        words.clone()
    };
    let case_timeout = a.case_timeout as f64;
    let mut parser = XtestParser::new(case_timeout);
    let mut full_log = String::new();
    let mut guest_status = None;
    let mut boots = 0usize;
    loop {
        let remaining: Vec<String> = cases
            .iter()
            .filter(|c| !parser.results().iter().any(|r| &r.id == *c))
            .cloned()
            .collect();
        if per_case && remaining.is_empty() {
            break;
        }
        if boots == MAX_BOOTS {
            println!("xtest-compat: giving up after {boots} boots");
            break;
        }
        boots += 1;
        let script = if per_case {
            case_driver(&remaining, a.case_timeout)
        } else {
            let args: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
            format!("timeout -s KILL {} xtest {}\n", a.timeout, args.join(" "))
        };
        let boot_dir = dir.join(format!("boot{boots}"));
        std::fs::create_dir_all(&boot_dir)?;
        let initrd = make_initrd(
            &a.out,
            &boot_dir,
            &[("etc/oxtee/cmd", 0o644, script.as_bytes())],
        )?;
        let mut cfg = config(
            &a.out,
            &a.flash,
            a.no_firmware,
            &boot_dir,
            &initrd,
            &a.machine,
        )?;
        cfg.echo = a.verbose;
        cfg.timeout = Some(Duration::from_secs(a.timeout));
        let done_before = parser.results().len();
        if !a.no_firmware {
            nv_restore(&a.flash, &a.machine)?;
        }
        let mut printed = done_before;
        let o = qemu::run(&cfg, |t, line| {
            if let Some(line) = line {
                parser.line(t, line);
            }
            for r in &parser.results()[printed..] {
                if !a.verbose {
                    println!("{:<28} {:<8} {:>8.2} s", r.id, r.status.as_str(), r.seconds);
                }
            }
            printed = parser.results().len();
            match parser.in_progress() {
                Some((id, since)) if t - since > case_timeout + WATCHDOG_GRACE => {
                    Control::Kill(format!("case {id} exceeded {} s", a.case_timeout))
                }
                _ => Control::Continue,
            }
        })?;
        let _ = std::fs::remove_file(&initrd);
        if !a.no_firmware {
            nv_save(&a.flash, &a.machine)?;
        }
        if let Ok(text) = std::fs::read_to_string(boot_dir.join("normal.log")) {
            full_log.push_str(&format!("===== boot {boots} =====\n{text}\n"));
        }
        print_boot_times(&o);
        guest_status = o.exit_status;
        if let Some(reason) = &o.killed {
            println!("xtest-compat: watchdog: {reason}; QEMU killed");
            parser.abort(Status::Timeout, o.end_at);
        } else if o.timed_out {
            println!("xtest-compat: timeout after {} s", a.timeout);
            parser.abort(Status::Timeout, o.end_at);
        } else if o.exit_status.is_none() {
            println!("xtest-compat: QEMU ended without an exit-status marker");
            parser.abort(Status::Failed, o.end_at);
        }
        if !per_case || parser.results().len() == done_before {
            break;
        }
    }

    let mut results: Vec<CaseResult> = parser.results().to_vec();
    if per_case {
        for c in &cases {
            if !results.iter().any(|r| &r.id == c) {
                results.push(CaseResult {
                    id: c.clone(),
                    status: Status::NotRun,
                    seconds: 0.0,
                    subtests: None,
                });
            }
        }
        // Report in the order of the case list.
        results.sort_by_key(|r| cases.iter().position(|c| *c == r.id).unwrap_or(usize::MAX));
    }
    std::fs::write(dir.join("results.tsv"), xtest::to_tsv(&results))?;
    std::fs::write(dir.join("xtest.log"), full_log)?;
    println!();
    print!("{}", xtest::table(&results));
    println!(
        "subtests: {} of which {} failed",
        parser.subtests, parser.subtests_failed
    );
    println!("results: {}", dir.join("results.tsv").display());
    let empty = xtest::passed_without_subtests(&results);
    if !empty.is_empty() {
        println!(
            "note: {} passed case(s) ran no subtest: {}",
            empty.len(),
            empty.join(" ")
        );
    }
    let line = xtest::summary_line(&results);
    println!("{line}");
    let all_passed = !results.is_empty() && results.iter().all(|r| r.status == Status::Passed);
    if results.is_empty() {
        println!("xtest-compat: no test case ran");
    }
    if !per_case && guest_status != Some(0) {
        // A plain xtest run must also end well (xtest exits non-zero on failure).
        println!("xtest-compat: xtest ended with status {guest_status:?}");
        return Ok(1);
    }
    Ok(if all_passed { 0 } else { 1 })
}

/// `compare`.
pub fn compare(baseline: &Path, results: &Path) -> Result<u8> {
    let read = |p: &Path| -> Result<Vec<CaseResult>> {
        xtest::from_tsv(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        )
    };
    let lost = xtest::regressions(&read(baseline)?, &read(results)?);
    for id in &lost {
        println!("regressed: {id}");
    }
    println!(
        "{} case(s) pass in the baseline but not in the results",
        lost.len()
    );
    Ok(if lost.is_empty() { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_file_specs() {
        let (_, guest) = parse_extra_file("x:/bin/tool").unwrap();
        assert_eq!(guest, "usr/bin/tool", "merged /usr: /bin is a symlink");
        let (_, guest) = parse_extra_file("x:/lib/optee_armtz/a.ta").unwrap();
        assert_eq!(guest, "usr/lib/optee_armtz/a.ta");
        let (host, guest) = parse_extra_file("out/b:c/client:/usr/bin/client").unwrap();
        assert_eq!(host, PathBuf::from("out/b:c/client"));
        assert_eq!(guest, "usr/bin/client");
        for bad in [
            "client",
            ":/usr/bin/x",
            "x:usr/bin/x",
            "x:/",
            "x:/usr/bin/",
            "x:/usr/../etc/x",
            "x:/usr//x",
            "x:/./x",
        ] {
            assert!(parse_extra_file(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn extra_files_keep_the_executable_bit() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("xtc-extra-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("exe");
        let txt = dir.join("txt");
        std::fs::write(&exe, b"\x7fELF").unwrap();
        std::fs::write(&txt, b"data").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(&txt, std::fs::Permissions::from_mode(0o600)).unwrap();
        let files = read_extra_files(&[
            (exe.clone(), "usr/bin/exe".into()),
            (txt.clone(), "etc/txt".into()),
        ])
        .unwrap();
        assert_eq!(files[0], ("usr/bin/exe".into(), 0o755, b"\x7fELF".to_vec()));
        assert_eq!(files[1], ("etc/txt".into(), 0o644, b"data".to_vec()));
        assert!(read_extra_files(&[(dir.join("missing"), "x".into())]).is_err());
        assert!(read_extra_files(&[(dir.clone(), "x".into())]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn storage_dir_is_created_and_absolute() {
        let base = std::env::temp_dir().join(format!("xtc-storage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = base.join("a").join("b");
        let abs = storage_dir(&dir).unwrap();
        assert!(abs.is_absolute() && abs.is_dir());
        assert_eq!(abs, dir.canonicalize().unwrap());
        let file = base.join("file");
        std::fs::write(&file, b"x").unwrap();
        assert!(storage_dir(&file).is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn power_cut_after_the_line_and_the_delay() {
        let mut cut = power_cut("acked 3".into(), 0.5);
        assert_eq!(cut(1.0, Some("STORAGE loop a acked 2")), Control::Continue);
        assert_eq!(cut(1.1, None), Control::Continue);
        assert_eq!(cut(1.2, Some("STORAGE loop a acked 3")), Control::Continue);
        assert_eq!(cut(1.5, None), Control::Continue);
        assert!(matches!(cut(1.7, None), Control::Kill(r) if r.contains("500 ms")));
        let mut now = power_cut("x".into(), 0.0);
        assert!(matches!(now(3.0, Some("axb")), Control::Kill(_)));
    }

    #[test]
    fn regions() {
        assert_eq!(
            parse_region("0x3f40000:0x80000").unwrap(),
            (0x3f4_0000, 0x8_0000)
        );
        assert_eq!(parse_region("16:32").unwrap(), (16, 32));
        for bad in ["", "16", "16:0", "x:1", "1:0x", "0xffffffffffffffff:2"] {
            assert!(parse_region(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn nv_region_follows_the_storage_directory() {
        let base = std::env::temp_dir().join(format!("xtc-nv-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let flash = base.join("flash.img");
        let store = base.join("store");
        let machine = Machine {
            cpu: crate::qemu::DEFAULT_CPU.into(),
            firmware: Firmware::Oxtee,
            flash1: None,
            storage: Some(store.clone()),
            nv_region: Some((4, 3)),
        };
        // No saved state yet: a fresh device, the region erased.
        std::fs::write(&flash, b"0123456789").unwrap();
        nv_restore(&flash, &machine).unwrap();
        assert_eq!(std::fs::read(&flash).unwrap(), b"0123\xff\xff\xff789");
        // Without a storage directory the REE FS starts empty at every
        // boot, and so does the secure state.
        let ephemeral = Machine {
            storage: None,
            ..machine.clone()
        };
        std::fs::write(&flash, b"0123abc789").unwrap();
        nv_restore(&flash, &ephemeral).unwrap();
        assert_eq!(std::fs::read(&flash).unwrap(), b"0123\xff\xff\xff789");
        // The secure world changed the region; it is saved beside the store.
        std::fs::write(&flash, b"0123abc789").unwrap();
        nv_save(&flash, &machine).unwrap();
        let saved = nv_path(&store.canonicalize().unwrap());
        assert_eq!(std::fs::read(&saved).unwrap(), b"abc");
        assert!(!store.join(".secure-nv").exists());
        // A rebuilt image gets it back, and nothing else changes.
        std::fs::write(&flash, b"ABCDEFGHIJ").unwrap();
        nv_restore(&flash, &machine).unwrap();
        assert_eq!(std::fs::read(&flash).unwrap(), b"ABCDabcHIJ");
        // A region beyond the image is an error, not a short write.
        let far = Machine {
            nv_region: Some((9, 3)),
            ..machine.clone()
        };
        assert!(nv_restore(&flash, &far).is_err());
        assert!(nv_save(&flash, &far).is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn default_case_list() {
        let cases = parse_case_list(DEFAULT_CASES);
        assert_eq!(cases.len(), 139);
        assert_eq!(
            cases.iter().filter(|c| c.starts_with("pkcs11_")).count(),
            31
        );
        assert!(cases.iter().all(|c| xtest::is_case_id(c)));
        assert!(!cases.iter().any(|c| c == "regression_1014"));
    }

    #[test]
    fn driver_script() {
        let s = case_driver(&["regression_1001".into(), "pkcs11_1000".into()], 300);
        assert!(s.contains("T=300\n"));
        assert!(s.contains("for c in 'regression_1001' 'pkcs11_1000'; do"));
        assert!(!s.contains('@'));
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
    }
}
