//! Console lines of this crate, written through the image's [`crate::hooks::Core::log`].

pub use crate::hooks::Level;

/// Writes one line through the image's console.
#[cfg(target_os = "none")]
pub fn log(level: Level, args: core::fmt::Arguments<'_>) {
    crate::hooks::core_hooks().log(level, args);
}

#[cfg(target_os = "none")]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Error, format_args!($($arg)*)) };
}
#[cfg(target_os = "none")]
pub(crate) use error;
