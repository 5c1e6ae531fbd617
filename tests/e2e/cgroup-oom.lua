-- The e2e test of per-run cgroups: the middle run's 128 MiB of arrays cannot fit its 64 MiB
-- memory_limit, so the OOM killer ends it inside its own cgroup; the runs around it are intact.
return scenario {
  name = "cgroup-oom",
  reps = 1,
  timeout = "120s",
  run { workload = "stream", params = { size = "16M", ntimes = 2, threads = 1 } },
  run { workload = "stream", params = { size = "128M", ntimes = 2, threads = 1, memory_limit = "64M" } },
  run { workload = "stream", params = { size = "16M", ntimes = 2, threads = 1 } },
}
