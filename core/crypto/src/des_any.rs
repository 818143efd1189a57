//! DES and two- and three-key 3DES as one block-cipher type, [`DesAny`], keyed at run time by
//! the key length. The generic modes (`block`, `mac`) are compiled once for it instead of once
//! per key size; the blocks still go to the chosen `des` cipher. (AES needs no such type: all
//! its modes run on `aes_key::AesKey`.)

use cipher::consts::{U1, U24, U8};
use cipher::crypto_common::InvalidLength;
use cipher::inout::InOut;
use cipher::{
    Block, BlockBackend, BlockCipher, BlockClosure, BlockDecrypt, BlockEncrypt, BlockSizeUser, Key,
    KeyInit, KeySizeUser, ParBlocksSizeUser,
};

/// DES (8-byte key) or 3DES with two (16-byte) or three (24-byte) keys.
#[derive(Clone)]
pub(crate) enum DesAny {
    Des(des::Des),
    Ede2(des::TdesEde2),
    Ede3(des::TdesEde3),
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

impl BlockSizeUser for DesAny {
    type BlockSize = U8;
}

impl BlockCipher for DesAny {}

/// The one backend the modes see: hands each block to the chosen cipher.
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

both_directions!(DesAny, U8);

#[cfg(test)]
mod tests {
    use super::*;
    use cipher::generic_array::GenericArray;

    #[test]
    fn each_key_length_picks_its_cipher() {
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
