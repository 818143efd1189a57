//! The C types of the GP Internal Core API that cross this library's
//! interface, in the layouts the kit's headers (`tee_api_types.h`) declare.

use core::ffi::c_void;

/// `TEE_UUID`: native field order (timeLow, timeMid, timeHiAndVersion in
/// little-endian, then clockSeqAndNode), the form system calls take.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TeeUuid {
    /// `timeLow`.
    pub time_low: u32,
    /// `timeMid`.
    pub time_mid: u16,
    /// `timeHiAndVersion`.
    pub time_hi_and_version: u16,
    /// `clockSeqAndNode`.
    pub clock_seq_and_node: [u8; 8],
}

/// `TEE_Param.memref`: a buffer and its size (`size_t`, GP 1.2 and later).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MemRef {
    /// `buffer`.
    pub buffer: *mut c_void,
    /// `size`.
    pub size: usize,
}

/// `TEE_Param.value`: two 32-bit values.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Value {
    /// `a`.
    pub a: u32,
    /// `b`.
    pub b: u32,
}

/// `TEE_Param`: a memory reference or a value pair, as its type says.
#[repr(C)]
#[derive(Clone, Copy)]
pub union TeeParam {
    /// `memref`.
    pub memref: MemRef,
    /// `value`.
    pub value: Value,
}

impl TeeParam {
    /// A parameter with every byte zero (what `TEE_PARAM_TYPE_NONE` carries).
    pub const ZERO: TeeParam = TeeParam {
        memref: MemRef {
            buffer: core::ptr::null_mut(),
            size: 0,
        },
    };
}

/// `TEE_Identity`: login method and UUID.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TeeIdentity {
    /// `login` (`TEE_LOGIN_*`).
    pub login: u32,
    /// `uuid`.
    pub uuid: TeeUuid,
}

/// `TEE_ObjectInfo` (GP 1.1 and later field names).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TeeObjectInfo {
    /// `objectType`.
    pub object_type: u32,
    /// `objectSize`.
    pub object_size: u32,
    /// `maxObjectSize`.
    pub max_object_size: u32,
    /// `objectUsage`.
    pub object_usage: u32,
    /// `dataSize`.
    pub data_size: u32,
    /// `dataPosition`.
    pub data_position: u32,
    /// `handleFlags`.
    pub handle_flags: u32,
}

const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<TeeUuid>() == 16);
    assert!(offset_of!(TeeUuid, clock_seq_and_node) == 8);
    assert!(size_of::<TeeParam>() == 16);
    assert!(size_of::<TeeIdentity>() == 20);
    assert!(offset_of!(TeeIdentity, uuid) == 4);
    assert!(size_of::<TeeObjectInfo>() == 28);
    assert!(size_of::<TeeUuid>() == size_of::<[u8; 16]>());
};

/// `TEE_Result`.
pub type TeeResult = u32;

/// A kernel handle (object, enumerator, session) as the opaque pointer GP's
/// handle types are; 0 is `TEE_HANDLE_NULL`.
pub fn handle_to_ptr(h: u32) -> *mut c_void {
    h as usize as *mut c_void
}

/// The kernel handle behind an opaque GP handle (`None` if it cannot be one).
pub fn ptr_to_handle(p: *mut c_void) -> Option<u32> {
    u32::try_from(p as usize).ok()
}
