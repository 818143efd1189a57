#!/bin/sh
# The secure store through its CLI in the guest (run by `make sdk-test` on
# oxtee and on OP-TEE 4.5): round trips, a 1 MiB value, hostile names and
# sizes, and a second Linux user who must not reach the first one's secrets.
# Output: "STORE ok|FAIL <case> ..." per check, then a summary; exit status 0
# only if every check passed.

passed=0
failed=0
check() { # <case> <command...>: the command must succeed
	name=$1
	shift
	if "$@"; then
		echo "STORE ok $name"
		passed=$((passed + 1))
	else
		echo "STORE FAIL $name"
		failed=$((failed + 1))
	fi
}
status_is() { # <want> <command...>: the command's exit status must be <want>
	want=$1
	shift
	"$@" >/tmp/store.out 2>/tmp/store.err
	got=$?
	[ "$got" = "$want" ] || { echo "  status $got, want $want: $(cat /tmp/store.err)"; return 1; }
}
refused() { # <command...>: must fail with TEE_ERROR_BAD_PARAMETERS
	status_is 1 "$@" && grep -q 0xffff0006 /tmp/store.err ||
		{ echo "  not refused as bad parameters: $(cat /tmp/store.err)"; return 1; }
}
same() { [ "$1" = "$2" ] || { echo "  got '$1', want '$2'"; return 1; }; }

check put oxtee-store put db-password hunter2
check get same "$(oxtee-store get db-password)" hunter2
check put-stdin sh -c 'printf "line1\nline2" | oxtee-store put note'
check get-stdin same "$(oxtee-store get note)" "$(printf 'line1\nline2')"
check replace oxtee-store put db-password 'correct horse'
check get-replaced same "$(oxtee-store get db-password)" 'correct horse'
check list same "$(oxtee-store list | tr '\n' ' ')" 'db-password note '
check missing status_is 3 oxtee-store get nothing-here
check delete oxtee-store delete note
check deleted status_is 3 oxtee-store get note
check delete-missing status_is 3 oxtee-store delete note

# Values up to 1 MiB, and not one byte more.
head -c 1048576 /dev/urandom >/tmp/big
uptime_s() { cut -d' ' -f1 /proc/uptime; }
t0=$(uptime_s)
check put-1mib sh -c 'oxtee-store put big </tmp/big'
t1=$(uptime_s)
check get-1mib sh -c 'oxtee-store get big >/tmp/big.out && cmp /tmp/big /tmp/big.out'
t2=$(uptime_s)
echo "STORE time put-1mib $(awk "BEGIN { print $t1 - $t0 }") s get-1mib $(awk "BEGIN { print $t2 - $t1 }") s"
head -c 1048577 /dev/urandom >/tmp/too-big
check refuse-over-1mib refused sh -c 'oxtee-store put big </tmp/too-big'
check big-kept sh -c 'oxtee-store get big | cmp /tmp/big -'
check delete-1mib oxtee-store delete big


# Sealed blobs: 1 MiB round trip, the version binding, and blobs changed,
# cut or not blobs at all refused (exit status 5) with the TEE's error.
blob_refused() { # <error> <command...>: must exit 5 with TEE error <error>
	err=$1
	shift
	status_is 5 "$@" && grep -q "$err" /tmp/store.err ||
		{ echo "  not refused with $err: $(cat /tmp/store.err)"; return 1; }
}
t0=$(uptime_s)
check seal-1mib sh -c 'oxtee-store seal </tmp/big >/tmp/big.blob'
t1=$(uptime_s)
check blob-size same "$(wc -c </tmp/big.blob | tr -d ' ')" 1048612
check blob-is-not-data sh -c '! cmp -s /tmp/big /tmp/big.blob'
t2=$(uptime_s)
check unseal-1mib sh -c 'oxtee-store unseal </tmp/big.blob | cmp /tmp/big -'
t3=$(uptime_s)
echo "STORE time seal-1mib $(awk "BEGIN { print $t1 - $t0 }") s unseal-1mib $(awk "BEGIN { print $t3 - $t2 }") s"
check seal-bound sh -c 'printf "sealed secret" | oxtee-store seal --bind-os-version >/tmp/bound.blob'
check unseal-bound same "$(oxtee-store unseal </tmp/bound.blob)" 'sealed secret'
check seal-small sh -c 'printf "root blob" | oxtee-store seal >/tmp/small.blob'
cp /tmp/big.blob /tmp/bad.blob
printf 'XXXX' | dd of=/tmp/bad.blob bs=1 seek=4096 conv=notrunc 2>/dev/null
check refuse-changed-blob blob_refused 0xffff3071 sh -c 'oxtee-store unseal </tmp/bad.blob'
head -c 100000 /tmp/big.blob >/tmp/cut.blob
check refuse-cut-blob blob_refused 0xffff3071 sh -c 'oxtee-store unseal </tmp/cut.blob'
head -c 35 /tmp/big.blob >/tmp/tiny.blob
check refuse-tiny-blob blob_refused 0xffff0005 sh -c 'oxtee-store unseal </tmp/tiny.blob'
check refuse-not-a-blob blob_refused 0xffff0005 sh -c 'head -c 4096 /tmp/big | oxtee-store unseal'
check refuse-seal-over-1mib refused sh -c 'oxtee-store seal </tmp/too-big'
check unseal-after-hostile same "$(oxtee-store unseal </tmp/small.blob)" 'root blob'

# Hostile names: empty, too long (44 > 64 - 20 - 1), space, control character.
check refuse-empty-name refused oxtee-store put '' x
check refuse-long-name refused oxtee-store put "$(printf '%044d' 0)" x
check longest-name oxtee-store put "$(printf '%043d' 0)" x
check longest-name-delete oxtee-store delete "$(printf '%043d' 0)"
check refuse-space refused oxtee-store get 'a b'
check refuse-control refused oxtee-store get "$(printf 'a\tb')"
check alive-after-hostile same "$(oxtee-store get db-password)" 'correct horse'

# A second Linux user: the kernel reports another identity for its uid, so
# it sees none of root's names and cannot read, list or delete them.
echo 'alice:x:1000:1000:alice:/tmp:/bin/sh' >>/etc/passwd
echo 'alice:x:1000:' >>/etc/group
chmod 0666 /dev/tee0
as_alice() { su alice -c "$*"; }
check alice-is-another-uid same "$(as_alice id -u)" 1000
check alice-cannot-get status_is 3 as_alice oxtee-store get db-password
check alice-lists-nothing same "$(as_alice oxtee-store list)" ''
check alice-cannot-delete status_is 3 as_alice oxtee-store delete db-password
check alice-own-put as_alice oxtee-store put db-password alices-own
check alice-own-get same "$(as_alice oxtee-store get db-password)" alices-own
check alice-cannot-unseal blob_refused 0xffff3071 as_alice 'oxtee-store unseal </tmp/small.blob'
check alice-cannot-unseal-bound blob_refused 0xffff3071 as_alice 'oxtee-store unseal </tmp/bound.blob'
check alice-seals-own as_alice 'printf alices-blob | oxtee-store seal >/tmp/alice.blob'
check alice-unseals-own same "$(as_alice 'oxtee-store unseal </tmp/alice.blob')" alices-blob
check root-cannot-unseal-alices blob_refused 0xffff3071 sh -c 'oxtee-store unseal </tmp/alice.blob'
check root-unchanged same "$(oxtee-store get db-password)" 'correct horse'
check alice-lists-own same "$(as_alice oxtee-store list)" db-password
check cleanup oxtee-store delete db-password
check cleanup-alice as_alice oxtee-store delete db-password

echo "STORE passed $passed failed $failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
