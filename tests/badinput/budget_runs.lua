return scenario {
  reps = 5,
  budget = { runs = 4 },
  run { workload = "stream", params = { size = "1M" } },
}
