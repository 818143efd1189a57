//! Valid messages for every command: decode, then encode a result and check
//! exactly which bytes changed.

mod common;
use common::*;

use oxtee_msg::*;
use supplicant_proto::optee_msg::*;
use supplicant_proto::tee_result::*;

/// Offsets (within `a`) where `a` and `b` differ.
fn changed(a: &[u8], b: &[u8]) -> Vec<usize> {
    a.iter()
        .zip(b)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn open_session_round_trip() {
    let extra = [
        p(OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 10, 20, 30),
        p(OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 99, 0), // NULL memref
        p(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 0x10, 0x20, 0xC00C1E),
    ];
    let mut m = open_msg(OPTEE_MSG_LOGIN_USER as u64, &extra);
    let req = decode(&m).unwrap();
    let Request::OpenSession {
        uuid,
        client_uuid,
        login,
        cancel_id,
        params,
    } = req
    else {
        panic!("{req:?}")
    };
    assert_eq!(uuid, TA_UUID);
    assert_eq!(client_uuid, CLIENT_UUID);
    assert_eq!(login, OPTEE_MSG_LOGIN_USER);
    assert_eq!(cancel_id, 0x77);
    assert_eq!(
        params.as_slice(),
        &[
            Param::Value {
                dir: Dir::InOut,
                a: 10,
                b: 20,
                c: 30
            },
            Param::Tmem {
                dir: Dir::Out,
                buf_ptr: 0,
                size: 0,
                shm_ref: 0,
                noncontig: false
            },
            Param::Rmem {
                dir: Dir::In,
                offs: 0x10,
                size: 0x20,
                shm_ref: 0xC00C1E
            },
        ]
    );
    assert_eq!(params.tee_param_types(), 0x563);

    let before = m.clone();
    let mut c = Completion::status(TEE_ERROR_SHORT_BUFFER, TEE_ORIGIN_TRUSTED_APP);
    c.session = 9;
    c.outputs[0] = ParamOut::Value { a: 1, b: 2 };
    c.outputs[1] = ParamOut::Size(0x1234);
    assert_eq!(encode_result(&mut m, &req, &c), Ok(32 + 5 * 32));
    assert_eq!(u32_at(&m, 8), 0, "session is 0 on failure");
    assert_eq!(u32_at(&m, 20), TEE_ERROR_SHORT_BUFFER);
    assert_eq!(u32_at(&m, 24), TEE_ORIGIN_TRUSTED_APP);
    let p2 = 32 + 2 * 32;
    assert_eq!(
        (u64_at(&m, p2 + 8), u64_at(&m, p2 + 16), u64_at(&m, p2 + 24)),
        (1, 2, 30)
    );
    assert_eq!(u64_at(&m, p2 + 32 + 16), 0x1234);
    // Nothing else changed: meta params, header, input rmem.
    for off in changed(&before, &m) {
        assert!(
            (20..28).contains(&off)
                || (p2 + 8..p2 + 24).contains(&off)
                || (p2 + 48..p2 + 56).contains(&off),
            "unexpected write at {off}"
        );
    }

    let mut m2 = before.clone();
    let mut ok = Completion::status(TEE_SUCCESS, TEE_ORIGIN_TRUSTED_APP);
    ok.session = 9;
    encode_result(&mut m2, &req, &ok).unwrap();
    assert_eq!(u32_at(&m2, 8), 9);
}

#[test]
fn open_session_public_and_kernel_zero_client_uuid() {
    for login in [OPTEE_MSG_LOGIN_PUBLIC, OPTEE_MSG_LOGIN_REE_KERNEL] {
        let req = decode(&open_msg(login as u64, &[])).unwrap();
        let Request::OpenSession {
            client_uuid,
            login: l,
            params,
            ..
        } = req
        else {
            panic!()
        };
        assert_eq!(client_uuid, [0; 16]);
        assert_eq!(l, login);
        assert!(params.is_empty());
    }
    for login in [1u32, 2, 4, 5, 6] {
        let req = decode(&open_msg(login as u64, &[])).unwrap();
        let Request::OpenSession { client_uuid, .. } = req else {
            panic!()
        };
        assert_eq!(client_uuid, CLIENT_UUID);
    }
}

#[test]
fn invoke_round_trip_unaligned_buffer() {
    let ps = [
        p(OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT | (1 << 16), 5, 6, 7), // cache bits ignored
        p(
            OPTEE_MSG_ATTR_TYPE_TMEM_INOUT | OPTEE_MSG_ATTR_NONCONTIG,
            0x4000_0123,
            77,
            0xAB,
        ),
        p(OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 8, 16, 0xCD),
        p(OPTEE_MSG_ATTR_TYPE_NONE, 1, 2, 3),
    ];
    let m = msg(OPTEE_MSG_CMD_INVOKE_COMMAND, 42, 0x1001, &ps);
    // Decode from an odd offset to prove alignment does not matter.
    let mut backing = vec![0u8; m.len() + 1];
    backing[1..].copy_from_slice(&m);
    let buf = &mut backing[1..];
    let req = decode(buf).unwrap();
    let Request::InvokeCommand {
        session,
        func,
        cancel_id,
        params,
    } = req
    else {
        panic!()
    };
    assert_eq!((session, func, cancel_id), (42, 0x1001, 0x77));
    assert_eq!(
        params.as_slice()[1],
        Param::Tmem {
            dir: Dir::InOut,
            buf_ptr: 0x4000_0123,
            size: 77,
            shm_ref: 0xAB,
            noncontig: true
        }
    );
    assert_eq!(params.as_slice()[3], Param::None);
    assert_eq!(params.tee_param_types(), 0x0672);

    let mut c = Completion::status(TEE_SUCCESS, TEE_ORIGIN_TRUSTED_APP);
    c.outputs = [
        ParamOut::Value { a: 0xAA, b: 0xBB },
        ParamOut::Size(3),
        ParamOut::Size(4),
        ParamOut::Unchanged,
    ];
    assert_eq!(encode_result(buf, &req, &c), Ok(160));
    assert_eq!(u32_at(buf, 8), 42, "session untouched");
    assert_eq!(u64_at(buf, 32 + 8), 0xAA);
    assert_eq!(u64_at(buf, 32 + 16), 0xBB);
    assert_eq!(u64_at(buf, 32 + 24), 7, "value.c never written");
    assert_eq!(u64_at(buf, 64 + 16), 3);
    assert_eq!(u64_at(buf, 64 + 8), 0x4000_0123);
    assert_eq!(u64_at(buf, 96 + 16), 4);
}

#[test]
fn invoke_output_mismatch_is_rejected_without_writing() {
    let ps = [
        p(OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 1, 2, 3),
        p(OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, 0x4000_0000, 8, 0),
    ];
    let mut m = msg(OPTEE_MSG_CMD_INVOKE_COMMAND, 1, 2, &ps);
    let before = m.clone();
    let req = decode(&m).unwrap();
    for (i, out) in [
        (0, ParamOut::Value { a: 0, b: 0 }),
        (1, ParamOut::Size(1)),
        (2, ParamOut::Size(1)),
    ] {
        let mut c = Completion::status(TEE_SUCCESS, TEE_ORIGIN_TEE);
        c.outputs[i] = out;
        assert_eq!(
            encode_result(&mut m, &req, &c),
            Err(EncodeError::OutputMismatch { index: i })
        );
        assert_eq!(m, before);
    }
}

#[test]
fn close_session_round_trip() {
    let mut m = msg(OPTEE_MSG_CMD_CLOSE_SESSION, 7, 0, &[]);
    let req = decode(&m).unwrap();
    assert_eq!(req, Request::CloseSession { session: 7 });
    encode_result(
        &mut m,
        &req,
        &Completion::status(TEE_SUCCESS, TEE_ORIGIN_TRUSTED_APP),
    )
    .unwrap();
    assert_eq!(u32_at(&m, 20), TEE_SUCCESS);
    assert_eq!(
        u32_at(&m, 24),
        TEE_ORIGIN_TEE,
        "close always reports origin TEE"
    );
    assert_eq!(u32_at(&m, 8), 7);
}

#[test]
fn cancel_round_trip() {
    let mut m = msg(OPTEE_MSG_CMD_CANCEL, 7, 0, &[]);
    let req = decode(&m).unwrap();
    assert_eq!(
        req,
        Request::Cancel {
            session: 7,
            cancel_id: 0x77
        }
    );
    encode_result(
        &mut m,
        &req,
        &Completion::status(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE),
    )
    .unwrap();
    assert_eq!(u32_at(&m, 20), TEE_ERROR_BAD_PARAMETERS);
    assert_eq!(u32_at(&m, 24), TEE_ORIGIN_TEE);
}

#[test]
fn register_shm_round_trip() {
    let attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG;
    let mut m = msg(
        OPTEE_MSG_CMD_REGISTER_SHM,
        0,
        0,
        &[p(attr, 0x4123_4567, 0x3000, 0xFFFF_0000_1234_5678)],
    );
    let req = decode(&m).unwrap();
    assert_eq!(
        req,
        Request::RegisterShm {
            shm_ref: 0xFFFF_0000_1234_5678,
            buf_ptr: 0x4123_4000,
            size: 0x3000,
            page_offset: 0x567,
            noncontig: true,
        }
    );
    encode_result(
        &mut m,
        &req,
        &Completion::status(TEE_SUCCESS, TEE_ORIGIN_TEE),
    )
    .unwrap();
    assert_eq!(u32_at(&m, 20), TEE_SUCCESS);
    assert_eq!(
        u32_at(&m, 24),
        0xDEAD_BEEF,
        "register_shm does not write ret_origin"
    );
}

#[test]
fn unregister_shm_round_trip() {
    let mut m = msg(
        OPTEE_MSG_CMD_UNREGISTER_SHM,
        0,
        0,
        &[p(OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 0, 0, 0xC00C1E)],
    );
    let req = decode(&m).unwrap();
    assert_eq!(req, Request::UnregisterShm { shm_ref: 0xC00C1E });
    encode_result(
        &mut m,
        &req,
        &Completion::status(TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE),
    )
    .unwrap();
    assert_eq!(u32_at(&m, 20), TEE_ERROR_BAD_PARAMETERS);
    assert_eq!(u32_at(&m, 24), 0xDEAD_BEEF);
}

#[test]
fn async_notif_commands_write_nothing() {
    for (cmd, want) in [
        (OPTEE_MSG_CMD_DO_BOTTOM_HALF, Request::DoBottomHalf),
        (OPTEE_MSG_CMD_STOP_ASYNC_NOTIF, Request::StopAsyncNotif),
    ] {
        let mut m = msg(cmd, 0, 0, &[]);
        let before = m.clone();
        let req = decode(&m).unwrap();
        assert_eq!(req, want);
        assert_eq!(req.cmd(), cmd);
        encode_result(
            &mut m,
            &req,
            &Completion::status(TEE_SUCCESS, TEE_ORIGIN_TEE),
        )
        .unwrap();
        assert_eq!(m, before);
    }
}

#[test]
fn trailing_rpc_arg_is_ignored() {
    let mut m = msg(OPTEE_MSG_CMD_CLOSE_SESSION, 3, 0, &[]);
    assert_eq!(rpc_arg_offset(0), Some(32));
    m.extend_from_slice(&[0xFF; RPC_ARG_SIZE]);
    assert_eq!(decode(&m).unwrap(), Request::CloseSession { session: 3 });
    assert_eq!(decode_header(&m).unwrap().num_params, 0);
}

#[test]
fn arg_size_helper() {
    assert_eq!(arg_size(0), Some(32));
    assert_eq!(arg_size(6), Some(224));
    assert_eq!(arg_size(127), Some(4096));
    assert_eq!(arg_size(128), None);
    assert_eq!(RPC_ARG_SIZE, 160);
}

#[test]
fn param_raw_round_trip() {
    let ps = [
        Param::None,
        Param::Value {
            dir: Dir::Out,
            a: 1,
            b: 2,
            c: 3,
        },
        Param::Tmem {
            dir: Dir::In,
            buf_ptr: 0x4000_0000,
            size: 5,
            shm_ref: 6,
            noncontig: true,
        },
        Param::Rmem {
            dir: Dir::InOut,
            offs: 7,
            size: 8,
            shm_ref: 9,
        },
    ];
    for (i, q) in ps.iter().enumerate() {
        assert_eq!(Param::from_raw(&q.to_raw(), i), Ok(*q));
    }
}

#[test]
fn page_list_two_list_pages() {
    const NS: core::ops::Range<u64> = 0x4000_0000..0x8000_0000;
    // 600 data pages: 511 in the first list page, 89 in the second.
    let data: Vec<u64> = (0..600u64).map(|i| 0x5000_0000 + i * 4096).collect();
    let mut first = data[..511].to_vec();
    first.push(0x4000_9000);
    let second = data[511..].to_vec();
    let mut reads = Vec::new();
    let list = decode_page_list(
        0x4000_3000 | 0x10,
        600 * 4096 - 0x10,
        &NS,
        1024,
        |pa, out| {
            reads.push(pa);
            let words = if pa == 0x4000_3000 { &first } else { &second };
            out.fill(0);
            for (i, w) in words.iter().enumerate() {
                out[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
            }
            true
        },
    )
    .unwrap();
    assert_eq!(list.pages, data);
    assert_eq!(list.page_offset, 0x10);
    assert_eq!(reads, vec![0x4000_3000, 0x4000_9000]);
    assert_eq!(num_pages(0xFFF, 2), Ok(2));
    assert_eq!(num_pages(0, 4096), Ok(1));
}
