//! Applying `R_AARCH64_*` relocations the way OP-TEE's loader does.

use crate::error::{bad, ElfError};
use crate::layout::*;
use crate::symbols::Symbol;
use crate::{Rela, TaElf};

/// Everything relocation needs beyond the module itself.
pub struct RelocEnv<'r> {
    /// Address the module is loaded at (module address 0).
    pub load_base: u64,
    /// Global-scope lookup of a non-TLS symbol: absolute address.
    pub resolve: &'r dyn Fn(&str) -> Option<u64>,
    /// Global-scope lookup of a TLS symbol: its offset from the thread pointer (symbol value
    /// plus the defining module's TLS block offset).
    pub resolve_tls: &'r dyn Fn(&str) -> Option<u64>,
    /// Offset of this module's TLS block from the thread pointer (the first module with TLS
    /// gets [`crate::TCB_HEAD_SIZE`], later ones follow after the previous block's `memsz`).
    pub tls_tcb_offset: u64,
    /// User address of the TLSDESC resolver routine (returns the descriptor's second word);
    /// `None` refuses `R_AARCH64_TLSDESC` with `TEE_ERROR_NOT_SUPPORTED`.
    pub tlsdesc_resolver: Option<u64>,
}

fn put(image: &mut [u8], off: u64, len: u64, span: u64, value: u64) -> Result<(), ElfError> {
    let end = off
        .checked_add(len)
        .ok_or(ElfError::BadFormat("relocation offset wraps"))?;
    if end > span {
        return bad("relocation offset out of range");
    }
    let start =
        usize::try_from(off).map_err(|_| ElfError::BadFormat("relocation offset out of range"))?;
    let dst = image
        .get_mut(start..start.saturating_add(8))
        .ok_or(ElfError::BadFormat("relocation outside the image buffer"))?;
    dst.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

impl TaElf {
    fn reloc_symbol(&self, r: &Rela) -> Result<(Symbol, &str), ElfError> {
        let syms = &self.dynamic.symbols;
        let s = if r.has_symtab { syms.get(r.sym) } else { None };
        let s = *s.ok_or(ElfError::BadFormat("symbol index out of range"))?;
        let name = syms
            .name(&s)
            .map_err(|_| ElfError::BadFormat("name index out of range"))?;
        let name = core::str::from_utf8(name).map_err(|_| ElfError::BadFormat("symbol name"))?;
        Ok((s, name))
    }

    /// Local definition as the loader would accept it (value inside the image).
    fn local_value(&self, s: &Symbol, env: &RelocEnv<'_>) -> Result<Option<u64>, ElfError> {
        if !s.is_defined() || !(s.bind == STB_GLOBAL || s.bind == STB_WEAK) {
            return Ok(None);
        }
        match s.kind {
            STT_NOTYPE | STT_OBJECT | STT_FUNC => {
                if s.value > self.span {
                    return bad("symbol location out of range");
                }
                Ok(Some(env.load_base.wrapping_add(s.value)))
            }
            STT_TLS => Ok(Some(s.value.wrapping_add(env.tls_tcb_offset))),
            _ => Err(ElfError::NotSupported("symbol type not supported")),
        }
    }

    /// Global-scope resolution by name; weak undefined references become 0.
    fn resolve_named(&self, r: &Rela, env: &RelocEnv<'_>, tls: bool) -> Result<u64, ElfError> {
        let (s, name) = self.reloc_symbol(r)?;
        let found = if tls {
            (env.resolve_tls)(name)
        } else {
            (env.resolve)(name)
        };
        if let Some(v) = found {
            return Ok(v);
        }
        // The resolver may not cover this module: use its own definition of the name.
        if let Some(own) = self.dynamic.symbols.lookup_defined(name.as_bytes()) {
            if own.is_tls() == tls {
                if let Some(v) = self.local_value(&own, env)? {
                    return Ok(v);
                }
            }
        }
        if !s.is_defined() && s.is_weak() {
            return Ok(0);
        }
        Err(ElfError::SymbolNotFound)
    }

    fn tprel(&self, r: &Rela, env: &RelocEnv<'_>) -> Result<u64, ElfError> {
        let base = if r.sym == 0 {
            env.tls_tcb_offset
        } else {
            self.resolve_named(r, env, true)?
        };
        Ok(base.wrapping_add(r.addend as u64))
    }

    /// Applies every relocation with an explicit [`RelocEnv`] (TLS offsets, TLSDESC resolver,
    /// separate TLS scope). See [`TaElf::apply_relocations`].
    pub fn apply_relocations_with(
        &self,
        image: &mut [u8],
        env: &RelocEnv<'_>,
    ) -> Result<(), ElfError> {
        let span = self.span.min(image.len() as u64);
        self.apply_relocations_by(env, &mut |off, value| put(image, off, 8, span, value))
    }

    /// Applies every relocation through `put(offset, value)`, which stores the 8-byte
    /// little-endian `value` at module offset `offset` (checked to lie inside [`TaElf::span`]):
    /// for a loader that relocates the image in its final memory. See
    /// [`TaElf::apply_relocations_with`].
    pub fn apply_relocations_by(
        &self,
        env: &RelocEnv<'_>,
        put: &mut dyn FnMut(u64, u64) -> Result<(), ElfError>,
    ) -> Result<(), ElfError> {
        let span = self.span;
        let mut put = |off: u64, len: u64, span: u64, value: u64| {
            if off.checked_add(len).is_none_or(|end| end > span) {
                return bad("relocation offset out of range");
            }
            put(off, value)
        };
        for r in &self.dynamic.relocations {
            // Bounds first, whatever the type, so a bad entry never goes unnoticed.
            if r.offset >= self.span {
                return bad("relocation offset out of range");
            }
            match r.kind {
                R_AARCH64_NONE => {}
                R_AARCH64_RELATIVE => {
                    put(
                        r.offset,
                        8,
                        span,
                        env.load_base.wrapping_add(r.addend as u64),
                    )?;
                }
                R_AARCH64_ABS64 => {
                    let (s, _) = self.reloc_symbol(r)?;
                    let v = if s.is_defined() {
                        env.load_base
                            .wrapping_add(s.value)
                            .wrapping_add(r.addend as u64)
                    } else {
                        // OP-TEE stores the resolved address without the addend here.
                        self.resolve_named(r, env, false)?
                    };
                    put(r.offset, 8, span, v)?;
                }
                R_AARCH64_GLOB_DAT | R_AARCH64_JUMP_SLOT => {
                    let v = self.resolve_named(r, env, false)?;
                    put(r.offset, 8, span, v)?;
                }
                R_AARCH64_TLS_TPREL => {
                    let v = self.tprel(r, env)?;
                    put(r.offset, 8, span, v)?;
                }
                R_AARCH64_TLSDESC => {
                    let f = env
                        .tlsdesc_resolver
                        .ok_or(ElfError::NotSupported("TLSDESC without a resolver routine"))?;
                    let v = self.tprel(r, env)?;
                    // Check both words before writing either.
                    let second = r
                        .offset
                        .checked_add(8)
                        .ok_or(ElfError::BadFormat("relocation offset wraps"))?;
                    if second.checked_add(8).is_none_or(|e| e > span) {
                        return bad("relocation offset out of range");
                    }
                    put(r.offset, 8, span, f)?;
                    put(second, 8, span, v)?;
                }
                _ => return bad("unknown relocation type"),
            }
        }
        Ok(())
    }
}
