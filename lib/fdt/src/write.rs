//! DTB serializer: header, reservation block, structure block, strings block, in that order,
//! with no padding after the strings block.

use alloc::vec::Vec;
use oxtee_vec_map::VecMap;

use crate::parse::{
    FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_LAST_COMP_VERSION, FDT_MAGIC, FDT_PROP, FDT_VERSION,
    HEADER_SIZE,
};
use crate::tree::{Fdt, Node, MAX_DEPTH};
use crate::FdtError;

fn u32_of(v: usize) -> Result<u32, FdtError> {
    u32::try_from(v).map_err(|_| FdtError::TooLarge)
}

fn push32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn pad4(out: &mut Vec<u8>) {
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

/// Deduplicating strings-block builder.
#[derive(Default)]
struct Strings<'a> {
    bytes: Vec<u8>,
    offsets: VecMap<&'a str, u32>,
}

impl<'a> Strings<'a> {
    fn offset(&mut self, name: &'a str) -> Result<u32, FdtError> {
        if let Some(&o) = self.offsets.get(name) {
            return Ok(o);
        }
        let o = u32_of(self.bytes.len())?;
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.offsets.insert(name, o);
        Ok(o)
    }
}

fn emit_node_head<'a>(
    node: &'a Node,
    st: &mut Vec<u8>,
    strings: &mut Strings<'a>,
) -> Result<(), FdtError> {
    if node.name().as_bytes().contains(&0) {
        return Err(FdtError::BadName);
    }
    push32(st, FDT_BEGIN_NODE);
    st.extend_from_slice(node.name().as_bytes());
    st.push(0);
    pad4(st);
    for p in node.properties() {
        if p.name().as_bytes().contains(&0) {
            return Err(FdtError::BadName);
        }
        push32(st, FDT_PROP);
        push32(st, u32_of(p.value().len())?);
        push32(st, strings.offset(p.name())?);
        st.extend_from_slice(p.value());
        pad4(st);
    }
    Ok(())
}

impl Fdt {
    /// Serializes into a new compact blob (version 17, `last_comp_version` 16, `totalsize` =
    /// length of the returned vector). Fails if the tree is deeper than [`MAX_DEPTH`] or larger
    /// than 4 GiB.
    pub fn to_bytes(&self) -> Result<Vec<u8>, FdtError> {
        let mut st = Vec::new();
        let mut strings = Strings::default();

        // Iterative pre-order walk: (node, index of next child to visit).
        let mut stack: Vec<(&Node, usize)> = Vec::new();
        emit_node_head(&self.root, &mut st, &mut strings)?;
        stack.push((&self.root, 0));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            match node.children().get(next) {
                Some(child) => {
                    top.1 = next.checked_add(1).ok_or(FdtError::TooLarge)?;
                    if stack.len() >= MAX_DEPTH {
                        return Err(FdtError::TooDeep);
                    }
                    emit_node_head(child, &mut st, &mut strings)?;
                    stack.push((child, 0));
                }
                None => {
                    push32(&mut st, FDT_END_NODE);
                    stack.pop();
                }
            }
        }
        push32(&mut st, FDT_END);

        let rsv_len = self
            .reservations
            .len()
            .checked_add(1)
            .and_then(|n| n.checked_mul(16))
            .ok_or(FdtError::TooLarge)?;
        let off_rsv = HEADER_SIZE;
        let off_struct = off_rsv.checked_add(rsv_len).ok_or(FdtError::TooLarge)?;
        let off_strings = off_struct.checked_add(st.len()).ok_or(FdtError::TooLarge)?;
        let total = off_strings
            .checked_add(strings.bytes.len())
            .ok_or(FdtError::TooLarge)?;

        let mut out = Vec::with_capacity(total);
        push32(&mut out, FDT_MAGIC);
        push32(&mut out, u32_of(total)?);
        push32(&mut out, u32_of(off_struct)?);
        push32(&mut out, u32_of(off_strings)?);
        push32(&mut out, u32_of(off_rsv)?);
        push32(&mut out, FDT_VERSION);
        push32(&mut out, FDT_LAST_COMP_VERSION);
        push32(&mut out, self.boot_cpuid_phys);
        push32(&mut out, u32_of(strings.bytes.len())?);
        push32(&mut out, u32_of(st.len())?);
        for r in &self.reservations {
            out.extend_from_slice(&r.address.to_be_bytes());
            out.extend_from_slice(&r.size.to_be_bytes());
        }
        out.extend_from_slice(&[0u8; 16]);
        out.extend_from_slice(&st);
        out.extend_from_slice(&strings.bytes);
        Ok(out)
    }

    /// Serializes into `buf` (e.g. the DTB window in RAM); returns the number of bytes written
    /// (= `totalsize`). Bytes of `buf` after that are left untouched. Fails with
    /// [`FdtError::NoSpace`] without writing anything if the blob does not fit.
    pub fn write_into(&self, buf: &mut [u8]) -> Result<usize, FdtError> {
        let bytes = self.to_bytes()?;
        let available = buf.len();
        let dst = buf.get_mut(..bytes.len()).ok_or(FdtError::NoSpace {
            needed: bytes.len(),
            available,
        })?;
        dst.copy_from_slice(&bytes);
        Ok(bytes.len())
    }

    /// As [`Fdt::write_into`] over the blob already in `buf`, and zeroes what is left of the
    /// old blob after the new one (the old `totalsize`, read from `buf`'s header, bounded by
    /// `buf`), so that removed properties do not linger in memory.
    pub fn replace_in(&self, buf: &mut [u8]) -> Result<usize, FdtError> {
        let old_len = buf
            .get(4..8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| u32::from_be_bytes(b) as usize);
        let len = self.write_into(buf)?;
        let end = old_len.min(buf.len());
        if let Some(tail) = buf.get_mut(len..end) {
            tail.fill(0);
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReserveEntry;

    #[test]
    fn minimal_layout() {
        let mut f = Fdt::new();
        f.set_boot_cpuid_phys(3);
        f.reservations_mut().push(ReserveEntry {
            address: 0x1000,
            size: 0x2000,
        });
        f.root_mut().set_property_u32("#size-cells", 2).unwrap();
        f.ensure_node("/a")
            .unwrap()
            .set_property_u32("#size-cells", 1)
            .unwrap();
        let b = f.to_bytes().unwrap();
        let word = |o: usize| u32::from_be_bytes(b[o..o + 4].try_into().unwrap());
        assert_eq!(word(0), FDT_MAGIC);
        assert_eq!(word(4) as usize, b.len());
        assert_eq!(word(20), 17);
        assert_eq!(word(24), 16);
        assert_eq!(word(28), 3);
        // Strings are deduplicated: "#size-cells\0" once.
        assert_eq!(word(32), 12);
        assert_eq!(&b[b.len() - 12..], b"#size-cells\0");
        assert_eq!(Fdt::parse(&b).unwrap(), f);
    }

    #[test]
    fn replace_in_wipes_the_old_tail() {
        let mut big = Fdt::new();
        big.ensure_node("/chosen")
            .unwrap()
            .set_property("rng-seed", &[0x77; 40])
            .unwrap();
        let old = big.to_bytes().unwrap();
        let mut buf = vec![0xaau8; old.len() + 16];
        big.write_into(&mut buf).unwrap();
        let mut small = Fdt::parse(&buf).unwrap();
        small.remove_property("/chosen", "rng-seed").unwrap();
        let n = small.replace_in(&mut buf).unwrap();
        assert!(n < old.len());
        assert!(buf[n..old.len()].iter().all(|&b| b == 0));
        // Bytes past the old blob are not ours to touch.
        assert!(buf[old.len()..].iter().all(|&b| b == 0xaa));
        assert!(!buf.windows(4).any(|w| w == [0x77; 4]));
        assert_eq!(Fdt::parse(&buf).unwrap(), small);
        // A header claiming more than the buffer is bounded by it.
        let mut buf2 = old.clone();
        buf2[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(small.replace_in(&mut buf2), Ok(n));
        assert!(buf2[n..].iter().all(|&b| b == 0));
        // Too small: nothing written, nothing wiped.
        let mut tiny = vec![0x55u8; n - 1];
        assert!(small.replace_in(&mut tiny).is_err());
        assert!(tiny.iter().all(|&b| b == 0x55));
    }

    #[test]
    fn write_into_limits() {
        let mut f = Fdt::new();
        f.ensure_node("/chosen").unwrap();
        let n = f.to_bytes().unwrap().len();
        let mut small = vec![0xaau8; n - 1];
        assert_eq!(
            f.write_into(&mut small),
            Err(FdtError::NoSpace {
                needed: n,
                available: n - 1
            })
        );
        assert!(small.iter().all(|&b| b == 0xaa));
        let mut big = vec![0xaau8; n + 8];
        assert_eq!(f.write_into(&mut big), Ok(n));
        assert!(big[n..].iter().all(|&b| b == 0xaa));
        assert_eq!(Fdt::parse(&big).unwrap(), f);
    }
}
