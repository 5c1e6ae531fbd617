-- numatune-check: "is this VM set up the way its domain XML says?" — run INSIDE the guest,
-- passing what the XML declares:
--
--   numaharness run scenarios/numatune-check.lua --set nodes=2 --set cpus_per_node=4 \
--       --set node_memory=7G --set distance_min=21 --set distance_max=21
--
-- for a domain whose <cpu><numa> has two cells of 4 vCPUs and 8 GiB each, <distances> 21
-- between them, and <numatune> binding each cell (<memnode cellid=...>) to its own host node,
-- with the vCPUs of each cell pinned (<vcpupin>) to that host node's CPUs.
--
-- What the guest can see, and so what this checks:
-- * its virtual nodes, the vCPUs and MemTotal of each: the <cell> elements (nodes,
--   cpus_per_node, node_memory);
-- * the SLIT distances qemu builds from <distances> (without them, no SLIT: the kernel's 10
--   local, 20 remote): a declaration copied into ACPI, not a measurement (distance_min /
--   distance_max);
-- * whether its own kernel honours every policy inside guest memory (placement, numa_miss);
-- * latency and bandwidth for every virtual node pair — the guest's only, indirect, view of
--   where the host put things. Cells on different host nodes with pinned vCPUs give a
--   remote/local latency ratio like the host's (1.3-2); about 1 means the cells share one host
--   node, the host interleaved them, or the vCPUs float across host nodes (no <vcpupin>), so
--   "local" is not local. A cell whose memory sits on another host node than its vCPUs shows up
--   as an unbalanced local latency or bandwidth (latency_balance, bandwidth_balance).
--   A domain that puts every cell on one host node on purpose: --set remote_local_ratio=0.
--
-- What the guest cannot see: which host node backs each cell (<memnode>), whether the vCPUs
-- are pinned, hugepage backing, or what the host's automatic NUMA balancing moved. Check those
-- from the host, against the same domain XML, with `numaharness inspect --libvirt-xml`.
--
-- Per-node MemTotal in a guest undercounts more than on bare metal: the balloon, memory the
-- guest kernel initialises or accepts lazily after boot (it grows for a while), and what
-- firmware keeps. Set node_memory some 10% under the cell's memory. VMs seldom expose a PMU:
-- counters are recorded as unavailable, which fails nothing here.

local p = { -- the parameters: --set NAME=VALUE
  quick = param("quick", false,
    "small working sets, one repetition: a smoke test in seconds (figures are rough)"),
  nodes = param("nodes", 0, "expected virtual nodes: the XML's <cell> count (0: not checked)"),
  cpus_per_node = param("cpus_per_node", 0,
    "expected vCPUs of every cell that has vCPUs (0: not checked, only listed)"),
  node_memory = param("node_memory", "",
    "least MemTotal of every virtual node, e.g. 7G for 8 GiB cells (empty: not checked)"),
  distance_min = param("distance_min", 11,
    "least remote distance: the XML's <sibling value> (20 when the XML gives none)"),
  distance_max = param("distance_max", 254, "largest remote distance"),
  remote_local_ratio = param("remote_local_ratio", 1.3,
    "least remote/local idle latency ratio between cells (0: no lower bound)"),
  remote_local_ratio_max = param("remote_local_ratio_max", 0.0,
    "largest remote/local latency ratio (0: no upper bound; both 0: not checked)"),
  bandwidth_balance = param("bandwidth_balance", 0.8,
    "every cell's local STREAM triad within [b, 1/b] of the first cell's (0: not checked)"),
  latency_balance = param("latency_balance", 0.8,
    "every cell's local idle latency within [b, 1/b] of the first cell's (0: not checked)"),
  placement = param("placement", 0.99, "least fraction of pages where the policy says"),
  numa_miss_max = param("numa_miss_max", 0.15, "largest numa_miss ratio of any run"),
  strict = param("strict", false, "checks that cannot be evaluated fail the gate"),
  chase_size = param("chase_size", "",
    "chase working set (empty: 4x the last-level cache, at least 256M; quick: 256M)"),
  stream_size = param("stream_size", "",
    "STREAM arrays, total (empty: auto, each array 4x the last-level cache; quick: 64M)"),
}

-- lua/nh/operator.lua builds the runs and the checks from the parameters above (p), as it
-- does for bios-check. The runs:
-- * idle latency for every (vCPU cell, memory cell) pair;
-- * STREAM for every cell pair, interleave=all, and every basic policy's placement.
-- The checks, in this order:
-- * the guest's view of its <cpu><numa> cells: virtual nodes, vCPUs and memory of each, and
--   the distances;
-- * the host placement, as far as the guest can tell: remote cells slower than local ones, and
--   every cell's local memory as fast as the first cell's;
-- * the guest kernel honours every policy inside its own memory.
-- The words the checks use for the parts of a guest ("vCPUs per node (not checked: --set
-- cpus_per_node=N)", "local triad balance: cell 1 / cell 0"):
local checks = operator.expect { nodes = "virtual nodes", cpus_per_node = "vCPUs per node",
                                 node_memory = "memory per virtual node", node = "cell",
                                 params = p, topo = topo }

return scenario(operator.scenario {
  name = "numatune-check",
  description = "guest NUMA validation: virtual nodes against the domain XML, latency and "
             .. "bandwidth per virtual node pair, placement per policy",
  checks = checks,
  params = p,
  topo = topo,
})
