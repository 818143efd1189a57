#!/bin/sh
# c-examples-run <dir>...: for each directory of C example TAs (one kit's
# build), installs its .ta files in /lib/optee_armtz and runs
# c-examples-check with the directory's name as label. Fails if any run fails.
status=0
for dir in "$@"; do
	cp "$dir"/*.ta /lib/optee_armtz/ || { echo "CEX $dir FAIL install"; status=1; continue; }
	c-examples-check "$(basename "$dir")" || status=1
done
exit $status
