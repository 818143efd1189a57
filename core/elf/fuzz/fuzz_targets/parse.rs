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
            let resolve = |n: &str| (n.len() % 2 == 0).then_some(0x1234);
            let relocated = ta.apply_relocations(&mut image, 0x4000_0000, &resolve);
            let _ = ta.properties(&image, 0x4000_0000);
            // The loader's callback path writes only inside the span and agrees
            // with the buffer path.
            let span = ta.span as usize;
            let mut frames = vec![0u8; span];
            ta.load_with(data, &mut |va, bytes| {
                let va = va as usize;
                assert!(va + bytes.len() <= span);
                frames[va..va + bytes.len()].copy_from_slice(bytes);
                Ok(())
            })
            .expect("segments the buffer path accepted");
            let none = |_: &str| None;
            let env = oxtee_elf::RelocEnv {
                load_base: 0x4000_0000,
                resolve: &resolve,
                resolve_tls: &none,
                tls_tcb_offset: oxtee_elf::TCB_HEAD_SIZE,
                tlsdesc_resolver: None,
            };
            let by = ta.apply_relocations_by(&env, &mut |off, value| {
                let off = off as usize;
                assert!(off + 8 <= span);
                frames[off..off + 8].copy_from_slice(&value.to_le_bytes());
                Ok(())
            });
            assert_eq!(by.is_ok(), relocated.is_ok());
            if relocated.is_ok() {
                assert_eq!(frames, image);
            }
        }
    }
});
