SUMMARY = "oxtee: a Trusted OS for Arm TrustZone in Rust, in place of OP-TEE OS"
DESCRIPTION = "Secure-world OS answering OP-TEE's interfaces (OP-TEE's SMC ABI, \
tee-supplicant RPCs, signed TAs), built with OP-TEE OS's make interface."
HOMEPAGE = "https://github.com/oxtee/oxtee"

# oxtee itself, and the licenses of the vendored crates linked into the
# core and the TAs (vendor/*/Cargo.toml: most are MIT or Apache-2.0;
# curve25519-dalek, ed25519-dalek, x25519-dalek and subtle are
# BSD-3-Clause; generic-array, libm and spin are MIT).
LICENSE = "BSD-2-Clause & (MIT | Apache-2.0) & BSD-3-Clause & MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=a23ec69fc407f467809fdb25874ef475"

# Takes OP-TEE OS's place for everything that depends on it (TF-A's BL32,
# images installing optee-os-ta). Select it with
# PREFERRED_PROVIDER_optee-os = "oxtee".
PROVIDES = "optee-os"
RPROVIDES:${PN} += "optee-os"
RPROVIDES:${PN}-ta += "optee-os-ta"

# The release tarball of `make dist`: the sources, every crate vendored and
# a .cargo/config.toml pointing at them, so do_compile needs no network
# (no crate:// fetches, no Cargo.lock resolution). Set the checksum from
# the oxtee-${PV}.tar.gz.sha256 file next to the tarball.
SRC_URI = "https://github.com/oxtee/oxtee/releases/download/v${PV}/oxtee-${PV}.tar.gz"
SRC_URI[sha256sum] = "0000000000000000000000000000000000000000000000000000000000000000"
S = "${@d.getVar('UNPACKDIR') or d.getVar('WORKDIR')}/oxtee-${PV}"
B = "${WORKDIR}/build"

# oxtee runs on QEMU's virt machine (qemuarm64, also qemuarm64-secureboot).
COMPATIBLE_MACHINE = "qemuarm64"
PACKAGE_ARCH = "${MACHINE_ARCH}"

inherit deploy

# A Rust toolchain directory (bin/cargo, bin/rustc) with the targets
# aarch64-unknown-none-softfloat (core) and aarch64-unknown-none (TAs)
# installed, Rust 1.82 or newer: oe-core's rust-native has no core/alloc
# for bare-metal targets (README.md, "Rust").
OXTEE_RUST_TOOLCHAIN ??= ""
# RSA key (PEM) that signs the TAs this recipe ships and that the core
# trusts. Default: the key of OP-TEE's TA dev kit (optee-os-tadevkit),
# so TAs built with that kit (optee-test, optee-examples) load too; it is
# a development key, replace it for a product.
OXTEE_TA_SIGN_KEY ??= "${STAGING_INCDIR}/optee/export-user_ta/keys/default_ta.pem"
DEPENDS += "optee-os-tadevkit"

python () {
    if not d.getVar('OXTEE_RUST_TOOLCHAIN'):
        raise bb.parse.SkipRecipe("set OXTEE_RUST_TOOLCHAIN to a Rust toolchain with the aarch64-unknown-none and aarch64-unknown-none-softfloat targets (meta-oxtee README)")
    # OP-TEE links early TAs (meta-arm's fTPM) into its core; oxtee cannot,
    # and an image without the TPM it was configured for must not build.
    if bb.utils.contains('MACHINE_FEATURES', 'optee-ftpm', True, False, d):
        bb.fatal('oxtee cannot embed early TAs: MACHINE_FEATURES:remove = "optee-ftpm" (meta-oxtee README)')
}

# OP-TEE OS's make interface, as meta-arm's optee-os.inc passes it;
# contract.mk in the sources lists every variable it accepts.
EXTRA_OEMAKE += " \
    V=1 \
    PLATFORM=vexpress-qemu_armv8a \
    CFG_ARM64_core=y \
    CROSS_COMPILE_core=${HOST_PREFIX} \
    CROSS_COMPILE_ta_arm64=${HOST_PREFIX} \
    ta-targets=ta_arm64 \
    O=${B} \
    CARGO=${OXTEE_RUST_TOOLCHAIN}/bin/cargo \
    RUSTC=${OXTEE_RUST_TOOLCHAIN}/bin/rustc \
    CARGO_HOME=${WORKDIR}/cargo-home \
    TA_SIGN_KEY=${OXTEE_TA_SIGN_KEY} \
"

do_configure[noexec] = "1"

do_compile() {
    # rustc links build scripts and host tools with `cc`: the build
    # host's compiler, which bitbake's PATH offers as gcc.
    mkdir -p ${WORKDIR}/oxtee-host-bin
    ln -sf "$(command -v gcc)" ${WORKDIR}/oxtee-host-bin/cc
    PATH="${WORKDIR}/oxtee-host-bin:$PATH" oe_runmake -C ${S} all
}
do_compile[cleandirs] = "${B}"

# The same files and places as meta-arm's optee-os recipe.
do_install() {
    install -d ${D}${nonarch_base_libdir}/firmware/
    install -m 644 ${B}/core/*.bin ${B}/core/tee.elf ${D}${nonarch_base_libdir}/firmware/
    install -d ${D}${nonarch_base_libdir}/optee_armtz/
    install -m 444 ${B}/ta/*/*.ta ${D}${nonarch_base_libdir}/optee_armtz/
}

do_deploy() {
    install -d ${DEPLOYDIR}/optee/ta
    install -m 644 ${D}${nonarch_base_libdir}/firmware/* ${DEPLOYDIR}/optee/
    install -m 644 ${B}/ta/*/*.elf ${DEPLOYDIR}/optee/ta/
}
addtask deploy before do_build after do_install

SYSROOT_DIRS += "${nonarch_base_libdir}/firmware"

PACKAGES =+ "${PN}-ta"
FILES:${PN} = "${nonarch_base_libdir}/firmware/"
FILES:${PN}-ta = "${nonarch_base_libdir}/optee_armtz/"

# Bare-metal images, as for OP-TEE OS: not stripped, not Linux binaries.
INSANE_SKIP:${PN} = "textrel buildpaths"
INSANE_SKIP:${PN}-ta = "buildpaths"
INHIBIT_PACKAGE_STRIP = "1"
