//! Review tests of the image's hardware seams, where QEMU cannot show the fault: an EL1 return
//! state, a stale instruction cache on another CPU, a torn read of normal-world memory. Each
//! checks that the code keeps the one construct that makes the seam sound.

const USER: &str = include_str!("../src/user.rs");
const CACHE: &str = include_str!("../src/cache.rs");
const MMU: &str = include_str!("../src/mmu.rs");
const INTERRUPT: &str = include_str!("../src/interrupt.rs");
const THREAD: &str = include_str!("../src/thread.rs");
const ENTRY: &str = include_str!("../src/entry.rs");
const FP: &str = include_str!("../src/fp.rs");
const SYSREG: &str = include_str!("../src/sysreg.rs");
const NS_MEMORY: &str = include_str!("../src/ns_memory.rs");

/// The text of the first `fn name(` in `src`, up to the closing brace at its indentation.
fn body<'a>(src: &'a str, name: &str) -> &'a str {
    let start = src
        .find(&format!("fn {name}("))
        .unwrap_or_else(|| panic!("no fn {name}"));
    let line = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let close = format!("\n{}}}\n", &src[line..start].replace("pub ", ""));
    let end = src[start..]
        .find(&close)
        .unwrap_or_else(|| panic!("fn {name} has no end"));
    &src[start..start + end]
}

/// Where `needle` first occurs in `hay`, or a failure naming it.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` missing"))
}

#[test]
fn ta_entry_forces_an_el0_return_state() {
    let run = body(USER, "run");
    assert!(
        at(run, "regs.spsr = el0_spsr(regs.spsr)") < at(run, "user_enter(regs,"),
        "the SPSR must be sanitised right before entering the TA"
    );
}

#[test]
fn ta_code_reaches_every_cpus_instruction_fetch() {
    // The sequence itself is unit-tested in `cache.rs` on the fake registers.
    let sync = body(USER, "sync_code");
    assert!(at(sync, "frames_range(pa, len)") < at(sync, "crate::cache::sync_code(pa, len)"));
    assert!(!USER.contains("ic iallu"), "local-only invalidate");
    let code = &CACHE[..at(CACHE, "#[cfg(test)]")];
    assert!(!code.contains("ic_iallu()"), "local-only invalidate");
    assert!(at(body(CACHE, "sync_code"), "ic_ialluis()") > 0);
    assert!(at(body(CACHE, "dcache_line"), "ctr_el0") > 0);
}

#[test]
fn registers_are_reached_only_through_sysreg() {
    for (name, src) in [
        ("user.rs", USER),
        ("cache.rs", CACHE),
        ("mmu.rs", MMU),
        ("interrupt.rs", INTERRUPT),
        ("thread.rs", THREAD),
        ("entry.rs", ENTRY),
        ("fp.rs", FP),
    ] {
        assert!(
            !src.contains("asm!(\""),
            "{name} issues its own instructions"
        );
    }
    // Writes that change translation, permissions or masking are `unsafe fn`.
    for f in [
        "set_ttbr0_el1",
        "set_pan",
        "unmask_irq",
        "enable_mmu",
        "set_cpacr_el1",
    ] {
        assert!(
            SYSREG.contains(&format!("pub unsafe fn {f}(")),
            "{f} is safe"
        );
    }
}

#[test]
fn normal_world_memory_is_copied_with_volatile_accesses() {
    let ns = &NS_MEMORY
        [at(NS_MEMORY, "impl PhysMem for NsMemory")..at(NS_MEMORY, "pub fn take_boot_dt")];
    assert!(ns.contains("oxtee_drivers::foreign::copy_from("));
    assert!(ns.contains("oxtee_drivers::foreign::copy_to("));
    assert!(!ns.contains("copy_nonoverlapping"));
    assert!(!NS_MEMORY.contains("MMU is off"), "stale comment");
}

#[test]
fn the_dt_address_is_checked_before_its_memory_is_used() {
    let take = body(NS_MEMORY, "take_boot_dt");
    let slice = at(take, "from_raw_parts_mut(dtb as *mut u8, room)");
    let read = at(take, "foreign::copy_from(dtb");
    assert!(at(take, "oxtee_fdt::blob_room(") < read);
    assert!(read < at(take, "oxtee_fdt::blob_total_size(&header, room)?"));
    assert!(at(take, "blob_total_size") < at(take, "TAKEN.swap("));
    assert!(at(take, "TAKEN.swap(") < slice, "handed out once");
    assert_eq!(take.matches("from_raw_parts").count(), 1);
}

#[test]
fn parameter_pages_are_invalidated_after_unmapping_and_published_after_mapping() {
    let unmap = body(USER, "unmap_leaves");
    assert!(
        at(unmap, "oxtee_mm::unmap_leaves(") < at(unmap, "crate::tlb::drop_user_pages(asid, va,"),
        "TLB entries must be dropped after the leaf entries are cleared, before returning"
    );
    let map = body(USER, "map_leaves");
    assert!(
        at(map, "oxtee_mm::map_leaves(") < at(map, "crate::tlb::publish_new_pages()"),
        "new leaf entries must be published before the TA runs"
    );
}
