//! `TEE_Panic` and the panics this library raises where GP says the
//! implementation panics the TA (a programming error of the TA, such as an
//! invalid handle or an error code the API does not allow).

use crate::types::TeeResult;

/// Ends the TA instance with `code`; its client sees `TEE_ERROR_TARGET_DEAD`.
pub fn tee_panic(code: TeeResult) -> ! {
    oxtee_ta_sys::utee_panic(code)
}

/// `TEE_Panic(panicCode)`.
// SAFETY: exports the libutee C symbol of this name; a TA links no other definition of it.
#[cfg_attr(target_os = "none", unsafe(no_mangle))]
#[allow(non_snake_case)]
pub extern "C" fn TEE_Panic(code: TeeResult) -> ! {
    tee_panic(code)
}

/// `res` if it is success or one of `allowed`, else a TA panic with `res`
/// (GP: any other error of these functions panics the TA).
pub fn allow(res: TeeResult, allowed: &[TeeResult]) -> TeeResult {
    if res == 0 || allowed.contains(&res) {
        res
    } else {
        tee_panic(res)
    }
}

/// Code a Rust panic inside this library ends the TA with.
pub const RUST_PANIC_CODE: TeeResult = supplicant_proto::tee_result::TEE_ERROR_GENERIC;
