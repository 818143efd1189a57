# Runs in the normal world (make ta-verify-test): a signed TA whose signature
# or payload has one byte flipped must be refused by the secure OS with
# TEE_ERROR_SECURITY (0xffff000f); the untouched TA must pass verification.
# The same TA re-signed with oxtee's key must be accepted and run (xtest 1004,
# which uses it, passes); re-signed with a key the core does not trust it must
# be refused (0xffff000f). Anti-rollback: once version 2 ran, version 1 of
# the same TA is refused with TEE_ERROR_ACCESS_CONFLICT (0xffff0003).
T=/lib/optee_armtz/cb3e5ba0-adf1-11e0-998b-0002a5d5c51b.ta   # xtest's crypt TA
OXTEE_KEY_TA=/etc/oxtee/crypt-oxtee-key.ta        # host: signed with OXTEE_TA_KEY
UNTRUSTED_KEY_TA=/etc/oxtee/crypt-untrusted-key.ta  # host: signed with a fresh key
cp "$T" /tmp/orig.ta
# "OK" when xtest 1004 passes with the installed TA, else the first
# unexpected TEE_Result it reports.
open_result() {
    out=$(xtest -l 0 regression_1004 2>&1)
    if echo "$out" | grep -q '^regression_1004 OK'; then echo OK; return; fi
    r=$(echo "$out" | sed -n 's/.*unexpected value: \(0x[0-9a-f]*\).*/\1/p' | head -1)
    echo "${r:-failed}"
}
flip() { # offset
    cp /tmp/orig.ta "$T"
    b=$(dd if=/tmp/orig.ta bs=1 skip="$1" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
    printf "\\$(printf '%03o' $(( (b + 1) % 256 )))" > /tmp/byte
    dd if=/tmp/byte of="$T" bs=1 seek="$1" conv=notrunc 2>/dev/null
    cmp -s "$T" /tmp/orig.ta && { echo "flip at $1 changed nothing"; exit 1; }
}
resigned() { # file
    [ -f "$1" ] || { echo "missing $1"; return 1; }
    cmp -s "$1" /tmp/orig.ta && { echo "$1 equals the original TA"; return 1; }
    cp "$1" "$T"
}
fail=0
flip 100; r=$(open_result); echo "signature byte flipped: $r"; [ "$r" = 0xffff000f ] || fail=1
flip 40000; r=$(open_result); echo "payload byte flipped: $r"; [ "$r" = 0xffff000f ] || fail=1
if resigned "$OXTEE_KEY_TA"; then
    r=$(open_result); echo "re-signed with oxtee's key: $r"; [ "$r" = OK ] || fail=1
else fail=1; fi
if resigned "$UNTRUSTED_KEY_TA"; then
    r=$(open_result); echo "re-signed with an untrusted key: $r"; [ "$r" = 0xffff000f ] || fail=1
else fail=1; fi
cp /tmp/orig.ta "$T"; r=$(open_result); echo "untouched TA: $r"; [ "$r" = OK ] || fail=1
# Last: after version 2 ran, every older version (the untouched TA is 0) is refused.
if resigned /etc/oxtee/crypt-v2.ta; then
    r=$(open_result); echo "version 2: $r"; [ "$r" = OK ] || fail=1
else fail=1; fi
if resigned /etc/oxtee/crypt-v1.ta; then
    r=$(open_result); echo "version 1 after version 2: $r"; [ "$r" = 0xffff0003 ] || fail=1
else fail=1; fi
exit $fail
