#!/bin/bash
# SPDX-License-Identifier: MIT
# churn-vs-standalone: what the harness costs the churn workload — `numaharness bench churn`
# against the same allocation loop built as a plain program (tests/bench/churn-standalone.c,
# which includes workloads/churn_loop.h, the engine churn.c runs) with no worker, counters,
# sampler thread or placement snapshot around it. A benchmark, not a test (ctest does not run
# it): it takes minutes and its numbers depend on the host.
#
# The standalone is compiled here with `cc -std=gnu11 -O3 -fno-tree-loop-distribute-patterns`,
# the flags CMake gives workloads/churn.c. Pair by pair it alternates the two on the same parameters
# (which of them goes first alternates too), so drift in a noisy host (a VM's neighbours) hits
# both sides alike, then prints each pair and the median of the per-pair ratios of ops/s,
# ours/standalone (target: at least 0.98). Two comparisons: glibc's malloc, and jemalloc
# (allocator=jemalloc for ours, the same library by LD_PRELOAD for the standalone; the record's
# allocator.confirmed must say jemalloc).
#
# usage: tests/bench/churn-vs-standalone.sh [-n PAIRS] [-d DURATION] [-b NUMAHARNESS] [-c CC]
#                                           [name=value ...]
#   -n  pairs per comparison (default 7)
#   -d  timed churn per run (default 2s, the workload's default)
#   -b  numaharness binary (default build/numaharness next to this script's repository)
#   -c  C compiler for the standalone (default cc)
#   name=value  churn parameters for both sides (default: the workload's defaults — sizes=mixed,
#       live=64M, order=random, threads=all, cross=0, sample_every=64, touch=1, seed=1);
#       glibc tunables (glibc.malloc.arena_max=2) for both, GLIBC_TUNABLES for the standalone;
#       other run options (counters=none interval=off ...) for ours only
# Needs jq. Exit status: 0, or 1 when a tool fails or prints no figure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pairs=7
duration=2s
nh="$repo/build/numaharness"
cc=cc

while getopts "n:d:b:c:h" opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	d) duration=$OPTARG ;;
	b) nh=$OPTARG ;;
	c) cc=$OPTARG ;;
	*) usage; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
params=("duration=$duration")         # for both
options=()                            # for ours only
tunables=""                           # GLIBC_TUNABLES for the standalone
for kv in "$@"; do
	case ${kv%%=*} in
	sizes | size | min_size | max_size | live | order | threads | cross | duration | \
		sample_every | touch | seed) params+=("$kv") ;;
	glibc.*) options+=("$kv"); tunables+="${tunables:+:}$kv" ;;
	*) options+=("$kv") ;;
	esac
done

fail() { echo "churn-vs-standalone: $*" >&2; exit 1; }

for tool in jq "$cc" "$nh"; do
	command -v "$tool" >/dev/null || fail "$tool not found"
done

out=$(mktemp -d)                      # the standalone binary and numaharness's run directories
trap 'rm -rf "$out"' EXIT
"$cc" -std=gnu11 -O3 -fno-tree-loop-distribute-patterns -pthread \
	-o "$out/churn-standalone" "$here/churn-standalone.c" -lm

# "ops_per_s alloc_p99_ns" from one bench record (run directory $out/$2, allocator $1); nothing
# when the run did not end ok with the allocator asked for.
ours() {
	"$nh" bench churn "allocator=$1" "${params[@]}" "${options[@]}" --json --quiet \
		--out "$out/$2" 2>/dev/null |
		jq -r --arg a "$1" 'select(.outcome == "ok" and .allocator.confirmed.name == $a) |
			"\(.metrics.ops_per_s.value) \(.metrics.alloc_p99_ns.value)"' | head -n 1
}

# The same two figures from the standalone, with the library $1 preloaded ("" for none).
standalone() {
	env ${1:+LD_PRELOAD=$1} ${tunables:+GLIBC_TUNABLES=$tunables} \
		"$out/churn-standalone" "${params[@]}" |
		awk '{for (i = 1; i < NF; i += 2) v[$i] = $(i + 1)} END {
			if (v["ops_per_s"] == "") exit 1; print v["ops_per_s"], v["alloc_p99_ns"]}'
}


compare() {
	local alloc=$1 preload="" ratios="" o s r
	# A short warm-up of each side, ours also saying which library the harness preloads.
	preload=$("$nh" bench churn "allocator=$alloc" duration=100ms --json --quiet \
		--out "$out/$alloc-warmup" 2>/dev/null | jq -r '.allocator.preload // empty')
	[ "$alloc" = glibc ] || [ -n "$preload" ] || fail "no $alloc to preload"
	env ${preload:+LD_PRELOAD=$preload} "$out/churn-standalone" duration=100ms >/dev/null ||
		fail "the standalone failed"
	echo "== numaharness bench churn allocator=$alloc ${params[*]} ${options[*]}  vs" \
		"churn-standalone ${params[*]}${preload:+ with LD_PRELOAD=$preload}" \
		"${tunables:+GLIBC_TUNABLES=$tunables}"
	printf '%-5s %14s %14s %12s %12s %8s\n' pair ours_ops/s alone_ops/s ours_p99_ns \
		alone_p99_ns ratio
	for i in $(seq 1 "$pairs"); do
		if [ $((i % 2)) -eq 1 ]; then
			o=$(ours "$alloc" "$alloc-$i" || true)
			s=$(standalone "$preload" || true)
		else
			s=$(standalone "$preload" || true)
			o=$(ours "$alloc" "$alloc-$i" || true)
		fi
		[ -n "$o" ] || fail "numaharness bench gave no ok record"
		[ -n "$s" ] || fail "the standalone gave no figure"
		r=$(awk -v a="${o% *}" -v b="${s% *}" 'BEGIN {printf "%.3f", a / b}')
		printf '%-5s %14.0f %14.0f %12.1f %12.1f %8s\n' "$i" "${o% *}" "${s% *}" "${o#* }" \
			"${s#* }" "$r"
		ratios+="$r"$'\n'
	done
	echo "median ratio of ops/s, ours/standalone: $(printf '%s' "$ratios" | median)"
	echo
}

compare glibc
compare jemalloc
