//! `initramfs`: the base image (Debian userland, OP-TEE client, xtest, TAs,
//! kernel modules, `/init`) and the small per-run image appended to it.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{bail, Context, Result};
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::cpio::{Node, Tree};
use crate::fetch::{Manifest, ROOTFS_PACKAGES};

/// The `/init` script.
pub const INIT_SCRIPT: &str = include_str!("../initramfs/init.sh");
/// Directory in the image holding the decompressed modules.
pub const MODULE_DIR: &str = "usr/lib/modules/oxtee";
/// Kernel modules: (name in the image, path below `kernel/`), in load order.
pub const MODULES: &[(&str, &str)] = &[
    ("tee", "drivers/tee/tee.ko.xz"),
    ("optee", "drivers/tee/optee/optee.ko.xz"),
    ("optee-rng", "drivers/char/hw_random/optee-rng.ko.xz"),
    // virtio-9p, for a storage directory kept on the host (`--storage`);
    // loaded by `/init` only when the kernel command line asks for it.
    ("netfs", "fs/netfs/netfs.ko.xz"),
    ("9pnet", "net/9p/9pnet.ko.xz"),
    ("9pnet_virtio", "net/9p/9pnet_virtio.ko.xz"),
    ("9p", "fs/9p/9p.ko.xz"),
];
/// Where tee-supplicant looks for TAs.
pub const TA_DIR: &str = "usr/lib/optee_armtz";

/// Paths (relative, after merged-/usr mapping) left out of the image.
const EXCLUDE: &[&str] = &[
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/lintian",
    "usr/share/locale",
    "usr/share/bug",
    "usr/share/initramfs-tools",
    "usr/lib/systemd",
    "usr/lib/aarch64-linux-gnu/gconv",
    "usr/lib/aarch64-linux-gnu/audit",
];

/// Maps a package path to its place in a merged-/usr tree
/// (`bin/x` -> `usr/bin/x`, `lib/x` -> `usr/lib/x`, `sbin/x` -> `usr/sbin/x`).
pub fn merged_usr(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    for top in ["bin", "sbin", "lib"] {
        if path == top {
            return format!("usr/{top}");
        }
        if let Some(rest) = path.strip_prefix(top).and_then(|r| r.strip_prefix('/')) {
            return format!("usr/{top}/{rest}");
        }
    }
    path.to_string()
}

fn excluded(rel: &str) -> bool {
    rel.starts_with(".oxtee")
        || EXCLUDE
            .iter()
            .any(|e| rel == *e || rel.strip_prefix(e).is_some_and(|r| r.starts_with('/')))
}

/// Adds the contents of an extracted package below `root` to `tree`.
fn add_package(tree: &mut Tree, root: &Path) -> Result<()> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .collect::<std::io::Result<_>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let rel = path.strip_prefix(root)?.to_string_lossy().into_owned();
            let rel = merged_usr(&rel);
            if excluded(&rel) {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path)?;
            let perm = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path)?.to_string_lossy().into_owned();
                tree.insert(&rel, Node::Symlink(target));
            } else if meta.is_dir() {
                if tree.get(&rel).is_none() {
                    tree.insert(&rel, Node::Dir(perm));
                }
                stack.push(path);
            } else if meta.is_file() {
                tree.insert(&rel, Node::File(perm, std::fs::read(&path)?));
            }
        }
    }
    Ok(())
}

/// Decompresses an `.xz` file.
pub fn unxz(data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    lzma_rs::xz_decompress(&mut std::io::BufReader::new(data), &mut out)
        .map_err(|e| anyhow::anyhow!("xz: {e:?}"))?;
    Ok(out)
}

/// Resolves `path` in `tree`, following symlinks (at most 16 hops).
fn resolve<'a>(tree: &'a Tree, path: &str) -> Option<&'a Node> {
    let mut cur = merged_usr(path);
    for _ in 0..16 {
        match tree.get(&cur)? {
            Node::Symlink(target) => {
                cur = if target.starts_with('/') {
                    merged_usr(target)
                } else {
                    let parent = cur.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                    let mut parts: Vec<&str> =
                        parent.split('/').filter(|p| !p.is_empty()).collect();
                    for comp in target.split('/') {
                        match comp {
                            "" | "." => {}
                            ".." => {
                                parts.pop();
                            }
                            c => parts.push(c),
                        }
                    }
                    merged_usr(&parts.join("/"))
                };
            }
            node => return Some(node),
        }
    }
    None
}

/// Checks that every dynamic ELF in `tree` finds its interpreter and its
/// `NEEDED` libraries in the tree; returns the problems found.
pub fn check_elf_deps(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, node) in tree.iter() {
        let Node::File(_, data) = node else { continue };
        if !data.starts_with(b"\x7fELF") {
            continue;
        }
        let Ok(elf) = goblin::elf::Elf::parse(data) else {
            problems.push(format!("{path}: unparsable ELF"));
            continue;
        };
        if elf.header.e_machine != goblin::elf::header::EM_AARCH64 {
            problems.push(format!("{path}: not an aarch64 ELF"));
            continue;
        }
        if let Some(interp) = elf.interpreter {
            if !matches!(resolve(tree, interp), Some(Node::File(..))) {
                problems.push(format!("{path}: interpreter {interp} missing"));
            }
        }
        let mut dirs: Vec<String> = vec!["usr/lib/aarch64-linux-gnu".into(), "usr/lib".into()];
        for rp in elf.runpaths.iter().chain(elf.rpaths.iter()) {
            dirs.extend(
                rp.split(':')
                    .map(|d| merged_usr(d).trim_end_matches('/').to_string()),
            );
        }
        for lib in &elf.libraries {
            let found = dirs
                .iter()
                .any(|d| matches!(resolve(tree, &format!("{d}/{lib}")), Some(Node::File(..))));
            if !found {
                problems.push(format!("{path}: needs {lib}, not in the image"));
            }
        }
    }
    problems
}

/// Builds the base image tree from a fetched manifest.
pub fn build_tree(manifest: &Manifest) -> Result<Tree> {
    let mut tree = Tree::new();
    for d in [
        "dev",
        "proc",
        "sys",
        "run",
        "etc/oxtee",
        "var/lib/optee-client/data/tee",
        "usr/bin",
        "usr/sbin",
        TA_DIR,
    ] {
        tree.insert(d, Node::Dir(0o755));
    }
    tree.insert("tmp", Node::Dir(0o1777));
    tree.insert("root", Node::Dir(0o700));
    tree.insert("dev/console", Node::CharDev(0o600, 5, 1));
    tree.insert("dev/null", Node::CharDev(0o666, 1, 3));
    for pkg in ROOTFS_PACKAGES {
        add_package(&mut tree, &manifest.package_dir(pkg)?)?;
    }
    // Merged /usr, as in trixie.
    for top in ["bin", "sbin", "lib"] {
        tree.insert(top, Node::Symlink(format!("usr/{top}")));
    }
    tree.insert("usr/bin/sh", Node::Symlink("busybox".into()));
    if !matches!(tree.get("usr/bin/busybox"), Some(Node::File(..))) {
        bail!("busybox missing from busybox-static");
    }

    // TAs of the OP-TEE dev kit (PKCS#11 and friends) next to xtest's.
    let devkit = Path::new(manifest.get("devkit")?).join("ta");
    for name in manifest.get("devkit-tas")?.split_whitespace() {
        let data = std::fs::read(devkit.join(name))?;
        tree.insert(&format!("{TA_DIR}/{name}"), Node::File(0o644, data));
    }

    // Kernel modules, decompressed.
    let kdir = manifest.package_dir(manifest.get("kernel-package")?)?;
    let kver = manifest.get("kernel-version")?;
    for (name, rel) in MODULES {
        let p = kdir
            .join("usr/lib/modules")
            .join(kver)
            .join("kernel")
            .join(rel);
        let xz = std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
        let ko = unxz(&xz).with_context(|| format!("decompressing {}", p.display()))?;
        tree.insert(&format!("{MODULE_DIR}/{name}.ko"), Node::File(0o644, ko));
    }

    tree.insert(
        "etc/passwd",
        Node::File(0o644, b"root:x:0:0:root:/root:/bin/sh\n".to_vec()),
    );
    tree.insert("etc/group", Node::File(0o644, b"root:x:0:\n".to_vec()));
    tree.insert("etc/hostname", Node::File(0o644, b"oxtee\n".to_vec()));
    tree.insert("init", Node::File(0o755, INIT_SCRIPT.as_bytes().to_vec()));

    let problems = check_elf_deps(&tree);
    if !problems.is_empty() {
        bail!("initramfs is incomplete:\n  {}", problems.join("\n  "));
    }
    Ok(tree)
}

/// gzip-compresses a tree's cpio archive.
pub fn gzip_cpio(tree: &Tree) -> Result<Vec<u8>> {
    let gz = GzEncoder::new(Vec::new(), Compression::default());
    Ok(tree.write_cpio(gz)?.finish()?)
}

/// Writes `data` to `dest` atomically (temp file + rename).
pub fn write_atomic(dest: &Path, data: &[u8]) -> Result<()> {
    if let Some(p) = dest.parent() {
        std::fs::create_dir_all(p)?;
    }
    let tmp = dest.with_extension("tmp");
    std::fs::File::create(&tmp)?.write_all(data)?;
    std::fs::rename(&tmp, dest)?;
    Ok(())
}

/// Runs the `initramfs` step: writes `<out>/initramfs.cpio.gz`.
pub fn build(out: &Path) -> Result<(usize, usize)> {
    let manifest = Manifest::load(out)?;
    let tree = build_tree(&manifest)?;
    let gz = gzip_cpio(&tree)?;
    write_atomic(&out.join("initramfs.cpio.gz"), &gz)?;
    Ok((tree.len(), gz.len()))
}

/// Builds a run's initrd: the base image followed by a gzip member with
/// the given extra files (path, mode, contents).
pub fn per_run_initrd(base: &[u8], files: &[(&str, u32, &[u8])]) -> Result<Vec<u8>> {
    let mut tree = Tree::new();
    for (path, mode, data) in files {
        tree.insert(path, Node::File(*mode, data.to_vec()));
    }
    let mut all = base.to_vec();
    all.extend_from_slice(&gzip_cpio(&tree)?);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_usr_paths() {
        assert_eq!(
            merged_usr("./lib/ld-linux-aarch64.so.1"),
            "usr/lib/ld-linux-aarch64.so.1"
        );
        assert_eq!(merged_usr("/bin/sh"), "usr/bin/sh");
        assert_eq!(merged_usr("sbin"), "usr/sbin");
        assert_eq!(merged_usr("usr/lib/x"), "usr/lib/x");
        assert_eq!(merged_usr("library/x"), "library/x");
    }

    #[test]
    fn exclusions() {
        assert!(excluded("usr/share/doc/libc6/copyright"));
        assert!(excluded("usr/share/doc"));
        assert!(!excluded("usr/share/docs-not"));
        assert!(excluded("usr/lib/aarch64-linux-gnu/gconv/IBM880.so"));
        assert!(!excluded("usr/lib/aarch64-linux-gnu/libc.so.6"));
    }

    #[test]
    fn symlink_resolution() {
        let mut t = Tree::new();
        t.insert("lib", Node::Symlink("usr/lib".into()));
        t.insert(
            "usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
            Node::File(0o755, vec![1]),
        );
        t.insert(
            "usr/lib/ld-linux-aarch64.so.1",
            Node::Symlink("aarch64-linux-gnu/ld-linux-aarch64.so.1".into()),
        );
        t.insert("usr/lib/loop", Node::Symlink("loop".into()));
        assert_eq!(
            resolve(&t, "/lib/ld-linux-aarch64.so.1"),
            Some(&Node::File(0o755, vec![1]))
        );
        assert_eq!(resolve(&t, "usr/lib/loop"), None);
        assert_eq!(resolve(&t, "usr/lib/none"), None);
    }

    #[test]
    fn xz_roundtrip() {
        let mut xz = Vec::new();
        lzma_rs::xz_compress(&mut std::io::BufReader::new(&b"module bytes"[..]), &mut xz).unwrap();
        assert_eq!(unxz(&xz).unwrap(), b"module bytes");
        assert!(unxz(b"not xz").is_err());
    }

    #[test]
    fn per_run_image_appends_gzip_member() {
        let base = b"BASE".to_vec();
        let img = per_run_initrd(&base, &[("etc/oxtee/cmd", 0o644, b"lsmod")]).unwrap();
        assert!(img.starts_with(b"BASE"));
        let member = &img[4..];
        assert_eq!(&member[..2], &[0x1f, 0x8b]);
        let mut cpio = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(member), &mut cpio).unwrap();
        let text = String::from_utf8_lossy(&cpio);
        assert!(text.contains("etc/oxtee/cmd"));
        assert!(text.contains("lsmod"));
        assert!(text.contains("TRAILER!!!"));
    }
}
