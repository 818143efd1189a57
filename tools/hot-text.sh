#!/usr/bin/env bash
# Rewrites core/image/hot-text.ld, the functions linker.ld puts first in the
# core's code: traces the core (tools/core-trace.sh) while the bench client
# (every kind of call and memory parameter, few of each) and xtest's AES and
# SHA loops run, then lists the functions they ran, those run by the most
# calls first (tools/hot-text.py). Run by `make hot-text`, which builds the inputs;
# rerun it when the call path changes much, and commit the list with the
# bench results that show its effect.
#
#   CLIENT=oxtee-bench TAS='x.ta y.ta' tools/hot-text.sh
set -euo pipefail
cd "$(dirname "$0")/.."
O=${O:-out}
: "${CLIENT:?the bench client}" "${TAS:?the user TAs the bench client calls}"
# (no `$` in the command: make would expand it)
work='sleep 3; oxtee-bench 20 300 >/dev/null'
for m in ECB CBC CTR XTS GCM; do work+="; xtest --aes-perf -m $m -s 4096 -n 100 >/dev/null"; done
for a in SHA1 SHA256 SHA512; do work+="; xtest --sha-perf -a $a -s 4096 -n 100 >/dev/null"; done
tools/core-trace.sh 6 all -- "$work" TAS="$TAS" GUEST_FILES="$CLIENT:/usr/bin/oxtee-bench" >/dev/null
python3 tools/hot-text.py "$O/core/tee.elf" "$O/core-trace/exec.log" >core/image/hot-text.ld.new
mv core/image/hot-text.ld.new core/image/hot-text.ld
rm -f "$O/core-trace/exec.log" # gigabytes; the list is what was wanted
echo "hot-text: $(grep -c '^\*' core/image/hot-text.ld) functions in core/image/hot-text.ld"
