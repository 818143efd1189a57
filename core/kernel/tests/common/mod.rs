//! Shared harness for tests that run user TAs on the host: a fake machine
//! (`UserHw`) whose `run` plays a scripted "TA", a fake normal world (RAM and
//! tee-supplicant answering `LOAD_TA`), and a minimal signed AArch64 TA.
//!
//! Also compiled into the `syscall` fuzz target (`core/kernel/fuzz`) through
//! `#[path]`.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use oxtee_frames::FrameRange;
use oxtee_kernel::call::Kernel;
use oxtee_kernel::rpc::{Rpc, RpcArgArea};
use oxtee_kernel::user_ta::args::{CallParam, CallParams, SharedMemref};
use oxtee_kernel::user_ta::hw::{NoEntropy, Trap, UserHw, UserRegs};
use oxtee_kernel::user_ta::params::{UteeParams, UTEE_PARAMS_SIZE};
use oxtee_kernel::user_ta::{Cx, UserTas};
use oxtee_mm::{
    build_user_window_with_leaves, LeafTables, Table, UserKind, UserMapping, UserRoot,
    LEAF_TABLE_SPAN, TA_WINDOW,
};
use oxtee_pta::rng::{EntropyError, EntropySource, SharedRng};
use oxtee_pta::system::SystemPta;
use oxtee_pta::{ClientIdentity, Memref, Param, Params, PtaRegistry, Uuid};
use oxtee_shm::{MemError, MemLayout, PhysMem, RegistryLimits, ShmRegistry};
use oxtee_thread::RpcKind;
use supplicant_proto::optee_msg::{
    OPTEE_MSG_ATTR_NONCONTIG, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
};
#[allow(unused_imports)]
pub use supplicant_proto::tee_error::{Origin, TeeError};

// ---------------------------------------------------------------------------
// Addresses

/// TA frame pool.
pub const POOL: u64 = 0x1000_0000;
pub const POOL_SIZE: u64 = 4 << 20;
/// Normal-world RAM.
pub const RAM: std::ops::Range<u64> = 0x4000_0000..0x4100_0000;
/// Where the RPC `optee_msg_arg` lives.
const RPC_ARG: u64 = 0x4090_0000;
/// tee-supplicant's APPL buffers and their page list.
const SUPP_BUF: u64 = 0x40c0_0000;
const SUPP_LIST: u64 = 0x40b0_0000;
/// Generic counter frequency of the fake machine.
pub const FREQ: u64 = 1_000_000;
/// Secure RAM of the layout (kernel addresses a hostile TA may name).
pub const KERNEL_VA: u64 = 0x0e10_0000;

/// The stack (`ta_head.stack_size` below a fixed end) and the utee_params on it.
pub const STACK_END: u64 = 0x9f00_0000;
pub const STACK_SIZE: u64 = 0x2000;
pub const STACK: u64 = STACK_END - STACK_SIZE;
pub const PARAMS_VA: u64 = STACK_END - 128;
/// A scratch area on the TA's stack, far below its params.
pub const SCRATCH: u64 = STACK;
pub const DYNAMIC_START: u64 = 0xa000_0000;

/// UUIDs (octets) of the test TAs.
pub const UUID_MULTI: [u8; 16] = *b"\x11\x22\x33\x44\x55\x66\x77\x88oxtee-mu";
pub const UUID_SINGLE: [u8; 16] = *b"\x11\x22\x33\x44\x55\x66\x77\x88oxtee-si";
pub const UUID_KEEP: [u8; 16] = *b"\x11\x22\x33\x44\x55\x66\x77\x88oxtee-ka";
/// PTA_SYSTEM.
pub const PTA_SYSTEM: [u8; 16] = supplicant_proto::pta::PTA_SYSTEM_UUID;

/// `TEE_UUID` as the TA's C struct (little-endian fields) from octets.
pub fn le_struct(o: [u8; 16]) -> [u8; 16] {
    let mut b = o;
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    b
}

// ---------------------------------------------------------------------------
// The fake machine

/// A scripted TA: called on every `run` with the registers; returns the trap
/// that ends this run (normally a system call set up with [`Ta::syscall`]).
pub type Script = Arc<dyn Fn(&mut Ta<'_>) -> Trap + Send + Sync>;

/// A tree the machine built: its mappings and its kept parameter tables.
type Tree = (Vec<UserMapping>, Vec<u64>);

/// Marker in x28: the entry has started (low 32 bits = step).
const MAGIC: u64 = 0x5c41_7000;

/// TA frames in a vector, translation tables recorded (not built) except
/// the kept parameter tables, which are patched in the frames as the
/// machine would; a TLB of the parameter pages the TA touched; TAs
/// scripted.
pub struct FakeHw {
    mem: Mutex<Vec<u8>>,
    /// Tree base -> its mappings and its kept parameter tables.
    tables: Mutex<HashMap<u64, Tree>>,
    seen: Mutex<HashMap<u16, Vec<UserMapping>>>,
    /// The normal world's RAM (of the world using this machine).
    ns: Mutex<Option<Ram>>,
    /// (ASID, page VA) -> leaf descriptor the TA used.
    tlb: Mutex<HashMap<(u16, u64), u64>>,
    /// (va, pages, ASID) of every parameter unmap.
    pub dropped: Mutex<Vec<(u64, usize, u16)>>,
    /// Broken machine rules (stale TLB, bad addresses, entry state).
    pub violations: Mutex<Vec<String>>,
    /// Counter value (ticks at [`FREQ`]).
    pub clock: Arc<AtomicU64>,
    script: Mutex<Script>,
    /// Console lines.
    pub log: Mutex<Vec<String>>,
    /// (syscall number, x0 after it) for every system call that returned to a TA.
    pub results: Mutex<Vec<(u64, u64)>>,
    /// Entries seen: (func, session, cmd).
    pub entries: Mutex<Vec<(u32, u32, u32)>>,
    runs: AtomicU64,
    /// Return `ForeignInterrupt` on every n-th run (0: never).
    pub irq_every: AtomicU64,
    /// ELR of the latest entry (the main module's entry point).
    pub last_entry: AtomicU64,
    /// `random` fails (a machine without any entropy source).
    pub no_entropy: AtomicBool,
    /// Root table of the TA tree the CPU still runs on after `run`, until
    /// `leave_user_space`.
    installed: Mutex<Option<u64>>,
}

impl FakeHw {
    pub fn new() -> Self {
        Self {
            mem: Mutex::new(vec![0; POOL_SIZE as usize]),
            tables: Mutex::new(HashMap::new()),
            seen: Mutex::new(HashMap::new()),
            ns: Mutex::new(None),
            tlb: Mutex::new(HashMap::new()),
            dropped: Mutex::new(Vec::new()),
            violations: Mutex::new(Vec::new()),
            clock: Arc::new(AtomicU64::new(5 * FREQ)),
            script: Mutex::new(Arc::new(|ta: &mut Ta<'_>| ta.ret(0))),
            log: Mutex::new(Vec::new()),
            results: Mutex::new(Vec::new()),
            entries: Mutex::new(Vec::new()),
            runs: AtomicU64::new(0),
            irq_every: AtomicU64::new(0),
            last_entry: AtomicU64::new(0),
            no_entropy: AtomicBool::new(false),
            installed: Mutex::new(None),
        }
    }

    /// A machine that lives for the rest of the process (as `Kernel::user_hw` wants).
    pub fn leak() -> &'static FakeHw {
        Box::leak(Box::new(Self::new()))
    }

    /// Forgets everything of earlier runs (for reuse by the fuzz target).
    pub fn reset(&self) {
        self.tables.lock().unwrap().clear();
        self.seen.lock().unwrap().clear();
        self.tlb.lock().unwrap().clear();
        self.dropped.lock().unwrap().clear();
        self.violations.lock().unwrap().clear();
        self.log.lock().unwrap().clear();
        self.results.lock().unwrap().clear();
        self.entries.lock().unwrap().clear();
        self.clock.store(5 * FREQ, Ordering::Relaxed);
        self.runs.store(0, Ordering::Relaxed);
        self.irq_every.store(0, Ordering::Relaxed);
        self.last_entry.store(0, Ordering::Relaxed);
        self.no_entropy.store(false, Ordering::Relaxed);
        *self.installed.lock().unwrap() = None;
        self.set_script(|ta| ta.ret(0));
    }

    pub fn set_script(&self, f: impl Fn(&mut Ta<'_>) -> Trap + Send + Sync + 'static) {
        *self.script.lock().unwrap() = Arc::new(f);
    }

    pub fn take_results(&self) -> Vec<(u64, u64)> {
        std::mem::take(&mut *self.results.lock().unwrap())
    }

    pub fn take_entries(&self) -> Vec<(u32, u32, u32)> {
        std::mem::take(&mut *self.entries.lock().unwrap())
    }

    fn violation(&self, s: String) {
        self.violations.lock().unwrap().push(s);
    }

    /// The TA root the CPU still runs on, if any.
    pub fn installed_root(&self) -> Option<u64> {
        *self.installed.lock().unwrap()
    }

    /// The core reuses frames at `pa`: never those of the root installed
    /// on the CPU (its kernel half would vanish under the running core).
    fn reuse(&self, pa: u64, len: u64, what: &str) {
        if let Some(root) = self.installed_root() {
            if pa <= root && root < pa.saturating_add(len) {
                self.violation(format!("{what} over the installed TA root {root:#x}"));
            }
        }
    }

    fn range(&self, pa: u64, len: u64) -> Option<std::ops::Range<usize>> {
        let end = pa.checked_add(len)?;
        if pa < POOL || end > POOL + POOL_SIZE {
            self.violation(format!("access outside the frame pool: {pa:#x}+{len:#x}"));
            return None;
        }
        Some((pa - POOL) as usize..(end - POOL) as usize)
    }

    /// The mappings the tables at `base` hold, and its kept tables.
    fn maps(&self, base: u64) -> Option<Tree> {
        self.tables.lock().unwrap().get(&base).cloned()
    }

    /// Gives the machine the normal world's RAM.
    pub fn set_ns(&self, ram: Ram) {
        *self.ns.lock().unwrap() = Some(ram);
    }

    fn ns_ram(&self) -> Option<Ram> {
        self.ns.lock().unwrap().clone()
    }

    fn table(&self, pa: u64) -> Option<Table> {
        let r = self.range(pa, 4096)?;
        let mem = self.mem.lock().unwrap();
        Some(std::array::from_fn(|i| {
            u64::from_le_bytes(
                mem[r.start + 8 * i..r.start + 8 * i + 8]
                    .try_into()
                    .unwrap(),
            )
        }))
    }

    fn put_table(&self, pa: u64, t: &Table) {
        if let Some(r) = self.range(pa, 4096) {
            let mut mem = self.mem.lock().unwrap();
            for (i, d) in t.iter().enumerate() {
                mem[r.start + 8 * i..r.start + 8 * i + 8].copy_from_slice(&d.to_le_bytes());
            }
        }
    }

    /// Runs `f` on the kept tables as they are in the frames, and writes them back.
    fn patch(
        &self,
        leaves: &LeafTables<'_>,
        f: impl FnOnce(&mut [&mut Table]) -> Result<(), oxtee_mm::MmError>,
    ) -> Result<(), TeeError> {
        let mut ts = Vec::new();
        for &pa in leaves.tables {
            ts.push(self.table(pa).ok_or(TeeError::GENERIC)?);
        }
        let r = f(&mut ts.iter_mut().collect::<Vec<_>>());
        if let Err(e) = r {
            self.violation(format!("leaf patch refused: {e:?}"));
            return Err(TeeError::BAD_PARAMETERS);
        }
        for (t, &pa) in ts.iter().zip(leaves.tables) {
            self.put_table(pa, t);
        }
        Ok(())
    }

    /// Leaf descriptor of `va` in the kept tables `leaves` (0: none).
    fn leaf(&self, leaves: &[u64], va: u64) -> u64 {
        let Some(off) = va.checked_sub(PARAMS_START) else {
            return 0;
        };
        let t = (off / LEAF_TABLE_SPAN) as usize;
        let e = ((off % LEAF_TABLE_SPAN) / 4096) as usize;
        leaves
            .get(t)
            .and_then(|&pa| self.table(pa))
            .map_or(0, |t| t[e])
    }

    /// Parameter pages of `asid` still in the TLB model.
    pub fn tlb_entries(&self, asid: u16) -> usize {
        self.tlb
            .lock()
            .unwrap()
            .keys()
            .filter(|(a, _)| *a == asid)
            .count()
    }
}

/// The parameter window of every TA.
pub const PARAMS_START: u64 = 0xb000_0000;

impl Default for FakeHw {
    fn default() -> Self {
        Self::new()
    }
}

impl UserHw for FakeHw {
    fn read(&self, pa: u64, dst: &mut [u8]) -> Result<(), supplicant_proto::tee_error::TeeError> {
        let r = self
            .range(pa, dst.len() as u64)
            .ok_or(supplicant_proto::tee_error::TeeError::GENERIC)?;
        dst.copy_from_slice(&self.mem.lock().unwrap()[r]);
        Ok(())
    }
    fn write(&self, pa: u64, src: &[u8]) -> Result<(), supplicant_proto::tee_error::TeeError> {
        self.reuse(pa, src.len() as u64, "write");
        let r = self
            .range(pa, src.len() as u64)
            .ok_or(supplicant_proto::tee_error::TeeError::GENERIC)?;
        self.mem.lock().unwrap()[r].copy_from_slice(src);
        Ok(())
    }
    fn zero(&self, pa: u64, len: u64) -> Result<(), supplicant_proto::tee_error::TeeError> {
        self.reuse(pa, len, "zeroing");
        let r = self
            .range(pa, len)
            .ok_or(supplicant_proto::tee_error::TeeError::GENERIC)?;
        self.mem.lock().unwrap()[r].fill(0);
        Ok(())
    }
    fn read_ns(&self, pa: u64, dst: &mut [u8]) -> Result<(), TeeError> {
        let ram = self.ns_ram().ok_or(TeeError::GENERIC)?;
        ram.read(pa, dst).map_err(|_| TeeError::GENERIC)
    }
    fn write_ns(&self, pa: u64, src: &[u8]) -> Result<(), TeeError> {
        let mut ram = self.ns_ram().ok_or(TeeError::GENERIC)?;
        ram.write(pa, src).map_err(|_| TeeError::GENERIC)
    }
    fn map_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        pages: &[u64],
        kind: UserKind,
    ) -> Result<(), TeeError> {
        if leaves.start != PARAMS_START {
            self.violation(format!("kept tables at {:#x}", leaves.start));
        }
        // Secure pages must be TA frames, NS pages normal-world RAM.
        for &pa in pages {
            let ok = match kind {
                UserKind::NsRo | UserKind::NsRw => RAM.contains(&pa) && RAM.contains(&(pa + 4095)),
                _ => pa >= POOL && pa + 4096 <= POOL + POOL_SIZE,
            };
            if !ok {
                self.violation(format!("parameter page {pa:#x} as {kind:?}"));
            }
        }
        self.patch(leaves, |t| {
            oxtee_mm::map_leaves(t, leaves.start, va, pages, kind)
        })
    }
    fn unmap_leaves(
        &self,
        leaves: &LeafTables<'_>,
        va: u64,
        count: usize,
        asid: u16,
        cpus: u64,
    ) -> Result<(), TeeError> {
        self.patch(leaves, |t| {
            oxtee_mm::unmap_leaves(t, leaves.start, va, count)
        })?;
        // This machine has one CPU, on which every TA ran.
        if cpus & !1 != 0 {
            self.violation(format!("TA recorded on CPUs {cpus:#b}"));
        }
        // TLBI by VA and ASID.
        let mut tlb = self.tlb.lock().unwrap();
        for i in 0..count as u64 {
            tlb.remove(&(asid, va + i * 4096));
        }
        self.dropped.lock().unwrap().push((va, count, asid));
        Ok(())
    }
    fn this_cpu(&self) -> usize {
        0
    }
    fn sync_code(&self, pa: u64, len: u64) {
        let _ = self.range(pa, len);
    }
    fn build_tables(
        &self,
        arena: FrameRange,
        maps: &[UserMapping],
        leaves: &LeafTables<'_>,
    ) -> Result<UserRoot, TeeError> {
        self.reuse(arena.start(), arena.size(), "tables built");
        let _ = self.range(arena.start(), arena.size());
        let mut sorted = maps.to_vec();
        sorted.sort_by_key(|m| m.va);
        for (i, m) in sorted.iter().enumerate() {
            let ok = m.va % 4096 == 0
                && m.pa % 4096 == 0
                && m.size % 4096 == 0
                && m.va >= TA_WINDOW.start
                && m.va.checked_add(m.size).is_some_and(|e| e <= TA_WINDOW.end)
                && m.pa >= POOL
                && m.pa + m.size <= POOL + POOL_SIZE;
            if !ok {
                self.violation(format!("bad mapping {m:?}"));
            }
            if i > 0 && sorted[i - 1].va + sorted[i - 1].size > m.va {
                self.violation(format!("overlapping mappings {:?} {m:?}", sorted[i - 1]));
            }
            // Mapped frames may not overlap the tables themselves.
            if m.pa < arena.end() && arena.start() < m.pa + m.size {
                self.violation(format!("mapping {m:?} over the tables {arena:?}"));
            }
        }
        for &t in leaves.tables {
            if t >= arena.start() && t < arena.end() {
                self.violation(format!("kept table {t:#x} in the tree's arena {arena:?}"));
            }
        }
        self.tables
            .lock()
            .unwrap()
            .insert(arena.start(), (sorted, leaves.tables.to_vec()));
        let mut tables = vec![[0u64; 512]; (arena.size() / 4096) as usize];
        build_user_window_with_leaves(
            &[0; 512],
            TA_WINDOW,
            maps,
            leaves,
            &mut tables,
            arena.start(),
        )
        .map_err(|e| {
            self.violation(format!("tables not built: {e:?}"));
            TeeError::OUT_OF_MEMORY
        })
    }
    fn run(&self, root: UserRoot, flush: bool, regs: &mut UserRegs) -> Trap {
        let ttbr0 = root.ttbr0();
        let base = ttbr0 & ((1 << 48) - 1);
        let asid = (ttbr0 >> 48) as u16;
        let Some((maps, leaves)) = self.maps(base) else {
            self.violation(format!("run with unknown tables {ttbr0:#x}"));
            return Trap::Fault { esr: 0, far: 0 };
        };
        if asid == 0 {
            self.violation("TA run with ASID 0".into());
        }
        *self.installed.lock().unwrap() = Some(base);
        if flush {
            self.tlb.lock().unwrap().retain(|(a, _), _| *a != asid);
        }
        {
            let mut seen = self.seen.lock().unwrap();
            if let Some(prev) = seen.get(&asid) {
                if *prev != maps && !flush {
                    self.violation(format!("ASID {asid} changed mappings without a flush"));
                }
            }
            seen.insert(asid, maps.clone());
        }
        let n = self.runs.fetch_add(1, Ordering::Relaxed) + 1;
        let every = self.irq_every.load(Ordering::Relaxed);
        if every != 0 && n % every == 0 {
            return Trap::ForeignInterrupt;
        }
        let step;
        if regs.x[28] >> 32 != MAGIC {
            // A new entry: x0 func, x1 session, x2 params (= SP), x3 cmd.
            if regs.sp != regs.x[2] || regs.x[2] % 16 != 0 {
                self.violation(format!("entry SP {:#x} params {:#x}", regs.sp, regs.x[2]));
            }
            if regs.x[4..28].iter().any(|&r| r != 0) {
                self.violation("entry registers not cleared".into());
            }
            self.entries.lock().unwrap().push((
                regs.x[0] as u32,
                regs.x[1] as u32,
                regs.x[3] as u32,
            ));
            regs.x[19] = regs.x[0];
            regs.x[20] = regs.x[1];
            regs.x[21] = regs.x[2];
            regs.x[22] = regs.x[3];
            regs.x[23] = regs.elr;
            self.last_entry.store(regs.elr, Ordering::Relaxed);
            regs.x[28] = MAGIC << 32;
            step = 0;
        } else {
            step = (regs.x[28] & 0xffff_ffff) + 1;
            regs.x[28] = (MAGIC << 32) | step;
            self.results.lock().unwrap().push((regs.x[8], regs.x[0]));
        }
        let script = self.script.lock().unwrap().clone();
        let mut ta = Ta {
            regs,
            hw: self,
            maps,
            leaves,
            asid,
            step,
        };
        script(&mut ta)
    }
    fn leave_user_space(&self) {
        *self.installed.lock().unwrap() = None;
    }
    fn counter(&self) -> (u64, u64) {
        (self.clock.load(Ordering::Relaxed), FREQ)
    }
    fn random(&self, buf: &mut [u8]) -> Result<(), NoEntropy> {
        if self.no_entropy.load(Ordering::Relaxed) {
            return Err(NoEntropy);
        }
        // Fixed bytes keep TA addresses reproducible across runs.
        buf.fill(0);
        Ok(())
    }
    fn log(&self, pieces: &[oxtee_log_line::Piece<'_>]) {
        let mut line = Vec::new();
        oxtee_log_line::write(pieces, &mut |b| line.extend_from_slice(b));
        self.log
            .lock()
            .unwrap()
            .push(String::from_utf8_lossy(&line).into_owned());
    }
    fn hw_unique_key(&self) -> oxtee_kernel::user_ta::hw::HwUniqueKey {
        oxtee_kernel::user_ta::hw::HwUniqueKey::TEST
    }
}

/// The running TA as its script sees it.
pub struct Ta<'a> {
    pub regs: &'a mut UserRegs,
    hw: &'a FakeHw,
    maps: Vec<UserMapping>,
    leaves: Vec<u64>,
    asid: u16,
    /// 0 on entry, then +1 per run of this entry.
    pub step: u64,
}

impl Ta<'_> {
    pub fn func(&self) -> u32 {
        self.regs.x[19] as u32
    }
    pub fn session(&self) -> u32 {
        self.regs.x[20] as u32
    }
    pub fn params_va(&self) -> u64 {
        self.regs.x[21]
    }
    pub fn cmd(&self) -> u32 {
        self.regs.x[22] as u32
    }
    pub fn entry_point(&self) -> u64 {
        self.regs.x[23]
    }
    /// Load address of the main module.
    pub fn base(&self) -> u64 {
        self.entry_point() - ELF_ENTRY
    }
    /// Result (x0) of the previous system call.
    pub fn last(&self) -> u64 {
        self.regs.x[0]
    }
    pub fn maps(&self) -> &[UserMapping] {
        &self.maps
    }
    /// The ASID the TA runs with.
    pub fn asid(&self) -> u16 {
        self.asid
    }

    /// Where the TA's access to `va` goes: (pa, bytes left with the same
    /// rights, normal-world memory), through the TLB model for parameter
    /// pages.
    fn translate(&self, va: u64, write: bool) -> Option<(u64, u64, bool)> {
        if (PARAMS_START..TA_WINDOW.end).contains(&va) {
            return self.translate_param(va, write);
        }
        let m = self
            .maps
            .iter()
            .find(|m| va >= m.va && va - m.va < m.size)?;
        if write && m.kind != UserKind::Rw {
            return None;
        }
        Some((m.pa + (va - m.va), m.va + m.size - va, false))
    }

    fn translate_param(&self, va: u64, write: bool) -> Option<(u64, u64, bool)> {
        let page = va & !0xfff;
        let desc = self.hw.leaf(&self.leaves, page);
        {
            let mut tlb = self.hw.tlb.lock().unwrap();
            match tlb.get(&(self.asid, page)) {
                Some(&cached) if cached != desc => {
                    drop(tlb);
                    self.hw.violation(format!(
                        "stale TLB entry for {page:#x}: {cached:#x}, tables say {desc:#x}"
                    ));
                    return None;
                }
                Some(_) => {}
                None if desc & 1 != 0 => {
                    tlb.insert((self.asid, page), desc);
                }
                None => {}
            }
        }
        if desc & 0b11 != 0b11 || desc & (1 << 6) == 0 {
            return None;
        }
        if desc & (1 << 54) == 0 {
            self.hw
                .violation(format!("executable parameter page {page:#x}"));
        }
        if write && desc & (1 << 7) != 0 {
            return None;
        }
        let pa = (desc & 0x0000_ffff_ffff_f000) | (va & 0xfff);
        Some((pa, 4096 - (va & 0xfff), desc & (1 << 5) != 0))
    }

    fn load(&self, pa: u64, ns: bool, dst: &mut [u8]) -> Option<()> {
        if ns {
            self.hw.ns_ram()?.read(pa, dst).ok()
        } else {
            self.hw.read(pa, dst).ok()
        }
    }

    /// What the TA would read at `va` (None: it would fault).
    pub fn read(&self, va: u64, len: usize) -> Option<Vec<u8>> {
        let mut out = vec![0u8; len];
        let mut done = 0usize;
        while done < len {
            let (pa, avail, ns) = self.translate(va.checked_add(done as u64)?, false)?;
            let n = (avail as usize).min(len - done);
            self.load(pa, ns, &mut out[done..done + n])?;
            done += n;
        }
        Some(out)
    }

    /// Stores `data` at `va` (false: it would fault; nothing written).
    pub fn write(&self, va: u64, data: &[u8]) -> bool {
        let mut pieces = Vec::new();
        let mut done = 0usize;
        while done < data.len() {
            let Some(at) = va.checked_add(done as u64) else {
                return false;
            };
            let Some((pa, avail, ns)) = self.translate(at, true) else {
                return false;
            };
            let n = (avail as usize).min(data.len() - done);
            pieces.push((pa, ns, done, n));
            done += n;
        }
        pieces.into_iter().all(|(pa, ns, off, n)| {
            let src = &data[off..off + n];
            if ns {
                self.hw
                    .ns_ram()
                    .is_some_and(|mut ram| ram.write(pa, src).is_ok())
            } else {
                self.hw.write(pa, src).is_ok()
            }
        })
    }

    pub fn read_u32(&self, va: u64) -> Option<u32> {
        Some(u32::from_le_bytes(self.read(va, 4)?.try_into().ok()?))
    }
    pub fn read_u64(&self, va: u64) -> Option<u64> {
        Some(u64::from_le_bytes(self.read(va, 8)?.try_into().ok()?))
    }

    /// The `utee_params` of this entry.
    pub fn params(&self) -> UteeParams {
        let raw = self
            .read(self.params_va(), UTEE_PARAMS_SIZE)
            .expect("params readable");
        UteeParams::decode(&raw.try_into().unwrap()).expect("valid params")
    }
    pub fn set_params(&self, up: &UteeParams) {
        assert!(self.write(self.params_va(), &up.encode()));
    }

    /// Ends the run with system call `nr` (arguments in x0..).
    pub fn syscall(&mut self, nr: u64, args: &[u64]) -> Trap {
        assert!(args.len() <= 8);
        for (i, a) in args.iter().enumerate() {
            self.regs.x[i] = *a;
        }
        self.regs.x[8] = nr;
        Trap::Syscall
    }
    /// `_utee_return(code)`.
    pub fn ret(&mut self, code: u32) -> Trap {
        self.syscall(0, &[u64::from(code)])
    }
    /// `_utee_panic(0xbeef)`.
    pub fn panic(&mut self) -> Trap {
        let sp = self.regs.sp;
        self.syscall(2, &[0xbeef, sp])
    }
}

// ---------------------------------------------------------------------------
// The normal world

/// Sparse normal-world RAM, shared by the call path, the fake driver and
/// the machine (for TAs' mapped parameter pages).
#[derive(Clone, Default)]
pub struct Ram(Arc<Mutex<BTreeMap<u64, Vec<u8>>>>);

impl PhysMem for Ram {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        let m = self.0.lock().unwrap();
        for (i, b) in buf.iter_mut().enumerate() {
            let a = pa + i as u64;
            if !RAM.contains(&a) {
                return Err(MemError::OutOfRange);
            }
            *b = m.get(&(a & !0xfff)).map_or(0, |p| p[(a & 0xfff) as usize]);
        }
        Ok(())
    }
    fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError> {
        let mut m = self.0.lock().unwrap();
        for (i, b) in data.iter().enumerate() {
            let a = pa + i as u64;
            if !RAM.contains(&a) {
                return Err(MemError::OutOfRange);
            }
            m.entry(a & !0xfff).or_insert_with(|| vec![0; 4096])[(a & 0xfff) as usize] = *b;
        }
        Ok(())
    }
}

/// Linux's driver and tee-supplicant: LOAD_TA from `store`, SHM_ALLOC/FREE,
/// GET_TIME, SUSPEND (advances the machine's clock).
pub struct FakeRpc {
    area: Option<RpcArgArea>,
    ram: Ram,
    clock: Arc<AtomicU64>,
    /// TA files by UUID octets.
    pub store: BTreeMap<[u8; 16], Vec<u8>>,
    /// RPC commands seen.
    pub cmds: Vec<u32>,
    /// Foreign interrupts let in.
    pub irqs: u32,
    /// Milliseconds slept through SUSPEND.
    pub slept_ms: u64,
    /// tee-supplicant's REE FS.
    pub fs: FakeFs,
    /// Supplicant buffers handed out.
    cookies: u64,
}

/// tee-supplicant's REE FS: files by name, open files by fd.
#[derive(Default)]
pub struct FakeFs {
    /// Files by name.
    pub files: BTreeMap<String, Vec<u8>>,
    fds: BTreeMap<u64, String>,
    next_fd: u64,
}

impl Rpc for FakeRpc {
    fn foreign_intr_pending(&self) -> bool {
        false
    }
    fn rpc(&mut self, kind: RpcKind) -> [u64; 4] {
        match kind {
            RpcKind::ForeignIntr => self.irqs += 1,
            RpcKind::Cmd { .. } => self.cmd(),
            other => panic!("unexpected RPC {other:?}"),
        }
        [0; 4]
    }
    fn arg_area(&self) -> Option<&RpcArgArea> {
        self.area.as_ref()
    }
    fn set_arg_area(&mut self, a: Option<RpcArgArea>) -> Option<RpcArgArea> {
        std::mem::replace(&mut self.area, a)
    }
}

impl FakeFs {
    /// tee-supplicant's file service (`OPTEE_RPC_CMD_FS`), in memory.
    fn serve(&mut self, ram: &mut Ram, msg: &mut [u8]) -> u32 {
        let w = |m: &[u8], o: usize| u64::from_le_bytes(m[o..o + 8].try_into().unwrap());
        let p = |i: usize| 32 + 32 * i;
        let (op, fd, off) = (w(msg, p(0) + 8), w(msg, p(0) + 16), w(msg, p(0) + 24));
        let attr = w(msg, p(1));
        let (ptr, size) = (w(msg, p(1) + 8), w(msg, p(1) + 16));
        // RMEM: an offset into the SHM_ALLOC buffer; TMEM: an address.
        let ptr = if (supplicant_proto::optee_msg::OPTEE_MSG_ATTR_TYPE_RMEM_INPUT
            ..=supplicant_proto::optee_msg::OPTEE_MSG_ATTR_TYPE_RMEM_INOUT)
            .contains(&attr)
        {
            SUPP_BUF + ptr
        } else {
            ptr
        };
        let mut bytes = vec![0u8; size as usize];
        let name = |ram: &Ram, b: &mut Vec<u8>| {
            ram.read(ptr, b).unwrap();
            assert_eq!(b.pop(), Some(0), "names are NUL-terminated");
            String::from_utf8(b.clone()).unwrap()
        };
        const NOT_FOUND: u32 = 0xffff_0008;
        match op {
            0 | 1 => {
                let n = name(ram, &mut bytes);
                if op == 1 {
                    self.files.insert(n.clone(), Vec::new());
                } else if !self.files.contains_key(&n) {
                    return NOT_FOUND;
                }
                self.next_fd += 1;
                self.fds.insert(self.next_fd, n);
                msg[p(2) + 8..p(2) + 16].copy_from_slice(&self.next_fd.to_le_bytes());
            }
            2 => {
                self.fds.remove(&fd);
            }
            3 => {
                let f = &self.files[&self.fds[&fd]];
                let s = (off as usize).min(f.len());
                let n = (size as usize).min(f.len() - s);
                ram.write(ptr, &f[s..s + n]).unwrap();
                msg[p(1) + 16..p(1) + 24].copy_from_slice(&(n as u64).to_le_bytes());
            }
            4 => {
                ram.read(ptr, &mut bytes).unwrap();
                let f = self.files.get_mut(&self.fds[&fd]).unwrap();
                let end = off as usize + bytes.len();
                if f.len() < end {
                    f.resize(end, 0);
                }
                f[off as usize..end].copy_from_slice(&bytes);
            }
            5 => {
                let f = self.files.get_mut(&self.fds[&fd]).unwrap();
                f.resize(off as usize, 0);
            }
            6 => {
                let n = name(ram, &mut bytes);
                if self.files.remove(&n).is_none() {
                    return NOT_FOUND;
                }
            }
            other => panic!("unexpected FS sub-command {other}"),
        }
        0
    }
}

impl FakeRpc {
    fn cmd(&mut self) {
        let Some((buf, offset, _)) = self.area.as_ref().and_then(RpcArgArea::message) else {
            panic!("RPC without an argument area")
        };
        let mut ram = self.ram.clone();
        let mut msg = [0u8; 32 + 4 * 32];
        buf.read_at(&ram, offset, &mut msg).unwrap();
        let word = |m: &[u8], o: usize| u64::from_le_bytes(m[o..o + 8].try_into().unwrap());
        let cmd = u32::from_le_bytes(msg[0..4].try_into().unwrap());
        self.cmds.push(cmd);
        let p = |i: usize| 32 + 32 * i;
        let mut ret = 0u32;
        match cmd {
            // LOAD_TA: v[0] = uuid octets, m[1] = output buffer.
            0 => {
                let mut uuid = [0u8; 16];
                uuid[..8].copy_from_slice(&msg[p(0) + 8..p(0) + 16]);
                uuid[8..].copy_from_slice(&msg[p(0) + 16..p(0) + 24]);
                match self.store.get(&uuid) {
                    None => ret = 0xffff_0008, // ITEM_NOT_FOUND
                    Some(file) => {
                        let attr = word(&msg, p(1));
                        let (ptr, size) = (word(&msg, p(1) + 8), word(&msg, p(1) + 16));
                        if size as usize >= file.len() {
                            // RMEM: offset into the SHM_ALLOC buffer.
                            if attr == OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT {
                                ram.write(SUPP_BUF + ptr, file).unwrap();
                            } else if ptr != 0 {
                                ram.write(ptr, file).unwrap();
                            }
                        }
                        let len = (file.len() as u64).to_le_bytes();
                        msg[p(1) + 16..p(1) + 24].copy_from_slice(&len);
                    }
                }
            }
            // GET_TIME.
            3 => {
                msg[p(0) + 8..p(0) + 16].copy_from_slice(&1_795_000_000u64.to_le_bytes());
                msg[p(0) + 16..p(0) + 24].copy_from_slice(&123_456_789u64.to_le_bytes());
            }
            // SUSPEND: v[0].a milliseconds.
            5 => {
                let ms = word(&msg, p(0) + 8);
                self.slept_ms += ms;
                self.clock.fetch_add(ms * FREQ / 1000, Ordering::Relaxed);
            }
            // SHM_ALLOC: a page list, as Linux's driver answers.
            6 => {
                let size = word(&msg, p(0) + 16);
                let pages = size.div_ceil(4096);
                let list: Vec<u8> = (0..pages)
                    .flat_map(|i| (SUPP_BUF + i * 4096).to_le_bytes())
                    .collect();
                ram.write(SUPP_LIST, &list).unwrap();
                let attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG;
                msg[p(0)..p(0) + 8].copy_from_slice(&attr.to_le_bytes());
                msg[p(0) + 8..p(0) + 16].copy_from_slice(&SUPP_LIST.to_le_bytes());
                msg[p(0) + 16..p(0) + 24].copy_from_slice(&size.to_le_bytes());
                // A fresh cookie per buffer, as the driver gives (the store
                // keeps its buffer while others come and go).
                self.cookies += 1;
                let cookie = 0x5eed_u64 + self.cookies;
                msg[p(0) + 24..p(0) + 32].copy_from_slice(&cookie.to_le_bytes());
            }
            // SHM_FREE.
            7 => {}
            // FS: v[0] = {sub-command, fd, offset}, m[1] = name or data.
            2 => ret = self.fs.serve(&mut ram, &mut msg),
            // RPMB: this normal world has no device.
            1 => ret = 0xffff_0008, // ITEM_NOT_FOUND
            other => panic!("unexpected RPC command {other}"),
        }
        msg[20..24].copy_from_slice(&ret.to_le_bytes());
        buf.write_at(&mut ram, offset, &msg).unwrap();
    }
}

// ---------------------------------------------------------------------------
// A minimal signed TA

/// Entry point offset in the image.
pub const ELF_ENTRY: u64 = 0x800;
/// `__elf_phdr_info` offset (in the data segment).
pub const ELF_PHDR_INFO: u64 = 0x1100;
/// A word the image relocates (R_AARCH64_RELATIVE to the entry point).
pub const ELF_GOT: u64 = 0x1200;

fn w16(v: &mut [u8], off: u64, x: u16) {
    v[off as usize..off as usize + 2].copy_from_slice(&x.to_le_bytes());
}
fn w32(v: &mut [u8], off: u64, x: u32) {
    v[off as usize..off as usize + 4].copy_from_slice(&x.to_le_bytes());
}
fn w64(v: &mut [u8], off: u64, x: u64) {
    v[off as usize..off as usize + 8].copy_from_slice(&x.to_le_bytes());
}

/// An AArch64 PIE TA ELF: RX segment (headers, `.ta_head`, dynsym, dynstr,
/// rela, code), RW segment (dynamic, `__elf_phdr_info`, a GOT word, bss),
/// `PT_DYNAMIC`; symbols `ta_head`, `__elf_phdr_info`, `__ta_entry`.
pub fn ta_elf(uuid: [u8; 16], stack_size: u32, flags: u32) -> Vec<u8> {
    const TA_HEAD: u64 = 0x140;
    const DYNSYM: u64 = 0x200;
    const DYNSTR: u64 = 0x400;
    const RELA: u64 = 0x600;
    const DYNAMIC: u64 = 0x1000;
    const SHSTRTAB: u64 = 0x2000;
    const SHDRS: u64 = 0x2100;
    const NSECT: u64 = 8;
    let mut v = vec![0u8; (SHDRS + NSECT * 64) as usize];
    v[0..4].copy_from_slice(b"\x7fELF");
    v[4] = 2; // ELFCLASS64
    v[5] = 1; // little-endian
    v[6] = 1; // EV_CURRENT
    w16(&mut v, 16, 3); // ET_DYN
    w16(&mut v, 18, 183); // EM_AARCH64
    w32(&mut v, 20, 1);
    w64(&mut v, 24, ELF_ENTRY);
    w64(&mut v, 32, 64); // e_phoff
    w64(&mut v, 40, SHDRS);
    w16(&mut v, 52, 64);
    w16(&mut v, 54, 56);
    w16(&mut v, 56, 3); // phnum
    w16(&mut v, 58, 64);
    w16(&mut v, 60, NSECT as u16);
    w16(&mut v, 62, 7); // shstrndx
    let mut phdr = |i: u64, ty: u32, fl: u32, off: u64, fsz: u64, msz: u64, al: u64| {
        let b = 64 + 56 * i;
        w32(&mut v, b, ty);
        w32(&mut v, b + 4, fl);
        w64(&mut v, b + 8, off);
        w64(&mut v, b + 16, off);
        w64(&mut v, b + 24, off);
        w64(&mut v, b + 32, fsz);
        w64(&mut v, b + 40, msz);
        w64(&mut v, b + 48, al);
    };
    phdr(0, 1, 4 | 1, 0, 0x1000, 0x1000, 0x1000); // PT_LOAD R X
    phdr(1, 1, 4 | 2, 0x1000, 0x1000, 0x3000, 0x1000); // PT_LOAD R W (+bss)
    phdr(2, 2, 4 | 2, DYNAMIC, 0x30, 0x30, 8); // PT_DYNAMIC

    // ta_head: UUID (C struct), stack size, flags, deprecated entry (none).
    v[TA_HEAD as usize..TA_HEAD as usize + 16].copy_from_slice(&le_struct(uuid));
    w32(&mut v, TA_HEAD + 16, stack_size);
    w32(&mut v, TA_HEAD + 20, flags);
    w64(&mut v, TA_HEAD + 24, u64::MAX);
    let strs = b"\0ta_head\0__elf_phdr_info\0__ta_entry\0";
    v[DYNSTR as usize..DYNSTR as usize + strs.len()].copy_from_slice(strs);
    // null, ta_head (object, .ta_head), __elf_phdr_info (object, .data), __ta_entry (func).
    let syms: [(u32, u8, u16, u64, u64); 4] = [
        (0, 0, 0, 0, 0),
        (1, 0x11, 1, TA_HEAD, 32),
        (9, 0x11, 6, ELF_PHDR_INFO, 16),
        (25, 0x12, 1, ELF_ENTRY, 4),
    ];
    for (i, (name, info, shndx, value, size)) in syms.iter().enumerate() {
        let b = DYNSYM + 24 * i as u64;
        w32(&mut v, b, *name);
        v[b as usize + 4] = *info;
        w16(&mut v, b + 6, *shndx);
        w64(&mut v, b + 8, *value);
        w64(&mut v, b + 16, *size);
    }
    // R_AARCH64_RELATIVE: GOT word = base + entry.
    w64(&mut v, RELA, ELF_GOT);
    w64(&mut v, RELA + 8, 1027);
    w64(&mut v, RELA + 16, ELF_ENTRY);
    // Code: `svc #0` forever (never executed by the fake machine).
    for i in 0..4 {
        w32(&mut v, ELF_ENTRY + 4 * i, 0xd400_0001);
    }
    // Dynamic: DT_STRTAB, DT_STRSZ, DT_NULL.
    w64(&mut v, DYNAMIC, 5);
    w64(&mut v, DYNAMIC + 8, DYNSTR);
    w64(&mut v, DYNAMIC + 16, 10);
    w64(&mut v, DYNAMIC + 24, strs.len() as u64);
    let shstr = b"\0.ta_head\0.dynsym\0.dynstr\0.rela.dyn\0.dynamic\0.data\0.shstrtab\0";
    v[SHSTRTAB as usize..SHSTRTAB as usize + shstr.len()].copy_from_slice(shstr);
    let mut shdr =
        |i: u64, name: u32, ty: u32, flags: u64, addr: u64, size: u64, link: u32, ent: u64| {
            let b = SHDRS + 64 * i;
            w32(&mut v, b, name);
            w32(&mut v, b + 4, ty);
            w64(&mut v, b + 8, flags);
            w64(&mut v, b + 16, addr);
            w64(&mut v, b + 24, addr);
            w64(&mut v, b + 32, size);
            w32(&mut v, b + 40, link);
            w64(&mut v, b + 56, ent);
        };
    shdr(1, 1, 1, 2, TA_HEAD, 32, 0, 0); // .ta_head PROGBITS
    shdr(2, 10, 11, 2, DYNSYM, 4 * 24, 3, 24); // .dynsym
    shdr(3, 18, 3, 2, DYNSTR, strs.len() as u64, 0, 0); // .dynstr
    shdr(4, 26, 4, 2, RELA, 24, 2, 24); // .rela.dyn
    shdr(5, 36, 6, 3, DYNAMIC, 0x30, 3, 16); // .dynamic
    shdr(6, 45, 1, 3, ELF_PHDR_INFO, 0x200, 0, 0); // .data
    shdr(7, 51, 3, 0, SHSTRTAB, shstr.len() as u64, 0, 0); // .shstrtab (not loaded)
    v
}

fn dev_key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let pem = include_str!("../../../../ta/keys/oxtee-ta-dev.pem");
        oxtee_ta_sign::load_private_key(pem).expect("dev key parses")
    })
}

/// The public key TAs of [`signed_ta`] verify with.
pub fn dev_public_key() -> oxtee_ta_verify::RsaPublicKey {
    use rsa::traits::PublicKeyParts;
    let k = dev_key();
    oxtee_ta_verify::RsaPublicKey::from_components(&k.n().to_bytes_be(), &k.e().to_bytes_be())
        .unwrap()
}

/// [`ta_elf`] signed as a bootstrap TA with the dev key (cached: signing is slow).
pub fn signed_ta(uuid: [u8; 16], stack_size: u32, flags: u32) -> Vec<u8> {
    type Cache = Mutex<HashMap<([u8; 16], u32, u32), Vec<u8>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(f) = cache.lock().unwrap().get(&(uuid, stack_size, flags)) {
        return f.clone();
    }
    let elf = ta_elf(uuid, stack_size, flags);
    let f = oxtee_ta_sign::sign_bootstrap(dev_key(), uuid, 1, &elf).expect("signing");
    cache
        .lock()
        .unwrap()
        .insert((uuid, stack_size, flags), f.clone());
    f
}

// ---------------------------------------------------------------------------
// The whole runtime

struct Entropy;
impl EntropySource for Entropy {
    fn fill(&self, out: &mut [u8]) -> Result<(), EntropyError> {
        out.fill(0x5a);
        Ok(())
    }
}

/// A kernel with the system PTA, the dev key, a frame pool and a fake machine.
pub fn kernel(hw: &'static FakeHw) -> Kernel {
    let layout = MemLayout {
        ns_ram: RAM,
        secure_ram: 0x0e00_0000..0x0f00_0000,
        static_shm: None,
    };
    let mut ptas = PtaRegistry::new();
    let rng = Arc::new(SharedRng::new(Arc::new(Entropy)).unwrap());
    let huk = hw.hw_unique_key().key;
    ptas.register(Arc::new(SystemPta::new(rng, huk))).unwrap();
    let users = UserTas::new();
    users.init_frames(POOL, POOL_SIZE).unwrap();
    let shm = ShmRegistry::new(layout, RegistryLimits::default());
    Kernel::new(shm, ptas, vec![dev_public_key()]).with_user_tas(hw, users)
}

/// Kernel, machine and normal world; TAs of [`UUID_MULTI`] (multi-instance),
/// [`UUID_SINGLE`] (single instance, multi-session) and [`UUID_KEEP`]
/// (single instance, keep-alive) in the store.
pub struct World {
    /// Shared, so a scripted TA can look at the kernel during its call.
    pub k: Arc<Kernel>,
    pub hw: &'static FakeHw,
    pub ram: Ram,
    pub rpc: FakeRpc,
}

/// Where [`World::share`] puts memref `i` in the normal world's RAM.
pub fn client_buf(i: usize) -> u64 {
    CLIENT_BUFS + i as u64 * 0x10_0000 + CLIENT_OFFSET
}
/// Client buffers of [`World::share`].
pub const CLIENT_BUFS: u64 = 0x4020_0000;
/// Offset of every client buffer in its first page.
pub const CLIENT_OFFSET: u64 = 0x10;

pub const PUBLIC: ClientIdentity = ClientIdentity {
    login: 0,
    uuid: Uuid([0; 16]),
};

impl World {
    pub fn new() -> Self {
        Self::with_hw(FakeHw::leak())
    }

    /// A fresh runtime on machine `hw`.
    pub fn with_hw(hw: &'static FakeHw) -> Self {
        let k = Arc::new(kernel(hw));
        let ram = Ram::default();
        hw.set_ns(ram.clone());
        let area = RpcArgArea::Supplied {
            buf: k.shm().lock().contiguous(RPC_ARG, 4096).unwrap(),
            offset: 0,
        };
        let mut store = BTreeMap::new();
        store.insert(UUID_MULTI, signed_ta(UUID_MULTI, STACK_SIZE as u32, 0));
        store.insert(
            UUID_SINGLE,
            signed_ta(UUID_SINGLE, STACK_SIZE as u32, 0x4 | 0x8),
        );
        store.insert(
            UUID_KEEP,
            signed_ta(UUID_KEEP, STACK_SIZE as u32, 0x4 | 0x8 | 0x10),
        );
        let rpc = FakeRpc {
            area: Some(area),
            ram: ram.clone(),
            clock: hw.clock.clone(),
            store,
            cmds: Vec::new(),
            irqs: 0,
            slept_ms: 0,
            fs: FakeFs::default(),
            cookies: 0,
        };
        Self { k, hw, ram, rpc }
    }

    pub fn cx(&mut self) -> Cx<'_> {
        Cx::new(self.k.services(), self.hw, &mut self.ram, &mut self.rpc)
    }

    /// Opens a session as the normal world does: memref contents are
    /// placed in the normal world's RAM and handed over as shared memory.
    pub fn open(&mut self, uuid: [u8; 16], params: &mut Params) -> Result<u32, TeeError> {
        let mut call = self.share(params);
        let r =
            oxtee_kernel::user_ta::open_session_with(&mut self.cx(), uuid, PUBLIC, None, &mut call);
        self.unshare(params, call);
        r
    }

    /// The memrefs of `params` with a buffer as shared memory: each in its
    /// own 1 MiB of client RAM, [`CLIENT_OFFSET`] bytes into its first page
    /// (empty buffers stay copies: the normal world cannot pass them).
    pub fn share(&mut self, params: &mut Params) -> CallParams {
        std::array::from_fn(|i| {
            let p = std::mem::take(&mut params[i]);
            let ty = p.type_id();
            match p {
                Param::MemrefInput(ref m)
                | Param::MemrefOutput(ref m)
                | Param::MemrefInout(ref m)
                    if m.capacity() > 0 =>
                {
                    let pa = client_buf(i);
                    self.ram.write(pa, m.bytes()).unwrap();
                    let view = self
                        .k
                        .shm()
                        .lock()
                        .contiguous(pa, m.capacity() as u64)
                        .unwrap();
                    CallParam::Shared(SharedMemref {
                        ty,
                        view,
                        size: m.size,
                    })
                }
                p => CallParam::Gp(p),
            }
        })
    }

    /// Puts the answers back into `params`: values, sizes, and the bytes
    /// of shared buffers as the normal world sees them now.
    pub fn unshare(&mut self, params: &mut Params, call: CallParams) {
        for (i, (slot, c)) in params.iter_mut().zip(call).enumerate() {
            *slot = match c {
                CallParam::Gp(p) => p,
                CallParam::Shared(s) => {
                    let mut data = vec![0u8; s.view.len() as usize];
                    self.ram.read(client_buf(i), &mut data).unwrap();
                    let m = Memref {
                        buf: Some(data),
                        size: s.size,
                    };
                    oxtee_kernel::user_ta::params::memref_param(s.ty, m)
                }
            };
        }
    }

    pub fn open0(&mut self, uuid: [u8; 16]) -> Result<u32, TeeError> {
        self.open(uuid, &mut Params::default())
    }

    /// Invokes as the normal world does (see [`World::open`]).
    pub fn invoke(&mut self, id: u32, cmd: u32, params: &mut Params) -> Result<(), TeeError> {
        let mut call = self.share(params);
        let r = oxtee_kernel::user_ta::invoke_with(&mut self.cx(), id, None, cmd, &mut call);
        self.unshare(params, call);
        r
    }

    /// Invokes with the memrefs as copies the core holds (what a calling
    /// TA's buffers become).
    pub fn invoke_copies(
        &mut self,
        id: u32,
        cmd: u32,
        params: &mut Params,
    ) -> Result<(), TeeError> {
        oxtee_kernel::user_ta::invoke(&mut self.cx(), id, None, cmd, params)
    }

    pub fn invoke0(&mut self, id: u32, cmd: u32) -> Result<(), TeeError> {
        self.invoke(id, cmd, &mut Params::default())
    }

    pub fn close(&mut self, id: u32) -> Result<(), TeeError> {
        oxtee_kernel::user_ta::close_session(&mut self.cx(), id, None)
    }

    /// Load address of the main module of the TA entered last.
    pub fn base(&self) -> u64 {
        self.hw.last_entry.load(Ordering::Relaxed) - ELF_ENTRY
    }

    pub fn frames_used(&self) -> u64 {
        self.k.users().stats().frames_used
    }

    /// No machine rule was broken.
    pub fn assert_clean(&self) {
        let v = self.hw.violations.lock().unwrap();
        assert!(v.is_empty(), "machine violations: {v:#?}");
        // Every call into a TA ends in the core's own address space.
        assert_eq!(self.hw.installed_root(), None, "a TA root left installed");
    }
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------------------
// Fuzzing system calls

/// Most system calls one fuzz input makes.
pub const FUZZ_MAX_CALLS: usize = 64;
/// Bytes of an input copied to the TA's scratch area before its calls.
pub const FUZZ_PREFILL: usize = 255;
pub const FUZZ_CALL: usize = 1 + 2 + 8 * 4;

/// Register values worth trying besides random ones.
fn special(v: u32, base: u64) -> u64 {
    let v64 = u64::from(v);
    let table = [
        0,
        u64::MAX,
        1 << 63,
        KERNEL_VA,
        base,
        base + 0x1000,
        base + ELF_PHDR_INFO,
        STACK - 8,
        STACK_END - 8,
        PARAMS_VA,
        TA_WINDOW.end - 8,
        0xffff_ffff,
        u64::MAX - (v64 >> 8) % 0x2000,
        v64 << 32,
        (v64 >> 8) * 4096,
        0xffff_fffd + (v64 >> 8) % 3,
        // Session ids: the normal world's, then those the TA opens.
        0x8000_0001 + (v64 >> 8) % 4,
    ];
    table[(v % table.len() as u32) as usize]
}

/// Decodes `data`: a length byte `n`, `n` bytes (at most [`FUZZ_PREFILL`])
/// for the scratch area, then calls of (number byte, 16 bits choosing how
/// each of x0..x7 is built, 8 words).
pub fn fuzz_decode(data: &[u8], base: u64) -> (Vec<u8>, Vec<[u64; 9]>) {
    let Some((&len, rest)) = data.split_first() else {
        return (Vec::new(), Vec::new());
    };
    let n = usize::from(len).min(rest.len()).min(FUZZ_PREFILL);
    let prefill = rest[..n].to_vec();
    let mut calls = Vec::new();
    for c in rest[n..].chunks_exact(FUZZ_CALL).take(FUZZ_MAX_CALLS) {
        let nr = u64::from(c[0] % 75);
        let sel = u16::from_le_bytes([c[1], c[2]]);
        let mut regs = [0u64; 9];
        for (i, r) in regs.iter_mut().take(8).enumerate() {
            let v = u32::from_le_bytes(c[3 + 4 * i..7 + 4 * i].try_into().unwrap());
            *r = match (sel >> (2 * i)) & 3 {
                0 => u64::from(v),
                1 => SCRATCH + u64::from(v % 0x1000),
                2 => DYNAMIC_START + u64::from(v % 0x8000),
                _ => special(v, base),
            };
        }
        // TEE_Wait sleeps for real in the normal world: keep it short.
        if nr == 12 {
            regs[0] %= 3000;
        }
        regs[8] = nr;
        calls.push(regs);
    }
    (prefill, calls)
}

/// Encodes one call for [`fuzz_decode`].
pub fn fuzz_call(nr: u8, sel: u16, regs: [u32; 8]) -> Vec<u8> {
    let mut c = vec![nr];
    c.extend_from_slice(&sel.to_le_bytes());
    for r in regs {
        c.extend_from_slice(&r.to_le_bytes());
    }
    c
}

/// Scratch contents useful to the calls: PTA_SYSTEM's UUID at 0, the TA's
/// own UUID at 16, MAP_ZI `utee_params` (8 KiB) at 0x40.
pub fn fuzz_prefill() -> Vec<u8> {
    let mut p = vec![0u8; 0x90];
    p[..16].copy_from_slice(&le_struct(PTA_SYSTEM));
    p[16..32].copy_from_slice(&le_struct(UUID_MULTI));
    p[0x40..0x48].copy_from_slice(&0x131u64.to_le_bytes());
    p[0x48..0x50].copy_from_slice(&8192u64.to_le_bytes());
    p
}

/// Seed inputs: open PTA_SYSTEM then MAP_ZI; open the TA itself, invoke
/// and close it; a few single calls on scratch memory.
pub fn fuzz_seeds() -> Vec<Vec<u8>> {
    let pre = fuzz_prefill();
    let with = |calls: &[Vec<u8>]| {
        let mut v = vec![pre.len() as u8];
        v.extend_from_slice(&pre);
        for c in calls {
            v.extend_from_slice(c);
        }
        v
    };
    // sel: 2 bits per register, 1 = scratch + value, 0 = value, 3 = special.
    let s = |regs: &[u16]| {
        regs.iter()
            .enumerate()
            .fold(0u16, |a, (i, k)| a | (k << (2 * i)))
    };
    let open_pta = fuzz_call(
        5,
        s(&[1, 0, 0, 1, 1]),
        [0, 0xffff_ffff, 0, 0x20, 0x24, 0, 0, 0],
    );
    let open_self = fuzz_call(
        5,
        s(&[1, 0, 0, 1, 1]),
        [16, 0xffff_ffff, 0, 0x20, 0x24, 0, 0, 0],
    );
    // The word selecting session 0x8000_0002 (the first one the TA opens).
    let sess = (0..u32::MAX)
        .find(|&v| special(v, 0) == 0x8000_0002)
        .unwrap();
    // MAP_ZI with the params at scratch + 0x40.
    let map_zi = fuzz_call(
        7,
        s(&[3, 0, 0, 1, 1]),
        [sess, 0xffff_ffff, 2, 0x40, 0x24, 0, 0, 0],
    );
    let invoke = fuzz_call(
        7,
        s(&[3, 0, 0, 0, 1]),
        [sess, 0xffff_ffff, 1, 0, 0x24, 0, 0, 0],
    );
    let close = fuzz_call(6, s(&[3]), [sess, 0, 0, 0, 0, 0, 0, 0]);
    vec![
        with(&[open_pta.clone(), map_zi.clone(), close.clone()]),
        with(&[open_self, invoke, close]),
        with(&[fuzz_call(13, s(&[0, 1]), [2, 0, 0, 0, 0, 0, 0, 0])]),
        with(&[fuzz_call(8, s(&[0, 2, 0]), [5, 0, 64, 0, 0, 0, 0, 0])]),
        with(&[fuzz_call(33, s(&[1, 0]), [0, 300, 0, 0, 0, 0, 0, 0])]),
        with(&[fuzz_call(
            3,
            s(&[0, 0, 1, 1, 1, 1, 1]),
            [0xffff_ffff, 0, 0x100, 0x180, 0x200, 0x184, 0x188, 0],
        )]),
    ]
}

/// Runs one fuzz input on a fresh runtime: a session, one invoke whose TA
/// makes the decoded system calls, close. Nothing may panic, leak or break
/// a machine rule.
pub fn fuzz_one(hw: &'static FakeHw, data: &[u8]) {
    hw.reset();
    let mut w = World::with_hw(hw);
    // A keep-alive instance would outlive the session by design.
    w.rpc.store.remove(&UUID_KEEP);
    let id = w.open0(UUID_MULTI).expect("open");
    let (prefill, calls) = fuzz_decode(data, w.base());
    hw.set_script(move |ta| {
        if ta.session() != id || ta.func() != 2 || ta.cmd() != 1 {
            return ta.ret(0);
        }
        if ta.step == 0 {
            assert!(ta.write(SCRATCH, &prefill));
        }
        match calls.get(ta.step as usize) {
            Some(c) => ta.syscall(c[8], &c[..8]),
            None => ta.ret(0),
        }
    });
    let mut p: Params = [
        oxtee_pta::Param::MemrefInout(oxtee_pta::Memref::new(vec![0x5a; 64])),
        oxtee_pta::Param::ValueInout { a: 1, b: 2 },
        oxtee_pta::Param::MemrefOutput(oxtee_pta::Memref::zeroed(5000)),
        oxtee_pta::Param::None,
    ];
    let _ = w.invoke(id, 1, &mut p);
    let _ = w.invoke(id, 2, &mut Params::default());
    w.close(id).expect("close always succeeds");
    let s = w.k.users().stats();
    assert_eq!((s.instances, s.sessions, s.frames_used), (0, 0, 0), "leak");
    assert_eq!(w.k.ptas().session_count(), 0, "PTA session leak");
    w.assert_clean();
}
