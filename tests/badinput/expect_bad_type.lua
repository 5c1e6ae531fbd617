-- a bound that is not a number
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { metric = "triad", min = "fast" },
}
