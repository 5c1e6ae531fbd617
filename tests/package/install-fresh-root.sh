#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install-fresh-root.sh SOURCE_DIR BUILD_DIR DEB_FILE: the Debian package installed into a fresh
# root and run from there (ctest package.install, label fleet; the .deb comes from package.deb).
#
# The fresh root: a private mount namespace (unshare -m) holding an overlay whose lower layer is
# this machine's / and whose upper layer is a tmpfs, entered with chroot. `dpkg -i` installs the
# package there for real (unpack, md5sums, the dpkg database, postinst), the source and build
# trees are hidden under empty tmpfs mounts, and every write lands in the tmpfs: the host is not
# touched, and every mount goes with the namespace when the test ends, however it ends. Where
# overlayfs cannot be mounted, the package is unpacked with dpkg-deb -x into a tmpfs root that
# borrows the host's /usr/lib, /etc and the loader read-only (no dpkg database: the files only),
# and the output says which. NH_PKG_ROOT=extract asks for that way.
#
# Then, from the installed files only (env -i, /usr/bin/numaharness by its path):
#   numaharness -v run bios-check --set quick=true --out DIR
# exits 0 or 1 (the checks' verdict, never 2), DIR has manifest.json, checks.json and report.md,
# the worker used is /usr/libexec/numaharness/nh-worker and the scenario the installed
# /usr/share/numaharness/scenarios/bios-check.lua; an unknown name exits 2 naming that
# directory and the scenarios in it; --version is the package's version.
# Exit 0 pass, 1 fail (why, and the harness's output), 77 cannot run here (why).
set -u

skip() {
	echo "SKIPPED: $*"
	exit 77
}

die() {
	echo "FAILED: $*"
	exit 1
}

# ---- inside the private mount namespace (the script runs itself under unshare) ----
# Every mount made here is torn down with the namespace; the trap also unmounts them in order
# when this shell ends early.
inside() {
	local work=$1 src=$2 build=$3 method=$4
	# Globals: the trap runs after this function has returned.
	root=$work/root layer=$work/layer
	trap 'umount -R -l "$root" 2>/dev/null; umount -l "$layer" 2>/dev/null' EXIT
	mount -t tmpfs -o size=1g,mode=0755 nh-pkg-layer "$layer" || die "mounting a tmpfs on $layer"
	if [[ $method == overlay ]]; then
		mkdir -p "$layer/upper" "$layer/work" || die "mkdir in $layer"
		if ! mount -t overlay nh-pkg-root \
			-o "lowerdir=/,upperdir=$layer/upper,workdir=$layer/work" "$root" 2>"$work/overlay.err"; then
			echo "overlayfs: $(cat "$work/overlay.err"): unpacking into a tmpfs root instead"
			method=extract
		fi
	fi
	if [[ $method == extract ]]; then
		umount "$layer" 2>/dev/null
		mount -t tmpfs -o size=1g,mode=0755 nh-pkg-root "$root" || die "mounting a tmpfs on $root"
		local d
		for d in usr/lib etc proc sys dev tmp; do mkdir -p "$root/$d"; done
		chmod 1777 "$root/tmp"
		# Debian 12 is merged-/usr: /lib, /lib64, /bin are links into /usr.
		for d in lib lib64 lib32 libx32; do
			[[ -L /$d ]] && ln -s "$(readlink "/$d")" "$root/$d"
			[[ -d /$d && ! -L /$d ]] && { mkdir -p "$root/$d" && mount --rbind -o ro "/$d" "$root/$d"; }
		done
		[[ -d /usr/lib64 ]] && mkdir -p "$root/usr/lib64" && mount --bind -o ro /usr/lib64 "$root/usr/lib64"
		mount --bind -o ro /usr/lib "$root/usr/lib" || die "binding /usr/lib"
		mount --bind -o ro /etc "$root/etc" || die "binding /etc"
		dpkg-deb -x "$work/numaharness.deb" "$root" || die "dpkg-deb -x"
	fi
	echo "fresh root: $method ($root)"
	mount --rbind /proc "$root/proc" && mount --rbind /sys "$root/sys" &&
		mount --rbind /dev "$root/dev" || die "binding /proc, /sys, /dev into $root"
	# The trees the suite built from, hidden: nothing of them can stand in for an installed file.
	if [[ $method == overlay ]]; then
		local t
		for t in "$src" "$build"; do
			[[ -d $root$t ]] && { mount -t tmpfs -o size=1m,mode=0755 nh-pkg-hidden "$root$t" ||
				die "hiding $t"; }
		done
		[[ -e $root$build/numaharness ]] && die "the build tree is still visible in the root"
	fi

	# Only what the root has: no NH_* variables, no PATH into the build tree (env before chroot:
	# an unpacked root has no env of its own).
	in_root() {
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TMPDIR=/tmp \
			DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
	}
	if [[ $method == overlay ]]; then
		cp "$work/numaharness.deb" "$root/tmp/numaharness.deb" || die "copying the package in"
		if ! in_root dpkg -i /tmp/numaharness.deb >"$work/dpkg.log" 2>&1; then
			# A library the host lacks: apt resolves it (its lock is the root's own copy).
			cat "$work/dpkg.log"
			echo "dpkg -i failed; trying apt-get install for the missing dependencies"
			in_root apt-get install -y -q \
				--no-install-recommends -o Debug::NoLocking=1 /tmp/numaharness.deb ||
				die "installing the package in the fresh root (dpkg -i, then apt-get)"
		fi
		cat "$work/dpkg.log"
		in_root dpkg --verify numaharness ||
			die "dpkg --verify numaharness: installed files differ from the package's md5sums"
		in_root dpkg-query -W -f='${Status} ${Version}\n' numaharness
	fi

	local bin=/usr/bin/numaharness version
	version=$(in_root "$bin" --version) || die "$bin --version failed"
	[[ $version == "numaharness $(dpkg-deb -f "$work/numaharness.deb" Version)" ]] ||
		die "$bin --version says '$version', the package is $(dpkg-deb -f "$work/numaharness.deb" Version)"

	local out=/tmp/nh-bios-check rc
	in_root "$bin" -v run bios-check --set quick=true --out "$out" \
		>"$work/run.log" 2>&1
	rc=$?
	cat "$work/run.log"
	((rc == 0 || rc == 1)) || die "numaharness run bios-check exited $rc (not a verdict: 0 or 1)"
	local f
	for f in manifest.json checks.json report.md; do
		[[ -s $root$out/$f ]] || die "$out/$f missing or empty after the run"
	done
	grep -q '^numaharness: info: worker /usr/libexec/numaharness/nh-worker$' "$work/run.log" ||
		die "the run did not say it used /usr/libexec/numaharness/nh-worker (-v line above)"
	grep -q '"path": "/usr/share/numaharness/scenarios/bios-check.lua"' "$root$out/manifest.json" ||
		die "manifest.json does not name /usr/share/numaharness/scenarios/bios-check.lua: $(
			grep -m1 '"path"' "$root$out/manifest.json")"
	echo "run bios-check: exit $rc; $out holds $(ls "$root$out" | tr '\n' ' ')"

	local miss
	miss=$(in_root "$bin" run no-such-scenario 2>&1)
	rc=$?
	echo "$miss"
	((rc == 2)) || die "run no-such-scenario exited $rc, not 2"
	[[ $(wc -l <<<"$miss") == 1 && $miss == *"/usr/share/numaharness/scenarios"* &&
		$miss == *bios-check* ]] ||
		die "run no-such-scenario: not one line naming /usr/share/numaharness/scenarios and bios-check"
	echo "PASSED: installed ($method) and ran from the fresh root"
}

if [[ ${1:-} == --inside ]]; then
	shift
	inside "$@"
	exit $?
fi

# ---- on the host ----
(($# == 3)) || die "usage: $0 SOURCE_DIR BUILD_DIR DEB_FILE"
src=$(realpath "$1") build=$(realpath "$2") deb=$3
[[ $(id -u) == 0 ]] || skip "not root: a mount namespace, overlayfs and chroot need root"
for tool in unshare chroot mount umount dpkg dpkg-deb flock realpath; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool on PATH"
done
unshare -m --propagation private true 2>/dev/null ||
	skip "cannot make a private mount namespace (unshare -m: $(unshare -m true 2>&1 | head -n 1))"
method=overlay
[[ ${NH_PKG_ROOT:-} == extract ]] && method=extract

work=$(mktemp -d "${TMPDIR:-/tmp}/nh-pkg-root.XXXXXX") || die "mktemp failed"
cleanup() {
	# The mounts live in the namespace, gone with it; one seen here would be a leak: say so,
	# take it down, then remove the directory.
	local leaked
	leaked=$(awk -v w="$work" '$5 == w || index($5, w "/") == 1 { print $5 }' /proc/self/mountinfo)
	if [[ -n $leaked ]]; then
		echo "FAILED: mounts left on the host: $leaked"
		umount -R -l "$work/root" "$work/layer" 2>/dev/null
		status=1
	fi
	rm -rf "$work"
	exit "${status:-1}"
}
trap cleanup EXIT
mkdir -p "$work/root" "$work/layer"

# A shared lock while copying: package.deb of another ctest run replaces the file under its own.
exec 9<>"$deb.lock" && flock -s -w 900 9 || die "cannot lock $deb.lock"
[[ -s $deb ]] || die "no package $deb (the test package.deb makes it: ctest -R '^package\\.')"
cp "$deb" "$work/numaharness.deb" || die "copying $deb"
exec 9>&-

start=$SECONDS
unshare -m --propagation private bash "$0" --inside "$work" "$src" "$build" "$method"
status=$?
echo "fresh-root test: $((SECONDS - start)) s"
