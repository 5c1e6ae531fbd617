-- One short run, for the host identity test: what matters is manifest.json, not the figures.
return scenario {
  name = "e2e-identity",
  reps = 1,
  timeout = "60s",
  run {
    workload = "stream",
    params = { size = "1M", threads = 1, ntimes = 2 },
    policies = { "default" },
  },
}
