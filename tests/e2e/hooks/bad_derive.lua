return scenario {
  derive { name = "x", from = function(r) return "fast" end },
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}
