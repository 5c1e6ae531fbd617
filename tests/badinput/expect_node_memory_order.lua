-- memory per node: min above max
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { node_memory = { min = "64G", max = "16G" } },
}
