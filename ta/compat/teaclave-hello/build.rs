//! Teaclave's build step, unchanged: ta_head, properties and heap from the
//! TA's configuration, the link script and libraries from TA_DEV_KIT_DIR
//! (here oxtee's export-ta_arm64).
fn main() -> Result<(), optee_utee_build::Error> {
    let config = optee_utee_build::TaConfig::new_default_with_cargo_env(
        "9e3a8c2f-3b7d-4e51-a1c6-0d2f7b5e9a14",
    )?;
    optee_utee_build::build(config)
}
