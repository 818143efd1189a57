//! The TA system-call ABI of OP-TEE 4.5: syscall numbers
//! (`tee_syscall_numbers.h`, ldelf's `ldelf.h`), the user-side structures of
//! `utee_types.h`, and the TA entry functions (optee-abi.md §8.5, §9).
//!
//! # Calling convention (AArch64 TA, optee-abi.md §9.1)
//!
//! - The TA executes `svc #0` with the syscall number in **x8** and up to
//!   [`TEE_SVC_MAX_ARGS`] (8) arguments in **x0..x7**; nothing is passed on
//!   the stack. (AArch32 TAs: number in r7, r0..r3, further arguments on the
//!   user stack at r5 with their count in r6.)
//! - The result, a `TEE_Result`, comes back in **x0** (zero-extended `u32`);
//!   every other register is preserved.
//! - A number above [`TEE_SCN_MAX`] or one of the deprecated Secure Element
//!   slots (55..=69) answers `TEE_ERROR_NOT_SUPPORTED`.
//! - [`Sysnum::Return`] and [`Sysnum::Panic`] do not return to the TA.
//! - Pointer arguments are user virtual addresses and must be access-checked
//!   and copied once; `uint64_t *` length arguments are in/out (buffer size
//!   in, produced or needed size out, `TEE_ERROR_SHORT_BUFFER` when short).
//!
//! # Entering a TA (optee-abi.md §8.5)
//!
//! `__ta_entry(func, session_id, utee_params *, cmd_id)` in x0..x3, with
//! `func` one of [`UteeEntryFunc`]; it never returns and ends with
//! [`TEE_SCN_RETURN`].

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use crate::tee_result::{tee_param_type_get, TEE_NUM_PARAMS};

/// `TEE_SVC_MAX_ARGS`: arguments a syscall takes at most (x0..x7).
pub const TEE_SVC_MAX_ARGS: usize = 8;

/// Error of [`Sysnum::try_from`] / [`LdelfSysnum::try_from`]: the number
/// names no syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownSysnum(pub u64);

macro_rules! syscall_table {
    (
        $(#[$enum_doc:meta])*
        enum $enum:ident;
        $( $variant:ident = $konst:ident = $num:literal, args $args:literal; )*
    ) => {
        $(
            #[doc = concat!("`", stringify!($konst), "`.")]
            pub const $konst: u32 = $num;
        )*

        $(#[$enum_doc])*
        #[repr(u32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $enum {
            $(
                #[doc = concat!("`", stringify!($konst), "` (", stringify!($num), ").")]
                $variant = $num,
            )*
        }

        impl $enum {
            /// Every variant, in number order.
            pub const ALL: &'static [$enum] = &[$($enum::$variant),*];

            /// Number of arguments the libutee/ldelf stub passes (x0..).
            pub const fn arg_count(self) -> usize {
                match self {
                    $($enum::$variant => $args,)*
                }
            }

            /// The upstream name, e.g. `"TEE_SCN_LOG"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $($enum::$variant => stringify!($konst),)*
                }
            }
        }

        impl TryFrom<u64> for $enum {
            type Error = UnknownSysnum;

            fn try_from(value: u64) -> Result<Self, UnknownSysnum> {
                match value {
                    $($num => Ok($enum::$variant),)*
                    _ => Err(UnknownSysnum(value)),
                }
            }
        }

        impl From<$enum> for u32 {
            fn from(value: $enum) -> u32 {
                value as u32
            }
        }
    };
}

syscall_table! {
    /// A TA syscall number (x8), OP-TEE 4.5 `TEE_SCN_*`.
    enum Sysnum;
    Return = TEE_SCN_RETURN = 0, args 1;
    Log = TEE_SCN_LOG = 1, args 2;
    Panic = TEE_SCN_PANIC = 2, args 2;
    GetProperty = TEE_SCN_GET_PROPERTY = 3, args 7;
    GetPropertyNameToIndex = TEE_SCN_GET_PROPERTY_NAME_TO_INDEX = 4, args 4;
    OpenTaSession = TEE_SCN_OPEN_TA_SESSION = 5, args 5;
    CloseTaSession = TEE_SCN_CLOSE_TA_SESSION = 6, args 1;
    InvokeTaCommand = TEE_SCN_INVOKE_TA_COMMAND = 7, args 5;
    CheckAccessRights = TEE_SCN_CHECK_ACCESS_RIGHTS = 8, args 3;
    GetCancellationFlag = TEE_SCN_GET_CANCELLATION_FLAG = 9, args 1;
    UnmaskCancellation = TEE_SCN_UNMASK_CANCELLATION = 10, args 1;
    MaskCancellation = TEE_SCN_MASK_CANCELLATION = 11, args 1;
    Wait = TEE_SCN_WAIT = 12, args 1;
    GetTime = TEE_SCN_GET_TIME = 13, args 2;
    SetTaTime = TEE_SCN_SET_TA_TIME = 14, args 1;
    CrypStateAlloc = TEE_SCN_CRYP_STATE_ALLOC = 15, args 5;
    CrypStateCopy = TEE_SCN_CRYP_STATE_COPY = 16, args 2;
    CrypStateFree = TEE_SCN_CRYP_STATE_FREE = 17, args 1;
    HashInit = TEE_SCN_HASH_INIT = 18, args 3;
    HashUpdate = TEE_SCN_HASH_UPDATE = 19, args 3;
    HashFinal = TEE_SCN_HASH_FINAL = 20, args 5;
    CipherInit = TEE_SCN_CIPHER_INIT = 21, args 3;
    CipherUpdate = TEE_SCN_CIPHER_UPDATE = 22, args 5;
    CipherFinal = TEE_SCN_CIPHER_FINAL = 23, args 5;
    CrypObjGetInfo = TEE_SCN_CRYP_OBJ_GET_INFO = 24, args 2;
    CrypObjRestrictUsage = TEE_SCN_CRYP_OBJ_RESTRICT_USAGE = 25, args 2;
    CrypObjGetAttr = TEE_SCN_CRYP_OBJ_GET_ATTR = 26, args 4;
    CrypObjAlloc = TEE_SCN_CRYP_OBJ_ALLOC = 27, args 3;
    CrypObjClose = TEE_SCN_CRYP_OBJ_CLOSE = 28, args 1;
    CrypObjReset = TEE_SCN_CRYP_OBJ_RESET = 29, args 1;
    CrypObjPopulate = TEE_SCN_CRYP_OBJ_POPULATE = 30, args 3;
    CrypObjCopy = TEE_SCN_CRYP_OBJ_COPY = 31, args 2;
    CrypDeriveKey = TEE_SCN_CRYP_DERIVE_KEY = 32, args 4;
    CrypRandomNumberGenerate = TEE_SCN_CRYP_RANDOM_NUMBER_GENERATE = 33, args 2;
    AuthencInit = TEE_SCN_AUTHENC_INIT = 34, args 6;
    AuthencUpdateAad = TEE_SCN_AUTHENC_UPDATE_AAD = 35, args 3;
    AuthencUpdatePayload = TEE_SCN_AUTHENC_UPDATE_PAYLOAD = 36, args 5;
    AuthencEncFinal = TEE_SCN_AUTHENC_ENC_FINAL = 37, args 7;
    AuthencDecFinal = TEE_SCN_AUTHENC_DEC_FINAL = 38, args 7;
    AsymmOperate = TEE_SCN_ASYMM_OPERATE = 39, args 7;
    AsymmVerify = TEE_SCN_ASYMM_VERIFY = 40, args 7;
    StorageObjOpen = TEE_SCN_STORAGE_OBJ_OPEN = 41, args 5;
    StorageObjCreate = TEE_SCN_STORAGE_OBJ_CREATE = 42, args 8;
    StorageObjDel = TEE_SCN_STORAGE_OBJ_DEL = 43, args 1;
    StorageObjRename = TEE_SCN_STORAGE_OBJ_RENAME = 44, args 3;
    StorageEnumAlloc = TEE_SCN_STORAGE_ENUM_ALLOC = 45, args 1;
    StorageEnumFree = TEE_SCN_STORAGE_ENUM_FREE = 46, args 1;
    StorageEnumReset = TEE_SCN_STORAGE_ENUM_RESET = 47, args 1;
    StorageEnumStart = TEE_SCN_STORAGE_ENUM_START = 48, args 2;
    StorageEnumNext = TEE_SCN_STORAGE_ENUM_NEXT = 49, args 4;
    StorageObjRead = TEE_SCN_STORAGE_OBJ_READ = 50, args 4;
    StorageObjWrite = TEE_SCN_STORAGE_OBJ_WRITE = 51, args 3;
    StorageObjTrunc = TEE_SCN_STORAGE_OBJ_TRUNC = 52, args 2;
    StorageObjSeek = TEE_SCN_STORAGE_OBJ_SEEK = 53, args 3;
    CrypObjGenerateKey = TEE_SCN_CRYP_OBJ_GENERATE_KEY = 54, args 4;
    SeServiceOpenDeprecated = TEE_SCN_SE_SERVICE_OPEN__DEPRECATED = 55, args 0;
    SeServiceCloseDeprecated = TEE_SCN_SE_SERVICE_CLOSE__DEPRECATED = 56, args 0;
    SeServiceGetReadersDeprecated = TEE_SCN_SE_SERVICE_GET_READERS__DEPRECATED = 57, args 0;
    SeReaderGetPropDeprecated = TEE_SCN_SE_READER_GET_PROP__DEPRECATED = 58, args 0;
    SeReaderGetNameDeprecated = TEE_SCN_SE_READER_GET_NAME__DEPRECATED = 59, args 0;
    SeReaderOpenSessionDeprecated = TEE_SCN_SE_READER_OPEN_SESSION__DEPRECATED = 60, args 0;
    SeReaderCloseSessionsDeprecated = TEE_SCN_SE_READER_CLOSE_SESSIONS__DEPRECATED = 61, args 0;
    SeSessionIsClosedDeprecated = TEE_SCN_SE_SESSION_IS_CLOSED__DEPRECATED = 62, args 0;
    SeSessionGetAtrDeprecated = TEE_SCN_SE_SESSION_GET_ATR__DEPRECATED = 63, args 0;
    SeSessionOpenChannelDeprecated = TEE_SCN_SE_SESSION_OPEN_CHANNEL__DEPRECATED = 64, args 0;
    SeSessionCloseDeprecated = TEE_SCN_SE_SESSION_CLOSE__DEPRECATED = 65, args 0;
    SeChannelSelectNextDeprecated = TEE_SCN_SE_CHANNEL_SELECT_NEXT__DEPRECATED = 66, args 0;
    SeChannelGetSelectRespDeprecated = TEE_SCN_SE_CHANNEL_GET_SELECT_RESP__DEPRECATED = 67, args 0;
    SeChannelTransmitDeprecated = TEE_SCN_SE_CHANNEL_TRANSMIT__DEPRECATED = 68, args 0;
    SeChannelCloseDeprecated = TEE_SCN_SE_CHANNEL_CLOSE__DEPRECATED = 69, args 0;
    CacheOperation = TEE_SCN_CACHE_OPERATION = 70, args 3;
}

/// `TEE_SCN_MAX`: the highest TA syscall number.
pub const TEE_SCN_MAX: u32 = TEE_SCN_CACHE_OPERATION;

impl Sysnum {
    /// One of the removed Secure Element API slots (55..=69), which answer
    /// `TEE_ERROR_NOT_SUPPORTED`.
    pub const fn is_deprecated(self) -> bool {
        let n = self as u32;
        n >= TEE_SCN_SE_SERVICE_OPEN__DEPRECATED && n <= TEE_SCN_SE_CHANNEL_CLOSE__DEPRECATED
    }

    /// The syscall does not return to the TA (`RETURN`, `PANIC`).
    pub const fn is_terminal(self) -> bool {
        matches!(self, Sysnum::Return | Sysnum::Panic)
    }
}

syscall_table! {
    /// An ldelf syscall number (x8); a separate table, valid only while
    /// ldelf runs (optee-abi.md §9.3).
    enum LdelfSysnum;
    Return = LDELF_RETURN = 0, args 1;
    Log = LDELF_LOG = 1, args 2;
    Panic = LDELF_PANIC = 2, args 1;
    MapZi = LDELF_MAP_ZI = 3, args 5;
    Unmap = LDELF_UNMAP = 4, args 2;
    OpenBin = LDELF_OPEN_BIN = 5, args 3;
    CloseBin = LDELF_CLOSE_BIN = 6, args 1;
    MapBin = LDELF_MAP_BIN = 7, args 7;
    CpFromBin = LDELF_CP_FROM_BIN = 8, args 4;
    SetProt = LDELF_SET_PROT = 9, args 3;
    Remap = LDELF_REMAP = 10, args 5;
    GenRndNum = LDELF_GEN_RND_NUM = 11, args 2;
}

/// `LDELF_SCN_MAX`: the highest ldelf syscall number.
pub const LDELF_SCN_MAX: u32 = LDELF_GEN_RND_NUM;

/// `LDELF_MAP_FLAG_SHAREABLE`.
pub const LDELF_MAP_FLAG_SHAREABLE: u32 = 1 << 0;
/// `LDELF_MAP_FLAG_WRITEABLE`.
pub const LDELF_MAP_FLAG_WRITEABLE: u32 = 1 << 1;
/// `LDELF_MAP_FLAG_EXECUTABLE`.
pub const LDELF_MAP_FLAG_EXECUTABLE: u32 = 1 << 2;
/// `LDELF_MAP_FLAG_BTI`.
pub const LDELF_MAP_FLAG_BTI: u32 = 1 << 3;

// ---- entry functions ------------------------------------------------------

/// `UTEE_ENTRY_FUNC_OPEN_SESSION`.
pub const UTEE_ENTRY_FUNC_OPEN_SESSION: u32 = 0;
/// `UTEE_ENTRY_FUNC_CLOSE_SESSION`.
pub const UTEE_ENTRY_FUNC_CLOSE_SESSION: u32 = 1;
/// `UTEE_ENTRY_FUNC_INVOKE_COMMAND`.
pub const UTEE_ENTRY_FUNC_INVOKE_COMMAND: u32 = 2;
/// `UTEE_ENTRY_FUNC_DUMP_MEMSTATS` (TA heap statistics, `CFG_TA_STATS`).
pub const UTEE_ENTRY_FUNC_DUMP_MEMSTATS: u32 = 3;

/// `enum utee_entry_func`: the `func` argument (x0) of `__ta_entry`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UteeEntryFunc {
    /// [`UTEE_ENTRY_FUNC_OPEN_SESSION`].
    OpenSession = UTEE_ENTRY_FUNC_OPEN_SESSION,
    /// [`UTEE_ENTRY_FUNC_CLOSE_SESSION`].
    CloseSession = UTEE_ENTRY_FUNC_CLOSE_SESSION,
    /// [`UTEE_ENTRY_FUNC_INVOKE_COMMAND`].
    InvokeCommand = UTEE_ENTRY_FUNC_INVOKE_COMMAND,
    /// [`UTEE_ENTRY_FUNC_DUMP_MEMSTATS`].
    DumpMemstats = UTEE_ENTRY_FUNC_DUMP_MEMSTATS,
}

impl TryFrom<u64> for UteeEntryFunc {
    type Error = u64;

    fn try_from(value: u64) -> Result<Self, u64> {
        match value {
            0 => Ok(Self::OpenSession),
            1 => Ok(Self::CloseSession),
            2 => Ok(Self::InvokeCommand),
            3 => Ok(Self::DumpMemstats),
            other => Err(other),
        }
    }
}

// ---- argument values ------------------------------------------------------

/// `UTEE_TIME_CAT_SYSTEM`: `GET_TIME` category, time since boot.
pub const UTEE_TIME_CAT_SYSTEM: u32 = 0;
/// `UTEE_TIME_CAT_TA_PERSISTENT`: `GET_TIME` category, TA persistent time.
pub const UTEE_TIME_CAT_TA_PERSISTENT: u32 = 1;
/// `UTEE_TIME_CAT_REE`: `GET_TIME` category, REE time (RPC).
pub const UTEE_TIME_CAT_REE: u32 = 2;

/// `TEE_CACHECLEAN`: `CACHE_OPERATION` op.
pub const TEE_CACHECLEAN: u32 = 0;
/// `TEE_CACHEFLUSH`: `CACHE_OPERATION` op (clean and invalidate).
pub const TEE_CACHEFLUSH: u32 = 1;
/// `TEE_CACHEINVALIDATE`: `CACHE_OPERATION` op.
pub const TEE_CACHEINVALIDATE: u32 = 2;

/// `TEE_PROPSET_TEE_IMPLEMENTATION`: `GET_PROPERTY` pseudo-handle.
pub const TEE_PROPSET_TEE_IMPLEMENTATION: u32 = 0xFFFF_FFFD;
/// `TEE_PROPSET_CURRENT_CLIENT`: `GET_PROPERTY` pseudo-handle.
pub const TEE_PROPSET_CURRENT_CLIENT: u32 = 0xFFFF_FFFE;
/// `TEE_PROPSET_CURRENT_TA`: `GET_PROPERTY` pseudo-handle.
pub const TEE_PROPSET_CURRENT_TA: u32 = 0xFFFF_FFFF;

/// `USER_TA_PROP_TYPE_BOOL`.
pub const USER_TA_PROP_TYPE_BOOL: u32 = 0;
/// `USER_TA_PROP_TYPE_U32`.
pub const USER_TA_PROP_TYPE_U32: u32 = 1;
/// `USER_TA_PROP_TYPE_UUID`.
pub const USER_TA_PROP_TYPE_UUID: u32 = 2;
/// `USER_TA_PROP_TYPE_IDENTITY`.
pub const USER_TA_PROP_TYPE_IDENTITY: u32 = 3;
/// `USER_TA_PROP_TYPE_STRING`.
pub const USER_TA_PROP_TYPE_STRING: u32 = 4;
/// `USER_TA_PROP_TYPE_BINARY_BLOCK`.
pub const USER_TA_PROP_TYPE_BINARY_BLOCK: u32 = 5;
/// `USER_TA_PROP_TYPE_U64` (only in a TA's own `ta_props[]`).
pub const USER_TA_PROP_TYPE_U64: u32 = 6;

/// `TEE_MEMORY_ACCESS_READ`: `CHECK_ACCESS_RIGHTS` flag.
pub const TEE_MEMORY_ACCESS_READ: u32 = 0x0000_0001;
/// `TEE_MEMORY_ACCESS_WRITE`: `CHECK_ACCESS_RIGHTS` flag.
pub const TEE_MEMORY_ACCESS_WRITE: u32 = 0x0000_0002;
/// `TEE_MEMORY_ACCESS_ANY_OWNER`: `CHECK_ACCESS_RIGHTS` flag.
pub const TEE_MEMORY_ACCESS_ANY_OWNER: u32 = 0x0000_0004;
/// `TEE_MEMORY_ACCESS_NONSECURE` (OP-TEE extension).
pub const TEE_MEMORY_ACCESS_NONSECURE: u32 = 0x1000_0000;
/// `TEE_MEMORY_ACCESS_SECURE` (OP-TEE extension).
pub const TEE_MEMORY_ACCESS_SECURE: u32 = 0x2000_0000;

/// `TEE_TIMEOUT_INFINITE`: `cancel_req_to` / `WAIT` timeout without limit.
pub const TEE_TIMEOUT_INFINITE: u32 = 0xFFFF_FFFF;

// ---- layouts --------------------------------------------------------------

/// `struct utee_params` (72 bytes): the four GP parameters as the kernel and
/// libutee exchange them (entry x2, `OPEN_TA_SESSION`, `INVOKE_TA_COMMAND`).
///
/// For parameter `n`, `vals[2n]` is `value.a` or the memref's user VA and
/// `vals[2n + 1]` is `value.b` or the memref size.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct UteeParams {
    /// GP param-types word (`TEE_PARAM_TYPES`, 4 bits per parameter).
    pub types: u64,
    /// Two 64-bit words per parameter.
    pub vals: [u64; TEE_NUM_PARAMS * 2],
}

impl UteeParams {
    /// `TEE_PARAM_TYPE_*` of parameter `index` (`None` if `index >= 4`).
    pub fn param_type(&self, index: usize) -> Option<u32> {
        // Only the low 16 bits are meaningful; truncation is intended.
        (index < TEE_NUM_PARAMS).then(|| tee_param_type_get(self.types as u32, index))
    }

    /// `(a, b)` of parameter `index`: value a/b or memref VA/size
    /// (`None` if `index >= 4`).
    pub fn get(&self, index: usize) -> Option<(u64, u64)> {
        if index >= TEE_NUM_PARAMS {
            return None;
        }
        match self.vals.get(2 * index..2 * index + 2) {
            Some(&[a, b]) => Some((a, b)),
            _ => None,
        }
    }

    /// Set `(a, b)` of parameter `index`; `false` if `index >= 4`.
    pub fn set(&mut self, index: usize, a: u64, b: u64) -> bool {
        if index >= TEE_NUM_PARAMS {
            return false;
        }
        match self.vals.get_mut(2 * index..2 * index + 2) {
            Some([va, vb]) => {
                *va = a;
                *vb = b;
                true
            }
            _ => false,
        }
    }
}

/// `struct utee_attribute` (24 bytes): one attribute passed to
/// `CRYP_OBJ_POPULATE`, `GENERATE_KEY`, `DERIVE_KEY`, `ASYMM_*`.
/// `TEE_ATTR_FLAG_VALUE` (bit 29) in `attribute_id` selects value (a, b)
/// versus buffer (a = user VA, b = length).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct UteeAttribute {
    /// Value a, or buffer address.
    pub a: u64,
    /// Value b, or buffer length.
    pub b: u64,
    /// `TEE_ATTR_*`.
    pub attribute_id: u32,
    /// Tail padding of the C struct (ignored).
    pub pad: u32,
}

/// `struct utee_object_info` (28 bytes): `CRYP_OBJ_GET_INFO` and
/// `STORAGE_ENUM_NEXT` output.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct UteeObjectInfo {
    /// `TEE_TYPE_*`.
    pub obj_type: u32,
    /// Key size in bits (0 if uninitialised).
    pub obj_size: u32,
    /// Maximum key size in bits.
    pub max_obj_size: u32,
    /// `TEE_USAGE_*` bits.
    pub obj_usage: u32,
    /// Data stream size.
    pub data_size: u32,
    /// Data stream position.
    pub data_pos: u32,
    /// `TEE_HANDLE_FLAG_*` bits.
    pub handle_flags: u32,
}

/// `TEE_Time` (8 bytes): `GET_TIME` / `SET_TA_TIME`.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout,
)]
pub struct TeeTime {
    /// Seconds.
    pub seconds: u32,
    /// Milliseconds (0..1000).
    pub millis: u32,
}

const _: () = {
    use core::mem::{align_of, offset_of, size_of};
    assert!(size_of::<UteeParams>() == 72);
    assert!(align_of::<UteeParams>() == 8);
    assert!(offset_of!(UteeParams, types) == 0);
    assert!(offset_of!(UteeParams, vals) == 8);
    assert!(size_of::<UteeAttribute>() == 24);
    assert!(align_of::<UteeAttribute>() == 8);
    assert!(offset_of!(UteeAttribute, a) == 0);
    assert!(offset_of!(UteeAttribute, b) == 8);
    assert!(offset_of!(UteeAttribute, attribute_id) == 16);
    assert!(size_of::<UteeObjectInfo>() == 28);
    assert!(offset_of!(UteeObjectInfo, obj_type) == 0);
    assert!(offset_of!(UteeObjectInfo, handle_flags) == 24);
    assert!(size_of::<TeeTime>() == 8);
    assert!(offset_of!(TeeTime, millis) == 4);
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tee_result::{
        tee_param_types, TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_NONE,
        TEE_PARAM_TYPE_VALUE_INPUT,
    };

    #[test]
    fn sysnum_round_trip_every_variant() {
        assert_eq!(Sysnum::ALL.len(), TEE_SCN_MAX as usize + 1);
        for (i, &s) in Sysnum::ALL.iter().enumerate() {
            assert_eq!(u32::from(s) as usize, i, "{} out of order", s.name());
            assert_eq!(Sysnum::try_from(u64::from(u32::from(s))), Ok(s));
            assert!(s.arg_count() <= TEE_SVC_MAX_ARGS);
        }
        assert_eq!(
            Sysnum::try_from(u64::from(TEE_SCN_MAX) + 1),
            Err(UnknownSysnum(71))
        );
        // Upper bits are not ignored.
        assert!(Sysnum::try_from(1u64 << 32).is_err());
        assert!(Sysnum::try_from(u64::MAX).is_err());
    }

    #[test]
    fn sysnum_spot_values() {
        assert_eq!(TEE_SCN_LOG, 1);
        assert_eq!(TEE_SCN_OPEN_TA_SESSION, 5);
        assert_eq!(TEE_SCN_CRYP_RANDOM_NUMBER_GENERATE, 33);
        assert_eq!(TEE_SCN_STORAGE_OBJ_CREATE, 42);
        assert_eq!(TEE_SCN_CRYP_OBJ_GENERATE_KEY, 54);
        assert_eq!(TEE_SCN_CACHE_OPERATION, 70);
        assert_eq!(TEE_SCN_MAX, 70);
        assert_eq!(Sysnum::StorageObjCreate.arg_count(), 8);
        assert_eq!(Sysnum::GetProperty.name(), "TEE_SCN_GET_PROPERTY");
        let deprecated = Sysnum::ALL.iter().filter(|s| s.is_deprecated()).count();
        assert_eq!(deprecated, 15);
        assert!(!Sysnum::CrypObjGenerateKey.is_deprecated());
        assert!(!Sysnum::CacheOperation.is_deprecated());
        assert!(Sysnum::Return.is_terminal() && Sysnum::Panic.is_terminal());
        assert!(!Sysnum::Log.is_terminal());
    }

    #[test]
    fn ldelf_round_trip_every_variant() {
        assert_eq!(LdelfSysnum::ALL.len(), LDELF_SCN_MAX as usize + 1);
        for (i, &s) in LdelfSysnum::ALL.iter().enumerate() {
            assert_eq!(u32::from(s) as usize, i);
            assert_eq!(LdelfSysnum::try_from(u64::from(u32::from(s))), Ok(s));
        }
        assert_eq!(LdelfSysnum::try_from(12), Err(UnknownSysnum(12)));
        assert_eq!(LdelfSysnum::MapBin.arg_count(), 7);
    }

    #[test]
    fn entry_func_round_trip() {
        for f in [
            UteeEntryFunc::OpenSession,
            UteeEntryFunc::CloseSession,
            UteeEntryFunc::InvokeCommand,
            UteeEntryFunc::DumpMemstats,
        ] {
            assert_eq!(UteeEntryFunc::try_from(f as u64), Ok(f));
        }
        assert_eq!(UteeEntryFunc::OpenSession as u32, 0);
        assert_eq!(UteeEntryFunc::InvokeCommand as u32, 2);
        assert_eq!(UteeEntryFunc::try_from(4), Err(4));
    }

    #[test]
    fn utee_params_bytes_and_helpers() {
        let mut p = UteeParams {
            types: u64::from(tee_param_types(
                TEE_PARAM_TYPE_VALUE_INPUT,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_MEMREF_INOUT,
            )),
            ..Default::default()
        };
        assert!(p.set(0, 0x11, 0x22));
        assert!(p.set(3, 0x8000_1000, 64));
        assert!(!p.set(4, 1, 2));
        assert!(!p.set(usize::MAX, 1, 2));
        assert_eq!(p.param_type(0), Some(TEE_PARAM_TYPE_VALUE_INPUT));
        assert_eq!(p.param_type(3), Some(TEE_PARAM_TYPE_MEMREF_INOUT));
        assert_eq!(p.param_type(4), None);
        assert_eq!(p.get(0), Some((0x11, 0x22)));
        assert_eq!(p.get(3), Some((0x8000_1000, 64)));
        assert_eq!(p.get(4), None);
        assert_eq!(p.get(usize::MAX), None);
        let bytes = p.as_bytes();
        assert_eq!(bytes.len(), 72);
        assert_eq!(&bytes[0..8], &0x7001u64.to_le_bytes());
        assert_eq!(&bytes[8..16], &0x11u64.to_le_bytes());
        assert_eq!(&bytes[56..64], &0x8000_1000u64.to_le_bytes());
        let back = UteeParams::read_from_bytes(bytes).expect("72 bytes");
        assert_eq!(back, p);
    }

    #[test]
    fn utee_attribute_bytes() {
        let mut raw = [0u8; 24];
        raw[0..8].copy_from_slice(&0x1234u64.to_le_bytes());
        raw[8..16].copy_from_slice(&32u64.to_le_bytes());
        raw[16..20].copy_from_slice(&0xD000_0130u32.to_le_bytes());
        let attr = UteeAttribute::read_from_bytes(&raw[..]).expect("24 bytes");
        assert_eq!(
            (attr.a, attr.b, attr.attribute_id),
            (0x1234, 32, 0xD000_0130)
        );
        assert!(UteeAttribute::read_from_bytes(&raw[..23]).is_err());
    }

    #[test]
    fn utee_object_info_bytes() {
        let info = UteeObjectInfo {
            obj_type: 1,
            obj_size: 2,
            max_obj_size: 3,
            obj_usage: 4,
            data_size: 5,
            data_pos: 6,
            handle_flags: 7,
        };
        let bytes = info.as_bytes();
        assert_eq!(bytes.len(), 28);
        assert_eq!(&bytes[24..28], &7u32.to_le_bytes());
    }
}
