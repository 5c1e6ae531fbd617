-- matrix: idle latency and stream bandwidth for every CPU node x memory node pair, as
-- `numaharness matrix latency` and `matrix bandwidth` run them, in one scenario (and one
-- results directory) — the operator's first look at a new machine's NUMA shape.
local pairs_ = policies.node_pairs(topo, "cpunodebind=%d membind=%d")
-- Beyond every cache: 4x the last-level cache, at least 256 MiB.
local chase_size = math.max(4 * topo.llc_bytes, 256 * 1024 * 1024)

return scenario {
  name = "matrix",
  reps = 3,
  timeout = "10m",
  run { workload = "chase", params = { size = string.format("%d", chase_size) }, policies = pairs_ },
  run { workload = "stream", params = { size = "auto", threads = "all" }, policies = pairs_ },
}
