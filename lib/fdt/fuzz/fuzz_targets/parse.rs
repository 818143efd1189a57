//! Parse arbitrary bytes; whatever parses must serialize, re-parse to the same tree, and
//! survive the boot fix-ups and the boot-seed hand-over.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_fdt::seed::{take_boot_seeds, MAX_REPLACEMENT, SEED_NODES, SEED_PROPERTIES};
use oxtee_fdt::{fixup_for_boot, BootParams, Fdt, Initrd, ReservedRegion};

fuzz_target!(|data: &[u8]| {
    let Ok(fdt) = Fdt::parse(data) else {
        return;
    };
    let bytes = fdt.to_bytes().expect("a parsed tree serializes");
    let again = Fdt::parse(&bytes).expect("our own output parses");
    assert_eq!(again, fdt);
    // The CPU set the core trusts for its flash anchor: never empty.
    assert_ne!(oxtee_fdt::cpu_aff0_mask(&fdt), Some(0));

    // Boot seeds: all taken, none left in the secure node, fresh ones bounded in size.
    let mut seeded = fdt.clone();
    let seeds = take_boot_seeds(&mut seeded);
    for node in SEED_NODES {
        for name in SEED_PROPERTIES {
            assert!(seeded.property(node, name).is_none());
        }
    }
    if seeds
        .give_fresh_to_normal_world(&mut seeded, |_, b| {
            b.fill(0x5a);
            true
        })
        .is_ok()
    {
        assert!(seeded.property(SEED_NODES[0], SEED_PROPERTIES[0]).is_none());
        for name in SEED_PROPERTIES {
            let v = seeded.property("/chosen", name).map_or(0, <[u8]>::len);
            assert!(v <= MAX_REPLACEMENT);
        }
        let bytes = seeded.to_bytes().expect("a re-seeded tree serializes");
        assert_eq!(Fdt::parse(&bytes).expect("re-seeded output parses"), seeded);
    }

    let mut fixed = fdt;
    let regions = [ReservedRegion {
        name: "fuzz",
        base: 0x4000_0000,
        size: 0x1000,
    }];
    let params = BootParams {
        bootargs: Some("console=ttyAMA0"),
        initrd: Some(Initrd {
            start: 0x4800_0000,
            end: 0x4810_0000,
        }),
        reserved: &regions,
    };
    if fixup_for_boot(&mut fixed, &params).is_ok() {
        let bytes = fixed.to_bytes().expect("a fixed-up tree serializes");
        assert_eq!(Fdt::parse(&bytes).expect("fixed-up output parses"), fixed);
    }
});
