//! `fetch`: a private apt state for Debian trixie arm64, package download
//! and extraction, and the boot pieces copied to `<out>/debian/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use anyhow::{bail, ensure, Context, Result};

/// The Debian suite the normal world comes from.
pub const SUITE: &str = "trixie";
/// Keyring holding the trixie archive keys.
pub const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";
/// Metapackage whose dependency names the actual kernel package.
pub const KERNEL_META: &str = "linux-image-arm64";
/// Packages whose whole (filtered) contents go into the initramfs.
pub const ROOTFS_PACKAGES: &[&str] = &[
    "busybox-static",
    "libc6",
    "libgcc-s1",
    "libteec2",
    "libckteec0t64",
    "libseteec0t64",
    "tee-supplicant",
    "libssl3t64",
    "openssl",
    "zlib1g",
    "libzstd1",
    "optee-test-qemu",
];
/// Packages only mined for single files (`optee-client-dev`: the client API
/// header for building guest programs, e.g. the benchmark client).
/// `u-boot-qemu`: U-Boot for QEMU virt, the BL33 of boots behind TF-A.
pub const OTHER_PACKAGES: &[&str] = &[
    "optee-os",
    "optee-os-dev",
    "optee-client-dev",
    "u-boot-qemu",
];
/// U-Boot image (BL33) inside `u-boot-qemu`.
pub const UBOOT_BIN: &str = "usr/lib/u-boot/qemu_arm64/u-boot.bin";
/// Platform directory of the OP-TEE build for QEMU armv8a.
pub const OPTEE_PLATFORM: &str = "vexpress-qemu_armv8a";
/// Lists older than this are refreshed.
const LISTS_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// Name of the manifest written to `<out>/debian/`.
pub const MANIFEST: &str = "manifest.tsv";

/// The cache directory: `$OXTEE_CACHE`, else `~/.cache/oxtee`.
pub fn default_cache() -> PathBuf {
    if let Some(c) = std::env::var_os("OXTEE_CACHE").filter(|c| !c.is_empty()) {
        return PathBuf::from(c);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cache").join("oxtee")
}

/// A private apt configuration under `<cache>/apt`.
#[derive(Debug)]
pub struct Apt {
    dir: PathBuf,
    sources: PathBuf,
    status: PathBuf,
}

/// One package's candidate version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebInfo {
    /// Package name.
    pub package: String,
    /// Version (may carry an epoch).
    pub version: String,
    /// Architecture.
    pub arch: String,
}

impl DebInfo {
    /// The file name `apt-get download` saves the package under.
    pub fn file_name(&self) -> String {
        format!(
            "{}_{}_{}.deb",
            self.package,
            self.version.replace(':', "%3a"),
            self.arch
        )
    }
}

/// Parses `apt-cache show` output into (package, version, architecture).
pub fn parse_show(text: &str) -> Vec<DebInfo> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|l| {
                l.strip_prefix(name)
                    .and_then(|r| r.strip_prefix(':'))
                    .map(|v| v.trim().to_string())
            })
        };
        if let (Some(package), Some(version), Some(arch)) =
            (field("Package"), field("Version"), field("Architecture"))
        {
            out.push(DebInfo {
                package,
                version,
                arch,
            });
        }
    }
    out
}

/// The kernel package named by `apt-cache depends linux-image-arm64` output.
pub fn parse_kernel_dep(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let dep = l.trim().strip_prefix("Depends:")?.trim();
        let dep = dep.trim_start_matches('<').trim_end_matches('>');
        (dep.starts_with("linux-image-") && dep.ends_with("-arm64") && dep != KERNEL_META)
            .then(|| dep.to_string())
    })
}

fn run_checked(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Apt {
    /// Prepares `<cache>/apt` for the binary packages of the archive at `uri`.
    pub fn new(cache: &Path, uri: &str) -> Result<Self> {
        Self::with_sources(
            &cache.join("apt"),
            &format!("deb [arch=arm64 signed-by={KEYRING}] {uri} {SUITE} main\n"),
        )
    }

    /// Prepares `<cache>/apt-src` for the source packages of the archive at
    /// `uri` (same suite, same options; a state of its own so that the
    /// binary lists are not refreshed whenever one or the other is used).
    pub fn new_source(cache: &Path, uri: &str) -> Result<Self> {
        Self::with_sources(&cache.join("apt-src"), &source_line(uri))
    }

    fn with_sources(dir: &Path, line: &str) -> Result<Self> {
        let dir = dir.to_path_buf();
        for d in ["lists/partial", "cache/archives/partial"] {
            std::fs::create_dir_all(dir.join(d))?;
        }
        let sources = dir.join("sources.list");
        if std::fs::read_to_string(&sources).ok().as_deref() != Some(line) {
            std::fs::write(&sources, line)?;
        }
        let status = dir.join("status");
        if !status.exists() {
            std::fs::write(&status, "")?;
        }
        Ok(Self {
            dir,
            sources,
            status,
        })
    }

    fn command(&self, prog: &str) -> Command {
        let mut c = Command::new(prog);
        let opts = [
            format!("Dir::State::Lists={}", self.dir.join("lists").display()),
            format!("Dir::Etc::SourceList={}", self.sources.display()),
            "Dir::Etc::SourceParts=/dev/null".into(),
            "Dir::Etc::Preferences=/dev/null".into(),
            "Dir::Etc::PreferencesParts=/dev/null".into(),
            "APT::Architecture=arm64".into(),
            "APT::Architectures=arm64".into(),
            format!("Dir::Cache={}", self.dir.join("cache").display()),
            format!("Dir::State::status={}", self.status.display()),
            "APT::Sandbox::User=root".into(),
            "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false".into(),
            "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false".into(),
            "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false".into(),
            "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false".into(),
            "Acquire::Languages=none".into(),
        ];
        for o in opts {
            c.arg("-o").arg(o);
        }
        c
    }

    /// `apt-get update`, unless the lists for the current sources file are
    /// younger than a week.
    pub fn update_if_stale(&self) -> Result<()> {
        let stamp = self.dir.join("updated");
        let sources = std::fs::read_to_string(&self.sources)?;
        let fresh = std::fs::read_to_string(&stamp).ok().as_deref() == Some(sources.as_str())
            && std::fs::metadata(&stamp)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_some_and(|age| age < LISTS_MAX_AGE);
        if fresh {
            return Ok(());
        }
        eprintln!("xtest-compat: apt-get update ({SUITE} arm64)");
        run_checked(self.command("apt-get").arg("-q").arg("update"))?;
        std::fs::write(&stamp, sources)?;
        Ok(())
    }

    /// Resolves the kernel package through the `linux-image-arm64` metapackage.
    pub fn kernel_package(&self) -> Result<String> {
        let text = run_checked(self.command("apt-cache").args(["depends", KERNEL_META]))?;
        let name =
            parse_kernel_dep(&text).with_context(|| format!("no kernel dependency in:\n{text}"))?;
        if !name.starts_with("linux-image-6.12.") {
            eprintln!("xtest-compat: warning: kernel {name} is not a 6.12 kernel");
        }
        Ok(name)
    }

    /// Candidate versions of `packages`.
    pub fn candidates(&self, packages: &[String]) -> Result<Vec<DebInfo>> {
        let text = run_checked(
            self.command("apt-cache")
                .arg("show")
                .arg("--no-all-versions")
                .args(packages),
        )?;
        let infos = parse_show(&text);
        for p in packages {
            ensure!(
                infos.iter().any(|i| &i.package == p),
                "package {p} not found in {SUITE}"
            );
        }
        Ok(infos)
    }

    /// The candidate version of source package `pkg`.
    pub fn source_version(&self, pkg: &str) -> Result<String> {
        let text = run_checked(self.command("apt-cache").args(["showsrc", pkg]))?;
        parse_showsrc_version(&text, pkg)
            .with_context(|| format!("source package {pkg} not found in {SUITE}"))
    }

    /// Downloads source package `pkg` at `version` (.dsc and tarballs,
    /// checked against the signed index) into `dir`, unpacked by
    /// `dpkg-source` into `dir/<pkg>-<upstream version>`.
    pub fn source(&self, dir: &Path, pkg: &str, version: &str) -> Result<()> {
        run_checked(
            self.command("apt-get")
                .current_dir(dir)
                .arg("-q")
                .arg("source")
                .arg(format!("{pkg}={version}")),
        )?;
        Ok(())
    }

    /// Downloads `packages` into `dir`.
    pub fn download(&self, dir: &Path, packages: &[String]) -> Result<()> {
        run_checked(
            self.command("apt-get")
                .current_dir(dir)
                .arg("-q")
                .arg("download")
                .args(packages),
        )?;
        Ok(())
    }
}

/// The `deb-src` line of the private source state.
pub fn source_line(uri: &str) -> String {
    format!("deb-src [signed-by={KEYRING}] {uri} {SUITE} main\n")
}

/// The version in `apt-cache showsrc` output for source package `pkg`
/// (the highest, when several stanzas are listed).
pub fn parse_showsrc_version(text: &str, pkg: &str) -> Option<String> {
    let mut best: Option<String> = None;
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|l| {
                l.strip_prefix(name)
                    .and_then(|r| r.strip_prefix(':'))
                    .map(|v| v.trim().to_string())
            })
        };
        if field("Package").as_deref() != Some(pkg) {
            continue;
        }
        if let Some(v) = field("Version") {
            if best.as_ref().is_none_or(|b| version_newer(&v, b)) {
                best = Some(v);
            }
        }
    }
    best
}

/// Whether `a` is a newer Debian version than `b` (`dpkg --compare-versions`).
fn version_newer(a: &str, b: &str) -> bool {
    Command::new("dpkg")
        .args(["--compare-versions", a, "gt", b])
        .status()
        .is_ok_and(|s| s.success())
}

/// Extracts `deb` into `<extract>/<pkg>` unless already extracted from the same file.
fn extract(deb: &Path, dest: &Path) -> Result<()> {
    let stamp = dest.join(".oxtee-deb");
    let name = deb
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(name.as_str()) {
        return Ok(());
    }
    let tmp = dest.with_extension("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    run_checked(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&tmp))?;
    std::fs::write(tmp.join(".oxtee-deb"), &name)?;
    if dest.exists() {
        std::fs::remove_dir_all(dest)?;
    }
    std::fs::rename(&tmp, dest)?;
    Ok(())
}

/// Whether `image` starts like an arm64 Linux Image ("ARM\x64" at offset 56).
pub fn is_arm64_image(image: &[u8]) -> bool {
    image.get(56..60) == Some(b"ARM\x64")
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(p) = to.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// The result of `fetch`, also written as `<out>/debian/manifest.tsv`.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// key -> value: `kernel-version`, `pkg:<name>` (extract dir), ...
    pub entries: BTreeMap<String, String>,
}

impl Manifest {
    /// Renders as `key\tvalue` lines.
    pub fn to_text(&self) -> String {
        self.entries
            .iter()
            .map(|(k, v)| format!("{k}\t{v}\n"))
            .collect()
    }

    /// Parses `key\tvalue` lines.
    pub fn parse(text: &str) -> Self {
        let entries = text
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self { entries }
    }

    /// Reads `<out>/debian/manifest.tsv`.
    pub fn load(out: &Path) -> Result<Self> {
        let p = out.join("debian").join(MANIFEST);
        let text = std::fs::read_to_string(&p)
            .with_context(|| format!("reading {} (run `xtest-compat fetch` first)", p.display()))?;
        Ok(Self::parse(&text))
    }

    /// The extract directory of package `pkg`.
    pub fn package_dir(&self, pkg: &str) -> Result<PathBuf> {
        self.entries
            .get(&format!("pkg:{pkg}"))
            .map(PathBuf::from)
            .with_context(|| format!("package {pkg} missing from the manifest"))
    }

    /// A required entry.
    pub fn get(&self, key: &str) -> Result<&str> {
        self.entries
            .get(key)
            .map(String::as_str)
            .with_context(|| format!("manifest has no {key}"))
    }
}

/// Runs the whole `fetch` step.
pub fn fetch(cache: &Path, out: &Path) -> Result<Manifest> {
    let uri = crate::sources::host_archive_uri()?;
    let apt = Apt::new(cache, &uri)?;
    apt.update_if_stale()?;
    let kernel = apt.kernel_package()?;
    let mut packages: Vec<String> = vec![kernel.clone()];
    packages.extend(
        ROOTFS_PACKAGES
            .iter()
            .chain(OTHER_PACKAGES)
            .map(|s| s.to_string()),
    );
    let infos = apt.candidates(&packages)?;

    let debs = cache.join("debs");
    std::fs::create_dir_all(&debs)?;
    let missing: Vec<String> = infos
        .iter()
        .filter(|i| !debs.join(i.file_name()).exists())
        .map(|i| i.package.clone())
        .collect();
    if !missing.is_empty() {
        eprintln!("xtest-compat: downloading {}", missing.join(" "));
        apt.download(&debs, &missing)?;
    }

    let mut manifest = Manifest::default();
    let extract_root = cache.join("extract");
    for info in &infos {
        let deb = debs.join(info.file_name());
        ensure!(deb.exists(), "{} was not downloaded", deb.display());
        let dest = extract_root.join(&info.package);
        extract(&deb, &dest)?;
        manifest
            .entries
            .insert(format!("pkg:{}", info.package), dest.display().to_string());
        manifest
            .entries
            .insert(format!("version:{}", info.package), info.version.clone());
    }
    manifest
        .entries
        .insert("kernel-package".into(), kernel.clone());

    let debian = out.join("debian");
    std::fs::create_dir_all(&debian)?;
    // Kernel Image.
    let kdir = extract_root.join(&kernel);
    let kver = kernel.trim_start_matches("linux-image-").to_string();
    let vmlinuz = kdir.join("boot").join(format!("vmlinuz-{kver}"));
    let image =
        std::fs::read(&vmlinuz).with_context(|| format!("reading {}", vmlinuz.display()))?;
    ensure!(
        is_arm64_image(&image),
        "{} is not an uncompressed arm64 Image",
        vmlinuz.display()
    );
    std::fs::write(debian.join("Image"), &image)?;
    manifest.entries.insert("kernel-version".into(), kver);

    // OP-TEE OS pieces.
    let optee = extract_root
        .join("optee-os")
        .join("usr/lib/optee")
        .join(OPTEE_PLATFORM);
    for f in [
        "tee-header_v2.bin",
        "tee-pager_v2.bin",
        "tee-pageable_v2.bin",
    ] {
        copy_file(&optee.join(f), &debian.join("optee").join(f))?;
    }
    // U-Boot, the BL33 of boots behind TF-A.
    copy_file(
        &extract_root.join("u-boot-qemu").join(UBOOT_BIN),
        &debian.join("u-boot.bin"),
    )?;
    // Dev kit TAs and signing key.
    let devkit = extract_root
        .join("optee-os-dev")
        .join("usr/lib/optee-os-dev")
        .join(OPTEE_PLATFORM);
    let mut tas = Vec::new();
    for e in std::fs::read_dir(devkit.join("ta"))? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "ta") {
            if let Some(name) = p.file_name() {
                copy_file(&p, &debian.join("optee-os-dev/ta").join(name))?;
                tas.push(name.to_string_lossy().into_owned());
            }
        }
    }
    tas.sort();
    ensure!(!tas.is_empty(), "no TAs in {}", devkit.display());
    copy_file(
        &devkit.join("keys/default.pem"),
        &debian.join("optee-os-dev/keys/default.pem"),
    )?;
    manifest
        .entries
        .insert("devkit".into(), devkit.display().to_string());
    manifest.entries.insert("devkit-tas".into(), tas.join(" "));
    std::fs::write(debian.join(MANIFEST), manifest.to_text())?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_and_file_names() {
        let text = "Package: busybox-static\nVersion: 1:1.37.0-6+b9\nArchitecture: arm64\nDescription: x\n more\n\n\
                    Package: libc6\nArchitecture: arm64\nVersion: 2.41-12\n";
        let infos = parse_show(text);
        assert_eq!(infos.len(), 2);
        assert_eq!(
            infos[0].file_name(),
            "busybox-static_1%3a1.37.0-6+b9_arm64.deb"
        );
        assert_eq!(infos[1].file_name(), "libc6_2.41-12_arm64.deb");
    }

    #[test]
    fn kernel_dependency() {
        let text = "linux-image-arm64\n  Depends: linux-image-6.12.117+deb13-arm64\n";
        assert_eq!(
            parse_kernel_dep(text).as_deref(),
            Some("linux-image-6.12.117+deb13-arm64")
        );
        assert_eq!(
            parse_kernel_dep("linux-image-arm64\n  Depends: libc6\n"),
            None
        );
    }

    #[test]
    fn image_magic() {
        let mut img = vec![0u8; 64];
        assert!(!is_arm64_image(&img));
        img[56..60].copy_from_slice(b"ARM\x64");
        assert!(is_arm64_image(&img));
        assert!(!is_arm64_image(&img[..58]));
    }

    #[test]
    fn manifest_roundtrip() {
        let mut m = Manifest::default();
        m.entries
            .insert("pkg:libc6".into(), "/c/extract/libc6".into());
        m.entries
            .insert("kernel-version".into(), "6.12.1-arm64".into());
        let back = Manifest::parse(&m.to_text());
        assert_eq!(
            back.package_dir("libc6").unwrap(),
            PathBuf::from("/c/extract/libc6")
        );
        assert_eq!(back.get("kernel-version").unwrap(), "6.12.1-arm64");
        assert!(back.package_dir("zlib1g").is_err());
    }
}
