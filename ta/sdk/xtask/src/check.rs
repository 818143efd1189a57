//! Layout checks of a linked TA: what OP-TEE 4.5's ldelf and oxtee's loader
//! (`oxtee-elf`) need, read back from the file itself.

use std::fmt;

use anyhow::{bail, ensure, Context, Result};
use oxtee_elf::{parse, R_AARCH64_RELATIVE};
use supplicant_proto::ta_head::{
    TaHead, TA_HEAD_NO_DEPR_ENTRY, TA_PROP_STR_DATA_SIZE, TA_PROP_STR_STACK_SIZE,
};
use supplicant_proto::tee_syscall::USER_TA_PROP_TYPE_U32;
use zerocopy::FromBytes;

/// What the checks found.
#[derive(Debug)]
pub(crate) struct Report {
    /// The UUID in `ta_head`, as RFC 4122 octets.
    pub(crate) uuid: [u8; 16],
    pub(crate) head: TaHead,
    pub(crate) heap_size: u32,
    pub(crate) relocations: usize,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ta_head ok (stack {} B, flags {:#x}), heap {} B, {} relative relocations",
            self.head.stack_size, self.head.flags, self.heap_size, self.relocations
        )
    }
}

/// Checks `elf` and returns what it declares.
pub(crate) fn check_ta_elf(elf: &[u8]) -> Result<Report> {
    // The loaders' own checks first: header fields, segments, dynamic tables.
    let ta = parse(elf).map_err(|e| anyhow::anyhow!("oxtee-elf refuses the TA: {e:?}"))?;
    let head = ta.ta_head.context("no ta_head (symbol or section)")?;
    ensure!(!ta.legacy, "ta_head.depr_entry is not all-ones");
    ensure!(
        head.vaddr == 0,
        "ta_head at {:#x}; OP-TEE's loader reads it at the image start",
        head.vaddr
    );
    let first = ta.segments.first().context("no load segment")?;
    ensure!(first.vaddr == 0, "first load segment does not start at 0");
    // OP-TEE 3.x loaders took an entry of 0x20 (just after ta_head) for a legacy TA.
    ensure!(
        ta.entry != 0x20,
        "entry point at 0x20 looks like a legacy TA"
    );
    ensure!(
        ta.dynamic.needed.is_empty(),
        "TA needs shared libraries, which the SDK does not build"
    );
    for r in &ta.dynamic.relocations {
        if r.kind != R_AARCH64_RELATIVE {
            bail!(
                "relocation type {} at {:#x}: the SDK's TAs only use R_AARCH64_RELATIVE",
                r.kind,
                r.offset
            );
        }
    }
    // The raw ta_head must say the same as the parsed one.
    let raw_head = raw_ta_head(elf, first.offset)?;
    ensure!(raw_head.depr_entry == TA_HEAD_NO_DEPR_ENTRY, "depr_entry");
    ensure!(
        raw_head.stack_size == head.stack_size,
        "stack size mismatch"
    );
    ensure!(raw_head.flags == head.flags, "flags mismatch");

    // Properties, read after relocating at an arbitrary base as a loader would.
    let base = 0x4012_3000u64;
    let mut image = ta
        .load_image(elf)
        .map_err(|e| anyhow::anyhow!("loading the image: {e:?}"))?;
    ta.apply_relocations(&mut image, base, &|_| None)
        .map_err(|e| anyhow::anyhow!("relocating: {e:?}"))?;
    let props = ta
        .properties(&image, base)
        .map_err(|e| anyhow::anyhow!("reading ta_props: {e:?}"))?
        .context("ta_props/ta_num_props not exported")?;
    let u32_prop = |name: &str| -> Result<u32> {
        let p = props
            .iter()
            .find(|p| p.name == name)
            .with_context(|| format!("property {name} missing"))?;
        ensure!(
            p.kind == USER_TA_PROP_TYPE_U32,
            "property {name} is not a u32"
        );
        let b: [u8; 4] = p.value.as_slice().try_into().context("u32 property size")?;
        Ok(u32::from_le_bytes(b))
    };
    ensure!(
        u32_prop(TA_PROP_STR_STACK_SIZE)? == head.stack_size,
        "gpd.ta.stackSize differs from ta_head"
    );
    let heap_size = u32_prop(TA_PROP_STR_DATA_SIZE)?;
    Ok(Report {
        uuid: head.uuid.to_octets(),
        head: raw_head,
        heap_size,
        relocations: ta.dynamic.relocations.len(),
    })
}

fn raw_ta_head(elf: &[u8], offset: u64) -> Result<TaHead> {
    let off = usize::try_from(offset)?;
    let bytes = elf
        .get(off..off.checked_add(32).context("ta_head offset")?)
        .context("ta_head outside the file")?;
    TaHead::read_from_bytes(bytes).map_err(|_| anyhow::anyhow!("ta_head size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_elf_input_is_refused() {
        assert!(check_ta_elf(b"").is_err());
        assert!(check_ta_elf(b"\x7fELF").is_err());
        assert!(check_ta_elf(&[0u8; 4096]).is_err());
    }

    fn patched(elf: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
        let mut v = elf.to_vec();
        v[at..at + bytes.len()].copy_from_slice(bytes);
        v
    }

    /// The TA `cargo xtask build-ta` produced (`make sdk-test` passes its path in
    /// `OXTEE_SDK_TA_ELF`) passes, and each single-field corruption a loader
    /// would refuse or misread is refused.
    #[test]
    #[ignore = "needs a built TA: make sdk-test runs it"]
    fn built_ta_and_its_mutants() {
        let path = std::env::var("OXTEE_SDK_TA_ELF")
            .expect("OXTEE_SDK_TA_ELF must name the ELF build-ta wrote");
        let elf = std::fs::read(&path).expect("reading the built TA");
        let report = check_ta_elf(&elf).expect("the built TA passes");
        assert!(
            report.relocations > 0,
            "a PIE with data pointers has relocations"
        );
        assert_eq!(report.head.depr_entry, TA_HEAD_NO_DEPR_ENTRY);

        let ta = parse(&elf).unwrap();
        let head_off = ta.segments[0].offset as usize;
        let mutants: Vec<(&str, Vec<u8>)> = vec![
            ("OSABI GNU", patched(&elf, 7, &[3])),
            ("ET_EXEC", patched(&elf, 16, &2u16.to_le_bytes())),
            ("entry at 0x20", patched(&elf, 24, &0x20u64.to_le_bytes())),
            (
                "unknown flag",
                patched(&elf, head_off + 20, &0x4000u32.to_le_bytes()),
            ),
            (
                "legacy depr_entry",
                patched(&elf, head_off + 24, &0x40u64.to_le_bytes()),
            ),
            ("truncated", elf[..elf.len() / 2].to_vec()),
        ];
        for (what, bytes) in mutants {
            assert!(check_ta_elf(&bytes).is_err(), "{what} accepted");
        }
    }
}
