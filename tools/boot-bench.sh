#!/usr/bin/env bash
# Boots each TEE BOOTS times, alternating (optee, oxtee, optee, ...), with
# `CMD=true`, and prints the minimum and median of bench.sh's three boot rows
# per TEE with their ratio oxtee/OP-TEE. See bench/README.md ("Boot rows,
# repeated").
#
# Environment (all optional):
#   O=out                        flash images, initramfs, logs in $O/boot-bench/
#   XTC=target/release/xtest-compat
#   BOOTS=5                      boots per TEE
#   TEES="optee oxtee"
#   RUN_TIMEOUT=300              seconds per boot
#   FIRMWARE=oxtee               oxtee or tf-a, as for bench.sh
#   QEMU_CPU=max,pauth-impdef=on
# Exit status: 0 when every boot of the TEEs in TEES reached tee-supplicant.
set -u
. "$(dirname "$0")/boot-times.sh"

O=${O:-out}
XTC=${XTC:-target/release/xtest-compat}
BOOTS=${BOOTS:-5}
TEES=${TEES:-optee oxtee}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
FIRMWARE=${FIRMWARE:-oxtee}
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}
DIR=$O/boot-bench
[ "$FIRMWARE" = tf-a ] && DIR=$O/boot-bench/tf-a

die() {
	echo "boot-bench: $*" >&2
	exit 2
}
[ -x "$XTC" ] || die "$XTC missing (make tools)"

# One boot: appends "tee entry init ready" to $DIR/samples.txt ("-" where a
# number is missing).
boot() {
	local tee=$1 i=$2 d=$DIR/$1-$2 flash=$O/flash-$1.img fw=() e n r
	if [ "$FIRMWARE" = tf-a ]; then
		flash=$O/tf-a/$tee/flash.img
		fw=(--firmware tf-a --flash1 "$O/tf-a/uboot-env.img")
	fi
	[ -f "$flash" ] || die "$flash missing (make $flash)"
	mkdir -p "$d"
	"$XTC" run --cpu "$QEMU_CPU" --flash "$flash" "${fw[@]}" --out "$O" --log-dir "$d" \
		--timeout "$RUN_TIMEOUT" --cmd true >"$d/run.txt" 2>&1
	read -r e n r < <(boot_times "$d" "$FIRMWARE")
	echo "$tee $e $n $r" >>"$DIR/samples.txt"
	echo "boot-bench: $tee #$i: entry done $e s, /init $n s, ready $r s" >&2
}

mkdir -p "$DIR"
: >"$DIR/samples.txt"
for i in $(seq 1 "$BOOTS"); do
	for tee in $TEES; do
		boot "$tee" "$i"
	done
done

# stats COLUMN TEE: "min median n" of that column's numbers for that TEE.
stats() {
	awk -v c="$1" -v t="$2" '$1 == t && $c != "-" { print $c }' "$DIR/samples.txt" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "n/a n/a 0"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.3f %.3f %d\n", v[1], m, NR
		}'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b != "n/a") printf "%.2f", b / a; else printf "n/a" }'
}

echo "| row ($BOOTS boots each, alternating) | OP-TEE min | OP-TEE median | oxtee min | oxtee median | ratio of medians |"
echo "|---|---:|---:|---:|---:|---:|"
status=0
for row in "2|secure OS entry done, guest counter (s)" "3|/init reached, host clock (s)" "4|tee-supplicant ready, host clock (s)"; do
	col=${row%%|*}
	read -r omin omed on <<<"$(stats "$col" optee)"
	read -r xmin xmed xn <<<"$(stats "$col" oxtee)"
	case " $TEES " in *" optee "*) [ "$on" = "$BOOTS" ] || status=1 ;; esac
	case " $TEES " in *" oxtee "*) [ "$xn" = "$BOOTS" ] || status=1 ;; esac
	echo "| ${row#*|} | $omin | $omed | $xmin | $xmed | $(ratio "$omed" "$xmed") |"
done
exit $status
