//! SM2 on the run-time curve arithmetic of `weierstrass` (the SM2 curve of GM/T 0003.5 has
//! a = −3 like the NIST curves): digital signatures (`TEE_ALG_SM2_DSA_SM3`, GM/T 0003.2 §6.1
//! and §7.1), public-key encryption (`TEE_ALG_SM2_PKE`, GM/T 0003.4) and key exchange, composed
//! here from the group operations and SM3.
//!
//! Signatures: as in GP, the caller passes the message representative e = SM3(Z_A ‖ M); Z_A is
//! the TA's business. As in OP-TEE, e may have any length: it is read as a big-endian integer
//! and reduced modulo n (xtest 4006 passes a 64-byte value, because the digest field of
//! `TEE_ALG_SM2_DSA_SM3` names SHA-512). Signatures are `r || s`, 32 bytes each; signing uses
//! a fresh random per-message secret.
//!
//! Encryption: ciphertexts use OP-TEE's layout `C1 || C2 || C3` with C1 = `04 || x1 || y1`
//! (65 bytes), C2 the masked message and C3 = SM3(x2 ‖ M ‖ y2) (32 bytes). The key stream is
//! the GM/T 0003.4 KDF (SM3 over `Z || counter`, counter from 1, big-endian 32 bits).
//!
//! Key exchange (`TEE_ALG_SM2_KEP`, GM/T 0003.3 §6.1) is composed the same way: [`sm2_kep`]
//! computes the shared key and the confirmation values S_A/S_B for either role.

use alloc::vec;
use alloc::vec::Vec;
use sm3::Digest;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::weierstrass::{curve, Curve, CurveId, Point, Scalar};
use super::{left_pad, AsymResult, CryptoRngCore, BAD_PARAMS, NOT_SUPPORTED, SIG_INVALID};

/// Coordinate, private value, `r` and `s` length in bytes.
pub const SM2_COORD_LEN: usize = 32;

fn sm2() -> &'static Curve {
    curve(CurveId::Sm2)
}

/// An SM2 public key (`TEE_ATTR_ECC_PUBLIC_VALUE_X`/`_Y`, curve `TEE_ECC_CURVE_SM2`): a
/// point on the curve, each coordinate 32 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sm2PublicKey {
    x: Vec<u8>,
    y: Vec<u8>,
}

/// An SM2 key pair: the private value d in [1, n−1] and its public point d·G.
#[derive(Clone)]
pub struct Sm2KeyPair {
    d: Zeroizing<Vec<u8>>,
    public: Sm2PublicKey,
}

impl core::fmt::Debug for Sm2KeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sm2KeyPair").finish_non_exhaustive()
    }
}

/// e (non-empty, any length) as a big-endian integer modulo n.
fn reduce_e(e: &[u8]) -> AsymResult<Scalar> {
    if e.is_empty() {
        return Err(BAD_PARAMS);
    }
    // Up to 72 bytes reduce directly; a longer e goes through the general big integers.
    sm2().scalar_reduce(e).or_else(|_| {
        let n = super::bigint::Uint::from_be(&sm2().order_bytes());
        let v = super::bigint::Uint::from_be(e).rem(&n).unwrap_or_default();
        sm2().scalar_reduce(&v.to_be())
    })
}

impl Sm2PublicKey {
    /// From the affine coordinates; the point must be on the SM2 curve.
    pub fn from_coords(x: &[u8], y: &[u8]) -> AsymResult<Self> {
        let (x, y) = (left_pad(x, SM2_COORD_LEN)?, left_pad(y, SM2_COORD_LEN)?);
        sm2().check_public(&x, &y)?;
        Ok(Self { x, y })
    }

    /// (x, y), 32 bytes each.
    pub fn coords(&self) -> (Vec<u8>, Vec<u8>) {
        (self.x.clone(), self.y.clone())
    }

    fn point(&self) -> AsymResult<Point> {
        sm2().point(&self.x, &self.y)
    }

    /// Verifies `sig` (`r || s`) over the message representative `e` (non-empty).
    pub fn verify(&self, e: &[u8], sig: &[u8]) -> AsymResult<()> {
        let c = sm2();
        let e = reduce_e(e)?;
        if sig.len() != 2 * SM2_COORD_LEN {
            return Err(SIG_INVALID);
        }
        let (r, s) = sig.split_at(SM2_COORD_LEN);
        // r and s in [1, n−1].
        let (r, s) = (
            c.private(r).map_err(|_| SIG_INVALID)?,
            c.private(s).map_err(|_| SIG_INVALID)?,
        );
        // t = (r + s) mod n ≠ 0; (x1, y1) = [s]G + [t]P_A; R = (e + x1) mod n must be r.
        let t = c.scalar_add(&r, &s);
        if c.scalar_is_zero(&t) {
            return Err(SIG_INVALID);
        }
        let sum = c.add(&c.mul(&c.generator(), &s), &c.mul(&self.point()?, &t));
        let (x1, _) = c.point_bytes(&sum).map_err(|_| SIG_INVALID)?;
        let v = c.scalar_add(&e, &c.scalar_reduce(&x1)?);
        if c.scalar_eq(&v, &r) {
            Ok(())
        } else {
            Err(SIG_INVALID)
        }
    }
}

impl Sm2KeyPair {
    /// From `TEE_ATTR_ECC_PRIVATE_VALUE` (and the public point, which must be on the curve).
    pub fn from_components(d: &[u8], x: &[u8], y: &[u8]) -> AsymResult<Self> {
        Sm2PublicKey::from_coords(x, y)?;
        Self::from_private(Zeroizing::new(left_pad(d, SM2_COORD_LEN)?))
    }

    fn from_private(d: Zeroizing<Vec<u8>>) -> AsymResult<Self> {
        let (x, y) = sm2().public_of(&d)?;
        Ok(Self {
            d,
            public: Sm2PublicKey { x, y },
        })
    }

    /// Generates a key pair; `TEE_ERROR_BAD_PARAMETERS` only for a generator that keeps
    /// failing to produce a value in range (a broken RNG).
    pub fn generate(rng: &mut dyn CryptoRngCore) -> AsymResult<Self> {
        let c = sm2();
        Self::from_private(c.scalar_bytes(&c.random_scalar(rng)?))
    }

    fn scalar(&self) -> AsymResult<Scalar> {
        sm2().private(&self.d)
    }

    /// `TEE_ATTR_ECC_PRIVATE_VALUE` (32 bytes).
    pub fn private_value(&self) -> Zeroizing<Vec<u8>> {
        self.d.clone()
    }

    /// The public half.
    pub fn public_key(&self) -> Sm2PublicKey {
        self.public.clone()
    }

    /// Signs the message representative `e` (non-empty); returns `r || s`.
    pub fn sign(&self, e: &[u8], rng: &mut dyn CryptoRngCore) -> AsymResult<Vec<u8>> {
        let c = sm2();
        let e = reduce_e(e)?;
        let d = self.scalar()?;
        // (1 + d)⁻¹; d = n − 1 has none.
        let one = c.scalar_reduce(&[1])?;
        let d1 = c.scalar_add(&one, &d);
        if c.scalar_is_zero(&d1) {
            return Err(BAD_PARAMS);
        }
        let d1_inv = c.scalar_inv(&d1);
        // A zero r, r + k = n or a zero s (each with negligible probability): draw again.
        for _ in 0..8 {
            let k = c.random_scalar(rng)?;
            let (x1, _) = c.point_bytes(&c.mul(&c.generator(), &k))?;
            // r = (e + x1) mod n, s = (1 + d)⁻¹ (k − r·d) mod n.
            let r = c.scalar_add(&e, &c.scalar_reduce(&x1)?);
            if c.scalar_is_zero(&r) || c.scalar_is_zero(&c.scalar_add(&r, &k)) {
                continue;
            }
            let s = c.scalar_mul(&d1_inv, &c.scalar_sub(&k, &c.scalar_mul(&r, &d)));
            if c.scalar_is_zero(&s) {
                continue;
            }
            let mut sig = c.scalar_bytes(&r).to_vec();
            sig.extend_from_slice(&c.scalar_bytes(&s));
            return Ok(sig);
        }
        Err(BAD_PARAMS)
    }
}

/// Length of C1 (uncompressed point) in a ciphertext.
pub const SM2_C1_LEN: usize = 1 + 2 * SM2_COORD_LEN;
/// Length of C3 (SM3 digest) in a ciphertext.
pub const SM2_C3_LEN: usize = 32;

/// GM/T 0003.4 §5.4.3 key derivation: SM3(z ‖ ct) blocks with a 32-bit big-endian counter
/// starting at 1.
fn sm2_kdf(z: &[u8], out: &mut [u8]) {
    for (i, chunk) in out.chunks_mut(32).enumerate() {
        // `out` is at most a TA buffer long, far below 2^32 blocks.
        let ct = (i as u32).wrapping_add(1);
        let block = sm3::Sm3::new_with_prefix(z)
            .chain_update(ct.to_be_bytes())
            .finalize();
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
}

/// (x2 ‖ y2) of a point other than the identity, 64 bytes.
fn point_bytes(p: &Point) -> AsymResult<Zeroizing<Vec<u8>>> {
    let (x, y) = sm2().point_bytes(p)?;
    let mut v = Zeroizing::new(x);
    v.extend_from_slice(&y);
    Ok(v)
}

fn c3(x2y2: &[u8], msg: &[u8]) -> [u8; 32] {
    sm3::Sm3::new_with_prefix(&x2y2[..SM2_COORD_LEN])
        .chain_update(msg)
        .chain_update(&x2y2[SM2_COORD_LEN..])
        .finalize()
        .into()
}

impl Sm2PublicKey {
    /// SM2 encryption of `msg` (non-empty); output `C1 || C2 || C3`, `msg.len() + 97` bytes.
    pub fn encrypt(&self, msg: &[u8], rng: &mut dyn CryptoRngCore) -> AsymResult<Vec<u8>> {
        if msg.is_empty() {
            return Err(BAD_PARAMS);
        }
        let c = sm2();
        let pb = self.point()?;
        // A zero key stream (probability ~2^-256 per try) means: pick another k.
        for _ in 0..8 {
            let k = c.random_scalar(rng)?;
            let c1 = point_bytes(&c.mul(&c.generator(), &k))?;
            let x2y2 = point_bytes(&c.mul(&pb, &k))?;
            let mut t = Zeroizing::new(vec![0u8; msg.len()]);
            sm2_kdf(&x2y2, &mut t);
            if t.iter().all(|&b| b == 0) {
                continue;
            }
            let mut out = Vec::with_capacity(SM2_C1_LEN + msg.len() + SM2_C3_LEN);
            out.push(0x04);
            out.extend_from_slice(&c1);
            out.extend(msg.iter().zip(t.iter()).map(|(m, k)| m ^ k));
            out.extend_from_slice(&c3(&x2y2, msg));
            return Ok(out);
        }
        Err(BAD_PARAMS)
    }
}

impl Sm2KeyPair {
    /// SM2 decryption of `C1 || C2 || C3`. A malformed C1 (not an uncompressed point on the
    /// curve) or a ciphertext without message bytes gives `TEE_ERROR_BAD_PARAMETERS`; a
    /// compressed C1 `TEE_ERROR_NOT_SUPPORTED`; a C3 mismatch (checked in constant time)
    /// `TEE_ERROR_CIPHERTEXT_INVALID`, as OP-TEE reports it.
    pub fn decrypt(&self, ct: &[u8]) -> AsymResult<Zeroizing<Vec<u8>>> {
        match ct.first() {
            Some(0x04) => {}
            Some(0x02 | 0x03 | 0x06 | 0x07) => return Err(NOT_SUPPORTED),
            _ => return Err(BAD_PARAMS),
        }
        if ct.len() <= SM2_C1_LEN + SM2_C3_LEN {
            return Err(BAD_PARAMS);
        }
        let c1 = Sm2PublicKey::from_coords(
            &ct[1..1 + SM2_COORD_LEN],
            &ct[1 + SM2_COORD_LEN..SM2_C1_LEN],
        )?;
        let (c2, c3_in) = ct[SM2_C1_LEN..].split_at(ct.len() - SM2_C1_LEN - SM2_C3_LEN);
        let x2y2 = point_bytes(&sm2().mul(&c1.point()?, &self.scalar()?))?;
        let mut msg = Zeroizing::new(vec![0u8; c2.len()]);
        sm2_kdf(&x2y2, &mut msg);
        if msg.iter().all(|&b| b == 0) {
            return Err(BAD_PARAMS);
        }
        for (m, c) in msg.iter_mut().zip(c2) {
            *m ^= c;
        }
        let u = c3(&x2y2, &msg);
        if bool::from(u.ct_eq(c3_in)) {
            Ok(msg)
        } else {
            Err(crate::error::CryptoError::CiphertextInvalid)
        }
    }
}

/// SM2 curve coefficient a (GM/T 0003.5).
const SM2_A: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
];
/// SM2 curve coefficient b (GM/T 0003.5).
const SM2_B: [u8; 32] = [
    0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
    0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
];

/// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ x ‖ y) of GM/T 0003.2 §5.5. IDs longer than 8191 bytes
/// give `TEE_ERROR_BAD_PARAMETERS`.
pub fn sm2_z(id: &[u8], public: &Sm2PublicKey) -> AsymResult<[u8; 32]> {
    let entl = u16::try_from(id.len().checked_mul(8).ok_or(BAD_PARAMS)?).map_err(|_| BAD_PARAMS)?;
    let g = point_bytes(&sm2().generator())?;
    let (x, y) = public.coords();
    Ok(sm3::Sm3::new()
        .chain_update(entl.to_be_bytes())
        .chain_update(id)
        .chain_update(SM2_A)
        .chain_update(SM2_B)
        .chain_update(&g[..])
        .chain_update(x)
        .chain_update(y)
        .finalize()
        .into())
}

/// Role of the local party in SM2 key exchange (`TEE_ATTR_SM2_KEP_USER` value a: 0 / 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sm2KepRole {
    /// User A, the initiator.
    Initiator,
    /// User B, the responder.
    Responder,
}

/// Peer data and options of one SM2 key exchange.
#[derive(Clone, Copy, Debug)]
pub struct Sm2KepParams<'a> {
    /// Local role.
    pub role: Sm2KepRole,
    /// Peer's static public key (`TEE_ATTR_ECC_PUBLIC_VALUE_X/Y`).
    pub peer_public: &'a Sm2PublicKey,
    /// Peer's ephemeral public key (`TEE_ATTR_ECC_EPHEMERAL_PUBLIC_VALUE_X/Y`).
    pub peer_ephemeral: &'a Sm2PublicKey,
    /// `TEE_ATTR_SM2_ID_INITIATOR`.
    pub id_initiator: &'a [u8],
    /// `TEE_ATTR_SM2_ID_RESPONDER`.
    pub id_responder: &'a [u8],
    /// `TEE_ATTR_SM2_KEP_CONFIRMATION_IN` (the peer's S_B or S_A), checked when present.
    pub confirmation_in: Option<&'a [u8]>,
}

/// Result of [`sm2_kep`].
pub struct Sm2KepOutput {
    /// The shared key (`key_len` bytes).
    pub key: Zeroizing<Vec<u8>>,
    /// `TEE_ATTR_SM2_KEP_CONFIRMATION_OUT`: S_A for the initiator, S_B for the responder.
    pub confirmation_out: [u8; 32],
}

/// x̄ = 2^w + (x mod 2^w) with w = 127 (GM/T 0003.3 §6.1 for a 256-bit order).
fn x_bar(p: &Sm2PublicKey) -> AsymResult<Scalar> {
    let mut v = [0u8; 16];
    v.copy_from_slice(&p.x[16..32]);
    v[0] = (v[0] & 0x7f) | 0x80;
    sm2().scalar_reduce(&v)
}

/// SM2 key exchange from the local static key pair `own` and ephemeral key pair
/// `own_ephemeral` (`TEE_SetOperationKey2`) with the peer's data in `params`, deriving
/// `key_len` bytes. A wrong confirmation value gives `TEE_ERROR_BAD_PARAMETERS`.
pub fn sm2_kep(
    own: &Sm2KeyPair,
    own_ephemeral: &Sm2KeyPair,
    params: &Sm2KepParams<'_>,
    key_len: usize,
) -> AsymResult<Sm2KepOutput> {
    if key_len == 0 {
        return Err(BAD_PARAMS);
    }
    let c = sm2();
    let own_public = own.public_key();
    let own_eph_public = own_ephemeral.public_key();
    // t = (d + x̄_own · r) mod n
    let t = c.scalar_add(
        &own.scalar()?,
        &c.scalar_mul(&x_bar(&own_eph_public)?, &own_ephemeral.scalar()?),
    );
    // U = [h·t](P_peer + [x̄_peer] R_peer), h = 1 for SM2.
    let peer_sum = c.add(
        &params.peer_public.point()?,
        &c.mul(
            &params.peer_ephemeral.point()?,
            &x_bar(params.peer_ephemeral)?,
        ),
    );
    let u = c.mul(&peer_sum, &t);
    if c.is_identity(&u) {
        return Err(BAD_PARAMS);
    }
    let uxy = point_bytes(&u)?;
    let (init_pub, resp_pub, init_eph, resp_eph) = match params.role {
        Sm2KepRole::Initiator => (
            &own_public,
            params.peer_public,
            &own_eph_public,
            params.peer_ephemeral,
        ),
        Sm2KepRole::Responder => (
            params.peer_public,
            &own_public,
            params.peer_ephemeral,
            &own_eph_public,
        ),
    };
    let za = sm2_z(params.id_initiator, init_pub)?;
    let zb = sm2_z(params.id_responder, resp_pub)?;
    let mut z = Zeroizing::new(Vec::with_capacity(128));
    z.extend_from_slice(&uxy);
    z.extend_from_slice(&za);
    z.extend_from_slice(&zb);
    let mut key = Zeroizing::new(vec![0u8; key_len]);
    sm2_kdf(&z, &mut key);
    let (x1, y1) = init_eph.coords();
    let (x2, y2) = resp_eph.coords();
    let inner: [u8; 32] = sm3::Sm3::new()
        .chain_update(&uxy[..SM2_COORD_LEN])
        .chain_update(za)
        .chain_update(zb)
        .chain_update(x1)
        .chain_update(y1)
        .chain_update(x2)
        .chain_update(y2)
        .finalize()
        .into();
    let confirm = |tag: u8| -> [u8; 32] {
        sm3::Sm3::new()
            .chain_update([tag])
            .chain_update(&uxy[SM2_COORD_LEN..])
            .chain_update(inner)
            .finalize()
            .into()
    };
    // S_B / S1 use tag 0x02, S_A / S2 tag 0x03.
    let (expected_in, out) = match params.role {
        Sm2KepRole::Initiator => (confirm(0x02), confirm(0x03)),
        Sm2KepRole::Responder => (confirm(0x03), confirm(0x02)),
    };
    if let Some(c) = params.confirmation_in {
        if !bool::from(expected_in.ct_eq(c)) {
            return Err(BAD_PARAMS);
        }
    }
    Ok(Sm2KepOutput {
        key,
        confirmation_out: out,
    })
}
