//! The ioctl arguments as bytes: parameters to `tee_ioctl_param`, the open
//! and invoke arguments with their parameters appended, and back. Pure
//! functions, so the encoding is tested on any host.

use supplicant_proto::tee_ioctl::{
    TeeIoctlInvokeArg, TeeIoctlOpenSessionArg, TeeIoctlParam,
    TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT, TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT,
    TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT, TEE_IOCTL_PARAM_ATTR_TYPE_NONE,
    TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT, TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
    TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT,
};
use zerocopy::{FromBytes, IntoBytes};

use crate::Param;

/// Number of parameters of every call (GP's four).
pub(crate) const NUM_PARAMS: usize = 4;

/// `tee_ioctl_param`s for `params`; memory reference `i` lives at offset 0
/// of the shared memory `shm_ids[i]`.
pub(crate) fn encode_params(
    params: &[Param; NUM_PARAMS],
    shm_ids: &[Option<i32>; NUM_PARAMS],
) -> [TeeIoctlParam; NUM_PARAMS] {
    let mut out = [TeeIoctlParam::default(); NUM_PARAMS];
    for (i, (p, o)) in params.iter().zip(out.iter_mut()).enumerate() {
        let value = |attr, a: u32, b: u32| TeeIoctlParam {
            attr,
            a: u64::from(a),
            b: u64::from(b),
            c: 0,
        };
        let memref = |attr, len: usize| TeeIoctlParam {
            attr,
            a: 0,
            b: len as u64,
            // The id the kernel looks the memory up by (ids are non-negative).
            c: shm_ids[i].map_or(0, |id| id as u32 as u64),
        };
        *o = match p {
            Param::None => TeeIoctlParam {
                attr: TEE_IOCTL_PARAM_ATTR_TYPE_NONE,
                ..Default::default()
            },
            Param::ValueIn(a, b) => value(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT, *a, *b),
            // GP: an output value's input is undefined; send zeros.
            Param::ValueOut(..) => value(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT, 0, 0),
            Param::ValueInout(a, b) => value(TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT, *a, *b),
            Param::MemrefIn(d) => memref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT, d.len()),
            Param::MemrefOut(d, _) => memref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT, d.len()),
            Param::MemrefInout(d, _) => memref(TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT, d.len()),
        };
    }
    out
}

/// `head` followed by `params`, as one argument buffer.
fn with_params(head: &[u8], params: &[TeeIoctlParam; NUM_PARAMS]) -> Vec<u8> {
    let mut buf = head.to_vec();
    for p in params {
        buf.extend_from_slice(p.as_bytes());
    }
    buf
}

/// The `TEE_IOC_OPEN_SESSION` argument.
pub(crate) fn open_arg(
    head: &TeeIoctlOpenSessionArg,
    params: &[TeeIoctlParam; NUM_PARAMS],
) -> Vec<u8> {
    with_params(head.as_bytes(), params)
}

/// The `TEE_IOC_INVOKE` argument.
pub(crate) fn invoke_arg(
    head: &TeeIoctlInvokeArg,
    params: &[TeeIoctlParam; NUM_PARAMS],
) -> Vec<u8> {
    with_params(head.as_bytes(), params)
}

/// Splits an argument buffer the kernel wrote back into its head `H` and
/// the parameters; `None` if it is not `H` plus four parameters.
pub(crate) fn decode<H: FromBytes>(buf: &[u8]) -> Option<(H, [TeeIoctlParam; NUM_PARAMS])> {
    let (head, rest) = H::read_from_prefix(buf).ok()?;
    let params = <[TeeIoctlParam; NUM_PARAMS]>::read_from_bytes(rest).ok()?;
    Some((head, params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use supplicant_proto::tee_ioctl::TEE_IOCTL_LOGIN_USER;

    #[test]
    fn parameters_encode_as_the_kernel_reads_them() {
        let params = [
            Param::ValueIn(7, 8),
            Param::MemrefIn(vec![1, 2, 3]),
            Param::MemrefOut(vec![0; 10], 10),
            Param::ValueOut(5, 5),
        ];
        let e = encode_params(&params, &[None, Some(4), Some(9), None]);
        assert_eq!((e[0].attr, e[0].a, e[0].b, e[0].c), (1, 7, 8, 0));
        assert_eq!((e[1].attr, e[1].a, e[1].b, e[1].c), (5, 0, 3, 4));
        assert_eq!((e[2].attr, e[2].a, e[2].b, e[2].c), (6, 0, 10, 9));
        assert_eq!((e[3].attr, e[3].a, e[3].b), (2, 0, 0));
        let e = encode_params(&crate::no_params(), &[None; 4]);
        assert!(e.iter().all(|p| *p == TeeIoctlParam::default()));
    }

    #[test]
    fn open_argument_layout() {
        let head = TeeIoctlOpenSessionArg {
            uuid: [0xaa; 16],
            clnt_login: TEE_IOCTL_LOGIN_USER,
            cancel_id: 3,
            num_params: 4,
            ..Default::default()
        };
        let params = encode_params(
            &[
                Param::ValueInout(0x1122_3344, 2),
                Param::None,
                Param::None,
                Param::None,
            ],
            &[None; 4],
        );
        let buf = open_arg(&head, &params);
        assert_eq!(buf.len(), 56 + 4 * 32);
        assert_eq!(&buf[..16], &[0xaa; 16]);
        assert_eq!(
            &buf[32..36],
            &1u32.to_ne_bytes(),
            "clnt_login after both UUIDs"
        );
        assert_eq!(&buf[36..40], &3u32.to_ne_bytes(), "cancel_id");
        assert_eq!(&buf[52..56], &4u32.to_ne_bytes(), "num_params");
        assert_eq!(&buf[56..64], &3u64.to_ne_bytes(), "first attr: VALUE_INOUT");
        assert_eq!(&buf[64..72], &0x1122_3344u64.to_ne_bytes());
        // What the kernel writes back decodes.
        let mut back = buf.clone();
        back[44..48].copy_from_slice(&0xFFFF_0006u32.to_ne_bytes());
        back[48..52].copy_from_slice(&4u32.to_ne_bytes());
        let (h, p): (TeeIoctlOpenSessionArg, _) = decode(&back).unwrap();
        assert_eq!((h.ret, h.ret_origin), (0xFFFF_0006, 4));
        assert_eq!(p[0].a, 0x1122_3344);
        assert!(decode::<TeeIoctlOpenSessionArg>(&back[..100]).is_none());
    }

    #[test]
    fn invoke_argument_layout() {
        let head = TeeIoctlInvokeArg {
            func: 9,
            session: 0x55,
            num_params: 4,
            ..Default::default()
        };
        let buf = invoke_arg(&head, &encode_params(&crate::no_params(), &[None; 4]));
        assert_eq!(buf.len(), 24 + 4 * 32);
        assert_eq!(&buf[..4], &9u32.to_ne_bytes());
        assert_eq!(&buf[4..8], &0x55u32.to_ne_bytes());
        assert_eq!(&buf[20..24], &4u32.to_ne_bytes());
    }
}
