//! The cryptographic system calls (`TEE_SCN_CRYP_*`, hash, cipher, MAC,
//! AE, asymmetric, derive, transient objects) on `oxtee-crypto`, with
//! per-instance handle tables ([`handles`]).
//!
//! As in OP-TEE, libutee inside the TA owns the operation's key objects:
//! `TEE_AllocateOperation` allocates transient objects and passes their
//! handles to `CRYP_STATE_ALLOC`, which marks them busy (the TA can no
//! longer close them; freeing the state closes them). Key material is read
//! from those objects when an operation is initialized (`HASH_INIT` for
//! MACs, `CIPHER_INIT`, `AUTHENC_INIT`) or used (asymmetric, derive).
//! libutee buffers partial cipher blocks itself. Handles are nonzero,
//! per instance, shared by objects and states, and never reused while the
//! instance lives on; an unknown object handle gives
//! `TEE_ERROR_BAD_STATE`, an unknown state handle
//! `TEE_ERROR_BAD_PARAMETERS`, as OP-TEE answers. Errors go back to the
//! TA, which (libutee) panics itself where GP says so.

use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;

use oxtee_crypto::asym_op;
use oxtee_crypto::object::AttrValue;
use oxtee_crypto::{Attribute, CryptoError, KeyObject, Operation, Zeroizing};
use supplicant_proto::tee_crypto::*;
use supplicant_proto::tee_syscall::{Sysnum, UteeAttribute, UteeObjectInfo};
use zerocopy::FromBytes;

use super::hw::UserHw;
use super::space::Space;
use super::uptr::UserPtr;
use super::{Ctx, Cx, Instance};
use handles::HandleMap;

mod ae;
mod asymmetric;
mod cipher;
mod derive;
mod digest;
pub mod handles;
mod mem;
mod objects;
mod state;

use ae::*;
use asymmetric::*;
use cipher::*;
use derive::*;
use digest::*;
use mem::*;
use objects::*;
use state::*;

pub use objects::{decode_attrs, object_info, RawAttr, UTEE_ATTRIBUTE_SIZE};
pub use state::{CryptoState, Obj};

/// `CRYP_STATE_ALLOC` of AES-CBC encryption with key `key` (tests of
/// other modules).
#[cfg(test)]
pub(crate) fn state_alloc_for_tests(
    space: &Space,
    hw: &dyn UserHw,
    cs: &mut CryptoState,
    key: u32,
    out: u64,
) -> Result<(), TeeError> {
    let mem = Mem { hw, space };
    state_alloc(
        &mem,
        cs,
        TEE_ALG_AES_CBC_NOPAD,
        TEE_MODE_ENCRYPT,
        key,
        0,
        out,
    )
}

/// True for the system calls this module serves.
pub fn handles(nr: Sysnum) -> bool {
    matches!(
        nr,
        Sysnum::CrypStateAlloc
            | Sysnum::CrypStateCopy
            | Sysnum::CrypStateFree
            | Sysnum::HashInit
            | Sysnum::HashUpdate
            | Sysnum::HashFinal
            | Sysnum::CipherInit
            | Sysnum::CipherUpdate
            | Sysnum::CipherFinal
            | Sysnum::CrypObjGetInfo
            | Sysnum::CrypObjRestrictUsage
            | Sysnum::CrypObjGetAttr
            | Sysnum::CrypObjAlloc
            | Sysnum::CrypObjClose
            | Sysnum::CrypObjReset
            | Sysnum::CrypObjPopulate
            | Sysnum::CrypObjCopy
            | Sysnum::CrypDeriveKey
            | Sysnum::AuthencInit
            | Sysnum::AuthencUpdateAad
            | Sysnum::AuthencUpdatePayload
            | Sysnum::AuthencEncFinal
            | Sysnum::AuthencDecFinal
            | Sysnum::AsymmOperate
            | Sysnum::AsymmVerify
            | Sysnum::CrypObjGenerateKey
    )
}

/// What a crypto system call asks of the run loop.
pub enum Outcome {
    /// Answer the TA with this result.
    Done(Result<(), TeeError>),
    /// The TA broke a rule GP makes a panic: end it.
    Panic,
}

fn code(e: CryptoError) -> TeeError {
    e.into()
}

/// Serves system call `nr` with arguments `a` for the running instance.
/// `Err(code)` goes back to the TA in x0. As in OP-TEE, the core answers
/// every misuse with an error code (the crate's `TaPanic` cases give
/// `TEE_ERROR_BAD_STATE`) and libutee panics the TA where GP says so; the
/// core never ends the TA itself here.
pub fn dispatch(
    cx: &mut Cx<'_>,
    _inst: &Instance,
    ctx: &mut Ctx,
    nr: Sysnum,
    a: &[u64; 31],
) -> Outcome {
    let mem = Mem {
        hw: cx.hw,
        space: &ctx.space,
    };
    let cs = &mut ctx.crypto;
    let h = |i: usize| a[i] as u32;
    let r = match nr {
        Sysnum::CrypStateAlloc => state_alloc(&mem, cs, h(0), h(1), h(2), h(3), a[4]),
        Sysnum::CrypStateCopy => state_copy(cs, h(0), h(1)),
        Sysnum::CrypStateFree => cs.get_state(h(0)).map(|_| ()).map(|()| cs.free_state(h(0))),
        Sysnum::HashInit => hash_init(cs, h(0)),
        Sysnum::HashUpdate => hash_update(&mem, cs, h(0), a[1], a[2]),
        Sysnum::HashFinal => hash_final(&mem, cs, h(0), a[1], a[2], a[3], a[4]),
        Sysnum::CipherInit => cipher_init(&mem, cs, h(0), a[1], a[2]),
        Sysnum::CipherUpdate => cipher_update(&mem, cs, h(0), false, a[1], a[2], a[3], a[4]),
        Sysnum::CipherFinal => cipher_update(&mem, cs, h(0), true, a[1], a[2], a[3], a[4]),
        Sysnum::CrypObjGetInfo => obj_get_info(&mem, cs, h(0), a[1]),
        Sysnum::CrypObjRestrictUsage => cs
            .object_mut(h(0))
            .map(|o| o.key.restrict_usage(a[1] as u32))
            .ok_or(TeeError::BAD_STATE),
        Sysnum::CrypObjGetAttr => obj_get_attr(&mem, cs, h(0), h(1), a[2], a[3]),
        Sysnum::CrypObjAlloc => obj_alloc(&mem, cs, h(0), h(1), a[2]),
        Sysnum::CrypObjClose => match cs.object(h(0)) {
            None => Err(TeeError::BAD_STATE),
            Some(o) if o.busy => Err(TeeError::ITEM_NOT_FOUND),
            Some(_) => {
                cs.remove_object(h(0));
                Ok(())
            }
        },
        Sysnum::CrypObjReset => cs
            .object_mut(h(0))
            .map(|o| o.key.reset())
            .ok_or(TeeError::BAD_STATE),
        Sysnum::CrypObjPopulate => obj_populate(&mem, cs, h(0), a[1], a[2]),
        Sysnum::CrypObjCopy => obj_copy(cs, h(0), h(1)),
        Sysnum::CrypObjGenerateKey => {
            let rpc = &mut *cx.rpc;
            obj_generate(&mem, cs, h(0), h(1), a[2], a[3], &mut || {
                crate::rpc::preemption_point(rpc)
            })
        }
        Sysnum::CrypDeriveKey => {
            let rpc = &mut *cx.rpc;
            derive_key(&mem, cs, h(0), a[1], a[2], h(3), &mut || {
                crate::rpc::preemption_point(rpc)
            })
        }
        Sysnum::AuthencInit => authenc_init(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5]),
        Sysnum::AuthencUpdateAad => authenc_update_aad(&mem, cs, h(0), a[1], a[2]),
        Sysnum::AuthencUpdatePayload => authenc_update(&mem, cs, h(0), a[1], a[2], a[3], a[4]),
        Sysnum::AuthencEncFinal => {
            authenc_enc_final(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6])
        }
        Sysnum::AuthencDecFinal => {
            authenc_dec_final(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6])
        }
        Sysnum::AsymmOperate => asymm_operate(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6]),
        Sysnum::AsymmVerify => asymm_verify(&mem, cs, h(0), a[1], a[2], a[3], a[4], a[5], a[6]),
        _ => Err(TeeError::NOT_SUPPORTED),
    };
    Outcome::Done(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr_bytes(a: u64, b: u64, id: u32) -> [u8; 24] {
        let mut r = [0u8; 24];
        r[..8].copy_from_slice(&a.to_le_bytes());
        r[8..16].copy_from_slice(&b.to_le_bytes());
        r[16..20].copy_from_slice(&id.to_le_bytes());
        r[20..].copy_from_slice(&[0xAA; 4]);
        r
    }

    #[test]
    fn utee_attribute_arrays_decode() {
        let mut raw = Vec::new();
        raw.extend_from_slice(&attr_bytes(0x8000_1000, 16, TEE_ATTR_SECRET_VALUE));
        raw.extend_from_slice(&attr_bytes(3, 7, TEE_ATTR_ECC_CURVE));
        let v = decode_attrs(&raw);
        assert_eq!(
            v,
            [
                RawAttr {
                    id: TEE_ATTR_SECRET_VALUE,
                    a: 0x8000_1000,
                    b: 16
                },
                RawAttr {
                    id: TEE_ATTR_ECC_CURVE,
                    a: 3,
                    b: 7
                }
            ]
        );
        assert!(tee_attr_is_value(v[1].id) && !tee_attr_is_value(v[0].id));
        // A trailing partial record is ignored (callers read whole records).
        assert_eq!(decode_attrs(&raw[..30]).len(), 1);
        assert!(decode_attrs(&[]).is_empty());
    }

    #[test]
    fn handles_are_nonzero_unique_and_typed() {
        let mut cs = CryptoState::default();
        let a = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        let b = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 256).unwrap())
            .unwrap();
        assert!(a != 0 && b != 0 && a != b);
        // An object handle is not a state handle and vice versa.
        assert_eq!(cs.get_state(a).err(), Some(TeeError::BAD_PARAMETERS));
        assert!(cs.remove_object(a).is_some());
        assert!(cs.object(a).is_none());
        assert_eq!(cs.key(a).err(), Some(TeeError::BAD_STATE));
        // Freed handles are not given out again.
        let c = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        assert!(c != a && c != b);
        // Wrap-around skips 0 and handles in use.
        cs.next = u32::MAX;
        let d = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        assert_eq!(d, u32::MAX);
        cs.next = b;
        let e = cs
            .add_object(KeyObject::new(TEE_TYPE_AES, 128).unwrap())
            .unwrap();
        assert!(e != 0 && e != b && e != c);
    }

    #[test]
    fn handle_table_is_bounded() {
        let mut cs = CryptoState::default();
        for _ in 0..MAX_HANDLES {
            cs.add_object(KeyObject::new(TEE_TYPE_GENERIC_SECRET, 8).unwrap())
                .unwrap();
        }
        assert_eq!(
            cs.add_object(KeyObject::new(TEE_TYPE_GENERIC_SECRET, 8).unwrap())
                .err(),
            Some(TeeError::OUT_OF_MEMORY)
        );
    }

    #[test]
    fn key_types_follow_optee() {
        assert!(check_key_type(TEE_TYPE_AES, TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT).is_ok());
        assert!(check_key_type(TEE_TYPE_DES, TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT).is_err());
        assert!(check_key_type(
            TEE_TYPE_RSA_PUBLIC_KEY,
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
            TEE_MODE_VERIFY
        )
        .is_ok());
        assert!(check_key_type(
            TEE_TYPE_RSA_PUBLIC_KEY,
            TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
            TEE_MODE_SIGN
        )
        .is_err());
        assert!(check_key_type(TEE_TYPE_HMAC_SHA256, TEE_ALG_HMAC_SHA256, TEE_MODE_MAC).is_ok());
        assert_eq!(
            translate_compat_algo(__OPTEE_ALG_ECDH_P256),
            TEE_ALG_ECDH_DERIVE_SHARED_SECRET
        );
    }

    use crate::user_ta::fake_ta as ta;

    fn mem<'a>(hw: &'a ta::Hw, space: &'a Space) -> Mem<'a> {
        Mem { hw, space }
    }

    fn u64_at(m: &Mem<'_>, va: u64) -> u64 {
        m.get_len(va).unwrap()
    }

    fn u32_at(m: &Mem<'_>, va: u64) -> u32 {
        m.space.read_u32(m.hw, va).unwrap()
    }

    const OUT: u64 = ta::VA;
    const LEN: u64 = ta::VA + 0x100;
    const DATA: u64 = ta::VA + 0x1000;
    const ATTRS: u64 = ta::VA + 0x2000;
    const BUF: u64 = ta::VA + 0x3000;
    const UNMAPPED: u64 = ta::VA + ta::SIZE + 0x10;

    #[test]
    fn key_generation_fails_without_entropy() {
        let (hw, space, _frames) = ta::setup();
        hw.1.store(true, std::sync::atomic::Ordering::Relaxed);
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        for (ty, bits) in [(TEE_TYPE_AES, 128), (TEE_TYPE_X25519_KEYPAIR, 256)] {
            obj_alloc(&m, &mut cs, ty, bits, OUT).unwrap();
            let h = u32_at(&m, OUT);
            assert_eq!(
                obj_generate(&m, &mut cs, h, bits, 0, 0, &mut || {}),
                Err(TeeError::GENERIC),
                "type {ty:#x}"
            );
            assert!(!cs.object(h).unwrap().key.is_initialized());
        }
    }

    #[test]
    fn key_generation_offers_a_preemption_point_per_random_draw() {
        // (RSA draws a candidate per prime search round; the fake DRBG here
        // repeats one byte, so only one-draw types are generated.)
        let (hw, space, _frames) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        for (ty, bits) in [(TEE_TYPE_AES, 128), (TEE_TYPE_X25519_KEYPAIR, 256)] {
            obj_alloc(&m, &mut cs, ty, bits, OUT).unwrap();
            let h = u32_at(&m, OUT);
            let mut points = 0u32;
            obj_generate(&m, &mut cs, h, bits, 0, 0, &mut || points += 1).unwrap();
            assert!(cs.object(h).unwrap().key.is_initialized());
            assert!(points >= 1, "type {ty:#x}");
        }
    }

    #[test]
    fn dh_generation_and_derivation_offer_preemption_points_in_the_exponentiation() {
        // A 2048-bit group (any odd p passes the group check): 410 windows,
        // a point every 16 of them (oxtee_crypto_fast::modexp::HOOK_EVERY).
        const IN_POW: u32 = 2048 / 5 / 16;
        let (hw, space, _frames) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        m.write(BUF, &[0xFF; 256]).unwrap();
        m.write(BUF + 0x100, &[2]).unwrap();
        write_attr(&m, ATTRS, TEE_ATTR_DH_PRIME, BUF, 256);
        write_attr(&m, ATTRS + 24, TEE_ATTR_DH_BASE, BUF + 0x100, 1);
        obj_alloc(&m, &mut cs, TEE_TYPE_DH_KEYPAIR, 2048, OUT).unwrap();
        let key = u32_at(&m, OUT);
        let mut points = 0u32;
        obj_generate(&m, &mut cs, key, 2048, ATTRS, 2, &mut || points += 1).unwrap();
        assert!(cs.object(key).unwrap().key.is_initialized());
        // The exponentiation's points, and one per random draw before it.
        assert!(points > IN_POW, "{points}");

        obj_alloc(&m, &mut cs, TEE_TYPE_GENERIC_SECRET, 2048, OUT).unwrap();
        let secret = u32_at(&m, OUT);
        state_alloc(
            &m,
            &mut cs,
            TEE_ALG_DH_DERIVE_SHARED_SECRET,
            TEE_MODE_DERIVE,
            key,
            0,
            OUT,
        )
        .unwrap();
        let st = u32_at(&m, OUT);
        m.write(BUF + 0x200, &[3]).unwrap();
        write_attr(&m, ATTRS, TEE_ATTR_DH_PUBLIC_VALUE, BUF + 0x200, 1);
        let mut points = 0u32;
        derive_key(&m, &mut cs, st, ATTRS, 1, secret, &mut || points += 1).unwrap();
        assert!(cs.object(secret).unwrap().key.is_initialized());
        // No random draw in a derivation: only the exponentiation's points.
        assert_eq!(points, IN_POW);
    }

    #[test]
    fn rsa_encryption_size_query_comes_before_the_message_check() {
        // xtest pkcs11 1023: OAEP-SHA512 under a 1024-bit key fits no
        // message, yet the size query (no output buffer) learns the modulus
        // size, as on OP-TEE; the real call then refuses the message.
        let (hw, space, _frames) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        // A public key is all encryption needs; any odd 1024-bit modulus.
        obj_alloc(&m, &mut cs, TEE_TYPE_RSA_PUBLIC_KEY, 1024, OUT).unwrap();
        let key = u32_at(&m, OUT);
        let mut n = [0xc5u8; 128];
        n[127] = 0x01;
        m.write(BUF, &n).unwrap();
        m.write(BUF + 0x100, &[1, 0, 1]).unwrap();
        write_attr(&m, ATTRS, TEE_ATTR_RSA_MODULUS, BUF, 128);
        write_attr(&m, ATTRS + 24, TEE_ATTR_RSA_PUBLIC_EXPONENT, BUF + 0x100, 3);
        obj_populate(&m, &mut cs, key, ATTRS, 2).unwrap();
        let algo = TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512;
        state_alloc(&m, &mut cs, algo, TEE_MODE_ENCRYPT, key, 0, OUT).unwrap();
        let st = u32_at(&m, OUT);
        m.write(DATA, b"Hello World\0").unwrap();
        m.put_len(LEN, 0).unwrap();
        assert_eq!(
            asymm_operate(&m, &mut cs, st, 0, 0, DATA, 12, 0, LEN),
            Err(TeeError::SHORT_BUFFER)
        );
        assert_eq!(u64_at(&m, LEN), 128);
        assert_eq!(
            asymm_operate(&m, &mut cs, st, 0, 0, DATA, 12, BUF + 0x200, LEN),
            Err(TeeError::BAD_PARAMETERS)
        );
    }

    #[test]
    fn digest_through_the_syscall_layer() {
        let (hw, space, _frames) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        state_alloc(&m, &mut cs, TEE_ALG_SHA256, TEE_MODE_DIGEST, 0, 0, OUT).unwrap();
        let st = u32_at(&m, OUT);
        assert_ne!(st, 0);
        // Not initialized yet (libutee calls HASH_INIT right after the alloc).
        assert_eq!(
            hash_update(&m, &mut cs, st, DATA, 3),
            Err(TeeError::BAD_STATE)
        );
        hash_init(&mut cs, st).unwrap();
        m.write(DATA, b"abc").unwrap();
        // NULL with a size, unmapped data, unknown state.
        assert_eq!(
            hash_update(&m, &mut cs, st, 0, 3),
            Err(TeeError::BAD_PARAMETERS)
        );
        assert_eq!(
            hash_update(&m, &mut cs, st, UNMAPPED, 3),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(
            hash_update(&m, &mut cs, st + 1, DATA, 3),
            Err(TeeError::BAD_PARAMETERS)
        );
        hash_update(&m, &mut cs, st, DATA, 3).unwrap();
        // Too small: SHORT_BUFFER with the needed size, data kept.
        m.put_len(LEN, 31).unwrap();
        assert_eq!(
            hash_final(&m, &mut cs, st, 0, 0, BUF, LEN),
            Err(TeeError::SHORT_BUFFER)
        );
        assert_eq!(u64_at(&m, LEN), 32);
        hash_final(&m, &mut cs, st, 0, 0, BUF, LEN).unwrap();
        let mut d = [0u8; 32];
        space.read(&hw, BUF, &mut d).unwrap();
        assert_eq!(
            d[..4],
            [0xba, 0x78, 0x16, 0xbf],
            "SHA-256(abc) starts ba7816bf"
        );
        // Freed states are gone.
        assert!(cs.get_state(st).is_ok());
        cs.free_state(st);
        assert_eq!(hash_init(&mut cs, st), Err(TeeError::BAD_PARAMETERS));
    }

    fn write_attr(m: &Mem<'_>, at: u64, id: u32, a: u64, b: u64) {
        let mut r = [0u8; UTEE_ATTRIBUTE_SIZE];
        r[..8].copy_from_slice(&a.to_le_bytes());
        r[8..16].copy_from_slice(&b.to_le_bytes());
        r[16..20].copy_from_slice(&id.to_le_bytes());
        m.write(at, &r).unwrap();
    }

    #[test]
    fn objects_and_a_mac_through_the_syscall_layer() {
        let (hw, space, _frames) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        // Allocate, populate from a utee_attribute array, read back.
        obj_alloc(&m, &mut cs, TEE_TYPE_HMAC_SHA256, 256, OUT).unwrap();
        let user_key = u32_at(&m, OUT);
        m.write(DATA, &[0x0b; 32]).unwrap();
        write_attr(&m, ATTRS, TEE_ATTR_SECRET_VALUE, DATA, 32);
        // Attribute buffer outside the TA, and too many attributes.
        write_attr(&m, ATTRS + 24, TEE_ATTR_SECRET_VALUE, UNMAPPED, 32);
        assert_eq!(
            obj_populate(&m, &mut cs, user_key, ATTRS + 24, 1),
            Err(TeeError::ACCESS_DENIED)
        );
        assert_eq!(
            obj_populate(&m, &mut cs, user_key, ATTRS, MAX_ATTRS + 1),
            Err(TeeError::OUT_OF_MEMORY)
        );
        obj_populate(&m, &mut cs, user_key, ATTRS, 1).unwrap();
        m.put_len(LEN, 4).unwrap();
        assert_eq!(
            obj_get_attr(&m, &cs, user_key, TEE_ATTR_SECRET_VALUE, BUF, LEN),
            Err(TeeError::SHORT_BUFFER)
        );
        assert_eq!(u64_at(&m, LEN), 32);
        obj_get_attr(&m, &cs, user_key, TEE_ATTR_SECRET_VALUE, BUF, LEN).unwrap();
        obj_get_info(&m, &cs, user_key, BUF).unwrap();
        assert_eq!(u32_at(&m, BUF + 4), 256);
        assert_eq!(
            u32_at(&m, BUF + 24) & TEE_HANDLE_FLAG_INITIALIZED,
            TEE_HANDLE_FLAG_INITIALIZED
        );
        // libutee's operation: its own key object, busy once the state has it.
        obj_alloc(&m, &mut cs, TEE_TYPE_HMAC_SHA256, 256, OUT).unwrap();
        let op_key = u32_at(&m, OUT);
        state_alloc(
            &m,
            &mut cs,
            TEE_ALG_HMAC_SHA256,
            TEE_MODE_MAC,
            op_key,
            0,
            OUT,
        )
        .unwrap();
        let st = u32_at(&m, OUT);
        assert!(cs.object(op_key).unwrap().busy);
        // A busy key cannot be given to a second state, nor closed by the TA.
        assert_eq!(
            state_alloc(
                &m,
                &mut cs,
                TEE_ALG_HMAC_SHA256,
                TEE_MODE_MAC,
                op_key,
                0,
                OUT
            ),
            Err(TeeError::BAD_PARAMETERS)
        );
        // Wrong key type for the algorithm.
        assert_eq!(
            state_alloc(
                &m,
                &mut cs,
                TEE_ALG_AES_CMAC,
                TEE_MODE_MAC,
                user_key,
                0,
                OUT
            ),
            Err(TeeError::BAD_PARAMETERS)
        );
        // The key is read at HASH_INIT: uninitialized → BAD_PARAMETERS.
        assert_eq!(hash_init(&mut cs, st), Err(TeeError::BAD_PARAMETERS));
        obj_copy(&mut cs, op_key, user_key).unwrap();
        hash_init(&mut cs, st).unwrap();
        m.write(DATA, b"Hi There").unwrap();
        hash_update(&m, &mut cs, st, DATA, 8).unwrap();
        m.put_len(LEN, 64).unwrap();
        hash_final(&m, &mut cs, st, 0, 0, BUF, LEN).unwrap();
        assert_eq!(u64_at(&m, LEN), 32);
        // Unknown objects: BAD_STATE, except GET_ATTR (ITEM_NOT_FOUND).
        assert_eq!(obj_get_info(&m, &cs, 0xdead, BUF), Err(TeeError::BAD_STATE));
        assert_eq!(
            obj_get_attr(&m, &cs, 0xdead, TEE_ATTR_SECRET_VALUE, BUF, LEN),
            Err(TeeError::ITEM_NOT_FOUND)
        );
        // A state handle is not an object handle.
        assert_eq!(obj_get_info(&m, &cs, st, BUF), Err(TeeError::BAD_STATE));
        // Freeing the state closes its key objects.
        cs.free_state(st);
        assert!(cs.object(op_key).is_none());
        assert!(cs.object(user_key).is_some());
    }

    #[test]
    fn cipher_lengths_through_the_syscall_layer() {
        let (hw, space, _frames) = ta::setup();
        let m = mem(&hw, &space);
        let mut cs = CryptoState::default();
        obj_alloc(&m, &mut cs, TEE_TYPE_AES, 128, OUT).unwrap();
        let k = u32_at(&m, OUT);
        m.write(DATA, &[1; 16]).unwrap();
        write_attr(&m, ATTRS, TEE_ATTR_SECRET_VALUE, DATA, 16);
        obj_populate(&m, &mut cs, k, ATTRS, 1).unwrap();
        // XTS needs two keys, CBC exactly one.
        assert_eq!(
            state_alloc(&m, &mut cs, TEE_ALG_AES_XTS, TEE_MODE_ENCRYPT, k, 0, OUT),
            Err(TeeError::BAD_PARAMETERS)
        );
        state_alloc(
            &m,
            &mut cs,
            TEE_ALG_AES_CBC_NOPAD,
            TEE_MODE_ENCRYPT,
            k,
            0,
            OUT,
        )
        .unwrap();
        let st = u32_at(&m, OUT);
        assert_eq!(
            cipher_update(&m, &mut cs, st, false, DATA, 16, BUF, LEN),
            Err(TeeError::BAD_STATE)
        );
        m.write(DATA + 0x100, &[0; 16]).unwrap();
        assert_eq!(
            cipher_init(&m, &mut cs, st, DATA + 0x100, 15),
            Err(TeeError::BAD_PARAMETERS)
        );
        cipher_init(&m, &mut cs, st, DATA + 0x100, 16).unwrap();
        m.put_len(LEN, 16).unwrap();
        assert_eq!(
            cipher_update(&m, &mut cs, st, false, DATA, 32, BUF, LEN),
            Err(TeeError::SHORT_BUFFER)
        );
        assert_eq!(u64_at(&m, LEN), 32);
        // Output pointer outside the TA.
        assert_eq!(
            cipher_update(&m, &mut cs, st, false, DATA, 32, UNMAPPED, LEN),
            Err(TeeError::ACCESS_DENIED)
        );
        cipher_update(&m, &mut cs, st, false, DATA, 32, BUF, LEN).unwrap();
        assert_eq!(u64_at(&m, LEN), 32);
        m.put_len(LEN, 16).unwrap();
        cipher_update(&m, &mut cs, st, true, DATA, 16, BUF, LEN).unwrap();
        assert_eq!(u64_at(&m, LEN), 16);
    }

    #[test]
    fn object_info_layout() {
        let k = KeyObject::new(TEE_TYPE_AES, 256).unwrap();
        let info = object_info(&k.info());
        let b = zerocopy::IntoBytes::as_bytes(&info);
        assert_eq!(&b[0..4], &TEE_TYPE_AES.to_le_bytes());
        assert_eq!(&b[8..12], &256u32.to_le_bytes());
        assert_eq!(&b[12..16], &TEE_USAGE_DEFAULT.to_le_bytes());
        assert_eq!(&b[24..28], &0u32.to_le_bytes());
    }
}
