//! What a TA binary carries for its loader (OP-TEE 4.5 `user_ta_header.h`;
//! optee-abi.md §8.2, §8.3): `struct ta_head`, the flag mask, the native
//! `TEE_UUID` encoding and the standard `ta_props[]` names.
//!
//! `ta_head` sits at module address 0 (the start of the first load segment),
//! in section `.ta_head`, and is exported as the dynamic symbol `ta_head`.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// Section the loader expects `ta_head` in.
pub const TA_HEAD_SECTION: &str = ".ta_head";
/// Symbol name of `ta_head`.
pub const TA_HEAD_SYMBOL: &str = "ta_head";
/// `ta_head.depr_entry` of every modern TA: the entry is the ELF's `e_entry`.
/// Any other value marks a legacy TA.
pub const TA_HEAD_NO_DEPR_ENTRY: u64 = u64::MAX;
/// `TA_FLAGS_MASK`: flag bits a loader accepts (others: `TEE_ERROR_BAD_FORMAT`).
pub const TA_FLAGS_MASK: u32 = 0x3FFF;
/// `TA_FLAG_CACHE_MAINTENANCE`: the TA may use `TEE_SCN_CACHE_OPERATION`.
pub const TA_FLAG_CACHE_MAINTENANCE: u32 = 1 << 7;
/// `TA_FLAG_INSTANCE_KEEP_CRASHED`: a crashed keep-alive instance is not re-created.
pub const TA_FLAG_INSTANCE_KEEP_CRASHED: u32 = 1 << 13;
/// Stack the OP-TEE dev kit adds to `TA_STACK_SIZE` for its own framework
/// (`ta_head.stack_size = TA_STACK_SIZE + 2048`).
pub const TA_FRAMEWORK_STACK_SIZE: u32 = 2048;

/// `struct ta_head` (32 bytes).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TaHead {
    /// The TA's `TEE_UUID` in native (little-endian fields) form.
    pub uuid: [u8; 16],
    /// Bytes of stack the loader maps for the TA.
    pub stack_size: u32,
    /// `TA_FLAG_*`.
    pub flags: u32,
    /// [`TA_HEAD_NO_DEPR_ENTRY`] for modern TAs.
    pub depr_entry: u64,
}

const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<TaHead>() == 32);
    assert!(offset_of!(TaHead, stack_size) == 16);
    assert!(offset_of!(TaHead, flags) == 20);
    assert!(offset_of!(TaHead, depr_entry) == 24);
};

/// Size of `struct user_ta_property` on AArch64: `name` pointer @0, `type`
/// u32 @8 (then padding), `value` pointer @16.
pub const USER_TA_PROPERTY_SIZE: usize = 24;
/// Offset of `type` in `struct user_ta_property`.
pub const USER_TA_PROPERTY_TYPE_OFFSET: usize = 8;
/// Offset of `value` in `struct user_ta_property`.
pub const USER_TA_PROPERTY_VALUE_OFFSET: usize = 16;
/// Symbol of the TA's property array.
pub const TA_PROPS_SYMBOL: &str = "ta_props";
/// Symbol of the TA's property count (`size_t`).
pub const TA_NUM_PROPS_SYMBOL: &str = "ta_num_props";

/// `TA_PROP_STR_SINGLE_INSTANCE` (bool).
pub const TA_PROP_STR_SINGLE_INSTANCE: &str = "gpd.ta.singleInstance";
/// `TA_PROP_STR_MULTI_SESSION` (bool).
pub const TA_PROP_STR_MULTI_SESSION: &str = "gpd.ta.multiSession";
/// `TA_PROP_STR_KEEP_ALIVE` (bool).
pub const TA_PROP_STR_KEEP_ALIVE: &str = "gpd.ta.instanceKeepAlive";
/// `TA_PROP_STR_KEEP_CRASHED` (bool).
pub const TA_PROP_STR_KEEP_CRASHED: &str = "optee.ta.instanceKeepCrashed";
/// `TA_PROP_STR_DATA_SIZE` (u32): the TA's heap.
pub const TA_PROP_STR_DATA_SIZE: &str = "gpd.ta.dataSize";
/// `TA_PROP_STR_STACK_SIZE` (u32).
pub const TA_PROP_STR_STACK_SIZE: &str = "gpd.ta.stackSize";
/// `TA_PROP_STR_VERSION` (string).
pub const TA_PROP_STR_VERSION: &str = "gpd.ta.version";
/// `TA_PROP_STR_DESCRIPTION` (string).
pub const TA_PROP_STR_DESCRIPTION: &str = "gpd.ta.description";
/// `TA_PROP_STR_ENDIAN` (u32, 0 = little).
pub const TA_PROP_STR_ENDIAN: &str = "gpd.ta.endian";
/// `TA_PROP_STR_DOES_NOT_CLOSE_HANDLE_ON_CORRUPT_OBJECT` (bool).
pub const TA_PROP_STR_DOES_NOT_CLOSE_HANDLE_ON_CORRUPT_OBJECT: &str =
    "gpd.ta.doesNotCloseHandleOnCorruptObject";

/// Error of [`tee_uuid_native`]: the text is not `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadUuid;

const fn hex_nibble(c: u8) -> Result<u8, BadUuid> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(BadUuid),
    }
}

/// The RFC 4122 octets (network order) of a canonical UUID string; usable in
/// `const` context, so a bad UUID in a TA's declaration fails the build.
pub const fn tee_uuid_octets(s: &str) -> Result<[u8; 16], BadUuid> {
    let s = s.as_bytes();
    if s.len() != 36 || s[8] != b'-' || s[13] != b'-' || s[18] != b'-' || s[23] != b'-' {
        return Err(BadUuid);
    }
    let mut out = [0u8; 16];
    let mut i = 0;
    let mut n = 0;
    while i < 36 {
        if i == 8 || i == 13 || i == 18 || i == 23 {
            i += 1;
            continue;
        }
        let hi = match hex_nibble(s[i]) {
            Ok(v) => v,
            Err(e) => return Err(e),
        };
        let lo = match hex_nibble(s[i + 1]) {
            Ok(v) => v,
            Err(e) => return Err(e),
        };
        out[n] = (hi << 4) | lo;
        n += 1;
        i += 2;
    }
    Ok(out)
}

/// The native `TEE_UUID` bytes (timeLow u32, timeMid u16, timeHiAndVersion
/// u16 little-endian, then clockSeqAndNode) of RFC 4122 octets.
pub const fn tee_uuid_native(octets: [u8; 16]) -> [u8; 16] {
    let o = octets;
    [
        o[3], o[2], o[1], o[0], o[5], o[4], o[7], o[6], o[8], o[9], o[10], o[11], o[12], o[13],
        o[14], o[15],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_text_to_octets_and_native() {
        let o = tee_uuid_octets("cb3e5ba0-adf1-11e0-998b-0002a5d5c51b").unwrap();
        assert_eq!(
            o,
            [
                0xcb, 0x3e, 0x5b, 0xa0, 0xad, 0xf1, 0x11, 0xe0, 0x99, 0x8b, 0x00, 0x02, 0xa5, 0xd5,
                0xc5, 0x1b
            ]
        );
        let n = tee_uuid_native(o);
        assert_eq!(&n[0..4], &0xcb3e_5ba0u32.to_le_bytes());
        assert_eq!(&n[4..6], &0xadf1u16.to_le_bytes());
        assert_eq!(&n[6..8], &0x11e0u16.to_le_bytes());
        assert_eq!(&n[8..], &o[8..]);
        assert_eq!(
            tee_uuid_octets("CB3E5BA0-ADF1-11E0-998B-0002A5D5C51B").unwrap(),
            o
        );
    }

    #[test]
    fn bad_uuid_text_refused() {
        for bad in [
            "",
            "cb3e5ba0-adf1-11e0-998b-0002a5d5c51",
            "cb3e5ba0-adf1-11e0-998b-0002a5d5c51bb",
            "cb3e5ba0xadf1-11e0-998b-0002a5d5c51b",
            "cb3e5ba0-adf1-11e0-998b-0002a5d5c5g1",
            "cb3e5ba0-adf1-11e0-998b-0002a5d5c5-1",
        ] {
            assert_eq!(tee_uuid_octets(bad), Err(BadUuid), "{bad:?}");
        }
    }

    #[test]
    fn ta_head_bytes() {
        let h = TaHead {
            uuid: [7; 16],
            stack_size: 0x4000,
            flags: 0x0C,
            depr_entry: TA_HEAD_NO_DEPR_ENTRY,
        };
        let b = h.as_bytes();
        assert_eq!(&b[16..20], &0x4000u32.to_le_bytes());
        assert_eq!(&b[20..24], &0x0Cu32.to_le_bytes());
        assert_eq!(&b[24..32], &[0xFF; 8]);
        assert_eq!(TaHead::read_from_bytes(b).unwrap(), h);
    }
}
