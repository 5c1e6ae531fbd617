#!/bin/bash
# SPDX-License-Identifier: MIT
# stream-vs-likwid: compare numaharness's stream workload with likwid-bench's hand-written
# kernels on this machine. A benchmark, not a test (ctest does not run it): it takes minutes and
# its numbers depend on the host.
#
# It alternates, pair by pair, likwid-bench and `numaharness bench stream` on the same data
# volume and thread count, so drift in a noisy host (a VM's neighbours) hits both sides alike,
# then prints each pair and the median of the per-pair ratios ours/likwid. Two comparisons:
#   temporal stores:      likwid stream_avx512      vs  stream nt=0
#   non-temporal stores:  likwid stream_mem_avx512  vs  stream nt=1
# likwid reports total data volume over total time (an average over its iterations); ours is
# STREAM's best-of, so the average-based triad_avg is compared as well.
#
# usage: tests/bench/stream-vs-likwid.sh [-n PAIRS] [-s SIZE] [-t THREADS] [-b NUMAHARNESS]
#   -n  pairs per comparison (default 5)
#   -s  total bytes of the three arrays, likwid spelling (default 1GB = 10^9 B, for both)
#   -t  threads (default 2), all on socket S0 for likwid
#   -b  numaharness binary (default build/numaharness next to this script's repository)
# Needs likwid-bench and jq. Exit status: 0, or 1 when a tool fails or prints no figure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pairs=5
size=1GB
threads=2
nh="$repo/build/numaharness"

while getopts "n:s:t:b:h" opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	s) size=$OPTARG ;;
	t) threads=$OPTARG ;;
	b) nh=$OPTARG ;;
	*) usage; exit 2 ;;
	esac
done

for tool in likwid-bench jq "$nh"; do
	command -v "$tool" >/dev/null || { echo "stream-vs-likwid: $tool not found" >&2; exit 1; }
done

# likwid's units are decimal ("1GB" is 10^9 bytes); give numaharness the same byte count.
ours_size=$(awk -v s="$size" 'BEGIN {
	n = s + 0; u = toupper(substr(s, length(n "") + 1))
	m = u == "KB" ? 1e3 : u == "MB" ? 1e6 : u == "GB" ? 1e9 : u == "B" || u == "" ? 1 : -1
	if (m < 0) exit 1; printf "%.0f", n * m }') || { echo "stream-vs-likwid: bad size $size" >&2; exit 2; }
out=$(mktemp -d)                      # numaharness writes a run directory per bench
trap 'rm -rf "$out"' EXIT

# likwid-bench's MByte/s line (total data volume / total time).
likwid_mbs() {
	likwid-bench -t "$1" -w "S0:$size:$threads" 2>&1 | awk '/^MByte\/s:/ {print $2; found=1}
		END {if (!found) exit 1}'
}

# "triad triad_avg" in MB/s from one bench record (run directory $out/$2); nothing when the run
# did not end ok.
ours_mbs() {
	"$nh" bench stream "size=$ours_size" "threads=$threads" "nt=$1" --json --quiet \
		--out "$out/$2" 2>/dev/null |
		jq -r 'select(.outcome == "ok") | "\(.metrics.triad.value) \(.metrics.triad_avg.value)"' |
		head -n 1
}


compare() {
	local kernel=$1 nt=$2 best_ratios="" avg_ratios="" l o
	echo "== likwid-bench -t $kernel -w S0:$size:$threads  vs  numaharness bench stream" \
		"size=$ours_size threads=$threads nt=$nt"
	printf '%-5s %12s %12s %12s %10s %10s\n' pair likwid_MB/s triad_MB/s triad_avg best/lw avg/lw
	for i in $(seq 1 "$pairs"); do
		l=$(likwid_mbs "$kernel") || { echo "stream-vs-likwid: likwid-bench gave no figure" >&2; exit 1; }
		o=$(ours_mbs "$nt" "$kernel-$i" || true)
		[ -n "$o" ] || { echo "stream-vs-likwid: numaharness bench gave no ok record" >&2; exit 1; }
		local best=${o% *} avg=${o#* } rb ra
		rb=$(awk -v a="$best" -v b="$l" 'BEGIN {printf "%.3f", a / b}')
		ra=$(awk -v a="$avg" -v b="$l" 'BEGIN {printf "%.3f", a / b}')
		printf '%-5s %12.0f %12.0f %12.0f %10s %10s\n' "$i" "$l" "$best" "$avg" "$rb" "$ra"
		best_ratios+="$rb"$'\n'
		avg_ratios+="$ra"$'\n'
	done
	echo "median ratio ours/likwid: best-of $(printf '%s' "$best_ratios" | median)," \
		"average $(printf '%s' "$avg_ratios" | median)"
	echo
}

compare stream_avx512 0
compare stream_mem_avx512 1
