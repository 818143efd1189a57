//! RPC commands the secure OS asks the normal world to perform
//! (OP-TEE `optee_rpc_cmd.h`; optee-abi.md §3).
//!
//! An RPC is an `optee_msg_arg` whose `cmd` is one of `OPTEE_RPC_CMD_*`,
//! carried by `OPTEE_SMC_RETURN_RPC_CMD` (see `optee_smc`).

/// `OPTEE_RPC_CMD_LOAD_TA`: v[0] = TA UUID octets, m[1] OUT = TA image.
pub const OPTEE_RPC_CMD_LOAD_TA: u32 = 0;
/// `OPTEE_RPC_CMD_RPMB`: m[0] IN request frames, m[1] OUT response frames.
pub const OPTEE_RPC_CMD_RPMB: u32 = 1;
/// `OPTEE_RPC_CMD_FS`: REE file system, v[0].a = `OPTEE_RPC_FS_*`.
pub const OPTEE_RPC_CMD_FS: u32 = 2;
/// `OPTEE_RPC_CMD_GET_TIME`: v[0] OUT a = seconds, b = nanoseconds.
pub const OPTEE_RPC_CMD_GET_TIME: u32 = 3;
/// `OPTEE_RPC_CMD_NOTIFICATION` (formerly `WAIT_QUEUE`).
pub const OPTEE_RPC_CMD_NOTIFICATION: u32 = 4;
/// `OPTEE_RPC_CMD_SUSPEND`: v[0].a = milliseconds.
pub const OPTEE_RPC_CMD_SUSPEND: u32 = 5;
/// `OPTEE_RPC_CMD_SHM_ALLOC`: v[0] a = type, b = size, c = alignment.
pub const OPTEE_RPC_CMD_SHM_ALLOC: u32 = 6;
/// `OPTEE_RPC_CMD_SHM_FREE`: v[0] a = type, b = cookie.
pub const OPTEE_RPC_CMD_SHM_FREE: u32 = 7;
/// `OPTEE_RPC_CMD_SQL_FS_RESERVED` (obsolete).
pub const OPTEE_RPC_CMD_SQL_FS_RESERVED: u32 = 8;
/// `OPTEE_RPC_CMD_GPROF`.
pub const OPTEE_RPC_CMD_GPROF: u32 = 9;
/// `OPTEE_RPC_CMD_SOCKET`: v[0].a = `OPTEE_RPC_SOCKET_*`, v[0].b = instance id.
pub const OPTEE_RPC_CMD_SOCKET: u32 = 10;
/// `OPTEE_RPC_CMD_FTRACE`.
pub const OPTEE_RPC_CMD_FTRACE: u32 = 11;
/// `OPTEE_RPC_CMD_SUPP_PLUGIN`.
pub const OPTEE_RPC_CMD_SUPP_PLUGIN: u32 = 12;
/// `OPTEE_RPC_CMD_BENCH_REG`.
pub const OPTEE_RPC_CMD_BENCH_REG: u32 = 20;
/// `OPTEE_RPC_CMD_I2C_TRANSFER`.
pub const OPTEE_RPC_CMD_I2C_TRANSFER: u32 = 21;
/// `OPTEE_RPC_CMD_RPMB_PROBE_RESET`.
pub const OPTEE_RPC_CMD_RPMB_PROBE_RESET: u32 = 22;
/// `OPTEE_RPC_CMD_RPMB_PROBE_NEXT`.
pub const OPTEE_RPC_CMD_RPMB_PROBE_NEXT: u32 = 23;
/// `OPTEE_RPC_CMD_RPMB_FRAMES`.
pub const OPTEE_RPC_CMD_RPMB_FRAMES: u32 = 24;

/// `OPTEE_RPC_NOTIFICATION_WAIT` (v[0].a of `NOTIFICATION`).
pub const OPTEE_RPC_NOTIFICATION_WAIT: u32 = 0;
/// `OPTEE_RPC_NOTIFICATION_SEND`.
pub const OPTEE_RPC_NOTIFICATION_SEND: u32 = 1;

/// `OPTEE_RPC_SHM_TYPE_APPL`: memory visible to tee-supplicant.
pub const OPTEE_RPC_SHM_TYPE_APPL: u32 = 0;
/// `OPTEE_RPC_SHM_TYPE_KERNEL`: memory private to the normal-world kernel.
pub const OPTEE_RPC_SHM_TYPE_KERNEL: u32 = 1;
/// `OPTEE_RPC_SHM_TYPE_GLOBAL`: kernel memory exported to user space.
pub const OPTEE_RPC_SHM_TYPE_GLOBAL: u32 = 2;

/// `OPTEE_RPC_FS_OPEN`.
pub const OPTEE_RPC_FS_OPEN: u32 = 0;
/// `OPTEE_RPC_FS_CREATE`.
pub const OPTEE_RPC_FS_CREATE: u32 = 1;
/// `OPTEE_RPC_FS_CLOSE`.
pub const OPTEE_RPC_FS_CLOSE: u32 = 2;
/// `OPTEE_RPC_FS_READ`.
pub const OPTEE_RPC_FS_READ: u32 = 3;
/// `OPTEE_RPC_FS_WRITE`.
pub const OPTEE_RPC_FS_WRITE: u32 = 4;
/// `OPTEE_RPC_FS_TRUNCATE`.
pub const OPTEE_RPC_FS_TRUNCATE: u32 = 5;
/// `OPTEE_RPC_FS_REMOVE`.
pub const OPTEE_RPC_FS_REMOVE: u32 = 6;
/// `OPTEE_RPC_FS_RENAME`.
pub const OPTEE_RPC_FS_RENAME: u32 = 7;
/// `OPTEE_RPC_FS_OPENDIR`.
pub const OPTEE_RPC_FS_OPENDIR: u32 = 8;
/// `OPTEE_RPC_FS_CLOSEDIR`.
pub const OPTEE_RPC_FS_CLOSEDIR: u32 = 9;
/// `OPTEE_RPC_FS_READDIR`.
pub const OPTEE_RPC_FS_READDIR: u32 = 10;
/// `TEE_FS_NAME_MAX`: fixed size of the file-name memref in FS RPCs.
pub const TEE_FS_NAME_MAX: usize = 350;

/// `OPTEE_RPC_SOCKET_OPEN`.
pub const OPTEE_RPC_SOCKET_OPEN: u32 = 0;
/// `OPTEE_RPC_SOCKET_CLOSE`.
pub const OPTEE_RPC_SOCKET_CLOSE: u32 = 1;
/// `OPTEE_RPC_SOCKET_CLOSE_ALL`.
pub const OPTEE_RPC_SOCKET_CLOSE_ALL: u32 = 2;
/// `OPTEE_RPC_SOCKET_SEND`.
pub const OPTEE_RPC_SOCKET_SEND: u32 = 3;
/// `OPTEE_RPC_SOCKET_RECV`.
pub const OPTEE_RPC_SOCKET_RECV: u32 = 4;
/// `OPTEE_RPC_SOCKET_IOCTL`.
pub const OPTEE_RPC_SOCKET_IOCTL: u32 = 5;
/// `OPTEE_RPC_SOCKET_TIMEOUT_NONBLOCKING`.
pub const OPTEE_RPC_SOCKET_TIMEOUT_NONBLOCKING: u32 = 0;
/// `OPTEE_RPC_SOCKET_TIMEOUT_BLOCKING`.
pub const OPTEE_RPC_SOCKET_TIMEOUT_BLOCKING: u32 = 0xFFFF_FFFF;

/// `OPTEE_RPC_SUPP_PLUGIN_INVOKE` (v[0].a of `SUPP_PLUGIN`).
pub const OPTEE_RPC_SUPP_PLUGIN_INVOKE: u32 = 0;

/// `OPTEE_RPC_I2C_TRANSFER_RD`.
pub const OPTEE_RPC_I2C_TRANSFER_RD: u32 = 0;
/// `OPTEE_RPC_I2C_TRANSFER_WR`.
pub const OPTEE_RPC_I2C_TRANSFER_WR: u32 = 1;
/// `OPTEE_RPC_I2C_FLAGS_TEN_BIT`.
pub const OPTEE_RPC_I2C_FLAGS_TEN_BIT: u32 = 1 << 0;

/// `OPTEE_RPC_RPMB_EMMC` (device type from `RPMB_PROBE_NEXT`).
pub const OPTEE_RPC_RPMB_EMMC: u32 = 0;
/// `OPTEE_RPC_RPMB_UFS`.
pub const OPTEE_RPC_RPMB_UFS: u32 = 1;
/// `OPTEE_RPC_RPMB_NVME`.
pub const OPTEE_RPC_RPMB_NVME: u32 = 2;

/// Params of an RPC arg (`THREAD_RPC_MAX_NUM_PARAMS`).
pub const OPTEE_RPC_MAX_NUM_PARAMS: u32 = 4;
