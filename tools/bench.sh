#!/usr/bin/env bash
# Boots OP-TEE and oxtee in turn on the same QEMU, runs the benchmark client
# (bench/client/oxtee-bench.c) in the normal world and writes a comparison
# table. See bench/README.md.
#
# Environment (all optional):
#   O=out                  output directory (flash images, initramfs, debian/)
#   XTC=target/release/xtest-compat
#   CLIENT=$O/bench/oxtee-bench   the cross-compiled client
#   RESULTS=bench/results.md
#   ITERATIONS=200         open/invoke/close cycles (pseudo-TA and user TA,
#                          and ten context set-ups per cycle)
#   INVOKES=1000           invokes in each one-session loop
#   TEES="optee oxtee"
#   SDK_TA_DIR=$O/sdk      the TA SDK's example, signed per TEE: <dir>/<tee>/<uuid>.ta
#   HELLO_C_TA=$O/bench/hello-c-ta/<uuid>.ta   its C twin (bench/hello-c-ta),
#                          built and signed with the TA dev kit
#   RUN_TIMEOUT=600        seconds per boot
#   XTEST_PERF=1           also run Debian's xtest perf applets (--sha-perf,
#                          --aes-perf, --asym-perf) against the crypto_perf TA
#                          in the same boot; 0 skips them
#   PERF_TIMEOUT=150       seconds per perf applet in the guest
#   STORAGE_BENCH=1        also run xtest's secure-storage benchmarks
#                          (benchmark_1001/1002/1003: write, read, rewrite of
#                          objects up to 1 MiB in 1 KiB chunks, storage_benchmark
#                          TA, REE FS on the guest's tmpfs) after the perf
#                          applets; a failing or hanging one is reported as
#                          failed in its row (after a timeout the rest are
#                          skipped); 0 skips them
#   STORAGE_TIMEOUT=900    seconds per storage benchmark in the guest (each
#                          takes about 40 s on an idle host, several times
#                          that on a loaded one)
#   XTEST_SUITE=1          also run xtest's default suite once per TEE, as
#                          `make xtest` does (xtest-compat xtest, its own boots,
#                          after both TEEs' client runs; results in
#                          $O/xtest/bench-<tee>/), and report its host wall-clock
#                          time with the passed/failed case counts; 0 skips it
#   <TEE>_BUILD=failed     (e.g. OXTEE_BUILD) that TEE's image did not build
#   FIRMWARE=oxtee         the firmware in front of the TEEs: oxtee (our EL3
#                          firmware, $O/flash-<tee>.img) or tf-a (TF-A + U-Boot,
#                          $O/tf-a/<tee>/flash.img and $O/tf-a/uboot-env.img);
#                          per-TEE logs in $O/bench/<tee> or $O/bench/tf-a/<tee>
#   REPORT_ONLY=0          1: measure nothing, rewrite RESULTS from the last
#                          run's numbers in $O/bench (date and tree of that run)
# A TEE that fails to build, boot or answer is reported as n/a; the others
# are still measured. Exit status: 0 when the OP-TEE half produced numbers.
set -u
. "$(dirname "$0")/boot-times.sh"

O=${O:-out}
XTC=${XTC:-target/release/xtest-compat}
CLIENT=${CLIENT:-$O/bench/oxtee-bench}
RESULTS=${RESULTS:-bench/results.md}
ITERATIONS=${ITERATIONS:-200}
INVOKES=${INVOKES:-1000}
TEES=${TEES:-optee oxtee}
HELLO_RS_UUID=a7b321a8-0a28-4992-83bd-b757bbc3d4cd
HELLO_C_UUID=f015f096-7189-4c6d-81da-71d5459239f0
SDK_TA_DIR=${SDK_TA_DIR:-$O/sdk}
HELLO_C_TA=${HELLO_C_TA:-$O/bench/hello-c-ta/$HELLO_C_UUID.ta}
XTEST_PERF=${XTEST_PERF:-1}
PERF_TIMEOUT=${PERF_TIMEOUT:-150}
STORAGE_BENCH=${STORAGE_BENCH:-1}
STORAGE_TIMEOUT=${STORAGE_TIMEOUT:-900}
XTEST_SUITE=${XTEST_SUITE:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-$([ "$STORAGE_BENCH" = 1 ] && echo 3600 || echo 600)}
QEMU=${QEMU:-qemu-system-aarch64}
FIRMWARE=${FIRMWARE:-oxtee}
case "$FIRMWARE" in
oxtee) BENCH_DIR=$O/bench ;;
tf-a) BENCH_DIR=$O/bench/tf-a ;;
*) echo "bench: FIRMWARE=$FIRMWARE: use oxtee or tf-a" >&2; exit 2 ;;
esac

# Client operations, in table order, with their descriptions. The controls
# run the same normal-world code under both TEEs (no secure call): they get
# a table of their own, whose ratios show the run's noise.
CONTROL_OPS="ctx_init ctx_final nw_ref"
TEE_OPS="open invoke close cycle invoke_loop ta_open ta_invoke ta_close ta_invoke_loop rs_open rs_invoke rs_close rs_invoke_loop c_open c_invoke c_close c_invoke_loop rs_shm64k c_shm64k rs_tmp64k c_tmp64k rs_shm4k c_shm4k rs_tmp4k c_tmp4k"
OPS="$CONTROL_OPS $TEE_OPS"
declare -A OP_DESC=(
	[ctx_init]="TEEC_InitializeContext (opens /dev/tee0)"
	[ctx_final]="TEEC_FinalizeContext (closes /dev/tee0)"
	[nw_ref]="normal-world reference: fixed CPU loop, no TEE call, after each context sample (the host's speed then)"
	[open]="TEEC_OpenSession (invoke-tests PTA)"
	[invoke]="TEEC_InvokeCommand, first on a new session"
	[close]="TEEC_CloseSession"
	[cycle]="open + invoke + close"
	[invoke_loop]="TEEC_InvokeCommand, ${INVOKES} on one session"
	[ta_open]="user TA os_test: load + TEEC_OpenSession"
	[ta_invoke]="user TA os_test: TEEC_InvokeCommand, first on a new session"
	[ta_close]="user TA os_test: TEEC_CloseSession (instance destroyed)"
	[ta_invoke_loop]="user TA os_test: TEEC_InvokeCommand, ${INVOKES} on one session"
	[rs_open]="TA SDK example (Rust): load + TEEC_OpenSession"
	[rs_invoke]="TA SDK example (Rust): TEEC_InvokeCommand, first on a new session"
	[rs_close]="TA SDK example (Rust): TEEC_CloseSession (instance destroyed)"
	[rs_invoke_loop]="TA SDK example (Rust): TEEC_InvokeCommand, ${INVOKES} on one session"
	[c_open]="its C twin (TA dev kit): load + TEEC_OpenSession"
	[c_invoke]="its C twin (TA dev kit): TEEC_InvokeCommand, first on a new session"
	[c_close]="its C twin (TA dev kit): TEEC_CloseSession (instance destroyed)"
	[c_invoke_loop]="its C twin (TA dev kit): TEEC_InvokeCommand, ${INVOKES} on one session"
	[rs_shm64k]="TA SDK example (Rust): 64 KiB memref round trip, first byte touched, registered shared memory (PARTIAL_INOUT)"
	[c_shm64k]="its C twin (TA dev kit): 64 KiB memref round trip, first byte touched, registered shared memory (PARTIAL_INOUT)"
	[rs_tmp64k]="TA SDK example (Rust): 64 KiB memref round trip, first byte touched, temporary memref (TEMP_INOUT)"
	[c_tmp64k]="its C twin (TA dev kit): 64 KiB memref round trip, first byte touched, temporary memref (TEMP_INOUT)"
	[rs_shm4k]="TA SDK example (Rust): 4 KiB memref round trip, first byte touched, registered shared memory (PARTIAL_INOUT)"
	[c_shm4k]="its C twin (TA dev kit): 4 KiB memref round trip, first byte touched, registered shared memory (PARTIAL_INOUT)"
	[rs_tmp4k]="TA SDK example (Rust): 4 KiB memref round trip, first byte touched, temporary memref (TEMP_INOUT)"
	[c_tmp4k]="its C twin (TA dev kit): 4 KiB memref round trip, first byte touched, temporary memref (TEMP_INOUT)"
)

# xtest perf applets, run after the client in the same boot, in table order:
# "key|xtest arguments|row label". Keys ending in _ms are asymmetric: two
# rows, the applet's "X ms/op" (mean time of one operation, lower is better)
# and its fastest operation (the applet's min=, steadier on a loaded host).
# The others are symmetric: the applet's MiB/s from its mean invoke time
# (higher is better) and, as the mean is noisy under emulation, the fastest
# invoke in µs (lower is better). Loop counts of the asymmetric runs are kept small: OP-TEE needs
# about 100 s for all of them under TCG.
PERF_RUNS=(
	"sha|--sha-perf|xtest --sha-perf, defaults (SHA1, 1 KiB, 5000 invokes)"
	"aes|--aes-perf|xtest --aes-perf, defaults (AES-128-ECB encrypt, 1 KiB, 5000 invokes)"
	"aes_4k|--aes-perf -s 4096|xtest --aes-perf -s 4096 (AES-128-ECB encrypt, 4 KiB, 5000 invokes)"
	"aes_cbc_4k|--aes-perf -s 4096 -m CBC|xtest --aes-perf -s 4096 -m CBC (AES-128-CBC encrypt, 4 KiB, 5000 invokes)"
	"aes_gcm_4k|--aes-perf -s 4096 -m GCM|xtest --aes-perf -s 4096 -m GCM (AES-128-GCM encrypt, 4 KiB, 5000 invokes)"
	"aes_xts_4k|--aes-perf -s 4096 -m XTS|xtest --aes-perf -s 4096 -m XTS (AES-128-XTS encrypt, 4 KiB, 5000 invokes)"
	"sha256_4k|--sha-perf -a SHA256 -s 4096|xtest --sha-perf -a SHA256 -s 4096 (4 KiB, 5000 invokes)"
	"sha512_4k|--sha-perf -a SHA512 -s 4096|xtest --sha-perf -a SHA512 -s 4096 (4 KiB, 5000 invokes)"
	"ecdsa_sign_ms|--asym-perf -a ECDSA_SIGN -n 20 -w 0|xtest --asym-perf -a ECDSA_SIGN (P-256, 20 ops)"
	"ecdsa_verify_ms|--asym-perf -a ECDSA_VERIFY -n 20 -w 0|xtest --asym-perf -a ECDSA_VERIFY (P-256, 20 ops)"
	"rsa_sign_ms|--asym-perf -a RSASSA_PKCS1_V1_5_SHA256_SIGN -n 10 -w 0|xtest --asym-perf -a RSASSA_PKCS1_V1_5_SHA256_SIGN (RSA-2048, 10 ops)"
	"rsa_verify_ms|--asym-perf -a RSASSA_PKCS1_V1_5_SHA256_VERIFY -n 20 -w 0|xtest --asym-perf -a RSASSA_PKCS1_V1_5_SHA256_VERIFY (RSA-2048, 20 ops)"
	"ecdh_ms|--asym-perf -a ECDH -n 20 -w 0|xtest --asym-perf -a ECDH (P-256 key generation, 20 ops)"
	"x25519_ms|--asym-perf -a X25519 -n 20 -w 0|xtest --asym-perf -a X25519 (key generation, 20 ops)"
	"dh_ms|--asym-perf -a DH -n 10 -w 0|xtest --asym-perf -a DH (2048-bit key generation, 10 ops)"
)

# xtest's storage benchmarks, after the perf applets (STORAGE_BENCH=1):
# "key|xtest arguments|row label". Each prints a table of object sizes; the
# row shows the 1 MiB line's kB/s (higher is better).
STORAGE_RUNS=(
	"stor_write|-t benchmark benchmark_1001|xtest benchmark_1001, secure storage write (1 MiB object in 1 KiB chunks, REE FS)"
	"stor_read|-t benchmark benchmark_1002|xtest benchmark_1002, secure storage read (1 MiB object in 1 KiB chunks, REE FS)"
	"stor_rewrite|-t benchmark benchmark_1003|xtest benchmark_1003, secure storage rewrite (1 MiB object in 1 KiB chunks, REE FS)"
)

die() {
	echo "bench: $*" >&2
	exit 2
}

[ -x "$XTC" ] || die "$XTC missing (make tools)"
[ -f "$CLIENT" ] || die "$CLIENT missing (make $O/bench/oxtee-bench)"

# value FILE KEY: the value of "KEY value..." in FILE (empty if absent).
value() {
	awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$1" 2>/dev/null
}

# The guest script for the perf applets: each applet's output (stdout and
# stderr) comes back as "PERF key out <line>" lines, then "PERF key rc N".
perf_script() {
	local r key args
	echo 'd=$(mktemp -d 2>/dev/null || echo /tmp); mkdir -p "$d"'
	echo 'if command -v timeout >/dev/null 2>&1; then to="timeout '"$PERF_TIMEOUT"'"; else to=; fi'
	echo 'perf() {'
	echo '	k=$1; shift'
	echo '	echo "PERF $k begin"'
	echo '	$to xtest "$@" >"$d/out" 2>&1; rc=$?'
	echo '	while IFS= read -r l; do echo "PERF $k out $l"; done <"$d/out"'
	echo '	echo "PERF $k rc $rc"'
	echo '}'
	if [ "$XTEST_PERF" = 1 ]; then
		for r in "${PERF_RUNS[@]}"; do
			key=${r%%|*}
			args=${r#*|}
			args=${args%%|*}
			echo "perf $key $args"
		done
	fi
	if [ "$STORAGE_BENCH" = 1 ]; then
		# A storage benchmark that times out skips the others (a TEE whose
		# storage hangs costs one timeout, not three).
		echo 'if [ -n "$to" ]; then to="timeout '"$STORAGE_TIMEOUT"'"; fi'
		echo 'skip='
		echo 'sto() {'
		echo '	if [ -n "$skip" ]; then echo "PERF $1 begin"; echo "PERF $1 rc skip"; return; fi'
		echo '	perf "$@"'
		echo '	case "$rc" in 124 | 143) skip=1 ;; esac'
		echo '}'
		for r in "${STORAGE_RUNS[@]}"; do
			key=${r%%|*}
			args=${r#*|}
			args=${args%%|*}
			echo "sto $key $args"
		done
	fi
}

# perf_metrics KEY...: "perf.KEY.*" metric lines from the PERF lines on stdin.
# ok: perf.KEY.status ok, .mibps (symmetric) or .ms_op (asymmetric),
# .mean_us, .min_us; failed: perf.KEY.status failed <reason>.
perf_metrics() {
	awk -v timeout="$PERF_TIMEOUT" '
	function errname(h) {
		h = tolower(h)
		if (h == "0xffff0000") return "TEE_ERROR_GENERIC"
		if (h == "0xffff0006") return "TEE_ERROR_BAD_PARAMETERS"
		if (h == "0xffff0007") return "TEE_ERROR_BAD_STATE"
		if (h == "0xffff0008") return "TEE_ERROR_ITEM_NOT_FOUND"
		if (h == "0xffff0009") return "TEE_ERROR_NOT_IMPLEMENTED"
		if (h == "0xffff000a") return "TEE_ERROR_NOT_SUPPORTED"
		if (h == "0xffff000c") return "TEE_ERROR_OUT_OF_MEMORY"
		if (h == "0xffff000f") return "TEE_ERROR_SECURITY"
		if (h == "0xf0100001") return "TEE_ERROR_CORRUPT_OBJECT"
		if (h == "0xf0100003") return "TEE_ERROR_STORAGE_NOT_AVAILABLE"
		if (h == "0xffff3041") return "TEE_ERROR_STORAGE_NO_SPACE"
		if (h == "0xffff0010") return "TEE_ERROR_SHORT_BUFFER"
		if (h == "0xffff3024") return "TEE_ERROR_TARGET_DEAD"
		if (h == "0xffff3072") return "TEE_ERROR_SIGNATURE_INVALID"
		return h
	}
	function origin(o) {
		if (o == 1) return "API"
		if (o == 2) return "COMMS"
		if (o == 3) return "TEE"
		if (o == 4) return "TA"
		return o
	}
	$1 == "PERF" && $3 == "begin" { k = $2; ms[k] = ""; st[k] = ""; last[k] = ""; kb[k] = ""; err[k] = ""; seen[k] = 1; order[++n] = k; next }
	$1 == "PERF" && $3 == "out" {
		k = $2
		line = $0
		sub(/^PERF [^ ]* out ?/, "", line)
		if (line ~ /^[0-9.]+ ms\/op$/) { split(line, f, " "); ms[k] = f[1]; next }
		if (line ~ /^min=[0-9.e+-]+us max=/) { st[k] = line; next }
		# Storage benchmarks: the 1 MiB line of the size table.
		if (k ~ /^stor_/ && line ~ /^ *1048576[ \t]*\|/) {
			split(line, f, "|"); v = f[3]; gsub(/[ \t]/, "", v); kb[k] = v; next
		}
		if (k ~ /^stor_/ && err[k] == "" && line ~ /0x[0-9a-fA-F]+/) err[k] = line
		if (line != "") last[k] = line
		next
	}
	$1 == "PERF" && $3 == "rc" {
		k = $2; rc = $4; p = "perf." k
		if (k ~ /^stor_/ && rc == 0 && kb[k] != "") {
			print p ".status ok"
			print p ".kbps " kb[k]
		} else if (rc == "skip") {
			print p ".status failed skipped after an earlier storage benchmark timed out"
		} else if (k !~ /^stor_/ && rc == 0 && st[k] != "") {
			line = st[k]
			min = line; sub(/^min=/, "", min); sub(/us .*/, "", min)
			mean = line; sub(/.* mean=/, "", mean); sub(/us .*/, "", mean)
			mib = line; sub(/.*\(/, "", mib); sub(/MiB\/s\)$/, "", mib)
			print p ".status ok"
			printf "%s.mean_us %.1f\n", p, mean
			printf "%s.min_us %.1f\n", p, min
			if (k ~ /_ms$/) {
				if (ms[k] == "") ms[k] = sprintf("%.3f", mean / 1000)
				print p ".ms_op " ms[k]
				printf "%s.min_ms %.3f\n", p, min / 1000
			} else printf "%s.mibps %.3f\n", p, mib
		} else if (rc == 124 || rc == 143) {
			print p ".status failed timed out after " timeout " s"
		} else {
			r = last[k]
			if (err[k] != "") r = err[k]
			gsub(/^[ \t]+/, "", r)
			if (match(r, /0x[0-9a-fA-F]+/)) {
				h = substr(r, RSTART, RLENGTH)
				r = substr(r, 1, RSTART - 1) errname(h) substr(r, RSTART + RLENGTH)
			}
			if (match(r, /\(orig=[0-9]+\)/)) {
				o = substr(r, RSTART + 6, RLENGTH - 7)
				r = substr(r, 1, RSTART - 1) "(origin " origin(o) ")" substr(r, RSTART + RLENGTH)
			}
			if (r == "") r = "no result"
			gsub(/\|/, "/", r)
			print p ".status failed exit " rc ": " r
		}
		done[k] = 1
		next
	}
	END {
		for (i = 1; i <= n; i++)
			if (!done[order[i]]) print "perf." order[i] ".status failed did not finish (boot ended)"
	}'
}

# Boots one TEE and writes $BENCH_DIR/<tee>/metrics.txt ("key value" lines).
measure() {
	local tee=$1 dir=$BENCH_DIR/$1 flash=$O/flash-$1.img fw=()
	local m=$dir/metrics.txt build_var
	if [ "$FIRMWARE" = tf-a ]; then
		flash=$O/tf-a/$1/flash.img
		fw=(--firmware tf-a --flash1 "$O/tf-a/uboot-env.img")
	fi
	mkdir -p "$dir"
	: >"$m"
	build_var="$(echo "$tee" | tr '[:lower:]' '[:upper:]')_BUILD"
	if [ "${!build_var:-ok}" = failed ]; then
		echo "state build-failed" >>"$m"
		return
	fi
	if [ ! -f "$flash" ]; then
		echo "state no-image" >>"$m"
		return
	fi
	echo "bench: $tee: booting ($ITERATIONS cycles, $INVOKES invokes$([ "$XTEST_PERF" = 1 ] && echo ", xtest perf applets")$([ "$STORAGE_BENCH" = 1 ] && echo ", storage benchmarks"))" >&2
	rm -f "$dir/normal.log" "$dir/secure.log"
	local cmd="oxtee-bench $ITERATIONS $INVOKES" extra=()
	# The SDK example and its C twin (a missing file shows as an unsupported row).
	[ -f "$SDK_TA_DIR/$tee/$HELLO_RS_UUID.ta" ] &&
		extra+=(--extra-file "$SDK_TA_DIR/$tee/$HELLO_RS_UUID.ta:/lib/optee_armtz/$HELLO_RS_UUID.ta")
	[ -f "$HELLO_C_TA" ] &&
		extra+=(--extra-file "$HELLO_C_TA:/lib/optee_armtz/$HELLO_C_UUID.ta")
	if [ "$XTEST_PERF" = 1 ] || [ "$STORAGE_BENCH" = 1 ]; then
		perf_script >"$dir/xtest-perf.sh"
		extra+=(--extra-file "$dir/xtest-perf.sh:/usr/bin/oxtee-xtest-perf")
		cmd="$cmd; rc=\$?; sh /usr/bin/oxtee-xtest-perf; exit \$rc"
	fi
	"$XTC" run --flash "$flash" "${fw[@]}" --out "$O" --log-dir "$dir" --timeout "$RUN_TIMEOUT" \
		--extra-file "$CLIENT:/usr/bin/oxtee-bench" "${extra[@]}" \
		--cmd "$cmd" >"$dir/run.txt" 2>&1
	echo "exit $?" >>"$m"
	local t e n r
	read -r e n r < <(boot_times "$dir" "$FIRMWARE")
	[ "$e" != - ] && echo "entry_done_s $e" >>"$m"
	if [ "$n" != - ]; then
		echo "init_s $n" >>"$m"
		echo "state booted" >>"$m"
	else
		echo "state boot-failed" >>"$m"
	fi
	[ "$r" != - ] && echo "ready_s $r" >>"$m"
	# Why a TEE device may be missing: the Linux driver's complaint.
	t=$(tr -d '\r' <"$dir/normal.log" 2>/dev/null | grep -a -m1 -o 'optee[^ ]*: probe .*failed.*')
	[ -n "$t" ] && echo "driver $t" >>"$m"
	# Client lines; the console may end them with CR.
	tr -d '\r' <"$dir/normal.log" 2>/dev/null | sed -n 's/^BENCH //p' >>"$m"
	# xtest perf applets: their output, then the parsed numbers.
	if [ "$XTEST_PERF" = 1 ] || [ "$STORAGE_BENCH" = 1 ]; then
		tr -d '\r' <"$dir/normal.log" 2>/dev/null | grep -a '^PERF ' >"$dir/xtest-perf.txt"
		perf_metrics <"$dir/xtest-perf.txt" >>"$m"
	fi
}

# Runs xtest's default suite on one TEE as `make xtest` does and adds
# suite.* lines to its metrics.txt: the host wall-clock time of the whole run
# (boots included), the passed/failed case counts and the subtest counts.
suite() {
	local tee=$1 dir=$BENCH_DIR/$1 flash=$O/flash-$1.img fw=() name=bench-$1
	local m=$BENCH_DIR/$1/metrics.txt log=$BENCH_DIR/$1/xtest-suite.txt build_var t0 t1 rc line
	if [ "$FIRMWARE" = tf-a ]; then
		flash=$O/tf-a/$1/flash.img
		fw=(--firmware tf-a --flash1 "$O/tf-a/uboot-env.img")
		name=bench-tf-a-$1
	fi
	build_var="$(echo "$tee" | tr '[:lower:]' '[:upper:]')_BUILD"
	if [ "${!build_var:-ok}" = failed ] || [ ! -f "$flash" ]; then
		return
	fi
	echo "bench: $tee: xtest default suite" >&2
	t0=$(date +%s.%N)
	"$XTC" xtest --flash "$flash" "${fw[@]}" --tee "$name" --out "$O" >"$log" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	echo "suite.rc $rc" >>"$m"
	echo "suite.wall_s $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" >>"$m"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)
	if [ -n "$line" ]; then
		echo "suite.status ok" >>"$m"
		echo "suite.passed $(echo "$line" | cut -d' ' -f1)" >>"$m"
		echo "suite.failed $(echo "$line" | cut -d' ' -f3)" >>"$m"
	else
		echo "suite.status failed exit $rc: no summary line (see $log)" >>"$m"
	fi
	line=$(sed -n 's/^subtests: \([0-9]*\) of which \([0-9]*\) failed$/\1 \2/p' "$log" | tail -n1)
	if [ -n "$line" ]; then
		echo "suite.subtests ${line% *}" >>"$m"
		echo "suite.subtests_failed ${line#* }" >>"$m"
	fi
}

# The run's date and tree, kept with its numbers for REPORT_ONLY.
RUN_INFO=$BENCH_DIR/run-info.txt
if [ "${REPORT_ONLY:-0}" = 1 ]; then
	[ -f "$RUN_INFO" ] || die "$RUN_INFO missing: no earlier run to report"
else
	head_rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && head_rev="$head_rev + local changes"
	mkdir -p "$BENCH_DIR"
	printf 'date %s\ntree %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$head_rev" >"$RUN_INFO"
	for tee in $TEES; do
		measure "$tee"
	done
	if [ "$XTEST_SUITE" = 1 ]; then
		for tee in $TEES; do
			suite "$tee"
		done
	fi
fi

manifest() {
	awk -F '\t' -v k="$1" '$1 == k { print $2; exit }' "$O/debian/manifest.tsv" 2>/dev/null
}

size_of() {
	[ -f "$1" ] && stat -c %s "$1"
}

# cell TEE KEY: a table cell for a client number or a boot time.
cell() {
	local m=$BENCH_DIR/$1/metrics.txt key=$2 op state v
	state=$(value "$m" state)
	case "$state" in
	build-failed) echo "n/a (build failed)"; return ;;
	no-image) echo "n/a (no image)"; return ;;
	boot-failed) echo "n/a (boot failed)"; return ;;
	esac
	op=${key%%.*}
	if [ "$op" != "$key" ] && [ "$(value "$m" "$op.status")" != ok ]; then
		echo "n/a (not supported yet)"
		return
	fi
	v=$(value "$m" "$key")
	echo "${v:-n/a}"
}

# perf_cell TEE KEY FIELD: a table cell for an xtest perf applet.
perf_cell() {
	local m=$BENCH_DIR/$1/metrics.txt p=perf.$2 state s v
	state=$(value "$m" state)
	case "$state" in
	build-failed) echo "n/a (build failed)"; return ;;
	no-image) echo "n/a (no image)"; return ;;
	boot-failed) echo "n/a (boot failed)"; return ;;
	esac
	s=$(value "$m" "$p.status")
	case "$s" in
	ok) ;;
	"") echo "n/a (not run)"; return ;;
	"failed timed out"*) echo "n/a (timed out)"; return ;;
	"failed did not finish"*) echo "n/a (did not finish)"; return ;;
	*)
		# The error name when there is one, else the exit status.
		v=$(echo "$s" | grep -o 'TEE_ERROR_[A-Z_]*\|0x[0-9a-f]*' | head -n1)
		[ -z "$v" ] && v=$(echo "$s" | sed -n 's/^failed \(exit [0-9]*\).*/\1/p')
		echo "n/a (${v:-failed}, see below)"
		return
		;;
	esac
	v=$(value "$m" "$p.$3")
	echo "${v:-n/a}"
}

# stor_cell TEE KEY: a storage benchmark's kB/s, or "failed (why)" when the
# TEE booted but the benchmark did not give a number.
stor_cell() {
	local c
	c=$(perf_cell "$1" "$2" kbps)
	case "$c" in
	"n/a (build failed)" | "n/a (no image)" | "n/a (boot failed)" | "n/a (not run)") echo "$c" ;;
	"n/a ("*) echo "failed ${c#n/a }" ;;
	*) echo "$c" ;;
	esac
}

# suite_cell TEE KEY: a cell of the xtest suite rows ("n/a (...)" when the
# suite was not run or gave no summary; the reason is listed below the table).
suite_cell() {
	local m=$BENCH_DIR/$1/metrics.txt s
	s=$(value "$m" suite.status)
	case "$s" in
	ok) value "$m" "$2" ;;
	"") echo "n/a (not run)" ;;
	*) echo "n/a (failed, see below)" ;;
	esac
}

# suite_counts TEE: "passed / failed (failed of total subtests)" of the suite.
suite_counts() {
	local m=$BENCH_DIR/$1/metrics.txt c
	c=$(suite_cell "$1" suite.passed)
	case "$c" in
	n/a*) echo "$c"; return ;;
	esac
	echo "$c / $(value "$m" suite.failed) ($(value "$m" suite.subtests_failed) of $(value "$m" suite.subtests))"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) {
			# Two significant digits below 0.1, so 0.011 does not read 0.01.
			r = a / b
			if (r < 0.1 && r > 0) printf "%.2g", r
			else printf "%.2f", r
		}
		else printf "–" }'
}

row() {
	local label=$1 a=$2 b=$3
	echo "| $label | $a | $b | $(ratio "$b" "$a") |"
}

{
	echo "# oxtee vs OP-TEE: benchmark results"
	echo
	echo "Written by \`make bench\` (tools/bench.sh); see bench/README.md for what is measured."
	echo
	echo "- Date: $(value "$RUN_INFO" date)"
	echo "- Tree: $(value "$RUN_INFO" tree)"
	echo "- QEMU: $($QEMU --version | head -n1)"
	echo "- Host CPUs: $(nproc)"
	echo "- Guest: QEMU virt, secure=on, GICv3, -cpu max, 2 CPUs, 1 GiB; Linux $(manifest kernel-version)"
	if [ "$FIRMWARE" = tf-a ]; then
		echo "- Firmware: TF-A $(cat "$O/tf-a/tf-a-version" 2>/dev/null) (Debian source package; BL1, BL2, BL31 with SPD=opteed) + U-Boot $(manifest version:u-boot-qemu) (Debian u-boot-qemu), the same for both TEEs"
	else
		echo "- Firmware: oxtee's EL3 firmware, the same for both TEEs"
	fi
	echo "- OP-TEE: Debian optee-os $(manifest version:optee-os); client: libteec2 $(manifest version:libteec2)"
	ctx_n=$(for t in $TEES; do value "$BENCH_DIR/$t/metrics.txt" ctx_init.n; done | head -n1)
	echo "- Client: ${ctx_n:-no} context set-ups and tear-downs, $ITERATIONS open/invoke/close cycles, $INVOKES invokes on one session, each for the pseudo-TA and each user TA (os_test, the TA SDK example in Rust and its C twin), $INVOKES memref round trips of each kind; one boot per TEE"
	[ "$XTEST_PERF" = 1 ] &&
		echo "- xtest perf applets (Debian optee-test-qemu $(manifest version:optee-test-qemu), crypto_perf TA) in the same boot, after the client; ratio oxtee/OP-TEE above 1 is faster for MiB/s rows, below 1 for ms/op and µs rows"
	[ "$XTEST_SUITE" = 1 ] &&
		echo "- xtest default suite: one \`xtest-compat xtest\` run per TEE as \`make xtest\` runs it (one case at a time, its own boots), after both TEEs' client runs; host wall-clock time with the case counts next to it"
	[ "$STORAGE_BENCH" = 1 ] &&
		echo "- xtest storage benchmarks (storage_benchmark TA; tee-supplicant's REE FS on the guest's tmpfs) in the same boot, last; ratio above 1 is faster for kB/s rows"
	echo
	echo "| metric | OP-TEE | oxtee | ratio oxtee/OP-TEE |"
	echo "|---|---:|---:|---:|"
	if [ "$FIRMWARE" = tf-a ]; then
		row "secure OS hand-over line, host clock (s)" "$(cell optee entry_done_s)" "$(cell oxtee entry_done_s)"
	else
		row "secure OS entry done, guest counter (s)" "$(cell optee entry_done_s)" "$(cell oxtee entry_done_s)"
	fi
	row "/init reached, host clock (s)" "$(cell optee init_s)" "$(cell oxtee init_s)"
	row "tee-supplicant ready, host clock (s)" "$(cell optee ready_s)" "$(cell oxtee ready_s)"
	for op in $TEE_OPS; do
		for stat in median mean min; do
			row "${OP_DESC[$op]}: $stat (µs)" "$(cell optee "$op.${stat}_us")" "$(cell oxtee "$op.${stat}_us")"
		done
	done
	if [ "$XTEST_PERF" = 1 ]; then
		for r in "${PERF_RUNS[@]}"; do
			key=${r%%|*}
			case "$key" in
			*_ms)
				row "${r##*|}: ms/op, lower is better" \
					"$(perf_cell optee "$key" ms_op)" "$(perf_cell oxtee "$key" ms_op)"
				row "${r##*|}: fastest op (ms), lower is better" \
					"$(perf_cell optee "$key" min_ms)" "$(perf_cell oxtee "$key" min_ms)"
				;;
			*)
				row "${r##*|}: MiB/s (mean), higher is better" \
					"$(perf_cell optee "$key" mibps)" "$(perf_cell oxtee "$key" mibps)"
				row "${r##*|}: fastest invoke (µs), lower is better" \
					"$(perf_cell optee "$key" min_us)" "$(perf_cell oxtee "$key" min_us)"
				;;
			esac
		done
	fi
	if [ "$STORAGE_BENCH" = 1 ]; then
		for r in "${STORAGE_RUNS[@]}"; do
			key=${r%%|*}
			row "${r##*|}: kB/s, higher is better" \
				"$(stor_cell optee "$key")" "$(stor_cell oxtee "$key")"
		done
	fi
	if [ "$XTEST_SUITE" = 1 ]; then
		row "xtest default suite, one run as \`make xtest\` runs it (boots included), host clock (s)" \
			"$(suite_cell optee suite.wall_s)" "$(suite_cell oxtee suite.wall_s)"
		echo "| xtest default suite: cases passed / failed (subtests failed of run) | $(suite_counts optee) | $(suite_counts oxtee) | – |"
	fi
	a=$(size_of "$O/debian/optee/tee-pager_v2.bin")
	b=$(size_of "$O/core/tee-pager_v2.bin")
	row "tee-pager_v2.bin (bytes)" "${a:-n/a}" "${b:-n/a}"
	a=$(size_of "$O/debian/optee/tee-pageable_v2.bin")
	b=$(size_of "$O/core/tee-pageable_v2.bin")
	row "tee-pageable_v2.bin (bytes)" "${a:-n/a}" "${b:-n/a}"
	if [ "$FIRMWARE" = oxtee ]; then
		a=$(size_of "$O/bootloader/bl.bin")
		row "EL3 firmware bl.bin, same for both (bytes)" "${a:-n/a}" "${a:-n/a}"
	fi
	echo
	echo "Normal-world controls: the same code under both TEEs, with no secure call (see bench/README.md,"
	echo "\"Reading the numbers\"); their ratios are this run's noise between the two boots, not a TEE difference:"
	echo
	echo "| control | OP-TEE boot | oxtee boot | ratio |"
	echo "|---|---:|---:|---:|"
	for op in $CONTROL_OPS; do
		for stat in median mean min; do
			row "${OP_DESC[$op]}: $stat (µs)" "$(cell optee "$op.${stat}_us")" "$(cell oxtee "$op.${stat}_us")"
		done
	done
	echo
	echo "TA size: the TA SDK's example (ta/examples/hello, Rust, \`cargo xtask build-ta\`) next to its C twin"
	echo "(bench/hello-c-ta: the same commands, built by OP-TEE's TA dev kit), both signed with the dev kit's key:"
	echo
	echo "| file | C twin (TA dev kit) | Rust (TA SDK) | ratio Rust/C |"
	echo "|---|---:|---:|---:|"
	a=$(size_of "$HELLO_C_TA")
	b=$(size_of "$SDK_TA_DIR/optee/$HELLO_RS_UUID.ta")
	row "signed .ta (bytes)" "${a:-n/a}" "${b:-n/a}"
	echo
	if [ -f "$O/core/tee.elf" ]; then
		echo "Where oxtee's core image goes, per crate (tools/size-table.py on \`$O/core/tee.elf\`):"
		echo
		python3 tools/size-table.py --top 25 "$O/core/tee.elf" "$O/core/tee-pager_v2.bin" ||
			echo "(size table failed)"
		echo
	fi
	for tee in $TEES; do
		m=$BENCH_DIR/$tee/metrics.txt
		d=$(value "$m" done)
		echo "- $tee: $(value "$m" state), client: ${d:-no result}"
		if [ "$(value "$m" state)" = booted ] && [ -z "$(value "$m" ready_s)" ]; then
			echo "  - tee-supplicant did not start (no TEE device in the normal world)"
			d=$(value "$m" driver)
			[ -n "$d" ] && echo "  - Linux: \`$d\`"
		fi
		for op in $OPS; do
			s=$(value "$m" "$op.status")
			case "$s" in
			ok | "") ;;
			*) echo "  - $op: $s" ;;
			esac
		done
		if [ "$XTEST_SUITE" = 1 ]; then
			s=$(value "$m" suite.status)
			case "$s" in
			ok) [ "$(value "$m" suite.rc)" = 0 ] ||
				echo "  - xtest default suite: some cases failed (\`$BENCH_DIR/$tee/xtest-suite.txt\`)" ;;
			"") echo "  - xtest default suite: not run" ;;
			*) echo "  - xtest default suite: ${s#failed }" ;;
			esac
		fi
		if [ "$XTEST_PERF" = 1 ] && [ "$(value "$m" state)" = booted ]; then
			for r in "${PERF_RUNS[@]}"; do
				key=${r%%|*}
				s=$(value "$m" "perf.$key.status")
				case "$s" in
				ok) ;;
				"") echo "  - xtest $(echo "$r" | cut -d'|' -f2): not run" ;;
				*) echo "  - xtest $(echo "$r" | cut -d'|' -f2): ${s#failed }" ;;
				esac
			done
		fi
		if [ "$STORAGE_BENCH" = 1 ] && [ "$(value "$m" state)" = booted ]; then
			for r in "${STORAGE_RUNS[@]}"; do
				key=${r%%|*}
				s=$(value "$m" "perf.$key.status")
				case "$s" in
				ok) ;;
				"") echo "  - xtest $(echo "$r" | cut -d'|' -f2): not run" ;;
				*) echo "  - xtest $(echo "$r" | cut -d'|' -f2): ${s#failed }" ;;
				esac
			done
		fi
	done
} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"

cat "$RESULTS"
[ "$(value "$BENCH_DIR/optee/metrics.txt" done)" = OK ]
