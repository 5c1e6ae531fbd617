-- a metric the workload does not produce: caught before anything runs
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect {
    metric = "triadd", min = 1000,
  },
}
