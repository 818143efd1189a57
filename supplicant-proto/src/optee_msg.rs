//! OPTEE_MSG message format carried by the yielding SMCs
//! (OP-TEE `optee_msg.h`; optee-abi.md §2).
//!
//! A message is a 32-byte [`OpteeMsgArg`] header followed by `num_params`
//! 32-byte [`OpteeMsgParam`]s, all little-endian and naturally aligned.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

// ---------------------------------------------------------------------------
// UIDs and revision
// ---------------------------------------------------------------------------

/// `OPTEE_MSG_UID_0..3`: API UID `384fb3e0-e7f8-11e3-af63-0002a5d5c51b`
/// as returned in a0..a3 by `OPTEE_SMC_CALLS_UID`.
pub const OPTEE_MSG_UID: [u32; 4] = [0x384f_b3e0, 0xe7f8_11e3, 0xaf63_0002, 0xa5d5_c51b];
/// `OPTEE_MSG_OS_OPTEE_UUID_0..3`: OS UUID `486178e0-e7f8-11e3-bc5e-0002a5d5c51b`
/// as returned in a0..a3 by `OPTEE_SMC_CALL_GET_OS_UUID`.
pub const OPTEE_MSG_OS_OPTEE_UUID: [u32; 4] = [0x4861_78e0, 0xe7f8_11e3, 0xbc5e_0002, 0xa5d5_c51b];
/// `OPTEE_MSG_REVISION_MAJOR` (returned in a0 by `OPTEE_SMC_CALLS_REVISION`).
pub const OPTEE_MSG_REVISION_MAJOR: u32 = 2;
/// `OPTEE_MSG_REVISION_MINOR` (returned in a1).
pub const OPTEE_MSG_REVISION_MINOR: u32 = 0;

// ---------------------------------------------------------------------------
// Parameter attributes
// ---------------------------------------------------------------------------

/// `OPTEE_MSG_ATTR_TYPE_NONE`.
pub const OPTEE_MSG_ATTR_TYPE_NONE: u64 = 0x0;
/// `OPTEE_MSG_ATTR_TYPE_VALUE_INPUT`.
pub const OPTEE_MSG_ATTR_TYPE_VALUE_INPUT: u64 = 0x1;
/// `OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT`.
pub const OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT: u64 = 0x2;
/// `OPTEE_MSG_ATTR_TYPE_VALUE_INOUT`.
pub const OPTEE_MSG_ATTR_TYPE_VALUE_INOUT: u64 = 0x3;
/// `OPTEE_MSG_ATTR_TYPE_RMEM_INPUT`: registered memory reference.
pub const OPTEE_MSG_ATTR_TYPE_RMEM_INPUT: u64 = 0x5;
/// `OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT`.
pub const OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT: u64 = 0x6;
/// `OPTEE_MSG_ATTR_TYPE_RMEM_INOUT`.
pub const OPTEE_MSG_ATTR_TYPE_RMEM_INOUT: u64 = 0x7;
/// `OPTEE_MSG_ATTR_TYPE_FMEM_INPUT` (FF-A only; same code as RMEM).
pub const OPTEE_MSG_ATTR_TYPE_FMEM_INPUT: u64 = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
/// `OPTEE_MSG_ATTR_TYPE_FMEM_OUTPUT` (FF-A only).
pub const OPTEE_MSG_ATTR_TYPE_FMEM_OUTPUT: u64 = OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT;
/// `OPTEE_MSG_ATTR_TYPE_FMEM_INOUT` (FF-A only).
pub const OPTEE_MSG_ATTR_TYPE_FMEM_INOUT: u64 = OPTEE_MSG_ATTR_TYPE_RMEM_INOUT;
/// `OPTEE_MSG_ATTR_TYPE_TMEM_INPUT`: temporary memory reference (by PA).
pub const OPTEE_MSG_ATTR_TYPE_TMEM_INPUT: u64 = 0x9;
/// `OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT`.
pub const OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT: u64 = 0xA;
/// `OPTEE_MSG_ATTR_TYPE_TMEM_INOUT`.
pub const OPTEE_MSG_ATTR_TYPE_TMEM_INOUT: u64 = 0xB;
/// `OPTEE_MSG_ATTR_TYPE_MASK`: bits [7:0] of `attr`.
pub const OPTEE_MSG_ATTR_TYPE_MASK: u64 = 0xFF;
/// `OPTEE_MSG_ATTR_META`: meta parameter (OPEN_SESSION UUIDs/login).
pub const OPTEE_MSG_ATTR_META: u64 = 1 << 8;
/// `OPTEE_MSG_ATTR_NONCONTIG`: tmem `buf_ptr` points at a page list.
pub const OPTEE_MSG_ATTR_NONCONTIG: u64 = 1 << 9;
/// `OPTEE_MSG_ATTR_CACHE_SHIFT`.
pub const OPTEE_MSG_ATTR_CACHE_SHIFT: u32 = 16;
/// `OPTEE_MSG_ATTR_CACHE_MASK` (after shifting).
pub const OPTEE_MSG_ATTR_CACHE_MASK: u64 = 0x7;
/// `OPTEE_MSG_ATTR_CACHE_PREDEFINED`.
pub const OPTEE_MSG_ATTR_CACHE_PREDEFINED: u64 = 0;

/// `OPTEE_MSG_FMEM_INVALID_GLOBAL_ID` (FF-A only).
pub const OPTEE_MSG_FMEM_INVALID_GLOBAL_ID: u64 = 0xFFFF_FFFF_FFFF_FFFF;

// ---------------------------------------------------------------------------
// Logins (meta param 1, value.c)
// ---------------------------------------------------------------------------

/// `OPTEE_MSG_LOGIN_PUBLIC`.
pub const OPTEE_MSG_LOGIN_PUBLIC: u32 = 0x0;
/// `OPTEE_MSG_LOGIN_USER`.
pub const OPTEE_MSG_LOGIN_USER: u32 = 0x1;
/// `OPTEE_MSG_LOGIN_GROUP`.
pub const OPTEE_MSG_LOGIN_GROUP: u32 = 0x2;
/// `OPTEE_MSG_LOGIN_APPLICATION`.
pub const OPTEE_MSG_LOGIN_APPLICATION: u32 = 0x4;
/// `OPTEE_MSG_LOGIN_APPLICATION_USER`.
pub const OPTEE_MSG_LOGIN_APPLICATION_USER: u32 = 0x5;
/// `OPTEE_MSG_LOGIN_APPLICATION_GROUP`.
pub const OPTEE_MSG_LOGIN_APPLICATION_GROUP: u32 = 0x6;
/// `TEE_LOGIN_REE_KERNEL` (OP-TEE extension, accepted in the login field).
pub const OPTEE_MSG_LOGIN_REE_KERNEL: u32 = 0x8000_0000;

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// `OPTEE_MSG_CMD_OPEN_SESSION`.
pub const OPTEE_MSG_CMD_OPEN_SESSION: u32 = 0;
/// `OPTEE_MSG_CMD_INVOKE_COMMAND`.
pub const OPTEE_MSG_CMD_INVOKE_COMMAND: u32 = 1;
/// `OPTEE_MSG_CMD_CLOSE_SESSION`.
pub const OPTEE_MSG_CMD_CLOSE_SESSION: u32 = 2;
/// `OPTEE_MSG_CMD_CANCEL`.
pub const OPTEE_MSG_CMD_CANCEL: u32 = 3;
/// `OPTEE_MSG_CMD_REGISTER_SHM`.
pub const OPTEE_MSG_CMD_REGISTER_SHM: u32 = 4;
/// `OPTEE_MSG_CMD_UNREGISTER_SHM`.
pub const OPTEE_MSG_CMD_UNREGISTER_SHM: u32 = 5;
/// `OPTEE_MSG_CMD_DO_BOTTOM_HALF`.
pub const OPTEE_MSG_CMD_DO_BOTTOM_HALF: u32 = 6;
/// `OPTEE_MSG_CMD_STOP_ASYNC_NOTIF`.
pub const OPTEE_MSG_CMD_STOP_ASYNC_NOTIF: u32 = 7;
/// `OPTEE_MSG_FUNCID_CALL_WITH_ARG`.
pub const OPTEE_MSG_FUNCID_CALL_WITH_ARG: u32 = 0x0004;

// ---------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------

/// `OPTEE_MSG_NONCONTIG_PAGE_SIZE`: page size of non-contiguous page lists.
pub const OPTEE_MSG_NONCONTIG_PAGE_SIZE: u64 = 4096;
/// Data-page entries per page-list page (the last u64 links to the next page).
pub const OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE: usize = 511;
/// Size of the [`OpteeMsgArg`] header.
pub const OPTEE_MSG_ARG_HEADER_SIZE: usize = 32;
/// Size of one [`OpteeMsgParam`].
pub const OPTEE_MSG_PARAM_SIZE: usize = 32;
/// `OPTEE_MSG_MAX_NUM_PARAMS`: the most params that fit one 4 KiB page with the header.
pub const OPTEE_MSG_MAX_NUM_PARAMS: u32 = 127;

/// `OPTEE_MSG_GET_ARG_SIZE(num_params)`: bytes of an arg with `num_params` params.
pub const fn optee_msg_get_arg_size(num_params: u32) -> u64 {
    OPTEE_MSG_ARG_HEADER_SIZE as u64 + OPTEE_MSG_PARAM_SIZE as u64 * num_params as u64
}

// ---------------------------------------------------------------------------
// Layouts
// ---------------------------------------------------------------------------

/// `struct optee_msg_arg` without the trailing `params[]`.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct OpteeMsgArg {
    /// `OPTEE_MSG_CMD_*` (or `OPTEE_RPC_CMD_*` in an RPC arg).
    pub cmd: u32,
    /// TA command id for INVOKE_COMMAND.
    pub func: u32,
    /// Session id (output for OPEN_SESSION).
    pub session: u32,
    /// Cancellation id.
    pub cancel_id: u32,
    /// Padding.
    pub pad: u32,
    /// `TEE_Result` of the operation.
    pub ret: u32,
    /// `TEE_ORIGIN_*`.
    pub ret_origin: u32,
    /// Number of [`OpteeMsgParam`]s that follow.
    pub num_params: u32,
}

/// `struct optee_msg_param`: `attr` plus a 24-byte union, kept as three u64
/// words; use the accessors for the union views.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct OpteeMsgParam {
    /// `OPTEE_MSG_ATTR_*`.
    pub attr: u64,
    /// Union word 0 (`value.a`, `tmem.buf_ptr`, `rmem.offs`).
    pub u0: u64,
    /// Union word 1 (`value.b`, `tmem.size`, `rmem.size`).
    pub u1: u64,
    /// Union word 2 (`value.c`, `tmem.shm_ref`, `rmem.shm_ref`).
    pub u2: u64,
}

/// `struct optee_msg_param_value`.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct OpteeMsgParamValue {
    /// `a`.
    pub a: u64,
    /// `b`.
    pub b: u64,
    /// `c`.
    pub c: u64,
}

/// `struct optee_msg_param_tmem`.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct OpteeMsgParamTmem {
    /// Physical address (page list PA | first-page offset with NONCONTIG).
    pub buf_ptr: u64,
    /// Size in bytes.
    pub size: u64,
    /// Normal-world cookie.
    pub shm_ref: u64,
}

/// `struct optee_msg_param_rmem`.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct OpteeMsgParamRmem {
    /// Offset into the registered buffer.
    pub offs: u64,
    /// Size in bytes.
    pub size: u64,
    /// Cookie given at REGISTER_SHM.
    pub shm_ref: u64,
}

/// `struct optee_msg_param_fmem` (FF-A only).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct OpteeMsgParamFmem {
    /// Low 32 bits of the offset.
    pub offs_low: u32,
    /// High 16 bits of the offset.
    pub offs_high: u16,
    /// Internal offset into the first page.
    pub internal_offs: u16,
    /// Size in bytes.
    pub size: u64,
    /// FF-A global handle.
    pub global_id: u64,
}

const _: () = assert!(core::mem::size_of::<OpteeMsgArg>() == OPTEE_MSG_ARG_HEADER_SIZE);
const _: () = assert!(core::mem::size_of::<OpteeMsgParam>() == OPTEE_MSG_PARAM_SIZE);
const _: () = assert!(core::mem::size_of::<OpteeMsgParamValue>() == 24);
const _: () = assert!(core::mem::size_of::<OpteeMsgParamTmem>() == 24);
const _: () = assert!(core::mem::size_of::<OpteeMsgParamRmem>() == 24);
const _: () = assert!(core::mem::size_of::<OpteeMsgParamFmem>() == 24);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, cmd) == 0);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, func) == 4);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, session) == 8);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, cancel_id) == 12);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, pad) == 16);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, ret) == 20);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, ret_origin) == 24);
const _: () = assert!(core::mem::offset_of!(OpteeMsgArg, num_params) == 28);
const _: () = assert!(core::mem::offset_of!(OpteeMsgParam, attr) == 0);
const _: () = assert!(core::mem::offset_of!(OpteeMsgParam, u0) == 8);
const _: () = assert!(core::mem::offset_of!(OpteeMsgParam, u1) == 16);
const _: () = assert!(core::mem::offset_of!(OpteeMsgParam, u2) == 24);
const _: () = assert!(core::mem::offset_of!(OpteeMsgParamFmem, offs_high) == 4);
const _: () = assert!(core::mem::offset_of!(OpteeMsgParamFmem, internal_offs) == 6);
const _: () = assert!(core::mem::offset_of!(OpteeMsgParamFmem, size) == 8);
const _: () =
    assert!(optee_msg_get_arg_size(OPTEE_MSG_MAX_NUM_PARAMS) <= OPTEE_MSG_NONCONTIG_PAGE_SIZE);
const _: () =
    assert!(optee_msg_get_arg_size(OPTEE_MSG_MAX_NUM_PARAMS + 1) > OPTEE_MSG_NONCONTIG_PAGE_SIZE);

impl OpteeMsgParam {
    /// The type field (`attr & OPTEE_MSG_ATTR_TYPE_MASK`).
    pub const fn attr_type(&self) -> u64 {
        self.attr & OPTEE_MSG_ATTR_TYPE_MASK
    }
    /// View of the union as `value`.
    pub const fn value(&self) -> OpteeMsgParamValue {
        OpteeMsgParamValue {
            a: self.u0,
            b: self.u1,
            c: self.u2,
        }
    }
    /// View of the union as `tmem`.
    pub const fn tmem(&self) -> OpteeMsgParamTmem {
        OpteeMsgParamTmem {
            buf_ptr: self.u0,
            size: self.u1,
            shm_ref: self.u2,
        }
    }
    /// View of the union as `rmem`.
    pub const fn rmem(&self) -> OpteeMsgParamRmem {
        OpteeMsgParamRmem {
            offs: self.u0,
            size: self.u1,
            shm_ref: self.u2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arg_sizes() {
        assert_eq!(optee_msg_get_arg_size(0), 32);
        assert_eq!(optee_msg_get_arg_size(4), 160);
        assert_eq!(optee_msg_get_arg_size(6) + optee_msg_get_arg_size(4), 384);
        assert_eq!(optee_msg_get_arg_size(127), 4096);
    }

    #[test]
    fn param_views() {
        let p = OpteeMsgParam {
            attr: OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
            u0: 1,
            u1: 2,
            u2: 3,
        };
        assert_eq!(p.attr_type(), OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT);
        assert_eq!(p.attr, 0x20A);
        assert_eq!(p.tmem().shm_ref, 3);
        assert_eq!(p.rmem().offs, 1);
        assert_eq!(p.value().b, 2);
        let bytes = p.as_bytes();
        assert_eq!(&bytes[8..16], &1u64.to_le_bytes());
    }
}
