//! `TEE_UUID` in its native (little-endian struct) form, as stored in `ta_head`.

use core::fmt;

/// A `TEE_UUID` {timeLow, timeMid, timeHiAndVersion, clockSeqAndNode[8]}.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TeeUuid {
    /// `timeLow`.
    pub time_low: u32,
    /// `timeMid`.
    pub time_mid: u16,
    /// `timeHiAndVersion`.
    pub time_hi_and_version: u16,
    /// `clockSeqAndNode`.
    pub clock_seq_and_node: [u8; 8],
}

impl TeeUuid {
    /// Decodes the 16-byte native little-endian struct (as in `ta_head` and syscalls).
    pub fn from_le_struct(b: &[u8; 16]) -> Self {
        let mut node = [0u8; 8];
        node.copy_from_slice(&b[8..16]);
        TeeUuid {
            time_low: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            time_mid: u16::from_le_bytes([b[4], b[5]]),
            time_hi_and_version: u16::from_le_bytes([b[6], b[7]]),
            clock_seq_and_node: node,
        }
    }

    /// The 16 octets in RFC 4122 (big-endian) order, as OPTEE_MSG and signed headers use.
    pub fn to_octets(&self) -> [u8; 16] {
        let mut o = [0u8; 16];
        o[0..4].copy_from_slice(&self.time_low.to_be_bytes());
        o[4..6].copy_from_slice(&self.time_mid.to_be_bytes());
        o[6..8].copy_from_slice(&self.time_hi_and_version.to_be_bytes());
        o[8..16].copy_from_slice(&self.clock_seq_and_node);
        o
    }

    /// Parses the canonical text form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case),
    /// as used in `DT_NEEDED` entries.
    pub fn parse(s: &[u8]) -> Option<Self> {
        if s.len() != 36 || s[8] != b'-' || s[13] != b'-' || s[18] != b'-' || s[23] != b'-' {
            return None;
        }
        let mut o = [0u8; 16];
        let mut n = 0;
        let mut i = 0;
        while i < 36 {
            if s[i] == b'-' && (i == 8 || i == 13 || i == 18 || i == 23) {
                i += 1;
                continue;
            }
            let hi = hex(*s.get(i)?)?;
            let lo = hex(*s.get(i + 1)?)?;
            *o.get_mut(n)? = (hi << 4) | lo;
            n += 1;
            i += 2;
        }
        if n != 16 {
            return None;
        }
        let mut node = [0u8; 8];
        node.copy_from_slice(&o[8..16]);
        Some(TeeUuid {
            time_low: u32::from_be_bytes([o[0], o[1], o[2], o[3]]),
            time_mid: u16::from_be_bytes([o[4], o[5]]),
            time_hi_and_version: u16::from_be_bytes([o[6], o[7]]),
            clock_seq_and_node: node,
        })
    }
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for TeeUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = &self.clock_seq_and_node;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
            self.time_low,
            self.time_mid,
            self.time_hi_and_version,
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            n[5],
            n[6],
            n[7]
        )
    }
}
