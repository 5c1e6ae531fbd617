# Runs inside the 4-node guest (busybox sh, Linux 6.12): nodes 0-3, one CPU and 256 MiB each,
# distances 10/16/22/28 along a chain. Output format as in cases-2node.sh.
S="stream size=24M ntimes=2 --json --quiet"

case_() { echo "@@case $1"; shift; "$@"; echo "@@status $?"; }

echo "@@case sysfs"
for n in /sys/devices/system/node/node[0-9]*; do
	echo "$(basename $n) cpulist=$(cat $n/cpulist) distance=$(cat $n/distance)" \
		"$(grep MemTotal $n/meminfo | awk '{print "memtotal_kb=" $4}')"
done
echo "@@status 0"
case_ topo numaharness topo --json
for n in 0 1 2 3; do
	case_ membind-$n numaharness bench $S --membind=$n
done
case_ interleave-all numaharness bench $S --interleave=all
case_ interleave-1,3 numaharness bench $S --interleave=1,3
case_ weighted numaharness bench $S --weighted-interleave=0:3,1:1
case_ cpunode3-mem0 numaharness bench $S --cpunodebind=3 --membind=0
case_ bad-node numaharness bench $S --membind=4
