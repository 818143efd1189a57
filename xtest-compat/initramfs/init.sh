#!/bin/sh
# /init of the oxtee test initramfs (installed by xtest-compat).
# Markers read by the host tool: OXTEE-INIT, OXTEE-READY / OXTEE-NO-TEE,
# OXTEE-EXIT-STATUS=<n>.
echo OXTEE-INIT
export PATH=/usr/sbin:/usr/bin HOME=/root TERM=vt100
/usr/bin/busybox --install -s

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
ifconfig lo 127.0.0.1 up

# No modules.dep: load in dependency order.
for m in tee optee optee-rng; do
	insmod /usr/lib/modules/oxtee/$m.ko || echo "oxtee-init: insmod $m failed"
done

# tee-supplicant's storage root: a host directory over virtio-9p when the
# host asks for one (xtest-compat --storage), else a tmpfs. cache=none: each
# write reaches the host before write() returns.
if grep -qw oxtee.storage=9p /proc/cmdline; then
	for m in netfs 9pnet 9pnet_virtio 9p; do
		insmod /usr/lib/modules/oxtee/$m.ko || echo "oxtee-init: insmod $m failed"
	done
	if mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=262144 \
		oxtee-storage /var/lib/optee-client; then
		echo "oxtee-init: storage: host directory (9p)"
	else
		# No silent fallback to a tmpfs: without tee-supplicant every
		# storage test fails visibly.
		echo "oxtee-init: storage: 9p mount failed, tee-supplicant not started"
		no_supplicant=1
	fi
else
	mount -t tmpfs tmpfs /var/lib/optee-client
fi
mkdir -p /var/lib/optee-client/data/tee

if [ -n "${no_supplicant:-}" ]; then
	:
elif [ -d /sys/firmware/devicetree/base/firmware/optee ]; then
	i=0
	while [ ! -c /dev/teepriv0 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -c /dev/teepriv0 ]; then
		# -d returns once the daemon has opened the device.
		tee-supplicant -d && echo OXTEE-READY
	else
		echo "oxtee-init: /dev/teepriv0 did not appear"
	fi
else
	echo "oxtee-init: no /firmware/optee node, tee-supplicant not started"
	echo OXTEE-NO-TEE
fi

cd /root
if [ -f /etc/oxtee/cmd ]; then
	sh -c "$(cat /etc/oxtee/cmd)"
	echo "OXTEE-EXIT-STATUS=$?"
else
	setsid cttyhack sh -l
fi
sync
poweroff -f
while :; do sleep 1; done
