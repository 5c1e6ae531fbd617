return scenario {
  reps = 1,
  run { workload = "stream", params = { size = "1X" } },
}
