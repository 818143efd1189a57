//! GlobalPlatform persistent objects: storage identifiers, data flags and
//! limits (`tee_api_defines.h`, `tee_api_defines_extensions.h`).

/// `TEE_STORAGE_PRIVATE`: the TEE's default store.
pub const TEE_STORAGE_PRIVATE: u32 = 0x0000_0001;
/// `TEE_STORAGE_PRIVATE_REE`: the REE file system store (OP-TEE extension).
pub const TEE_STORAGE_PRIVATE_REE: u32 = 0x8000_0000;
/// `TEE_STORAGE_PRIVATE_RPMB`: the RPMB store (OP-TEE extension).
pub const TEE_STORAGE_PRIVATE_RPMB: u32 = 0x8000_0100;

/// `TEE_DATA_FLAG_ACCESS_READ`.
pub const TEE_DATA_FLAG_ACCESS_READ: u32 = 0x0000_0001;
/// `TEE_DATA_FLAG_ACCESS_WRITE`.
pub const TEE_DATA_FLAG_ACCESS_WRITE: u32 = 0x0000_0002;
/// `TEE_DATA_FLAG_ACCESS_WRITE_META`.
pub const TEE_DATA_FLAG_ACCESS_WRITE_META: u32 = 0x0000_0004;
/// `TEE_DATA_FLAG_SHARE_READ`.
pub const TEE_DATA_FLAG_SHARE_READ: u32 = 0x0000_0010;
/// `TEE_DATA_FLAG_SHARE_WRITE`.
pub const TEE_DATA_FLAG_SHARE_WRITE: u32 = 0x0000_0020;
/// `TEE_DATA_FLAG_OVERWRITE` (GP 1.1 `TEE_DATA_FLAG_EXCLUSIVE` is the same bit).
pub const TEE_DATA_FLAG_OVERWRITE: u32 = 0x0000_0400;

/// `TEE_DATA_SEEK_SET`.
pub const TEE_DATA_SEEK_SET: u32 = 0;
/// `TEE_DATA_SEEK_CUR`.
pub const TEE_DATA_SEEK_CUR: u32 = 1;
/// `TEE_DATA_SEEK_END`.
pub const TEE_DATA_SEEK_END: u32 = 2;

/// `TEE_DATA_MAX_POSITION`: the data position never goes beyond this.
pub const TEE_DATA_MAX_POSITION: u64 = 0xFFFF_FFFF;
/// `TEE_OBJECT_ID_MAX_LEN`.
pub const TEE_OBJECT_ID_MAX_LEN: usize = 64;
