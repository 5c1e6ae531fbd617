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

local quick = param("quick", false,
  "small working sets, one repetition: a smoke test in seconds (figures are rough)")
local nodes = param("nodes", 0, "expected NUMA node count (0: not checked, only listed)")
local cpus_per_node = param("cpus_per_node", 0,
  "expected CPUs of every node that has CPUs (0: not checked, only listed)")
local node_memory = param("node_memory", "",
  "least MemTotal of every node, e.g. 180G: set it a little under the installed memory per "
  .. "node (firmware and kernel keep some) — empty: not checked, only listed")
local distance_min = param("distance_min", 11, "least remote SLIT distance (10 means local)")
local distance_max = param("distance_max", 254, "largest remote SLIT distance (255: unreachable)")
local remote_local_ratio = param("remote_local_ratio", 1.3,
  "least remote/local idle latency ratio (about 1.1 between sub-NUMA clusters of one socket; "
  .. "0: no lower bound)")
local remote_local_ratio_max = param("remote_local_ratio_max", 0.0,
  "largest remote/local latency ratio (0: no upper bound; both 0: not checked)")
local bandwidth_balance = param("bandwidth_balance", 0.8,
  "every node's local STREAM triad within [b, 1/b] of the first node's (0: not checked)")
local latency_balance = param("latency_balance", 0.8,
  "every node's local idle latency within [b, 1/b] of the first node's (0: not checked)")
local triad_min = param("triad_min", 0.0,
  "least local STREAM triad of every node, MB/s (0: not checked)")
local placement = param("placement", 0.99, "least fraction of pages where the policy says")
local numa_miss_max = param("numa_miss_max", 0.15, "largest numa_miss ratio of any run")
local strict = param("strict", false, "checks that cannot be evaluated fail the gate")
local chase_size = param("chase_size", "",
  "chase working set (empty: 4x the last-level cache, at least 256M; quick: 256M)")
local stream_size = param("stream_size", "",
  "STREAM arrays, total (empty: auto, each array 4x the last-level cache; quick: 64M)")

for name, b in pairs({ bandwidth_balance = bandwidth_balance, latency_balance = latency_balance }) do
  if b < 0 or b > 1 then error(string.format("%s must be in [0, 1], got %s", name, b)) end
end

-- Latency beyond every cache (as scenarios/matrix.lua and `matrix latency` measure it).
if chase_size == "" then
  chase_size = quick and "256M" or string.format("%d", math.max(4 * topo.llc_bytes, 256 << 20))
end
if stream_size == "" then stream_size = quick and "64M" or "auto" end

local cpu_nodes = {}
for _, n in ipairs(topo.nodes) do
  if #n.cpus > 0 then cpu_nodes[#cpu_nodes + 1] = n.id end
end
local function pair(a, b) return string.format("cpunodebind=%d membind=%d", a, b) end

-- Scenario entries, collected so the expectations below can depend on the parameters.
local entries = {
  -- Idle latency from every CPU node to every memory node: the MLC-style matrix.
  run {
    workload = "chase",
    params = { size = chase_size, samples = quick and 200 or 2000 },
    policies = policies.node_pairs(topo, "cpunodebind=%d membind=%d"),
  },
  -- STREAM under every basic policy: local bandwidth per node (cpunodebind=N membind=N),
  -- interleave=all, the remote pairs, and the placement of default, localalloc, membind and
  -- preferred on every node.
  run {
    workload = "stream",
    params = { size = stream_size, threads = "all", ntimes = quick and 3 or 10 },
    policies = policies.sweep(topo),
  },
}
local function add(e) entries[#entries + 1] = e end

-- The shape of the machine (the manifest's host facts).
if nodes > 0 then
  add(expect { nodes = nodes })
else
  add(expect { nodes = "report", name = "nodes (not checked: --set nodes=N)" })
end
if cpus_per_node > 0 then
  add(expect { cpus_per_node = cpus_per_node })
else
  add(expect { cpus_per_node = "report",
               name = "CPUs per node (not checked: --set cpus_per_node=N)" })
end
if node_memory ~= "" then
  add(expect { node_memory = { min = node_memory } })
else
  add(expect { node_memory = "report",
               name = "memory per node (not checked: --set node_memory=SIZE)" })
end
add(expect { distance = { min = distance_min, max = distance_max } })

-- Remote memory must be slower than local, or the nodes are not what they seem. Not
-- applicable on one node (nothing remote), which is not a pass.
if remote_local_ratio > 0 or remote_local_ratio_max > 0 then
  add(expect { remote_local_latency_ratio = {
    min = remote_local_ratio > 0 and remote_local_ratio or nil,
    max = remote_local_ratio_max > 0 and remote_local_ratio_max or nil,
  } })
end

-- Nodes alike: every node's local bandwidth and latency close to the first node's (a missing
-- DIMM costs a channel's bandwidth; slower DIMMs on one socket cost latency).
for i = 2, #cpu_nodes do
  local n, first = cpu_nodes[i], cpu_nodes[1]
  if bandwidth_balance > 0 then
    add(expect {
      name = string.format("local triad balance: node %d / node %d", n, first),
      metric = "triad",
      ratio = { of = pair(n, n), to = pair(first, first),
                min = bandwidth_balance, max = 1 / bandwidth_balance },
    })
  end
  if latency_balance > 0 then
    add(expect {
      name = string.format("local latency balance: node %d / node %d", n, first),
      metric = "ns_per_load",
      ratio = { of = pair(n, n), to = pair(first, first),
                min = latency_balance, max = 1 / latency_balance },
    })
  end
end
if triad_min > 0 then
  for _, n in ipairs(cpu_nodes) do
    add(expect { workload = "stream", policy = pair(n, n), metric = "triad", min = triad_min })
  end
end

-- Every policy honoured: pages where it says, and the kernel's own miss counter low.
add(expect { placement = placement })
add(expect { numa_miss_ratio = { max = numa_miss_max } })

local s = {
  name = "bios-check",
  description = "host NUMA validation: topology, latency matrix, STREAM per node and "
             .. "interleaved, placement per policy",
  reps = quick and 1 or 3,
  warmup = quick and 0 or 1,
  timeout = quick and "2m" or "10m",
  unevaluated = strict and "fail" or "pass",
}
for i, e in ipairs(entries) do s[i] = e end
return scenario(s)
