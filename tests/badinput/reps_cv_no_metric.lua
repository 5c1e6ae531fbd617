return scenario {
  run { workload = "stream", params = { size = "1M" }, reps = { min = 3, max = 9, cv = 0.02 } },
}
