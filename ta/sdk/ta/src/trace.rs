//! Text to the secure console (`TEE_SCN_LOG`), formatted without allocating.

use core::fmt::{self, Write};

/// Longest line written in one system call; longer text is cut.
pub const LINE_MAX: usize = 256;

/// A line being formatted on the stack.
pub struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
}

impl Line {
    /// An empty line.
    pub const fn new() -> Line {
        Line {
            buf: [0; LINE_MAX],
            len: 0,
        }
    }

    /// The text so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Writes the line and a newline to the console.
    pub fn emit(mut self) {
        if self.len == LINE_MAX {
            self.len -= 1;
        }
        self.buf[self.len] = b'\n';
        self.len += 1;
        log_bytes(self.as_bytes());
    }
}

impl Default for Line {
    fn default() -> Self {
        Line::new()
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = LINE_MAX - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Writes raw bytes to the secure console.
pub fn log_bytes(text: &[u8]) {
    // SAFETY: `text` is a live slice of `text.len()` bytes.
    unsafe { oxtee_ta_sys::utee_log(text.as_ptr(), text.len()) };
}

/// Formats `args` as one console line (see [`crate::trace!`]).
pub fn log_fmt(args: fmt::Arguments<'_>) {
    let mut line = Line::new();
    let _ = line.write_fmt(args);
    line.emit();
}

/// Writes one formatted line to the secure console, like `println!`.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => {
        $crate::trace::log_fmt(format_args!($($arg)*))
    };
}
