return scenario {
  reps = 1,
  run { workload = "strem" },
}
