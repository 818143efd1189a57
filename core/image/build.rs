//! Passes the linker script, with the memory regions of the board's secure-OS layout, and the
//! TA-signing public keys to the secure OS build.
use oxtee_qemu_virt::secure_os::{CORE_HEAP, CORE_IMAGE, CPU_STACKS};

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    // The regions the linker script places sections in, taken from the one description of
    // the board so the image, its stacks and heap cannot drift from the TA frame pool.
    let mut layout = String::from("/* Written by build.rs from oxtee-qemu-virt. */\nMEMORY\n{\n");
    for (name, attrs, region) in [
        ("IMAGE", "rwx", CORE_IMAGE),
        ("STACKS", "rw", CPU_STACKS),
        ("HEAP", "rw", CORE_HEAP),
    ] {
        layout += &format!(
            "    {name} ({attrs}) : ORIGIN = {:#x}, LENGTH = {:#x}\n",
            region.base, region.size
        );
    }
    layout += "}\n";
    std::fs::write(format!("{out}/layout.ld"), layout).expect("write layout.ld");
    if std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default() == "none" {
        println!("cargo:rustc-link-arg=-L{out}");
        println!("cargo:rustc-link-arg=-T{dir}/linker.ld");
    }
    println!("cargo:rerun-if-changed=linker.ld");
    // Public keys a user TA's signature must chain to: `ta-pubkey --format
    // raw` output (length-prefixed modulus and exponent per key), given by
    // the build (`OXTEE_TA_KEYS`). Without it no TA is trusted.
    println!("cargo:rerun-if-env-changed=OXTEE_TA_KEYS");
    let keys = match std::env::var("OXTEE_TA_KEYS") {
        Ok(path) => {
            println!("cargo:rerun-if-changed={path}");
            std::fs::read(&path).unwrap_or_else(|e| panic!("OXTEE_TA_KEYS={path}: {e}"))
        }
        Err(_) => Vec::new(),
    };
    std::fs::write(format!("{out}/ta-keys.bin"), keys).expect("write ta-keys.bin");
}
