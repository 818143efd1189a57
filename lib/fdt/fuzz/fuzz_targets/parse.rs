//! Parse arbitrary bytes; whatever parses must serialize, re-parse to the same tree, and
//! survive the boot fix-ups.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_fdt::{fixup_for_boot, BootParams, Fdt, Initrd, ReservedRegion};

fuzz_target!(|data: &[u8]| {
    let Ok(fdt) = Fdt::parse(data) else {
        return;
    };
    let bytes = fdt.to_bytes().expect("a parsed tree serializes");
    let again = Fdt::parse(&bytes).expect("our own output parses");
    assert_eq!(again, fdt);

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
