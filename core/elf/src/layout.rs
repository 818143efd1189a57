//! ELF64 on-disk layouts (little-endian) and the constants this crate uses.
//!
//! These are the ELF specification's structures, not an OP-TEE ABI; they are read with
//! zerocopy from unaligned byte slices.

use zerocopy::byteorder::little_endian::{I64, U16, U32, U64};
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

/// `Elf64_Ehdr`.
#[derive(Clone, Copy, Debug, FromBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub(crate) struct Ehdr {
    pub e_ident: [u8; 16],
    pub e_type: U16,
    pub e_machine: U16,
    pub e_version: U32,
    pub e_entry: U64,
    pub e_phoff: U64,
    pub e_shoff: U64,
    pub e_flags: U32,
    pub e_ehsize: U16,
    pub e_phentsize: U16,
    pub e_phnum: U16,
    pub e_shentsize: U16,
    pub e_shnum: U16,
    pub e_shstrndx: U16,
}

/// `Elf64_Phdr`.
#[derive(Clone, Copy, Debug, FromBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub(crate) struct Phdr {
    pub p_type: U32,
    pub p_flags: U32,
    pub p_offset: U64,
    pub p_vaddr: U64,
    pub p_paddr: U64,
    pub p_filesz: U64,
    pub p_memsz: U64,
    pub p_align: U64,
}

/// `Elf64_Shdr`.
#[derive(Clone, Copy, Debug, FromBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub(crate) struct Shdr {
    pub sh_name: U32,
    pub sh_type: U32,
    pub sh_flags: U64,
    pub sh_addr: U64,
    pub sh_offset: U64,
    pub sh_size: U64,
    pub sh_link: U32,
    pub sh_info: U32,
    pub sh_addralign: U64,
    pub sh_entsize: U64,
}

/// `Elf64_Sym`.
#[derive(Clone, Copy, Debug, FromBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub(crate) struct Sym {
    pub st_name: U32,
    pub st_info: u8,
    pub st_other: u8,
    pub st_shndx: U16,
    pub st_value: U64,
    pub st_size: U64,
}

/// `Elf64_Rela`.
#[derive(Clone, Copy, Debug, FromBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub(crate) struct RelaRaw {
    pub r_offset: U64,
    pub r_info: U64,
    pub r_addend: I64,
}

/// `Elf64_Dyn`.
#[derive(Clone, Copy, Debug, FromBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub(crate) struct Dyn {
    pub d_tag: I64,
    pub d_val: U64,
}

const _: () = assert!(core::mem::size_of::<Ehdr>() == 64);
const _: () = assert!(core::mem::size_of::<Phdr>() == 56);
const _: () = assert!(core::mem::size_of::<Shdr>() == 64);
const _: () = assert!(core::mem::size_of::<Sym>() == 24);
const _: () = assert!(core::mem::size_of::<RelaRaw>() == 24);
const _: () = assert!(core::mem::size_of::<Dyn>() == 16);

pub(crate) const PHDR_SIZE: usize = 56;
pub(crate) const SHDR_SIZE: usize = 64;
pub(crate) const SYM_SIZE: usize = 24;
pub(crate) const RELA_SIZE: usize = 24;
pub(crate) const DYN_SIZE: usize = 16;

pub(crate) const ELFMAG: [u8; 4] = *b"\x7fELF";
pub(crate) const EI_CLASS: usize = 4;
pub(crate) const EI_DATA: usize = 5;
pub(crate) const EI_VERSION: usize = 6;
pub(crate) const EI_OSABI: usize = 7;
pub(crate) const ELFCLASS64: u8 = 2;
pub(crate) const ELFDATA2LSB: u8 = 1;
pub(crate) const EV_CURRENT: u8 = 1;
pub(crate) const ELFOSABI_NONE: u8 = 0;
pub(crate) const ET_DYN: u16 = 3;
pub(crate) const EM_AARCH64: u16 = 183;

pub(crate) const PT_LOAD: u32 = 1;
pub(crate) const PT_DYNAMIC: u32 = 2;
pub(crate) const PT_TLS: u32 = 7;

/// Segment permission bit: executable.
pub const PF_X: u32 = 1;
/// Segment permission bit: writable.
pub const PF_W: u32 = 2;
/// Segment permission bit: readable.
pub const PF_R: u32 = 4;

pub(crate) const SHT_HASH: u32 = 5;
pub(crate) const SHT_DYNSYM: u32 = 11;
pub(crate) const SHT_RELA: u32 = 4;
pub(crate) const SHT_GNU_HASH: u32 = 0x6fff_fff6;

pub(crate) const SHN_UNDEF: u16 = 0;
pub(crate) const SHN_XINDEX: u16 = 0xffff;

pub(crate) const STB_GLOBAL: u8 = 1;
pub(crate) const STB_WEAK: u8 = 2;
pub(crate) const STT_NOTYPE: u8 = 0;
pub(crate) const STT_OBJECT: u8 = 1;
pub(crate) const STT_FUNC: u8 = 2;
pub(crate) const STT_TLS: u8 = 6;

pub(crate) const DT_NULL: i64 = 0;
pub(crate) const DT_NEEDED: i64 = 1;
pub(crate) const DT_STRTAB: i64 = 5;
pub(crate) const DT_STRSZ: i64 = 10;

/// `R_AARCH64_NONE`.
pub const R_AARCH64_NONE: u32 = 0;
/// `R_AARCH64_ABS64`.
pub const R_AARCH64_ABS64: u32 = 257;
/// `R_AARCH64_GLOB_DAT`.
pub const R_AARCH64_GLOB_DAT: u32 = 1025;
/// `R_AARCH64_JUMP_SLOT`.
pub const R_AARCH64_JUMP_SLOT: u32 = 1026;
/// `R_AARCH64_RELATIVE`.
pub const R_AARCH64_RELATIVE: u32 = 1027;
/// `R_AARCH64_TLS_TPREL` (a.k.a. `TLS_TPREL64`).
pub const R_AARCH64_TLS_TPREL: u32 = 1030;
/// `R_AARCH64_TLSDESC`.
pub const R_AARCH64_TLSDESC: u32 = 1031;
