//! The dynamic symbol table and name lookup (GNU hash, SysV hash, or a linear scan).

use alloc::vec::Vec;

use zerocopy::FromBytes;

use crate::error::{bad, ElfError};
use crate::layout::*;
use crate::parse::c_str;

/// One `Elf64_Sym` entry, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// Offset of the name in the string table.
    pub name: u32,
    /// `ELF64_ST_BIND` (0 local, 1 global, 2 weak).
    pub bind: u8,
    /// `ELF64_ST_TYPE` (0 notype, 1 object, 2 func, 6 TLS, ...).
    pub kind: u8,
    /// Section index (0 = undefined).
    pub shndx: u16,
    /// Module-relative address (TLS: offset in the module's TLS block).
    pub value: u64,
    /// `st_size`.
    pub size: u64,
}

impl Symbol {
    /// Defined in this module (not `SHN_UNDEF`/`SHN_XINDEX`).
    pub fn is_defined(&self) -> bool {
        self.shndx != SHN_UNDEF && self.shndx != SHN_XINDEX
    }
    /// A thread-local symbol.
    pub fn is_tls(&self) -> bool {
        self.kind == STT_TLS
    }
    /// Weak binding.
    pub fn is_weak(&self) -> bool {
        self.bind == STB_WEAK
    }
}

#[derive(Clone, Debug)]
enum Hash {
    Gnu {
        nbuckets: u32,
        symoffset: u32,
        bloom: Vec<u64>,
        shift: u32,
        buckets: Vec<u32>,
        chain: Vec<u32>,
    },
    SysV {
        buckets: Vec<u32>,
        chain: Vec<u32>,
    },
}

/// Dynamic symbols plus their string table (owned copies, bounded by the file size).
#[derive(Clone, Debug, Default)]
pub struct SymbolTable {
    syms: Vec<Symbol>,
    strtab: Vec<u8>,
    hash: Option<Hash>,
}

fn words(b: &[u8]) -> Result<Vec<u32>, ElfError> {
    let mut v = Vec::new();
    v.try_reserve_exact(b.len() / 4)
        .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
    v.extend(
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
    );
    Ok(v)
}

fn gnu_hash(name: &[u8]) -> u32 {
    name.iter().fold(5381u32, |h, &c| {
        h.wrapping_mul(33).wrapping_add(u32::from(c))
    })
}

fn sysv_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 0;
    for &c in name {
        h = (h << 4).wrapping_add(u32::from(c));
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
        }
        h &= !g;
    }
    h
}

impl SymbolTable {
    pub(crate) fn new(syms: &[u8], strtab: &[u8]) -> Result<Self, ElfError> {
        let mut v = Vec::new();
        v.try_reserve_exact(syms.len() / SYM_SIZE)
            .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
        for chunk in syms.chunks_exact(SYM_SIZE) {
            let s = Sym::read_from_bytes(chunk).map_err(|_| ElfError::BadFormat("symbol"))?;
            v.push(Symbol {
                name: s.st_name.get(),
                bind: s.st_info >> 4,
                kind: s.st_info & 0xf,
                shndx: s.st_shndx.get(),
                value: s.st_value.get(),
                size: s.st_size.get(),
            });
        }
        let mut st = Vec::new();
        st.try_reserve_exact(strtab.len())
            .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
        st.extend_from_slice(strtab);
        Ok(SymbolTable {
            syms: v,
            strtab: st,
            hash: None,
        })
    }

    pub(crate) fn set_hash(&mut self, b: &[u8], gnu: bool) -> Result<(), ElfError> {
        let w = |i: usize| -> Result<u32, ElfError> {
            let c = b
                .get(i * 4..i * 4 + 4)
                .ok_or(ElfError::BadFormat("hash table truncated"))?;
            Ok(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        };
        if gnu {
            let (nbuckets, symoffset, bloom_size, shift) = (w(0)?, w(1)?, w(2)?, w(3)?);
            if nbuckets == 0 || bloom_size == 0 {
                return bad("empty GNU hash table");
            }
            let bloom_end = (bloom_size as usize)
                .checked_mul(8)
                .and_then(|n| n.checked_add(16));
            let bucket_end =
                bloom_end.and_then(|e| e.checked_add((nbuckets as usize).checked_mul(4)?));
            let (Some(bloom_end), Some(bucket_end)) = (bloom_end, bucket_end) else {
                return bad("GNU hash table size");
            };
            if bucket_end > b.len() {
                return bad("GNU hash table truncated");
            }
            let mut bloom = Vec::new();
            bloom
                .try_reserve_exact(bloom_size as usize)
                .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
            bloom.extend(b[16..bloom_end].chunks_exact(8).map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                u64::from_le_bytes(a)
            }));
            self.hash = Some(Hash::Gnu {
                nbuckets,
                symoffset,
                bloom,
                shift,
                buckets: words(&b[bloom_end..bucket_end])?,
                chain: words(&b[bucket_end..])?,
            });
        } else {
            let (nbucket, nchain) = (w(0)? as usize, w(1)? as usize);
            let end = nbucket
                .checked_add(nchain)
                .and_then(|n| n.checked_add(2))
                .and_then(|n| n.checked_mul(4));
            if nbucket == 0 || end.is_none_or(|e| e > b.len()) {
                return bad("SysV hash table size");
            }
            let buckets = words(&b[8..8 + nbucket * 4])?;
            let chain = words(&b[8 + nbucket * 4..8 + (nbucket + nchain) * 4])?;
            self.hash = Some(Hash::SysV { buckets, chain });
        }
        Ok(())
    }

    /// Number of symbols (including the null symbol 0).
    pub fn len(&self) -> usize {
        self.syms.len()
    }

    /// No symbols at all.
    pub fn is_empty(&self) -> bool {
        self.syms.is_empty()
    }

    /// Symbol by index.
    pub fn get(&self, index: u32) -> Option<&Symbol> {
        self.syms.get(usize::try_from(index).ok()?)
    }

    /// All symbols in table order.
    pub fn iter(&self) -> impl Iterator<Item = &Symbol> {
        self.syms.iter()
    }

    /// Name of a symbol (bytes, without the NUL).
    pub fn name(&self, sym: &Symbol) -> Result<&[u8], ElfError> {
        c_str(&self.strtab, u64::from(sym.name))
    }

    fn matches(&self, sym: &Symbol, name: &[u8], weak_ok: bool) -> bool {
        if sym.name == 0 || !sym.is_defined() {
            return false;
        }
        if !(sym.bind == STB_GLOBAL || (weak_ok && sym.bind == STB_WEAK)) {
            return false;
        }
        self.name(sym).is_ok_and(|n| n == name)
    }

    fn find(&self, name: &[u8], weak_ok: bool) -> Option<Symbol> {
        match &self.hash {
            Some(Hash::Gnu {
                nbuckets,
                symoffset,
                bloom,
                shift,
                buckets,
                chain,
            }) => {
                let h = gnu_hash(name);
                let word = bloom.get(((h / 64) as usize) % bloom.len())?;
                let mask = (1u64 << (h % 64)) | (1u64 << (h.checked_shr(*shift).unwrap_or(0) % 64));
                if word & mask != mask {
                    return None;
                }
                let mut n = *buckets.get((h % nbuckets) as usize)?;
                if n < *symoffset {
                    return None;
                }
                loop {
                    let hv = *chain.get((n - symoffset) as usize)?;
                    if hv | 1 == h | 1 {
                        if let Some(s) = self.get(n) {
                            if self.matches(s, name, weak_ok) {
                                return Some(*s);
                            }
                        }
                    }
                    if hv & 1 != 0 {
                        return None;
                    }
                    n = n.checked_add(1)?;
                }
            }
            Some(Hash::SysV { buckets, chain }) => {
                let h = sysv_hash(name);
                let mut n = *buckets.get(h as usize % buckets.len())?;
                // Bounded walk: a hostile chain may loop.
                for _ in 0..=chain.len() {
                    if n == 0 {
                        return None;
                    }
                    if let Some(s) = self.get(n) {
                        if self.matches(s, name, weak_ok) {
                            return Some(*s);
                        }
                    }
                    n = *chain.get(n as usize)?;
                }
                None
            }
            None => self
                .syms
                .iter()
                .find(|s| self.matches(s, name, weak_ok))
                .copied(),
        }
    }

    /// Looks up a defined global symbol by name, then a defined weak one (OP-TEE's order).
    pub fn lookup_defined(&self, name: &[u8]) -> Option<Symbol> {
        self.find(name, false).or_else(|| self.find(name, true))
    }
}
