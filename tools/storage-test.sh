#!/usr/bin/env bash
# Secure storage across boots, TEEs, rollbacks and power cuts, on QEMU with
# the REE FS kept in a host directory (xtest-compat --storage) and driven by
# the guest client tools/guest/oxtee-storage-check.c.
#
# Legs (LEGS, in this order):
#   persist   for each TEE: boot, write objects; boot again, read them back.
#   compat    OP-TEE writes A; oxtee reads A and writes B; OP-TEE reads B
#             and A (the store format works both ways).
#   rollback  for each TEE in ROLLBACK_TEES: write generation 1, copy the
#             storage directory aside, write generation 2, put the old copy
#             back, boot: opening the object must fail with
#             TEE_ERROR_SECURITY or TEE_ERROR_CORRUPT_OBJECT. OP-TEE 4.5
#             has no rollback anchor on QEMU and accepts the old store:
#             for it the leg checks that it does (so the leg can see one).
#             oxtee also gets a live rollback: the same swap of the files
#             behind the running TEE's back, within one boot, where the
#             anchors it checks (secure flash, and the RPMB device that
#             tee-supplicant emulates) have not been reset by a reboot.
#   powercut  for each TEE: rewrite an object in a loop, kill QEMU (SIGKILL)
#             mid-loop, boot again: the object holds the last acknowledged
#             generation or the next one, and the store still works.
#
# Every leg starts from an empty storage directory and a fresh copy of each
# TEE's secure flash image (where oxtee keeps its rollback anchor); all the
# boots of a leg reuse those copies, as one device would.
#
# Environment:
#   O=out                      output directory (flash images, initramfs)
#   XTC=target/release/xtest-compat
#   CLIENT=$O/guest/oxtee-storage-check
#   DIR=$O/storage-test        work directory (storage dirs, flash copies, logs)
#   TEES="optee oxtee"         TEEs of the persist and powercut legs; compat
#                              runs when both are listed
#   LEGS="persist compat rollback powercut"
#   ROLLBACK_TEES=oxtee        (optee: checks that OP-TEE accepts the rollback)
#   CUTS="6:150"               power cuts, each "<n>:<ms>": <ms> after the
#                              client printed "acked <n>" (one leg each)
#   LOOP_LEN=9000              object size in the loop (3 blocks of 4 KiB)
#   RUN_TIMEOUT=400            seconds per boot
#   QEMU_CPU=max,pauth-impdef=on
#   <TEE>_BUILD=failed         that TEE's image did not build: its steps fail
# Exit status: 0 when every step passed.
set -u

O=${O:-out}
XTC=${XTC:-target/release/xtest-compat}
CLIENT=${CLIENT:-$O/guest/oxtee-storage-check}
DIR=${DIR:-$O/storage-test}
TEES=${TEES:-optee oxtee}
LEGS=${LEGS:-persist compat rollback powercut}
ROLLBACK_TEES=${ROLLBACK_TEES:-oxtee}
CUTS=${CUTS:-6:150}
LOOP_LEN=${LOOP_LEN:-9000}
RUN_TIMEOUT=${RUN_TIMEOUT:-400}
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}

die() {
	echo "storage-test: $*" >&2
	exit 2
}
[ -x "$XTC" ] || die "$XTC missing (make tools)"
[ -f "$CLIENT" ] || die "$CLIENT missing (make $CLIENT)"

passed=0
failed=0
declare -a failures=()

# report PASS|FAIL|INFO LABEL [DETAIL]
report() {
	case "$1" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)); failures+=("$2") ;;
	esac
	printf 'storage-test: %-4s %s%s\n' "$1" "$2" "${3:+ -- $3}"
}

has() {
	case " $1 " in *" $2 "*) return 0 ;; esac
	return 1
}

built() {
	local v
	v="$(echo "$1" | tr '[:lower:]' '[:upper:]')_BUILD"
	[ "${!v:-ok}" != failed ] && [ -f "$O/flash-$1.img" ]
}

# new_leg NAME TEE...: an empty leg directory with a storage directory and
# a copy of each TEE's flash image.
new_leg() {
	local leg=$DIR/$1 tee
	shift
	rm -rf "$leg"
	mkdir -p "$leg/store"
	for tee in "$@"; do
		built "$tee" && cp "$O/flash-$tee.img" "$leg/flash-$tee.img"
	done
	echo "$leg"
}

# boot LEG NAME TEE CMD [xtest-compat args...]: one boot of TEE on the leg's
# flash copy and storage directory, running CMD; the client's lines end up in
# LEG/NAME/storage.txt. Returns xtest-compat's status.
boot() {
	local leg=$1 name=$2 tee=$3 cmd=$4 rc
	shift 4
	mkdir -p "$leg/$name"
	: >"$leg/$name/storage.txt"
	if ! built "$tee"; then
		echo "$tee image did not build" >"$leg/$name/run.txt"
		return 1
	fi
	echo "storage-test: boot $(basename "$leg")/$name on $tee" >&2
	"$XTC" run --cpu "$QEMU_CPU" --flash "$leg/flash-$tee.img" --storage "$leg/store" \
		--out "$O" --log-dir "$leg/$name" --timeout "$RUN_TIMEOUT" \
		--extra-file "$CLIENT:/usr/bin/oxtee-storage-check" \
		--cmd "c=oxtee-storage-check; $cmd" "$@" >"$leg/$name/run.txt" 2>&1
	rc=$?
	tr -d '\r' <"$leg/$name/normal.log" 2>/dev/null | grep -a '^STORAGE ' >"$leg/$name/storage.txt"
	return $rc
}

# line LEG NAME CMD ID [N]: the client's N-th (default first) line for
# CMD ID in that boot.
line() {
	grep -a "^STORAGE $3 $4 " "$1/$2/storage.txt" 2>/dev/null | sed -n "${5:-1}p"
}

# why LEG NAME: what to say when a line is missing.
why() {
	local f=$1/$2/run.txt
	if grep -q 'did not build' "$f" 2>/dev/null; then
		head -n1 "$f"
	elif grep -q 'tee-supplicant ready' "$f" 2>/dev/null; then
		echo "no client output; see $f"
	else
		echo "no TEE in the normal world; see $f"
	fi
}

# want LEG NAME CMD ID REGEX LABEL [N]: PASS when the client's (N-th) line
# for CMD ID matches.
want() {
	local l
	l=$(line "$1" "$2" "$3" "$4" "${7:-1}")
	if [ -n "$l" ] && [[ $l =~ $5 ]]; then
		report PASS "$6"
	else
		report FAIL "$6" "${l:-$(why "$1" "$2")}"
	fi
}

# Objects: id seed len.
A_OBJS="A1 11 100|A2 12 5000|A3 13 70000|A4 14 1048576"
B_OBJS="B1 21 300|B2 22 20000"

# cmds VERB OBJS: client commands for each object.
cmds() {
	local IFS='|' o
	for o in $2; do
		case $1 in
		write) echo -n "\$c write $o; " ;;
		check) echo -n "\$c check $o; " ;;
		esac
	done
}

# want_all LEG NAME VERB OBJS LABEL
want_all() {
	local IFS='|' o id seed len
	for o in $4; do
		IFS=' ' read -r id seed len <<<"$o"
		want "$1" "$2" "$3" "$id" "^STORAGE $3 $id OK seed=$seed len=$len\$" "$5 $id ($len B)"
	done
}

leg_persist() {
	local tee leg
	for tee in $TEES; do
		leg=$(new_leg "persist-$tee" "$tee")
		echo "storage-test: == persist on $tee: write, reboot, read back"
		boot "$leg" 1-write "$tee" "$(cmds write "$A_OBJS") \$c write GONE 5 10; \$c remove GONE"
		want_all "$leg" 1-write write "$A_OBJS" "persist/$tee boot 1: write"
		want "$leg" 1-write remove GONE "OK" "persist/$tee boot 1: create and remove GONE"
		boot "$leg" 2-read "$tee" "$(cmds check "$A_OBJS") \$c absent GONE"
		want_all "$leg" 2-read check "$A_OBJS" "persist/$tee boot 2: read back"
		want "$leg" 2-read absent GONE "OK" "persist/$tee boot 2: GONE stays removed"
	done
}

leg_compat() {
	local leg
	if ! has "$TEES" optee || ! has "$TEES" oxtee; then
		echo "storage-test: == compat skipped (needs TEES with optee and oxtee)"
		return
	fi
	leg=$(new_leg compat optee oxtee)
	echo "storage-test: == compat: OP-TEE writes A, oxtee reads A and writes B, OP-TEE reads B"
	boot "$leg" 1-optee optee "$(cmds write "$A_OBJS")"
	want_all "$leg" 1-optee write "$A_OBJS" "compat boot 1 (OP-TEE): write"
	boot "$leg" 2-oxtee oxtee "$(cmds check "$A_OBJS") $(cmds write "$B_OBJS") $(cmds check "$B_OBJS")"
	want_all "$leg" 2-oxtee check "$A_OBJS" "compat boot 2 (oxtee): read OP-TEE's"
	want_all "$leg" 2-oxtee write "$B_OBJS" "compat boot 2 (oxtee): write"
	boot "$leg" 3-optee optee "$(cmds check "$B_OBJS") $(cmds check "$A_OBJS")"
	want_all "$leg" 3-optee check "$B_OBJS" "compat boot 3 (OP-TEE): read oxtee's"
	want_all "$leg" 3-optee check "$A_OBJS" "compat boot 3 (OP-TEE): read its own after oxtee"
}

leg_rollback() {
	local tee leg l
	for tee in $ROLLBACK_TEES; do
		leg=$(new_leg "rollback-$tee" "$tee")
		echo "storage-test: == rollback on $tee: generation 1 saved, generation 2 written, generation 1 put back"
		boot "$leg" 1-gen1 "$tee" "\$c write R 1 3000"
		want "$leg" 1-gen1 write R "^STORAGE write R OK seed=1 " "rollback/$tee boot 1: write generation 1"
		rm -rf "$leg/store-gen1"
		cp -a "$leg/store" "$leg/store-gen1"
		boot "$leg" 2-gen2 "$tee" "\$c write R 2 3000; \$c check R 2 3000"
		want "$leg" 2-gen2 check R "^STORAGE check R OK seed=2 " "rollback/$tee boot 2: write generation 2"
		if ! [[ $(line "$leg" 1-gen1 write R) =~ OK\ seed=1 ]] ||
			! [[ $(line "$leg" 2-gen2 check R) =~ OK\ seed=2 ]]; then
			report FAIL "rollback/$tee boot 3: not run (generations 1 and 2 were not both written)"
			continue
		fi
		rm -rf "$leg/store"
		cp -a "$leg/store-gen1" "$leg/store"
		boot "$leg" 3-restored "$tee" "\$c check R any 3000"
		l=$(line "$leg" 3-restored check R)
		if [ "$tee" = optee ]; then
			# No anchor: the old generation is accepted (what the leg detects).
			if [[ $l =~ ^STORAGE\ check\ R\ OK\ seed=1\  ]]; then
				report PASS "rollback/optee boot 3: OP-TEE accepts the old store (no anchor), as expected" "$l"
			else
				report FAIL "rollback/optee boot 3: expected OP-TEE to accept generation 1" "${l:-$(why "$leg" 3-restored)}"
			fi
		# Refused when the TA opens the object, or already when the TA
		# loads: its version floor (ta_ver.db) is in the refused store.
		elif [[ $l =~ ^STORAGE\ check\ R\ FAIL\ (session|open|read)\ 0x(ffff000f|f0100001)\  ]]; then
			report PASS "rollback/$tee boot 3: old store refused" "$l"
		elif [[ $l =~ OK\ seed=1 ]]; then
			report FAIL "rollback/$tee boot 3: ROLLBACK ACCEPTED (generation 1 read back)" "$l"
		else
			report FAIL "rollback/$tee boot 3: expected TEE_ERROR_SECURITY or CORRUPT_OBJECT" "${l:-$(why "$leg" 3-restored)}"
		fi
		[ "$tee" = optee ] || rollback_live "$tee"
	done
}

# rollback_live TEE: generation 1 copied aside in the guest, generation 2
# written, generation 1 put back, all in one boot.
rollback_live() {
	local tee=$1 leg l d=/var/lib/optee-client/data/tee
	leg=$(new_leg "rollback-live-$tee" "$tee")
	echo "storage-test: == live rollback on $tee: the files swapped back within one boot"
	boot "$leg" 1-live "$tee" "\$c write Q 1 3000; cp -a $d /tmp/gen1; \$c write Q 2 3000; \$c check Q 2 3000; rm -rf $d/*; cp -a /tmp/gen1/. $d/; \$c check Q any 3000"
	want "$leg" 1-live check Q "^STORAGE check Q OK seed=2 " "rollback-live/$tee: write generations 1 and 2"
	if [ "$tee" = oxtee ]; then
		l=$(grep -a -m1 'REE FS anchored in RPMB' "$leg/1-live/secure.log" 2>/dev/null | tr -d '\r')
		if [ -n "$l" ]; then
			report PASS "rollback-live/oxtee: the REE FS is anchored in (emulated) RPMB too" "$l"
		else
			report FAIL "rollback-live/oxtee: no RPMB anchor in the secure log" "$(why "$leg" 1-live)"
		fi
	fi
	l=$(line "$leg" 1-live check Q 2)
	if [[ $l =~ ^STORAGE\ check\ Q\ FAIL\ (session|open|read)\ 0x(ffff000f|f0100001)\  ]]; then
		report PASS "rollback-live/$tee: old files refused" "$l"
	elif [[ $l =~ OK\ seed=1 ]]; then
		report FAIL "rollback-live/$tee: ROLLBACK ACCEPTED (generation 1 read back)" "$l"
	else
		report FAIL "rollback-live/$tee: expected TEE_ERROR_SECURITY or CORRUPT_OBJECT" "${l:-$(why "$leg" 1-live)}"
	fi
}

leg_powercut() {
	local tee cut
	for tee in $TEES; do
		for cut in $CUTS; do
			[[ $cut =~ ^[0-9]+:[0-9]+$ ]] || die "CUTS: $cut is not <n>:<ms>"
			CUT_AFTER=${cut%%:*} CUT_DELAY_MS=${cut##*:} powercut_one "$tee"
		done
	done
}

# powercut_one TEE, with CUT_AFTER and CUT_DELAY_MS set.
powercut_one() {
	local tee=$1 leg g s l rc
	leg=$(new_leg "powercut-$tee-$CUT_AFTER-$CUT_DELAY_MS" "$tee")
	echo "storage-test: == power cut on $tee: ${CUT_DELAY_MS} ms after generation $CUT_AFTER of a $LOOP_LEN B object"
	boot "$leg" 1-loop "$tee" "\$c loop L 0 $LOOP_LEN" \
		--kill-on "STORAGE loop L acked $CUT_AFTER" --kill-delay-ms "$CUT_DELAY_MS"
	rc=$?
	g=$(sed -n 's/^STORAGE loop L acked \([0-9]*\)$/\1/p' "$leg/1-loop/storage.txt" | tail -n1)
	if [ "$rc" = 0 ] && [ -n "$g" ]; then
		report PASS "powercut/$tee@$CUT_AFTER+${CUT_DELAY_MS}ms boot 1: QEMU killed mid-loop, last acknowledged generation $g"
	else
		l=$(grep -a -m1 '^STORAGE loop L FAIL' "$leg/1-loop/storage.txt")
		report FAIL "powercut/$tee@$CUT_AFTER+${CUT_DELAY_MS}ms boot 1: loop did not reach generation $CUT_AFTER" "${l:-$(why "$leg" 1-loop)}"
		return
	fi
	boot "$leg" 2-after "$tee" "\$c check L any $LOOP_LEN; \$c loop L 3 $LOOP_LEN; \$c check L 3 $LOOP_LEN; \$c write Z 5 1000; \$c check Z 5 1000"
	l=$(line "$leg" 2-after check L)
	s=$(echo "$l" | sed -n 's/^STORAGE check L OK seed=\([0-9]*\) .*/\1/p')
	if [ -n "$s" ] && { [ "$s" = "$g" ] || [ "$s" = "$((g + 1))" ]; }; then
		report PASS "powercut/$tee@$CUT_AFTER+${CUT_DELAY_MS}ms boot 2: object holds generation $s (acknowledged: $g)"
	else
		report FAIL "powercut/$tee@$CUT_AFTER+${CUT_DELAY_MS}ms boot 2: expected generation $g or $((g + 1))" "${l:-$(why "$leg" 2-after)}"
	fi
	want "$leg" 2-after check L "^STORAGE check L OK seed=3 " "powercut/$tee@$CUT_AFTER+${CUT_DELAY_MS}ms boot 2: rewrite after the cut" 2
	want "$leg" 2-after check Z "^STORAGE check Z OK seed=5 " "powercut/$tee@$CUT_AFTER+${CUT_DELAY_MS}ms boot 2: new object after the cut"
}

mkdir -p "$DIR"
for leg in $LEGS; do
	case $leg in
	persist | compat | rollback | powercut) "leg_$leg" ;;
	*) die "unknown leg $leg (persist compat rollback powercut)" ;;
	esac
done

echo "storage-test: $passed passed, $failed failed (logs in $DIR)"
for f in "${failures[@]}"; do
	echo "storage-test:   failed: $f"
done
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
