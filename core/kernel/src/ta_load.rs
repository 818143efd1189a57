//! Loading a user TA from the normal world's TA store (tee-supplicant) and
//! checking it before anything in it is used: signature, UUID, ELF layout.
//!
//! The sequence is OP-TEE's: `LOAD_TA` with no buffer returns the size;
//! `SHM_ALLOC` (type APPL) gets a buffer tee-supplicant can fill; `LOAD_TA`
//! again fills it; the bytes are copied into secure memory once; `SHM_FREE`.

use alloc::vec::Vec;
use supplicant_proto::tee_error::TeeError;

use oxtee_shm::{PhysMem, ShmRegistry};
use oxtee_ta_verify::{verify_ta, RsaPublicKey};
use supplicant_proto::optee_msg::*;
use supplicant_proto::optee_rpc::*;

use crate::rpc::{rpc_cmd, value_param, Rpc};
use crate::supp_buf::with_supp_buf;

/// Largest TA file accepted (bounds the secure-memory copy).
pub const MAX_TA_SIZE: u64 = 8 * 1024 * 1024;

/// The highest `ta_version` seen per TA UUID: a bootstrap TA older than
/// one already loaded is refused (`TEE_ERROR_ACCESS_CONFLICT`). A cache of
/// the floor kept in secure storage ([`VersionStore`]): a load whose
/// version equals the cached floor needs no storage access.
#[derive(Default)]
pub struct TaVersions(spin::Mutex<Vec<([u8; 16], u32)>>);

/// Where the version floor outlives a reboot: OP-TEE's `ta_ver.db`.
pub trait VersionStore {
    /// Checks `version` of TA `uuid` (octets) against the stored floor and
    /// raises it; `TEE_ERROR_ACCESS_CONFLICT` for a downgrade.
    fn check_update(
        &self,
        rpc: &mut dyn Rpc,
        mem: &mut dyn PhysMem,
        uuid: [u8; 16],
        version: u32,
    ) -> Result<(), TeeError>;
}

/// The version floor of a load: the cache, and the store behind it (none
/// in host builds that only verify).
pub struct Versions<'a> {
    /// The in-memory floors.
    pub cache: &'a TaVersions,
    /// The persistent floors.
    pub store: Option<&'a dyn VersionStore>,
}

impl TaVersions {
    fn floor(&self, uuid: [u8; 16]) -> Option<u32> {
        self.0
            .lock()
            .iter()
            .find(|(u, _)| *u == uuid)
            .map(|(_, v)| *v)
    }

    fn raise(&self, uuid: [u8; 16], version: u32) {
        let mut t = self.0.lock();
        match t.iter_mut().find(|(u, _)| *u == uuid) {
            Some(e) => e.1 = e.1.max(version),
            None => t.push((uuid, version)),
        }
    }
}

impl Versions<'_> {
    /// Accepts `version` of `uuid` or refuses a downgrade, raising the
    /// floor in storage first, then in the cache.
    fn check_update(
        &self,
        rpc: &mut dyn Rpc,
        mem: &mut dyn PhysMem,
        uuid: [u8; 16],
        version: u32,
    ) -> Result<(), TeeError> {
        match self.cache.floor(uuid) {
            Some(f) if f > version => return Err(TeeError::ACCESS_CONFLICT),
            Some(f) if f == version => return Ok(()),
            _ => {}
        }
        if let Some(store) = self.store {
            store.check_update(rpc, mem, uuid, version)?;
        }
        self.cache.raise(uuid, version);
        Ok(())
    }
}

/// A TA that passed every check, ready to be mapped.
pub struct LoadedTa {
    /// The signed file, copied into secure memory.
    pub file: Vec<u8>,
    /// Where the ELF starts in `file`.
    pub elf_offset: usize,
    /// The load plan of its ELF.
    pub elf: oxtee_elf::TaElf,
}

/// Fetches TA `uuid` (octets) through tee-supplicant and verifies it with the
/// `trusted` keys. Errors are the `TEE_Result` OP-TEE gives: the store's own
/// answer (e.g. `TEE_ERROR_ITEM_NOT_FOUND`), `TEE_ERROR_SECURITY` for a bad
/// signature or UUID, `TEE_ERROR_BAD_FORMAT` for a malformed ELF.
pub fn load_ta(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    shm: &spin::Mutex<ShmRegistry>,
    uuid: [u8; 16],
    trusted: &[RsaPublicKey],
    versions: &Versions<'_>,
) -> Result<LoadedTa, TeeError> {
    let ta = load_module(rpc, mem, shm, uuid, trusted, versions)?;
    if ta.elf.ta_head.is_none() {
        // A shared library cannot be opened as a TA.
        return Err(TeeError::BAD_FORMAT);
    }
    Ok(ta)
}

/// Fetches and verifies a TA or a shared-library TA (`DT_NEEDED`, `dlopen`):
/// the same checks as [`load_ta`], but a library has no `ta_head`.
pub fn load_module(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    shm: &spin::Mutex<ShmRegistry>,
    uuid: [u8; 16],
    trusted: &[RsaPublicKey],
    versions: &Versions<'_>,
) -> Result<LoadedTa, TeeError> {
    let file = fetch(rpc, mem, shm, uuid)?;
    let verified = verify_ta(&file, uuid, trusted, versions.cache.floor(uuid))
        .map_err(|e| TeeError::from_code(e.tee_result()))?;
    if let Some(v) = verified.version {
        versions.check_update(rpc, mem, uuid, v)?;
    }
    let elf_offset = file.len() - verified.elf.len();
    let elf = oxtee_elf::parse(verified.elf).map_err(|e| TeeError::from_code(e.tee_result()))?;
    match &elf.ta_head {
        // The signed UUID and the one the TA was built with must agree.
        Some(head) if head.uuid.to_octets() != uuid => return Err(TeeError::SECURITY),
        _ => {}
    }
    Ok(LoadedTa {
        file,
        elf_offset,
        elf,
    })
}

fn uuid_value(uuid: [u8; 16]) -> OpteeMsgParam {
    let (a, b) = uuid.split_at(8);
    let word = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap_or([0; 8]));
    value_param(OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, word(a), word(b), 0)
}

/// The two-step `LOAD_TA` exchange; returns the file's bytes.
fn fetch(
    rpc: &mut dyn Rpc,
    mem: &mut dyn PhysMem,
    shm: &spin::Mutex<ShmRegistry>,
    uuid: [u8; 16],
) -> Result<Vec<u8>, TeeError> {
    // 1. Size query: a NULL output buffer; tee-supplicant answers SUCCESS
    //    with the size it needs.
    let null = OpteeMsgParam {
        attr: OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
        u0: 0,
        u1: 0,
        u2: 0,
    };
    let mut p = [uuid_value(uuid), null];
    rpc_cmd(rpc, mem, OPTEE_RPC_CMD_LOAD_TA, &mut p)?;
    let size = p[1].u1;
    if size == 0 || size > MAX_TA_SIZE {
        return Err(TeeError::OUT_OF_MEMORY);
    }
    let len = usize::try_from(size).map_err(|_| TeeError::OUT_OF_MEMORY)?;
    // The size comes from the normal world: allocate without aborting.
    let mut file = Vec::new();
    file.try_reserve_exact(len)
        .map_err(|_| TeeError::OUT_OF_MEMORY)?;
    file.resize(len, 0);
    // 2. A buffer tee-supplicant can write, filled by LOAD_TA, copied into
    //    secure memory once; only the copy is checked afterwards.
    with_supp_buf(rpc, mem, shm, size, |rpc, mem, buf| {
        let mut p = [uuid_value(uuid), buf.param(1)];
        rpc_cmd(rpc, mem, OPTEE_RPC_CMD_LOAD_TA, &mut p)?;
        buf.read(mem, shm, &mut file)
    })?;
    Ok(file)
}
