//! OP-TEE SMC interface between the normal world and the secure OS
//! (OP-TEE `optee_smc.h`; optee-abi.md §1).
//!
//! All OP-TEE SMCs are SMC32: only the low 32 bits of each register carry
//! information; 64-bit values are split into an upper and a lower register.

// ---------------------------------------------------------------------------
// Function-ID encoding
// ---------------------------------------------------------------------------

/// `OPTEE_SMC_STD_CALL_VAL(func_num)` base: yielding ("standard") SMC32 call, owner Trusted OS.
pub const OPTEE_SMC_STD_CALL_BASE: u32 = 0x3200_0000;
/// `OPTEE_SMC_FAST_CALL_VAL(func_num)` base: fast SMC32 call, owner Trusted OS.
pub const OPTEE_SMC_FAST_CALL_BASE: u32 = 0xB200_0000;
/// Bit 31 of a function ID: set for fast calls.
pub const OPTEE_SMC_FAST_CALL: u32 = 0x8000_0000;
/// Bit 30 of a function ID: set for SMC64 calls (never used by OP-TEE).
pub const OPTEE_SMC_64: u32 = 0x4000_0000;
/// `OPTEE_SMC_OWNER_TRUSTED_OS` (OEN 50).
pub const OPTEE_SMC_OWNER_TRUSTED_OS: u32 = 50;
/// `OPTEE_SMC_OWNER_TRUSTED_OS_API` (OEN 63).
pub const OPTEE_SMC_OWNER_TRUSTED_OS_API: u32 = 63;
/// Shift of the owner (OEN) field in a function ID.
pub const OPTEE_SMC_OWNER_SHIFT: u32 = 24;
/// Mask of the owner field after shifting.
pub const OPTEE_SMC_OWNER_MASK: u32 = 0x3F;
/// Mask of the function-number field.
pub const OPTEE_SMC_FUNC_MASK: u32 = 0xFFFF;

/// `OPTEE_SMC_STD_CALL_VAL`: yielding call ID for Trusted-OS function `n`.
pub const fn optee_smc_std_call_val(n: u32) -> u32 {
    OPTEE_SMC_STD_CALL_BASE | (n & OPTEE_SMC_FUNC_MASK)
}

/// `OPTEE_SMC_FAST_CALL_VAL`: fast call ID for Trusted-OS function `n`.
pub const fn optee_smc_fast_call_val(n: u32) -> u32 {
    OPTEE_SMC_FAST_CALL_BASE | (n & OPTEE_SMC_FUNC_MASK)
}

/// True if `id` is a fast call (bit 31).
pub const fn optee_smc_is_fast_call(id: u32) -> bool {
    id & OPTEE_SMC_FAST_CALL != 0
}

/// The owner (OEN) field of a function ID.
pub const fn optee_smc_owner(id: u32) -> u32 {
    (id >> OPTEE_SMC_OWNER_SHIFT) & OPTEE_SMC_OWNER_MASK
}

// ---------------------------------------------------------------------------
// Function numbers (`OPTEE_SMC_FUNCID_*`)
// ---------------------------------------------------------------------------

/// `OPTEE_SMC_FUNCID_CALLS_COUNT`.
pub const OPTEE_SMC_FUNCID_CALLS_COUNT: u32 = 0xFF00;
/// `OPTEE_SMC_FUNCID_CALLS_UID`.
pub const OPTEE_SMC_FUNCID_CALLS_UID: u32 = 0xFF01;
/// `OPTEE_SMC_FUNCID_CALLS_REVISION`.
pub const OPTEE_SMC_FUNCID_CALLS_REVISION: u32 = 0xFF03;
/// `OPTEE_SMC_FUNCID_GET_OS_UUID`.
pub const OPTEE_SMC_FUNCID_GET_OS_UUID: u32 = 0;
/// `OPTEE_SMC_FUNCID_GET_OS_REVISION`.
pub const OPTEE_SMC_FUNCID_GET_OS_REVISION: u32 = 1;
/// `OPTEE_SMC_FUNCID_RETURN_FROM_RPC`.
pub const OPTEE_SMC_FUNCID_RETURN_FROM_RPC: u32 = 3;
/// `OPTEE_SMC_FUNCID_CALL_WITH_ARG` (also `OPTEE_MSG_FUNCID_CALL_WITH_ARG`).
pub const OPTEE_SMC_FUNCID_CALL_WITH_ARG: u32 = 4;
/// `OPTEE_SMC_FUNCID_GET_SHM_CONFIG`.
pub const OPTEE_SMC_FUNCID_GET_SHM_CONFIG: u32 = 7;
/// `OPTEE_SMC_FUNCID_L2CC_MUTEX`.
pub const OPTEE_SMC_FUNCID_L2CC_MUTEX: u32 = 8;
/// `OPTEE_SMC_FUNCID_EXCHANGE_CAPABILITIES`.
pub const OPTEE_SMC_FUNCID_EXCHANGE_CAPABILITIES: u32 = 9;
/// `OPTEE_SMC_FUNCID_DISABLE_SHM_CACHE`.
pub const OPTEE_SMC_FUNCID_DISABLE_SHM_CACHE: u32 = 10;
/// `OPTEE_SMC_FUNCID_ENABLE_SHM_CACHE`.
pub const OPTEE_SMC_FUNCID_ENABLE_SHM_CACHE: u32 = 11;
/// `OPTEE_SMC_FUNCID_BOOT_SECONDARY`.
pub const OPTEE_SMC_FUNCID_BOOT_SECONDARY: u32 = 12;
/// `OPTEE_SMC_FUNCID_VM_CREATED`.
pub const OPTEE_SMC_FUNCID_VM_CREATED: u32 = 13;
/// `OPTEE_SMC_FUNCID_VM_DESTROYED`.
pub const OPTEE_SMC_FUNCID_VM_DESTROYED: u32 = 14;
/// `OPTEE_SMC_FUNCID_GET_THREAD_COUNT`.
pub const OPTEE_SMC_FUNCID_GET_THREAD_COUNT: u32 = 15;
/// `OPTEE_SMC_FUNCID_ENABLE_ASYNC_NOTIF`.
pub const OPTEE_SMC_FUNCID_ENABLE_ASYNC_NOTIF: u32 = 16;
/// `OPTEE_SMC_FUNCID_GET_ASYNC_NOTIF_VALUE`.
pub const OPTEE_SMC_FUNCID_GET_ASYNC_NOTIF_VALUE: u32 = 17;
/// `OPTEE_SMC_FUNCID_CALL_WITH_RPC_ARG`.
pub const OPTEE_SMC_FUNCID_CALL_WITH_RPC_ARG: u32 = 18;
/// `OPTEE_SMC_FUNCID_CALL_WITH_REGD_ARG`.
pub const OPTEE_SMC_FUNCID_CALL_WITH_REGD_ARG: u32 = 19;

// ---------------------------------------------------------------------------
// Full function IDs
// ---------------------------------------------------------------------------

/// `OPTEE_SMC_CALLS_COUNT`: a0 = number of calls.
pub const OPTEE_SMC_CALLS_COUNT: u32 = 0xBF00_FF00;
/// `OPTEE_SMC_CALLS_UID`: a0..a3 = API UID words.
pub const OPTEE_SMC_CALLS_UID: u32 = 0xBF00_FF01;
/// `OPTEE_SMC_CALLS_REVISION`: a0 = major, a1 = minor.
pub const OPTEE_SMC_CALLS_REVISION: u32 = 0xBF00_FF03;
/// `OPTEE_SMC_CALL_GET_OS_UUID`: a0..a3 = OS UUID words.
pub const OPTEE_SMC_CALL_GET_OS_UUID: u32 = 0xB200_0000;
/// `OPTEE_SMC_CALL_GET_OS_REVISION`: a0 = major, a1 = minor, a2 = build id.
pub const OPTEE_SMC_CALL_GET_OS_REVISION: u32 = 0xB200_0001;
/// `OPTEE_SMC_CALL_RETURN_FROM_RPC` (yielding): resume a thread suspended in an RPC.
pub const OPTEE_SMC_CALL_RETURN_FROM_RPC: u32 = 0x3200_0003;
/// `OPTEE_SMC_CALL_WITH_ARG` (yielding): a1/a2 = PA of `optee_msg_arg`.
pub const OPTEE_SMC_CALL_WITH_ARG: u32 = 0x3200_0004;
/// `OPTEE_SMC_GET_SHM_CONFIG`: a1 = PA, a2 = size, a3 = cache attributes.
pub const OPTEE_SMC_GET_SHM_CONFIG: u32 = 0xB200_0007;
/// `OPTEE_SMC_L2CC_MUTEX` (AArch32 only).
pub const OPTEE_SMC_L2CC_MUTEX: u32 = 0xB200_0008;
/// `OPTEE_SMC_EXCHANGE_CAPABILITIES`: a1 in = NW caps; out a1 = SW caps,
/// a2 = max async notification value, a3 = RPC param count.
pub const OPTEE_SMC_EXCHANGE_CAPABILITIES: u32 = 0xB200_0009;
/// `OPTEE_SMC_DISABLE_SHM_CACHE`.
pub const OPTEE_SMC_DISABLE_SHM_CACHE: u32 = 0xB200_000A;
/// `OPTEE_SMC_ENABLE_SHM_CACHE`.
pub const OPTEE_SMC_ENABLE_SHM_CACHE: u32 = 0xB200_000B;
/// `OPTEE_SMC_BOOT_SECONDARY`.
pub const OPTEE_SMC_BOOT_SECONDARY: u32 = 0xB200_000C;
/// `OPTEE_SMC_VM_CREATED`.
pub const OPTEE_SMC_VM_CREATED: u32 = 0xB200_000D;
/// `OPTEE_SMC_VM_DESTROYED`.
pub const OPTEE_SMC_VM_DESTROYED: u32 = 0xB200_000E;
/// `OPTEE_SMC_GET_THREAD_COUNT`: a1 = number of secure threads.
pub const OPTEE_SMC_GET_THREAD_COUNT: u32 = 0xB200_000F;
/// `OPTEE_SMC_ENABLE_ASYNC_NOTIF`.
pub const OPTEE_SMC_ENABLE_ASYNC_NOTIF: u32 = 0xB200_0010;
/// `OPTEE_SMC_GET_ASYNC_NOTIF_VALUE`: a1 = value, a2 = flags.
pub const OPTEE_SMC_GET_ASYNC_NOTIF_VALUE: u32 = 0xB200_0011;
/// `OPTEE_SMC_CALL_WITH_RPC_ARG` (yielding): like `CALL_WITH_ARG`, an RPC
/// arg for 4 params follows the call's own arg.
pub const OPTEE_SMC_CALL_WITH_RPC_ARG: u32 = 0x3200_0012;
/// `OPTEE_SMC_CALL_WITH_REGD_ARG` (yielding): a1/a2 = cookie of registered
/// SHM, a3 = offset of the arg inside it.
pub const OPTEE_SMC_CALL_WITH_REGD_ARG: u32 = 0x3200_0013;

// ---------------------------------------------------------------------------
// Return codes (a0)
// ---------------------------------------------------------------------------

/// `OPTEE_SMC_RETURN_OK`.
pub const OPTEE_SMC_RETURN_OK: u32 = 0x0;
/// `OPTEE_SMC_RETURN_ETHREAD_LIMIT`: no free secure thread, retry later.
pub const OPTEE_SMC_RETURN_ETHREAD_LIMIT: u32 = 0x1;
/// `OPTEE_SMC_RETURN_EBUSY`.
pub const OPTEE_SMC_RETURN_EBUSY: u32 = 0x2;
/// `OPTEE_SMC_RETURN_ERESUME`: bad resume information.
pub const OPTEE_SMC_RETURN_ERESUME: u32 = 0x3;
/// `OPTEE_SMC_RETURN_EBADADDR`: bad argument address or cookie.
pub const OPTEE_SMC_RETURN_EBADADDR: u32 = 0x4;
/// `OPTEE_SMC_RETURN_EBADCMD`: bad `cmd` in the message.
pub const OPTEE_SMC_RETURN_EBADCMD: u32 = 0x5;
/// `OPTEE_SMC_RETURN_ENOMEM`.
pub const OPTEE_SMC_RETURN_ENOMEM: u32 = 0x6;
/// `OPTEE_SMC_RETURN_ENOTAVAIL`.
pub const OPTEE_SMC_RETURN_ENOTAVAIL: u32 = 0x7;
/// `OPTEE_SMC_RETURN_UNKNOWN_FUNCTION`.
pub const OPTEE_SMC_RETURN_UNKNOWN_FUNCTION: u32 = 0xFFFF_FFFF;

// ---------------------------------------------------------------------------
// RPC returns (secure world -> normal world during a yielding call)
// ---------------------------------------------------------------------------

/// `OPTEE_SMC_RETURN_RPC_PREFIX_MASK`.
pub const OPTEE_SMC_RETURN_RPC_PREFIX_MASK: u32 = 0xFFFF_0000;
/// `OPTEE_SMC_RETURN_RPC_PREFIX`.
pub const OPTEE_SMC_RETURN_RPC_PREFIX: u32 = 0xFFFF_0000;
/// `OPTEE_SMC_RPC_FUNC_ALLOC`: allocate an RPC argument buffer.
pub const OPTEE_SMC_RPC_FUNC_ALLOC: u32 = 0;
/// `OPTEE_SMC_RPC_FUNC_FREE`: free a buffer from `ALLOC`.
pub const OPTEE_SMC_RPC_FUNC_FREE: u32 = 2;
/// `OPTEE_SMC_RPC_FUNC_FOREIGN_INTR`: let the normal world take an interrupt.
pub const OPTEE_SMC_RPC_FUNC_FOREIGN_INTR: u32 = 4;
/// `OPTEE_SMC_RPC_FUNC_CMD`: perform the `OPTEE_RPC_CMD_*` in the RPC arg.
pub const OPTEE_SMC_RPC_FUNC_CMD: u32 = 5;

/// `OPTEE_SMC_RPC_VAL(func)`: the a0 value of an RPC return.
pub const fn optee_smc_rpc_val(func: u32) -> u32 {
    OPTEE_SMC_RETURN_RPC_PREFIX | (func & 0xFFFF)
}

/// `OPTEE_SMC_RETURN_IS_RPC(ret)`.
pub const fn optee_smc_return_is_rpc(ret: u32) -> bool {
    ret != OPTEE_SMC_RETURN_UNKNOWN_FUNCTION
        && (ret & OPTEE_SMC_RETURN_RPC_PREFIX_MASK) == OPTEE_SMC_RETURN_RPC_PREFIX
}

/// `OPTEE_SMC_RETURN_GET_RPC_FUNC(ret)`.
pub const fn optee_smc_return_get_rpc_func(ret: u32) -> u32 {
    ret & !OPTEE_SMC_RETURN_RPC_PREFIX_MASK
}

/// `OPTEE_SMC_RETURN_RPC_ALLOC`.
pub const OPTEE_SMC_RETURN_RPC_ALLOC: u32 = 0xFFFF_0000;
/// `OPTEE_SMC_RETURN_RPC_FREE`.
pub const OPTEE_SMC_RETURN_RPC_FREE: u32 = 0xFFFF_0002;
/// `OPTEE_SMC_RETURN_RPC_FOREIGN_INTR`.
pub const OPTEE_SMC_RETURN_RPC_FOREIGN_INTR: u32 = 0xFFFF_0004;
/// `OPTEE_SMC_RETURN_RPC_CMD`.
pub const OPTEE_SMC_RETURN_RPC_CMD: u32 = 0xFFFF_0005;

// ---------------------------------------------------------------------------
// Cache attributes, capabilities, async notification
// ---------------------------------------------------------------------------

/// `OPTEE_SMC_SHM_NONCACHED`.
pub const OPTEE_SMC_SHM_NONCACHED: u32 = 0;
/// `OPTEE_SMC_SHM_CACHED` (the only value Linux accepts from `GET_SHM_CONFIG`).
pub const OPTEE_SMC_SHM_CACHED: u32 = 1;

/// `OPTEE_SMC_NSEC_CAP_UNIPROCESSOR`: normal world is uniprocessor.
pub const OPTEE_SMC_NSEC_CAP_UNIPROCESSOR: u32 = 1 << 0;

/// `OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM`.
pub const OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM: u32 = 1 << 0;
/// `OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM`.
pub const OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM: u32 = 1 << 1;
/// `OPTEE_SMC_SEC_CAP_DYNAMIC_SHM`.
pub const OPTEE_SMC_SEC_CAP_DYNAMIC_SHM: u32 = 1 << 2;
/// `OPTEE_SMC_SEC_CAP_VIRTUALIZATION`.
pub const OPTEE_SMC_SEC_CAP_VIRTUALIZATION: u32 = 1 << 3;
/// `OPTEE_SMC_SEC_CAP_MEMREF_NULL`.
pub const OPTEE_SMC_SEC_CAP_MEMREF_NULL: u32 = 1 << 4;
/// `OPTEE_SMC_SEC_CAP_ASYNC_NOTIF`.
pub const OPTEE_SMC_SEC_CAP_ASYNC_NOTIF: u32 = 1 << 5;
/// `OPTEE_SMC_SEC_CAP_RPC_ARG`.
pub const OPTEE_SMC_SEC_CAP_RPC_ARG: u32 = 1 << 6;
/// `OPTEE_SMC_SEC_CAP_RPMB_PROBE`.
pub const OPTEE_SMC_SEC_CAP_RPMB_PROBE: u32 = 1 << 7;

/// `OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID` (a2 bit 0 of `GET_ASYNC_NOTIF_VALUE`).
pub const OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID: u32 = 1 << 0;
/// `OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING` (a2 bit 1).
pub const OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING: u32 = 1 << 1;
/// `OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF`: the NW must issue
/// `OPTEE_MSG_CMD_DO_BOTTOM_HALF`.
pub const OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF: u32 = 0;

// ---------------------------------------------------------------------------
// OS revision and RPC arg size (UIDs: see `optee_msg`)
// ---------------------------------------------------------------------------

/// `CFG_OPTEE_REVISION_MAJOR` of the OP-TEE release we mimic (4.5).
pub const CFG_OPTEE_REVISION_MAJOR: u32 = 4;
/// `CFG_OPTEE_REVISION_MINOR` of the OP-TEE release we mimic (4.5).
pub const CFG_OPTEE_REVISION_MINOR: u32 = 5;
/// Number of RPC params reserved after the arg with `SEC_CAP_RPC_ARG`
/// (`THREAD_RPC_MAX_NUM_PARAMS`).
pub const THREAD_RPC_MAX_NUM_PARAMS: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_encoding() {
        assert_eq!(
            optee_smc_std_call_val(OPTEE_SMC_FUNCID_CALL_WITH_REGD_ARG),
            OPTEE_SMC_CALL_WITH_REGD_ARG
        );
        assert_eq!(
            optee_smc_std_call_val(OPTEE_SMC_FUNCID_RETURN_FROM_RPC),
            OPTEE_SMC_CALL_RETURN_FROM_RPC
        );
        assert_eq!(
            optee_smc_fast_call_val(OPTEE_SMC_FUNCID_GET_THREAD_COUNT),
            OPTEE_SMC_GET_THREAD_COUNT
        );
        assert_eq!(
            optee_smc_owner(OPTEE_SMC_CALLS_UID),
            OPTEE_SMC_OWNER_TRUSTED_OS_API
        );
        assert_eq!(
            optee_smc_owner(OPTEE_SMC_CALL_WITH_ARG),
            OPTEE_SMC_OWNER_TRUSTED_OS
        );
        assert!(optee_smc_is_fast_call(OPTEE_SMC_EXCHANGE_CAPABILITIES));
        assert!(!optee_smc_is_fast_call(OPTEE_SMC_CALL_WITH_RPC_ARG));
    }

    #[test]
    fn rpc_returns() {
        assert_eq!(
            optee_smc_rpc_val(OPTEE_SMC_RPC_FUNC_CMD),
            OPTEE_SMC_RETURN_RPC_CMD
        );
        assert_eq!(
            optee_smc_rpc_val(OPTEE_SMC_RPC_FUNC_FOREIGN_INTR),
            OPTEE_SMC_RETURN_RPC_FOREIGN_INTR
        );
        assert!(optee_smc_return_is_rpc(OPTEE_SMC_RETURN_RPC_ALLOC));
        assert!(!optee_smc_return_is_rpc(OPTEE_SMC_RETURN_UNKNOWN_FUNCTION));
        assert!(!optee_smc_return_is_rpc(OPTEE_SMC_RETURN_EBADCMD));
        assert_eq!(
            optee_smc_return_get_rpc_func(OPTEE_SMC_RETURN_RPC_FREE),
            OPTEE_SMC_RPC_FUNC_FREE
        );
    }
}
