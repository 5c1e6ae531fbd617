-- xcache: a cache bound to the wrong node. The same in-memory cache (open-addressing table,
-- GET/SET mix) is served from each node's CPUs with its table on every node in turn, so the
-- records give the local-vs-remote penalty per pair; `compare` or the report puts them side
-- by side. Uniform and Zipf-skewed keys (hot keys stay in cache and hide the penalty).
return scenario {
  name = "xcache",
  reps = 3,
  timeout = "5m",
  run {
    workload = "xcache",
    params = { keys = 4000000, value_size = 64, set_ratio = 10, dist = { "uniform", "zipf" },
               duration = "3s" },
    policies = policies.node_pairs(topo, "cpunodebind=%d membind=%d"),
  },
}
