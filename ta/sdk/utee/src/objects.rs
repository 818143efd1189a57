//! Transient objects and attributes (GP Internal Core API §5.5–5.6): key
//! containers the TA fills, generates or copies, over the object system
//! calls. `TEE_Attribute` arrays become `struct utee_attribute` arrays.

use core::ffi::c_void;

use supplicant_proto::tee_crypto::tee_attr_is_value;
use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_NOT_SUPPORTED,
    TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_SHORT_BUFFER,
};
use supplicant_proto::tee_syscall::UteeAttribute;

use crate::panic::{allow, tee_panic};
use crate::storage::handle;
use crate::types::{handle_to_ptr, TeeResult};

/// `TEE_Attribute.content.ref`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct AttrRef {
    /// `buffer`.
    pub buffer: *mut c_void,
    /// `length`.
    pub length: usize,
}

/// `TEE_Attribute.content.value`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct AttrValue {
    /// `a`.
    pub a: u32,
    /// `b`.
    pub b: u32,
}

/// `TEE_Attribute.content`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union AttrContent {
    /// `ref`.
    pub reference: AttrRef,
    /// `value`.
    pub value: AttrValue,
}

/// `TEE_Attribute`: an attribute id and a buffer or a value pair (bit 29 of
/// the id says which).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TeeAttribute {
    /// `attributeID`.
    pub attribute_id: u32,
    /// `content`.
    pub content: AttrContent,
}

const _: () = {
    assert!(core::mem::size_of::<TeeAttribute>() == 24);
    assert!(core::mem::offset_of!(TeeAttribute, content) == 8);
};

/// The kernel's form of one attribute.
pub fn to_utee(a: &TeeAttribute) -> UteeAttribute {
    let (x, y) = if tee_attr_is_value(a.attribute_id) {
        // SAFETY: bit 29 says the value member is the live one; any bits are valid u32.
        let v = unsafe { a.content.value };
        (u64::from(v.a), u64::from(v.b))
    } else {
        // SAFETY: the reference member is live; pointer and length are plain integers here.
        let r = unsafe { a.content.reference };
        (r.buffer as usize as u64, r.length as u64)
    };
    UteeAttribute {
        a: x,
        b: y,
        attribute_id: a.attribute_id,
        ..Default::default()
    }
}

/// Attributes in the kernel's form, on the heap for the time of one call.
pub struct UteeAttrs {
    ptr: *mut UteeAttribute,
    count: usize,
}

impl UteeAttrs {
    /// Converts `count` attributes at `attrs` (null allowed when `count` is 0).
    ///
    /// # Safety
    ///
    /// `attrs` readable for `count` attributes.
    pub unsafe fn new(attrs: *const TeeAttribute, count: u32) -> Result<UteeAttrs, TeeResult> {
        let count = count as usize;
        if count == 0 {
            return Ok(UteeAttrs {
                ptr: core::ptr::null_mut(),
                count: 0,
            });
        }
        if attrs.is_null() {
            tee_panic(TEE_ERROR_BAD_PARAMETERS);
        }
        let bytes = count
            .checked_mul(core::mem::size_of::<UteeAttribute>())
            .ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
        let ptr = crate::heap::alloc(bytes).cast::<UteeAttribute>();
        if ptr.is_null() {
            return Err(TEE_ERROR_OUT_OF_MEMORY);
        }
        for i in 0..count {
            // SAFETY: `i < count`: the caller's attribute is readable, our block has room.
            unsafe { ptr.add(i).write(to_utee(&*attrs.add(i))) };
        }
        Ok(UteeAttrs { ptr, count })
    }

    /// Pointer and count for the system call.
    pub fn raw(&self) -> (*const UteeAttribute, usize) {
        (self.ptr, self.count)
    }
}

impl Drop for UteeAttrs {
    fn drop(&mut self) {
        // SAFETY: `ptr` is null or the block `new` allocated.
        unsafe { crate::heap::free(self.ptr.cast()) };
    }
}

/// `TEE_AllocateTransientObject(objectType, maxObjectSize, object)`.
///
/// # Safety
///
/// `object` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_AllocateTransientObject(
    object_type: u32,
    max_size: u32,
    object: *mut *mut c_void,
) -> TeeResult {
    if object.is_null() {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let mut h = 0u32;
    // SAFETY: `h` is writable.
    let r = unsafe { oxtee_ta_sys::utee_cryp_obj_alloc(object_type, max_size, &mut h) };
    // SAFETY: `object` is writable.
    unsafe {
        *object = if r == 0 {
            handle_to_ptr(h)
        } else {
            core::ptr::null_mut()
        }
    };
    allow(r, &[TEE_ERROR_OUT_OF_MEMORY, TEE_ERROR_NOT_SUPPORTED])
}

/// `TEE_FreeTransientObject(object)` (null: nothing).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_FreeTransientObject(object: *mut c_void) {
    if !object.is_null() {
        allow(oxtee_ta_sys::utee_cryp_obj_close(handle(object)), &[]);
    }
}

/// `TEE_ResetTransientObject(object)` (null: nothing).
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_ResetTransientObject(object: *mut c_void) {
    if !object.is_null() {
        allow(oxtee_ta_sys::utee_cryp_obj_reset(handle(object)), &[]);
    }
}

/// `TEE_PopulateTransientObject(object, attrs, attrCount)`.
///
/// # Safety
///
/// `attrs` readable for `count` attributes, their buffers for their lengths.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_PopulateTransientObject(
    object: *mut c_void,
    attrs: *const TeeAttribute,
    count: u32,
) -> TeeResult {
    let h = handle(object);
    // SAFETY: forwarded from the caller.
    let a = match unsafe { UteeAttrs::new(attrs, count) } {
        Ok(a) => a,
        Err(e) => tee_panic(e),
    };
    let (p, n) = a.raw();
    // SAFETY: `p` holds `n` converted attributes pointing at the caller's buffers.
    allow(
        unsafe { oxtee_ta_sys::utee_cryp_obj_populate(h, p, n) },
        &[TEE_ERROR_BAD_PARAMETERS],
    )
}

/// `TEE_InitRefAttribute(attr, attributeID, buffer, length)`.
///
/// # Safety
///
/// `attr` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_InitRefAttribute(
    attr: *mut TeeAttribute,
    id: u32,
    buffer: *const c_void,
    length: usize,
) {
    if attr.is_null() || tee_attr_is_value(id) {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let content = AttrContent {
        reference: AttrRef {
            buffer: buffer.cast_mut(),
            length,
        },
    };
    // SAFETY: `attr` is writable.
    unsafe {
        attr.write(TeeAttribute {
            attribute_id: id,
            content,
        })
    };
}

/// `TEE_InitValueAttribute(attr, attributeID, a, b)`.
///
/// # Safety
///
/// `attr` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_InitValueAttribute(attr: *mut TeeAttribute, id: u32, a: u32, b: u32) {
    if attr.is_null() || !tee_attr_is_value(id) {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    // Zero the whole content first so no stale pointer bytes remain.
    let mut content = AttrContent {
        reference: AttrRef {
            buffer: core::ptr::null_mut(),
            length: 0,
        },
    };
    content.value = AttrValue { a, b };
    // SAFETY: `attr` is writable.
    unsafe {
        attr.write(TeeAttribute {
            attribute_id: id,
            content,
        })
    };
}

/// `TEE_GenerateKey(object, keySize, params, paramCount)`.
///
/// # Safety
///
/// `params` readable for `count` attributes.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GenerateKey(
    object: *mut c_void,
    key_size: u32,
    params: *const TeeAttribute,
    count: u32,
) -> TeeResult {
    let h = handle(object);
    // SAFETY: forwarded from the caller.
    let a = match unsafe { UteeAttrs::new(params, count) } {
        Ok(a) => a,
        Err(e) => tee_panic(e),
    };
    let (p, n) = a.raw();
    // SAFETY: `p` holds `n` converted attributes.
    allow(
        unsafe { oxtee_ta_sys::utee_cryp_obj_generate_key(h, key_size, p, n) },
        &[TEE_ERROR_BAD_PARAMETERS],
    )
}

/// `TEE_GetObjectBufferAttribute(object, attributeID, buffer, size)`.
///
/// # Safety
///
/// `buffer` writable for `*size` bytes; `size` writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetObjectBufferAttribute(
    object: *mut c_void,
    id: u32,
    buffer: *mut c_void,
    size: *mut usize,
) -> TeeResult {
    if size.is_null() || tee_attr_is_value(id) {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    // SAFETY: `size` is readable.
    let mut n = unsafe { *size } as u64;
    // SAFETY: `buffer` has `*size` writable bytes.
    let r =
        unsafe { oxtee_ta_sys::utee_cryp_obj_get_attr(handle(object), id, buffer.cast(), &mut n) };
    // SAFETY: `size` is writable.
    unsafe { *size = n as usize };
    allow(r, &[TEE_ERROR_ITEM_NOT_FOUND, TEE_ERROR_SHORT_BUFFER])
}

/// `TEE_GetObjectValueAttribute(object, attributeID, a, b)`.
///
/// # Safety
///
/// `a` and `b` null or writable.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TEE_GetObjectValueAttribute(
    object: *mut c_void,
    id: u32,
    a: *mut u32,
    b: *mut u32,
) -> TeeResult {
    if !tee_attr_is_value(id) {
        tee_panic(TEE_ERROR_BAD_PARAMETERS);
    }
    let mut v = [0u32; 2];
    let mut n = core::mem::size_of_val(&v) as u64;
    // SAFETY: `v` has `n` writable bytes.
    let r = unsafe {
        oxtee_ta_sys::utee_cryp_obj_get_attr(handle(object), id, v.as_mut_ptr().cast(), &mut n)
    };
    if r == 0 {
        // SAFETY: each is null or writable.
        unsafe {
            if !a.is_null() {
                *a = v[0];
            }
            if !b.is_null() {
                *b = v[1];
            }
        }
    }
    allow(r, &[TEE_ERROR_ITEM_NOT_FOUND])
}

/// `TEE_CopyObjectAttributes1(destObject, srcObject)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_CopyObjectAttributes1(dst: *mut c_void, src: *mut c_void) -> TeeResult {
    allow(
        oxtee_ta_sys::utee_cryp_obj_copy(handle(dst), handle(src)),
        &[],
    )
}

/// `TEE_RestrictObjectUsage1(object, objectUsage)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_RestrictObjectUsage1(object: *mut c_void, usage: u32) -> TeeResult {
    allow(
        oxtee_ta_sys::utee_cryp_obj_restrict_usage(handle(object), usage),
        &[],
    )
}
