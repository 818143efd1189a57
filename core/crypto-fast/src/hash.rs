//! SHA-1, SHA-2 and SHA-3 as RustCrypto hash types (`digest`'s block-level
//! `core_api`) whose block function runs on the installed [`Accelerator`]
//! when the CPU has the instructions, else, and for any refused call, in
//! the constant-time software of the `sha1`, `sha2` and `keccak` crates.
//! They are the only SHA-1/SHA-2/SHA-3 of the crate: digests, HMAC (the
//! `hmac` crate over these types), HKDF, PBKDF2, Concat KDF, the hashes
//! inside RSA, DSA and ECDSA operations and Ed25519's SHA-512 use them,
//! and so does the secure storage.
//!
//! The block buffer of `digest` hands whole blocks over as one slice,
//! so a large update is one accelerator call.

use core::fmt;
use core::marker::PhantomData;

use cipher::generic_array::{ArrayLength, GenericArray};
use cipher::typenum::{Unsigned, U104, U128, U136, U144, U168, U20, U28, U32, U48, U64, U72};
use digest::block_buffer::Eager;
use digest::core_api::{
    AlgorithmName, Block, BlockSizeUser, Buffer, BufferKindUser, CoreWrapper, ExtendableOutputCore,
    FixedOutputCore, OutputSizeUser, UpdateCore, XofReaderCore,
};
use digest::{HashMarker, Output, Reset};
use zeroize::Zeroize;

use crate::accel::{installed, Accelerator, KeccakBlocks};

/// The installed accelerator when it has what `has` asks for.
fn accel_with(has: fn(&dyn Accelerator) -> bool) -> Option<&'static dyn Accelerator> {
    installed().filter(|a| has(*a))
}

/// A Merkle-Damgård hash's parameters: state, block function, padding.
pub trait Md: Clone + 'static {
    /// The chaining state.
    type State: Copy + Zeroize + 'static;
    /// The message block size.
    type BlockSize: ArrayLength<u8> + 'static;
    /// The digest size.
    type OutputSize: ArrayLength<u8> + 'static;
    /// The initial state.
    const INIT: Self::State;
    /// The name `AlgorithmName` reports.
    const NAME: &'static str;
    /// Whether `accel` has the block function.
    fn has(accel: &dyn Accelerator) -> bool;
    /// The block function on the accelerator.
    fn compress_hw(
        accel: &dyn Accelerator,
        state: &mut Self::State,
        blocks: &[GenericArray<u8, Self::BlockSize>],
    ) -> bool;
    /// The block function in software.
    fn compress_soft(state: &mut Self::State, blocks: &[GenericArray<u8, Self::BlockSize>]);
    /// The padding ends with the length in 128 bits (else 64).
    const LEN128: bool;
    /// Writes the digest (the state's first words, big endian).
    fn write(state: &Self::State, out: &mut [u8]);
}

/// The block-level core of a Merkle-Damgård hash `M`.
pub struct MdCore<M: Md> {
    state: M::State,
    /// Whole blocks hashed so far.
    blocks: u128,
    accel: Option<&'static dyn Accelerator>,
    _m: PhantomData<M>,
}

impl<M: Md> Clone for MdCore<M> {
    fn clone(&self) -> Self {
        MdCore {
            state: self.state,
            blocks: self.blocks,
            accel: self.accel,
            _m: PhantomData,
        }
    }
}

impl<M: Md> MdCore<M> {
    fn compress(&mut self, blocks: &[GenericArray<u8, M::BlockSize>]) {
        compress::<M>(self.accel, &mut self.state, blocks);
    }
}

fn compress<M: Md>(
    accel: Option<&'static dyn Accelerator>,
    state: &mut M::State,
    blocks: &[GenericArray<u8, M::BlockSize>],
) {
    if blocks.is_empty() {
        return;
    }
    if let Some(a) = accel {
        if M::compress_hw(a, state, blocks) {
            return;
        }
    }
    M::compress_soft(state, blocks);
}

impl<M: Md> Default for MdCore<M> {
    fn default() -> Self {
        MdCore {
            state: M::INIT,
            blocks: 0,
            accel: accel_with(M::has),
            _m: PhantomData,
        }
    }
}

impl<M: Md> Drop for MdCore<M> {
    fn drop(&mut self) {
        self.state.zeroize();
    }
}

impl<M: Md> HashMarker for MdCore<M> {}

impl<M: Md> BlockSizeUser for MdCore<M> {
    type BlockSize = M::BlockSize;
}

impl<M: Md> BufferKindUser for MdCore<M> {
    type BufferKind = Eager;
}

impl<M: Md> OutputSizeUser for MdCore<M> {
    type OutputSize = M::OutputSize;
}

impl<M: Md> UpdateCore for MdCore<M> {
    fn update_blocks(&mut self, blocks: &[Block<Self>]) {
        self.blocks = self.blocks.wrapping_add(blocks.len() as u128);
        self.compress(blocks);
    }
}

impl<M: Md> FixedOutputCore for MdCore<M>
where
    M::BlockSize: cipher::typenum::IsLess<cipher::typenum::U256>,
    cipher::typenum::Le<M::BlockSize, cipher::typenum::U256>: cipher::typenum::NonZero,
{
    fn finalize_fixed_core(&mut self, buffer: &mut Buffer<Self>, out: &mut Output<Self>) {
        let bits = (self.blocks * M::BlockSize::USIZE as u128 + buffer.get_pos() as u128) * 8;
        let (accel, state) = (self.accel, &mut self.state);
        let last = |b: &GenericArray<u8, M::BlockSize>| {
            compress::<M>(accel, state, core::slice::from_ref(b))
        };
        if M::LEN128 {
            buffer.len128_padding_be(bits, last);
        } else {
            buffer.len64_padding_be(bits as u64, last);
        }
        M::write(&self.state, out);
    }
}

impl<M: Md> Reset for MdCore<M> {
    fn reset(&mut self) {
        self.state = M::INIT;
        self.blocks = 0;
    }
}

impl<M: Md> AlgorithmName for MdCore<M> {
    fn write_alg_name(f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(M::NAME)
    }
}

impl<M: Md> fmt::Debug for MdCore<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(M::NAME)?;
        f.write_str("Core { .. }")
    }
}

macro_rules! md32 {
    ($name:ident, $doc:literal, $words:literal, $out:ty, $init:expr, $alg:literal, $has:ident,
     $hw:ident, $soft:path) => {
        #[doc = $doc]
        #[derive(Clone)]
        pub struct $name;

        impl Md for $name {
            type State = [u32; $words];
            type BlockSize = U64;
            type OutputSize = $out;
            const INIT: [u32; $words] = $init;
            const NAME: &'static str = $alg;
            fn has(accel: &dyn Accelerator) -> bool {
                accel.$has()
            }
            fn compress_hw(
                accel: &dyn Accelerator,
                state: &mut [u32; $words],
                blocks: &[GenericArray<u8, U64>],
            ) -> bool {
                accel.$hw(state, blocks).is_ok()
            }
            fn compress_soft(state: &mut [u32; $words], blocks: &[GenericArray<u8, U64>]) {
                $soft(state, blocks);
            }
            const LEN128: bool = false;
            fn write(state: &[u32; $words], out: &mut [u8]) {
                for (o, w) in out.chunks_mut(4).zip(state.iter()) {
                    o.copy_from_slice(&w.to_be_bytes()[..o.len()]);
                }
            }
        }
    };
}

macro_rules! md64 {
    ($name:ident, $doc:literal, $out:ty, $init:expr, $alg:literal) => {
        #[doc = $doc]
        #[derive(Clone)]
        pub struct $name;

        impl Md for $name {
            type State = [u64; 8];
            type BlockSize = U128;
            type OutputSize = $out;
            const INIT: [u64; 8] = $init;
            const NAME: &'static str = $alg;
            fn has(accel: &dyn Accelerator) -> bool {
                accel.has_sha512()
            }
            fn compress_hw(
                accel: &dyn Accelerator,
                state: &mut [u64; 8],
                blocks: &[GenericArray<u8, U128>],
            ) -> bool {
                accel.sha512_blocks(state, blocks).is_ok()
            }
            fn compress_soft(state: &mut [u64; 8], blocks: &[GenericArray<u8, U128>]) {
                sha2::compress512(state, blocks);
            }
            const LEN128: bool = true;
            fn write(state: &[u64; 8], out: &mut [u8]) {
                for (o, w) in out.chunks_mut(8).zip(state.iter()) {
                    o.copy_from_slice(&w.to_be_bytes()[..o.len()]);
                }
            }
        }
    };
}

fn sha1_compress(state: &mut [u32; 5], blocks: &[GenericArray<u8, U64>]) {
    sha1::compress(state, blocks);
}

fn sha256_compress(state: &mut [u32; 8], blocks: &[GenericArray<u8, U64>]) {
    sha2::compress256(state, blocks);
}

md32!(
    Sha1Md,
    "SHA-1's parameters.",
    5,
    U20,
    [
        0x6745_2301,
        0xefcd_ab89,
        0x98ba_dcfe,
        0x1032_5476,
        0xc3d2_e1f0
    ],
    "Sha1",
    has_sha1,
    sha1_blocks,
    sha1_compress
);
md32!(
    Sha224Md,
    "SHA-224's parameters.",
    8,
    U28,
    [
        0xc105_9ed8,
        0x367c_d507,
        0x3070_dd17,
        0xf70e_5939,
        0xffc0_0b31,
        0x6858_1511,
        0x64f9_8fa7,
        0xbefa_4fa4,
    ],
    "Sha224",
    has_sha256,
    sha256_blocks,
    sha256_compress
);
md32!(
    Sha256Md,
    "SHA-256's parameters.",
    8,
    U32,
    [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ],
    "Sha256",
    has_sha256,
    sha256_blocks,
    sha256_compress
);
md64!(
    Sha384Md,
    "SHA-384's parameters.",
    U48,
    [
        0xcbbb_9d5d_c105_9ed8,
        0x629a_292a_367c_d507,
        0x9159_015a_3070_dd17,
        0x152f_ecd8_f70e_5939,
        0x6733_2667_ffc0_0b31,
        0x8eb4_4a87_6858_1511,
        0xdb0c_2e0d_64f9_8fa7,
        0x47b5_481d_befa_4fa4,
    ],
    "Sha384"
);
md64!(
    Sha512Md,
    "SHA-512's parameters.",
    U64,
    [
        0x6a09_e667_f3bc_c908,
        0xbb67_ae85_84ca_a73b,
        0x3c6e_f372_fe94_f82b,
        0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1,
        0x9b05_688c_2b3e_6c1f,
        0x1f83_d9ab_fb41_bd6b,
        0x5be0_cd19_137e_2179,
    ],
    "Sha512"
);

/// SHA-1.
pub type Sha1 = CoreWrapper<MdCore<Sha1Md>>;
/// SHA-224.
pub type Sha224 = CoreWrapper<MdCore<Sha224Md>>;
/// SHA-256.
pub type Sha256 = CoreWrapper<MdCore<Sha256Md>>;
/// SHA-384.
pub type Sha384 = CoreWrapper<MdCore<Sha384Md>>;
/// SHA-512.
pub type Sha512 = CoreWrapper<MdCore<Sha512Md>>;

/// SHA-1 or SHA-2 behind entry points that are not generic: the digest
/// operations of TAs (the timed hash path) run the buffering and block
/// calls compiled here, at this crate's opt-level, not at that of the
/// crate that calls them (decision 0007).
#[derive(Clone)]
#[allow(missing_docs)]
pub enum Sha {
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

macro_rules! each_sha {
    ($self:expr, $h:ident => $e:expr) => {
        match $self {
            Sha::Sha1($h) => $e,
            Sha::Sha224($h) => $e,
            Sha::Sha256($h) => $e,
            Sha::Sha384($h) => $e,
            Sha::Sha512($h) => $e,
        }
    };
}

impl Sha {
    /// Hashes more of the message.
    #[inline(never)]
    pub fn update(&mut self, data: &[u8]) {
        each_sha!(self, h => digest::Digest::update(h, data))
    }

    /// Writes the first `out.len()` bytes of the digest (all of it when
    /// `out` is longer) and starts over.
    #[inline(never)]
    pub fn finalize_reset(&mut self, out: &mut [u8]) {
        each_sha!(self, h => {
            let d = digest::Digest::finalize_reset(h);
            let n = out.len().min(d.len());
            out[..n].copy_from_slice(&d[..n]);
        })
    }
}

/// A SHA-3 rate (the block size in bytes) the accelerator knows.
pub trait Rate: ArrayLength<u8> + 'static {
    /// The blocks as the accelerator takes them.
    fn blocks(blocks: &[GenericArray<u8, Self>]) -> KeccakBlocks<'_>;
}

macro_rules! rate {
    ($n:ty, $v:ident) => {
        impl Rate for $n {
            fn blocks(blocks: &[GenericArray<u8, Self>]) -> KeccakBlocks<'_> {
                KeccakBlocks::$v(blocks)
            }
        }
    };
}
rate!(U72, R72);
rate!(U104, R104);
rate!(U136, R136);
rate!(U144, R144);
rate!(U168, R168);

/// Keccak-f[1600] state with the accelerator to run it on.
#[derive(Clone)]
struct Keccak {
    lanes: [u64; 25],
    accel: Option<&'static dyn Accelerator>,
}

impl Keccak {
    fn new() -> Self {
        Keccak {
            lanes: [0; 25],
            accel: accel_with(|a| a.has_sha3()),
        }
    }

    fn absorb<R: Rate>(&mut self, blocks: &[GenericArray<u8, R>]) {
        if blocks.is_empty() {
            return;
        }
        if let Some(a) = self.accel {
            if a.keccak_absorb(&mut self.lanes, R::blocks(blocks)).is_ok() {
                return;
            }
        }
        for b in blocks {
            for (lane, bytes) in self.lanes.iter_mut().zip(b.chunks_exact(8)) {
                let mut w = [0u8; 8];
                w.copy_from_slice(bytes);
                *lane ^= u64::from_le_bytes(w);
            }
            keccak::f1600(&mut self.lanes);
        }
    }

    fn permute(&mut self) {
        if let Some(a) = self.accel {
            if a.keccak_permute(&mut self.lanes).is_ok() {
                return;
            }
        }
        keccak::f1600(&mut self.lanes);
    }

    /// The first `out.len()` bytes of the state, lanes little endian.
    fn read(&self, out: &mut [u8]) {
        for (o, lane) in out.chunks_mut(8).zip(&self.lanes) {
            o.copy_from_slice(&lane.to_le_bytes()[..o.len()]);
        }
    }
}

/// Pads the buffered rest with the domain byte and 10*1 and absorbs it.
fn pad<R>(keccak: &mut Keccak, buffer: &mut digest::block_buffer::BlockBuffer<R, Eager>, domain: u8)
where
    R: Rate + cipher::typenum::IsLess<cipher::typenum::U256>,
    cipher::typenum::Le<R, cipher::typenum::U256>: cipher::typenum::NonZero,
{
    let pos = buffer.get_pos();
    let block = buffer.pad_with_zeros();
    block[pos] = domain;
    block[R::USIZE - 1] |= 0x80;
    keccak.absorb::<R>(core::slice::from_ref(block));
}

impl Drop for Keccak {
    fn drop(&mut self) {
        self.lanes.zeroize();
    }
}

/// The block-level core of SHA3 with rate `R` and output `O` bytes.
#[derive(Clone)]
pub struct Sha3Core<R: Rate, O: ArrayLength<u8> + 'static> {
    keccak: Keccak,
    _p: PhantomData<(R, O)>,
}

impl<R: Rate, O: ArrayLength<u8> + 'static> Default for Sha3Core<R, O> {
    fn default() -> Self {
        Sha3Core {
            keccak: Keccak::new(),
            _p: PhantomData,
        }
    }
}

impl<R: Rate, O: ArrayLength<u8> + 'static> HashMarker for Sha3Core<R, O> {}

impl<R: Rate, O: ArrayLength<u8> + 'static> BlockSizeUser for Sha3Core<R, O> {
    type BlockSize = R;
}

impl<R: Rate, O: ArrayLength<u8> + 'static> BufferKindUser for Sha3Core<R, O> {
    type BufferKind = Eager;
}

impl<R: Rate, O: ArrayLength<u8> + 'static> OutputSizeUser for Sha3Core<R, O> {
    type OutputSize = O;
}

impl<R: Rate, O: ArrayLength<u8> + 'static> UpdateCore for Sha3Core<R, O> {
    fn update_blocks(&mut self, blocks: &[Block<Self>]) {
        self.keccak.absorb::<R>(blocks);
    }
}

impl<R, O> FixedOutputCore for Sha3Core<R, O>
where
    R: Rate + cipher::typenum::IsLess<cipher::typenum::U256>,
    cipher::typenum::Le<R, cipher::typenum::U256>: cipher::typenum::NonZero,
    O: ArrayLength<u8> + 'static,
{
    fn finalize_fixed_core(&mut self, buffer: &mut Buffer<Self>, out: &mut Output<Self>) {
        pad::<R>(&mut self.keccak, buffer, 0x06);
        self.keccak.read(out);
    }
}

impl<R: Rate, O: ArrayLength<u8> + 'static> Reset for Sha3Core<R, O> {
    fn reset(&mut self) {
        self.keccak.lanes = [0; 25];
    }
}

impl<R: Rate, O: ArrayLength<u8> + 'static> AlgorithmName for Sha3Core<R, O> {
    fn write_alg_name(f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sha3")
    }
}

impl<R: Rate, O: ArrayLength<u8> + 'static> fmt::Debug for Sha3Core<R, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sha3Core { .. }")
    }
}

/// SHA3-224.
pub type Sha3_224 = CoreWrapper<Sha3Core<U144, U28>>;
/// SHA3-256.
pub type Sha3_256 = CoreWrapper<Sha3Core<U136, U32>>;
/// SHA3-384.
pub type Sha3_384 = CoreWrapper<Sha3Core<U104, U48>>;
/// SHA3-512.
pub type Sha3_512 = CoreWrapper<Sha3Core<U72, U64>>;

/// The block-level core of SHAKE with rate `R`.
#[derive(Clone)]
pub struct ShakeCore<R: Rate> {
    keccak: Keccak,
    _p: PhantomData<R>,
}

impl<R: Rate> Default for ShakeCore<R> {
    fn default() -> Self {
        ShakeCore {
            keccak: Keccak::new(),
            _p: PhantomData,
        }
    }
}

impl<R: Rate> HashMarker for ShakeCore<R> {}

impl<R: Rate> BlockSizeUser for ShakeCore<R> {
    type BlockSize = R;
}

impl<R: Rate> BufferKindUser for ShakeCore<R> {
    type BufferKind = Eager;
}

impl<R: Rate> UpdateCore for ShakeCore<R> {
    fn update_blocks(&mut self, blocks: &[Block<Self>]) {
        self.keccak.absorb::<R>(blocks);
    }
}

impl<R> ExtendableOutputCore for ShakeCore<R>
where
    R: Rate + cipher::typenum::IsLess<cipher::typenum::U256>,
    cipher::typenum::Le<R, cipher::typenum::U256>: cipher::typenum::NonZero,
{
    type ReaderCore = ShakeReaderCore<R>;

    fn finalize_xof_core(&mut self, buffer: &mut Buffer<Self>) -> ShakeReaderCore<R> {
        pad::<R>(&mut self.keccak, buffer, 0x1f);
        ShakeReaderCore {
            keccak: self.keccak.clone(),
            started: false,
            _p: PhantomData,
        }
    }
}

impl<R: Rate> Reset for ShakeCore<R> {
    fn reset(&mut self) {
        self.keccak.lanes = [0; 25];
    }
}

impl<R: Rate> AlgorithmName for ShakeCore<R> {
    fn write_alg_name(f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Shake")
    }
}

impl<R: Rate> fmt::Debug for ShakeCore<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShakeCore { .. }")
    }
}

/// SHAKE's output: the first block straight from the absorbed state, a
/// permutation before each further one.
#[derive(Clone)]
pub struct ShakeReaderCore<R: Rate> {
    keccak: Keccak,
    started: bool,
    _p: PhantomData<R>,
}

impl<R: Rate> BlockSizeUser for ShakeReaderCore<R> {
    type BlockSize = R;
}

impl<R: Rate> XofReaderCore for ShakeReaderCore<R> {
    fn read_block(&mut self) -> Block<Self> {
        if self.started {
            self.keccak.permute();
        }
        self.started = true;
        let mut block = Block::<Self>::default();
        self.keccak.read(&mut block);
        block
    }
}

/// SHAKE128.
pub type Shake128 = CoreWrapper<ShakeCore<U168>>;
/// SHAKE256.
pub type Shake256 = CoreWrapper<ShakeCore<U136>>;

#[cfg(test)]
mod tests;
