#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# installed-layout.sh BUILD_DIR SOURCE_DIR [CMAKE]: the install() rules and how an installed
# harness finds its files (ctest package.layout, label e2e; no root needed). `cmake --install`
# into a temporary prefix, the tree then moved elsewhere (so nothing compiled in can help), and:
#   - `run bios-check` by name: the scenario from <prefix>/share/numaharness/scenarios, the worker
#     from <prefix>/libexec/numaharness (the -v line), exit 0 or 1 and the summary files;
#   - an unknown name: exit 2, one line naming every directory looked in and the scenarios there;
#   - $NH_SCENARIO_PATH (a colon list, empty and missing entries skipped) comes first: a broken
#     bios-check.lua there is the one loaded, its error at ITS file:line; another name found there;
#   - a path (a '/' or .lua at the end) is a file, never looked up;
#   - $NH_WORKER still wins; without a worker in the layout, exit 2 naming both places.
# Exit 0 pass, 1 fail (what differed).
set -u

die() {
	echo "FAILED: $*"
	[[ -n ${log:-} && -s $log ]] && { echo "---- output:"; cat "$log"; }
	exit 1
}

(($# >= 2)) || die "usage: $0 BUILD_DIR SOURCE_DIR [CMAKE]"
build=$1 src=$2 cmake=${3:-cmake}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nh-layout.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
tmp=$(realpath "$tmp")
log=$tmp/log

"$cmake" --install "$build" --prefix "$tmp/prefix" >"$log" 2>&1 || die "cmake --install $build"
mv "$tmp/prefix" "$tmp/moved" || die "moving the installed tree"
prefix=$tmp/moved
bin=$prefix/bin/numaharness
for f in bin/numaharness libexec/numaharness/nh-worker share/numaharness/scenarios/bios-check.lua \
	share/numaharness/plots/bandwidth.gp share/doc/numaharness/README.md; do
	[[ -e $prefix/$f ]] || die "cmake --install did not install $f"
done
mkdir "$tmp/cwd" && cd "$tmp/cwd" || die "cd"  # no scenarios/ here to find by accident
nh() { env -u NH_WORKER -u NH_SCENARIO_PATH "$@" >"$log" 2>&1; }

# By name, from the moved tree.
nh "$bin" -v run bios-check --set quick=true --out "$tmp/r1"
rc=$?
((rc == 0 || rc == 1)) || die "run bios-check exited $rc, not a verdict (0 or 1)"
for f in manifest.json checks.json report.md; do
	[[ -s $tmp/r1/$f ]] || die "run bios-check wrote no $f"
done
grep -qx "numaharness: info: worker $prefix/libexec/numaharness/nh-worker" "$log" ||
	die "the worker used is not $prefix/libexec/numaharness/nh-worker"
grep -q "\"path\": \"$prefix/share/numaharness/scenarios/bios-check.lua\"" "$tmp/r1/manifest.json" ||
	die "manifest.json names another scenario file: $(grep -m1 '"path"' "$tmp/r1/manifest.json")"
echo "run bios-check by name from a moved install: exit $rc"

# An unknown name: one line, where it looked and what is there.
nh "$bin" run no-such-scenario
rc=$?
((rc == 2)) || die "run no-such-scenario exited $rc, not 2"
[[ $(wc -l <"$log") == 1 ]] || die "run no-such-scenario: not one line"
grep -q "^numaharness: run: scenario 'no-such-scenario' not found: no no-such-scenario.lua in $prefix/share/numaharness/scenarios, .*available: allocator-regression, allocators, bios-check, " "$log" ||
	die "run no-such-scenario: the line does not name $prefix/share/numaharness/scenarios and the scenarios there"
cat "$log"

# NH_SCENARIO_PATH first: a broken bios-check.lua there is what loads, its error at its line.
mkdir -p "$tmp/mine" "$tmp/more" || die "mkdir"
printf -- '-- shadows the installed bios-check\nreturn scenario {\n  name = ,\n}\n' >"$tmp/mine/bios-check.lua"
cp "$src/tests/e2e/small.lua" "$tmp/more/small-one.lua" || die "copying small.lua"
env -u NH_WORKER NH_SCENARIO_PATH="$tmp/none::$tmp/mine:$tmp/more" "$bin" run bios-check >"$log" 2>&1
rc=$?
((rc == 2)) || die "a broken bios-check.lua in NH_SCENARIO_PATH: exit $rc, not 2"
grep -q "^numaharness: $tmp/mine/bios-check.lua:3: " "$log" ||
	die "the error does not start with the found file:line ($tmp/mine/bios-check.lua:3)"
cat "$log"
env -u NH_WORKER NH_SCENARIO_PATH="$tmp/none::$tmp/mine:$tmp/more" \
	"$bin" run small-one --out "$tmp/r2" --quiet >"$log" 2>&1
rc=$?
((rc == 0)) || die "run small-one from NH_SCENARIO_PATH exited $rc"
grep -q "\"path\": \"$tmp/more/small-one.lua\"" "$tmp/r2/manifest.json" ||
	die "run small-one: manifest.json does not name $tmp/more/small-one.lua"
env -u NH_WORKER NH_SCENARIO_PATH="$tmp/mine" "$bin" run no-such >"$log" 2>&1
grep -q "no no-such.lua in $tmp/mine, $prefix/share/numaharness/scenarios" "$log" ||
	die "NH_SCENARIO_PATH is not the first place named"
echo "NH_SCENARIO_PATH: looked in first, its file's line in errors"

# A path is a file: never looked up.
for arg in ./bios-check bios-check.lua; do
	nh "$bin" run "$arg"
	rc=$?
	((rc == 2)) && grep -qx "numaharness: cannot read scenario $arg: No such file or directory" "$log" ||
		die "run $arg: expected exit 2 'cannot read scenario $arg' (a path), got $rc"
done
echo "paths are files: ./bios-check and bios-check.lua not looked up"

# The worker: NH_WORKER first; none in the layout is exit 2 naming both places.
NH_WORKER=$tmp/no-worker "$bin" run bios-check --set quick=true --out "$tmp/r3" >"$log" 2>&1
rc=$?
((rc == 2)) && grep -q "worker '$tmp/no-worker' (NH_WORKER) is not an executable file" "$log" ||
	die "NH_WORKER=$tmp/no-worker: expected exit 2 naming it, got $rc"
rm "$prefix/libexec/numaharness/nh-worker" || die "rm"
nh "$bin" run bios-check --set quick=true --out "$tmp/r4"
rc=$?
((rc == 2)) && grep -q "worker nh-worker not found: not an executable file at $prefix/bin/nh-worker nor $prefix/libexec/numaharness/nh-worker" "$log" ||
	die "no worker installed: expected exit 2 naming both places, got $rc"
cat "$log"
echo "PASSED"
