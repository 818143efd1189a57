//! Passes the linker script and the TA-signing public keys to the secure OS build.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    if std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default() == "none" {
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
