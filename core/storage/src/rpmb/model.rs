//! An in-memory RPMB partition that behaves as JEDEC describes (one-time
//! key, write counter, MAC checks, result codes, reliable writes all or
//! nothing), with knobs to make it hostile or to cut the power.

use alloc::vec;
use alloc::vec::Vec;

use supplicant_proto::rpmb::*;
use supplicant_proto::tee_error::TeeError;

use super::device::{DevInfo, RpmbDevice};
use super::frame::{sign, verify, Frame, RawFrame};
use crate::TeeResult;

/// What a hostile normal world does to the answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tamper {
    /// Honest.
    #[default]
    None,
    /// Flips a data bit of read responses (MAC no longer matches).
    FlipData,
    /// Answers reads with a different nonce.
    WrongNonce,
    /// Answers reads with the device's genuine answer for another address.
    WrongAddress,
    /// Replays the first read response it saw for an address.
    Replay,
    /// Drops writes and answers with the last genuine write result.
    FakeWriteOk,
}

/// The model.
pub struct RpmbModel {
    /// Device identity and geometry.
    pub info: DevInfo,
    key: Option<[u8; 32]>,
    counter: u32,
    /// Contents, `rpmb_size_mult` × 128 KiB.
    pub data: Vec<[u8; RPMB_DATA_SIZE]>,
    /// Current hostility.
    pub tamper: Tamper,
    /// Data writes that land before the power goes (then every request
    /// fails with `TEE_ERROR_COMMUNICATION`); `None`: no cut.
    pub writes_left: Option<u32>,
    /// Data writes that landed.
    pub writes: u32,
    /// Every request frame's message type, in order.
    pub log: Vec<u16>,
    first_reads: Vec<Option<RawFrame>>,
}

impl RpmbModel {
    /// A blank device (no key) of `size_mult` × 128 KiB.
    pub fn new(size_mult: u8, rel_wr_sec_c: u8) -> Self {
        let n = usize::from(size_mult) * (RPMB_SIZE_SINGLE as usize / RPMB_DATA_SIZE);
        RpmbModel {
            info: DevInfo {
                cid: *b"OXTEE-MODEL-0001",
                rpmb_size_mult: size_mult,
                rel_wr_sec_c,
            },
            key: None,
            counter: 0,
            data: vec![[0; RPMB_DATA_SIZE]; n],
            tamper: Tamper::None,
            writes_left: None,
            writes: 0,
            log: Vec::new(),
            first_reads: vec![None; n],
        }
    }

    /// The programmed key, if any.
    pub fn key(&self) -> Option<[u8; 32]> {
        self.key
    }

    /// The write counter.
    pub fn counter(&self) -> u32 {
        self.counter
    }

    fn respond(&self, msg_type: u16, result: u16) -> Frame {
        Frame {
            msg_type,
            result,
            write_counter: self.counter,
            ..Frame::default()
        }
    }

    fn finish(&self, f: Frame) -> RawFrame {
        let mut r = [f.encode()];
        if let Some(k) = &self.key {
            sign(k, &mut r);
        }
        r[0]
    }

    fn write(&mut self, req: &[RawFrame]) -> Frame {
        let resp = RPMB_MSG_TYPE_RESP_AUTH_DATA_WRITE;
        let Some(key) = self.key else {
            return self.respond(resp, RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED);
        };
        let first = Frame::decode(&req[0]);
        let n = req.len();
        let max = usize::from(self.info.rel_wr_sec_c) * 2;
        if !verify(&key, req) {
            return self.respond(resp, RPMB_RESULT_AUTH_FAILURE);
        }
        if first.write_counter != self.counter {
            return self.respond(resp, RPMB_RESULT_COUNTER_FAILURE);
        }
        let addr = usize::from(first.address);
        if n > max || usize::from(first.block_count) != n || addr + n > self.data.len() {
            let mut f = self.respond(resp, RPMB_RESULT_ADDRESS_FAILURE);
            f.address = first.address;
            return f;
        }
        if self.tamper != Tamper::FakeWriteOk {
            for (i, r) in req.iter().enumerate() {
                self.data[addr + i] = Frame::decode(r).data;
            }
            self.counter += 1;
            self.writes += 1;
        }
        let mut f = self.respond(resp, RPMB_RESULT_OK);
        f.address = first.address;
        f
    }

    fn read(&mut self, req: &Frame, resp: &mut [RawFrame]) -> TeeResult<()> {
        let rt = RPMB_MSG_TYPE_RESP_AUTH_DATA_READ;
        let count = resp.len() as u16;
        for (i, out) in resp.iter_mut().enumerate() {
            let addr = usize::from(req.address) + i;
            let mut f = self.respond(rt, RPMB_RESULT_OK);
            f.nonce = req.nonce;
            f.address = req.address;
            f.block_count = count;
            if self.key.is_none() {
                f.result = RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED;
            } else if addr >= self.data.len() {
                f.result = RPMB_RESULT_ADDRESS_FAILURE;
            } else {
                let src = if self.tamper == Tamper::WrongAddress {
                    (addr + 1) % self.data.len()
                } else {
                    addr
                };
                f.data = self.data[src];
                f.address = src as u16;
            }
            if self.tamper == Tamper::WrongNonce {
                f.nonce[0] ^= 1;
            }
            let mut raw = self.finish(f);
            if addr < self.first_reads.len() {
                match (&self.first_reads[addr], self.tamper) {
                    (Some(old), Tamper::Replay) => raw = *old,
                    (None, _) => self.first_reads[addr] = Some(raw),
                    _ => {}
                }
            }
            if self.tamper == Tamper::FlipData {
                raw[300] ^= 1;
            }
            *out = raw;
        }
        Ok(())
    }
}

impl RpmbDevice for RpmbModel {
    fn dev_info(&mut self) -> TeeResult<DevInfo> {
        if self.writes_left == Some(0) {
            return Err(TeeError::COMMUNICATION);
        }
        Ok(self.info)
    }

    fn data_request(&mut self, req: &[RawFrame], resp: &mut [RawFrame]) -> TeeResult<()> {
        if self.writes_left == Some(0) {
            return Err(TeeError::COMMUNICATION);
        }
        let Some(first) = req.first().map(Frame::decode) else {
            return Err(TeeError::BAD_PARAMETERS);
        };
        if req
            .iter()
            .any(|r| Frame::decode(r).msg_type != first.msg_type)
            || resp.is_empty()
        {
            return Err(TeeError::BAD_PARAMETERS);
        }
        self.log.push(first.msg_type);
        match first.msg_type {
            RPMB_MSG_TYPE_REQ_AUTH_KEY_PROGRAM => {
                let rt = RPMB_MSG_TYPE_RESP_AUTH_KEY_PROGRAM;
                let f = if self.key.is_some() {
                    self.respond(rt, RPMB_RESULT_WRITE_FAILURE)
                } else {
                    self.key = Some(first.key_mac);
                    self.respond(rt, RPMB_RESULT_OK)
                };
                resp[0] = f.encode();
            }
            RPMB_MSG_TYPE_REQ_WRITE_COUNTER_VAL_READ => {
                let mut f = self.respond(
                    RPMB_MSG_TYPE_RESP_WRITE_COUNTER_VAL_READ,
                    if self.key.is_some() {
                        RPMB_RESULT_OK
                    } else {
                        RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED
                    },
                );
                f.nonce = first.nonce;
                resp[0] = self.finish(f);
            }
            RPMB_MSG_TYPE_REQ_AUTH_DATA_WRITE => {
                let f = self.write(req);
                resp[0] = self.finish(f);
                if let Some(left) = self.writes_left.as_mut() {
                    *left -= 1;
                    if *left == 0 {
                        // The write landed; its answer is lost with the power.
                        return Err(TeeError::COMMUNICATION);
                    }
                }
            }
            RPMB_MSG_TYPE_REQ_AUTH_DATA_READ => self.read(&first, resp)?,
            _ => {
                let f = self.respond(0, RPMB_RESULT_GENERAL_FAILURE);
                resp[0] = f.encode();
            }
        }
        Ok(())
    }
}
