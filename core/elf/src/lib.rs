#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod error;
mod layout;
mod parse;
mod props;
mod reloc;
mod symbols;
mod uuid;

use alloc::vec::Vec;

pub use error::ElfError;
pub use layout::{
    PF_R, PF_W, PF_X, R_AARCH64_ABS64, R_AARCH64_GLOB_DAT, R_AARCH64_JUMP_SLOT, R_AARCH64_NONE,
    R_AARCH64_RELATIVE, R_AARCH64_TLSDESC, R_AARCH64_TLS_TPREL,
};
pub use parse::{parse, DynamicInfo, Needed, ProgramHeader, Segment};
pub use props::{prop_type, Property, MAX_PROPS, MAX_PROP_STRING};
pub use reloc::RelocEnv;

/// Receives a segment's file bytes and its module address ([`TaElf::load_with`]).
pub type SegmentSink<'a> = dyn FnMut(u64, &[u8]) -> Result<(), ElfError> + 'a;
pub use symbols::{Symbol, SymbolTable};
pub use uuid::TeeUuid;

/// Page size the plan is rounded to (OP-TEE's `SMALL_PAGE_SIZE`).
pub const PAGE_SIZE: u64 = 4096;
/// `TA_FLAGS_MASK`: `ta_head.flags` bits outside it make the load fail with
/// `TEE_ERROR_BAD_FORMAT`.
pub const TA_FLAGS_MASK: u32 = 0x3FFF;
/// Size of the thread control block head before the first module's TLS block
/// (AArch64 TLS variant 1: `{dtv, reserved}`).
pub const TCB_HEAD_SIZE: u64 = 16;

/// Largest accepted image span (highest segment end, page-rounded). Larger files are refused
/// with `TEE_ERROR_OUT_OF_MEMORY`.
pub const MAX_IMAGE_SPAN: u64 = 512 * 1024 * 1024;
/// Most section headers accepted.
pub const MAX_SECTIONS: usize = 1024;
/// Most dynamic symbols accepted.
pub const MAX_SYMBOLS: u64 = 1 << 18;
/// Most relocation entries accepted (all `SHT_RELA` sections together).
pub const MAX_RELOCS: u64 = 1 << 20;
/// Most `DT_NEEDED` entries accepted.
pub const MAX_NEEDED: usize = 64;

/// `struct ta_head` (32 bytes, section `.ta_head`, symbol `ta_head`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaHead {
    /// Module-relative address where it was found.
    pub vaddr: u64,
    /// The TA's UUID.
    pub uuid: TeeUuid,
    /// Stack size for the TA's main stack.
    pub stack_size: u32,
    /// `TA_FLAG_*` (checked: no bits outside [`TA_FLAGS_MASK`]).
    pub flags: u32,
    /// All-ones for modern TAs; anything else marks a legacy TA whose entry is this value.
    pub depr_entry: u64,
}

/// The `PT_TLS` segment (TLS initialisation image and block size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsSegment {
    /// Module-relative address of the initialisation image.
    pub vaddr: u64,
    /// Bytes of initialised TLS data.
    pub filesz: u64,
    /// Size of the module's TLS block.
    pub memsz: u64,
    /// Required alignment.
    pub align: u64,
}

/// One `Elf64_Rela` relocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rela {
    /// Module-relative address patched.
    pub offset: u64,
    /// `ELF64_R_TYPE` (`R_AARCH64_*`).
    pub kind: u32,
    /// `ELF64_R_SYM`: index in the dynamic symbol table.
    pub sym: u32,
    /// Addend.
    pub addend: i64,
    /// Whether its section links a symbol table (relocations without one cannot name symbols).
    pub has_symtab: bool,
}

/// A parsed and checked TA (or TA shared library): the load plan.
///
/// Addresses are module-relative: the kernel picks a load base and maps segment `s` at
/// `base + s.vaddr`. The image is laid out as one contiguous range `[base, base + span)`.
#[derive(Clone, Debug)]
pub struct TaElf {
    /// `PT_LOAD` segments in file order (sorted, non-overlapping, never writable+executable).
    pub segments: Vec<Segment>,
    /// All program headers (for `dl_phdr_info`).
    pub program_headers: Vec<ProgramHeader>,
    /// File offset of the program headers (`e_phoff`; always inside the first page).
    pub phdr_offset: u64,
    /// Size of the address range the image needs (highest segment end, page-rounded).
    pub span: u64,
    /// Module-relative entry point: `e_entry`, or `ta_head.depr_entry` for legacy TAs.
    pub entry: u64,
    /// `ta_head.depr_entry` is not all-ones (pre-3.x TA layout).
    pub legacy: bool,
    /// `ta_head`, absent in shared-library TAs.
    pub ta_head: Option<TaHead>,
    /// The `PT_TLS` segment, if any.
    pub tls: Option<TlsSegment>,
    /// Dynamic information: needed libraries, symbols, relocations.
    pub dynamic: DynamicInfo,
}

impl TaElf {
    /// Module-relative address of a defined, non-TLS global (then weak) symbol.
    pub fn lookup_symbol(&self, name: &str) -> Option<u64> {
        let s = self.dynamic.symbols.lookup_defined(name.as_bytes())?;
        (!s.is_tls()).then_some(s.value)
    }

    /// Offset inside this module's TLS block of a defined thread-local symbol.
    pub fn lookup_tls_symbol(&self, name: &str) -> Option<u64> {
        let s = self.dynamic.symbols.lookup_defined(name.as_bytes())?;
        s.is_tls().then_some(s.value)
    }

    /// Fills `image` (at least [`TaElf::span`] bytes; index 0 = module address 0) from the file
    /// bytes (`file` starts at the ELF header); bytes no segment covers are zero.
    pub fn load_into(&self, file: &[u8], image: &mut [u8]) -> Result<(), ElfError> {
        let span =
            usize::try_from(self.span).map_err(|_| ElfError::OutOfMemory("image too large"))?;
        let image = image
            .get_mut(..span)
            .ok_or(ElfError::OutOfMemory("image buffer too small"))?;
        image.fill(0);
        self.load_with(file, &mut |va, bytes| {
            let va = usize::try_from(va).map_err(|_| ElfError::OutOfMemory("image too large"))?;
            image
                .get_mut(va..va + bytes.len())
                .ok_or(ElfError::BadFormat("segment outside the image"))?
                .copy_from_slice(bytes);
            Ok(())
        })
    }

    /// Hands each segment's file bytes to `put` with its module address, after checking that
    /// they lie inside `file` and inside the image span: for a loader that writes the image
    /// straight into its final, zeroed memory instead of a buffer.
    pub fn load_with(&self, file: &[u8], put: &mut SegmentSink<'_>) -> Result<(), ElfError> {
        for s in &self.segments {
            let conv =
                |v: u64| usize::try_from(v).map_err(|_| ElfError::OutOfMemory("image too large"));
            let (off, n) = (conv(s.offset)?, conv(s.filesz)?);
            let src = file
                .get(
                    off..off
                        .checked_add(n)
                        .ok_or(ElfError::BadFormat("segment wraps"))?,
                )
                .ok_or(ElfError::BadFormat("segment outside the file"))?;
            let end = s
                .vaddr
                .checked_add(s.filesz)
                .ok_or(ElfError::BadFormat("segment wraps"))?;
            if end > self.span {
                return Err(ElfError::BadFormat("segment outside the image"));
            }
            put(s.vaddr, src)?;
        }
        Ok(())
    }

    /// Allocates and fills an image ([`TaElf::load_into`]) — for hosts and tests.
    pub fn load_image(&self, file: &[u8]) -> Result<Vec<u8>, ElfError> {
        let span =
            usize::try_from(self.span).map_err(|_| ElfError::OutOfMemory("image too large"))?;
        let mut v = Vec::new();
        v.try_reserve_exact(span)
            .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
        v.resize(span, 0);
        self.load_into(file, &mut v)?;
        Ok(v)
    }

    /// Applies every relocation to `image` (laid out per the plan, index 0 = module address 0)
    /// for a module loaded at `load_base`.
    ///
    /// `resolver` maps a symbol name to its absolute address in the global scope (all loaded
    /// modules, main TA first). Symbols it does not know fall back to this module's own
    /// definitions; weak undefined ones resolve to 0. TLS relocations use this module's own
    /// TLS block placed first after the TCB head; `R_AARCH64_TLSDESC` needs
    /// [`TaElf::apply_relocations_with`].
    pub fn apply_relocations(
        &self,
        image: &mut [u8],
        load_base: u64,
        resolver: &dyn Fn(&str) -> Option<u64>,
    ) -> Result<(), ElfError> {
        let none = |_: &str| None;
        self.apply_relocations_with(
            image,
            &RelocEnv {
                load_base,
                resolve: resolver,
                resolve_tls: &none,
                tls_tcb_offset: TCB_HEAD_SIZE,
                tlsdesc_resolver: None,
            },
        )
    }
}
