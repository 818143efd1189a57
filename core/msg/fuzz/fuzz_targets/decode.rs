//! Decode arbitrary bytes as an optee_msg_arg, encode a result or error back
//! into it, and walk an arbitrary page list. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxtee_msg::{
    decode, decode_page_list, encode_error, encode_result, Completion, ParamOut, PAGE_SIZE,
};

fuzz_target!(|data: &[u8]| {
    let mut buf = data.to_vec();
    match decode(&buf) {
        Ok(req) => {
            let mut c = Completion::status(0, 4);
            c.session = 1;
            // Outputs derived from the input; mismatches must be errors, not panics.
            for (i, out) in c.outputs.iter_mut().enumerate() {
                *out = match data.get(i).map(|b| b % 3) {
                    Some(0) => ParamOut::Value { a: 1, b: 2 },
                    Some(1) => ParamOut::Size(3),
                    _ => ParamOut::Unchanged,
                };
            }
            if let Ok(len) = encode_result(&mut buf, &req, &c) {
                assert!(len <= buf.len());
            }
        }
        Err(e) => {
            let _ = e.answer();
            let _ = encode_error(&mut buf, &e);
        }
    }

    // Page list: the first 16 bytes pick buf_ptr and size, the rest is the
    // content of every list page (so lists loop back on themselves).
    if data.len() >= 16 {
        let buf_ptr = u64::from_le_bytes(data[..8].try_into().unwrap_or([0; 8]));
        let size = u64::from_le_bytes(data[8..16].try_into().unwrap_or([0; 8]));
        let rest = &data[16..];
        let mut reads = 0usize;
        let ns = 0x4000_0000u64..0x8000_0000u64;
        let res = decode_page_list(buf_ptr, size, &ns, 2048, |_, page: &mut [u8; PAGE_SIZE]| {
            reads += 1;
            page.fill(0);
            let n = rest.len().min(PAGE_SIZE);
            page[..n].copy_from_slice(&rest[..n]);
            true
        });
        assert!(reads <= 2048usize.div_ceil(511));
        if let Ok(list) = res {
            assert!(!list.pages.is_empty() && list.pages.len() <= 2048);
        }
    }
});
