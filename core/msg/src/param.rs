//! Typed message parameters.

use supplicant_proto::optee_msg::*;
use supplicant_proto::tee_result::TEE_NUM_PARAMS;

use crate::error::BadParam;

/// Direction of a value or memory-reference parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Normal world -> secure world.
    In,
    /// Secure world -> normal world.
    Out,
    /// Both ways.
    InOut,
}

impl Dir {
    /// True for `Out` and `InOut`: the secure side writes a result back.
    pub fn is_output(self) -> bool {
        matches!(self, Dir::Out | Dir::InOut)
    }

    /// True for `In` and `InOut`: the input contents are meaningful.
    pub fn is_input(self) -> bool {
        matches!(self, Dir::In | Dir::InOut)
    }

    /// Offset 0/1/2 for In/Out/InOut, as the type codes are laid out.
    fn index(self) -> u32 {
        match self {
            Dir::In => 0,
            Dir::Out => 1,
            Dir::InOut => 2,
        }
    }

    fn from_index(i: u64) -> Dir {
        match i {
            0 => Dir::In,
            1 => Dir::Out,
            _ => Dir::InOut,
        }
    }
}

/// One TA parameter as the normal world described it. Memory references
/// are descriptions only: nothing here has been checked against registered
/// or non-secure memory (that is `oxtee-shm`'s job).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Param {
    /// `OPTEE_MSG_ATTR_TYPE_NONE`.
    #[default]
    None,
    /// `VALUE_*`. `c` is carried but OP-TEE neither passes it to the TA nor
    /// writes it back.
    Value {
        /// Direction.
        dir: Dir,
        /// `value.a`.
        a: u64,
        /// `value.b`.
        b: u64,
        /// `value.c`.
        c: u64,
    },
    /// `TMEM_*`: memory by physical address. `buf_ptr == 0` is a NULL
    /// memref; it is normalised to `size = 0, noncontig = false` as OP-TEE
    /// hands it to the TA.
    Tmem {
        /// Direction.
        dir: Dir,
        /// PA of the data, or with `noncontig` the PA of the first page-list
        /// page ORed with the offset of the data in the first data page.
        buf_ptr: u64,
        /// Size in bytes.
        size: u64,
        /// Normal-world cookie.
        shm_ref: u64,
        /// `OPTEE_MSG_ATTR_NONCONTIG` was set.
        noncontig: bool,
    },
    /// `RMEM_*`: a window into memory registered earlier by REGISTER_SHM.
    Rmem {
        /// Direction.
        dir: Dir,
        /// Offset into the registered buffer.
        offs: u64,
        /// Size in bytes.
        size: u64,
        /// Cookie of the registered buffer.
        shm_ref: u64,
    },
}

impl Param {
    /// Parse one raw param at message index `index` the way OP-TEE's
    /// `copy_in_params` does: META is refused, the type byte selects the
    /// variant, other attribute bits (cache attributes, NONCONTIG on
    /// non-tmem types) are ignored.
    pub fn from_raw(raw: &OpteeMsgParam, index: usize) -> Result<Param, BadParam> {
        if raw.attr & OPTEE_MSG_ATTR_META != 0 {
            return Err(BadParam::MetaInTaParam { index });
        }
        let t = raw.attr_type();
        Ok(match t {
            OPTEE_MSG_ATTR_TYPE_NONE => Param::None,
            OPTEE_MSG_ATTR_TYPE_VALUE_INPUT..=OPTEE_MSG_ATTR_TYPE_VALUE_INOUT => Param::Value {
                dir: Dir::from_index(t - OPTEE_MSG_ATTR_TYPE_VALUE_INPUT),
                a: raw.u0,
                b: raw.u1,
                c: raw.u2,
            },
            OPTEE_MSG_ATTR_TYPE_RMEM_INPUT..=OPTEE_MSG_ATTR_TYPE_RMEM_INOUT => Param::Rmem {
                dir: Dir::from_index(t - OPTEE_MSG_ATTR_TYPE_RMEM_INPUT),
                offs: raw.u0,
                size: raw.u1,
                shm_ref: raw.u2,
            },
            OPTEE_MSG_ATTR_TYPE_TMEM_INPUT..=OPTEE_MSG_ATTR_TYPE_TMEM_INOUT => {
                let dir = Dir::from_index(t - OPTEE_MSG_ATTR_TYPE_TMEM_INPUT);
                if raw.u0 == 0 {
                    Param::Tmem {
                        dir,
                        buf_ptr: 0,
                        size: 0,
                        shm_ref: raw.u2,
                        noncontig: false,
                    }
                } else {
                    Param::Tmem {
                        dir,
                        buf_ptr: raw.u0,
                        size: raw.u1,
                        shm_ref: raw.u2,
                        noncontig: raw.attr & OPTEE_MSG_ATTR_NONCONTIG != 0,
                    }
                }
            }
            _ => {
                return Err(BadParam::BadAttrType {
                    index,
                    attr: raw.attr,
                })
            }
        })
    }

    /// Encode back into the raw layout (used by tests and by code that
    /// builds messages, e.g. RPC args).
    pub fn to_raw(&self) -> OpteeMsgParam {
        match *self {
            Param::None => OpteeMsgParam::default(),
            Param::Value { dir, a, b, c } => OpteeMsgParam {
                attr: OPTEE_MSG_ATTR_TYPE_VALUE_INPUT + u64::from(dir.index()),
                u0: a,
                u1: b,
                u2: c,
            },
            Param::Tmem {
                dir,
                buf_ptr,
                size,
                shm_ref,
                noncontig,
            } => OpteeMsgParam {
                attr: OPTEE_MSG_ATTR_TYPE_TMEM_INPUT
                    + u64::from(dir.index())
                    + if noncontig {
                        OPTEE_MSG_ATTR_NONCONTIG
                    } else {
                        0
                    },
                u0: buf_ptr,
                u1: size,
                u2: shm_ref,
            },
            Param::Rmem {
                dir,
                offs,
                size,
                shm_ref,
            } => OpteeMsgParam {
                attr: OPTEE_MSG_ATTR_TYPE_RMEM_INPUT + u64::from(dir.index()),
                u0: offs,
                u1: size,
                u2: shm_ref,
            },
        }
    }

    /// GP `TEE_PARAM_TYPE_*` of this param (TMEM and RMEM both map to MEMREF).
    pub fn tee_param_type(&self) -> u32 {
        use supplicant_proto::tee_result::*;
        match self {
            Param::None => TEE_PARAM_TYPE_NONE,
            Param::Value { dir, .. } => TEE_PARAM_TYPE_VALUE_INPUT + dir.index(),
            Param::Tmem { dir, .. } | Param::Rmem { dir, .. } => {
                TEE_PARAM_TYPE_MEMREF_INPUT + dir.index()
            }
        }
    }
}

/// Up to `TEE_NUM_PARAMS` (4) TA parameters, without allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ParamList {
    params: [Param; TEE_NUM_PARAMS],
    len: usize,
}

impl ParamList {
    /// An empty list.
    pub const fn new() -> Self {
        ParamList {
            params: [Param::None; TEE_NUM_PARAMS],
            len: 0,
        }
    }

    /// Build from a slice of at most 4 params.
    pub fn from_slice(params: &[Param]) -> Option<Self> {
        if params.len() > TEE_NUM_PARAMS {
            return None;
        }
        let mut list = ParamList::new();
        list.params[..params.len()].copy_from_slice(params);
        list.len = params.len();
        Some(list)
    }

    /// Number of params the message carried (0..=4).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the message carried no TA params.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The params, in message order.
    pub fn as_slice(&self) -> &[Param] {
        &self.params[..self.len]
    }

    /// All four GP slots (missing ones are `Param::None`).
    pub fn slots(&self) -> &[Param; TEE_NUM_PARAMS] {
        &self.params
    }

    /// GP `paramTypes` word (`TEE_PARAM_TYPES(t0, t1, t2, t3)`).
    pub fn tee_param_types(&self) -> u32 {
        self.params
            .iter()
            .enumerate()
            .fold(0, |acc, (i, p)| acc | p.tee_param_type() << (4 * i))
    }
}
