//! One test per malformed-input case: each asserts the decoder's verdict and
//! the answer OP-TEE 4.5 gives for it.

mod common;
use common::*;

use oxtee_msg::*;
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_smc::*;
use supplicant_proto::tee_result::*;

fn bad(err: MsgError) -> BadParam {
    match err {
        MsgError::BadParameters { reason, .. } => reason,
        other => panic!("expected BadParameters, got {other:?}"),
    }
}

fn assert_ret_bad_params(err: &MsgError, origin: Option<u32>) {
    assert_eq!(
        err.answer(),
        Answer::Ret {
            ret: TEE_ERROR_BAD_PARAMETERS,
            origin
        }
    );
}

#[test]
fn empty_buffer_is_ebadaddr() {
    let e = decode(&[]).unwrap_err();
    assert_eq!(
        e,
        MsgError::Truncated {
            needed: 32,
            available: 0
        }
    );
    assert_eq!(e.answer(), Answer::Smc(OPTEE_SMC_RETURN_EBADADDR));
}

#[test]
fn short_header_is_ebadaddr() {
    let m = msg(OPTEE_MSG_CMD_INVOKE_COMMAND, 1, 2, &[]);
    let e = decode(&m[..31]).unwrap_err();
    assert!(matches!(
        e,
        MsgError::Truncated {
            needed: 32,
            available: 31
        }
    ));
}

#[test]
fn params_past_end_of_buffer_are_ebadaddr() {
    let mut m = msg(
        OPTEE_MSG_CMD_INVOKE_COMMAND,
        1,
        2,
        &[p(1, 0, 0, 0), p(1, 0, 0, 0)],
    );
    m.truncate(m.len() - 1);
    let e = decode(&m).unwrap_err();
    assert_eq!(
        e,
        MsgError::Truncated {
            needed: 96,
            available: 95
        }
    );
    assert_eq!(e.answer(), Answer::Smc(OPTEE_SMC_RETURN_EBADADDR));
}

#[test]
fn num_params_lies_about_length() {
    let mut m = msg(OPTEE_MSG_CMD_INVOKE_COMMAND, 1, 2, &[]);
    m[28..32].copy_from_slice(&3u32.to_le_bytes());
    assert!(matches!(
        decode(&m),
        Err(MsgError::Truncated { needed: 128, .. })
    ));
}

#[test]
fn too_many_params_is_ebadaddr_even_with_bad_cmd() {
    let mut m = vec![0u8; 4096 + 64];
    m[0..4].copy_from_slice(&0x99u32.to_le_bytes());
    m[28..32].copy_from_slice(&128u32.to_le_bytes());
    let e = decode(&m).unwrap_err();
    assert_eq!(e, MsgError::TooManyParams(128));
    assert_eq!(e.answer(), Answer::Smc(OPTEE_SMC_RETURN_EBADADDR));
    m[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(decode(&m).unwrap_err(), MsgError::TooManyParams(u32::MAX));
}

#[test]
fn max_params_127_parses_header() {
    let mut m = vec![0u8; 4096];
    m[0..4].copy_from_slice(&OPTEE_MSG_CMD_INVOKE_COMMAND.to_le_bytes());
    m[28..32].copy_from_slice(&127u32.to_le_bytes());
    // 127 params fit the page but more than 4 TA params are refused.
    assert_eq!(bad(decode(&m).unwrap_err()), BadParam::TooManyTaParams(127));
}

#[test]
fn unknown_command_is_ebadcmd() {
    for cmd in [8u32, 9, 0x100, u32::MAX] {
        let e = decode(&msg(cmd, 0, 0, &[])).unwrap_err();
        assert_eq!(e, MsgError::UnknownCommand(cmd));
        assert_eq!(e.answer(), Answer::Smc(OPTEE_SMC_RETURN_EBADCMD));
    }
}

#[test]
fn open_session_without_meta() {
    let e = decode(&msg(
        OPTEE_MSG_CMD_OPEN_SESSION,
        0,
        0,
        &[p(META_VALUE_IN, 0, 0, 0)],
    ))
    .unwrap_err();
    assert_eq!(bad(e), BadParam::MissingMeta);
    assert_ret_bad_params(&e, Some(TEE_ORIGIN_TEE));
}

#[test]
fn open_session_meta_attr_must_be_exact() {
    // Missing META, extra cache bits, wrong type: all refused.
    for attr in [0x1u64, 0x101 | (1 << 16), 0x102, 0x301] {
        let mut m = open_msg(0, &[]);
        m[32 + 32..32 + 40].copy_from_slice(&attr.to_le_bytes());
        assert_eq!(
            bad(decode(&m).unwrap_err()),
            BadParam::BadMetaAttr { index: 1, attr }
        );
        let mut m = open_msg(0, &[]);
        m[32..40].copy_from_slice(&attr.to_le_bytes());
        assert_eq!(
            bad(decode(&m).unwrap_err()),
            BadParam::BadMetaAttr { index: 0, attr }
        );
    }
}

#[test]
fn open_session_bad_login() {
    for login in [3u64, 7, 0xF000_0000, 0x7FFF_FFFF] {
        let e = decode(&open_msg(login, &[])).unwrap_err();
        assert_eq!(bad(e), BadParam::BadLogin(login));
    }
}

#[test]
fn open_session_too_many_ta_params() {
    let extra = [p(1, 0, 0, 0); 5];
    assert_eq!(
        bad(decode(&open_msg(0, &extra)).unwrap_err()),
        BadParam::TooManyTaParams(5)
    );
}

#[test]
fn open_session_third_meta_param_refused() {
    let e = decode(&open_msg(0, &[p(META_VALUE_IN, 0, 0, 0)])).unwrap_err();
    assert_eq!(bad(e), BadParam::MetaInTaParam { index: 2 });
}

#[test]
fn invoke_meta_flag_refused() {
    let m = msg(
        OPTEE_MSG_CMD_INVOKE_COMMAND,
        1,
        0,
        &[p(0, 0, 0, 0), p(0x109, 0, 0, 0)],
    );
    assert_eq!(
        bad(decode(&m).unwrap_err()),
        BadParam::MetaInTaParam { index: 1 }
    );
}

#[test]
fn invoke_unknown_attr_types_refused() {
    for t in [4u64, 8, 0xC, 0xD, 0xFF] {
        let m = msg(OPTEE_MSG_CMD_INVOKE_COMMAND, 1, 0, &[p(t, 0, 0, 0)]);
        let e = decode(&m).unwrap_err();
        assert_eq!(bad(e), BadParam::BadAttrType { index: 0, attr: t });
        assert_ret_bad_params(&e, Some(TEE_ORIGIN_TEE));
    }
}

#[test]
fn invoke_too_many_params() {
    let m = msg(OPTEE_MSG_CMD_INVOKE_COMMAND, 1, 0, &[p(0, 0, 0, 0); 5]);
    assert_eq!(bad(decode(&m).unwrap_err()), BadParam::TooManyTaParams(5));
}

#[test]
fn close_and_cancel_with_params_refused() {
    for cmd in [OPTEE_MSG_CMD_CLOSE_SESSION, OPTEE_MSG_CMD_CANCEL] {
        let e = decode(&msg(cmd, 1, 0, &[p(0, 0, 0, 0)])).unwrap_err();
        assert_eq!(bad(e), BadParam::UnexpectedParams(1));
        assert_ret_bad_params(&e, Some(TEE_ORIGIN_TEE));
    }
}

#[test]
fn register_shm_input_attr_refused_trap_1() {
    // The header comment says TMEM_INPUT; OP-TEE 4.5 only takes TMEM_OUTPUT|NONCONTIG.
    let attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG;
    let e = decode(&msg(
        OPTEE_MSG_CMD_REGISTER_SHM,
        0,
        0,
        &[p(attr, 0x4000_1000, 10, 5)],
    ))
    .unwrap_err();
    assert_eq!(bad(e), BadParam::BadRegisterAttr(0x209));
    // register_shm() writes only ret.
    assert_ret_bad_params(&e, None);
}

#[test]
fn register_shm_contiguous_refused() {
    let e = decode(&msg(
        OPTEE_MSG_CMD_REGISTER_SHM,
        0,
        0,
        &[p(0xA, 0x4000_1000, 10, 5)],
    ))
    .unwrap_err();
    assert_eq!(bad(e), BadParam::BadRegisterAttr(0xA));
}

#[test]
fn register_shm_param_count() {
    for n in [0usize, 2] {
        let ps = vec![p(0x20A, 0x4000_1000, 10, 5); n];
        let e = decode(&msg(OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, &ps)).unwrap_err();
        assert_eq!(bad(e), BadParam::WrongParamCount(n as u32));
        assert_ret_bad_params(&e, None);
    }
}

#[test]
fn unregister_shm_param_count() {
    let e = decode(&msg(OPTEE_MSG_CMD_UNREGISTER_SHM, 0, 0, &[])).unwrap_err();
    assert_eq!(bad(e), BadParam::WrongParamCount(0));
    assert_ret_bad_params(&e, Some(TEE_ORIGIN_TEE));
}

#[test]
fn unregister_shm_wrong_attr() {
    let e = decode(&msg(OPTEE_MSG_CMD_UNREGISTER_SHM, 0, 0, &[p(0xA, 0, 0, 5)])).unwrap_err();
    assert_eq!(bad(e), BadParam::BadUnregisterAttr(0xA));
}

#[test]
fn encode_error_open_session_zeroes_session() {
    let mut m = open_msg(3, &[]);
    m[8..12].copy_from_slice(&0x55u32.to_le_bytes());
    let e = decode(&m).unwrap_err();
    assert_eq!(encode_error(&mut m, &e), Ok(OPTEE_SMC_RETURN_OK));
    assert_eq!(u32_at(&m, 8), 0);
    assert_eq!(u32_at(&m, 20), TEE_ERROR_BAD_PARAMETERS);
    assert_eq!(u32_at(&m, 24), TEE_ORIGIN_TEE);
}

#[test]
fn encode_error_register_leaves_origin() {
    let mut m = msg(OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, &[p(0x209, 0, 0, 0)]);
    let e = decode(&m).unwrap_err();
    assert_eq!(encode_error(&mut m, &e), Ok(OPTEE_SMC_RETURN_OK));
    assert_eq!(u32_at(&m, 20), TEE_ERROR_BAD_PARAMETERS);
    assert_eq!(u32_at(&m, 24), 0xDEAD_BEEF);
}

#[test]
fn encode_error_smc_answers_write_nothing() {
    let mut m = msg(42, 0, 0, &[]);
    let before = m.clone();
    let e = decode(&m).unwrap_err();
    assert_eq!(encode_error(&mut m, &e), Ok(OPTEE_SMC_RETURN_EBADCMD));
    assert_eq!(m, before);
}

// ---- page lists -------------------------------------------------------------

const NS: core::ops::Range<u64> = 0x4000_0000..0x8000_0000;

/// A fake physical memory of list pages.
fn reader(pages: Vec<(u64, Vec<u64>)>) -> impl FnMut(u64, &mut [u8; PAGE_SIZE]) -> bool {
    move |pa, out| match pages.iter().find(|(a, _)| *a == pa) {
        Some((_, words)) => {
            out.fill(0);
            for (i, w) in words.iter().enumerate() {
                out[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
            }
            true
        }
        None => false,
    }
}

#[test]
fn page_list_unaligned_data_page() {
    let r = reader(vec![(0x4000_0000, vec![0x4001_0000, 0x4002_0008])]);
    let e = decode_page_list(0x4000_0000, 8192, &NS, 16, r).unwrap_err();
    assert_eq!(
        e,
        PageListError::BadDataPage {
            index: 1,
            pa: 0x4002_0008
        }
    );
}

#[test]
fn page_list_secure_data_page() {
    let r = reader(vec![(0x4000_0000, vec![0x0e00_0000])]);
    let e = decode_page_list(0x4000_0000, 100, &NS, 16, r).unwrap_err();
    assert_eq!(
        e,
        PageListError::BadDataPage {
            index: 0,
            pa: 0x0e00_0000
        }
    );
}

#[test]
fn page_list_data_page_straddling_ram_end() {
    let r = reader(vec![(0x4000_0000, vec![0x8000_0000])]);
    let e = decode_page_list(0x4000_0000, 100, &NS, 16, r).unwrap_err();
    assert_eq!(
        e,
        PageListError::BadDataPage {
            index: 0,
            pa: 0x8000_0000
        }
    );
}

#[test]
fn page_list_secure_list_page_never_read() {
    let mut reads = 0;
    let e = decode_page_list(0x0e00_0000, 100, &NS, 16, |_, _| {
        reads += 1;
        true
    })
    .unwrap_err();
    assert_eq!(e, PageListError::BadListPage(0x0e00_0000));
    assert_eq!(reads, 0);
}

#[test]
fn page_list_unaligned_next_link() {
    let mut first = vec![0x4010_0000u64; 511];
    first.push(0x4000_2004); // link not page aligned
    let r = reader(vec![(0x4000_1000, first)]);
    let e = decode_page_list(0x4000_1000, 512 * 4096, &NS, 1024, r).unwrap_err();
    assert_eq!(e, PageListError::BadListPage(0x4000_2004));
}

#[test]
fn page_list_zero_size() {
    let e = decode_page_list(0x4000_0000, 0, &NS, 16, |_, _| true).unwrap_err();
    assert_eq!(e, PageListError::ZeroSize);
}

#[test]
fn page_list_size_overflow() {
    let e = decode_page_list(0x4000_0010, u64::MAX - 4, &NS, 16, |_, _| true).unwrap_err();
    assert_eq!(e, PageListError::Overflow);
}

#[test]
fn page_list_too_many_pages() {
    let e = decode_page_list(0x4000_0000, 1 << 40, &NS, 1024, |_, _| true).unwrap_err();
    assert_eq!(
        e,
        PageListError::TooManyPages {
            needed: 1 << 28,
            max: 1024
        }
    );
}

#[test]
fn page_list_unreadable_page() {
    let e = decode_page_list(0x4000_0000, 10, &NS, 16, |_, _| false).unwrap_err();
    assert_eq!(e, PageListError::ReadFailed(0x4000_0000));
}

#[test]
fn page_list_loop_is_bounded() {
    // A list page that links to itself: reads stop once enough pages are collected.
    let mut words = vec![0x4010_0000u64; 511];
    words.push(0x4000_0000);
    let mut r = reader(vec![(0x4000_0000, words)]);
    let mut reads = 0;
    let list = decode_page_list(0x4000_0000, 2000 * 4096, &NS, 4096, |pa, out| {
        reads += 1;
        r(pa, out)
    })
    .unwrap();
    assert_eq!(list.pages.len(), 2000);
    assert_eq!(reads, 4); // ceil(2000 / 511)
}

#[test]
fn rmem_range_checks() {
    assert_eq!(check_rmem_range(0, 4096, 4096), Ok(()));
    assert_eq!(
        check_rmem_range(1, 4096, 4096),
        Err(supplicant_proto::tee_error::TeeError::SECURITY)
    );
    assert_eq!(
        check_rmem_range(u64::MAX, 2, u64::MAX),
        Err(supplicant_proto::tee_error::TeeError::SECURITY)
    );
}
