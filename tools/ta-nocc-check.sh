#!/usr/bin/env bash
# The TA build needs no C compiler: the SDK's crates and the TA are
# compiled by rustc, linked by rust-lld and signed by the Rust signer.
#
# Cargo still links the host-side helpers of a build (the `xtask` binary,
# build scripts, proc-macros) with the host's `cc`, as every Rust build on
# Linux does; those are built first, normally. Then the TA and the SDK's
# crates are rebuilt with an environment holding nothing but the Rust
# toolchain's own bin/ directory on PATH (no cc, gcc, ld, as or make
# reachable), and the result must be the same ELF.
#
# Usage: tools/ta-nocc-check.sh <out-dir> <ta-dir>...
set -euo pipefail
out=$1
shift
cargo_bin=$(command -v cargo)
if command -v rustup >/dev/null; then cargo_bin=$(rustup which cargo); fi
tc=$(dirname "$cargo_bin")
fails=0
for tool in cc gcc ld as make; do
    if PATH=$tc type -P "$tool" >/dev/null; then
        echo "ta-nocc-check: FAIL: $tool is reachable on the toolchain-only PATH ($tc)"
        exit 1
    fi
done
for ta in "$@"; do
    name=$(basename "$(dirname "$ta")")-$(basename "$ta")
    crate=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$ta/Cargo.toml" | head -1 | tr - _)
    rm -rf "$out/with-cc/$name" "$out/no-cc/$name"
    "$cargo_bin" xtask build-ta "$ta" --out-dir "$out/with-cc/$name" >"$out/$name.with-cc.log" 2>&1
    # Touch what is compiled for the TA so the second build really
    # compiles and links it again.
    touch ta/sdk/sys/src/lib.rs ta/sdk/ta/src/lib.rs "$ta"/src/*.rs
    if env -i HOME="$HOME" PATH="$tc" "$tc/cargo" xtask build-ta "$ta" \
        --out-dir "$out/no-cc/$name" --cargo-arg=-v >"$out/$name.no-cc.log" 2>&1 &&
        grep -q "Compiling oxtee-ta v" "$out/$name.no-cc.log" &&
        grep -q "Running \`rustc --crate-name $crate " "$out/$name.no-cc.log" &&
        cmp -s "$out"/with-cc/"$name"/*.elf "$out"/no-cc/"$name"/*.elf &&
        ls "$out"/no-cc/"$name"/*.ta >/dev/null; then
        echo "ta-nocc-check: ok: $ta compiled, linked and signed with only $tc on PATH (same ELF as with cc)"
    else
        echo "ta-nocc-check: FAIL: $ta without a C compiler (log: $out/$name.no-cc.log)"
        tail -15 "$out/$name.no-cc.log"
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ]
