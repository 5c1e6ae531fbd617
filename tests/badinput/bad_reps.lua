return scenario {
  reps = 0,
  run { workload = "stream" },
}
