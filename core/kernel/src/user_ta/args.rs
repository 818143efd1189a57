//! The parameters of a call into a TA as the call path hands them over:
//! GP values and memrefs, where a memref is either a copy the core holds or
//! a reference to the normal world's shared memory.
//!
//! Only a user TA called by the normal world gets shared memory as such: its
//! pages are mapped into the TA for the call (`run_entry`), nothing is
//! copied. Pseudo-TAs and TA-to-TA calls never see a [`SharedMemref`]: the
//! call path materialises it into a [`Memref`] copy first
//! ([`copy_in`], [`copy_out`]) and the TA-to-TA path builds its copies from
//! the calling TA's memory.

use oxtee_pta::{Memref, Param, Params};
use oxtee_shm::{NsBuf, PhysMem};
use supplicant_proto::tee_error::TeeError;
use supplicant_proto::tee_result::{
    TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
};

/// A memref on normal-world shared memory.
#[derive(Debug)]
pub struct SharedMemref {
    /// `TEE_PARAM_TYPE_MEMREF_INPUT`, `_OUTPUT` or `_INOUT`.
    pub ty: u32,
    /// The validated range; for a registered buffer it holds the
    /// registration in use until the call path releases it.
    pub view: NsBuf,
    /// The client's size on entry; for outputs the TA's answer on return
    /// (which may exceed the buffer: `TEE_ERROR_SHORT_BUFFER`).
    pub size: usize,
}

impl SharedMemref {
    /// The TA may write the buffer (OUTPUT and INOUT).
    pub fn is_output(&self) -> bool {
        self.ty != TEE_PARAM_TYPE_MEMREF_INPUT
    }
}

/// One parameter of a call.
#[derive(Debug)]
pub enum CallParam {
    /// None, a value, a NULL memref or a memref the core holds a copy of.
    Gp(Param),
    /// A memref on normal-world shared memory.
    Shared(SharedMemref),
}

impl Default for CallParam {
    fn default() -> Self {
        Self::Gp(Param::None)
    }
}

impl CallParam {
    /// The `TEE_PARAM_TYPE_*` of the parameter.
    pub fn type_id(&self) -> u32 {
        match self {
            Self::Gp(p) => p.type_id(),
            Self::Shared(s) => s.ty,
        }
    }
}

/// The four parameters of a call.
pub type CallParams = [CallParam; 4];

/// Runs `f` on `params` turned into call parameters (all of them owned
/// copies), then puts them back with what `f` left in them.
pub fn with_owned<R>(params: &mut Params, f: impl FnOnce(&mut CallParams) -> R) -> R {
    let mut call: CallParams =
        core::array::from_fn(|i| CallParam::Gp(core::mem::take(&mut params[i])));
    let r = f(&mut call);
    for (slot, p) in params.iter_mut().zip(call) {
        if let CallParam::Gp(p) = p {
            *slot = p;
        }
    }
    r
}

/// The owned GP parameters for a callee that gets copies (a pseudo-TA):
/// every shared buffer is read once into a new vector, outputs too (a TA
/// may look at what the client left in an output, as with OP-TEE).
pub fn copy_in(params: &mut CallParams, mem: &dyn PhysMem) -> Result<Params, TeeError> {
    let mut out: Params = Default::default();
    for (slot, p) in out.iter_mut().zip(params.iter_mut()) {
        *slot = match p {
            CallParam::Gp(p) => core::mem::take(p),
            CallParam::Shared(s) => {
                let data = s
                    .view
                    .copy_in(mem)
                    .map_err(|e| TeeError::from_code(e.tee_result()))?;
                let m = Memref::new(data);
                match s.ty {
                    TEE_PARAM_TYPE_MEMREF_INPUT => Param::MemrefInput(m),
                    TEE_PARAM_TYPE_MEMREF_OUTPUT => Param::MemrefOutput(m),
                    _ => Param::MemrefInout(m),
                }
            }
        };
    }
    Ok(out)
}

/// Takes a callee's answers back from the copies `copy_in` made: values
/// and sizes always, and when `success` the bytes of output buffers, at
/// most as many as the buffer holds (`TEE_ERROR_BAD_PARAMETERS` if the
/// normal-world memory cannot be written).
pub fn copy_out(
    params: &mut CallParams,
    copies: Params,
    mem: &mut dyn PhysMem,
    success: bool,
) -> Result<(), TeeError> {
    let mut r = Ok(());
    for (p, c) in params.iter_mut().zip(copies) {
        match p {
            CallParam::Gp(p) => *p = c,
            CallParam::Shared(s) => {
                let (Param::MemrefOutput(m) | Param::MemrefInout(m)) = &c else {
                    continue;
                };
                if s.ty != TEE_PARAM_TYPE_MEMREF_OUTPUT && s.ty != TEE_PARAM_TYPE_MEMREF_INOUT {
                    continue;
                }
                s.size = m.size;
                if success {
                    let n = m.size.min(m.capacity());
                    if s.view.write_at(mem, 0, &m.bytes()[..n]).is_err() {
                        r = Err(TeeError::BAD_PARAMETERS);
                    }
                }
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;
    use oxtee_shm::{MemError, MemLayout, RegistryLimits, ShmRegistry};

    struct Ram(Vec<u8>);
    const BASE: u64 = 0x4000_0000;

    impl PhysMem for Ram {
        fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
            let o = pa.checked_sub(BASE).ok_or(MemError::OutOfRange)? as usize;
            buf.copy_from_slice(self.0.get(o..o + buf.len()).ok_or(MemError::OutOfRange)?);
            Ok(())
        }
        fn write(&mut self, pa: u64, data: &[u8]) -> Result<(), MemError> {
            let o = pa.checked_sub(BASE).ok_or(MemError::OutOfRange)? as usize;
            self.0
                .get_mut(o..o + data.len())
                .ok_or(MemError::OutOfRange)?
                .copy_from_slice(data);
            Ok(())
        }
    }

    fn shm() -> ShmRegistry {
        let layout = MemLayout {
            ns_ram: BASE..BASE + 0x10_0000,
            secure_ram: 0x0e00_0000..0x0f00_0000,
            static_shm: None,
        };
        ShmRegistry::new(layout, RegistryLimits::default())
    }

    fn shared(reg: &ShmRegistry, ty: u32, pa: u64, size: u64) -> CallParam {
        CallParam::Shared(SharedMemref {
            ty,
            view: reg.contiguous(pa, size).unwrap(),
            size: size as usize,
        })
    }

    #[test]
    fn owned_round_trip_keeps_answers() {
        let mut p: Params = [
            Param::ValueInout { a: 1, b: 2 },
            Param::MemrefOutput(Memref::zeroed(4)),
            Param::None,
            Param::MemrefInput(Memref::null(0)),
        ];
        let types = with_owned(&mut p, |c| {
            if let CallParam::Gp(Param::ValueInout { a, .. }) = &mut c[0] {
                *a = 9;
            }
            c.iter().map(CallParam::type_id).collect::<Vec<_>>()
        });
        assert_eq!(types, [3, 6, 0, 5]);
        assert_eq!(p[0], Param::ValueInout { a: 9, b: 2 });
        assert_eq!(p[1], Param::MemrefOutput(Memref::zeroed(4)));
        assert_eq!(p[3], Param::MemrefInput(Memref::null(0)));
    }

    #[test]
    fn copies_for_a_pseudo_ta() {
        let reg = shm();
        let mut ram = Ram(vec![0; 0x10_0000]);
        ram.0[0x100..0x105].copy_from_slice(b"hello");
        ram.0[0x2000..0x2004].copy_from_slice(b"left");
        let mut call: CallParams = [
            shared(&reg, TEE_PARAM_TYPE_MEMREF_INPUT, BASE + 0x100, 5),
            shared(&reg, TEE_PARAM_TYPE_MEMREF_OUTPUT, BASE + 0x2000, 8),
            CallParam::Gp(Param::ValueInput { a: 3, b: 4 }),
            shared(&reg, TEE_PARAM_TYPE_MEMREF_INOUT, BASE + 0x3000, 2),
        ];
        let mut copies = copy_in(&mut call, &ram).unwrap();
        assert_eq!(
            copies[0],
            Param::MemrefInput(Memref::new(b"hello".to_vec()))
        );
        // Outputs carry what the client left there.
        assert_eq!(copies[1].memref().unwrap().bytes(), b"left\0\0\0\0");
        assert_eq!(copies[2], Param::ValueInput { a: 3, b: 4 });
        // The callee writes its answers: 3 bytes, and a short buffer (needs 9).
        let out = copies[1].memref_out().unwrap();
        out.buf.as_mut().unwrap()[..3].copy_from_slice(b"abc");
        out.size = 3;
        copies[3].memref_out().unwrap().size = 9;
        // A failed call: sizes only, no bytes.
        let snapshot = ram.0.clone();
        copy_out(&mut call, copies.clone(), &mut ram, false).unwrap();
        assert_eq!(ram.0, snapshot);
        let size = |c: &CallParam| match c {
            CallParam::Shared(s) => s.size,
            _ => panic!(),
        };
        assert_eq!((size(&call[1]), size(&call[3])), (3, 9));
        // A successful one: the produced bytes, never more than the buffer.
        copy_out(&mut call, copies, &mut ram, true).unwrap();
        assert_eq!(&ram.0[0x2000..0x2008], b"abct\0\0\0\0");
        assert_eq!(&ram.0[0x3000..0x3004], [0; 4]);
        // The input is untouched by both.
        assert_eq!(&ram.0[0x100..0x105], b"hello");
    }
}
