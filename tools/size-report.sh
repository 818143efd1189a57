#!/usr/bin/env bash
# Writes bench/size.md: where the core image's bytes go, per crate
# (tools/size-table.py), for this tree's $O/core image (make core), against
# the image of SIZE_BASE (a git revision, exported and built the same way)
# when one is given; with SIZE_FAMILIES=1 also the image without each of
# oxtee-crypto's optional algorithm families. See bench/README.md.
#
# Environment: O=out, SIZE_RESULTS=bench/size.md, SIZE_BASE=<rev>,
# SIZE_FAMILIES=0|1, CARGO=cargo, NM/OBJCOPY (aarch64-linux-gnu-*),
# OXTEE_TA_KEYS (the TA keys file the core embeds; make passes its own).
set -euo pipefail

O=${O:-out}
RESULTS=${SIZE_RESULTS:-bench/size.md}
BASE=${SIZE_BASE:-}
FAMILIES=${SIZE_FAMILIES:-0}
CARGO=${CARGO:-cargo}
NM=${NM:-aarch64-linux-gnu-nm}
OBJCOPY=${OBJCOPY:-aarch64-linux-gnu-objcopy}
TARGET=aarch64-unknown-none-softfloat
ALL_FAMILIES="des md5 sha3 sm dsa dh curve25519"
work=$(realpath -m "$O/size")
cur_elf=$O/core/tee.elf
cur_bin=$O/core/tee-pager_v2.bin
[ -f "$cur_elf" ] && [ -f "$cur_bin" ] || { echo "size-report: $cur_elf missing (make core)" >&2; exit 2; }
mkdir -p "$work"

# build_core DIR NAME [cargo feature arguments]: the core of the tree in DIR
# as $work/NAME.elf and NAME.bin.
build_core() {
	local dir=$1 name=$2
	shift 2
	# CARGO may be a command with arguments (make passes env -u ... cargo).
	# shellcheck disable=SC2086
	(cd "$dir" && $CARGO build --release -q -p oxtee-core --target "$TARGET" \
		--target-dir "$work/target" "$@")
	cp "$work/target/$TARGET/release/oxtee-core" "$work/$name.elf"
	"$OBJCOPY" -O binary "$work/$name.elf" "$work/$name.bin"
}

tree=$(git describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "# The oxtee core image, per crate"
	echo
	echo "Written by \`make size-table\` (tools/size-report.sh, tools/size-table.py): the bytes of"
	echo "code and data of \`tee.elf\`'s symbols per crate (a generic counts for the crate of the type"
	echo "it is instantiated for), and the size of \`tee-pager_v2.bin\`, the loaded image (code, constants"
	echo "and .data's initial values back to back, including constants without symbols: strings, tables)."
	echo "OP-TEE 4.5's \`tee-pager_v2.bin\` (Debian, \`vexpress-qemu_armv8a\`, default \`CFG_CRYPTO_*\`"
	echo "set) has 525,224 bytes."
	echo
	echo "- Tree: $tree"
	if [ -n "$BASE" ]; then
		base_rev=$(git rev-parse --short "$BASE")
		rm -rf "$work/base"
		mkdir -p "$work/base"
		# -m: files dated now, so cargo (which fingerprints path crates by
		# modification time, under one hash for every copy of the tree) rebuilds them.
		git archive "$BASE" | tar -x -m -C "$work/base"
		build_core "$work/base" base
		echo "- Before: $base_rev ($(git log -1 --format=%s "$BASE" | cut -c1-80))"
		echo
		python3 tools/size-table.py --nm "$NM" --top 40 --before "$work/base.elf" "$work/base.bin" \
			"$cur_elf" "$cur_bin"
	else
		echo
		python3 tools/size-table.py --nm "$NM" --top 40 "$cur_elf" "$cur_bin"
	fi
	if [ "$FAMILIES" = 1 ]; then
		echo
		echo "The image without one of oxtee-crypto's optional algorithm families (\`make core"
		echo "OXTEE_CRYPTO_FAMILIES=...\`, core/crypto/README.md), and without all of them:"
		echo
		echo "| families left out | tee-pager_v2.bin (bytes) | saved (bytes) |"
		echo "|---|---:|---:|"
		full=$(stat -c %s "$cur_bin")
		echo "| none (the default, as above) | $(printf "%'d" "$full") | 0 |"
		for f in $ALL_FAMILIES all; do
			if [ "$f" = all ]; then keep=; else keep=$(echo " $ALL_FAMILIES " | sed "s/ $f / /"); fi
			build_core . "without-$f" --no-default-features --features "$(echo $keep)"
			s=$(stat -c %s "$work/without-$f.bin")
			echo "| $f | $(printf "%'d" "$s") | $(printf "%'d" $((full - s))) |"
		done
	fi
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
cat "$RESULTS"
