//! Constants of the GlobalPlatform TEE Internal Core API that are neither
//! results, crypto, storage nor system-call values: `TEE_Malloc` hints and
//! the API version OP-TEE 4.5 reports (`tee_api_defines.h`).

/// `TEE_MALLOC_FILL_ZERO`: `TEE_Malloc` returns zeroed memory.
pub const TEE_MALLOC_FILL_ZERO: u32 = 0x0000_0000;
/// `TEE_MALLOC_NO_FILL`: `TEE_Malloc` may leave the memory uninitialised.
pub const TEE_MALLOC_NO_FILL: u32 = 0x0000_0001;
/// `TEE_MALLOC_NO_SHARE`: the memory is not shared with other TAs.
pub const TEE_MALLOC_NO_SHARE: u32 = 0x0000_0002;

/// `TEE_CORE_API_MAJOR_VERSION`: GP TEE Internal Core API 1.3.1.
pub const TEE_CORE_API_MAJOR_VERSION: u32 = 1;
/// `TEE_CORE_API_MINOR_VERSION`.
pub const TEE_CORE_API_MINOR_VERSION: u32 = 3;
/// `TEE_CORE_API_MAINTENANCE_VERSION`.
pub const TEE_CORE_API_MAINTENANCE_VERSION: u32 = 1;
/// `TEE_CORE_API_VERSION`: major, minor, maintenance in bytes 3, 2, 1.
pub const TEE_CORE_API_VERSION: u32 = (TEE_CORE_API_MAJOR_VERSION << 24)
    | (TEE_CORE_API_MINOR_VERSION << 16)
    | (TEE_CORE_API_MAINTENANCE_VERSION << 8);

/// `TEE_MODE_ILLEGAL_VALUE`: keeps `TEE_OperationMode` 32 bits wide.
pub const TEE_MODE_ILLEGAL_VALUE: u32 = 0x7FFF_FFFF;
/// `TEE_WHENCE_ILLEGAL_VALUE`: keeps `TEE_Whence` 32 bits wide.
pub const TEE_WHENCE_ILLEGAL_VALUE: u32 = 0x7FFF_FFFF;
/// `TEE_CRYPTO_ELEMENT_NONE`: no curve (the value before `TEE_ECC_CURVE_*`).
pub const TEE_CRYPTO_ELEMENT_NONE: u32 = 0x0000_0000;
