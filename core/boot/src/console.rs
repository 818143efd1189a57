//! Console lines, through the image's console (`oxtee_arch::log`), made of
//! pieces as `oxtee_log_line::pieces!` takes them (no `core::fmt`).

macro_rules! info {
    ($($arg:expr),* $(,)?) => {
        oxtee_arch::log::log(oxtee_arch::log::Level::Info, ::oxtee_log_line::pieces![$($arg),*])
    };
}
macro_rules! error {
    ($($arg:expr),* $(,)?) => {
        oxtee_arch::log::log(oxtee_arch::log::Level::Error, ::oxtee_log_line::pieces![$($arg),*])
    };
}
pub(crate) use error;
pub(crate) use info;
