//! Secure threads: each yielding call runs on one of a fixed pool of threads
//! with its own stack, so it can leave for the normal world in the middle
//! (RPC, foreign interrupt) and be resumed later, on any CPU, by
//! `RETURN_FROM_RPC`. The pool's state machine is `oxtee-thread`; this module
//! does the stacks and register switching.

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicUsize, Ordering};

use oxtee_kernel::fast::Regs;
use oxtee_kernel::rpc::{Rpc, RpcArgArea};
use oxtee_thread::{RpcKind, ThreadId, ThreadPool};
use spin::{Mutex, Once};
use supplicant_proto::optee_smc::{
    OPTEE_SMC_CALL_RETURN_FROM_RPC, OPTEE_SMC_RETURN_ERESUME, OPTEE_SMC_RETURN_ETHREAD_LIMIT,
};

pub use oxtee_qemu_virt::secure_os::THREAD_COUNT;
use oxtee_qemu_virt::secure_os::THREAD_STACK_SIZE;
/// CPUs of QEMU `virt` with `-smp 2`.
const MAX_CPUS: usize = oxtee_qemu_virt::NUM_CPUS;

/// Callee-saved registers and stack pointer (layout used by `switch.S`).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct SwitchCtx {
    x19_x30: [u64; 12],
    sp: u64,
}

/// One secure thread's private state.
struct Thread {
    ctx: SwitchCtx,
    /// Arguments of the call being served.
    args: Regs,
    /// a0..a3 for the normal world at the next exit (result or RPC).
    exit: [u64; 4],
    /// The call is finished (the thread may be freed).
    finished: bool,
    /// a1, a2, a4, a5 of the `RETURN_FROM_RPC` that resumed the thread.
    rpc_ret: [u64; 4],
    /// Where to switch back to: the entry context of the CPU running it.
    return_ctx: *mut SwitchCtx,
    /// The call's RPC argument.
    area: Option<RpcArgArea>,
}

/// A thread's stack above its guard page (left unmapped by the MMU set-up).
#[repr(C, align(4096))]
struct Stack {
    guard: [u8; 4096],
    bytes: [u8; THREAD_STACK_SIZE],
}

/// The slots start zeroed (in `.bss`, not in the image) and become idle
/// threads when the pool is created, before any thread can be handed out:
/// zero is a valid value for every field but `area`, which is set to `None`
/// then.
struct Threads {
    threads: [UnsafeCell<MaybeUninit<Thread>>; THREAD_COUNT],
    entry: [UnsafeCell<SwitchCtx>; MAX_CPUS],
}

// SAFETY: a thread's slot is only touched by the CPU that runs it: the pool (behind its lock) hands a thread to one CPU at a time, and an entry context belongs to its CPU.
unsafe impl Sync for Threads {}

/// The threads' stacks.
struct Stacks([UnsafeCell<Stack>; THREAD_COUNT]);

// SAFETY: a stack is only used by the thread that owns it, which runs on one CPU at a time (see `Threads`); the core never forms references to stack memory, only its address.
unsafe impl Sync for Stacks {}

static STACKS: Stacks = Stacks(
    [const {
        UnsafeCell::new(Stack {
            guard: [0; 4096],
            bytes: [0; THREAD_STACK_SIZE],
        })
    }; THREAD_COUNT],
);

static THREADS: Threads = Threads {
    threads: [const { UnsafeCell::new(MaybeUninit::zeroed()) }; THREAD_COUNT],
    entry: [const {
        UnsafeCell::new(SwitchCtx {
            x19_x30: [0; 12],
            sp: 0,
        })
    }; MAX_CPUS],
};

static POOL: Once<Mutex<ThreadPool>> = Once::new();
/// Threads serving a call (running or waiting for the normal world).
static IN_USE: AtomicUsize = AtomicUsize::new(0);

extern "C" {
    fn ctx_switch(save: *mut SwitchCtx, load: *const SwitchCtx);
    fn thread_start();
}

// x19..x30 are stored in pairs from offset 0; SP's offset goes to the assembly.
const _: () = assert!(core::mem::offset_of!(SwitchCtx, x19_x30) == 0);

core::arch::global_asm!(
    include_str!("asm/switch.S"),
    thread_main = sym thread_main,
    ctx_sp = const core::mem::offset_of!(SwitchCtx, sp),
);

fn pool() -> &'static Mutex<ThreadPool> {
    POOL.call_once(|| {
        for slot in &THREADS.threads {
            // SAFETY: no thread id exists before the pool does, so nothing else touches the slots; the write goes through a raw pointer to the one field whose zero bits are not a value.
            unsafe { core::ptr::addr_of_mut!((*slot.get().cast::<Thread>()).area).write(None) };
        }
        Mutex::new(ThreadPool::new(THREAD_COUNT).unwrap_or_else(|_| panic!("thread pool size")))
    })
}

/// Threads serving a call.
pub fn in_use() -> u32 {
    IN_USE.load(Ordering::Relaxed) as u32
}

/// A thread's slot; initialised, as `tid` came from the pool.
fn thread(tid: ThreadId) -> *mut Thread {
    THREADS.threads[tid.index()].get().cast()
}

/// Entry of a yielding SMC on `cpu`: starts a new thread for a call, or
/// resumes the thread named by `RETURN_FROM_RPC`. Returns when that thread
/// finishes or leaves for the normal world; `regs[0..4]` get the answer.
pub(crate) fn yielding_smc(regs: &mut Regs, cpu: usize) {
    let tid = if regs[0] == u64::from(OPTEE_SMC_CALL_RETURN_FROM_RPC) {
        let resumed = pool().lock().resume(regs[3], cpu);
        match resumed {
            Ok((tid, _kind)) => {
                // SAFETY: the pool just handed `tid` to this CPU.
                unsafe { (*thread(tid)).rpc_ret = [regs[1], regs[2], regs[4], regs[5]] };
                tid
            }
            Err(_) => {
                regs[..4].copy_from_slice(&[u64::from(OPTEE_SMC_RETURN_ERESUME), 0, 0, 0]);
                return;
            }
        }
    } else {
        let allocated = pool().lock().allocate(cpu);
        let Ok(tid) = allocated else {
            // a1..a3 are left as the normal world sent them.
            regs[0] = u64::from(OPTEE_SMC_RETURN_ETHREAD_LIMIT);
            return;
        };
        IN_USE.fetch_add(1, Ordering::Relaxed);
        let stack_top = STACKS.0[tid.index()].get() as u64 + core::mem::size_of::<Stack>() as u64;
        // SAFETY: the pool just handed the free thread `tid` to this CPU.
        let t = unsafe { &mut *thread(tid) };
        t.args = *regs;
        t.finished = false;
        t.area = None;
        t.ctx = SwitchCtx::default();
        t.ctx.x19_x30[0] = tid.index() as u64; // x19: thread index
        t.ctx.x19_x30[11] = thread_start as *const () as u64; // x30: first instruction
        t.ctx.sp = stack_top;
        tid
    };
    let entry = THREADS.entry[cpu].get();
    // SAFETY: `tid` belongs to this CPU (pool), `entry` is this CPU's entry context; the thread switches back to `entry` when it finishes or leaves for an RPC.
    let (exit, finished) = unsafe {
        let t = thread(tid);
        (*t).return_ctx = entry;
        CURRENT[cpu].store(tid.index() + 1, Ordering::Relaxed);
        ctx_switch(entry, &(*t).ctx);
        CURRENT[cpu].store(0, Ordering::Relaxed);
        ((*t).exit, (*t).finished)
    };
    if finished {
        let _ = pool().lock().free(tid);
        IN_USE.fetch_sub(1, Ordering::Relaxed);
    }
    regs[..4].copy_from_slice(&exit);
}

/// The thread each CPU runs (index + 1, 0 = none).
static CURRENT: [AtomicUsize; MAX_CPUS] = [const { AtomicUsize::new(0) }; MAX_CPUS];

/// First Rust code of a thread: serve the call, then switch back for good.
extern "C" fn thread_main(index: usize) -> ! {
    let tid = ThreadId::from_index(index);
    let t = thread(tid);
    // SAFETY: this thread's slot is ours while it runs.
    let args = unsafe { (*t).args };
    let mut rpc = ThreadRpc { tid };
    let exit = crate::hooks::core_hooks().yielding_call(&args, &mut rpc);
    // SAFETY: as above; after the switch this stack is never used again.
    unsafe {
        (*t).exit = exit;
        (*t).finished = true;
        ctx_switch(&mut (*t).ctx, (*t).return_ctx);
    }
    unreachable!("a finished thread was resumed");
}

/// The running thread's RPC handle.
pub struct ThreadRpc {
    tid: ThreadId,
}

impl Rpc for ThreadRpc {
    fn foreign_intr_pending(&self) -> bool {
        let isr = crate::sysreg::isr_el1();
        // Foreign (normal-world) interrupts reach S-EL1 as FIQ (GICv3).
        isr & (1 << 6) != 0
    }

    fn rpc(&mut self, kind: RpcKind) -> [u64; 4] {
        let exit = pool().lock().suspend_for_rpc(self.tid, kind);
        let Ok(exit) = exit else {
            panic!("thread {} cannot suspend", self.tid.index());
        };
        let t = thread(self.tid);
        // SAFETY: this thread's slot is ours while it runs; after the switch another CPU may resume it, which sets `return_ctx` before switching back here.
        unsafe {
            (*t).exit = [exit.a0, exit.a1, exit.a2, exit.a3].map(u64::from);
            ctx_switch(&mut (*t).ctx, (*t).return_ctx);
            (*t).rpc_ret
        }
    }

    fn arg_area(&self) -> Option<&RpcArgArea> {
        // SAFETY: this thread's slot is ours while it runs.
        unsafe { (*thread(self.tid)).area.as_ref() }
    }

    fn set_arg_area(&mut self, area: Option<RpcArgArea>) -> Option<RpcArgArea> {
        // SAFETY: as above.
        unsafe { core::mem::replace(&mut (*thread(self.tid)).area, area) }
    }
}

/// The guard page of every thread stack.
pub fn stack_guards() -> [u64; THREAD_COUNT] {
    core::array::from_fn(|i| STACKS.0[i].get() as u64)
}
