#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/slurm's burn-in scripts without a Slurm: nh-burnin, nh-burnin-node and nh-burnin-judge
# against stand-ins of scontrol, sbatch, scancel and numaharness that record every call
# (tests/fleet/test-slurm.sh runs them against a real one). What is checked: every bad input of
# nh-burnin is one line and exit 2, with nothing submitted; the reservation, the resumed node,
# the left-out node and each job's sbatch arguments (serial chain, cohort from the features, the
# judge after them all); taking back what was submitted when sbatch fails half-way; the node job's
# --set merge, error.txt for each way the harness cannot run (and none for a result); and the
# judge's action for every verdict and node state, its validation records and exit status.
#   test-burnin-cli.sh SOURCE_DIR
# Exit 0 passed, 1 failed.
# Every check runs and is counted: no set -e.
set -uo pipefail
src=$(cd "$1" && pwd)
slurm=$src/contrib/slurm
T=$(mktemp -d /tmp/nh-burnin-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
errors=0
check() { # CONDITION-STATUS MESSAGE
	if [ "$1" -ne 0 ]; then echo "FAIL: ${*:2}" >&2; errors=$((errors + 1)); fi
}

# --- Stand-ins: a cluster of nodes n1..n9 held in files, every call logged to $T/calls ------------
mkdir -p "$T/bin" "$T/nodes" "$T/results"
node() { # NAME STATE [FEATURES [REASON]]: the node's `scontrol show node -o` line
	local line="NodeName=$1 Arch=x86_64 CoresPerSocket=1 CPUAlloc=0 AvailableFeatures=${3:-gen3}"
	line="$line ActiveFeatures=${3:-gen3} Gres=(null) State=$2 ThreadsPerCore=1 Partitions=burn"
	[ -z "${4:-}" ] || line="$line Reason=$4 [root@2026-12-06T08:13:58]"
	echo "$line" >"$T/nodes/$1"
}
cat >"$T/bin/scontrol" <<'EOF'
#!/bin/bash
echo "scontrol $*" >>"$FAKE/calls"
case "$1 $2" in
"show hostnames")
	[[ $3 =~ ^([a-z]+)\[([0-9]+)-([0-9]+)\]$ ]] &&
		{ for i in $(seq "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"); do echo "${BASH_REMATCH[1]}$i"; done; exit 0; }
	[[ $3 =~ ^[a-z0-9,]+$ ]] && { tr , '\n' <<<"$3"; exit 0; }
	printf 'scontrol: error: Invalid hostlist: %s\nscontrol: fatal: giving up\n' "$3" >&2; exit 1 ;;
"show node")
	[ -f "$FAKE/nodes/$3" ] && { cat "$FAKE/nodes/$3"; exit 0; }
	echo "Node $3 not found" ; exit 1 ;;
"show job")
	echo "JobId=$3 JobName=x JobState=${FAKE_JOB_STATE:-COMPLETED} Reason=None ExitCode=${FAKE_JOB_EXIT:-0:0}" ;;
"update NodeName="*)
	[ "$2" != "${FAKE_UPDATE_FAILS:-}" ] || { echo "slurm_update error: Invalid node state specified" >&2; exit 1; } ;;
"create reservation") echo "Reservation created: ${3#ReservationName=}" ;;
esac
exit 0
EOF
cat >"$T/bin/sbatch" <<'EOF'
#!/bin/bash
n=$(($(cat "$FAKE/jobid" 2>/dev/null || echo 0) + 1))
echo "$n" >"$FAKE/jobid"
echo "sbatch $*" >>"$FAKE/calls"
[ "$n" != "${FAKE_SBATCH_FAILS_AT:-}" ] || { echo "sbatch: error: Batch job submission failed: Invalid account" >&2; exit 1; }
echo "$n;nhtest"
EOF
printf '#!/bin/sh\necho "scancel $*" >>"$FAKE/calls"\n' >"$T/bin/scancel"
# numaharness: healthcheck --print-set from $FAKE_PRINT_SET (exit $FAKE_HC_RC), run logs its argv
# (exit $FAKE_RUN_RC after $FAKE_RUN_SLEEP s, $FAKE_RUN_ERR on stderr), fleet copies
# $FAKE_VERDICTS to OUT/verdicts.tsv (exit $FAKE_FLEET_RC).
cat >"$T/bin/numaharness" <<'EOF'
#!/bin/bash
echo "numaharness $*" >>"$FAKE/calls"
case $1 in
healthcheck)
	[ "${FAKE_HC_RC:-0}" -eq 0 ] || { echo "$FAKE_HC_ERR" >&2; exit "$FAKE_HC_RC"; }
	printf '%b' "${FAKE_PRINT_SET:-}" ;;
run)
	echo "stdout of the run"
	sleep "${FAKE_RUN_SLEEP:-0}"
	[ -z "${FAKE_RUN_ERR:-}" ] || echo "$FAKE_RUN_ERR" >&2
	exit "${FAKE_RUN_RC:-0}" ;;
fleet)
	while [ "$1" != --out ]; do shift; done
	mkdir -p "$2"
	[ -z "${FAKE_VERDICTS:-}" ] || cp "$FAKE_VERDICTS" "$2/verdicts.tsv"
	exit "${FAKE_FLEET_RC:-0}" ;;
esac
EOF
chmod 755 "$T/bin"/*
export FAKE=$T PATH=$T/bin:$PATH
calls() { cat "$T/calls" 2>/dev/null; }
reset() { rm -rf "$T/calls" "$T/jobid" "$T/results" "$T/run"; mkdir -p "$T/results"; }

# --- nh-burnin: every bad input one line, exit 2, nothing submitted --------------------------------
node n1 IDLE+DRAIN gen3 "numaharness: old"
node n2 IDLE snc2,gen3
node n3 IDLE "(null)"
node n4 IDLE+DRAIN gen3 "admin: DIMM swap"
node n5 MIXED
node n6 DOWN+NOT_RESPONDING gen3 "Not responding"
touch "$T/nodes.conf"
bad() { # WANT-MESSAGE ARGS...
	local want=$1 rc=0
	shift
	reset
	"$slurm/nh-burnin" "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && [ "$(cat "$T/err")" = "nh-burnin: $want" ] &&
		! grep -Eq '^(sbatch|scontrol (create|update))' "$T/calls" 2>/dev/null &&
		[ -z "$(ls "$T/results")" ]
	check $? "nh-burnin $*: exit $rc, stderr '$(cat "$T/err")', expected exit 2 and 'nh-burnin: $want'"
}
R=$T/results
bad "--results DIR is required (shared storage the nodes and this host see)"
bad "--results $T/none: no such directory" --results "$T/none" n1
bad "no NODELIST (which nodes to burn in, e.g. 'n[01-16]')" --results "$R"
bad "--set 'quick': not NAME=VALUE" --results "$R" --set quick n1
bad "--set '1x=2': not NAME=VALUE" --results "$R" --set 1x=2 n1
bad "--duration '0': not a whole number of minutes" --results "$R" --duration 0 n1
bad "--scenario $T/none.lua: no such file" --results "$R" --scenario "$T/none.lua" n1
bad "--scenario 'bios check': not a scenario name" --results "$R" --scenario "bios check" n1
bad "--match $T/none.conf: not readable here" --results "$R" --match "$T/none.conf" n1
bad "unknown option '--frobnicate' (see --help)" --results "$R" --frobnicate n1
bad "one NODELIST only ('n1', then 'n2'): join them with ','" --results "$R" n1 n2
bad "--results needs a value (see --help)" n1 --results
bad "NODELIST 'n[': scontrol: error: Invalid hostlist: n[; scontrol: fatal: giving up" --results "$R" 'n['
bad "node n9: Node n9 not found" --results "$R" n9
bad "no node of 'n4' to burn in (every one left out, above)" --results "$R" n4

# --- nh-burnin: what it asks of Slurm --------------------------------------------------------------
reset
rc=0
"$slurm/nh-burnin" --results "$R" --serial --resume-passed --set quick=true --match "$T/nodes.conf" \
	--partition burn --time 30 --numaharness /opt/nh/numaharness --fleet-arg --no-charts 'n[1-6]' \
	>"$T/out" 2>"$T/err" || rc=$?
run=$(ls -d "$R"/burnin-* 2>/dev/null | head -n 1)
stamp=${run##*/burnin-}
res=nh-burnin-$stamp
[ "$rc" -eq 0 ] && [ -n "$run" ]
check $? "nh-burnin --serial: exit $rc, $(cat "$T/err")"
cat >"$T/want" <<EOF
scontrol create reservation ReservationName=$res StartTime=now Duration=240 Nodes=n1,n2,n3,n5 Users=$(id -un) Flags=maint,ignore_jobs
scontrol update NodeName=n1 State=RESUME
sbatch --parsable --reservation=$res --chdir=$run --partition=burn --time=30 --job-name=nh-burnin-n1 --exclusive --mem=0 -N1 -w n1 --output=$run/logs/n1.out $slurm/nh-burnin-node --run-dir $run --scenario bios-check --numaharness /opt/nh/numaharness --match $T/nodes.conf --set quick=true --cohort gen3
sbatch --parsable --reservation=$res --chdir=$run --partition=burn --time=30 --dependency=afterany:1 --job-name=nh-burnin-n2 --exclusive --mem=0 -N1 -w n2 --output=$run/logs/n2.out $slurm/nh-burnin-node --run-dir $run --scenario bios-check --numaharness /opt/nh/numaharness --match $T/nodes.conf --set quick=true --cohort gen3+snc2
sbatch --parsable --reservation=$res --chdir=$run --partition=burn --time=30 --dependency=afterany:2 --job-name=nh-burnin-n3 --exclusive --mem=0 -N1 -w n3 --output=$run/logs/n3.out $slurm/nh-burnin-node --run-dir $run --scenario bios-check --numaharness /opt/nh/numaharness --match $T/nodes.conf --set quick=true --cohort none
sbatch --parsable --reservation=$res --chdir=$run --partition=burn --time=30 --dependency=afterany:3 --job-name=nh-burnin-n5 --exclusive --mem=0 -N1 -w n5 --output=$run/logs/n5.out $slurm/nh-burnin-node --run-dir $run --scenario bios-check --numaharness /opt/nh/numaharness --match $T/nodes.conf --set quick=true --cohort gen3
sbatch --parsable --reservation=$res --chdir=$run --partition=burn --time=30 --dependency=afterany:1:2:3:4 --job-name=nh-burnin-judge -N1 -n1 --output=$run/logs/judge.out $slurm/nh-burnin-judge --run-dir $run --numaharness /opt/nh/numaharness --resume-passed --end-reservation $res --fleet-arg --no-charts
EOF
calls | grep -v '^scontrol show' | diff -u "$T/want" - >&2
check $? "nh-burnin --serial: the reservation, the resume and the jobs"
printf '%s\n' "nh-burnin: n4 left out: State=IDLE+DRAIN Reason=admin: DIMM swap; it will be MISSING" \
	"nh-burnin: n6 left out: State=DOWN+NOT_RESPONDING Reason=Not responding; it will be MISSING" \
	>"$T/want"
grep 'left out' "$T/out" | diff -u "$T/want" - >&2
check $? "nh-burnin should say which nodes it left out and why"
grep -qx "nh-burnin: n1 resumed into $res to be burned in again (was drained: numaharness: old)" "$T/out"
check $? "nh-burnin should say n1 was resumed: $(cat "$T/out")"
printf 'n%s\n' 1 2 3 4 5 6 | diff -u - <(grep -v '^#' "$run/planned.txt") >&2
check $? "planned.txt should list every node of the NODELIST, left out or not"
printf '%s\t%s\n' n1 1 n2 2 n3 3 n5 4 judge 5 | diff -u - "$run/jobs.txt" >&2
check $? "jobs.txt"
[ -d "$run/hosts" ] && [ -d "$run/logs" ]
check $? "the burn-in's hosts/ and logs/"

# In a reservation of one's own, all at once, a scenario file; without --resume-passed n1 stays out.
reset
printf 'x\n' >"$T/my.lua"
rc=0
"$slurm/nh-burnin" --results "$R" --reservation mine --scenario "$T/my.lua" 'n[1-3]' >"$T/out" 2>&1 ||
	rc=$?
run=$(ls -d "$R"/burnin-* 2>/dev/null | head -n 1)
cat >"$T/want" <<EOF
sbatch --parsable --reservation=mine --chdir=$run --job-name=nh-burnin-n2 --exclusive --mem=0 -N1 -w n2 --output=$run/logs/n2.out $slurm/nh-burnin-node --run-dir $run --scenario $T/my.lua --numaharness numaharness --cohort gen3+snc2
sbatch --parsable --reservation=mine --chdir=$run --job-name=nh-burnin-n3 --exclusive --mem=0 -N1 -w n3 --output=$run/logs/n3.out $slurm/nh-burnin-node --run-dir $run --scenario $T/my.lua --numaharness numaharness --cohort none
sbatch --parsable --reservation=mine --chdir=$run --dependency=afterany:1:2 --job-name=nh-burnin-judge -N1 -n1 --output=$run/logs/judge.out $slurm/nh-burnin-judge --run-dir $run --numaharness numaharness
EOF
[ "$rc" -eq 0 ] && calls | grep -v '^scontrol show' | diff -u "$T/want" - >&2
check $? "nh-burnin --reservation mine (exit $rc): no reservation made, no order, no resume"
grep -q "^nh-burnin: n1 left out: State=IDLE+DRAIN Reason=numaharness: old; it will be MISSING" "$T/out"
check $? "without --resume-passed a node numaharness drained is left out"

# sbatch fails on the third job: the two before are cancelled and the reservation deleted.
reset
rc=0
FAKE_SBATCH_FAILS_AT=3 "$slurm/nh-burnin" --results "$R" n2,n3,n5 >"$T/out" 2>"$T/err" || rc=$?
res=$(calls | sed -n 's/^scontrol create reservation ReservationName=\([^ ]*\).*/\1/p')
[ "$rc" -eq 2 ] && [ "$(cat "$T/err")" = \
	"nh-burnin: sbatch: sbatch: error: Batch job submission failed: Invalid account" ] &&
	calls | grep -qx "scancel 1 2" && calls | grep -qx "scontrol delete reservation $res"
check $? "a failed sbatch: exit $rc, '$(cat "$T/err")', then scancel 1 2 and the reservation deleted: $(calls | grep -E 'scancel|delete')"

# --wait: the judge's exit status.
reset
rc=0
FAKE_JOB_STATE=FAILED FAKE_JOB_EXIT=1:0 "$slurm/nh-burnin" --results "$R" --wait n2 >"$T/out" 2>&1 ||
	rc=$?
[ "$rc" -eq 1 ] && grep -q '^nh-burnin: judge exit status 1' "$T/out"
check $? "nh-burnin --wait should exit with the judge's status 1: exit $rc, $(cat "$T/out")"
reset
rc=0
FAKE_JOB_STATE=CANCELLED "$slurm/nh-burnin" --results "$R" --wait n2 >"$T/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q '^nh-burnin: the judge job 2 ended CANCELLED' "$T/out"
check $? "nh-burnin --wait, the judge cancelled: exit $rc, $(cat "$T/out")"

# --- nh-burnin-node --------------------------------------------------------------------------------
run=$T/run
node_job() { # EXPECTED-EXIT ARGS... (as SLURMD_NODENAME=n1)
	local want=$1 rc=0
	shift
	rm -rf "$run" "$T/calls" && mkdir -p "$run/hosts" "$run/logs"
	SLURMD_NODENAME=n1 "$slurm/nh-burnin-node" --run-dir "$run" --scenario bios-check \
		--cohort gen3 "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ]
	check $? "nh-burnin-node $*: exit $rc, expected $want; $(cat "$T/err")"
}
error_txt() { cat "$run/hosts/n1/error.txt" 2>/dev/null; }

FAKE_PRINT_SET='nodes=2\ncpus_per_node=4\n' node_job 0 --match "$T/nodes.conf" --set nodes=3 \
	--set quick=true
cat >"$T/want" <<EOF
numaharness healthcheck --match $T/nodes.conf --node n1 --print-set
numaharness run bios-check --out $run/hosts/n1 --quiet --host-id n1 --label cohort=gen3 --set nodes=3 --set cpus_per_node=4 --set quick=true
EOF
calls | diff -u "$T/want" - >&2 && [ ! -e "$run/hosts/n1/error.txt" ]
check $? "the node job: the match file's values, a --set over them, once each"
FAKE_RUN_RC=1 node_job 1
[ ! -e "$run/hosts/n1/error.txt" ]
check $? "exit 1 (a check failed) is a result, not error.txt"
FAKE_RUN_RC=3 FAKE_RUN_ERR="numaharness: run: cannot create $run/hosts/n1: Read-only file system" \
	node_job 2
[ "$(error_txt)" = "numaharness run: exit status 3: numaharness: run: cannot create $run/hosts/n1: Read-only file system" ]
check $? "exit 3: error.txt '$(error_txt)'"
FAKE_HC_RC=2 FAKE_HC_ERR="numaharness: healthcheck: $T/nodes.conf:3: unknown key 'nodez'" \
	node_job 2 --match "$T/nodes.conf"
[ "$(error_txt)" = "numaharness healthcheck --print-set: numaharness: healthcheck: $T/nodes.conf:3: unknown key 'nodez'" ] &&
	! calls | grep -q '^numaharness run'
check $? "a bad match file: error.txt '$(error_txt)', and no run"
node_job 2 --numaharness "$T/none/numaharness"
[[ $(error_txt) == "no numaharness on n1: '$T/none/numaharness' is not an executable in PATH ("* ]]
check $? "no binary: error.txt '$(error_txt)'"
# Slurm's SIGTERM (time limit, scancel) while the harness runs.
rm -rf "$run" && mkdir -p "$run/hosts" "$run/logs"
rc=0
SLURMD_NODENAME=n1 FAKE_RUN_SLEEP=30 "$slurm/nh-burnin-node" --run-dir "$run" --scenario bios-check \
	--cohort gen3 >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 50); do [ -s "$T/out" ] && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid" || rc=$?
[ "$rc" -eq 2 ] && [ "$(error_txt)" = \
	"the job was stopped by Slurm (time limit, scancel or the node going down) before numaharness ended" ]
check $? "SIGTERM: exit $rc, error.txt '$(error_txt)'"
rc=0
"$slurm/nh-burnin-node" --run-dir "$run" --scenario x --cohort y >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(cat "$T/err")" = "nh-burnin-node: no SLURMD_NODENAME: not in a Slurm job" ]
check $? "outside a job: exit $rc, '$(cat "$T/err")'"

# --- nh-burnin-judge -------------------------------------------------------------------------------
node a IDLE
node b IDLE+DRAIN gen3 "numaharness: node0 local triad -20% vs cohort"
node c IDLE+DRAIN gen3 "admin: fan"
node d IDLE
node e DRAIN gen3 "admin: reseat"
node f IDLE+DRAIN gen3 "numaharness: could not run: no numaharness"
node g IDLE
node h DOWN+NOT_RESPONDING gen3 "Not responding"
node i IDLE
judge() { # EXPECTED-EXIT VERDICTS-FILE ARGS...
	local want=$1 rc=0
	shift
	rm -rf "$T/results" "$T/calls" && mkdir -p "$T/results/burnin-x/hosts"
	run=$T/results/burnin-x
	printf '%s\n' a b c d e f g h i >"$run/planned.txt"
	FAKE_VERDICTS=$1 "$slurm/nh-burnin-judge" --run-dir "$run" "${@:2}" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ]
	check $? "nh-burnin-judge ${*:2}: exit $rc, expected $want; $(cat "$T/err")"
}
printf 'host\tverdict\tsummary\n' >"$T/verdicts"
printf '%s\t%s\t%s\n' a PASS pass b PASS pass c PASS pass \
	d FAIL "check failed: nodes = 7: 1 node != 7" e OUTLIER "node1 local triad -16% vs cohort" \
	f ERROR "could not run: no numaharness" g UNSTABLE "node0 local triad CV 0.31 over 3 runs" \
	h MISSING "no results" i FAIL "check failed: cpus_per_node = 4: 2 != 4" >>"$T/verdicts"
FAKE_UPDATE_FAILS=NodeName=i FAKE_FLEET_RC=1 judge 1 "$T/verdicts" --resume-passed \
	--end-reservation nh-burnin-x --fleet-arg --no-charts
cat >"$T/want" <<EOF
# node	verdict	action
a	PASS	none
b	PASS	resumed (was: numaharness: node0 local triad -20% vs cohort)
c	PASS	left: IDLE+DRAIN (admin: fan)
d	FAIL	drained: numaharness: check failed: nodes = 7: 1 node != 7
e	OUTLIER	left: drained by someone else (admin: reseat)
f	ERROR	none: drained already with this reason
g	UNSTABLE	not drained: its figures were too noisy to judge; rerun it
h	MISSING	not burned in: State=DOWN+NOT_RESPONDING Reason=Not responding
i	FAIL	error: scontrol update State=DRAIN Reason=numaharness: check failed: cpus_per_node = 4: 2 != 4: slurm_update error: Invalid node state specified
EOF
diff -u "$T/want" "$run/actions.txt" >&2
check $? "the judge's actions.txt"
cat >"$T/want" <<EOF
numaharness fleet $run/hosts --planned-hosts $run/planned.txt --out $run/fleet --cohort-by label:cohort --no-charts
scontrol update NodeName=b State=RESUME
scontrol update NodeName=d State=DRAIN Reason=numaharness: check failed: nodes = 7: 1 node != 7
scontrol update NodeName=i State=DRAIN Reason=numaharness: check failed: cpus_per_node = 4: 2 != 4
scontrol update ReservationName=nh-burnin-x EndTime=now
EOF
calls | grep -v '^scontrol show' | diff -u "$T/want" - >&2
check $? "the judge's calls: fleet, one resume, two drains, the reservation ended"
(cd "$T/results/nodes" && ls) | tr '\n' ' ' | grep -qx 'a.validation b.validation c.validation d.validation e.validation f.validation g.validation i.validation '
check $? "a validation record for every judged node, none for MISSING h: $(ls "$T/results/nodes" | tr '\n' ' ')"
t=$(sed -n 's/^time=//p' "$T/results/nodes/d.validation")
printf '%s\n' verdict=FAIL "time=$t" "summary=check failed: nodes = 7: 1 node != 7" \
	"results=$run/hosts/d" | diff -u - "$T/results/nodes/d.validation" >&2 &&
	[ "$t" -ge "$(($(date +%s) - 60))" ] && [ "$t" -le "$(date +%s)" ]
check $? "d's validation record"
leftover=("$T"/results/nodes/.*.validation.*)
[ ! -e "${leftover[0]}" ]
check $? "a temp file was left in nodes/: ${leftover[*]}"

printf 'host\tverdict\tsummary\na\tPASS\tpass\nb\tPASS\tpass\n' >"$T/verdicts-pass"
judge 0 "$T/verdicts-pass"
calls | grep -qx "scontrol update NodeName=b State=RESUME" &&
	check 1 "without --resume-passed the judge resumes nothing"
FAKE_FLEET_RC=2 judge 2 "" --end-reservation nh-burnin-x
[ "$(cat "$run/actions.txt")" = "# could not judge: numaharness fleet exit status 2 (see logs/judge.out)" ] &&
	[ ! -d "$T/results/nodes" ] &&
	[ "$(calls | grep -v '^scontrol show' | grep -c '^scontrol')" -eq 1 ] &&
	calls | grep -qx "scontrol update ReservationName=nh-burnin-x EndTime=now"
check $? "fleet could not judge: nothing drained, no record, the reservation still ended"

[ "$errors" -eq 0 ] || { echo "FAIL: $errors check(s) failed" >&2; exit 1; }
echo "burnin-cli: passed"
