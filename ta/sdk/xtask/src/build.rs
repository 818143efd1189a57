//! The `build-ta` step: cargo build for the TA target with the SDK's link
//! layout, layout checks, signing.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

use crate::check::check_ta_elf;

/// The target TAs are built for (AArch64, hard-float, no OS).
pub(crate) const TA_TARGET: &str = "aarch64-unknown-none";

fn workspace_root() -> PathBuf {
    // ta/sdk/xtask -> repository root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Link arguments of the SDK's layout (ta/sdk/ta/ta.ld): a PIE with only
/// relative relocations, `ta_head` and the property table exported for loaders.
pub(crate) fn ta_rustflags(root: &Path) -> String {
    let script = root.join("ta/sdk/ta/ta.ld");
    [
        "-C relocation-model=pie".to_string(),
        "-C link-arg=-pie".to_string(),
        "-C link-arg=--no-dynamic-linker".to_string(),
        format!("-C link-arg=-T{}", script.display()),
        "-C link-arg=-zmax-page-size=4096".to_string(),
        "-C link-arg=-ztext".to_string(),
        "-C link-arg=--hash-style=sysv".to_string(),
        "-C link-arg=--export-dynamic-symbol=ta_head".to_string(),
        "-C link-arg=--export-dynamic-symbol=ta_props".to_string(),
        "-C link-arg=--export-dynamic-symbol=ta_num_props".to_string(),
        // No debug information in a signed TA (OP-TEE signs a stripped ELF too),
        // whatever the workspace's release profile keeps for the core's ELF files;
        // the strip also drops the standard library's.
        "-C debuginfo=0".to_string(),
        "-C strip=debuginfo".to_string(),
    ]
    .join(" ")
}

/// The binary name of the crate at `manifest`: its first `[[bin]]` name, else the
/// package name.
fn binary_name(manifest: &str) -> Option<String> {
    let mut section = "";
    let mut package = None;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = if line == "[[bin]]" {
                "bin"
            } else if line == "[package]" {
                "package"
            } else {
                ""
            };
            continue;
        }
        let Some(rest) = line.strip_prefix("name") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_string();
        match section {
            "bin" => return Some(value),
            "package" if package.is_none() => package = Some(value),
            _ => {}
        }
    }
    package
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// The TA crate of `dir`: `dir` itself, or for a project laid out as the
/// examples are (`<dir>/ta` beside `<dir>/client`), its `ta` subdirectory.
pub(crate) fn ta_crate_dir(dir: &Path) -> PathBuf {
    let sub = dir.join("ta");
    if !dir.join("Cargo.toml").is_file() && sub.join("Cargo.toml").is_file() {
        sub
    } else {
        dir.to_path_buf()
    }
}

pub(crate) fn build_ta(
    dir: &Path,
    key: Option<&Path>,
    out_dir: Option<&Path>,
    ta_version: u32,
    cargo_args: &[String],
) -> Result<()> {
    let root = workspace_root();
    let dir = &ta_crate_dir(dir);
    let manifest_path = dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("{}", manifest_path.display()))?;
    let bin = binary_name(&manifest)
        .with_context(|| format!("{}: no package or bin name", manifest_path.display()))?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--target",
            TA_TARGET,
            "--manifest-path",
        ])
        .arg(&manifest_path)
        .args(["--bin", &bin])
        .args(cargo_args)
        .env(
            "CARGO_TARGET_AARCH64_UNKNOWN_NONE_RUSTFLAGS",
            ta_rustflags(&root),
        )
        .status()
        .context("running cargo")?;
    ensure!(status.success(), "cargo build of the TA failed");

    let elf_path = target_dir(&root).join(TA_TARGET).join("release").join(&bin);
    let elf = std::fs::read(&elf_path).with_context(|| format!("{}", elf_path.display()))?;
    let report = check_ta_elf(&elf).with_context(|| format!("{}", elf_path.display()))?;
    let uuid = format_uuid(&report.uuid);
    println!("build-ta: {}: {report}", elf_path.display());

    let key_path = match key {
        Some(k) => k.to_path_buf(),
        None => {
            let k = root.join("ta/keys/oxtee-ta-dev.pem");
            eprintln!("build-ta: WARNING: ==============================================");
            eprintln!("build-ta: WARNING: signing with the PUBLIC development key");
            eprintln!("build-ta: WARNING: {}", k.display());
            eprintln!("build-ta: WARNING: anyone can sign TAs with it; never ship a TEE");
            eprintln!("build-ta: WARNING: that trusts it. Use --key or OXTEE_TA_SIGN_KEY.");
            eprintln!("build-ta: WARNING: ==============================================");
            k
        }
    };
    let pem = std::fs::read_to_string(&key_path)
        .with_context(|| format!("signing key {}", key_path.display()))?;
    let key = oxtee_ta_sign::load_private_key(&pem)?;
    let signed = oxtee_ta_sign::sign_bootstrap(&key, report.uuid, ta_version, &elf)?;
    if oxtee_ta_sign::extract_elf(&signed)? != elf.as_slice() {
        bail!("signed file does not carry the ELF unchanged");
    }

    let out = out_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| target_dir(&root).join("ta"));
    std::fs::create_dir_all(&out).with_context(|| format!("{}", out.display()))?;
    let ta_path = out.join(format!("{uuid}.ta"));
    std::fs::write(&ta_path, &signed).with_context(|| format!("{}", ta_path.display()))?;
    std::fs::write(out.join(format!("{uuid}.elf")), &elf)?;
    println!(
        "build-ta: {} ({} bytes, ELF {} bytes, key {})",
        ta_path.display(),
        signed.len(),
        elf.len(),
        key_path.display()
    );
    Ok(())
}

/// Canonical text of RFC 4122 octets.
pub(crate) fn format_uuid(o: &[u8; 16]) -> String {
    let hex: String = o.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_directory_means_its_ta_crate() {
        let root = workspace_root();
        let example = root.join("ta/examples/hello");
        assert_eq!(ta_crate_dir(&example), example.join("ta"));
        assert_eq!(ta_crate_dir(&example.join("ta")), example.join("ta"));
        // Not a TA project: left as given, for the error to name it.
        let none = root.join("docs");
        assert_eq!(ta_crate_dir(&none), none);
    }

    #[test]
    fn binary_name_prefers_bin_section() {
        let m = "[package]\nname = \"pkg\"\n\n[[bin]]\nname = \"bin-name\"\npath = \"x\"\n";
        assert_eq!(binary_name(m).as_deref(), Some("bin-name"));
        let m = "[package]\nname = \"pkg\"\n[dependencies]\nname = \"nope\"\n";
        assert_eq!(binary_name(m).as_deref(), Some("pkg"));
        assert_eq!(binary_name("[dependencies]\nfoo = 1\n"), None);
    }

    #[test]
    fn uuid_text() {
        let o = supplicant_proto::ta_head::tee_uuid_octets("a7b321a8-0a28-4992-83bd-b757bbc3d4cd")
            .unwrap();
        assert_eq!(format_uuid(&o), "a7b321a8-0a28-4992-83bd-b757bbc3d4cd");
    }

    #[test]
    fn rustflags_name_the_layout() {
        let f = ta_rustflags(Path::new("/r"));
        assert!(f.contains("-T/r/ta/sdk/ta/ta.ld"));
        assert!(f.contains("relocation-model=pie"));
        assert!(f.contains("--export-dynamic-symbol=ta_head"));
        assert!(
            f.ends_with("-C debuginfo=0 -C strip=debuginfo"),
            "after the profile's own setting"
        );
    }
}
