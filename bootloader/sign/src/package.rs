//! Building, tampering with and describing signed packages.

use anyhow::{bail, ensure, Context, Result};
use ed25519_dalek::{Signer, SigningKey};
use oxtee_boot::{verify, Policy};
use sha2::{Digest, Sha256};
use supplicant_proto::secure_package::{
    PackageHeader, BL32_LOAD_END, BL32_LOAD_START, HEADER_SIZE, PACKAGE_FORMAT_VERSION,
    PACKAGE_MAGIC, SIGNED_LEN, SLOT_MAX_PAYLOAD,
};
use supplicant_proto::tee_header::{parse_header_v2, OPTEE_ARCH_ARM64};
use zerocopy::{FromBytes, FromZeros, IntoBytes};

use crate::keys;

/// Where the payload runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Placement {
    /// Load address.
    pub(crate) load_addr: u64,
    /// Entry address.
    pub(crate) entry: u64,
}

/// Checks an OP-TEE header v2 against its pager (and optional pageable)
/// binary and returns where the pager runs.
pub(crate) fn optee_placement(
    header: &[u8],
    pager: &[u8],
    pageable: Option<&[u8]>,
) -> Result<Placement> {
    let image = parse_header_v2(header)
        .map_err(|e| anyhow::anyhow!("not a valid OP-TEE header v2: {e:?}"))?;
    if image.paged_size != 0 || pageable.is_some_and(|p| !p.is_empty()) {
        bail!(
            "OP-TEE image has a pageable part ({} bytes): paging is not supported, \
             build OP-TEE without CFG_WITH_PAGER",
            image.paged_size.max(pageable.map_or(0, |p| p.len() as u32))
        );
    }
    ensure!(
        image.arch == OPTEE_ARCH_ARM64,
        "OP-TEE image is not AArch64 (arch {}): only AArch64 BL32 is supported",
        image.arch
    );
    ensure!(
        usize::try_from(image.size).ok() == Some(pager.len()),
        "pager size mismatch: header says {} bytes, pager file has {}",
        image.size,
        pager.len()
    );
    ensure!(
        image.load_addr != u64::MAX,
        "OP-TEE header leaves the load address to the loader; wrap it with --raw --load-addr"
    );
    Ok(Placement {
        load_addr: image.load_addr,
        entry: image.load_addr,
    })
}

/// Builds and signs a package, then checks it with the firmware's verifier.
pub(crate) fn wrap(
    key: &SigningKey,
    version: u32,
    place: Placement,
    payload: &[u8],
) -> Result<Vec<u8>> {
    ensure!(
        payload.len() <= SLOT_MAX_PAYLOAD,
        "payload of {} bytes does not fit a slot (max {SLOT_MAX_PAYLOAD})",
        payload.len()
    );
    let public = keys::public_raw(key);
    let mut h = PackageHeader::new_zeroed();
    h.magic = PACKAGE_MAGIC;
    h.format_version = PACKAGE_FORMAT_VERSION;
    h.header_size = HEADER_SIZE as u16;
    h.rollback_version = version;
    h.load_addr = place.load_addr;
    h.entry = place.entry;
    h.payload_len = payload.len() as u64;
    h.payload_sha256 = Sha256::digest(payload).into();
    h.key_id = keys::key_id(&public);
    h.signature = key.sign(h.signed_bytes()).to_bytes();
    let mut out = Vec::with_capacity(HEADER_SIZE + payload.len());
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(payload);
    // Self-check with any load window: catches an entry outside the image.
    let anywhere = Policy {
        trusted_key: public,
        min_version: 0,
        load_start: 0,
        load_end: u64::MAX,
    };
    verify(&out, &anywhere).map_err(|r| anyhow::anyhow!("{r}"))?;
    Ok(out)
}

/// `true` when the package runs inside the QEMU virt BL32 window.
pub(crate) fn in_bl32_window(place: Placement, payload_len: usize) -> bool {
    let end = place.load_addr.checked_add(payload_len as u64);
    place.load_addr >= BL32_LOAD_START && end.is_some_and(|e| e <= BL32_LOAD_END)
}

/// What `tamper` breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Tamper {
    /// Flip one bit of the signature.
    Signature,
    /// Flip one bit in the middle of the payload.
    Payload,
    /// Drop the second half of the payload (at least one byte).
    Truncate,
}

/// Returns a broken copy of `package`.
pub(crate) fn tamper(package: &[u8], what: Tamper) -> Result<Vec<u8>> {
    let (hdr, payload) = PackageHeader::read_from_prefix(package)
        .map_err(|_| anyhow::anyhow!("input is shorter than a package header"))?;
    ensure!(
        hdr.magic == PACKAGE_MAGIC,
        "input is not a package (bad magic)"
    );
    let mut out = package.to_vec();
    match what {
        Tamper::Signature => {
            let at = SIGNED_LEN + 7;
            if let Some(b) = out.get_mut(at) {
                *b ^= 0x01;
            }
        }
        Tamper::Payload => {
            ensure!(!payload.is_empty(), "package has no payload to tamper with");
            let at = HEADER_SIZE + payload.len() / 2;
            if let Some(b) = out.get_mut(at) {
                *b ^= 0x01;
            }
        }
        Tamper::Truncate => {
            ensure!(!payload.is_empty(), "package has no payload to truncate");
            out.truncate(HEADER_SIZE + payload.len() / 2);
        }
    }
    Ok(out)
}

/// Human-readable header fields.
pub(crate) fn describe(package: &[u8]) -> Result<String> {
    let (h, rest) = PackageHeader::read_from_prefix(package).map_err(|_| {
        anyhow::anyhow!(
            "{} bytes: shorter than a package header ({HEADER_SIZE})",
            package.len()
        )
    })?;
    let magic = h.magic.to_le_bytes();
    Ok(format!(
        "magic            {:?}\n\
         format version   {}\n\
         header size      {}\n\
         rollback version {}\n\
         flags            {:#x}\n\
         load address     {:#x}\n\
         entry            {:#x}\n\
         payload length   {} (file has {})\n\
         payload sha256   {}\n\
         key id           {}\n\
         signature        {}\n",
        String::from_utf8_lossy(&magic),
        h.format_version,
        h.header_size,
        h.rollback_version,
        h.flags,
        h.load_addr,
        h.entry,
        h.payload_len,
        rest.len(),
        keys::hex(&h.payload_sha256),
        keys::hex(&h.key_id),
        keys::hex(&h.signature),
    ))
}

/// Reads a file, naming it in the error.
pub(crate) fn read(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

#[cfg(test)]
mod tests;
