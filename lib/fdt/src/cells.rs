//! Encoding and decoding of property values: big-endian cells and NUL-terminated string lists.

use alloc::vec::Vec;

use crate::FdtError;

/// Decodes a value of exactly one cell.
pub fn u32_from(v: &[u8]) -> Option<u32> {
    let b: [u8; 4] = v.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

/// Decodes a value of exactly two cells (high cell first).
pub fn u64_from(v: &[u8]) -> Option<u64> {
    let b: [u8; 8] = v.try_into().ok()?;
    Some(u64::from_be_bytes(b))
}

/// Decodes a value holding exactly one NUL-terminated UTF-8 string.
pub fn str_from(v: &[u8]) -> Option<&str> {
    let body = v.strip_suffix(&[0])?;
    if body.contains(&0) {
        return None;
    }
    core::str::from_utf8(body).ok()
}

/// Encodes cells big-endian.
pub fn encode_cells(cells: &[u32]) -> Vec<u8> {
    cells.iter().flat_map(|c| c.to_be_bytes()).collect()
}

/// Encodes a string list: every string followed by a NUL. Fails with [`FdtError::BadValue`] if a
/// string contains a NUL.
pub fn encode_strings(strings: &[&str]) -> Result<Vec<u8>, FdtError> {
    let mut v = Vec::new();
    for s in strings {
        if s.as_bytes().contains(&0) {
            return Err(FdtError::BadValue);
        }
        v.extend_from_slice(s.as_bytes());
        v.push(0);
    }
    Ok(v)
}

/// Appends `value` as `ncells` big-endian cells (0, 1 or 2 cells); fails with
/// [`FdtError::CellOverflow`] if it does not fit.
pub fn push_cells(out: &mut Vec<u8>, value: u64, ncells: u32) -> Result<(), FdtError> {
    match ncells {
        0 if value == 0 => {}
        1 => {
            let v = u32::try_from(value).map_err(|_| FdtError::CellOverflow)?;
            out.extend_from_slice(&v.to_be_bytes());
        }
        2 => out.extend_from_slice(&value.to_be_bytes()),
        _ => return Err(FdtError::CellOverflow),
    }
    Ok(())
}

/// Encodes one `reg` entry `<address size>` for the given `#address-cells`/`#size-cells`.
pub fn encode_reg(
    address: u64,
    size: u64,
    address_cells: u32,
    size_cells: u32,
) -> Result<Vec<u8>, FdtError> {
    let mut v = Vec::new();
    push_cells(&mut v, address, address_cells)?;
    push_cells(&mut v, size, size_cells)?;
    Ok(v)
}

/// Decodes a `reg`-style value into `(address, size)` pairs (1 or 2 cells each).
pub fn decode_reg(
    value: &[u8],
    address_cells: u32,
    size_cells: u32,
) -> Result<Vec<(u64, u64)>, FdtError> {
    let read = |b: &[u8]| -> u64 {
        b.chunks_exact(4).fold(0u64, |acc, c| {
            let mut w = [0u8; 4];
            w.copy_from_slice(c);
            (acc << 32) | u64::from(u32::from_be_bytes(w))
        })
    };
    if !(1..=2).contains(&address_cells) || size_cells > 2 {
        return Err(FdtError::CellOverflow);
    }
    let a = usize::try_from(address_cells).map_err(|_| FdtError::CellOverflow)? * 4;
    let s = usize::try_from(size_cells).map_err(|_| FdtError::CellOverflow)? * 4;
    let entry = a + s;
    if value.len() % entry != 0 {
        return Err(FdtError::BadValue);
    }
    Ok(value
        .chunks_exact(entry)
        .map(|e| {
            let (addr, size) = e.split_at(a);
            (read(addr), read(size))
        })
        .collect())
}

/// Iterator over the strings of a string-list value. Stops at the first string that is not
/// NUL-terminated or not UTF-8.
#[derive(Clone, Debug)]
pub struct StringList<'a> {
    rest: &'a [u8],
}

impl<'a> StringList<'a> {
    /// Iterates over `value`.
    pub fn new(value: &'a [u8]) -> Self {
        Self { rest: value }
    }
}

impl<'a> Iterator for StringList<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let end = self.rest.iter().position(|&b| b == 0)?;
        let (s, tail) = self.rest.split_at(end);
        self.rest = tail.get(1..).unwrap_or(&[]);
        match core::str::from_utf8(s) {
            Ok(s) => Some(s),
            Err(_) => {
                self.rest = &[];
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reg_round_trip() {
        let v = encode_reg(0x4200_0000, 0x20_0000, 2, 2).unwrap();
        assert_eq!(v, encode_cells(&[0, 0x4200_0000, 0, 0x20_0000]));
        assert_eq!(decode_reg(&v, 2, 2).unwrap(), [(0x4200_0000, 0x20_0000)]);
        let v = encode_reg(0x1000, 0x10, 1, 1).unwrap();
        assert_eq!(v.len(), 8);
        assert_eq!(decode_reg(&v, 1, 1).unwrap(), [(0x1000, 0x10)]);
        assert_eq!(
            encode_reg(0x1_0000_0000, 0, 1, 1),
            Err(FdtError::CellOverflow)
        );
        assert_eq!(encode_reg(0, 0, 3, 1), Err(FdtError::CellOverflow));
        assert_eq!(decode_reg(&v[..7], 1, 1), Err(FdtError::BadValue));
        assert_eq!(decode_reg(&v, 0, 1), Err(FdtError::CellOverflow));
    }

    #[test]
    fn strings() {
        let v = encode_strings(&["arm,psci-1.0", "arm,psci"]).unwrap();
        assert_eq!(v, b"arm,psci-1.0\0arm,psci\0");
        let l: Vec<_> = StringList::new(&v).collect();
        assert_eq!(l, ["arm,psci-1.0", "arm,psci"]);
        // Unterminated tail is dropped, invalid UTF-8 stops the iteration.
        assert_eq!(StringList::new(b"a\0b").collect::<Vec<_>>(), ["a"]);
        assert_eq!(StringList::new(b"\xff\0b\0").count(), 0);
        assert_eq!(str_from(b"abc\0"), Some("abc"));
        assert_eq!(str_from(b"abc"), None);
        assert_eq!(str_from(b"a\0b\0"), None);
        assert_eq!(u32_from(&[0, 0, 1, 0]), Some(256));
        assert_eq!(u32_from(&[0, 0, 1]), None);
        assert_eq!(u64_from(&[0, 0, 0, 1, 0, 0, 0, 2]), Some(0x1_0000_0002));
    }
}
