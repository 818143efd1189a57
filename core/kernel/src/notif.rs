//! Asynchronous notifications (`OPTEE_SMC_SEC_CAP_ASYNC_NOTIF`): the secure
//! world raises an interrupt of the normal world, whose driver then fetches
//! the pending values with `GET_ASYNC_NOTIF_VALUE` (a fast call). Value 0
//! (`DO_BOTTOM_HALF`) asks for a yielding call with
//! `OPTEE_MSG_CMD_DO_BOTTOM_HALF`; values 1..63 wake waiters in the driver.
//!
//! Enabling delivers one bottom half at once, as OP-TEE does, so the normal
//! world's side of the path is exercised from the first boot.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use supplicant_proto::optee_smc::OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF;

/// Values below this are asynchronous (one pending bit each). OP-TEE
/// reserves 64 and up for per-thread synchronous waits.
pub const ASYNC_VALUES: u32 = 64;

/// How the secure world gets the normal world's attention.
pub trait NotifIrq: Sync {
    /// Makes the notification interrupt pending for the normal world.
    fn raise(&self);
}

/// The pending asynchronous values and whether the normal world takes them.
#[derive(Debug, Default)]
pub struct Notifications {
    enabled: AtomicBool,
    pending: AtomicU64,
}

/// A value out of range for [`Notifications::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadValue;

impl Notifications {
    /// No value pending, not enabled.
    pub const fn new() -> Self {
        Self {
            enabled: AtomicBool::new(false),
            pending: AtomicU64::new(0),
        }
    }

    /// `ENABLE_ASYNC_NOTIF`: the normal world has its interrupt handler in
    /// place; a first bottom half follows.
    pub fn enable(&self, irq: &dyn NotifIrq) {
        self.enabled.store(true, Ordering::Release);
        let _ = self.send(OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF, irq);
    }

    /// `OPTEE_MSG_CMD_STOP_ASYNC_NOTIF`: no more interrupts (values sent
    /// later stay pending).
    pub fn stop(&self) {
        self.enabled.store(false, Ordering::Release);
    }

    /// Whether the normal world takes notifications.
    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    /// Marks `value` pending and, once enabled, raises the interrupt.
    pub fn send(&self, value: u32, irq: &dyn NotifIrq) -> Result<(), BadValue> {
        if value >= ASYNC_VALUES {
            return Err(BadValue);
        }
        self.pending.fetch_or(1 << value, Ordering::AcqRel);
        if self.enabled() {
            irq.raise();
        }
        Ok(())
    }

    /// `GET_ASYNC_NOTIF_VALUE`: the lowest pending value, taken, and whether
    /// more are pending.
    pub fn take(&self) -> Option<(u32, bool)> {
        let mut cur = self.pending.load(Ordering::Acquire);
        loop {
            if cur == 0 {
                return None;
            }
            let value = cur.trailing_zeros();
            let rest = cur & !(1 << value);
            match self
                .pending
                .compare_exchange_weak(cur, rest, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some((value, rest != 0)),
                Err(now) => cur = now,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::AtomicU32;

    #[derive(Default)]
    struct Count(AtomicU32);
    impl NotifIrq for Count {
        fn raise(&self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn values_wait_until_enabled_then_raise_and_drain_in_order() {
        let n = Notifications::new();
        let irq = Count::default();
        n.send(5, &irq).unwrap();
        assert_eq!(irq.0.load(Ordering::Relaxed), 0, "not enabled yet");
        n.enable(&irq);
        assert_eq!(irq.0.load(Ordering::Relaxed), 1);
        n.send(63, &irq).unwrap();
        assert_eq!(n.send(64, &irq), Err(BadValue));
        assert_eq!(n.take(), Some((0, true)), "the bottom half first");
        assert_eq!(n.take(), Some((5, true)));
        assert_eq!(n.take(), Some((63, false)));
        assert_eq!(n.take(), None);
        n.stop();
        n.send(7, &irq).unwrap();
        assert_eq!(
            irq.0.load(Ordering::Relaxed),
            2,
            "no interrupt once stopped"
        );
        assert_eq!(n.take(), Some((7, false)));
    }
}
