//! SHA-1, SHA-224 and SHA-256 with the compression function on an
//! installed [`Accelerator`] (the padding and buffering are the same
//! Merkle-Damgård framing for all three). A refused call compresses in
//! software (`sha1::compress`, `sha2::compress256`) from the same state.

use alloc::boxed::Box;

use cipher::generic_array::GenericArray;
use supplicant_proto::tee_crypto::{TEE_ALG_SHA1, TEE_ALG_SHA224, TEE_ALG_SHA256};
use zeroize::Zeroize;

use crate::accel::{installed, Accelerator};
use crate::digest::Hasher;

const SHA1_INIT: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];
const SHA224_INIT: [u32; 8] = [
    0xc105_9ed8,
    0x367c_d507,
    0x3070_dd17,
    0xf70e_5939,
    0xffc0_0b31,
    0x6858_1511,
    0x64f9_8fa7,
    0xbefa_4fa4,
];
const SHA256_INIT: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sha1,
    Sha224,
    Sha256,
}

impl Kind {
    fn init(self) -> [u32; 8] {
        match self {
            Kind::Sha1 => {
                let mut s = [0; 8];
                s[..5].copy_from_slice(&SHA1_INIT);
                s
            }
            Kind::Sha224 => SHA224_INIT,
            Kind::Sha256 => SHA256_INIT,
        }
    }

    fn out_len(self) -> usize {
        match self {
            Kind::Sha1 => 20,
            Kind::Sha224 => 28,
            Kind::Sha256 => 32,
        }
    }
}

/// An accelerated hasher for `algorithm`, or `None` (no accelerator, not one
/// of these hashes, or the CPU lacks its instructions).
pub(crate) fn new_hasher(algorithm: u32) -> Option<Box<dyn Hasher>> {
    new_hasher_on(installed()?, algorithm)
}

pub(crate) fn new_hasher_on(
    accel: &'static dyn Accelerator,
    algorithm: u32,
) -> Option<Box<dyn Hasher>> {
    let kind = match algorithm {
        TEE_ALG_SHA1 if accel.has_sha1() => Kind::Sha1,
        TEE_ALG_SHA224 if accel.has_sha256() => Kind::Sha224,
        TEE_ALG_SHA256 if accel.has_sha256() => Kind::Sha256,
        _ => return None,
    };
    Some(Box::new(Md {
        accel,
        kind,
        state: kind.init(),
        buf: [0; 64],
        buffered: 0,
        total: 0,
    }))
}

#[derive(Clone)]
struct Md {
    accel: &'static dyn Accelerator,
    kind: Kind,
    state: [u32; 8],
    buf: [u8; 64],
    buffered: usize,
    /// Bytes hashed so far.
    total: u64,
}

impl Md {
    /// Compresses the whole 64-byte blocks of `data`.
    fn compress(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        match self.kind {
            Kind::Sha1 => {
                let mut s = [0u32; 5];
                s.copy_from_slice(&self.state[..5]);
                if self.accel.sha1_blocks(&mut s, data).is_err() {
                    for b in data.chunks_exact(64) {
                        sha1::compress(&mut s, &[*GenericArray::from_slice(b)]);
                    }
                }
                self.state[..5].copy_from_slice(&s);
                s.zeroize();
            }
            Kind::Sha224 | Kind::Sha256 => {
                if self.accel.sha256_blocks(&mut self.state, data).is_err() {
                    for b in data.chunks_exact(64) {
                        sha2::compress256(&mut self.state, &[*GenericArray::from_slice(b)]);
                    }
                }
            }
        }
    }

    fn reset(&mut self) {
        self.state = self.kind.init();
        self.buf.zeroize();
        self.buffered = 0;
        self.total = 0;
    }
}

impl Hasher for Md {
    fn update(&mut self, mut data: &[u8]) {
        self.total = self.total.wrapping_add(data.len() as u64);
        if self.buffered > 0 {
            let n = (64 - self.buffered).min(data.len());
            self.buf[self.buffered..self.buffered + n].copy_from_slice(&data[..n]);
            self.buffered += n;
            data = &data[n..];
            if self.buffered < 64 {
                return;
            }
            let block = self.buf;
            self.compress(&block);
            self.buffered = 0;
        }
        let whole = data.len() / 64 * 64;
        self.compress(&data[..whole]);
        let rest = &data[whole..];
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    fn finalize_reset(&mut self, out: &mut [u8]) {
        let bits = self.total.wrapping_mul(8);
        let mut pad = [0u8; 128];
        pad[..self.buffered].copy_from_slice(&self.buf[..self.buffered]);
        pad[self.buffered] = 0x80;
        let len = if self.buffered < 56 { 64 } else { 128 };
        pad[len - 8..len].copy_from_slice(&bits.to_be_bytes());
        self.compress(&pad[..len]);
        pad.zeroize();
        let mut digest = [0u8; 32];
        for (d, w) in digest.chunks_exact_mut(4).zip(&self.state) {
            d.copy_from_slice(&w.to_be_bytes());
        }
        let n = out.len().min(self.kind.out_len());
        out[..n].copy_from_slice(&digest[..n]);
        digest.zeroize();
        self.reset();
    }

    fn box_clone(&self) -> Box<dyn Hasher> {
        Box::new(self.clone())
    }
}

impl Drop for Md {
    fn drop(&mut self) {
        self.state.zeroize();
        self.buf.zeroize();
    }
}

#[cfg(test)]
mod tests;
