#!/bin/bash
# SPDX-License-Identifier: MIT
# inspect-cost: how long `numaharness inspect` takes on a large process — what an operator pays
# per snapshot (and so how short a --watch interval is sensible). A benchmark, not a test.
#
# It starts the qemu-shaped stand-in of the guest tests (tests/guest/nh-standin.c) with SIZE of
# touched anonymous RAM and N vCPU threads, then times `inspect --expect membind=0` (the text
# report plus every check) -n times and prints each and the median. The cost is the page-table
# walks of /proc/PID/numa_maps: one for the process and one per thread (a thread's policy is
# only visible in its own numa_maps), each over every mapping.
#
# usage: tests/bench/inspect-cost.sh [-b BUILD] [-s SIZE] [-t THREADS] [-n RUNS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build=build size=8G threads=8 runs=5
while getopts b:s:t:n: o; do
	case $o in
	b) build=$OPTARG ;; s) size=$OPTARG ;; t) threads=$OPTARG ;; n) runs=$OPTARG ;;
	*) usage; exit 2 ;;
	esac
done
out=$(mktemp)
"$build/tests/nh-standin" --vcpus "$threads" --ram "$size" >"$out" &
standin=$!
trap 'kill $standin 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 600); do grep -q '^ready' "$out" && break; sleep 0.1; done
grep -q '^ready' "$out" || { echo "inspect-cost: the stand-in did not start" >&2; exit 1; }
times=()
for i in $(seq "$runs"); do
	t0=$(date +%s.%N)
	"$build/numaharness" inspect "$standin" --expect membind=0 >/dev/null || true
	t1=$(date +%s.%N)
	times+=("$(echo "$t1 - $t0" | bc)")
	printf 'run %d: %.3f s\n' "$i" "${times[-1]}"
done
printf 'median %.3f s for %s of RAM and %d vCPU threads (+1 main)\n' \
	"$(printf '%s\n' "${times[@]}" | median)" "$size" "$threads"
