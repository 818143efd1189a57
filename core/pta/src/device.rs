//! Device-enumeration PTA (`PTA_DEVICE_UUID`): tells Linux which TEE-bus devices exist.

use crate::params::*;
use crate::{CallContext, Pta, SessionCtx, TeeError, Uuid};
use alloc::sync::Arc;
use alloc::vec::Vec;
use spin::RwLock;
use supplicant_proto::pta::*;

/// Shared list of `(uuid, flags)` the device PTA reports from.
#[derive(Clone, Default)]
pub struct DeviceList(Arc<RwLock<Vec<(Uuid, u32)>>>);

impl DeviceList {
    /// Adds an entry.
    pub fn add(&self, uuid: Uuid, flags: u32) {
        self.0.write().push((uuid, flags));
    }
}

/// Whether REE FS backs `TEE_STORAGE_PRIVATE` (true for the Debian QEMU configuration we
/// emulate): devices flagged `DEVICE_ENUM_TEE_STORAGE_PRIVATE` are then listed by `_SUPP`.
pub const REE_FS: bool = true;

/// The device-enumeration PTA.
pub struct DevicePta {
    list: DeviceList,
}

impl DevicePta {
    /// A device PTA reporting from `list`.
    pub fn new(list: DeviceList) -> Self {
        Self { list }
    }

    fn get_devices(&self, params: &mut Params, rflags: u32) -> Result<(), TeeError> {
        expect_types(
            params,
            param_types(
                TEE_PARAM_TYPE_MEMREF_OUTPUT,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
                TEE_PARAM_TYPE_NONE,
            ),
        )?;
        let m = params[0].memref_out().ok_or(TeeError::BAD_PARAMETERS)?;
        if m.is_null() && m.size > 0 {
            return Err(TeeError::BAD_PARAMETERS);
        }
        let enum_mask = TA_FLAG_DEVICE_ENUM
            | TA_FLAG_DEVICE_ENUM_SUPP
            | TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE;
        let mut out: Vec<u8> = Vec::new();
        for (uuid, flags) in self.list.0.read().iter() {
            let f = flags & enum_mask;
            // More than one enumeration flag is inconsistent; OP-TEE skips such a TA.
            if f.count_ones() > 1 {
                continue;
            }
            if f & rflags != 0 {
                out.extend_from_slice(&uuid.0);
            }
        }
        let blen = m.capacity().min(m.size);
        m.size = out.len();
        if out.len() > blen {
            return Err(TeeError::SHORT_BUFFER);
        }
        if let Some(buf) = m.buf.as_mut() {
            buf[..out.len()].copy_from_slice(&out);
        }
        Ok(())
    }
}

impl Pta for DevicePta {
    fn uuid(&self) -> Uuid {
        Uuid(PTA_DEVICE_UUID)
    }

    fn invoke(
        &self,
        _session: SessionCtx,
        cmd: u32,
        params: &mut Params,
        _cx: &mut CallContext<'_>,
    ) -> Result<(), TeeError> {
        let rflags = match cmd {
            PTA_CMD_GET_DEVICES => TA_FLAG_DEVICE_ENUM,
            PTA_CMD_GET_DEVICES_SUPP => {
                let mut f = TA_FLAG_DEVICE_ENUM_SUPP;
                if REE_FS {
                    f |= TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE;
                }
                f
            }
            // With REE FS, TEE_STORAGE_PRIVATE is not RPMB: empty list, success.
            PTA_CMD_GET_DEVICES_RPMB => 0,
            _ => return Err(TeeError::NOT_IMPLEMENTED),
        };
        self.get_devices(params, rflags)
    }
}
