-- two checks in one expect
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { nodes = 2, placement = 0.99 },
}
