#!/usr/bin/env bash
# Compares the value of every TEE_*/TA_*/TEE_SCN_*/USER_TA_* constant our
# dev kit's headers define with the value OP-TEE's kit (Debian's
# optee-os-dev) gives the same name, by compiling one C file against each
# kit's headers with the host compiler.
#
#   devkit-constants-check.sh OUR_KIT OPTEE_KIT WORKDIR
#
# Fails if any name both kits define has different values, or if a name of
# OP-TEE's tee_api_defines.h is missing from ours. Names only ours has are
# counted.
set -euo pipefail
OURS=${1:?ours}; THEIRS=${2:?theirs}; WORK=${3:?workdir}
mkdir -p "$WORK"
headers="tee_api_defines.h tee_api_defines_extensions.h user_ta_header.h tee_syscall_numbers.h"
# Object-like macros with a value (not include guards, not function-like).
defines() {
    awk -v re="$1" '$1 == "#define" && $2 ~ re && NF >= 3 { print $2 }' "${@:2}" | grep -v '_H$' | sort -u
}
names=$(cd "$OURS/include" && defines '^(TEE|TA|USER_TA|__OPTEE)_[A-Za-z0-9_]*$' $headers)
strings=$(cd "$OURS/include" && awk '$1 == "#define" && $3 ~ /^"/ { print $2 }' $headers | sort -u)
[ -n "$names" ] || { echo "devkit-constants-check: no constants found in $OURS" >&2; exit 1; }
{
    echo '#include <stdio.h>'
    echo '#include <stdint.h>'
    echo '#include <tee_api_types.h>'
    for h in $headers; do echo "#include <$h>"; done
    echo 'int main(void) {'
    for n in $names; do
        if grep -qx "$n" <<<"$strings"; then
            printf '#ifdef %s\nprintf("%s \\"%%s\\"\\n", %s);\n#else\nprintf("%s -\\n");\n#endif\n' "$n" "$n" "$n" "$n"
        else
            printf '#ifdef %s\nprintf("%s %%llu\\n", (unsigned long long)(uintptr_t)(%s));\n#else\nprintf("%s -\\n");\n#endif\n' "$n" "$n" "$n" "$n"
        fi
    done
    echo 'return 0; }'
} > "$WORK/constants.c"
for kit in ours theirs; do
    dir=$OURS; [ $kit = theirs ] && dir=$THEIRS
    # TA-side headers, read by the host compiler only to print the values.
    cc -w -D__LP64__=1 -I"$dir/include" "$WORK/constants.c" -o "$WORK/$kit" 2>"$WORK/$kit.log" \
        || { echo "devkit-constants-check: compiling against $kit failed:" >&2; cat "$WORK/$kit.log" >&2; exit 1; }
    "$WORK/$kit" > "$WORK/$kit.txt"
done
fails=0
only_ours=0
same=0
while read -r name ours; do
    theirs=$(awk -v n="$name" '$1 == n { print $2 }' "$WORK/theirs.txt")
    if [ "$theirs" = "-" ]; then
        only_ours=$((only_ours + 1))
    elif [ "$ours" != "$theirs" ]; then
        echo "devkit-constants-check: FAIL $name: ours $ours, OP-TEE's $theirs" >&2
        fails=$((fails + 1))
    else
        same=$((same + 1))
    fi
done < "$WORK/ours.txt"
# Every name of OP-TEE's tee_api_defines.h must exist in ours, except GP's
# panic-reason ids (TEE_PANIC_ID_*), which no function of ours reports.
missing=$(defines '^(TEE|TA)_[A-Za-z0-9_]*$' "$THEIRS/include/tee_api_defines.h" \
    | grep -v '^TEE_PANIC_ID_' | comm -23 - <(echo "$names"))
if [ -n "$missing" ]; then
    echo "devkit-constants-check: FAIL missing from ours:" $missing >&2
    fails=$((fails + 1))
fi
echo "devkit-constants-check: $same names with equal values, $only_ours only in oxtee's kit, $fails failure(s)"
[ "$fails" -eq 0 ]
