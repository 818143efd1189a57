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
#                          and context set-ups)
#   INVOKES=1000           invokes in each one-session loop
#   TEES="optee oxtee"
#   RUN_TIMEOUT=600        seconds per boot
#   <TEE>_BUILD=failed     (e.g. OXTEE_BUILD) that TEE's image did not build
# A TEE that fails to build, boot or answer is reported as n/a; the others
# are still measured. Exit status: 0 when the OP-TEE half produced numbers.
set -u

O=${O:-out}
XTC=${XTC:-target/release/xtest-compat}
CLIENT=${CLIENT:-$O/bench/oxtee-bench}
RESULTS=${RESULTS:-bench/results.md}
ITERATIONS=${ITERATIONS:-200}
INVOKES=${INVOKES:-1000}
TEES=${TEES:-optee oxtee}
RUN_TIMEOUT=${RUN_TIMEOUT:-600}
QEMU=${QEMU:-qemu-system-aarch64}

# Client operations, in table order, with their descriptions.
OPS="ctx_init ctx_final open invoke close cycle invoke_loop ta_open ta_invoke ta_close ta_invoke_loop"
declare -A OP_DESC=(
	[ctx_init]="TEEC_InitializeContext"
	[ctx_final]="TEEC_FinalizeContext"
	[open]="TEEC_OpenSession (invoke-tests PTA)"
	[invoke]="TEEC_InvokeCommand, first on a new session"
	[close]="TEEC_CloseSession"
	[cycle]="open + invoke + close"
	[invoke_loop]="TEEC_InvokeCommand, ${INVOKES} on one session"
	[ta_open]="user TA os_test: load + TEEC_OpenSession"
	[ta_invoke]="user TA os_test: TEEC_InvokeCommand, first on a new session"
	[ta_close]="user TA os_test: TEEC_CloseSession (instance destroyed)"
	[ta_invoke_loop]="user TA os_test: TEEC_InvokeCommand, ${INVOKES} on one session"
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

# Boots one TEE and writes $O/bench/<tee>/metrics.txt ("key value" lines).
measure() {
	local tee=$1 dir=$O/bench/$1 flash=$O/flash-$1.img
	local m=$dir/metrics.txt build_var
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
	echo "bench: $tee: booting ($ITERATIONS cycles, $INVOKES invokes)" >&2
	rm -f "$dir/normal.log" "$dir/secure.log"
	"$XTC" run --flash "$flash" --out "$O" --log-dir "$dir" --timeout "$RUN_TIMEOUT" \
		--extra-file "$CLIENT:/usr/bin/oxtee-bench" \
		--cmd "oxtee-bench $ITERATIONS $INVOKES" >"$dir/run.txt" 2>&1
	echo "exit $?" >>"$m"
	local t
	# The firmware's own reading of the guest counter.
	t=$(grep -a -o 'oxtee-bl: ENTRY_DONE: .*([0-9.]* s)' "$dir/secure.log" 2>/dev/null |
		sed -n 's/.*(\([0-9.]*\) s)$/\1/p' | head -n1)
	[ -n "$t" ] && echo "entry_done_s $t" >>"$m"
	t=$(sed -n 's/^boot: \/init after \([0-9.]*\) s$/\1/p' "$dir/run.txt" | head -n1)
	if [ -n "$t" ]; then
		echo "init_s $t" >>"$m"
		echo "state booted" >>"$m"
	else
		echo "state boot-failed" >>"$m"
	fi
	t=$(sed -n 's/^boot: tee-supplicant ready after \([0-9.]*\) s$/\1/p' "$dir/run.txt" | head -n1)
	[ -n "$t" ] && echo "ready_s $t" >>"$m"
	# Why a TEE device may be missing: the Linux driver's complaint.
	t=$(tr -d '\r' <"$dir/normal.log" 2>/dev/null | grep -a -m1 -o 'optee[^ ]*: probe .*failed.*')
	[ -n "$t" ] && echo "driver $t" >>"$m"
	# Client lines; the console may end them with CR.
	tr -d '\r' <"$dir/normal.log" 2>/dev/null | sed -n 's/^BENCH //p' >>"$m"
}

for tee in $TEES; do
	measure "$tee"
done

manifest() {
	awk -F '\t' -v k="$1" '$1 == k { print $2; exit }' "$O/debian/manifest.tsv" 2>/dev/null
}

size_of() {
	[ -f "$1" ] && stat -c %s "$1"
}

# cell TEE KEY: a table cell for a client number or a boot time.
cell() {
	local m=$O/bench/$1/metrics.txt key=$2 op state v
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

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.2f", a / b
		else printf "–" }'
}

row() {
	local label=$1 a=$2 b=$3
	echo "| $label | $a | $b | $(ratio "$b" "$a") |"
}

{
	head_rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -n "$(git status --porcelain 2>/dev/null)" ] && head_rev="$head_rev + local changes"
	echo "# oxtee vs OP-TEE: benchmark results"
	echo
	echo "Written by \`make bench\` (tools/bench.sh); see bench/README.md for what is measured."
	echo
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- Tree: $head_rev"
	echo "- QEMU: $($QEMU --version | head -n1)"
	echo "- Host CPUs: $(nproc)"
	echo "- Guest: QEMU virt, secure=on, GICv3, -cpu max, 2 CPUs, 1 GiB; Linux $(manifest kernel-version)"
	echo "- OP-TEE: Debian optee-os $(manifest version:optee-os); client: libteec2 $(manifest version:libteec2)"
	echo "- Client: $ITERATIONS open/invoke/close cycles, $INVOKES invokes on one session, each for the pseudo-TA and the user TA; one boot per TEE"
	echo
	echo "| metric | OP-TEE | oxtee | ratio oxtee/OP-TEE |"
	echo "|---|---:|---:|---:|"
	row "secure OS entry done, guest counter (s)" "$(cell optee entry_done_s)" "$(cell oxtee entry_done_s)"
	row "/init reached, host clock (s)" "$(cell optee init_s)" "$(cell oxtee init_s)"
	row "tee-supplicant ready, host clock (s)" "$(cell optee ready_s)" "$(cell oxtee ready_s)"
	for op in $OPS; do
		for stat in median mean min; do
			row "${OP_DESC[$op]}: $stat (µs)" "$(cell optee "$op.${stat}_us")" "$(cell oxtee "$op.${stat}_us")"
		done
	done
	a=$(size_of "$O/debian/optee/tee-pager_v2.bin")
	b=$(size_of "$O/core/tee-pager_v2.bin")
	row "tee-pager_v2.bin (bytes)" "${a:-n/a}" "${b:-n/a}"
	a=$(size_of "$O/debian/optee/tee-pageable_v2.bin")
	b=$(size_of "$O/core/tee-pageable_v2.bin")
	row "tee-pageable_v2.bin (bytes)" "${a:-n/a}" "${b:-n/a}"
	a=$(size_of "$O/bootloader/bl.bin")
	row "EL3 firmware bl.bin, same for both (bytes)" "${a:-n/a}" "${a:-n/a}"
	echo
	for tee in $TEES; do
		m=$O/bench/$tee/metrics.txt
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
	done
} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"

cat "$RESULTS"
[ "$(value "$O/bench/optee/metrics.txt" done)" = OK ]
