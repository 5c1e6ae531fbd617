-- allocators: glibc, jemalloc, tcmalloc and mimalloc under the same churn, each under the
-- process default policy, membind to the first node and interleave=all. Per allocator: ops/s,
-- allocation latency p99, RSS overhead (peak RSS / peak live bytes) and what it gives back;
-- every record confirms which allocator really served malloc. A missing allocator library is a
-- skipped run naming the Debian package. Compare two runs of it with `numaharness compare`.
local first = topo.nodes[1].id

return scenario {
  name = "allocators",
  reps = 3,
  warmup = 1,
  timeout = "5m",
  run {
    workload = "churn",
    params = {
      allocator = { "glibc", "jemalloc", "tcmalloc", "mimalloc" },
      sizes = "mixed",
      live = "256M",
      cross = { 0, 25 },
      duration = "3s",
    },
    policies = { "default", string.format("membind=%d", first), "interleave=all" },
  },
}
