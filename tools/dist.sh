#!/usr/bin/env bash
# Writes the source release OUTDIR/oxtee-<version>.tar.gz: the tracked files
# (with uncommitted changes to them), every crate the contract build needs
# vendored (`cargo vendor`), and a .cargo/config.toml that points cargo at
# them, so that `make all` inside the unpacked tree builds with no network
# and an empty CARGO_HOME (docs/buildroot.md, docs/yocto.md).
#
#   dist.sh OUTDIR          prints the tarball's path on its last line
#
# The version is the workspace's (Cargo.toml); a tree that is not exactly at
# tag v<version> adds +g<commit>, and uncommitted changes add .dirty.
# DIST_VERSION=<v> overrides it. The archive is deterministic: sorted
# names, every mtime the commit's time, owner 0, gzip without a timestamp.
#
# The QEMU harness (xtest-compat: Debian downloads, QEMU runs) is left out of
# the release and of its workspace, so its crates are not vendored; cargo
# prunes them from Cargo.lock and the script checks that every remaining
# lock entry is byte-identical to the repository's.
set -euo pipefail

OUT=$(realpath -m "${1:?usage: dist.sh OUTDIR}")
TREE=$(git rev-parse --show-toplevel)
cd "$TREE"

ws_version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
[ -n "$ws_version" ] || { echo "dist: no [workspace.package] version in Cargo.toml" >&2; exit 1; }
rev=$(git stash create)
dirty=
[ -n "$rev" ] && dirty=.dirty
rev=${rev:-HEAD}
if [ -n "${DIST_VERSION:-}" ]; then
    version=$DIST_VERSION
elif [ -z "$dirty" ] && git describe --exact-match --tags --match "v$ws_version" HEAD >/dev/null 2>&1; then
    version=$ws_version
else
    version=$ws_version+g$(git rev-parse --short=12 HEAD)$dirty
fi
name=oxtee-$version
epoch=$(git log -1 --format=%ct HEAD)

STAGE=$OUT/stage
rm -rf "$STAGE"
mkdir -p "$STAGE"
git archive --format=tar --prefix="$name/" "$rev" | tar -x -C "$STAGE"
S=$STAGE/$name

# Without the harness crate: out of the members (the edit must happen, so a
# renamed line is noticed here) and out of the tree.
sed -i '/^    "xtest-compat",$/d' "$S/Cargo.toml"
if grep -q xtest-compat "$S/Cargo.toml"; then
    echo "dist: could not take xtest-compat out of the workspace members" >&2
    exit 1
fi
rm -rf "$S/xtest-compat"

# Cargo prunes the lock file of what the smaller workspace does not use and
# keeps every other version; check that it changed nothing else.
cp "$S/Cargo.lock" "$OUT/Cargo.lock.repo"
cargo metadata -q --format-version 1 --manifest-path "$S/Cargo.toml" >/dev/null
python3 - "$OUT/Cargo.lock.repo" "$S/Cargo.lock" <<'EOF'
import sys, tomllib
def entries(path):
    # Dependencies are named "name" or, when two versions exist, "name version":
    # compare names only, since pruning a second version drops the suffix.
    out = {}
    for p in tomllib.load(open(path, "rb"))["package"]:
        deps = sorted(d.split(" ")[0] for d in p.get("dependencies", []))
        out[(p["name"], p["version"])] = (p.get("source"), p.get("checksum"), deps)
    return out
repo, dist = entries(sys.argv[1]), entries(sys.argv[2])
bad = [k for k, v in dist.items() if repo.get(k) != v]
if bad:
    sys.exit(f"dist: the pruned Cargo.lock differs from the repository's in {bad}")
print(f"dist: Cargo.lock: {len(dist)} of {len(repo)} packages kept, all unchanged")
EOF

# The crates, and cargo told where they are. [net] offline keeps every cargo
# run in the tree (also the TA build step's nested one) off the network.
(cd "$S" && cargo vendor -q --locked --versioned-dirs vendor >/dev/null)
cat >>"$S/.cargo/config.toml" <<'EOF'

# Added by `make dist`: the crates are in vendor/ (cargo vendor); this tree
# builds with no network and an empty CARGO_HOME.
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "vendor"

[net]
offline = true
EOF
# contract.mk reads this to run cargo with --offline --locked.
cat >"$S/.oxtee-dist" <<EOF
OXTEE_VERSION := $version
OXTEE_COMMIT := $(git rev-parse HEAD)$dirty
EOF

mkdir -p "$OUT"
tar -C "$STAGE" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --mode='u+rw,go-w,a+rX' --format=gnu -cf - "$name" | gzip -9n >"$OUT/$name.tar.gz.tmp"
mv "$OUT/$name.tar.gz.tmp" "$OUT/$name.tar.gz"
(cd "$OUT" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
rm -rf "$STAGE" "$OUT/Cargo.lock.repo"
crates=$(tar -tzf "$OUT/$name.tar.gz" | grep -c "^$name/vendor/[^/]*/$")
echo "dist: $name.tar.gz: $(stat -c %s "$OUT/$name.tar.gz") bytes, $crates vendored crates"
echo "$OUT/$name.tar.gz"
