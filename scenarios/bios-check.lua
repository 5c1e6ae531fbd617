-- bios-check: "is this host set up the way we meant?" — run on a freshly configured machine,
-- passing what you EXPECT from its order sheet and BIOS settings:
--
--   numaharness run scenarios/bios-check.lua --set nodes=2 --set cpus_per_node=32 \
--       --set node_memory=180G
--
-- and read the PASS/FAIL table: exit status 1 when the host is not what you said, checks.xml
-- (JUnit) for CI, report.md for the evidence. `--set quick=true` is a smoke test in seconds.
--
-- How BIOS settings show up here:
-- * Node interleaving ON (memory striped across the sockets, no NUMA tables from the firmware;
--   AMD's NPS0 does the same): a multi-socket machine shows ONE node holding every CPU. `nodes`
--   fails ("1 node ≠ 2"), and the latency ratio is not applicable — there is no remote memory.
-- * Sub-NUMA clustering ON (Intel SNC2/SNC4, AMD NPS2/NPS4): every socket shows 2 or 4 nodes.
--   `nodes` counts them; `cpus_per_node` and `node_memory` shrink to a cluster's share; SLIT
--   distances inside a socket are small (11-12); the remote/local latency ratio drops, because
--   a neighbouring cluster of the same socket is only about 1.1x as far as the local one (the
--   other socket stays 1.5-2x). Expect a lower remote_local_ratio with SNC/NPS on.
-- * Both off (the usual NUMA setup): one node per socket, remote/local latency about 1.3-2 on
--   two-socket servers. A ratio of about 1 with several nodes means the nodes have no separate
--   memory behind them.
-- * A missing or failed DIMM, or an unbalanced population: that node's memory (node_memory) and
--   its local STREAM bandwidth (bandwidth_balance) fall behind the other nodes'.
--
-- Parameters left at their "not checked" defaults still put the host's figures into the checks
-- (status not evaluated, with the evidence), so a first run tells you what to pass. With
-- `--set strict=true`, every check that cannot be evaluated fails the gate instead.
-- The guest side of the same question is scenarios/numatune-check.lua; what the host did with
-- a VM's memory is `numaharness inspect`'s job.

local p = { -- the parameters: --set NAME=VALUE
  quick = param("quick", false,
    "small working sets, one repetition: a smoke test in seconds (figures are rough)"),
  nodes = param("nodes", 0, "expected NUMA node count (0: not checked, only listed)"),
  cpus_per_node = param("cpus_per_node", 0,
    "expected CPUs of every node that has CPUs (0: not checked, only listed)"),
  node_memory = param("node_memory", "",
    "least MemTotal of every node, e.g. 180G: set it a little under the installed memory per "
    .. "node (firmware and kernel keep some) — empty: not checked, only listed"),
  distance_min = param("distance_min", 11, "least remote SLIT distance (10 means local)"),
  distance_max = param("distance_max", 254, "largest remote SLIT distance (255: unreachable)"),
  remote_local_ratio = param("remote_local_ratio", 1.3,
    "least remote/local idle latency ratio (about 1.1 between sub-NUMA clusters of one socket; "
    .. "0: no lower bound)"),
  remote_local_ratio_max = param("remote_local_ratio_max", 0.0,
    "largest remote/local latency ratio (0: no upper bound; both 0: not checked)"),
  bandwidth_balance = param("bandwidth_balance", 0.8,
    "every node's local STREAM triad within [b, 1/b] of the first node's (0: not checked)"),
  latency_balance = param("latency_balance", 0.8,
    "every node's local idle latency within [b, 1/b] of the first node's (0: not checked)"),
  triad_min = param("triad_min", 0.0,
    "least local STREAM triad of every node, MB/s (0: not checked)"),
  placement = param("placement", 0.99, "least fraction of pages where the policy says"),
  numa_miss_max = param("numa_miss_max", 0.15, "largest numa_miss ratio of any run"),
  strict = param("strict", false, "checks that cannot be evaluated fail the gate"),
  chase_size = param("chase_size", "",
    "chase working set (empty: 4x the last-level cache, at least 256M; quick: 256M)"),
  stream_size = param("stream_size", "",
    "STREAM arrays, total (empty: auto, each array 4x the last-level cache; quick: 64M)"),
}

-- lua/nh/operator.lua builds the runs and the checks from the parameters above (p), as it
-- does for numatune-check. The runs:
-- * idle latency from every CPU node to every memory node, the MLC-style matrix, beyond every
--   cache (as scenarios/matrix.lua and `matrix latency` measure it);
-- * STREAM under every basic policy: local bandwidth per node (cpunodebind=N membind=N),
--   interleave=all, the remote pairs, and the placement of default, localalloc, membind and
--   preferred on every node.
-- The checks, in this order:
-- * the shape of the machine (the manifest's host facts): nodes, CPUs and memory per node, and
--   the SLIT distances;
-- * remote memory slower than local, or the nodes are not what they seem. Not applicable on one
--   node (nothing remote), which is not a pass;
-- * nodes alike: every node's local bandwidth and latency close to the first node's (a missing
--   DIMM costs a channel's bandwidth; slower DIMMs on one socket cost latency), and each node's
--   local triad at least triad_min;
-- * every policy honoured: pages where it says, and the kernel's own miss counter low.
-- The words the checks use for the parts of a host ("CPUs per node (not checked: --set
-- cpus_per_node=N)", "local triad balance: node 1 / node 0"):
local checks = operator.expect { nodes = "nodes", cpus_per_node = "CPUs per node",
                                 node_memory = "memory per node", node = "node",
                                 params = p, topo = topo }

return scenario(operator.scenario {
  name = "bios-check",
  description = "host NUMA validation: topology, latency matrix, STREAM per node and "
             .. "interleaved, placement per policy",
  checks = checks,
  params = p,
  topo = topo,
})
