//! Signed TA header (`<uuid>.ta` files) as OP-TEE 4.5 defines it in `signed_hdr.h`
//! and `scripts/sign_encrypt.py` (optee-abi.md §7).
//!
//! All fields are little-endian; UUIDs are stored as RFC 4122 octets.
//! The structs are read with `zerocopy::FromBytes::read_from_prefix`, which copies
//! and has no alignment requirement.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// `SHDR_MAGIC`: bytes "HSTO" read as a little-endian `u32`.
pub const SHDR_MAGIC: u32 = 0x4F54_5348;

/// `SHDR_TA`: legacy image, the ELF follows the signed header directly.
pub const SHDR_TA: u32 = 0;
/// `SHDR_BOOTSTRAP_TA`: a [`ShdrBootstrapTa`] precedes the ELF.
pub const SHDR_BOOTSTRAP_TA: u32 = 1;
/// `SHDR_ENCRYPTED_TA`: [`ShdrBootstrapTa`] and [`ShdrEncryptedTa`] precede the ciphertext.
pub const SHDR_ENCRYPTED_TA: u32 = 2;
/// `SHDR_SUBKEY`: a [`ShdrSubkey`] carrying a public key that signs the next header.
pub const SHDR_SUBKEY: u32 = 3;

/// `SHDR_ENC_KEY_DEV_SPECIFIC`: encryption key derived from the hardware unique key.
pub const SHDR_ENC_KEY_DEV_SPECIFIC: u32 = 0;
/// `SHDR_ENC_KEY_CLASS_WIDE`: class-wide encryption key.
pub const SHDR_ENC_KEY_CLASS_WIDE: u32 = 1;
/// Mask of the key-type bit in [`ShdrEncryptedTa::flags`].
pub const SHDR_ENC_KEY_TYPE_MASK: u32 = 0x1;

/// `TEE_ALG_RSASSA_PKCS1_V1_5_SHA256`.
pub const TEE_ALG_RSASSA_PKCS1_V1_5_SHA256: u32 = 0x7000_4830;
/// `TEE_ALG_RSASSA_PKCS1_V1_5_SHA384`.
pub const TEE_ALG_RSASSA_PKCS1_V1_5_SHA384: u32 = 0x7000_5830;
/// `TEE_ALG_RSASSA_PKCS1_V1_5_SHA512`.
pub const TEE_ALG_RSASSA_PKCS1_V1_5_SHA512: u32 = 0x7000_6830;
/// `TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256` (the signing default, salt length 32).
pub const TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256: u32 = 0x7041_4930;
/// `TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384`.
pub const TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384: u32 = 0x7051_5930;
/// `TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512`.
pub const TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512: u32 = 0x7061_6930;
/// `TEE_ALG_AES_GCM`: the only `enc_algo` of encrypted TAs.
pub const TEE_ALG_AES_GCM: u32 = 0x4000_0810;

/// `TEE_ATTR_RSA_MODULUS` (big-endian bytes in a subkey).
pub const TEE_ATTR_RSA_MODULUS: u32 = 0xD000_0130;
/// `TEE_ATTR_RSA_PUBLIC_EXPONENT` (big-endian bytes in a subkey).
pub const TEE_ATTR_RSA_PUBLIC_EXPONENT: u32 = 0xD000_0230;

/// `struct shdr`: the first 20 bytes of every signed header. The hash
/// (`hash_size` bytes) and the signature (`sig_size` bytes) follow.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct Shdr {
    /// [`SHDR_MAGIC`].
    pub magic: u32,
    /// [`SHDR_TA`], [`SHDR_BOOTSTRAP_TA`], [`SHDR_ENCRYPTED_TA`] or [`SHDR_SUBKEY`].
    pub img_type: u32,
    /// Payload size: ELF (plaintext) size, or subkey image size.
    pub img_size: u32,
    /// Signature algorithm (`TEE_ALG_RSASSA_*`).
    pub algo: u32,
    /// Size of the hash that follows this struct.
    pub hash_size: u16,
    /// Size of the signature that follows the hash.
    pub sig_size: u16,
}

/// `struct shdr_bootstrap_ta`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct ShdrBootstrapTa {
    /// TA UUID, octets.
    pub uuid: [u8; 16],
    /// Anti-rollback version (`ta_ver.db`).
    pub ta_version: u32,
}

/// `struct shdr_encrypted_ta` without the trailing IV and tag.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct ShdrEncryptedTa {
    /// [`TEE_ALG_AES_GCM`].
    pub enc_algo: u32,
    /// Bit 0: [`SHDR_ENC_KEY_DEV_SPECIFIC`] or [`SHDR_ENC_KEY_CLASS_WIDE`].
    pub flags: u32,
    /// IV length (12).
    pub iv_size: u16,
    /// Tag length (16).
    pub tag_size: u16,
}

/// `struct shdr_subkey` without the trailing attribute array.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct ShdrSubkey {
    /// Namespace UUID of this subkey, octets.
    pub uuid: [u8; 16],
    /// Size of the name that follows the subkey image (0: identity subkey).
    pub name_size: u32,
    /// Anti-rollback version (`subkey_ver.db`).
    pub subkey_version: u32,
    /// Remaining chain depth; must be smaller than the parent's.
    pub max_depth: u32,
    /// Signature algorithm of the next level.
    pub algo: u32,
    /// Number of [`ShdrSubkeyAttr`] entries that follow.
    pub attr_count: u32,
}

/// `struct shdr_subkey_attr`: one key attribute of a subkey.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, Immutable, KnownLayout)]
pub struct ShdrSubkeyAttr {
    /// `TEE_ATTR_*` id.
    pub id: u32,
    /// Offset of the value from the start of the [`ShdrSubkey`].
    pub offs: u32,
    /// Value size in bytes.
    pub size: u32,
}

const _: () = assert!(core::mem::size_of::<Shdr>() == 20);
const _: () = assert!(core::mem::offset_of!(Shdr, hash_size) == 16);
const _: () = assert!(core::mem::size_of::<ShdrBootstrapTa>() == 20);
const _: () = assert!(core::mem::size_of::<ShdrEncryptedTa>() == 12);
const _: () = assert!(core::mem::size_of::<ShdrSubkey>() == 36);
const _: () = assert!(core::mem::offset_of!(ShdrSubkey, attr_count) == 32);
const _: () = assert!(core::mem::size_of::<ShdrSubkeyAttr>() == 12);
