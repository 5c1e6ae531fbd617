# Runs inside the 2-node guest (busybox sh): node 0 = CPU 0 + 640 MiB, node 1 = CPU 1 + 320 MiB,
# distance 21. Each case prints "@@case NAME", the command's output, then "@@status N";
# tests/guest/test_guest.c checks them.
S="stream size=24M ntimes=2 --json --quiet"

case_() { echo "@@case $1"; shift; "$@"; echo "@@status $?"; }

echo "@@case sysfs"
for n in /sys/devices/system/node/node[0-9]*; do
	echo "$(basename $n) cpulist=$(cat $n/cpulist) distance=$(cat $n/distance)" \
		"$(grep MemTotal $n/meminfo | awk '{print "memtotal_kb=" $4}')"
done
echo "@@status 0"
case_ topo numaharness topo --json
case_ membind-0 numaharness bench $S --membind=0
case_ membind-1 numaharness bench $S --membind=1
case_ interleave-all numaharness bench $S --interleave=all
case_ preferred-room numaharness bench $S --preferred=1
# 480 MiB does not fit in node 1's 320 MiB: preferred spills, membind must not.
case_ preferred-spill numaharness bench stream size=480M ntimes=2 threads=1 --json --quiet --preferred=1
case_ cpunode0-mem1 numaharness bench $S --cpunodebind=0 --membind=1
case_ weighted numaharness bench $S --weighted-interleave=0:3,1:1
case_ bad-node numaharness bench $S --membind=5
# The latency matrix: 2x2, every pair's pages on its memory node (values under emulation mean
# nothing; the shape and the placement do).
echo "@@case matrix-latency"
numaharness matrix latency size=16M samples=50 block=256 --reps 1 --out /tmp/matrix --quiet
echo "exit=$?"
cat /tmp/matrix/runs.jsonl
echo "@@status 0"
# The cache bound to the wrong node: table local (node 0) and remote (node 1), served from CPU 0.
X="xcache keys=65536 duration=1s --json --quiet"
case_ xcache-local numaharness bench $X --cpunodebind=0 --membind=0
case_ xcache-remote numaharness bench $X --cpunodebind=0 --membind=1
# A sweep in which the middle run cannot fit: it must be OOM-killed (or fail), and the runs
# before and after it must be recorded intact.
echo "@@case oom-sweep"
numaharness run /tests/oom.lua --out /tmp/oom --quiet >/dev/null 2>/tmp/oom.err
echo "exit=$?"
cat /tmp/oom/runs.jsonl
echo "@@status 0"
# A real cgroup v2 memory controller (this host's own are v1): the run gets a cgroup of its own
# under the default parent /sys/fs/cgroup/numaharness (the shell's /nh holds processes, so v2
# gives it no children with controllers), and the record's cgroup layer is that cgroup: its
# memory and the arrays' bytes on node 1 in memory.numa_stat.
echo "@@case cgroup-v2"
mount -t cgroup2 none /sys/fs/cgroup && echo +memory >/sys/fs/cgroup/cgroup.subtree_control &&
	mkdir -p /sys/fs/cgroup/nh && echo $$ >/sys/fs/cgroup/nh/cgroup.procs &&
	numaharness bench $S --membind=1
echo "@@status $?"
# Under v2: 96 MiB of arrays in a run whose memory.max is 48 MiB, killed inside its own cgroup.
case_ cgroup-v2-oom numaharness bench stream size=96M ntimes=2 threads=1 memory_limit=48M --json --quiet
# The run's cpuset.mems alone confines its pages to node 1, whichever CPU touches them.
case_ cgroup-v2-mems numaharness bench $S cpuset_mems=1
# Memory growing under membind=1 fills node 1 (320 MiB) while node 0 has room: the forecast
# names node 1, not the machine, and the OOM kill comes from there.
case_ grow-membind-1 numaharness bench grow pattern=ramp rate=32M duration=60s --membind=1 --json --quiet
echo "@@case cgroup-v2-gone"
ls /sys/fs/cgroup/numaharness
echo "@@status $?"
# Does membind confine the page cache of a buffered read? A RAM block device with ext4 (modules
# loaded at boot), files written, evicted (cold=1), then read back under membind to each node;
# the record's per-node residency of the files' own cached pages says what the kernel did.
echo "@@case pagecache-fs"
mkdir -p /mnt/fx && mke2fs -q /dev/ram0 2>/dev/null && mount -t ext4 /dev/ram0 /mnt/fx
echo "@@status $?"
F="filexfer dir=/mnt/fx size=48M files=1 cold=1 --json --quiet"
case_ pagecache-membind-0 numaharness bench $F --cpunodebind=0 --membind=0
case_ pagecache-membind-1 numaharness bench $F --cpunodebind=0 --membind=1
