//! AES-128/192/256 as RustCrypto block ciphers that run on the installed
//! [`Accelerator`] when there is one (else, and for any refused call, on the
//! `aes` crate's constant-time software). Every mode built generically over
//! a block cipher (CTS, XTS, CCM, GCM's counter, CMAC, CBC-MAC) gets the
//! instructions through these types; ECB, CBC and CTR have whole-buffer
//! paths of their own (`accel_block`), which save the per-block calls.

use cipher::consts::{U16, U24, U32, U8};
use cipher::inout::InOut;
use cipher::{
    Block, BlockBackend, BlockCipher, BlockClosure, BlockDecrypt, BlockEncrypt, BlockSizeUser, Key,
    KeyInit, KeySizeUser, ParBlocks, ParBlocksSizeUser,
};

use crate::accel::{aes_schedule, installed, Accelerator, AesSchedule};

/// One direction of one key, for the length of a `*_with_backend` call.
/// Without an accelerator it runs the software cipher itself, so each
/// generic mode is compiled once, for this backend only.
struct Backend<'a, C> {
    hw: Option<(&'a dyn Accelerator, &'a AesSchedule)>,
    soft: &'a C,
    decrypt: bool,
}

impl<C> BlockSizeUser for Backend<'_, C> {
    type BlockSize = U16;
}

impl<C> ParBlocksSizeUser for Backend<'_, C> {
    type ParBlocksSize = U8;
}

impl<C: BlockEncrypt<BlockSize = U16> + BlockDecrypt<BlockSize = U16>> Backend<'_, C> {
    /// Whole blocks in place: one accelerator call, or software.
    fn run(&self, data: &mut [u8]) {
        if let Some((accel, keys)) = self.hw {
            if accel.aes_ecb(keys, self.decrypt, data).is_ok() {
                return;
            }
        }
        let mut blocks = [Block::<C>::default(); 8];
        for chunk in data.chunks_mut(128) {
            let n = chunk.len() / 16;
            for (b, c) in blocks.iter_mut().zip(chunk.chunks_exact(16)) {
                b.copy_from_slice(c);
            }
            if self.decrypt {
                self.soft.decrypt_blocks(&mut blocks[..n]);
            } else {
                self.soft.encrypt_blocks(&mut blocks[..n]);
            }
            for (b, c) in blocks.iter().zip(chunk.chunks_exact_mut(16)) {
                c.copy_from_slice(b);
            }
        }
        blocks.iter_mut().for_each(|b| b.fill(0));
    }
}

impl<C: BlockEncrypt<BlockSize = U16> + BlockDecrypt<BlockSize = U16>> BlockBackend
    for Backend<'_, C>
{
    fn proc_block(&mut self, mut block: InOut<'_, '_, Block<Self>>) {
        let mut b: [u8; 16] = (*block.get_in()).into();
        self.run(&mut b);
        block.get_out().copy_from_slice(&b);
        b.fill(0);
    }

    fn proc_par_blocks(&mut self, mut blocks: InOut<'_, '_, ParBlocks<Self>>) {
        let mut buf = [0u8; 128];
        for (chunk, b) in buf.chunks_exact_mut(16).zip(blocks.get_in().iter()) {
            chunk.copy_from_slice(b);
        }
        self.run(&mut buf);
        for (chunk, b) in buf.chunks_exact(16).zip(blocks.get_out().iter_mut()) {
            b.copy_from_slice(chunk);
        }
        buf.fill(0);
    }
}

macro_rules! accel_aes {
    ($name:ident, $soft:ty, $key_size:ty) => {
        #[derive(Clone)]
        pub(crate) struct $name {
            soft: $soft,
            hw: Option<(&'static dyn Accelerator, AesSchedule)>,
        }

        impl $name {
            /// The cipher on `accel` (when it has AES and expands the key
            /// now), else in software.
            pub(crate) fn new_on(accel: Option<&'static dyn Accelerator>, key: &Key<Self>) -> Self {
                let hw = accel.and_then(|a| aes_schedule(a, key).map(|s| (a, s)));
                Self {
                    soft: <$soft>::new(key),
                    hw,
                }
            }
        }

        impl KeySizeUser for $name {
            type KeySize = $key_size;
        }

        impl BlockSizeUser for $name {
            type BlockSize = U16;
        }

        impl BlockCipher for $name {}

        impl KeyInit for $name {
            fn new(key: &Key<Self>) -> Self {
                Self::new_on(installed(), key)
            }
        }

        impl BlockEncrypt for $name {
            fn encrypt_with_backend(&self, f: impl BlockClosure<BlockSize = U16>) {
                f.call(&mut Backend {
                    hw: self.hw.as_ref().map(|(a, k)| (*a, k)),
                    soft: &self.soft,
                    decrypt: false,
                })
            }
        }

        impl BlockDecrypt for $name {
            fn decrypt_with_backend(&self, f: impl BlockClosure<BlockSize = U16>) {
                f.call(&mut Backend {
                    hw: self.hw.as_ref().map(|(a, k)| (*a, k)),
                    soft: &self.soft,
                    decrypt: true,
                })
            }
        }
    };
}

accel_aes!(Aes128, aes::Aes128, U16);
accel_aes!(Aes192, aes::Aes192, U24);
accel_aes!(Aes256, aes::Aes256, U32);

#[cfg(test)]
mod tests;
