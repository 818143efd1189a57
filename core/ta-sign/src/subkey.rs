//! Subkey images (`SHDR_SUBKEY`): a public key signed by the previous level, and the
//! UUID namespace it may sign for.

use oxtee_crypto::asym::rsa::RsaPublicKey;
use sha2::{Digest, Sha512};
use supplicant_proto::ta_shdr::{
    ShdrSubkey, ShdrSubkeyAttr, TEE_ATTR_RSA_MODULUS, TEE_ATTR_RSA_PUBLIC_EXPONENT,
};
use zerocopy::FromBytes;

use crate::algo::{rsa_public_key, SigAlgo};
use crate::TaError;

const SUBKEY_FIXED_SIZE: usize = core::mem::size_of::<ShdrSubkey>();
const ATTR_SIZE: usize = core::mem::size_of::<ShdrSubkeyAttr>();

/// A subkey image (`img_size` bytes after its signed header), bounds-checked.
#[derive(Clone, Copy, Debug)]
pub struct SubkeyImage<'a> {
    /// Fixed fields.
    pub subkey: ShdrSubkey,
    /// The whole image; attribute offsets are relative to its start.
    pub image: &'a [u8],
}

impl<'a> SubkeyImage<'a> {
    /// Checks that the image holds the fixed fields, `attr_count` attributes and that every
    /// attribute value lies inside the image (OP-TEE's `check_attrs`).
    pub fn parse(image: &'a [u8]) -> Result<Self, TaError> {
        let (subkey, _) = ShdrSubkey::read_from_prefix(image).map_err(|_| TaError::BadSubkey)?;
        let attrs_end = (subkey.attr_count as usize)
            .checked_mul(ATTR_SIZE)
            .and_then(|n| n.checked_add(SUBKEY_FIXED_SIZE))
            .ok_or(TaError::BadSubkey)?;
        if attrs_end > image.len() {
            return Err(TaError::BadSubkey);
        }
        let this = Self { subkey, image };
        for n in 0..subkey.attr_count as usize {
            let attr = this.attr_at(n)?;
            let end = (attr.offs as usize)
                .checked_add(attr.size as usize)
                .ok_or(TaError::BadSubkey)?;
            if end > image.len() {
                return Err(TaError::BadSubkey);
            }
        }
        Ok(this)
    }

    fn attr_at(&self, n: usize) -> Result<ShdrSubkeyAttr, TaError> {
        let start = n
            .checked_mul(ATTR_SIZE)
            .and_then(|o| o.checked_add(SUBKEY_FIXED_SIZE))
            .ok_or(TaError::BadSubkey)?;
        let bytes = self.image.get(start..).ok_or(TaError::BadSubkey)?;
        ShdrSubkeyAttr::read_from_prefix(bytes)
            .map(|(a, _)| a)
            .map_err(|_| TaError::BadSubkey)
    }

    /// Value of the first attribute with `id`.
    pub fn attr(&self, id: u32) -> Result<&'a [u8], TaError> {
        for n in 0..self.subkey.attr_count as usize {
            let attr = self.attr_at(n)?;
            if attr.id == id {
                let start = attr.offs as usize;
                let end = start
                    .checked_add(attr.size as usize)
                    .ok_or(TaError::BadSubkey)?;
                return self.image.get(start..end).ok_or(TaError::BadSubkey);
            }
        }
        Err(TaError::BadSubkey)
    }

    /// The RSA public key for the next level; its algorithm must be an accepted RSASSA id.
    pub fn public_key(&self) -> Result<RsaPublicKey, TaError> {
        SigAlgo::from_tee_alg(self.subkey.algo)?;
        let e = self.attr(TEE_ATTR_RSA_PUBLIC_EXPONENT)?;
        let n = self.attr(TEE_ATTR_RSA_MODULUS)?;
        rsa_public_key(n, e)
    }
}

/// UUID (octets) a subkey lets its next level use: the subkey's own UUID when `name` is
/// empty, otherwise a version-5 style UUID built from SHA-512 (not SHA-1) of the subkey
/// UUID followed by `name` up to its first NUL.
pub fn next_uuid(subkey_uuid: &[u8; 16], name: &[u8]) -> [u8; 16] {
    if name.is_empty() {
        return *subkey_uuid;
    }
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let digest = Sha512::new()
        .chain_update(subkey_uuid)
        .chain_update(&name[..len])
        .finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out[6] = (out[6] & 0x0F) | 0x50;
    out[8] = (out[8] & 0x3F) | 0x80;
    out
}
