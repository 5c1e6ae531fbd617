-- a filter on a host check means nothing
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { nodes = 2, policy = "membind=0" },
}
