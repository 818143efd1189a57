//! RPC kinds and their register encoding (optee-abi §1.6).

use crate::abi;

/// Why a secure thread leaves for the normal world in the middle of a yielding call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcKind {
    /// `OPTEE_SMC_RPC_FUNC_ALLOC`: ask for `size` bytes of shared memory for an RPC argument.
    Alloc {
        /// Bytes needed.
        size: u32,
    },
    /// `OPTEE_SMC_RPC_FUNC_FREE`: give back a buffer obtained by `Alloc`.
    Free {
        /// Cookie the normal world returned for the allocation.
        cookie: u64,
    },
    /// `OPTEE_SMC_RPC_FUNC_FOREIGN_INTR`: let the normal world take a pending interrupt.
    ForeignIntr,
    /// `OPTEE_SMC_RPC_FUNC_CMD`: run the RPC command in the `optee_msg_arg` with this cookie
    /// (0 when the arg was supplied with `CALL_WITH_RPC_ARG`/`CALL_WITH_REGD_ARG`).
    Cmd {
        /// Cookie of the RPC `optee_msg_arg`, or 0.
        cookie: u64,
    },
}

/// Register values a0..a3 of an RPC exit to the normal world (SMC32: 32-bit values; the core
/// zero-extends them into x0..x3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpcExit {
    /// `OPTEE_SMC_RETURN_RPC_PREFIX | func`.
    pub a0: u32,
    /// First argument.
    pub a1: u32,
    /// Second argument.
    pub a2: u32,
    /// Secure thread id, handed back in a3 of `RETURN_FROM_RPC`.
    pub a3: u32,
}

/// A shared-memory buffer the normal world supplied for an `Alloc` RPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocResult {
    /// Physical address (still to be checked as NS memory by the caller).
    pub pa: u64,
    /// Cookie to pass to `Free` later.
    pub cookie: u64,
}

/// Outcome of an RPC as decoded from `RETURN_FROM_RPC`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcResult {
    /// `Alloc` answered; `None` when the normal world returned PA 0/0 (allocation failed).
    Alloc(Option<AllocResult>),
    /// `Free` done.
    Free,
    /// Interrupt taken.
    ForeignIntr,
    /// Command done; its results are in the RPC `optee_msg_arg`.
    Cmd,
}

const fn hi(v: u64) -> u32 {
    (v >> 32) as u32
}

const fn lo(v: u64) -> u32 {
    v as u32
}

const fn join(hi: u32, lo: u32) -> u64 {
    ((hi as u64) << 32) | lo as u64
}

impl RpcKind {
    /// The `OPTEE_SMC_RPC_FUNC_*` number.
    pub const fn func(self) -> u32 {
        match self {
            RpcKind::Alloc { .. } => abi::OPTEE_SMC_RPC_FUNC_ALLOC,
            RpcKind::Free { .. } => abi::OPTEE_SMC_RPC_FUNC_FREE,
            RpcKind::ForeignIntr => abi::OPTEE_SMC_RPC_FUNC_FOREIGN_INTR,
            RpcKind::Cmd { .. } => abi::OPTEE_SMC_RPC_FUNC_CMD,
        }
    }

    /// a0..a3 of the exit to the normal world for thread `tid`.
    pub const fn encode(self, tid: u32) -> RpcExit {
        let (a1, a2) = match self {
            RpcKind::Alloc { size } => (size, 0),
            RpcKind::Free { cookie } | RpcKind::Cmd { cookie } => (hi(cookie), lo(cookie)),
            RpcKind::ForeignIntr => (0, 0),
        };
        RpcExit {
            a0: abi::OPTEE_SMC_RETURN_RPC_PREFIX | self.func(),
            a1,
            a2,
            a3: tid,
        }
    }

    /// Decodes a1, a2, a4, a5 of `RETURN_FROM_RPC` for this RPC. For `Alloc`: a1/a2 = PA
    /// hi/lo, a4/a5 = cookie hi/lo, PA 0 = failure. Registers are taken as SMC32 values: the
    /// upper halves of x1..x5 are ignored.
    pub const fn decode_return(self, a1: u64, a2: u64, a4: u64, a5: u64) -> RpcResult {
        match self {
            RpcKind::Alloc { .. } => {
                let pa = join(lo(a1), lo(a2));
                if pa == 0 {
                    RpcResult::Alloc(None)
                } else {
                    RpcResult::Alloc(Some(AllocResult {
                        pa,
                        cookie: join(lo(a4), lo(a5)),
                    }))
                }
            }
            RpcKind::Free { .. } => RpcResult::Free,
            RpcKind::ForeignIntr => RpcResult::ForeignIntr,
            RpcKind::Cmd { .. } => RpcResult::Cmd,
        }
    }
}
