//! Running a trusted application at S-EL0 (first step: one entry into the
//! TA, its system calls return/log/panic, faults end the TA).

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use oxtee_frames::{FrameAllocator, FrameRange, Owner};
use oxtee_kernel::ta_load::LoadedTa;
use oxtee_mm::{build_user_window, Table, UserKind, UserMapping, TA_WINDOW};
use spin::Mutex;
use supplicant_proto::tee_result::*;

use crate::console::{error, info};

/// Registers of a TA while the kernel handles one of its exceptions.
#[repr(C)]
#[derive(Default, Clone, Copy)]
pub struct UserRegs {
    x: [u64; 31],
    sp_el0: u64,
    elr: u64,
    spsr: u64,
}
const _: () = assert!(core::mem::offset_of!(UserRegs, sp_el0) == 248);
const _: () = assert!(core::mem::offset_of!(UserRegs, elr) == 256);

extern "C" {
    fn user_enter(regs: *mut UserRegs);
}

/// Free TZDRAM after the core heap: frames for TA images, stacks, tables.
const FRAMES_BASE: u64 = 0x0e50_0000;
const FRAMES_END: u64 = 0x0f00_0000;
const PAGE: u64 = 4096;
static FRAMES: Mutex<FrameAllocator<44, 256>> = Mutex::new(FrameAllocator::new());

/// Why the last TA entry ended: 0 = returned (value in EXIT_VALUE), 1 = panicked.
static EXIT_KIND: AtomicU64 = AtomicU64::new(0);
static EXIT_VALUE: AtomicU64 = AtomicU64::new(0);
/// One TA runs at a time (the exit state and the frame pool are shared);
/// it holds the mappings of the running TA, against which every address the
/// TA hands to a system call is checked.
static RUNNING: Mutex<()> = Mutex::new(());
static CURRENT_MAPS: Mutex<Vec<UserMapping>> = Mutex::new(Vec::new());

/// Where the TA's parameter block and stack go in its window.
const PARAMS_VA: u64 = TA_WINDOW.end - 0x10_0000;
const STACK_TOP: u64 = TA_WINDOW.end - 0x20_0000;

fn page_up(v: u64) -> u64 {
    (v + PAGE - 1) & !(PAGE - 1)
}

fn alloc_zeroed(owner: Owner, frames: u64) -> Option<FrameRange> {
    let r = FRAMES.lock().alloc(owner, frames)?;
    // SAFETY: the frames were just allocated to us in TZDRAM, identity mapped RW for the kernel; nothing else refers to them.
    unsafe { core::ptr::write_bytes(r.start() as *mut u8, 0, r.size() as usize) };
    Some(r)
}

/// Runs `OPEN_SESSION` of `ta` once and returns the TA's answer (or
/// `TEE_ERROR_TARGET_DEAD` if it panicked or faulted) with its origin.
pub fn run_open_session(ta: &LoadedTa) -> (u32, u32) {
    {
        let mut f = FRAMES.lock();
        if f.stats().total == 0 {
            let _ = f.init(FRAMES_BASE, FRAMES_END - FRAMES_BASE);
        }
    }
    let owner = Owner(1);
    let _one_at_a_time = RUNNING.lock();
    let r = run(ta, owner);
    CURRENT_MAPS.lock().clear();
    FRAMES.lock().free_all(owner);
    match r {
        Ok(code) => (code, TEE_ORIGIN_TRUSTED_APP),
        Err(e) => {
            error!("TA not started: {:#x}", e);
            (e, TEE_ORIGIN_TEE)
        }
    }
}

fn run(ta: &LoadedTa, owner: Owner) -> Result<u32, u32> {
    if !ta.elf.dynamic.needed.is_empty() {
        // Shared-library TAs (DT_NEEDED) are not loaded yet.
        return Err(TEE_ERROR_NOT_IMPLEMENTED);
    }
    let elf_bytes = &ta.file[ta.elf_offset..];
    let mut image = ta.elf.load_image(elf_bytes).map_err(|e| e.tee_result())?;
    let base = TA_WINDOW.start;
    ta.elf
        .apply_relocations(&mut image, base, &|_| None)
        .map_err(|e| e.tee_result())?;
    let span = page_up(image.len() as u64);
    let img = alloc_zeroed(owner, span / PAGE).ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
    // SAFETY: `img` frames are ours and large enough for `image`.
    unsafe {
        core::ptr::copy_nonoverlapping(image.as_ptr(), img.start() as *mut u8, image.len());
        core::arch::asm!("dsb ish", "ic iallu", "dsb ish", "isb", options(nostack));
    }
    let mut maps: Vec<UserMapping> = Vec::new();
    for s in &ta.elf.segments {
        let start = s.vaddr & !(PAGE - 1);
        let end = page_up(s.vaddr + s.memsz);
        let kind = if s.flags & 1 != 0 {
            UserKind::Text
        } else if s.flags & 2 != 0 {
            UserKind::Rw
        } else {
            UserKind::Ro
        };
        maps.push(UserMapping {
            va: base + start,
            pa: img.start() + start,
            size: end - start,
            kind,
        });
    }
    let stack_size = page_up(u64::from(ta.elf.ta_head.map_or(0x4000, |h| h.stack_size)) + PAGE);
    let stack = alloc_zeroed(owner, stack_size / PAGE).ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
    maps.push(UserMapping {
        va: STACK_TOP - stack_size,
        pa: stack.start(),
        size: stack_size,
        kind: UserKind::Rw,
    });
    let params = alloc_zeroed(owner, 1).ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
    maps.push(UserMapping {
        va: PARAMS_VA,
        pa: params.start(),
        size: PAGE,
        kind: UserKind::Rw,
    });
    let tables = alloc_zeroed(owner, 16).ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
    // SAFETY: 16 zeroed frames of ours, viewed as translation tables.
    let arena = unsafe { core::slice::from_raw_parts_mut(tables.start() as *mut Table, 16) };
    let (kroot, kernel_ttbr0) = crate::mmu::kernel_root();
    let root = build_user_window(kroot, TA_WINDOW, &maps, arena, tables.start()).map_err(|e| {
        error!("TA map: {:?}", e);
        TEE_ERROR_OUT_OF_MEMORY
    })?;
    *CURRENT_MAPS.lock() = maps;
    let asid = 1u64;
    let ttbr = root.ttbr0 | (asid << 48);
    let mut regs = UserRegs::default();
    regs.x[0] = 0; // UTEE_ENTRY_FUNC_OPEN_SESSION
    regs.x[1] = 1; // session id
    regs.x[2] = PARAMS_VA;
    regs.elr = base + ta.elf.entry;
    regs.spsr = 0x3c0; // EL0t, interrupts masked for now
    regs.sp_el0 = STACK_TOP;
    info!("entering TA at {:#x} (image {} KiB)", regs.elr, span / 1024);
    // SAFETY: the user root maps the kernel exactly like the kernel root (shared tables) plus the TA window; stale entries of this ASID are invalidated first. The TA runs at EL0 with its own registers and comes back through `user_trap`.
    unsafe {
        core::arch::asm!(
            "dsb ishst",
            "tlbi aside1, {asid}",
            "dsb ish",
            "msr ttbr0_el1, {ttbr}",
            "isb",
            asid = in(reg) asid << 48,
            ttbr = in(reg) ttbr,
            options(nostack)
        );
        user_enter(&mut regs);
        core::arch::asm!("msr ttbr0_el1, {k}", "isb", k = in(reg) kernel_ttbr0, options(nostack));
    }
    match EXIT_KIND.load(Ordering::Relaxed) {
        0 => Ok(EXIT_VALUE.load(Ordering::Relaxed) as u32),
        // A dead TA: OP-TEE reports it with origin TEE; kept simple here.
        _ => Ok(TEE_ERROR_TARGET_DEAD),
    }
}

/// True when `[ptr, ptr + len)` lies inside one mapping of the running TA.
fn user_range_ok(ptr: u64, len: u64) -> bool {
    let Some(end) = ptr.checked_add(len) else {
        return false;
    };
    CURRENT_MAPS
        .lock()
        .iter()
        .any(|m| ptr >= m.va && end <= m.va + m.size)
}

/// Copies `len` bytes of the running TA's memory at `ptr` (checked to be
/// mapped TA memory, at most 4 KiB).
fn copy_from_user(ptr: u64, len: u64) -> Option<Vec<u8>> {
    if len > 4096 || !user_range_ok(ptr, len) {
        return None;
    }
    let mut v = Vec::new();
    v.try_reserve_exact(len as usize).ok()?;
    v.resize(len as usize, 0);
    // SAFETY: the range is mapped in the running TA's address space (checked above against its own mapping list) and is copied, never referenced.
    unsafe { core::ptr::copy_nonoverlapping(ptr as *const u8, v.as_mut_ptr(), v.len()) };
    Some(v)
}

/// A synchronous exception from the TA. Returns 0 to resume it, 1 to end
/// this entry.
#[no_mangle]
pub extern "C" fn user_trap(regs: &mut UserRegs) -> u64 {
    let esr: u64;
    // SAFETY: reading ESR_EL1 has no side effect.
    unsafe { core::arch::asm!("mrs {}, esr_el1", out(reg) esr, options(nomem, nostack)) };
    if esr >> 26 != 0x15 {
        let far: u64;
        // SAFETY: reading FAR_EL1 has no side effect.
        unsafe { core::arch::asm!("mrs {}, far_el1", out(reg) far, options(nomem, nostack)) };
        error!(
            "TA fault: ESR {:#x} ELR {:#x} FAR {:#x}",
            esr, regs.elr, far
        );
        EXIT_KIND.store(1, Ordering::Relaxed);
        return 1;
    }
    let nr = regs.x[8];
    match nr {
        0 => {
            EXIT_KIND.store(0, Ordering::Relaxed);
            EXIT_VALUE.store(regs.x[0], Ordering::Relaxed);
            1
        }
        1 => {
            if let Some(s) = copy_from_user(regs.x[0], regs.x[1]) {
                info!(
                    "TA: {}",
                    core::str::from_utf8(&s).unwrap_or("<binary>").trim_end()
                );
            }
            regs.x[0] = 0;
            0
        }
        3 | 4 => {
            // Properties are not served yet: every lookup is "not found".
            if nr == 4 {
                if let Some(n) = copy_from_user(regs.x[1], regs.x[2]) {
                    let name = core::str::from_utf8(&n)
                        .unwrap_or("?")
                        .trim_end_matches('\0');
                    info!("TA property {:?} not found", name);
                }
            }
            regs.x[0] = u64::from(TEE_ERROR_ITEM_NOT_FOUND);
            0
        }
        8 => {
            // check_access_rights(flags, buf, len): the range must be TA memory.
            let ok = user_range_ok(regs.x[1], regs.x[2]);
            regs.x[0] = u64::from(if ok {
                TEE_SUCCESS
            } else {
                TEE_ERROR_ACCESS_DENIED
            });
            0
        }
        2 => {
            error!("TA panicked: {:#x}", regs.x[0]);
            EXIT_KIND.store(1, Ordering::Relaxed);
            1
        }
        _ => {
            info!("TA syscall {} not implemented", nr);
            regs.x[0] = u64::from(TEE_ERROR_NOT_SUPPORTED);
            0
        }
    }
}
