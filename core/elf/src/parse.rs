//! ELF header, program header and section header parsing into a [`TaElf`] load plan.

use alloc::string::String;
use alloc::vec::Vec;

use zerocopy::FromBytes;

use crate::error::{bad, ElfError};
use crate::layout::*;
use crate::symbols::{Symbol, SymbolTable};
use crate::uuid::TeeUuid;
use crate::{
    Rela, TaElf, TaHead, TlsSegment, MAX_IMAGE_SPAN, MAX_NEEDED, MAX_RELOCS, MAX_SECTIONS,
    MAX_SYMBOLS, PAGE_SIZE, TA_FLAGS_MASK,
};

/// A `PT_LOAD` segment of the load plan, exactly as the file describes it (no page rounding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Module-relative virtual address (`p_vaddr`).
    pub vaddr: u64,
    /// Size in memory (`p_memsz`); bytes past `filesz` are zero-filled.
    pub memsz: u64,
    /// Bytes copied from the file (`p_filesz` <= `memsz`).
    pub filesz: u64,
    /// Offset of those bytes in the ELF file (`p_offset`).
    pub offset: u64,
    /// `PF_R` | `PF_W` | `PF_X` bits (never both `PF_W` and `PF_X`).
    pub flags: u32,
    /// `p_align` (a power of two, at least one page).
    pub align: u64,
}

impl Segment {
    /// Readable.
    pub fn readable(&self) -> bool {
        self.flags & PF_R != 0
    }
    /// Writable.
    pub fn writable(&self) -> bool {
        self.flags & PF_W != 0
    }
    /// Executable.
    pub fn executable(&self) -> bool {
        self.flags & PF_X != 0
    }
    /// First byte after the segment in memory (module-relative; cannot overflow after parsing).
    pub fn end(&self) -> u64 {
        self.vaddr.saturating_add(self.memsz)
    }
}

/// Any program header (kept for `dl_phdr_info.dlpi_phdr`, which lists them all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramHeader {
    /// `p_type`.
    pub p_type: u32,
    /// `p_flags`.
    pub p_flags: u32,
    /// `p_offset`.
    pub p_offset: u64,
    /// `p_vaddr`.
    pub p_vaddr: u64,
    /// `p_paddr`.
    pub p_paddr: u64,
    /// `p_filesz`.
    pub p_filesz: u64,
    /// `p_memsz`.
    pub p_memsz: u64,
    /// `p_align`.
    pub p_align: u64,
}

/// A `DT_NEEDED` entry: another TA (shared library) named by its UUID text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needed {
    /// The name as written in the dynamic string table.
    pub name: String,
    /// The UUID it spells.
    pub uuid: TeeUuid,
}

/// What the dynamic section and the dynamic symbol/relocation sections say.
#[derive(Clone, Debug, Default)]
pub struct DynamicInfo {
    /// `DT_NEEDED` libraries, in file order.
    pub needed: Vec<Needed>,
    /// The dynamic symbol table (first `SHT_DYNSYM` section) with its string table.
    pub symbols: SymbolTable,
    /// All `Elf64_Rela` entries of every `SHT_RELA` section, in section order (this is what
    /// OP-TEE's loader processes; `DT_RELA`/`DT_RELASZ` can be wrong in TA link layouts).
    pub relocations: Vec<Rela>,
}

struct Reader<'a> {
    file: &'a [u8],
    loads: &'a [Segment],
}

impl Reader<'_> {
    /// File bytes backing module-relative range `[vaddr, vaddr + len)`, which must lie in the
    /// file-backed part of one `PT_LOAD` segment.
    fn mem(&self, vaddr: u64, len: u64) -> Result<&[u8], ElfError> {
        let end = vaddr
            .checked_add(len)
            .ok_or(ElfError::BadFormat("range wraps"))?;
        for s in self.loads {
            let file_end = s.vaddr.saturating_add(s.filesz);
            if vaddr >= s.vaddr && end <= file_end {
                let off = s
                    .offset
                    .checked_add(vaddr - s.vaddr)
                    .ok_or(ElfError::BadFormat("range wraps"))?;
                return slice(self.file, off, len);
            }
        }
        bad("table outside the file-backed part of a load segment")
    }
}

fn slice(file: &[u8], off: u64, len: u64) -> Result<&[u8], ElfError> {
    let start = usize::try_from(off).map_err(|_| ElfError::BadFormat("offset out of file"))?;
    let len = usize::try_from(len).map_err(|_| ElfError::BadFormat("size out of file"))?;
    let end = start
        .checked_add(len)
        .ok_or(ElfError::BadFormat("offset wraps"))?;
    file.get(start..end)
        .ok_or(ElfError::BadFormat("range outside the file"))
}

fn try_vec<T>(n: usize) -> Result<Vec<T>, ElfError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
    Ok(v)
}

fn page_down(v: u64) -> u64 {
    v & !(PAGE_SIZE - 1)
}

/// Parses and checks an ELF file (the payload after the signed header) into a load plan.
pub fn parse(file: &[u8]) -> Result<TaElf, ElfError> {
    let eh = Ehdr::read_from_prefix(file)
        .map_err(|_| ElfError::BadFormat("file shorter than ELF header"))?
        .0;
    if eh.e_ident[0..4] != ELFMAG {
        return bad("not an ELF file");
    }
    if eh.e_ident[EI_CLASS] != ELFCLASS64
        || eh.e_ident[EI_DATA] != ELFDATA2LSB
        || eh.e_ident[EI_VERSION] != EV_CURRENT
        || eh.e_ident[EI_OSABI] != ELFOSABI_NONE
        || eh.e_type.get() != ET_DYN
        || eh.e_machine.get() != EM_AARCH64
        || eh.e_flags.get() != 0
        || usize::from(eh.e_phentsize.get()) != PHDR_SIZE
        || usize::from(eh.e_shentsize.get()) != SHDR_SIZE
    {
        return bad("not an AArch64 ELF64 little-endian ET_DYN file");
    }

    // Program headers: OP-TEE reads them from the first page of the file.
    let phoff = eh.e_phoff.get();
    let phnum = u64::from(eh.e_phnum.get());
    let ph_end = phnum
        .checked_mul(PHDR_SIZE as u64)
        .and_then(|n| n.checked_add(phoff))
        .ok_or(ElfError::BadFormat("program headers wrap"))?;
    if ph_end > PAGE_SIZE {
        return Err(ElfError::NotSupported(
            "program headers beyond the first page",
        ));
    }
    let ph_bytes = slice(file, phoff, ph_end - phoff)?;
    let mut phdrs: Vec<ProgramHeader> = try_vec(ph_bytes.len() / PHDR_SIZE)?;
    for chunk in ph_bytes.chunks_exact(PHDR_SIZE) {
        let p = Phdr::read_from_bytes(chunk).map_err(|_| ElfError::BadFormat("program header"))?;
        phdrs.push(ProgramHeader {
            p_type: p.p_type.get(),
            p_flags: p.p_flags.get(),
            p_offset: p.p_offset.get(),
            p_vaddr: p.p_vaddr.get(),
            p_paddr: p.p_paddr.get(),
            p_filesz: p.p_filesz.get(),
            p_memsz: p.p_memsz.get(),
            p_align: p.p_align.get(),
        });
    }

    let segments = load_segments(file, &phdrs)?;
    let span = segments
        .iter()
        .map(Segment::end)
        .max()
        .ok_or(ElfError::BadFormat("no load segment"))?;
    let span = span
        .checked_add(PAGE_SIZE - 1)
        .map(page_down)
        .ok_or(ElfError::BadFormat("image span wraps"))?;
    if span > MAX_IMAGE_SPAN {
        return Err(ElfError::OutOfMemory("image too large"));
    }
    let rd = Reader {
        file,
        loads: &segments,
    };

    let tls = tls_segment(&phdrs, &rd)?;
    let needed = dynamic_needed(&phdrs, &rd)?;
    let (symbols, relocations, ta_head_section) = sections(file, &eh, &rd, span)?;

    // ta_head: by symbol, else by section; libraries have neither.
    let head_vaddr = match symbols.lookup_defined(b"ta_head") {
        Some(Symbol { value, .. }) => Some(value),
        None => ta_head_section,
    };
    let ta_head = match head_vaddr {
        Some(va) => Some(read_ta_head(&rd, va)?),
        None => None,
    };

    let e_entry = eh.e_entry.get();
    let legacy = ta_head.as_ref().is_some_and(|h| h.depr_entry != u64::MAX);
    let entry = match &ta_head {
        Some(h) if legacy => h.depr_entry,
        _ => e_entry,
    };
    if ta_head.is_some()
        && !legacy
        && !segments
            .iter()
            .any(|s| s.executable() && entry >= s.vaddr && entry < s.end())
    {
        return bad("entry point outside executable segments");
    }

    Ok(TaElf {
        segments,
        program_headers: phdrs,
        phdr_offset: phoff,
        span,
        entry,
        legacy,
        ta_head,
        tls,
        dynamic: DynamicInfo {
            needed,
            symbols,
            relocations,
        },
    })
}

fn load_segments(file: &[u8], phdrs: &[ProgramHeader]) -> Result<Vec<Segment>, ElfError> {
    let mut segs: Vec<Segment> = try_vec(phdrs.len())?;
    for p in phdrs.iter().filter(|p| p.p_type == PT_LOAD) {
        if p.p_filesz > p.p_memsz {
            return bad("segment filesz > memsz");
        }
        let end = p
            .p_vaddr
            .checked_add(p.p_memsz)
            .ok_or(ElfError::BadFormat("segment wraps"))?;
        if end > MAX_IMAGE_SPAN {
            return Err(ElfError::OutOfMemory("segment too large"));
        }
        slice(file, p.p_offset, p.p_filesz)?;
        if !p.p_align.is_power_of_two() || p.p_align < PAGE_SIZE || p.p_align > 0x10_0000 {
            return bad("segment alignment");
        }
        if p.p_offset & (PAGE_SIZE - 1) != p.p_vaddr & (PAGE_SIZE - 1) {
            return bad("segment offset and address not congruent");
        }
        if p.p_flags & PF_R == 0 {
            return Err(ElfError::NotSupported("segment must be readable"));
        }
        if p.p_flags & PF_W != 0 && p.p_flags & PF_X != 0 {
            return bad("writable and executable segment");
        }
        if let Some(prev) = segs.last() {
            if p.p_align != prev.align {
                return bad("segments with different alignment");
            }
            if p.p_vaddr < prev.end() {
                return bad("overlapping or unsorted segments");
            }
            if p.p_offset < prev.offset.saturating_add(prev.filesz) {
                return bad("overlapping or unsorted segment file ranges");
            }
            // Segments sharing a page get merged by OP-TEE's loader (permissions ORed).
            if page_down(p.p_vaddr) < prev.end() {
                if prev.memsz != prev.filesz {
                    return bad("segment shares a page with a zero-filled tail");
                }
                let merged = prev.flags | p.p_flags;
                if merged & PF_W != 0 && merged & PF_X != 0 {
                    return bad("writable and executable page");
                }
            }
        }
        segs.push(Segment {
            vaddr: p.p_vaddr,
            memsz: p.p_memsz,
            filesz: p.p_filesz,
            offset: p.p_offset,
            flags: p.p_flags & (PF_R | PF_W | PF_X),
            align: p.p_align,
        });
    }
    if segs.is_empty() {
        return bad("no load segment");
    }
    Ok(segs)
}

fn tls_segment(phdrs: &[ProgramHeader], rd: &Reader<'_>) -> Result<Option<TlsSegment>, ElfError> {
    let mut tls = None;
    for p in phdrs.iter().filter(|p| p.p_type == PT_TLS) {
        if tls.is_some() {
            return bad("more than one TLS segment");
        }
        if p.p_filesz > p.p_memsz {
            return bad("TLS filesz > memsz");
        }
        if p.p_memsz > MAX_IMAGE_SPAN {
            return Err(ElfError::OutOfMemory("TLS segment too large"));
        }
        if p.p_align > 1 && !p.p_align.is_power_of_two() {
            return bad("TLS alignment");
        }
        // The initialisation image must be file-backed inside a load segment.
        rd.mem(p.p_vaddr, p.p_filesz)?;
        tls = Some(TlsSegment {
            vaddr: p.p_vaddr,
            filesz: p.p_filesz,
            memsz: p.p_memsz,
            align: p.p_align,
        });
    }
    Ok(tls)
}

fn dynamic_needed(phdrs: &[ProgramHeader], rd: &Reader<'_>) -> Result<Vec<Needed>, ElfError> {
    let mut needed = Vec::new();
    let mut dyns = phdrs.iter().filter(|p| p.p_type == PT_DYNAMIC);
    let Some(p) = dyns.next() else {
        return Ok(needed);
    };
    if dyns.next().is_some() {
        return bad("more than one dynamic segment");
    }
    if p.p_memsz % DYN_SIZE as u64 != 0 {
        return bad("dynamic segment size");
    }
    let bytes = rd.mem(p.p_vaddr, p.p_memsz)?;
    let mut strtab = None;
    let mut strsz = None;
    let mut names = Vec::new();
    for chunk in bytes.chunks_exact(DYN_SIZE) {
        let d = Dyn::read_from_bytes(chunk).map_err(|_| ElfError::BadFormat("dynamic entry"))?;
        match d.d_tag.get() {
            DT_NULL => break,
            DT_STRTAB => strtab = Some(d.d_val.get()),
            DT_STRSZ => strsz = Some(d.d_val.get()),
            DT_NEEDED => {
                if names.len() >= MAX_NEEDED {
                    return Err(ElfError::OutOfMemory("too many DT_NEEDED entries"));
                }
                names.push(d.d_val.get());
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return Ok(needed);
    }
    let (Some(strtab), Some(strsz)) = (strtab, strsz) else {
        return bad("DT_NEEDED without string table");
    };
    let strs = rd.mem(strtab, strsz)?;
    needed
        .try_reserve_exact(names.len())
        .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
    for off in names {
        let name = c_str(strs, off)?;
        let uuid = TeeUuid::parse(name).ok_or(ElfError::BadFormat("DT_NEEDED is not a UUID"))?;
        let name = core::str::from_utf8(name).map_err(|_| ElfError::BadFormat("DT_NEEDED name"))?;
        needed.push(Needed {
            name: String::from(name),
            uuid,
        });
    }
    Ok(needed)
}

/// NUL-terminated string at `off` in `tab` (without the NUL).
pub(crate) fn c_str(tab: &[u8], off: u64) -> Result<&[u8], ElfError> {
    let off = usize::try_from(off).map_err(|_| ElfError::BadFormat("name index out of range"))?;
    let rest = tab
        .get(off..)
        .ok_or(ElfError::BadFormat("name index out of range"))?;
    let len = rest
        .iter()
        .position(|&c| c == 0)
        .ok_or(ElfError::BadFormat("unterminated name"))?;
    Ok(&rest[..len])
}

type Sections = (SymbolTable, Vec<Rela>, Option<u64>);

fn sections(file: &[u8], eh: &Ehdr, rd: &Reader<'_>, span: u64) -> Result<Sections, ElfError> {
    let shnum = usize::from(eh.e_shnum.get());
    if shnum == 0 {
        return Ok((SymbolTable::default(), Vec::new(), None));
    }
    if shnum > MAX_SECTIONS {
        return Err(ElfError::OutOfMemory("too many sections"));
    }
    let sh_bytes = slice(file, eh.e_shoff.get(), (shnum * SHDR_SIZE) as u64)?;
    let mut shdrs: Vec<Shdr> = try_vec(shnum)?;
    for chunk in sh_bytes.chunks_exact(SHDR_SIZE) {
        shdrs
            .push(Shdr::read_from_bytes(chunk).map_err(|_| ElfError::BadFormat("section header"))?);
    }
    // Each table OP-TEE reads from the loaded image must lie inside it.
    let in_image = |s: &Shdr| -> Result<&[u8], ElfError> {
        let end = s
            .sh_addr
            .get()
            .checked_add(s.sh_size.get())
            .ok_or(ElfError::BadFormat("section wraps"))?;
        if end > span {
            return bad("section outside the image");
        }
        rd.mem(s.sh_addr.get(), s.sh_size.get())
    };

    // Dynamic symbol table: the first SHT_DYNSYM, its strings via sh_link.
    let mut symbols = SymbolTable::default();
    let dynsym_idx = shdrs.iter().position(|s| s.sh_type.get() == SHT_DYNSYM);
    if let Some(i) = dynsym_idx {
        let s = &shdrs[i];
        if s.sh_size.get() % SYM_SIZE as u64 != 0 {
            return bad("symbol table size");
        }
        let count = s.sh_size.get() / SYM_SIZE as u64;
        if count > MAX_SYMBOLS {
            return Err(ElfError::OutOfMemory("too many symbols"));
        }
        let str_idx = usize::try_from(s.sh_link.get()).unwrap_or(usize::MAX);
        let strsec = shdrs
            .get(str_idx)
            .ok_or(ElfError::BadFormat("string table index out of range"))?;
        let strtab = in_image(strsec)?;
        let syms = in_image(s)?;
        symbols = SymbolTable::new(syms, strtab)?;
        for (ty, is_gnu) in [(SHT_GNU_HASH, true), (SHT_HASH, false)] {
            if let Some(h) = shdrs.iter().find(|h| h.sh_type.get() == ty) {
                symbols.set_hash(in_image(h)?, is_gnu)?;
                break;
            }
        }
    }

    // Relocations: every SHT_RELA section.
    let mut relocs: Vec<Rela> = Vec::new();
    for s in shdrs.iter().filter(|s| s.sh_type.get() == SHT_RELA) {
        if s.sh_entsize.get() != RELA_SIZE as u64 || s.sh_size.get() % RELA_SIZE as u64 != 0 {
            return bad("relocation section entry size");
        }
        let link = s.sh_link.get();
        if link != 0 && Some(link as usize) != dynsym_idx {
            return bad("relocation section not linked to the dynamic symbol table");
        }
        let count = s.sh_size.get() / RELA_SIZE as u64;
        let total = (relocs.len() as u64)
            .checked_add(count)
            .ok_or(ElfError::OutOfMemory("too many relocations"))?;
        if total > MAX_RELOCS {
            return Err(ElfError::OutOfMemory("too many relocations"));
        }
        let bytes = in_image(s)?;
        relocs
            .try_reserve_exact(count as usize)
            .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
        for chunk in bytes.chunks_exact(RELA_SIZE) {
            let r =
                RelaRaw::read_from_bytes(chunk).map_err(|_| ElfError::BadFormat("relocation"))?;
            let info = r.r_info.get();
            relocs.push(Rela {
                offset: r.r_offset.get(),
                kind: (info & 0xffff_ffff) as u32,
                sym: (info >> 32) as u32,
                addend: r.r_addend.get(),
                has_symtab: link != 0,
            });
        }
    }

    // `.ta_head` section address (fallback when the symbol is absent).
    let mut ta_head = None;
    let shstrndx = usize::from(eh.e_shstrndx.get());
    if let Some(strsec) = shdrs.get(shstrndx) {
        let names = slice(file, strsec.sh_offset.get(), strsec.sh_size.get())?;
        for s in &shdrs {
            if c_str(names, u64::from(s.sh_name.get())).ok() == Some(b".ta_head".as_slice()) {
                ta_head = Some(s.sh_addr.get());
                break;
            }
        }
    }
    Ok((symbols, relocs, ta_head))
}

fn read_ta_head(rd: &Reader<'_>, vaddr: u64) -> Result<TaHead, ElfError> {
    let b = rd.mem(vaddr, 32)?;
    let mut uuid = [0u8; 16];
    uuid.copy_from_slice(&b[0..16]);
    let stack_size = u32::from_le_bytes([b[16], b[17], b[18], b[19]]);
    let flags = u32::from_le_bytes([b[20], b[21], b[22], b[23]]);
    let mut de = [0u8; 8];
    de.copy_from_slice(&b[24..32]);
    if flags & !TA_FLAGS_MASK != 0 {
        return bad("unknown ta_head flags");
    }
    Ok(TaHead {
        vaddr,
        uuid: TeeUuid::from_le_struct(&uuid),
        stack_size,
        flags,
        depr_entry: u64::from_le_bytes(de),
    })
}
