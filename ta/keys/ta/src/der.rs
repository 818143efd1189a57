//! The DER the keystore speaks with the outside world, written and read
//! here without a general ASN.1 library: SubjectPublicKeyInfo (RFC 5280)
//! for exported and peer public keys, ECDSA-Sig-Value (RFC 3279) for ECDSA
//! signatures, and PKCS#8 private keys (RFC 5208/5915/8017) for import.
//! The reader is strict (definite, minimal lengths; nothing left over) and
//! answers `BAD_PARAMETERS` for anything else.

use alloc::vec::Vec;

use oxtee_ta::{Error, Result};

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const NULL: u8 = 0x05;
const OID: u8 = 0x06;

/// `id-ecPublicKey` (1.2.840.10045.2.1).
pub(crate) const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// `secp256r1` (1.2.840.10045.3.1.7).
pub(crate) const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// `secp384r1` (1.3.132.0.34).
pub(crate) const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
/// `rsaEncryption` (1.2.840.113549.1.1.1).
pub(crate) const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// `id-Ed25519` (1.3.101.112).
pub(crate) const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

fn bad<T>() -> Result<T> {
    Err(Error::BAD_PARAMETERS)
}

/// Appends tag, length and `body`.
fn tlv(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        // Keys and signatures here stay far below 64 KiB.
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(body);
}

/// A non-negative INTEGER from big-endian bytes (minimal form).
fn integer(out: &mut Vec<u8>, be: &[u8]) {
    let first = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let digits = &be[first..];
    let mut body = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|&b| b & 0x80 != 0) {
        body.push(0);
    }
    body.extend_from_slice(digits);
    tlv(out, INTEGER, &body);
}

/// `AlgorithmIdentifier` of `oid` with `params` (already encoded) or none.
fn algorithm(oid: &[u8], params: Option<&[u8]>) -> Vec<u8> {
    let mut body = Vec::new();
    tlv(&mut body, OID, oid);
    if let Some(p) = params {
        body.extend_from_slice(p);
    }
    let mut out = Vec::new();
    tlv(&mut out, SEQUENCE, &body);
    out
}

fn spki(alg: Vec<u8>, key: &[u8]) -> Vec<u8> {
    let mut bits = Vec::with_capacity(key.len() + 1);
    bits.push(0); // no unused bits
    bits.extend_from_slice(key);
    let mut body = alg;
    tlv(&mut body, BIT_STRING, &bits);
    let mut out = Vec::new();
    tlv(&mut out, SEQUENCE, &body);
    out
}

/// Left-pads a big-endian number to `len` bytes (`BAD_STATE` if longer).
pub(crate) fn pad(be: &[u8], len: usize) -> Result<Vec<u8>> {
    let first = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let digits = &be[first..];
    if digits.len() > len {
        return Err(Error::BAD_STATE);
    }
    let mut v = alloc::vec![0u8; len - digits.len()];
    v.extend_from_slice(digits);
    Ok(v)
}

/// SPKI of an EC public key on `curve_oid` with coordinates of `len` bytes.
pub(crate) fn ec_spki(curve_oid: &[u8], len: usize, x: &[u8], y: &[u8]) -> Result<Vec<u8>> {
    let mut params = Vec::new();
    tlv(&mut params, OID, curve_oid);
    let mut point = alloc::vec![0x04];
    point.extend_from_slice(&pad(x, len)?);
    point.extend_from_slice(&pad(y, len)?);
    Ok(spki(algorithm(OID_EC_PUBLIC_KEY, Some(&params)), &point))
}

/// SPKI of an RSA public key.
pub(crate) fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut ints = Vec::new();
    integer(&mut ints, n);
    integer(&mut ints, e);
    let mut key = Vec::new();
    tlv(&mut key, SEQUENCE, &ints);
    let mut null = Vec::new();
    tlv(&mut null, NULL, &[]);
    spki(algorithm(OID_RSA, Some(&null)), &key)
}

/// SPKI of an Ed25519 public key.
pub(crate) fn ed25519_spki(public: &[u8]) -> Vec<u8> {
    spki(algorithm(OID_ED25519, None), public)
}

/// ECDSA-Sig-Value from GP's r || s.
pub(crate) fn ecdsa_sig_to_der(raw: &[u8]) -> Result<Vec<u8>> {
    if raw.is_empty() || raw.len() % 2 != 0 {
        return Err(Error::BAD_STATE);
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut ints = Vec::new();
    integer(&mut ints, r);
    integer(&mut ints, s);
    let mut out = Vec::new();
    tlv(&mut out, SEQUENCE, &ints);
    Ok(out)
}

/// A DER reader over one buffer.
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Reader(b)
    }

    /// The next element: its tag and contents.
    pub(crate) fn any(&mut self) -> Result<(u8, &'a [u8])> {
        let [tag, l0, rest @ ..] = self.0 else {
            return bad();
        };
        let (len, rest) = match *l0 {
            n if n < 0x80 => (usize::from(n), rest),
            0x81 => match rest {
                [n, rest @ ..] if *n >= 0x80 => (usize::from(*n), rest),
                _ => return bad(),
            },
            0x82 => match rest {
                [a, b, rest @ ..] if *a != 0 => ((usize::from(*a) << 8) | usize::from(*b), rest),
                _ => return bad(),
            },
            _ => return bad(),
        };
        if rest.len() < len {
            return bad();
        }
        let (body, rest) = rest.split_at(len);
        self.0 = rest;
        Ok((*tag, body))
    }

    /// The next element, which must have tag `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<&'a [u8]> {
        match self.any()? {
            (t, body) if t == tag => Ok(body),
            _ => bad(),
        }
    }

    /// The tag of the next element, if any.
    pub(crate) fn clone_next_tag(&self) -> Option<u8> {
        self.0.first().copied()
    }

    /// The next element if it has tag `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>> {
        match self.0.first() {
            Some(&t) if t == tag => self.expect(tag).map(Some),
            _ => Ok(None),
        }
    }

    /// A non-negative INTEGER's magnitude (leading zeros dropped).
    pub(crate) fn unsigned(&mut self) -> Result<&'a [u8]> {
        let body = self.expect(INTEGER)?;
        match body {
            [] => bad(),
            [b, ..] if b & 0x80 != 0 => bad(),
            [0, rest @ ..] => Ok(rest),
            _ => Ok(body),
        }
    }

    /// Everything must have been read.
    pub(crate) fn end(&self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            bad()
        }
    }
}

/// One DER element that must fill `b` with tag `tag`; its contents.
pub(crate) fn single(b: &[u8], tag: u8) -> Result<&[u8]> {
    let mut r = Reader::new(b);
    let body = r.expect(tag)?;
    r.end()?;
    Ok(body)
}

/// GP's r || s (each `len` bytes) from an ECDSA-Sig-Value.
pub(crate) fn ecdsa_sig_from_der(der: &[u8], len: usize) -> Result<Vec<u8>> {
    let mut r = Reader::new(single(der, SEQUENCE)?);
    let (a, b) = (r.unsigned()?, r.unsigned()?);
    r.end()?;
    let mut raw = pad(a, len).map_err(|_| Error::BAD_PARAMETERS)?;
    raw.extend_from_slice(&pad(b, len).map_err(|_| Error::BAD_PARAMETERS)?);
    Ok(raw)
}

/// The uncompressed point (x, y) of an EC SPKI on `curve_oid`.
pub(crate) fn ec_point_from_spki<'a>(
    der: &'a [u8],
    curve_oid: &[u8],
    len: usize,
) -> Result<(&'a [u8], &'a [u8])> {
    let mut r = Reader::new(single(der, SEQUENCE)?);
    let mut alg = Reader::new(r.expect(SEQUENCE)?);
    if alg.expect(OID)? != OID_EC_PUBLIC_KEY || alg.expect(OID)? != curve_oid {
        return bad();
    }
    alg.end()?;
    let bits = r.expect(BIT_STRING)?;
    r.end()?;
    uncompressed_point(bits, len)
}

/// (x, y) of a BIT STRING's contents `00 04 x y`.
fn uncompressed_point(bits: &[u8], len: usize) -> Result<(&[u8], &[u8])> {
    match bits {
        [0, 4, xy @ ..] if xy.len() == 2 * len => Ok(xy.split_at(len)),
        _ => bad(),
    }
}

/// A private key from PKCS#8, SEC1 or PKCS#1 DER.
pub(crate) enum PrivateKey<'a> {
    /// EC on a named curve: the curve's OID, d, and the public point.
    Ec {
        curve: &'a [u8],
        d: &'a [u8],
        x: &'a [u8],
        y: &'a [u8],
    },
    /// RSA: n, e, d, p, q, dp, dq, qinv (big-endian magnitudes).
    Rsa([&'a [u8]; 8]),
}

/// Reads a private key: PKCS#8 `PrivateKeyInfo` (EC or RSA), or the
/// traditional forms OpenSSL also writes, SEC1 `ECPrivateKey` (with its
/// curve) and PKCS#1 `RSAPrivateKey`. EC keys must carry their public point
/// (OpenSSL writes it). `ec_len` gives a curve's coordinate size.
pub(crate) fn private_key(
    der: &[u8],
    ec_len: impl Fn(&[u8]) -> Option<usize>,
) -> Result<PrivateKey<'_>> {
    let body = single(der, SEQUENCE)?;
    let mut r = Reader::new(body);
    let version = r.unsigned()?;
    match (version, r.clone_next_tag()) {
        ([] | [1], Some(SEQUENCE)) => pkcs8(r, ec_len),
        ([1], Some(OCTET_STRING)) => sec1(r, None, &ec_len),
        ([], Some(INTEGER)) => pkcs1(r),
        _ => bad(),
    }
}

fn pkcs8<'a>(mut r: Reader<'a>, ec_len: impl Fn(&[u8]) -> Option<usize>) -> Result<PrivateKey<'a>> {
    let mut alg = Reader::new(r.expect(SEQUENCE)?);
    let oid = alg.expect(OID)?;
    let key = r.expect(OCTET_STRING)?;
    // Attributes ([0]) and a v2 public key ([1]) are not used.
    let _ = r.optional(0xa0)?;
    let _ = r.optional(0x81)?;
    r.end()?;
    if oid == OID_EC_PUBLIC_KEY {
        let curve = alg.expect(OID)?;
        alg.end()?;
        let mut k = Reader::new(single(key, SEQUENCE)?);
        if k.unsigned()? != [1] {
            return bad();
        }
        sec1(k, Some(curve), &ec_len)
    } else if oid == OID_RSA {
        if let Some(p) = alg.optional(NULL)? {
            if !p.is_empty() {
                return bad();
            }
        }
        alg.end()?;
        let mut k = Reader::new(single(key, SEQUENCE)?);
        if !k.unsigned()?.is_empty() {
            return bad(); // two-prime keys only (version 0)
        }
        pkcs1(k)
    } else {
        Err(Error::NOT_SUPPORTED)
    }
}

/// The rest of an `ECPrivateKey` after its version: d, the curve (from
/// `[0]` or from PKCS#8's algorithm, which must agree), the public point.
fn sec1<'a>(
    mut k: Reader<'a>,
    outer_curve: Option<&'a [u8]>,
    ec_len: &impl Fn(&[u8]) -> Option<usize>,
) -> Result<PrivateKey<'a>> {
    let d = k.expect(OCTET_STRING)?;
    let inner = match k.optional(0xa0)? {
        Some(p) => Some(single(p, OID)?),
        None => None,
    };
    let curve = match (outer_curve, inner) {
        (Some(a), Some(b)) if a != b => return bad(),
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => return bad(),
    };
    let len = ec_len(curve).ok_or(Error::NOT_SUPPORTED)?;
    let public = k.expect(0xa1)?;
    k.end()?;
    let (x, y) = uncompressed_point(single(public, BIT_STRING)?, len)?;
    if d.len() != len {
        return bad();
    }
    Ok(PrivateKey::Ec { curve, d, x, y })
}

/// The rest of an `RSAPrivateKey` after its version (0).
fn pkcs1(mut k: Reader<'_>) -> Result<PrivateKey<'_>> {
    let mut parts = [&[][..]; 8];
    for p in parts.iter_mut() {
        *p = k.unsigned()?;
    }
    k.end()?;
    Ok(PrivateKey::Rsa(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_minimal_and_positive() {
        let mut v = Vec::new();
        integer(&mut v, &[0, 0, 0x7f]);
        assert_eq!(v, [2, 1, 0x7f]);
        let mut v = Vec::new();
        integer(&mut v, &[0x80]);
        assert_eq!(v, [2, 2, 0, 0x80]);
        let mut v = Vec::new();
        integer(&mut v, &[0, 0]);
        assert_eq!(v, [2, 1, 0]);
    }

    #[test]
    fn ecdsa_signatures_round_trip() {
        let mut raw = [0u8; 64];
        raw[0] = 0x80; // r needs a leading zero in DER
        raw[40] = 0x01; // s has leading zeros to drop
        raw[63] = 0x55;
        let der = ecdsa_sig_to_der(&raw).unwrap();
        assert_eq!(der[0], SEQUENCE);
        assert_eq!(ecdsa_sig_from_der(&der, 32).unwrap(), raw);
        // Trailing bytes, a wrong size, a negative integer: refused.
        let mut long = der.clone();
        long.push(0);
        assert!(ecdsa_sig_from_der(&long, 32).is_err());
        assert!(ecdsa_sig_from_der(&der, 16).is_err());
        assert!(ecdsa_sig_from_der(&[0x30, 3, 2, 1, 0x80], 32).is_err());
    }

    #[test]
    fn p256_spki_has_the_standard_prefix_and_parses_back() {
        let x = [0x11u8; 32];
        let y = [0x22u8; 32];
        let der = ec_spki(OID_P256, 32, &x, &y).unwrap();
        let prefix = [
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
        ];
        assert_eq!(&der[..prefix.len()], prefix);
        assert_eq!(der.len(), 91);
        let (px, py) = ec_point_from_spki(&der, OID_P256, 32).unwrap();
        assert_eq!((px, py), (&x[..], &y[..]));
        assert!(ec_point_from_spki(&der, OID_P384, 48).is_err());
        assert!(ec_point_from_spki(&der[..90], OID_P256, 32).is_err());
    }

    #[test]
    fn ed25519_and_rsa_spki_shapes() {
        let der = ed25519_spki(&[9u8; 32]);
        assert_eq!(
            &der[..12],
            [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
        );
        let mut n = [0xffu8; 256];
        n[255] = 0xfb;
        let der = rsa_spki(&n, &[1, 0, 1]);
        // SEQUENCE of 0x122 bytes: 30 82 01 22.
        assert_eq!(&der[..4], [0x30, 0x82, 0x01, 0x22]);
        assert_eq!(der.len(), 0x126);
    }

    #[test]
    fn the_reader_refuses_bad_lengths() {
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x81, 0x05, 0, 0, 0, 0, 0], // non-minimal long form
            &[0x30, 0x82, 0x00, 0x80],          // non-minimal two-byte form
            &[0x30, 0x83, 0, 0, 1],             // too long a length
            &[0x30, 0x05, 0],                   // past the end
        ] {
            assert!(Reader::new(bad).any().is_err(), "{bad:?}");
        }
    }
}
