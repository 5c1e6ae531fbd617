-- a filter that picks no run of the scenario
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { metric = "triad", min = 1000, policy = "interleave=all" },
}
