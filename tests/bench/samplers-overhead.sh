#!/bin/bash
# SPDX-License-Identifier: MIT
# samplers-overhead: what the samplers cost a workload. A benchmark, not a test (ctest does not
# run it): it alternates, pair by pair, `numaharness bench stream` with every sampler on
# (counters=default, interval=100ms: counters, process/cgroup memory, time series) and with all
# of them off (counters=none interval=off), so a noisy host's drift hits both sides alike, then
# prints each pair, the median triad of each side and the median of the per-pair differences.
#
# usage: tests/bench/samplers-overhead.sh [-n PAIRS] [-s SIZE] [-t THREADS] [-b NUMAHARNESS]
#   -n  pairs (default 10)   -s  stream size (default 1G)   -t  threads (default 2)
#   -b  numaharness binary (default build/numaharness of this repository)
# Needs jq. Exit status 0, or 1 when a run gives no ok record.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pairs=10 size=1G threads=2 nh="$repo/build/numaharness"
while getopts "n:s:t:b:h" opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	s) size=$OPTARG ;;
	t) threads=$OPTARG ;;
	b) nh=$OPTARG ;;
	*) usage; exit 2 ;;
	esac
done
command -v jq >/dev/null || { echo "samplers-overhead: jq not found" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# triad MB/s of one run; extra arguments select the samplers.
triad() {
	local dir=$1
	shift
	"$nh" bench stream "size=$size" "threads=$threads" "$@" --json --quiet --out "$out/$dir" 2>/dev/null |
		jq -r 'select(.outcome == "ok") | .metrics.triad.value' | head -n 1
}


echo "== numaharness bench stream size=$size threads=$threads: samplers on vs off, $pairs pairs"
printf '%-5s %14s %14s %10s\n' pair on_MB/s off_MB/s on/off-1
ons="" offs="" diffs=""
for i in $(seq 1 "$pairs"); do
	on=$(triad "on-$i" counters=default interval=100ms)
	off=$(triad "off-$i" counters=none interval=off)
	[ -n "$on" ] && [ -n "$off" ] || { echo "samplers-overhead: a run gave no ok record" >&2; exit 1; }
	d=$(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.4f", a / b - 1}')
	printf '%-5s %14.0f %14.0f %+9.2f%%\n' "$i" "$on" "$off" "$(awk -v d="$d" 'BEGIN {print 100 * d}')"
	ons+="$on"$'\n' offs+="$off"$'\n' diffs+="$d"$'\n'
done
echo "median triad: on $(printf '%s' "$ons" | median) MB/s, off $(printf '%s' "$offs" | median) MB/s"
echo "median per-pair difference (on/off - 1): $(printf '%s' "$diffs" | median | awk '{printf "%+.2f%%", 100 * $1}')"
