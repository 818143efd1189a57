//! The store's commands. Each checks its parameter types and sizes before
//! anything else and answers a GP error for anything it does not accept;
//! nothing a client sends can make the TA panic.
//!
//! Parameters (the CLI `ta/store/cli/oxtee-store.c` uses the same numbers):
//!
//! | command | memref 0 | memref 1 |
//! |---|---|---|
//! | `CMD_PUT` | name (in) | value (in), at most [`MAX_VALUE_LEN`] bytes; replaces atomically |
//! | `CMD_GET` | name (in) | value (out) |
//! | `CMD_LIST` | names (out), each followed by a NUL, sorted | — |
//! | `CMD_DELETE` | name (in) | — |
//! | `CMD_SEAL` | data (in), at most [`seal::MAX_PLAIN_LEN`] bytes | blob (out), 36 bytes more; value 2 (in): a = flags (`seal::BIND_OS_VERSION`), b = 0 |
//! | `CMD_UNSEAL` | blob (in) | data (out) |
//!
//! A secret that is not there (in the caller's namespace) is
//! `TEE_ERROR_ITEM_NOT_FOUND`; an output buffer too small is
//! `TEE_ERROR_SHORT_BUFFER` with the size needed.

use alloc::vec::Vec;

use oxtee_ta::storage::{flags, ObjectEnumerator, PersistentObject};
use oxtee_ta::{Error, ParamType as T, Parameters, Result};

use crate::namespace::{check_name, Namespace, Stage, MAX_NAME_LEN};
use crate::seal;

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

/// Seals a blob (format and key in `seal.rs`).
pub(crate) const CMD_SEAL: u32 = 4;
/// Unseals a blob.
pub(crate) const CMD_UNSEAL: u32 = 5;

/// Largest value: 1 MiB.
pub(crate) const MAX_VALUE_LEN: usize = 1 << 20;

const NONE: T = T::None;

/// Values go to storage in pieces of this size: one large write would need
/// as much memory again inside some TEEs' kernels.
const CHUNK: usize = 64 * 1024;

/// Runs `command` for the client whose namespace is `ns`.
pub(crate) fn run(ns: &Namespace, command: u32, p: &mut Parameters) -> Result<()> {
    match command {
        CMD_PUT => {
            p.expect([T::MemrefInput, T::MemrefInput, NONE, NONE])?;
            let name = read_bounded(p, 0, MAX_NAME_LEN)?;
            check_name(&name)?;
            let value = read_bounded(p, 1, MAX_VALUE_LEN)?;
            put(ns, &name, &value)
        }
        CMD_GET => {
            p.expect([T::MemrefInput, T::MemrefOutput, NONE, NONE])?;
            let name = read_bounded(p, 0, MAX_NAME_LEN)?;
            let id = ns.object_id(&name)?;
            settle(ns, &name)?;
            let mut obj = PersistentObject::open(&id, flags::ACCESS_READ | flags::SHARE_READ)?;
            let len = obj.len()? as usize;
            // Reported without reading the value into memory.
            p.report_short_buffer(1, len)?;
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
            let name = read_bounded(p, 0, MAX_NAME_LEN)?;
            let id = ns.object_id(&name)?;
            settle(ns, &name)?;
            PersistentObject::open(&id, flags::ACCESS_WRITE_META)?.delete()
        }
        CMD_SEAL => {
            p.expect([T::MemrefInput, T::MemrefOutput, T::ValueInput, NONE])?;
            let (flags, reserved) = p.value(2)?;
            let len = p.memref_capacity(0)?;
            if len > seal::MAX_PLAIN_LEN || flags & !seal::BIND_OS_VERSION != 0 || reserved != 0 {
                return Err(Error::BAD_PARAMETERS);
            }
            // Before any work: the client learns the size it needs.
            p.report_short_buffer(1, len + seal::OVERHEAD)?;
            let mut blob = seal::zeroed(len + seal::OVERHEAD)?;
            p.read_memref_into(0, &mut blob[seal::HEADER_LEN..seal::HEADER_LEN + len])?;
            seal::seal_in_place(ns, flags, &mut blob)?;
            p.write_memref(1, &blob)
        }
        CMD_UNSEAL => {
            p.expect([T::MemrefInput, T::MemrefOutput, NONE, NONE])?;
            let len = p.memref_capacity(0)?;
            if len > seal::MAX_BLOB_LEN {
                return Err(Error::BAD_PARAMETERS);
            }
            if len < seal::OVERHEAD {
                return Err(Error::BAD_FORMAT);
            }
            p.report_short_buffer(1, len - seal::OVERHEAD)?;
            let mut blob = seal::zeroed(len)?;
            p.read_memref_into(0, &mut blob)?;
            // The client's buffer is read once; everything below uses the copy.
            seal::unseal_in_place(ns, &mut blob)?;
            let plain = &blob[seal::HEADER_LEN..len - seal::TAG_LEN];
            let r = p.write_memref(1, plain);
            zeroize::Zeroize::zeroize(blob.as_mut_slice());
            r
        }
        _ => Err(Error::NOT_SUPPORTED),
    }
}

/// Stores `value` as `name` so that, whatever fails or wherever the TA stops,
/// the name holds either its old value or the whole new one: the value is
/// written under a staging id, marked written by a rename, and only then
/// replaces the old one ([`settle`]).
fn put(ns: &Namespace, name: &[u8], value: &[u8]) -> Result<()> {
    settle(ns, name)?;
    let writing = ns.staged_id(name, Stage::Writing)?;
    let written = ns.staged_id(name, Stage::Written)?;
    let mut obj = PersistentObject::create(
        &writing,
        flags::ACCESS_READ | flags::ACCESS_WRITE | flags::ACCESS_WRITE_META | flags::OVERWRITE,
        &[],
    )?;
    let staged = value
        .chunks(CHUNK)
        .try_for_each(|c| obj.write(c))
        .and_then(|()| obj.rename(&written));
    if let Err(e) = staged {
        // The old value is untouched; the partial copy goes (or is replaced
        // by the next put if even that fails).
        let _ = obj.delete();
        return Err(e);
    }
    drop(obj);
    settle(ns, name)
}

/// Finishes a put whose value was completely written: that value replaces
/// the name's current one. Nothing to do if there is no such value.
fn settle(ns: &Namespace, name: &[u8]) -> Result<()> {
    let written = ns.staged_id(name, Stage::Written)?;
    let mut staged = match PersistentObject::open(&written, flags::ACCESS_WRITE_META) {
        Ok(o) => o,
        Err(Error::ITEM_NOT_FOUND) => return Ok(()),
        Err(e) => return Err(e),
    };
    let id = ns.object_id(name)?;
    match PersistentObject::open(&id, flags::ACCESS_WRITE_META) {
        Ok(old) => old.delete()?,
        Err(Error::ITEM_NOT_FOUND) => {}
        Err(e) => return Err(e),
    }
    staged.rename(&id)
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
    let mut unsettled = Vec::new();
    let mut e = ObjectEnumerator::new()?;
    e.start()?;
    while let Some(id) = e.next_id()? {
        if let Some(name) = ns.name_of(&id) {
            names.push(name.to_vec());
        } else if let Some(name) = ns.written_name_of(&id) {
            unsettled.push(name.to_vec());
        }
    }
    drop(e);
    for name in unsettled {
        settle(ns, &name)?;
        names.push(name);
    }
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for n in names {
        out.try_reserve(n.len() + 1)
            .map_err(|_| Error::OUT_OF_MEMORY)?;
        out.extend_from_slice(&n);
        out.push(0);
    }
    Ok(out)
}
