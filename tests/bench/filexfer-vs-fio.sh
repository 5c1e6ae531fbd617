#!/bin/bash
# SPDX-License-Identifier: MIT
# filexfer-vs-fio: compare numaharness's filexfer workload with fio on the same file size, block
# size and filesystem. A benchmark, not a test (ctest does not run it): it moves tens of GiB and
# its numbers depend on the host.
#
# It alternates, pair by pair, `numaharness bench filexfer` and fio (which one goes first
# alternates too), so drift in a noisy host hits both sides alike, then prints each pair and the
# median of the per-pair ratios ours/fio, write and read separately. Two comparisons:
#   buffered:  filexfer mode=readwrite          vs  fio --ioengine=sync
#   direct:    filexfer mode=direct             vs  fio --ioengine=sync --direct=1
# Both with one file of SIZE, BLOCK-sized read(2)/write(2) calls, one thread on the same CPU:
# filexfer pins its stream to the first CPU it may use, so fio gets --cpus_allowed= that CPU
# (unpinned, fio would move to whichever CPU is idle, an edge over a pinned stream on a busy
# host that has nothing to do with the I/O path).
#
# Page-cache state, the same for both tools:
#   - before each tool runs, `sync` (and, as root, drop_caches=1), so no dirty pages of the
#     previous run are being written back while this one is timed, then a pause (-p, 3 s):
#     in a VM whose balloon reports free pages to the host (virtio free page reporting, 2 s
#     after they are freed), touching a reported page again costs a host fault, which can
#     halve buffered write speed; after the pause every free page is in the same state, for
#     both tools, whatever the previous run freed and when;
#   - writes go into a new, unallocated file (fio: the file is removed first, --fallocate=none
#     as filexfer preallocates nothing, and --create_on_open=1, else fio lays the file out for
#     its read job before anything is timed and the write job only overwrites cached pages),
#     without fsync (fio: end_fsync=0), so buffered writes measure filling the page cache;
#   - buffered reads are WARM by default: the file just written is read back from the page cache
#     (filexfer reads right after writing; fio's read job runs with --invalidate=0, so fio does
#     not drop the file's pages first). With -c they are COLD: filexfer cold=1 (fdatasync and
#     fadvise DONTNEED between its phases, untimed) vs `sync` then fio --invalidate=1 (fio's
#     DONTNEED before reading). Direct reads bypass the cache in both either way;
#   - like filexfer's phases, fio's read job starts right after its write job (one fio run,
#     --stonewall), so neither tool's reads get a pause in which the device catches up.
# fio's MB/s is its bw_bytes / 10^6 over its I/O time; filexfer's write_MBps / read_MBps are
# bytes over each phase (open, the calls, close).
#
# usage: tests/bench/filexfer-vs-fio.sh [-n PAIRS] [-s SIZE] [-k BLOCK] [-d DIR] [-c]
#                                      [-p SECONDS] [-o 'NAME=VALUE ...'] [-b NUMAHARNESS]
#   -n  pairs per comparison (default 5)
#   -s  file size, numaharness/fio spelling, binary units (default 1G)
#   -k  block size (default 1M)
#   -d  directory for the files (default /tmp; it needs room for one file)
#   -c  cold buffered reads (from the device) instead of warm ones (from the page cache)
#   -p  pause after settling, before each tool runs (default 3; 0 for none)
#   -o  more numaharness arguments, e.g. 'counters=none interval=off' to leave out the
#       harness's own samplers (the default runs filexfer as users do, samplers on)
#   -b  numaharness binary (default build/numaharness next to this script's repository)
# Needs fio and jq. Exit status: 0, or 1 when a tool fails or prints no figure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pairs=5
size=1G
block=1M
dir=/tmp
cold=0
pause=3
extra=""
nh="$repo/build/numaharness"

while getopts "n:s:k:d:cp:o:b:h" opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	s) size=$OPTARG ;;
	k) block=$OPTARG ;;
	d) dir=$OPTARG ;;
	c) cold=1 ;;
	p) pause=$OPTARG ;;
	o) extra=$OPTARG ;;
	b) nh=$OPTARG ;;
	*) usage; exit 2 ;;
	esac
done

for tool in fio jq "$nh"; do
	command -v "$tool" >/dev/null || { echo "filexfer-vs-fio: $tool not found" >&2; exit 1; }
done

out=$(mktemp -d)                      # numaharness writes a run directory per bench
work=$(mktemp -d "$dir/filexfer-vs-fio.XXXXXX")
cpu=$(awk '/^Cpus_allowed_list:/ {split($2, a, /[-,]/); print a[1]}' /proc/self/status)
trap 'rm -rf "$out" "$work"' EXIT

settle() {
	sync
	[ "$(id -u)" -ne 0 ] || echo 1 >/proc/sys/vm/drop_caches 2>/dev/null || true
	sleep "$pause"
}

# "write_MBps read_MBps" from one bench record; nothing when the run did not end ok. $extra is
# split into words on purpose.
ours() {
	settle
	"$nh" bench filexfer "mode=$1" "size=$size" files=1 "block=$block" "dir=$work" \
		"cold=$cold" $extra --json --quiet --out "$out/$2" 2>/dev/null |
		jq -r 'select(.outcome == "ok") |
			"\(.metrics.write_MBps.value) \(.metrics.read_MBps.value)"' | head -n 1
}

# "write_MBps read_MBps" (10^6 B/s) of one fio run on a new file: a write job, then (stonewall)
# a read job of the same file, one right after the other as filexfer's phases are — a pause
# between them would let a virtual disk finish absorbing the writes before the reads start.
theirs() {
	local prerun=()
	[ "$cold" -eq 0 ] || prerun=(--exec_prerun=sync) # dirty pages survive fio's DONTNEED
	rm -f "$work/fio.dat"
	settle
	# In $work, where exec_prerun leaves its output file; its note on stdout precedes the JSON.
	(cd "$work" && fio --output-format=json --cpus_allowed="$cpu" --ioengine=sync \
		--bs="$block" --size="$size" \
		--direct="$1" --fallocate=none --create_on_open=1 --end_fsync=0 \
		--filename="$work/fio.dat" \
		--name=write --rw=write --invalidate=0 \
		--name=read --stonewall --rw=read --invalidate="$cold" "${prerun[@]}" 2>/dev/null) |
		sed -n '/^{/,$p' |
		jq -r '"\(.jobs[0].write.bw_bytes / 1e6) \(.jobs[1].read.bw_bytes / 1e6)"'
	rm -f "$work/fio.dat"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }

compare() {
	local mode=$1 direct=$2 wr="" rr="" o f
	echo "== numaharness bench filexfer mode=$mode size=$size files=1 block=$block" \
		"cold=$cold${extra:+ $extra}  vs  fio --rw=write/read --bs=$block --size=$size" \
		"--ioengine=sync --direct=$direct --cpus_allowed=$cpu (reads --invalidate=$cold)"
	printf '%-5s %12s %12s %12s %12s %8s %8s\n' pair fio_write ours_write fio_read ours_read \
		write_r read_r
	for i in $(seq 1 "$pairs"); do
		if [ $((i % 2)) -eq 1 ]; then
			o=$(ours "$mode" "$mode-$i" || true)
			f=$(theirs "$direct" || true)
		else
			f=$(theirs "$direct" || true)
			o=$(ours "$mode" "$mode-$i" || true)
		fi
		[ -n "$o" ] ||
			{ echo "filexfer-vs-fio: numaharness bench gave no ok record" >&2; exit 1; }
		[ -n "$f" ] && [ "${f#* }" != null ] ||
			{ echo "filexfer-vs-fio: fio gave no figure" >&2; exit 1; }
		local ow=${o% *} orr=${o#* } fw=${f% *} fr=${f#* } rw rd
		rw=$(ratio "$ow" "$fw")
		rd=$(ratio "$orr" "$fr")
		printf '%-5s %12.0f %12.0f %12.0f %12.0f %8s %8s\n' "$i" "$fw" "$ow" "$fr" "$orr" \
			"$rw" "$rd"
		wr+="$rw"$'\n'
		rr+="$rd"$'\n'
	done
	echo "median ratio ours/fio: write $(printf '%s' "$wr" | median)," \
		"read $(printf '%s' "$rr" | median)"
	echo
}

compare readwrite 0
compare direct 1
