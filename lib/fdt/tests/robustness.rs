//! Malformed blobs must give typed errors, never panics.

use oxtee_fdt::{Block, Fdt, FdtError, MAX_DEPTH};

const VIRT: &[u8] = include_bytes!("data/qemu-virt-secure.dtb");

const BEGIN: u32 = 1;
const END_NODE: u32 = 2;
const PROP: u32 = 3;
const NOP: u32 = 4;
const END: u32 = 9;

fn be32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes(b[off..off + 4].try_into().unwrap())
}

fn set_be32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_be_bytes());
}

/// Structure-block builder.
#[derive(Default)]
struct S(Vec<u8>);

impl S {
    fn tok(mut self, t: u32) -> Self {
        self.0.extend_from_slice(&t.to_be_bytes());
        self
    }
    fn begin(self, name: &str) -> Self {
        self.begin_raw(name.as_bytes())
    }
    fn begin_raw(self, name: &[u8]) -> Self {
        let mut s = self.tok(BEGIN);
        s.0.extend_from_slice(name);
        s.0.push(0);
        while s.0.len() % 4 != 0 {
            s.0.push(0);
        }
        s
    }
    fn prop(self, nameoff: u32, value: &[u8]) -> Self {
        let mut s = self.tok(PROP).tok(value.len() as u32).tok(nameoff);
        s.0.extend_from_slice(value);
        while s.0.len() % 4 != 0 {
            s.0.push(0);
        }
        s
    }
}

/// Header + empty reservation block + structure + strings.
fn blob(structure: &[u8], strings: &[u8]) -> Vec<u8> {
    let off_struct = 40 + 16;
    let off_strings = off_struct + structure.len();
    let total = off_strings + strings.len();
    let mut b = Vec::new();
    for v in [
        0xd00d_feed,
        total as u32,
        off_struct as u32,
        off_strings as u32,
        40,
        17,
        16,
        0,
        strings.len() as u32,
        structure.len() as u32,
    ] {
        b.extend_from_slice(&u32::to_be_bytes(v));
    }
    b.extend_from_slice(&[0; 16]);
    b.extend_from_slice(structure);
    b.extend_from_slice(strings);
    b
}

#[test]
fn hand_built_minimal_blob() {
    let s = S::default()
        .tok(NOP)
        .begin("")
        .prop(0, b"x\0")
        .begin("a@1")
        .tok(NOP)
        .prop(6, &[1, 2, 3])
        .tok(END_NODE)
        .tok(END_NODE)
        .tok(NOP)
        .tok(END);
    let f = Fdt::parse(&blob(&s.0, b"model\0odd\0")).unwrap();
    assert_eq!(f.root().property_str("model"), Some("x"));
    assert_eq!(f.property("/a@1", "odd"), Some(&[1u8, 2, 3][..]));
    // A property name offset may point into the middle of a string (suffix sharing).
    let s = S::default().begin("").prop(2, b"").tok(END_NODE).tok(END);
    let f = Fdt::parse(&blob(&s.0, b"model\0")).unwrap();
    assert!(f.root().property("del").is_some());
}

#[test]
fn every_truncation_fails() {
    for len in 0..VIRT.len() {
        assert!(Fdt::parse(&VIRT[..len]).is_err(), "len {len}");
    }
    assert_eq!(Fdt::parse(&VIRT[..39]), Err(FdtError::Truncated));
    assert_eq!(Fdt::parse(&VIRT[..100]), Err(FdtError::Truncated));
}

#[test]
fn header_errors() {
    let mut b = VIRT.to_vec();
    b[0] = 0;
    assert_eq!(Fdt::parse(&b), Err(FdtError::BadMagic(0x000d_feed)));

    let mut b = VIRT.to_vec();
    set_be32(&mut b, 20, 16);
    assert!(matches!(
        Fdt::parse(&b),
        Err(FdtError::UnsupportedVersion { version: 16, .. })
    ));
    let mut b = VIRT.to_vec();
    set_be32(&mut b, 24, 18);
    assert!(matches!(
        Fdt::parse(&b),
        Err(FdtError::UnsupportedVersion { .. })
    ));

    // totalsize beyond the data / below the header.
    let mut b = VIRT.to_vec();
    set_be32(&mut b, 4, VIRT.len() as u32 + 1);
    assert_eq!(Fdt::parse(&b), Err(FdtError::Truncated));
    let mut b = VIRT.to_vec();
    set_be32(&mut b, 4, 8);
    assert_eq!(Fdt::parse(&b), Err(FdtError::Truncated));

    // Structure block misaligned, inside the header, past the end, huge.
    for (off, v) in [
        (8, be32(VIRT, 8) + 2),
        (8, 4),
        (36, 0xffff_fff0),
        (8, 0xffff_fff0),
    ] {
        let mut b = VIRT.to_vec();
        set_be32(&mut b, off, v);
        assert_eq!(Fdt::parse(&b), Err(FdtError::BadBlock(Block::Structure)));
    }
    // Strings block past the end.
    let mut b = VIRT.to_vec();
    set_be32(&mut b, 32, be32(VIRT, 32) + 1);
    assert_eq!(Fdt::parse(&b), Err(FdtError::BadBlock(Block::Strings)));
    // Strings block overlapping the structure block.
    let mut b = VIRT.to_vec();
    set_be32(&mut b, 12, be32(VIRT, 12) - 4);
    assert_eq!(
        Fdt::parse(&b),
        Err(FdtError::BlocksOverlap(Block::Structure, Block::Strings))
    );
    // Reservation block misaligned or overlapping the structure block.
    let mut b = VIRT.to_vec();
    set_be32(&mut b, 16, 44);
    assert_eq!(Fdt::parse(&b), Err(FdtError::BadBlock(Block::MemReserve)));
    let mut b = VIRT.to_vec();
    set_be32(&mut b, 16, be32(VIRT, 8));
    assert_eq!(
        Fdt::parse(&b),
        Err(FdtError::BlocksOverlap(Block::MemReserve, Block::Structure))
    );
}

#[test]
fn reservations_round_trip_and_unterminated() {
    let mut f = Fdt::parse(VIRT).unwrap();
    f.reservations_mut().push(oxtee_fdt::ReserveEntry {
        address: 0x0e00_0000,
        size: 0x100_0000,
    });
    f.set_boot_cpuid_phys(1);
    let b = f.to_bytes().unwrap();
    let g = Fdt::parse(&b).unwrap();
    assert_eq!(g.reservations(), f.reservations());
    assert_eq!(g.boot_cpuid_phys(), 1);

    // A blob whose reservation block runs to the end of the blob without terminator.
    let mut b = blob(&S::default().begin("").tok(END_NODE).tok(END).0, b"");
    let total = b.len();
    set_be32(&mut b, 16, total as u32);
    assert_eq!(Fdt::parse(&b), Err(FdtError::BadBlock(Block::MemReserve)));
    set_be32(&mut b, 16, (total - 8) as u32);
    assert_eq!(Fdt::parse(&b), Err(FdtError::UnterminatedReservations));
    // Reservation block placed after the strings, unterminated before totalsize.
    let s = S::default().begin("").tok(END_NODE).tok(END).0;
    let mut b = blob(&s, b"");
    let total = b.len() + 16;
    b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    set_be32(&mut b, 4, total as u32);
    set_be32(&mut b, 16, (total - 16) as u32);
    assert_eq!(Fdt::parse(&b), Err(FdtError::UnterminatedReservations));
}

#[test]
fn structure_errors() {
    let strings = b"model\0";
    let cases: Vec<(S, FdtError)> = vec![
        // Property before any node.
        (
            S::default().prop(0, b"").tok(END),
            FdtError::BadToken {
                offset: 0,
                token: PROP,
            },
        ),
        // END_NODE without BEGIN_NODE.
        (
            S::default().tok(END_NODE).tok(END),
            FdtError::BadToken {
                offset: 0,
                token: END_NODE,
            },
        ),
        // FDT_END inside a node.
        (
            S::default().begin("").tok(END),
            FdtError::BadToken {
                offset: 8,
                token: END,
            },
        ),
        // No FDT_END at all.
        (
            S::default().begin("").tok(END_NODE),
            FdtError::UnexpectedEnd,
        ),
        // Second root.
        (
            S::default()
                .begin("")
                .tok(END_NODE)
                .begin("")
                .tok(END_NODE)
                .tok(END),
            FdtError::BadToken {
                offset: 12,
                token: BEGIN,
            },
        ),
        // Unknown token.
        (
            S::default().begin("").tok(7).tok(END_NODE).tok(END),
            FdtError::BadToken {
                offset: 8,
                token: 7,
            },
        ),
        // Name offset outside the strings block, and at its very end.
        (
            S::default().begin("").prop(100, b"").tok(END_NODE).tok(END),
            FdtError::BadStringOffset(100),
        ),
        (
            S::default().begin("").prop(6, b"").tok(END_NODE).tok(END),
            FdtError::BadStringOffset(6),
        ),
        // Empty property name (offset of the NUL).
        (
            S::default().begin("").prop(5, b"").tok(END_NODE).tok(END),
            FdtError::BadName,
        ),
        // Child with empty name, or with a slash.
        (
            S::default()
                .begin("")
                .begin("")
                .tok(END_NODE)
                .tok(END_NODE)
                .tok(END),
            FdtError::BadName,
        ),
        (
            S::default()
                .begin("")
                .begin("a/b")
                .tok(END_NODE)
                .tok(END_NODE)
                .tok(END),
            FdtError::BadName,
        ),
        // Non-UTF-8 node name.
        (
            S::default()
                .begin("")
                .begin_raw(b"\xff")
                .tok(END_NODE)
                .tok(END_NODE)
                .tok(END),
            FdtError::BadName,
        ),
    ];
    for (i, (s, err)) in cases.into_iter().enumerate() {
        assert_eq!(Fdt::parse(&blob(&s.0, strings)), Err(err), "case {i}");
    }

    // Property length running past the structure block.
    let mut s = S::default().begin("").tok(PROP).tok(0x7fff_ffff).tok(0).0;
    s.extend_from_slice(&[0; 8]);
    assert_eq!(Fdt::parse(&blob(&s, strings)), Err(FdtError::UnexpectedEnd));
    // Property length that would overflow.
    let s = S::default()
        .begin("")
        .tok(PROP)
        .tok(0xffff_ffff)
        .tok(0)
        .tok(END_NODE)
        .tok(END)
        .0;
    assert!(Fdt::parse(&blob(&s, strings)).is_err());
    // Node name without terminator in the structure block.
    let mut s = S::default().tok(BEGIN).0;
    s.extend_from_slice(b"abcd");
    assert_eq!(
        Fdt::parse(&blob(&s, strings)),
        Err(FdtError::UnterminatedName(Block::Structure))
    );
    // Property name without terminator in the strings block.
    let s = S::default().begin("").prop(0, b"").tok(END_NODE).tok(END).0;
    assert_eq!(
        Fdt::parse(&blob(&s, b"model")),
        Err(FdtError::UnterminatedName(Block::Strings))
    );
}

#[test]
fn nesting_depth_is_limited() {
    let build = |depth: usize| {
        let mut s = S::default().begin("");
        for _ in 1..depth {
            s = s.begin("n");
        }
        for _ in 0..depth {
            s = s.tok(END_NODE);
        }
        blob(&s.tok(END).0, b"")
    };
    let f = Fdt::parse(&build(MAX_DEPTH)).unwrap();
    assert_eq!(f.root().node_count(), MAX_DEPTH);
    assert_eq!(Fdt::parse(&f.to_bytes().unwrap()).unwrap(), f);
    assert_eq!(Fdt::parse(&build(MAX_DEPTH + 1)), Err(FdtError::TooDeep));
    assert_eq!(Fdt::parse(&build(10_000)), Err(FdtError::TooDeep));

    // A tree made too deep through the API is refused by the serializer.
    let mut f = f;
    let mut n = f.root_mut();
    while !n.children().is_empty() {
        n = &mut n.children_mut()[0];
    }
    n.add_child("deeper").unwrap();
    assert_eq!(f.to_bytes(), Err(FdtError::TooDeep));
}

/// xorshift64*: a tiny deterministic PRNG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Mutates the fixture thousands of times: whatever parses must serialize and re-parse to the
/// same tree; nothing may panic.
#[test]
fn mutation_fuzz() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let interesting = [
        0u32,
        1,
        2,
        3,
        4,
        9,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0xffff_fffc,
        40,
        0x1000,
    ];
    let base = VIRT.to_vec();
    let mut parsed_ok = 0usize;
    let mut failed = 0usize;
    for _ in 0..6000 {
        let mut b = base.clone();
        for _ in 0..=rng.below(4) {
            match rng.below(5) {
                0 => {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                1 if b.len() >= 4 => {
                    let i = rng.below(b.len() / 4) * 4;
                    let v = interesting[rng.below(interesting.len())];
                    set_be32(&mut b, i, v);
                }
                2 if b.len() >= 40 => {
                    // Header field.
                    let i = rng.below(10) * 4;
                    let v = interesting[rng.below(interesting.len())];
                    set_be32(&mut b, i, v);
                }
                3 if b.len() >= 4 => {
                    // Structure token swapped for another token.
                    let start = be32(&base, 8) as usize;
                    let i = start + rng.below(be32(&base, 36) as usize / 4) * 4;
                    let v = [BEGIN, END_NODE, PROP, NOP, END][rng.below(5)];
                    if i + 4 <= b.len() {
                        set_be32(&mut b, i, v);
                    }
                }
                4 => {
                    let n = rng.below(b.len());
                    b.truncate(n.max(1));
                }
                _ => {}
            }
        }
        match Fdt::parse(&b) {
            Ok(f) => {
                parsed_ok += 1;
                let out = f.to_bytes().expect("parsed tree serializes");
                assert_eq!(Fdt::parse(&out).expect("own output parses"), f);
            }
            Err(_) => failed += 1,
        }
    }
    // Both outcomes must actually be exercised.
    assert!(parsed_ok > 100, "only {parsed_ok} mutants parsed");
    assert!(failed > 100, "only {failed} mutants failed");
}

#[test]
fn name_limits() {
    let ok = "a".repeat(oxtee_fdt::MAX_NAME_LEN);
    let long = "a".repeat(oxtee_fdt::MAX_NAME_LEN + 1);
    let node = |name: &str| {
        let s = S::default()
            .begin("")
            .begin(name)
            .tok(END_NODE)
            .tok(END_NODE)
            .tok(END);
        blob(&s.0, b"")
    };
    assert!(Fdt::parse(&node(&ok)).is_ok());
    assert_eq!(Fdt::parse(&node(&long)), Err(FdtError::BadName));
    let prop = |name: &str| {
        let s = S::default().begin("").prop(0, b"").tok(END_NODE).tok(END);
        let mut strings = name.as_bytes().to_vec();
        strings.push(0);
        blob(&s.0, &strings)
    };
    assert!(Fdt::parse(&prop(&ok)).is_ok());
    assert_eq!(Fdt::parse(&prop(&long)), Err(FdtError::BadName));

    let mut f = Fdt::new();
    assert_eq!(f.add_node("/", &long).map(|_| ()), Err(FdtError::BadName));
    assert_eq!(f.set_property("/", &long, b""), Err(FdtError::BadName));
}

#[test]
fn many_properties_sharing_a_long_name_are_refused() {
    // 4000 empty properties all named by one 200-byte string: the tree would copy 800 kB of
    // names out of a 48 kB structure block.
    let name = "p".repeat(200);
    let mut s = S::default().begin("");
    for _ in 0..4000 {
        s = s.prop(0, b"");
    }
    let s = s.tok(END_NODE).tok(END);
    let mut strings = name.into_bytes();
    strings.push(0);
    assert_eq!(Fdt::parse(&blob(&s.0, &strings)), Err(FdtError::TooLarge));
    // Short shared names are fine.
    let mut s = S::default().begin("");
    for _ in 0..4000 {
        s = s.prop(0, b"");
    }
    let s = s.tok(END_NODE).tok(END);
    let f = Fdt::parse(&blob(&s.0, b"status\0")).unwrap();
    assert_eq!(f.root().properties().len(), 4000);
}
