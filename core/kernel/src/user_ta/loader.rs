//! Turning verified ELF modules (the TA and its `DT_NEEDED` libraries) into
//! a runnable address space: placement with a random offset, relocation in
//! one global scope, TLS offsets, `__elf_phdr_info`, stack.
//!
//! This is the TA-visible part of what OP-TEE's ldelf does; it runs in the
//! core because the ELF parser and relocator are memory-safe Rust working
//! on a verified copy (docs/decisions/0001-ta-loading-in-the-core.md).

use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;

use oxtee_elf::{ElfError, ProgramHeader, RelocEnv, TaElf, TCB_HEAD_SIZE};
use oxtee_frames::FrameRange;
use oxtee_mm::{UserKind, TA_WINDOW};

use super::hw::UserHw;
use super::space::{page_up, Space, Use, PAGE};
use super::Frames;
use crate::ta_load::LoadedTa;

/// Most modules (TA + libraries) one instance may load.
pub const MAX_MODULES: usize = 16;
/// First address of the main module before the random offset.
const IMAGE_START: u64 = TA_WINDOW.start + 0x10_0000;
/// Random offset of the image area: 0..=127 pages (OP-TEE's `CFG_TA_ASLR` range).
const ASLR_PAGES: u64 = 128;
/// The stack ends here (the page above stays unmapped).
const STACK_END: u64 = 0x9f00_0000;
/// `sizeof(struct dl_phdr_info)` on AArch64.
const DLPI_SIZE: usize = 64;
/// `sizeof(Elf64_Phdr)`.
const PHDR_SIZE: usize = 56;
/// `R_AARCH64_TLSDESC` resolver for static TLS: `ldr x0, [x0, #8]; ret`.
const TLSDESC_STATIC: [u32; 2] = [0xf940_0400, 0xd65f_03c0];

/// One loaded ELF module.
pub struct Module {
    /// UUID octets of the TA (or library) file.
    pub uuid: [u8; 16],
    /// Its load plan and symbols.
    pub elf: TaElf,
    /// Address of module address 0.
    pub base: u64,
    /// TLS module id (index in `__elf_phdr_info` + 1), 0 without TLS.
    pub tls_modid: u64,
    /// Offset of its TLS block from the thread pointer.
    pub tls_offset: u64,
}

/// What the runtime needs to enter a loaded instance.
pub struct Loaded {
    /// Modules, main TA first.
    pub modules: Vec<Module>,
    /// Entry point (`__ta_entry`).
    pub entry: u64,
    /// Top of the stack.
    pub stack_top: u64,
    /// `ta_head.flags`.
    pub flags: u32,
    /// Next free address after the modules (for `dlopen`).
    pub next_base: u64,
    /// Next free TLS offset.
    pub tls_end: u64,
    /// Address of the loader-data area (`dl_phdr_info` array).
    pub info_va: u64,
    /// Address of the TLSDESC resolver.
    pub tlsdesc: u64,
}

/// Fetches a module by UUID octets (verified, from the TA store).
pub type Fetch<'f> = dyn FnMut([u8; 16]) -> Result<LoadedTa, TeeError> + 'f;

/// Loads `main` and every library it needs (breadth first, each once) into `space`.
pub fn load(
    main: LoadedTa,
    fetch: &mut Fetch<'_>,
    space: &mut Space,
    frames: &Frames,
    hw: &dyn UserHw,
) -> Result<Loaded, TeeError> {
    let head = main.elf.ta_head.ok_or(TeeError::BAD_FORMAT)?;
    let mut rnd = [0u8; 8];
    // No randomness, no TA: a fixed layout would defeat ASLR silently.
    hw.random(&mut rnd).map_err(|_| TeeError::GENERIC)?;
    let start = IMAGE_START + (u64::from_le_bytes(rnd) % ASLR_PAGES) * PAGE;
    // The TLSDESC resolver page comes first, the modules after it.
    let tlsdesc = start;
    let f = space.alloc_frames(frames, hw, PAGE)?;
    hw.write(f.start(), &tlsdesc_page())?;
    hw.sync_code(f.start(), f.size());
    space.map(tlsdesc, f, UserKind::Text, Use::Fixed)?;
    let mut loaded = Loaded {
        modules: Vec::new(),
        entry: 0,
        stack_top: STACK_END,
        flags: head.flags,
        next_base: start + PAGE,
        tls_end: TCB_HEAD_SIZE,
        info_va: 0,
        tlsdesc,
    };
    let main_uuid = head.uuid.to_octets();
    add_modules(
        &mut loaded,
        alloc::vec![(main_uuid, main)],
        fetch,
        space,
        frames,
        hw,
    )?;
    // Stack (ta_head.stack_size, as ldelf maps it).
    let stack_size = page_up(u64::from(head.stack_size).max(PAGE)).ok_or(TeeError::BAD_FORMAT)?;
    if stack_size > 0x10_0000 {
        return Err(TeeError::OUT_OF_MEMORY);
    }
    let f = space.alloc_frames(frames, hw, stack_size)?;
    space.map(STACK_END - stack_size, f, UserKind::Rw, Use::Fixed)?;
    // A read-only zero page right above the stack: in OP-TEE other mappings
    // follow the stack, and TAs (xtest 4013) probe a little past its top.
    let f = space.alloc_frames(frames, hw, PAGE)?;
    space.map(STACK_END, f, UserKind::Ro, Use::Fixed)?;
    loaded.entry = loaded.modules[0].base + loaded.modules[0].elf.entry;
    Ok(loaded)
}

/// Adds `roots` and the libraries they need (those not loaded yet) to an
/// instance: placed after the current modules, relocated in the global
/// scope (existing modules first), TLS blocks appended; then a new
/// `dl_phdr_info` area is mapped and `__elf_phdr_info` points to it.
pub fn add_modules(
    loaded: &mut Loaded,
    roots: Vec<([u8; 16], LoadedTa)>,
    fetch: &mut Fetch<'_>,
    space: &mut Space,
    frames: &Frames,
    hw: &dyn UserHw,
) -> Result<(), TeeError> {
    let known = |u: &[u8; 16], files: &[([u8; 16], LoadedTa)], loaded: &Loaded| {
        files.iter().any(|(x, _)| x == u) || loaded.modules.iter().any(|m| m.uuid == *u)
    };
    // Breadth-first over DT_NEEDED.
    let mut files: Vec<([u8; 16], LoadedTa)> = Vec::new();
    for (u, ta) in roots {
        if !known(&u, &files, loaded) {
            files.push((u, ta));
        }
    }
    let mut i = 0;
    while i < files.len() {
        let needed: Vec<[u8; 16]> = files[i]
            .1
            .elf
            .dynamic
            .needed
            .iter()
            .map(|n| n.uuid.to_octets())
            .collect();
        for uuid in needed {
            if known(&uuid, &files, loaded) {
                continue;
            }
            if files.len() + loaded.modules.len() >= MAX_MODULES {
                return Err(TeeError::OUT_OF_MEMORY);
            }
            files.push((uuid, fetch(uuid)?));
        }
        i += 1;
    }
    // Placement and TLS layout.
    let first_new = loaded.modules.len();
    let mut base = loaded.next_base;
    let mut tls_end = loaded.tls_end;
    for (uuid, ta) in &files {
        let index = loaded.modules.len();
        let (tls_modid, tls_offset) = match &ta.elf.tls {
            Some(t) => {
                let off = tls_end;
                tls_end = tls_end.checked_add(t.memsz).ok_or(TeeError::BAD_FORMAT)?;
                (index as u64 + 1, off)
            }
            None => (0, 0),
        };
        loaded.modules.push(Module {
            uuid: *uuid,
            elf: ta.elf.clone(),
            base,
            tls_modid,
            tls_offset,
        });
        base = base
            .checked_add(page_up(ta.elf.span).ok_or(TeeError::BAD_FORMAT)?)
            .filter(|b| *b < STACK_END - 0x100_0000)
            .ok_or(TeeError::OUT_OF_MEMORY)?;
    }
    // Images: written and relocated in their own frames (not in a heap
    // buffer: a 1 MiB TA would need its file and its image in the heap at
    // once), in one global scope, main module first.
    let modules = &loaded.modules;
    for (m, (_, ta)) in modules[first_new..].iter().zip(files.iter()) {
        let span = page_up(m.elf.span).ok_or(TeeError::BAD_FORMAT)?;
        let f = space.alloc_frames(frames, hw, span)?;
        let mut hw_error = None;
        let mut write = |off: u64, bytes: &[u8]| match hw.write(f.start() + off, bytes) {
            Ok(()) => Ok(()),
            Err(e) => {
                hw_error = Some(e);
                Err(ElfError::OutOfMemory("TA frame write"))
            }
        };
        let elf_error = |e: ElfError| TeeError::from_code(e.tee_result());
        m.elf
            .load_with(&ta.file[ta.elf_offset..], &mut write)
            .map_err(elf_error)?;
        let resolve = |name: &str| global_symbol(modules, name);
        let resolve_tls = |name: &str| global_tls_symbol(modules, name);
        let relocated = m.elf.apply_relocations_by(
            &RelocEnv {
                load_base: m.base,
                resolve: &resolve,
                resolve_tls: &resolve_tls,
                tls_tcb_offset: if m.tls_modid != 0 {
                    m.tls_offset
                } else {
                    TCB_HEAD_SIZE
                },
                tlsdesc_resolver: Some(loaded.tlsdesc),
            },
            &mut |off, value| write(off, &value.to_le_bytes()),
        );
        if let Some(e) = hw_error {
            return Err(e);
        }
        relocated.map_err(elf_error)?;
        map_module(m, f, space, hw)?;
    }
    // Loader data: the dl_phdr_info array for all modules, read-only.
    let info_va = base;
    let info = phdr_info(modules, info_va)?;
    let info_size = page_up(info.len() as u64).ok_or(TeeError::OUT_OF_MEMORY)?;
    let f = space.alloc_frames(frames, hw, info_size)?;
    hw.write(f.start(), &info)?;
    space.map(info_va, f, UserKind::Ro, Use::Fixed)?;
    // __elf_phdr_info lives in libutee, linked into the main TA.
    if let Some(va) = global_symbol(modules, "__elf_phdr_info") {
        space.write(hw, va, &elf_phdr_info_bytes(modules.len(), info_va))?;
    }
    loaded.info_va = info_va;
    loaded.next_base = info_va + info_size;
    loaded.tls_end = tls_end;
    Ok(())
}

/// Absolute address of a global symbol: first definition in load order.
pub fn global_symbol(modules: &[Module], name: &str) -> Option<u64> {
    modules
        .iter()
        .find_map(|m| m.elf.lookup_symbol(name).map(|v| m.base + v))
}

/// Thread-pointer offset of a TLS symbol: first definition in load order.
fn global_tls_symbol(modules: &[Module], name: &str) -> Option<u64> {
    modules.iter().find_map(|m| {
        m.elf
            .lookup_tls_symbol(name)
            .filter(|_| m.tls_modid != 0)
            .map(|v| m.tls_offset + v)
    })
}

fn tlsdesc_page() -> Vec<u8> {
    TLSDESC_STATIC
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect()
}

/// Maps the frames `f` holding a module's relocated image, each segment
/// with its rights (text RX, read-only RO, data RW).
fn map_module(
    m: &Module,
    f: FrameRange,
    space: &mut Space,
    hw: &dyn UserHw,
) -> Result<(), TeeError> {
    hw.sync_code(f.start(), f.size());
    let pages = (f.size() / PAGE) as usize;
    let mut kinds: Vec<Option<UserKind>> = alloc::vec![None; pages];
    for s in &m.elf.segments {
        let kind = if s.executable() {
            UserKind::Text
        } else if s.writable() {
            UserKind::Rw
        } else {
            UserKind::Ro
        };
        let first = (s.vaddr / PAGE) as usize;
        let last = ((s.vaddr + s.memsz.max(1) - 1) / PAGE) as usize;
        for k in kinds.get_mut(first..=last).ok_or(TeeError::BAD_FORMAT)? {
            *k = Some(match (*k, kind) {
                (None, k) => k,
                (Some(a), b) if a == b => a,
                // A page shared by a read-only and a writable segment is writable.
                (Some(UserKind::Ro), UserKind::Rw) | (Some(UserKind::Rw), UserKind::Ro) => {
                    UserKind::Rw
                }
                (Some(UserKind::Ro), UserKind::Text) | (Some(UserKind::Text), UserKind::Ro) => {
                    UserKind::Text
                }
                // Code and writable data in one page would break W^X.
                _ => return Err(TeeError::BAD_FORMAT),
            });
        }
    }
    let mut views = Vec::new();
    let mut i = 0;
    while i < pages {
        let Some(k) = kinds[i] else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j < pages && kinds[j] == Some(k) {
            j += 1;
        }
        views.push((i as u64 * PAGE, (j - i) as u64 * PAGE, k));
        i = j;
    }
    space.map_views(m.base, f, &views)
}

fn phdr_bytes(p: &ProgramHeader) -> [u8; PHDR_SIZE] {
    let mut b = [0u8; PHDR_SIZE];
    b[0..4].copy_from_slice(&p.p_type.to_le_bytes());
    b[4..8].copy_from_slice(&p.p_flags.to_le_bytes());
    b[8..16].copy_from_slice(&p.p_offset.to_le_bytes());
    b[16..24].copy_from_slice(&p.p_vaddr.to_le_bytes());
    b[24..32].copy_from_slice(&p.p_paddr.to_le_bytes());
    b[32..40].copy_from_slice(&p.p_filesz.to_le_bytes());
    b[40..48].copy_from_slice(&p.p_memsz.to_le_bytes());
    b[48..56].copy_from_slice(&p.p_align.to_le_bytes());
    b
}

/// Text form of a UUID (octets), NUL-terminated: the module's `dlpi_name`.
fn uuid_name(u: &[u8; 16]) -> [u8; 37] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 37];
    let mut o = 0;
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out[o] = b'-';
            o += 1;
        }
        out[o] = HEX[(b >> 4) as usize];
        out[o + 1] = HEX[(b & 15) as usize];
        o += 2;
    }
    out
}

/// The loader-data area: `dl_phdr_info` array, then per module its name
/// and a copy of its program headers.
pub fn phdr_info(modules: &[Module], va: u64) -> Result<Vec<u8>, TeeError> {
    let mut out = alloc::vec![0u8; DLPI_SIZE * modules.len()];
    for (i, m) in modules.iter().enumerate() {
        let name_va = va + out.len() as u64;
        out.extend_from_slice(&uuid_name(&m.uuid));
        while out.len() % 8 != 0 {
            out.push(0);
        }
        let phdr_va = va + out.len() as u64;
        for p in &m.elf.program_headers {
            out.extend_from_slice(&phdr_bytes(p));
        }
        let phnum = u16::try_from(m.elf.program_headers.len()).map_err(|_| TeeError::BAD_FORMAT)?;
        let d = &mut out[i * DLPI_SIZE..(i + 1) * DLPI_SIZE];
        d[0..8].copy_from_slice(&m.base.to_le_bytes());
        d[8..16].copy_from_slice(&name_va.to_le_bytes());
        d[16..24].copy_from_slice(&phdr_va.to_le_bytes());
        d[24..26].copy_from_slice(&phnum.to_le_bytes());
        d[32..40].copy_from_slice(&1u64.to_le_bytes()); // dlpi_adds
        d[48..56].copy_from_slice(&m.tls_modid.to_le_bytes());
    }
    Ok(out)
}

/// `__elf_phdr_info`: {reserved u32, count u16, reserved2 u8, zero u8, dlpi ptr}.
pub fn elf_phdr_info_bytes(count: usize, dlpi: u64) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[4..6].copy_from_slice(&(count as u16).to_le_bytes());
    b[8..16].copy_from_slice(&dlpi.to_le_bytes());
    b
}
