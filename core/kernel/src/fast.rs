//! Fast calls: answered at once, with no secure thread.

/// Register values of an SMC (a0..a7) in and (a0..a3) out.
pub type Regs = [u64; 8];

use supplicant_proto::optee_msg::{OPTEE_MSG_OS_OPTEE_UUID, OPTEE_MSG_UID};
use supplicant_proto::optee_smc::*;

use crate::notif::{NotifIrq, Notifications, ASYNC_VALUES};

/// Asynchronous notifications, when the board has an interrupt for them.
pub type Notif<'a> = Option<(&'a Notifications, &'a dyn NotifIrq)>;

/// What the core offers, decided by the image at boot.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// oxtee's major/minor revision.
    pub revision: (u32, u32),
    /// 32-bit build id (0 = unspecified).
    pub build_id: u32,
    /// Number of secure threads for yielding calls.
    pub thread_count: u32,
}

/// `THREAD_RPC_MAX_NUM_PARAMS`: params of the RPC argument the normal world
/// reserves after each call's argument.
const RPC_ARG_PARAMS: u64 = 4;
const OK: u64 = OPTEE_SMC_RETURN_OK as u64;
const ENOTAVAIL: u64 = OPTEE_SMC_RETURN_ENOTAVAIL as u64;
const UNKNOWN: u64 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION as u64;

/// Capabilities the core announces: dynamic shared memory, NULL memrefs and
/// a pre-allocated RPC argument after each call's argument.
pub const SEC_CAPS: u64 = (OPTEE_SMC_SEC_CAP_DYNAMIC_SHM
    | OPTEE_SMC_SEC_CAP_MEMREF_NULL
    | OPTEE_SMC_SEC_CAP_RPC_ARG) as u64;

/// Number of fast calls the core implements (`CALLS_COUNT`).
const CALLS_COUNT: u64 = 10;

fn words(w: [u32; 4]) -> [u64; 4] {
    w.map(u64::from)
}

/// Answers a fast call; returns the normal world's a0..a3.
pub fn fast_call(cfg: &Config, notif: Notif<'_>, regs: &Regs) -> [u64; 4] {
    let Ok(fid) = u32::try_from(regs[0]) else {
        return [UNKNOWN, 0, 0, 0];
    };
    match fid {
        OPTEE_SMC_CALLS_UID => words(OPTEE_MSG_UID),
        OPTEE_SMC_CALLS_REVISION => [2, 0, 0, 0],
        OPTEE_SMC_CALLS_COUNT => [CALLS_COUNT, 0, 0, 0],
        OPTEE_SMC_CALL_GET_OS_UUID => words(OPTEE_MSG_OS_OPTEE_UUID),
        OPTEE_SMC_CALL_GET_OS_REVISION => [
            u64::from(cfg.revision.0),
            u64::from(cfg.revision.1),
            u64::from(cfg.build_id),
            0,
        ],
        // No reserved (static) shared memory: dynamic shared memory only.
        OPTEE_SMC_GET_SHM_CONFIG => [ENOTAVAIL, 0, 0, 0],
        OPTEE_SMC_EXCHANGE_CAPABILITIES => {
            let status = if regs[1] & !u64::from(OPTEE_SMC_NSEC_CAP_UNIPROCESSOR) != 0 {
                ENOTAVAIL
            } else {
                OK
            };
            match notif {
                // Values from ASYNC_VALUES on are OP-TEE's per-thread ones.
                Some(_) => [
                    status,
                    SEC_CAPS | u64::from(OPTEE_SMC_SEC_CAP_ASYNC_NOTIF),
                    u64::from(ASYNC_VALUES + cfg.thread_count),
                    RPC_ARG_PARAMS,
                ],
                None => [status, SEC_CAPS, 0, RPC_ARG_PARAMS],
            }
        }
        OPTEE_SMC_ENABLE_ASYNC_NOTIF => match notif {
            Some((n, irq)) => {
                n.enable(irq);
                [OK, 0, 0, 0]
            }
            None => [UNKNOWN, 0, 0, 0],
        },
        OPTEE_SMC_GET_ASYNC_NOTIF_VALUE => match notif.map(|(n, _)| n.take()) {
            None => [UNKNOWN, 0, 0, 0],
            Some(None) => [OK, 0, 0, 0],
            Some(Some((value, more))) => {
                let mut flags = OPTEE_SMC_ASYNC_NOTIF_VALUE_VALID;
                if more {
                    flags |= OPTEE_SMC_ASYNC_NOTIF_VALUE_PENDING;
                }
                [OK, u64::from(value), u64::from(flags), 0]
            }
        },
        // The RPC-argument cache is never used (RPC_ARG is offered): always empty.
        OPTEE_SMC_DISABLE_SHM_CACHE => [ENOTAVAIL, 0, 0, 0],
        OPTEE_SMC_ENABLE_SHM_CACHE => [OK, 0, 0, 0],
        OPTEE_SMC_GET_THREAD_COUNT => [OK, u64::from(cfg.thread_count), 0, 0],
        _ => [UNKNOWN, 0, 0, 0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: Config = Config {
        revision: (0, 1),
        build_id: 0,
        thread_count: 8,
    };

    fn call(fid: u64, a1: u64) -> [u64; 4] {
        fast_call(&CFG, None, &[fid, a1, 0, 0, 0, 0, 0, 0])
    }

    struct Irq(core::sync::atomic::AtomicU32);
    impl NotifIrq for Irq {
        fn raise(&self) {
            self.0.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        }
    }

    #[test]
    fn async_notifications() {
        let n = Notifications::new();
        let irq = Irq(core::sync::atomic::AtomicU32::new(0));
        let on =
            |fid: u64, a1: u64| fast_call(&CFG, Some((&n, &irq)), &[fid, a1, 0, 0, 0, 0, 0, 0]);
        let caps = on(0xB200_0009, 0);
        assert_ne!(caps[1] & (1 << 5), 0, "ASYNC_NOTIF offered");
        assert_eq!(
            caps[2],
            64 + 8,
            "max value: async values, then one per thread"
        );
        assert_eq!(on(0xB200_0011, 0), [0, 0, 0, 0], "nothing pending");
        assert_eq!(on(0xB200_0010, 0)[0], 0, "enabled");
        assert_eq!(irq.0.load(core::sync::atomic::Ordering::Relaxed), 1);
        assert_eq!(
            on(0xB200_0011, 0),
            [0, 0, 1, 0],
            "DO_BOTTOM_HALF, valid, no more"
        );
        assert_eq!(on(0xB200_0011, 0), [0, 0, 0, 0]);
        // Without notifications: not offered, both calls unknown.
        assert_eq!(call(0xB200_0009, 0)[1] & (1 << 5), 0);
        assert_eq!(call(0xB200_0010, 0)[0], 0xFFFF_FFFF);
        assert_eq!(call(0xB200_0011, 0)[0], 0xFFFF_FFFF);
    }

    #[test]
    fn linux_probe_sequence() {
        assert_eq!(
            call(0xBF00_FF01, 0),
            [0x384f_b3e0, 0xe7f8_11e3, 0xaf63_0002, 0xa5d5_c51b]
        );
        assert_eq!(call(0xB200_0001, 0)[..2], [0, 1]);
        assert_eq!(call(0xBF00_FF03, 0)[..2], [2, 0]);
        assert_eq!(call(0xB200_000F, 0), [0, 8, 0, 0]);
        let caps = call(0xB200_0009, 0);
        assert_eq!(caps[0], 0);
        assert_ne!(caps[1] & (1 << 2), 0, "dynamic shm");
        assert_ne!(caps[1] & (1 << 6), 0, "rpc arg");
        assert_eq!(caps[1] & 1, 0, "no reserved shm");
        assert_eq!(caps[3], 4);
        assert_eq!(call(0xB200_000A, 0)[0], 7);
    }

    #[test]
    fn bad_calls() {
        assert_eq!(
            call(0xB200_0009, 2)[0],
            7,
            "unknown normal-world capability"
        );
        assert_eq!(call(0xB200_0009, 1)[0], 0, "uniprocessor is known");
        assert_eq!(
            call(0xB200_0008, 0)[0],
            0xFFFF_FFFF,
            "L2CC mutex: AArch32 only"
        );
        assert_eq!(call(0xB200_00FF, 0)[0], 0xFFFF_FFFF);
        assert_eq!(call(0x1_B200_0000, 0)[0], 0xFFFF_FFFF);
        assert_eq!(call(0xB200_0007, 0)[0], 7);
    }
}
