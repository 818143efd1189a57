//! The normal world's DT handed over in x2 at cold boot: read its memory,
//! take the boot seeds for the DRBG (handing Linux fresh ones), and announce
//! the TEE to Linux (`/firmware/optee`, `reserved-memory`), as OP-TEE does.

use alloc::sync::Arc;
use core::ops::Range;

use oxtee_fdt::seed::{take_boot_seeds, BootSeeds};
use oxtee_pta::rng::{BootSeed, EntropySource, SharedRng};

use oxtee_arch::log::{error, info};

/// `IRQ_TYPE_EDGE_RISING` of the GIC binding's third interrupt cell.
const IRQ_TYPE_EDGE_RISING: u32 = 1;
/// Room the DT may grow into (OP-TEE's `CFG_DTB_MAX_SIZE`).
const DTB_MAX_SIZE: usize = oxtee_qemu_virt::DTB.size;

/// What the core takes from the DT.
pub(crate) struct FromDt {
    /// The normal world's RAM (first `/memory` range).
    pub(crate) ram: Range<u64>,
    /// The DRBG, seeded from the DT's seeds and `RNDR`; `None` with neither.
    pub(crate) rng: Option<Arc<SharedRng>>,
    /// The CPUs it lists (Aff0 bit set); `None` when it lists none usable.
    pub(crate) cpus: Option<u32>,
}

/// Takes the boot seeds out of the DT at `dtb` (Linux gets fresh ones from
/// the DRBG, seeded from them and `rndr`), announces the TEE and returns RAM
/// and DRBG. The address comes from EL3: `take_boot_dt` checks it before any
/// of its memory is read.
pub(crate) fn update(
    dtb: u64,
    rndr: Option<Arc<dyn EntropySource>>,
) -> Result<FromDt, oxtee_fdt::FdtError> {
    let buf = oxtee_arch::ns_memory::take_boot_dt(dtb, DTB_MAX_SIZE)?;
    let mut fdt = oxtee_fdt::Fdt::parse(buf)?;
    let ram = normal_ram(&fdt).unwrap_or(0x4000_0000..0x8000_0000);
    let cpus = oxtee_fdt::cpu_aff0_mask(&fdt);
    let seeds = take_boot_seeds(&mut fdt);
    let rng = seed_rng(rndr, &boot_seeds(&seeds)).map(Arc::new);
    let handed = seeds.give_fresh_to_normal_world(&mut fdt, |name, out| {
        let domain: &[u8] = match name {
            "kaslr-seed" => b"oxtee-dt-kaslr-seed",
            _ => b"oxtee-dt-rng-seed",
        };
        rng.as_ref()
            .is_some_and(|r| r.fill_for(domain, out).is_ok())
    })?;
    drop(seeds);
    if handed > 0 {
        info!(
            "DT: ",
            handed, " seed(s) replaced with fresh ones for the normal world"
        );
    }
    // The whole of the core's TZDRAM, as OP-TEE's `optee_core` node: Linux
    // must never map it, wherever the board puts it. There is no reserved
    // shared-memory window to list (dynamic shared memory only).
    let core = [oxtee_fdt::ReservedRegion {
        name: "optee_core",
        base: oxtee_qemu_virt::BL32_RAM.base as u64,
        size: oxtee_qemu_virt::BL32_RAM.size as u64,
    }];
    // The asynchronous-notification SPI, edge rising, as OP-TEE announces it.
    let notif = [
        0,
        oxtee_qemu_virt::intid::ASYNC_NOTIF - 32,
        IRQ_TYPE_EDGE_RISING,
    ];
    oxtee_fdt::announce_optee(&mut fdt, &core, Some(notif))?;
    // Wipes the old blob's tail too: it may still hold the seeds we took.
    fdt.replace_in(buf)?;
    Ok(FromDt { ram, rng, cpus })
}

/// Seeds the DRBG from every source present: `rndr` and the boot seeds.
/// `None` (said once on the console) when there is none: then nothing
/// random is handed out at all.
fn seed_rng(rndr: Option<Arc<dyn EntropySource>>, seeds: &[BootSeed<'_>]) -> Option<SharedRng> {
    let seed_bytes: usize = seeds.iter().map(|s| s.bytes.len()).sum();
    let has_rndr = rndr.is_some();
    let rng = match SharedRng::with_sources(rndr, seeds) {
        Err(_) if has_rndr => {
            error!("RNDR failed its first use; not used");
            SharedRng::with_sources(None, seeds)
        }
        r => r,
    };
    match &rng {
        Ok(r) if r.has_source() => {
            info!("RNG: RNDR and ", seed_bytes, " byte(s) of boot seed")
        }
        Ok(_) => info!("RNG: ", seed_bytes, " byte(s) of boot seed, no RNDR"),
        Err(_) => error!(
            "no entropy source (no RNDR, ",
            seed_bytes, " byte(s) of DT rng-seed): no RNG PTA, TA random and TA loading fail"
        ),
    }
    rng.ok()
}

fn boot_seeds(seeds: &BootSeeds) -> alloc::vec::Vec<BootSeed<'_>> {
    seeds
        .taken()
        .iter()
        .map(|t| BootSeed {
            origin: t.node,
            name: t.name,
            bytes: &t.value,
        })
        .collect()
}

fn normal_ram(fdt: &oxtee_fdt::Fdt) -> Option<Range<u64>> {
    let ac = fdt.root_address_cells();
    let sc = fdt.root_size_cells();
    let mem = fdt
        .root()
        .children()
        .iter()
        .find(|n| n.property_str("device_type") == Some("memory"))?;
    let reg = mem.property("reg")?;
    let cell = |i: u32| -> Option<u64> {
        let o = (i * 4) as usize;
        Some(u64::from(u32::from_be_bytes(
            reg.get(o..o + 4)?.try_into().ok()?,
        )))
    };
    let read = |start: u32, n: u32| -> Option<u64> {
        (0..n).try_fold(0u64, |acc, i| Some((acc << 32) | cell(start + i)?))
    };
    let base = read(0, ac)?;
    let size = read(ac, sc)?;
    Some(base..base.checked_add(size)?)
}
