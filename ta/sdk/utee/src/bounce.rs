//! Memory references a TA passes to another TA, copied through memory the
//! system PTA maps as shareable (`PTA_SYSTEM_MAP_ZI`). OP-TEE maps only
//! shareable memory into the callee and refuses a TA's private heap or
//! stack; OP-TEE's libutee bounces such buffers the same way, so a TA
//! behaves alike on both TEEs. Every non-empty memref is bounced: inputs are
//! copied in before the call, output sizes and bytes copied back after.

use core::sync::atomic::{AtomicU32, Ordering};

use supplicant_proto::pta::{
    PTA_SYSTEM_MAP_FLAG_SHAREABLE, PTA_SYSTEM_MAP_ZI, PTA_SYSTEM_UNMAP, PTA_SYSTEM_UUID,
};
use supplicant_proto::ta_head::tee_uuid_native;
use supplicant_proto::tee_result::{
    tee_param_type_get, tee_param_types, TEE_ERROR_OUT_OF_MEMORY, TEE_PARAM_TYPE_MEMREF_INOUT,
    TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE,
    TEE_PARAM_TYPE_VALUE_INOUT, TEE_PARAM_TYPE_VALUE_INPUT,
};
use supplicant_proto::tee_syscall::{
    UteeParams, TEE_SCN_INVOKE_TA_COMMAND, TEE_SCN_OPEN_TA_SESSION, TEE_TIMEOUT_INFINITE,
};

use crate::types::TeeResult;

/// Granule of TA mappings.
const PAGE: usize = 4096;

/// Session to the system PTA (0: not opened yet).
static SYSTEM_SESSION: AtomicU32 = AtomicU32::new(0);

fn system_session() -> Result<u32, TeeResult> {
    let s = SYSTEM_SESSION.load(Ordering::Relaxed);
    if s != 0 {
        return Ok(s);
    }
    let uuid = tee_uuid_native(PTA_SYSTEM_UUID);
    let (mut up, mut sess, mut orig) = (UteeParams::default(), 0u32, 0u32);
    // SAFETY: every pointer is live for the call.
    let r = unsafe {
        oxtee_ta_sys::syscall(
            TEE_SCN_OPEN_TA_SESSION,
            [
                uuid.as_ptr() as u64,
                u64::from(TEE_TIMEOUT_INFINITE),
                &raw mut up as u64,
                &raw mut sess as u64,
                &raw mut orig as u64,
                0,
                0,
                0,
            ],
        )
    };
    if r != 0 {
        return Err(r);
    }
    SYSTEM_SESSION.store(sess, Ordering::Relaxed);
    Ok(sess)
}

fn system_call(cmd: u32, up: &mut UteeParams) -> TeeResult {
    let sess = match system_session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut orig = 0u32;
    // SAFETY: `up` and `orig` are live for the call.
    unsafe {
        oxtee_ta_sys::syscall(
            TEE_SCN_INVOKE_TA_COMMAND,
            [
                u64::from(sess),
                u64::from(TEE_TIMEOUT_INFINITE),
                u64::from(cmd),
                up as *mut UteeParams as u64,
                &raw mut orig as u64,
                0,
                0,
                0,
            ],
        )
    }
}

/// Maps `len` zeroed, shareable bytes (rounded up to pages).
fn map_shareable(len: usize) -> Result<(*mut u8, usize), TeeResult> {
    let bytes = len
        .checked_next_multiple_of(PAGE)
        .and_then(|b| u32::try_from(b).ok())
        .ok_or(TEE_ERROR_OUT_OF_MEMORY)?;
    let mut up = UteeParams {
        types: u64::from(tee_param_types(
            TEE_PARAM_TYPE_VALUE_INPUT,
            TEE_PARAM_TYPE_VALUE_INOUT,
            TEE_PARAM_TYPE_VALUE_INPUT,
            TEE_PARAM_TYPE_NONE,
        )),
        ..Default::default()
    };
    up.set(
        0,
        u64::from(bytes),
        u64::from(PTA_SYSTEM_MAP_FLAG_SHAREABLE),
    );
    let r = system_call(PTA_SYSTEM_MAP_ZI, &mut up);
    if r != 0 {
        return Err(r);
    }
    let (hi, lo) = up.get(1).unwrap_or_default();
    let va = ((hi & 0xFFFF_FFFF) << 32) | (lo & 0xFFFF_FFFF);
    Ok((va as usize as *mut u8, bytes as usize))
}

fn unmap(va: *mut u8, bytes: usize) {
    let mut up = UteeParams {
        types: u64::from(tee_param_types(
            TEE_PARAM_TYPE_VALUE_INPUT,
            TEE_PARAM_TYPE_VALUE_INPUT,
            TEE_PARAM_TYPE_NONE,
            TEE_PARAM_TYPE_NONE,
        )),
        ..Default::default()
    };
    let va = va as usize as u64;
    up.set(0, bytes as u64, 0);
    up.set(1, va >> 32, va & 0xFFFF_FFFF);
    // Failing to unmap leaks address space only; the call's result stands.
    let _ = system_call(PTA_SYSTEM_UNMAP, &mut up);
}

fn is_memref(t: u32) -> bool {
    matches!(
        t,
        TEE_PARAM_TYPE_MEMREF_INPUT | TEE_PARAM_TYPE_MEMREF_OUTPUT | TEE_PARAM_TYPE_MEMREF_INOUT
    )
}

/// Where one bounced memref lives: offset in the shared block, the caller's
/// buffer address, its size.
pub type Slot = Option<(usize, u64, usize)>;

/// Offsets of each bounced memref in the shared block, 16-byte aligned, and
/// the block's size: `(offset, caller's buffer, size)` per parameter.
pub fn layout(up: &UteeParams) -> ([Slot; 4], usize) {
    let mut out = [None; 4];
    let mut total = 0usize;
    for (n, slot) in out.iter_mut().enumerate() {
        let t = tee_param_type_get(up.types as u32, n);
        let (buf, size) = up.get(n).unwrap_or_default();
        if !is_memref(t) || buf == 0 || size == 0 {
            continue;
        }
        let Ok(size) = usize::try_from(size) else {
            continue;
        };
        *slot = Some((total, buf, size));
        total = total.saturating_add(size).saturating_add(15) & !15;
    }
    (out, total)
}

/// The shared copy of a call's memrefs, alive for one call.
pub struct Bounce {
    block: *mut u8,
    bytes: usize,
    slots: [Slot; 4],
}

impl Bounce {
    /// Moves every non-empty memref of `up` into shareable memory and points
    /// `up` at the copies.
    ///
    /// # Safety
    ///
    /// Each memref of `up` is readable for its size.
    pub unsafe fn prepare(up: &mut UteeParams) -> Result<Bounce, TeeResult> {
        let (slots, total) = layout(up);
        if total == 0 {
            return Ok(Bounce {
                block: core::ptr::null_mut(),
                bytes: 0,
                slots,
            });
        }
        let (block, bytes) = map_shareable(total)?;
        for (n, slot) in slots.iter().enumerate() {
            if let Some((off, buf, size)) = *slot {
                let t = tee_param_type_get(up.types as u32, n);
                // SAFETY: the mapping holds `total` bytes; the caller's buffer
                // is readable for `size` (output buffers are copied too, so a
                // callee that reads its output buffer sees what the caller had).
                unsafe {
                    if t != TEE_PARAM_TYPE_MEMREF_OUTPUT || size > 0 {
                        core::ptr::copy_nonoverlapping(
                            buf as usize as *const u8,
                            block.add(off),
                            size,
                        );
                    }
                }
                up.set(n, block as u64 + off as u64, size as u64);
            }
        }
        Ok(Bounce {
            block,
            bytes,
            slots,
        })
    }

    /// Copies outputs back to the caller's buffers (as many bytes as fit)
    /// and restores the caller's pointers in `up`, keeping the sizes the
    /// callee reported; unmaps the copies.
    ///
    /// # Safety
    ///
    /// Each memref the caller passed is writable for its size.
    pub unsafe fn finish(self, up: &mut UteeParams) {
        for (n, slot) in self.slots.iter().enumerate() {
            if let Some((off, buf, size)) = *slot {
                let t = tee_param_type_get(up.types as u32, n);
                let (_, new_size) = up.get(n).unwrap_or_default();
                if t != TEE_PARAM_TYPE_MEMREF_INPUT {
                    let copy = usize::try_from(new_size).unwrap_or(usize::MAX).min(size);
                    // SAFETY: `copy <= size` bytes, within both buffers.
                    unsafe {
                        core::ptr::copy_nonoverlapping(
                            self.block.add(off),
                            buf as usize as *mut u8,
                            copy,
                        )
                    };
                }
                up.set(n, buf, new_size);
            }
        }
        if !self.block.is_null() {
            unmap(self.block, self.bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_packs_nonempty_memrefs_only() {
        let mut up = UteeParams {
            types: u64::from(tee_param_types(
                TEE_PARAM_TYPE_MEMREF_INPUT,
                TEE_PARAM_TYPE_VALUE_INPUT,
                TEE_PARAM_TYPE_MEMREF_OUTPUT,
                TEE_PARAM_TYPE_MEMREF_INOUT,
            )),
            ..Default::default()
        };
        up.set(0, 0x1000, 5);
        up.set(1, 0x2000, 99);
        up.set(2, 0x3000, 0);
        up.set(3, 0x4000, 20);
        let (slots, total) = layout(&up);
        assert_eq!(slots[0], Some((0, 0x1000, 5)));
        assert_eq!(slots[1], None, "values are not memory");
        assert_eq!(slots[2], None, "empty memrefs pass as they are");
        assert_eq!(slots[3], Some((16, 0x4000, 20)));
        assert_eq!(total, 48);
    }
}
