#!/usr/bin/env bash
# Prints, per crate, the lines of Rust and assembly (tests, fuzz targets and
# host tools excluded) and the `unsafe` blocks, functions and impls: the table
# of docs/threat-model.md. The last column says `deny (N allowed)` for a crate
# that denies unsafe code except N marked items. Run from the repository root.
set -euo pipefail
printf '| crate | Rust lines | asm lines | unsafe blocks | unsafe fn | unsafe impl | forbid(unsafe_code) |\n'
printf '|---|---:|---:|---:|---:|---:|---|\n'
for toml in $(git ls-files '*Cargo.toml' | grep -v -e '^Cargo.toml$' -e '/fuzz/'); do
    dir=$(dirname "$toml")
    [ -d "$dir/src" ] || continue
    name=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$toml" | head -1)
    rs=$(git ls-files "$dir/src" | grep '\.rs$' | grep -v -e '/tests\?\.rs$' -e '/tests/' -e '/bin/' || true)
    asm=$(git ls-files "$dir/src" | grep -e '\.S$' -e '\.s$' || true)
    lines() { [ -z "$1" ] && { echo 0; return; }; cat $1 | grep -cv -e '^\s*$' -e '^\s*//' || true; }
    count() { [ -z "$rs" ] && { echo 0; return; }; cat $rs | grep -o "$1" | wc -l; }
    forbid=no
    if [ -n "$rs" ]; then
        if grep -qs 'forbid(unsafe_code)' $rs; then forbid=yes
        elif grep -qs 'deny(unsafe_code)' $rs; then forbid="deny ($(cat $rs | grep -c 'allow(unsafe_code)') allowed)"
        fi
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(lines "$rs")" "$(lines "$asm")" \
        "$(count 'unsafe {')" "$(count 'unsafe fn')" "$(count 'unsafe impl')" "$forbid"
done
