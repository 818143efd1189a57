//! What the RPMB client needs from the normal world: a way to send frames
//! and to ask for the device's identity. Everything that comes back is
//! untrusted.

use supplicant_proto::rpmb::RPMB_EMMC_CID_SIZE;

use super::frame::RawFrame;
use crate::TeeResult;

/// The device's identity and geometry (`struct rpmb_dev_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevInfo {
    /// eMMC CID (keys the authentication key).
    pub cid: [u8; RPMB_EMMC_CID_SIZE],
    /// RPMB size in 128 KiB units (EXT_CSD[168]).
    pub rpmb_size_mult: u8,
    /// Reliable write sector count (EXT_CSD[222]), 512-byte sectors.
    pub rel_wr_sec_c: u8,
}

/// An RPMB partition reached through the normal world (tee-supplicant's
/// legacy `OPTEE_RPC_CMD_RPMB`, or a model in tests).
pub trait RpmbDevice {
    /// The device's identity and geometry.
    fn dev_info(&mut self) -> TeeResult<DevInfo>;
    /// Sends request frames (all of one message type) and fills `resp`
    /// with the device's response frames. A write or key program gets one
    /// response: the result the device reports after it.
    fn data_request(&mut self, req: &[RawFrame], resp: &mut [RawFrame]) -> TeeResult<()>;
}
