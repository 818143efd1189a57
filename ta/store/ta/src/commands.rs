//! The store's commands. Each checks its parameter types and sizes before
//! anything else and answers a GP error for anything it does not accept;
//! nothing a client sends can make the TA panic.
//!
//! Parameters (the CLI `ta/store/cli/oxtee-store.c` uses the same numbers):
//!
//! | command | memref 0 | memref 1 |
//! |---|---|---|
//! | `CMD_PUT` | name (in) | value (in), at most [`MAX_VALUE_LEN`] bytes |
//! | `CMD_GET` | name (in) | value (out) |
//! | `CMD_LIST` | names (out), each followed by a NUL, sorted | — |
//! | `CMD_DELETE` | name (in) | — |
//!
//! A secret that is not there (in the caller's namespace) is
//! `TEE_ERROR_ITEM_NOT_FOUND`; an output buffer too small is
//! `TEE_ERROR_SHORT_BUFFER` with the size needed.

use alloc::vec::Vec;

use oxtee_ta::storage::{flags, ObjectEnumerator, PersistentObject};
use oxtee_ta::{Error, ParamType as T, Parameters, Result};

use crate::namespace::Namespace;

/// The TA's UUID (also the file name `<uuid>.ta`).
pub(crate) const UUID: &str = "588650c2-5723-471c-8032-d69fb51ffbf5";

/// Stores (or replaces) a secret.
pub(crate) const CMD_PUT: u32 = 0;
/// Reads a secret.
pub(crate) const CMD_GET: u32 = 1;
/// Lists the caller's secrets.
pub(crate) const CMD_LIST: u32 = 2;
/// Deletes a secret.
pub(crate) const CMD_DELETE: u32 = 3;

/// Largest value: 1 MiB.
pub(crate) const MAX_VALUE_LEN: usize = 1 << 20;

const NONE: T = T::None;

/// Runs `command` for the client whose namespace is `ns`.
pub(crate) fn run(ns: &Namespace, command: u32, p: &mut Parameters) -> Result<()> {
    match command {
        CMD_PUT => {
            p.expect([T::MemrefInput, T::MemrefInput, NONE, NONE])?;
            let id = ns.object_id(&read_bounded(p, 0, crate::namespace::MAX_NAME_LEN)?)?;
            let value = read_bounded(p, 1, MAX_VALUE_LEN)?;
            // OVERWRITE replaces the object as one step: a failure leaves the
            // old value in place.
            PersistentObject::create(&id, flags::ACCESS_READ | flags::OVERWRITE, &value)?;
            Ok(())
        }
        CMD_GET => {
            p.expect([T::MemrefInput, T::MemrefOutput, NONE, NONE])?;
            let id = ns.object_id(&read_bounded(p, 0, crate::namespace::MAX_NAME_LEN)?)?;
            let mut obj = PersistentObject::open(&id, flags::ACCESS_READ | flags::SHARE_READ)?;
            let len = obj.len()? as usize;
            if len > p.memref_capacity(1)? {
                // Reported without reading the value into memory.
                return p.report_short_buffer(1, len);
            }
            let value = obj.read_to_end()?;
            p.write_memref(1, &value)
        }
        CMD_LIST => {
            p.expect([T::MemrefOutput, NONE, NONE, NONE])?;
            let out = list(ns)?;
            p.write_memref(0, &out)
        }
        CMD_DELETE => {
            p.expect([T::MemrefInput, NONE, NONE, NONE])?;
            let id = ns.object_id(&read_bounded(p, 0, crate::namespace::MAX_NAME_LEN)?)?;
            PersistentObject::open(&id, flags::ACCESS_WRITE_META)?.delete()
        }
        _ => Err(Error::NOT_SUPPORTED),
    }
}

/// Copies memref `index` in, refusing one larger than `max` before copying.
fn read_bounded(p: &Parameters, index: usize, max: usize) -> Result<Vec<u8>> {
    if p.memref_capacity(index)? > max {
        return Err(Error::BAD_PARAMETERS);
    }
    p.read_memref(index)
}

/// The caller's names, sorted, each followed by a NUL.
fn list(ns: &Namespace) -> Result<Vec<u8>> {
    let mut names = Vec::new();
    let mut e = ObjectEnumerator::new()?;
    e.start()?;
    while let Some(id) = e.next_id()? {
        if let Some(name) = ns.name_of(&id) {
            names.push(name.to_vec());
        }
    }
    names.sort();
    let mut out = Vec::new();
    for n in names {
        out.try_reserve(n.len() + 1)
            .map_err(|_| Error::OUT_OF_MEMORY)?;
        out.extend_from_slice(&n);
        out.push(0);
    }
    Ok(out)
}
