//! Decode errors and the answer OP-TEE 4.5 gives for each.

use supplicant_proto::optee_smc::{OPTEE_SMC_RETURN_EBADADDR, OPTEE_SMC_RETURN_EBADCMD};
use supplicant_proto::tee_result::{TEE_ERROR_BAD_PARAMETERS, TEE_ORIGIN_TEE};

/// Why a parameter list or meta parameter was rejected. All of these are
/// answered with `arg->ret = TEE_ERROR_BAD_PARAMETERS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadParam {
    /// OPEN_SESSION with fewer than two params (no room for the meta params).
    MissingMeta,
    /// A meta param whose `attr` is not exactly `VALUE_INPUT | META` (0x101).
    BadMetaAttr {
        /// Param index (0 or 1).
        index: usize,
        /// The attribute found.
        attr: u64,
    },
    /// OPEN_SESSION login value outside {0,1,2,4,5,6,0x8000_0000}.
    BadLogin(u64),
    /// More than `TEE_NUM_PARAMS` (4) TA params.
    TooManyTaParams(u32),
    /// The META flag on a TA param.
    MetaInTaParam {
        /// Param index in the message.
        index: usize,
    },
    /// A type code that is not NONE/VALUE_*/RMEM_*/TMEM_*.
    BadAttrType {
        /// Param index in the message.
        index: usize,
        /// The attribute found.
        attr: u64,
    },
    /// CLOSE_SESSION or CANCEL with params.
    UnexpectedParams(u32),
    /// REGISTER_SHM / UNREGISTER_SHM without exactly one param.
    WrongParamCount(u32),
    /// REGISTER_SHM whose param attr is not `TMEM_OUTPUT | NONCONTIG` (0x20A).
    BadRegisterAttr(u64),
    /// UNREGISTER_SHM whose param type is not RMEM_INPUT.
    BadUnregisterAttr(u64),
}

/// A message the decoder refused, with the answer OP-TEE gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgError {
    /// The buffer is shorter than the header, or than `32 + 32 * num_params`
    /// (OP-TEE: the struct does not fit the mapped area) -> SMC `EBADADDR`.
    Truncated {
        /// Bytes the message needs.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// `num_params > OPTEE_MSG_MAX_NUM_PARAMS` (127) -> SMC `EBADADDR`.
    TooManyParams(u32),
    /// Unknown `cmd` -> SMC `EBADCMD`.
    UnknownCommand(u32),
    /// The command is known but its params are bad -> `arg->ret =
    /// TEE_ERROR_BAD_PARAMETERS` (origin TEE where OP-TEE writes it).
    BadParameters {
        /// The command, to know which fields to write back.
        cmd: u32,
        /// What was wrong.
        reason: BadParam,
    },
}

/// How an error is reported to the normal world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The yielding SMC returns this a0; the arg is not written back.
    Smc(u32),
    /// The SMC returns `OPTEE_SMC_RETURN_OK`; the arg gets `ret` (and
    /// `ret_origin` when `Some`). Use [`crate::encode_error`] to write it.
    Ret {
        /// `TEE_Result` for `arg->ret`.
        ret: u32,
        /// `arg->ret_origin`, when OP-TEE writes it.
        origin: Option<u32>,
    },
}

impl MsgError {
    /// The answer OP-TEE 4.5 gives for this error.
    pub fn answer(&self) -> Answer {
        match self {
            MsgError::Truncated { .. } | MsgError::TooManyParams(_) => {
                Answer::Smc(OPTEE_SMC_RETURN_EBADADDR)
            }
            MsgError::UnknownCommand(_) => Answer::Smc(OPTEE_SMC_RETURN_EBADCMD),
            MsgError::BadParameters { reason, .. } => Answer::Ret {
                ret: TEE_ERROR_BAD_PARAMETERS,
                // OP-TEE's register_shm() writes only `ret`.
                origin: match reason {
                    BadParam::BadRegisterAttr(_) => None,
                    BadParam::WrongParamCount(_) if self.cmd() == Some(REGISTER) => None,
                    _ => Some(TEE_ORIGIN_TEE),
                },
            },
        }
    }

    /// The command the error belongs to, when it was known.
    pub fn cmd(&self) -> Option<u32> {
        match self {
            MsgError::BadParameters { cmd, .. } => Some(*cmd),
            MsgError::UnknownCommand(c) => Some(*c),
            _ => None,
        }
    }
}

const REGISTER: u32 = supplicant_proto::optee_msg::OPTEE_MSG_CMD_REGISTER_SHM;

impl core::fmt::Display for MsgError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MsgError::Truncated { needed, available } => {
                write!(
                    f,
                    "optee_msg_arg needs {needed} bytes, {available} available"
                )
            }
            MsgError::TooManyParams(n) => write!(f, "num_params {n} > 127"),
            MsgError::UnknownCommand(c) => write!(f, "unknown OPTEE_MSG cmd {c:#x}"),
            MsgError::BadParameters { cmd, reason } => {
                write!(f, "bad parameters for cmd {cmd}: {reason:?}")
            }
        }
    }
}
