# Guest driver of `xtest-compat xtest`: one time-bounded xtest process per
# case, framed by markers that the host parses.
# OXTEE-CASE-BEGIN <id> <uptime>
# OXTEE-CASE-END <id> <exit status> <start uptime> <end uptime>
T=@CASE_TIMEOUT@
up() { read -r u _ < /proc/uptime; echo "$u"; }
for c in @CASES@; do
	s=$(up)
	echo "OXTEE-CASE-BEGIN $c $s"
	timeout -s KILL "$T" xtest -l 0 "$c"
	rc=$?
	echo "OXTEE-CASE-END $c $rc $s $(up)"
done
