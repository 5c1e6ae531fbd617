# Runs inside the 2-node guest (busybox sh): node 0 = CPU 0 + 640 MiB, node 1 = CPU 1 + 320 MiB.
# The operators' checks: `numaharness inspect` on processes with known placement (nh-standin, a
# qemu-shaped helper, started under numactl as libvirt would start qemu), the libvirt domain
# fixtures of /tests/numatune, and the operator scenarios. Each case prints "@@case NAME", the
# command's output, then "@@status N"; tests/guest/test_guest_ops.c checks them.

# A stand-in that never got ready says so inside the case that uses it, where the test shows it.
case_() { echo "@@case $1"; shift; [ -n "$notready" ] && echo "$notready"; "$@"; echo "@@status $?"; }

# start CMD...: run a stand-in in the background, wait for its "ready" line; $pid is its pid.
# Touching a few hundred MiB under emulation on a loaded host can take well over 10 s: wait 2 min.
start() {
	notready=
	"$@" >/tmp/standin.out 2>&1 &
	pid=$!
	for i in $(seq 1200); do
		grep -q '^ready' /tmp/standin.out && return 0
		usleep 100000
	done
	notready="stand-in not ready after 120 s: $* ($(tr '\n' ' ' </tmp/standin.out))"
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; true; }

# --- a process bound to node 1: must pass membind=1 and fail membind=0 ---
# Its iothread (on CPU 1) starts a "worker" thread, as qemu's thread pool does: that one runs on
# the iothread's CPU, not the emulator's, and must not fail emulatorpin.
start numactl --membind=1 nh-standin --vcpus 2 --vcpu-pin 0:1 --vcpu-pin 1:1 --emulator-pin 0 \
	--iothread 1:1 --ram 48M
case_ inspect-membind-1 numaharness inspect "$pid" --expect membind=1
case_ inspect-membind-0 numaharness inspect "$pid" --expect membind=0
case_ inspect-json numaharness inspect "$pid" --expect membind=1 --json
for f in strict-node1 strict-node0 vcpupin-wrong emulatorpin-wrong placement-auto missing-node \
	restrictive-node1 malformed; do
	case_ "lv-A-$f" numaharness inspect "$pid" --libvirt-xml "/tests/numatune/$f.xml"
done
# Drift: the pages are moved to node 0 behind the process's back while it is watched.
echo "@@case watch-migrate"
numaharness inspect "$pid" --expect membind=1 --watch 1s --count 4 --json >/tmp/watch.json &
w=$!
usleep 1500000
migratepages "$pid" 1 0
wait "$w"
echo "watch-exit=$?"
cat /tmp/watch.json
echo "@@status 0"
stop
case_ inspect-gone numaharness inspect "$pid"

start numactl --preferred=1 nh-standin --ram 48M
case_ lv-B-preferred-node1 numaharness inspect "$pid" --libvirt-xml /tests/numatune/preferred-node1.xml
stop
# What current libvirt and qemu really ask for <memory mode='preferred'>: MPOL_PREFERRED_MANY.
start numactl --preferred-many=1 nh-standin --ram 48M
case_ lv-B-preferred-many-node1 numaharness inspect "$pid" --libvirt-xml /tests/numatune/preferred-node1.xml
stop

start numactl --interleave=0,1 nh-standin --ram 64M
case_ lv-C-interleave-all numaharness inspect "$pid" --libvirt-xml /tests/numatune/interleave-all.xml
case_ lv-C-strict-node1 numaharness inspect "$pid" --libvirt-xml /tests/numatune/strict-node1.xml
case_ inspect-interleave numaharness inspect "$pid" --expect interleave=0,1
stop

# Guest cells as memory backends, each mbind()ed to its node, vCPU 0 real-time.
start nh-standin --vcpus 2 --vcpu-pin 0:0 --vcpu-pin 1:1 --sched 0:fifo:10 --cell 96M:bind:0 --cell 48M:bind:1
for f in memnodes memnodes-swapped vcpusched-wrong; do
	case_ "lv-D-$f" numaharness inspect "$pid" --libvirt-xml "/tests/numatune/$f.xml"
done
stop

# Two cells of the same size: which mapping is which cell only placement can tell.
start nh-standin --cell 48M:bind:1 --cell 48M:bind:0
case_ lv-E-memnodes-same-size numaharness inspect "$pid" --libvirt-xml /tests/numatune/memnodes-same-size.xml
stop

# restrictive = the cgroup's cpuset.mems alone: a cgroup v2 cpuset confining the process to node 1.
mount -t cgroup2 none /sys/fs/cgroup && echo +cpuset >/sys/fs/cgroup/cgroup.subtree_control &&
	mkdir -p /sys/fs/cgroup/vm && echo 0-1 >/sys/fs/cgroup/vm/cpuset.cpus &&
	echo 1 >/sys/fs/cgroup/vm/cpuset.mems
start sh -c 'echo $$ >/sys/fs/cgroup/vm/cgroup.procs && exec nh-standin --ram 48M'
case_ lv-F-restrictive-node1 numaharness inspect "$pid" --libvirt-xml /tests/numatune/restrictive-node1.xml
case_ inspect-cpuset numaharness inspect "$pid" --expect membind=1 --json
stop

# The operator scenario for a VM, run inside this one: the virtual nodes as the "domain" declares
# them (2 cells, 1 vCPU each, 640/320 MiB of which MemTotal shows 270-630 MiB: min 200M,
# distance 21), every policy's placement and the
# numa_miss rule. Emulated timings mean nothing, so the latency ratio and balance checks are off.
NT="--set quick=true --set chase_size=16M --set stream_size=24M --set remote_local_ratio=0
	--set bandwidth_balance=0 --set latency_balance=0 --set cpus_per_node=1 --set node_memory=200M
	--set distance_min=21 --set distance_max=21 --quiet"
echo "@@case numatune-check"
numaharness run /scenarios/numatune-check.lua $NT --set nodes=2 --out /tmp/nt >/dev/null 2>/tmp/nt.err
echo "exit=$?"
cat /tmp/nt.err /tmp/nt/checks.json
echo "@@status 0"
echo "@@case numatune-check-wrong"
numaharness run /scenarios/numatune-check.lua $NT --set nodes=3 --out /tmp/nt3 >/dev/null 2>/tmp/nt3.err
echo "exit=$?"
cat /tmp/nt3.err /tmp/nt3/checks.json
echo "@@status 0"
