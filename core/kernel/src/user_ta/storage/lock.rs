//! A sleeping lock for the store: a storage call holds it across its RPCs,
//! so a second thread must not spin in the secure world while the holder
//! is parked in the normal world. Waiters sleep in the normal-world driver
//! on a notification key (`OPTEE_RPC_CMD_NOTIFICATION` WAIT); the releaser
//! hands the lock to the first waiter and wakes it (SEND). The Linux
//! driver remembers a SEND that comes before its WAIT, so no wake-up is
//! lost; if the driver refuses, the waiter polls with short suspends.

use alloc::collections::VecDeque;

use spin::Mutex;
use supplicant_proto::tee_error::TeeError;

/// First notification key used (OP-TEE's per-thread synchronous keys
/// start here; the normal world accepts keys up to this plus the thread
/// count).
pub const KEY_BASE: u32 = crate::notif::ASYNC_VALUES;
/// Poll period when the driver refuses to wait (ms).
const POLL_MS: u32 = 10;

/// How a waiting thread sleeps and wakes others (the RPCs, or a fake).
pub trait Sleeper {
    /// Sleeps until `key` is sent (or fails at once).
    fn wait(&mut self, key: u32) -> Result<(), TeeError>;
    /// Wakes the sleeper of `key`.
    fn send(&mut self, key: u32) -> Result<(), TeeError>;
    /// Sleeps `ms` milliseconds.
    fn suspend(&mut self, ms: u32) -> Result<(), TeeError>;
}

#[derive(Default)]
struct State {
    held: bool,
    /// Keys of the waiters, first come first served.
    queue: VecDeque<u32>,
    /// The waiter the lock was handed to (it has not seen it yet).
    handed: Option<u32>,
    /// Keys in use (bit n: `KEY_BASE + n`).
    keys: u64,
}

/// The lock (it guards nothing itself: the store sits next to it).
pub struct SleepLock {
    st: Mutex<State>,
    /// Distinct keys available (one per possible waiter).
    slots: u32,
}

impl SleepLock {
    /// A free lock with `slots` waiter keys (the thread count; at most 64).
    pub fn new(slots: u32) -> Self {
        Self {
            st: Mutex::new(State::default()),
            slots: slots.clamp(1, 64),
        }
    }

    /// Takes the lock, sleeping while another thread holds it.
    pub fn acquire(&self, s: &mut dyn Sleeper) -> Result<(), TeeError> {
        let key = {
            let mut st = self.st.lock();
            if !st.held {
                st.held = true;
                return Ok(());
            }
            let free = (0..self.slots).find(|n| st.keys & (1 << n) == 0);
            match free {
                Some(n) => {
                    st.queue
                        .try_reserve(1)
                        .map_err(|_| TeeError::OUT_OF_MEMORY)?;
                    st.keys |= 1 << n;
                    let key = KEY_BASE + n;
                    st.queue.push_back(key);
                    Some(key)
                }
                // More waiters than keys (cannot happen with one key per
                // thread): poll instead.
                None => None,
            }
        };
        let Some(key) = key else {
            loop {
                s.suspend(POLL_MS)?;
                let mut st = self.st.lock();
                if !st.held {
                    st.held = true;
                    return Ok(());
                }
            }
        };
        loop {
            let waited = s.wait(key);
            {
                let mut st = self.st.lock();
                if st.handed == Some(key) {
                    st.handed = None;
                    st.keys &= !(1 << (key - KEY_BASE));
                    return Ok(());
                }
            }
            if waited.is_err() {
                // Still queued, so the lock will come; only the sleep failed.
                let _ = s.suspend(POLL_MS);
            }
        }
    }

    /// Releases the lock, handing it to the first waiter.
    pub fn release(&self, s: &mut dyn Sleeper) {
        let next = {
            let mut st = self.st.lock();
            match st.queue.pop_front() {
                Some(k) => {
                    st.handed = Some(k);
                    Some(k)
                }
                None => {
                    st.held = false;
                    None
                }
            }
        };
        if let Some(k) = next {
            // A failed SEND leaves the waiter polling; it still gets the lock.
            let _ = s.send(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Condvar, Mutex as StdMutex};

    /// The Linux driver's notification semantics: a SEND without a waiter
    /// is remembered; a WAIT on a remembered key returns at once.
    #[derive(Default)]
    struct Driver {
        posted: StdMutex<HashSet<u32>>,
        cv: Condvar,
    }

    struct Thread {
        d: Arc<Driver>,
        refuse: bool,
    }

    impl Sleeper for Thread {
        fn wait(&mut self, key: u32) -> Result<(), TeeError> {
            if self.refuse {
                return Err(TeeError::COMMUNICATION);
            }
            let mut p = self.d.posted.lock().unwrap();
            while !p.remove(&key) {
                p = self.d.cv.wait(p).unwrap();
            }
            Ok(())
        }
        fn send(&mut self, key: u32) -> Result<(), TeeError> {
            if self.refuse {
                return Err(TeeError::COMMUNICATION);
            }
            self.d.posted.lock().unwrap().insert(key);
            self.d.cv.notify_all();
            Ok(())
        }
        fn suspend(&mut self, _ms: u32) -> Result<(), TeeError> {
            std::thread::yield_now();
            Ok(())
        }
    }

    fn hammer(refuse: bool, slots: u32) {
        let lock = Arc::new(SleepLock::new(slots));
        let d = Arc::new(Driver::default());
        let inside = Arc::new(AtomicU32::new(0));
        let total = Arc::new(AtomicU32::new(0));
        let hs: Vec<_> = (0..6)
            .map(|_| {
                let (lock, d, inside, total) =
                    (lock.clone(), d.clone(), inside.clone(), total.clone());
                std::thread::spawn(move || {
                    let mut t = Thread { d, refuse };
                    for _ in 0..200 {
                        lock.acquire(&mut t).unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                        std::thread::yield_now();
                        total.fetch_add(1, Ordering::SeqCst);
                        inside.fetch_sub(1, Ordering::SeqCst);
                        lock.release(&mut t);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(total.load(Ordering::SeqCst), 1200);
        let st = lock.st.lock();
        assert!(!st.held && st.queue.is_empty() && st.keys == 0);
    }

    #[test]
    fn mutual_exclusion_with_notifications() {
        hammer(false, 8);
    }

    #[test]
    fn mutual_exclusion_when_the_driver_refuses() {
        hammer(true, 8);
    }

    #[test]
    fn more_waiters_than_keys_poll() {
        hammer(false, 2);
    }

    #[test]
    fn handoff_goes_to_the_first_waiter_and_uses_its_key() {
        let lock = SleepLock::new(4);
        let d = Arc::new(Driver::default());
        let mut t = Thread {
            d: d.clone(),
            refuse: false,
        };
        lock.acquire(&mut t).unwrap();
        // A waiter queued by hand (as a second thread would be).
        lock.st.lock().queue.push_back(KEY_BASE + 3);
        lock.st.lock().keys |= 1 << 3;
        lock.release(&mut t);
        assert!(d.posted.lock().unwrap().contains(&(KEY_BASE + 3)));
        assert_eq!(lock.st.lock().handed, Some(KEY_BASE + 3));
        assert!(lock.st.lock().held, "the lock passed on, never free");
    }
}
