//! TA properties (`ta_props[]` / `ta_num_props`), read from a relocated image.
//!
//! OP-TEE's kernel never reads these (libutee does, inside the TA); most TAs do not even export
//! the two symbols. This reader exists for tools and for TAs that export them.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{bad, ElfError};
use crate::TaElf;

/// Most properties read.
pub const MAX_PROPS: u64 = 256;
/// Longest string property value read (bytes, without the NUL).
pub const MAX_PROP_STRING: usize = 4096;
/// Size of `struct user_ta_property` on AArch64 (name ptr, type u32 + pad, value ptr).
const PROP_SIZE: u64 = 24;

/// `USER_TA_PROP_TYPE_*`.
pub mod prop_type {
    /// `bool` (1 byte).
    pub const BOOL: u32 = 0;
    /// `uint32_t`.
    pub const U32: u32 = 1;
    /// `TEE_UUID` (native struct).
    pub const UUID: u32 = 2;
    /// `TEE_Identity` (login u32 + `TEE_UUID`).
    pub const IDENTITY: u32 = 3;
    /// NUL-terminated string.
    pub const STRING: u32 = 4;
    /// Base64 text of a binary block (NUL-terminated).
    pub const BINARY_BLOCK: u32 = 5;
    /// `uint64_t`.
    pub const U64: u32 = 6;
}

/// One TA property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// Property name, e.g. `gpd.ta.description`.
    pub name: String,
    /// `USER_TA_PROP_TYPE_*` ([`prop_type`]).
    pub kind: u32,
    /// Raw value bytes (strings without their NUL).
    pub value: Vec<u8>,
}

fn at(image: &[u8], base: u64, addr: u64, len: usize) -> Result<&[u8], ElfError> {
    let off = addr
        .checked_sub(base)
        .ok_or(ElfError::BadFormat("property pointer below image"))?;
    let off = usize::try_from(off).map_err(|_| ElfError::BadFormat("property pointer"))?;
    image
        .get(
            off..off
                .checked_add(len)
                .ok_or(ElfError::BadFormat("property pointer"))?,
        )
        .ok_or(ElfError::BadFormat("property outside the image"))
}

fn c_string(image: &[u8], base: u64, addr: u64) -> Result<&[u8], ElfError> {
    let off = addr
        .checked_sub(base)
        .ok_or(ElfError::BadFormat("property pointer below image"))?;
    let rest = usize::try_from(off)
        .ok()
        .and_then(|o| image.get(o..))
        .ok_or(ElfError::BadFormat("property outside the image"))?;
    let rest = &rest[..rest.len().min(MAX_PROP_STRING + 1)];
    let n = rest
        .iter()
        .position(|&c| c == 0)
        .ok_or(ElfError::BadFormat(
            "property string unterminated or too long",
        ))?;
    Ok(&rest[..n])
}

fn u64_at(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

impl TaElf {
    /// Reads `ta_props[ta_num_props]` from `image`, already relocated for `load_base`.
    /// `Ok(None)` when the TA does not export both symbols.
    pub fn properties(
        &self,
        image: &[u8],
        load_base: u64,
    ) -> Result<Option<Vec<Property>>, ElfError> {
        let (Some(props), Some(num)) = (
            self.lookup_symbol("ta_props"),
            self.lookup_symbol("ta_num_props"),
        ) else {
            return Ok(None);
        };
        let count = u64_at(at(image, 0, num, 8)?);
        if count > MAX_PROPS {
            return Err(ElfError::OutOfMemory("too many properties"));
        }
        let mut out = Vec::new();
        out.try_reserve_exact(count as usize)
            .map_err(|_| ElfError::OutOfMemory("allocation failed"))?;
        for i in 0..count {
            let e = at(
                image,
                0,
                props
                    .checked_add(i * PROP_SIZE)
                    .ok_or(ElfError::BadFormat("ta_props"))?,
                24,
            )?;
            let name_ptr = u64_at(&e[0..8]);
            let kind = u32::from_le_bytes([e[8], e[9], e[10], e[11]]);
            let value_ptr = u64_at(&e[16..24]);
            let name = c_string(image, load_base, name_ptr)?;
            let name =
                core::str::from_utf8(name).map_err(|_| ElfError::BadFormat("property name"))?;
            let value = match kind {
                prop_type::BOOL => at(image, load_base, value_ptr, 1)?,
                prop_type::U32 => at(image, load_base, value_ptr, 4)?,
                prop_type::UUID => at(image, load_base, value_ptr, 16)?,
                prop_type::IDENTITY => at(image, load_base, value_ptr, 20)?,
                prop_type::U64 => at(image, load_base, value_ptr, 8)?,
                prop_type::STRING | prop_type::BINARY_BLOCK => {
                    c_string(image, load_base, value_ptr)?
                }
                _ => return bad("unknown property type"),
            };
            out.push(Property {
                name: String::from(name),
                kind,
                value: value.to_vec(),
            });
        }
        Ok(Some(out))
    }
}
