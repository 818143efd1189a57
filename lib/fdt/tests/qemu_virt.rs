//! Tests against the device tree QEMU 7.2 generates for
//! `virt,secure=on,virtualization=off,gic-version=3 -cpu max -smp 2 -m 1024`.

use oxtee_fdt::{
    announce_optee, cells, fixup_for_boot, BootParams, Fdt, FdtError, Initrd, ReservedRegion,
    PSCI_COMPATIBLE,
};

const VIRT: &[u8] = include_bytes!("data/qemu-virt-secure.dtb");

fn be32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes(b[off..off + 4].try_into().unwrap())
}

fn set_be32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_be_bytes());
}

#[test]
fn parses_qemu_tree() {
    let f = Fdt::parse(VIRT).unwrap();
    assert_eq!(f.boot_cpuid_phys(), 0);
    assert!(f.reservations().is_empty());
    assert_eq!(f.root().property_str("model"), Some("linux,dummy-virt"));
    assert_eq!(f.root_address_cells(), 2);
    assert_eq!(f.root_size_cells(), 2);
    let mem = f.node("/memory@40000000").unwrap();
    assert_eq!(
        cells::decode_reg(mem.property("reg").unwrap(), 2, 2).unwrap(),
        [(0x4000_0000, 0x4000_0000)]
    );
    let cpus = f.node("/cpus").unwrap();
    let cpu_nodes: Vec<_> = cpus
        .children()
        .iter()
        .filter(|c| c.property_str("device_type") == Some("cpu"))
        .map(|c| c.name())
        .collect();
    assert_eq!(cpu_nodes, ["cpu@0", "cpu@1"]);
    assert_eq!(oxtee_fdt::cpu_aff0_mask(&f), Some(0b11));
    assert_eq!(
        f.node("/chosen").unwrap().property_str("stdout-path"),
        Some("/pl011@9000000")
    );
    assert_eq!(
        f.node("/secure-chosen")
            .unwrap()
            .property_str("stdout-path"),
        Some("/pl011@9040000")
    );
    // QEMU does not create /psci when it runs secure firmware.
    assert!(f.node("/psci").is_none());
    // Lookup without unit address finds `memory@40000000`.
    assert_eq!(f.node("/memory").unwrap().name(), "memory@40000000");
    assert!(f.root().node_count() > 20);
}

#[test]
fn round_trip() {
    let f = Fdt::parse(VIRT).unwrap();
    let b = f.to_bytes().unwrap();
    assert_eq!(be32(&b, 4) as usize, b.len());
    assert_eq!(be32(&b, 20), 17);
    assert_eq!(be32(&b, 24), 16);
    let g = Fdt::parse(&b).unwrap();
    assert_eq!(f, g);
    assert_eq!(g.to_bytes().unwrap(), b, "serialization is deterministic");
    // The structure block is as long as QEMU's (only name offsets may differ).
    assert_eq!(be32(&b, 36), be32(VIRT, 36));
    // No strings-block padding: our exact-match deduplication is never larger than the sum
    // of unique names.
    let strings = &b[be32(&b, 12) as usize..];
    assert_eq!(strings.len(), be32(&b, 32) as usize);
    let mut names: Vec<&[u8]> = strings
        .split(|&c| c == 0)
        .filter(|s| !s.is_empty())
        .collect();
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "strings deduplicated");
}

#[test]
fn padded_window_like_qemu_ram() {
    // QEMU writes the blob with totalsize = 1 MiB and zero padding; a longer buffer is fine too.
    let mut big = VIRT.to_vec();
    big.resize(0x10_0000, 0);
    set_be32(&mut big, 4, 0x10_0000);
    big.resize(0x10_0000 + 64, 0xff);
    assert_eq!(Fdt::parse(&big).unwrap(), Fdt::parse(VIRT).unwrap());
}

#[test]
#[ignore = "needs a DT dumped by QEMU in OXTEE_FDT_RAW_DTB: make debian-file-test"]
fn raw_qemu_dump() {
    // The uncompacted dump straight from QEMU (1 MiB totalsize, zero padding).
    let path = std::env::var("OXTEE_FDT_RAW_DTB")
        .expect("OXTEE_FDT_RAW_DTB must name a DT dumped by QEMU (dumpdtb=)");
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let f = Fdt::parse(&raw).unwrap();
    assert!(f.node("/cpus/cpu@0").is_some());
    assert!(f.node("/cpus/cpu@1").is_some());
    assert_eq!(
        f.node("/secram@e000000").map(|n| n.name()),
        Some("secram@e000000")
    );
}

#[test]
fn nop_tokens_are_tolerated() {
    let f = Fdt::parse(VIRT).unwrap();
    let b = f.to_bytes().unwrap();
    let off_struct = be32(&b, 8) as usize;
    // Root node: BEGIN_NODE + "\0" padded = 8 bytes; insert two NOPs after it and one before
    // FDT_END.
    let size_struct = be32(&b, 36) as usize;
    let end_tok = off_struct + size_struct - 4;
    let mut v = Vec::new();
    v.extend_from_slice(&b[..off_struct + 8]);
    v.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 4]);
    v.extend_from_slice(&b[off_struct + 8..end_tok]);
    v.extend_from_slice(&[0, 0, 0, 4]);
    v.extend_from_slice(&b[end_tok..]);
    set_be32(&mut v, 4, (b.len() + 12) as u32);
    set_be32(&mut v, 12, be32(&b, 12) + 12);
    set_be32(&mut v, 36, (size_struct + 12) as u32);
    assert_eq!(Fdt::parse(&v).unwrap(), f);
}

const RESERVED: [ReservedRegion<'static>; 2] = [
    ReservedRegion {
        name: "oxtee_monitor",
        base: 0x0e00_0000,
        size: 0x10_0000,
    },
    ReservedRegion {
        name: "oxtee_log",
        base: 0x4ff0_0000,
        size: 0x1000,
    },
];

fn params() -> BootParams<'static> {
    BootParams {
        bootargs: Some("console=ttyAMA0 root=/dev/vda rw"),
        initrd: Some(Initrd {
            start: 0x4800_0000,
            end: 0x4812_3456,
        }),
        reserved: &RESERVED,
    }
}

#[test]
fn fixup_on_qemu_tree() {
    let mut f = Fdt::parse(VIRT).unwrap();
    let before = f.clone();
    let report = fixup_for_boot(&mut f, &params()).unwrap();
    assert_eq!(report.cpus, 2);
    assert_eq!(report.psci_nodes_replaced, 0);
    assert!(!report.chosen_created);
    assert!(report.reserved_memory_created);
    assert_eq!(report.reserved_regions, 2);

    // Check the re-parsed serialized result, i.e. what the OS will see.
    let g = Fdt::parse(&f.to_bytes().unwrap()).unwrap();
    let psci = g.node("/psci").unwrap();
    assert_eq!(
        psci.property_strings("compatible")
            .unwrap()
            .collect::<Vec<_>>(),
        PSCI_COMPATIBLE
    );
    assert_eq!(
        psci.property("compatible").unwrap(),
        b"arm,psci-1.0\0arm,psci-0.2\0arm,psci\0"
    );
    assert_eq!(psci.property_str("method"), Some("smc"));
    assert_eq!(psci.properties().len(), 2);
    for cpu in ["/cpus/cpu@0", "/cpus/cpu@1"] {
        let n = g.node(cpu).unwrap();
        assert_eq!(n.property_str("enable-method"), Some("psci"));
        assert!(n.property("cpu-release-addr").is_none());
    }
    let chosen = g.node("/chosen").unwrap();
    assert_eq!(
        chosen.property_str("bootargs"),
        Some("console=ttyAMA0 root=/dev/vda rw")
    );
    assert_eq!(
        chosen.property("linux,initrd-start").unwrap(),
        &[0, 0, 0, 0, 0x48, 0, 0, 0]
    );
    assert_eq!(chosen.property_u64("linux,initrd-end"), Some(0x4812_3456));
    assert_eq!(chosen.property_str("stdout-path"), Some("/pl011@9000000"));
    assert_eq!(
        chosen.property("rng-seed"),
        before.property("/chosen", "rng-seed")
    );

    let rm = g.node("/reserved-memory").unwrap();
    assert_eq!(rm.property_u32("#address-cells"), Some(2));
    assert_eq!(rm.property_u32("#size-cells"), Some(2));
    assert_eq!(rm.property("ranges"), Some(&[][..]));
    let mon = g.node("/reserved-memory/oxtee_monitor@e000000").unwrap();
    assert_eq!(
        mon.property("reg").unwrap(),
        cells::encode_cells(&[0, 0x0e00_0000, 0, 0x10_0000])
    );
    assert_eq!(mon.property("no-map"), Some(&[][..]));
    assert!(g.node("/reserved-memory/oxtee_log@4ff00000").is_some());

    // Unrelated content is untouched: remove what the fixup added and compare.
    let mut h = g.clone();
    h.remove_node("/psci").unwrap();
    h.remove_node("/reserved-memory").unwrap();
    for p in ["bootargs", "linux,initrd-start", "linux,initrd-end"] {
        assert!(h.remove_property("/chosen", p).unwrap());
    }
    assert_eq!(h, before);
}

#[test]
fn fixup_is_idempotent() {
    let mut f = Fdt::parse(VIRT).unwrap();
    fixup_for_boot(&mut f, &params()).unwrap();
    let once = f.clone();
    let r = fixup_for_boot(&mut f, &params()).unwrap();
    assert!(!r.reserved_memory_created);
    assert_eq!(r.psci_nodes_replaced, 1);
    assert_eq!(f, once);
}

#[test]
fn fixup_replaces_existing_psci_and_spin_tables() {
    let mut f = Fdt::parse(VIRT).unwrap();
    let p = f.add_node("/", "psci").unwrap();
    p.set_property_str("compatible", "arm,psci").unwrap();
    p.set_property_str("method", "hvc").unwrap();
    p.set_property_u32("cpu_on", 0x8400_0003).unwrap();
    p.add_child("junk").unwrap();
    f.add_node("/", "psci@1").unwrap();
    f.node_mut("/cpus/cpu@1")
        .unwrap()
        .set_property_str("enable-method", "spin-table")
        .unwrap();
    f.set_property(
        "/cpus/cpu@1",
        "cpu-release-addr",
        &0x8000_fff8u64.to_be_bytes(),
    )
    .unwrap();
    f.remove_node("/chosen").unwrap();

    let r = fixup_for_boot(&mut f, &BootParams::default()).unwrap();
    assert_eq!(r.psci_nodes_replaced, 2);
    assert!(r.chosen_created);
    assert_eq!(r.reserved_regions, 0);
    let psci: Vec<_> = f
        .root()
        .children()
        .iter()
        .filter(|c| c.base_name() == "psci")
        .collect();
    assert_eq!(psci.len(), 1);
    assert_eq!(psci[0].name(), "psci");
    assert_eq!(psci[0].property_str("method"), Some("smc"));
    assert!(psci[0].property("cpu_on").is_none());
    assert!(psci[0].children().is_empty());
    let cpu1 = f.node("/cpus/cpu@1").unwrap();
    assert_eq!(cpu1.property_str("enable-method"), Some("psci"));
    assert!(cpu1.property("cpu-release-addr").is_none());
    let chosen = f.node("/chosen").unwrap();
    assert!(chosen.properties().is_empty());
    assert!(f.node("/reserved-memory").is_none());
}

#[test]
fn fixup_errors_leave_tree_unchanged() {
    let mut f = Fdt::parse(VIRT).unwrap();
    let before = f.clone();
    let bad_name = [ReservedRegion {
        name: "a@1",
        base: 0,
        size: 1,
    }];
    let p = BootParams {
        reserved: &bad_name,
        ..params()
    };
    assert_eq!(fixup_for_boot(&mut f, &p), Err(FdtError::BadName));
    assert_eq!(f, before);

    let p = BootParams {
        initrd: Some(Initrd { start: 2, end: 1 }),
        ..params()
    };
    assert_eq!(fixup_for_boot(&mut f, &p), Err(FdtError::BadValue));
    assert_eq!(f, before);

    let p = BootParams {
        bootargs: Some("a\0b"),
        ..params()
    };
    assert_eq!(fixup_for_boot(&mut f, &p), Err(FdtError::BadValue));
    assert_eq!(f, before);

    // An existing /reserved-memory with one-cell addresses cannot hold a 64-bit base.
    let rm = f.ensure_node("/reserved-memory").unwrap();
    rm.set_property_u32("#address-cells", 1).unwrap();
    rm.set_property_u32("#size-cells", 1).unwrap();
    let before = f.clone();
    let high = [ReservedRegion {
        name: "hi",
        base: 0x1_0000_0000,
        size: 0x1000,
    }];
    let p = BootParams {
        reserved: &high,
        ..params()
    };
    assert_eq!(fixup_for_boot(&mut f, &p), Err(FdtError::CellOverflow));
    assert_eq!(f, before);
    // ... but a 32-bit one is encoded in one cell each.
    let low = [ReservedRegion {
        name: "lo",
        base: 0x4ff0_0000,
        size: 0x1000,
    }];
    let p = BootParams {
        reserved: &low,
        ..params()
    };
    fixup_for_boot(&mut f, &p).unwrap();
    assert_eq!(
        f.property("/reserved-memory/lo@4ff00000", "reg").unwrap(),
        cells::encode_cells(&[0x4ff0_0000, 0x1000])
    );
}

/// Decompiles with `dtc` (when installed) and checks the text the OS would be given.
#[test]
fn fixup_output_accepted_by_dtc() {
    let mut f = Fdt::parse(VIRT).unwrap();
    fixup_for_boot(&mut f, &params()).unwrap();
    let blob = f.to_bytes().unwrap();
    let dir = std::env::temp_dir().join(format!("oxtee-fdt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fixed.dtb");
    std::fs::write(&path, &blob).unwrap();
    let out = std::process::Command::new("dtc")
        .args(["-I", "dtb", "-O", "dts", "-q"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let Ok(out) = out else {
        eprintln!("dtc not installed; skipping the dtc cross-check");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dts = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "psci {",
        "compatible = \"arm,psci-1.0\\0arm,psci-0.2\\0arm,psci\";",
        "method = \"smc\";",
        "enable-method = \"psci\";",
        "bootargs = \"console=ttyAMA0 root=/dev/vda rw\";",
        "linux,initrd-start = <0x00 0x48000000>;",
        "linux,initrd-end = <0x00 0x48123456>;",
        "oxtee_monitor@e000000 {",
        "reg = <0x00 0xe000000 0x00 0x100000>;",
        "no-map;",
        "stdout-path = \"/pl011@9000000\";",
    ] {
        assert!(dts.contains(needle), "missing `{needle}` in:\n{dts}");
    }
}

#[test]
fn secure_os_announces_itself_and_reserves_its_memory() {
    let mut f = Fdt::parse(VIRT).unwrap();
    let core = [ReservedRegion {
        name: "optee_core",
        base: 0x0e10_0000,
        size: 0x00f0_0000,
    }];
    announce_optee(&mut f, &core, Some([0, 187, 1])).unwrap();
    let bytes = f.to_bytes().unwrap();
    let f = Fdt::parse(&bytes).unwrap();
    let optee = f.node("/firmware/optee").unwrap();
    assert_eq!(optee.property_str("compatible"), Some("linaro,optee-tz"));
    assert_eq!(optee.property_str("method"), Some("smc"));
    assert_eq!(
        optee.property("interrupts"),
        Some(&cells::encode_cells(&[0, 187, 1])[..])
    );
    let rm = f.node("/reserved-memory").unwrap();
    assert_eq!(rm.property_u32("#address-cells"), Some(2));
    assert_eq!(rm.property_u32("#size-cells"), Some(2));
    assert_eq!(rm.property("ranges"), Some(&[][..]));
    let node = f.node("/reserved-memory/optee_core@e100000").unwrap();
    assert_eq!(
        cells::decode_reg(node.property("reg").unwrap(), 2, 2).unwrap(),
        [(0x0e10_0000, 0x00f0_0000)]
    );
    assert_eq!(node.property("no-map"), Some(&[][..]));

    // Announcing twice changes nothing; an existing node is left as it is.
    let mut again = f.clone();
    announce_optee(&mut again, &core, Some([0, 187, 1])).unwrap();
    assert_eq!(again.to_bytes().unwrap(), bytes);
    let mut custom = Fdt::parse(VIRT).unwrap();
    custom
        .ensure_node("/firmware/optee")
        .unwrap()
        .set_property_str("method", "hvc")
        .unwrap();
    announce_optee(&mut custom, &[], Some([0, 187, 1])).unwrap();
    assert_eq!(
        custom
            .node("/firmware/optee")
            .unwrap()
            .property_str("method"),
        Some("hvc")
    );
    assert!(custom.node("/reserved-memory").is_none());
    assert!(custom
        .node("/firmware/optee")
        .unwrap()
        .property("interrupts")
        .is_none());

    // A bad region name leaves the tree untouched.
    let mut bad = Fdt::parse(VIRT).unwrap();
    let before = bad.to_bytes().unwrap();
    let wrong = [ReservedRegion {
        name: "a@b",
        ..core[0]
    }];
    assert_eq!(
        announce_optee(&mut bad, &wrong, None),
        Err(FdtError::BadName)
    );
    assert_eq!(bad.to_bytes().unwrap(), before);
}

#[test]
fn boot_seeds_taken_from_qemu_tree() {
    use oxtee_fdt::seed::take_boot_seeds;
    let mut f = Fdt::parse(VIRT).unwrap();
    let original: Vec<Vec<u8>> = ["/secure-chosen", "/chosen"]
        .iter()
        .flat_map(|n| ["rng-seed", "kaslr-seed"].map(|p| f.property(n, p).unwrap().to_vec()))
        .collect();
    assert_eq!(
        original.iter().map(Vec::len).collect::<Vec<_>>(),
        [32, 8, 32, 8]
    );
    let seeds = take_boot_seeds(&mut f);
    assert_eq!(seeds.total_len(), 80);
    let mut n = 0u8;
    let written = seeds
        .give_fresh_to_normal_world(&mut f, |_, b| {
            for x in b.iter_mut() {
                n = n.wrapping_add(0x3b);
                *x = n;
            }
            true
        })
        .unwrap();
    assert_eq!(written, 2);
    assert_eq!(f.property("/chosen", "rng-seed").unwrap().len(), 32);
    assert_eq!(f.property("/chosen", "kaslr-seed").unwrap().len(), 8);
    assert!(f.property("/secure-chosen", "rng-seed").is_none());
    assert!(f.property("/secure-chosen", "kaslr-seed").is_none());
    // None of the original seed bytes is left in what Linux gets.
    let out = f.to_bytes().unwrap();
    for s in &original {
        assert!(!out.windows(s.len()).any(|w| w == s.as_slice()));
    }
    // Everything else is as before.
    let mut g = Fdt::parse(VIRT).unwrap();
    for n in ["/secure-chosen", "/chosen"] {
        for p in ["rng-seed", "kaslr-seed"] {
            g.remove_property(n, p).unwrap();
        }
    }
    for p in ["rng-seed", "kaslr-seed"] {
        let v = f.property("/chosen", p).unwrap().to_vec();
        g.set_property("/chosen", p, &v).unwrap();
    }
    assert_eq!(f, g);
}
