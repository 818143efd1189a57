#!/bin/sh
# Builds the smoke image and runs it under QEMU; fails if any check fails.
set -eu
cd "$(dirname "$0")/../.."
target_triple=aarch64-unknown-none-softfloat
target="${CARGO_TARGET_DIR:-target}"
${CARGO:-cargo} build --release -q -p oxtee-qemu-smoke --target "$target_triple"
elf="$target/$target_triple/release/oxtee-qemu-smoke"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"${CROSS_COMPILE:-aarch64-linux-gnu-}objcopy" -O binary "$elf" "$work/bios.bin"
head -c 16777217 /dev/urandom >"$work/payload.bin"
# CRC-32 of the payload: the first word of gzip's trailer (little-endian, as `od` reads it here).
crc="0x$(gzip -c "$work/payload.bin" | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' \n')"
status=0
timeout 120 qemu-system-aarch64 -nographic \
    -machine virt,secure=on,virtualization=off,gic-version=3 \
    -cpu max,pauth-impdef=on -smp 2 -m 1024 \
    -bios "$work/bios.bin" -kernel "$work/payload.bin" -append "crc=$crc" \
    -serial null -serial "file:$work/secure.log" -nic none -monitor none || status=$?
cat "$work/secure.log"
if [ "$status" -ne 0 ] || grep -q FAIL "$work/secure.log" || ! grep -q "smoke: done" "$work/secure.log"; then
    echo "qemu-smoke: FAILED (exit $status)"
    exit 1
fi
echo "qemu-smoke: passed"
