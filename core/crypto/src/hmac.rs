//! HMAC (RFC 2104, FIPS 198-1) over any fixed-length digest of [`new_hasher`]: one
//! implementation for every hash instead of one per hash type, and on the accelerator wherever
//! the hash runs there. The MAC operations, the KDFs and the hardware-key subkeys use it.

use alloc::boxed::Box;
use alloc::vec;

use zeroize::{Zeroize, Zeroizing};

use crate::digest::{block_len, digest_len, hash, new_hasher, Hasher};

/// A keyed HMAC computation; [`Hmac::finalize_reset`] restarts it with the same key.
pub(crate) struct Hmac {
    /// H(K ⊕ ipad ‖ data so far).
    inner: Box<dyn Hasher>,
    /// The state after K ⊕ ipad, where every message starts.
    inner_start: Box<dyn Hasher>,
    /// The state after K ⊕ opad.
    outer_start: Box<dyn Hasher>,
    out_len: usize,
}

impl Hmac {
    /// HMAC with the digest `algorithm` (`TEE_ALG_*` digest ID) and any `key`; `None` for an
    /// algorithm without a fixed block length (XOFs, unknown IDs).
    pub(crate) fn new(algorithm: u32, key: &[u8]) -> Option<Self> {
        let block = block_len(algorithm)?;
        let out_len = digest_len(algorithm)?;
        // K0: the key, or its digest when longer than a block, zero-padded to a block.
        let mut k0 = Zeroizing::new(vec![0u8; block]);
        if key.len() > block {
            hash(algorithm, key, &mut k0)?;
        } else {
            k0[..key.len()].copy_from_slice(key);
        }
        let mut pad = Zeroizing::new(vec![0u8; block]);
        let mut start = |byte: u8| -> Option<Box<dyn Hasher>> {
            for (p, k) in pad.iter_mut().zip(k0.iter()) {
                *p = k ^ byte;
            }
            let mut h = new_hasher(algorithm)?;
            h.update(&pad);
            Some(h)
        };
        let inner_start = start(0x36)?;
        let outer_start = start(0x5c)?;
        Some(Self {
            inner: inner_start.box_clone(),
            inner_start,
            outer_start,
            out_len,
        })
    }

    /// The MAC length in bytes (the digest length).
    pub(crate) fn output_len(&self) -> usize {
        self.out_len
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// Drop the data absorbed so far.
    pub(crate) fn restart(&mut self) {
        self.inner = self.inner_start.box_clone();
    }

    /// Write the first `out.len()` (at most [`Hmac::output_len`]) bytes of the MAC and
    /// restart.
    pub(crate) fn finalize_reset(&mut self, out: &mut [u8]) {
        let mut inner = [0u8; 64];
        let inner = &mut inner[..self.out_len];
        self.inner.finalize_reset(inner);
        self.restart();
        let mut outer = self.outer_start.box_clone();
        outer.update(inner);
        inner.zeroize();
        let mut tag = [0u8; 64];
        outer.finalize_reset(&mut tag[..self.out_len]);
        out.copy_from_slice(&tag[..out.len()]);
        tag.zeroize();
    }
}

impl Clone for Hmac {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.box_clone(),
            inner_start: self.inner_start.box_clone(),
            outer_start: self.outer_start.box_clone(),
            out_len: self.out_len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use supplicant_proto::tee_crypto::*;

    fn mac(alg: u32, key: &[u8], data: &[u8]) -> alloc::vec::Vec<u8> {
        let mut h = Hmac::new(alg, key).unwrap();
        h.update(data);
        let mut out = vec![0u8; h.output_len()];
        h.finalize_reset(&mut out);
        out
    }

    #[test]
    fn rfc4231_case_2_and_6() {
        // Case 2: key "Jefe"; case 6: a 131-byte key, longer than the SHA-256 block.
        assert_eq!(
            mac(TEE_ALG_SHA256, b"Jefe", b"what do ya want for nothing?"),
            hex_literal::hex!("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        assert_eq!(
            mac(
                TEE_ALG_SHA512,
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            hex_literal::hex!(
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
            )
        );
    }

    #[test]
    fn restarts_after_finalize_and_clones_state() {
        let mut h = Hmac::new(TEE_ALG_SHA1, b"key").unwrap();
        h.update(b"The quick brown fox ");
        let copy = h.clone();
        h.update(b"jumps over the lazy dog");
        let mut a = [0u8; 20];
        h.finalize_reset(&mut a);
        // RFC 2104 style example widely published for HMAC-SHA1("key", ...).
        assert_eq!(
            a,
            hex_literal::hex!("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9")
        );
        h.update(b"The quick brown fox jumps over the lazy dog");
        let mut b = [0u8; 20];
        h.finalize_reset(&mut b);
        assert_eq!(a, b, "a finalize restarts from the key");
        let mut c = copy.clone();
        c.update(b"jumps over the lazy dog");
        let mut d = [0u8; 20];
        c.finalize_reset(&mut d);
        assert_eq!(a, d, "a clone continues from the copied state");
    }

    #[test]
    fn no_hmac_over_an_xof() {
        assert!(Hmac::new(TEE_ALG_SHAKE128, b"k").is_none());
        assert!(Hmac::new(0x1234, b"k").is_none());
    }
}
