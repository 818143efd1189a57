# Sourced by tools/bench.sh and tools/boot-bench.sh: the three boot times of
# one `xtest-compat run`, read from its log directory.
#
#   boot_times DIR FIRMWARE   prints "ENTRY_DONE /init ready" in seconds,
#                             "-" for a time the run did not print

boot_times() {
	local dir=$1 firmware=$2 e n r
	if [ "$firmware" = tf-a ]; then
		# TF-A prints no time: the host saw the secure OS's hand-over line.
		e=$(sed -n 's/^secure: ENTRY_DONE after \([0-9.]*\) s$/\1/p' "$dir/run.txt" | head -n1)
	else
		# The firmware's own reading of the guest counter.
		e=$(grep -a -o 'oxtee-bl: ENTRY_DONE: .*([0-9.]* s)' "$dir/secure.log" 2>/dev/null |
			sed -n 's/.*(\([0-9.]*\) s)$/\1/p' | head -n1)
	fi
	n=$(sed -n 's/^boot: \/init after \([0-9.]*\) s$/\1/p' "$dir/run.txt" | head -n1)
	r=$(sed -n 's/^boot: tee-supplicant ready after \([0-9.]*\) s$/\1/p' "$dir/run.txt" | head -n1)
	echo "${e:--} ${n:--} ${r:--}"
}
