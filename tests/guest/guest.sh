#!/bin/bash
# SPDX-License-Identifier: MIT
# guest.sh: boot an emulated multi-node NUMA guest (qemu, software emulation) with the built
# harness inside, run one test script there, and print what it printed. The guest's own exit
# status becomes this script's.
#
# usage: tests/guest/guest.sh --build DIR --topology NAME --script FILE [--timeout SECONDS]
#                             [--kernel META-PACKAGE] [--modules "NAME[:PARAMS] ..."]
#                             [--extra "PROGRAM ..."]
#        tests/guest/guest.sh --check [--kernel META-PACKAGE]
#                                    (exit 0 if a guest can be booted here, else 77 + why)
# topologies:
#   2node  2 vCPUs, node 0: 1 CPU + 640 MiB, node 1: 1 CPU + 320 MiB, distances 10/21
#   4node  4 vCPUs, 4 × (1 CPU + 256 MiB), a chain: distances 10/16/22/28
#
# The kernel is the Debian package that the meta package (default linux-image-amd64, Debian 12's
# 6.1; linux-image-6.12-amd64 gives 6.12 from bookworm-security) depends on, fetched with
# `apt-get download` and cached in $NH_GUEST_CACHE (default ~/.cache/numaharness/guest).
# The initramfs holds busybox, numaharness, nh-worker, every shared library they link (ldd),
# scenarios/ and the test script. Missing Debian packages (qemu-system-x86, busybox-static, cpio)
# are installed when running as root; otherwise --check says what is missing and exits 77.
# --modules loads kernel modules of that Debian kernel (and what they depend on) at boot, e.g.
# "brd:rd_size=262144 ext4" for a RAM block device with a real filesystem (page-cache tests);
# the kernel's fs, lib, crypto and block-driver modules are cached next to it.
# --extra copies more programs (e.g. numactl, a test helper) into /harness with their libraries.
# tests/guest/*.lua and tests/guest/numatune/ (domain XML fixtures) are in /tests.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${NH_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/numaharness/guest}
build="" topology="" script="" timeout=240 check=0 meta=linux-image-amd64 modules="" extra=""

while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--topology) topology=$2; shift 2 ;;
	--script) script=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--check) check=1; shift ;;
	--kernel) meta=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--extra) extra=$2; shift 2 ;;
	*) echo "guest.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

skip() { echo "SKIP: $*"; exit 77; }

# First-time setup (packages, the kernel cache) is shared by every guest test, and ctest starts
# them side by side: all of it runs under one lock on the cache, apt queries never end the
# script through set -e (a racing query fails as "no answer"), and the cache is filled by
# atomic renames, so a reader sees a whole kernel or none.
lock_cache() {
	mkdir -p "$cache" 2>/dev/null || skip "cannot create the kernel cache $cache (set NH_GUEST_CACHE)"
	exec 9>"$cache/.lock" || skip "cannot open the lock $cache/.lock"
	flock -w 600 9 || skip "waited 600 s for the lock on $cache (another guest test's setup)"
}

# apt-get under the lock that dpkg and apt themselves use, waiting for another apt (not ours:
# ours are serialised by lock_cache) instead of failing with status 100.
apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"
}

# Packages the guest needs on the host; installed when we are root.
ensure_packages() {
	local missing=() p
	for p in qemu-system-x86 busybox-static cpio; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || skip "needs Debian packages ${missing[*]} (run as root to install them)"
	apt_get update -qq >/dev/null 2>&1 || true
	apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
		skip "could not install ${missing[*]}"
}

# The versioned kernel package the meta package depends on, e.g. linux-image-6.1.0-56-amd64;
# empty when apt cannot say (no lists yet, or lists being replaced).
kernel_package() {
	{ apt-cache depends "$meta" 2>/dev/null || true; } | awk '/Depends: linux-image-/ {print $2; exit}'
}

# The Debian kernel image, unpacked once into the cache.
ensure_kernel() {
	local pkg
	pkg=$(kernel_package)
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		apt_get update -qq >/dev/null 2>&1 || true
		pkg=$(kernel_package)
	fi
	if [ -z "$pkg" ]; then
		# Offline with an earlier download: use what the cache holds for this meta package.
		kernel=$(cat "$cache/$meta.current" 2>/dev/null || true)
		moddir="${kernel%/*}/modules-${kernel##*/vmlinuz-}"
		[ -n "$kernel" ] && [ -s "$kernel" ] ||
			skip "cannot resolve the kernel package $meta depends on (apt lists?)"
		return 0
	fi
	kernel="$cache/vmlinuz-${pkg#linux-image-}"
	moddir="$cache/modules-${pkg#linux-image-}"
	if ! { [ -s "$kernel" ] && [ -d "$moddir" ]; }; then
		local tmp sub
		tmp=$(mktemp -d "$cache/.download.XXXXXX")
		(cd "$tmp" && apt_get download "$pkg" >/dev/null 2>&1) ||
			{ rm -rf "$tmp"; skip "apt-get download $pkg failed"; }
		dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./boot ./lib/modules ||
			{ rm -rf "$tmp"; skip "cannot unpack $pkg"; }
		# The modules guests may ask for: filesystems, block drivers and their helpers (~50 MB).
		mkdir -p "$tmp/modules"
		for sub in fs lib crypto drivers/block; do
			cp -r "$tmp"/lib/modules/*/kernel/$sub "$tmp/modules/" 2>/dev/null || true
		done
		rm -rf "$moddir" && mv "$tmp/modules" "$moddir"
		cp "$tmp"/boot/vmlinuz-* "$tmp/vmlinuz" && mv "$tmp/vmlinuz" "$kernel"
		rm -rf "$tmp"
	fi
	echo "$kernel" >"$cache/$meta.current.tmp.$$" && mv "$cache/$meta.current.tmp.$$" "$cache/$meta.current"
}

lock_cache
ensure_packages
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not found"
ensure_kernel
exec 9>&- # setup done: the boot itself needs no lock
[ $check -eq 1 ] && { echo "guest: kernel $kernel"; exit 0; }

[ -n "$build" ] && [ -n "$topology" ] && [ -n "$script" ] ||
	{ echo "guest.sh: --build, --topology and --script are required" >&2; exit 2; }
for f in "$build/numaharness" "$build/nh-worker" "$script" $extra; do
	[ -e "$f" ] || { echo "guest.sh: $f not found" >&2; exit 2; }
done

case $topology in
2node)
	smp=2 mem=960M
	numa=(-object memory-backend-ram,id=m0,size=640M -object memory-backend-ram,id=m1,size=320M
		-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1
		-numa dist,src=0,dst=1,val=21)
	;;
4node)
	smp=4 mem=1024M
	numa=()
	for n in 0 1 2 3; do
		numa+=(-object "memory-backend-ram,id=m$n,size=256M" -numa "node,nodeid=$n,cpus=$n,memdev=m$n")
	done
	for a in 0 1 2 3; do
		for b in 0 1 2 3; do
			[ $a -lt $b ] && numa+=(-numa "dist,src=$a,dst=$b,val=$((10 + 6 * (b - a)))")
		done
	done
	;;
*) echo "guest.sh: unknown topology '$topology' (2node, 4node)" >&2; exit 2 ;;
esac

# --- initramfs: busybox, the harness and everything it links ---
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,harness,lib64,etc}
cp /bin/busybox "$root/bin/busybox"
cp "$build/numaharness" "$build/nh-worker" "$root/harness/"
cp -r "$repo/scenarios" "$root/scenarios"
cp "$script" "$root/test.sh"
mkdir -p "$root/tests" && cp "$here"/*.lua "$root/tests/" && cp -r "$here/numatune" "$root/tests/"
for bin in $extra; do cp "$bin" "$root/harness/"; done
for bin in "$build/numaharness" "$build/nh-worker" $extra; do
	ldd "$bin" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
# Kernel modules, dependencies first (read from each .ko's own "depends=" field).
mkdir -p "$root/modules"
: >"$root/modules/order"
add_module() {
	local name=${1%%:*} params="" file deps d
	[[ $1 == *:* ]] && params=${1#*:}
	grep -q "^$name\b" "$root/modules/order" && return 0
	file=$(find "$moddir" -name "$name.ko" | head -n 1)
	[ -n "$file" ] || { echo "guest.sh: module $name not found in $moddir" >&2; exit 2; }
	deps=$(grep -a -o 'depends=[A-Za-z0-9_,-]*' "$file" | head -n 1 | cut -d= -f2 | tr , ' ')
	for d in $deps; do add_module "$d"; done
	cp "$file" "$root/modules/"
	echo "$name ${params//,/ }" >>"$root/modules/order"
}
for m in $modules; do add_module "$m"; done
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
while read -r name params; do
	insmod "/modules/$name.ko" $params || echo "@@module-failed $name"
done </modules/order
export PATH=/harness:/bin HOME=/tmp NH_RESULTS_DIR=/tmp/results
cd /
echo; echo "@@guest-up $(uname -r)"
sh /test.sh
echo "@@guest-exit $?"
poweroff -f
EOF
chmod +x "$root/init"
initrd="$root.cpio.gz"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$initrd"
trap 'rm -rf "$root" "$initrd"' EXIT

# --- boot; the console is the guest's stdout ---
out=$(mktemp)
trap 'rm -rf "$root" "$initrd" "$out"' EXIT
boot() { # ACCEL
	set +e
	timeout "$timeout" qemu-system-x86_64 -accel "$1" -cpu max -smp "$smp" -m "$mem" "${numa[@]}" \
		-kernel "$kernel" -initrd "$initrd" -nographic -no-reboot -monitor none \
		-append "console=ttyS0 quiet loglevel=1 panic=-1 transparent_hugepage=never" </dev/null |
		tr -d '\r' >"$out"
	qemu_status=${PIPESTATUS[0]}
	set -e
	status=$(sed -n 's/^@@guest-exit \([0-9]*\).*/\1/p' "$out" | tail -n 1)
}
boot tcg
# A guest that stops early with qemu's status 0 was reset (-no-reboot: a triple fault, or a panic,
# which would have printed its message): nothing in the guest's user space can do that, and
# emulated x86 under TCG has done it once in many boots — seen: an int3 Oops in __schedule, the
# kernel patching its own code while another vCPU ran it, under multi-threaded TCG. Boot it once
# more with one host thread for all vCPUs (slower, but no vCPU runs code another is patching),
# saying so; only the finished boot's output is passed on.
if [ "$qemu_status" -eq 0 ] && [ -z "$status" ]; then
	echo "guest.sh: the guest was reset before it finished its script (console below); booting it once more, single-threaded TCG" >&2
	sed -n '/@@guest-up/,$p' "$out" | grep -m 3 -E 'Oops|panic|BUG' >&2 || true
	sed -n '/@@guest-up/,$p' "$out" | tail -n 5 >&2
	boot tcg,thread=single
fi
sed -n '/@@guest-up/,$p' "$out"
[ "$qemu_status" -eq 124 ] && { echo "guest.sh: guest timed out after $timeout s" >&2; exit 3; }
[ -n "$status" ] || { echo "guest.sh: the guest did not finish its script (qemu status $qemu_status)" >&2; exit 3; }
exit "$status"
