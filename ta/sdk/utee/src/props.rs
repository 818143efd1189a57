//! `TEE_GetPropertyAs*`: a property of the current TA comes from the TA's own
//! `ta_props[]` first, then (like every client and implementation property)
//! from the kernel (`GET_PROPERTY_NAME_TO_INDEX`, `GET_PROPERTY`). Values
//! convert as GP says: exact types, except that `AsString` also renders
//! booleans, integers and UUIDs. Property enumerators are not provided.

use core::ffi::{c_char, c_void};
use core::fmt::Write;

use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_FORMAT, TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS,
};
use supplicant_proto::tee_syscall::{
    TEE_PROPSET_CURRENT_CLIENT, TEE_PROPSET_CURRENT_TA, TEE_PROPSET_TEE_IMPLEMENTATION,
    USER_TA_PROP_TYPE_BINARY_BLOCK, USER_TA_PROP_TYPE_BOOL, USER_TA_PROP_TYPE_IDENTITY,
    USER_TA_PROP_TYPE_STRING, USER_TA_PROP_TYPE_U32, USER_TA_PROP_TYPE_U64, USER_TA_PROP_TYPE_UUID,
};

use crate::mem::c_strlen;
use crate::panic::tee_panic;
use crate::types::{TeeIdentity, TeeResult, TeeUuid};

/// Largest property value handled (strings included).
const VALUE_MAX: usize = 512;

/// A property's type and value bytes (strings without their NUL).
pub struct Prop {
    kind: u32,
    buf: [u8; VALUE_MAX],
    len: usize,
}

impl Prop {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn from_slice(kind: u32, b: &[u8]) -> Option<Prop> {
        let mut p = Prop {
            kind,
            buf: [0; VALUE_MAX],
            len: b.len(),
        };
        p.buf.get_mut(..b.len())?.copy_from_slice(b);
        Some(p)
    }
}

fn value_len(kind: u32) -> Option<usize> {
    match kind {
        USER_TA_PROP_TYPE_BOOL => Some(1),
        USER_TA_PROP_TYPE_U32 => Some(4),
        USER_TA_PROP_TYPE_U64 => Some(8),
        USER_TA_PROP_TYPE_UUID => Some(16),
        USER_TA_PROP_TYPE_IDENTITY => Some(20),
        _ => None,
    }
}

/// The TA's own property `name` (bytes without NUL).
fn local(name: &[u8]) -> Option<Prop> {
    let entry = crate::ta_symbols::props().iter().find(|p| {
        // SAFETY: user_ta_header.c's names are NUL-terminated literals.
        let n = unsafe { core::slice::from_raw_parts(p.name, c_strlen(p.name)) };
        n == name
    })?;
    let bytes: &[u8] = match entry.prop_type {
        USER_TA_PROP_TYPE_STRING => {
            let s = entry.value.cast::<u8>();
            // SAFETY: a string property's value is a NUL-terminated literal.
            unsafe { core::slice::from_raw_parts(s, c_strlen(s)) }
        }
        // SAFETY: the value of a fixed-size type points at that many bytes.
        kind => unsafe { core::slice::from_raw_parts(entry.value.cast(), value_len(kind)?) },
    };
    Prop::from_slice(entry.prop_type, bytes)
}

/// The kernel's property `name` (with its NUL) of `set`.
fn kernel(set: u32, name_nul: &[u8]) -> Option<Prop> {
    let mut index = 0u32;
    // SAFETY: the name is a live slice; `index` is writable.
    let r = unsafe {
        oxtee_ta_sys::utee_get_property_name_to_index(
            set,
            name_nul.as_ptr(),
            name_nul.len(),
            &mut index,
        )
    };
    if r != TEE_SUCCESS {
        return None;
    }
    let mut p = Prop {
        kind: 0,
        buf: [0; VALUE_MAX],
        len: 0,
    };
    let mut blen = VALUE_MAX as u32;
    // SAFETY: `buf` has `blen` writable bytes; the out values are live.
    let r = unsafe {
        oxtee_ta_sys::utee_get_property(set, index, p.buf.as_mut_ptr(), &mut blen, &mut p.kind)
    };
    if r != TEE_SUCCESS {
        return None;
    }
    p.len = (blen as usize).min(VALUE_MAX);
    if p.kind == USER_TA_PROP_TYPE_STRING {
        p.len = p.bytes().iter().position(|&b| b == 0).unwrap_or(p.len);
    }
    Some(p)
}

/// Looks `name` up in the property set `handle`.
///
/// # Safety
///
/// `name` NUL-terminated and readable.
unsafe fn lookup(handle: *mut c_void, name: *const c_char) -> Result<Prop, TeeResult> {
    if name.is_null() {
        return Err(TEE_ERROR_ITEM_NOT_FOUND);
    }
    // SAFETY: forwarded from the caller.
    let name_nul =
        unsafe { core::slice::from_raw_parts(name.cast::<u8>(), c_strlen(name.cast()) + 1) };
    let name = &name_nul[..name_nul.len() - 1];
    let set = u32::try_from(handle as usize).map_err(|_| TEE_ERROR_ITEM_NOT_FOUND)?;
    let found = match set {
        TEE_PROPSET_CURRENT_TA => local(name).or_else(|| kernel(set, name_nul)),
        TEE_PROPSET_CURRENT_CLIENT | TEE_PROPSET_TEE_IMPLEMENTATION => kernel(set, name_nul),
        _ => None,
    };
    found.ok_or(TEE_ERROR_ITEM_NOT_FOUND)
}

/// Text into a caller's buffer with its NUL; `*len` gets the size needed.
///
/// # Safety
///
/// `buf` writable for `*len` bytes; `len` writable.
unsafe fn put_text(text: &[u8], buf: *mut c_char, len: *mut usize) -> TeeResult {
    let need = text.len() + 1;
    // SAFETY: forwarded from the caller.
    let cap = unsafe { *len };
    // SAFETY: forwarded from the caller.
    unsafe { *len = need };
    if buf.is_null() || cap < need {
        return TEE_ERROR_SHORT_BUFFER;
    }
    // SAFETY: `need <= cap` bytes are writable.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        *buf.add(text.len()) = 0;
    }
    TEE_SUCCESS
}

struct Text {
    buf: [u8; 64],
    len: usize,
}

impl Write for Text {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn uuid_text(b: &[u8], t: &mut Text) -> core::fmt::Result {
    let u32le = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let u16le = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    write!(t, "{:08x}-{:04x}-{:04x}-", u32le(0), u16le(4), u16le(6))?;
    for (i, x) in b[8..16].iter().enumerate() {
        if i == 2 {
            t.write_str("-")?;
        }
        write!(t, "{x:02x}")?;
    }
    Ok(())
}

/// `TEE_GetPropertyAsString(propsetOrEnumerator, name, valueBuffer, valueBufferLen)`.
///
/// # Safety
///
/// `name` NUL-terminated; `value` writable for `*len` bytes; `len` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetPropertyAsString(
    handle: *mut c_void,
    name: *const c_char,
    value: *mut c_char,
    len: *mut usize,
) -> TeeResult {
    if len.is_null() {
        tee_panic(supplicant_proto::tee_result::TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: forwarded from the caller.
    let p = match unsafe { lookup(handle, name) } {
        Ok(p) => p,
        Err(e) => return e,
    };
    let b = p.bytes();
    let mut t = Text {
        buf: [0; 64],
        len: 0,
    };
    let rendered = match p.kind {
        // SAFETY: forwarded from the caller.
        USER_TA_PROP_TYPE_STRING => return unsafe { put_text(b, value, len) },
        USER_TA_PROP_TYPE_BOOL => t.write_str(if b.iter().any(|&x| x != 0) {
            "true"
        } else {
            "false"
        }),
        USER_TA_PROP_TYPE_U32 if b.len() == 4 => {
            write!(t, "{}", u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        }
        USER_TA_PROP_TYPE_U64 if b.len() == 8 => {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            write!(t, "{}", u64::from_le_bytes(w))
        }
        USER_TA_PROP_TYPE_UUID if b.len() == 16 => uuid_text(b, &mut t),
        _ => return TEE_ERROR_BAD_FORMAT,
    };
    if rendered.is_err() {
        return TEE_ERROR_BAD_FORMAT;
    }
    // SAFETY: forwarded from the caller.
    unsafe { put_text(&t.buf[..t.len], value, len) }
}

/// Copies a fixed-size value of type `kind` to `out`.
///
/// # Safety
///
/// `name` NUL-terminated; `out` writable for `size` bytes.
unsafe fn get_fixed(
    handle: *mut c_void,
    name: *const c_char,
    kind: u32,
    out: *mut u8,
    size: usize,
) -> TeeResult {
    if out.is_null() {
        tee_panic(supplicant_proto::tee_result::TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: forwarded from the caller.
    let p = match unsafe { lookup(handle, name) } {
        Ok(p) => p,
        Err(e) => return e,
    };
    if p.kind != kind || p.len < size {
        return TEE_ERROR_BAD_FORMAT;
    }
    // SAFETY: `out` has `size` writable bytes and the value at least as many.
    unsafe { core::ptr::copy_nonoverlapping(p.buf.as_ptr(), out, size) };
    TEE_SUCCESS
}

/// `TEE_GetPropertyAsBool(propsetOrEnumerator, name, value)`.
///
/// # Safety
///
/// `name` NUL-terminated; `value` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetPropertyAsBool(
    handle: *mut c_void,
    name: *const c_char,
    value: *mut bool,
) -> TeeResult {
    if value.is_null() {
        tee_panic(supplicant_proto::tee_result::TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: forwarded from the caller.
    let p = match unsafe { lookup(handle, name) } {
        Ok(p) => p,
        Err(e) => return e,
    };
    if p.kind != USER_TA_PROP_TYPE_BOOL {
        return TEE_ERROR_BAD_FORMAT;
    }
    // SAFETY: `value` is writable.
    unsafe { *value = p.bytes().iter().any(|&b| b != 0) };
    TEE_SUCCESS
}

/// `TEE_GetPropertyAsU32(propsetOrEnumerator, name, value)`.
///
/// # Safety
///
/// `name` NUL-terminated; `value` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetPropertyAsU32(
    handle: *mut c_void,
    name: *const c_char,
    value: *mut u32,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    unsafe { get_fixed(handle, name, USER_TA_PROP_TYPE_U32, value.cast(), 4) }
}

/// `TEE_GetPropertyAsU64(propsetOrEnumerator, name, value)`.
///
/// # Safety
///
/// `name` NUL-terminated; `value` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetPropertyAsU64(
    handle: *mut c_void,
    name: *const c_char,
    value: *mut u64,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    unsafe { get_fixed(handle, name, USER_TA_PROP_TYPE_U64, value.cast(), 8) }
}

/// `TEE_GetPropertyAsUUID(propsetOrEnumerator, name, value)`.
///
/// # Safety
///
/// `name` NUL-terminated; `value` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetPropertyAsUUID(
    handle: *mut c_void,
    name: *const c_char,
    value: *mut TeeUuid,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    unsafe { get_fixed(handle, name, USER_TA_PROP_TYPE_UUID, value.cast(), 16) }
}

/// `TEE_GetPropertyAsIdentity(propsetOrEnumerator, name, value)`.
///
/// # Safety
///
/// `name` NUL-terminated; `value` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetPropertyAsIdentity(
    handle: *mut c_void,
    name: *const c_char,
    value: *mut TeeIdentity,
) -> TeeResult {
    // SAFETY: forwarded from the caller.
    unsafe { get_fixed(handle, name, USER_TA_PROP_TYPE_IDENTITY, value.cast(), 20) }
}

/// `TEE_GetPropertyAsBinaryBlock(propsetOrEnumerator, name, valueBuffer, valueBufferLen)`.
///
/// # Safety
///
/// `name` NUL-terminated; `value` writable for `*len` bytes; `len` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetPropertyAsBinaryBlock(
    handle: *mut c_void,
    name: *const c_char,
    value: *mut c_void,
    len: *mut usize,
) -> TeeResult {
    if len.is_null() {
        tee_panic(supplicant_proto::tee_result::TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: forwarded from the caller.
    let p = match unsafe { lookup(handle, name) } {
        Ok(p) => p,
        Err(e) => return e,
    };
    if p.kind != USER_TA_PROP_TYPE_BINARY_BLOCK {
        return TEE_ERROR_BAD_FORMAT;
    }
    // SAFETY: forwarded from the caller.
    let cap = unsafe { *len };
    // SAFETY: forwarded from the caller.
    unsafe { *len = p.len };
    if value.is_null() || cap < p.len {
        return TEE_ERROR_SHORT_BUFFER;
    }
    // SAFETY: `p.len <= cap` writable bytes.
    unsafe { core::ptr::copy_nonoverlapping(p.buf.as_ptr(), value.cast::<u8>(), p.len) };
    TEE_SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_renders_canonically() {
        let o = supplicant_proto::ta_head::tee_uuid_octets("8aaaf200-2450-11e4-abe2-0002a5d5c51b")
            .unwrap();
        let native = supplicant_proto::ta_head::tee_uuid_native(o);
        let mut t = Text {
            buf: [0; 64],
            len: 0,
        };
        uuid_text(&native, &mut t).unwrap();
        assert_eq!(&t.buf[..t.len], b"8aaaf200-2450-11e4-abe2-0002a5d5c51b");
    }

    #[test]
    fn text_goes_out_with_nul_or_reports_the_size() {
        let mut buf = [0x55 as c_char; 4];
        let mut len = 4usize;
        // SAFETY: buf has `len` bytes.
        let r = unsafe { put_text(b"abcd", buf.as_mut_ptr(), &mut len) };
        assert_eq!(r, TEE_ERROR_SHORT_BUFFER);
        assert_eq!(len, 5);
        assert_eq!(buf[0], 0x55, "nothing written when short");
        len = 4;
        // SAFETY: as above.
        let r = unsafe { put_text(b"abc", buf.as_mut_ptr(), &mut len) };
        assert_eq!(r, TEE_SUCCESS);
        assert_eq!((buf.map(|c| c as u8), len), (*b"abc\0", 4));
    }
}
