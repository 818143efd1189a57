//! A builder for small, valid TA ELF files that tests then break in specific ways.

#![allow(dead_code, unreachable_pub)]

pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;
pub const PF_R: u32 = 4;

// File layout of the fixture.
pub const TA_HEAD: u64 = 0x140;
pub const DYNSYM: u64 = 0x200;
pub const DYNSTR: u64 = 0x400;
pub const HASH: u64 = 0x500;
pub const RELA: u64 = 0x600;
pub const ENTRY: u64 = 0x800;
pub const DYNAMIC: u64 = 0x1000;
pub const GOT: u64 = 0x1100;
pub const TLS_INIT: u64 = 0x1800;
pub const SHSTRTAB: u64 = 0x2000;
pub const SHDRS: u64 = 0x2100;
pub const SPAN: u64 = 0x4000;

/// Symbol indexes in the fixture's dynamic symbol table.
pub const SYM_TA_HEAD: u32 = 1;
pub const SYM_FOO: u32 = 2;
pub const SYM_EXT: u32 = 3;
pub const SYM_WEAK: u32 = 4;
pub const SYM_TLS: u32 = 5;
pub const FOO_VALUE: u64 = 0x810;
pub const TLS_VALUE: u64 = 8;

// Section indexes.
pub const SH_TA_HEAD: usize = 1;
pub const SH_DYNSYM: usize = 2;
pub const SH_DYNSTR: usize = 3;
pub const SH_HASH: usize = 4;
pub const SH_RELA: usize = 5;
pub const SH_DYNAMIC: usize = 6;
pub const SH_SHSTRTAB: usize = 7;

pub struct Fx {
    pub uuid: [u8; 16],
    pub stack_size: u32,
    pub flags: u32,
    pub depr_entry: u64,
    pub entry: u64,
    pub relocs: Vec<(u64, u32, u32, i64)>,
    pub needed: Vec<String>,
    pub tls: bool,
    pub with_ta_head: bool,
    pub hash: bool,
}

impl Default for Fx {
    fn default() -> Self {
        Fx {
            // TEE_UUID {0x01234567, 0x89ab, 0xcdef, {0x01,..}} as a native LE struct.
            uuid: [
                0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
                0xcd, 0xef,
            ],
            stack_size: 0x2800,
            flags: 0x4 | 0x8,
            depr_entry: u64::MAX,
            entry: ENTRY,
            relocs: vec![(GOT, 1027, 0, 0x840)],
            needed: vec![],
            tls: false,
            with_ta_head: true,
            hash: true,
        }
    }
}

pub fn w16(v: &mut [u8], off: u64, x: u16) {
    v[off as usize..off as usize + 2].copy_from_slice(&x.to_le_bytes());
}
pub fn w32(v: &mut [u8], off: u64, x: u32) {
    v[off as usize..off as usize + 4].copy_from_slice(&x.to_le_bytes());
}
pub fn w64(v: &mut [u8], off: u64, x: u64) {
    v[off as usize..off as usize + 8].copy_from_slice(&x.to_le_bytes());
}

/// Offset of program header `i`.
pub fn ph(i: u64) -> u64 {
    64 + 56 * i
}
/// Offset of section header `i`.
pub fn sh(i: usize) -> u64 {
    SHDRS + 64 * i as u64
}
// Field offsets inside a program header.
pub const P_FLAGS: u64 = 4;
pub const P_OFFSET: u64 = 8;
pub const P_VADDR: u64 = 16;
pub const P_FILESZ: u64 = 32;
pub const P_MEMSZ: u64 = 40;
pub const P_ALIGN: u64 = 48;
// Field offsets inside a section header.
pub const SH_TYPE: u64 = 4;
pub const SH_ADDR: u64 = 16;
pub const SH_SIZE: u64 = 32;
pub const SH_LINK: u64 = 40;
pub const SH_ENTSIZE: u64 = 56;

impl Fx {
    pub fn build(&self) -> Vec<u8> {
        let mut v = vec![0u8; SHDRS as usize + 8 * 64];
        // ELF header.
        v[0..4].copy_from_slice(b"\x7fELF");
        v[4] = 2; // ELFCLASS64
        v[5] = 1; // little-endian
        v[6] = 1; // EV_CURRENT
        w16(&mut v, 16, 3); // ET_DYN
        w16(&mut v, 18, 183); // EM_AARCH64
        w32(&mut v, 20, 1);
        w64(&mut v, 24, self.entry);
        w64(&mut v, 32, 64); // e_phoff
        w64(&mut v, 40, SHDRS);
        w16(&mut v, 52, 64);
        w16(&mut v, 54, 56);
        let phnum = if self.tls { 4 } else { 3 };
        w16(&mut v, 56, phnum);
        w16(&mut v, 58, 64);
        w16(&mut v, 60, 8);
        w16(&mut v, 62, SH_SHSTRTAB as u16);

        // Program headers: RX, RW (+bss), DYNAMIC, [TLS].
        let mut phdr =
            |i: u64, ty: u32, fl: u32, off: u64, va: u64, fsz: u64, msz: u64, al: u64| {
                let b = ph(i);
                w32(&mut v, b, ty);
                w32(&mut v, b + P_FLAGS, fl);
                w64(&mut v, b + P_OFFSET, off);
                w64(&mut v, b + P_VADDR, va);
                w64(&mut v, b + 24, va);
                w64(&mut v, b + P_FILESZ, fsz);
                w64(&mut v, b + P_MEMSZ, msz);
                w64(&mut v, b + P_ALIGN, al);
            };
        phdr(0, 1, PF_R | PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
        phdr(1, 1, PF_R | PF_W, 0x1000, 0x1000, 0x1000, 0x3000, 0x1000);
        phdr(2, 2, PF_R | PF_W, DYNAMIC, DYNAMIC, 0x40, 0x40, 8);
        if self.tls {
            phdr(3, 7, PF_R, TLS_INIT, TLS_INIT, 0x10, 0x40, 8);
        }

        // ta_head.
        if self.with_ta_head {
            v[TA_HEAD as usize..TA_HEAD as usize + 16].copy_from_slice(&self.uuid);
            w32(&mut v, TA_HEAD + 16, self.stack_size);
            w32(&mut v, TA_HEAD + 20, self.flags);
            w64(&mut v, TA_HEAD + 24, self.depr_entry);
        }

        // Dynamic strings.
        let mut strs = b"\0ta_head\0foo\0ext\0weakext\0tlsvar\0".to_vec();
        let mut needed_off = Vec::new();
        for n in &self.needed {
            needed_off.push(strs.len() as u64);
            strs.extend_from_slice(n.as_bytes());
            strs.push(0);
        }
        v[DYNSTR as usize..DYNSTR as usize + strs.len()].copy_from_slice(&strs);

        // Dynamic symbols: null, ta_head, foo, ext (undef), weakext (weak undef), tlsvar.
        let syms: [(u32, u8, u16, u64, u64); 6] = [
            (0, 0, 0, 0, 0),
            (if self.with_ta_head { 1 } else { 0 }, 0x11, 1, TA_HEAD, 32),
            (9, 0x12, 1, FOO_VALUE, 4),
            (13, 0x10, 0, 0, 0),
            (17, 0x20, 0, 0, 0),
            (25, 0x16, 2, TLS_VALUE, 8),
        ];
        for (i, (name, info, shndx, value, size)) in syms.iter().enumerate() {
            let b = DYNSYM + 24 * i as u64;
            w32(&mut v, b, *name);
            v[b as usize + 4] = *info;
            w16(&mut v, b + 6, *shndx);
            w64(&mut v, b + 8, *value);
            w64(&mut v, b + 16, *size);
        }
        // SysV hash: one bucket, chain 5 -> 4 -> 3 -> 2 -> 1 -> 0.
        w32(&mut v, HASH, 1);
        w32(&mut v, HASH + 4, 6);
        w32(&mut v, HASH + 8, 5);
        for n in 0..6u32 {
            w32(&mut v, HASH + 12 + 4 * u64::from(n), n.saturating_sub(1));
        }

        // Relocations.
        for (i, (off, ty, sym, add)) in self.relocs.iter().enumerate() {
            let b = RELA + 24 * i as u64;
            w64(&mut v, b, *off);
            w64(&mut v, b + 8, (u64::from(*sym) << 32) | u64::from(*ty));
            w64(&mut v, b + 16, *add as u64);
        }

        // Dynamic section.
        let mut d = DYNAMIC;
        let mut dynent = |tag: u64, val: u64| {
            w64(&mut v, d, tag);
            w64(&mut v, d + 8, val);
            d += 16;
        };
        for off in &needed_off {
            dynent(1, *off);
        }
        dynent(5, DYNSTR);
        dynent(10, strs.len() as u64);
        dynent(0, 0);
        // PT_DYNAMIC size covers the entries written.
        let dsz = d - DYNAMIC;
        w64(&mut v, ph(2) + P_FILESZ, dsz);
        w64(&mut v, ph(2) + P_MEMSZ, dsz);

        // Section names.
        let shstr = b"\0.ta_head\0.dynsym\0.dynstr\0.hash\0.rela.dyn\0.dynamic\0.shstrtab\0";
        v[SHSTRTAB as usize..SHSTRTAB as usize + shstr.len()].copy_from_slice(shstr);
        let mut shdr = |i: usize, name: u32, ty: u32, addr: u64, size: u64, link: u32, ent: u64| {
            let b = sh(i);
            w32(&mut v, b, name);
            w32(&mut v, b + SH_TYPE, ty);
            w64(&mut v, b + SH_ADDR, addr);
            w64(&mut v, b + 24, addr); // sh_offset == sh_addr in this layout
            w64(&mut v, b + SH_SIZE, size);
            w32(&mut v, b + SH_LINK, link);
            w64(&mut v, b + SH_ENTSIZE, ent);
        };
        if self.with_ta_head {
            shdr(SH_TA_HEAD, 1, 1, TA_HEAD, 32, 0, 0);
        }
        shdr(SH_DYNSYM, 10, 11, DYNSYM, 6 * 24, SH_DYNSTR as u32, 24);
        shdr(SH_DYNSTR, 18, 3, DYNSTR, strs.len() as u64, 0, 0);
        if self.hash {
            shdr(SH_HASH, 26, 5, HASH, 8 + 4 + 6 * 4, SH_DYNSYM as u32, 4);
        }
        shdr(
            SH_RELA,
            32,
            4,
            RELA,
            24 * self.relocs.len() as u64,
            SH_DYNSYM as u32,
            24,
        );
        shdr(SH_DYNAMIC, 42, 6, DYNAMIC, dsz, SH_DYNSTR as u32, 16);
        shdr(SH_SHSTRTAB, 51, 3, SHSTRTAB, shstr.len() as u64, 0, 0);
        v
    }
}
