//! The 512-byte RPMB data frame (big-endian fields) and its MAC.

use hmac::{Hmac, Mac};
use oxtee_crypto::hash::Sha256;
use supplicant_proto::rpmb::*;

/// One frame as it travels (to the device or back from the normal world).
pub type RawFrame = [u8; RPMB_DATA_FRAME_SIZE];

const KEY_MAC: usize = RPMB_STUFF_DATA_SIZE;
const DATA: usize = KEY_MAC + RPMB_KEY_MAC_SIZE;
const NONCE: usize = DATA + RPMB_DATA_SIZE;
const WRITE_COUNTER: usize = NONCE + RPMB_NONCE_SIZE;
const ADDRESS: usize = WRITE_COUNTER + 4;
const BLOCK_COUNT: usize = ADDRESS + 2;
const RESULT: usize = BLOCK_COUNT + 2;
const MSG_TYPE: usize = RESULT + 2;

/// A frame's fields, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Key (key program) or MAC.
    pub key_mac: [u8; RPMB_KEY_MAC_SIZE],
    /// One block of data.
    pub data: [u8; RPMB_DATA_SIZE],
    /// Read nonce.
    pub nonce: [u8; RPMB_NONCE_SIZE],
    /// Write counter.
    pub write_counter: u32,
    /// Block address (256-byte units).
    pub address: u16,
    /// Blocks in the request.
    pub block_count: u16,
    /// Operation result (responses).
    pub result: u16,
    /// `RPMB_MSG_TYPE_*`.
    pub msg_type: u16,
}

impl Default for Frame {
    fn default() -> Self {
        Frame {
            key_mac: [0; RPMB_KEY_MAC_SIZE],
            data: [0; RPMB_DATA_SIZE],
            nonce: [0; RPMB_NONCE_SIZE],
            write_counter: 0,
            address: 0,
            block_count: 0,
            result: 0,
            msg_type: 0,
        }
    }
}

fn be16(r: &RawFrame, at: usize) -> u16 {
    u16::from_be_bytes([r[at], r[at + 1]])
}

impl Frame {
    /// A request of `msg_type` with everything else zero.
    pub fn request(msg_type: u16) -> Self {
        Frame {
            msg_type,
            ..Frame::default()
        }
    }

    /// Encodes the frame (stuff bytes zero).
    pub fn encode(&self) -> RawFrame {
        let mut r = [0u8; RPMB_DATA_FRAME_SIZE];
        r[KEY_MAC..DATA].copy_from_slice(&self.key_mac);
        r[DATA..NONCE].copy_from_slice(&self.data);
        r[NONCE..WRITE_COUNTER].copy_from_slice(&self.nonce);
        r[WRITE_COUNTER..ADDRESS].copy_from_slice(&self.write_counter.to_be_bytes());
        r[ADDRESS..BLOCK_COUNT].copy_from_slice(&self.address.to_be_bytes());
        r[BLOCK_COUNT..RESULT].copy_from_slice(&self.block_count.to_be_bytes());
        r[RESULT..MSG_TYPE].copy_from_slice(&self.result.to_be_bytes());
        r[MSG_TYPE..].copy_from_slice(&self.msg_type.to_be_bytes());
        r
    }

    /// Decodes a frame (any bytes decode; the caller checks the fields).
    pub fn decode(r: &RawFrame) -> Self {
        let mut f = Frame::default();
        f.key_mac.copy_from_slice(&r[KEY_MAC..DATA]);
        f.data.copy_from_slice(&r[DATA..NONCE]);
        f.nonce.copy_from_slice(&r[NONCE..WRITE_COUNTER]);
        f.write_counter = u32::from_be_bytes([
            r[WRITE_COUNTER],
            r[WRITE_COUNTER + 1],
            r[WRITE_COUNTER + 2],
            r[WRITE_COUNTER + 3],
        ]);
        f.address = be16(r, ADDRESS);
        f.block_count = be16(r, BLOCK_COUNT);
        f.result = be16(r, RESULT);
        f.msg_type = be16(r, MSG_TYPE);
        f
    }
}

/// HMAC-SHA256 with `key` over bytes 228–511 of every frame in order (the
/// MAC of a multi-frame request or response, carried by its last frame).
pub fn frames_mac(key: &[u8; 32], frames: &[RawFrame]) -> [u8; 32] {
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    for f in frames {
        mac.update(&f[RPMB_MAC_PROTECT_OFFSET..]);
    }
    mac.finalize().into_bytes().into()
}

/// Writes `frames_mac` into the last frame.
pub fn sign(key: &[u8; 32], frames: &mut [RawFrame]) {
    let m = frames_mac(key, frames);
    if let Some(last) = frames.last_mut() {
        last[KEY_MAC..DATA].copy_from_slice(&m);
    }
}

/// Checks the MAC in the last frame, in constant time.
pub fn verify(key: &[u8; 32], frames: &[RawFrame]) -> bool {
    use subtle::ConstantTimeEq;
    let Some(last) = frames.last() else {
        return false;
    };
    let m = frames_mac(key, frames);
    bool::from(m.ct_eq(&last[KEY_MAC..DATA]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_sit_where_jedec_puts_them() {
        let f = Frame {
            write_counter: 0x0102_0304,
            address: 0x0506,
            block_count: 0x0708,
            result: 0x090a,
            msg_type: 0x0b0c,
            ..Frame::default()
        };
        let r = f.encode();
        assert_eq!(&r[500..512], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(Frame::decode(&r), f);
    }

    #[test]
    fn mac_covers_bytes_228_to_511_only() {
        let key = [7u8; 32];
        let mut fr = [Frame::request(3).encode(), Frame::request(3).encode()];
        sign(&key, &mut fr);
        assert!(verify(&key, &fr));
        let mut stuffed = fr;
        stuffed[1][0] ^= 1; // stuff bytes are not covered
        assert!(verify(&key, &stuffed));
        for at in [228usize, 400, 511] {
            let mut bad = fr;
            bad[0][at] ^= 1;
            assert!(!verify(&key, &bad), "byte {at}");
        }
        assert!(!verify(&[8u8; 32], &fr));
    }
}
