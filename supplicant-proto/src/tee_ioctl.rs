//! The Linux TEE subsystem's user interface (`include/uapi/linux/tee.h`):
//! the ioctls a client application issues on `/dev/tee*`, with the layouts
//! the kernel copies. Numbers are for Linux's generic ioctl encoding
//! (arm64, x86): direction in bits 30-31, size in bits 16-29, type `0xa4`
//! in bits 8-15, number in bits 0-7.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// `TEE_IOC_MAGIC`: the ioctl type of the TEE subsystem.
pub const TEE_IOC_MAGIC: u32 = 0xa4;
/// `TEE_IOCTL_UUID_LEN`.
pub const TEE_IOCTL_UUID_LEN: usize = 16;

const IOC_WRITE: u32 = 1;
const IOC_READ: u32 = 2;

const fn ioc(dir: u32, nr: u32, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | (TEE_IOC_MAGIC << 8) | nr
}

/// `TEE_IOC_VERSION`: `_IOR(0xa4, 0, struct tee_ioctl_version_data)`.
pub const TEE_IOC_VERSION: u32 = ioc(IOC_READ, 0, size_of::<TeeIoctlVersionData>());
/// `TEE_IOC_SHM_ALLOC`: `_IOWR(0xa4, 1, struct tee_ioctl_shm_alloc_data)`;
/// the result is a file descriptor to `mmap`.
pub const TEE_IOC_SHM_ALLOC: u32 = ioc(IOC_READ | IOC_WRITE, 1, size_of::<TeeIoctlShmAllocData>());
/// `TEE_IOC_OPEN_SESSION`: `_IOR(0xa4, 2, struct tee_ioctl_buf_data)`.
pub const TEE_IOC_OPEN_SESSION: u32 = ioc(IOC_READ, 2, size_of::<TeeIoctlBufData>());
/// `TEE_IOC_INVOKE`: `_IOR(0xa4, 3, struct tee_ioctl_buf_data)`.
pub const TEE_IOC_INVOKE: u32 = ioc(IOC_READ, 3, size_of::<TeeIoctlBufData>());
/// `TEE_IOC_CANCEL`: `_IOR(0xa4, 4, struct tee_ioctl_cancel_arg)`.
pub const TEE_IOC_CANCEL: u32 = ioc(IOC_READ, 4, size_of::<TeeIoctlCancelArg>());
/// `TEE_IOC_CLOSE_SESSION`: `_IOR(0xa4, 5, struct tee_ioctl_close_session_arg)`.
pub const TEE_IOC_CLOSE_SESSION: u32 = ioc(IOC_READ, 5, size_of::<TeeIoctlCloseSessionArg>());

/// `TEE_IMPL_ID_OPTEE`: `impl_id` of OP-TEE's driver.
pub const TEE_IMPL_ID_OPTEE: u32 = 1;
/// `TEE_GEN_CAP_GP`: the device speaks the GlobalPlatform client API.
pub const TEE_GEN_CAP_GP: u32 = 1 << 0;
/// `TEE_GEN_CAP_REG_MEM`: client memory can be registered.
pub const TEE_GEN_CAP_REG_MEM: u32 = 1 << 2;
/// `TEE_GEN_CAP_MEMREF_NULL`: null memory references are supported.
pub const TEE_GEN_CAP_MEMREF_NULL: u32 = 1 << 3;

/// `TEE_IOCTL_PARAM_ATTR_TYPE_NONE`.
pub const TEE_IOCTL_PARAM_ATTR_TYPE_NONE: u64 = 0;
/// `TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT`.
pub const TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT: u64 = 1;
/// `TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT`.
pub const TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT: u64 = 2;
/// `TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT`.
pub const TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT: u64 = 3;
/// `TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT`.
pub const TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT: u64 = 5;
/// `TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT`.
pub const TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT: u64 = 6;
/// `TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT`.
pub const TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT: u64 = 7;

/// `TEE_IOCTL_LOGIN_PUBLIC`.
pub const TEE_IOCTL_LOGIN_PUBLIC: u32 = 0;
/// `TEE_IOCTL_LOGIN_USER`: the kernel derives the identity from the caller's uid.
pub const TEE_IOCTL_LOGIN_USER: u32 = 1;
/// `TEE_IOCTL_LOGIN_GROUP`: from a group the caller is in (`clnt_uuid` names it).
pub const TEE_IOCTL_LOGIN_GROUP: u32 = 2;
/// `TEE_IOCTL_LOGIN_APPLICATION`.
pub const TEE_IOCTL_LOGIN_APPLICATION: u32 = 4;
/// `TEE_IOCTL_LOGIN_USER_APPLICATION`.
pub const TEE_IOCTL_LOGIN_USER_APPLICATION: u32 = 5;
/// `TEE_IOCTL_LOGIN_GROUP_APPLICATION`.
pub const TEE_IOCTL_LOGIN_GROUP_APPLICATION: u32 = 6;

/// `struct tee_ioctl_version_data` (12 bytes).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlVersionData {
    /// `TEE_IMPL_ID_*`.
    pub impl_id: u32,
    /// Implementation-specific capabilities.
    pub impl_caps: u32,
    /// `TEE_GEN_CAP_*`.
    pub gen_caps: u32,
}

/// `struct tee_ioctl_shm_alloc_data` (16 bytes).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlShmAllocData {
    /// In: the size wanted; out: the size allocated.
    pub size: u64,
    /// In: 0; out: flags of the allocation.
    pub flags: u32,
    /// Out: the id memory references name it by.
    pub id: i32,
}

/// `struct tee_ioctl_buf_data` (16 bytes): the argument buffer of
/// `OPEN_SESSION` and `INVOKE`.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlBufData {
    /// Address of the argument.
    pub buf_ptr: u64,
    /// Its length in bytes, parameters included.
    pub buf_len: u64,
}

/// `struct tee_ioctl_param` (32 bytes). Values: `a`, `b`, `c`; memory
/// references: `a` the offset in the shared memory, `b` the size, `c` the
/// shared memory's id.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlParam {
    /// `TEE_IOCTL_PARAM_ATTR_*`.
    pub attr: u64,
    /// First word.
    pub a: u64,
    /// Second word.
    pub b: u64,
    /// Third word.
    pub c: u64,
}

/// `struct tee_ioctl_open_session_arg` (56 bytes) without its parameters,
/// which follow it (`num_params` of them).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlOpenSessionArg {
    /// The TA's UUID, RFC 4122 octets.
    pub uuid: [u8; TEE_IOCTL_UUID_LEN],
    /// The client's UUID for group logins (the group), else zeros.
    pub clnt_uuid: [u8; TEE_IOCTL_UUID_LEN],
    /// `TEE_IOCTL_LOGIN_*`.
    pub clnt_login: u32,
    /// Id a later `TEE_IOC_CANCEL` names this request by.
    pub cancel_id: u32,
    /// Out: the session.
    pub session: u32,
    /// Out: the `TEE_Result`.
    pub ret: u32,
    /// Out: the `TEE_ORIGIN_*` of `ret`.
    pub ret_origin: u32,
    /// Number of `tee_ioctl_param` that follow.
    pub num_params: u32,
}

/// `struct tee_ioctl_invoke_arg` (24 bytes) without its parameters.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlInvokeArg {
    /// The command id.
    pub func: u32,
    /// The session.
    pub session: u32,
    /// Id a later `TEE_IOC_CANCEL` names this request by.
    pub cancel_id: u32,
    /// Out: the `TEE_Result`.
    pub ret: u32,
    /// Out: the `TEE_ORIGIN_*` of `ret`.
    pub ret_origin: u32,
    /// Number of `tee_ioctl_param` that follow.
    pub num_params: u32,
}

/// `struct tee_ioctl_cancel_arg` (8 bytes).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlCancelArg {
    /// The request's `cancel_id`.
    pub cancel_id: u32,
    /// The session (0 for an `OPEN_SESSION` in flight).
    pub session: u32,
}

/// `struct tee_ioctl_close_session_arg` (4 bytes).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeIoctlCloseSessionArg {
    /// The session.
    pub session: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_numbers_are_linux_uapi() {
        assert_eq!(TEE_IOC_VERSION, 0x800c_a400);
        assert_eq!(TEE_IOC_SHM_ALLOC, 0xc010_a401);
        assert_eq!(TEE_IOC_OPEN_SESSION, 0x8010_a402);
        assert_eq!(TEE_IOC_INVOKE, 0x8010_a403);
        assert_eq!(TEE_IOC_CANCEL, 0x8008_a404);
        assert_eq!(TEE_IOC_CLOSE_SESSION, 0x8004_a405);
    }

    #[test]
    fn layouts_match_the_kernel() {
        assert_eq!(size_of::<TeeIoctlVersionData>(), 12);
        assert_eq!(size_of::<TeeIoctlShmAllocData>(), 16);
        assert_eq!(size_of::<TeeIoctlBufData>(), 16);
        assert_eq!(size_of::<TeeIoctlParam>(), 32);
        assert_eq!(size_of::<TeeIoctlOpenSessionArg>(), 56);
        assert_eq!(size_of::<TeeIoctlInvokeArg>(), 24);
        assert_eq!(size_of::<TeeIoctlCancelArg>(), 8);
        assert_eq!(size_of::<TeeIoctlCloseSessionArg>(), 4);
    }
}
