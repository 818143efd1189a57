#!/usr/bin/env bash
# Replays the make lines that Buildroot's boot/optee-os package and meta-arm's
# optee-os and optee-os-tadevkit recipes run against an OP-TEE source tree,
# on a `make dist` release tarball unpacked in WORK/src, and checks every
# file the recipes then copy, install, stage or deploy.
#
# The builds run as the build systems run them: no network (a new network
# namespace, `unshare -n`), an empty CARGO_HOME and HOME (nothing downloaded
# or cached is reachable; the tarball's vendor/ is all there is), cargo and
# rustc found on PATH in the toolchain's own bin directory with no rustup
# proxy on PATH (what Buildroot's $(HOST_DIR)/bin and Yocto's native sysroot
# offer), and the recipes' C cross compiler settings (CC, CFLAGS with
# --sysroot, GIT_DIR=., ...) on the command line and in the environment.
#
#   replay-test.sh WORK
#
# WORK/cargo-target is cargo's output directory, kept between runs so the
# vendored crates are not recompiled every time. The tarball is unpacked
# with fresh mtimes, so every crate of the tree itself is rebuilt, and the
# binaries the Makefile copies out of it are deleted before every replayed
# build, so a make line that no longer runs cargo fails instead of copying a
# stale file.
#
# A step the tree cannot do yet is reported as KNOWN GAP and counted; it is
# never reported as passed.
set -euo pipefail

WORK=$(realpath -m "${1:?usage: replay-test.sh WORK}")
TREE=$(git rev-parse --show-toplevel)
fails=0
gaps=0
fail() { echo "replay-test: FAIL: $*" >&2; fails=$((fails + 1)); }
pass() { echo "replay-test: ok: $*"; }
gap() { echo "replay-test: KNOWN GAP: $*"; gaps=$((gaps + 1)); }

# A Linux cross toolchain stands in for Buildroot's and Yocto's.
gcc_path=$(command -v aarch64-linux-gnu-gcc) || { echo "replay-test: aarch64-linux-gnu-gcc needed" >&2; exit 1; }
CROSS="$(dirname "$gcc_path")/aarch64-linux-gnu-"
SYSROOT=$WORK/recipe-sysroot
PY3=$(command -v python3)
# The toolchain's own directory (not the rustup proxies), with the bare-metal
# targets installed.
TOOLCHAIN_BIN=$(dirname "$(rustup which cargo)")
for t in aarch64-unknown-none-softfloat aarch64-unknown-none; do
    [ -d "$("$TOOLCHAIN_BIN/rustc" --print sysroot)/lib/rustlib/$t" ] ||
        { echo "replay-test: rust target $t is not installed (rustup target add $t)" >&2; exit 1; }
done

rm -rf "$WORK/src" "$WORK/home" "$WORK/cargo-home" "$WORK/br" "$WORK/yocto" "$SYSROOT" "$WORK/dist"
mkdir -p "$WORK/src" "$WORK/home" "$WORK/cargo-home" "$WORK/br/images" "$SYSROOT/usr/include"

# The release tarball of the tree as it is (uncommitted changes included).
tarball=$(bash "$TREE/tools/dist.sh" "$WORK/dist" | tail -1)
[ -f "$tarball" ] || { echo "replay-test: make dist wrote no tarball" >&2; exit 1; }
pass "make dist: $(basename "$tarball") ($(stat -c %s "$tarball") bytes)"
tar -xzf "$tarball" -C "$WORK/src" --strip-components=1 --touch
S=$WORK/src
[ ! -e "$S/out" ] && [ ! -e "$S/target" ] || { echo "replay-test: tarball holds build output" >&2; exit 1; }
[ -d "$S/vendor" ] && [ -f "$S/.cargo/config.toml" ] || fail "tarball has no vendor/ or .cargo/config.toml"

export CARGO_TARGET_DIR=$WORK/cargo-target
export CARGO_HOME=$WORK/cargo-home
export HOME=$WORK/home
unset RUSTUP_HOME RUSTUP_TOOLCHAIN CARGO_NET_OFFLINE
# PATH: the toolchain first; no directory that holds rustup's proxies.
clean_path=$TOOLCHAIN_BIN
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    [ -n "$d" ] && [ ! -e "$d/rustup" ] && clean_path=$clean_path:$d
done
export PATH=$clean_path
if command -v rustup >/dev/null; then fail "rustup still on PATH"; fi
[ "$(command -v cargo)" = "$TOOLCHAIN_BIN/cargo" ] || fail "cargo on PATH is $(command -v cargo)"
unshare -n true 2>/dev/null || { echo "replay-test: unshare -n is needed (no network for the build)" >&2; exit 1; }
NONET=(unshare -n)
echo "replay-test: builds run in a network namespace with no interface, CARGO_HOME=$CARGO_HOME (empty), cargo $(cargo --version | cut -d' ' -f2)"

forget_outputs() {
    rm -f "$CARGO_TARGET_DIR"/aarch64-unknown-none-softfloat/release/oxtee-core \
        "$CARGO_TARGET_DIR"/aarch64-unknown-none/release/oxtee-*-ta \
        "$CARGO_TARGET_DIR"/release/oxtee-sign "$CARGO_TARGET_DIR"/release/ta-pubkey \
        "$CARGO_TARGET_DIR"/release/xtask "$CARGO_TARGET_DIR"/release/oxtee-ta-sign \
        "$CARGO_TARGET_DIR"/release/oxtee-devkit-gen \
        "$CARGO_TARGET_DIR"/devkit/aarch64-unknown-none/release/libutee.a
}

# The files of OP-TEE's format a recipe takes from core/: header v2 names
# one AArch64 pager image at the core's load address with the pager file's
# size; tee.bin is the header v1 then the same image; tee-raw.bin the image.
check_core() {
    local dir=$1 what=$2
    if "$PY3" - "$dir" <<'EOF'; then pass "$what: core images well formed"; else fail "$what: core images"; fi
import struct, sys
d = sys.argv[1]
read = lambda n: open(f"{d}/{n}", "rb").read()
pager, hdr, tee, raw, elf = (read(n) for n in
    ("tee-pager_v2.bin", "tee-header_v2.bin", "tee.bin", "tee-raw.bin", "tee.elf"))
magic, ver, arch, flags, nb = struct.unpack_from("<IBBHI", hdr)
hi, lo, img_id, size = struct.unpack_from("<IIII", hdr, 12)
assert (magic, ver, arch, flags, nb, img_id) == (0x4554504F, 2, 1, 0, 1, 0), "header v2 fields"
assert len(hdr) == 28 and size == len(pager) > 0, "header v2 size"
load = hi << 32 | lo
assert load == 0x0E10_0000, f"load address {load:#x}"
magic, ver, arch, flags, init_size, hi1, lo1, usage, paged = struct.unpack_from("<IBBHIIIII", tee)
assert (magic, ver, arch, flags, paged) == (0x4554504F, 1, 1, 0, 0), "header v1 fields"
assert (hi1 << 32 | lo1) == load and init_size == len(pager) and usage >= len(pager), "header v1 sizes"
assert tee[28:] == pager and raw == pager, "tee.bin / tee-raw.bin contents"
assert read("tee-pageable_v2.bin") == b"", "pageable part not empty"
assert elf[:4] == b"\x7fELF" and struct.unpack_from("<H", elf, 18)[0] == 183, "tee.elf is not AArch64 ELF"
EOF
}

# A signed TA as OP-TEE's loader reads it: a bootstrap-TA signed header
# (shdr) naming the UUID of the file name, the ELF stored next to it
# unchanged after the header, the SHA-256 over header and ELF in the hash
# field, and an RSA signature over that hash by DEV_KEY (the key the core of
# this build trusts: no TA_SIGN_KEY is given, as in a default recipe).
DEV_KEY=$S/ta/keys/oxtee-ta-dev.pem
check_tas() {
    local what=$1 ta_dir=$2 elf_dir=$3
    if "$PY3" - "$ta_dir" "$elf_dir" "$DEV_KEY" <<'EOF'; then pass "$what: TAs signed and well formed"; else fail "$what: TAs"; fi
import glob, hashlib, os, struct, sys, uuid
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
ta_dir, elf_dir, key_path = sys.argv[1:]
key = serialization.load_pem_private_key(open(key_path, "rb").read(), None).public_key()
tas = sorted(glob.glob(f"{ta_dir}/*.ta"))
assert tas, "no TA"
for path in tas:
    name = os.path.basename(path)[:-3]
    data = open(path, "rb").read()
    elf = open(f"{elf_dir}/{name}.elf", "rb").read()
    magic, img_type, img_size, algo, hash_size, sig_size = struct.unpack_from("<IIIIHH", data)
    assert (magic, img_type) == (0x4F545348, 1), f"{name}: not a bootstrap TA"
    # OP-TEE's algorithms for TA signatures: RSASSA-PSS (MGF1-SHA-256,
    # salt 32: its signing script's default) or PKCS#1 v1.5, both SHA-256.
    pad = {0x70414930: padding.PSS(padding.MGF1(hashes.SHA256()), 32),
           0x70004830: padding.PKCS1v15()}.get(algo)
    assert pad is not None and hash_size == 32, f"{name}: algorithm {algo:#x}"
    digest = data[20:52]
    sig = data[52:52 + sig_size]
    boot = data[52 + sig_size:52 + sig_size + 20]
    assert str(uuid.UUID(bytes=boot[:16])) == name, f"{name}: UUID in header {boot[:16].hex()}"
    body = data[52 + sig_size + 20:]
    assert body == elf and img_size == len(elf), f"{name}: ELF after the header differs from {name}.elf"
    assert elf[:4] == b"\x7fELF" and struct.unpack_from("<H", elf, 18)[0] == 183, f"{name}: not AArch64"
    assert hashlib.sha256(data[:20] + boot + elf).digest() == digest, f"{name}: hash"
    key.verify(sig, digest, pad, utils.Prehashed(hashes.SHA256()))
    print(f"replay-test:   {name}.ta: {len(data)} bytes, algorithm {algo:#x}, UUID, hash and signature ok")
EOF
}

# What the TA dev kit's consumers open: optee-examples' TA Makefiles include
# mk/ta_dev_kit.mk; optee-test requires host_include/conf.mk and its CMake
# includes host_include/conf.cmake; C TAs link lib/libutee.a and
# lib/libutils.a, take ta_head from src/user_ta_header.c, link with
# src/ta.ld.S and are signed by bin/oxtee-ta-sign with keys/default_ta.pem.
DEVKIT_FILES="mk/ta_dev_kit.mk mk/conf.mk include/tee_internal_api.h
    include/tee_api_defines.h include/user_ta_header.h include/trace.h
    lib/libutee.a lib/libutils.a src/user_ta_header.c src/ta.ld.S
    keys/default_ta.pem host_include/conf.mk host_include/conf.h
    host_include/conf.cmake bin/oxtee-ta-sign"

# A signed TA: OP-TEE's signed header magic "HSTO" (0x4f545348, LE) first.
check_signed_ta() {
    [ -s "$1" ] && [ "$(head -c 4 "$1" | od -An -tx4 | tr -d ' ')" = 4f545348 ]
}

# The `ta_dev_kit` goal: a kit in OUT/export-ta_arm64 with the files above,
# staged with the recipe's copy into STAGE, and a C TA (our hello example,
# standing in for optee-examples) built against the staged kit with
# optee-examples' make line, offline.
replay_devkit() {
    local what=$1 log=$2 out=$3 stage=$4 rc=$5 f missing=""
    if [ "$rc" -ne 0 ]; then
        fail "$what: ta_dev_kit failed (log: $log)"; tail -20 "$log" >&2
        return
    fi
    for f in $DEVKIT_FILES; do [ -s "$out/export-ta_arm64/$f" ] || missing="$missing $f"; done
    if [ -z "$missing" ]; then pass "$what: ta_dev_kit: export-ta_arm64 complete"
    else fail "$what: export-ta_arm64 lacks:$missing"; fi
    if mkdir -p "$stage" && cp -a "$out"/export-ta_arm64/* "$stage/"; then pass "$what: kit staged"
    else fail "$what: staging export-ta_arm64/*"; return; fi
    local ex=$WORK/$what-example
    rm -rf "$ex" && cp -a "$S/ta/c-examples" "$ex"
    if (cd "$ex/hello" && "${NONET[@]}" make CROSS_COMPILE="$CROSS" \
            TA_DEV_KIT_DIR="$stage" O=out) >"$ex.log" 2>&1 \
        && check_signed_ta "$ex/hello/out/a35b8888-8aa4-49c5-aeb2-cffabba989f3.ta"; then
        pass "$what: a C TA builds against the staged kit (optee-examples' make line)"
    else
        fail "$what: C TA against the staged kit (log: $ex.log)"; tail -20 "$ex.log" >&2
    fi
}

# ---- Buildroot: boot/optee-os/optee-os.mk with package/Makefile.in's
# TARGET_CONFIGURE_OPTS, run from Buildroot's top directory, O=out.
br_make() {
    (cd "$WORK/br" && "${NONET[@]}" make -C "$S" O=out \
        PATH="$PATH" GIT_DIR=. \
        AR="${CROSS}gcc-ar" AS="${CROSS}as" LD="${CROSS}ld" NM="${CROSS}gcc-nm" \
        CC="${CROSS}gcc" GCC="${CROSS}gcc" CPP="${CROSS}cpp" CXX="${CROSS}g++" \
        FC="${CROSS}gfortran" F77="${CROSS}gfortran" RANLIB="${CROSS}gcc-ranlib" \
        READELF="${CROSS}readelf" STRIP=/bin/true OBJCOPY="${CROSS}objcopy" \
        OBJDUMP="${CROSS}objdump" AR_FOR_BUILD=/usr/bin/ar AS_FOR_BUILD=/usr/bin/as \
        CC_FOR_BUILD=/usr/bin/gcc GCC_FOR_BUILD=/usr/bin/gcc CXX_FOR_BUILD=/usr/bin/g++ \
        LD_FOR_BUILD=/usr/bin/ld CPPFLAGS_FOR_BUILD="-I$WORK/br/host/include" \
        CFLAGS_FOR_BUILD="-O2 -I$WORK/br/host/include" CXXFLAGS_FOR_BUILD="-O2" \
        LDFLAGS_FOR_BUILD="-L$WORK/br/host/lib" FCFLAGS_FOR_BUILD="" \
        DEFAULT_ASSEMBLER="${CROSS}as" DEFAULT_LINKER="${CROSS}ld" \
        CPPFLAGS="-D_LARGEFILE_SOURCE -D_LARGEFILE64_SOURCE -D_FILE_OFFSET_BITS=64" \
        CFLAGS="-D_LARGEFILE_SOURCE -D_LARGEFILE64_SOURCE -D_FILE_OFFSET_BITS=64 -O2 -g0 -D_FORTIFY_SOURCE=1" \
        CXXFLAGS="-O2 -g0" LDFLAGS="" FCFLAGS="-O2 -g0" FFLAGS="-O2 -g0" \
        PKG_CONFIG=/bin/false STAGING_DIR="$SYSROOT" INTLTOOL_PERL=/usr/bin/perl \
        CROSS_COMPILE="$CROSS" CROSS_COMPILE_core="$CROSS" \
        CROSS_COMPILE_ta_arm64="$CROSS" CROSS_COMPILE_ta_arm32="$CROSS" \
        PYTHON3="$PY3" CFG_ARM64_core=y CFG_USER_TA_TARGETS=ta_arm64 \
        PLATFORM=vexpress-qemu_armv8a "$@")
}

forget_outputs
if br_make all >"$WORK/br/all.log" 2>&1; then
    pass "buildroot: make O=out ... all"
else
    fail "buildroot: make all (log: $WORK/br/all.log)"; tail -20 "$WORK/br/all.log" >&2
fi
grep -q -- "--offline --locked" "$WORK/br/all.log" || fail "buildroot: cargo did not run with --offline --locked"
# OPTEE_OS_INSTALL_IMAGES_CORE: cp -dpf $(wildcard out/core/NAME) for each
# name of BR2_TARGET_OPTEE_OS_CORE_IMAGES (default below).
for name in tee.bin tee-raw.bin 'tee-*_v2.bin'; do
    mapfile -t found < <(compgen -G "$S/out/core/$name" || true)
    if [ ${#found[@]} -gt 0 ] && cp -dpf "${found[@]}" "$WORK/br/images/"; then
        pass "buildroot: images/ $name (${#found[@]} file(s))"
    else
        fail "buildroot: out/core/$name missing"
    fi
done
[ -d "$S/out/core" ] && check_core "$S/out/core" buildroot
# OPTEE_OS_INSTALL_TARGET_CMDS: out/ta/*/*.ta into /lib/optee_armtz, 0444.
# The recipe skips the step when there is none; oxtee ships TAs, so there
# must be some.
if compgen -G "$S/out/ta/*/*.ta" >/dev/null &&
    install -D -m 444 -t "$WORK/br/target/lib/optee_armtz" "$S"/out/ta/*/*.ta; then
    pass "buildroot: target /lib/optee_armtz: $(cd "$WORK/br/target/lib/optee_armtz" && ls | tr '\n' ' ')"
    mkdir -p "$WORK/br/ta-elf" && cp "$S"/out/ta/*/*.elf "$WORK/br/ta-elf/"
    check_tas buildroot "$WORK/br/target/lib/optee_armtz" "$WORK/br/ta-elf"
else
    fail "buildroot: no out/ta/*/*.ta"
fi
# BR2_TARGET_OPTEE_OS_SDK=y: the same line with ta_dev_kit, then
# OPTEE_OS_INSTALL_STAGING_CMDS copies out/export-ta_arm64/* to
# $(STAGING_DIR)/lib/optee/export-ta_arm64.
rc=0; br_make ta_dev_kit >"$WORK/br/ta_dev_kit.log" 2>&1 || rc=$?
replay_devkit buildroot "$WORK/br/ta_dev_kit.log" "$S/out" "$SYSROOT/lib/optee/export-ta_arm64" "$rc"

# ---- meta-arm: optee.inc + optee-os.inc for qemuarm64, B=${WORKDIR}/build
# (O= absolute, outside the source), oe_runmake -C ${S} <goal>. bitbake
# exports CC/CFLAGS and friends tuned for the Linux target (LD, AS, LDFLAGS
# and CPPFLAGS are unexported by the recipe); RUSTFLAGS and
# CARGO_BUILD_TARGET are what a recipe inheriting cargo_common adds.
rm -rf "$S/out"
PREFIX=aarch64-linux-gnu-
oe_cflags="-O2 -pipe -g -feliminate-unused-debug-types -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wformat -Wformat-security -Werror=format-security --sysroot=$SYSROOT"
oe_make() {
    local b=$1; shift
    (cd "$WORK/yocto" && env \
        CC="${PREFIX}gcc -mcpu=cortex-a57 -fstack-protector-strong -O2 -D_FORTIFY_SOURCE=2 --sysroot=$SYSROOT" \
        CXX="${PREFIX}g++ -mcpu=cortex-a57 --sysroot=$SYSROOT" CPP="${PREFIX}gcc -E --sysroot=$SYSROOT" \
        AR="${PREFIX}gcc-ar" NM="${PREFIX}gcc-nm" RANLIB="${PREFIX}gcc-ranlib" \
        OBJCOPY="${PREFIX}objcopy" OBJDUMP="${PREFIX}objdump" STRIP="${PREFIX}strip" \
        CFLAGS="$oe_cflags" CXXFLAGS="$oe_cflags" \
        BUILD_CC=gcc BUILD_CFLAGS="-O2 -pipe" \
        RUSTFLAGS="-Clink-arg=--sysroot=$SYSROOT -Ctarget-cpu=cortex-a57" \
        CARGO_BUILD_TARGET=aarch64-unknown-linux-gnu \
        "${NONET[@]}" make -j2 -C "$S" V=1 \
        LIBGCC_LOCATE_CFLAGS="--sysroot=$SYSROOT" COMPILER=gcc \
        OPTEE_CLIENT_EXPORT="$SYSROOT/usr" TEEC_EXPORT="$SYSROOT/usr" \
        PLATFORM=vexpress-qemu_armv8a CFG_ARM64_core=y \
        CROSS_COMPILE_core=$PREFIX CROSS_COMPILE_ta_arm64=$PREFIX \
        AFLAGS="$oe_cflags" ta-targets=ta_arm64 O="$b" \
        HOST_PREFIX=$PREFIX CROSS_COMPILE64=$PREFIX "$@")
}
mkdir -p "$WORK/yocto"

# optee-os-tadevkit first (its own WORKDIR, so its own ${B}): do_compile
# runs ta_dev_kit alone on a fresh tree; do_install copies
# ${B}/export-ta_arm64/* to ${includedir}/optee/export-user_ta/, where
# optee-client, optee-test and optee-examples find it (TA_DEV_KIT_DIR).
KB=$WORK/yocto/tadevkit/build
mkdir -p "$KB"
rc=0; oe_make "$KB" ta_dev_kit >"$WORK/yocto/tadevkit.log" 2>&1 || rc=$?
replay_devkit meta-arm-tadevkit "$WORK/yocto/tadevkit.log" "$KB" "$SYSROOT/usr/include/optee/export-user_ta" "$rc"

# optee-os: do_compile = oe_runmake -C ${S} all.
B=$WORK/yocto/build
D=$WORK/yocto/image
DEPLOY=$WORK/yocto/deploy
mkdir -p "$B" "$D"
forget_outputs
if oe_make "$B" all >"$WORK/yocto/compile.log" 2>&1; then
    pass "meta-arm: oe_runmake -C \${S} all, O=\${B} absolute"
else
    fail "meta-arm: do_compile (log: $WORK/yocto/compile.log)"; tail -20 "$WORK/yocto/compile.log" >&2
fi
# do_install: every core/*.bin and tee.elf into the firmware dir, then
# ${B}/ta/*/*.ta into optee_armtz (no existence check: no TA, no image).
mkdir -p "$D/lib/firmware" "$D/lib/optee_armtz" "$DEPLOY/optee/ta"
if install -m 644 "$B"/core/*.bin "$B"/core/tee.elf "$D/lib/firmware/"; then
    want="tee-header_v2.bin tee-pageable_v2.bin tee-pager_v2.bin tee-raw.bin tee.bin tee.elf"
    got=$(cd "$D/lib/firmware" && ls | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" = "$want" ]; then pass "meta-arm: do_install firmware: $got"
    else fail "meta-arm: firmware files '$got', want '$want'"; fi
    check_core "$D/lib/firmware" meta-arm
else
    fail "meta-arm: do_install core/*.bin core/tee.elf"
fi
[ -e "$S/out" ] && fail "meta-arm: the build wrote into the source tree's out/ (O= ignored)"
if install -m 444 "$B"/ta/*/*.ta "$D/lib/optee_armtz/"; then
    pass "meta-arm: do_install \${B}/ta/*/*.ta: $(cd "$D/lib/optee_armtz" && ls | tr '\n' ' ')"
else
    fail "meta-arm: do_install \${B}/ta/*/*.ta"
fi
# do_deploy: the firmware dir to ${DEPLOYDIR}/optee, ${B}/ta/*/*.elf to
# ${DEPLOYDIR}/optee/ta.
if cp -r "$D/lib/firmware/." "$DEPLOY/optee/" && install -m 644 "$B"/ta/*/*.elf "$DEPLOY/optee/ta/"; then
    pass "meta-arm: do_deploy optee/ and optee/ta/*.elf"
    check_tas meta-arm "$D/lib/optee_armtz" "$DEPLOY/optee/ta"
else
    fail "meta-arm: do_deploy"
fi
# Nothing was downloaded into the empty cargo home.
if [ -e "$CARGO_HOME/registry" ] || [ -e "$CARGO_HOME/git" ]; then
    fail "cargo downloaded into CARGO_HOME: $(ls "$CARGO_HOME" | tr '\n' ' ')"
else
    pass "CARGO_HOME holds no registry or git checkout"
fi

# Contract errors a user must see instead of a wrong image.
for args in "PLATFORM=stm32mp1" "PLATFORM=vexpress-qemu_armv8a EARLY_TA_PATHS=/x/ftpm.stripped.elf" \
    "PLATFORM=vexpress-qemu_armv8a CFG_ARM64_core=n"; do
    # shellcheck disable=SC2086
    if out=$(make -s -C "$S" O="$WORK/refused" $args all 2>&1); then
        fail "accepted: $args"
    elif grep -q "not supported\|cannot embed\|only an AArch64" <<<"$out"; then
        pass "refused with a message: $args"
    else
        fail "refused without a message: $args: $out"
    fi
done
[ ! -e "$WORK/refused" ] || fail "a refused build left $WORK/refused"

if [ "$fails" -ne 0 ]; then
    echo "replay-test: $fails failure(s), $gaps known gap(s)" >&2
    exit 1
fi
echo "replay-test: all replayed steps passed; $gaps known gap(s) reported above"
