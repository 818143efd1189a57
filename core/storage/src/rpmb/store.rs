//! `RpmbStore`: persistent objects in the RPMB partition.
//!
//! The layout is oxtee's own, not OP-TEE's RPMB FS (an RPMB written by
//! OP-TEE is not read, and the other way round); it is built so that every
//! change is atomic with the device's one-block reliable write:
//!
//! - blocks `0..FAT_BLOCKS`: one 256-byte entry per block, one object per
//!   entry {magic "OXFE", TA UUID, id length and id, size, first block and
//!   block count of its extent, FEK wrapped with the TA's storage key, GCM
//!   IV and tag}; any block without the magic is free;
//! - block `ANCHOR_BLOCK` (right after the table): the REE FS rollback
//!   anchor {magic "OXAN", counter}, one block so that raising it is one
//!   reliable write;
//! - the rest: extents, allocated first-fit, each object's data sealed with
//!   AES-128-GCM under its FEK (fresh IV per change, the TA UUID as AAD).
//!
//! A change writes the new extent where no live extent is, then the entry
//! (the commit point, one block); the old extent becomes free. A power cut
//! leaves either the old or the new object. Every block read is
//! authenticated (MAC, fresh nonce, address), every write carries the write
//! counter and its answer is checked; the plaintext of open objects is
//! cached while they are open and dropped with everything else on any
//! error.

use oxtee_vec_map::VecMap;

use alloc::vec::Vec;

use supplicant_proto::rpmb::RPMB_DATA_SIZE;
use supplicant_proto::tee_error::TeeError;
use zeroize::Zeroizing;

use super::client::{Block, RpmbClient};
use super::device::RpmbDevice;
use crate::content::{collect, Content};
use crate::crypto::{gcm_decrypt, gcm_encrypt};
use crate::env::{Entropy, Env, RollbackAnchor};
use crate::keys::Ssk;
use crate::store::{FileId, ObjectStore};
use crate::{TaUuid, TeeResult, OBJECT_ID_MAX_LEN};

/// Blocks (entries) of the object table: at most this many objects.
pub const FAT_BLOCKS: u16 = 64;
const MAGIC: [u8; 4] = *b"OXFE";
/// The block holding the REE FS rollback anchor.
pub const ANCHOR_BLOCK: u16 = FAT_BLOCKS;
const ANCHOR_MAGIC: [u8; 4] = *b"OXAN";
/// First block of the extent area.
const DATA_START: u16 = ANCHOR_BLOCK + 1;

#[derive(Clone)]
struct Entry {
    ta: TaUuid,
    id: Vec<u8>,
    size: u32,
    start: u16,
    nblocks: u16,
    enc_fek: [u8; 16],
    iv: [u8; 16],
    tag: [u8; 16],
}

fn blocks_for(len: usize) -> usize {
    len.div_ceil(RPMB_DATA_SIZE)
}

impl Entry {
    fn encode(&self) -> Block {
        let mut b = [0u8; RPMB_DATA_SIZE];
        b[0..4].copy_from_slice(&MAGIC);
        b[4..20].copy_from_slice(&self.ta);
        b[20..24].copy_from_slice(&(self.id.len() as u32).to_le_bytes());
        b[24..24 + self.id.len()].copy_from_slice(&self.id);
        b[88..92].copy_from_slice(&self.size.to_le_bytes());
        b[92..94].copy_from_slice(&self.start.to_le_bytes());
        b[94..96].copy_from_slice(&self.nblocks.to_le_bytes());
        b[96..112].copy_from_slice(&self.enc_fek);
        b[112..128].copy_from_slice(&self.iv);
        b[128..144].copy_from_slice(&self.tag);
        b
    }

    /// `Ok(None)` for a free entry; `CORRUPT_OBJECT` for one that cannot
    /// be ours.
    fn decode(b: &Block, blocks: u32) -> TeeResult<Option<Self>> {
        if b[0..4] != MAGIC {
            return Ok(None);
        }
        let a16 = |at: usize| {
            let mut x = [0u8; 16];
            x.copy_from_slice(&b[at..at + 16]);
            x
        };
        let id_len = u32::from_le_bytes([b[20], b[21], b[22], b[23]]) as usize;
        let size = u32::from_le_bytes([b[88], b[89], b[90], b[91]]);
        let start = u16::from_le_bytes([b[92], b[93]]);
        let nblocks = u16::from_le_bytes([b[94], b[95]]);
        let end = u32::from(start) + u32::from(nblocks);
        if id_len > OBJECT_ID_MAX_LEN
            || blocks_for(size as usize) != usize::from(nblocks)
            || (nblocks > 0 && (start < DATA_START || end > blocks))
        {
            return Err(TeeError::CORRUPT_OBJECT);
        }
        Ok(Some(Entry {
            ta: a16(4),
            id: b[24..24 + id_len].to_vec(),
            size,
            start,
            nblocks,
            enc_fek: a16(96),
            iv: a16(112),
            tag: a16(128),
        }))
    }

    fn range(&self) -> core::ops::Range<u32> {
        u32::from(self.start)..u32::from(self.start) + u32::from(self.nblocks)
    }
}

/// Persistent objects in RPMB (see the module documentation).
pub struct RpmbStore {
    huk: Zeroizing<[u8; 16]>,
    ssk: Ssk,
    may_program_key: bool,
    client: Option<RpmbClient>,
    fat: Option<Vec<Option<Entry>>>,
    /// Open handles → table slot.
    handles: VecMap<u32, usize>,
    next_handle: u32,
    /// Plaintext of open objects by slot.
    cache: VecMap<usize, Vec<u8>>,
    /// The REE FS anchor as last read or written.
    anchor: Option<u32>,
    /// The device was absent (or blank and not ours) when the anchor was
    /// first needed: the anchor is not asked for again until a restart.
    anchor_absent: bool,
}

type Dev<'b> = (&'b mut dyn RpmbDevice, &'b mut dyn Entropy);

fn dev<'b>(env: &'b mut Env<'_>) -> TeeResult<Dev<'b>> {
    match env.rpmb.as_deref_mut() {
        Some(d) => Ok((d, &mut *env.rng)),
        None => Err(TeeError::ITEM_NOT_FOUND),
    }
}

impl RpmbStore {
    /// A store keyed by `huk`; `may_program_key` lets it program a blank
    /// device's key (which crosses the normal world: test platforms only).
    pub fn new(huk: &[u8; 16], may_program_key: bool) -> Self {
        RpmbStore {
            huk: Zeroizing::new(*huk),
            ssk: Ssk::derive(huk),
            may_program_key,
            client: None,
            fat: None,
            handles: VecMap::new(),
            next_handle: 1,
            cache: VecMap::new(),
            anchor: None,
            anchor_absent: false,
        }
    }

    /// Opens the device unless done: the client, with the device's key.
    fn client(
        &mut self,
        d: &mut dyn RpmbDevice,
        rng: &mut dyn Entropy,
    ) -> TeeResult<&mut RpmbClient> {
        if self.client.is_none() {
            let c = RpmbClient::open(d, rng, &self.huk, self.may_program_key)?;
            if c.blocks() <= u32::from(DATA_START) {
                return Err(TeeError::STORAGE_NO_SPACE);
            }
            self.client = Some(c);
        }
        self.client.as_mut().ok_or(TeeError::BAD_STATE)
    }

    /// Opens the device and reads the object table, unless done.
    fn ensure(&mut self, env: &mut Env<'_>) -> TeeResult<()> {
        let (d, rng) = dev(env)?;
        self.client(d, rng)?;
        if self.fat.is_some() {
            return Ok(());
        }
        let c = self.client.as_mut().ok_or(TeeError::BAD_STATE)?;
        let blocks = c.blocks();
        let mut fat: Vec<Option<Entry>> = Vec::with_capacity(usize::from(FAT_BLOCKS));
        for a in 0..FAT_BLOCKS {
            let b = c.read_block(d, rng, a)?;
            fat.push(Entry::decode(&b, blocks)?);
        }
        // Extents must not overlap.
        let mut used: Vec<_> = fat.iter().flatten().map(Entry::range).collect();
        crate::heapsort::sort_by_key(&mut used, |r| r.start);
        if used.windows(2).any(|w| w[0].end > w[1].start) {
            return Err(TeeError::CORRUPT_OBJECT);
        }
        self.fat = Some(fat);
        Ok(())
    }

    /// On error, forgets everything cached: the next call re-reads the
    /// device's state.
    fn finish<T>(&mut self, r: TeeResult<T>) -> TeeResult<T> {
        if r.is_err() {
            self.client = None;
            self.fat = None;
            self.cache.clear();
            self.anchor = None;
        }
        r
    }

    /// The REE FS rollback anchor kept in this device (see [`RpmbAnchor`]).
    pub fn anchor<'b>(
        &'b mut self,
        dev: &'b mut dyn RpmbDevice,
        rng: &'b mut dyn Entropy,
    ) -> RpmbAnchor<'b> {
        RpmbAnchor {
            store: self,
            dev,
            rng,
        }
    }

    /// The REE FS anchor as this store last read or wrote it: `None` before
    /// that, or with no device to keep it.
    pub fn anchored(&self) -> Option<u32> {
        self.anchor.filter(|_| !self.anchor_absent)
    }

    /// The anchor's value, read once per session with the device.
    fn anchor_value(&mut self, d: &mut dyn RpmbDevice, rng: &mut dyn Entropy) -> TeeResult<u32> {
        if let Some(v) = self.anchor {
            return Ok(v);
        }
        let b = self.client(d, rng)?.read_block(d, rng, ANCHOR_BLOCK)?;
        let v = decode_anchor(&b)?;
        self.anchor = Some(v);
        Ok(v)
    }

    fn raise_anchor(
        &mut self,
        d: &mut dyn RpmbDevice,
        rng: &mut dyn Entropy,
        v: u32,
    ) -> TeeResult<()> {
        if v <= self.anchor_value(d, rng)? {
            return Ok(());
        }
        let mut b = [0u8; RPMB_DATA_SIZE];
        b[0..4].copy_from_slice(&ANCHOR_MAGIC);
        b[4..8].copy_from_slice(&v.to_le_bytes());
        self.client(d, rng)?
            .write_blocks(d, rng, ANCHOR_BLOCK, &[b])?;
        self.anchor = Some(v);
        Ok(())
    }

    fn fat(&self) -> TeeResult<&Vec<Option<Entry>>> {
        self.fat.as_ref().ok_or(TeeError::BAD_STATE)
    }

    fn entry(&self, slot: usize) -> TeeResult<&Entry> {
        self.fat()?
            .get(slot)
            .and_then(Option::as_ref)
            .ok_or(TeeError::CORRUPT_OBJECT)
    }

    fn find(&self, ta: &TaUuid, id: &[u8]) -> TeeResult<Option<usize>> {
        Ok(self
            .fat()?
            .iter()
            .position(|e| e.as_ref().is_some_and(|e| e.ta == *ta && e.id == id)))
    }

    fn slot_of(&self, f: FileId) -> TeeResult<usize> {
        self.handles
            .get(&f.0)
            .copied()
            .ok_or(TeeError::BAD_PARAMETERS)
    }

    fn new_handle(&mut self, slot: usize) -> FileId {
        let h = self.next_handle;
        self.next_handle = self.next_handle.wrapping_add(1).max(1);
        self.handles.insert(h, slot);
        FileId(h)
    }

    /// Reads and opens slot `slot`'s data into the cache.
    fn load(&mut self, env: &mut Env<'_>, slot: usize) -> TeeResult<()> {
        if self.cache.contains_key(&slot) {
            return Ok(());
        }
        let e = self.entry(slot)?.clone();
        let (d, rng) = dev(env)?;
        let c = self.client.as_mut().ok_or(TeeError::BAD_STATE)?;
        let mut data = Vec::with_capacity(usize::from(e.nblocks) * RPMB_DATA_SIZE);
        for a in e.range() {
            let b = c.read_block(d, rng, a as u16)?;
            data.extend_from_slice(&b);
        }
        data.truncate(e.size as usize);
        let fek = Zeroizing::new(self.ssk.tsk(Some(&e.ta)).unwrap(&e.enc_fek));
        gcm_decrypt(&fek, &e.iv, &e.ta, &mut data, &e.tag)?;
        self.cache.insert(slot, data);
        Ok(())
    }

    /// First run of `n` blocks where no live extent is.
    fn allocate(&self, n: usize, blocks: u32) -> TeeResult<u16> {
        if n == 0 {
            return Ok(0);
        }
        let mut used: Vec<_> = self.fat()?.iter().flatten().map(Entry::range).collect();
        crate::heapsort::sort_by_key(&mut used, |r| r.start);
        let mut at = u32::from(DATA_START);
        for r in used.iter().filter(|r| !r.is_empty()) {
            if r.start >= at + n as u32 {
                break;
            }
            at = at.max(r.end);
        }
        if at + n as u32 > blocks {
            return Err(TeeError::STORAGE_NO_SPACE);
        }
        Ok(at as u16)
    }

    /// Writes `content` as slot `slot`'s object (new extent, then entry).
    fn commit(
        &mut self,
        env: &mut Env<'_>,
        slot: usize,
        ta: &TaUuid,
        id: &[u8],
        content: Vec<u8>,
        enc_fek: Option<[u8; 16]>,
    ) -> TeeResult<()> {
        let size = u32::try_from(content.len()).map_err(|_| TeeError::STORAGE_NO_SPACE)?;
        let (d, rng) = dev(env)?;
        let tsk = self.ssk.tsk(Some(ta));
        let enc_fek = match enc_fek {
            Some(k) => k,
            None => {
                let mut fek = Zeroizing::new([0u8; 16]);
                rng.fill(&mut fek[..])?;
                tsk.wrap(&fek)
            }
        };
        let fek = Zeroizing::new(tsk.unwrap(&enc_fek));
        let mut iv = [0u8; 16];
        rng.fill(&mut iv)?;
        let mut sealed = content.clone();
        let tag = gcm_encrypt(&fek, &iv, ta, &mut sealed);
        let n = blocks_for(sealed.len());
        let blocks = self.client.as_ref().ok_or(TeeError::BAD_STATE)?.blocks();
        let start = self.allocate(n, blocks)?;
        let c = self.client.as_mut().ok_or(TeeError::BAD_STATE)?;
        let per = c.max_write_blocks();
        let mut chunk: Vec<Block> = Vec::with_capacity(per);
        let mut addr = start;
        for piece in sealed.chunks(RPMB_DATA_SIZE) {
            let mut b = [0u8; RPMB_DATA_SIZE];
            b[..piece.len()].copy_from_slice(piece);
            chunk.push(b);
            if chunk.len() == per {
                c.write_blocks(d, rng, addr, &chunk)?;
                addr += per as u16;
                chunk.clear();
            }
        }
        if !chunk.is_empty() {
            c.write_blocks(d, rng, addr, &chunk)?;
        }
        let e = Entry {
            ta: *ta,
            id: id.to_vec(),
            size,
            start,
            nblocks: n as u16,
            enc_fek,
            iv,
            tag,
        };
        c.write_blocks(d, rng, slot as u16, &[e.encode()])?;
        if let Some(fat) = self.fat.as_mut() {
            fat[slot] = Some(e);
        }
        self.cache.insert(slot, content);
        Ok(())
    }

    fn check_id(id: &[u8]) -> TeeResult<()> {
        if id.len() > OBJECT_ID_MAX_LEN {
            return Err(TeeError::BAD_PARAMETERS);
        }
        Ok(())
    }

    /// Rewrites an open object with `edit` applied to its content.
    fn change(
        &mut self,
        env: &mut Env<'_>,
        f: FileId,
        edit: &mut dyn FnMut(&mut Vec<u8>) -> TeeResult<()>,
    ) -> TeeResult<()> {
        self.ensure(env)?;
        let slot = self.slot_of(f)?;
        self.load(env, slot)?;
        let e = self.entry(slot)?.clone();
        let mut content = self.cache.get(&slot).cloned().unwrap_or_default();
        edit(&mut content)?;
        self.commit(env, slot, &e.ta, &e.id, content, Some(e.enc_fek))
    }

    /// After a failed call, reloads an open object so `size` answers.
    fn reload(&mut self, env: &mut Env<'_>, f: FileId) {
        if let Ok(slot) = self.slot_of(f) {
            let r = self.ensure(env).and_then(|()| self.load(env, slot));
            let _ = self.finish(r);
        }
    }
}

/// The anchor block's value: 0 for a block never written (all zeros).
/// Anything else is a device we cannot trust to anchor anything
/// (`SECURITY`, not `CORRUPT_OBJECT`: no object is at fault).
fn decode_anchor(b: &Block) -> TeeResult<u32> {
    if b[0..4] == ANCHOR_MAGIC && b[8..].iter().all(|x| *x == 0) {
        return Ok(u32::from_le_bytes([b[4], b[5], b[6], b[7]]));
    }
    if b.iter().all(|x| *x == 0) {
        return Ok(0);
    }
    Err(TeeError::SECURITY)
}

/// The REE FS rollback anchor in RPMB: a counter only the holder of the
/// device key can raise, read back authenticated (MAC and fresh nonce), so
/// neither an old copy of the files nor a replayed RPMB answer rolls the
/// store back.
///
/// A device that is absent, or blank and not ours to program, anchors
/// nothing (0, and raising it does nothing): the platform's other anchor
/// (secure flash) still holds. Any other failure of the device fails the
/// storage call.
pub struct RpmbAnchor<'b> {
    store: &'b mut RpmbStore,
    dev: &'b mut dyn RpmbDevice,
    rng: &'b mut dyn Entropy,
}

impl RpmbAnchor<'_> {
    /// After a failure the device session and the anchor are read again
    /// (a write may or may not have landed); the objects' state is not
    /// touched by the anchor and stays.
    fn finish<T>(&mut self, r: TeeResult<T>) -> TeeResult<T> {
        if r.is_err() {
            self.store.client = None;
            self.store.anchor = None;
        }
        r
    }
}

impl RollbackAnchor for RpmbAnchor<'_> {
    fn get(&mut self) -> TeeResult<u32> {
        if self.store.anchor_absent {
            return Ok(0);
        }
        let r = self.store.anchor_value(self.dev, self.rng);
        match self.finish(r) {
            Err(TeeError::ITEM_NOT_FOUND) => {
                self.store.anchor_absent = true;
                Ok(0)
            }
            r => r,
        }
    }

    fn advance_to(&mut self, v: u32) -> TeeResult<()> {
        if self.store.anchor_absent {
            return Ok(());
        }
        let r = self.store.raise_anchor(self.dev, self.rng, v);
        match self.finish(r) {
            Err(TeeError::ITEM_NOT_FOUND) => {
                self.store.anchor_absent = true;
                Ok(())
            }
            r => r,
        }
    }
}

/// Largest object the store accepts (the whole data area of a 16 MiB
/// partition); the device's own size limits it further.
const MAX_OBJECT: u64 = 16 << 20;

impl ObjectStore for RpmbStore {
    fn open(&mut self, env: &mut Env<'_>, ta: &TaUuid, id: &[u8]) -> TeeResult<FileId> {
        let r = (|| {
            Self::check_id(id)?;
            self.ensure(env)?;
            let slot = self.find(ta, id)?.ok_or(TeeError::ITEM_NOT_FOUND)?;
            self.load(env, slot)?;
            Ok(self.new_handle(slot))
        })();
        self.finish(r)
    }

    fn create_from(
        &mut self,
        env: &mut Env<'_>,
        ta: &TaUuid,
        id: &[u8],
        content: &mut dyn Content,
        overwrite: bool,
    ) -> TeeResult<FileId> {
        let r = (|| {
            Self::check_id(id)?;
            self.ensure(env)?;
            let slot = match self.find(ta, id)? {
                Some(_) if !overwrite => return Err(TeeError::ACCESS_CONFLICT),
                Some(s) => s,
                None => self
                    .fat()?
                    .iter()
                    .position(Option::is_none)
                    .ok_or(TeeError::STORAGE_NO_SPACE)?,
            };
            let content = collect(content)?;
            self.commit(env, slot, ta, id, content, None)?;
            Ok(self.new_handle(slot))
        })();
        self.finish(r)
    }

    fn close(&mut self, _env: &mut Env<'_>, f: FileId) {
        if let Some(slot) = self.handles.remove(&f.0) {
            if !self.handles.values().any(|s| *s == slot) {
                self.cache.remove(&slot);
            }
        }
    }

    fn size(&self, f: FileId) -> TeeResult<u64> {
        let slot = self.slot_of(f)?;
        match self.cache.get(&slot) {
            Some(c) => Ok(c.len() as u64),
            None => Err(TeeError::CORRUPT_OBJECT),
        }
    }

    fn read(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, buf: &mut [u8]) -> TeeResult<usize> {
        let r = (|| {
            self.ensure(env)?;
            let slot = self.slot_of(f)?;
            self.load(env, slot)?;
            let c = self.cache.get(&slot).ok_or(TeeError::BAD_STATE)?;
            let start = usize::try_from(pos).unwrap_or(usize::MAX).min(c.len());
            let n = buf.len().min(c.len() - start);
            buf[..n].copy_from_slice(&c[start..start + n]);
            Ok(n)
        })();
        self.finish(r)
    }

    fn write(&mut self, env: &mut Env<'_>, f: FileId, pos: u64, data: &[u8]) -> TeeResult<()> {
        let r = self.change(env, f, &mut |c| {
            let end = pos
                .checked_add(data.len() as u64)
                .filter(|e| *e <= MAX_OBJECT)
                .ok_or(TeeError::STORAGE_NO_SPACE)? as usize;
            if c.len() < end {
                c.resize(end, 0);
            }
            c[pos as usize..end].copy_from_slice(data);
            Ok(())
        });
        let r = self.finish(r);
        if r.is_err() {
            self.reload(env, f);
        }
        r
    }

    fn truncate(&mut self, env: &mut Env<'_>, f: FileId, len: u64) -> TeeResult<()> {
        let r = self.change(env, f, &mut |c| {
            if len > MAX_OBJECT {
                return Err(TeeError::STORAGE_NO_SPACE);
            }
            c.resize(len as usize, 0);
            Ok(())
        });
        let r = self.finish(r);
        if r.is_err() {
            self.reload(env, f);
        }
        r
    }

    fn remove(&mut self, env: &mut Env<'_>, f: FileId) -> TeeResult<()> {
        let r = (|| {
            self.ensure(env)?;
            let slot = self.slot_of(f)?;
            let (d, rng) = dev(env)?;
            let c = self.client.as_mut().ok_or(TeeError::BAD_STATE)?;
            c.write_blocks(d, rng, slot as u16, &[[0u8; RPMB_DATA_SIZE]])?;
            if let Some(fat) = self.fat.as_mut() {
                fat[slot] = None;
            }
            self.handles.remove(&f.0);
            self.cache.remove(&slot);
            Ok(())
        })();
        self.finish(r)
    }

    fn rename(&mut self, env: &mut Env<'_>, f: FileId, new_id: &[u8]) -> TeeResult<()> {
        let r = (|| {
            Self::check_id(new_id)?;
            self.ensure(env)?;
            let slot = self.slot_of(f)?;
            let mut e = self.entry(slot)?.clone();
            if let Some(other) = self.find(&e.ta, new_id)? {
                if other != slot {
                    return Err(TeeError::ACCESS_CONFLICT);
                }
            }
            e.id = new_id.to_vec();
            let (d, rng) = dev(env)?;
            let c = self.client.as_mut().ok_or(TeeError::BAD_STATE)?;
            c.write_blocks(d, rng, slot as u16, &[e.encode()])?;
            if let Some(fat) = self.fat.as_mut() {
                fat[slot] = Some(e);
            }
            Ok(())
        })();
        let r = self.finish(r);
        if r.is_err() {
            self.reload(env, f);
        }
        r
    }

    fn list(&mut self, env: &mut Env<'_>, ta: &TaUuid) -> TeeResult<Vec<Vec<u8>>> {
        let r = (|| {
            self.ensure(env)?;
            Ok(self
                .fat()?
                .iter()
                .flatten()
                .filter(|e| e.ta == *ta)
                .map(|e| e.id.clone())
                .collect())
        })();
        self.finish(r)
    }
}
