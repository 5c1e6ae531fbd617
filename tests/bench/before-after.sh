#!/bin/bash
# SPDX-License-Identifier: MIT
# before-after: the four performance figures of a refactoring, for two builds side by side on the
# same machine. A benchmark, not a test (ctest does not run it): it takes about 20 minutes.
#   1. triad with non-temporal stores (nt=1) against likwid-bench stream_mem_avx512
#      (stream-vs-likwid.sh; the ratio ours/likwid is taken within each build's own pairs)
#   2. churn against the standalone loop (churn-vs-standalone.sh, glibc and jemalloc)
#   3. samplers on against off (samplers-overhead.sh)
#   4. per-run overhead: `bench stream size=48K ntimes=2 threads=1 --reps 40`, the two builds
#      alternating pair by pair (which goes first alternates too); wall seconds per run and the
#      median per-pair ratio B/A.
# Each of 1-3 runs for A, then for B, back to back; their own ratios cancel the host's drift, as
# far as drift hits both of a script's sides alike. So the two builds also meet directly:
#   5. A against B pair by pair (which goes first alternates) on triad nt=1 (1 GB, 2 threads),
#      triad with every sampler on, and churn ops/s: the median per-pair ratio B/A of each.
#
# usage: tests/bench/before-after.sh -a NUMAHARNESS_A -b NUMAHARNESS_B [-n PAIRS] [-o DIR] [-f LIST]
#   -a, -b  the two numaharness binaries (each with its nh-worker beside it)
#   -n      pairs for each figure (default 5)
#   -o      keep every script's full output in DIR (default: a temporary directory, removed)
#   -f      which figures, e.g. 45 (default 12345)
# Needs likwid-bench, jq and a C compiler (what the three scripts need). Exit status 0, or 1 when
# a script fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
a="" b="" pairs=5 keep="" figures=12345
while getopts "a:b:n:o:f:h" opt; do
	case $opt in
	a) a=$OPTARG ;;
	b) b=$OPTARG ;;
	n) pairs=$OPTARG ;;
	o) keep=$OPTARG ;;
	f) figures=$OPTARG ;;
	*) usage; exit 2 ;;
	esac
done
[ -x "$a" ] && [ -x "$b" ] || { usage; exit 2; }
if [ -n "$keep" ]; then out=$keep; mkdir -p "$out"; else out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

want() { [[ $figures == *$1* ]]; }

summary() { # summary NAME SCRIPT ARGS...: run for A then B, print the summary lines of each
	local name=$1; shift
	for side in a b; do
		local bin=$a; [ $side = b ] && bin=$b
		"$@" -b "$bin" >"$out/$name-$side.txt" 2>&1 || { echo "$name ($side) failed: see $out/$name-$side.txt" >&2; exit 1; }
		grep -E '^(== |median)' "$out/$name-$side.txt" | sed "s/^/  $side: /"
	done
}

echo "A: $a"
echo "B: $b"
if want 1; then
	echo "1. triad nt=1 vs likwid-bench stream_mem_avx512"
	summary likwid "$here/stream-vs-likwid.sh" -n "$pairs"
fi
if want 2; then
	echo "2. churn vs the standalone loop"
	summary churn "$here/churn-vs-standalone.sh" -n "$pairs"
fi
if want 3; then
	echo "3. samplers on vs off"
	summary samplers "$here/samplers-overhead.sh" -n "$pairs"
fi

overhead() {
echo "4. per-run overhead: bench stream size=48K ntimes=2 threads=1 --reps 40 (wall s per run)"
timed() { # timed BIN: wall seconds of one sweep of 40 runs
	local t0 t1
	t0=$(date +%s.%N)
	"$1" bench stream size=48K ntimes=2 threads=1 --reps 40 --quiet --out "$out/sweep.$RANDOM$RANDOM" >/dev/null 2>&1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 40}'
}
timed "$a" >/dev/null; timed "$b" >/dev/null # warm-up: page cache, binaries
ratios="" as="" bs=""
for i in $(seq "$pairs"); do
	if [ $((i % 2)) = 1 ]; then ta=$(timed "$a"); tb=$(timed "$b"); else tb=$(timed "$b"); ta=$(timed "$a"); fi
	r=$(awk -v x="$tb" -v y="$ta" 'BEGIN {printf "%.3f", x / y}')
	printf '  pair %-3s A %.4f s  B %.4f s  B/A %s\n' "$i" "$ta" "$tb" "$r"
	ratios+="$r"$'\n' as+="$ta"$'\n' bs+="$tb"$'\n'
done
echo "  median per run: A $(printf '%s' "$as" | median) s, B $(printf '%s' "$bs" | median) s;" \
	"median ratio B/A $(printf '%s' "$ratios" | median)"
}
want 4 && overhead

want 5 || exit 0
echo "5. A against B directly, pair by pair (median per-pair ratio B/A)"
# One figure of one run: the ok record's metric (nothing when the run did not end ok).
figure() { # figure BIN METRIC ARGS...
	local bin=$1 metric=$2; shift 2
	"$bin" bench "$@" --json --quiet --out "$out/direct.$RANDOM$RANDOM" 2>/dev/null |
		jq -r --arg m "$metric" 'select(.outcome == "ok") | .metrics[$m].value' | head -n 1
}
direct() { # direct LABEL METRIC ARGS...
	local label=$1 metric=$2 ratios="" fa fb i; shift 2
	for i in $(seq "$pairs"); do
		if [ $((i % 2)) = 1 ]; then fa=$(figure "$a" "$metric" "$@"); fb=$(figure "$b" "$metric" "$@")
		else fb=$(figure "$b" "$metric" "$@"); fa=$(figure "$a" "$metric" "$@"); fi
		[ -n "$fa" ] && [ -n "$fb" ] || { echo "$label: a run gave no figure" >&2; exit 1; }
		ratios+=$(awk -v x="$fb" -v y="$fa" 'BEGIN {printf "%.4f", x / y}')$'\n'
		printf '  %-34s pair %-3s A %12.1f  B %12.1f\n' "$label" "$i" "$fa" "$fb"
	done
	echo "  $label: median ratio B/A $(printf '%s' "$ratios" | median)"
}
direct "triad nt=1 (MB/s)" triad stream size=1000000000 threads=2 nt=1 counters=none interval=off
direct "triad, samplers on (MB/s)" triad stream size=1G threads=2 counters=default interval=100ms
direct "churn glibc (ops/s)" ops_per_s churn duration=2s
