#!/bin/sh
# Sealed blobs across a reboot of the same device (run by `make sdk-test`):
# `store-reboot-check seal` on one boot writes blobs into the storage
# directory the host keeps across boots; `store-reboot-check unseal` on the
# next boot must open them to the same data. Exit status 0 only if all did.
dir=/var/lib/optee-client
bound_text='sealed before the reboot, bound to the OS version'
plain_text='sealed before the reboot'
case $1 in
seal)
	printf '%s' "$bound_text" | oxtee-store seal --bind-os-version >$dir/reboot-bound.blob &&
		printf '%s' "$plain_text" | oxtee-store seal >$dir/reboot-plain.blob &&
		sync && echo "REBOOT sealed" && exit 0
	echo "REBOOT FAIL seal"
	exit 1
	;;
unseal)
	failed=0
	got=$(oxtee-store unseal <$dir/reboot-bound.blob)
	[ "$got" = "$bound_text" ] && echo "REBOOT ok unseal-bound" ||
		{ echo "REBOOT FAIL unseal-bound: '$got'"; failed=1; }
	got=$(oxtee-store unseal <$dir/reboot-plain.blob)
	[ "$got" = "$plain_text" ] && echo "REBOOT ok unseal-plain" ||
		{ echo "REBOOT FAIL unseal-plain: '$got'"; failed=1; }
	exit $failed
	;;
esac
echo "usage: store-reboot-check seal|unseal" >&2
exit 2
