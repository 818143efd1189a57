//! RPMB: the 512-byte data frame of JEDEC eMMC and the legacy
//! `OPTEE_RPC_CMD_RPMB` request tee-supplicant serves (names as OP-TEE's
//! `tee_rpmb_fs.c` and optee_client's `rpmb.c`).

/// Bytes in one RPMB data frame.
pub const RPMB_DATA_FRAME_SIZE: usize = 512;
/// Data bytes in one RPMB block (half a sector).
pub const RPMB_DATA_SIZE: usize = 256;
/// Stuff bytes at the start of a frame.
pub const RPMB_STUFF_DATA_SIZE: usize = 196;
/// Key / MAC bytes.
pub const RPMB_KEY_MAC_SIZE: usize = 32;
/// Nonce bytes.
pub const RPMB_NONCE_SIZE: usize = 16;
/// Offset of the MAC'd part of a frame (data to the end).
pub const RPMB_MAC_PROTECT_OFFSET: usize = RPMB_STUFF_DATA_SIZE + RPMB_KEY_MAC_SIZE;
/// Size of an eMMC CID.
pub const RPMB_EMMC_CID_SIZE: usize = 16;

/// Request: program the authentication key.
pub const RPMB_MSG_TYPE_REQ_AUTH_KEY_PROGRAM: u16 = 0x0001;
/// Request: read the write counter.
pub const RPMB_MSG_TYPE_REQ_WRITE_COUNTER_VAL_READ: u16 = 0x0002;
/// Request: authenticated data write.
pub const RPMB_MSG_TYPE_REQ_AUTH_DATA_WRITE: u16 = 0x0003;
/// Request: authenticated data read.
pub const RPMB_MSG_TYPE_REQ_AUTH_DATA_READ: u16 = 0x0004;
/// Request: read the result of the last write.
pub const RPMB_MSG_TYPE_REQ_RESULT_READ: u16 = 0x0005;
/// Response to a key program.
pub const RPMB_MSG_TYPE_RESP_AUTH_KEY_PROGRAM: u16 = 0x0100;
/// Response to a counter read.
pub const RPMB_MSG_TYPE_RESP_WRITE_COUNTER_VAL_READ: u16 = 0x0200;
/// Response to a data write.
pub const RPMB_MSG_TYPE_RESP_AUTH_DATA_WRITE: u16 = 0x0300;
/// Response to a data read.
pub const RPMB_MSG_TYPE_RESP_AUTH_DATA_READ: u16 = 0x0400;

/// Operation result: success.
pub const RPMB_RESULT_OK: u16 = 0x00;
/// General failure.
pub const RPMB_RESULT_GENERAL_FAILURE: u16 = 0x01;
/// Authentication (MAC) failure.
pub const RPMB_RESULT_AUTH_FAILURE: u16 = 0x02;
/// Write counter mismatch.
pub const RPMB_RESULT_COUNTER_FAILURE: u16 = 0x03;
/// Address out of range or misaligned.
pub const RPMB_RESULT_ADDRESS_FAILURE: u16 = 0x04;
/// Write failure.
pub const RPMB_RESULT_WRITE_FAILURE: u16 = 0x05;
/// Read failure.
pub const RPMB_RESULT_READ_FAILURE: u16 = 0x06;
/// The authentication key is not programmed yet.
pub const RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED: u16 = 0x07;
/// Mask of the result code proper.
pub const RPMB_RESULT_MASK: u16 = 0x3F;
/// Flag: the write counter has expired.
pub const RPMB_RESULT_WR_CNT_EXPIRED: u16 = 0x80;

/// `rpmb_req.cmd`: frames to the device.
pub const RPMB_CMD_DATA_REQ: u16 = 0x00;
/// `rpmb_req.cmd`: device information.
pub const RPMB_CMD_GET_DEV_INFO: u16 = 0x01;
/// Size of `struct rpmb_req {u16 cmd; u16 dev_id; u16 block_count}`
/// (frames follow it).
pub const RPMB_REQ_SIZE: usize = 6;
/// Size of `struct rpmb_dev_info {u8 cid[16]; u8 rpmb_size_mult; u8
/// rel_wr_sec_c; u8 ret_code}`.
pub const RPMB_DEV_INFO_SIZE: usize = RPMB_EMMC_CID_SIZE + 3;
/// `rpmb_dev_info.ret_code`: OK.
pub const RPMB_CMD_GET_DEV_INFO_RET_OK: u8 = 0x00;
/// `rpmb_dev_info.ret_code`: error.
pub const RPMB_CMD_GET_DEV_INFO_RET_ERROR: u8 = 0x01;
/// Bytes of RPMB per `rpmb_size_mult` (EXT_CSD[168] unit).
pub const RPMB_SIZE_SINGLE: u64 = 128 * 1024;
