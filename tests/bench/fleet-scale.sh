#!/bin/bash
# SPDX-License-Identifier: MIT
# fleet-scale: how `numaharness fleet` scales. A benchmark, not a test (ctest does not run it):
# nh-fleetgen writes N synthetic host directories as the Ansible role fetches them (manifest.json,
# checks.json and a full bios-check metrics.csv of a two-socket host: the latency matrix and the
# STREAM policy sweep, a warm-up and 3 repetitions, every metric — about 170 KB a host), with one
# planted DIMM-like fault (node 1 of host-0042: MemTotal -8.3 % and local triad -20 %); then
# `numaharness fleet` judges them, timed with /usr/bin/time -v (wall time, peak RSS), cold
# (page cache dropped, when root can) and warm. It checks the fault is read as a DIMM and that no
# other host is flagged.
#
# usage: tests/bench/fleet-scale.sh [-n HOSTS] [-b BUILD_DIR] [-k]
#   -n  hosts (default 5000)   -b  build directory (default build/ of this repository)
#   -k  keep the generated fleet (printed path) instead of removing it
# Exit status 0, or 1 when the fault is not found or another host is flagged.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
hosts=5000 build="$repo/build" keep=0
while getopts "n:b:kh" opt; do
	case $opt in
	n) hosts=$OPTARG ;;
	b) build=$OPTARG ;;
	k) keep=1 ;;
	*) usage; exit 2 ;;
	esac
done
nh="$build/numaharness" gen="$build/nh-fleetgen"
[ -x "$nh" ] && [ -x "$gen" ] || { echo "fleet-scale: build $nh and $gen first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "fleet-scale: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT

echo "fleet-scale: $hosts hosts in $work/fleet"
start=$(date +%s.%N)
"$gen" "$work/fleet" --hosts "$hosts" --host 'host-0042:memtotal.1=-8.3,triad.1=-20'
echo "generated in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s," \
	"$(du -sh "$work/fleet" | cut -f1) on disk"

# One judged run: prints wall seconds and peak RSS (KiB); its report in $work/$1.
judge() {
	local out=$work/$1
	/usr/bin/time -v "$nh" fleet "$work/fleet" --out "$out" --quiet 2>"$work/$1.time" || true
	awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
			for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s}
		/Maximum resident set size/ {rss = $2}
		END {printf "%.2f %d\n", wall, rss}' "$work/$1.time"
}

cold=""
if [ "$(id -u)" = 0 ] && sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
	read -r wall rss < <(judge cold)
	cold="cold (page cache dropped): ${wall} s wall, peak RSS $((rss / 1024)) MiB"
fi
walls=()
for i in 1 2 3; do
	read -r wall rss < <(judge "warm$i")
	walls+=("$wall")
	rss_warm=$rss
done
[ -n "$cold" ] && echo "$cold"
echo "warm: ${walls[*]} s wall (median $(printf '%s\n' "${walls[@]}" | median) s), peak RSS $((rss_warm / 1024)) MiB"
ls -l "$work/warm1" | awk 'NR > 1 {printf "  %-18s %9d bytes\n", $9, $5}'

# The planted fault, read as such, and nothing else flagged.
flagged=$(cat "$work/warm1/hosts-failed.txt")
reading=$(grep -o '"name":"host-0042".*' "$work/warm1/fleet.json" | grep -o '"rule":"[a-z-]*","text":"[^"]*"' | head -n 1 || true)
echo "flagged: ${flagged:-none}"
echo "host-0042: $reading"
if [ "$flagged" != host-0042 ] || [[ $reading != *'"rule":"dimm"'* ]]; then
	echo "fleet-scale: expected exactly host-0042, read as a DIMM" >&2
	exit 1
fi
