//! Authenticated access to the RPMB partition: key derivation and
//! programming, the write counter, checked reads and writes. Every answer
//! is checked (MAC, nonce, message type, address, block count, counter,
//! result) before anything of it is used; any doubt fails the call and
//! makes the next write re-read the counter.

use supplicant_proto::rpmb::*;
use supplicant_proto::tee_error::TeeError;
use zeroize::Zeroizing;

use super::device::{DevInfo, RpmbDevice};
use super::frame::{sign, verify, Frame};
use crate::env::Entropy;
use crate::keys::hmac256;
use crate::TeeResult;

/// One RPMB block of data.
pub type Block = [u8; RPMB_DATA_SIZE];

/// The authentication key as OP-TEE 4.5 derives it with
/// `CFG_CORE_HUK_SUBKEY_COMPAT=y`: HMAC-SHA256(HUK, CID) with the CID's
/// product revision (byte 9) and CRC (byte 15) zeroed, so that a firmware
/// update of the eMMC keeps the key.
pub fn derive_key(huk: &[u8; 16], cid: &[u8; RPMB_EMMC_CID_SIZE]) -> Zeroizing<[u8; 32]> {
    let mut c = *cid;
    c[9] = 0;
    c[15] = 0;
    Zeroizing::new(hmac256(huk, &[&c]))
}

/// A session with the device: its key, geometry and write counter.
pub struct RpmbClient {
    key: Zeroizing<[u8; 32]>,
    /// Blocks of the partition.
    blocks: u32,
    /// Blocks one write request carries.
    write_blocks: usize,
    /// The write counter, when known.
    counter: Option<u32>,
}

fn result_error(result: u16) -> TeeError {
    if result & RPMB_RESULT_WR_CNT_EXPIRED != 0 {
        return TeeError::STORAGE_NO_SPACE;
    }
    match result & RPMB_RESULT_MASK {
        RPMB_RESULT_AUTH_FAILURE | RPMB_RESULT_COUNTER_FAILURE => TeeError::SECURITY,
        RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED => TeeError::ITEM_NOT_FOUND,
        _ => TeeError::GENERIC,
    }
}

impl RpmbClient {
    /// Opens the device: derives the key from `huk` and the CID, programs
    /// it when the device has none and `may_program_key` (the key then
    /// crosses the normal world in clear: test platforms only), and reads
    /// and authenticates the write counter. A device without a key answers
    /// `TEE_ERROR_ITEM_NOT_FOUND` when it may not be programmed.
    pub fn open(
        dev: &mut dyn RpmbDevice,
        rng: &mut dyn Entropy,
        huk: &[u8; 16],
        may_program_key: bool,
    ) -> TeeResult<Self> {
        let info: DevInfo = dev.dev_info()?;
        let blocks =
            u32::from(info.rpmb_size_mult) * (RPMB_SIZE_SINGLE / RPMB_DATA_SIZE as u64) as u32;
        if blocks == 0 || info.rel_wr_sec_c == 0 {
            return Err(TeeError::GENERIC);
        }
        let mut c = RpmbClient {
            key: derive_key(huk, &info.cid),
            blocks: blocks.min(u32::from(u16::MAX) + 1),
            // One block per write: atomic on every device, and the only
            // size on which devices agree about the counter (JEDEC adds 1
            // per write, tee-supplicant's emulation 1 per block).
            write_blocks: 1,
            counter: None,
        };
        match c.read_counter(dev, rng) {
            Err(TeeError::ITEM_NOT_FOUND) if may_program_key => {
                c.program_key(dev)?;
                c.read_counter(dev, rng)?;
            }
            r => {
                r?;
            }
        }
        Ok(c)
    }

    /// Blocks of the partition.
    pub fn blocks(&self) -> u32 {
        self.blocks
    }

    /// Blocks one write request may carry (atomically).
    pub fn max_write_blocks(&self) -> usize {
        self.write_blocks
    }

    fn program_key(&mut self, dev: &mut dyn RpmbDevice) -> TeeResult<()> {
        let mut f = Frame::request(RPMB_MSG_TYPE_REQ_AUTH_KEY_PROGRAM);
        f.key_mac.copy_from_slice(&self.key[..]);
        let req = Zeroizing::new([f.encode()]);
        let mut resp = [[0u8; RPMB_DATA_FRAME_SIZE]];
        dev.data_request(&req[..], &mut resp)?;
        // The key program response carries no MAC JEDEC asks us to check.
        let r = Frame::decode(&resp[0]);
        if r.msg_type != RPMB_MSG_TYPE_RESP_AUTH_KEY_PROGRAM {
            return Err(TeeError::GENERIC);
        }
        match r.result & RPMB_RESULT_MASK {
            RPMB_RESULT_OK => Ok(()),
            _ => Err(TeeError::GENERIC),
        }
    }

    fn nonce(rng: &mut dyn Entropy) -> TeeResult<[u8; RPMB_NONCE_SIZE]> {
        let mut n = [0u8; RPMB_NONCE_SIZE];
        rng.fill(&mut n)?;
        Ok(n)
    }

    fn read_counter(&mut self, dev: &mut dyn RpmbDevice, rng: &mut dyn Entropy) -> TeeResult<u32> {
        self.counter = None;
        let mut f = Frame::request(RPMB_MSG_TYPE_REQ_WRITE_COUNTER_VAL_READ);
        f.nonce = Self::nonce(rng)?;
        let mut resp = [[0u8; RPMB_DATA_FRAME_SIZE]];
        dev.data_request(&[f.encode()], &mut resp)?;
        let r = Frame::decode(&resp[0]);
        if r.msg_type != RPMB_MSG_TYPE_RESP_WRITE_COUNTER_VAL_READ {
            return Err(TeeError::GENERIC);
        }
        // A device without a key answers without a valid MAC.
        if r.result & RPMB_RESULT_MASK == RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED {
            return Err(TeeError::ITEM_NOT_FOUND);
        }
        if !verify(&self.key, &resp) || r.nonce != f.nonce {
            return Err(TeeError::SECURITY);
        }
        if r.result != RPMB_RESULT_OK {
            return Err(result_error(r.result));
        }
        self.counter = Some(r.write_counter);
        Ok(r.write_counter)
    }

    /// Reads block `addr`, authenticated by MAC and a fresh nonce.
    pub fn read_block(
        &mut self,
        dev: &mut dyn RpmbDevice,
        rng: &mut dyn Entropy,
        addr: u16,
    ) -> TeeResult<Block> {
        if u32::from(addr) >= self.blocks {
            return Err(TeeError::BAD_PARAMETERS);
        }
        let mut f = Frame::request(RPMB_MSG_TYPE_REQ_AUTH_DATA_READ);
        f.nonce = Self::nonce(rng)?;
        f.address = addr;
        f.block_count = 1;
        let mut resp = [[0u8; RPMB_DATA_FRAME_SIZE]];
        dev.data_request(&[f.encode()], &mut resp)?;
        let r = Frame::decode(&resp[0]);
        if r.msg_type != RPMB_MSG_TYPE_RESP_AUTH_DATA_READ
            || !verify(&self.key, &resp)
            || r.nonce != f.nonce
            || r.address != addr
        {
            return Err(TeeError::SECURITY);
        }
        if r.result != RPMB_RESULT_OK {
            return Err(result_error(r.result));
        }
        Ok(r.data)
    }

    /// Writes `data` at block `addr` in one reliable write (at most
    /// [`Self::max_write_blocks`] blocks): all or nothing.
    pub fn write_blocks(
        &mut self,
        dev: &mut dyn RpmbDevice,
        rng: &mut dyn Entropy,
        addr: u16,
        data: &[Block],
    ) -> TeeResult<()> {
        let n = data.len();
        if n == 0 || n > self.write_blocks || u32::from(addr) + n as u32 > self.blocks {
            return Err(TeeError::BAD_PARAMETERS);
        }
        let counter = match self.counter {
            Some(c) => c,
            None => self.read_counter(dev, rng)?,
        };
        // Whatever happens next, the counter must be read again unless the
        // device proves the write.
        self.counter = None;
        let mut req = alloc::vec::Vec::with_capacity(n);
        for d in data {
            let f = Frame {
                data: *d,
                write_counter: counter,
                address: addr,
                block_count: n as u16,
                msg_type: RPMB_MSG_TYPE_REQ_AUTH_DATA_WRITE,
                ..Frame::default()
            };
            req.push(f.encode());
        }
        sign(&self.key, &mut req);
        let mut resp = [[0u8; RPMB_DATA_FRAME_SIZE]];
        dev.data_request(&req, &mut resp)?;
        let r = Frame::decode(&resp[0]);
        if r.msg_type != RPMB_MSG_TYPE_RESP_AUTH_DATA_WRITE || !verify(&self.key, &resp) {
            return Err(TeeError::SECURITY);
        }
        if r.result != RPMB_RESULT_OK {
            return Err(result_error(r.result));
        }
        if r.address != addr || Some(r.write_counter) != counter.checked_add(1) {
            return Err(TeeError::SECURITY);
        }
        self.counter = Some(r.write_counter);
        Ok(())
    }
}
