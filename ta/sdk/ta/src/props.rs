//! The TA's property table (`ta_props[]`, `ta_num_props`) in OP-TEE's layout, so
//! tools and libutee-style readers find the standard `gpd.ta.*` entries.

use supplicant_proto::ta_head::{
    TA_PROP_STR_DATA_SIZE, TA_PROP_STR_DESCRIPTION, TA_PROP_STR_ENDIAN, TA_PROP_STR_KEEP_ALIVE,
    TA_PROP_STR_MULTI_SESSION, TA_PROP_STR_SINGLE_INSTANCE, TA_PROP_STR_STACK_SIZE,
    TA_PROP_STR_VERSION,
};

/// `struct user_ta_property`: name (NUL-terminated), `USER_TA_PROP_TYPE_*`, value.
#[repr(C)]
#[derive(Debug)]
pub struct UserTaProperty {
    /// NUL-terminated name.
    pub name: *const u8,
    /// `USER_TA_PROP_TYPE_*`.
    pub prop_type: u32,
    /// The value, laid out as its type says.
    pub value: *const u8,
}

// SAFETY: entries only ever point at immutable statics.
unsafe impl Sync for UserTaProperty {}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    use supplicant_proto::ta_head as h;
    assert!(size_of::<UserTaProperty>() == h::USER_TA_PROPERTY_SIZE);
    assert!(offset_of!(UserTaProperty, prop_type) == h::USER_TA_PROPERTY_TYPE_OFFSET);
    assert!(offset_of!(UserTaProperty, value) == h::USER_TA_PROPERTY_VALUE_OFFSET);
};

/// `s` followed by a NUL, as an array of `N = s.len() + 1` bytes (checked at
/// compile time when used in a `static`).
pub const fn nul_terminated<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    assert!(b.len() + 1 == N, "length mismatch");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < b.len() {
        assert!(b[i] != 0, "NUL inside a property string");
        out[i] = b[i];
        i += 1;
    }
    out
}

macro_rules! names {
    ($($static:ident = $konst:ident;)*) => {
        $(
            #[doc = concat!("NUL-terminated `", stringify!($konst), "`.")]
            pub static $static: [u8; $konst.len() + 1] = nul_terminated($konst);
        )*
    };
}

names! {
    NAME_SINGLE_INSTANCE = TA_PROP_STR_SINGLE_INSTANCE;
    NAME_MULTI_SESSION = TA_PROP_STR_MULTI_SESSION;
    NAME_KEEP_ALIVE = TA_PROP_STR_KEEP_ALIVE;
    NAME_DATA_SIZE = TA_PROP_STR_DATA_SIZE;
    NAME_STACK_SIZE = TA_PROP_STR_STACK_SIZE;
    NAME_VERSION = TA_PROP_STR_VERSION;
    NAME_DESCRIPTION = TA_PROP_STR_DESCRIPTION;
    NAME_ENDIAN = TA_PROP_STR_ENDIAN;
}

/// Number of entries [`crate::ta!`] puts in `ta_props`.
pub const STANDARD_PROPS: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nul_terminated_copies() {
        for (name, konst) in [
            (&NAME_SINGLE_INSTANCE[..], TA_PROP_STR_SINGLE_INSTANCE),
            (&NAME_MULTI_SESSION[..], TA_PROP_STR_MULTI_SESSION),
            (&NAME_KEEP_ALIVE[..], TA_PROP_STR_KEEP_ALIVE),
            (&NAME_DATA_SIZE[..], TA_PROP_STR_DATA_SIZE),
            (&NAME_STACK_SIZE[..], TA_PROP_STR_STACK_SIZE),
            (&NAME_VERSION[..], TA_PROP_STR_VERSION),
            (&NAME_DESCRIPTION[..], TA_PROP_STR_DESCRIPTION),
            (&NAME_ENDIAN[..], TA_PROP_STR_ENDIAN),
        ] {
            assert_eq!(&name[..name.len() - 1], konst.as_bytes());
            assert_eq!(name.last(), Some(&0));
        }
        assert_eq!(NAME_DATA_SIZE, *b"gpd.ta.dataSize\0");
        let a: [u8; 3] = nul_terminated("ab");
        assert_eq!(a, *b"ab\0");
    }

    #[test]
    #[should_panic(expected = "length mismatch")]
    fn wrong_length_is_refused() {
        let _: [u8; 3] = nul_terminated("abc");
    }

    #[test]
    fn property_entry_layout() {
        static V: u32 = 0x1234;
        let e = UserTaProperty {
            name: NAME_DATA_SIZE.as_ptr(),
            prop_type: supplicant_proto::tee_syscall::USER_TA_PROP_TYPE_U32,
            value: &V as *const u32 as *const u8,
        };
        let base = &e as *const UserTaProperty as usize;
        assert_eq!(core::ptr::addr_of!(e.prop_type) as usize - base, 8);
        assert_eq!(core::ptr::addr_of!(e.value) as usize - base, 16);
        assert_eq!(core::mem::size_of::<UserTaProperty>(), 24);
    }
}
