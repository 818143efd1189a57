//! Passes the linker script, with the core region and sizes of the board's secure-OS layout, and
//! TA-signing public keys to the secure OS build.
use oxtee_qemu_virt::secure_os::{CORE_RAM, CPU_STACKS_SIZE, MIN_CORE_HEAP};

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    // The numbers the linker script uses, from the one description of the board, so the
    // image, its stacks and heap cannot drift from the TA frame pool above them.
    let layout = format!(
        "/* Written by build.rs from oxtee-qemu-virt's secure_os layout. */\n\
         MEMORY\n{{\n    CORE (rwx) : ORIGIN = {:#x}, LENGTH = {:#x}\n}}\n\
         CPU_STACKS_SIZE = {CPU_STACKS_SIZE:#x};\nMIN_CORE_HEAP = {MIN_CORE_HEAP:#x};\n",
        CORE_RAM.base, CORE_RAM.size
    );
    std::fs::write(format!("{out}/layout.ld"), layout).expect("write layout.ld");
    if std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default() == "none" {
        println!("cargo:rustc-link-arg=-L{out}");
        println!("cargo:rustc-link-arg=-L{dir}");
        println!("cargo:rustc-link-arg=-T{dir}/linker.ld");
        // Identical functions folded into one (generics instantiated alike in
        // several crates, drop glue of look-alike types): Rust promises no
        // distinct addresses for distinct functions, and the core compares
        // none. A panic's call stack may then name the twin of a function.
        println!("cargo:rustc-link-arg=--icf=all");
    }
    println!("cargo:rerun-if-changed=linker.ld");
    println!("cargo:rerun-if-changed=hot-text.ld");
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
