-- a parameter the workload does not have
return scenario {
  reps = 1,
  run { workload = "stream", params = { sise = "1M" } },
}
