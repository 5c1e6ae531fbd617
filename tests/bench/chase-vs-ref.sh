#!/bin/bash
# SPDX-License-Identifier: MIT
# chase-vs-ref: compare numaharness's chase workload with an independent minimal pointer chase
# (tests/bench/chase-ref.c) on this machine. A benchmark, not a test (ctest does not run it): it
# takes minutes and its numbers depend on the host.
#
# The reference is compiled here with `cc -O2`. Pair by pair it alternates the reference and
# `numaharness bench chase` on the same working set, page kind and CPU (the first CPU the
# process may use, where chase puts its chase thread; the reference is pinned there with
# taskset), so drift in a noisy host (a VM's neighbours) hits both sides alike, then prints each
# pair and the median of the per-pair ratios of mean ns per load, ours/reference. Both walk one
# random cycle through every 64-byte line, fault the pages in sequentially, warm up, and time
# samples*block loads (ours in blocks with the clock's cost removed, the reference at once).
# Two comparisons: pages=4k (MADV_NOHUGEPAGE on both) and pages=thp (MADV_HUGEPAGE on both);
# the record's memory.anon_huge_pages_bytes is printed to show THP really backed ours.
#
# usage: tests/bench/chase-vs-ref.sh [-n PAIRS] [-s SIZE] [-b NUMAHARNESS] [-c CC]
#   -n  pairs per comparison (default 5)
#   -s  working set, numaharness spelling (binary units: 1G = 2^30 B; default 1G)
#   -b  numaharness binary (default build/numaharness next to this script's repository)
#   -c  C compiler for the reference (default cc)
# Needs jq (and taskset, else the reference runs unpinned). Exit status: 0, or 1 when a tool
# fails or prints no figure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pairs=5
size=1G
nh="$repo/build/numaharness"
cc=cc
samples=2000
block=4096

while getopts "n:s:b:c:h" opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	s) size=$OPTARG ;;
	b) nh=$OPTARG ;;
	c) cc=$OPTARG ;;
	*) usage; exit 2 ;;
	esac
done

for tool in jq "$cc" "$nh"; do
	command -v "$tool" >/dev/null || { echo "chase-vs-ref: $tool not found" >&2; exit 1; }
done

bytes=$(awk -v s="$size" 'BEGIN {
	n = s + 0; u = toupper(substr(s, length(n "") + 1))
	m = u == "K" ? 2^10 : u == "M" ? 2^20 : u == "G" ? 2^30 : u == "T" ? 2^40 : u == "" ? 1 : -1
	if (m < 0 || n <= 0) exit 1; printf "%.0f", n * m }') || { echo "chase-vs-ref: bad size $size" >&2; exit 2; }
out=$(mktemp -d)                      # the reference binary and numaharness's run directories
trap 'rm -rf "$out"' EXIT
"$cc" -O2 -o "$out/chase-ref" "$here/chase-ref.c"

# The chase thread's CPU: the first one this process may run on.
cpu=$(awk '/^Cpus_allowed_list:/ {split($2, a, /[-,]/); print a[1]}' /proc/self/status)
pin=()
command -v taskset >/dev/null && pin=(taskset -c "$cpu")

ref_ns() {
	"${pin[@]}" "$out/chase-ref" "$bytes" "$1" $((samples * block)) |
		awk '$1 == "ns_per_load" {print $2; found = 1} END {if (!found) exit 1}'
}

# "ns_per_load anon_huge_pages_bytes" from one bench record (run directory $out/$2); nothing
# when the run did not end ok.
ours_ns() {
	"$nh" bench chase "size=$size" "pages=$1" "samples=$samples" "block=$block" --json --quiet \
		--out "$out/$2" 2>/dev/null |
		jq -r 'select(.outcome == "ok") |
			"\(.metrics.ns_per_load.value) \(.memory.anon_huge_pages_bytes // "null")"' |
		head -n 1
}


compare() {
	local pages=$1 ratios="" r o
	echo "== chase-ref $bytes $pages $((samples * block))  vs  numaharness bench chase" \
		"size=$size pages=$pages samples=$samples block=$block  (CPU $cpu)"
	printf '%-5s %12s %12s %8s %14s\n' pair ref_ns ours_ns ours/ref ours_AnonHuge
	for i in $(seq 1 "$pairs"); do
		r=$(ref_ns "$pages") || { echo "chase-vs-ref: chase-ref gave no figure" >&2; exit 1; }
		o=$(ours_ns "$pages" "$pages-$i" || true)
		[ -n "$o" ] || { echo "chase-vs-ref: numaharness bench gave no ok record" >&2; exit 1; }
		local ns=${o% *} huge=${o#* } q
		q=$(awk -v a="$ns" -v b="$r" 'BEGIN {printf "%.3f", a / b}')
		printf '%-5s %12.2f %12.2f %8s %14s\n' "$i" "$r" "$ns" "$q" "$huge"
		ratios+="$q"$'\n'
	done
	echo "median ratio ours/reference (mean ns per load): $(printf '%s' "$ratios" | median)"
	echo
}

compare 4k
compare thp
