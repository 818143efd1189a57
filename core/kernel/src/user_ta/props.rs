//! The kernel's half of the GP property API: `TEE_SCN_GET_PROPERTY` (3) and
//! `TEE_SCN_GET_PROPERTY_NAME_TO_INDEX` (4) (optee-abi.md §9.2), as OP-TEE
//! 4.5 answers them (`core/tee/tee_svc.c`: `tee_propset_client`,
//! `tee_propset_ta`, `tee_propset_tee`, `syscall_get_property`,
//! `syscall_get_property_name_to_index`).
//!
//! Pure logic: the syscall glue reads the in/out length words and copies the
//! returned bytes to the TA. libutee answers the TA's own `ta_props[]` and
//! `gpd.tee.arith.maxBigIntSize`, `gpd.tee.sockets.*`,
//! `gpd.tee.internalCore.version` itself; it asks the kernel only for what
//! is here, by index, and enumerators see these indexes (after libutee's own
//! entries), so the order of each table is ABI.
//!
//! Encodings (what lands in the TA's buffer): BOOL is one byte (C `bool`),
//! U32 four bytes LE, UUID the 16-byte native `TEE_UUID` (`timeLow` u32 LE,
//! `timeMid` u16 LE, `timeHiAndVersion` u16 LE, `clockSeqAndNode[8]`),
//! IDENTITY the 20-byte `TEE_Identity` (`login` u32 LE, then the `TEE_UUID`),
//! STRING the bytes and their NUL terminator.

use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_result::{TEE_ERROR_SHORT_BUFFER, TEE_SUCCESS};
use supplicant_proto::tee_syscall::{
    TEE_PROPSET_CURRENT_CLIENT, TEE_PROPSET_CURRENT_TA, TEE_PROPSET_TEE_IMPLEMENTATION,
    USER_TA_PROP_TYPE_BOOL, USER_TA_PROP_TYPE_IDENTITY, USER_TA_PROP_TYPE_STRING,
    USER_TA_PROP_TYPE_U32, USER_TA_PROP_TYPE_UUID,
};

/// `gpd.tee.apiversion`: OP-TEE's `CFG_TEE_API_VERSION` default, kept
/// because TAs compare it.
pub const API_VERSION: &str = "GPD-1.1-dev";
/// `gpd.tee.description` and `gpd.tee.trustedos.manufacturer`.
pub const OXTEE_NAME: &str = "oxtee";
/// `gpd.tee.systemTime.protectionLevel`: 1000, as OP-TEE's time source on
/// Arm (`tee_time_arm_cntpct.c`: the secure world reads CNTPCT itself).
pub const SYSTEM_TIME_PROTECTION_LEVEL: u32 = 1000;
/// `gpd.tee.TAPersistentTime.protectionLevel` (`ta_time_prot_lvl`: REE clock).
pub const TA_PERSISTENT_TIME_PROTECTION_LEVEL: u32 = 100;
/// `gpd.tee.trustedStorage.antiRollback.protectionLevel`: 100 without
/// `CFG_RPMB_FS` (Debian's QEMU build).
pub const ANTI_ROLLBACK_PROTECTION_LEVEL: u32 = 100;
/// `gpd.tee.firmware.implementation.version`: OP-TEE's default
/// (`CFG_TEE_FW_IMPL_VERSION`); the EL3 firmware does not tell us its own.
pub const FIRMWARE_VERSION: &str = "FW_IMPL_UNDEF";
/// `gpd.tee.firmware.manufacturer`: OP-TEE's default (`CFG_TEE_FW_MANUFACTURER`).
pub const FIRMWARE_MANUFACTURER: &str = "FW_MAN_UNDEF";

/// The session- and build-dependent values of the three sets.
/// UUIDs are in the native `TEE_UUID` layout (see [`super::uuid`]).
#[derive(Debug, Clone, Copy)]
pub struct PropContext<'a> {
    /// `TEE_LOGIN_*` of the session's client.
    pub client_login: u32,
    /// The client's UUID (zero for REE logins without one).
    pub client_uuid: [u8; 16],
    /// The running TA's UUID (`gpd.ta.appID`).
    pub ta_uuid: [u8; 16],
    /// `gpd.tee.deviceID`.
    pub device_id: [u8; 16],
    /// `gpd.tee.trustedos.implementation.version`.
    pub trustedos_version: &'a str,
    /// `gpd.tee.trustedos.implementation.binaryversion`.
    pub trustedos_binary_version: u32,
}

/// Where a property's value comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    Bool(bool),
    U32(u32),
    Str(&'static str),
    ClientIdentity,
    TaUuid,
    DeviceId,
    TrustedOsVersion,
    TrustedOsBinaryVersion,
}

#[derive(Debug)]
struct Entry {
    name: &'static str,
    prop_type: u32,
    source: Source,
}

const fn entry(name: &'static str, prop_type: u32, source: Source) -> Entry {
    Entry {
        name,
        prop_type,
        source,
    }
}

/// `TEE_PROPSET_CURRENT_CLIENT`, in OP-TEE's order.
static CLIENT_SET: [Entry; 2] = [
    entry(
        "gpd.client.identity",
        USER_TA_PROP_TYPE_IDENTITY,
        Source::ClientIdentity,
    ),
    // OP-TEE assumes a little-endian client (`get_prop_client_endian`).
    entry("gpd.client.endian", USER_TA_PROP_TYPE_U32, Source::U32(0)),
];

/// `TEE_PROPSET_CURRENT_TA`: the rest of that set lives in libutee.
static TA_SET: [Entry; 1] = [entry(
    "gpd.ta.appID",
    USER_TA_PROP_TYPE_UUID,
    Source::TaUuid,
)];

/// `TEE_PROPSET_TEE_IMPLEMENTATION`, in OP-TEE's order; the optional BTI,
/// PAuth and MTE entries that follow in OP-TEE are off in Debian's build.
static TEE_SET: [Entry; 13] = [
    entry(
        "gpd.tee.apiversion",
        USER_TA_PROP_TYPE_STRING,
        Source::Str(API_VERSION),
    ),
    entry(
        "gpd.tee.description",
        USER_TA_PROP_TYPE_STRING,
        Source::Str(OXTEE_NAME),
    ),
    entry("gpd.tee.deviceID", USER_TA_PROP_TYPE_UUID, Source::DeviceId),
    entry(
        "gpd.tee.systemTime.protectionLevel",
        USER_TA_PROP_TYPE_U32,
        Source::U32(SYSTEM_TIME_PROTECTION_LEVEL),
    ),
    entry(
        "gpd.tee.TAPersistentTime.protectionLevel",
        USER_TA_PROP_TYPE_U32,
        Source::U32(TA_PERSISTENT_TIME_PROTECTION_LEVEL),
    ),
    entry(
        "gpd.tee.cryptography.ecc",
        USER_TA_PROP_TYPE_BOOL,
        Source::Bool(true),
    ),
    entry(
        "gpd.tee.trustedStorage.antiRollback.protectionLevel",
        USER_TA_PROP_TYPE_U32,
        Source::U32(ANTI_ROLLBACK_PROTECTION_LEVEL),
    ),
    entry(
        "gpd.tee.trustedos.implementation.version",
        USER_TA_PROP_TYPE_STRING,
        Source::TrustedOsVersion,
    ),
    entry(
        "gpd.tee.trustedos.implementation.binaryversion",
        USER_TA_PROP_TYPE_U32,
        Source::TrustedOsBinaryVersion,
    ),
    entry(
        "gpd.tee.trustedos.manufacturer",
        USER_TA_PROP_TYPE_STRING,
        Source::Str(OXTEE_NAME),
    ),
    entry(
        "gpd.tee.firmware.implementation.version",
        USER_TA_PROP_TYPE_STRING,
        Source::Str(FIRMWARE_VERSION),
    ),
    entry(
        "gpd.tee.firmware.implementation.binaryversion",
        USER_TA_PROP_TYPE_U32,
        Source::U32(0),
    ),
    entry(
        "gpd.tee.firmware.manufacturer",
        USER_TA_PROP_TYPE_STRING,
        Source::Str(FIRMWARE_MANUFACTURER),
    ),
];

/// The table behind a pseudo-handle. The handle is compared as the full
/// register (`unsigned long` cast to a pointer in OP-TEE), so
/// `0x1_FFFF_FFFF` is no set.
fn set_table(set: u64) -> Option<&'static [Entry]> {
    match u32::try_from(set) {
        Ok(TEE_PROPSET_CURRENT_CLIENT) => Some(&CLIENT_SET),
        Ok(TEE_PROPSET_CURRENT_TA) => Some(&TA_SET),
        Ok(TEE_PROPSET_TEE_IMPLEMENTATION) => Some(&TEE_SET),
        _ => None,
    }
}

fn string_bytes(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s.as_bytes());
    v.push(0);
    v
}

/// What one half (value or name) of `GET_PROPERTY` writes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// For the in/out length word: the full size, written whether or not
    /// the buffer was large enough.
    pub len: u32,
    /// The bytes to copy to the TA's buffer; `None` when it is too small
    /// (then nothing is copied and the call answers `TEE_ERROR_SHORT_BUFFER`).
    pub data: Option<Vec<u8>>,
}

impl Reply {
    fn new(bytes: Vec<u8>, cap: u32) -> Self {
        // The needed size is reported even when it does not fit.
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        // Only a buffer at least as large as the whole value is written.
        let fits = usize::try_from(cap).is_ok_and(|c| c >= bytes.len());
        Self {
            len,
            data: fits.then_some(bytes),
        }
    }

    /// `TEE_SUCCESS`, or `TEE_ERROR_SHORT_BUFFER` when nothing fitted.
    pub fn result(&self) -> u32 {
        if self.data.is_some() {
            TEE_SUCCESS
        } else {
            TEE_ERROR_SHORT_BUFFER
        }
    }
}

/// One property of a set, found by [`lookup`].
#[derive(Debug, Clone, Copy)]
pub struct Property<'c> {
    entry: &'static Entry,
    ctx: &'c PropContext<'c>,
}

impl Property<'_> {
    /// `USER_TA_PROP_TYPE_*`.
    pub fn prop_type(&self) -> u32 {
        self.entry.prop_type
    }

    /// The name, without terminator.
    pub fn name(&self) -> &'static str {
        self.entry.name
    }

    /// The value as the TA receives it (see the module documentation).
    pub fn value_bytes(&self) -> Vec<u8> {
        let c = self.ctx;
        match self.entry.source {
            Source::Bool(b) => alloc::vec![u8::from(b)],
            Source::U32(v) => v.to_le_bytes().to_vec(),
            Source::Str(s) => string_bytes(s),
            Source::ClientIdentity => {
                let mut v = c.client_login.to_le_bytes().to_vec();
                v.extend_from_slice(&c.client_uuid);
                v
            }
            Source::TaUuid => c.ta_uuid.to_vec(),
            Source::DeviceId => c.device_id.to_vec(),
            Source::TrustedOsVersion => string_bytes(c.trustedos_version),
            Source::TrustedOsBinaryVersion => c.trustedos_binary_version.to_le_bytes().to_vec(),
        }
    }

    /// The value step, for a buffer of `cap` bytes (the TA's `*blen`).
    pub fn value_reply(&self, cap: u32) -> Reply {
        Reply::new(self.value_bytes(), cap)
    }

    /// The name step, for a buffer of `cap` bytes (the TA's `*name_len`):
    /// the name goes out with its NUL, and the length counts it.
    pub fn name_reply(&self, cap: u32) -> Reply {
        Reply::new(string_bytes(self.entry.name), cap)
    }
}

/// Step 1 of `GET_PROPERTY`: the property at `index` of `set`.
///
/// An unknown set is an empty set, so it answers `TEE_ERROR_ITEM_NOT_FOUND`
/// like an index past the end (`get_prop_struct`); nothing is written then.
pub fn lookup<'c>(
    set: u64,
    index: u64,
    ctx: &'c PropContext<'c>,
) -> Result<Property<'c>, TeeError> {
    let table = set_table(set).ok_or(TeeError::ITEM_NOT_FOUND)?;
    // The index is the full register: no truncation to 32 bits.
    let entry = usize::try_from(index)
        .ok()
        .and_then(|i| table.get(i))
        .ok_or(TeeError::ITEM_NOT_FOUND)?;
    Ok(Property { entry, ctx })
}

/// Everything `GET_PROPERTY` writes back, when the property exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropAnswer {
    /// For `*prop_type`, if that pointer is non-NULL; written first, even
    /// when a later step fails.
    pub prop_type: u32,
    /// The value step: present iff a value capacity was given.
    pub value: Option<Reply>,
    /// The name step: present iff a name capacity was given and the value
    /// step succeeded.
    pub name: Option<Reply>,
    /// The syscall's result.
    pub result: u32,
}

/// `GET_PROPERTY(set, index, name, name_len, buf, blen, prop_type)`.
///
/// `value_cap` is `Some(*blen)` only when both `buf` and `blen` are non-NULL,
/// and `name_cap` is `Some(*name_len)` only when both `name` and `name_len`
/// are: OP-TEE skips a step, and leaves its length word untouched, when
/// either pointer of it is NULL (so a size query needs a non-NULL buffer
/// with a length of 0). `Err` means nothing is written at all.
///
/// The glue writes, in order: the type; the value bytes (if any) then
/// `*blen`; the name bytes (if any) then `*name_len`. A failed copy of a
/// length word ends the call with that error, a failed copy of bytes still
/// lets its length word be written first. For exact fault ordering the glue
/// may instead drive [`lookup`] and [`Property::value_reply`] /
/// [`Property::name_reply`] itself, reading each length word just before
/// its step.
pub fn get_property(
    set: u64,
    index: u64,
    ctx: &PropContext<'_>,
    name_cap: Option<u32>,
    value_cap: Option<u32>,
) -> Result<PropAnswer, TeeError> {
    let prop = lookup(set, index, ctx)?;
    let value = value_cap.map(|cap| prop.value_reply(cap));
    let value_result = value.as_ref().map_or(TEE_SUCCESS, Reply::result);
    // The value comes first and a short value buffer returns before the
    // name is looked at (so `*name_len` stays as the TA set it).
    let name = if value_result == TEE_SUCCESS {
        name_cap.map(|cap| prop.name_reply(cap))
    } else {
        None
    };
    let name_result = name.as_ref().map_or(TEE_SUCCESS, Reply::result);
    Ok(PropAnswer {
        prop_type: prop.prop_type(),
        value,
        name,
        result: if value_result != TEE_SUCCESS {
            value_result
        } else {
            name_result
        },
    })
}

/// The checks `GET_PROPERTY_NAME_TO_INDEX` makes before it reads the name,
/// in OP-TEE's order; the glue copies `name_len` bytes only after this.
pub fn name_to_index_precheck(set: u64, name_addr: u64, name_len: u64) -> Result<(), TeeError> {
    // An unknown set is reported before the arguments are looked at.
    set_table(set).ok_or(TeeError::ITEM_NOT_FOUND)?;
    // A NULL name or a zero length is a bad argument, not a missing name.
    if name_addr == 0 || name_len == 0 {
        return Err(TeeError::BAD_PARAMETERS);
    }
    Ok(())
}

/// `GET_PROPERTY_NAME_TO_INDEX(set, name, name_len, &index)` on the `name_len`
/// bytes copied from the TA; `Ok` is the index to store.
pub fn name_to_index(set: u64, name: &[u8]) -> Result<u32, TeeError> {
    let table = set_table(set).ok_or(TeeError::ITEM_NOT_FOUND)?;
    // The last byte is replaced by a NUL, so it never takes part (libutee
    // passes strlen + 1; a name sent without its NUL loses its last char).
    let (_, body) = name.split_last().ok_or(TeeError::BAD_PARAMETERS)?;
    // Compared as C strings: anything after the first NUL is ignored.
    let key = body.split(|&b| b == 0).next().unwrap_or(body);
    // Exact, case-sensitive match (strcmp); the first match wins.
    table
        .iter()
        .position(|e| e.name.as_bytes() == key)
        .and_then(|i| u32::try_from(i).ok())
        .ok_or(TeeError::ITEM_NOT_FOUND)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use supplicant_proto::tee_result::TEE_LOGIN_TRUSTED_APP;

    const CLIENT: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const TA: [u8; 16] = [0xA0; 16];
    const DEV: [u8; 16] = [
        0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0x5D, 0xD7, 0x88, 9, 10, 11, 12, 13, 14, 15,
    ];

    fn ctx() -> PropContext<'static> {
        PropContext {
            client_login: TEE_LOGIN_TRUSTED_APP,
            client_uuid: CLIENT,
            ta_uuid: TA,
            device_id: DEV,
            trustedos_version: "0.1.0",
            trustedos_binary_version: 0x0001_0000,
        }
    }

    fn s(v: &str) -> Vec<u8> {
        string_bytes(v)
    }

    /// The names OP-TEE 4.5 serves, per set, in index order.
    const CLIENT_NAMES: [&str; 2] = ["gpd.client.identity", "gpd.client.endian"];
    const TA_NAMES: [&str; 1] = ["gpd.ta.appID"];
    const TEE_NAMES: [&str; 13] = [
        "gpd.tee.apiversion",
        "gpd.tee.description",
        "gpd.tee.deviceID",
        "gpd.tee.systemTime.protectionLevel",
        "gpd.tee.TAPersistentTime.protectionLevel",
        "gpd.tee.cryptography.ecc",
        "gpd.tee.trustedStorage.antiRollback.protectionLevel",
        "gpd.tee.trustedos.implementation.version",
        "gpd.tee.trustedos.implementation.binaryversion",
        "gpd.tee.trustedos.manufacturer",
        "gpd.tee.firmware.implementation.version",
        "gpd.tee.firmware.implementation.binaryversion",
        "gpd.tee.firmware.manufacturer",
    ];

    /// One expected property: set, index, name, type, value bytes.
    type Expected = (u32, u32, &'static str, u32, Vec<u8>);

    /// Every property the kernel serves.
    fn expected() -> Vec<Expected> {
        use supplicant_proto::tee_syscall::{
            USER_TA_PROP_TYPE_BOOL as BOOL, USER_TA_PROP_TYPE_IDENTITY as ID,
            USER_TA_PROP_TYPE_STRING as STR, USER_TA_PROP_TYPE_U32 as U32,
            USER_TA_PROP_TYPE_UUID as UUID,
        };
        let u32b = |v: u32| v.to_le_bytes().to_vec();
        let mut identity = u32b(TEE_LOGIN_TRUSTED_APP);
        identity.extend_from_slice(&CLIENT);
        let client = vec![(ID, identity), (U32, u32b(0))];
        let ta = vec![(UUID, TA.to_vec())];
        let tee = vec![
            (STR, s("GPD-1.1-dev")),
            (STR, s("oxtee")),
            (UUID, DEV.to_vec()),
            (U32, u32b(1000)),
            (U32, u32b(100)),
            (BOOL, vec![1]),
            (U32, u32b(100)),
            (STR, s("0.1.0")),
            (U32, u32b(0x0001_0000)),
            (STR, s("oxtee")),
            (STR, s("FW_IMPL_UNDEF")),
            (U32, u32b(0)),
            (STR, s("FW_MAN_UNDEF")),
        ];
        let sets = [
            (TEE_PROPSET_CURRENT_CLIENT, &CLIENT_NAMES[..], client),
            (TEE_PROPSET_CURRENT_TA, &TA_NAMES, ta),
            (TEE_PROPSET_TEE_IMPLEMENTATION, &TEE_NAMES, tee),
        ];
        let mut all = Vec::new();
        for (set, names, values) in sets {
            assert_eq!(names.len(), values.len());
            for (i, (name, (ty, bytes))) in names.iter().zip(values).enumerate() {
                all.push((set, u32::try_from(i).unwrap(), *name, ty, bytes));
            }
        }
        all
    }

    #[test]
    fn every_property_by_name_and_index() {
        let ctx = ctx();
        let all = expected();
        assert_eq!(all.len(), CLIENT_SET.len() + TA_SET.len() + TEE_SET.len());
        for (set, index, name, ty, bytes) in all {
            let set = u64::from(set);
            assert_eq!(name_to_index(set, &s(name)), Ok(index), "{name}");
            let a = get_property(set, u64::from(index), &ctx, Some(256), Some(256)).unwrap();
            assert_eq!(a.result, TEE_SUCCESS, "{name}");
            assert_eq!(a.prop_type, ty, "{name}");
            let len = u32::try_from(bytes.len()).unwrap();
            assert_eq!(
                a.value,
                Some(Reply {
                    len,
                    data: Some(bytes)
                }),
                "{name}"
            );
            let n = s(name);
            let nlen = u32::try_from(n.len()).unwrap();
            assert_eq!(
                a.name,
                Some(Reply {
                    len: nlen,
                    data: Some(n)
                }),
                "{name}"
            );
        }
    }

    #[test]
    fn fixed_sizes_per_type() {
        let ctx = ctx();
        for (set, index, name, ty, _) in expected() {
            let p = lookup(u64::from(set), u64::from(index), &ctx).unwrap();
            let v = p.value_bytes();
            match ty {
                USER_TA_PROP_TYPE_BOOL => assert_eq!(v.len(), 1, "{name}"),
                USER_TA_PROP_TYPE_U32 => assert_eq!(v.len(), 4, "{name}"),
                USER_TA_PROP_TYPE_UUID => assert_eq!(v.len(), 16, "{name}"),
                USER_TA_PROP_TYPE_IDENTITY => assert_eq!(v.len(), 20, "{name}"),
                // One NUL, at the end.
                _ => assert_eq!(v.iter().position(|&b| b == 0), Some(v.len() - 1), "{name}"),
            }
        }
    }

    #[test]
    fn index_past_the_end() {
        let ctx = ctx();
        let sets = [
            (TEE_PROPSET_CURRENT_CLIENT, 2u64),
            (TEE_PROPSET_CURRENT_TA, 1),
            (TEE_PROPSET_TEE_IMPLEMENTATION, 13),
        ];
        for (set, end) in sets {
            for index in [end, end + 1, 1 << 32, u64::MAX] {
                let r = get_property(u64::from(set), index, &ctx, Some(64), Some(64));
                assert_eq!(r, Err(TeeError::ITEM_NOT_FOUND));
            }
        }
    }

    #[test]
    fn bad_set() {
        let ctx = ctx();
        for set in [0, 1, 0xFFFF_FFFC, 0x1_FFFF_FFFD, 0x1_FFFF_FFFF, u64::MAX] {
            assert_eq!(
                get_property(set, 0, &ctx, None, None),
                Err(TeeError::ITEM_NOT_FOUND)
            );
            assert_eq!(
                name_to_index(set, b"gpd.ta.appID\0"),
                Err(TeeError::ITEM_NOT_FOUND)
            );
            // Set before arguments.
            assert_eq!(name_to_index(set, b""), Err(TeeError::ITEM_NOT_FOUND));
            assert_eq!(
                name_to_index_precheck(set, 0, 0),
                Err(TeeError::ITEM_NOT_FOUND)
            );
        }
    }

    #[test]
    fn short_value_buffer() {
        let ctx = ctx();
        let tee = u64::from(TEE_PROPSET_TEE_IMPLEMENTATION);
        // Size query: blen 0 answers the size, nothing copied, name untouched.
        for cap in [0, 11] {
            let a = get_property(tee, 0, &ctx, Some(64), Some(cap)).unwrap();
            assert_eq!(a.result, TEE_ERROR_SHORT_BUFFER);
            assert_eq!(a.prop_type, USER_TA_PROP_TYPE_STRING);
            assert_eq!(
                a.value,
                Some(Reply {
                    len: 12,
                    data: None
                })
            );
            assert_eq!(a.name, None);
        }
        // Exact fit.
        let a = get_property(tee, 0, &ctx, None, Some(12)).unwrap();
        assert_eq!(a.result, TEE_SUCCESS);
        assert_eq!(a.value.unwrap().data.unwrap(), b"GPD-1.1-dev\0");
        // Fixed-size types too (identity: 20).
        let a = get_property(
            u64::from(TEE_PROPSET_CURRENT_CLIENT),
            0,
            &ctx,
            None,
            Some(19),
        )
        .unwrap();
        assert_eq!(a.result, TEE_ERROR_SHORT_BUFFER);
        assert_eq!(
            a.value,
            Some(Reply {
                len: 20,
                data: None
            })
        );
        let a = get_property(tee, 5, &ctx, None, Some(0)).unwrap();
        assert_eq!(a.value, Some(Reply { len: 1, data: None }));
    }

    #[test]
    fn short_name_buffer() {
        let ctx = ctx();
        let ta = u64::from(TEE_PROPSET_CURRENT_TA);
        // Value fits, name does not: value written, name length reported.
        let a = get_property(ta, 0, &ctx, Some(12), Some(16)).unwrap();
        assert_eq!(a.result, TEE_ERROR_SHORT_BUFFER);
        assert_eq!(
            a.value,
            Some(Reply {
                len: 16,
                data: Some(TA.to_vec())
            })
        );
        assert_eq!(
            a.name,
            Some(Reply {
                len: 13,
                data: None
            })
        );
        // Name only (TEE_GetPropertyName): exact fit includes the NUL.
        let a = get_property(ta, 0, &ctx, Some(13), None).unwrap();
        assert_eq!(a.result, TEE_SUCCESS);
        assert_eq!(a.value, None);
        assert_eq!(a.name.unwrap().data.unwrap(), b"gpd.ta.appID\0");
        let a = get_property(ta, 0, &ctx, Some(0), None).unwrap();
        assert_eq!(
            a.name,
            Some(Reply {
                len: 13,
                data: None
            })
        );
    }

    #[test]
    fn existence_probe_writes_only_the_type() {
        // TEE_GetNextProperty passes no buffers at all.
        let a = get_property(u64::from(TEE_PROPSET_CURRENT_CLIENT), 1, &ctx(), None, None).unwrap();
        assert_eq!(
            a,
            PropAnswer {
                prop_type: USER_TA_PROP_TYPE_U32,
                value: None,
                name: None,
                result: TEE_SUCCESS
            }
        );
    }

    #[test]
    fn names_without_terminator() {
        let tee = u64::from(TEE_PROPSET_TEE_IMPLEMENTATION);
        let ta = u64::from(TEE_PROPSET_CURRENT_TA);
        // The last byte is always dropped: no NUL means the name is cut.
        assert_eq!(
            name_to_index(ta, b"gpd.ta.appID"),
            Err(TeeError::ITEM_NOT_FOUND)
        );
        assert_eq!(name_to_index(ta, b"gpd.ta.appIDx"), Ok(0));
        // Bytes after the first NUL do not count.
        assert_eq!(name_to_index(tee, b"gpd.tee.description\0junk"), Ok(1));
        assert_eq!(name_to_index(tee, b"gpd.tee.description\0\0"), Ok(1));
        // Exact, case-sensitive, no prefix match.
        assert_eq!(
            name_to_index(ta, b"GPD.TA.APPID\0"),
            Err(TeeError::ITEM_NOT_FOUND)
        );
        assert_eq!(
            name_to_index(tee, b"gpd.tee.\0"),
            Err(TeeError::ITEM_NOT_FOUND)
        );
        // Right name, wrong set; and names libutee answers itself.
        assert_eq!(
            name_to_index(tee, b"gpd.ta.appID\0"),
            Err(TeeError::ITEM_NOT_FOUND)
        );
        assert_eq!(
            name_to_index(tee, b"gpd.tee.arith.maxBigIntSize\0"),
            Err(TeeError::ITEM_NOT_FOUND)
        );
        assert_eq!(
            name_to_index(tee, b"gpd.tee.internalCore.version\0"),
            Err(TeeError::ITEM_NOT_FOUND)
        );
    }

    #[test]
    fn empty_name() {
        let tee = u64::from(TEE_PROPSET_TEE_IMPLEMENTATION);
        assert_eq!(name_to_index(tee, b""), Err(TeeError::BAD_PARAMETERS));
        assert_eq!(name_to_index(tee, b"\0"), Err(TeeError::ITEM_NOT_FOUND));
        assert_eq!(name_to_index(tee, b"x"), Err(TeeError::ITEM_NOT_FOUND));
        assert_eq!(
            name_to_index_precheck(tee, 0x1000, 0),
            Err(TeeError::BAD_PARAMETERS)
        );
        assert_eq!(
            name_to_index_precheck(tee, 0, 8),
            Err(TeeError::BAD_PARAMETERS)
        );
        assert_eq!(name_to_index_precheck(tee, 0x1000, 8), Ok(()));
    }

    #[test]
    fn huge_name() {
        let tee = u64::from(TEE_PROPSET_TEE_IMPLEMENTATION);
        let mut name = vec![b'a'; 1 << 20];
        assert_eq!(name_to_index(tee, &name), Err(TeeError::ITEM_NOT_FOUND));
        let real = b"gpd.tee.firmware.manufacturer\0";
        name[..real.len()].copy_from_slice(real);
        assert_eq!(name_to_index(tee, &name), Ok(12));
    }

    #[test]
    fn uuid_octets_to_native() {
        // 8aaaf200-2450-11e4-abe2-0002a5d5c51b
        let octets = [
            0x8a, 0xaa, 0xf2, 0x00, 0x24, 0x50, 0x11, 0xe4, 0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5,
            0xc5, 0x1b,
        ];
        let native = super::super::uuid::to_tee_struct(octets);
        assert_eq!(native[..4], 0x8aaa_f200u32.to_le_bytes());
        assert_eq!(native[4..6], 0x2450u16.to_le_bytes());
        assert_eq!(native[6..8], 0x11e4u16.to_le_bytes());
        assert_eq!(native[8..], octets[8..]);
    }
}
