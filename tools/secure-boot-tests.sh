#!/usr/bin/env bash
# Secure-boot tests of the EL3 firmware on QEMU: every bad package must be
# refused with its reason and a non-zero QEMU exit; a valid package of a
# higher version must boot and raise the anti-rollback minimum kept in flash.
# Usage: tools/secure-boot-tests.sh <out-dir>
set -uo pipefail

O=${1:-out}
SIGN=target/release/oxtee-sign
KEY=${SIGN_KEY:-bootloader/keys/dev-ed25519.pem}
BL=$O/bootloader/bl.bin
HDR=$O/debian/optee/tee-header_v2.bin
PAGER=$O/debian/optee/tee-pager_v2.bin
W=$O/secure-boot-tests
rm -rf "$W" && mkdir -p "$W"
fails=0

# Boots the flash image without a normal-world kernel: a verified secure OS
# reaches ENTRY_DONE, then the firmware stops (no kernel given).
boot() { # flash log
    timeout 60 qemu-system-aarch64 -nographic \
        -machine virt,secure=on,virtualization=off,gic-version=3 \
        -cpu "${QEMU_CPU:-max,pauth-impdef=on}" -smp 2 -m 1024 \
        -drive if=pflash,unit=0,format=raw,file="$1" \
        -semihosting-config enable=on,target=native \
        -serial null -serial file:"$2" -nic none -monitor none </dev/null >/dev/null 2>&1
    echo $?
}

# replace_slot flash package: writes a package into slot A, keeping the counter.
replace_slot() {
    dd if=/dev/zero bs=1M count=16 2>/dev/null | tr '\0' '\377' |
        dd of="$1" bs=1M seek=1 conv=notrunc 2>/dev/null
    dd if="$2" of="$1" bs=1M seek=1 conv=notrunc 2>/dev/null
}

expect_refused() { # name flash reason-regex
    local st
    st=$(boot "$2" "$W/$1.log")
    if [ "$st" != 0 ] && [ "$st" != 124 ] && grep -q "secure boot: refused" "$W/$1.log" &&
        grep -Eq "$3" "$W/$1.log" && ! grep -q "ENTRY_DONE" "$W/$1.log" &&
        ! grep -q "entering secure OS" "$W/$1.log"; then
        echo "PASS $1: $(grep -m1 'refused' "$W/$1.log" | tr -d '\r') (exit $st)"
    else
        echo "FAIL $1 (exit $st)"; sed 's/^/    /' "$W/$1.log" | tail -5; fails=$((fails + 1))
    fi
}

expect_boots() { # name flash extra-regex
    local st
    st=$(boot "$2" "$W/$1.log")
    if grep -q "ENTRY_DONE" "$W/$1.log" && grep -Eq "$3" "$W/$1.log"; then
        echo "PASS $1: $(grep -m1 'verified' "$W/$1.log" | tr -d '\r')"
    else
        echo "FAIL $1 (exit $st)"; sed 's/^/    /' "$W/$1.log" | tail -5; fails=$((fails + 1))
    fi
}

wrap() { # version out [extra args]
    local v=$1 out=$2; shift 2
    $SIGN wrap --key "$KEY" --version "$v" --header "$HDR" --pager "$PAGER" -o "$out" "$@" >/dev/null
}

wrap 2 "$W/v2.bin" && wrap 1 "$W/v1.bin" && wrap 3 "$W/v3.bin" || { echo "FAIL: wrap"; exit 1; }
$SIGN tamper --in "$W/v2.bin" --what signature -o "$W/bad-sig.bin" >/dev/null
$SIGN tamper --in "$W/v2.bin" --what payload -o "$W/bad-payload.bin" >/dev/null
$SIGN tamper --in "$W/v2.bin" --what truncate -o "$W/truncated.bin" >/dev/null
$SIGN keygen -o "$W/other-key.pem" >/dev/null
$SIGN wrap --key "$W/other-key.pem" --version 2 --header "$HDR" --pager "$PAGER" -o "$W/other-key.bin" >/dev/null
$SIGN wrap --key "$KEY" --version 2 --raw "$PAGER" --load-addr 0x40000000 -o "$W/bad-load.bin" >/dev/null

for c in bad-sig bad-payload truncated other-key bad-load; do
    $SIGN flash --firmware "$BL" --package "$W/$c.bin" -o "$W/$c.img" >/dev/null
done
expect_refused tampered-signature "$W/bad-sig.img" "signature"
expect_refused tampered-payload "$W/bad-payload.img" "hash|digest"
expect_refused truncated-image "$W/truncated.img" "truncated|hash"
expect_refused wrong-key "$W/other-key.img" "key|signature"
expect_refused load-outside-secure-ram "$W/bad-load.img" "load|address|window"

# Anti-rollback across boots of one flash device.
$SIGN flash --firmware "$BL" --package "$W/v2.bin" -o "$W/rollback.img" >/dev/null
expect_boots version-2-raises-minimum "$W/rollback.img" "minimum raised to v2"
replace_slot "$W/rollback.img" "$W/v1.bin"
expect_refused rollback-to-version-1 "$W/rollback.img" "rollback|below|minimum"
replace_slot "$W/rollback.img" "$W/v2.bin"
expect_boots same-version-boots "$W/rollback.img" "minimum v2"
replace_slot "$W/rollback.img" "$W/v3.bin"
expect_boots version-3-raises-minimum "$W/rollback.img" "minimum raised to v3"
replace_slot "$W/rollback.img" "$W/v2.bin"
expect_refused rollback-to-version-2 "$W/rollback.img" "rollback|below|minimum"

if [ "$fails" -ne 0 ]; then
    echo "secure-boot tests: $fails failed"
    exit 1
fi
echo "secure-boot tests: all passed"
