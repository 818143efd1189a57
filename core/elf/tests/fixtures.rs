//! Hand-built ELF fixtures: the happy path, relocation semantics and every refusal.

mod common;

use common::*;
use oxtee_elf::{parse, ElfError, RelocEnv, TaElf, TCB_HEAD_SIZE};

const BAD_FORMAT: u32 = 0xFFFF_0005;
const NOT_SUPPORTED: u32 = 0xFFFF_000A;
const OUT_OF_MEMORY: u32 = 0xFFFF_000C;
const ITEM_NOT_FOUND: u32 = 0xFFFF_0008;

fn code(r: Result<TaElf, ElfError>) -> u32 {
    match r {
        Ok(_) => 0,
        Err(e) => e.tee_result(),
    }
}

fn parse_code(v: &[u8]) -> u32 {
    code(parse(v))
}

fn relocate(
    fx: &Fx,
    base: u64,
    resolver: &dyn Fn(&str) -> Option<u64>,
) -> Result<Vec<u8>, ElfError> {
    let file = fx.build();
    let ta = parse(&file).expect("fixture parses");
    let mut img = ta.load_image(&file)?;
    ta.apply_relocations(&mut img, base, resolver)?;
    Ok(img)
}

fn r64(img: &[u8], off: u64) -> u64 {
    u64::from_le_bytes(img[off as usize..off as usize + 8].try_into().unwrap())
}

#[test]
fn minimal_fixture_plan() {
    let fx = Fx {
        needed: vec!["ffd2bded-ab7d-4988-95ee-e4962fff7154".into()],
        tls: true,
        ..Fx::default()
    };
    let file = fx.build();
    let ta = parse(&file).unwrap();
    assert_eq!(ta.segments.len(), 2);
    let (rx, rw) = (&ta.segments[0], &ta.segments[1]);
    assert_eq!(
        (rx.vaddr, rx.memsz, rx.filesz, rx.offset, rx.align),
        (0, 0x1000, 0x1000, 0, 0x1000)
    );
    assert!(rx.readable() && rx.executable() && !rx.writable());
    assert_eq!(
        (rw.vaddr, rw.memsz, rw.filesz, rw.offset),
        (0x1000, 0x3000, 0x1000, 0x1000)
    );
    assert!(rw.readable() && rw.writable() && !rw.executable());
    assert_eq!(ta.span, SPAN);
    assert_eq!(ta.entry, ENTRY);
    assert!(!ta.legacy);
    assert_eq!(ta.phdr_offset, 64);
    assert_eq!(ta.program_headers.len(), 4);
    let h = ta.ta_head.unwrap();
    assert_eq!(h.vaddr, TA_HEAD);
    assert_eq!(h.uuid.to_string(), "01234567-89ab-cdef-0123-456789abcdef");
    assert_eq!(h.uuid.to_octets()[0..4], [0x01, 0x23, 0x45, 0x67]);
    assert_eq!(
        (h.stack_size, h.flags, h.depr_entry),
        (0x2800, 0xc, u64::MAX)
    );
    assert_eq!(ta.dynamic.needed.len(), 1);
    assert_eq!(
        ta.dynamic.needed[0].name,
        "ffd2bded-ab7d-4988-95ee-e4962fff7154"
    );
    assert_eq!(
        ta.dynamic.needed[0].uuid.to_string(),
        ta.dynamic.needed[0].name
    );
    let tls = ta.tls.unwrap();
    assert_eq!(
        (tls.vaddr, tls.filesz, tls.memsz, tls.align),
        (TLS_INIT, 0x10, 0x40, 8)
    );
    assert_eq!(ta.dynamic.symbols.len(), 6);
    assert_eq!(ta.dynamic.relocations.len(), 1);
    // Symbol lookup (SysV hash present).
    assert_eq!(ta.lookup_symbol("foo"), Some(FOO_VALUE));
    assert_eq!(ta.lookup_symbol("ta_head"), Some(TA_HEAD));
    assert_eq!(
        ta.lookup_symbol("ext"),
        None,
        "undefined symbols are not definitions"
    );
    assert_eq!(ta.lookup_symbol("tlsvar"), None);
    assert_eq!(ta.lookup_tls_symbol("tlsvar"), Some(TLS_VALUE));
    assert_eq!(ta.lookup_symbol("nope"), None);
    // Image: file bytes copied, bss zero.
    let img = ta.load_image(&file).unwrap();
    assert_eq!(img.len() as u64, SPAN);
    assert_eq!(img[TA_HEAD as usize..TA_HEAD as usize + 16], fx.uuid);
    assert!(img[0x2000..].iter().all(|&b| b == 0));
}

#[test]
fn linear_lookup_without_hash_table() {
    let fx = Fx {
        hash: false,
        ..Fx::default()
    };
    let ta = parse(&fx.build()).unwrap();
    assert_eq!(ta.lookup_symbol("foo"), Some(FOO_VALUE));
    assert_eq!(ta.lookup_symbol("ext"), None);
}

#[test]
fn hostile_hash_chain_does_not_hang() {
    let mut v = Fx::default().build();
    w32(&mut v, HASH + 12 + 4 * 5, 5); // chain[5] = 5: a cycle
    let ta = parse(&v).unwrap();
    assert_eq!(ta.lookup_symbol("foo"), None);
    let mut v = Fx::default().build();
    w32(&mut v, HASH + 8, 1000); // bucket points past the table
    assert_eq!(parse(&v).unwrap().lookup_symbol("foo"), None);
}

#[test]
fn relocation_semantics() {
    let base = 0x4000_0000u64;
    let fx = Fx {
        relocs: vec![
            (GOT, 1027, 0, 0x840),         // RELATIVE
            (GOT + 8, 257, SYM_FOO, 4),    // ABS64, local symbol
            (GOT + 16, 257, SYM_EXT, 4),   // ABS64, external (no addend)
            (GOT + 24, 1025, SYM_EXT, 0),  // GLOB_DAT
            (GOT + 32, 1026, SYM_FOO, 0),  // JUMP_SLOT to own definition
            (GOT + 40, 1025, SYM_WEAK, 0), // weak undefined -> 0
            (GOT + 48, 0, 0, 0),           // NONE
            (GOT + 56, 1030, 0, 0x20),     // TLS_TPREL, no symbol
            (GOT + 64, 1030, SYM_TLS, 2),  // TLS_TPREL, own TLS symbol
        ],
        tls: true,
        ..Fx::default()
    };
    let img = relocate(&fx, base, &|n| (n == "ext").then_some(0x5000_0000)).unwrap();
    assert_eq!(r64(&img, GOT), base + 0x840);
    assert_eq!(r64(&img, GOT + 8), base + FOO_VALUE + 4);
    assert_eq!(r64(&img, GOT + 16), 0x5000_0000);
    assert_eq!(r64(&img, GOT + 24), 0x5000_0000);
    assert_eq!(r64(&img, GOT + 32), base + FOO_VALUE);
    assert_eq!(r64(&img, GOT + 40), 0);
    assert_eq!(r64(&img, GOT + 48), 0);
    assert_eq!(r64(&img, GOT + 56), TCB_HEAD_SIZE + 0x20);
    assert_eq!(r64(&img, GOT + 64), TLS_VALUE + TCB_HEAD_SIZE + 2);

    // The global scope wins over the module's own definition (interposition).
    let img = relocate(&fx, base, &|n| match n {
        "ext" => Some(1),
        "foo" => Some(0x6000_0000),
        _ => None,
    })
    .unwrap();
    assert_eq!(r64(&img, GOT + 32), 0x6000_0000);
}

#[test]
fn tlsdesc_needs_resolver_routine() {
    let fx = Fx {
        relocs: vec![(GOT, 1031, SYM_TLS, 0)],
        tls: true,
        ..Fx::default()
    };
    let e = relocate(&fx, 0x1000_0000, &|_| None).unwrap_err();
    assert_eq!(e.tee_result(), NOT_SUPPORTED);

    let file = fx.build();
    let ta = parse(&file).unwrap();
    let mut img = ta.load_image(&file).unwrap();
    let tls_global = |n: &str| (n == "tlsvar").then_some(0x100);
    let none = |_: &str| None;
    let env = RelocEnv {
        load_base: 0x1000_0000,
        resolve: &none,
        resolve_tls: &tls_global,
        tls_tcb_offset: 0x30,
        tlsdesc_resolver: Some(0x7777_0000),
    };
    ta.apply_relocations_with(&mut img, &env).unwrap();
    assert_eq!(r64(&img, GOT), 0x7777_0000);
    assert_eq!(r64(&img, GOT + 8), 0x100);

    // A TLSDESC whose second word leaves the image is refused before writing.
    let fx = Fx {
        relocs: vec![(SPAN - 8, 1031, SYM_TLS, 0)],
        tls: true,
        ..Fx::default()
    };
    let file = fx.build();
    let ta = parse(&file).unwrap();
    let mut img = ta.load_image(&file).unwrap();
    assert_eq!(
        ta.apply_relocations_with(&mut img, &env)
            .unwrap_err()
            .tee_result(),
        BAD_FORMAT
    );
    assert!(img[(SPAN - 8) as usize..].iter().all(|&b| b == 0));
}

#[test]
fn bad_relocations() {
    let cases: Vec<((u64, u32, u32, i64), u32)> = vec![
        ((GOT, 1025, SYM_EXT, 0), ITEM_NOT_FOUND), // unresolved
        ((GOT, 0x1234, 0, 0), BAD_FORMAT),         // unknown type
        ((GOT, 1024, 0, 0), BAD_FORMAT),           // R_AARCH64_COPY is not supported
        ((SPAN - 4, 1027, 0, 0), BAD_FORMAT),      // straddles the end
        ((SPAN, 1027, 0, 0), BAD_FORMAT),          // past the end
        ((u64::MAX - 3, 1027, 0, 0), BAD_FORMAT),  // wraps
        ((GOT, 1025, 99, 0), BAD_FORMAT),          // symbol index out of range
        ((GOT, 257, 1000, 0), BAD_FORMAT),         // ditto for ABS64
        ((SPAN + 0x1000, 0, 0, 0), BAD_FORMAT),    // even NONE must be in range
    ];
    for (r, want) in cases {
        let fx = Fx {
            relocs: vec![r],
            ..Fx::default()
        };
        let got = relocate(&fx, 0x4000_0000, &|_| None)
            .map(|_| ())
            .map_err(|e| e.tee_result());
        assert_eq!(got, Err(want), "{r:?}");
    }
    // Name index outside the string table.
    let fx = Fx {
        relocs: vec![(GOT, 1025, SYM_EXT, 0)],
        ..Fx::default()
    };
    let mut v = fx.build();
    w32(&mut v, DYNSYM + 24 * u64::from(SYM_EXT), 0xFFFF);
    let ta = parse(&v).unwrap();
    let mut img = ta.load_image(&v).unwrap();
    assert_eq!(
        ta.apply_relocations(&mut img, 0, &|_| Some(1))
            .unwrap_err()
            .tee_result(),
        BAD_FORMAT
    );
    // Image buffer shorter than the plan: an error, not a panic.
    let fx = Fx {
        relocs: vec![(0x3000, 1027, 0, 0)],
        ..Fx::default()
    };
    let v = fx.build();
    let ta = parse(&v).unwrap();
    let mut small = vec![0u8; 0x2000];
    assert!(ta.apply_relocations(&mut small, 0, &|_| None).is_err());
    assert!(ta.load_into(&v, &mut small).is_err());
}

#[test]
fn ta_head_flags_and_entry() {
    // Trap 19: unknown flag bits.
    for flags in [0x4000, 0x8000_0000, 0xFFFF_FFFF] {
        let fx = Fx {
            flags,
            ..Fx::default()
        };
        assert_eq!(parse_code(&fx.build()), BAD_FORMAT, "{flags:#x}");
    }
    let fx = Fx {
        flags: 0x3FFF,
        ..Fx::default()
    };
    assert_eq!(parse(&fx.build()).unwrap().ta_head.unwrap().flags, 0x3FFF);
    // Entry outside any executable segment.
    for entry in [0x1800, SPAN + 8, u64::MAX] {
        let fx = Fx {
            entry,
            ..Fx::default()
        };
        assert_eq!(parse_code(&fx.build()), BAD_FORMAT, "{entry:#x}");
    }
    // Legacy TA: entry from ta_head.
    let fx = Fx {
        depr_entry: 0x20,
        entry: 0x20,
        ..Fx::default()
    };
    let ta = parse(&fx.build()).unwrap();
    assert!(ta.legacy);
    assert_eq!(ta.entry, 0x20);
    // Library: no ta_head, nothing checked about the entry.
    let fx = Fx {
        with_ta_head: false,
        entry: 0,
        ..Fx::default()
    };
    let ta = parse(&fx.build()).unwrap();
    assert!(ta.ta_head.is_none());
    // ta_head found through the section when the symbol is missing.
    let mut v = Fx::default().build();
    w32(&mut v, DYNSYM + 24 * u64::from(SYM_TA_HEAD), 0);
    assert_eq!(parse(&v).unwrap().ta_head.unwrap().vaddr, TA_HEAD);
    // ta_head symbol pointing outside the file-backed image.
    let mut v = Fx::default().build();
    w64(&mut v, DYNSYM + 24 * u64::from(SYM_TA_HEAD) + 8, 0x2800);
    assert_eq!(parse_code(&v), BAD_FORMAT);
}

#[test]
fn bad_elf_header() {
    let patches: Vec<(u64, u8)> = vec![
        (0, 0x7e), // magic
        (4, 1),    // ELFCLASS32
        (5, 2),    // big-endian
        (6, 0),    // version
        (7, 3),    // OSABI Linux
        (16, 2),   // ET_EXEC
        (18, 62),  // x86-64
        (48, 1),   // e_flags
        (54, 32),  // e_phentsize
        (58, 40),  // e_shentsize
    ];
    for (off, val) in patches {
        let mut v = Fx::default().build();
        v[off as usize] = val;
        assert_eq!(parse_code(&v), BAD_FORMAT, "byte {off}");
    }
    assert_eq!(parse_code(&[]), BAD_FORMAT);
    assert_eq!(parse_code(b"\x7fELF"), BAD_FORMAT);
}

#[test]
fn program_header_table_placement() {
    let mut v = Fx::default().build();
    w64(&mut v, 32, 4096 - 56); // e_phoff: 3 headers do not fit in the first page
    assert_eq!(parse_code(&v), NOT_SUPPORTED);
    let mut v = Fx::default().build();
    w64(&mut v, 32, u64::MAX - 10); // wraps
    assert_eq!(parse_code(&v), BAD_FORMAT);
    let mut v = Fx::default().build();
    w16(&mut v, 56, 0xFFFF); // e_phnum: too many
    assert_eq!(parse_code(&v), NOT_SUPPORTED);
    let mut v = Fx::default().build();
    w16(&mut v, 56, 0); // no program headers at all
    assert_eq!(parse_code(&v), BAD_FORMAT);
    // No load segment (both turned into PT_NULL).
    let mut v = Fx::default().build();
    w32(&mut v, ph(0), 0);
    w32(&mut v, ph(1), 0);
    assert_eq!(parse_code(&v), BAD_FORMAT);
}

fn seg_patch(i: u64, field: u64, val: u64) -> u32 {
    let mut v = Fx::default().build();
    w64(&mut v, ph(i) + field, val);
    parse_code(&v)
}

#[test]
fn hostile_segments() {
    // Out of the file, wrapping offsets, huge sizes.
    assert_eq!(seg_patch(1, P_FILESZ, 0x10_0000), BAD_FORMAT); // beyond EOF (memsz 0x3000 < filesz too)
    assert_eq!(seg_patch(1, P_OFFSET, u64::MAX - 0xfff), BAD_FORMAT);
    assert_eq!(seg_patch(1, P_OFFSET, 0x10_0000), BAD_FORMAT);
    assert_eq!(seg_patch(0, P_FILESZ, 0x1001), BAD_FORMAT); // filesz > memsz
    assert_eq!(seg_patch(1, P_MEMSZ, u64::MAX), BAD_FORMAT); // vaddr + memsz wraps
    assert_eq!(seg_patch(1, P_MEMSZ, 1 << 40), OUT_OF_MEMORY); // huge bss
    assert_eq!(seg_patch(1, P_VADDR, 1 << 50), OUT_OF_MEMORY); // huge span
                                                               // Overlapping / unsorted / incongruent / alignment.
    let mut v = Fx::default().build();
    w64(&mut v, ph(1) + P_VADDR, 0x800);
    w64(&mut v, ph(1) + P_OFFSET, 0x1800);
    assert_eq!(parse_code(&v), BAD_FORMAT, "overlap in memory");
    let mut v = Fx::default().build();
    w64(&mut v, ph(1) + P_VADDR, 0x10_0000);
    w64(&mut v, ph(1) + P_OFFSET, 0x800);
    assert_eq!(parse_code(&v), BAD_FORMAT, "overlap in the file");
    assert_eq!(
        seg_patch(1, P_OFFSET, 0x1008),
        BAD_FORMAT,
        "offset/vaddr not congruent"
    );
    assert_eq!(
        seg_patch(1, P_ALIGN, 0x1800),
        BAD_FORMAT,
        "alignment not a power of two"
    );
    assert_eq!(
        seg_patch(1, P_ALIGN, 0x800),
        BAD_FORMAT,
        "alignment below a page"
    );
    assert_eq!(
        seg_patch(1, P_ALIGN, 0x2000),
        BAD_FORMAT,
        "alignments differ"
    );
    // Permissions.
    let mut v = Fx::default().build();
    w32(&mut v, ph(1) + P_FLAGS, PF_R | PF_W | PF_X);
    assert_eq!(parse_code(&v), BAD_FORMAT, "W+X");
    let mut v = Fx::default().build();
    w32(&mut v, ph(1) + P_FLAGS, PF_W);
    assert_eq!(parse_code(&v), NOT_SUPPORTED, "not readable");
    // RX and RW sharing a page would be merged into a W+X page.
    let mut v = Fx::default().build();
    w64(&mut v, ph(0) + P_FILESZ, 0xC00);
    w64(&mut v, ph(0) + P_MEMSZ, 0xC00);
    w64(&mut v, ph(1) + P_VADDR, 0xE00);
    w64(&mut v, ph(1) + P_OFFSET, 0xE00);
    w64(&mut v, ph(1) + P_FILESZ, 0x1200);
    w64(&mut v, ph(1) + P_MEMSZ, 0x3200);
    assert_eq!(parse_code(&v), BAD_FORMAT, "shared page W+X");
    // The same layout with both segments read-only merges fine.
    w32(&mut v, ph(1) + P_FLAGS, PF_R);
    assert_eq!(parse_code(&v), 0, "shared page R + RX");
}

#[test]
fn hostile_tls_and_dynamic() {
    let fx = Fx {
        tls: true,
        ..Fx::default()
    };
    let mut v = fx.build();
    w64(&mut v, ph(3) + P_VADDR, 0x1FF8); // init image past the file-backed part
    assert_eq!(parse_code(&v), BAD_FORMAT);
    let mut v = fx.build();
    w64(&mut v, ph(3) + P_FILESZ, 0x100); // filesz > memsz
    assert_eq!(parse_code(&v), BAD_FORMAT);
    let mut v = fx.build();
    w64(&mut v, ph(3) + P_MEMSZ, u64::MAX);
    assert_eq!(parse_code(&v), OUT_OF_MEMORY);
    let mut v = fx.build();
    w32(&mut v, ph(2), 7); // second PT_TLS
    assert_eq!(parse_code(&v), BAD_FORMAT);

    // DT_NEEDED that is not a UUID, and one pointing outside the strings.
    let fx = Fx {
        needed: vec!["libutee.so".into()],
        ..Fx::default()
    };
    assert_eq!(parse_code(&fx.build()), BAD_FORMAT);
    let fx = Fx {
        needed: vec!["ffd2bded-ab7d-4988-95ee-e4962fff715g".into()],
        ..Fx::default()
    };
    assert_eq!(parse_code(&fx.build()), BAD_FORMAT);
    let fx = Fx {
        needed: vec!["ffd2bded-ab7d-4988-95ee-e4962fff7154".into()],
        ..Fx::default()
    };
    let mut v = fx.build();
    w64(&mut v, DYNAMIC + 8, 0x1000); // d_val of DT_NEEDED
    assert_eq!(parse_code(&v), BAD_FORMAT);
    let mut v = Fx::default().build();
    w64(&mut v, ph(2) + P_MEMSZ, 0x48); // not a multiple of the entry size
    assert_eq!(parse_code(&v), BAD_FORMAT);
    let mut v = Fx::default().build();
    w64(&mut v, ph(2) + P_VADDR, 0x3000); // in bss: not file-backed
    assert_eq!(parse_code(&v), BAD_FORMAT);
}

#[test]
fn hostile_sections() {
    let patch = |i: usize, field: u64, val: u64, wide: bool| {
        let mut v = Fx::default().build();
        if wide {
            w64(&mut v, sh(i) + field, val);
        } else {
            w32(&mut v, sh(i) + field, val as u32);
        }
        parse_code(&v)
    };
    assert_eq!(
        patch(SH_DYNSYM, SH_SIZE, 6 * 24 + 1, true),
        BAD_FORMAT,
        "dynsym size"
    );
    assert_eq!(
        patch(SH_DYNSYM, SH_LINK, 77, false),
        BAD_FORMAT,
        "strtab index"
    );
    assert_eq!(
        patch(SH_DYNSYM, SH_ADDR, u64::MAX - 8, true),
        BAD_FORMAT,
        "dynsym wraps"
    );
    assert_eq!(
        patch(SH_DYNSYM, SH_SIZE, 24 << 30, true),
        OUT_OF_MEMORY,
        "too many symbols"
    );
    assert_eq!(
        patch(SH_RELA, SH_ENTSIZE, 16, true),
        BAD_FORMAT,
        "rela entsize"
    );
    assert_eq!(
        patch(SH_RELA, SH_ADDR, SPAN, true),
        BAD_FORMAT,
        "rela outside image"
    );
    assert_eq!(
        patch(SH_RELA, SH_ADDR, 0x3000, true),
        BAD_FORMAT,
        "rela in bss"
    );
    assert_eq!(
        patch(SH_RELA, SH_SIZE, 24 << 30, true),
        OUT_OF_MEMORY,
        "too many relocs"
    );
    assert_eq!(
        patch(SH_RELA, SH_LINK, SH_DYNSTR as u64, false),
        BAD_FORMAT,
        "rela linked to strtab"
    );
    assert_eq!(
        patch(SH_HASH, SH_SIZE, 4, true),
        BAD_FORMAT,
        "hash truncated"
    );
    let mut v = Fx::default().build();
    w32(&mut v, HASH + 4, 0xFFFF_FFFF); // nchain
    assert_eq!(parse_code(&v), BAD_FORMAT, "hash nchain");
    let mut v = Fx::default().build();
    w16(&mut v, 60, 2000); // e_shnum
    assert_eq!(parse_code(&v), OUT_OF_MEMORY);
    let mut v = Fx::default().build();
    w16(&mut v, 60, 100); // section headers run past EOF
    assert_eq!(parse_code(&v), BAD_FORMAT);
    let mut v = Fx::default().build();
    w64(&mut v, 40, u64::MAX - 100); // e_shoff wraps
    assert_eq!(parse_code(&v), BAD_FORMAT);
    // No section headers: parses, but without symbols or relocations (as OP-TEE).
    let mut v = Fx::default().build();
    w16(&mut v, 60, 0);
    let ta = parse(&v).unwrap();
    assert!(ta.dynamic.relocations.is_empty() && ta.dynamic.symbols.is_empty());
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let v = Fx {
        tls: true,
        needed: vec!["ffd2bded-ab7d-4988-95ee-e4962fff7154".into()],
        ..Fx::default()
    }
    .build();
    for n in 0..v.len() {
        assert!(parse(&v[..n]).is_err(), "prefix {n} parsed");
    }
    assert!(parse(&v).is_ok());
}

#[test]
fn random_mutations_never_panic() {
    let base = Fx {
        tls: true,
        relocs: vec![
            (GOT, 1027, 0, 0),
            (GOT + 8, 257, SYM_FOO, 0),
            (GOT + 16, 1030, SYM_TLS, 0),
        ],
        ..Fx::default()
    }
    .build();
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut ok = 0;
    for _ in 0..10_000 {
        let mut v = base.clone();
        for _ in 0..(next() % 4 + 1) {
            let i = (next() % v.len() as u64) as usize;
            v[i] = next() as u8;
        }
        if let Ok(ta) = parse(&v) {
            ok += 1;
            if let Ok(mut img) = ta.load_image(&v) {
                let _ = ta.apply_relocations(&mut img, 0xFFFF_FFFF_FFFF_0000, &|_| Some(u64::MAX));
            }
            let _ = ta.lookup_symbol("foo");
        }
    }
    assert!(ok > 0, "some mutations must still parse");
}

/// The loader's path (segments and relocations written through callbacks into
/// the TA's frames) gives the same image as the buffer path.
#[test]
fn callback_loading_matches_the_buffer() {
    let fx = Fx {
        relocs: vec![(GOT, 1027, 0, 0x40), (GOT + 8, 1025, SYM_EXT, 0)],
        ..Fx::default()
    };
    let file = fx.build();
    let ta = parse(&file).unwrap();
    let resolve = |n: &str| (n == "ext").then_some(0x5555_0000);
    let none = |_: &str| None;
    let env = RelocEnv {
        load_base: 0x1000_0000,
        resolve: &resolve,
        resolve_tls: &none,
        tls_tcb_offset: 0x30,
        tlsdesc_resolver: None,
    };
    let mut expected = ta.load_image(&file).unwrap();
    ta.apply_relocations_with(&mut expected, &env).unwrap();

    let mut frames = vec![0u8; SPAN as usize];
    ta.load_with(&file, &mut |va, bytes| {
        let va = va as usize;
        frames[va..va + bytes.len()].copy_from_slice(bytes);
        Ok(())
    })
    .unwrap();
    let mut writes = 0;
    ta.apply_relocations_by(&env, &mut |off, value| {
        let off = off as usize;
        frames[off..off + 8].copy_from_slice(&value.to_le_bytes());
        writes += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(writes, 2);
    assert_eq!(frames, expected);
    assert_ne!(r64(&frames, GOT), 0);

    // A relocation past the span never reaches the callback.
    let fx = Fx {
        relocs: vec![(SPAN - 4, 1027, 0, 0)],
        ..Fx::default()
    };
    let file = fx.build();
    let ta = parse(&file).unwrap();
    let e = ta
        .apply_relocations_by(&env, &mut |_, _| panic!("out-of-span write"))
        .unwrap_err();
    assert_eq!(e.tee_result(), BAD_FORMAT);
}
