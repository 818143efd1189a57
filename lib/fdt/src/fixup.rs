//! The device-tree changes the EL3 firmware makes before booting the secure OS and Linux:
//! `/psci`, CPU enable methods, `/chosen`, and extra `/reserved-memory` regions.

use alloc::string::String;

use crate::cells;
use crate::tree::{check_node_name, Fdt};
use crate::FdtError;

/// `compatible` of the `/psci` node, most specific first.
pub const PSCI_COMPATIBLE: [&str; 3] = ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"];

/// An initrd in normal-world physical memory: `start..end` (end exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Initrd {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// A region to list under `/reserved-memory` with `no-map`, as node `name@<base in hex>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReservedRegion<'a> {
    /// Node base name (no `@`), e.g. `oxtee_monitor`.
    pub name: &'a str,
    /// Physical base address.
    pub base: u64,
    /// Size in bytes.
    pub size: u64,
}

/// What the firmware knows at boot time that the device tree must say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BootParams<'a> {
    /// Kernel command line for `/chosen/bootargs`; `None` leaves an existing one alone.
    pub bootargs: Option<&'a str>,
    /// Initrd for `/chosen/linux,initrd-{start,end}`; `None` leaves existing ones alone.
    pub initrd: Option<Initrd>,
    /// Extra `no-map` regions for `/reserved-memory`.
    pub reserved: &'a [ReservedRegion<'a>],
}

/// Counts of what [`fixup_for_boot`] changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixupReport {
    /// `/psci`-like nodes that existed before and were replaced (0 on QEMU).
    pub psci_nodes_replaced: usize,
    /// CPU nodes whose `enable-method` was set.
    pub cpus: usize,
    /// Whether `/chosen` had to be created.
    pub chosen_created: bool,
    /// Whether `/reserved-memory` had to be created.
    pub reserved_memory_created: bool,
    /// Regions written under `/reserved-memory`.
    pub reserved_regions: usize,
}

/// Applies the boot fix-ups. All or nothing: on error `fdt` is unchanged.
///
/// * `/psci`: exactly one node, `compatible = "arm,psci-1.0", "arm,psci-0.2", "arm,psci"`,
///   `method = "smc"`, nothing else (older function-id properties are dropped; PSCI 0.2+ ids
///   are fixed by the specification).
/// * every child of `/cpus` with `device_type = "cpu"`: `enable-method = "psci"`, no
///   `cpu-release-addr`.
/// * `/chosen` (created if missing): `bootargs`, and `linux,initrd-start`/`-end` as two-cell
///   values, when given. `stdout-path` and everything else are kept.
/// * `/reserved-memory` (created with the root's `#address-cells`/`#size-cells` and an empty
///   `ranges` if missing): one `name@base` child per region with `reg` and `no-map`.
pub fn fixup_for_boot(fdt: &mut Fdt, params: &BootParams<'_>) -> Result<FixupReport, FdtError> {
    let mut work = fdt.clone();
    let mut report = FixupReport::default();

    // PSCI: keep the position of an existing `psci` node, drop any other `psci@...` nodes.
    let root = work.root_mut();
    report.psci_nodes_replaced = root
        .children()
        .iter()
        .filter(|c| c.base_name() == "psci")
        .count();
    let mut kept = false;
    root.retain_children(|c| {
        if c.base_name() != "psci" {
            return true;
        }
        let keep = !kept && c.name() == "psci";
        kept |= keep;
        keep
    });
    let psci = match root.child_mut("psci") {
        Some(p) if p.name() == "psci" => p,
        _ => root.add_child("psci")?,
    };
    psci.clear();
    psci.set_property_strings("compatible", &PSCI_COMPATIBLE)?;
    psci.set_property_str("method", "smc")?;

    // CPUs.
    if let Some(cpus) = work.node_mut("/cpus") {
        for cpu in cpus.children_mut() {
            if cpu.property_str("device_type") == Some("cpu") {
                cpu.set_property_str("enable-method", "psci")?;
                cpu.remove_property("cpu-release-addr");
                report.cpus = report.cpus.saturating_add(1);
            }
        }
    }

    // /chosen.
    report.chosen_created = work.node("/chosen").is_none();
    let chosen = work.ensure_node("/chosen")?;
    if let Some(args) = params.bootargs {
        chosen.set_property_str("bootargs", args)?;
    }
    if let Some(initrd) = params.initrd {
        if initrd.end < initrd.start {
            return Err(FdtError::BadValue);
        }
        chosen.set_property_u64("linux,initrd-start", initrd.start)?;
        chosen.set_property_u64("linux,initrd-end", initrd.end)?;
    }

    // /reserved-memory.
    let (created, regions) = reserve_regions(&mut work, params.reserved)?;
    report.reserved_memory_created = created;
    report.reserved_regions = regions;

    *fdt = work;
    Ok(report)
}

/// Lists `regions` under `/reserved-memory` with `no-map` (the node is created
/// with the root's `#address-cells`/`#size-cells` and an empty `ranges` if
/// missing; an existing `name@base` child is replaced). Returns whether the
/// node was created and how many regions were written. Not atomic: callers
/// work on a copy.
fn reserve_regions(
    work: &mut Fdt,
    regions: &[ReservedRegion<'_>],
) -> Result<(bool, usize), FdtError> {
    if regions.is_empty() {
        return Ok((false, 0));
    }
    let root_ac = work.root_address_cells();
    let root_sc = work.root_size_cells();
    let created = work.node("/reserved-memory").is_none();
    let rm = work.ensure_node("/reserved-memory")?;
    if created {
        rm.set_property_u32("#address-cells", root_ac)?;
        rm.set_property_u32("#size-cells", root_sc)?;
        rm.set_property_empty("ranges")?;
    }
    let ac = rm.property_u32("#address-cells").unwrap_or(root_ac);
    let sc = rm.property_u32("#size-cells").unwrap_or(root_sc);
    for r in regions {
        check_node_name(r.name)?;
        if r.name.as_bytes().contains(&b'@') {
            return Err(FdtError::BadName);
        }
        let reg = cells::encode_reg(r.base, r.size, ac, sc)?;
        let name = unit_name(r.name, r.base);
        let node = match rm.child_mut(&name) {
            Some(n) => n,
            None => rm.add_child(&name)?,
        };
        node.clear();
        node.set_property("reg", &reg)?;
        node.set_property_empty("no-map")?;
    }
    Ok((created, regions.len()))
}

/// What the secure OS adds to the normal world's device tree, as OP-TEE
/// does: `/firmware/optee` (`compatible = "linaro,optee-tz"`,
/// `method = "smc"`, and `interrupts` when it offers asynchronous
/// notifications; an existing node is kept as it is) and its memory under
/// `/reserved-memory` with `no-map`, so that a board whose secure RAM lies
/// inside the DRAM Linux sees never maps it. All or nothing: on error `fdt`
/// is unchanged.
pub fn announce_optee(
    fdt: &mut Fdt,
    reserved: &[ReservedRegion<'_>],
    interrupt: Option<[u32; 3]>,
) -> Result<(), FdtError> {
    let mut work = fdt.clone();
    if work.node("/firmware/optee").is_none() {
        let node = work.ensure_node("/firmware/optee")?;
        node.set_property_str("compatible", "linaro,optee-tz")?;
        node.set_property_str("method", "smc")?;
        if let Some(cells) = interrupt {
            node.set_property_cells("interrupts", &cells)?;
        }
    }
    reserve_regions(&mut work, reserved)?;
    *fdt = work;
    Ok(())
}

/// `name@<base in lower-case hex>`, built by hand: the core's image has no
/// `core::fmt`.
fn unit_name(name: &str, base: u64) -> String {
    let digits = (64 - (base | 1).leading_zeros()).div_ceil(4);
    let mut s = String::with_capacity(name.len() + 1 + digits as usize);
    s.push_str(name);
    s.push('@');
    for i in (0..digits).rev() {
        s.push(char::from(
            b"0123456789abcdef"[((base >> (4 * i)) & 0xf) as usize],
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::unit_name;

    #[test]
    fn unit_names_are_lower_hex() {
        for base in [0u64, 1, 0xf, 0x10, 0xe10_0000, 0x4000_0000, u64::MAX] {
            assert_eq!(
                unit_name("optee_core", base),
                alloc::format!("optee_core@{base:x}")
            );
        }
    }
}
