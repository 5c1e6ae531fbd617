#!/bin/bash
# setup-race.sh: first-time guest setup is safe when several tests start it at once. Two
# `guest.sh --check` on one empty kernel cache, side by side (as ctest -j2 starts guest.2node and
# guest.ops on a fresh machine): both must succeed with the same kernel, fetched once, and
# leave no half-written download behind. Exit 77 (skipped) when neither can set up at all
# (offline, not root without qemu).
#   usage: tests/guest/setup-race.sh [GUEST_SH]
set -u
guest=${1:-$(cd "$(dirname "$0")" && pwd)/guest.sh}
cache=$(mktemp -d "${TMPDIR:-/tmp}/nh-guest-race.XXXXXX") || exit 1
trap 'rm -rf "$cache"' EXIT

pids=()
for i in 1 2; do
	NH_GUEST_CACHE=$cache/kernels "$guest" --check >"$cache/out$i" 2>&1 &
	pids+=($!)
done
status=()
for p in "${pids[@]}"; do
	wait "$p"
	status+=($?)
done
for i in 1 2; do echo "--- guest.sh --check #$i: exit ${status[$((i - 1))]}"; cat "$cache/out$i"; done

if [ "${status[0]}" -eq 77 ] && [ "${status[1]}" -eq 77 ]; then
	echo "SKIP: neither could set up a guest (see above)"
	exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }
[ "${status[0]}" -eq 0 ] && [ "${status[1]}" -eq 0 ] || fail "both setups must succeed side by side"
k1=$(sed -n 's/^guest: kernel //p' "$cache/out1")
k2=$(sed -n 's/^guest: kernel //p' "$cache/out2")
[ -n "$k1" ] && [ "$k1" = "$k2" ] || fail "different kernels: '$k1' and '$k2'"
[ -s "$k1" ] || fail "the kernel $k1 is missing or empty"
[ -d "$cache/kernels/modules-${k1##*/vmlinuz-}" ] || fail "no modules beside $k1"
left=$(find "$cache/kernels" -maxdepth 1 -name '.download.*' -o -maxdepth 1 -name '*.tmp*' | head -n 3)
[ -z "$left" ] || fail "half-written setup left behind: $left"
echo "PASS: both setups found $k1"
