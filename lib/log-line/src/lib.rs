//! Console lines built from pieces, without `core::fmt` (see the README).
#![no_std]

/// One piece of a console line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text as it is.
    Str(&'a str),
    /// Bytes as they are (a TA's own log text).
    Bytes(&'a [u8]),
    /// Unsigned decimal.
    Dec(u64),
    /// Signed decimal.
    Signed(i64),
    /// `0x` and lower-case hex digits: the shortest form when `digits` is
    /// 0, else at least `digits` digits, zero-padded.
    Hex {
        /// The value.
        value: u64,
        /// Minimum number of digits (0: as few as the value needs).
        digits: u8,
    },
    /// An error as its type describes it for the console: the text, then
    /// ` (0x…)` when it carries a value (an address, a size, a code).
    Error {
        /// What went wrong.
        what: &'a str,
        /// The value it is about, if any.
        value: Option<u64>,
    },
    /// A UUID in its canonical form (`8-4-4-4-12` lower-case hex), from its
    /// 16 bytes in RFC 4122 (big-endian) order.
    Uuid(&'a [u8; 16]),
}

/// Values that make one piece of a line: `&str`, integers (decimal),
/// `bool`, [`Hex`], [`Uuid`], [`Piece`].
pub trait ToPiece {
    /// The piece this value prints as.
    fn piece(&self) -> Piece<'_>;
}

impl<T: ToPiece + ?Sized> ToPiece for &T {
    fn piece(&self) -> Piece<'_> {
        (**self).piece()
    }
}

impl ToPiece for str {
    fn piece(&self) -> Piece<'_> {
        Piece::Str(self)
    }
}

impl ToPiece for bool {
    fn piece(&self) -> Piece<'_> {
        Piece::Str(if *self { "true" } else { "false" })
    }
}

impl ToPiece for Piece<'_> {
    fn piece(&self) -> Piece<'_> {
        *self
    }
}

macro_rules! unsigned {
    ($($t:ty)*) => {$(
        impl ToPiece for $t {
            fn piece(&self) -> Piece<'_> {
                Piece::Dec(*self as u64)
            }
        }
    )*};
}
unsigned!(u8 u16 u32 u64 usize);

macro_rules! signed {
    ($($t:ty)*) => {$(
        impl ToPiece for $t {
            fn piece(&self) -> Piece<'_> {
                Piece::Signed(*self as i64)
            }
        }
    )*};
}
signed!(i8 i16 i32 i64 isize);

/// A value printed as `0x` hex (shortest form); see [`hex`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hex(pub u64);

/// `value` as `0x` hex, as few digits as it needs.
pub fn hex(value: impl Into<u64>) -> Hex {
    Hex(value.into())
}

/// `value` as `0x` hex with at least `digits` digits (at most 16).
pub fn hex_width(value: u64, digits: u8) -> Piece<'static> {
    Piece::Hex { value, digits }
}

impl ToPiece for Hex {
    fn piece(&self) -> Piece<'_> {
        Piece::Hex {
            value: self.0,
            digits: 0,
        }
    }
}

/// An error's `describe()` (text and the value it is about) as a piece.
pub fn described((what, value): (&str, Option<u64>)) -> Piece<'_> {
    Piece::Error { what, value }
}

/// A UUID's 16 bytes (RFC 4122 order), printed in canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uuid(pub [u8; 16]);

impl ToPiece for Uuid {
    fn piece(&self) -> Piece<'_> {
        Piece::Uuid(&self.0)
    }
}

/// The pieces of a line as a slice: `pieces!["CPU ", n, " ready"]`.
/// Each value is borrowed as a [`ToPiece`]; temporaries live to the end of
/// the enclosing statement.
#[macro_export]
macro_rules! pieces {
    ($($v:expr),* $(,)?) => {
        &[$($crate::ToPiece::piece(&$v)),*][..]
    };
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Hands the bytes of `pieces` to `out`, piece by piece (no line end).
pub fn write(pieces: &[Piece<'_>], out: &mut dyn FnMut(&[u8])) {
    for p in pieces {
        write_piece(*p, out);
    }
}

fn write_piece(p: Piece<'_>, out: &mut dyn FnMut(&[u8])) {
    match p {
        Piece::Str(s) => out(s.as_bytes()),
        Piece::Bytes(b) => out(b),
        Piece::Dec(v) => dec(v, out),
        Piece::Signed(v) => {
            if v < 0 {
                out(b"-");
            }
            dec(v.unsigned_abs(), out);
        }
        Piece::Hex { value, digits } => {
            out(b"0x");
            hex_digits(value, usize::from(digits), out);
        }
        Piece::Error { what, value } => {
            out(what.as_bytes());
            if let Some(v) = value {
                out(b" (0x");
                hex_digits(v, 0, out);
                out(b")");
            }
        }
        Piece::Uuid(u) => {
            for (i, &b) in u.iter().enumerate() {
                if matches!(i, 4 | 6 | 8 | 10) {
                    out(b"-");
                }
                out(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]]);
            }
        }
    }
}

fn dec(mut v: u64, out: &mut dyn FnMut(&[u8])) {
    // u64::MAX has 20 digits.
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out(&buf[i..]);
}

fn hex_digits(v: u64, min: usize, out: &mut dyn FnMut(&[u8])) {
    let mut buf = [0u8; 16];
    let mut i = buf.len();
    let mut rest = v;
    loop {
        i -= 1;
        buf[i] = DIGITS[(rest & 0xf) as usize];
        rest >>= 4;
        if rest == 0 {
            break;
        }
    }
    let pad = min.min(buf.len()).saturating_sub(buf.len() - i);
    for _ in 0..pad {
        out(b"0");
    }
    out(&buf[i..]);
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    fn line(pieces: &[Piece<'_>]) -> String {
        let mut v = Vec::new();
        write(pieces, &mut |b| v.extend_from_slice(b));
        String::from_utf8(v).expect("pieces of text give text")
    }

    #[test]
    fn decimal_edges() {
        assert_eq!(line(pieces![0u8]), "0");
        assert_eq!(line(pieces![9u32, 10u32]), "910");
        assert_eq!(line(pieces![u64::MAX]), "18446744073709551615");
        assert_eq!(line(pieces![usize::MAX]), std::format!("{}", usize::MAX));
        assert_eq!(line(pieces![-1i32]), "-1");
        assert_eq!(line(pieces![0i64]), "0");
        assert_eq!(line(pieces![i64::MIN]), "-9223372036854775808");
        assert_eq!(line(pieces![i64::MAX]), "9223372036854775807");
        assert_eq!(line(pieces![i8::MIN]), "-128");
    }

    #[test]
    fn decimal_agrees_with_fmt() {
        let mut v: u64 = 1;
        for _ in 0..200 {
            assert_eq!(line(pieces![v]), std::format!("{v}"));
            assert_eq!(line(pieces![v - 1]), std::format!("{}", v - 1));
            v = v.wrapping_mul(7).wrapping_add(3);
        }
    }

    #[test]
    fn hex_shortest_and_widths() {
        assert_eq!(line(pieces![hex(0u8)]), "0x0");
        assert_eq!(line(pieces![hex(0xabcu32)]), "0xabc");
        assert_eq!(line(pieces![hex(u64::MAX)]), "0xffffffffffffffff");
        assert_eq!(line(pieces![hex_width(0, 8)]), "0x00000000");
        assert_eq!(line(pieces![hex_width(0x1f, 4)]), "0x001f");
        // A value wider than the width is not cut.
        assert_eq!(line(pieces![hex_width(0x12345, 2)]), "0x12345");
        assert_eq!(line(pieces![hex_width(1, 16)]), "0x0000000000000001");
        // Widths past 16 digits stop at 16.
        assert_eq!(line(pieces![hex_width(1, 40)]), "0x0000000000000001");
        for v in [1u64, 0x10, 0xdead_beef, 1 << 63] {
            assert_eq!(line(pieces![hex(v)]), std::format!("{v:#x}"));
            assert_eq!(line(pieces![hex_width(v, 16)]), std::format!("{v:#018x}"));
        }
    }

    #[test]
    fn text_bytes_bool_uuid() {
        let name = String::from("TA");
        assert_eq!(
            line(pieces!["RNG: ", 32usize, " byte(s) of boot seed, no RNDR"]),
            "RNG: 32 byte(s) of boot seed, no RNDR"
        );
        assert_eq!(
            line(pieces![name.as_str(), " ", true, "/", false]),
            "TA true/false"
        );
        let mut raw = Vec::new();
        write(&[Piece::Bytes(b"\xffraw\n"), Piece::Str("!")], &mut |b| {
            raw.extend_from_slice(b)
        });
        assert_eq!(raw, b"\xffraw\n!");
        let u = Uuid([
            0x8a, 0xaa, 0xf2, 0x00, 0x24, 0x50, 0x11, 0xe4, 0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5,
            0xc5, 0x1b,
        ]);
        assert_eq!(line(pieces![u]), "8aaaf200-2450-11e4-abe2-0002a5d5c51b");
        assert_eq!(line(pieces![]), "");
        assert_eq!(
            line(pieces![
                "map: ",
                described(("page not mapped", Some(0x4000)))
            ]),
            "map: page not mapped (0x4000)"
        );
        assert_eq!(
            line(pieces![described(("arena exhausted", None))]),
            "arena exhausted"
        );
    }
}
