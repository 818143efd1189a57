//! Time (`TEE_GetSystemTime`, `TEE_GetREETime`).

use supplicant_proto::tee_syscall::{TeeTime, UTEE_TIME_CAT_REE, UTEE_TIME_CAT_SYSTEM};

use crate::error::{Error, Result};

/// A point in time: seconds and milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time {
    /// Seconds.
    pub seconds: u32,
    /// Milliseconds (0..1000).
    pub millis: u32,
}

fn get(cat: u32) -> Result<Time> {
    let mut t = TeeTime::default();
    // SAFETY: `t` is a writable `TEE_Time`.
    Error::check(unsafe { oxtee_ta_sys::utee_get_time(cat, &mut t) })?;
    Ok(Time {
        seconds: t.seconds,
        millis: t.millis,
    })
}

/// Time since an arbitrary point that does not change while the TEE runs.
pub fn system_time() -> Result<Time> {
    get(UTEE_TIME_CAT_SYSTEM)
}

/// The normal world's wall-clock time (not trustworthy).
pub fn ree_time() -> Result<Time> {
    get(UTEE_TIME_CAT_REE)
}
