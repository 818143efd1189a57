# Runs in the normal world (make ta-verify-test), on a REE FS kept across
# boots (xtest-compat --storage): the TA version floor lives in secure
# storage (ta_ver.db), so it survives a reboot. First boot ("raise"): version
# 2 of xtest's crypt TA runs. Second boot ("check"): version 1 is refused with
# TEE_ERROR_ACCESS_CONFLICT (0xffff0003), then version 2 still runs.
T=/lib/optee_armtz/cb3e5ba0-adf1-11e0-998b-0002a5d5c51b.ta
open_result() {
    out=$(xtest -l 0 regression_1004 2>&1)
    if echo "$out" | grep -q '^regression_1004 OK'; then echo OK; return; fi
    r=$(echo "$out" | sed -n 's/.*unexpected value: \(0x[0-9a-f]*\).*/\1/p' | head -1)
    echo "${r:-failed}"
}
fail=0
case "$1" in
raise)
    cp /etc/oxtee/crypt-v2.ta "$T"
    r=$(open_result); echo "boot 1, version 2: $r"; [ "$r" = OK ] || fail=1
    ;;
check)
    cp /etc/oxtee/crypt-v1.ta "$T"
    r=$(open_result); echo "boot 2, version 1 after version 2 ran before the reboot: $r"
    [ "$r" = 0xffff0003 ] || fail=1
    cp /etc/oxtee/crypt-v2.ta "$T"
    r=$(open_result); echo "boot 2, version 2: $r"; [ "$r" = OK ] || fail=1
    ;;
*) echo "usage: ta-floor-check raise|check"; fail=1 ;;
esac
exit $fail
