//! The secure thread pool state machine.

use alloc::vec::Vec;

use crate::abi;
use crate::{RpcExit, RpcKind};

/// Smallest pool the core may create.
pub const MIN_THREADS: usize = 8;
/// Largest pool the core may create.
pub const MAX_THREADS: usize = 256;

/// Index of a secure thread; travels in a3 of RPC exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ThreadId(u32);

impl ThreadId {
    /// The value for register a3.
    pub const fn as_u32(self) -> u32 {
        self.0
    }

    /// Index into per-thread tables of the core (stacks, saved registers).
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The id of the thread with table index `index` (the core's per-thread
    /// tables are indexed like the pool).
    pub const fn from_index(index: usize) -> Self {
        Self(index as u32)
    }
}

/// State of one secure thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadState {
    /// Available for a new yielding call.
    Free,
    /// Executing on `cpu`.
    Running {
        /// CPU index.
        cpu: usize,
    },
    /// Waiting in the normal world for the answer to `rpc`.
    Suspended {
        /// The outstanding RPC.
        rpc: RpcKind,
    },
}

/// `ThreadPool::new` was given a count outside `MIN_THREADS..=MAX_THREADS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadThreadCount;

/// No free thread: the yielding call is answered `OPTEE_SMC_RETURN_ETHREAD_LIMIT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl Busy {
    /// `OPTEE_SMC_RETURN_ETHREAD_LIMIT`.
    pub const fn smc_return(self) -> u32 {
        abi::OPTEE_SMC_RETURN_ETHREAD_LIMIT
    }
}

/// `RETURN_FROM_RPC` named a thread that cannot be resumed; answered
/// `OPTEE_SMC_RETURN_ERESUME`, and no thread state changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeError {
    /// a3 is not a thread index of this pool.
    OutOfRange,
    /// The thread is free (unknown to the normal world).
    NotAllocated,
    /// The thread is running, not waiting for an RPC.
    NotSuspended,
}

impl ResumeError {
    /// `OPTEE_SMC_RETURN_ERESUME`.
    pub const fn smc_return(self) -> u32 {
        abi::OPTEE_SMC_RETURN_ERESUME
    }
}

/// The core asked for a transition the thread's state does not allow (a core bug, never
/// caused by the normal world's register values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateError {
    /// No such thread.
    OutOfRange,
    /// The thread is not running.
    NotRunning,
}

/// Usage counters for the stats PTA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Threads in the pool.
    pub count: usize,
    /// Threads currently allocated (running or suspended).
    pub in_use: usize,
    /// Threads currently suspended in an RPC.
    pub suspended: usize,
    /// Highest `in_use` seen.
    pub max_used: usize,
}

/// Which secure threads are free, running (on which CPU) or suspended in an RPC.
#[derive(Debug)]
pub struct ThreadPool {
    threads: Vec<ThreadState>,
    in_use: usize,
    max_used: usize,
}

impl ThreadPool {
    /// A pool of `n` free threads, `MIN_THREADS <= n <= MAX_THREADS`.
    pub fn new(n: usize) -> Result<Self, BadThreadCount> {
        if !(MIN_THREADS..=MAX_THREADS).contains(&n) {
            return Err(BadThreadCount);
        }
        let mut threads = Vec::new();
        threads.try_reserve_exact(n).map_err(|_| BadThreadCount)?;
        threads.resize(n, ThreadState::Free);
        Ok(ThreadPool {
            threads,
            in_use: 0,
            max_used: 0,
        })
    }

    /// Number of threads (answer of `GET_THREAD_COUNT`).
    pub fn count(&self) -> usize {
        self.threads.len()
    }

    /// State of thread `tid`.
    pub fn state(&self, tid: ThreadId) -> Option<ThreadState> {
        self.threads.get(tid.index()).copied()
    }

    /// The thread running on `cpu`, if any.
    pub fn running_on(&self, cpu: usize) -> Option<ThreadId> {
        self.threads
            .iter()
            .position(|s| *s == ThreadState::Running { cpu })
            .and_then(|i| u32::try_from(i).ok())
            .map(ThreadId)
    }

    /// Takes the lowest free thread for a new yielding call on `cpu`.
    pub fn allocate(&mut self, cpu: usize) -> Result<ThreadId, Busy> {
        let idx = self
            .threads
            .iter()
            .position(|s| *s == ThreadState::Free)
            .ok_or(Busy)?;
        let id = u32::try_from(idx).map_err(|_| Busy)?;
        self.threads[idx] = ThreadState::Running { cpu };
        self.in_use += 1;
        self.max_used = self.max_used.max(self.in_use);
        Ok(ThreadId(id))
    }

    /// Records that running thread `tid` leaves for the normal world with `rpc`; returns the
    /// a0..a3 of that exit.
    pub fn suspend_for_rpc(&mut self, tid: ThreadId, rpc: RpcKind) -> Result<RpcExit, StateError> {
        let slot = self
            .threads
            .get_mut(tid.index())
            .ok_or(StateError::OutOfRange)?;
        match slot {
            ThreadState::Running { .. } => {
                *slot = ThreadState::Suspended { rpc };
                Ok(rpc.encode(tid.as_u32()))
            }
            _ => Err(StateError::NotRunning),
        }
    }

    /// Validates a3 of `RETURN_FROM_RPC` and resumes that thread on `cpu` (which may differ
    /// from the CPU it left on). Returns the RPC it was waiting for, so the core can decode the
    /// answer with [`RpcKind::decode_return`]. The register is taken as an SMC32 value: the
    /// upper half of x3 is ignored. On error nothing changes.
    pub fn resume(&mut self, a3: u64, cpu: usize) -> Result<(ThreadId, RpcKind), ResumeError> {
        let id = a3 as u32;
        let slot = usize::try_from(id)
            .ok()
            .and_then(|i| self.threads.get_mut(i))
            .ok_or(ResumeError::OutOfRange)?;
        match *slot {
            ThreadState::Suspended { rpc } => {
                *slot = ThreadState::Running { cpu };
                Ok((ThreadId(id), rpc))
            }
            ThreadState::Free => Err(ResumeError::NotAllocated),
            ThreadState::Running { .. } => Err(ResumeError::NotSuspended),
        }
    }

    /// Returns running thread `tid` to the pool at the end of its yielding call.
    pub fn free(&mut self, tid: ThreadId) -> Result<(), StateError> {
        let slot = self
            .threads
            .get_mut(tid.index())
            .ok_or(StateError::OutOfRange)?;
        match slot {
            ThreadState::Running { .. } => {
                *slot = ThreadState::Free;
                self.in_use = self.in_use.saturating_sub(1);
                Ok(())
            }
            _ => Err(StateError::NotRunning),
        }
    }

    /// Whether every thread is free (the shm-cache calls answer `EBUSY` otherwise).
    pub fn all_free(&self) -> bool {
        self.in_use == 0
    }

    /// Counters for the stats PTA.
    pub fn stats(&self) -> PoolStats {
        PoolStats {
            count: self.threads.len(),
            in_use: self.in_use,
            suspended: self
                .threads
                .iter()
                .filter(|s| matches!(s, ThreadState::Suspended { .. }))
                .count(),
            max_used: self.max_used,
        }
    }
}
