-- memory per node: sizes are read like workload sizes
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { node_memory = { min = "16Q" } },
}
