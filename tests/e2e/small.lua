-- A small scenario for the end-to-end test: two parameter values × two policies, one warm-up.
return scenario {
  name = "e2e-small",
  reps = 2,
  warmup = 1,
  timeout = "60s",
  run {
    workload = "stream",
    params = { size = { "3M", "6M" }, threads = 2, ntimes = 3 },
    policies = { "membind=0", "cpunodebind=0 localalloc" },
  },
}
