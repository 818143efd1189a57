//! Parses every signed TA in `$OXTEE_DEBIAN_TA_DIR` (Debian's `.ta` files), checks the
//! `ta_head` UUID against the file name and relocates main TAs and their libraries at random
//! bases. Ignored by plain `cargo test`; `make debian-file-test` runs it with the files, and
//! fails it when they are missing.

use std::collections::BTreeMap;
use std::path::Path;

use oxtee_elf::{parse, TaElf, R_AARCH64_RELATIVE};

const SHDR_MAGIC: u32 = 0x4F54_5348;

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}
fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(off..off + 2)?.try_into().ok()?))
}

/// The ELF payload of a signed TA file (no signature check: that is another crate's job).
fn elf_payload(file: &[u8]) -> Option<&[u8]> {
    let mut pos = 0usize;
    loop {
        let h = file.get(pos..)?;
        if u32_at(h, 0)? != SHDR_MAGIC {
            return None;
        }
        let img_type = u32_at(h, 4)?;
        let img_size = u32_at(h, 8)? as usize;
        let hdr = 20 + usize::from(u16_at(h, 16)?) + usize::from(u16_at(h, 18)?);
        match img_type {
            0 => return h.get(hdr..hdr + img_size),
            1 => return h.get(hdr + 20..hdr + 20 + img_size),
            3 => {
                // shdr_subkey.name_size at offset 16 of the subkey image.
                let name_size = u32_at(h, hdr + 16)? as usize;
                pos += hdr + img_size + name_size;
            }
            _ => return None,
        }
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
#[ignore = "needs Debian's TAs in OXTEE_DEBIAN_TA_DIR: make debian-file-test"]
fn debian_tas_parse_and_relocate() {
    let dir = std::env::var_os("OXTEE_DEBIAN_TA_DIR")
        .expect("OXTEE_DEBIAN_TA_DIR must name the directory of Debian's .ta files");
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for e in std::fs::read_dir(Path::new(&dir)).expect("read TA dir") {
        let p = e.expect("dir entry").path();
        if p.extension().is_some_and(|x| x == "ta") {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            files.insert(stem, std::fs::read(&p).expect("read TA"));
        }
    }
    assert!(!files.is_empty(), "no .ta files in {dir:?}");

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("seed {seed:#x}");
    let mut rng = Rng(seed | 1);

    let mut elves: BTreeMap<String, (TaElf, Vec<u8>)> = BTreeMap::new();
    for (name, file) in &files {
        let elf_bytes = elf_payload(file).unwrap_or_else(|| panic!("{name}: no ELF payload"));
        let ta = parse(elf_bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        match &ta.ta_head {
            Some(h) => assert_eq!(h.uuid.to_string(), *name, "{name}: ta_head uuid"),
            None => assert!(ta.lookup_symbol("ta_head").is_none(), "{name}: library"),
        }
        assert!(!ta.legacy, "{name}: modern TA expected");
        // Hash-table lookups agree with the symbol table for every defined global.
        let syms = &ta.dynamic.symbols;
        let mut globals = 0;
        for s in syms
            .iter()
            .filter(|s| s.is_defined() && s.bind == 1 && !s.is_tls() && s.name != 0)
        {
            let sym_name = std::str::from_utf8(syms.name(s).unwrap()).unwrap();
            assert_eq!(
                ta.lookup_symbol(sym_name),
                Some(s.value),
                "{name}: lookup {sym_name}"
            );
            globals += 1;
        }
        assert!(globals > 0, "{name}: exports nothing");
        eprintln!(
            "{name}: {} segs span {:#x} entry {:#x} relocs {} syms {} needed {:?} head {}",
            ta.segments.len(),
            ta.span,
            ta.entry,
            ta.dynamic.relocations.len(),
            ta.dynamic.symbols.len(),
            ta.dynamic
                .needed
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>(),
            ta.ta_head.is_some()
        );
        elves.insert(name.clone(), (ta, elf_bytes.to_vec()));
    }

    // Relocate every main TA together with its libraries (breadth first), each at a random base.
    let mut checked = 0;
    for (name, (ta, bytes)) in &elves {
        if ta.ta_head.is_none() {
            continue;
        }
        let mut order: Vec<&str> = vec![name.as_str()];
        let mut i = 0;
        while i < order.len() {
            let (m, _) = &elves[order[i]];
            for n in &m.dynamic.needed {
                assert_eq!(n.uuid.to_string(), n.name);
                let lib = elves
                    .get(&n.name)
                    .unwrap_or_else(|| panic!("{name}: missing {}", n.name));
                assert!(lib.0.ta_head.is_none());
                if !order.contains(&n.name.as_str()) {
                    order.push(elves.get_key_value(&n.name).unwrap().0);
                }
            }
            i += 1;
        }
        let mut next = 0x4000_0000u64 + (rng.next() % 0x1000) * 0x1000;
        let mut bases = Vec::new();
        for m in &order {
            bases.push(next);
            next += elves[*m].0.span + (rng.next() % 64 + 1) * 0x1000;
        }
        let modules: Vec<(&TaElf, u64)> = order
            .iter()
            .zip(&bases)
            .map(|(m, b)| (&elves[*m].0, *b))
            .collect();
        let resolver = |sym: &str| {
            modules
                .iter()
                .find_map(|(m, b)| m.lookup_symbol(sym).map(|v| v + b))
        };
        for (m, base) in order.iter().zip(&bases) {
            let (mt, mb) = if *m == name.as_str() {
                (ta, bytes)
            } else {
                (&elves[*m].0, &elves[*m].1)
            };
            let mut image = mt.load_image(mb).expect("load image");
            mt.apply_relocations(&mut image, *base, &resolver)
                .unwrap_or_else(|e| panic!("{m}: {e}"));
            if let Some(props) = mt
                .properties(&image, *base)
                .unwrap_or_else(|e| panic!("{m}: props {e}"))
            {
                eprintln!("{m}: {} properties", props.len());
                let desc = props
                    .iter()
                    .find(|p| p.name == "gpd.ta.description")
                    .expect("description");
                assert_eq!(desc.kind, oxtee_elf::prop_type::STRING);
                let stack = props
                    .iter()
                    .find(|p| p.name == "gpd.ta.stackSize")
                    .expect("stackSize");
                let stack = u32::from_le_bytes(stack.value[..4].try_into().unwrap());
                // ta_head.stack_size = TA_STACK_SIZE + 2048 (framework).
                assert_eq!(stack + 2048, mt.ta_head.unwrap().stack_size, "{m}");
            }
            for r in &mt.dynamic.relocations {
                let off = r.offset as usize;
                let v = u64::from_le_bytes(image[off..off + 8].try_into().unwrap());
                if r.kind == R_AARCH64_RELATIVE {
                    assert_eq!(
                        v,
                        base.wrapping_add(r.addend as u64),
                        "{m}: RELATIVE at {off:#x}"
                    );
                } else if v != 0 {
                    // Anything resolved must point into one of the loaded modules.
                    assert!(
                        modules.iter().any(|(mm, b)| v >= *b && v < b + mm.span),
                        "{m}: {r:?} -> {v:#x}"
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked > 0);
    eprintln!("relocated {checked} main TAs");
}
