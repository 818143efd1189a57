//! Load errors and their `TEE_Result` codes.

use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_FORMAT, TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_NOT_SUPPORTED,
    TEE_ERROR_OUT_OF_MEMORY,
};

/// Why an ELF file was refused or a relocation failed.
///
/// The `&'static str` says which check failed (for logs); [`ElfError::tee_result`] gives the code
/// OP-TEE's loader returns for the same condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfError {
    /// Malformed or hostile file (`TEE_ERROR_BAD_FORMAT`).
    BadFormat(&'static str),
    /// Well-formed but outside what the loader supports (`TEE_ERROR_NOT_SUPPORTED`).
    NotSupported(&'static str),
    /// A size or count above the loader's limits, or allocation failure
    /// (`TEE_ERROR_OUT_OF_MEMORY`).
    OutOfMemory(&'static str),
    /// A relocation names a symbol no module defines (`TEE_ERROR_ITEM_NOT_FOUND`).
    SymbolNotFound,
}

impl ElfError {
    /// The `TEE_Result` OP-TEE's loader returns for this condition.
    pub fn tee_result(&self) -> u32 {
        match self {
            ElfError::BadFormat(_) => TEE_ERROR_BAD_FORMAT,
            ElfError::NotSupported(_) => TEE_ERROR_NOT_SUPPORTED,
            ElfError::OutOfMemory(_) => TEE_ERROR_OUT_OF_MEMORY,
            ElfError::SymbolNotFound => TEE_ERROR_ITEM_NOT_FOUND,
        }
    }
}

impl core::fmt::Display for ElfError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ElfError::BadFormat(s) => write!(f, "bad ELF format: {s}"),
            ElfError::NotSupported(s) => write!(f, "unsupported ELF: {s}"),
            ElfError::OutOfMemory(s) => write!(f, "ELF exceeds limits: {s}"),
            ElfError::SymbolNotFound => f.write_str("symbol not found"),
        }
    }
}

/// Shorthand for `Err(ElfError::BadFormat(what))`.
pub(crate) fn bad<T>(what: &'static str) -> Result<T, ElfError> {
    Err(ElfError::BadFormat(what))
}
