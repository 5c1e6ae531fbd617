-- End-to-end host checks first: with --set nodes=N this host does not have, the host check
-- fails before the first run and the sweep is not run (unless --keep-going).
local nodes = param("nodes", 1, "expected NUMA node count")
return scenario {
  name = "e2e-expect-host",
  reps = 2,
  timeout = "60s",
  run {
    workload = "stream",
    params = { size = "3M", threads = 2, ntimes = 3 },
    policies = { "membind=0", "cpunodebind=0 localalloc" },
  },
  expect { nodes = nodes },
  expect { workload = "stream", policy = "membind=0", metric = "triad", min = 1 },
}
