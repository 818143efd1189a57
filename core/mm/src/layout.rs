use core::ops::Range;

use crate::MmError;

/// How a region is mapped. Every mapping is global, EL1-only (no EL0 access), with the access
/// flag set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemKind {
    /// Code: secure Normal WB memory, read-only, executable at EL1, UXN.
    Text,
    /// Constants: secure Normal WB memory, read-only, never executable.
    RoData,
    /// Data, stacks, heap: secure Normal WB memory, read-write, never executable.
    Data,
    /// Normal-world RAM: Normal WB memory with `NS=1`, read-write, never executable.
    NsRam,
    /// Device registers: Device-nGnRnE, secure accesses, read-write, never executable.
    Device,
}

/// One identity-mapped range of addresses (`start` and `end` 4 KiB aligned; empty ranges are
/// skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Addresses covered (VA = PA).
    pub range: Range<u64>,
    /// Attributes.
    pub kind: MemKind,
}

/// Everything to map. Regions must not overlap; addresses in no region stay unmapped and
/// fault.
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    /// The regions, in any order.
    pub regions: &'a [Region],
}

/// Where the image's sections are, from its linker symbols. Everything from `rodata_end` to
/// `tzdram_end` (`.data`, `.bss`, `.stacks`, `.heap` and the free rest of TZDRAM) is
/// read-write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLayout {
    /// `__text_start`.
    pub text_start: u64,
    /// `__text_end`.
    pub text_end: u64,
    /// `__rodata_start`.
    pub rodata_start: u64,
    /// `__rodata_end` (= start of `.data`).
    pub rodata_end: u64,
    /// End of the secure OS's RAM (TZDRAM), from the board's layout.
    pub tzdram_end: u64,
}

/// The regions the oxtee core maps: the image's sections (W^X), the rest of TZDRAM
/// read-write, normal-world RAM `ns_ram` (from the DT) as non-secure, and the board's two
/// device windows (on QEMU `virt` the GIC and the 1 MiB holding the UARTs).
pub fn kernel_regions(
    image: &ImageLayout,
    ns_ram: Range<u64>,
    devices: [Range<u64>; 2],
) -> [Region; 6] {
    let [gic, uart] = devices;
    [
        Region {
            range: image.text_start..image.text_end,
            kind: MemKind::Text,
        },
        Region {
            range: image.rodata_start..image.rodata_end,
            kind: MemKind::RoData,
        },
        Region {
            range: image.rodata_end..image.tzdram_end,
            kind: MemKind::Data,
        },
        Region {
            range: ns_ram,
            kind: MemKind::NsRam,
        },
        Region {
            range: gic,
            kind: MemKind::Device,
        },
        Region {
            range: uart,
            kind: MemKind::Device,
        },
    ]
}

/// Copies `regions` into `out` with the 4 KiB pages at `holes` left out
/// (guard pages below stacks: an overflow faults instead of overwriting
/// what lies below). Returns how many regions `out` holds. A hole must be
/// 4 KiB aligned; a hole outside every region changes nothing.
pub fn punch_holes(
    regions: &[Region],
    holes: &[u64],
    out: &mut [Region],
) -> Result<usize, MmError> {
    let mut n = 0;
    let mut push = |r: Region, n: &mut usize| -> Result<(), MmError> {
        if r.range.start < r.range.end {
            *out.get_mut(*n).ok_or(MmError::OutOfTables)? = r;
            *n += 1;
        }
        Ok(())
    };
    for r in regions {
        let mut cuts: heapless_sorted::Cuts = heapless_sorted::Cuts::default();
        for &h in holes {
            if h % crate::PAGE_SIZE != 0 {
                return Err(MmError::Unaligned { addr: h });
            }
            if h >= r.range.start && h < r.range.end {
                cuts.insert(h)?;
            }
        }
        let mut start = r.range.start;
        for &h in cuts.as_slice() {
            push(
                Region {
                    range: start..h,
                    kind: r.kind,
                },
                &mut n,
            )?;
            start = h + crate::PAGE_SIZE;
        }
        push(
            Region {
                range: start..r.range.end,
                kind: r.kind,
            },
            &mut n,
        )?;
    }
    Ok(n)
}

/// A small sorted set of hole addresses (no allocation: the tables are built
/// before the heap exists).
mod heapless_sorted {
    use crate::MmError;

    /// Up to 32 sorted, distinct addresses.
    #[derive(Default)]
    pub(super) struct Cuts {
        v: [u64; 32],
        n: usize,
    }

    impl Cuts {
        pub(super) fn insert(&mut self, a: u64) -> Result<(), MmError> {
            let pos = self.v[..self.n].partition_point(|&x| x < a);
            if self.v[..self.n].get(pos) == Some(&a) {
                return Ok(());
            }
            if self.n == self.v.len() {
                return Err(MmError::OutOfTables);
            }
            self.v.copy_within(pos..self.n, pos + 1);
            self.v[pos] = a;
            self.n += 1;
            Ok(())
        }

        pub(super) fn as_slice(&self) -> &[u64] {
            &self.v[..self.n]
        }
    }
}

#[cfg(test)]
mod hole_tests {
    use super::*;

    fn data(r: Range<u64>) -> Region {
        Region {
            range: r,
            kind: MemKind::Data,
        }
    }

    #[test]
    fn holes_split_regions() {
        let regs = [
            data(0x1000..0x9000),
            Region {
                range: 0x10000..0x12000,
                kind: MemKind::Text,
            },
        ];
        let mut out = [data(0..0), data(0..0), data(0..0), data(0..0), data(0..0)];
        let n = punch_holes(&regs, &[0x3000, 0x1000, 0x20000, 0x8000], &mut out).unwrap();
        assert_eq!(n, 3);
        assert_eq!(out[0], data(0x2000..0x3000));
        assert_eq!(out[1], data(0x4000..0x8000));
        assert_eq!(out[2].range, 0x10000..0x12000);
    }

    #[test]
    fn bad_holes_refused() {
        let regs = [data(0x1000..0x9000)];
        let mut out = [data(0..0)];
        assert!(punch_holes(&regs, &[0x1800], &mut out).is_err());
        // Two pieces do not fit in one slot.
        assert!(punch_holes(&regs, &[0x4000], &mut out).is_err());
    }
}
