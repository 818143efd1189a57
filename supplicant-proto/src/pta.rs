//! Pseudo-TA UUIDs, command IDs and flags (OP-TEE 4.5 `lib/libutee/include/pta_*.h`,
//! `user_ta_header.h`; Linux `drivers/char/hw_random/optee-rng.c`).
//!
//! UUIDs are given as the 16 octets of RFC 4122 (network order), which is how they travel in
//! OPTEE_MSG open-session meta params and in the device-enumeration output.

/// Builds the RFC 4122 octets of a UUID from its textual fields.
pub const fn uuid_octets(time_low: u32, time_mid: u16, time_hi: u16, node: [u8; 8]) -> [u8; 16] {
    let l = time_low.to_be_bytes();
    let m = time_mid.to_be_bytes();
    let h = time_hi.to_be_bytes();
    [
        l[0], l[1], l[2], l[3], m[0], m[1], h[0], h[1], node[0], node[1], node[2], node[3],
        node[4], node[5], node[6], node[7],
    ]
}

// ---- TA/PTA flags (`user_ta_header.h`) ----
/// One instance serves all sessions.
pub const TA_FLAG_SINGLE_INSTANCE: u32 = 1 << 2;
/// Several sessions may be open on the instance.
pub const TA_FLAG_MULTI_SESSION: u32 = 1 << 3;
/// Instance stays loaded after its last session closes.
pub const TA_FLAG_INSTANCE_KEEP_ALIVE: u32 = 1 << 4;
/// TA may access secure-data-path memory.
pub const TA_FLAG_SECURE_DATA_PATH: u32 = 1 << 5;
/// Sessions of a pseudo-TA may run concurrently.
pub const TA_FLAG_CONCURRENT: u32 = 1 << 8;
/// Reported by `PTA_CMD_GET_DEVICES` (bus device needing no tee-supplicant).
pub const TA_FLAG_DEVICE_ENUM: u32 = 1 << 9;
/// Reported by `PTA_CMD_GET_DEVICES_SUPP` (bus device needing tee-supplicant).
pub const TA_FLAG_DEVICE_ENUM_SUPP: u32 = 1 << 10;
/// A corrupt persistent object is removed but its handle stays open.
pub const TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT: u32 = 1 << 11;
/// Device needs `TEE_STORAGE_PRIVATE` (reported with `_SUPP` when REE FS backs it).
pub const TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE: u32 = 1 << 12;
/// Flags every pseudo-TA carries (`PTA_DEFAULT_FLAGS`).
pub const PTA_DEFAULT_FLAGS: u32 =
    TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | TA_FLAG_INSTANCE_KEEP_ALIVE;

// ---- device enumeration (`pta_device.h`) ----
/// Device-enumeration PTA `7011a688-ddde-4053-a5a9-7b3c4ddf13b8`.
pub const PTA_DEVICE_UUID: [u8; 16] = uuid_octets(
    0x7011_a688,
    0xddde,
    0x4053,
    [0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8],
);
/// Alias of [`PTA_DEVICE_UUID`].
pub const PTA_DEVICE_ENUM_UUID: [u8; 16] = PTA_DEVICE_UUID;
/// List devices that need no tee-supplicant. m0 OUT: array of UUID octets.
pub const PTA_CMD_GET_DEVICES: u32 = 0;
/// List devices that need tee-supplicant. m0 OUT: array of UUID octets.
pub const PTA_CMD_GET_DEVICES_SUPP: u32 = 1;
/// List devices that need RPMB (kernel-routed RPMB). m0 OUT: array of UUID octets.
pub const PTA_CMD_GET_DEVICES_RPMB: u32 = 2;

// ---- hardware RNG (`pta_rng.h`, Linux optee-rng) ----
/// RNG PTA `ab7a617c-b8e7-4d8f-8301-d09b61036b64`.
pub const PTA_RNG_UUID: [u8; 16] = uuid_octets(
    0xab7a_617c,
    0xb8e7,
    0x4d8f,
    [0x83, 0x01, 0xd0, 0x9b, 0x61, 0x03, 0x6b, 0x64],
);
/// m0 INOUT: buffer to fill with entropy; size out = bytes produced.
pub const PTA_CMD_GET_ENTROPY: u32 = 0;
/// v0 OUT: a = data rate (bytes/s), b = quality (entropy bits per 1024 bits).
pub const PTA_CMD_GET_RNG_INFO: u32 = 1;
/// RNG PTA private result: continuous health test failed.
pub const TEE_ERROR_HEALTH_TEST_FAIL: u32 = 0x0000_0001;
/// Largest request Linux's optee-rng makes (`MAX_ENTROPY_REQ_SZ`).
pub const MAX_ENTROPY_REQ_SZ: usize = 4 * 1024;

// ---- invoke tests (`pta_invoke_tests.h`) ----
/// Invoke-tests PTA `d96a5b40-c3e5-21e3-8794-1002a5d5c61b`.
pub const PTA_INVOKE_TESTS_UUID: [u8; 16] = uuid_octets(
    0xd96a_5b40,
    0xc3e5,
    0x21e3,
    [0x87, 0x94, 0x10, 0x02, 0xa5, 0xd5, 0xc6, 0x1b],
);
/// Trace a greeting; params ignored.
pub const PTA_INVOKE_TESTS_CMD_TRACE: u32 = 0;
/// Parameter passing tests (xtest 1002).
pub const PTA_INVOKE_TESTS_CMD_PARAMS: u32 = 1;
/// Core self tests (xtest 1001); params ignored.
pub const PTA_INVOKE_TESTS_CMD_SELF_TESTS: u32 = 2;
/// SDP: copy non-secure m0 IN to secure m1 OUT.
pub const PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC: u32 = 3;
/// SDP: read-modify-write secure m0 INOUT.
pub const PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC: u32 = 4;
/// SDP: copy secure m0 IN to non-secure m1 OUT.
pub const PTA_INVOKE_TESTS_CMD_COPY_SEC_TO_NSEC: u32 = 5;
/// REE FS hash-tree corner cases (xtest 1015).
pub const PTA_INVOKE_TESTS_CMD_FS_HTREE: u32 = 6;
/// Read/write mutex test (xtest 1003): v0 IN a = test type, b = rounds; v1 OUT.
pub const PTA_INVOKE_TESTS_CMD_MUTEX: u32 = 7;
/// Lockdep algorithm test (xtest 1020).
pub const PTA_INVOKE_TESTS_CMD_LOCKDEP: u32 = 8;
/// AES performance test (benchmark suite).
pub const PTA_INVOKE_TEST_CMD_AES_PERF: u32 = 9;
/// NULL memref to a PTA (xtest 1025): m0 INOUT must be NULL/0.
pub const PTA_INVOKE_TESTS_CMD_MEMREF_NULL: u32 = 10;
/// DT driver self tests (xtest 1001).
pub const PTA_INVOKE_TESTS_CMD_DT_DRIVER_TESTS: u32 = 11;
/// Transfer-list self tests (xtest 1001 in newer optee_test; NOT_SUPPORTED is a skip).
pub const PTA_INVOKE_TESTS_CMD_TRANSFER_LIST_TESTS: u32 = 12;
/// `PTA_INVOKE_TESTS_CMD_MUTEX` v0.a: take the lock for writing.
pub const PTA_MUTEX_TEST_WRITER: u32 = 0;
/// `PTA_INVOKE_TESTS_CMD_MUTEX` v0.a: take the lock for reading.
pub const PTA_MUTEX_TEST_READER: u32 = 1;

// ---- sockets (`pta_socket.h`) ----
/// Socket PTA `3b996a7d-2c2b-4a49-a896-e1fb5766d2f4` (user TAs only; GP
/// TEE Sockets API over tee-supplicant, `OPTEE_RPC_CMD_SOCKET`).
pub const PTA_SOCKET_UUID: [u8; 16] = uuid_octets(
    0x3b99_6a7d,
    0x2c2b,
    0x4a49,
    [0xa8, 0x96, 0xe1, 0xfb, 0x57, 0x66, 0xd2, 0xf4],
);
/// v0 IN (ip version, port), m1 IN server address, v2 IN (protocol), v3 OUT (handle).
pub const PTA_SOCKET_OPEN: u32 = 1;
/// v0 IN (handle).
pub const PTA_SOCKET_CLOSE: u32 = 2;
/// v0 IN (handle, timeout ms), m1 IN data, v2 OUT (bytes sent).
pub const PTA_SOCKET_SEND: u32 = 3;
/// v0 IN (handle, timeout ms), m1 OUT data.
pub const PTA_SOCKET_RECV: u32 = 4;
/// v0 IN (handle, command), m1 INOUT data.
pub const PTA_SOCKET_IOCTL: u32 = 5;

// ---- system (`pta_system.h`) ----
/// System PTA `3a2f8978-5dc0-11e8-9c2d-fa7ae01bbebc` (user TAs only).
pub const PTA_SYSTEM_UUID: [u8; 16] = uuid_octets(
    0x3a2f_8978,
    0x5dc0,
    0x11e8,
    [0x9c, 0x2d, 0xfa, 0x7a, 0xe0, 0x1b, 0xbe, 0xbc],
);
/// m0 IN: entropy to mix into the RNG.
pub const PTA_SYSTEM_ADD_RNG_ENTROPY: u32 = 0;
/// m0 IN extra data, m1 OUT key.
pub const PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY: u32 = 1;
/// Map zero-initialized memory into the TA.
pub const PTA_SYSTEM_MAP_ZI: u32 = 2;
/// Unmap memory from the TA.
pub const PTA_SYSTEM_UNMAP: u32 = 3;
/// `PTA_SYSTEM_MAP_ZI` flag: the mapping may be passed to other TAs.
pub const PTA_SYSTEM_MAP_FLAG_SHAREABLE: u32 = 1 << 0;
/// Load a library TA (libdl `dlopen`).
pub const PTA_SYSTEM_DLOPEN: u32 = 10;
/// Resolve a symbol (libdl `dlsym`).
pub const PTA_SYSTEM_DLSYM: u32 = 11;
/// Read the TPM event log.
pub const PTA_SYSTEM_GET_TPM_EVENT_LOG: u32 = 12;
/// Invoke a tee-supplicant plugin.
pub const PTA_SYSTEM_SUPP_PLUGIN_INVOKE: u32 = 13;
/// Smallest key `PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY` derives (bytes).
pub const TA_DERIVED_KEY_MIN_SIZE: usize = 16;
/// Largest key `PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY` derives (bytes; `HUK_SUBKEY_MAX_LEN`).
pub const TA_DERIVED_KEY_MAX_SIZE: usize = 32;
/// Most extra data `PTA_SYSTEM_DERIVE_TA_UNIQUE_KEY` takes (bytes).
pub const TA_DERIVED_EXTRA_DATA_MAX_SIZE: usize = 1024;
/// `enum huk_subkey_usage` value of TA unique keys (`HUK_SUBKEY_UNIQUE_TA`).
pub const HUK_SUBKEY_UNIQUE_TA: u32 = 3;
/// `enum huk_subkey_usage` value of the die ID (`HUK_SUBKEY_DIE_ID`), the
/// default `tee_otp_get_die_id()`.
pub const HUK_SUBKEY_DIE_ID: u32 = 2;
/// Bytes of die ID behind `gpd.tee.deviceID` (`FVR_DIE_ID_NUM_REGS` × 4; 12 in
/// Debian's OP-TEE 4.5 for QEMU).
pub const DEVICE_ID_DIE_ID_LEN: usize = 12;
/// What `gpd.tee.deviceID` hashes before the die ID (`get_prop_tee_dev_id`).
pub const DEVICE_ID_PREFIX: &[u8; 5] = b"OPTEE";

// ---- stats (`pta_stats.h`) ----
/// Stats PTA `d96a5b40-e2c7-b1af-8794-1002a5d5c61b`.
pub const STATS_UUID: [u8; 16] = uuid_octets(
    0xd96a_5b40,
    0xe2c7,
    0xb1af,
    [0x87, 0x94, 0x10, 0x02, 0xa5, 0xd5, 0xc6, 0x1b],
);
/// v0..v2 OUT: pager statistics.
pub const STATS_CMD_PAGER_STATS: u32 = 0;
/// v0 IN a = pool id, b = reset; m1 OUT array of `pta_stats_alloc`.
pub const STATS_CMD_ALLOC_STATS: u32 = 1;
/// Print memory-leak info to the console; no params.
pub const STATS_CMD_MEMLEAK_STATS: u32 = 2;
/// m0 OUT array of `pta_stats_ta`.
pub const STATS_CMD_TA_STATS: u32 = 3;
/// v0 OUT REE time, v1 OUT TEE time (seconds, millis).
pub const STATS_CMD_GET_TIME: u32 = 4;
/// v0 IN a = driver type (0 clock, 1 regulator).
pub const STATS_CMD_PRINT_DRIVER_INFO: u32 = 5;
/// `STATS_CMD_ALLOC_STATS` pool id: every pool.
pub const ALLOC_ID_ALL: u32 = 0;
/// Pool id: core heap.
pub const ALLOC_ID_HEAP: u32 = 1;
/// Pool id: public DDR (deprecated).
pub const ALLOC_ID_PUBLIC_DDR: u32 = 2;
/// Pool id: TA RAM.
pub const ALLOC_ID_TA_RAM: u32 = 3;
/// Pool id: nexus heap.
pub const ALLOC_ID_NEXUS_HEAP: u32 = 4;
/// Pool id: RPMB secure storage.
pub const ALLOC_ID_RPMB: u32 = 5;
/// Number of pools reported for `ALLOC_ID_ALL`.
pub const STATS_NB_POOLS: u32 = 5;
/// Length of `pta_stats_alloc.desc`.
pub const TEE_ALLOCATOR_DESC_LENGTH: usize = 32;
/// Size of `struct pta_stats_alloc` (desc + 6 x u32).
pub const PTA_STATS_ALLOC_SIZE: usize = TEE_ALLOCATOR_DESC_LENGTH + 6 * 4;
/// `STATS_CMD_PRINT_DRIVER_INFO` type: clocks.
pub const STATS_DRIVER_TYPE_CLOCK: u32 = 0;
/// `STATS_CMD_PRINT_DRIVER_INFO` type: regulators.
pub const STATS_DRIVER_TYPE_REGULATOR: u32 = 1;
