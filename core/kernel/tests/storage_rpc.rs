//! The store's file system over RPC against a fake tee-supplicant: one
//! supplicant buffer per storage call, data in buffer-sized pieces, and
//! answers checked (a size beyond what was asked is refused); the store
//! over it when one answer is lost.

use std::collections::BTreeMap;

use oxtee_kernel::rpc::{Rpc, RpcArgArea};
use oxtee_kernel::user_ta::storage::lock::Sleeper;
use oxtee_kernel::user_ta::storage::rpc_fs::{RpcFs, RpcSleeper, FS_BUF_SIZE};
use oxtee_shm::{MemError, MemLayout, PhysMem, RegistryLimits, ShmRegistry};
use oxtee_storage::{Entropy, Env, ObjectStore, ReeStore, RemoteFs, TeeError};
use oxtee_thread::RpcKind;
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_rpc::*;
use supplicant_proto::tee_result::*;

const RAM: std::ops::Range<u64> = 0x4000_0000..0x4010_0000;
const ARG: u64 = 0x4000_0000;
const SUPP_BUF: u64 = 0x4008_0000;

/// Flat fake RAM.
struct Ram(Vec<u8>);

impl PhysMem for Ram {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        let o = pa.checked_sub(RAM.start).ok_or(MemError::OutOfRange)? as usize;
        let s = self.0.get(o..o + buf.len()).ok_or(MemError::OutOfRange)?;
        buf.copy_from_slice(s);
        Ok(())
    }
    fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError> {
        let o = pa.checked_sub(RAM.start).ok_or(MemError::OutOfRange)? as usize;
        let s = self
            .0
            .get_mut(o..o + data.len())
            .ok_or(MemError::OutOfRange)?;
        s.copy_from_slice(data);
        Ok(())
    }
}

/// tee-supplicant's file service, and the driver's notifications.
#[derive(Default)]
struct Supplicant {
    area: Option<RpcArgArea>,
    ram: Option<*mut Ram>,
    files: BTreeMap<String, Vec<u8>>,
    fds: BTreeMap<u64, String>,
    next_fd: u64,
    /// RPC commands seen (FS ones as 100 + sub-command).
    cmds: Vec<u64>,
    /// Answer READ with more bytes than asked.
    lie: bool,
    /// Writes still to answer normally before one is carried out and then
    /// answered with an error (an answer lost on the way back).
    lose_write_after: Option<u32>,
}

impl Supplicant {
    fn serve(&mut self, ram: &mut Ram, msg: &mut [u8]) -> u32 {
        let w = |m: &[u8], o: usize| u64::from_le_bytes(m[o..o + 8].try_into().unwrap());
        let p = |i: usize| 32 + 32 * i;
        let cmd = u32::from_le_bytes(msg[0..4].try_into().unwrap());
        match cmd {
            OPTEE_RPC_CMD_SHM_ALLOC => {
                self.cmds.push(cmd.into());
                let size = w(msg, p(0) + 16);
                msg[p(0)..p(0) + 8].copy_from_slice(&OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT.to_le_bytes());
                msg[p(0) + 8..p(0) + 16].copy_from_slice(&SUPP_BUF.to_le_bytes());
                msg[p(0) + 16..p(0) + 24].copy_from_slice(&size.to_le_bytes());
                msg[p(0) + 24..p(0) + 32].copy_from_slice(&7u64.to_le_bytes());
                0
            }
            OPTEE_RPC_CMD_FS => {
                let (op, fd, off) = (w(msg, p(0) + 8), w(msg, p(0) + 16), w(msg, p(0) + 24));
                self.cmds.push(100 + op);
                let (ptr, size) = (w(msg, p(1) + 8), w(msg, p(1) + 16));
                let mut bytes = vec![0u8; size as usize];
                let name = |ram: &Ram, b: &mut Vec<u8>| {
                    ram.read(ptr, b).unwrap();
                    assert_eq!(b.pop(), Some(0), "names are NUL-terminated");
                    String::from_utf8(b.clone()).unwrap()
                };
                match op as u32 {
                    OPTEE_RPC_FS_OPEN | OPTEE_RPC_FS_CREATE => {
                        let n = name(ram, &mut bytes);
                        if op as u32 == OPTEE_RPC_FS_CREATE {
                            self.files.insert(n.clone(), Vec::new());
                        } else if !self.files.contains_key(&n) {
                            return TEE_ERROR_ITEM_NOT_FOUND;
                        }
                        self.next_fd += 1;
                        self.fds.insert(self.next_fd, n);
                        msg[p(2) + 8..p(2) + 16].copy_from_slice(&self.next_fd.to_le_bytes());
                    }
                    OPTEE_RPC_FS_CLOSE => {
                        self.fds.remove(&fd);
                    }
                    OPTEE_RPC_FS_READ => {
                        let f = &self.files[&self.fds[&fd]];
                        let s = (off as usize).min(f.len());
                        let n = (size as usize).min(f.len() - s);
                        ram.write(ptr, &f[s..s + n]).unwrap();
                        let n = if self.lie { size + 1 } else { n as u64 };
                        msg[p(1) + 16..p(1) + 24].copy_from_slice(&n.to_le_bytes());
                    }
                    OPTEE_RPC_FS_WRITE => {
                        ram.read(ptr, &mut bytes).unwrap();
                        let f = self.files.get_mut(&self.fds[&fd]).unwrap();
                        let end = off as usize + bytes.len();
                        if f.len() < end {
                            f.resize(end, 0);
                        }
                        f[off as usize..end].copy_from_slice(&bytes);
                        match self.lose_write_after {
                            Some(0) => {
                                self.lose_write_after = None;
                                return TEE_ERROR_GENERIC;
                            }
                            Some(n) => self.lose_write_after = Some(n - 1),
                            None => {}
                        }
                    }
                    OPTEE_RPC_FS_TRUNCATE => {
                        let f = self.files.get_mut(&self.fds[&fd]).unwrap();
                        f.resize(off as usize, 0);
                    }
                    OPTEE_RPC_FS_REMOVE => {
                        let n = name(ram, &mut bytes);
                        if self.files.remove(&n).is_none() {
                            return TEE_ERROR_ITEM_NOT_FOUND;
                        }
                    }
                    other => panic!("unexpected FS sub-command {other}"),
                }
                0
            }
            OPTEE_RPC_CMD_NOTIFICATION => {
                // Recorded as 200 + WAIT/SEND, then the key.
                self.cmds.push(200 + w(msg, p(0) + 8));
                self.cmds.push(w(msg, p(0) + 16));
                0
            }
            other => {
                self.cmds.push(other.into());
                0
            }
        }
    }
}

impl Rpc for Supplicant {
    fn foreign_intr_pending(&self) -> bool {
        false
    }
    fn rpc(&mut self, kind: RpcKind) -> [u64; 4] {
        // Out while serving, so the supplicant can be borrowed.
        let area = self.area.take();
        if let (RpcKind::Cmd { .. }, Some((buf, offset, _)), Some(ram)) =
            (kind, area.as_ref().and_then(RpcArgArea::message), self.ram)
        {
            // SAFETY: test only; the RAM outlives the call and no other borrow of it is live.
            let ram = unsafe { &mut *ram };
            let mut msg = [0u8; 32 + 4 * 32];
            buf.read_at(ram, offset, &mut msg).unwrap();
            let ret = self.serve(ram, &mut msg);
            msg[20..24].copy_from_slice(&ret.to_le_bytes());
            buf.write_at(ram, offset, &msg).unwrap();
        }
        self.area = area;
        [0; 4]
    }
    fn arg_area(&self) -> Option<&RpcArgArea> {
        self.area.as_ref()
    }
    fn set_arg_area(&mut self, a: Option<RpcArgArea>) -> Option<RpcArgArea> {
        std::mem::replace(&mut self.area, a)
    }
}

fn setup() -> (Box<Ram>, spin::Mutex<ShmRegistry>, Supplicant) {
    let layout = MemLayout {
        ns_ram: RAM,
        secure_ram: 0x0e00_0000..0x0f00_0000,
        static_shm: None,
    };
    let shm = spin::Mutex::new(ShmRegistry::new(layout, RegistryLimits::default()));
    let mut ram = Box::new(Ram(vec![0; (RAM.end - RAM.start) as usize]));
    let buf = shm.lock().contiguous(ARG, 4096).unwrap();
    let sup = Supplicant {
        area: Some(RpcArgArea::Supplied { buf, offset: 0 }),
        ram: Some(&mut *ram as *mut Ram),
        ..Default::default()
    };
    (ram, shm, sup)
}

#[test]
fn files_through_one_buffer() {
    let (mut ram, shm, mut sup) = setup();
    let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
    let (mut kept, mut kept_rpmb) = (None, None);
    {
        let mut fs = RpcFs::new(&mut sup, &mut *ram, &shm, &mut kept, &mut kept_rpmb);
        assert_eq!(fs.open("/1"), Err(TeeError::ITEM_NOT_FOUND));
        let fd = fs.create("/1").unwrap();
        fs.write(fd, 5, &data).unwrap();
        let mut back = vec![0xffu8; 12_000];
        assert_eq!(fs.read(fd, 0, &mut back).unwrap(), 10_005);
        assert_eq!(&back[..5], &[0; 5]);
        assert_eq!(&back[5..10_005], &data[..]);
        fs.truncate(fd, 3).unwrap();
        assert_eq!(fs.read(fd, 0, &mut back).unwrap(), 3);
        fs.close(fd).unwrap();
        fs.remove("/1").unwrap();
        assert_eq!(fs.remove("/1"), Err(TeeError::ITEM_NOT_FOUND));
        // A name longer than tee-supplicant takes: refused here.
        assert_eq!(fs.open(&"x".repeat(400)), Err(TeeError::BAD_PARAMETERS));
    }
    // A later call reuses the kept buffer; it goes back only with the store.
    {
        let mut fs = RpcFs::new(&mut sup, &mut *ram, &shm, &mut kept, &mut kept_rpmb);
        let fd = fs.create("/3").unwrap();
        fs.close(fd).unwrap();
        fs.remove("/3").unwrap();
        fs.release_buffer();
    }
    assert!(kept.is_none());
    let allocs = sup
        .cmds
        .iter()
        .filter(|&&c| c == u64::from(OPTEE_RPC_CMD_SHM_ALLOC))
        .count();
    assert_eq!(allocs, 1, "one buffer for both calls");
    assert_eq!(sup.cmds.last(), Some(&u64::from(OPTEE_RPC_CMD_SHM_FREE)));
    // 10 000 bytes in buffer-sized writes.
    let writes = sup.cmds.iter().filter(|&&c| c == 104).count() as u64;
    assert_eq!(writes, 10_000u64.div_ceil(FS_BUF_SIZE));
    assert!(sup.files.is_empty());
}

#[test]
fn a_supplicant_claiming_more_than_asked_is_refused() {
    let (mut ram, shm, mut sup) = setup();
    sup.lie = true;
    let (mut kept, mut kept_rpmb) = (None, None);
    let mut fs = RpcFs::new(&mut sup, &mut *ram, &shm, &mut kept, &mut kept_rpmb);
    let fd = fs.create("/2").unwrap();
    fs.write(fd, 0, b"abc").unwrap();
    let mut b = [0u8; 8];
    assert_eq!(fs.read(fd, 0, &mut b), Err(TeeError::GENERIC));
    assert_eq!(b, [0; 8], "nothing copied");
    fs.release_buffer();
}

#[test]
fn lock_sleeps_are_notifications() {
    let (mut ram, _shm, mut sup) = setup();
    let mut s = RpcSleeper {
        rpc: &mut sup,
        mem: &mut *ram,
    };
    s.wait(65).unwrap();
    s.send(66).unwrap();
    s.suspend(10).unwrap();
    assert_eq!(
        sup.cmds,
        [
            200 + u64::from(OPTEE_RPC_NOTIFICATION_WAIT),
            65,
            200 + u64::from(OPTEE_RPC_NOTIFICATION_SEND),
            66,
            u64::from(OPTEE_RPC_CMD_SUSPEND)
        ]
    );
}

/// Counter-mode bytes: enough for IVs and keys in a test.
struct CountingRng(u8);

impl Entropy for CountingRng {
    fn fill(&mut self, out: &mut [u8]) -> oxtee_storage::TeeResult<()> {
        for b in out {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
        Ok(())
    }
}

/// `ta_ver.db`'s first use as the TA loader makes it: open, else create
/// the header of an empty database; then read it whole.
fn first_use(
    sup: &mut Supplicant,
    ram: &mut Ram,
    shm: &spin::Mutex<ShmRegistry>,
    store: &mut ReeStore,
) -> Result<Vec<u8>, TeeError> {
    const TA: [u8; 16] = [7; 16];
    let (mut kept, mut kept_rpmb) = (None, None);
    let mut fs = RpcFs::new(sup, ram, shm, &mut kept, &mut kept_rpmb);
    let mut rng = CountingRng(0);
    let mut env = Env {
        fs: &mut fs,
        rng: &mut rng,
        anchor: None,
        rpmb: None,
    };
    let f = match store.open(&mut env, &TA, b"ta_ver.db") {
        Err(TeeError::ITEM_NOT_FOUND) => store.create(&mut env, &TA, b"ta_ver.db", &[0; 8], false),
        r => r,
    };
    let r = f.and_then(|f| {
        let mut b = vec![0u8; 64];
        let n = store.read(&mut env, f, 0, &mut b);
        store.close(&mut env, f);
        b.truncate(n?);
        Ok(b)
    });
    fs.release_buffer();
    r
}

#[test]
fn a_lost_answer_fails_one_call_and_the_next_one_works() {
    // Every write of the database's first use in turn is carried out by
    // the supplicant and answered with an error: that use fails, the next
    // one finds the database or creates it, never CORRUPT_OBJECT.
    let writes = {
        let (mut ram, shm, mut sup) = setup();
        let mut store = ReeStore::new(&[0; 16]).unwrap();
        assert_eq!(
            first_use(&mut sup, &mut ram, &shm, &mut store).unwrap(),
            [0; 8]
        );
        sup.cmds.iter().filter(|&&c| c == 104).count() as u32
    };
    assert!(writes >= 4, "{writes} writes: data and header of each file");
    for nth in 0..writes {
        let (mut ram, shm, mut sup) = setup();
        let mut store = ReeStore::new(&[0; 16]).unwrap();
        sup.lose_write_after = Some(nth);
        assert_eq!(
            first_use(&mut sup, &mut ram, &shm, &mut store),
            Err(TeeError::GENERIC),
            "write {nth}"
        );
        assert_eq!(
            first_use(&mut sup, &mut ram, &shm, &mut store),
            Ok(vec![0; 8]),
            "write {nth}: the retry"
        );
        // After a reboot too, with no file but the database's and dirf.db.
        let mut store = ReeStore::new(&[0; 16]).unwrap();
        assert_eq!(
            first_use(&mut sup, &mut ram, &shm, &mut store),
            Ok(vec![0; 8])
        );
        assert_eq!(sup.files.len(), 2, "write {nth}: {:?}", sup.files.keys());
        assert!(sup.fds.is_empty(), "write {nth}: every file closed");
    }
}
