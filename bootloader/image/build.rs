//! Passes the linker script and the trusted public key to the firmware build.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "none" {
        println!("cargo:rustc-link-arg=-T{dir}/linker.ld");
    }
    println!("cargo:rerun-if-changed=linker.ld");
    // The Ed25519 key secure boot trusts: a raw 32-byte file. Production
    // builds pass their own with OXTEE_BL_PUBKEY; the default is the
    // development key committed in bootloader/keys/.
    let key = std::env::var("OXTEE_BL_PUBKEY")
        .unwrap_or_else(|_| format!("{dir}/../keys/dev-ed25519.pub.bin"));
    println!("cargo:rerun-if-env-changed=OXTEE_BL_PUBKEY");
    println!("cargo:rerun-if-changed={key}");
    println!("cargo:rustc-env=OXTEE_BL_PUBKEY={key}");
}
