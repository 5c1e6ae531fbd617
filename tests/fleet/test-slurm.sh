#!/bin/bash
# SPDX-License-Identifier: MIT
# The Slurm test: contrib/slurm against a real Slurm — slurmctld and six slurmd (n1..n6, one
# machine, loopback ports 18800-18899, auth/none, spool and state in a temp dir) — in two tiers.
# The burn-in, `nh-burnin --serial --wait --resume-passed --set quick=true` (each node a quick
# bios-check), with faults, and the state and reason each node must end with:
#   n1  drained "numaharness: old" before: resumed into the reservation, PASS   idle
#   n2, n3                                                                 PASS   idle
#   n4  drained by an admin: left out                                   MISSING   drained, the admin's reason
#   n5  its match-file entry says nodes=7                                  FAIL   drained "numaharness: check failed: nodes = 7: ..."
#   n6  its slurmd (so its jobs) under taskset -c 0                     OUTLIER   drained "numaharness: CPUs the runs could use 0 vs cohort ..."
# then the reservation gone and the validation records. The health tier through slurmd itself:
# HealthCheckProgram = contrib/slurm/nh-healthcheck (a wrapper sets SLURM_CONF and the match
# file), every 5 s on every node; n2's entry says nodes=7: drained "numaharness health: ...", the
# others unchanged; its entry fixed: resumed. n3 in a maintenance reservation (where nh-burnin
# measures a node) with a wrong entry: left as it is; out of it: drained; fixed: resumed. And
# `numaharness healthcheck`'s time here.
#   test-slurm.sh SOURCE_DIR BUILD_DIR [NUMAHARNESS]
# Exit 0 passed, 1 failed, 77 skipped (the reason on stdout). NH_SLURM_KEEP=1 keeps the temp
# directory (slurm.conf, logs, the burn-in's files).
set -euo pipefail
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
nh=${3:-$build/numaharness}
started=$SECONDS

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
say() { echo "slurm-test: $*"; }

# --- Can it run here at all? -------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs jobs and the health check as root)"
for tool in slurmctld slurmd; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
		skip "no $tool (.ci/bootstrap --tests installs slurmctld slurmd slurm-client)"
done
for tool in scontrol sbatch sinfo squeue scancel taskset setpriv python3; do
	command -v "$tool" >/dev/null || skip "no $tool (.ci/bootstrap --tests installs slurm-client)"
done
[ "$(nproc)" -ge 2 ] || skip "one CPU: no way to confine a node to fewer CPUs than the others have"
[ -x "$nh" ] || fail "no $nh: build first"
"$nh" healthcheck --help >/dev/null || fail "$nh has no healthcheck command"
export PATH=/usr/sbin:$PATH
one_cpu=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
all_cpus=$(python3 -c 'import os
c = sorted(os.sched_getaffinity(0)); r = []
for x in c:
    if r and r[-1][1] == x - 1: r[-1][1] = x
    else: r.append([x, x])
print(",".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in r))')
numa_nodes=$(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' | wc -l)

# Ports: a block of 8 in 18800-18899 that nothing listens on.
taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=""
for b in 18800 18810 18820 18830 18840 18850 18860 18870 18880 18890; do
	for p in $(seq "$b" $((b + 7))); do taken "$p" && continue 2; done
	base=$b
	break
done
[ -n "$base" ] || skip "no 8 free ports in 18800-18899 on 127.0.0.1"

# --- Cleanup: the jobs, every daemon, whatever they left, the temp dir ---------------------------
T=$(mktemp -d /tmp/nh-slurm-test.XXXXXX)
chmod 755 "$T"
export SLURM_CONF=$T/slurm.conf
daemon_pids=() burnin_pid=""
# What outlives its daemon (a slurmstepd once slurmd is gone, a job's processes) still holds a
# file of the temp dir open: its log, its job's output.
holding_files() {
	find /proc/[0-9]*/fd -lname "$T/*" -printf '%h\n' 2>/dev/null | cut -d/ -f3 | sort -u |
		grep -vx "$$"
}
cleanup() {
	set +e
	[ -z "$burnin_pid" ] || kill -TERM "$burnin_pid" 2>/dev/null
	if [ "${#daemon_pids[@]}" -gt 0 ]; then
		# The jobs first, while slurmctld is there to end them.
		scancel --quiet --user=root >/dev/null 2>&1
		for _ in $(seq 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
		for pid in "${daemon_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
		for _ in $(seq 50); do
			alive=0
			for pid in "${daemon_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
			[ "$alive" -eq 0 ] && break
			sleep 0.2
		done
		for pid in "${daemon_pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
		for pid in "${daemon_pids[@]}"; do wait "$pid" 2>/dev/null; done
		for pid in $(holding_files); do kill -KILL "$pid" 2>/dev/null; done
	fi
	if [ -n "${NH_SLURM_KEEP:-}" ]; then echo "slurm-test: kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- numaharness as the nodes and the health check see it ----------------------------------------
mkdir -p "$T/bin" "$T/results" "$T/log" "$T/state" "$T/spool"
ln -s "$nh" "$T/bin/numaharness"

# --- Slurm -----------------------------------------------------------------------------------------
nodes=(n1 n2 n3 n4 n5 n6)
{
	cat <<EOF
ClusterName=nhtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool/%n
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd-%n.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
EOF
	for i in "${!nodes[@]}"; do
		echo "NodeName=${nodes[$i]} NodeHostname=localhost NodeAddr=127.0.0.1" \
			"Port=$((base + 2 + i)) CPUs=$(nproc) RealMemory=1000 Features=gen3"
	done
	echo "PartitionName=burn Nodes=n[1-6] Default=YES MaxTime=INFINITE State=UP"
} >"$SLURM_CONF"

# -D: each daemon stays the process started here (its PID is the one to stop); --pdeathsig:
# should this script die unseen, they die with it.
setpriv --pdeathsig TERM slurmctld -D -f "$SLURM_CONF" >"$T/log/slurmctld.out" 2>&1 &
daemon_pids+=($!)
for node in "${nodes[@]}"; do
	pin=()
	[ "$node" != n6 ] || pin=(taskset -c "$one_cpu")
	"${pin[@]}" setpriv --pdeathsig TERM slurmd -D -f "$SLURM_CONF" -N "$node" \
		>"$T/log/slurmd-$node.out" 2>&1 &
	daemon_pids+=($!)
done
states() { sinfo -h -N -o '%N %T' 2>/dev/null | sort -u | tr '\n' ' '; }
for _ in $(seq 120); do
	[ "$(states)" = "n1 idle n2 idle n3 idle n4 idle n5 idle n6 idle " ] && break
	sleep 0.5
done
[ "$(states)" = "n1 idle n2 idle n3 idle n4 idle n5 idle n6 idle " ] || {
	tail -n 20 "$T/log/slurmctld.log" >&2
	fail "the 6 nodes did not come up idle within 60 s: $(states)"
}
say "slurmctld and 6 slurmd up on 127.0.0.1:$base-$((base + 7)) after $((SECONDS - started)) s"

# The node's state and reason as slurmctld reports them (`scontrol show node -o`), the reason
# without the " [user@time]" it adds.
node_line() { # NODE -> "State=... Reason=..."
	local line state reason=""
	line=$(scontrol show node "$1" -o)
	state=$(sed -n 's/.* State=\([^ ]*\).*/\1/p' <<<"$line")
	[[ $line != *" Reason="* ]] || reason=${line#* Reason=}
	[[ ! $reason =~ ^(.*)\ \[[^]@]*@[0-9-]{10}T[0-9:]{8}\]$ ]] || reason=${BASH_REMATCH[1]}
	echo "State=$state Reason=$reason"
}
show_states() {
	for node in "${nodes[@]}"; do printf '  %s  %s\n' "$node" "$(node_line "$node")"; done
}

# --- The burn-in -----------------------------------------------------------------------------------
scontrol update NodeName=n1 State=DRAIN "Reason=numaharness: old"
admin_reason="admin: DIMM B2 replacement pending, ticket 4711"
scontrol update NodeName=n4 State=DRAIN "Reason=$admin_reason"
# What each node should be: this machine's NUMA node count, but 7 for n5.
printf '%s\n' "# the SKU" "* nodes=$numa_nodes" "# a node whose order sheet is wrong" "n5 nodes=7" \
	>"$T/nodes.conf"
log=$build/Testing/Temporary/slurm-burnin.log
mkdir -p "$(dirname "$log")"
burnin_started=$SECONDS
# In the background and waited for: a signal to this script is then handled at once.
"$src/contrib/slurm/nh-burnin" --results "$T/results" --scenario "$src/scenarios/bios-check.lua" \
	--match "$T/nodes.conf" --set quick=true --serial --wait --resume-passed \
	--numaharness "$T/bin/numaharness" --fleet-arg --no-charts --time 10 'n[1-6]' >"$log" 2>&1 &
burnin_pid=$!
burnin_rc=0
wait "$burnin_pid" || burnin_rc=$?
burnin_pid=""
burnin_s=$((SECONDS - burnin_started))
say "nh-burnin --serial --wait exit status $burnin_rc after $burnin_s s"
run=$(find "$T/results" -maxdepth 1 -name 'burnin-*' | head -n 1)

# From here on every assertion is counted and all of them run: no set -e.
set +e
errors=0
check() { # CONDITION-STATUS MESSAGE
	if [ "$1" -ne 0 ]; then echo "FAIL: ${*:2}" >&2; errors=$((errors + 1)); fi
}
[ "$burnin_rc" -eq 1 ]
check $? "nh-burnin exited $burnin_rc, expected 1 (not every planned node passed)"
[ -n "$run" ] && [ -d "$run" ]
check $? "no burnin-* directory in $T/results"
grep -qx "nh-burnin: n4 left out: State=IDLE+DRAIN Reason=$admin_reason; it will be MISSING" "$log"
check $? "nh-burnin should say n4 is left out, with its state and reason"
grep -q '^nh-burnin: n1 resumed into nh-burnin-.* (was drained: numaharness: old)$' "$log"
check $? "nh-burnin should say n1 was resumed into its reservation"

# After the judge, the reservation ends once its job is done; its node may still be completing.
settled() {
	scontrol show reservation 2>&1 | grep -q '^No reservations' &&
		! sinfo -h -N -o '%T' | grep -Eq 'completing|draining|mixed|allocated|maint|reserved'
}
for _ in $(seq 60); do settled && break; sleep 0.5; done
scontrol show reservation 2>&1 | grep -q '^No reservations'
check $? "the reservation is still there: $(scontrol show reservation -o 2>&1)"

# The node states and reasons, exactly as slurmctld has them.
summary_of() { awk -F'\t' -v h="$1" '$1 == h { print $3 }' "$run/fleet/verdicts.tsv" 2>/dev/null; }
n6_summary=$(summary_of n6)
[[ $n6_summary == "CPUs the runs could use $one_cpu vs cohort $all_cpus"* ]]
check $? "n6's summary '$n6_summary' should start 'CPUs the runs could use $one_cpu vs cohort $all_cpus'"
cat >"$T/want-states" <<EOF
n1 State=IDLE Reason=
n2 State=IDLE Reason=
n3 State=IDLE Reason=
n4 State=IDLE+DRAIN Reason=$admin_reason
n5 State=IDLE+DRAIN Reason=numaharness: check failed: nodes = 7: $numa_nodes node$([ "$numa_nodes" -eq 1 ] || echo s) != 7
n6 State=IDLE+DRAIN Reason=numaharness: $n6_summary
EOF
for node in "${nodes[@]}"; do echo "$node $(node_line "$node")"; done >"$T/got-states"
diff -u "$T/want-states" "$T/got-states" >&2
check $? "the nodes' states and reasons after the burn-in (scontrol show node)"
# sinfo -R says the same.
sinfo -h -R -o '%N|%E' | sort >"$T/got-sinfo"
printf '%s\n' "n4|$admin_reason" "n5|$(sed -n 's/^n5 .* Reason=//p' "$T/want-states")" \
	"n6|numaharness: $n6_summary" >"$T/want-sinfo"
diff -u "$T/want-sinfo" "$T/got-sinfo" >&2
check $? "sinfo -R should list n4, n5, n6 with their reasons"

# The burn-in's files.
printf '%s\n' "${nodes[@]}" >"$T/want-planned"
grep -v '^#' "$run/planned.txt" | diff -u "$T/want-planned" - >&2
check $? "planned.txt should list n1..n6"
printf '%s\n' n1 n2 n3 n5 n6 >"$T/want-hosts"
ls "$run/hosts" | diff -u "$T/want-hosts" - >&2
check $? "hosts/ should hold n1 n2 n3 n5 n6 (n4 was left out)"
printf '%s\n' "host	verdict" "n1	PASS" "n2	PASS" "n3	PASS" "n4	MISSING" "n5	FAIL" \
	"n6	OUTLIER" >"$T/want-verdicts"
cut -f1,2 "$run/fleet/verdicts.tsv" | diff -u "$T/want-verdicts" - >&2
check $? "the fleet's verdicts (verdicts.tsv)"
python3 - "$run/hosts" "$one_cpu" "$all_cpus" <<'EOF' >&2
import json, os, sys
hosts, one, every = sys.argv[1:]
bad = 0
for h in sorted(os.listdir(hosts)):
    host = json.load(open(os.path.join(hosts, h, "manifest.json")))["host"]
    got = (host.get("id"), host.get("labels", {}).get("cohort"), host["host"]["allowed_cpus"])
    want = (h, "gen3", one if h == "n6" else every)
    if got != want:
        print(f"FAIL: {h}: host id, cohort, allowed CPUs {got}, expected {want}")
        bad += 1
sys.exit(1 if bad else 0)
EOF
check $? "each node's manifest: its id, its cohort (features), the CPUs its runs could use"
# What the judge did, a line a node.
cat >"$T/want-actions" <<EOF
# node	verdict	action
n1	PASS	none
n2	PASS	none
n3	PASS	none
n4	MISSING	not burned in: State=IDLE+DRAIN Reason=$admin_reason
n5	FAIL	drained: numaharness: $(summary_of n5)
n6	OUTLIER	drained: numaharness: $n6_summary
EOF
diff -u "$T/want-actions" "$run/actions.txt" >&2
check $? "actions.txt"
# The validation records the health check reads.
now=$(date +%s)
for node in n1 n2 n3 n5 n6; do
	rec=$T/results/nodes/$node.validation
	verdict=$(awk -F'\t' -v h="$node" '$1 == h { print $2 }' "$run/fleet/verdicts.tsv")
	t=$(sed -n 's/^time=//p' "$rec" 2>/dev/null)
	grep -qx "verdict=$verdict" "$rec" && grep -qx "summary=$(summary_of "$node")" "$rec" &&
		grep -qx "results=$run/hosts/$node" "$rec" && [ "$t" -ge "$((now - burnin_s - 5))" ] &&
		[ "$t" -le "$now" ]
	check $? "$rec: $(tr '\n' ' ' <"$rec" 2>&1)"
done
[ ! -e "$T/results/nodes/n4.validation" ]
check $? "n4 was not judged: it should have no validation record"

echo "  node  after the burn-in (scontrol show node -o)"
show_states
# What the confinement did to n6's bandwidth (the cohort has under 5 measured nodes, so the
# fleet does not judge it: the categorical fact above does), for the record.
python3 - "$run/fleet/fleet.json" <<'EOF2' || true
import json, statistics, sys
hosts = {h["name"]: h for h in json.load(open(sys.argv[1]))["hosts"]}
def triad(h):
    nodes = hosts.get(h, {}).get("nodes") or [{}]
    return (nodes[0].get("metrics", {}).get("triad") or {}).get("value")
others = [t for t in (triad(h) for h in ("n1", "n2", "n3")) if t]
if triad("n6") and others:
    m = statistics.median(others)
    print(f"  n6 node0 local triad {triad('n6'):.0f} MB/s against n1-n3's median {m:.0f} MB/s "
          f"({100 * (triad('n6') / m - 1):+.1f} %)")
EOF2
if [ "$errors" -ne 0 ]; then
	echo "----- nh-burnin output ($log) -----"; cat "$log"; echo "-----"
	cat "$run/logs/judge.out" 2>/dev/null
	fail "$errors assertion(s) failed (burn-in)"
fi
cp "$T/got-states" "$T/after-burnin"

# --- The health tier, through slurmd ---------------------------------------------------------------
# slurmd runs HealthCheckProgram with only SLURMD_NODENAME: this wrapper gives it the cluster's
# config and the match file, and logs each run (node, exit status, milliseconds).
cat >"$T/healthcheck" <<EOF
#!/bin/sh
export SLURM_CONF=$SLURM_CONF NH_HEALTH_MATCH=$T/health.conf PATH=$T/bin
t0=\$(/bin/date +%s%N)
$src/contrib/slurm/nh-healthcheck >>$T/log/health-\$SLURMD_NODENAME.out 2>&1
rc=\$?
echo "\$SLURMD_NODENAME \$rc \$(( (\$(/bin/date +%s%N) - t0) / 1000000 ))" >>$T/log/health.log
exit \$rc
EOF
chmod 755 "$T/healthcheck"
# Every node's facts and its last validation: n4 was never validated (an admin's drain: left),
# n5 and n6 failed theirs (the burn-in's drains: left, their reasons kept); n2's entry is wrong.
health_conf() { # the match file, written whole
	{
		echo "* nodes=$numa_nodes validation=$T/results/nodes validation_max_age=1d"
		[ "$1" = broken-n2 ] && echo "n2 nodes=7"
		[ "$1" = broken-n3 ] && echo "n3 nodes=7"
	} >"$T/health.conf.new"
	mv "$T/health.conf.new" "$T/health.conf"
}
health_conf broken-n2
: >"$T/log/health.log"
printf '%s\n' "HealthCheckProgram=$T/healthcheck" HealthCheckInterval=5 HealthCheckNodeState=ANY \
	>>"$SLURM_CONF"
health_started=$SECONDS
scontrol reconfigure
runs_of() { awk -v n="$1" '$1 == n' "$T/log/health.log" | wc -l; }
reaches() { # NODE WANT SECONDS: wait until the node's line is WANT; 0 when it got there in time
	for _ in $(seq "$(($3 * 2))"); do [ "$(node_line "$1")" = "$2" ] && return 0; sleep 0.5; done
	[ "$(node_line "$1")" = "$2" ]
}
# Wait (60 s at most) for n2's drain, then until every node's health check has run twice more.
n2_want="State=IDLE+DRAIN Reason=numaharness health: nodes: $numa_nodes NUMA node$([ "$numa_nodes" -eq 1 ] || echo s), expected 7"
reaches n2 "$n2_want" 60
check $? "n2: '$(node_line n2)', expected '$n2_want' within 60 s"
say "n2 drained by the health check after $((SECONDS - health_started)) s"
runs_twice_more() { # every node's check run twice more from now on (30 s at most)
	local mark ok=0
	mark=$(wc -l <"$T/log/health.log")
	for _ in $(seq 60); do
		ok=1
		for node in "${nodes[@]}"; do
			[ "$(tail -n +"$((mark + 1))" "$T/log/health.log" | awk -v n="$node" '$1 == n' | wc -l)" -ge 2 ] ||
				ok=0
		done
		[ "$ok" -eq 1 ] && break
		sleep 0.5
	done
	check $((1 - ok)) "the health check did not run twice more on every node within 30 s: $(sort "$T/log/health.log" | uniq -c | tr '\n' ' ')"
}
runs_twice_more
for node in "${nodes[@]}"; do echo "$node $(node_line "$node")"; done >"$T/got-states"
sed "s/^n2 .*/n2 $n2_want/" "$T/after-burnin" | diff -u - "$T/got-states" >&2
check $? "the health check should drain n2 alone and leave every other node as the burn-in left it"
echo "  node  with n2's entry saying nodes=7 (health check every 5 s), and what the check said"
for node in "${nodes[@]}"; do
	printf '  %s  %s  [%s]\n' "$node" "$(node_line "$node")" \
		"$(tail -n 1 "$T/log/health-$node.out" 2>/dev/null || true)"
done

health_conf fixed
fixed_at=$SECONDS
reaches n2 "State=IDLE Reason=" 60
check $? "n2 should be resumed once its entry is fixed: $(node_line n2)"
say "n2 resumed by the health check $((SECONDS - fixed_at)) s after its entry was fixed"
for node in "${nodes[@]}"; do echo "$node $(node_line "$node")"; done >"$T/got-states"
diff -u "$T/after-burnin" "$T/got-states" >&2
check $? "after n2 is resumed every node should be as the burn-in left it"
awk '$2 >= 2 { bad = 1 } END { exit bad }' "$T/log/health.log"
check $? "a health check run exited 2 (bad input): $(grep -h . "$T"/log/health-*.out | sort -u | head -n 3)"

# A node in a maintenance reservation (where nh-burnin resumes a node to measure it) is left as
# it is however its check comes out; out of the reservation, the same mismatch drains it.
scontrol create reservation ReservationName=nh-maint-test StartTime=now Duration=10 Nodes=n3 \
	Users=root Flags=maint,ignore_jobs >/dev/null
health_conf broken-n3
runs_twice_more
n3_want="State=IDLE+DRAIN Reason=numaharness health: nodes: $numa_nodes NUMA node$([ "$numa_nodes" -eq 1 ] || echo s), expected 7"
[ "$(node_line n3)" = "State=IDLE+MAINTENANCE+RESERVED Reason=" ] &&
	grep -q 'expected 7' "$T/log/health-n3.out"
check $? "n3 in a maintenance reservation, its entry wrong: '$(node_line n3)', expected it left as it is (its check: $(tail -n 1 "$T/log/health-n3.out" 2>&1))"
say "n3, in a maintenance reservation with a wrong entry, left: $(node_line n3)"
scontrol delete ReservationName=nh-maint-test
reaches n3 "$n3_want" 30
check $? "n3 out of the reservation: '$(node_line n3)', expected '$n3_want'"
health_conf fixed
reaches n3 "State=IDLE Reason=" 30
check $? "n3 should be resumed once its entry is fixed: $(node_line n3)"
say "n3 drained once out of the reservation, resumed when fixed"

# --- The health check's time -------------------------------------------------------------------
# As slurmd ran it (the wrapper, nh-healthcheck, scontrol show node), and the check alone.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
slurmd_ms=$(awk '{ print $3 }' "$T/log/health.log" | median)
runs=$(wc -l <"$T/log/health.log")
alone=()
for _ in $(seq 9); do
	t0=$(date +%s%N)
	NH_HEALTH_MATCH=$T/health.conf "$T/bin/numaharness" healthcheck --node n3 --quiet >/dev/null
	alone+=($((($(date +%s%N) - t0) / 1000)))
done
alone_us=$(printf '%s\n' "${alone[@]}" | median)
say "health check time: median ${slurmd_ms} ms over $runs runs by slurmd (with scontrol show node);" \
	"numaharness healthcheck alone: median ${alone_us} us of 9"
[ "$runs" -gt 0 ] && [ "$slurmd_ms" -lt 60000 ]
check $? "no health check run by slurmd finished"

if [ "$errors" -ne 0 ]; then
	echo "----- health check log -----"; cat "$T/log/health.log"; grep -h . "$T"/log/health-*.out
	fail "$errors assertion(s) failed (health tier)"
fi
say "passed in $((SECONDS - started)) s (burn-in $burnin_s s)"
