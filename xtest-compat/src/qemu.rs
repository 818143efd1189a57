//! Running QEMU: the command line, live capture of both consoles, boot-time
//! markers, timeouts and watchdogs.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;

/// A marker line printed by the guest's `/init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `OXTEE-INIT`: `/init` started.
    Init,
    /// `OXTEE-READY`: modules loaded and tee-supplicant running.
    Ready,
    /// `OXTEE-NO-TEE`: the OP-TEE driver found no firmware node.
    NoTee,
    /// `OXTEE-EXIT-STATUS=<n>`: the guest command finished with status n.
    ExitStatus(i32),
}

/// Recognises a marker line (anywhere in the line, so that interleaved
/// console output in front of it does not hide it).
pub fn parse_marker(raw: &str) -> Option<Marker> {
    let line = raw.trim_end_matches(['\r', '\n']);
    if let Some(pos) = line.find("OXTEE-EXIT-STATUS=") {
        let rest = &line[pos + "OXTEE-EXIT-STATUS=".len()..];
        let digits: String = rest
            .chars()
            .enumerate()
            .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
            .map(|(_, c)| c)
            .collect();
        return digits.parse().ok().map(Marker::ExitStatus);
    }
    let word_at_end = |m: &str| line.trim_end().ends_with(m);
    if word_at_end("OXTEE-INIT") {
        Some(Marker::Init)
    } else if word_at_end("OXTEE-READY") {
        Some(Marker::Ready)
    } else if word_at_end("OXTEE-NO-TEE") {
        Some(Marker::NoTee)
    } else {
        None
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct QemuConfig {
    /// QEMU binary.
    pub qemu: String,
    /// Linux Image.
    pub kernel: PathBuf,
    /// Initramfs (possibly several concatenated gzip cpio members).
    pub initrd: PathBuf,
    /// 64 MiB flash image with our firmware; `None` boots without secure
    /// firmware (development mode).
    pub flash: Option<PathBuf>,
    /// Kernel command line (must not contain `"`).
    pub append: String,
    /// `-cpu` model and options.
    pub cpu: String,
    /// Directory for `normal.log` and `secure.log`.
    pub log_dir: PathBuf,
    /// Whole-run time bound.
    pub timeout: Option<Duration>,
    /// Attach the terminal (stdin and QEMU monitor) to the console.
    pub interactive: bool,
    /// Copy the normal console to our stdout.
    pub echo: bool,
    /// The EL3 firmware in `flash`.
    pub firmware: Firmware,
    /// Non-secure flash (pflash unit 1), 64 MiB: U-Boot's environment when
    /// booting behind TF-A + U-Boot.
    pub flash1: Option<PathBuf>,
    /// Host directory given to the guest over virtio-9p as tee-supplicant's
    /// storage root (`/var/lib/optee-client`), so the REE FS survives
    /// boots; `None` keeps it in a tmpfs. Must be an absolute path.
    pub storage: Option<PathBuf>,
}

/// The 9p mount tag of the storage directory (the guest's `/init` mounts it).
pub const STORAGE_TAG: &str = "oxtee-storage";
/// Kernel command-line word telling the guest's `/init` to mount
/// [`STORAGE_TAG`] instead of a tmpfs.
pub const STORAGE_CMDLINE: &str = "oxtee.storage=9p";

/// Escapes a value for QEMU's `key=value,...` option syntax (`,` doubled).
pub fn qemu_opt_escape(v: &str) -> String {
    v.replace(',', ",,")
}

/// Which EL3 firmware the secure flash holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Firmware {
    /// oxtee's own EL3 firmware (signed package in flash0).
    #[default]
    Oxtee,
    /// TF-A BL1 + FIP (BL2, BL31, BL32, U-Boot as BL33) in flash0.
    #[value(name = "tf-a")]
    TfA,
}

/// Environment variable whose words are added to every QEMU command line,
/// e.g. `-icount shift=0,sleep=off` for instruction-exact timing
/// (bench/README.md, "Exact comparisons").
pub const EXTRA_ARGS_ENV: &str = "OXTEE_QEMU_EXTRA_ARGS";

/// The words of [`EXTRA_ARGS_ENV`]'s value (none when unset or blank).
pub fn extra_args(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// The default `-cpu` (FEAT_RNG, SVE, PAuth with QEMU's fast algorithm).
pub const DEFAULT_CPU: &str = "max,pauth-impdef=on";

/// The default kernel command line.
pub const DEFAULT_APPEND: &str = "console=ttyAMA0 quiet panic=-1";

impl QemuConfig {
    /// The QEMU argument vector (without the program name).
    pub fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec!["-nographic".into(), "-machine".into()];
        match &self.flash {
            Some(_) => a.push("virt,secure=on,virtualization=off,gic-version=3".into()),
            None => a.push("virt,gic-version=3".into()),
        }
        for s in ["-cpu", &self.cpu, "-smp", "2", "-m", "1024"] {
            a.push(s.into());
        }
        if let Some(flash) = &self.flash {
            a.push("-drive".into());
            a.push(format!(
                "if=pflash,unit=0,format=raw,file={}",
                flash.display()
            ));
            if self.firmware == Firmware::Oxtee {
                // Lets the firmware end QEMU with a failure status when it
                // refuses to boot (semihosting exit from EL3).
                a.push("-semihosting-config".into());
                a.push("enable=on,target=native".into());
            }
        }
        if let Some(flash1) = &self.flash1 {
            a.push("-drive".into());
            a.push(format!(
                "if=pflash,unit=1,format=raw,readonly=on,file={}",
                flash1.display()
            ));
        }
        if let Some(dir) = &self.storage {
            // Local 9p export with the host user's own permissions
            // (security_model=none); the guest mounts it with cache=none, so
            // every write reaches the host file before the guest's write()
            // returns and a killed QEMU loses nothing that was acknowledged.
            a.push("-fsdev".into());
            a.push(format!(
                "local,id=storage0,path={},security_model=none",
                qemu_opt_escape(&dir.display().to_string())
            ));
            a.push("-device".into());
            a.push(format!(
                "virtio-9p-pci,fsdev=storage0,mount_tag={STORAGE_TAG}"
            ));
        }
        a.push("-kernel".into());
        a.push(self.kernel.display().to_string());
        a.push("-initrd".into());
        a.push(self.initrd.display().to_string());
        a.push("-append".into());
        a.push(if self.storage.is_some() {
            format!("{} {STORAGE_CMDLINE}", self.append)
        } else {
            self.append.clone()
        });
        a.push("-serial".into());
        a.push(
            if self.interactive {
                "mon:stdio"
            } else {
                "stdio"
            }
            .into(),
        );
        a.push("-serial".into());
        a.push(format!(
            "file:{}",
            self.log_dir.join("secure.log").display()
        ));
        if !self.interactive {
            a.push("-monitor".into());
            a.push("none".into());
        }
        for s in ["-nic", "none", "-no-reboot"] {
            a.push(s.into());
        }
        a.extend(extra_args(std::env::var(EXTRA_ARGS_ENV).ok().as_deref()));
        a
    }
}

/// Decision of a run observer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Keep going.
    Continue,
    /// Kill QEMU, giving the reason.
    Kill(String),
}

/// What happened during a run. Times are seconds since QEMU was started.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Status from the `OXTEE-EXIT-STATUS=` marker.
    pub exit_status: Option<i32>,
    /// QEMU's own exit code (None if killed by a signal).
    pub qemu_code: Option<i32>,
    /// The whole-run timeout elapsed.
    pub timed_out: bool,
    /// An observer killed QEMU, with its reason.
    pub killed: Option<String>,
    /// When `OXTEE-INIT` appeared.
    pub init_at: Option<f64>,
    /// When `OXTEE-READY` appeared.
    pub ready_at: Option<f64>,
    /// When the secure console first printed one of [`HANDOVER_MARKERS`]:
    /// the secure OS has booted and hands over to the normal world.
    pub entry_done_at: Option<f64>,
    /// Whether `OXTEE-NO-TEE` appeared.
    pub no_tee: bool,
    /// When QEMU ended.
    pub end_at: f64,
}

/// Secure-console words that tell the secure OS has finished its boot:
/// our firmware's `ENTRY_DONE` line, and the line each secure OS prints just
/// before it returns `ENTRY_DONE` (the only ones behind TF-A, whose own
/// messages go to the normal console): oxtee's "primary CPU ready,
/// switching to the normal world" and OP-TEE's "Primary CPU switching to
/// normal world boot".
pub const HANDOVER_MARKERS: &[&[u8]] = &[
    b"ENTRY_DONE",
    b"switching to the normal world",
    b"switching to normal world",
];

/// Scans the secure log file for [`HANDOVER_MARKERS`], reading only new bytes.
struct SecureWatch {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
}

impl SecureWatch {
    fn poll(&mut self) -> bool {
        let Ok(mut f) = File::open(&self.path) else {
            return false;
        };
        if f.seek(SeekFrom::Start(self.offset)).is_err() {
            return false;
        }
        let mut buf = Vec::new();
        if f.read_to_end(&mut buf).is_err() {
            return false;
        }
        self.offset = self.offset.saturating_add(buf.len() as u64);
        self.partial.extend_from_slice(&buf);
        let found = HANDOVER_MARKERS
            .iter()
            .any(|m| self.partial.windows(m.len()).any(|w| w == *m));
        // Keep a tail so a word split across reads is still seen.
        let longest = HANDOVER_MARKERS.iter().map(|m| m.len()).max().unwrap_or(0);
        let keep = self.partial.len().saturating_sub(longest);
        self.partial.drain(..keep);
        found
    }
}

/// Runs QEMU. `observe(t, Some(line))` sees every normal-console line;
/// `observe(t, None)` is called about every 100 ms; either may ask to kill.
pub fn run(
    cfg: &QemuConfig,
    mut observe: impl FnMut(f64, Option<&str>) -> Control,
) -> anyhow::Result<Outcome> {
    std::fs::create_dir_all(&cfg.log_dir)
        .with_context(|| format!("creating {}", cfg.log_dir.display()))?;
    let secure_path = cfg.log_dir.join("secure.log");
    let _ = std::fs::remove_file(&secure_path);
    let mut normal_log = File::create(cfg.log_dir.join("normal.log"))?;

    let mut cmd = Command::new(&cfg.qemu);
    cmd.args(cfg.args())
        .stdin(if cfg.interactive {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", cfg.qemu))?;
    let mut stdout = child.stdout.take().context("no QEMU stdout")?;

    let echo = cfg.echo;
    let (tx, rx) = mpsc::channel::<(f64, String)>();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut line: Vec<u8> = Vec::new();
        let mut out = std::io::stdout();
        loop {
            let n = match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &buf[..n];
            if echo {
                let _ = out.write_all(chunk);
                let _ = out.flush();
            }
            let _ = normal_log.write_all(chunk);
            for &b in chunk {
                if b == b'\n' {
                    let t = start.elapsed().as_secs_f64();
                    let s = String::from_utf8_lossy(&line).into_owned();
                    line.clear();
                    if tx.send((t, s)).is_err() {
                        return;
                    }
                } else {
                    line.push(b);
                }
            }
        }
        if !line.is_empty() {
            let _ = tx.send((
                start.elapsed().as_secs_f64(),
                String::from_utf8_lossy(&line).into_owned(),
            ));
        }
        let _ = normal_log.flush();
    });

    let mut outcome = Outcome::default();
    let mut secure = SecureWatch {
        path: secure_path,
        offset: 0,
        partial: Vec::new(),
    };
    let mut next_tick = Duration::ZERO;
    loop {
        let msg = rx.recv_timeout(Duration::from_millis(20));
        let t = start.elapsed().as_secs_f64();
        let mut decision = Control::Continue;
        match msg {
            Ok((lt, line)) => {
                match parse_marker(&line) {
                    Some(Marker::Init) if outcome.init_at.is_none() => outcome.init_at = Some(lt),
                    Some(Marker::Ready) if outcome.ready_at.is_none() => {
                        outcome.ready_at = Some(lt)
                    }
                    Some(Marker::NoTee) => outcome.no_tee = true,
                    Some(Marker::ExitStatus(n)) => outcome.exit_status = Some(n),
                    _ => {}
                }
                decision = observe(lt, Some(&line));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if start.elapsed() >= next_tick {
            next_tick = start.elapsed() + Duration::from_millis(100);
            if outcome.entry_done_at.is_none() && secure.poll() {
                outcome.entry_done_at = Some(t);
            }
            if decision == Control::Continue {
                decision = observe(t, None);
            }
        }
        if let Some(limit) = cfg.timeout {
            if start.elapsed() >= limit {
                outcome.timed_out = true;
                let _ = child.kill();
                break;
            }
        }
        if let Control::Kill(reason) = decision {
            outcome.killed = Some(reason);
            let _ = child.kill();
            break;
        }
    }
    let status = child.wait()?;
    // Drain whatever the reader still has (it ends when the pipe closes).
    let _ = reader.join();
    for (lt, line) in rx.try_iter() {
        if let Some(Marker::ExitStatus(n)) = parse_marker(&line) {
            outcome.exit_status = Some(n);
        }
        let _ = observe(lt, Some(&line));
    }
    if outcome.entry_done_at.is_none() && secure.poll() {
        outcome.entry_done_at = Some(start.elapsed().as_secs_f64());
    }
    outcome.qemu_code = status.code();
    outcome.end_at = start.elapsed().as_secs_f64();
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_args_are_the_words_of_the_variable() {
        assert!(extra_args(None).is_empty());
        assert!(extra_args(Some("  ")).is_empty());
        assert_eq!(
            extra_args(Some(" -icount  shift=0,sleep=off\n")),
            ["-icount", "shift=0,sleep=off"]
        );
    }

    #[test]
    fn markers() {
        assert_eq!(parse_marker("OXTEE-INIT\r"), Some(Marker::Init));
        assert_eq!(
            parse_marker("[    4.1] foo OXTEE-READY"),
            Some(Marker::Ready)
        );
        assert_eq!(
            parse_marker("OXTEE-EXIT-STATUS=3\r"),
            Some(Marker::ExitStatus(3))
        );
        assert_eq!(
            parse_marker("xx OXTEE-EXIT-STATUS=255"),
            Some(Marker::ExitStatus(255))
        );
        assert_eq!(parse_marker("OXTEE-EXIT-STATUS="), None);
        assert_eq!(parse_marker("OXTEE-NO-TEE"), Some(Marker::NoTee));
        assert_eq!(parse_marker("echo OXTEE-INIT later"), None);
        assert_eq!(parse_marker("hello"), None);
    }

    #[test]
    fn command_line_with_and_without_firmware() {
        let mut cfg = QemuConfig {
            qemu: "qemu-system-aarch64".into(),
            kernel: "out/debian/Image".into(),
            initrd: "i.cpio.gz".into(),
            flash: Some("flash.bin".into()),
            append: DEFAULT_APPEND.into(),
            cpu: DEFAULT_CPU.into(),
            log_dir: "logs".into(),
            timeout: None,
            interactive: false,
            echo: true,
            firmware: Firmware::Oxtee,
            flash1: None,
            storage: None,
        };
        let a = cfg.args().join(" ");
        assert!(a.contains("-machine virt,secure=on,virtualization=off,gic-version=3"));
        assert!(a.contains("-drive if=pflash,unit=0,format=raw,file=flash.bin"));
        assert!(a.contains("-serial stdio -serial file:logs/secure.log -monitor none"));
        assert!(a.contains("-cpu max,pauth-impdef=on -smp 2 -m 1024"));
        assert!(!a.contains('"'));
        cfg.flash = None;
        cfg.interactive = true;
        let a = cfg.args().join(" ");
        assert!(a.contains("-machine virt,gic-version=3 "));
        assert!(!a.contains("pflash"));
        assert!(a.contains("-serial mon:stdio"));
        assert!(!a.contains("-monitor none"));
        cfg.cpu = "cortex-a57".into();
        assert!(cfg.args().join(" ").contains("-cpu cortex-a57 -smp 2"));
        assert!(!cfg.args().join(" ").contains("9p"));
    }

    #[test]
    fn command_line_with_storage() {
        let cfg = QemuConfig {
            qemu: "qemu-system-aarch64".into(),
            kernel: "Image".into(),
            initrd: "i.cpio.gz".into(),
            flash: Some("flash.img".into()),
            append: DEFAULT_APPEND.into(),
            cpu: DEFAULT_CPU.into(),
            log_dir: "logs".into(),
            timeout: None,
            interactive: false,
            echo: false,
            firmware: Firmware::Oxtee,
            flash1: None,
            storage: Some("/srv/a,b/store".into()),
        };
        let a = cfg.args();
        let joined = a.join(" ");
        assert!(joined.contains(
            "-fsdev local,id=storage0,path=/srv/a,,b/store,security_model=none \
             -device virtio-9p-pci,fsdev=storage0,mount_tag=oxtee-storage"
        ));
        let i = a.iter().position(|w| w == "-append").unwrap();
        assert_eq!(a[i + 1], format!("{DEFAULT_APPEND} oxtee.storage=9p"));
    }

    #[test]
    fn command_line_behind_tf_a() {
        let cfg = QemuConfig {
            qemu: "qemu-system-aarch64".into(),
            kernel: "Image".into(),
            initrd: "i.cpio.gz".into(),
            flash: Some("tf-a/flash.img".into()),
            append: DEFAULT_APPEND.into(),
            log_dir: "logs".into(),
            timeout: None,
            interactive: false,
            echo: false,
            cpu: DEFAULT_CPU.into(),
            firmware: Firmware::TfA,
            flash1: Some("env.img".into()),
            storage: None,
        };
        let a = cfg.args().join(" ");
        assert!(a.contains("-machine virt,secure=on,virtualization=off,gic-version=3"));
        assert!(a.contains("-drive if=pflash,unit=0,format=raw,file=tf-a/flash.img"));
        assert!(a.contains("-drive if=pflash,unit=1,format=raw,readonly=on,file=env.img"));
        assert!(!a.contains("semihosting"));
        // U-Boot loads what QEMU holds in fw_cfg; the command line reaches
        // Linux through the DT's /chosen/bootargs.
        assert!(a.contains("-kernel Image -initrd i.cpio.gz -append console=ttyAMA0"));
    }

    #[test]
    fn handover_seen_across_reads() {
        let dir = std::env::temp_dir().join(format!("xtc-secure-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secure.log");
        for (first, second) in [
            ("oxtee-bl: ENTRY_", "DONE: secure OS vectors\n"),
            (
                "I/oxtee: primary CPU ready, switching to the nor",
                "mal world\n",
            ),
            ("I/TC: Primary CPU switching to norm", "al world boot\n"),
        ] {
            std::fs::write(&path, "I/TC: booting\n").unwrap();
            let mut w = SecureWatch {
                path: path.clone(),
                offset: 0,
                partial: Vec::new(),
            };
            assert!(!w.poll());
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            f.write_all(first.as_bytes()).unwrap();
            assert!(!w.poll(), "{first}");
            f.write_all(second.as_bytes()).unwrap();
            assert!(w.poll(), "{first}{second}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
