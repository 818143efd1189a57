//! Test doubles: an in-memory `RemoteFs` that records mutating calls,
//! injects faults and can be snapshotted; a deterministic `Entropy`; an
//! in-memory `RollbackAnchor` that records its advances in the same log.

use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::RefCell;

use supplicant_proto::tee_error::TeeError;

use crate::{Entropy, RemoteFs, RollbackAnchor, TeeResult};

/// A mutating call as it reached the file system (or the anchor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `CREATE name` (create or truncate to zero).
    Create(String),
    /// `WRITE name offset data`.
    Write(String, u64, Vec<u8>),
    /// `TRUNCATE name length`.
    Truncate(String, u64),
    /// `REMOVE name`.
    Remove(String),
    /// The anchor advanced to this value.
    Anchor(u32),
}

/// Kinds of calls a fault can be injected into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `open`.
    Open,
    /// `create`.
    Create,
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `truncate`.
    Truncate,
    /// `remove`.
    Remove,
}

/// Files by name.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Calls served, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// `open` calls.
    pub open: u32,
    /// `create` calls.
    pub create: u32,
    /// `close` calls.
    pub close: u32,
    /// `read` calls.
    pub read: u32,
    /// `write` calls.
    pub write: u32,
    /// `truncate` calls.
    pub truncate: u32,
    /// `remove` calls.
    pub remove: u32,
}

impl Stats {
    /// Every call that costs an RPC.
    pub fn total(&self) -> u32 {
        self.open + self.create + self.close + self.read + self.write + self.truncate + self.remove
    }
}

/// Applies one logged op to `files`; a `Write` is cut to its first
/// `limit` bytes when given.
pub fn apply(files: &mut Files, op: &Op, limit: Option<usize>) {
    match op {
        Op::Create(n) => {
            files.insert(n.clone(), Vec::new());
        }
        Op::Write(n, off, d) => {
            let d = &d[..limit.unwrap_or(d.len()).min(d.len())];
            write_into(files.entry(n.clone()).or_default(), *off, d);
        }
        Op::Truncate(n, len) => {
            if let Some(f) = files.get_mut(n) {
                f.resize(*len as usize, 0);
            }
        }
        Op::Remove(n) => {
            files.remove(n);
        }
        Op::Anchor(_) => {}
    }
}

fn write_into(f: &mut Vec<u8>, off: u64, d: &[u8]) {
    let off = off as usize;
    if f.len() < off + d.len() {
        f.resize(off + d.len(), 0);
    }
    f[off..off + d.len()].copy_from_slice(d);
}

/// Counts a call of `kind` against `faults`: the error of the one due now.
fn count_down(faults: &mut Vec<(Kind, u32, TeeError)>, kind: Kind) -> TeeResult<()> {
    let mut hit = None;
    for f in faults.iter_mut().filter(|f| f.0 == kind) {
        if f.1 == 0 && hit.is_none() {
            hit = Some(f.2);
        }
        f.1 = f.1.wrapping_sub(1);
    }
    faults.retain(|f| f.1 != u32::MAX || f.0 != kind);
    match hit {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// An in-memory file system in the supplicant's role.
#[derive(Default)]
pub struct MemFs {
    /// The files.
    pub files: Files,
    fds: BTreeMap<u32, String>,
    next_fd: u32,
    log: Rc<RefCell<Vec<Op>>>,
    recording: bool,
    faults: Vec<(Kind, u32, TeeError)>,
    /// Calls carried out whose answer is then an error.
    lost: Vec<(Kind, u32, TeeError)>,
    short_reads: u32,
    /// Calls served so far.
    pub stats: Stats,
}

impl MemFs {
    /// An empty file system.
    pub fn new() -> Self {
        MemFs {
            next_fd: 3,
            ..MemFs::default()
        }
    }

    /// Starts or stops recording mutating calls.
    pub fn record(&mut self, on: bool) {
        self.recording = on;
    }

    /// The shared op log (anchors built with `MemAnchor::logged` append to it).
    pub fn log(&self) -> Rc<RefCell<Vec<Op>>> {
        self.log.clone()
    }

    /// Makes the `nth` (0 = next) call of `kind` fail with `err`.
    pub fn inject(&mut self, kind: Kind, nth: u32, err: TeeError) {
        self.faults.push((kind, nth, err));
    }

    /// Makes the `nth` (0 = next) write take effect and then fail with
    /// `err`, as when the supplicant's answer is lost on the way.
    pub fn lose_write_answer(&mut self, nth: u32, err: TeeError) {
        self.lost.push((Kind::Write, nth, err));
    }

    /// Makes the next `n` reads return one byte less than they could.
    pub fn short_reads(&mut self, n: u32) {
        self.short_reads = n;
    }

    /// Clears pending faults.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
        self.lost.clear();
        self.short_reads = 0;
    }

    /// A copy of the files.
    pub fn snapshot(&self) -> Files {
        self.files.clone()
    }

    /// Replaces the files (as after a reboot: open descriptors are gone).
    pub fn restore(&mut self, files: Files) {
        self.files = files;
        self.fds.clear();
    }

    /// Descriptors currently open.
    pub fn open_fds(&self) -> usize {
        self.fds.len()
    }

    fn fault(&mut self, kind: Kind) -> TeeResult<()> {
        count_down(&mut self.faults, kind)
    }

    /// The answer to a call of `kind` that took effect.
    fn answer(&mut self, kind: Kind) -> TeeResult<()> {
        count_down(&mut self.lost, kind)
    }

    fn name(&self, fd: u32) -> TeeResult<String> {
        self.fds.get(&fd).cloned().ok_or(TeeError::BAD_PARAMETERS)
    }

    fn push(&mut self, op: Op) {
        if self.recording {
            self.log.borrow_mut().push(op);
        }
    }

    fn new_fd(&mut self, name: &str) -> u32 {
        let fd = self.next_fd;
        self.next_fd += 1;
        self.fds.insert(fd, name.to_string());
        fd
    }
}

impl RemoteFs for MemFs {
    fn open(&mut self, name: &str) -> TeeResult<u32> {
        self.stats.open += 1;
        self.fault(Kind::Open)?;
        if !self.files.contains_key(name) {
            return Err(TeeError::ITEM_NOT_FOUND);
        }
        Ok(self.new_fd(name))
    }

    fn create(&mut self, name: &str) -> TeeResult<u32> {
        self.stats.create += 1;
        self.fault(Kind::Create)?;
        self.files.insert(name.to_string(), Vec::new());
        self.push(Op::Create(name.to_string()));
        Ok(self.new_fd(name))
    }

    fn close(&mut self, fd: u32) -> TeeResult<()> {
        self.stats.close += 1;
        self.fds
            .remove(&fd)
            .map(|_| ())
            .ok_or(TeeError::BAD_PARAMETERS)
    }

    fn read(&mut self, fd: u32, offset: u64, buf: &mut [u8]) -> TeeResult<usize> {
        self.stats.read += 1;
        self.fault(Kind::Read)?;
        let name = self.name(fd)?;
        // A file removed while open reads as empty (as an unlinked file would not,
        // but the store never does that).
        let f = self.files.get(&name).map(Vec::as_slice).unwrap_or(&[]);
        let off = usize::try_from(offset).unwrap_or(usize::MAX).min(f.len());
        let mut n = (f.len() - off).min(buf.len());
        if self.short_reads > 0 && n > 0 {
            self.short_reads -= 1;
            n -= 1;
        }
        buf[..n].copy_from_slice(&f[off..off + n]);
        Ok(n)
    }

    fn write(&mut self, fd: u32, offset: u64, data: &[u8]) -> TeeResult<()> {
        self.stats.write += 1;
        self.fault(Kind::Write)?;
        let name = self.name(fd)?;
        if offset > (1 << 32) {
            return Err(TeeError::GENERIC);
        }
        write_into(self.files.entry(name.clone()).or_default(), offset, data);
        self.push(Op::Write(name, offset, data.to_vec()));
        self.answer(Kind::Write)
    }

    fn truncate(&mut self, fd: u32, len: u64) -> TeeResult<()> {
        self.stats.truncate += 1;
        self.fault(Kind::Truncate)?;
        let name = self.name(fd)?;
        if len > (1 << 32) {
            return Err(TeeError::GENERIC);
        }
        self.files
            .entry(name.clone())
            .or_default()
            .resize(len as usize, 0);
        self.push(Op::Truncate(name, len));
        Ok(())
    }

    fn remove(&mut self, name: &str) -> TeeResult<()> {
        self.stats.remove += 1;
        self.fault(Kind::Remove)?;
        if self.files.remove(name).is_none() {
            return Err(TeeError::ITEM_NOT_FOUND);
        }
        self.push(Op::Remove(name.to_string()));
        Ok(())
    }
}

/// A deterministic random source (xorshift64*), or one that always fails.
pub struct TestRng {
    state: u64,
    /// When set, every `fill` fails with `TEE_ERROR_GENERIC`.
    pub broken: bool,
}

impl TestRng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        TestRng {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
            broken: false,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Entropy for TestRng {
    fn fill(&mut self, out: &mut [u8]) -> TeeResult<()> {
        if self.broken {
            return Err(TeeError::GENERIC);
        }
        for c in out.chunks_mut(8) {
            let r = self.next_u64().to_le_bytes();
            c.copy_from_slice(&r[..c.len()]);
        }
        Ok(())
    }
}

/// A rollback anchor in memory.
#[derive(Default)]
pub struct MemAnchor {
    /// The current value.
    pub value: u32,
    log: Option<Rc<RefCell<Vec<Op>>>>,
    /// Advances still to refuse, and with what.
    refusals: Option<(u32, TeeError)>,
}

impl MemAnchor {
    /// An anchor at `value` that records nothing.
    pub fn new(value: u32) -> Self {
        MemAnchor {
            value,
            ..MemAnchor::default()
        }
    }

    /// An anchor at `value` that appends its advances to `log`.
    pub fn logged(value: u32, log: Rc<RefCell<Vec<Op>>>) -> Self {
        MemAnchor {
            value,
            log: Some(log),
            refusals: None,
        }
    }

    /// Makes the next `n` raises (advances past the value) fail with
    /// `err`, as a device not writable for now.
    pub fn refuse(&mut self, n: u32, err: TeeError) {
        self.refusals = (n > 0).then_some((n, err));
    }
}

impl RollbackAnchor for MemAnchor {
    fn get(&mut self) -> TeeResult<u32> {
        Ok(self.value)
    }

    fn advance_to(&mut self, v: u32) -> TeeResult<()> {
        if let (true, Some((n, err))) = (v > self.value, self.refusals) {
            self.refusals = (n > 1).then_some((n - 1, err));
            return Err(err);
        }
        if v > self.value {
            self.value = v;
        }
        if let Some(l) = &self.log {
            l.borrow_mut().push(Op::Anchor(v));
        }
        Ok(())
    }
}
