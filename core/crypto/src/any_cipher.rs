//! One block-cipher type per block size and family, keyed at run time by the key length: AES-128/
//! 192/256 as [`AesAny`], DES and two- and three-key 3DES as [`DesAny`]. Every mode
//! (`block`, `ae`, `mac`) is generic over its cipher; built for these, each mode is compiled
//! once per family instead of once per key size. The blocks still go to the chosen cipher
//! (`accel_cipher`'s AES types, which use the Crypto Extensions when installed, or `des`).

use cipher::consts::{U1, U16, U24, U32, U8};
use cipher::crypto_common::InvalidLength;
use cipher::inout::InOut;
use cipher::{
    Block, BlockBackend, BlockCipher, BlockClosure, BlockDecrypt, BlockEncrypt, BlockSizeUser, Key,
    KeyInit, KeySizeUser, ParBlocks, ParBlocksSizeUser,
};

use crate::accel_cipher::{Aes128, Aes192, Aes256};

/// AES with a 16-, 24- or 32-byte key.
#[derive(Clone)]
pub(crate) enum AesAny {
    A128(Aes128),
    A192(Aes192),
    A256(Aes256),
}

/// DES (8-byte key) or 3DES with two (16-byte) or three (24-byte) keys.
#[derive(Clone)]
pub(crate) enum DesAny {
    Des(des::Des),
    Ede2(des::TdesEde2),
    Ede3(des::TdesEde3),
}

impl KeySizeUser for AesAny {
    /// The longest key; [`KeyInit::new_from_slice`] takes every AES key length.
    type KeySize = U32;
}

impl KeyInit for AesAny {
    fn new(key: &Key<Self>) -> Self {
        Self::A256(Aes256::new(key))
    }

    fn new_from_slice(key: &[u8]) -> Result<Self, InvalidLength> {
        Ok(match key.len() {
            16 => Self::A128(Aes128::new_from_slice(key)?),
            24 => Self::A192(Aes192::new_from_slice(key)?),
            32 => Self::A256(Aes256::new_from_slice(key)?),
            _ => return Err(InvalidLength),
        })
    }
}

impl KeySizeUser for DesAny {
    /// The longest key; [`KeyInit::new_from_slice`] takes 8, 16 and 24 bytes.
    type KeySize = U24;
}

impl KeyInit for DesAny {
    fn new(key: &Key<Self>) -> Self {
        Self::Ede3(des::TdesEde3::new(key))
    }

    fn new_from_slice(key: &[u8]) -> Result<Self, InvalidLength> {
        Ok(match key.len() {
            8 => Self::Des(des::Des::new_from_slice(key)?),
            16 => Self::Ede2(des::TdesEde2::new_from_slice(key)?),
            24 => Self::Ede3(des::TdesEde3::new_from_slice(key)?),
            _ => return Err(InvalidLength),
        })
    }
}

impl BlockSizeUser for AesAny {
    type BlockSize = U16;
}

impl BlockSizeUser for DesAny {
    type BlockSize = U8;
}

impl BlockCipher for AesAny {}
impl BlockCipher for DesAny {}

/// The one backend the modes see: hands blocks to the chosen cipher, eight at a time where
/// the mode has that many (the accelerator's unit).
struct Backend<'a, C> {
    cipher: &'a C,
    decrypt: bool,
}

/// Runs `$data` through the chosen cipher's `$dec` or `$enc` method.
macro_rules! run_on {
    ($backend:expr, $data:expr, $enc:ident / $dec:ident, $($variant:path),+) => {
        match $backend.cipher {
            $($variant(c) => {
                if $backend.decrypt {
                    c.$dec($data)
                } else {
                    c.$enc($data)
                }
            })+
        }
    };
}

impl BlockSizeUser for Backend<'_, AesAny> {
    type BlockSize = U16;
}

impl ParBlocksSizeUser for Backend<'_, AesAny> {
    type ParBlocksSize = U8;
}

impl BlockBackend for Backend<'_, AesAny> {
    fn proc_block(&mut self, block: InOut<'_, '_, Block<Self>>) {
        run_on!(
            self,
            block,
            encrypt_block_inout / decrypt_block_inout,
            AesAny::A128,
            AesAny::A192,
            AesAny::A256
        )
    }

    fn proc_par_blocks(&mut self, blocks: InOut<'_, '_, ParBlocks<Self>>) {
        run_on!(
            self,
            blocks.into_buf(),
            encrypt_blocks_inout / decrypt_blocks_inout,
            AesAny::A128,
            AesAny::A192,
            AesAny::A256
        )
    }
}

impl BlockSizeUser for Backend<'_, DesAny> {
    type BlockSize = U8;
}

impl ParBlocksSizeUser for Backend<'_, DesAny> {
    type ParBlocksSize = U1;
}

impl BlockBackend for Backend<'_, DesAny> {
    fn proc_block(&mut self, block: InOut<'_, '_, Block<Self>>) {
        run_on!(
            self,
            block,
            encrypt_block_inout / decrypt_block_inout,
            DesAny::Des,
            DesAny::Ede2,
            DesAny::Ede3
        )
    }
}

macro_rules! both_directions {
    ($t:ty, $bs:ty) => {
        impl BlockEncrypt for $t {
            fn encrypt_with_backend(&self, f: impl BlockClosure<BlockSize = $bs>) {
                f.call(&mut Backend {
                    cipher: self,
                    decrypt: false,
                })
            }
        }

        impl BlockDecrypt for $t {
            fn decrypt_with_backend(&self, f: impl BlockClosure<BlockSize = $bs>) {
                f.call(&mut Backend {
                    cipher: self,
                    decrypt: true,
                })
            }
        }
    };
}

both_directions!(AesAny, U16);
both_directions!(DesAny, U8);

#[cfg(test)]
mod tests {
    use super::*;
    use cipher::generic_array::GenericArray;

    #[test]
    fn each_key_length_picks_its_cipher() {
        // FIPS-197 C.1..C.3: plaintext 00112233..ff, keys 000102..
        let pt = hex_literal::hex!("00112233445566778899aabbccddeeff");
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        for (len, ct) in [
            (16, hex_literal::hex!("69c4e0d86a7b0430d8cdb78070b4c55a")),
            (24, hex_literal::hex!("dda97ca4864cdfe06eaf70a0ec0d7191")),
            (32, hex_literal::hex!("8ea2b7ca516745bfeafc49904b496089")),
        ] {
            let c = AesAny::new_from_slice(&key[..len]).unwrap();
            let mut blocks = [GenericArray::clone_from_slice(&pt); 9];
            c.encrypt_blocks(&mut blocks);
            assert!(blocks.iter().all(|b| b[..] == ct), "AES-{}", len * 8);
            c.decrypt_blocks(&mut blocks);
            assert!(blocks.iter().all(|b| b[..] == pt));
        }
        assert!(AesAny::new_from_slice(&key[..20]).is_err());
        // DES: the classic example (key 133457799BBCDFF1); 3DES with K1 = K2 = K3 is DES.
        let k = hex_literal::hex!("133457799bbcdff1");
        let mut b = GenericArray::clone_from_slice(&hex_literal::hex!("0123456789abcdef"));
        DesAny::new_from_slice(&k).unwrap().encrypt_block(&mut b);
        assert_eq!(b[..], hex_literal::hex!("85e813540f0ab405"));
        let k3 = [k, k, k].concat();
        DesAny::new_from_slice(&k3).unwrap().decrypt_block(&mut b);
        assert_eq!(b[..], hex_literal::hex!("0123456789abcdef"));
        DesAny::new_from_slice(&k3[..16])
            .unwrap()
            .encrypt_block(&mut b);
        assert_eq!(b[..], hex_literal::hex!("85e813540f0ab405"));
        assert!(DesAny::new_from_slice(&k3[..12]).is_err());
    }
}
