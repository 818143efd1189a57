#!/usr/bin/env bash
# Entropy on a CPU without RNDR (FEAT_RNG): the core must seed its DRBG from
# the boot seed in the DT. Boots twice, reads /dev/hwrng (Linux's optee-rng,
# i.e. the RNG PTA) each time: both reads must succeed, be non-zero and differ.
# Usage: tools/entropy-test.sh <out-dir> <flash> <qemu-cpu>
set -uo pipefail

O=$1
FLASH=$2
CPU=$3
XTC=${XTC:-target/release/xtest-compat}
W=$O/entropy-test
rm -rf "$W" && mkdir -p "$W"

read_hwrng() { # boot-number
    local dir=$W/boot$1
    "$XTC" run --cpu "$CPU" --flash "$FLASH" --out "$O" --log-dir "$dir" --timeout 300 \
        --cmd 'v=$(head -c 32 /dev/hwrng | od -An -tx1 | tr -d " \n"); echo "HWRNG=$v"' \
        >/dev/null 2>&1
    grep -aoE 'HWRNG=[0-9a-f]{64}' "$dir/normal.log" | head -1 | cut -d= -f2
}

a=$(read_hwrng 1)
b=$(read_hwrng 2)
echo "boot 1: ${a:-<no bytes>}"
echo "boot 2: ${b:-<no bytes>}"
fail=0
for v in "$a" "$b"; do
    if [ -z "$v" ]; then
        echo "FAIL: /dev/hwrng gave no 32 bytes on -cpu $CPU (logs in $W)"
        fail=1
    elif [ "$v" = "$(printf '0%.0s' {1..64})" ]; then
        echo "FAIL: /dev/hwrng gave zeros on -cpu $CPU"
        fail=1
    fi
done
if [ $fail = 0 ] && [ "$a" = "$b" ]; then
    echo "FAIL: two boots gave the same /dev/hwrng bytes"
    fail=1
fi
if ! grep -aq "RNG: .*boot seed, no RNDR" "$W/boot1/secure.log"; then
    echo "FAIL: the core did not report seeding from the boot seed without RNDR"
    fail=1
fi
[ $fail = 0 ] && echo "entropy-test: /dev/hwrng differs between boots on -cpu $CPU"
exit $fail
