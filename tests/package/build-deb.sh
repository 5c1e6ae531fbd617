#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build-deb.sh BUILD_DIR DEB_FILE [CMAKE]: make the Debian package (target nh_deb: cpack -G DEB
# in BUILD_DIR) and check it holds what the installed harness needs. The ctest test package.deb
# (fixture nh_deb) runs it; any test that installs the package requires that fixture and reads
# DEB_FILE under a shared lock on DEB_FILE.lock (flock -s), since a rebuild replaces the file.
#
# Two ctest processes may start this at once: one builds under the lock, the other waits for it
# and builds again (cpack is cheap next to the build, and the package then matches the tree).
# Exit 0: built and checked; 1: the build failed or the package lacks something (named).
set -u

die() {
	echo "FAILED: $*"
	exit 1
}

(($# >= 2)) || die "usage: $0 BUILD_DIR DEB_FILE [CMAKE]"
build=$1 deb=$2 cmake=${3:-cmake}

exec 9>"$deb.lock" || die "cannot open $deb.lock"
if command -v flock >/dev/null 2>&1; then
	flock -w 900 9 || die "waited 900 s for $deb.lock (another package build)"
fi
log=$build/nh_deb.log
if ! "$cmake" --build "$build" --target nh_deb >"$log" 2>&1; then
	grep -E 'error|Error|CPack' "$log" | head -n 30
	die "cmake --build $build --target nh_deb (log: $log)"
fi
[[ -s $deb ]] || die "cpack reported success but $deb is missing (log: $log)"

# What every installed harness needs, and the control fields the package promises.
contents=$(dpkg-deb -c "$deb") || die "dpkg-deb -c $deb"
for f in ./usr/bin/numaharness ./usr/libexec/numaharness/nh-worker \
	./usr/share/numaharness/scenarios/bios-check.lua ./usr/share/numaharness/plots/bandwidth.gp \
	./usr/share/doc/numaharness/README.md; do
	grep -q " $f\$" <<<"$contents" || die "$deb does not hold $f"
done
grep -E ' \./usr/(bin|libexec/numaharness)/' <<<"$contents" | grep -v '^-rwxr-xr-x root/root' |
	grep -v '^d' && die "executables not 0755 root/root (above)"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == numaharness ]] || die "Package: '$(field Package)', not numaharness"
depends=$(field Depends)
# dpkg-shlibdeps computed them: the libraries both executables link, not a list typed by hand.
for lib in libc6 libnuma1 liblua5.4-0 libjansson4; do
	[[ $depends == *"$lib"* ]] || die "Depends lacks $lib (shlibdeps?): '$depends'"
done
[[ $(field Recommends) == *gnuplot-nox* ]] || die "Recommends lacks gnuplot-nox"
echo "package: $deb ($(stat -c %s "$deb") bytes), $(field Version), $(field Architecture)"
echo "Depends: $depends"
