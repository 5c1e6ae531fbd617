return scenario {
  after_run = 3,
  run { workload = "stream", params = { size = "1M" } },
}
