-- a metric threshold with neither min nor max
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { metric = "triad", policy = "membind=0" },
}
