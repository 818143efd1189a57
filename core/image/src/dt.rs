//! The normal world's DT handed over in x2 at cold boot: read its memory and
//! announce the TEE to Linux (`/firmware/optee`, `reserved-memory`), as
//! OP-TEE does.

use core::ops::Range;

/// Room the DT may grow into (OP-TEE's `CFG_DTB_MAX_SIZE`).
const DTB_MAX_SIZE: usize = oxtee_qemu_virt::DTB.size;

/// Adds `/firmware/optee` to the DT at `dtb` and returns the normal world's
/// RAM (first `/memory` range). The address comes from EL3 and is checked
/// before any of its memory is read: aligned, inside the normal world's RAM
/// (never secure RAM), with a header whose size fits the room there.
pub fn update(dtb: u64) -> Result<Range<u64>, oxtee_fdt::FdtError> {
    let ns = oxtee_qemu_virt::NS_RAM;
    let room = oxtee_fdt::blob_room(dtb, &(ns.base as u64..ns.end() as u64), DTB_MAX_SIZE)?;
    let mut header = [0u8; oxtee_fdt::HEADER_SIZE];
    // SAFETY: `blob_room` checked that the header lies, aligned, in normal-world RAM, mapped flat during cold boot; no Rust object lives there.
    unsafe { oxtee_drivers::foreign::copy_from(dtb as *const u8, &mut header) };
    oxtee_fdt::blob_total_size(&header, room)?;
    // SAFETY: [dtb, dtb + room) is normal-world RAM (checked above) that EL3 reserves for the DT; no other CPU runs during cold boot and Linux has not started, so nothing else accesses it.
    let buf = unsafe { core::slice::from_raw_parts_mut(dtb as *mut u8, room) };
    let mut fdt = oxtee_fdt::Fdt::parse(buf)?;
    let ram = normal_ram(&fdt).unwrap_or(0x4000_0000..0x8000_0000);
    // The whole of the core's TZDRAM, as OP-TEE's `optee_core` node: Linux
    // must never map it, wherever the board puts it. There is no reserved
    // shared-memory window to list (dynamic shared memory only).
    let core = [oxtee_fdt::ReservedRegion {
        name: "optee_core",
        base: oxtee_qemu_virt::BL32_RAM.base as u64,
        size: oxtee_qemu_virt::BL32_RAM.size as u64,
    }];
    oxtee_fdt::announce_optee(&mut fdt, &core)?;
    fdt.write_into(buf)?;
    Ok(ram)
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
