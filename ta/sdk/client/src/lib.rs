#![doc = include_str!("../README.md")]

mod abi;
mod sys;

use std::fmt;
use std::io;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU32, Ordering};

use supplicant_proto::tee_ioctl::{
    TeeIoctlBufData, TeeIoctlCancelArg, TeeIoctlCloseSessionArg, TeeIoctlInvokeArg,
    TeeIoctlOpenSessionArg, TeeIoctlParam, TeeIoctlVersionData, TEE_GEN_CAP_GP,
    TEE_IOCTL_LOGIN_GROUP, TEE_IOCTL_LOGIN_PUBLIC, TEE_IOCTL_LOGIN_USER, TEE_IOC_CANCEL,
    TEE_IOC_CLOSE_SESSION, TEE_IOC_INVOKE, TEE_IOC_OPEN_SESSION, TEE_IOC_VERSION,
};
use supplicant_proto::tee_result::{
    TEE_ERROR_BAD_PARAMETERS, TEE_ERROR_COMMUNICATION, TEE_ERROR_GENERIC, TEE_ERROR_ITEM_NOT_FOUND,
    TEE_ERROR_NOT_SUPPORTED, TEE_ERROR_OUT_OF_MEMORY, TEE_ORIGIN_API, TEE_ORIGIN_COMMS,
};
use zerocopy::IntoBytes;

use abi::NUM_PARAMS;

/// A failed call: the `TEEC_Result` and its `TEEC_ORIGIN_*`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error {
    /// `TEEC_ERROR_*`.
    pub code: u32,
    /// `TEEC_ORIGIN_API`, `_COMMS`, `_TEE` or `_TRUSTED_APP`.
    pub origin: u32,
}

impl Error {
    fn api(code: u32) -> Error {
        Error {
            code,
            origin: TEE_ORIGIN_API,
        }
    }

    /// A failed ioctl, mapped as libteec maps it.
    fn comms(e: &io::Error) -> Error {
        let code = match e.raw_os_error() {
            Some(libc::ENOMEM) => TEE_ERROR_OUT_OF_MEMORY,
            Some(libc::EINVAL) => TEE_ERROR_BAD_PARAMETERS,
            _ => TEE_ERROR_GENERIC,
        };
        Error {
            code,
            origin: TEE_ORIGIN_COMMS,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:#010x}, origin {})", self.code, self.origin)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TEE error {:#010x} (origin {})", self.code, self.origin)
    }
}

impl std::error::Error for Error {}

/// A TA's UUID (RFC 4122 octets, as `TEEC_UUID` travels to the kernel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// From text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    pub fn parse(s: &str) -> Result<Uuid, Error> {
        supplicant_proto::ta_head::tee_uuid_octets(s)
            .map(Uuid)
            .map_err(|_| Error::api(TEE_ERROR_BAD_PARAMETERS))
    }
}

/// How the session's client identifies itself (`TEEC_LOGIN_*`); the kernel
/// fills in the identity, so a client cannot claim another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// `TEEC_LOGIN_PUBLIC`: nobody in particular.
    Public,
    /// `TEEC_LOGIN_USER`: the calling process's uid.
    User,
    /// `TEEC_LOGIN_GROUP` for group `gid` (the caller must be in it).
    Group(u32),
}

/// One parameter of a call, from the client's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// `TEEC_NONE`.
    None,
    /// `TEEC_VALUE_INPUT`.
    ValueIn(u32, u32),
    /// `TEEC_VALUE_OUTPUT`: what the TA wrote.
    ValueOut(u32, u32),
    /// `TEEC_VALUE_INOUT`.
    ValueInout(u32, u32),
    /// `TEEC_MEMREF_TEMP_INPUT`.
    MemrefIn(Vec<u8>),
    /// `TEEC_MEMREF_TEMP_OUTPUT`: the buffer (its length is the capacity)
    /// and the size the TA reported (larger after `TEEC_ERROR_SHORT_BUFFER`).
    MemrefOut(Vec<u8>, usize),
    /// `TEEC_MEMREF_TEMP_INOUT`: as `MemrefOut`, with input.
    MemrefInout(Vec<u8>, usize),
}

impl Param {
    /// An output buffer of `capacity` bytes.
    pub fn out(capacity: usize) -> Param {
        Param::MemrefOut(vec![0; capacity], capacity)
    }

    /// An input buffer holding `data`.
    pub fn input(data: &[u8]) -> Param {
        Param::MemrefIn(data.to_vec())
    }

    /// An in/out buffer holding `data`.
    pub fn inout(data: &[u8]) -> Param {
        Param::MemrefInout(data.to_vec(), data.len())
    }

    /// What the TA wrote to an output buffer (`None` when it reported more
    /// than fits, or for other types).
    pub fn output(&self) -> Option<&[u8]> {
        match self {
            Param::MemrefOut(buf, size) | Param::MemrefInout(buf, size) => buf.get(..*size),
            _ => None,
        }
    }

    /// The size the TA reported for an output buffer.
    pub fn size(&self) -> Option<usize> {
        match self {
            Param::MemrefOut(_, size) | Param::MemrefInout(_, size) => Some(*size),
            _ => None,
        }
    }

    /// `(a, b)` of a value parameter.
    pub fn value(&self) -> Option<(u32, u32)> {
        match *self {
            Param::ValueIn(a, b) | Param::ValueOut(a, b) | Param::ValueInout(a, b) => Some((a, b)),
            _ => None,
        }
    }

    fn buffer(&self) -> Option<&[u8]> {
        match self {
            Param::MemrefIn(b) | Param::MemrefOut(b, _) | Param::MemrefInout(b, _) => Some(b),
            _ => None,
        }
    }
}

/// No parameters.
pub fn no_params() -> [Param; NUM_PARAMS] {
    [Param::None, Param::None, Param::None, Param::None]
}

/// `TEEC_Context`: an open TEE device.
pub struct Context {
    dev: OwnedFd,
    version: TeeIoctlVersionData,
}

// Ids that name requests for `TEE_IOC_CANCEL`, unique in the process.
static NEXT_CANCEL_ID: AtomicU32 = AtomicU32::new(1);

impl Context {
    /// Opens the first TEE device that speaks the GP client API
    /// (`/dev/tee0`..`/dev/tee15`); `TEEC_ERROR_ITEM_NOT_FOUND` if none does.
    pub fn open() -> Result<Context, Error> {
        (0..16)
            .find_map(|i| Context::open_path(&format!("/dev/tee{i}")).ok())
            .ok_or(Error::api(TEE_ERROR_ITEM_NOT_FOUND))
    }

    /// Opens the TEE device at `path`; `TEEC_ERROR_NOT_SUPPORTED` if it does
    /// not speak the GP client API (e.g. a supplicant's `/dev/teepriv*`).
    pub fn open_path(path: &str) -> Result<Context, Error> {
        let dev = sys::open(path).map_err(|e| Error::comms(&e))?;
        let mut version = TeeIoctlVersionData::default();
        sys::ioctl(&dev, TEE_IOC_VERSION, version.as_mut_bytes()).map_err(|e| Error::comms(&e))?;
        if version.gen_caps & TEE_GEN_CAP_GP == 0 {
            return Err(Error::api(TEE_ERROR_NOT_SUPPORTED));
        }
        Ok(Context { dev, version })
    }

    /// What `TEE_IOC_VERSION` answered (`impl_id`: `TEE_IMPL_ID_OPTEE` for
    /// both oxtee and OP-TEE).
    pub fn version(&self) -> TeeIoctlVersionData {
        self.version
    }

    /// `TEEC_OpenSession` to TA `uuid` with `login` and `params`.
    pub fn open_session(
        &self,
        uuid: &Uuid,
        login: Login,
        params: &mut [Param; NUM_PARAMS],
    ) -> Result<Session<'_>, Error> {
        let (clnt_login, clnt_uuid) = match login {
            Login::Public => (TEE_IOCTL_LOGIN_PUBLIC, [0; 16]),
            Login::User => (TEE_IOCTL_LOGIN_USER, [0; 16]),
            // The kernel reads the group id from the first four bytes.
            Login::Group(gid) => {
                let mut u = [0u8; 16];
                u[..4].copy_from_slice(&gid.to_ne_bytes());
                (TEE_IOCTL_LOGIN_GROUP, u)
            }
        };
        let head = TeeIoctlOpenSessionArg {
            uuid: uuid.0,
            clnt_uuid,
            clnt_login,
            cancel_id: NEXT_CANCEL_ID.fetch_add(1, Ordering::Relaxed),
            num_params: NUM_PARAMS as u32,
            ..Default::default()
        };
        let (h, _) = self.call(params, |p| abi::open_arg(&head, p), TEE_IOC_OPEN_SESSION)?;
        let h: TeeIoctlOpenSessionArg = h;
        result(h.ret, h.ret_origin)?;
        Ok(Session {
            ctx: self,
            id: h.session,
        })
    }

    /// Runs one `OPEN_SESSION` or `INVOKE` with `params` copied through
    /// shared memory, and copies the outputs back.
    fn call<H: zerocopy::FromBytes>(
        &self,
        params: &mut [Param; NUM_PARAMS],
        build: impl FnOnce(&[TeeIoctlParam; NUM_PARAMS]) -> Vec<u8>,
        request: u32,
    ) -> Result<(H, [TeeIoctlParam; NUM_PARAMS]), Error> {
        let mut shms: [Option<sys::Shm>; NUM_PARAMS] = [None, None, None, None];
        for (p, slot) in params.iter().zip(shms.iter_mut()) {
            if let Some(buf) = p.buffer() {
                let mut shm =
                    sys::Shm::alloc(&self.dev, buf.len()).map_err(|e| Error::comms(&e))?;
                if !matches!(p, Param::MemrefOut(..)) {
                    shm.write(buf);
                }
                *slot = Some(shm);
            }
        }
        let ids = [0, 1, 2, 3].map(|i| shms[i].as_ref().map(|s| s.id));
        let mut arg = build(&abi::encode_params(params, &ids));
        let mut buf = TeeIoctlBufData {
            buf_ptr: arg.as_mut_ptr() as u64,
            buf_len: arg.len() as u64,
        };
        sys::ioctl(&self.dev, request, buf.as_mut_bytes()).map_err(|e| Error::comms(&e))?;
        let (head, out) = abi::decode::<H>(&arg).ok_or(Error {
            code: TEE_ERROR_COMMUNICATION,
            origin: TEE_ORIGIN_COMMS,
        })?;
        for (i, p) in params.iter_mut().enumerate() {
            let o = &out[i];
            match p {
                Param::ValueOut(a, b) | Param::ValueInout(a, b) => {
                    *a = o.a as u32;
                    *b = o.b as u32;
                }
                Param::MemrefOut(data, size) | Param::MemrefInout(data, size) => {
                    *size = usize::try_from(o.b).unwrap_or(usize::MAX);
                    if let (Some(shm), Some(n)) = (&shms[i], data.get_mut(..*size)) {
                        shm.read(n);
                    }
                }
                _ => {}
            }
        }
        Ok((head, out))
    }

    /// `TEEC_RequestCancellation` of the request with `cancel_id` in `session`.
    fn cancel(&self, cancel_id: u32, session: u32) -> Result<(), Error> {
        let mut arg = TeeIoctlCancelArg { cancel_id, session };
        sys::ioctl(&self.dev, TEE_IOC_CANCEL, arg.as_mut_bytes()).map_err(|e| Error::comms(&e))?;
        Ok(())
    }
}

fn result(code: u32, origin: u32) -> Result<(), Error> {
    if code == 0 {
        Ok(())
    } else {
        Err(Error { code, origin })
    }
}

/// `TEEC_Session`: closed when dropped.
pub struct Session<'a> {
    ctx: &'a Context,
    id: u32,
}

impl Session<'_> {
    /// `TEEC_InvokeCommand`.
    pub fn invoke(&mut self, command: u32, params: &mut [Param; NUM_PARAMS]) -> Result<(), Error> {
        let head = TeeIoctlInvokeArg {
            func: command,
            session: self.id,
            cancel_id: NEXT_CANCEL_ID.fetch_add(1, Ordering::Relaxed),
            num_params: NUM_PARAMS as u32,
            ..Default::default()
        };
        let (h, _) = self
            .ctx
            .call(params, |p| abi::invoke_arg(&head, p), TEE_IOC_INVOKE)?;
        let h: TeeIoctlInvokeArg = h;
        result(h.ret, h.ret_origin)
    }

    /// Asks the TEE to cancel this session's request with `cancel_id`
    /// (`TEEC_RequestCancellation`; the TA sees it if it unmasked it).
    pub fn request_cancellation(&self, cancel_id: u32) -> Result<(), Error> {
        self.ctx.cancel(cancel_id, self.id)
    }

    /// The session id the kernel gave.
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let mut arg = TeeIoctlCloseSessionArg { session: self.id };
        // Nothing to do if the kernel already forgot the session.
        let _ = sys::ioctl(&self.ctx.dev, TEE_IOC_CLOSE_SESSION, arg.as_mut_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_travel_as_rfc4122_octets() {
        let u = Uuid::parse("a7b321a8-0a28-4992-83bd-b757bbc3d4cd").unwrap();
        assert_eq!(&u.0[..4], &[0xa7, 0xb3, 0x21, 0xa8]);
        assert_eq!(
            Uuid::parse("nope"),
            Err(Error::api(TEE_ERROR_BAD_PARAMETERS))
        );
    }

    #[test]
    fn failed_ioctls_map_as_libteec() {
        let e = |n| Error::comms(&io::Error::from_raw_os_error(n));
        assert_eq!(e(libc::ENOMEM).code, TEE_ERROR_OUT_OF_MEMORY);
        assert_eq!(e(libc::EINVAL).code, TEE_ERROR_BAD_PARAMETERS);
        assert_eq!(
            e(libc::EIO),
            Error {
                code: TEE_ERROR_GENERIC,
                origin: TEE_ORIGIN_COMMS
            }
        );
    }

    #[test]
    fn no_device_is_an_error_not_a_panic() {
        let e = Context::open_path("/nonexistent/tee0").err().unwrap();
        assert_eq!(e.origin, TEE_ORIGIN_COMMS);
        // A file that is not a TEE answers the version ioctl with an error.
        assert!(Context::open_path("/dev/null").is_err());
    }

    #[test]
    fn output_accessors() {
        let p = Param::MemrefOut(vec![1, 2, 3], 2);
        assert_eq!(p.output(), Some(&[1u8, 2][..]));
        assert_eq!(Param::MemrefOut(vec![0; 3], 9).output(), None);
        assert_eq!(Param::ValueOut(4, 5).value(), Some((4, 5)));
    }
}
