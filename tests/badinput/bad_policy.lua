return scenario {
  reps = 1,
  run {
    workload = "stream", params = { size = "1M" },
    policies = { "membind=0", "membind=7" },
  },
}
