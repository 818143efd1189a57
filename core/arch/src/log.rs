//! Console lines of this crate, written through the image's [`crate::entry::Core::log`].

/// Log levels, as OP-TEE's `E/I/D`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Errors.
    Error = 1,
    /// Information.
    Info = 2,
    /// Debug.
    Debug = 3,
}

/// Writes one line through the image's console.
#[cfg(target_os = "none")]
pub fn log(level: Level, args: core::fmt::Arguments<'_>) {
    crate::entry::core_hooks().log(level, args);
}

#[cfg(target_os = "none")]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Error, format_args!($($arg)*)) };
}
#[cfg(target_os = "none")]
pub(crate) use error;
