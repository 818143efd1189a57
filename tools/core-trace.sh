#!/usr/bin/env bash
# Records which core code runs per call: boots QEMU with `make run`, lets the
# guest command start, turns QEMU's exec log on (through QMP) for SECS
# seconds of it, restricted to the core's code, then summarises the log per
# call with tools/core-trace.py. The guest command should loop on one kind
# of call for longer than DELAY + SECS (the log slows the core's code down).
# SECS `all` keeps the log on until the guest command ends.
#
#   tools/core-trace.sh [DELAY [SECS]] -- 'guest command' [make variables...]
#   tools/core-trace.sh 15 2 -- 'xtest --aes-perf -s 16 -n 60000 >/dev/null'
#
# Needs a built image (`make out/flash-oxtee.img`); writes out/core-trace/.
set -euo pipefail
cd "$(dirname "$0")/.."
delay=15 secs=2
[ "${1:-}" != -- ] && { delay=$1; shift; }
[ "${1:-}" != -- ] && { secs=$1; shift; }
[ "${1:-}" = -- ] || { sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 2; }
shift
cmd=$1
shift
O=${O:-out}
elf=$O/core/tee.elf
[ -f "$elf" ] || { echo "core-trace: $elf missing (make out/flash-oxtee.img)" >&2; exit 1; }
dir=$O/core-trace
mkdir -p "$dir"
sock=$dir/qmp.sock log=$dir/exec.log
rm -f "$sock" "$log"
range=$(aarch64-linux-gnu-nm "$elf" |
	awk '$3 == "__text_start" { s = $1 } $3 == "__text_end" { e = $1 } END { print "0x" s "..0x" e }')
qmp() {
	python3 - "$sock" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for c in ({"execute": "qmp_capabilities"},
          {"execute": "human-monitor-command", "arguments": {"command-line": sys.argv[2]}}):
    f.write(json.dumps(c) + "\n")
    f.flush()
    while "return" not in (r := json.loads(f.readline())) and "error" not in r:
        pass
PY
}
OXTEE_QEMU_EXTRA_ARGS="-qmp unix:$sock,server=on,wait=off -dfilter $range -D $log" \
	make run CMD="$cmd" "$@" >"$dir/run.txt" 2>&1 &
run=$!
for _ in $(seq 1 300); do [ -S "$sock" ] && break; sleep 0.2; done
[ -S "$sock" ] || { wait $run || true; cat "$dir/run.txt" >&2; exit 1; }
sleep "$delay"
qmp "log exec,nochain"
if [ "$secs" != all ]; then
	sleep "$secs"
	qmp "log none"
fi
wait $run || echo "core-trace: the guest command failed (see $dir/run.txt)" >&2
python3 tools/core-trace.py "$elf" "$log"
