// Shared helpers for the integration tests: build raw optee_msg_arg bytes.
#![allow(dead_code)]

use supplicant_proto::optee_msg::*;
use zerocopy::IntoBytes;

pub(crate) const META_VALUE_IN: u64 = OPTEE_MSG_ATTR_META | OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;

pub(crate) fn p(attr: u64, u0: u64, u1: u64, u2: u64) -> OpteeMsgParam {
    OpteeMsgParam { attr, u0, u1, u2 }
}

pub(crate) fn msg(cmd: u32, session: u32, func: u32, params: &[OpteeMsgParam]) -> Vec<u8> {
    let hdr = OpteeMsgArg {
        cmd,
        func,
        session,
        cancel_id: 0x77,
        pad: 0,
        ret: 0xDEAD_BEEF,
        ret_origin: 0xDEAD_BEEF,
        num_params: params.len() as u32,
    };
    let mut v = hdr.as_bytes().to_vec();
    for q in params {
        v.extend_from_slice(q.as_bytes());
    }
    v
}

pub(crate) const TA_UUID: [u8; 16] = [
    0x8a, 0xaa, 0xf2, 0x00, 0x24, 0x50, 0x11, 0xe4, 0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b,
];
pub(crate) const CLIENT_UUID: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

pub(crate) fn uuid_words(u: &[u8; 16]) -> (u64, u64) {
    (
        u64::from_le_bytes(u[..8].try_into().unwrap()),
        u64::from_le_bytes(u[8..].try_into().unwrap()),
    )
}

pub(crate) fn open_msg(login: u64, extra: &[OpteeMsgParam]) -> Vec<u8> {
    let (a, b) = uuid_words(&TA_UUID);
    let (ca, cb) = uuid_words(&CLIENT_UUID);
    let mut ps = vec![p(META_VALUE_IN, a, b, 0), p(META_VALUE_IN, ca, cb, login)];
    ps.extend_from_slice(extra);
    msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, &ps)
}

pub(crate) fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

pub(crate) fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}
