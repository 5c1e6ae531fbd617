-- bios-check: "is this host set up the way we meant?" — run on a freshly configured machine,
-- passing what you EXPECT from its order sheet and BIOS settings:
--
--   numaharness run scenarios/bios-check.lua --set nodes=2 --set cpus_per_node=32 \
--       --set node_memory=180G
--
-- and read the PASS/FAIL table: exit status 1 when the host is not what you said, checks.xml
-- (JUnit) for CI, report.md for the evidence. `--set quick=true` is a smoke test in seconds.
--
-- It fails fast: the host's shape (nodes, cpus_per_node, node_memory, the SLIT distances) is
-- checked from the manifest before the first run, and a host that is not what you passed exits
-- 1 in seconds with the FAIL (manifest status "stopped: host checks failed"; the run-based
-- checks not evaluated, "not run"), without running the latency matrix or the STREAM sweep.
-- `--keep-going` runs them anyway, for the evidence of what the host does as it is set up.
--
-- And it re-measures before it blames a node: after the sweep, the node with the lowest median
-- local STREAM triad (cpunodebind=N membind=N) is run again, remeasure_reps more times with the
-- sweep's own parameters (tag "remeasure-nN"), and the check "slowest node's local triad,
-- re-measured" says whether its deficit is confirmed (the re-measured median still below
-- bandwidth_balance x the best node's median: fail) or was noise (pass). On one node there is
-- nothing to compare with: not evaluated, saying so, never a pass.
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
  remeasure_reps = param("remeasure_reps", 5,
    "repetitions when the slowest node's local triad is run again (quick: 2 at most; 0: not "
    .. "re-measured)"),
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

local s = operator.scenario {
  name = "bios-check",
  description = "host NUMA validation: topology, latency matrix, STREAM per node and "
             .. "interleaved, placement per policy",
  checks = checks,
  params = p,
  topo = topo,
}

-- The slowest node, re-measured. The sweep's local triad per node (after_config sees each
-- configuration's records as they end), then, once the sweep is done, the node with the lowest
-- median run again with the same parameters and judged against the best node's median. The
-- balance checks above compare each node with the first one from one short sample; this one
-- makes sure a node blamed for being slow is slow on a second look.
local CHECK = "slowest node's local triad, re-measured"
local local_triad = {} -- node id -> { params = the sweep's parameters, values = triad MB/s }

s.after_config = function(cfg)
  if cfg.workload ~= "stream" then return end
  local a, b = cfg.policy:match("^cpunodebind=(%d+) membind=(%d+)$")
  if not a or a ~= b then return end
  local xs = {}
  for _, r in ipairs(cfg.records) do
    local m = r.metrics and r.metrics.triad
    if r.outcome == "ok" and not r.warmup and m and type(m.value) == "number" then
      xs[#xs + 1] = m.value
    end
  end
  local_triad[tonumber(a)] = { params = cfg.params, values = xs }
end

s.done = function(results)
  local with_cpus = {}
  for _, n in ipairs(topo.nodes) do
    if #n.cpus > 0 then with_cpus[#with_cpus + 1] = n.id end
  end
  if #with_cpus < 2 then
    nh.check(CHECK, nil, string.format("not applicable: %d node with CPUs, no other node's local "
                                       .. "triad to compare it with", #with_cpus))
    return
  end
  local b = p.bandwidth_balance
  if b <= 0 then
    nh.check(CHECK, nil, "not checked: bandwidth_balance=0 (--set bandwidth_balance=0.8 to "
                         .. "re-measure the slowest node)")
    return
  end
  local reps = p.quick and math.min(p.remeasure_reps, 2) or p.remeasure_reps
  if reps < 1 then
    nh.check(CHECK, nil, "not re-measured: remeasure_reps=0")
    return
  end
  local slow, best, unmeasured = nil, nil, {}
  for _, id in ipairs(with_cpus) do
    local t = local_triad[id]
    if t and #t.values > 0 then
      t.median = nh.stats.median(t.values)
      if not slow or t.median < local_triad[slow].median then slow = id end
      if not best or t.median > local_triad[best].median then best = id end
    else
      unmeasured[#unmeasured + 1] = string.format("node %d", id)
    end
  end
  local missing = #unmeasured > 0
    and string.format("; no ok local triad for %s", table.concat(unmeasured, ", ")) or ""
  if not slow or slow == best then
    nh.check(CHECK, nil, "fewer than 2 nodes have an ok local triad to compare" .. missing)
    return
  end
  local was, top = local_triad[slow].median, local_triad[best].median
  local floor = b * top
  local c = nh.run {
    workload = "stream", policy = string.format("cpunodebind=%d membind=%d", slow, slow),
    params = local_triad[slow].params, reps = reps, warmup = p.quick and 0 or 1,
    timeout = p.quick and "2m" or "10m", tag = string.format("remeasure-n%d", slow),
    reason = string.format("slowest node: node %d's local triad %.0f MB/s is %.0f%% of node %d's "
                           .. "%.0f MB/s", slow, was, 100 * was / top, best, top),
  }
  local now, why = c:median("triad")
  if not now then
    nh.check(CHECK, nil, string.format("node %d re-measured, no figure: %s", slow, why))
    return
  end
  local verdict
  if now < floor then
    verdict = was < floor and "deficit confirmed" or "below on the second look"
  else
    verdict = was < floor and "the sweep's deficit was noise" or "no deficit"
  end
  nh.check(CHECK, now >= floor,
           string.format("node %d: %.0f MB/s re-measured (median of %d; the sweep's %.0f), "
                         .. "%.0f%% of node %d's %.0f MB/s, floor %.2f x: %s%s", slow, now, c.ok,
                         was, 100 * now / top, best, top, b, verdict, missing),
           { value = now, min = floor })
end

return scenario(s)
