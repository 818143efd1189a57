#!/usr/bin/env bash
# Builds `make all` from a `make dist` tarball with the oldest Rust the
# workspace claims (`rust-version` in Cargo.toml), the way replay-test.sh
# builds it: no network, an empty CARGO_HOME, cargo and rustc from the
# toolchain's own directory with no rustup on PATH.
#
#   msrv-test.sh WORK
#
# Needs the toolchain installed by rustup: `rustup toolchain install <msrv>
# --profile minimal --component rust-src`, plus the targets
# aarch64-unknown-none and aarch64-unknown-none-softfloat where rustup's
# server has them for that version. Without those targets the core/alloc
# are built from rust-src (OXTEE_BUILD_STD=y): the standard library's crates
# are then vendored from the toolchain's Cargo.lock into the unpacked tree
# first (the only step that uses the network).
set -euo pipefail

WORK=$(realpath -m "${1:?usage: msrv-test.sh WORK}")
TREE=$(git rev-parse --show-toplevel)
msrv=$(sed -n '/^\[workspace.package\]/,/^\[/s/^rust-version = "\(.*\)"$/\1/p' "$TREE/Cargo.toml")
[ -n "$msrv" ] || { echo "msrv-test: no rust-version in Cargo.toml" >&2; exit 1; }
cargo_bin=$(rustup which --toolchain "$msrv" cargo 2>/dev/null) ||
    { echo "msrv-test: toolchain $msrv is not installed (rustup toolchain install $msrv --profile minimal --component rust-src)" >&2; exit 1; }
TOOLCHAIN_BIN=$(dirname "$cargo_bin")
sysroot=$("$TOOLCHAIN_BIN/rustc" --print sysroot)

rm -rf "$WORK/src" "$WORK/cargo-home" "$WORK/home" "$WORK/std-vendor"
mkdir -p "$WORK/src" "$WORK/cargo-home" "$WORK/home"
tarball=$(bash "$TREE/tools/dist.sh" "$WORK/dist" | tail -1)
tar -xzf "$tarball" -C "$WORK/src" --strip-components=1 --touch
S=$WORK/src

build_std=
for t in aarch64-unknown-none-softfloat aarch64-unknown-none; do
    [ -d "$sysroot/lib/rustlib/$t/lib" ] || build_std=y
done
if [ -n "$build_std" ]; then
    lib=$sysroot/lib/rustlib/src/rust/library
    [ -f "$lib/Cargo.lock" ] || { echo "msrv-test: no bare-metal rust-std and no rust-src for $msrv" >&2; exit 1; }
    echo "msrv-test: $msrv has no prebuilt rust-std for the bare-metal targets: core/alloc from rust-src (OXTEE_BUILD_STD=y)"
    cp -a "$lib" "$WORK/std-library"
    (cd "$WORK/std-library" && RUSTC_BOOTSTRAP=1 "$TOOLCHAIN_BIN/cargo" vendor -q --locked \
        --versioned-dirs "$WORK/std-vendor" >/dev/null)
    rm -rf "$WORK/std-library"
    cp -an "$WORK/std-vendor"/. "$S/vendor/"
fi

export CARGO_TARGET_DIR=$WORK/cargo-target CARGO_HOME=$WORK/cargo-home HOME=$WORK/home
unset RUSTUP_HOME RUSTUP_TOOLCHAIN
clean_path=$TOOLCHAIN_BIN
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    [ -n "$d" ] && [ ! -e "$d/rustup" ] && clean_path=$clean_path:$d
done
export PATH=$clean_path
rm -rf "$CARGO_TARGET_DIR"
start=$(date +%s)
if unshare -n make -C "$S" O=out PLATFORM=vexpress-qemu_armv8a CROSS_COMPILE_core=aarch64-linux-gnu- \
    ${build_std:+OXTEE_BUILD_STD=y} all >"$WORK/build.log" 2>&1; then
    echo "msrv-test: make all with Rust $msrv: $(($(date +%s) - start)) s"
else
    tail -30 "$WORK/build.log" >&2
    echo "msrv-test: FAIL: make all with Rust $msrv (log: $WORK/build.log)" >&2
    exit 1
fi
used=$(grep -o '"rustc [0-9.]*' "$CARGO_TARGET_DIR/.rustc_info.json" | sort -u | tr -d '"')
[ "$used" = "rustc $msrv.0" ] || [ "$used" = "rustc $msrv" ] ||
    { echo "msrv-test: FAIL: the build ran $used, not $msrv" >&2; exit 1; }
for f in core/tee.bin core/tee-header_v2.bin core/tee-pager_v2.bin core/tee.elf; do
    [ -s "$S/out/$f" ] || { echo "msrv-test: FAIL: out/$f missing" >&2; exit 1; }
done
compgen -G "$S/out/ta/*/*.ta" >/dev/null || { echo "msrv-test: FAIL: no out/ta/*/*.ta" >&2; exit 1; }
[ ! -e "$CARGO_HOME/registry" ] || { echo "msrv-test: FAIL: cargo downloaded into CARGO_HOME" >&2; exit 1; }
echo "msrv-test: ok: $used built the core and $(compgen -G "$S/out/ta/*/*.ta" | wc -l) TA(s) offline"
