//! Console lines of this crate, written through the image's [`crate::hooks::Core::log`].

pub use crate::hooks::Level;
pub use oxtee_log_line::{described, hex, Piece};

/// Writes one line through the image's console.
#[cfg(target_os = "none")]
pub fn log(level: Level, pieces: &[Piece<'_>]) {
    crate::hooks::core_hooks().log(level, pieces);
}

/// `error!("text ", value, " more text", hex(addr))`: one error line, its
/// pieces as `oxtee_log_line::pieces!` takes them. Other crates of the core
/// that log through the image's console use it as `oxtee_arch::log::error`.
#[cfg(target_os = "none")]
#[macro_export]
macro_rules! log_error {
    ($($arg:expr),* $(,)?) => {
        $crate::log::log($crate::log::Level::Error, ::oxtee_log_line::pieces![$($arg),*])
    };
}
/// As `error!`, an information line.
#[cfg(target_os = "none")]
#[macro_export]
macro_rules! log_info {
    ($($arg:expr),* $(,)?) => {
        $crate::log::log($crate::log::Level::Info, ::oxtee_log_line::pieces![$($arg),*])
    };
}
#[cfg(target_os = "none")]
pub use crate::{log_error as error, log_info as info};
