//! Booting behind TF-A + U-Boot, as a Yocto or Buildroot image does: TF-A
//! (BL1, BL2, BL31 with `SPD=opteed`) built from Debian's source package,
//! a FIP holding a TEE's three OP-TEE-format images and U-Boot (BL33), the
//! secure flash image (`bl1.bin`, then the FIP at 0x40000) and U-Boot's
//! environment for the non-secure flash.
//!
//! TF-A is built once per source version and settings, under the cache; a
//! TEE change only updates the BL32 images of a copy of that FIP.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

use crate::fetch::Apt;
use crate::initramfs::write_atomic;

/// Debian's TF-A source package.
pub const SOURCE_PACKAGE: &str = "arm-trusted-firmware";
/// TF-A build settings for this QEMU line (GICv3 driver, FP/SVE/SME for the
/// secure world, BL32 in TZDRAM at 0x0e10_0000).
pub const SETTINGS: &[&str] = &[
    "PLAT=qemu",
    "SPD=opteed",
    "BL32_RAM_LOCATION=tdram",
    "QEMU_USE_GIC_DRIVER=QEMU_GICV3",
    "ENABLE_SVE_FOR_SWD=1",
    "ENABLE_SME_FOR_SWD=1",
];
/// The three BL32 images of a TEE, in FIP order (`--tos-fw`,
/// `--tos-fw-extra1`, `--tos-fw-extra2`).
pub const BL32_FILES: [&str; 3] = [
    "tee-header_v2.bin",
    "tee-pager_v2.bin",
    "tee-pageable_v2.bin",
];
/// Where BL1 looks for the FIP in flash0 (TF-A's `PLAT_QEMU_FIP_BASE`).
pub const FIP_OFFSET: usize = oxtee_qemu_virt::secure_os::TFA_FIP_OFFSET;
/// The core's rollback anchor in flash0: the FIP must end below it, and the
/// image holds it erased (the value 0).
const ANCHOR: oxtee_qemu_virt::Region = oxtee_qemu_virt::secure_os::ROLLBACK_ANCHOR_FLASH;
/// Size of each QEMU virt flash bank.
pub const FLASH_SIZE: usize = 64 << 20;
/// U-Boot's environment at the start of flash1 (`CONFIG_ENV_SIZE` of
/// `qemu_arm64`).
pub const ENV_SIZE: usize = 0x4_0000;
/// U-Boot's environment: no boot delay; kernel and initrd from fw_cfg,
/// the kernel above OP-TEE's shared memory window (0x4200_0000..0x421f_ffff)
/// that U-Boot's default `kernel_addr_r` would overlap; the DT that QEMU
/// made (its `/chosen/bootargs` holds QEMU's `-append`) and that BL2 and
/// the secure OS completed.
pub const UBOOT_ENV: &[(&str, &str)] = &[
    ("bootdelay", "0"),
    ("kernel_addr_r", "0x42200000"),
    ("ramdisk_addr_r", "0x48000000"),
    ("fdt_high", "0xffffffff"),
    ("initrd_high", "0xffffffff"),
    (
        "bootcmd",
        "qfw load ${kernel_addr_r} ${ramdisk_addr_r} && \
         booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}",
    ),
];

/// CRC-32 (IEEE 802.3, reflected, as U-Boot's environment uses).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A U-Boot environment of `size` bytes (non-redundant layout): CRC-32 of
/// the data area, little-endian, then `name=value\0` entries, an empty
/// entry ending the list, zeros to the end.
pub fn uboot_env(vars: &[(&str, &str)], size: usize) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    for (name, value) in vars {
        ensure!(
            !name.is_empty() && !name.contains(['=', '\0']) && !value.contains('\0'),
            "bad environment entry {name}={value}"
        );
        data.extend_from_slice(name.as_bytes());
        data.push(b'=');
        data.extend_from_slice(value.as_bytes());
        data.push(0);
    }
    data.push(0);
    ensure!(
        data.len() <= size.saturating_sub(4),
        "environment of {} bytes does not fit in {size}",
        data.len()
    );
    data.resize(size - 4, 0);
    let mut out = crc32(&data).to_le_bytes().to_vec();
    out.extend_from_slice(&data);
    Ok(out)
}

/// The non-secure flash (pflash1) image: U-Boot's environment, then erased
/// flash.
pub fn env_flash_image() -> Result<Vec<u8>> {
    let mut img = uboot_env(UBOOT_ENV, ENV_SIZE)?;
    img.resize(FLASH_SIZE, 0xff);
    Ok(img)
}

/// The secure flash (pflash0) image: BL1 at 0, the FIP at [`FIP_OFFSET`],
/// the core's rollback anchor erased (a new image starts it at 0).
pub fn flash_image(bl1: &[u8], fip: &[u8]) -> Result<Vec<u8>> {
    ensure!(
        bl1.len() <= FIP_OFFSET,
        "bl1.bin ({} bytes) overlaps the FIP at {FIP_OFFSET:#x}",
        bl1.len()
    );
    ensure!(
        FIP_OFFSET + fip.len() <= ANCHOR.base,
        "fip.bin ({} bytes) runs into the rollback anchor at {:#x}",
        fip.len(),
        ANCHOR.base
    );
    let mut img = vec![0u8; FLASH_SIZE];
    img[..bl1.len()].copy_from_slice(bl1);
    img[FIP_OFFSET..FIP_OFFSET + fip.len()].copy_from_slice(fip);
    img[ANCHOR.base..ANCHOR.end()].fill(0xff);
    Ok(img)
}

/// (option, size) of each image listed by `fiptool info`
/// (`Name: offset=0x…, size=0x…, cmdline="--opt"`).
pub fn parse_fip_info(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|l| {
            let size = l.split("size=0x").nth(1)?.split(',').next()?;
            let opt = l.split("cmdline=\"").nth(1)?.split('"').next()?;
            Some((opt.to_string(), u64::from_str_radix(size, 16).ok()?))
        })
        .collect()
}

fn run(cmd: &mut Command) -> Result<()> {
    // A make above us (the top-level Makefile) must not pass its variables
    // and jobserver to TF-A's make.
    for v in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"] {
        cmd.env_remove(v);
    }
    let status = cmd.status().with_context(|| format!("running {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

/// TF-A's source tree, unpacked from Debian's source package under
/// `<cache>/tf-a/<version>/`.
#[derive(Debug)]
pub struct Source {
    /// Debian version of the source package.
    pub version: String,
    /// `<cache>/tf-a/<version>`.
    pub root: PathBuf,
    /// The unpacked tree (Debian's patches applied by `dpkg-source`).
    pub tree: PathBuf,
}

/// Downloads and unpacks TF-A's source package unless already there.
pub fn source(cache: &Path) -> Result<Source> {
    let uri = crate::sources::host_archive_uri()?;
    let apt = Apt::new_source(cache, &uri)?;
    apt.update_if_stale()?;
    let version = apt.source_version(SOURCE_PACKAGE)?;
    let root = cache.join("tf-a").join(version.replace(':', "%3a"));
    let stamp = root.join("source.done");
    if let Ok(name) = std::fs::read_to_string(&stamp) {
        let tree = root.join("src").join(name.trim());
        if tree.join("Makefile").exists() {
            return Ok(Source {
                version,
                root,
                tree,
            });
        }
    }
    let src = root.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src)?;
    }
    std::fs::create_dir_all(&src)?;
    eprintln!("xtest-compat: downloading the {SOURCE_PACKAGE} {version} source package");
    apt.source(&src, SOURCE_PACKAGE, &version)?;
    let mut trees = Vec::new();
    for e in std::fs::read_dir(&src)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            trees.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    ensure!(
        trees.len() == 1,
        "expected one unpacked tree in {}, found {trees:?}",
        src.display()
    );
    let tree = src.join(&trees[0]);
    ensure!(
        tree.join("plat/qemu").is_dir(),
        "{} has no plat/qemu",
        tree.display()
    );
    std::fs::write(&stamp, &trees[0])?;
    Ok(Source {
        version,
        root,
        tree,
    })
}

/// What `build` produced.
#[derive(Debug)]
pub struct Images {
    /// `<out>/tf-a/<tee>/flash.img`: pflash0.
    pub flash: PathBuf,
    /// `<out>/tf-a/uboot-env.img`: pflash1.
    pub env: PathBuf,
}

/// Builds (once) TF-A, then the FIP for the TEE whose three BL32 images are
/// in `bl32_dir`, and writes the flash images under `<out>/tf-a/`.
pub fn build(cache: &Path, out: &Path, tee: &str, bl32_dir: &Path, bl33: &Path) -> Result<Images> {
    let bl32: Vec<PathBuf> = BL32_FILES.iter().map(|f| bl32_dir.join(f)).collect();
    for f in bl32.iter().chain([&bl33.to_path_buf()]) {
        ensure!(f.is_file(), "{} missing", f.display());
    }
    let src = source(cache)?;
    let cross = std::env::var("CROSS_COMPILE").unwrap_or_else(|_| "aarch64-linux-gnu-".into());
    let build_base = src.root.join("build");
    let plat = build_base.join("qemu").join("release");
    let stamp = src.root.join("build.done");
    let settings = format!("{} CROSS_COMPILE={cross}\n", SETTINGS.join(" "));
    let abs = |p: &Path| std::path::absolute(p);
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(settings.as_str()) {
        eprintln!(
            "xtest-compat: building TF-A {} ({})",
            src.version,
            SETTINGS.join(" ")
        );
        let _ = std::fs::remove_file(&stamp);
        let jobs = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        run(Command::new("make")
            .current_dir(&src.tree)
            .arg(format!("-j{jobs}"))
            .args(SETTINGS)
            .arg(format!("CROSS_COMPILE={cross}"))
            .arg(format!("BUILD_BASE={}", abs(&build_base)?.display()))
            .arg(format!("BL32={}", abs(&bl32[0])?.display()))
            .arg(format!("BL32_EXTRA1={}", abs(&bl32[1])?.display()))
            .arg(format!("BL32_EXTRA2={}", abs(&bl32[2])?.display()))
            .arg(format!("BL33={}", abs(bl33)?.display()))
            .args(["all", "fip"]))?;
        std::fs::write(&stamp, &settings)?;
    }
    let fiptool = [
        plat.join("tools/fiptool/fiptool"),
        src.tree.join("tools/fiptool/fiptool"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .context("fiptool not found in the TF-A build")?;

    // This TEE's FIP: TF-A's, with its BL32 images and BL33 replaced.
    let dir = out.join("tf-a").join(tee);
    std::fs::create_dir_all(&dir)?;
    let fip = dir.join("fip.bin");
    std::fs::copy(plat.join("fip.bin"), &fip)
        .with_context(|| format!("copying {}", plat.join("fip.bin").display()))?;
    let status = Command::new(&fiptool)
        .arg("update")
        .arg("--tos-fw")
        .arg(&bl32[0])
        .arg("--tos-fw-extra1")
        .arg(&bl32[1])
        .arg("--tos-fw-extra2")
        .arg(&bl32[2])
        .arg("--nt-fw")
        .arg(bl33)
        .arg(&fip)
        .status()
        .with_context(|| format!("running {}", fiptool.display()))?;
    ensure!(status.success(), "fiptool update failed ({status})");
    // The FIP must now hold exactly these images (an empty file leaves its
    // entry out, as TF-A's own build does).
    let info = Command::new(&fiptool)
        .arg("info")
        .arg(&fip)
        .output()
        .with_context(|| format!("running {}", fiptool.display()))?;
    ensure!(
        info.status.success(),
        "fiptool info failed ({})",
        info.status
    );
    let sizes = parse_fip_info(&String::from_utf8_lossy(&info.stdout));
    for (opt, file) in [
        ("--tos-fw", &bl32[0]),
        ("--tos-fw-extra1", &bl32[1]),
        ("--tos-fw-extra2", &bl32[2]),
        ("--nt-fw", &bl33.to_path_buf()),
    ] {
        let want = std::fs::metadata(file)?.len();
        let have = sizes.iter().find(|(o, _)| o == opt).map_or(0, |(_, s)| *s);
        ensure!(
            have == want,
            "{}: {opt} is {have} bytes, {} is {want}",
            fip.display(),
            file.display()
        );
    }

    let bl1 = std::fs::read(plat.join("bl1.bin"))
        .with_context(|| format!("reading {}", plat.join("bl1.bin").display()))?;
    let flash = dir.join("flash.img");
    write_atomic(&flash, &flash_image(&bl1, &std::fs::read(&fip)?)?)?;
    let env = out.join("tf-a").join("uboot-env.img");
    write_atomic(&env, &env_flash_image()?)?;
    write_atomic(
        &out.join("tf-a").join("tf-a-version"),
        format!("{}\n", src.version).as_bytes(),
    )?;
    Ok(Images { flash, env })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn environment_layout() {
        let env = uboot_env(&[("a", "1"), ("bootcmd", "x y")], 32).unwrap();
        assert_eq!(env.len(), 32);
        assert_eq!(&env[4..18], b"a=1\0bootcmd=x ");
        assert_eq!(&env[18..23], b"y\0\0\0\0");
        assert!(env[23..].iter().all(|&b| b == 0));
        let crc = u32::from_le_bytes(env[..4].try_into().unwrap());
        assert_eq!(crc, crc32(&env[4..]));
        // The first entries after the CRC, each NUL-terminated; the list
        // ends at the first empty entry.
        let names: Vec<&[u8]> = env[4..].split(|&b| b == 0).take(2).collect();
        assert_eq!(names, [b"a=1".as_slice(), b"bootcmd=x y".as_slice()]);
        assert!(uboot_env(&[("a", "1")], 6).is_err(), "does not fit");
        assert!(uboot_env(&[("a=b", "1")], 64).is_err());
        assert!(uboot_env(&[("a", "1\0")], 64).is_err());
    }

    #[test]
    fn real_environment() {
        let img = env_flash_image().unwrap();
        assert_eq!(img.len(), FLASH_SIZE);
        let env = &img[..ENV_SIZE];
        let crc = u32::from_le_bytes(env[..4].try_into().unwrap());
        assert_eq!(crc, crc32(&env[4..]), "CRC over the whole data area");
        assert!(img[ENV_SIZE..].iter().all(|&b| b == 0xff));
        let text = String::from_utf8_lossy(&env[4..]);
        let entries: Vec<&str> = text.split('\0').take_while(|e| !e.is_empty()).collect();
        assert_eq!(entries.len(), UBOOT_ENV.len());
        assert!(entries.contains(&"bootdelay=0"));
        assert!(entries.contains(&"kernel_addr_r=0x42200000"));
        assert!(entries.contains(&"ramdisk_addr_r=0x48000000"));
        assert!(entries.contains(
            &"bootcmd=qfw load ${kernel_addr_r} ${ramdisk_addr_r} && \
              booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}"
        ));
        // The kernel (37 MiB) lies above OP-TEE's shared memory window and
        // below the initrd.
        let addr = |name: &str| {
            let v = UBOOT_ENV.iter().find(|(n, _)| *n == name).unwrap().1;
            u64::from_str_radix(v.trim_start_matches("0x"), 16).unwrap()
        };
        assert!(addr("kernel_addr_r") >= 0x4220_0000);
        assert!(addr("kernel_addr_r") + (37 << 20) < addr("ramdisk_addr_r"));
    }

    #[test]
    fn fip_info() {
        let text = "Trusted Boot Firmware BL2: offset=0x128, size=0x6429, cmdline=\"--tb-fw\"\n\
                    Secure Payload BL32 (Trusted OS): offset=0x135BD, size=0x1C, cmdline=\"--tos-fw\"\n\
                    Non-Trusted Firmware BL33: offset=0x93981, size=0x11A730, cmdline=\"--nt-fw\"\n";
        assert_eq!(
            parse_fip_info(text),
            [
                ("--tb-fw".to_string(), 0x6429),
                ("--tos-fw".to_string(), 0x1c),
                ("--nt-fw".to_string(), 0x11a730)
            ]
        );
        assert!(parse_fip_info("garbage\n").is_empty());
    }

    #[test]
    fn flash_layout() {
        let img = flash_image(b"BL1", b"FIP").unwrap();
        assert_eq!(img.len(), FLASH_SIZE);
        assert_eq!(&img[..3], b"BL1");
        assert_eq!(&img[FIP_OFFSET..FIP_OFFSET + 3], b"FIP");
        assert!(flash_image(&vec![0; FIP_OFFSET + 1], b"F").is_err());
        assert!(flash_image(b"B", &vec![0; FLASH_SIZE]).is_err());
        assert!(img[ANCHOR.base..ANCHOR.end()].iter().all(|&b| b == 0xff));
        assert_eq!(img[ANCHOR.base - 1], 0);
        assert!(flash_image(b"B", &vec![0; ANCHOR.base - FIP_OFFSET]).is_ok());
        assert!(flash_image(b"B", &vec![0; ANCHOR.base - FIP_OFFSET + 1]).is_err());
    }
}
