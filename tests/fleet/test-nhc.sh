#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/nhc/numaharness.nhc, the LBNL NHC adapter, the way NHC's own check tests run: the file
# sourced into bash beside stand-ins of NHC's die, log and dbg, its check called as nhc.conf
# would call it, against the real `numaharness healthcheck` reading fixture fact trees
# (tests/fixtures/health, --root). NHC itself is not a Debian 12 package.
#   test-nhc.sh SOURCE_DIR NUMAHARNESS
# Exit 0 passed, 1 failed.
set -uo pipefail # every check runs and is counted: no set -e
src=$(cd "$1" && pwd)
nh=$2
fixtures=$src/tests/fixtures/health
T=$(mktemp -d /tmp/nh-nhc-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
errors=0
check() { # CONDITION-STATUS MESSAGE
	if [ "$1" -ne 0 ]; then echo "FAIL: ${*:2}" >&2; errors=$((errors + 1)); fi
}

# NHC's functions, as a check sees them: die records and returns its code, log and dbg record.
died=() logged=() debugged=()
die() { died+=("$1 $2"); return "$1"; }
log() { logged+=("$*"); }
dbg() { debugged+=("$*"); }
# shellcheck source=../../contrib/nhc/numaharness.nhc
. "$src/contrib/nhc/numaharness.nhc"
# shellcheck disable=SC2034 # the adapter's setting, read by check_nh_health
NH_NUMAHARNESS=$nh

# The check must never touch Slurm itself (NHC drains): a scontrol that records being run.
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "$@" >>"%s/scontrol-calls"\n' "$T" >"$T/bin/scontrol"
chmod 755 "$T/bin/scontrol"
export PATH=$T/bin:$PATH NH_SCONTROL=$T/bin/scontrol

# A SKU of two sockets, SNC off, THP madvise; r01n02's expectation says 7 nodes; the gpu nodes
# must have been validated within 30 days.
cat >"$T/nodes.conf" <<EOF
r01n[01-16] nodes=2 cpus_per_node=32 node_memory=90G distance_min=21 distance_max=21 thp=madvise
r01n02 nodes=7
gpu[1-4] nodes=2 validation=$T/validation validation_max_age=30d
EOF
mkdir "$T/validation"
printf '%s\n' verdict=OUTLIER "time=$(date +%s)" "summary=node1 local triad -16% vs cohort" \
	"results=/shared/burnin/burnin-x/hosts/gpu1" >"$T/validation/gpu1.validation"
printf '%s\n' verdict=PASS "time=$(date +%s)" summary=pass "results=/shared/burnin/x/hosts/gpu2" \
	>"$T/validation/gpu2.validation"

run_check() { # HOSTNAME_S WANT-RETURN ARGS...: calls the check as NHC would
	local rc=0
	died=() logged=() debugged=()
	# shellcheck disable=SC2034 # NHC's, read by check_nh_health
	HOSTNAME_S=$1
	check_nh_health "${@:3}" || rc=$?
	[ "$rc" -eq "$2" ]
	check $? "check_nh_health ${*:3} on $1: returned $rc, expected $2 (die: ${died[*]-}; log: ${logged[*]-})"
}
said() { # WHAT WANT GOT...: exactly one record, WANT
	[ "$#" -eq 3 ] && [ "$3" = "$2" ]
	check $? "$1: expected '$2', got ${*:3}"
}
nothing() { # WHAT GOT...: no record
	[ "$#" -eq 1 ]
	check $? "$1: expected none, got ${*:2}"
}

# Matches: passes quietly (a dbg line only).
run_check r01n01 0 --match "$T/nodes.conf" --root "$fixtures/2node"
nothing "die on a match" "${died[@]}"
nothing "log on a match" "${logged[@]}"
said "dbg on a match" "check_nh_health:  r01n01 matches its numaharness entry" "${debugged[@]}"
# Sub-NUMA clustering switched on (4 nodes): die with the reason.
run_check r01n03 1 --match "$T/nodes.conf" --root "$fixtures/4node"
said "die, SNC2 on" "1 numaharness: nodes: 4 NUMA nodes, expected 2" "${died[@]}"
# Its order sheet says 7 (the later line wins).
run_check r01n02 1 --match "$T/nodes.conf" --root "$fixtures/2node"
said "die, nodes=7" "1 numaharness: nodes: 2 NUMA nodes, expected 7" "${died[@]}"
# The match file from NH_HEALTH_MATCH, as nhc.conf's plain `* || check_nh_health` uses it.
NH_HEALTH_MATCH=$T/nodes.conf run_check r01n03 1 --root "$fixtures/4node"
said "die, match file from NH_HEALTH_MATCH" "1 numaharness: nodes: 4 NUMA nodes, expected 2" \
	"${died[@]}"
# The last burn-in: an OUTLIER fails the node, a PASS does not.
run_check gpu1 1 --match "$T/nodes.conf" --root "$fixtures/2node"
said "die, last validation OUTLIER" \
	"1 numaharness: validation: last validation OUTLIER ($(date +%F)): node1 local triad -16% vs cohort" \
	"${died[@]}"
run_check gpu2 0 --match "$T/nodes.conf" --root "$fixtures/2node"
nothing "die, last validation PASS" "${died[@]}"
# A node no line names: nothing to check.
run_check login1 0 --match "$T/nodes.conf" --root "$fixtures/2node"
nothing "die, no entry" "${died[@]}"
nothing "log, no entry" "${logged[@]}"

# A broken configuration is not a broken node: logged, passed.
printf '%s\n' "r01n[01-16] nodes=2" "r01n01 nodez=2" >"$T/bad.conf"
run_check r01n01 0 --match "$T/bad.conf" --root "$fixtures/2node"
nothing "die, bad match file" "${died[@]}"
[ "${#logged[@]}" -eq 1 ] && [[ ${logged[0]} == "check_nh_health:  numaharness healthcheck could not check r01n01 (exit status 2): "*"$T/bad.conf:2: "* ]]
check $? "a bad match file should be logged once with FILE:LINE: ${logged[*]-}"
run_check r01n01 0 --match "$T/none.conf" --root "$fixtures/2node"
nothing "die, no match file" "${died[@]}"
[ "${#logged[@]}" -eq 1 ] && [[ ${logged[0]} == *"$T/none.conf"* ]]
check $? "a missing match file should be logged naming it: ${logged[*]-}"
NH_NUMAHARNESS=$T/none/numaharness run_check r01n01 0 --match "$T/nodes.conf"
nothing "die, no numaharness" "${died[@]}"
[ "${#logged[@]}" -eq 1 ] && [[ ${logged[0]} == *"(exit status 127)"* ]]
check $? "no numaharness should be logged with exit status 127: ${logged[*]-}"

[ ! -e "$T/scontrol-calls" ]
check $? "the NHC check ran scontrol: $(cat "$T/scontrol-calls" 2>/dev/null)"
[ "$errors" -eq 0 ] || { echo "FAIL: $errors check(s) failed" >&2; exit 1; }
echo "nhc: passed"
