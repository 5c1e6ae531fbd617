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

local quick = param("quick", false,
  "small working sets, one repetition: a smoke test in seconds (figures are rough)")
local nodes = param("nodes", 0, "expected virtual nodes: the XML's <cell> count (0: not checked)")
local cpus_per_node = param("cpus_per_node", 0,
  "expected vCPUs of every cell that has vCPUs (0: not checked, only listed)")
local node_memory = param("node_memory", "",
  "least MemTotal of every virtual node, e.g. 7G for 8 GiB cells (empty: not checked)")
local distance_min = param("distance_min", 11,
  "least remote distance: the XML's <sibling value> (20 when the XML gives none)")
local distance_max = param("distance_max", 254, "largest remote distance")
local remote_local_ratio = param("remote_local_ratio", 1.3,
  "least remote/local idle latency ratio between cells (0: no lower bound)")
local remote_local_ratio_max = param("remote_local_ratio_max", 0.0,
  "largest remote/local latency ratio (0: no upper bound; both 0: not checked)")
local bandwidth_balance = param("bandwidth_balance", 0.8,
  "every cell's local STREAM triad within [b, 1/b] of the first cell's (0: not checked)")
local latency_balance = param("latency_balance", 0.8,
  "every cell's local idle latency within [b, 1/b] of the first cell's (0: not checked)")
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
if chase_size == "" then
  chase_size = quick and "256M" or string.format("%d", math.max(4 * topo.llc_bytes, 256 << 20))
end
if stream_size == "" then stream_size = quick and "64M" or "auto" end

local cpu_nodes = {}
for _, n in ipairs(topo.nodes) do
  if #n.cpus > 0 then cpu_nodes[#cpu_nodes + 1] = n.id end
end
local function pair(a, b) return string.format("cpunodebind=%d membind=%d", a, b) end

local entries = {
  -- Idle latency for every (vCPU cell, memory cell) pair.
  run {
    workload = "chase",
    params = { size = chase_size, samples = quick and 200 or 2000 },
    policies = policies.node_pairs(topo, "cpunodebind=%d membind=%d"),
  },
  -- STREAM for every cell pair, interleave=all, and every basic policy's placement.
  run {
    workload = "stream",
    params = { size = stream_size, threads = "all", ntimes = quick and 3 or 10 },
    policies = policies.sweep(topo),
  },
}
local function add(e) entries[#entries + 1] = e end

-- The guest's view of its <cpu><numa> cells.
if nodes > 0 then
  add(expect { nodes = nodes })
else
  add(expect { nodes = "report", name = "virtual nodes (not checked: --set nodes=N)" })
end
if cpus_per_node > 0 then
  add(expect { cpus_per_node = cpus_per_node })
else
  add(expect { cpus_per_node = "report",
               name = "vCPUs per node (not checked: --set cpus_per_node=N)" })
end
if node_memory ~= "" then
  add(expect { node_memory = { min = node_memory } })
else
  add(expect { node_memory = "report",
               name = "memory per virtual node (not checked: --set node_memory=SIZE)" })
end
add(expect { distance = { min = distance_min, max = distance_max } })

-- The host placement, as far as the guest can tell: remote cells slower than local ones, and
-- every cell's local memory as fast as the first cell's.
if remote_local_ratio > 0 or remote_local_ratio_max > 0 then
  add(expect { remote_local_latency_ratio = {
    min = remote_local_ratio > 0 and remote_local_ratio or nil,
    max = remote_local_ratio_max > 0 and remote_local_ratio_max or nil,
  } })
end
for i = 2, #cpu_nodes do
  local n, first = cpu_nodes[i], cpu_nodes[1]
  if bandwidth_balance > 0 then
    add(expect {
      name = string.format("local triad balance: cell %d / cell %d", n, first),
      metric = "triad",
      ratio = { of = pair(n, n), to = pair(first, first),
                min = bandwidth_balance, max = 1 / bandwidth_balance },
    })
  end
  if latency_balance > 0 then
    add(expect {
      name = string.format("local latency balance: cell %d / cell %d", n, first),
      metric = "ns_per_load",
      ratio = { of = pair(n, n), to = pair(first, first),
                min = latency_balance, max = 1 / latency_balance },
    })
  end
end

-- The guest kernel honours every policy inside its own memory.
add(expect { placement = placement })
add(expect { numa_miss_ratio = { max = numa_miss_max } })

local s = {
  name = "numatune-check",
  description = "guest NUMA validation: virtual nodes against the domain XML, latency and "
             .. "bandwidth per virtual node pair, placement per policy",
  reps = quick and 1 or 3,
  warmup = quick and 0 or 1,
  timeout = quick and "2m" or "10m",
  unevaluated = strict and "fail" or "pass",
}
for i, e in ipairs(entries) do s[i] = e end
return scenario(s)
