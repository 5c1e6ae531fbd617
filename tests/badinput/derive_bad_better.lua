return scenario {
  derive { name = "x", better = "up", from = function(r) return 1 end },
  run { workload = "stream", params = { size = "1M" } },
}
