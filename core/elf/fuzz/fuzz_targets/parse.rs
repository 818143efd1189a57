//! Fuzz the ELF parser, image copy, symbol lookup and relocation on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(ta) = oxtee_elf::parse(data) else {
        return;
    };
    // The plan's invariants must hold for anything accepted.
    assert!(ta.span <= oxtee_elf::MAX_IMAGE_SPAN);
    for s in &ta.segments {
        assert!(s.filesz <= s.memsz && s.end() <= ta.span);
        assert!(!(s.writable() && s.executable()));
    }
    let _ = ta.lookup_symbol("ta_head");
    let _ = ta.lookup_symbol("__elf_phdr_info");
    let _ = ta.lookup_tls_symbol("x");
    // Keep the image small so the fuzzer stays fast.
    if ta.span <= 1 << 20 {
        if let Ok(mut image) = ta.load_image(data) {
            let _ = ta.apply_relocations(&mut image, 0x4000_0000, &|n| {
                (n.len() % 2 == 0).then_some(0x1234)
            });
            let _ = ta.properties(&image, 0x4000_0000);
        }
    }
});
