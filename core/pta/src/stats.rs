//! Stats PTA (`STATS_UUID`) fed by a [`StatsSource`].

use crate::params::*;
use crate::{CallContext, Pta, SessionCtx, TeeError, Uuid};
use alloc::sync::Arc;
use alloc::vec::Vec;
use supplicant_proto::pta::*;

/// oxtee extension (not in OP-TEE): v0 OUT a = secure threads in use, b = thread count.
pub const OXTEE_STATS_CMD_THREAD_STATS: u32 = 0x6f78_0001;

/// One allocator's statistics (`struct pta_stats_alloc` without its description).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AllocStats {
    /// Bytes currently allocated.
    pub allocated: u32,
    /// Highest `allocated` seen.
    pub max_allocated: u32,
    /// Total size of the pool.
    pub size: u32,
    /// Number of failed allocations.
    pub num_alloc_fail: u32,
    /// Size of the biggest failed allocation.
    pub biggest_alloc_fail: u32,
    /// `allocated` when that failure happened.
    pub biggest_alloc_fail_used: u32,
}

/// Secure thread use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadStats {
    /// Threads currently running or suspended in an RPC.
    pub in_use: u32,
    /// Size of the thread pool.
    pub total: u32,
}

/// Seconds and milliseconds (`TEE_Time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TeeTime {
    /// Seconds.
    pub seconds: u32,
    /// Milliseconds.
    pub millis: u32,
}

/// What the core knows about its resources. Implemented by the core.
pub trait StatsSource: Send + Sync {
    /// Heap statistics; `reset` asks to clear the max/failure counters afterwards.
    fn heap(&self, reset: bool) -> AllocStats;
    /// TA RAM statistics, when TA memory is managed.
    fn ta_ram(&self, _reset: bool) -> Option<AllocStats> {
        None
    }
    /// Secure thread use.
    fn threads(&self) -> ThreadStats;
    /// Secure system time.
    fn tee_time(&self) -> Result<TeeTime, TeeError> {
        Err(TeeError::NOT_SUPPORTED)
    }
}

/// The normal world's wall-clock time, asked of it by the calling thread
/// (`OPTEE_RPC_CMD_GET_TIME`). Any failure is `TEE_ERROR_GENERIC`.
fn ree_time(cx: &mut CallContext<'_>) -> Result<TeeTime, TeeError> {
    use supplicant_proto::optee_msg::{
        OpteeMsgParam, OPTEE_MSG_ATTR_TYPE_MASK, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
    };
    let mut p = [OpteeMsgParam {
        attr: OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
        ..Default::default()
    }];
    cx.rpc(
        supplicant_proto::optee_rpc::OPTEE_RPC_CMD_GET_TIME,
        &mut p,
        None,
    )
    .map_err(|_| TeeError::GENERIC)?;
    let (secs, nanos) = (p[0].u0, p[0].u1);
    if p[0].attr & OPTEE_MSG_ATTR_TYPE_MASK != OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT
        || nanos >= 1_000_000_000
    {
        return Err(TeeError::GENERIC);
    }
    Ok(TeeTime {
        seconds: secs as u32,
        millis: (nanos / 1_000_000) as u32,
    })
}

/// The stats PTA.
pub struct StatsPta {
    source: Arc<dyn StatsSource>,
}

fn encode_alloc(out: &mut Vec<u8>, desc: &str, s: &AllocStats) {
    let mut d = [0u8; TEE_ALLOCATOR_DESC_LENGTH];
    let n = desc.len().min(TEE_ALLOCATOR_DESC_LENGTH - 1);
    d[..n].copy_from_slice(&desc.as_bytes()[..n]);
    out.extend_from_slice(&d);
    for v in [
        s.allocated,
        s.max_allocated,
        s.size,
        s.num_alloc_fail,
        s.biggest_alloc_fail,
        s.biggest_alloc_fail_used,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

const N: u32 = TEE_PARAM_TYPE_NONE;

impl StatsPta {
    /// A stats PTA reading from `source`.
    pub fn new(source: Arc<dyn StatsSource>) -> Self {
        Self { source }
    }

    fn alloc_stats(&self, p: &mut Params) -> Result<(), TeeError> {
        expect_types(
            p,
            param_types(
                TEE_PARAM_TYPE_VALUE_INPUT,
                TEE_PARAM_TYPE_MEMREF_OUTPUT,
                N,
                N,
            ),
        )?;
        let (pool, reset) = p[0].value().ok_or(TeeError::BAD_PARAMETERS)?;
        if pool > STATS_NB_POOLS {
            return Err(TeeError::BAD_PARAMETERS);
        }
        let count = if pool == ALLOC_ID_ALL {
            STATS_NB_POOLS as usize
        } else {
            1
        };
        let need = PTA_STATS_ALLOC_SIZE * count;
        let m = p[1].memref_out().ok_or(TeeError::BAD_PARAMETERS)?;
        if m.size < need || m.capacity() < need {
            m.size = need;
            return Err(TeeError::SHORT_BUFFER);
        }
        let mut out = Vec::with_capacity(need);
        for id in ALLOC_ID_HEAP..=STATS_NB_POOLS {
            if pool != ALLOC_ID_ALL && id != pool {
                continue;
            }
            let zero = AllocStats::default();
            match id {
                ALLOC_ID_HEAP => encode_alloc(&mut out, "Heap", &self.source.heap(reset != 0)),
                ALLOC_ID_PUBLIC_DDR => encode_alloc(&mut out, "Public DDR (deprecated)", &zero),
                ALLOC_ID_TA_RAM => match self.source.ta_ram(reset != 0) {
                    Some(s) => encode_alloc(&mut out, "Physical TA memory", &s),
                    None => encode_alloc(&mut out, "Physical TA memory", &zero),
                },
                ALLOC_ID_NEXUS_HEAP => encode_alloc(&mut out, "KHeap (disabled)", &zero),
                _ => encode_alloc(&mut out, "RPMB secure storage (no data)", &zero),
            }
        }
        m.size = need;
        if let Some(buf) = m.buf.as_mut() {
            buf[..need].copy_from_slice(&out);
        }
        Ok(())
    }
}

impl Pta for StatsPta {
    fn uuid(&self) -> Uuid {
        Uuid(STATS_UUID)
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        cmd: u32,
        p: &mut Params,
        cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError> {
        let vo = TEE_PARAM_TYPE_VALUE_OUTPUT;
        match cmd {
            // No pager: all counters are zero.
            STATS_CMD_PAGER_STATS => {
                expect_types(p, param_types(vo, vo, vo, N))?;
                for q in p.iter_mut().take(3) {
                    q.set_value(0, 0);
                }
                Ok(())
            }
            STATS_CMD_ALLOC_STATS => self.alloc_stats(p),
            STATS_CMD_MEMLEAK_STATS => expect_types(p, param_types(N, N, N, N)),
            // Per-TA statistics are not collected (OP-TEE without CFG_TA_STATS).
            STATS_CMD_TA_STATS => {
                expect_types(p, param_types(TEE_PARAM_TYPE_MEMREF_OUTPUT, N, N, N))?;
                Err(TeeError::NOT_SUPPORTED)
            }
            STATS_CMD_GET_TIME => {
                expect_types(p, param_types(vo, vo, N, N))?;
                let tee = self.source.tee_time()?;
                let ree = ree_time(cx)?;
                p[0].set_value(ree.seconds, ree.millis);
                p[1].set_value(tee.seconds, tee.millis);
                Ok(())
            }
            STATS_CMD_PRINT_DRIVER_INFO => {
                expect_types(p, param_types(TEE_PARAM_TYPE_VALUE_INPUT, N, N, N))?;
                match p[0].value() {
                    Some((STATS_DRIVER_TYPE_CLOCK | STATS_DRIVER_TYPE_REGULATOR, _)) => Ok(()),
                    _ => Err(TeeError::BAD_PARAMETERS),
                }
            }
            OXTEE_STATS_CMD_THREAD_STATS => {
                expect_types(p, param_types(vo, N, N, N))?;
                let t = self.source.threads();
                p[0].set_value(t.in_use, t.total);
                Ok(())
            }
            _ => Err(TeeError::BAD_PARAMETERS),
        }
    }
}
