#!/bin/bash
# One "host" of the fleet test: run as PID 1 of its own PID, UTS and mount namespaces (test-fleet.sh
# starts it under unshare). It takes its own hostname, gives itself its own /usr, /etc and /var
# (overlays whose writes land in a tmpfs of this namespace, so a package installed here is
# installed nowhere else) and its own /run, /root and /tmp, and runs an sshd on one loopback
# address with key-only login. Everything here dies with this namespace.
#   fleet-host.sh HOSTNAME ADDRESS PORT AUTHORIZED_KEYS STORE_DIR
# The test knows it is up when ADDRESS:PORT takes connections.
set -eu
name=$1 addr=$2 port=$3 keys=$4 store=$5

# Nothing mounted here may reach the machine's own mount table.
mount --make-rprivate /
hostname "$name"

# The namespace's storage: a tmpfs mounted on STORE_DIR, which only this namespace sees filled.
mount -t tmpfs -o mode=0700,size=1g "nh-fleet-$name" "$store"
for d in usr etc var; do
	mkdir -p "$store/$d.upper" "$store/$d.work"
	mount -t overlay "nh-fleet-$d" \
		-o "lowerdir=/$d,upperdir=$store/$d.upper,workdir=$store/$d.work" "/$d"
done

# This host's sshd: its own host key, the test's key as the only way in.
mkdir -p /etc/ssh/nh-fleet
cp "$keys" /etc/ssh/nh-fleet/authorized_keys
chmod 600 /etc/ssh/nh-fleet/authorized_keys
ssh-keygen -q -t ed25519 -N '' -C "$name" -f /etc/ssh/nh-fleet/host_ed25519_key
cat >/etc/ssh/nh-fleet/sshd_config <<EOF
ListenAddress $addr:$port
HostKey /etc/ssh/nh-fleet/host_ed25519_key
AuthorizedKeysFile /etc/ssh/nh-fleet/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile /run/sshd.pid
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel ERROR
EOF

# Its own /run (sshd's privilege separation directory), /root and /tmp: mounted last, since
# /tmp hides the paths above on the real /tmp.
mount -t tmpfs -o mode=0755,size=64m "nh-fleet-run" /run
mkdir -p /run/sshd /run/lock
mount -t tmpfs -o mode=0700,size=64m "nh-fleet-root" /root
mount -t tmpfs -o mode=1777,size=256m "nh-fleet-tmp" /tmp
cd /

# As PID 1 this shell also reaps what ends up orphaned here (ansible's async jobs detach).
/usr/sbin/sshd -D -e -f /etc/ssh/nh-fleet/sshd_config &
wait $!
