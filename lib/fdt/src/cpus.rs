//! The CPUs a device tree describes.

use crate::cells::decode_reg;
use crate::tree::Fdt;

/// The CPUs of `/cpus` as a bit set of their MPIDR Aff0 fields (bit `n`:
/// the CPU whose `reg` is `n`), counting every node of `device_type`
/// "cpu" whatever its `status`: a CPU the normal world never starts is
/// still there. `None` when the tree has no CPU, or one whose `reg` is
/// malformed or outside Aff0 0..=31 (other affinity levels included),
/// so that a caller can fall back to what it assumed before.
pub fn cpu_aff0_mask(fdt: &Fdt) -> Option<u32> {
    let cpus = fdt.node("/cpus")?;
    let address_cells = cpus.property_u32("#address-cells").unwrap_or(2);
    let mut mask = 0u32;
    for cpu in cpus
        .children()
        .iter()
        .filter(|c| c.property_str("device_type") == Some("cpu"))
    {
        let reg = decode_reg(cpu.property("reg")?, address_cells, 0).ok()?;
        let [(mpidr, _)] = reg.as_slice() else {
            return None;
        };
        let bit = u32::try_from(*mpidr).ok().filter(|&a| a < 32)?;
        mask |= 1 << bit;
    }
    (mask != 0).then_some(mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(cells: u32, regs: &[&[u32]]) -> Fdt {
        let mut f = Fdt::new();
        let cpus = f.ensure_node("/cpus").unwrap();
        cpus.set_property_u32("#address-cells", cells).unwrap();
        cpus.set_property_u32("#size-cells", 0).unwrap();
        for (i, reg) in regs.iter().enumerate() {
            let c = f.add_node("/cpus", &alloc::format!("cpu@{i}")).unwrap();
            c.set_property_str("device_type", "cpu").unwrap();
            c.set_property_cells("reg", reg).unwrap();
        }
        f
    }

    #[test]
    fn one_two_and_sparse_cpus() {
        assert_eq!(cpu_aff0_mask(&tree(1, &[&[0]])), Some(0b1));
        assert_eq!(cpu_aff0_mask(&tree(2, &[&[0, 0], &[0, 1]])), Some(0b11));
        assert_eq!(cpu_aff0_mask(&tree(1, &[&[0], &[3]])), Some(0b1001));
    }

    #[test]
    fn other_nodes_and_disabled_cpus() {
        let mut f = tree(1, &[&[0], &[1]]);
        f.add_node("/cpus", "cpu-map").unwrap();
        f.set_property("/cpus/cpu@1", "status", b"disabled\0")
            .unwrap();
        assert_eq!(cpu_aff0_mask(&f), Some(0b11), "a disabled CPU still exists");
    }

    #[test]
    fn unusable_trees_give_none() {
        assert_eq!(cpu_aff0_mask(&Fdt::new()), None, "no /cpus");
        assert_eq!(cpu_aff0_mask(&tree(1, &[])), None, "no CPU");
        assert_eq!(cpu_aff0_mask(&tree(1, &[&[32]])), None, "Aff0 past 31");
        assert_eq!(cpu_aff0_mask(&tree(1, &[&[0x100]])), None, "Aff1");
        assert_eq!(cpu_aff0_mask(&tree(2, &[&[1, 0]])), None, "Aff3");
        assert_eq!(cpu_aff0_mask(&tree(1, &[&[0, 1]])), None, "two regs");
        assert_eq!(cpu_aff0_mask(&tree(3, &[&[0, 0, 0]])), None, "3 cells");
        let mut f = tree(1, &[&[0]]);
        f.set_property("/cpus/cpu@0", "reg", &[0, 0]).unwrap();
        assert_eq!(cpu_aff0_mask(&f), None, "short reg");
        f.remove_property("/cpus/cpu@0", "reg").unwrap();
        assert_eq!(cpu_aff0_mask(&f), None, "no reg");
    }
}
