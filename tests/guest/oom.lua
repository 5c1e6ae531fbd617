-- Guest test: the second run binds 480 MiB to a 320 MiB node.
return scenario {
  name = "oom",
  reps = 1,
  timeout = "120s",
  run { workload = "stream", params = { size = "24M", ntimes = 2 }, policies = { "membind=1" } },
  run { workload = "stream", params = { size = "480M", ntimes = 2, threads = 1 },
        policies = { "membind=1" } },
  run { workload = "stream", params = { size = "24M", ntimes = 2 }, policies = { "membind=0" } },
}
